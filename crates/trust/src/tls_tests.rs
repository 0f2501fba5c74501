//! Real TLS handshakes over loopback TCP between the configurations.

use std::net::SocketAddr;
use std::sync::Arc;

use rustls::sign::CertifiedKey;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{TlsAcceptor, TlsConnector};

use super::*;
use crate::pairing::PairingSecret;

/// A server on 127.0.0.1 that completes one handshake and says "hello".
async fn serve_once(config: ServerConfig) -> (SocketAddr, tokio::task::JoinHandle<io::Result<()>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let task = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await?;
        let mut tls = acceptor.accept(tcp).await?;
        tls.write_all(b"hello").await?;
        tls.shutdown().await?;
        Ok(())
    });
    (addr, task)
}

/// Connects with `config`; the five bytes read, and the fingerprint seen.
async fn connect(
    addr: SocketAddr,
    config: ClientConfig,
) -> io::Result<(Vec<u8>, Option<Fingerprint>)> {
    let tcp = TcpStream::connect(addr).await?;
    let mut tls = TlsConnector::from(Arc::new(config))
        .connect(server_name(), tcp)
        .await?;
    let seen = peer_fingerprint(tls.get_ref().1);
    let mut got = vec![0u8; 5];
    tls.read_exact(&mut got).await?;
    Ok((got, seen))
}

#[tokio::test]
async fn the_pinned_server_is_accepted_over_tls13() {
    let identity = ServerIdentity::generate().unwrap();
    let (addr, server) = serve_once(server_config(&identity).unwrap()).await;
    let tcp = TcpStream::connect(addr).await.unwrap();
    let config = Arc::new(pinned_client_config(identity.fingerprint()).unwrap());
    let mut tls = TlsConnector::from(config)
        .connect(server_name(), tcp)
        .await
        .unwrap();
    assert_eq!(
        tls.get_ref().1.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_3)
    );
    assert_eq!(
        peer_fingerprint(tls.get_ref().1),
        Some(identity.fingerprint())
    );
    let mut got = Vec::new();
    tls.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"hello");
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn another_certificate_is_refused_with_both_fingerprints() {
    let real = ServerIdentity::generate().unwrap();
    let impostor = ServerIdentity::generate().unwrap();
    let (addr, server) = serve_once(server_config(&impostor).unwrap()).await;
    let err = connect(addr, pinned_client_config(real.fingerprint()).unwrap())
        .await
        .unwrap_err();
    let failure = TrustFailure::from_io_error(&err).expect("a trust failure");
    assert_eq!(
        failure,
        TrustFailure::NotPinned(CertificateMismatch {
            pinned: real.fingerprint(),
            presented: impostor.fingerprint(),
        })
    );
    let line = failure.to_string();
    assert!(
        line.starts_with("the server's certificate is not the pinned one"),
        "{line}"
    );
    assert!(line.contains(&real.fingerprint().short()), "{line}");
    assert!(line.contains(&impostor.fingerprint().short()), "{line}");
    assert!(
        line.contains("reinstalled") && line.contains("pair again"),
        "{line}"
    );
    assert!(!line.contains('\n'));
    // The server sees the client's alert: no link was made.
    assert!(server.await.unwrap().is_err());
}

#[tokio::test]
async fn pairing_accepts_the_server_the_code_was_made_for() {
    let identity = ServerIdentity::generate().unwrap();
    let code = PairingCode::new(PairingSecret::random().unwrap(), &identity.fingerprint());
    let (addr, server) = serve_once(server_config(&identity).unwrap()).await;
    let (got, seen) = connect(addr, pairing_client_config(&code).unwrap())
        .await
        .unwrap();
    assert_eq!(got, b"hello");
    assert_eq!(seen, Some(identity.fingerprint()), "the fingerprint to pin");
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn pairing_refuses_a_man_in_the_middle() {
    let real = ServerIdentity::generate().unwrap();
    let code = PairingCode::new(PairingSecret::random().unwrap(), &real.fingerprint());
    let impostor = ServerIdentity::generate().unwrap();
    let (addr, server) = serve_once(server_config(&impostor).unwrap()).await;
    let err = connect(addr, pairing_client_config(&code).unwrap())
        .await
        .unwrap_err();
    let failure = TrustFailure::from_io_error(&err).expect("a trust failure");
    assert_eq!(
        failure,
        TrustFailure::NotThePairingServer {
            presented: impostor.fingerprint()
        }
    );
    assert!(failure
        .to_string()
        .contains("does not fit the pairing code"));
    assert!(server.await.unwrap().is_err());
}

/// A man in the middle that copies the real (public) certificate but does
/// not have its key: the fingerprint matches, the handshake signature
/// cannot, and the client refuses.
#[tokio::test]
async fn a_copied_certificate_without_its_key_fails_the_signature_check() {
    let real = ServerIdentity::generate().unwrap();
    let thief = ServerIdentity::generate().unwrap();
    let provider = provider();
    let signing_key = provider
        .key_provider
        .load_private_key(thief.private_key().clone_key())
        .unwrap();
    // CertifiedKey::new does not check that the key fits: that is the point.
    let lying = Arc::new(CertifiedKey::new(
        vec![real.certificate().clone()],
        signing_key,
    ));
    let config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(Fixed(lying)));
    let (addr, server) = serve_once(config).await;
    let err = connect(addr, pinned_client_config(real.fingerprint()).unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        TrustFailure::from_io_error(&err),
        None,
        "not a fingerprint problem: {err}"
    );
    let tls = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>());
    assert!(
        matches!(
            tls,
            Some(rustls::Error::InvalidCertificate(
                CertificateError::BadSignature
            ))
        ),
        "{err}"
    );
    assert!(server.await.unwrap().is_err());
}

#[derive(Debug)]
struct Fixed(Arc<CertifiedKey>);

impl rustls::server::ResolvesServerCert for Fixed {
    fn resolve(&self, _: rustls::server::ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }
}

#[test]
fn errors_that_are_not_trust_failures_are_none() {
    assert_eq!(TrustFailure::from_io_error(&io::Error::other("x")), None);
    assert_eq!(
        TrustFailure::from_io_error(&io::Error::from(io::ErrorKind::BrokenPipe)),
        None
    );
    assert_eq!(
        TrustFailure::from_tls_error(&rustls::Error::DecryptError),
        None
    );
}
