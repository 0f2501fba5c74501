//! `vigie server`: receive cameras, show them in a window (or print their
//! statistics with `--headless`). The order of start and stop is the
//! [`Station`]'s; this module turns the options into a [`Plan`] and says
//! where to connect.

use std::time::Duration;

use vigie_hub::Lifecycle;
use vigie_net::ServerConfig;
use vigie_viewer::ViewerOptions;

use crate::cli::ServerArgs;
use crate::security;
use crate::station::{self, CameraPlan, FdBudget, IfBusy, Plan, Station, WebPlan};
use crate::usage;

/// Runs `vigie server` until Ctrl-C, SIGTERM or the window's Q. `typed`
/// says which options were given on the command line (they override the
/// config file).
pub fn run(mut args: ServerArgs, typed: &clap::ArgMatches) -> anyhow::Result<()> {
    let sources = station::settings::sources(&args, typed)?;
    let settings = sources.settings()?;
    station::settings::apply(&settings, &mut args);
    if args.check {
        // The checks the options get at start, without starting anything.
        station::surveillance_config(&args.surveillance)?;
        if let Some(path) = &args.config {
            station::settings::print_check(path, &settings);
        }
        return Ok(());
    }
    if !args.headless && !vigie_viewer::display_available() {
        return Err(usage(
            "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set); \
             use `vigie server --headless` to run without a window",
        ));
    }
    let surveillance = station::surveillance_config(&args.surveillance)?;
    let identity = security::open_server(&args.state)?;
    let web = WebPlan::from_args(
        &args.http,
        args.surveillance.record.as_deref(),
        IfBusy::Fail,
        &identity.trust,
    )?;
    let bound = Station::bind(args.listen, IfBusy::Fail)?;
    let local = bound.local_addr();
    println!("vigie server listening on {local}");
    let reachable = station::reachable_addresses(local);
    for addr in &reachable {
        println!("  cameras can connect to {addr}   (the first time: vigie client --server {addr} --pair CODE)");
    }
    security::announce(&identity)?;
    security::warn_opt_outs(args.insecure, args.allow_legacy);
    let wanted = ServerConfig {
        max_connections: args.max_cameras as usize * 2,
        trust: Some(identity.trust.clone()),
        insecure: args.insecure,
        allow_legacy: args.allow_legacy,
        ..ServerConfig::default()
    };
    let budget = FdBudget::at_start(wanted.fd_budget());
    println!("{}", budget.line());
    let plan = Plan {
        server: ServerConfig {
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
        surveillance,
        web,
        web_connections: budget.web,
        goodbye: Duration::ZERO,
        cameras: CameraPlan::from_settings(&settings),
        notify: settings.notify.clone(),
        reload: args.config.is_some().then_some((sources, settings)),
    };
    let station = bound.start(plan)?;
    if let Some(url) = station.web_url() {
        println!("web page and API on {url}");
    }
    let mut outcome = Ok(());
    if args.headless {
        station.print_stats(secs(args.stats_interval));
    } else {
        let options = ViewerOptions {
            title: format!("vigie — port {}", local.port()),
            listen_port: local.port(),
            listen_addresses: reachable.iter().map(|a| a.to_string()).collect(),
        };
        if let Err(e) = station.show_window(options) {
            outcome = Err(usage(format!(
                "{e}; use `vigie server --headless` to run without a window"
            )));
        }
    }
    // The window may have been closed with Q: stop the web side too.
    station.stop();
    outcome
}

/// `s` seconds, negative ones as zero.
pub fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s.max(0.0))
}
