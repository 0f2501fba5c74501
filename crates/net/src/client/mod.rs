//! The client: capture, connect, send, and reconnect when the server goes.
//!
//! The report's client needed the server's IP address and port pasted into
//! its code. Here it needs `--server HOST:PORT`, and nothing else. It never
//! gives up on its own: if the server is not there yet, or restarts, the
//! client tries again, waiting longer each time (exponential backoff) with a
//! little randomness (jitter) so that twenty cameras do not all knock at the
//! same instant after a power cut.
//!
//! By default ([`Link::Tls`]) the link is encrypted and the server's
//! certificate pinned, after one pairing ([`secure`]); refusals that no
//! retry can fix (a certificate that is not the pinned one, a revoked
//! token) end the run with their one-line reason.

mod backoff;
pub mod capture;
pub mod secure;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadHalf, WriteHalf};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::{interval, Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};
use vigie_camera::Camera;
use vigie_core::frame::now_us;
use vigie_core::{pack, Frame, PixelFormat};

pub use backoff::Backoff;
use capture::CaptureCounters;
use secure::Secure;
pub use secure::{pair, Link, TlsLink};

use crate::connection::{MessageReader, MessageWriter};
use crate::protocol::{self, Accept, ClientMessage, Hello, ServerMessage, MAGIC};
use crate::wire::Protocol;
use crate::{legacy, tls, Error};

/// How a client behaves.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `HOST:PORT`; a bare `HOST` means port 8485.
    pub server: String,
    /// Which wire format to speak (vigie's own by default).
    pub protocol: Protocol,
    /// Frames per second to capture.
    pub fps: f64,
    /// Send one captured frame in `every`.
    pub every: u32,
    /// Stop after sending this many frames.
    pub frames: Option<u64>,
    /// Waits between connection attempts.
    pub backoff: Backoff,
    /// Time allowed to connect and to get the server's answer to the hello.
    pub connect_timeout: Duration,
    /// With no message from the server for this long, it is presumed gone.
    pub read_timeout: Duration,
    /// How often to send a heartbeat when no frame went out.
    pub heartbeat_interval: Duration,
    /// Plaintext (accepted by servers started with `--insecure`) or TLS
    /// with pairing and pinning. [`ClientConfig::new`] gives plaintext; the
    /// `vigie client` command gives TLS unless told `--insecure`.
    pub link: Link,
}

impl ClientConfig {
    /// Default settings for sending to `server` (`HOST` or `HOST:PORT`).
    pub fn new(server: impl Into<String>) -> ClientConfig {
        ClientConfig {
            server: server.into(),
            protocol: Protocol::Native,
            fps: 15.0,
            every: 1,
            frames: None,
            backoff: Backoff::default(),
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(10),
            heartbeat_interval: Duration::from_secs(1),
            link: Link::Plaintext,
        }
    }
}

/// What a client run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientSummary {
    /// Frames the server received from this client.
    pub frames_sent: u64,
    /// Frames the camera gave.
    pub frames_captured: u64,
    /// Connections opened (more than one after a reconnection).
    pub connections: u64,
    /// Captures that failed.
    pub camera_errors: u64,
}

/// Why one connection ended.
enum End {
    /// Done: enough frames, or asked to stop.
    Finished,
    /// Lost: try again.
    Lost(Error),
}

