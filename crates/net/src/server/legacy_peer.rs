//! Serving one client of the report's original Python format: no hello, no
//! heartbeats, only length-prefixed pickles, read by our safe decoder.

use std::net::SocketAddr;

use tokio::net::tcp::OwnedReadHalf;
use tokio::time::Instant;
use tracing::{info, warn};
use vigie_core::frame::now_us;
use vigie_core::{jpeg, Frame, FrameHeader, PixelFormat};

use super::{read_by, ServerConfig};
use crate::connection::MessageReader;
use crate::legacy::{self, LegacyImage};
use crate::registry::{Protocol, Registry};
use crate::Error;

pub(super) async fn serve(
    mut reader: MessageReader<OwnedReadHalf>,
    peer: SocketAddr,
    config: &ServerConfig,
    registry: &Registry,
) -> Result<(), Error> {
    // The old client has no name: the peer address tells cameras apart.
    let name = format!("legacy-{peer}");
    let camera = match registry.register(&name, peer, Protocol::Legacy) {
        Ok(c) => c,
        Err(refusal) => {
            warn!("{peer}: refused legacy camera: {refusal}");
            return Ok(());
        }
    };
    info!("camera {name:?} connected from {peer} (legacy Python format)");
    let mut sequence = 0;
    let result = loop {
        let deadline = Instant::now() + config.read_timeout;
        let msg = match read_by(deadline, config.read_timeout, reader.next()).await {
            Ok(m) => m,
            Err(Error::Closed) => break Ok(()),
            Err(e) => break Err(e),
        };
        match to_frame(&name, sequence, &msg) {
            // The legacy format carries no capture time: no latency to measure.
            Ok(frame) => camera.publish(frame, false),
            Err(e) => break Err(e),
        }
        sequence += 1;
    };
    match result {
        Ok(()) => info!("camera {name:?} ({peer}) disconnected"),
        Err(e) => warn!("camera {name:?} ({peer}) dropped: {e}"),
    }
    Ok(())
}

fn to_frame(name: &str, sequence: u64, msg: &bytes::Bytes) -> Result<Frame, Error> {
    let header = |width, height, format| FrameHeader {
        camera: name.to_owned(),
        sequence,
        captured_at_us: now_us(),
        width,
        height,
        format,
    };
    Ok(match legacy::decode_bytes(msg)? {
        LegacyImage::Jpeg(bytes) => {
            let (w, h) = jpeg::dimensions(&bytes)?;
            Frame::new(header(w, h, PixelFormat::Jpeg), bytes)?
        }
        LegacyImage::Bgr {
            width,
            height,
            pixels,
        } => Frame::new(header(width, height, PixelFormat::Bgr8), pixels)?,
    })
}
