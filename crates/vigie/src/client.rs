//! `vigie client`: capture and send to a server.

use std::process::ExitCode;

use tokio_util::sync::CancellationToken;
use vigie_net::client::{self, ClientConfig};
use vigie_net::Protocol;

use crate::cli::{self, ClientArgs, WireFormat};
use crate::{serve, source, EXIT_USAGE};

pub fn run(args: ClientArgs) -> ExitCode {
    let camera = source::parse_source(&args.source)
        .and_then(|src| Ok((src, source::parse_size(&args.size)?)))
        .and_then(|(src, size)| {
            if args.protocol == cli::Protocol::Legacy && args.format == WireFormat::Raw {
                eprintln!(
                    "note: the report's Python server decodes JPEG only; raw frames go out as \
                     (height, width, 3) BGR arrays, which vigie's server reads"
                );
            }
            source::open(source::Wanted {
                source: src,
                scene: args.scene,
                name: &args.name,
                size,
                fps: args.fps,
                format: args.format,
                quality: args.quality,
            })
        });
    let camera = match camera {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("vigie client: {msg}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let config = ClientConfig {
        protocol: match args.protocol {
            cli::Protocol::Native => Protocol::Native,
            cli::Protocol::Legacy => Protocol::Legacy,
        },
        fps: args.fps,
        every: args.every,
        frames: args.frames,
        ..ClientConfig::new(args.server)
    };
    crate::runtime().block_on(async {
        let shutdown = CancellationToken::new();
        serve::cancel_on_signal(shutdown.clone());
        match client::run(config, camera, shutdown).await {
            Ok(s) => {
                println!(
                    "sent {} frames ({} captured) over {} connection(s); camera errors: {}",
                    s.frames_sent, s.frames_captured, s.connections, s.camera_errors
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("vigie client: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
