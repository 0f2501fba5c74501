//! The URL map, and the small handlers: health, JSON, metrics (snapshots
//! are in `snapshot`).
//!
//! A camera name comes from the URL, so from anyone: it is only ever
//! *looked up* in the registry, by exact match. It never becomes a file
//! path, a shell word or part of a header. Anything that is not the name of
//! a camera the server knows, including `../../etc/passwd`, a 10 000-byte
//! name or bytes that are not UTF-8, is a plain 404.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{from_fn_with_state, map_response};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use vigie_core::frame::MAX_NAME_LEN;
use vigie_hub::Registry;

use crate::api::CamerasJson;
use crate::auth::{self, Credentials};
use crate::host::{self, AllowedHosts};
use crate::jpeg_cache::JpegCache;
use crate::lang::Lang;
use crate::metrics::Metrics;
use crate::{favicon, health, live, mjpeg, page, recordings, replay, snapshot};

/// What every handler shares. Cheap to clone.
#[derive(Clone)]
pub(crate) struct App {
    pub registry: Registry,
    pub cache: Arc<JpegCache>,
    pub metrics: Arc<Metrics>,
    /// The cameras' port, shown on the empty page.
    pub camera_port: u16,
    /// The server certificate's fingerprint, shown on the page.
    pub fingerprint: Option<String>,
    /// The recording folder, when the server records.
    pub recordings: Option<std::path::PathBuf>,
    /// Cancelled when the server stops: long-lived viewers end then.
    pub shutdown: CancellationToken,
    /// One permit per replay playing (see `replay`).
    pub replays: Arc<Semaphore>,
    /// The notification channels, if any (see `health`).
    pub notifier: Option<vigie_notify::Notifier>,
}

impl App {
    pub(crate) fn new(
        registry: Registry,
        camera_port: u16,
        fingerprint: Option<String>,
        recordings: Option<std::path::PathBuf>,
        shutdown: CancellationToken,
        max_replays: usize,
        notifier: Option<vigie_notify::Notifier>,
    ) -> App {
        let cache = Arc::new(JpegCache::default());
        let metrics = Arc::new(Metrics::new(
            registry.clone(),
            cache.encodes(),
            notifier.clone(),
        ));
        App {
            registry,
            cache,
            metrics,
            camera_port,
            fingerprint,
            recordings,
            shutdown,
            replays: replay::slots(max_replays),
            notifier,
        }
    }

    /// The name, if it is one of a camera the registry knows (connected or
    /// not). Anything else, however odd, gives `None`.
    pub(crate) fn known_camera(&self, path: Result<Path<String>, PathRejection>) -> Option<String> {
        let Path(name) = path.ok()?;
        if name.is_empty() || name.len() > MAX_NAME_LEN {
            return None;
        }
        self.registry.contains(&name).then_some(name)
    }
}

/// Every route. All but `/healthz` answer only requests for one of
/// `hosts` (see `host`); with `credentials`, they also need Basic auth,
/// including unknown paths (so that they reveal nothing either).
pub(crate) fn router(
    app: App,
    credentials: Option<Credentials>,
    hosts: Arc<AllowedHosts>,
) -> Router {
    let mut guarded = Router::new()
        .route("/", get(page::index))
        .route("/static/app.js", get(page::script))
        .route("/static/style.css", get(page::style))
        .route("/favicon.svg", get(favicon::svg))
        .route("/favicon.ico", get(favicon::ico))
        .route("/ws", get(live::upgrade))
        .route("/api/cameras", get(cameras))
        .route("/api/health", get(health::health))
        .route("/cameras/{name}/snapshot.jpg", get(snapshot::snapshot))
        .route("/cameras/{name}/stream.mjpg", get(mjpeg::stream))
        .route("/metrics", get(metrics))
        .route("/api/events", get(recordings::events))
        .route("/recordings/{*path}", get(recordings::file))
        .route("/replay/{*path}", get(replay::replay))
        .fallback(not_found);
    if let Some(credentials) = credentials {
        guarded = guarded.layer(from_fn_with_state(credentials, auth::require));
    }
    // The outer layer, checked first: a stranger's name gets 421, not 401.
    let guarded = guarded.layer(from_fn_with_state(hosts, host::require));
    Router::new()
        .route("/healthz", get(healthz))
        .merge(guarded)
        .layer(map_response(no_sniff))
        .with_state(app)
}

/// Browsers must take each response for what its Content-Type says.
async fn no_sniff(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

async fn healthz() -> &'static str {
    "ok\n"
}

pub(crate) async fn not_found(lang: Lang) -> Response {
    (
        StatusCode::NOT_FOUND,
        lang.say("introuvable\n", "not found\n"),
    )
        .into_response()
}

pub(crate) fn unknown_camera(lang: Lang) -> Response {
    let text = lang.say("caméra inconnue\n", "unknown camera\n");
    (StatusCode::NOT_FOUND, text).into_response()
}

async fn cameras(State(app): State<App>) -> Response {
    let doc = CamerasJson::now(&app);
    ([(header::CACHE_CONTROL, "no-store")], Json(doc)).into_response()
}

async fn metrics(State(app): State<App>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.metrics.render(),
    )
        .into_response()
}
