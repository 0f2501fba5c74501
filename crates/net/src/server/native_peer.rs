//! Serving one native client: hello, then frames and heartbeats.

use std::net::SocketAddr;

use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::time::{interval, Instant, MissedTickBehavior};
use tracing::{info, warn};
use vigie_core::frame::{now_us, MAX_NAME_LEN};

use super::{read_by, ServerConfig};
use crate::connection::{MessageReader, MessageWriter};
use crate::protocol::{self, Accept, ClientMessage, Hello, Refusal, ServerMessage};
use crate::registry::{Protocol, Registry};
use crate::Error;

pub(super) async fn serve(
    mut reader: MessageReader<OwnedReadHalf>,
    mut writer: MessageWriter<OwnedWriteHalf>,
    peer: SocketAddr,
    config: &ServerConfig,
    registry: &Registry,
) -> Result<(), Error> {
    let hello_deadline = Instant::now() + config.hello_timeout;
    let msg = read_by(hello_deadline, config.hello_timeout, reader.next()).await?;
    let hello = match protocol::decode_client(&msg, config.max_message)? {
        ClientMessage::Hello(h) => h,
        other => {
            return Err(Error::Malformed(format!(
                "expected a hello, got {}",
                kind(&other)
            )))
        }
    };
    let camera = match check_hello(&hello)
        .and_then(|()| registry.register(&hello.camera, peer, Protocol::Native))
    {
        Ok(camera) => camera,
        Err(refusal) => {
            warn!("{peer}: refused camera {:?}: {refusal}", hello.camera);
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
    info!(
        "camera {:?} connected from {peer} (native, {}×{} {} at {} fps)",
        hello.camera, hello.width, hello.height, hello.format, hello.fps
    );

    let mut heartbeat = interval(config.heartbeat_interval);
    heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut deadline = Instant::now() + config.read_timeout;
    let result = loop {
        tokio::select! {
            msg = read_by(deadline, config.read_timeout, reader.next()) => {
                let msg = match msg {
                    Ok(m) => m,
                    Err(e) => break Err(e),
                };
                deadline = Instant::now() + config.read_timeout;
                match protocol::decode_client(&msg, config.max_message) {
                    Ok(ClientMessage::Frame(frame)) if frame.camera() == camera.name() => {
                        camera.publish(frame, true)
                    }
                    Ok(ClientMessage::Frame(frame)) => break Err(Error::Malformed(format!(
                        "a frame of camera {:?} on the connection of {:?}",
                        frame.camera(), camera.name()
                    ))),
                    Ok(ClientMessage::Heartbeat { .. }) => {}
                    Ok(ClientMessage::Goodbye) => break Ok(()),
                    Ok(ClientMessage::Hello(_)) => {
                        break Err(Error::Malformed("a second hello".into()))
                    }
                    Err(e) => break Err(e),
                }
            }
            _ = heartbeat.tick() => {
                let beat = ServerMessage::Heartbeat { sent_at_us: now_us() };
                let sent = tokio::time::timeout(config.read_timeout, writer.send_server(&beat)).await;
                match sent {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => break Err(e),
                    Err(_) => break Err(Error::Timeout(config.read_timeout)),
                }
            }
        }
    };
    match &result {
        Ok(()) => info!("camera {:?} ({peer}) said goodbye", camera.name()),
        Err(e) => warn!("camera {:?} ({peer}) dropped: {e}", camera.name()),
    }
    // The camera is logged here; do not log it again in the caller.
    Ok(())
}

fn check_hello(hello: &Hello) -> Result<(), Refusal> {
    if hello.version != protocol::VERSION {
        return Err(Refusal::VersionMismatch {
            client: hello.version,
            server: protocol::VERSION,
        });
    }
    let name = &hello.camera;
    if name.is_empty() || name.len() > MAX_NAME_LEN || name.chars().any(char::is_control) {
        return Err(Refusal::InvalidHello(format!(
            "camera names must be 1 to {MAX_NAME_LEN} bytes of printable text"
        )));
    }
    Ok(())
}

fn kind(msg: &ClientMessage) -> &'static str {
    match msg {
        ClientMessage::Hello(_) => "a hello",
        ClientMessage::Frame(_) => "a frame",
        ClientMessage::Heartbeat { .. } => "a heartbeat",
        ClientMessage::Goodbye => "a goodbye",
    }
}
