//! `vigie server`: receive cameras, show them in a window (or print their
//! statistics with `--headless`).

use std::process::ExitCode;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use vigie_hub::Lifecycle;
use vigie_net::ServerConfig;
use vigie_viewer::ViewerOptions;

use crate::cli::ServerArgs;
use crate::fd_budget::FdBudget;
use crate::serve::{self, Setup};
use crate::surveillance;
use crate::EXIT_USAGE;

pub fn run(args: ServerArgs) -> ExitCode {
    if !args.headless && !vigie_viewer::display_available() {
        eprintln!(
            "vigie server: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set); \
             use `vigie server --headless` to run without a window"
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let runtime = crate::runtime();
    let listener = match runtime.block_on(serve::bind(args.listen, serve::CAMERA_OPTION)) {
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
    let reachable = serve::reachable_addresses(local);
    for addr in &reachable {
        println!("  cameras can connect to {addr}   (vigie client --server {addr})");
    }
    let wanted = ServerConfig {
        max_connections: args.max_cameras as usize * 2,
        ..ServerConfig::default()
    };
    let budget = FdBudget::at_start(wanted.fd_budget());
    println!("{}", budget.line());
    let setup = Setup {
        config: ServerConfig {
            max_message: args.max_frame_size,
            max_pixels: args.max_pixels,
            hello_timeout: secs(args.hello_timeout),
            read_timeout: secs(args.read_timeout),
            ..budget.fit(wanted)
        },
        max_cameras: args.max_cameras as usize,
        lifecycle: Lifecycle {
            stale_after: secs(args.stale_after),
            offline_after: secs(args.offline_after),
        },
        stats_interval: secs(args.stats_interval),
    };
    let watching = match surveillance::Options::from_args(&args.surveillance) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("vigie server: {msg}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let _guard = runtime.enter();
    let shutdown = CancellationToken::new();
    serve::cancel_on_signal(shutdown.clone());
    let running = serve::start(listener, &setup);
    let recordings = args.surveillance.record.as_deref();
    let watcher = surveillance::start_and_say(&running.registry, watching);
    let web = serve::start_web(
        &args.http,
        &running.registry,
        local.port(),
        &shutdown,
        false,
        recordings,
        budget.web,
    );
    match runtime.block_on(web) {
        Ok(Some(url)) => println!("web page and API on {url}"),
        Ok(None) => {}
        Err(msg) => {
            eprintln!("vigie server: {msg}");
            shutdown.cancel();
            runtime.block_on(serve::finish(running));
            if let Some(watcher) = watcher {
                watcher.stop();
            }
            return ExitCode::from(EXIT_USAGE);
        }
    }
    let mut code = ExitCode::SUCCESS;
    if args.headless {
        runtime.block_on(serve::print_stats_until(
            &running.registry,
            setup.stats_interval,
            &shutdown,
        ));
    } else {
        let options = ViewerOptions {
            title: format!("vigie — port {}", local.port()),
            listen_port: local.port(),
            listen_addresses: reachable.iter().map(|a| a.to_string()).collect(),
        };
        let viewer = vigie_viewer::run(
            running.registry.clone(),
            runtime.handle().clone(),
            options,
            shutdown.clone(),
        );
        if let Err(e) = viewer {
            eprintln!("vigie server: {e}; use `vigie server --headless` to run without a window");
            code = ExitCode::from(EXIT_USAGE);
        }
    }
    // The window may have been closed with Q: stop the web side too.
    shutdown.cancel();
    runtime.block_on(serve::finish(running));
    // After the server: the cameras' departures close their files.
    if let Some(watcher) = watcher {
        watcher.stop();
    }
    code
}

pub fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s.max(0.0))
}
