//! The whole story over real TLS on loopback: pair, pin, reconnect, and a
//! man in the middle that gets nothing. The messages are a one-line toy
//! protocol of this test; vigie-net carries the same values in its own.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::SystemTime;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{TlsAcceptor, TlsConnector};
use vigie_trust::pairing::SystemClock;
use vigie_trust::tls::{
    pairing_client_config, peer_fingerprint, pinned_client_config, server_name,
};
use vigie_trust::{
    CameraToken, PairFailure, PairingCode, PinStore, ServerIdentity, ServerTrust, StateDir,
    TrustFailure,
};

/// Reads one line of at most 256 bytes.
async fn read_line<R: AsyncRead + Unpin>(r: R) -> String {
    let mut line = String::new();
    BufReader::new(r.take(256))
        .read_line(&mut line)
        .await
        .unwrap();
    line.trim_end().to_owned()
}

/// Serves `connections` connections with `trust`: PAIR or AUTH.
async fn serve(
    trust: Arc<ServerTrust>,
    connections: usize,
) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let acceptor = TlsAcceptor::from(trust.tls_config());
        for _ in 0..connections {
            let (tcp, peer) = listener.accept().await.unwrap();
            let Ok(mut tls) = acceptor.accept(tcp).await else {
                continue;
            };
            let line = read_line(&mut tls).await;
            let words: Vec<&str> = line.split(' ').collect();
            let answer = match words.as_slice() {
                ["PAIR", secret, name] => match vigie_trust::PairingSecret::parse(secret) {
                    Err(e) => format!("REFUSED {e}"),
                    Ok(secret) => match trust.pair(&secret, name, peer.ip()) {
                        Ok(token) => format!("TOKEN {}", token.to_base64url()),
                        Err(PairFailure::Refused(reason)) => format!("REFUSED {reason}"),
                        Err(e) => format!("ERROR {e}"),
                    },
                },
                ["AUTH", name, token] => {
                    match trust.authenticate(name, CameraToken::parse(token).as_ref()) {
                        Ok(()) => "OK".to_owned(),
                        Err(reason) => format!("REFUSED {reason}"),
                    }
                }
                _ => "REFUSED malformed".to_owned(),
            };
            let _ = tls.write_all(format!("{answer}\n").as_bytes()).await;
            let _ = tls.shutdown().await;
        }
    });
    (addr, task)
}

async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(mut tls: S, line: &str) -> String {
    tls.write_all(format!("{line}\n").as_bytes()).await.unwrap();
    read_line(&mut tls).await
}

/// The client's side of pairing: check the certificate by the code, send
/// the secret, keep the token and pin the fingerprint.
async fn pair(
    addr: SocketAddr,
    code: &PairingCode,
    name: &str,
    pins: &mut PinStore,
) -> Result<String, std::io::Error> {
    let tcp = TcpStream::connect(addr).await?;
    let config = Arc::new(pairing_client_config(code).unwrap());
    let tls = TlsConnector::from(config)
        .connect(server_name(), tcp)
        .await?;
    let fingerprint = peer_fingerprint(tls.get_ref().1).unwrap();
    let answer = exchange(tls, &format!("PAIR {} {name}", code.secret())).await;
    if let Some(token) = answer.strip_prefix("TOKEN ") {
        let token = CameraToken::parse(token).unwrap();
        pins.record_pairing(
            &addr.to_string(),
            fingerprint,
            name,
            token,
            SystemTime::now(),
        )
        .unwrap();
    }
    Ok(answer)
}

/// A later run: pinned certificate, token.
async fn reconnect(
    addr: SocketAddr,
    pins: &PinStore,
    name: &str,
) -> Result<String, std::io::Error> {
    let server = addr.to_string();
    let tcp = TcpStream::connect(addr).await?;
    let config = Arc::new(pinned_client_config(pins.fingerprint(&server).unwrap()).unwrap());
    let tls = TlsConnector::from(config)
        .connect(server_name(), tcp)
        .await?;
    let token = pins.token(&server, name).unwrap().to_base64url();
    Ok(exchange(tls, &format!("AUTH {name} {token}")).await)
}

fn server_trust(dir: &std::path::Path) -> Arc<ServerTrust> {
    let (trust, _) =
        ServerTrust::open(StateDir::open(dir).unwrap(), Arc::new(SystemClock)).unwrap();
    Arc::new(trust)
}

