//! The server: one TCP listener, many cameras at once.
//!
//! The report's server called `accept()` once and then read from that one
//! client forever: a second camera could connect, but it would never be
//! read. Here every accepted connection gets its own task (a lightweight
//! thread of tokio), so 64 cameras are 64 tasks reading in parallel, and one
//! slow or broken camera only ever blocks its own task.
//!
//! [`run`] takes a listener that is *already bound*: the caller chooses the
//! address (and tests bind port 0 to get a free port), and a port already in
//! use is reported before anything else starts.
//!
//! Every limit drops *that peer only*, with a log line saying why: no hello
//! in time, a frame too large, a stalled peer, malformed data. Those lines
//! go through a [`LogLimiter`]: a flood of hostile peers gives a few lines
//! and a summary every few seconds, not a line per peer.
//!
//! A connection is not a camera until it has sent a valid frame. Until then
//! it waits in a bounded pool of its own ([`pending`]), where a newcomer
//! pushes out the oldest, and its buffers come out of a shared budget
//! ([`ServerConfig::unproven_bytes`]). Only then does it take one of the
//! cameras' places, which no amount of idle or junk connections can hold.
//!
//! Which connections are let in at all is the [`gate`]'s business: TLS
//! with a paired camera's token by default; vigie's plaintext protocol only
//! with [`ServerConfig::insecure`], the report's format only with
//! [`ServerConfig::allow_legacy`].

mod frame_check;
mod gate;
mod legacy_peer;
mod local;
mod native_peer;
mod pairing_peer;
mod pending;
mod revocations;

use std::fmt::Display;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{info, warn};

use crate::log_limit::{Kind, LogLimiter};
use crate::protocol::Refusal;
use crate::text::escape;
use crate::Error;
pub use local::{spawn_local, LocalServer};
use pending::{Pending, Ticket};
use revocations::Revocations;
use vigie_hub::{CameraHandle, Registry};
pub use vigie_trust::ServerTrust;

/// The server's limits.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Connections of cameras (that sent a valid frame), at most. Each holds
    /// a file descriptor.
    pub max_connections: usize,
    /// Connections that are not cameras yet (no hello, or no valid frame
    /// yet), at most. When full, the oldest is dropped for a newcomer.
    pub max_pending: usize,
    /// The largest message (frame) accepted, in bytes.
    pub max_message: usize,
    /// Bytes that connections not yet proven to be cameras may hold at once
    /// in their message buffers, all together (a legacy peer's first
    /// message). At least one message of `max_message` always fits.
    pub unproven_bytes: usize,
    /// The largest picture accepted, in pixels (width × height, as the
    /// JPEG's own header says, whatever the frame header claims).
    pub max_pixels: u64,
    /// Time allowed between connecting and a complete hello.
    pub hello_timeout: Duration,
    /// A peer that completes no message for this long is dropped.
    pub read_timeout: Duration,
    /// How often the server sends heartbeats to native clients.
    pub heartbeat_interval: Duration,
    /// The server's identity, pairing codes and paired cameras. Without
    /// it, TLS connections are refused (there is no certificate to show).
    pub trust: Option<Arc<ServerTrust>>,
    /// Also accept vigie's plaintext protocol, without a token (`--insecure`):
    /// for the tutorial's first chapters and for tests. Names that belong
    /// to paired cameras stay refused in plaintext.
    pub insecure: bool,
    /// Also accept the report's Python format (`--allow-legacy`), which can
    /// be neither encrypted nor authenticated.
    pub allow_legacy: bool,
}

/// 40 MiB: one first message of the default 32 MiB maximum, and then some.
/// 64 peers that each announce a 32 MiB first message make the server hold
/// 40 MiB, not 2 GiB: the others wait for room, until their hello timeout.
pub const DEFAULT_UNPROVEN_BYTES: usize = 40 * 1024 * 1024;

/// 8192 × 8192 pixels: what the JPEG decoder behind the window, the web
/// page and motion analysis agrees to decode.
pub const DEFAULT_MAX_PIXELS: u64 = 8192 * 8192;

