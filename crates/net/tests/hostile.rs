//! Hostile peers against a real server on loopback: junk that must not
//! evict cameras, look-alike names, and cameras that lie about their
//! statistics. (Attacks that need the server's memory or log as a separate
//! process are in `crates/vigie/tests/hostile`.)

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;
use vigie_core::frame::now_us;
use vigie_core::{Frame, FrameHeader, PixelFormat};
use vigie_hub::stats::MAX_LATENCY;
use vigie_hub::CameraState;
use vigie_net::protocol::{self, ClientMessage, Hello, Refusal, ServerMessage, MAGIC};
use vigie_net::Error;

fn hello(name: &str) -> Hello {
    Hello {
        version: protocol::VERSION,
        camera: name.into(),
        width: 16,
        height: 12,
        format: PixelFormat::Jpeg,
        fps: 10.0,
        token: None,
    }
}

/// Opens a native connection, says hello by hand, returns the answer.
async fn raw_hello(addr: SocketAddr, name: &str) -> (TcpStream, ServerMessage) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let mut out = MAGIC.to_vec();
    protocol::encode_client(&ClientMessage::Hello(hello(name)), &mut out).unwrap();
    s.write_all(&out).await.unwrap();
    let mut len = [0; 4];
    s.read_exact(&mut len).await.unwrap();
    let mut body = vec![0; u32::from_be_bytes(len) as usize];
    s.read_exact(&mut body).await.unwrap();
    (s, protocol::decode_server(&body).unwrap())
}

/// A real 16×12 JPEG whose SOF marker says `width`×`height`.
fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg =
        vigie_core::jpeg::encode(&[128; 16 * 12], 16, 12, PixelFormat::Gray8, 80).unwrap();
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    jpeg
}

/// Sends one frame of camera `name` with the given header fields.
async fn send_frame(s: &mut TcpStream, name: &str, sequence: u64, captured: u64, jpeg: Vec<u8>) {
    let header = FrameHeader {
        camera: name.into(),
        sequence,
        captured_at_us: captured,
        width: 16,
        height: 12,
        format: PixelFormat::Jpeg,
    };
    let mut out = Vec::new();
    let frame = Frame::new(header, jpeg).unwrap();
    protocol::encode_client(&ClientMessage::Frame(frame), &mut out).unwrap();
    s.write_all(&out).await.unwrap();
}

