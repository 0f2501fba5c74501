//! # vigie-web: the server's cameras in a web browser, VLC or Prometheus
//!
//! The TCP server of `vigie-net` fills a [`Registry`]: one *latest-frame
//! slot* per camera. This crate reads that registry and serves it over HTTP,
//! so that any device on the network can watch without installing anything:
//!
//! | Path | What | Module |
//! |------|------|--------|
//! | `/` | a live page of every camera (HTML, CSS and JS built into the binary), in French or English | `page`, `lang` |
//! | `/ws` | the page's feed: every camera over **one** WebSocket | `live` |
//! | `/api/cameras` | the cameras and their statistics, as JSON | `api` |
//! | `/cameras/{name}/snapshot.jpg` | the newest picture, or 503 when the camera is not online | `snapshot` |
//! | `/cameras/{name}/stream.mjpg` | a live MJPEG stream (VLC, ffmpeg, Home Assistant), ending when the camera goes offline | `mjpeg` |
//! | `/api/events` | motion events going on and recorded, newest first, as JSON | `recordings`, `running` |
//! | `/recordings/{path}`, `/replay/{path}` | a recording or thumbnail (with byte ranges, to seek); a recording replayed as MJPEG | `recordings`, `range` |
//! | `/metrics` | Prometheus metrics | `metrics` |
//! | `/favicon.svg`, `/favicon.ico` | the page's icon | `favicon` |
//! | `/healthz` | "the server answers": for supervisors, never behind a password | `routes` |
//!
//! Three ideas run through it.
//!
//! **Pictures are JPEG on the wire, encoded at most once.** Browsers and
//! players understand JPEG, and most cameras already send JPEG: their bytes
//! are served exactly as they arrived (the frame's payload is a
//! reference-counted [`bytes::Bytes`], so a hundred viewers share one copy).
//! A raw camera (RGB, BGR, grey) is encoded once per frame, whoever watches,
//! by a small cache keyed by the frame's sequence number (`jpeg_cache`).
//! Encoding per viewer would make the CPU cost grow with the audience.
//!
//! **Each viewer is paced by its own connection.** Nothing is queued for a
//! viewer: it waits for "something changed" ([`Registry::subscribe`]), then
//! takes the *newest* frame, if it has not sent it yet. A viewer on a slow
//! phone gets fewer frames, never late ones, and it cannot slow down the
//! cameras or the other viewers: the same latest-frame idea as the registry.
//!
//! **Off by default to strangers.** The server listens on loopback unless
//! told otherwise; listening on the network without a password prints a
//! warning ([`warn_if_exposed`]); with a user and password, every path but
//! `/healthz` needs HTTP Basic auth (`auth`). Requests for a name that is not
//! the server's own are refused (`host`: DNS rebinding). Camera names from
//! URLs are only ever looked up in the registry, never used as file paths.
//!
//! **A hostile viewer costs only itself.** Every connection has a write
//! deadline (`deadline`), the connections a share of the file descriptors
//! (`slots`), replays a cap and one frame of memory each (`replay`).
//!
//! Running it beside the camera server, on the same registry:
//!
//! ```no_run
//! # async fn example(registry: vigie_hub::Registry) -> Result<(), vigie_web::WebError> {
//! use tokio_util::sync::CancellationToken;
//! use vigie_web::WebConfig;
//!
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let config = WebConfig::default(); // no password: loopback only, please
//! vigie_web::warn_if_exposed(listener.local_addr()?, &config);
//! let shutdown = CancellationToken::new(); // cancel it to stop
//! vigie_web::serve(listener, registry, config, shutdown).await
//! # }
//! ```

mod api;
mod auth;
mod deadline;
mod error;
mod favicon;
mod health;
mod host;
mod jpeg_cache;
mod lang;
mod live;
mod metrics;
mod mjpeg;
mod page;
mod range;
mod recordings;
mod replay;
mod routes;
mod running;
mod server;
mod slots;
mod snapshot;

#[cfg(doc)]
use vigie_hub::Registry;

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

pub use deadline::WRITE_TIMEOUT;
pub use error::WebError;
pub use replay::MAX_REPLAYS;
pub use server::{serve, GRACE, MAX_BUFFER, MAX_CONNECTIONS, UNSENT};
pub use slots::EVICT_AFTER;

/// The user name when only a password is given.
pub const DEFAULT_USER: &str = "vigie";

/// The environment variable that can hold the password, so that it does
/// not show in the process list as a command-line argument would.
pub const PASSWORD_ENV: &str = "VIGIE_HTTP_PASSWORD";