/// File descriptors kept for everything but sockets: standard streams,
/// the log, recordings being written, the runtime's own.
pub const FD_RESERVE: usize = 64;

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_connections: 256,
            max_pending: 128,
            max_message: vigie_core::pack::DEFAULT_MAX_MESSAGE,
            unproven_bytes: DEFAULT_UNPROVEN_BYTES,
            max_pixels: DEFAULT_MAX_PIXELS,
            hello_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(10),
            heartbeat_interval: Duration::from_secs(1),
            trust: None,
            insecure: false,
            allow_legacy: false,
        }
    }
}

impl ServerConfig {
    /// File descriptors the camera port holds at most: one per camera
    /// connection, one per pending connection, and the listener. The web
    /// side must leave that many free: cap the HTTP connections at
    /// `fd_limit - FD_RESERVE - fd_budget()`.
    pub fn fd_budget(&self) -> usize {
        self.max_connections + self.max_pending + 1
    }

    /// Shrinks the connection caps, if need be, to half of what `fd_limit`
    /// (the soft `RLIMIT_NOFILE`) leaves after [`FD_RESERVE`]: the other
    /// half is the web side's. Camera connections get two thirds of that
    /// share, pending ones the rest. With the usual 1,024 the defaults fit
    /// (256 + 128 + 1 = 385 of 480).
    pub fn fit_fd_limit(mut self, fd_limit: u64) -> ServerConfig {
        let usable = usize::try_from(fd_limit)
            .unwrap_or(usize::MAX)
            .saturating_sub(FD_RESERVE);
        let share = (usable / 2).max(3);
        if self.fd_budget() > share {
            let cameras = (share - 1) * 2 / 3;
            self.max_connections = self.max_connections.min(cameras.max(1));
            self.max_pending = self
                .max_pending
                .min((share - 1 - self.max_connections).max(1));
        }
        self
    }

    /// The budget of [`ServerConfig::unproven_bytes`], raised so that one
    /// message of `max_message` (and its prefix) fits.
    fn unproven_budget(&self) -> usize {
        self.unproven_bytes
            .max(
                self.max_message
                    .saturating_add(vigie_core::pack::HEADER_LEN),
            )
            .min(Semaphore::MAX_PERMITS)
            .min(u32::MAX as usize)
    }
}

/// What every connection's task shares.
struct Shared {
    config: ServerConfig,
    registry: Registry,
    /// Bytes for the messages of peers not yet proven to be cameras.
    unproven: Arc<Semaphore>,
    /// One per camera connection.
    slots: Arc<Semaphore>,
    log: LogLimiter,
    /// Fires for the connections of cameras revoked while connected.
    revocations: Revocations,
}

/// Lines of one kind printed one by one per window, before the summary.
const LOG_BURST: u32 = 5;
/// How often a summary of the lines not printed may come.
const LOG_WINDOW: Duration = Duration::from_secs(5);

impl Shared {
    /// Logs a warning, unless too many of its kind went out recently.
    fn warn(&self, kind: Kind, line: impl FnOnce() -> String) {
        let (print, summary) = self.log.allow(kind);
        if let Some(summary) = summary {
            warn!("{summary}");
        }
        if print {
            warn!("{}", line());
        }
    }

    /// [`Shared::warn`] at the info level, for connections and departures.
    fn info(&self, kind: Kind, line: impl FnOnce() -> String) {
        let (print, summary) = self.log.allow(kind);
        if let Some(summary) = summary {
            info!("{summary}");
        }
        if print {
            info!("{}", line());
        }
    }

    /// Logs why a peer was dropped, peer text escaped.
    fn dropped(&self, what: &'static str, who: impl Display, error: &Error) {
        self.warn((what, error.reason()), || {
            escape(&format!("{who}: dropped: {error}")).into_owned()
        });
    }

