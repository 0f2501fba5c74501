//! `vigie server`: receive cameras, print their statistics.

use std::process::ExitCode;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tracing::info;
use vigie_net::registry::Lifecycle;
use vigie_net::ServerConfig;

use crate::cli::ServerArgs;
use crate::serve::{self, Setup};
use crate::EXIT_USAGE;

pub fn run(args: ServerArgs) -> ExitCode {
    if !args.headless {
        info!("the live window arrives with the viewer; running headless for now");
    }
    let runtime = crate::runtime();
    runtime.block_on(async {
        let listener = match serve::bind(args.listen).await {
            Ok(l) => l,
            Err(msg) => {
                eprintln!("vigie server: {msg}");
                return ExitCode::from(EXIT_USAGE);
            }
        };
        let local = listener
            .local_addr()
            .expect("a bound socket has an address");
        println!("vigie server listening on {local}");
        for addr in serve::reachable_addresses(local) {
            println!("  cameras can connect to {addr}   (vigie client --server {addr})");
        }
        let shutdown = CancellationToken::new();
        serve::cancel_on_signal(shutdown.clone());
        let setup = Setup {
            config: ServerConfig {
                max_connections: args.max_cameras as usize * 2,
                max_message: args.max_frame_size,
                hello_timeout: secs(args.hello_timeout),
                read_timeout: secs(args.read_timeout),
                ..ServerConfig::default()
            },
            max_cameras: args.max_cameras as usize,
            lifecycle: Lifecycle {
                stale_after: secs(args.stale_after),
                offline_after: secs(args.offline_after),
            },
            stats_interval: secs(args.stats_interval),
        };
        serve::serve_headless(listener, setup, shutdown).await;
        ExitCode::SUCCESS
    })
}

pub fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s.max(0.0))
}
