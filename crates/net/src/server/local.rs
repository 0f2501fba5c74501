//! A server on a loopback port with a fresh registry: what every test, the
//! tutorial and the benchmark start, written once.
//!
//! The port is chosen by the OS (`127.0.0.1:0`), so tests run side by side;
//! the [`LocalServer`] says which port it got, holds the registry to look
//! at, and stops the server cleanly.

use std::io;
use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use vigie_hub::{Lifecycle, Registry};

use super::ServerConfig;

/// A camera server running in the background of the runtime.
pub struct LocalServer {
    /// Where cameras connect.
    pub addr: SocketAddr,
    /// The cameras it knows.
    pub registry: Registry,
    /// Cancel it to stop the server (or call [`LocalServer::stop`]).
    pub shutdown: CancellationToken,
    /// The server's task; it ends once every connection is closed.
    pub task: JoinHandle<()>,
}

/// Binds `127.0.0.1:0` and serves it with `config` into a fresh registry of
/// at most `max_cameras` (default [`Lifecycle`]). Must be called inside a
/// tokio runtime.
pub async fn spawn_local(config: ServerConfig, max_cameras: usize) -> io::Result<LocalServer> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    LocalServer::start(
        listener,
        config,
        Registry::new(max_cameras, Lifecycle::default()),
    )
}

impl LocalServer {
    /// Serves `listener` with `config` into `registry`. Must be called
    /// inside a tokio runtime.
    pub fn start(
        listener: TcpListener,
        config: ServerConfig,
        registry: Registry,
    ) -> io::Result<LocalServer> {
        let addr = listener.local_addr()?;
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(super::run(
            listener,
            config,
            registry.clone(),
            shutdown.clone(),
        ));
        Ok(LocalServer {
            addr,
            registry,
            shutdown,
            task,
        })
    }

    /// Stops the server and waits until every connection is closed. If the
    /// server's task panicked, that panic goes on here (a test that stops
    /// its server then fails, as it should).
    pub async fn stop(self) {
        self.shutdown.cancel();
        if let Err(e) = self.task.await {
            if e.is_panic() {
                std::panic::resume_unwind(e.into_panic());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_local_server_listens_on_loopback_and_stops() {
        let server = spawn_local(ServerConfig::default(), 4).await.unwrap();
        assert!(server.addr.ip().is_loopback());
        assert_ne!(server.addr.port(), 0);
        let _peer = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        assert_eq!(server.registry.snapshot().len(), 0);
        server.stop().await;
    }
}
