//! DNS rebinding, as an attacker's page would do it: requests that reach
//! the server on loopback but name `evil.example` in `Host` (and `Origin`,
//! for the WebSocket). Nothing of the cameras may come back: 421. The
//! server's own names are served, and names added with `allowed_hosts`.

mod common;

use common::raw::{exchange, get, websocket};
use common::{start, Format};
use vigie_web::WebConfig;

/// The paths that show the cameras.
const PATHS: [&str; 5] = [
    "/",
    "/api/cameras",
    "/cameras/salon/snapshot.jpg",
    "/metrics",
    "/api/events",
];

#[tokio::test]
async fn a_stranger_name_gets_421_and_the_servers_own_names_are_served() {
    let rig = start(WebConfig::default()).await;
    let _camera = rig.camera("salon", 160, 120, 10.0, Format::Jpeg);
    rig.wait_frames("salon", 2).await;
    let port = rig.http.port();
    for path in PATHS {
        for host in ["evil.example".to_owned(), format!("evil.example:{port}")] {
            let (status, text) = exchange(rig.http, &get(path, &host)).await;
            assert_eq!(status, 421, "{path} for {host}: {text}");
            assert!(
                text.contains("--http-allowed-host evil.example"),
                "the answer names the option: {text}"
            );
            assert!(!text.contains("salon"), "{path}: nothing of the cameras");
        }
    }
    let machine = gethostname_for_test();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "LocalHost".to_owned(),
        format!("{machine}:{port}"),
    ] {
        let (status, text) = exchange(rig.http, &get("/api/cameras", &host)).await;
        assert_eq!(status, 200, "{host}: {text}");
        assert!(text.contains("salon"));
    }
    // A supervisor's probe is never refused.
    let (status, _) = exchange(rig.http, &get("/healthz", "evil.example")).await;
    assert_eq!(status, 200);
    rig.stop().await;
}

#[tokio::test]
async fn allowed_hosts_add_names_and_a_star_allows_any() {
    let rig = start(WebConfig {
        allowed_hosts: vec!["Cams.Example.org".into()],
        ..WebConfig::default()
    })
    .await;
    let (status, _) = exchange(rig.http, &get("/api/cameras", "cams.example.org:8080")).await;
    assert_eq!(status, 200);
    let (status, _) = exchange(rig.http, &get("/api/cameras", "other.example.org")).await;
    assert_eq!(status, 421);
    rig.stop().await;

    let rig = start(WebConfig {
        allowed_hosts: vec!["*".into()],
        ..WebConfig::default()
    })
    .await;
    let (status, _) = exchange(rig.http, &get("/api/cameras", "evil.example")).await;
    assert_eq!(status, 200, "`*` turns the check off");
    rig.stop().await;
}

#[tokio::test]
async fn a_websocket_needs_our_host_and_an_origin_of_the_same_scheme_host_and_port() {
    let rig = start(WebConfig::default()).await;
    let _camera = rig.camera("salon", 160, 120, 10.0, Format::Jpeg);
    rig.wait_frames("salon", 2).await;
    let port = rig.http.port();
    let here = format!("127.0.0.1:{port}");

    // The rebinding attack: the attacker's name in both headers.
    let evil = format!("evil.example:{port}");
    let (status, text) =
        exchange(rig.http, &websocket(&evil, Some(&format!("http://{evil}")))).await;
    assert_eq!(status, 421, "{text}");
    assert!(!text.contains("salon"));

    // Another port, another scheme, another host: other sites.
    for origin in [
        format!("http://127.0.0.1:{}", port.wrapping_add(1)),
        format!("https://{here}"),
        "http://evil.example".to_owned(),
        "null".to_owned(),
    ] {
        let (status, text) = exchange(rig.http, &websocket(&here, Some(&origin))).await;
        assert_eq!(status, 403, "{origin}: {text}");
    }

    // The page itself: upgraded, and frames come.
    let (status, text) =
        exchange(rig.http, &websocket(&here, Some(&format!("http://{here}")))).await;
    assert_eq!(status, 101, "{text}");
    let (status, _) = exchange(rig.http, &websocket(&here, None)).await;
    assert_eq!(status, 101, "clients that are not browsers send no Origin");
    rig.stop().await;
}

fn gethostname_for_test() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "localhost".to_owned())
}
