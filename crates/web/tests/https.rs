//! HTTPS with the server's own certificate, over a real socket on loopback:
//! a client that pins the certificate's fingerprint gets the page; plain
//! HTTP on the same port gets nothing readable.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use vigie_hub::{Lifecycle, Registry};
use vigie_trust::tls::{pinned_client_config, server_config, server_name};
use vigie_trust::ServerIdentity;
use vigie_web::WebConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_is_served_over_tls_with_the_servers_certificate() {
    let identity = ServerIdentity::generate().unwrap();
    let mut tls = server_config(&identity).unwrap();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    let config = WebConfig {
        tls: Some(Arc::new(tls)),
        fingerprint: Some(identity.fingerprint().hex()),
        ..WebConfig::default()
    };
    let web = tokio::spawn(vigie_web::serve(
        listener,
        Registry::new(4, Lifecycle::default()),
        config,
        shutdown.clone(),
    ));

    let client = Arc::new(pinned_client_config(identity.fingerprint()).unwrap());
    let tcp = TcpStream::connect(addr).await.unwrap();
    let mut stream = tokio_rustls::TlsConnector::from(client)
        .connect(server_name(), tcp)
        .await
        .unwrap();
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer));
    let _ = read.await.expect("an answer in time");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");

    // The page's state carries the fingerprint, for the user to compare
    // with the browser's certificate warning.
    let tcp = TcpStream::connect(addr).await.unwrap();
    let client = Arc::new(pinned_client_config(identity.fingerprint()).unwrap());
    let mut stream = tokio_rustls::TlsConnector::from(client)
        .connect(server_name(), tcp)
        .await
        .unwrap();
    let api = format!("GET /api/cameras HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(api.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer));
    let _ = read.await.expect("an answer in time");
    let text = String::from_utf8_lossy(&answer);
    let hex = identity.fingerprint().hex();
    assert!(
        text.contains(&format!("\"server_fingerprint\":\"{hex}\"")),
        "{text}"
    );

    // Plain HTTP on the HTTPS port: no HTTP answer comes back.
    let mut plain = TcpStream::connect(addr).await.unwrap();
    plain.write_all(request.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(15), plain.read_to_end(&mut got)).await;
    assert!(!got.starts_with(b"HTTP/1.1 200"), "plain HTTP was served");
    shutdown.cancel();
    web.await.unwrap().unwrap();
}
