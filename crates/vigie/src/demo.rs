//! `vigie demo`: a server and N synthetic cameras in one process, talking
//! over real loopback sockets, exactly as they would across two PCs.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tracing::{info, warn};
use vigie_camera::{Pipeline, TestPattern};
use vigie_hub::Lifecycle;
use vigie_net::client::{self, ClientConfig};
use vigie_net::ServerConfig;
use vigie_viewer::ViewerOptions;

use crate::cli::DemoArgs;
use crate::fd_budget::FdBudget;
use crate::serve::{self, Setup};
use crate::surveillance;
use crate::EXIT_USAGE;

/// Names and sizes of the demo cameras, cycled when more are asked for.
const ROOMS: [(&str, u32, u32); 9] = [
    ("entrée", 640, 480),
    ("jardin", 320, 240),
    ("garage", 1280, 720),
    ("salon", 800, 600),
    ("cuisine", 480, 360),
    ("bureau", 960, 540),
    ("cave", 320, 240),
    ("grenier", 640, 360),
    ("portail", 640, 480),
];

/// The name and size of demo camera `i`.
pub fn room(i: usize) -> (String, u32, u32) {
    let (name, w, h) = ROOMS[i % ROOMS.len()];
    let name = match i / ROOMS.len() {
        0 => name.to_owned(),
        round => format!("{name}-{}", round + 1),
    };
    (name, w, h)
}

pub fn run(args: DemoArgs) -> ExitCode {
    let runtime = crate::runtime();
    let _guard = runtime.enter();
    let listener = match runtime.block_on(serve::bind(args.listen, serve::CAMERA_OPTION)) {
        Ok(l) => l,
        Err(msg) if args.listen.port() != 0 => {
            warn!("{msg}; using a free port instead");
            match runtime.block_on(serve::bind(
                SocketAddr::new(args.listen.ip(), 0),
                serve::CAMERA_OPTION,
            )) {
                Ok(l) => l,
                Err(msg) => return fail(&msg),
            }
        }
        Err(msg) => return fail(&msg),
    };
    let local = listener
        .local_addr()
        .expect("a bound socket has an address");
    println!(
        "vigie demo: server on {local}, {} synthetic cameras",
        args.cameras
    );
    let shutdown = CancellationToken::new();
    serve::cancel_on_signal(shutdown.clone());
    if let Some(s) = args.seconds {
        let stop = shutdown.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs_f64(s)).await;
            stop.cancel();
        });
    }
    let budget = FdBudget::at_start(ServerConfig::default().fd_budget());
    println!("vigie demo: {}", budget.line());
    let setup = Setup {
        config: budget.fit(ServerConfig::default()),
        max_cameras: 128,
        lifecycle: Lifecycle::default(),
        stats_interval: Duration::from_secs_f64(args.stats_interval),
    };
    let watching = match surveillance::Options::from_args(&args.surveillance) {
        Ok(o) => o,
        Err(msg) => return fail(&msg),
    };
    let running = serve::start(listener, &setup);
    let watcher = surveillance::start_and_say(&running.registry, watching);
    let web = serve::start_web(
        &args.http,
        &running.registry,
        local.port(),
        &shutdown,
        true,
        args.surveillance.record.as_deref(),
        budget.web,
    );
    match runtime.block_on(web) {
        Ok(Some(url)) => println!("vigie demo: web page on {url}"),
        Ok(None) => {}
        Err(msg) => return fail(&msg),
    }
    let cameras = shutdown.child_token();
    for i in 0..args.cameras as usize {
        let (name, w, h) = room(i);
        let camera = match TestPattern::new(&name, w, h, args.fps) {
            Ok(c) => Pipeline::new(c.with_scene(args.scene))
                .jpeg(90)
                .expect("90 is a valid quality"),
            Err(e) => return fail(&e.to_string()),
        };
        let config = ClientConfig {
            fps: args.fps,
            ..ClientConfig::new(local.to_string())
        };
        let stop = cameras.clone();
        tokio::spawn(async move {
            if let Err(e) = client::run(config, Box::new(camera), stop).await {
                warn!("demo camera {name:?}: {e}");
            }
        });
    }

    let mut headless = args.headless;
    if !headless && !vigie_viewer::display_available() {
        println!(
            "vigie demo: no display found, running headless (statistics below; Ctrl-C to stop)"
        );
        headless = true;
    }
    if !headless {
        let options = ViewerOptions {
            title: format!("vigie demo — {} cameras", args.cameras),
            listen_port: local.port(),
            listen_addresses: vec![local.to_string()],
        };
        info!("keys: 1-9 one camera, 0 grid, F fullscreen, S screenshot, Q quit");
        let handle = runtime.handle().clone();
        if let Err(e) =
            vigie_viewer::run(running.registry.clone(), handle, options, shutdown.clone())
        {
            println!("vigie demo: {e}; running headless instead (Ctrl-C to stop)");
            headless = true;
        }
    }
    if headless {
        info!("press Ctrl-C to stop");
        runtime.block_on(serve::print_stats_until(
            &running.registry,
            setup.stats_interval,
            &shutdown,
        ));
    }
    // Cameras stop first, so they say goodbye instead of being cut off.
    shutdown.cancel();
    runtime.block_on(tokio::time::sleep(Duration::from_millis(200)));
    runtime.block_on(serve::finish(running));
    if let Some(watcher) = watcher {
        watcher.stop();
    }
    ExitCode::SUCCESS
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("vigie demo: {msg}");
    ExitCode::from(EXIT_USAGE)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rooms_have_distinct_names() {
        let names: std::collections::HashSet<String> = (0..64).map(|i| super::room(i).0).collect();
        assert_eq!(names.len(), 64);
    }
}
