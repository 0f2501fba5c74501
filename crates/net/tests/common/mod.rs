//! Shared helpers for the integration tests: a real server on a loopback
//! port chosen by the OS, and real clients.
#![allow(dead_code)] // each test file uses its own subset

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use vigie_camera::{Pipeline, TestPattern};
use vigie_hub::Lifecycle;
use vigie_hub::{CameraState, CameraView, Registry};
use vigie_net::client::{self, Backoff, ClientConfig, ClientSummary};
use vigie_net::server::LocalServer;
use vigie_net::{Error, ServerConfig};

pub mod secure;

/// A server running in the background of a test: vigie-net's own
/// [`LocalServer`], with the helpers the tests share.
pub type TestServer = LocalServer;

/// Short timeouts, and both plaintext formats accepted (`--insecure`,
/// `--allow-legacy`): the tests of the protocols themselves. The secure
/// link's tests use [`secure_config`].
pub fn quick_config() -> ServerConfig {
    ServerConfig {
        insecure: true,
        allow_legacy: true,
        ..secure_config()
    }
}

/// Short timeouts and the server's defaults: TLS and paired cameras only.
pub fn secure_config() -> ServerConfig {
    ServerConfig {
        hello_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(2),
        heartbeat_interval: Duration::from_millis(200),
        ..ServerConfig::default()
    }
}

pub async fn start_server(config: ServerConfig, max_cameras: usize) -> TestServer {
    vigie_net::server::spawn_local(config, max_cameras)
        .await
        .unwrap()
}

pub fn start_on(listener: TcpListener, config: ServerConfig, max_cameras: usize) -> TestServer {
    let registry = Registry::new(max_cameras, Lifecycle::default());
    LocalServer::start(listener, config, registry).unwrap()
}

/// What the tests ask of a running server.
pub trait Looks {
    fn camera(&self, name: &str) -> Option<CameraView>;
    fn frames_of(&self, name: &str) -> u64;
    fn is_online(&self, name: &str) -> bool;
}

impl Looks for TestServer {
    fn camera(&self, name: &str) -> Option<CameraView> {
        self.registry
            .snapshot()
            .into_iter()
            .find(|v| v.name == name)
    }

    fn frames_of(&self, name: &str) -> u64 {
        self.camera(name).map_or(0, |v| v.stats.frames)
    }

    fn is_online(&self, name: &str) -> bool {
        self.camera(name)
            .is_some_and(|v| v.state == CameraState::Online)
    }
}

/// Waits (up to a generous limit) for `cond` to hold. This is not a timing
/// assertion: a slow machine only makes the test wait longer.
pub async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let limit = tokio::time::Instant::now() + Duration::from_secs(30);
    while !cond() {
        assert!(
            tokio::time::Instant::now() < limit,
            "gave up waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub fn client_config(addr: SocketAddr, fps: f64) -> ClientConfig {
    ClientConfig {
        fps,
        backoff: Backoff::new(Duration::from_millis(50), Duration::from_millis(400)),
        read_timeout: Duration::from_secs(3),
        heartbeat_interval: Duration::from_millis(200),
        ..ClientConfig::new(addr.to_string())
    }
}

/// Starts a synthetic JPEG camera client in the background.
pub fn spawn_camera(
    config: ClientConfig,
    name: &str,
    stop: CancellationToken,
) -> JoinHandle<Result<ClientSummary, Error>> {
    let pattern = TestPattern::new(name, 64, 48, config.fps).unwrap();
    let camera = Pipeline::new(pattern).jpeg(80).unwrap();
    tokio::spawn(client::run(config, Box::new(camera), stop))
}