/// Streams `camera` to the server until `shutdown`, or until `frames` were
/// sent. Errors that retrying cannot fix (the server refused this camera for
/// good) are returned; everything else is retried.
pub async fn run(
    config: ClientConfig,
    camera: Box<dyn Camera>,
    shutdown: CancellationToken,
) -> Result<ClientSummary, Error> {
    let info = camera.info();
    let stop_capture = shutdown.child_token();
    let (mut frames, counters) =
        capture::spawn(camera, config.fps, config.every, stop_capture.clone())?;
    let _stop_capture_on_exit = stop_capture.drop_guard();
    let server = with_default_port(&config.server);
    let hello = Hello {
        version: protocol::VERSION,
        camera: info.name.clone(),
        width: info.width,
        height: info.height,
        format: info.format,
        fps: config.fps as f32,
        token: None,
    };
    let mut secure = match &config.link {
        Link::Plaintext => None,
        Link::Tls(_) if config.protocol != Protocol::Native => {
            return Err(Error::Malformed(
                "the report's format can be neither encrypted nor authenticated: use vigie's protocol, or --insecure".into(),
            ))
        }
        Link::Tls(link) => Some(Secure::open(link, &server, &info.name)?),
    };
    let mut summary = ClientSummary::default();
    let mut backoff = config.backoff.clone();
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let connections_before = summary.connections;
        let outcome = connect_and_stream(
            &config,
            &server,
            &hello,
            &mut frames,
            &mut summary,
            &shutdown,
            secure.as_mut(),
        )
        .await;
        record(&counters, &mut summary);
        let error = match outcome {
            End::Finished => return Ok(summary),
            End::Lost(e) if e.is_fatal() => return Err(e),
            End::Lost(e) => e,
        };
        if summary.connections > connections_before {
            // The connection worked before it was lost: retry quickly.
            backoff.reset();
            attempt = 1;
        }
        let wait = backoff.next_wait();
        warn!(
            "{server}: {error}; attempt {attempt} failed, retrying in {:.1} s",
            wait.as_secs_f64()
        );
        tokio::select! {
            _ = shutdown.cancelled() => return Ok(summary),
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

fn record(counters: &Arc<CaptureCounters>, summary: &mut ClientSummary) {
    summary.frames_captured = counters.captured.load(Ordering::Relaxed);
    summary.camera_errors = counters.camera_errors.load(Ordering::Relaxed);
}

/// `HOST` → `HOST:8485` ([`DEFAULT_PORT`](crate::DEFAULT_PORT)); `HOST:PORT`
/// and `[v6]:PORT` are kept.
pub fn with_default_port(server: &str) -> String {
    let has_port = match server.rsplit_once(':') {
        Some((host, port)) => {
            port.parse::<u16>().is_ok() && (!host.contains(':') || host.ends_with(']'))
        }
        None => false,
    };
    if has_port {
        server.to_owned()
    } else if server.contains(':') && !server.starts_with('[') {
        format!("[{server}]:{}", crate::DEFAULT_PORT)
    } else {
        format!("{server}:{}", crate::DEFAULT_PORT)
    }
}

async fn connect(server: &str, timeout: Duration) -> Result<TcpStream, Error> {
    let addrs: Vec<_> = tokio::net::lookup_host(server)
        .await
        .map_err(|source| Error::Resolve {
            host: server.to_owned(),
            source,
        })?
        .collect();
    let mut last = None;
    for addr in addrs {
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Ok(Err(e)) => last = Some(Error::Io(e)),
            Err(_) => last = Some(Error::Timeout(timeout)),
        }
    }
    Err(last.unwrap_or_else(|| Error::Malformed(format!("{server} resolves to no address"))))
}

async fn connect_and_stream(
    config: &ClientConfig,
    server: &str,
    hello: &Hello,
    frames: &mut watch::Receiver<Option<Frame>>,
    summary: &mut ClientSummary,
    shutdown: &CancellationToken,
    secure: Option<&mut Secure>,
) -> End {
    let timeout = config.connect_timeout;
    // A legacy session has no hello: its first frame is what shows the
    // server it is a camera, and a server under a flood of silent
    // connections drops those that stay silent longest. So a legacy client
    // waits for a fresh frame first, then connects and sends it at once.
    let legacy = config.protocol == Protocol::Legacy;
    let mut first = None;
    if legacy {
        frames.mark_unchanged();
        tokio::select! {
            _ = shutdown.cancelled() => return End::Finished,
            changed = frames.changed() => if changed.is_err() {
                return End::Lost(Error::Malformed("the capture thread stopped".into()));
            },
        }
        first = frames.borrow_and_update().clone();
    }
    let session = Session {
        first_sent: first.is_some(),
        config,
        server,
        camera: &hello.camera,
        frames,
        summary,
        shutdown,
    };
    match secure {
        None => {
            let opened = async {
                let stream = connect(server, timeout).await?;
                if config.protocol == Protocol::Native {
                    let (reader, writer, _accept) = open_native(stream, hello, timeout).await?;
                    Ok::<_, Error>((reader, writer))
                } else {
                    let (read, write) = tokio::io::split(stream);
                    let reader = MessageReader::new(read, protocol::MAX_SERVER_MESSAGE_LEN);
                    let mut writer = MessageWriter::new(write);
                    if let Some(frame) = &first {
                        writer.send_with(|out| legacy_message(frame, out)).await?;
                    }
                    Ok((reader, writer))
                }
            };
            session.run(opened, "in plaintext").await
        }
        Some(secure) => {
            let opened = async {
                if secure.must_pair() {
                    let stream = connect(server, timeout).await?;
                    secure.pair_on(stream, timeout).await?;
                }
                let (tls_config, token) = secure.credentials()?;
                let stream = connect(server, timeout).await?;
                let stream = tls::connect(stream, tls_config, timeout).await?;
                let hello = Hello {
                    token: Some(token.to_base64url()),
                    ..hello.clone()
                };
                let (reader, writer, _accept) = open_native(stream, &hello, timeout).await?;
                Ok::<_, Error>((reader, writer))
            };
            session.run(opened, "over TLS").await
        }
    }
}

/// One connection's streaming, whatever the stream under it.
struct Session<'a> {
    /// A legacy client's first frame went out as it connected.
    first_sent: bool,
    config: &'a ClientConfig,
    server: &'a str,
    camera: &'a str,
    frames: &'a mut watch::Receiver<Option<Frame>>,
    summary: &'a mut ClientSummary,
    shutdown: &'a CancellationToken,
}

