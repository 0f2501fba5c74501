//! Shared helpers: a real camera server and a real HTTP server on loopback
//! ports chosen by the OS, synthetic cameras, and a reader of MJPEG streams;
//! a headless browser in `browser`, a recorded event in `recording`.
#![allow(dead_code)] // each test file uses its own subset

pub mod browser;
pub mod raw;
pub mod recording;

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use vigie_camera::{Camera, Pipeline, TestPattern};
use vigie_hub::{CameraState, CameraView, Registry};
use vigie_net::client::{self, Backoff, ClientConfig};
use vigie_net::server::LocalServer;
use vigie_net::ServerConfig;
use vigie_web::{WebConfig, WebError};

/// A camera server and its web side, running in the background of a test.
pub struct Rig {
    /// Where cameras connect.
    pub cameras: SocketAddr,
    /// Where browsers connect.
    pub http: SocketAddr,
    pub registry: Registry,
    pub shutdown: CancellationToken,
    server: JoinHandle<()>,
    pub web: JoinHandle<Result<(), WebError>>,
    /// Stops the synthetic cameras.
    pub stop_cameras: CancellationToken,
}

pub async fn start(config: WebConfig) -> Rig {
    let server_config = ServerConfig {
        hello_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(3),
        heartbeat_interval: Duration::from_millis(200),
        insecure: true,
        allow_legacy: true,
        ..ServerConfig::default()
    };
    let LocalServer {
        addr: cameras,
        registry,
        shutdown,
        task: server,
    } = vigie_net::server::spawn_local(server_config, 64)
        .await
        .unwrap();
    let http_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http = http_listener.local_addr().unwrap();
    let web = tokio::spawn(vigie_web::serve(
        http_listener,
        registry.clone(),
        config,
        shutdown.clone(),
    ));
    Rig {
        cameras,
        http,
        registry,
        shutdown,
        server,
        web,
        stop_cameras: CancellationToken::new(),
    }
}

/// Frames from the test pattern: JPEG like most cameras, or raw RGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Raw,
}

impl Rig {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.http)
    }

    /// Starts a synthetic camera client in the background; cancelling the
    /// token returned stops it.
    pub fn camera(
        &self,
        name: &str,
        width: u32,
        height: u32,
        fps: f64,
        format: Format,
    ) -> CancellationToken {
        let pattern = TestPattern::new(name, width, height, fps).unwrap();
        let camera: Box<dyn Camera> = match format {
            Format::Jpeg => Box::new(Pipeline::new(pattern).jpeg(85).unwrap()),
            Format::Raw => Box::new(pattern),
        };
        let config = ClientConfig {
            fps,
            backoff: Backoff::new(Duration::from_millis(50), Duration::from_millis(400)),
            read_timeout: Duration::from_secs(3),
            heartbeat_interval: Duration::from_millis(200),
            ..ClientConfig::new(self.cameras.to_string())
        };
        let stop = self.stop_cameras.child_token();
        tokio::spawn(client::run(config, camera, stop.clone()));
        stop
    }

    pub fn view(&self, name: &str) -> Option<CameraView> {
        self.registry
            .snapshot()
            .into_iter()
            .find(|v| v.name == name)
    }

    pub fn frames_of(&self, name: &str) -> u64 {
        self.view(name).map_or(0, |v| v.stats.frames)
    }

    /// Waits until `name` is online and sent at least `frames` frames.
    pub async fn wait_frames(&self, name: &str, frames: u64) {
        eventually(&format!("{frames} frames from {name}"), || {
            self.view(name)
                .is_some_and(|v| v.state == CameraState::Online && v.stats.frames >= frames)
        })
        .await;
    }

    /// Stops everything and checks that the web server returned cleanly.
    pub async fn stop(self) {
        self.stop_cameras.cancel();
        self.shutdown.cancel();
        let web = tokio::time::timeout(Duration::from_secs(30), self.web)
            .await
            .expect("the web server stops after a shutdown");
        web.unwrap().unwrap();
        self.server.await.unwrap();
    }
}

/// Waits (up to a generous limit) for `cond` to hold. Not a timing
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

/// When the workspace is built as a whole, vigie-notify's reqwest features
/// (rustls without a provider) reach this crate's reqwest too, and a
/// client then needs a process-wide crypto provider: `ring`, as everywhere
/// in vigie. Installing it twice is harmless.
fn with_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// An HTTP client that goes straight to loopback, whatever proxy the
/// environment names.
pub fn http_client() -> reqwest::Client {
    with_crypto();
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// A client for endless responses (MJPEG): no overall timeout.
pub fn stream_client() -> reqwest::Client {
    with_crypto();
    reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Cuts a `multipart/x-mixed-replace` body into its JPEG parts, whatever
/// the chunks it arrives in.
#[derive(Default)]
pub struct Parts {
    buf: Vec<u8>,
    /// The headers of the last part returned, lower-cased.
    pub headers: String,
}

impl Parts {
    pub fn push(&mut self, chunk: &[u8]) {
        self.buf.extend_from_slice(chunk);
    }

    /// The next complete part's body, if it has arrived.
    pub fn next_part(&mut self) -> Option<Vec<u8>> {
        let end = find(&self.buf, b"\r\n\r\n")?;
        let headers = String::from_utf8_lossy(&self.buf[..end]).to_ascii_lowercase();
        let len: usize = headers
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .expect("every part has a Content-Length")
            .trim()
            .parse()
            .unwrap();
        let start = end + 4;
        if self.buf.len() < start + len {
            return None;
        }
        let part = self.buf[start..start + len].to_vec();
        self.buf.drain(..start + len);
        self.headers = headers;
        Some(part)
    }
}

pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads `n` parts of the MJPEG stream at `url`.
pub async fn read_parts(url: &str, n: usize) -> Vec<Vec<u8>> {
    let mut response = stream_client().get(url).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    let mut parts = Parts::default();
    let mut out = Vec::new();
    while out.len() < n {
        let chunk = tokio::time::timeout(Duration::from_secs(30), response.chunk())
            .await
            .expect("a part within 30 s")
            .unwrap()
            .expect("the stream goes on");
        parts.push(&chunk);
        while let Some(p) = parts.next_part() {
            out.push(p);
        }
    }
    out
}

/// Whether a tool a test needs runs: if not, SKIP is printed (the test
/// then returns), or in CI the test fails naming the Debian package.
pub fn require(program: &str, package: &str) -> bool {
    vigie_testkit::require(program, package)
}

/// The width and height in a JPEG's header.
pub fn jpeg_size(jpeg: &[u8]) -> (u32, u32) {
    vigie_core::jpeg::dimensions(jpeg).expect("a readable JPEG")
}

/// Polls `probe` (up to 30 s) until it gives a value.
pub async fn wait_for<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let limit = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < limit,
            "gave up waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// [`wait_for`] with an async probe.
pub async fn wait_for_async<T, F>(what: &str, mut probe: impl FnMut() -> F) -> T
where
    F: std::future::Future<Output = Option<T>>,
{
    let limit = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < limit,
            "gave up waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
