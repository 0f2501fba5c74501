//! Attacks on the secure camera link, over real sockets on loopback: a man
//! in the middle, a camera using another's token, a revoked camera.

mod common;

use std::time::{Duration, SystemTime};

use common::secure::*;
use common::*;
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;
use vigie_net::client::{self, ClientConfig};
use vigie_net::protocol::{self, Hello, Refusal};
use vigie_net::Error;
use vigie_trust::{CameraBook, CameraToken, RefusalReason, TrustFailure};

fn hello(name: &str, token: &CameraToken) -> Hello {
    Hello {
        version: protocol::VERSION,
        camera: name.into(),
        width: 64,
        height: 48,
        format: vigie_core::PixelFormat::Jpeg,
        fps: 5.0,
        token: Some(token.to_base64url()),
    }
}

async fn pair(server: &SecureServer, name: &str) -> CameraToken {
    let tcp = TcpStream::connect(server.server.addr).await.unwrap();
    let (fingerprint, token) = client::pair(tcp, &server.code(), name, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(fingerprint, server.trust.fingerprint());
    token
}

/// A hand-made TLS session that says `hello`: the server's answer.
async fn say_hello(server: &SecureServer, hello: &Hello) -> Result<(), Error> {
    let config = std::sync::Arc::new(
        vigie_trust::tls::pinned_client_config(server.trust.fingerprint()).unwrap(),
    );
    let tcp = TcpStream::connect(server.server.addr).await.unwrap();
    let tls = vigie_net::tls::connect(tcp, config, Duration::from_secs(5)).await?;
    client::open_native(tls, hello, Duration::from_secs(5))
        .await
        .map(|_| ())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_man_in_the_middle_is_refused_by_name_and_learns_nothing() {
    let secure = secure_server(secure_config()).await;
    let relay = proxy(secure.server.addr).await;
    // Paired through the relay while it only forwards: the pin is the real server's.
    let dir = client_dir();
    let first = ClientConfig {
        frames: Some(3),
        ..tls_client(relay.addr, &dir, Some(secure.code()))
    };
    spawn_camera(first, "porte", CancellationToken::new())
        .await
        .unwrap()
        .unwrap();

    // Now the relay shows another server's certificate.
    *relay.mode.lock().unwrap() = Relay::Impostor(impostor_config());
    let later = tls_client(relay.addr, &dir, None);
    let err = spawn_camera(later, "porte", CancellationToken::new())
        .await
        .unwrap()
        .unwrap_err();
    let Error::Trust(TrustFailure::NotPinned(mismatch)) = &err else {
        panic!("{err}")
    };
    assert_eq!(mismatch.pinned, secure.trust.fingerprint());
    let line = err.to_string();
    assert!(
        line.starts_with("the server's certificate is not the pinned one"),
        "{line}"
    );
    assert!(line.contains(&mismatch.pinned.to_string()), "{line}");
    assert!(line.contains(&mismatch.presented.to_string()), "{line}");
    assert!(line.contains("reinstalled"), "{line}");
    assert!(!line.contains('\n'));

    // The same man in the middle during pairing: a fresh camera, a fresh code.
    let code = secure.code();
    let newcomer_dir = client_dir();
    let pairing = tls_client(relay.addr, &newcomer_dir, Some(code));
    let err = spawn_camera(pairing, "garage", CancellationToken::new())
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err, Error::Trust(TrustFailure::NotThePairingServer { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("Nothing was sent"), "{err}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        *relay.handshakes_ok.lock().unwrap(),
        0,
        "a handshake completed"
    );
    assert!(
        relay.stolen.lock().unwrap().is_empty(),
        "the impostor read something"
    );
    // The code was never seen by the real server: it still pairs, directly.
    let tcp = TcpStream::connect(secure.server.addr).await.unwrap();
    client::pair(tcp, &code, "garage", Duration::from_secs(5))
        .await
        .unwrap();
    secure.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn camera_a_token_cannot_publish_as_b() {
    let secure = secure_server(secure_config()).await;
    let a = pair(&secure, "a").await;
    let _b = pair(&secure, "b").await;
    let as_b = say_hello(&secure, &hello("b", &a)).await.unwrap_err();
    match as_b {
        Error::Refused(Refusal::Untrusted(RefusalReason::NameTaken { name })) => {
            assert_eq!(name, "b")
        }
        other => panic!("{other}"),
    }
    let as_c = say_hello(&secure, &hello("c", &a)).await.unwrap_err();
    assert!(
        matches!(
            as_c,
            Error::Refused(Refusal::Untrusted(RefusalReason::NotPaired))
        ),
        "{as_c}"
    );
    // Pairing a name that is taken is refused too, and says so.
    let tcp = TcpStream::connect(secure.server.addr).await.unwrap();
    let taken = client::pair(tcp, &secure.code(), "a", Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(
        taken.to_string().contains("belongs to a paired camera"),
        "{taken}"
    );
    // A's own token works.
    say_hello(&secure, &hello("a", &a)).await.unwrap();
    assert!(secure.server.camera("b").is_none());
    secure.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_camera_is_dropped_and_refused() {
    let secure = secure_server(quick_config()).await;
    let dir = client_dir();
    let stop = CancellationToken::new();
    let camera = spawn_camera(
        tls_client(secure.server.addr, &dir, Some(secure.code())),
        "jardin",
        stop.clone(),
    );
    eventually("the camera streams", || {
        secure.server.frames_of("jardin") > 2
    })
    .await;
    // As `vigie cameras revoke jardin` does, from another process.
    let revoked = CameraBook::load(&secure.state())
        .unwrap()
        .revoke("jardin", SystemTime::now())
        .unwrap();
    assert!(revoked);
    let ended = tokio::time::timeout(Duration::from_secs(30), camera)
        .await
        .expect("the revoked camera was not dropped")
        .unwrap();
    match ended {
        Err(Error::Refused(Refusal::Untrusted(RefusalReason::TokenRevoked))) => {}
        other => panic!("{other:?}"),
    }
    eventually("the camera goes offline", || {
        !secure.server.is_online("jardin")
    })
    .await;
    // And its next run is refused at its hello.
    let again = spawn_camera(
        tls_client(secure.server.addr, &dir, None),
        "jardin",
        CancellationToken::new(),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert!(again.to_string().contains("token revoked"), "{again}");
    stop.cancel();
    secure.server.stop().await;
}
