//! Each viewer is paced by its own connection: a slow one gets recent
//! frames, not a backlog; a stalled one neither blocks the others nor
//! keeps the server from stopping.

mod common;

use std::time::Duration;

use common::{start, Format, Parts};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;
use vigie_web::WebConfig;

/// A client socket with a tiny receive buffer, so that what waits for it
/// waits on the server's side, as on a slow link.
async fn small_socket(addr: std::net::SocketAddr) -> tokio::net::TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.connect(addr).await.unwrap()
}

/// The X-Frame-Sequence of the last part read.
fn sequence(parts: &Parts) -> u64 {
    let value = parts
        .headers
        .lines()
        .find_map(|l| l.strip_prefix("x-frame-sequence:"))
        .expect("every part is numbered");
    value.trim().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_reader_gets_recent_frames_not_a_backlog() {
    let rig = start(WebConfig::default()).await;
    rig.camera("salon", 320, 240, 30.0, Format::Jpeg);
    rig.wait_frames("salon", 1).await;
    // HTTP/1.0, so that the body comes without chunked encoding.
    let mut slow = small_socket(rig.http).await;
    let request = "GET /cameras/salon/stream.mjpg HTTP/1.0\r\n\r\n";
    slow.write_all(request.as_bytes()).await.unwrap();
    // Read about 40 kB/s for 4 s, far less than the camera sends.
    let mut received = Vec::new();
    let mut chunk = [0u8; 2048];
    for _ in 0..80 {
        let n = slow.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the stream goes on");
        received.extend_from_slice(&chunk[..n]);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let body = common::find(&received, b"\r\n\r\n").unwrap() + 4;
    let mut parts = Parts::default();
    parts.push(&received[body..]);
    let mut sequences = Vec::new();
    while parts.next_part().is_some() {
        sequences.push(sequence(&parts));
    }
    let frames = rig.frames_of("salon");
    eprintln!(
        "slow reader: {} parts of {frames} frames: {sequences:?}",
        sequences.len()
    );
    assert!(sequences.windows(2).all(|w| w[0] < w[1]));
    assert!(
        sequences.windows(2).any(|w| w[1] - w[0] > 1),
        "frames skipped"
    );

    // Now the reader speeds up: how many parts were waiting for it before
    // it gets a frame at least as new as the camera's newest right now?
    let newest = rig.view("salon").unwrap().latest.unwrap().sequence();
    let mut waiting = 0;
    'catch_up: loop {
        let n = slow.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the stream goes on");
        parts.push(&chunk[..n]);
        while parts.next_part().is_some() {
            waiting += 1;
            if sequence(&parts) >= newest {
                break 'catch_up;
            }
        }
    }
    eprintln!("{waiting} parts were waiting for the slow reader");
    // Bounded by MAX_BUFFER + UNSENT + its own receive buffer: a few
    // frames, where hyper's and the kernel's defaults would hold dozens.
    assert!(waiting <= 12, "{waiting} parts were waiting");
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_streams_and_stalled_readers() {
    let rig = start(WebConfig::default()).await;
    rig.camera("salon", 640, 480, 30.0, Format::Jpeg);
    rig.wait_frames("salon", 1).await;
    // A reader that stops reading (with a tiny receive buffer, so that the
    // server's writes to it block for good), one that reads, a page.
    let mut stalled = small_socket(rig.http).await;
    let request = "GET /cameras/salon/stream.mjpg HTTP/1.1\r\nHost: x\r\n\r\n";
    stalled.write_all(request.as_bytes()).await.unwrap();
    let mut reading = common::stream_client()
        .get(rig.url("/cameras/salon/stream.mjpg"))
        .send()
        .await
        .unwrap();
    let reading = tokio::spawn(async move { while let Ok(Some(_)) = reading.chunk().await {} });
    let (page, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", rig.http))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    // `stop` waits for the web server to return, which it must do even
    // though the stalled reader never takes its bytes.
    let started = std::time::Instant::now();
    rig.stop().await;
    eprintln!("stopped in {:?}", started.elapsed());
    // The reading client saw its stream end.
    reading.await.unwrap();
    drop((stalled, page));
}
