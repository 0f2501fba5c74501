//! Serving one native client: hello, then frames and heartbeats.
//!
//! Every message is checked on its first five bytes (length and tag) against
//! what its kind may weigh, before its body is read. Until its first valid
//! frame the connection is *pending*: its messages come out of the shared
//! budget of unproven bytes, and a newcomer can push it out of the pool.
//!
//! Inside TLS the hello must carry the camera's token, and the name must be
//! the one the token was given for: that is what stops camera A's token
//! from publishing as B, and an impostor from taking a paired name while
//! its camera is offline. A connection opened by a pairing request goes to
//! [`super::pairing_peer`] instead.

use std::net::SocketAddr;

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::{interval, Instant, MissedTickBehavior};
use vigie_core::frame::now_us;
use vigie_core::Frame;

use tokio_util::sync::CancellationToken;
use vigie_trust::{CameraToken, RefusalReason};

use super::frame_check;
use super::gate::Link;
use super::pending::{Stage, Ticket};
use super::{pairing_peer, read_by, Shared};
use crate::connection::{MessageReader, MessageWriter};
use crate::protocol::{self, Accept, ClientMessage, Hello, Refusal, ServerMessage};
use crate::text::{self, escape};
use crate::wire::Protocol;
use crate::Error;
use vigie_hub::stats::CLOCK_AHEAD_TOLERANCE;
use vigie_hub::CameraHandle;

pub(super) async fn serve<R, W>(
    mut reader: MessageReader<R>,
    mut writer: MessageWriter<W>,
    peer: SocketAddr,
    shared: &Shared,
    ticket: Ticket,
    link: Link,
) -> Result<(), Error>
where
    R: AsyncRead + Unpin + Send,
    W: AsyncWrite + Unpin + Send,
{
    let config = &shared.config;
    let hello_deadline = Instant::now() + config.hello_timeout;
    // The limit is checked on the length prefix: a 32 MiB "hello" is
    // refused on its first bytes, before anything is reserved for it.
    let hello_read = reader.next_checked(
        "hello",
        protocol::MAX_HELLO_LEN,
        protocol::first_message_limit,
    );
    let msg = read_by(hello_deadline, config.hello_timeout, hello_read).await?;
    let hello = match protocol::decode_client(&msg, config.max_message)? {
        ClientMessage::Hello(hello) => hello,
        ClientMessage::Pair(request) => {
            return pairing_peer::serve(request, &mut writer, peer, shared, link).await
        }
        _ => return Err(Error::Malformed("expected a hello".into())),
    };
    let mut revoked = None;
    let accepted = check_hello(&hello).and_then(|name| {
        revoked = check_trust(shared, &hello, &name, link)?;
        let camera = shared
            .registry
            .register(&name, Protocol::Native.origin(peer))?;
        Ok(camera)
    });
    let camera = match accepted {
        Ok(camera) => camera,
        Err(refusal) => {
            shared.warn(("cameras refused", refusal.reason()), || {
                escape(&format!(
                    "{peer}: refused camera {:?}: {refusal}",
                    hello.camera
                ))
                .into_owned()
            });
            // Best effort: the peer may already be gone.
            let _ = writer.send_server(&ServerMessage::Refuse(refusal)).await;
            return Ok(());
        }
    };
    writer
        .send_server(&ServerMessage::Accept(Accept {
            heartbeat_ms: config.heartbeat_interval.as_millis() as u32,
            max_message: config.max_message.min(u32::MAX as usize) as u32,
        }))
        .await?;
    ticket.advance(Stage::SaidHello);
    let how = match link {
        Link::Tls => "TLS, paired",
        Link::Plaintext => "plaintext, --insecure",
    };
    shared.info(("cameras connected", "native"), || {
        escape(&format!(
            "camera {:?} connected from {peer} (native, {how}, {}×{} {} at {} fps)",
            camera.name(),
            hello.width,
            hello.height,
            hello.format,
            hello.fps
        ))
        .into_owned()
    });
    let mut connection = Connection {
        shared,
        camera,
        hello_name: hello.camera,
        ticket: Some(ticket),
        slot: None,
        told_size: false,
        told_clock: false,
    };
    let streamed = match &revoked {
        None => Some(connection.stream(&mut reader, &mut writer).await),
        Some(revoked) => tokio::select! {
            result = connection.stream(&mut reader, &mut writer) => Some(result),
            _ = revoked.cancelled() => None,
        },
    };
    let result = streamed.unwrap_or_else(|| {
        Err(Error::Refused(Refusal::Untrusted(
            RefusalReason::TokenRevoked,
        )))
    });
    if let Err(Error::Refused(refusal @ Refusal::Untrusted(_))) = &result {
        // Tell the client why, briefly: it may not be reading.
        let refuse = ServerMessage::Refuse(refusal.clone());
        let wait = config.read_timeout.min(std::time::Duration::from_secs(1));
        let _ = tokio::time::timeout(wait, writer.send_server(&refuse)).await;
    }
    let name = connection.camera.name();
    match &result {
        Ok(()) => shared.info(("cameras disconnected", "goodbye"), || {
            escape(&format!("camera {name:?} ({peer}) said goodbye")).into_owned()
        }),
        Err(e) if connection.slot.is_some() => shared.dropped(
            "cameras dropped",
            format_args!("camera {name:?} ({peer})"),
            e,
        ),
        Err(e) => shared.dropped("connections dropped", format_args!("{name:?} ({peer})"), e),
    }
    // The camera is logged here; do not log it again in the caller.
    Ok(())
}

