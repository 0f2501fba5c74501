//! A station: the camera server with everything around it, started and
//! stopped in one order. `vigie server` and `vigie demo` are both a
//! station; they differ only in what they print and in who the cameras are.
//!
//! The order matters, so it is written once, here:
//!
//! 1. [`Station::bind`]: the camera port, first, because a port in use is
//!    the commonest way a start fails, and nothing has started yet to undo.
//! 2. [`Bound::start`]: the registry and the notification channels (the
//!    others report to them), the camera server, then the surveillance
//!    threads (they read the registry's tap, so they must see the first
//!    frame), the watch on cameras going offline, the SIGHUP reload, and
//!    last the web side (it reads the registry too).
//! 3. The front: the window ([`Station::show_window`]) or statistics on the
//!    terminal ([`Station::print_stats`]), until Ctrl-C, `--seconds`, or Q.
//! 4. [`Station::stop`]: the cameras of this process get a moment to say
//!    goodbye, then the camera server closes every connection and waits for
//!    them, and only then the surveillance threads drain: the cameras'
//!    departures, queued by the server's stop, close their files. Last,
//!    the notification channels get a few seconds to send what waits.

mod alerts;
mod bind;
mod config;
mod fd_budget;
mod reload;
mod report;
pub mod settings;
mod watcher;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::runtime::{Handle, Runtime};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use vigie_hub::{Lifecycle, Registry};
use vigie_net::ServerConfig;
use vigie_record::surveillance::SurveillanceConfig;
use vigie_viewer::ViewerOptions;

pub use bind::{cancel_on_signal, reachable_addresses, IfBusy};
pub use config::{surveillance_config, WebPlan};
pub use fd_budget::FdBudget;
pub use settings::{CameraPlan, Sources};

use bind::{CAMERA_OPTION, WEB_OPTION};
use watcher::Watcher;

/// Everything a station runs, decided before it starts.
pub struct Plan {
    /// The camera server's limits and timeouts.
    pub server: ServerConfig,
    /// Cameras the registry holds at most.
    pub max_cameras: usize,
    /// When a silent camera is shown stale, then offline.
    pub lifecycle: Lifecycle,
    /// Motion detection and recording.
    pub surveillance: SurveillanceConfig,
    /// The web side, if any; at most `web_connections` at once.
    pub web: Option<WebPlan>,
    /// HTTP connections served at once (the web share of the [`FdBudget`]).
    pub web_connections: usize,
    /// How long the cameras of this process get to say goodbye before the
    /// server closes their connections (zero for `vigie server`).
    pub goodbye: Duration,
    /// What the config file says per camera (the defaults without one).
    pub cameras: CameraPlan,
    /// The notification channels (none by default).
    pub notify: vigie_notify::NotifyConfig,
    /// Where the settings came from, and the settings in use, to reload
    /// them on SIGHUP; `None`: no reload (`vigie demo`).
    pub reload: Option<(Sources, vigie_config::Settings)>,
}

/// The camera port, bound, with the runtime the station will run on.
pub struct Bound {
    runtime: Runtime,
    listener: TcpListener,
    local: SocketAddr,
}

/// A running station. Stop it with [`Station::stop`], which closes the
/// recordings.
pub struct Station {
    runtime: Runtime,
    local: SocketAddr,
    registry: Registry,
    /// Cancelled by Ctrl-C, SIGTERM, `--seconds` or the window's Q: the
    /// front returns, the web side and this process's cameras stop.
    shutdown: CancellationToken,
    /// Stops the camera server, after the cameras said goodbye.
    server_stop: CancellationToken,
    server: JoinHandle<()>,
    watcher: Option<Watcher>,
    web_url: Option<String>,
    goodbye: Duration,
    notifier: Option<vigie_notify::Notifier>,
}