/// How the HTTP side is set up.
#[derive(Clone)]
pub struct WebConfig {
    /// The Basic auth user name; [`DEFAULT_USER`] if only a password is set.
    pub user: Option<String>,
    /// The Basic auth password: with it, every path but `/healthz` needs
    /// credentials. Without it, anyone who reaches the port can watch.
    pub password: Option<String>,
    /// The cameras' TCP port, shown on the page while no camera is there
    /// ("en attente de caméras sur le port 8485").
    pub listen_port_for_display: u16,
    /// The folder the server records into (`vigie server --record DIR`):
    /// its events and recordings are served. `None`: no recordings.
    pub recordings: Option<std::path::PathBuf>,
    /// HTTP connections served at once ([`MAX_CONNECTIONS`] by default).
    /// Past it, a newcomer takes the slot of a connection that has not
    /// been able to write for [`EVICT_AFTER`], or is refused with 503. The
    /// binary sizes it from the process's file-descriptor limit, leaving
    /// the camera port its own share.
    pub max_connections: usize,
    /// A connection whose peer takes no bytes for this long is closed
    /// ([`WRITE_TIMEOUT`] by default): responses, streams and WebSockets.
    pub write_timeout: Duration,
    /// More names the server may be reached by (`Host` header), beside
    /// `localhost`, the machine's addresses and names; `*` allows any.
    pub allowed_hosts: Vec<String>,
    /// Recordings replayed at once at most ([`MAX_REPLAYS`] by default).
    pub max_replays: usize,
    /// Serve HTTPS with this TLS configuration (the server's own
    /// certificate, `alpn_protocols` set to `http/1.1`): what the binary
    /// does when the page listens beyond loopback. `None`: plain HTTP.
    pub tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    /// The server certificate's fingerprint (`3F:9A:…`), shown on the page
    /// so that a user can check the browser's certificate warning against
    /// the one the server printed at start. `None`: not shown.
    pub fingerprint: Option<String>,
    /// The server's notification channels: their counters go to
    /// `/metrics`, the MQTT connection to `/api/health` and the page.
    /// `None`: no notifications.
    pub notifier: Option<vigie_notify::Notifier>,
}

impl Default for WebConfig {
    fn default() -> WebConfig {
        WebConfig {
            user: None,
            password: None,
            listen_port_for_display: vigie_hub::DEFAULT_PORT,
            recordings: None,
            max_connections: MAX_CONNECTIONS,
            write_timeout: WRITE_TIMEOUT,
            allowed_hosts: Vec::new(),
            max_replays: MAX_REPLAYS,
            tls: None,
            fingerprint: None,
            notifier: None,
        }
    }
}

// Written by hand so that a password never reaches a log line.
impl fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebConfig")
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "(hidden)"))
            .field("listen_port_for_display", &self.listen_port_for_display)
            .field("recordings", &self.recordings)
            .field("max_connections", &self.max_connections)
            .field("write_timeout", &self.write_timeout)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("max_replays", &self.max_replays)
            .field("tls", &self.tls.is_some())
            .field("fingerprint", &self.fingerprint)
            .field("notifier", &self.notifier.is_some())
            .finish()
    }
}

impl WebConfig {
    /// The credentials to require, if any: `None` means the page is open.
    /// A user without a password, an empty password or a user name with
    /// a colon is an error (call it early to report bad options).
    pub fn credentials(&self) -> Result<Option<(String, String)>, WebError> {
        match (&self.user, &self.password) {
            (_, Some(p)) if p.is_empty() => Err(WebError::EmptyPassword),
            (Some(u), _) if u.contains(':') => Err(WebError::ColonInUser),
            (Some(_), None) => Err(WebError::MissingPassword),
            (None, None) => Ok(None),
            (user, Some(p)) => Ok(Some((
                user.clone().unwrap_or_else(|| DEFAULT_USER.to_owned()),
                p.clone(),
            ))),
        }
    }

    /// Whether Basic auth is on.
    pub fn auth_enabled(&self) -> bool {
        matches!(self.credentials(), Ok(Some(_)))
    }
}

/// Warns (with `tracing::warn!`) when `addr` can be reached from other
/// machines and no password is set; returns whether it warned.
///
/// Loopback (`127.0.0.1`, `::1`) is reachable from this machine only. Any
/// other address, and above all `0.0.0.0`, lets everyone on the network
/// watch the cameras.
pub fn warn_if_exposed(addr: SocketAddr, config: &WebConfig) -> bool {
    if addr.ip().is_loopback() || config.auth_enabled() {
        return false;
    }
    tracing::warn!(
        "the web page on http://{addr} is open to anyone who can reach this address: \
         every camera can be watched without a password. Set --http-user and \
         --http-password (or {PASSWORD_ENV}), or listen on 127.0.0.1"
    );
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(user: Option<&str>, password: Option<&str>) -> WebConfig {
        WebConfig {
            user: user.map(str::to_owned),
            password: password.map(str::to_owned),
            ..WebConfig::default()
        }
    }

    #[test]
    fn credentials_need_a_password() {
        assert!(config(None, None).credentials().unwrap().is_none());
        assert_eq!(
            config(None, Some("pw")).credentials().unwrap(),
            Some(("vigie".into(), "pw".into()))
        );
        assert_eq!(
            config(Some("ana"), Some("pw")).credentials().unwrap(),
            Some(("ana".into(), "pw".into()))
        );
        assert!(matches!(
            config(Some("ana"), None).credentials(),
            Err(WebError::MissingPassword)
        ));
        assert!(matches!(
            config(Some("ana"), Some("")).credentials(),
            Err(WebError::EmptyPassword)
        ));
        assert!(matches!(
            config(Some("a:b"), Some("pw")).credentials(),
            Err(WebError::ColonInUser)
        ));
    }

    #[test]
    fn only_open_non_loopback_addresses_warn() {
        let open = config(None, None);
        let locked = config(Some("ana"), Some("pw"));
        let lan: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert!(warn_if_exposed(lan, &open));
        assert!(!warn_if_exposed(lan, &locked));
        assert!(!warn_if_exposed("127.0.0.1:8080".parse().unwrap(), &open));
        assert!(!warn_if_exposed("[::1]:8080".parse().unwrap(), &open));
        assert!(warn_if_exposed("192.168.1.20:8080".parse().unwrap(), &open));
    }

    #[test]
    fn debug_hides_the_password() {
        let shown = format!("{:?}", config(Some("ana"), Some("secret")));
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("hidden"));
    }
}