#[tokio::test]
async fn pair_once_then_reconnect_with_the_pin_and_the_token() {
    let server_dir = tempfile::tempdir().unwrap();
    let client_dir = tempfile::tempdir().unwrap();
    let trust = server_trust(server_dir.path());
    let code = trust.issue_code().unwrap();
    let (addr, server) = serve(trust.clone(), 4).await;
    let mut pins = PinStore::load(&StateDir::open(client_dir.path()).unwrap()).unwrap();

    let answer = pair(addr, &code, "salon", &mut pins).await.unwrap();
    assert!(answer.starts_with("TOKEN "), "{answer}");
    assert_eq!(
        pins.fingerprint(&addr.to_string()),
        Some(trust.fingerprint())
    );
    // The code was single-use.
    let again = pair(addr, &code, "cuisine", &mut pins).await.unwrap();
    assert_eq!(
        again,
        format!(
            "REFUSED {}",
            vigie_trust::RefusalReason::PairingCodeWrongOrExpired
        )
    );

    let pins = PinStore::load(&StateDir::open(client_dir.path()).unwrap()).unwrap();
    assert_eq!(reconnect(addr, &pins, "salon").await.unwrap(), "OK");
    // A token of its own does not let another camera take the name.
    let stranger = CameraToken::generate().unwrap().to_base64url();
    let tcp = TcpStream::connect(addr).await.unwrap();
    let config = Arc::new(pinned_client_config(trust.fingerprint()).unwrap());
    let tls = TlsConnector::from(config)
        .connect(server_name(), tcp)
        .await
        .unwrap();
    let answer = exchange(tls, &format!("AUTH salon {stranger}")).await;
    assert!(
        answer.starts_with("REFUSED the name \"salon\" belongs to a paired camera"),
        "{answer}"
    );
    server.await.unwrap();
}

/// A proxy that shows its own certificate and relays whatever it can read.
async fn man_in_the_middle(real: SocketAddr) -> (SocketAddr, tokio::task::JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let own = ServerIdentity::generate().unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(vigie_trust::tls::server_config(&own).unwrap()));
    let task = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut seen = Vec::new();
        if let Ok(mut tls) = acceptor.accept(tcp).await {
            // Had the client trusted us, this is where the secret would leak.
            let _ = tls.read_to_end(&mut seen).await;
            let _ = TcpStream::connect(real).await;
        }
        seen
    });
    (addr, task)
}

#[tokio::test]
async fn a_man_in_the_middle_gets_nothing_and_is_named() {
    let server_dir = tempfile::tempdir().unwrap();
    let client_dir = tempfile::tempdir().unwrap();
    let trust = server_trust(server_dir.path());
    let code = trust.issue_code().unwrap();
    let (real, server) = serve(trust.clone(), 2).await;
    let mut pins = PinStore::load(&StateDir::open(client_dir.path()).unwrap()).unwrap();

    // During pairing.
    let (proxy, mitm) = man_in_the_middle(real).await;
    let err = pair(proxy, &code, "salon", &mut pins).await.unwrap_err();
    assert!(
        matches!(
            TrustFailure::from_io_error(&err),
            Some(TrustFailure::NotThePairingServer { .. })
        ),
        "{err}"
    );
    assert!(mitm.await.unwrap().is_empty(), "the proxy read nothing");
    assert_eq!(pins.servers().count(), 0, "nothing was pinned");

    // The code is intact: the real server still takes it.
    assert!(pair(real, &code, "salon", &mut pins)
        .await
        .unwrap()
        .starts_with("TOKEN "));

    // After pairing: the proxy's certificate is not the pinned one.
    let (proxy, mitm) = man_in_the_middle(real).await;
    let tcp = TcpStream::connect(proxy).await.unwrap();
    let config =
        Arc::new(pinned_client_config(pins.fingerprint(&real.to_string()).unwrap()).unwrap());
    let err = TlsConnector::from(config)
        .connect(server_name(), tcp)
        .await
        .unwrap_err();
    match TrustFailure::from_io_error(&err) {
        Some(TrustFailure::NotPinned(mismatch)) => assert_eq!(mismatch.pinned, trust.fingerprint()),
        other => panic!("{other:?}: {err}"),
    }
    assert!(mitm.await.unwrap().is_empty());
    assert_eq!(reconnect(real, &pins, "salon").await.unwrap(), "OK");
    server.await.unwrap();
}
