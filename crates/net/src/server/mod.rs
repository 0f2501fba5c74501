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
//! Every limit drops *that peer only*, with one log line saying why:
//! too many connections, no hello in time, a frame too large, a stalled
//! peer, malformed data.

mod legacy_peer;
mod native_peer;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{info, warn};

use crate::connection::{MessageReader, MessageWriter};
use crate::protocol::MAGIC;
use crate::registry::Registry;
use crate::Error;

/// The server's limits.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Open connections at most (counting those still saying hello).
    pub max_connections: usize,
    /// The largest message (frame) accepted, in bytes.
    pub max_message: usize,
    /// Time allowed between connecting and a complete hello.
    pub hello_timeout: Duration,
    /// A peer that completes no message for this long is dropped.
    pub read_timeout: Duration,
    /// How often the server sends heartbeats to native clients.
    pub heartbeat_interval: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_connections: 256,
            max_message: vigie_core::pack::DEFAULT_MAX_MESSAGE,
            hello_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(10),
            heartbeat_interval: Duration::from_secs(1),
        }
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
    let slots = Arc::new(Semaphore::new(config.max_connections));
    let tasks = TaskTracker::new();
    let config = Arc::new(config);
    loop {
        let (stream, peer) = tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors, for example: wait, do not spin.
                    warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            warn!(
                "{peer}: refused, {} connections are already open",
                config.max_connections
            );
            continue;
        };
        let (config, registry, shutdown) = (config.clone(), registry.clone(), shutdown.clone());
        tasks.spawn(async move {
            let _permit = permit;
            tokio::select! {
                _ = shutdown.cancelled() => {}
                () = serve_peer(stream, peer, &config, &registry) => {}
            }
        });
    }
    tasks.close();
    tasks.wait().await;
    info!("server stopped");
}

async fn serve_peer(
    stream: TcpStream,
    peer: SocketAddr,
    config: &ServerConfig,
    registry: &Registry,
) {
    // Frames are sent whole: do not let Nagle's algorithm hold back heartbeats.
    let _ = stream.set_nodelay(true);
    let (read, write) = stream.into_split();
    let mut reader = MessageReader::new(read, config.max_message);
    let writer = MessageWriter::new(write);
    let first = tokio::time::timeout(config.hello_timeout, reader.fill(MAGIC.len())).await;
    let outcome = match first {
        Err(_) => Err(Error::Timeout(config.hello_timeout)),
        Ok(Err(e)) => Err(e),
        Ok(Ok(bytes)) if bytes == MAGIC => {
            reader.consume(MAGIC.len());
            native_peer::serve(reader, writer, peer, config, registry).await
        }
        // No magic: the report's Python client, whose first four bytes are
        // the length of its first pickle.
        Ok(Ok(_)) => legacy_peer::serve(reader, peer, config, registry).await,
    };
    match outcome {
        Ok(()) | Err(Error::Closed) => {}
        Err(e) => warn!("{peer}: dropped: {e}"),
    }
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
