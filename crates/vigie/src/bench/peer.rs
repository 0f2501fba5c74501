//! The camera side of a benchmark, run as a child process (`vigie bench
//! <scenario> --peer ADDR`, hidden) so that its CPU time is its own.
//!
//! It speaks the native protocol with vigie_net's own pieces (the
//! handshake of [`client::open_native`], then [`MessageWriter`] and
//! [`protocol::encode_client`] through `send_client`), but without
//! `client::run`'s capture thread, which paces frames to a frame
//! rate: here frames leave as fast as the socket takes them (or at a fixed
//! rate for `fanin`). The test pattern is drawn before the run, in a small
//! ring of distinct frames, so that drawing is not measured; `e2e` encodes
//! each frame to JPEG just before sending it (with `jpeg::encode_into`),
//! `ingest` and `fanin` send frames encoded once, before the run, and `raw`
//! sends messages serialized once, before the run (see [`send_prepacked`]).
//!
//! Over TLS (`--link tls`), each camera opens TLS 1.3 with the server's
//! pinned certificate and puts its token in its hello, as `vigie client`
//! does after pairing; the parent paired them before the run and wrote the
//! pins in the folder given by the hidden `--peer-tls`. It prints the
//! negotiated cipher suite on its standard output, for the report.
//!
//! It stops when its standard input closes (the parent closes it when the
//! measurement is over), or after a deadline in case the parent died.

use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Context};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;
use vigie_camera::TestPattern;
use vigie_core::frame::now_us;
use vigie_core::{jpeg, Frame, FrameHeader, PixelFormat};
use vigie_net::client;
use vigie_net::connection::MessageWriter;
use vigie_net::protocol::{self, ClientMessage, Hello};
use vigie_trust::{PinStore, StateDir};

use super::args::{BenchFormat, Plan, Scenario};

/// Distinct pictures cycled through by every camera.
const RING: u64 = 8;

/// The name of camera `i` of a benchmark.
pub fn camera_name(i: u32) -> String {
    format!("bench-{i}")
}

/// What a TLS camera needs: the pinned certificate and the tokens.
struct Credentials {
    config: Arc<rustls::ClientConfig>,
    pins: PinStore,
}

/// Runs the cameras of `plan` against `server` until standard input closes;
/// over TLS with the pins of `tls`, if given.
pub fn run(
    server: SocketAddr,
    plan: Plan,
    seconds: f64,
    tls: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let ring = Arc::new(prepare(&plan).context("peer")?);
    let credentials = match tls {
        None => None,
        Some(dir) => {
            let pins = PinStore::load(&StateDir::open(dir)?)?;
            let fingerprint = pins
                .fingerprint(&server.to_string())
                .ok_or_else(|| anyhow!("peer: no pinned certificate for {server}"))?;
            let config = Arc::new(vigie_trust::tls::pinned_client_config(fingerprint)?);
            Some(Arc::new(Credentials { config, pins }))
        }
    };
    let stop = CancellationToken::new();
    // Standard input closing is the signal to stop.
    let on_eof = stop.clone();
    std::thread::Builder::new()
        .name("vigie-bench-stdin".into())
        .spawn(move || {
            let mut sink = [0u8; 64];
            let mut stdin = std::io::stdin();
            while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
            on_eof.cancel();
        })
        .context("peer: starting the thread that watches standard input")?;
    let runtime = crate::runtime()?;
    // In case the parent never closes our input: bounded in time anyway.
    let deadline = Duration::from_secs_f64(seconds * 4.0 + 30.0);
    let outcome = runtime.block_on(async {
        let guard = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(deadline).await;
            guard.cancel();
        });
        let mut tasks = Vec::new();
        for i in 0..plan.cameras {
            let (ring, stop, tls) = (ring.clone(), stop.clone(), credentials.clone());
            tasks.push(tokio::spawn(send(
                server,
                camera_name(i),
                plan,
                ring,
                stop,
                tls,
            )));
        }
        let mut first_error = None;
        for t in tasks {
            match t.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    first_error.get_or_insert(format!("{e:#}"));
                }
                Err(e) => {
                    first_error.get_or_insert(e.to_string());
                }
            }
        }
        first_error
    });
    match outcome {
        None => Ok(()),
        Some(e) => Err(anyhow!("peer: {e}")),
    }
}

/// The ring of payloads: raw RGB pictures (`e2e` encodes them as it sends
/// them, `raw` sends them as they are), or JPEG files encoded once.
fn prepare(plan: &Plan) -> anyhow::Result<Vec<Frame>> {
    let (w, h) = (plan.size.width, plan.size.height);
    let pattern = TestPattern::new("bench", w, h, 30.0)?;
    (0..RING)
        .map(|seq| {
            let raw = pattern.render(seq, 1_700_000_000_000_000 + seq * 33_333);
            if plan.format == BenchFormat::Jpeg && !plan.encode_each {
                Ok(jpeg::encode_frame(&raw, plan.quality)?)
            } else {
                Ok(raw)
            }
        })
        .collect()
}

async fn send(
    server: SocketAddr,
    name: String,
    plan: Plan,
    ring: Arc<Vec<Frame>>,
    stop: CancellationToken,
    tls: Option<Arc<Credentials>>,
) -> anyhow::Result<()> {
    let stream = TcpStream::connect(server)
        .await
        .with_context(|| format!("{name}: connecting to {server}"))?;
    let _ = stream.set_nodelay(true);
    let Some(tls) = tls else {
        return session(stream, name, plan, &ring, &stop, None).await;
    };
    let token = tls
        .pins
        .token(&server.to_string(), &name)
        .ok_or_else(|| anyhow!("{name}: no token"))?
        .to_base64url();
    let stream = vigie_net::tls::connect(stream, tls.config.clone(), Duration::from_secs(10))
        .await
        .with_context(|| format!("{name}: TLS with {server}"))?;
    if name == camera_name(0) {
        println!("{}", vigie_net::tls::cipher_suite(stream.get_ref().1));
    }
    session(stream, name, plan, &ring, &stop, Some(token)).await
}

