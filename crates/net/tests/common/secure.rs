//! Helpers of the secure-link tests: a server with a state directory, TLS
//! clients with their own, and relays that record or attack the link.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use vigie_net::client::{Link, TlsLink};
use vigie_net::{ServerConfig, ServerTrust};
use vigie_trust::pairing::{ManualClock, PairingLimits};
use vigie_trust::{PairingCode, ServerIdentity, StateDir};

use super::{client_config, start_server, TestServer};

/// A server with TLS and pairing, its state directory and its clock.
pub struct SecureServer {
    pub server: TestServer,
    pub trust: Arc<ServerTrust>,
    pub clock: ManualClock,
    pub dir: tempfile::TempDir,
}

impl SecureServer {
    /// A fresh code, as the server prints at start or `vigie pair` gets.
    pub fn code(&self) -> PairingCode {
        self.trust.issue_code().unwrap()
    }

    pub fn state(&self) -> StateDir {
        StateDir::open(self.dir.path()).unwrap()
    }
}

/// A server that takes TLS and paired cameras only (the defaults), with
/// `config`'s timeouts, and a clock the test moves.
pub async fn secure_server(config: ServerConfig) -> SecureServer {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::default();
    let (trust, created) = ServerTrust::open_with_limits(
        StateDir::open(dir.path()).unwrap(),
        Arc::new(clock.clone()),
        PairingLimits::default(),
    )
    .unwrap();
    assert!(created);
    let trust = Arc::new(trust);
    let config = ServerConfig {
        trust: Some(trust.clone()),
        ..config
    };
    SecureServer {
        server: start_server(config, 16).await,
        trust,
        clock,
        dir,
    }
}

/// A camera's own state directory (its pins and tokens).
pub fn client_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// A client of `addr` over TLS, with its state in `dir`, pairing with
/// `code` first if one is given.
pub fn tls_client(
    addr: SocketAddr,
    dir: &tempfile::TempDir,
    code: Option<PairingCode>,
) -> vigie_net::client::ClientConfig {
    vigie_net::client::ClientConfig {
        link: Link::Tls(TlsLink {
            state: StateDir::open(dir.path()).unwrap(),
            pair: code,
        }),
        connect_timeout: Duration::from_secs(5),
        ..client_config(addr, 20.0)
    }
}

/// Bytes a relay saw, each direction apart.
#[derive(Default, Clone)]
pub struct Capture {
    pub to_server: Arc<Mutex<Vec<u8>>>,
    pub to_client: Arc<Mutex<Vec<u8>>>,
}

impl Capture {
    pub fn both(&self) -> Vec<u8> {
        let mut all = self.to_server.lock().unwrap().clone();
        all.extend(self.to_client.lock().unwrap().iter());
        all
    }
}

/// Copies `from` to `to`, keeping a copy in `record`.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    record: Arc<Mutex<Vec<u8>>>,
) {
    let mut buf = vec![0; 64 * 1024];
    while let Ok(n) = from.read(&mut buf).await {
        if n == 0 || to.write_all(&buf[..n]).await.is_err() {
            break;
        }
        record.lock().unwrap().extend_from_slice(&buf[..n]);
    }
    let _ = to.shutdown().await;
}

/// What the relay on the camera's path does.
#[derive(Clone)]
pub enum Relay {
    /// Forwards every byte both ways, recording them: a packet capture.
    Record,
    /// Terminates TLS itself with another server's certificate, and
    /// records what it could read: a man in the middle.
    Impostor(Arc<rustls::ServerConfig>),
}

/// A relay on 127.0.0.1 in front of `to`; its behaviour can be changed
/// between connections (`mode`), its address stays (the camera's pins are
/// filed under it).
pub struct Proxy {
    pub addr: SocketAddr,
    pub capture: Capture,
    /// Plaintext the impostor got out of TLS sessions, and its handshake results.
    pub stolen: Arc<Mutex<Vec<u8>>>,
    pub handshakes_ok: Arc<Mutex<u32>>,
    pub mode: Arc<Mutex<Relay>>,
    pub task: JoinHandle<()>,
}

pub async fn proxy(to: SocketAddr) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let capture = Capture::default();
    let stolen = Arc::new(Mutex::new(Vec::new()));
    let handshakes_ok = Arc::new(Mutex::new(0));
    let mode = Arc::new(Mutex::new(Relay::Record));
    let (c, s, h, m) = (
        capture.clone(),
        stolen.clone(),
        handshakes_ok.clone(),
        mode.clone(),
    );
    let task = tokio::spawn(async move {
        // Bounded: a test opens a few dozen connections at most.
        for _ in 0..200 {
            let Ok((client, _)) = listener.accept().await else {
                return;
            };
            let relay = m.lock().unwrap().clone();
            match relay {
                Relay::Record => {
                    let Ok(server) = TcpStream::connect(to).await else {
                        continue;
                    };
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    tokio::spawn(pump(cr, sw, c.to_server.clone()));
                    tokio::spawn(pump(sr, cw, c.to_client.clone()));
                }
                Relay::Impostor(config) => {
                    let (s, h) = (s.clone(), h.clone());
                    tokio::spawn(async move {
                        let accept = TlsAcceptor::from(config).accept(client);
                        let Ok(Ok(mut tls)) =
                            tokio::time::timeout(Duration::from_secs(10), accept).await
                        else {
                            return;
                        };
                        *h.lock().unwrap() += 1;
                        let mut buf = [0; 4096];
                        let read = tokio::time::timeout(Duration::from_secs(5), tls.read(&mut buf));
                        if let Ok(Ok(n)) = read.await {
                            s.lock().unwrap().extend_from_slice(&buf[..n]);
                        }
                    });
                }
            }
        }
    });
    Proxy {
        addr,
        capture,
        stolen,
        handshakes_ok,
        mode,
        task,
    }
}

/// The TLS configuration of another server: same software, other key.
pub fn impostor_config() -> Arc<rustls::ServerConfig> {
    let identity = ServerIdentity::generate().unwrap();
    Arc::new(vigie_trust::tls::server_config(&identity).unwrap())
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// How many times `needle` occurs in `haystack`.
pub fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}
