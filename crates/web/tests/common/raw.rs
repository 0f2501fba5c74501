//! HTTP by hand, for what a polite client would not do: a `Host` header of
//! the attacker's choosing, a request whose answer is never read.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// A connection with a small receive buffer (so that a reader that stops
/// reading stalls the server's writes after a few kilobytes, not after
/// the kernel's default of hundreds), `request` sent, nothing read.
pub async fn stalled(addr: SocketAddr, request: &str) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    stream
}

/// [`stalled`], once the answer's head has come: the server has taken
/// the request and holds whatever it costs (a replay slot) before this
/// returns. Gives the connection and the status.
pub async fn stalled_after_head(addr: SocketAddr, request: &str) -> (TcpStream, u16) {
    let mut stream = stalled(addr, request).await;
    let mut got = Vec::new();
    let mut buf = [0; 512];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while super::find(&got, b"\r\n\r\n").is_none() {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => got.extend_from_slice(&buf[..n]),
            _ => panic!("no answer's head: {}", String::from_utf8_lossy(&got)),
        }
    }
    let status = String::from_utf8_lossy(&got)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (stream, status)
}

/// `GET path` with this `Host`, and nothing else.
pub fn get(path: &str, host: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n")
}

/// A WebSocket handshake for `/ws`, with `Origin` if given.
pub fn websocket(host: &str, origin: Option<&str>) -> String {
    let origin = origin.map_or(String::new(), |o| format!("Origin: {o}\r\n"));
    format!(
        "GET /ws HTTP/1.1\r\nHost: {host}\r\n{origin}Upgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
}

/// Sends `request` and reads the answer's head and up to 64 KiB of what
/// follows (the connection is left for the server to close): (status,
/// head and start of the body).
pub async fn exchange(addr: SocketAddr, request: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0; 4096];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let read = tokio::time::timeout_at(deadline, stream.read(&mut buf)).await;
        match read {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
        // Enough: the head and the start of a body, if the body is endless.
        if let Some(end) = super::find(&got, b"\r\n\r\n") {
            if got.len() > end + 4 || head_says_empty(&got[..end]) {
                // Read on a little for short bodies sent in a second write.
                let more = tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buf));
                if let Ok(Ok(n)) = more.await {
                    got.extend_from_slice(&buf[..n]);
                }
                break;
            }
        }
        if got.len() > 64 * 1024 {
            break;
        }
    }
    let text = String::from_utf8_lossy(&got).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn head_says_empty(head: &[u8]) -> bool {
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    head.contains("content-length: 0") || head.contains(" 101 ")
}