/// One native camera's connection, after its hello.
struct Connection<'a> {
    shared: &'a Shared,
    camera: CameraHandle,
    /// The name as the client wrote it; the registry has its NFC form.
    hello_name: String,
    /// Held until the first valid frame, then the camera slot is.
    ticket: Option<Ticket>,
    slot: Option<OwnedSemaphorePermit>,
    told_size: bool,
    told_clock: bool,
}

impl Connection<'_> {
    async fn stream<R, W>(
        &mut self,
        reader: &mut MessageReader<R>,
        writer: &mut MessageWriter<W>,
    ) -> Result<(), Error>
    where
        R: AsyncRead + Unpin + Send,
        W: AsyncWrite + Unpin + Send,
    {
        let config = &self.shared.config;
        let mut heartbeat = interval(config.heartbeat_interval);
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut deadline = Instant::now() + config.read_timeout;
        loop {
            tokio::select! {
                msg = read_by(deadline, config.read_timeout, self.next_message(reader)) => {
                    let (msg, _room) = msg?;
                    deadline = Instant::now() + config.read_timeout;
                    match protocol::decode_client(&msg, config.max_message)? {
                        ClientMessage::Frame(frame) => {
                            if let Err(refusal) = self.publish(frame)? {
                                let _ = writer.send_server(&ServerMessage::Refuse(refusal.clone())).await;
                                return Err(Error::Refused(refusal));
                            }
                        }
                        ClientMessage::Heartbeat { .. } => {}
                        ClientMessage::Goodbye => return Ok(()),
                        ClientMessage::Hello(_) => {
                            return Err(Error::Malformed("a second hello".into()))
                        }
                        ClientMessage::Pair(_) => {
                            return Err(Error::Malformed("a pairing request after the hello".into()))
                        }
                    }
                }
                _ = heartbeat.tick() => {
                    let beat = ServerMessage::Heartbeat { sent_at_us: now_us() };
                    tokio::time::timeout(config.read_timeout, writer.send_server(&beat))
                        .await
                        .map_err(|_| Error::Timeout(config.read_timeout))??;
                }
            }
        }
    }

    /// The next frame, heartbeat or goodbye, each refused on its first five
    /// bytes if it announces more than its kind may have. Before the first
    /// valid frame, the message also needs room in the unproven budget.
    async fn next_message<R: AsyncRead + Unpin + Send>(
        &self,
        reader: &mut MessageReader<R>,
    ) -> Result<(Bytes, Option<OwnedSemaphorePermit>), Error> {
        let max = self.shared.config.max_message;
        let limit = |tag| protocol::client_message_limit(tag, max);
        let len = reader.announced("message", max, limit).await?;
        let room = match self.ticket {
            None => None,
            Some(_) => {
                let bytes = u32::try_from(len + vigie_core::pack::HEADER_LEN).unwrap_or(u32::MAX);
                let room = self.shared.unproven.clone().acquire_many_owned(bytes);
                Some(room.await.map_err(|_| Error::Closed)?)
            }
        };
        Ok((reader.next().await?, room))
    }

    /// Checks a frame and publishes it. The first one makes the connection
    /// a camera, if the server has room (`Ok(Err(refusal))` if not).
    fn publish(&mut self, frame: Frame) -> Result<Result<(), Refusal>, Error> {
        if frame.camera() != self.hello_name {
            return Err(Error::Malformed(format!(
                "a frame of camera {:?} on the connection of {:?}",
                frame.camera(),
                self.hello_name
            )));
        }
        let frame = renamed(frame, self.camera.name())?;
        let checked = frame_check::real_size(frame, self.shared.config.max_pixels)?;
        let name = self.camera.name();
        if let (Some((w, h)), false) = (checked.header_said, self.told_size) {
            self.told_size = true;
            let (rw, rh) = (checked.frame.width(), checked.frame.height());
            self.shared.warn(("frames corrected", "header size"), || {
                escape(&format!(
                    "camera {name:?}: its frame headers say {w}×{h}, its JPEGs are {rw}×{rh}; \
                     showing the JPEG's size"
                ))
                .into_owned()
            });
        }
        let ahead_us = checked.frame.captured_at_us().saturating_sub(now_us());
        if ahead_us > CLOCK_AHEAD_TOLERANCE.as_micros() as u64 && !self.told_clock {
            self.told_clock = true;
            self.shared
                .warn(("clocks ahead", "capture time in the future"), || {
                    escape(&format!(
                        "camera {name:?}: its clock is {:.1} s ahead of the server's; \
                     its latency is not measured",
                        ahead_us as f64 / 1e6
                    ))
                    .into_owned()
                });
        }
        if let Some(ticket) = self.ticket.take() {
            match self.shared.prove(&self.camera, ticket) {
                Ok(slot) => self.slot = Some(slot),
                Err(refusal) => return Ok(Err(refusal)),
            }
        }
        self.camera.publish(checked.frame, true);
        Ok(Ok(()))
    }
}

