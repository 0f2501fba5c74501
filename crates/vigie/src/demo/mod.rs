//! `vigie demo`: a [`Station`] and N synthetic cameras in one process,
//! talking over real loopback sockets, exactly as they would across two PCs.

mod rooms;

use std::time::Duration;

use anyhow::Context;
use tracing::{info, warn};
use vigie_camera::{Pipeline, TestPattern};
use vigie_hub::Lifecycle;
use vigie_net::client::{self, ClientConfig};
use vigie_net::ServerConfig;
use vigie_viewer::ViewerOptions;

use crate::cli::DemoArgs;
use crate::security::DemoTrust;
use crate::station::{self, FdBudget, IfBusy, Plan, Station, WebPlan};

pub use rooms::room;

/// Time the demo's cameras get to say goodbye before the server stops.
const GOODBYE: Duration = Duration::from_millis(200);

/// Runs `vigie demo` until Ctrl-C, Q or `--seconds`.
pub fn run(args: DemoArgs) -> anyhow::Result<()> {
    let surveillance = station::surveillance_config(&args.surveillance)?;
    let trust = DemoTrust::new(args.cameras as usize)?;
    let web = WebPlan::from_args(
        &args.http,
        args.surveillance.record.as_deref(),
        IfBusy::TakeAFreePort,
        trust.server(),
    )?;
    let bound = Station::bind(args.listen, IfBusy::TakeAFreePort)?;
    let local = bound.local_addr();
    println!(
        "vigie demo: server on {local}, {} synthetic cameras",
        args.cameras
    );
    let budget = FdBudget::at_start(ServerConfig::default().fd_budget());
    println!("vigie demo: {}", budget.line());
    let plan = Plan {
        cameras: Default::default(),
        notify: Default::default(),
        reload: None,
        // The demo's cameras pair in process and use TLS, as real ones do.
        server: budget.fit(ServerConfig {
            trust: Some(trust.server().clone()),
            ..ServerConfig::default()
        }),
        max_cameras: 128,
        lifecycle: Lifecycle::default(),
        surveillance,
        web,
        web_connections: budget.web,
        goodbye: GOODBYE,
    };
    let station = bound.start(plan)?;
    if let Some(url) = station.web_url() {
        println!("vigie demo: web page on {url}");
    }
    if let Some(s) = args.seconds {
        let stop = station.shutdown().clone();
        station.handle().spawn(async move {
            tokio::time::sleep(Duration::from_secs_f64(s.max(0.0))).await;
            stop.cancel();
        });
    }
    if let Err(e) = start_cameras(&station, &args, &trust) {
        station.stop();
        return Err(e);
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
        if let Err(e) = station.show_window(options) {
            println!("vigie demo: {e}; running headless instead (Ctrl-C to stop)");
            headless = true;
        }
    }
    if headless {
        info!("press Ctrl-C to stop");
        station.print_stats(Duration::from_secs_f64(args.stats_interval.max(0.0)));
    }
    // Cameras stop first, so they say goodbye instead of being cut off.
    station.stop();
    Ok(())
}

/// One synthetic camera per room, each a real client on loopback.
fn start_cameras(station: &Station, args: &DemoArgs, trust: &DemoTrust) -> anyhow::Result<()> {
    let cameras = station.shutdown().child_token();
    for i in 0..args.cameras as usize {
        let (name, w, h) = room(i);
        // A frame rate the pattern refuses is how the demo was asked.
        let pattern =
            TestPattern::new(&name, w, h, args.fps).map_err(|e| crate::usage(e.to_string()))?;
        let camera = Pipeline::new(pattern.with_scene(args.scene))
            .jpeg(90)
            .context("JPEG quality 90")?;
        let config = ClientConfig {
            fps: args.fps,
            link: trust.camera_link(i)?,
            ..ClientConfig::new(station.local_addr().to_string())
        };
        let stop = cameras.clone();
        station.handle().spawn(async move {
            if let Err(e) = client::run(config, Box::new(camera), stop).await {
                warn!("demo camera {name:?}: {e}");
            }
        });
    }
    Ok(())
}