impl Session<'_> {
    async fn run<R, W>(
        self,
        opened: impl std::future::Future<Output = Result<(MessageReader<R>, MessageWriter<W>), Error>>,
        how: &str,
    ) -> End
    where
        R: AsyncRead + Unpin + Send,
        W: AsyncWrite + Unpin + Send,
    {
        let Session {
            first_sent,
            config,
            server,
            camera,
            frames,
            summary,
            shutdown,
        } = self;
        let (mut reader, mut writer) = tokio::select! {
            _ = shutdown.cancelled() => return End::Finished,
            opened = opened => match opened {
                Ok(pair) => pair,
                Err(e) => return End::Lost(e),
            },
        };
        summary.connections += 1;
        summary.frames_sent += u64::from(first_sent);
        info!(
            "connected to {server} as {camera:?} ({} protocol, {how})",
            config.protocol
        );
        // Only frames captured from now on: never a backlog from before (a
        // legacy client's first frame was captured just before it connected).
        if config.protocol != Protocol::Legacy {
            frames.mark_unchanged();
        }
        match stream_frames(config, &mut reader, &mut writer, frames, summary, shutdown).await {
            Ok(()) => {
                if config.protocol == Protocol::Native {
                    let _ = writer.send_client(&ClientMessage::Goodbye).await;
                }
                let _ = writer.shutdown().await;
                End::Finished
            }
            Err(e) => End::Lost(e),
        }
    }
}

/// Opens a native session on `stream`: sends the magic bytes and `hello`,
/// and waits up to `timeout` for the server's answer. On any byte stream
/// (plain TCP, or TLS around it): the protocol does not care which.
///
/// Returns both directions, ready for frames, and what the server
/// accepted; a refusal is [`Error::Refused`].
pub async fn open_native<S>(
    stream: S,
    hello: &Hello,
    timeout: Duration,
) -> Result<
    (
        MessageReader<ReadHalf<S>>,
        MessageWriter<WriteHalf<S>>,
        Accept,
    ),
    Error,
>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let (read, write) = tokio::io::split(stream);
    let mut reader = MessageReader::new(read, protocol::MAX_SERVER_MESSAGE_LEN);
    let mut writer = MessageWriter::new(write);
    writer.send_raw(&MAGIC).await?;
    writer
        .send_client(&ClientMessage::Hello(hello.clone()))
        .await?;
    let reply = tokio::time::timeout(timeout, next_from_server(&mut reader))
        .await
        .map_err(|_| Error::Timeout(timeout))??;
    match protocol::decode_server(&reply)? {
        ServerMessage::Accept(accept) => Ok((reader, writer, accept)),
        ServerMessage::Refuse(r) => Err(Error::Refused(r)),
        ServerMessage::Heartbeat { .. } => Err(Error::Malformed(
            "a heartbeat before the answer to the hello".into(),
        )),
        ServerMessage::Paired { .. } => Err(Error::Malformed("a pairing answer to a hello".into())),
    }
}

