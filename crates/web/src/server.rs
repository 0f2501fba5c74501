//! Accepting HTTP connections, and stopping cleanly.
//!
//! axum describes *what* to answer; this loop decides *who* is served: it
//! accepts connections (at most [`WebConfig::max_connections`] at once, so
//! a flood of sockets cannot exhaust the file descriptors the camera port
//! needs; see `slots` for who gives way when they are all taken), puts a
//! write deadline on each (see `deadline`), gives each one to hyper in its
//! own task, and on shutdown:
//!
//! 1. stops accepting;
//! 2. ends the live streams (they watch the same cancellation token) and
//!    asks every connection to finish its current response;
//! 3. after [`GRACE`], drops whatever is left: a reader that stopped
//!    reading would otherwise keep the server alive forever.
//!
//! It also keeps the bytes waiting for a slow viewer few. Between the
//! newest frame and a viewer sit two buffers: hyper's (bounded by
//! [`MAX_BUFFER`]) and the kernel's send buffer, which Linux grows to
//! megabytes on a fast link: a hundred frames that a viewer on a slow
//! Wi-Fi would watch seconds late. `TCP_NOTSENT_LOWAT` ([`UNSENT`]) makes
//! the socket refuse more data while that much is still unsent, so the
//! next frame is picked when the link is really ready for it.
//!
//! With [`WebConfig::tls`] every connection first completes a TLS handshake,
//! within [`HEADER_TIMEOUT`], in its own task: a browser that opens a
//! handshake and stalls holds its slot for that long, no more.

use std::pin::pin;
use std::time::{Duration, Instant};

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use vigie_hub::Registry;

use crate::auth::Credentials;
use crate::deadline::WriteDeadline;
use crate::host::AllowedHosts;
use crate::routes::{self, App};
use crate::slots::{Admission, Slots};
use crate::{WebConfig, WebError};

/// Connections served at once by default (the binary sizes it from the
/// process's file-descriptor limit instead).
pub const MAX_CONNECTIONS: usize = 1024;

/// What a connection refused for lack of slots reads before it is closed.
const FULL: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Length: 36\r\nConnection: close\r\n\r\n\
serveur plein, r\xc3\xa9essayez plus tard\n";

/// The most one kind of warning is repeated: once per period, with a count.
const WARN_EVERY: Duration = Duration::from_secs(5);

/// How long connections get to finish after a shutdown is asked.
pub const GRACE: Duration = Duration::from_secs(3);

/// The most bytes hyper buffers for one connection: about one frame
/// (hyper's default is about 400 KB, twenty frames of a small camera). It
/// also bounds a request's headers, which are far smaller here.
pub const MAX_BUFFER: usize = 16 * 1024;

/// The most unsent bytes the kernel keeps for one connection.
pub const UNSENT: usize = 16 * 1024;

/// How long a client has to send its request headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How often the JPEG cache forgets cameras the registry forgot.
const HOUSEKEEPING: Duration = Duration::from_secs(10);