    /// The connection sent its first valid frame: it leaves the pending
    /// pool and takes one of the cameras' places, if one is free.
    fn prove(
        &self,
        camera: &CameraHandle,
        ticket: Ticket,
    ) -> Result<OwnedSemaphorePermit, Refusal> {
        let full = || Refusal::ServerFull {
            max: self.config.max_connections as u32,
        };
        let slot = self.slots.clone().try_acquire_owned().map_err(|_| full())?;
        camera.activate()?;
        drop(ticket);
        Ok(slot)
    }
}

/// Accepts cameras on `listener` and publishes their frames in `registry`,
/// until `shutdown` is cancelled. Then every connection is closed, and
/// `run` returns once all of them are.
pub async fn run(
    listener: TcpListener,
    config: ServerConfig,
    registry: Registry,
    shutdown: CancellationToken,
) {
    let pending = Pending::new(config.max_pending);
    let tasks = TaskTracker::new();
    let shared = Arc::new(Shared {
        unproven: Arc::new(Semaphore::new(config.unproven_budget())),
        slots: Arc::new(Semaphore::new(config.max_connections)),
        config,
        registry,
        log: LogLimiter::new(LOG_BURST, LOG_WINDOW),
        revocations: Revocations::default(),
    });
    let tasks_shutdown = shutdown.clone();
    if let Some(trust) = shared.config.trust.clone() {
        let shared = shared.clone();
        tasks.spawn(async move {
            tokio::select! {
                _ = tasks_shutdown.cancelled() => {}
                () = revocations::housekeeping(trust, &shared) => {}
            }
        });
    }
    let mut summaries = tokio::time::interval(Duration::from_secs(1));
    loop {
        let (stream, peer) = tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = summaries.tick() => {
                for summary in shared.log.summaries() {
                    warn!("{summary}");
                }
                continue;
            }
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors, for example: wait, do not
                    // spin, and say so a few times, not a thousand.
                    shared.warn(("accept errors", "accept failed"), || {
                        format!("cannot accept a camera connection: {e}; retrying in 100 ms")
                    });
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let (ticket, evicted) = pending.admit();
        if evicted {
            shared.warn(("connections dropped", "pending pool full"), || {
                format!(
                    "{} connections are waiting to become cameras: dropped the oldest for {peer}",
                    shared.config.max_pending
                )
            });
        }
        // Frames are sent whole: do not let Nagle's algorithm hold back heartbeats.
        let _ = stream.set_nodelay(true);
        let (shared, shutdown) = (shared.clone(), shutdown.clone());
        tasks.spawn(async move {
            let evicted = ticket.evicted();
            tokio::select! {
                _ = shutdown.cancelled() => {}
                _ = evicted.cancelled() => {}
                () = gate::serve_peer(stream, peer, &shared, ticket) => {}
            }
        });
    }
    for summary in shared.log.summaries() {
        warn!("{summary}");
    }
    tasks.close();
    tasks.wait().await;
    info!("server stopped");
}

/// Runs `read` until `deadline`, turning a timeout into [`Error::Timeout`].
async fn read_by<T>(
    deadline: tokio::time::Instant,
    allowed: Duration,
    read: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    tokio::time::timeout_at(deadline, read)
        .await
        .map_err(|_| Error::Timeout(allowed))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_fit_a_limit_of_1024_descriptors() {
        let config = ServerConfig::default();
        let fitted = config.clone().fit_fd_limit(1024);
        assert_eq!(fitted.max_connections, config.max_connections);
        assert_eq!(fitted.max_pending, config.max_pending);
        assert!(fitted.fd_budget() <= (1024 - FD_RESERVE) / 2);
    }

    #[test]
    fn a_small_limit_shrinks_both_pools() {
        let fitted = ServerConfig::default().fit_fd_limit(256);
        assert!(fitted.fd_budget() <= (256 - FD_RESERVE) / 2, "{fitted:?}");
        assert!(fitted.max_connections > fitted.max_pending, "{fitted:?}");
        let tiny = ServerConfig::default().fit_fd_limit(10);
        assert!(tiny.max_connections >= 1 && tiny.max_pending >= 1);
    }
}
