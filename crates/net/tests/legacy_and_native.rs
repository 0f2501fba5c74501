//! The report's Python wire format and vigie's own, on the same port.

mod common;

use common::*;
use tokio_util::sync::CancellationToken;
use vigie_hub::CameraState;
use vigie_net::Protocol;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_and_native_clients_side_by_side() {
    let server = start_server(quick_config(), 8).await;
    let stop = CancellationToken::new();
    let native = spawn_camera(client_config(server.addr, 20.0), "moderne", stop.clone());
    let mut legacy_config = client_config(server.addr, 20.0);
    legacy_config.protocol = Protocol::Legacy;
    let legacy = spawn_camera(legacy_config, "ignored-by-legacy", stop.clone());

    eventually("both cameras deliver frames", || {
        let views = server.registry.snapshot();
        let native_ok = views
            .iter()
            .any(|v| v.name == "moderne" && v.stats.frames > 5);
        let legacy_ok = views
            .iter()
            .any(|v| v.name.starts_with("legacy-127.0.0.1:") && v.stats.frames > 5);
        native_ok && legacy_ok
    })
    .await;

    let views = server.registry.snapshot();
    let old = views
        .iter()
        .find(|v| v.origin.link() == Protocol::Legacy.label())
        .unwrap();
    assert_eq!(old.state, CameraState::Online);
    let frame = old.latest.as_ref().unwrap();
    // The JPEG came through the pickle intact: it decodes to the pattern's size.
    let rgb = vigie_core::jpeg::decode_rgb(frame.payload()).unwrap();
    assert_eq!((rgb.width, rgb.height), (64, 48));
    assert_eq!((frame.width(), frame.height()), (64, 48));
    // The legacy format has no capture time: no latency is claimed for it.
    assert_eq!(old.stats.latency_p50, None);
    let new = views.iter().find(|v| v.name == "moderne").unwrap();
    assert!(new.stats.latency_p50.is_some());

    stop.cancel();
    native.await.unwrap().unwrap();
    legacy.await.unwrap().unwrap();
    server.stop().await;
}