async fn stream_frames<R, W>(
    config: &ClientConfig,
    reader: &mut MessageReader<R>,
    writer: &mut MessageWriter<W>,
    frames: &mut watch::Receiver<Option<Frame>>,
    summary: &mut ClientSummary,
    shutdown: &CancellationToken,
) -> Result<(), Error>
where
    R: AsyncRead + Unpin + Send,
    W: AsyncWrite + Unpin + Send,
{
    let native = config.protocol == Protocol::Native;
    let mut heartbeat = interval(config.heartbeat_interval);
    heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut last_sent = Instant::now();
    let mut deadline = Instant::now() + config.read_timeout;
    loop {
        if config.frames.is_some_and(|n| summary.frames_sent >= n) {
            return Ok(());
        }
        tokio::select! {
            // Stopping is a normal end: the caller says goodbye.
            _ = shutdown.cancelled() => return Ok(()),
            changed = frames.changed() => {
                if changed.is_err() {
                    return Err(Error::Malformed("the capture thread stopped".into()));
                }
                let Some(frame) = frames.borrow_and_update().clone() else { continue };
                let send = async {
                    if native {
                        writer.send_client(&ClientMessage::Frame(frame)).await
                    } else {
                        writer.send_with(|out| legacy_message(&frame, out)).await
                    }
                };
                tokio::time::timeout(config.read_timeout, send)
                    .await
                    .map_err(|_| Error::Timeout(config.read_timeout))??;
                summary.frames_sent += 1;
                last_sent = Instant::now();
            }
            msg = tokio::time::timeout_at(deadline, next_from_server(reader)), if native => {
                let msg = msg.map_err(|_| Error::Timeout(config.read_timeout))??;
                deadline = Instant::now() + config.read_timeout;
                if let ServerMessage::Refuse(r) = protocol::decode_server(&msg)? {
                    return Err(Error::Refused(r));
                }
            }
            _ = heartbeat.tick(), if native => {
                if last_sent.elapsed() >= config.heartbeat_interval {
                    writer.send_client(&ClientMessage::Heartbeat { sent_at_us: now_us() }).await?;
                    last_sent = Instant::now();
                }
            }
        }
    }
}

/// The next message from the server, refused on its first five bytes if it
/// is larger than its kind can be (an accept, a heartbeat, a refusal).
pub(crate) async fn next_from_server<R: AsyncRead + Unpin>(
    reader: &mut MessageReader<R>,
) -> Result<bytes::Bytes, Error> {
    reader
        .next_checked(
            "server message",
            protocol::MAX_SERVER_MESSAGE_LEN,
            protocol::server_message_limit,
        )
        .await
}

/// One frame in the report's format: `struct.pack(">L", len) + pickle`.
fn legacy_message(frame: &Frame, out: &mut Vec<u8>) -> Result<(), Error> {
    pack::pack_with(out, |out| {
        match frame.format() {
            PixelFormat::Jpeg => legacy::encode_jpeg(frame.payload(), out),
            PixelFormat::Bgr8 => {
                legacy::encode_bgr(frame.payload(), frame.width(), frame.height(), out)?
            }
            PixelFormat::Rgb8 => {
                let bgr: Vec<u8> = frame
                    .payload()
                    .chunks_exact(3)
                    .flat_map(|p| [p[2], p[1], p[0]])
                    .collect();
                legacy::encode_bgr(&bgr, frame.width(), frame.height(), out)?
            }
            PixelFormat::Gray8 => {
                return Err(Error::Malformed(
                    "the legacy format carries JPEG or BGR pictures, not grey".into(),
                ))
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_host_gets_the_default_port() {
        assert_eq!(with_default_port("192.168.1.20"), "192.168.1.20:8485");
        assert_eq!(with_default_port("pc-salon:9000"), "pc-salon:9000");
        assert_eq!(with_default_port("[::1]:9000"), "[::1]:9000");
        assert_eq!(with_default_port("::1"), "[::1]:8485");
        assert_eq!(with_default_port("localhost"), "localhost:8485");
    }
}