/// Reads (heartbeats) until the server closes the connection, or 30 s.
async fn closed_by_server(s: &mut TcpStream) -> bool {
    let mut buf = [0; 1024];
    let read_all = async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return true,
                Ok(_) => continue,
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), read_all)
        .await
        .unwrap_or(false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junk_connections_do_not_evict_an_offline_camera() {
    // 128 cameras: the list keeps 4 × 128 = 512 entries.
    let server = start_server(quick_config(), 128).await;
    let mut config = client_config(server.addr, 20.0);
    config.frames = Some(5);
    spawn_camera(config, "real", CancellationToken::new())
        .await
        .unwrap()
        .unwrap();
    eventually("the real camera went offline", || {
        server
            .camera("real")
            .is_some_and(|v| v.state == CameraState::Offline)
    })
    .await;
    // 522 legacy peers that send a 4-byte prefix and nothing else…
    let mut junk = Vec::new();
    for _ in 0..522 {
        let mut s = TcpStream::connect(server.addr).await.unwrap();
        s.write_all(&1000u32.to_be_bytes()).await.unwrap();
        junk.push(s);
    }
    // …and 522 native peers that say hello under a new name, then leave.
    for i in 0..522 {
        let (s, answer) = raw_hello(server.addr, &format!("junk{i}")).await;
        assert!(matches!(answer, ServerMessage::Accept(_)), "{answer:?}");
        drop(s);
    }
    eventually("the hellos are offline", || {
        server.registry.connected() == 0
    })
    .await;
    let views = server.registry.snapshot();
    let legacy = views
        .iter()
        .filter(|v| v.name.starts_with("legacy-"))
        .count();
    assert_eq!(legacy, 0, "a legacy peer with no valid frame is no camera");
    assert!(views.len() <= 512, "{} entries", views.len());
    let real = server
        .camera("real")
        .expect("the real camera is still listed");
    assert_eq!(real.stats.frames, 5);
    drop(junk);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_with_invisible_characters_are_refused_with_a_reason() {
    let server = start_server(quick_config(), 8).await;
    for bad in ["cam1\u{200B}", "\u{202E}cam1", "cam\u{2066}1", "cam1\r"] {
        let (_s, answer) = raw_hello(server.addr, bad).await;
        let ServerMessage::Refuse(Refusal::InvalidHello(reason)) = answer else {
            panic!("{bad:?} was not refused: {answer:?}");
        };
        assert!(reason.contains("invisible character"), "{reason}");
    }
    // The library client stops on such a refusal, with the reason.
    let config = client_config(server.addr, 10.0);
    let err = spawn_camera(config, "cam1\u{200B}", CancellationToken::new())
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Refused(Refusal::InvalidHello(r)) if r.contains("U+200B")),
        "{err}"
    );
    assert!(server.registry.snapshot().is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_are_compared_after_nfc_normalization() {
    let server = start_server(quick_config(), 8).await;
    let stop = CancellationToken::new();
    // "café" typed with a combining accent streams under the NFC name.
    let decomposed = spawn_camera(
        client_config(server.addr, 20.0),
        "cafe\u{301}",
        stop.clone(),
    );
    eventually("the camera streams", || server.frames_of("caf\u{E9}") >= 3).await;
    let (_s, answer) = raw_hello(server.addr, "caf\u{E9}").await;
    assert_eq!(
        answer,
        ServerMessage::Refuse(Refusal::NameInUse("caf\u{E9}".into()))
    );
    assert_eq!(server.registry.snapshot().len(), 1);
    stop.cancel();
    decomposed.await.unwrap().unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_camera_cannot_falsify_its_statistics() {
    let server = start_server(quick_config(), 8).await;
    let (mut s, answer) = raw_hello(server.addr, "liar").await;
    assert!(matches!(answer, ServerMessage::Accept(_)));
    let jpeg = || jpeg_claiming(16, 12);
    // Sequence jumps of 2^64 - 2 each: the drop count saturates.
    for (i, seq) in [0, u64::MAX, 0, u64::MAX].into_iter().enumerate() {
        send_frame(&mut s, "liar", seq, now_us(), jpeg()).await;
        eventually("the frame arrives", || {
            server.frames_of("liar") == i as u64 + 1
        })
        .await;
    }
    assert_eq!(server.camera("liar").unwrap().stats.drops, u64::MAX);
    // A capture time of 1970: the latency is clamped, not 1.7e12 ms.
    send_frame(&mut s, "liar", 1, 0, jpeg()).await;
    eventually("frame 5", || server.frames_of("liar") == 5).await;
    let stats = server.camera("liar").unwrap().stats;
    assert_eq!(stats.latency_p99, Some(MAX_LATENCY));
    assert!(!stats.clock_ahead);
    // A capture time an hour ahead flags the clock.
    send_frame(&mut s, "liar", 2, now_us() + 3_600_000_000, jpeg()).await;
    eventually("the clock is flagged", || {
        server.camera("liar").unwrap().stats.clock_ahead
    })
    .await;
    // A 16×12 header on an 8,192×8,192 JPEG: the JPEG's size is shown.
    send_frame(&mut s, "liar", 3, now_us(), jpeg_claiming(8192, 8192)).await;
    eventually("frame 7", || server.frames_of("liar") == 7).await;
    let latest = server.camera("liar").unwrap().latest.unwrap();
    assert_eq!((latest.width(), latest.height()), (8192, 8192));
    // Above the pixel cap (8,192 × 8,192 by default): the camera is dropped.
    send_frame(&mut s, "liar", 4, now_us(), jpeg_claiming(9000, 9000)).await;
    assert!(closed_by_server(&mut s).await);
    assert_eq!(server.frames_of("liar"), 7);
    server.stop().await;
}