impl Station {
    /// Starts the runtime and binds the camera port `listen` (a usage error
    /// if it cannot be had, unless `if_busy` allows a free one).
    pub fn bind(listen: SocketAddr, if_busy: IfBusy) -> anyhow::Result<Bound> {
        let runtime = crate::runtime()?;
        let listener = runtime.block_on(bind::bind(listen, CAMERA_OPTION, if_busy))?;
        let local = listener
            .local_addr()
            .context("reading the camera port's address")?;
        Ok(Bound {
            runtime,
            listener,
            local,
        })
    }

    /// Where cameras connect.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The web page's URL, if it runs.
    pub fn web_url(&self) -> Option<&str> {
        self.web_url.as_deref()
    }

    /// The token whose cancellation ends the front and stops the web side;
    /// this process's cameras use a child of it.
    pub fn shutdown(&self) -> &CancellationToken {
        &self.shutdown
    }

    /// The runtime, to spawn this process's cameras and timers on.
    pub fn handle(&self) -> &Handle {
        self.runtime.handle()
    }

    /// Prints a statistics line per camera every `interval`, until the
    /// shutdown token is cancelled.
    pub fn print_stats(&self, interval: Duration) {
        self.runtime.block_on(async {
            let mut ticks = tokio::time::interval(interval.max(Duration::from_millis(100)));
            ticks.tick().await; // the first tick is immediate: skip it
            loop {
                tokio::select! {
                    _ = self.shutdown.cancelled() => break,
                    _ = ticks.tick() => {
                        for view in self.registry.snapshot() {
                            println!("{}", report::stats_line(&view));
                        }
                    }
                }
            }
        });
    }

    /// Shows the cameras in a window until it is closed or the station is
    /// shut down. Must run on the main thread.
    pub fn show_window(&self, options: ViewerOptions) -> Result<(), vigie_viewer::ViewerError> {
        vigie_viewer::run(
            self.registry.clone(),
            self.runtime.handle().clone(),
            options,
            self.shutdown.clone(),
        )
    }

    /// Stops everything in order (see the module's documentation) and
    /// prints the summary table.
    pub fn stop(self) {
        self.shutdown.cancel();
        self.runtime.block_on(async {
            if !self.goodbye.is_zero() {
                tokio::time::sleep(self.goodbye).await;
            }
            self.server_stop.cancel();
            let _ = self.server.await;
        });
        print!("{}", report::summary_table(&self.registry.snapshot()));
        // After the server: the cameras' departures close their files.
        if let Some(watcher) = self.watcher {
            watcher.stop();
        }
        // Last: what waits in the queues gets a moment to go out, and MQTT
        // says the server is offline.
        if let Some(notifier) = self.notifier {
            self.runtime.block_on(notifier.shutdown(NOTIFY_GRACE));
        }
    }
}