/// One camera's session on `stream`, plain TCP or TLS around it.
async fn session<S>(
    stream: S,
    name: String,
    plan: Plan,
    ring: &[Frame],
    stop: &CancellationToken,
    token: Option<String>,
) -> anyhow::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let format = match plan.format {
        BenchFormat::Jpeg => PixelFormat::Jpeg,
        BenchFormat::Raw => PixelFormat::Rgb8,
    };
    let (width, height) = (plan.size.width, plan.size.height);
    let hello = Hello {
        version: protocol::VERSION,
        camera: name.clone(),
        width,
        height,
        format,
        fps: plan.fps.unwrap_or(1000.0) as f32,
        token,
    };
    let (mut reader, mut writer, _accept) =
        client::open_native(stream, &hello, Duration::from_secs(10))
            .await
            .with_context(|| format!("{name}: not accepted"))?;
    // Read (and drop) the server's heartbeats, as a real client does.
    let drain = tokio::spawn(async move { while reader.next().await.is_ok() {} });
    if plan.scenario == Scenario::Raw {
        send_prepacked(&mut writer, &name, ring, stop).await?;
    } else {
        send_frames(&mut writer, &name, plan, ring, stop).await?;
    }
    let _ = writer.send_client(&ClientMessage::Goodbye).await;
    let _ = writer.shutdown().await;
    drain.abort();
    Ok(())
}

/// `raw`: the frames are serialized and packed once, before the run, and
/// written again and again, as the plain-socket baseline writes one buffer
/// again and again. Both sides then differ only by what receives: vigie's
/// server, or a bare `read_exact`. (Serializing a 720p frame copies 2.7 MB;
/// the real client does it for every frame, which `e2e --format raw`
/// measures.)
async fn send_prepacked<W: AsyncWrite + Unpin>(
    writer: &mut MessageWriter<W>,
    name: &str,
    ring: &[Frame],
    stop: &CancellationToken,
) -> anyhow::Result<()> {
    let messages = ring
        .iter()
        .enumerate()
        .map(|(i, picture)| {
            let header = FrameHeader {
                camera: name.to_owned(),
                sequence: i as u64,
                ..picture.header().clone()
            };
            let frame = Frame::new(header, picture.payload().clone())?;
            let mut out = Vec::new();
            protocol::encode_client(&ClientMessage::Frame(frame), &mut out)?;
            Ok(out)
        })
        .collect::<Result<Vec<Vec<u8>>, vigie_net::Error>>()
        .with_context(|| name.to_owned())?;
    for message in messages.iter().cycle() {
        if stop.is_cancelled() {
            break;
        }
        tokio::time::timeout(Duration::from_secs(10), writer.send_raw(message))
            .await
            .map_err(|_| anyhow!("{name}: the server took no frame for 10 s"))?
            .with_context(|| name.to_owned())?;
    }
    Ok(())
}

/// Every other scenario: a new frame each time, encoded to JPEG just before
/// sending for `e2e`.
async fn send_frames<W: AsyncWrite + Unpin>(
    writer: &mut MessageWriter<W>,
    name: &str,
    plan: Plan,
    ring: &[Frame],
    stop: &CancellationToken,
) -> anyhow::Result<()> {
    let (width, height) = (plan.size.width, plan.size.height);
    let format = match plan.format {
        BenchFormat::Jpeg => PixelFormat::Jpeg,
        BenchFormat::Raw => PixelFormat::Rgb8,
    };
    let mut ticks = plan.fps.map(|fps| {
        let mut t = tokio::time::interval(Duration::from_secs_f64(1.0 / fps));
        t.set_missed_tick_behavior(MissedTickBehavior::Skip);
        t
    });
    let mut jpeg_buf_len = 64 * 1024;
    let mut sequence = 0u64;
    loop {
        if let Some(t) = ticks.as_mut() {
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = t.tick() => {}
            }
        } else if stop.is_cancelled() {
            break;
        }
        // The capture time: latency is measured from here.
        let captured_at_us = now_us();
        let picture = &ring[(sequence % RING) as usize];
        let header = FrameHeader {
            camera: name.to_owned(),
            sequence,
            captured_at_us,
            width,
            height,
            format,
        };
        let frame = if plan.encode_each && format == PixelFormat::Jpeg {
            let mut out = Vec::with_capacity(jpeg_buf_len);
            jpeg::encode_into(
                picture.payload(),
                width,
                height,
                PixelFormat::Rgb8,
                plan.quality,
                &mut out,
            )
            .with_context(|| name.to_owned())?;
            jpeg_buf_len = jpeg_buf_len.max(out.len() + 1024);
            Frame::new(header, out)
        } else {
            // Shares the picture's bytes: no copy.
            Frame::new(header, picture.payload().clone())
        }
        .with_context(|| name.to_owned())?;
        // Never cancelled half-way: a half-sent frame would corrupt the stream.
        tokio::time::timeout(
            Duration::from_secs(10),
            writer.send_client(&ClientMessage::Frame(frame)),
        )
        .await
        .map_err(|_| anyhow!("{name}: the server took no frame for 10 s"))?
        .with_context(|| name.to_owned())?;
        sequence += 1;
    }
    Ok(())
}
