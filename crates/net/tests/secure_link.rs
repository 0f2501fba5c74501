//! The secure camera link over real sockets on loopback: what a capture
//! sees, pairing codes that are wrong, expired, reused or guessed, and the
//! server's policy towards plaintext and the report's format.

mod common;

use std::time::Duration;

use common::secure::*;
use common::*;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;
use vigie_net::client::{self, ClientConfig, Link};
use vigie_net::protocol::{self, Hello, Refusal};
use vigie_net::{Error, ServerConfig};
use vigie_trust::{PairingCode, PairingSecret, RefusalReason};

const NAME: &str = "entree-principale";

fn refusal(result: Result<impl std::fmt::Debug, Error>) -> Refusal {
    match result {
        Err(Error::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn pair_direct(server: &SecureServer, code: &PairingCode, name: &str) -> Result<(), Error> {
    let tcp = TcpStream::connect(server.server.addr).await.unwrap();
    client::pair(tcp, code, name, Duration::from_secs(5))
        .await
        .map(|_| ())
}

/// A code with the server's own check but a secret it never issued: the
/// client's certificate check passes, the server's secret check does not.
fn wrong_code(server: &SecureServer, right: &PairingCode) -> PairingCode {
    let wrong = if right.secret().to_string() == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    PairingCode::new(
        PairingSecret::parse(wrong).unwrap(),
        &server.trust.fingerprint(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paired_session_shows_no_picture_and_no_name_on_the_wire() {
    let secure = secure_server(quick_config()).await;
    let relay = proxy(secure.server.addr).await;
    let dir = client_dir();
    let stop = CancellationToken::new();
    let config = ClientConfig {
        frames: Some(20),
        ..tls_client(relay.addr, &dir, Some(secure.code()))
    };
    let summary = spawn_camera(config, NAME, stop).await.unwrap().unwrap();
    assert_eq!(summary.frames_sent, 20);
    eventually("frames arrive", || secure.server.frames_of(NAME) >= 1).await;
    let frame = secure.server.registry.latest(NAME).unwrap();
    // The first 16 bytes of a real frame: FF D8 FF, then its JFIF header.
    // Three bytes alone turn up in random ciphertext once per 16 MiB.
    let jpeg_start = &frame.payload()[..16];
    assert_eq!(&jpeg_start[..3], &[0xFF, 0xD8, 0xFF]);
    let tls_bytes = relay.capture.both();
    assert!(tls_bytes.len() > 20 * 100, "{} bytes", tls_bytes.len());
    assert!(
        !contains(&tls_bytes, jpeg_start),
        "a JPEG header in the clear"
    );
    assert!(
        !contains(&tls_bytes, NAME.as_bytes()),
        "the name in the clear"
    );

    // The same camera in plaintext, through the same kind of relay: both show.
    let plain = secure_server(quick_config()).await;
    let relay = proxy(plain.server.addr).await;
    let config = ClientConfig {
        frames: Some(20),
        ..client_config(relay.addr, 20.0)
    };
    let stop = CancellationToken::new();
    spawn_camera(config, NAME, stop).await.unwrap().unwrap();
    let plain_bytes = relay.capture.both();
    assert!(count(&plain_bytes, jpeg_start) >= 20);
    assert!(contains(&plain_bytes, NAME.as_bytes()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unpaired_camera_is_refused_on_both_sides() {
    let secure = secure_server(secure_config()).await;
    // The client alone: it has no token, it says so and sends nothing.
    let dir = client_dir();
    let result = spawn_camera(
        tls_client(secure.server.addr, &dir, None),
        NAME,
        CancellationToken::new(),
    )
    .await
    .unwrap();
    let err = result.unwrap_err();
    assert!(matches!(err, Error::NotPaired { .. }), "{err}");
    assert!(err.to_string().starts_with("not paired"), "{err}");
    // A TLS client that trusts the server but has no token: the server says why.
    let tls_config = std::sync::Arc::new(
        vigie_trust::tls::pinned_client_config(secure.trust.fingerprint()).unwrap(),
    );
    let tcp = TcpStream::connect(secure.server.addr).await.unwrap();
    let tls = vigie_net::tls::connect(tcp, tls_config, Duration::from_secs(5))
        .await
        .unwrap();
    let hello = Hello {
        version: protocol::VERSION,
        camera: NAME.into(),
        width: 64,
        height: 48,
        format: vigie_core::PixelFormat::Jpeg,
        fps: 5.0,
        token: None,
    };
    let refused = refusal(
        client::open_native(tls, &hello, Duration::from_secs(5))
            .await
            .map(|_| ()),
    );
    assert_eq!(refused, Refusal::Untrusted(RefusalReason::NotPaired));
    assert!(refused.to_string().starts_with("not paired"));
    assert!(secure.server.camera(NAME).is_none());
    secure.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_expired_and_reused_codes_are_refused() {
    let secure = secure_server(secure_config()).await;
    let code = secure.code();
    let wrong = wrong_code(&secure, &code);
    let expect = Refusal::Untrusted(RefusalReason::PairingCodeWrongOrExpired);
    assert_eq!(refusal(pair_direct(&secure, &wrong, "a").await), expect);
    assert!(expect
        .to_string()
        .starts_with("pairing code wrong or expired"));
    pair_direct(&secure, &code, "a").await.unwrap();
    // Reused, even for another name.
    assert_eq!(refusal(pair_direct(&secure, &code, "b").await), expect);
    // Expired: ten minutes and a second later.
    let late = secure.code();
    secure.clock.advance(Duration::from_secs(601));
    assert_eq!(refusal(pair_direct(&secure, &late, "c").await), expect);
    assert_eq!(secure.trust.cameras().len(), 1);
    secure.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_codes_is_rate_limited_then_allowed_again() {
    let secure = secure_server(secure_config()).await;
    let code = secure.code();
    let wrong = wrong_code(&secure, &code);
    for _ in 0..3 {
        let r = refusal(pair_direct(&secure, &wrong, "x").await);
        assert_eq!(
            r,
            Refusal::Untrusted(RefusalReason::PairingCodeWrongOrExpired)
        );
    }
    // Now even the right code is refused unchecked, with the wait to expect.
    match refusal(pair_direct(&secure, &code, "x").await) {
        Refusal::Untrusted(reason @ RefusalReason::RateLimited { .. }) => {
            assert!(reason
                .to_string()
                .starts_with("too many wrong pairing codes"));
        }
        other => panic!("{other:?}"),
    }
    assert!(secure.trust.cameras().is_empty());
    // A minute later the failures have left the window; the code still lives.
    secure.clock.advance(Duration::from_secs(61));
    pair_direct(&secure, &code, "x").await.unwrap();
    secure.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plaintext_is_refused_by_default_and_the_client_is_told_the_option() {
    let secure = secure_server(secure_config()).await;
    let result = spawn_camera(
        client_config(secure.server.addr, 20.0),
        NAME,
        CancellationToken::new(),
    )
    .await
    .unwrap();
    let r = refusal(result);
    assert_eq!(r, Refusal::PlaintextRefused);
    assert!(r.to_string().contains("--insecure"), "{r}");
    assert!(secure.server.camera(NAME).is_none());
    secure.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_insecure_plaintext_streams_but_cannot_take_a_paired_name() {
    let secure = secure_server(quick_config()).await;
    pair_direct(&secure, &secure.code(), "paired")
        .await
        .unwrap();
    let stop = CancellationToken::new();
    let plain = spawn_camera(
        client_config(secure.server.addr, 20.0),
        "plain",
        stop.clone(),
    );
    eventually("plaintext streams", || secure.server.frames_of("plain") > 0).await;
    let thief = spawn_camera(
        client_config(secure.server.addr, 20.0),
        "paired",
        CancellationToken::new(),
    );
    match refusal(thief.await.unwrap()) {
        Refusal::Untrusted(RefusalReason::NameTaken { name }) => assert_eq!(name, "paired"),
        other => panic!("{other:?}"),
    }
    stop.cancel();
    plain.await.unwrap().unwrap();
    secure.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_camera_is_refused_by_default_and_accepted_with_allow_legacy() {
    for allow_legacy in [false, true] {
        let config = ServerConfig {
            allow_legacy,
            ..secure_config()
        };
        let secure = secure_server(config).await;
        let stop = CancellationToken::new();
        let legacy = ClientConfig {
            protocol: vigie_net::Protocol::Legacy,
            ..client_config(secure.server.addr, 20.0)
        };
        let task = spawn_camera(legacy, "old", stop.clone());
        let shows_up = || {
            secure
                .server
                .registry
                .snapshot()
                .iter()
                .any(|v| v.name.starts_with("legacy-"))
        };
        if allow_legacy {
            eventually("the legacy camera streams", shows_up).await;
        } else {
            tokio::time::sleep(Duration::from_millis(800)).await;
            assert!(!shows_up(), "a legacy camera got in without --allow-legacy");
        }
        stop.cancel();
        let _ = task.await.unwrap();
        secure.server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_tls_handshake_is_dropped_after_the_hello_timeout() {
    let secure = secure_server(secure_config()).await;
    let mut stalled = TcpStream::connect(secure.server.addr).await.unwrap();
    // A ClientHello record header announcing 512 bytes, then nothing.
    stalled
        .write_all(&[0x16, 0x03, 0x01, 0x02, 0x00])
        .await
        .unwrap();
    let mut buf = [0; 64];
    let closed = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match tokio::io::AsyncReadExt::read(&mut stalled, &mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the server kept a stalled handshake");
    secure.server.stop().await;
}

#[tokio::test]
async fn a_tls_client_never_speaks_the_report_format() {
    let dir = client_dir();
    let config = ClientConfig {
        protocol: vigie_net::Protocol::Legacy,
        ..tls_client("127.0.0.1:9".parse().unwrap(), &dir, None)
    };
    assert!(matches!(config.link, Link::Tls(_)));
    let err = spawn_camera(config, NAME, CancellationToken::new())
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("neither encrypted nor authenticated"),
        "{err}"
    );
}