impl Bound {
    /// Where cameras connect.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Starts the station on the bound port: the camera server, the
    /// surveillance threads, then the web side. If the web side cannot
    /// start, what did start is stopped again, and the error returned.
    pub fn start(self, plan: Plan) -> anyhow::Result<Station> {
        let Bound {
            runtime,
            listener,
            local,
        } = self;
        let _inside = runtime.enter();
        let shutdown = CancellationToken::new();
        bind::cancel_on_signal(shutdown.clone());
        let registry = Registry::new(plan.max_cameras, plan.lifecycle);
        registry.set_display_names(plan.cameras.display_names.clone());
        let notifier = start_notifier(plan.notify, plan.cameras.rules.clone())?;
        let server_stop = CancellationToken::new();
        let server = tokio::spawn(vigie_net::server::run(
            listener,
            plan.server,
            registry.clone(),
            server_stop.clone(),
        ));
        if let Some(line) = plan.surveillance.describe() {
            println!("{line}");
        }
        let links = alerts::Links::default();
        let motion_alerts = notifier.clone().map(|n| {
            let alerts = alerts::MotionAlerts::new(n, registry.clone(), links.clone());
            Box::new(alerts) as Box<dyn vigie_record::surveillance::Alerts>
        });
        let watcher = Watcher::start(&registry, plan.surveillance, &plan.cameras, motion_alerts)
            .unwrap_or_else(|e| {
                // The cameras and the live view still work without it.
                tracing::error!("{e:#}: no motion detection nor recording");
                None
            });
        if let Some(notifier) = &notifier {
            let watched =
                alerts::watch_presence(registry.clone(), notifier.clone(), shutdown.clone());
            tokio::spawn(watched);
        }
        if let Some((sources, settings)) = plan.reload {
            let handoff = watcher.as_ref().map(Watcher::handoff);
            let reloader = reload::Reloader::new(
                sources,
                settings,
                registry.clone(),
                handoff,
                notifier.clone(),
            );
            tokio::spawn(reload::on_sighup(reloader, shutdown.clone()));
        }
        drop(_inside);
        let mut station = Station {
            runtime,
            local,
            registry,
            shutdown,
            server_stop,
            server,
            watcher,
            web_url: None,
            goodbye: plan.goodbye,
            notifier,
        };
        if let Some(mut web) = plan.web {
            web.config.notifier = station.notifier.clone();
            let started = station.runtime.block_on(start_web(
                web,
                plan.web_connections,
                &station.registry,
                local.port(),
                &station.shutdown,
            ));
            match started {
                Ok((url, reachable)) => {
                    links.set(reachable);
                    station.web_url = Some(url);
                }
                Err(e) => {
                    station.stop();
                    return Err(e);
                }
            }
        }
        Ok(station)
    }
}

/// How long the notification channels get, at the end, to send what waits.
const NOTIFY_GRACE: Duration = Duration::from_secs(3);

/// The notification channels of `config`, started on the current runtime;
/// `None` when there is none. A setting that cannot work is a usage error.
fn start_notifier(
    config: vigie_notify::NotifyConfig,
    rules: vigie_notify::Rules,
) -> anyhow::Result<Option<vigie_notify::Notifier>> {
    if config.is_empty() {
        return Ok(None);
    }
    let clock = std::sync::Arc::new(vigie_notify::SystemClock);
    let notifier = vigie_notify::Notifier::start(config, rules, clock, &Handle::current())
        .map_err(|e| crate::usage(format!("notifications: {e}")))?;
    Ok(Some(notifier))
}

/// Binds and starts the web page and HTTP API beside the camera server.
/// Returns the URL it serves on this machine, and the one other machines
/// reach it by (for the links in notifications).
async fn start_web(
    web: WebPlan,
    max_connections: usize,
    registry: &Registry,
    camera_port: u16,
    shutdown: &CancellationToken,
) -> anyhow::Result<(String, String)> {
    let scheme = if web.config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let config = vigie_web::WebConfig {
        listen_port_for_display: camera_port,
        max_connections,
        ..web.config
    };
    let listener = bind::bind(web.addr, WEB_OPTION, web.if_busy)
        .await
        .map_err(|e| crate::usage(format!("web page: {e:#} (or use --http off)")))?;
    let local = listener
        .local_addr()
        .context("reading the web port's address")?;
    vigie_web::warn_if_exposed(local, &config);
    let (registry, shutdown) = (registry.clone(), shutdown.clone());
    tokio::spawn(async move {
        if let Err(e) = vigie_web::serve(listener, registry, config, shutdown).await {
            tracing::warn!("web page stopped: {e}");
        }
    });
    let shown = if local.ip().is_unspecified() {
        SocketAddr::new(IpAddr::from([127, 0, 0, 1]), local.port())
    } else {
        local
    };
    // A phone follows a link from a notification: the first address of
    // this machine on the network, when the page listens on all of them.
    let reachable = match bind::reachable_addresses(local).first() {
        Some(addr) if local.ip().is_unspecified() => *addr,
        _ => shown,
    };
    Ok((
        format!("{scheme}://{shown}/"),
        format!("{scheme}://{reachable}/"),
    ))
}
