//! Camera names come from URLs, so from anyone: whatever they hold, the
//! answer is a plain 404 (or 400 for a request line that is not valid
//! HTTP), never a file, a panic or a stopped server.

mod common;

use common::{http_client, start, Format};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use vigie_web::WebConfig;

/// Names that must be a plain 404: path tricks, encodings, sizes.
const WEIRD: &[&str] = &[
    "inconnue",
    "..%2F..%2Fetc%2Fpasswd",
    "..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "%2E%2E",
    "salon%2F..",
    "salon%00",
    "%00",
    "%FF%FE%FD",
    "%C0%AF",
    "%E2%82",
    "sa%lon",
    "%25",
    "salon%20",
    "SALON",
    "%F0%9F%93%B7",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_weird_camera_names_are_404() {
    let rig = start(WebConfig::default()).await;
    rig.camera("salon", 64, 48, 20.0, Format::Jpeg);
    rig.wait_frames("salon", 1).await;
    let long = "a".repeat(10_000);
    let names = WEIRD.iter().copied().chain([long.as_str()]);
    for name in names {
        for file in ["snapshot.jpg", "stream.mjpg"] {
            let url = rig.url(&format!("/cameras/{name}/{file}"));
            let r = http_client().get(&url).send().await.unwrap();
            assert_eq!(r.status(), 404, "{url}");
        }
    }
    // Paths a URL library would tidy up, sent byte for byte.
    for path in [
        "/cameras/../../etc/passwd/snapshot.jpg",
        "/cameras/salon/../../../etc/passwd",
        "/cameras//snapshot.jpg",
        "/cameras/salon/snapshot.jpg/../../..",
        "/../../etc/passwd",
        "/cameras/%FF/stream.mjpg",
    ] {
        let status = raw_get(rig.http, path).await;
        assert!(status == 404 || status == 400, "{path}: {status}");
    }
    // The good name still works, and the server is still up.
    let r = http_client()
        .get(rig.url("/cameras/salon/snapshot.jpg"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    rig.stop().await;
}

/// Sends a GET for `path` exactly as written; returns the status code.
async fn raw_get(addr: std::net::SocketAddr, path: &str) -> u16 {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(request.as_bytes()).await.unwrap();
    let mut head = vec![0u8; 12];
    s.read_exact(&mut head).await.unwrap();
    let text = String::from_utf8_lossy(&head);
    text[9..12].parse().unwrap()
}
