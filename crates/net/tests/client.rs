//! The client with a mocked camera: what happens when the camera fails.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use common::*;
use mockall::mock;
use tokio_util::sync::CancellationToken;
use vigie_camera::{Camera, CameraError, CameraInfo, TestPattern};
use vigie_core::{Frame, PixelFormat};
use vigie_net::client;

mock! {
    Cam {}
    impl Camera for Cam {
        fn info(&self) -> CameraInfo;
        fn next_frame(&mut self) -> Result<Frame, CameraError>;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_camera_failing_mid_stream_is_reported_and_the_connection_stays_up() {
    let server = start_server(quick_config(), 8).await;
    let pattern = TestPattern::new("flaky", 32, 32, 30.0).unwrap();
    let calls = Arc::new(AtomicU64::new(0));
    let seen = calls.clone();
    let mut cam = MockCam::new();
    cam.expect_info().returning(|| CameraInfo {
        name: "flaky".into(),
        width: 32,
        height: 32,
        format: PixelFormat::Rgb8,
        fps: 30.0,
    });
    cam.expect_next_frame().returning(move || {
        let n = seen.fetch_add(1, Ordering::SeqCst);
        if n == 2 {
            Err(CameraError::Disconnected("USB reset".into()))
        } else {
            Ok(pattern.render(n, vigie_core::frame::now_us()))
        }
    });

    let stop = CancellationToken::new();
    let mut config = client_config(server.addr, 30.0);
    config.frames = Some(10);
    let summary = client::run(config, Box::new(cam), stop).await.unwrap();

    assert_eq!(summary.camera_errors, 1);
    assert_eq!(summary.frames_sent, 10);
    assert_eq!(
        summary.connections, 1,
        "the camera error must not cost the connection"
    );
    eventually("all ten frames arrived", || server.frames_of("flaky") == 10).await;
    server.stop().await;
}