/// The frame under the registry's (NFC) form of its camera's name, when the
/// client wrote the name in another form. Cheap: the payload is shared.
fn renamed(frame: Frame, name: &str) -> Result<Frame, Error> {
    if frame.camera() == name {
        return Ok(frame);
    }
    let (mut header, payload) = frame.into_parts();
    header.camera = name.to_owned();
    Ok(Frame::new(header, payload)?)
}

/// Whether this camera may use `name` on this link. Inside TLS: only with
/// its token, and the returned token fires if it is revoked. In plaintext
/// (`--insecure`): only names no paired camera owns.
fn check_trust(
    shared: &Shared,
    hello: &Hello,
    name: &str,
    link: Link,
) -> Result<Option<CancellationToken>, Refusal> {
    let Some(trust) = &shared.config.trust else {
        return Ok(None);
    };
    match link {
        Link::Tls => {
            let token = hello.token.as_deref().and_then(CameraToken::parse);
            trust
                .authenticate(name, token.as_ref())
                .map_err(Refusal::Untrusted)?;
            Ok(Some(shared.revocations.watch(name)))
        }
        Link::Plaintext => match trust.authenticate(name, None) {
            Err(taken @ RefusalReason::NameTaken { .. }) => Err(Refusal::Untrusted(taken)),
            _ => Ok(None),
        },
    }
}

/// The hello's camera name in NFC form, or why the hello is refused.
fn check_hello(hello: &Hello) -> Result<String, Refusal> {
    if hello.version != protocol::VERSION {
        return Err(Refusal::VersionMismatch {
            client: hello.version,
            server: protocol::VERSION,
        });
    }
    text::camera_name(&hello.camera).map_err(Refusal::InvalidHello)
}
