//! What a packet capture sees, before and after TLS.
//!
//! `cargo run -p vigie-trust --example on_the_wire`
//!
//! A camera sends its name and a (tiny, fake) JPEG picture twice through a
//! relay on 127.0.0.1 that records every byte going to the server, as
//! `tcpdump` would: once in the clear, once inside TLS 1.3 with a pinned
//! certificate. The relay's recording is then searched for the JPEG marker
//! `FF D8 FF` and for the camera's name.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{TlsAcceptor, TlsConnector};
use vigie_trust::tls::{pinned_client_config, server_config, server_name};
use vigie_trust::ServerIdentity;

const NAME: &[u8] = b"salon";
/// The start of every JPEG file (SOI and an APP0 marker), then its end.
const PICTURE: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0xFF, 0xD9,
];

/// A server that reads everything, over TLS if `tls` is given.
async fn server(
    tls: Option<TlsAcceptor>,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<Vec<u8>>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    Ok((
        addr,
        tokio::spawn(async move {
            let mut got = Vec::new();
            if let Ok((tcp, _)) = listener.accept().await {
                let _ = match tls {
                    Some(acceptor) => match acceptor.accept(tcp).await {
                        Ok(mut s) => s.read_to_end(&mut got).await,
                        Err(e) => Err(e),
                    },
                    None => {
                        let mut tcp = tcp;
                        tcp.read_to_end(&mut got).await
                    }
                };
            }
            got
        }),
    ))
}

/// A relay to `to` that records the bytes the client sends: the "capture".
async fn recording_relay(
    to: SocketAddr,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<Vec<u8>>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    Ok((
        addr,
        tokio::spawn(async move {
            let mut capture = Vec::new();
            let (Ok((client, _)), Ok(server)) =
                (listener.accept().await, TcpStream::connect(to).await)
            else {
                return capture;
            };
            let (mut from_client, mut to_client) = client.into_split();
            let (mut from_server, mut to_server) = server.into_split();
            let back =
                tokio::spawn(
                    async move { tokio::io::copy(&mut from_server, &mut to_client).await },
                );
            let mut buf = [0u8; 4096];
            while let Ok(n) = from_client.read(&mut buf).await {
                if n == 0 || to_server.write_all(&buf[..n]).await.is_err() {
                    break;
                }
                capture.extend_from_slice(&buf[..n]);
            }
            let _ = to_server.shutdown().await;
            let _ = back.await;
            capture
        }),
    ))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn show(title: &str, capture: &[u8]) {
    println!("{title}: {} bytes captured", capture.len());
    for line in capture.chunks(16).take(4) {
        let hex: Vec<String> = line.iter().map(|b| format!("{b:02x}")).collect();
        let text: String = line
            .iter()
            .map(|&b| if b.is_ascii_graphic() { b as char } else { '.' })
            .collect();
        println!("  {:<48} {text}", hex.join(" "));
    }
    println!(
        "  JPEG marker FF D8 FF visible: {}",
        if contains(capture, &PICTURE[..3]) {
            "yes"
        } else {
            "no"
        }
    );
    println!(
        "  camera name visible:          {}",
        if contains(capture, NAME) { "yes" } else { "no" }
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let message = [b"VIGI".as_slice(), NAME, PICTURE].concat();

    // In the clear, as the report's link was.
    let (server_addr, received) = server(None).await?;
    let (relay, capture) = recording_relay(server_addr).await?;
    let mut tcp = TcpStream::connect(relay).await?;
    tcp.write_all(&message).await?;
    tcp.shutdown().await?;
    assert_eq!(received.await?, message);
    show("plaintext", &capture.await?);

    // The same bytes inside TLS 1.3, the certificate pinned.
    let identity = ServerIdentity::generate()?;
    let acceptor = TlsAcceptor::from(Arc::new(server_config(&identity)?));
    let (server_addr, received) = server(Some(acceptor)).await?;
    let (relay, capture) = recording_relay(server_addr).await?;
    let connector = TlsConnector::from(Arc::new(pinned_client_config(identity.fingerprint())?));
    let mut tls = connector
        .connect(server_name(), TcpStream::connect(relay).await?)
        .await?;
    tls.write_all(&message).await?;
    tls.shutdown().await?;
    assert_eq!(
        received.await?,
        message,
        "the server still reads the same bytes"
    );
    println!();
    show(
        &format!("TLS 1.3, server {}", identity.fingerprint()),
        &capture.await?,
    );
    Ok(())
}
