//! `vigie client`: capture and send to a server.

mod source;

use tokio_util::sync::CancellationToken;
use vigie_net::client::{self, ClientConfig};
use vigie_net::Protocol;

use crate::cli::{ClientArgs, WireFormat};

/// Runs `vigie client` until `--frames` are sent or Ctrl-C. A source or
/// size that cannot be had is a usage error; a server that cannot be
/// reached, a runtime one.
pub fn run(args: ClientArgs) -> anyhow::Result<()> {
    if args.protocol == Protocol::Legacy && !args.insecure {
        return Err(crate::usage(
            "--protocol legacy: the report's format can be neither encrypted nor \
             authenticated; add --insecure to send it anyway (the server needs --allow-legacy)",
        ));
    }
    let link = crate::security::client_link(&args.state, args.pair.as_deref(), args.insecure)?;
    let source = source::parse_source(&args.source)?;
    let size = source::parse_size(&args.size)?;
    if args.protocol == Protocol::Legacy && args.format == WireFormat::Raw {
        eprintln!(
            "note: the report's Python server decodes JPEG only; raw frames go out as \
             (height, width, 3) BGR arrays, which vigie's server reads"
        );
    }
    let camera = source::open(source::Wanted {
        source,
        scene: args.scene,
        name: &args.name,
        size,
        fps: args.fps,
        format: args.format,
        quality: args.quality,
    })?;
    let config = ClientConfig {
        protocol: args.protocol,
        fps: args.fps,
        every: args.every,
        frames: args.frames,
        link,
        ..ClientConfig::new(args.server)
    };
    crate::runtime()?.block_on(async {
        let shutdown = CancellationToken::new();
        crate::station::cancel_on_signal(shutdown.clone());
        let s = client::run(config, camera, shutdown).await?;
        println!(
            "sent {} frames ({} captured) over {} connection(s); camera errors: {}",
            s.frames_sent, s.frames_captured, s.connections, s.camera_errors
        );
        Ok(())
    })
}
