//! HTTP Basic auth on every path but /healthz.

mod common;

use common::{http_client, start, Format};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use vigie_hub::Lifecycle;
use vigie_hub::Registry;
use vigie_web::{WebConfig, WebError};

const PATHS: &[&str] = &[
    "/",
    "/static/app.js",
    "/static/style.css",
    "/api/cameras",
    "/metrics",
    "/cameras/salon/snapshot.jpg",
    "/cameras/salon/stream.mjpg",
    "/cameras/inconnue/snapshot.jpg",
    "/nulle/part",
    "/ws",
];

fn locked() -> WebConfig {
    WebConfig {
        user: Some("ana".into()),
        password: Some("mot de passe: ôté".into()),
        ..WebConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_path_but_healthz_needs_the_password() {
    let rig = start(locked()).await;
    rig.camera("salon", 64, 48, 20.0, Format::Jpeg);
    rig.wait_frames("salon", 1).await;
    let client = http_client();
    for path in PATHS {
        let url = rig.url(path);
        let r = client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 401, "{path} without credentials");
        assert_eq!(
            r.headers()["www-authenticate"],
            r#"Basic realm="vigie", charset="UTF-8""#
        );
        for (user, password) in [
            ("ana", "mot de passe"),
            ("ana", ""),
            ("anna", "mot de passe: ôté"),
            ("", ""),
        ] {
            let r = client
                .get(&url)
                .basic_auth(user, Some(password))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 401, "{path} as {user:?}/{password:?}");
        }
    }
    for path in &PATHS[..6] {
        let r = client
            .get(rig.url(path))
            .basic_auth("ana", Some("mot de passe: ôté"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path} with the right credentials");
    }
    let r = client
        .get(rig.url("/cameras/salon/stream.mjpg"))
        .basic_auth("ana", Some("mot de passe: ôté"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    drop(r);
    let r = client
        .get(rig.url("/cameras/inconnue/snapshot.jpg"))
        .basic_auth("ana", Some("mot de passe: ôté"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // Liveness stays open, for supervisors.
    let r = client.get(rig.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_alone_means_user_vigie() {
    let rig = start(WebConfig {
        password: Some("pw".into()),
        ..WebConfig::default()
    })
    .await;
    let client = http_client();
    let url = rig.url("/api/cameras");
    let ok = client.get(&url).basic_auth("vigie", Some("pw")).send();
    assert_eq!(ok.await.unwrap().status(), 200);
    let wrong = client.get(&url).basic_auth("ana", Some("pw")).send();
    assert_eq!(wrong.await.unwrap().status(), 401);
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_without_password_is_refused_at_start() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = WebConfig {
        user: Some("ana".into()),
        ..WebConfig::default()
    };
    let registry = Registry::new(4, Lifecycle::default());
    let result = vigie_web::serve(listener, registry, config, CancellationToken::new()).await;
    assert!(
        matches!(result, Err(WebError::MissingPassword)),
        "{result:?}"
    );
}
