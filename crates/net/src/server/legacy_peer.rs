//! Serving one client of the report's original Python format: no hello, no
//! heartbeats, only length-prefixed pickles, read by our safe decoder.
//!
//! Such a peer has no hello to check, so its *first message* plays that
//! part: it is not a camera until that message decodes as a valid frame.
//! Until then its bytes come out of a budget shared by every unproven peer
//! ([`super::ServerConfig::unproven_bytes`]): a first message may be as large
//! as a frame, but 64 peers announcing 32 MiB each wait for room in the
//! budget instead of making the server hold 2 GiB.

use std::net::SocketAddr;

use tokio::io::AsyncRead;
use tokio::time::Instant;
use vigie_core::frame::now_us;
use vigie_core::{jpeg, Frame, FrameHeader, PixelFormat};

use super::frame_check;
use super::pending::{Stage, Ticket};
use super::{read_by, Shared};
use crate::connection::MessageReader;
use crate::legacy::{self, LegacyImage};
use crate::protocol::Refusal;
use crate::wire::Protocol;
use crate::Error;

pub(super) async fn serve<R: AsyncRead + Unpin + Send>(
    mut reader: MessageReader<R>,
    peer: SocketAddr,
    shared: &Shared,
    ticket: Ticket,
) -> Result<(), Error> {
    let (config, registry) = (&shared.config, &shared.registry);
    // The old client has no name: the peer address tells cameras apart.
    let name = format!("legacy-{peer}");
    let deadline = Instant::now() + config.hello_timeout;
    let first = read_by(deadline, config.hello_timeout, async {
        let max = config.max_message;
        let len = reader.announced("legacy message", max, |_| Ok(max)).await?;
        // `announced` returned, so the peer sent a byte past its 4-byte
        // length prefix, which the cheapest junk never does: from now on it
        // is dropped after the silent connections, like a native hello.
        ticket.advance(Stage::SaidHello);
        // Room in the shared budget first, then the body.
        let room = u32::try_from(len + vigie_core::pack::HEADER_LEN).unwrap_or(u32::MAX);
        let _room = shared
            .unproven
            .acquire_many(room)
            .await
            .map_err(|_| Error::Closed)?;
        let msg = reader.next().await?;
        to_frame(&name, 0, &msg, config.max_pixels)
    })
    .await?;
    // A valid frame: only now is the peer a camera.
    let camera = registry
        .register(&name, Protocol::Legacy.origin(peer))
        .map_err(Refusal::from)
        .and_then(|camera| Ok((shared.prove(&camera, ticket)?, camera)));
    let (_slot, camera) = match camera {
        Ok(pair) => pair,
        Err(refusal) => {
            shared.warn(("cameras refused", refusal.reason()), || {
                format!("{peer}: refused legacy camera: {refusal}")
            });
            return Ok(());
        }
    };
    shared.warn(("cameras connected", "legacy"), || {
        format!("camera {name:?} connected from {peer} in the report's Python format (--allow-legacy): its pictures cross the network in the clear and its identity is not checked")
    });
    // The legacy format carries no capture time: no latency to measure.
    camera.publish(first, false);
    let mut sequence = 1;
    let result = loop {
        let deadline = Instant::now() + config.read_timeout;
        let msg = match read_by(deadline, config.read_timeout, reader.next()).await {
            Ok(m) => m,
            Err(Error::Closed) => break Ok(()),
            Err(e) => break Err(e),
        };
        match to_frame(&name, sequence, &msg, config.max_pixels) {
            Ok(frame) => camera.publish(frame, false),
            Err(e) => break Err(e),
        }
        sequence += 1;
    };
    match result {
        Ok(()) => shared.info(("cameras disconnected", "closed"), || {
            format!("camera {name:?} ({peer}) disconnected")
        }),
        Err(e) => shared.dropped(
            "cameras dropped",
            format_args!("camera {name:?} ({peer})"),
            &e,
        ),
    }
    Ok(())
}

fn to_frame(
    name: &str,
    sequence: u64,
    msg: &bytes::Bytes,
    max_pixels: u64,
) -> Result<Frame, Error> {
    let header = |width, height, format| FrameHeader {
        camera: name.to_owned(),
        sequence,
        captured_at_us: now_us(),
        width,
        height,
        format,
    };
    let frame = match legacy::decode_bytes(msg)? {
        LegacyImage::Jpeg(bytes) => {
            let (w, h) = jpeg::dimensions(&bytes)?;
            Frame::new(header(w, h, PixelFormat::Jpeg), bytes)?
        }
        LegacyImage::Bgr {
            width,
            height,
            pixels,
        } => Frame::new(header(width, height, PixelFormat::Bgr8), pixels)?,
    };
    Ok(frame_check::real_size(frame, max_pixels)?.frame)
}