/// Serves the HTTP side on `listener` until `shutdown` is cancelled, then
/// stops as described in this module. Fails at once on a bad
/// configuration ([`WebConfig::credentials`]); errors of single
/// connections are logged, never returned.
pub async fn serve(
    listener: TcpListener,
    registry: Registry,
    config: WebConfig,
    shutdown: CancellationToken,
) -> Result<(), WebError> {
    let credentials = config
        .credentials()?
        .map(|(user, password)| Credentials::new(&user, &password));
    let hosts = AllowedHosts::new(listener.local_addr()?, &config.allowed_hosts);
    // The streams stop with the server, and also when the caller cancels.
    let stopping = shutdown.child_token();
    let app = App::new(
        registry.clone(),
        config.listen_port_for_display,
        config.fingerprint.clone(),
        config.recordings.clone(),
        stopping.clone(),
        config.max_replays,
        config.notifier.clone(),
    );
    let router = routes::router(app.clone(), credentials, hosts);
    let housekeeping = tokio::spawn(forget_gone_cameras(app, stopping.clone()));
    let slots = Slots::new(config.max_connections);
    let mut refused =
        Throttled::new("HTTP connections refused: every slot is taken by a viewer that reads");
    let mut evicted =
        Throttled::new("HTTP connections closed to make room: they had stopped reading");
    let mut failed = Throttled::new("accepting an HTTP connection failed");
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = stopping.cancelled() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let slot = match slots.admit() {
                        Admission::Free(slot) => slot,
                        Admission::Evicted(slot, stalled) => {
                            evicted.note(|| format!("{peer} took the slot of a connection stalled for {stalled:.1?}"));
                            slot
                        }
                        Admission::Full => {
                            refused.note(|| format!("{peer}"));
                            // Best effort, never waiting: a fresh socket's
                            // buffer takes these few bytes at once.
                            let _ = stream.try_write(FULL);
                            continue;
                        }
                    };
                    let _ = stream.set_nodelay(true);
                    limit_unsent(&stream);
                    let evicted = slot.evicted.clone();
                    let stream = WriteDeadline::new(stream, config.write_timeout, Default::default())
                        .holding(slot);
                    match &config.tls {
                        None => {
                            connections.spawn(connection(stream, router.clone(), stopping.clone(), evicted));
                        }
                        Some(tls) => {
                            let acceptor = tokio_rustls::TlsAcceptor::from(tls.clone());
                            let (router, stopping) = (router.clone(), stopping.clone());
                            connections.spawn(async move {
                                let handshake = tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(stream));
                                match handshake.await {
                                    Ok(Ok(tls)) => connection(tls, router, stopping, evicted).await,
                                    Ok(Err(e)) => tracing::debug!("{peer}: TLS handshake failed: {e}"),
                                    Err(_) => tracing::debug!("{peer}: TLS handshake timed out"),
                                }
                            });
                        }
                    }
                }
                Err(e) => {
                    // Out of file descriptors, or a connection reset before
                    // it was accepted: wait a little rather than spin.
                    failed.note(|| e.to_string());
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    connections.shutdown().await;
    let _ = housekeeping.await;
    Ok(())
}

/// Serves one connection until it closes, or until the shutdown, when it
/// finishes the response under way and closes.
async fn connection<S>(
    stream: S,
    router: axum::Router,
    stopping: CancellationToken,
    evicted: CancellationToken,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = TowerToHyperService::new(router);
    let mut conn = pin!(http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(MAX_BUFFER)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades());
    let mut stop = pin!(stopping.cancelled());
    let mut asked = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!("HTTP connection: {e}");
                }
                return;
            }
            // A newcomer took the slot: dropping the connection closes it.
            _ = evicted.cancelled() => return,
            _ = stop.as_mut(), if !asked => {
                asked = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// A warning that may repeat thousands of times a second under attack:
/// the first one is logged, then at most one line per [`WARN_EVERY`] with
/// how many there were.
struct Throttled {
    what: &'static str,
    since: Option<Instant>,
    count: u64,
}

impl Throttled {
    fn new(what: &'static str) -> Throttled {
        Throttled {
            what,
            since: None,
            count: 0,
        }
    }

    /// One more; `detail` (the first one's, or the one that ends a
    /// period) is only formatted when it is logged.
    fn note(&mut self, detail: impl FnOnce() -> String) {
        self.count += 1;
        match self.since {
            None => {
                tracing::warn!("{}: {}", self.what, detail());
                self.since = Some(Instant::now());
                self.count = 0;
            }
            Some(since) if since.elapsed() >= WARN_EVERY => {
                tracing::warn!(
                    "{} in the last {:.0?}: {} (last: {})",
                    self.count,
                    since.elapsed(),
                    self.what,
                    detail()
                );
                self.since = Some(Instant::now());
                self.count = 0;
            }
            Some(_) => {}
        }
    }
}

/// See the module's documentation. Where `TCP_NOTSENT_LOWAT` does not
/// exist, a small send buffer does nearly the same (it also bounds the
/// bytes in flight, which only matters on links with a long round trip).
fn limit_unsent(stream: &TcpStream) {
    let socket = socket2::SockRef::from(stream);
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let result = socket.set_tcp_notsent_lowat(UNSENT as u32);
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let result = socket.set_send_buffer_size(4 * UNSENT);
    if let Err(e) = result {
        tracing::debug!("limiting a socket's unsent bytes: {e}");
    }
}

/// Keeps the JPEG cache as small as the registry's list of cameras.
async fn forget_gone_cameras(app: App, stopping: CancellationToken) {
    let mut ticks = tokio::time::interval(HOUSEKEEPING);
    loop {
        tokio::select! {
            _ = stopping.cancelled() => return,
            _ = ticks.tick() => {
                let names: Vec<String> =
                    app.registry.snapshot().into_iter().map(|v| v.name).collect();
                app.cache.retain(|name| names.iter().any(|n| n == name));
            }
        }
    }
}
