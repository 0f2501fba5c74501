//! Running a server: bind, say where to connect, print stats, stop cleanly.
//! Shared by `vigie server` and `vigie demo`.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tracing::info;
use vigie_hub::Lifecycle;
use vigie_hub::Registry;
use vigie_net::ServerConfig;

use crate::report;

/// The option that sets the cameras' address.
pub const CAMERA_OPTION: &str = "--listen";

/// The option that sets the web page's address.
pub const WEB_OPTION: &str = "--http";

/// Binds the listening socket, with an error a person can act on; `option`
/// is the one that chose `addr` ([`CAMERA_OPTION`] or [`WEB_OPTION`]), which
/// the error names.
pub async fn bind(addr: SocketAddr, option: &str) -> Result<TcpListener, String> {
    TcpListener::bind(addr).await.map_err(|e| {
        let why = match e.kind() {
            io::ErrorKind::AddrInUse => format!(
                "the port is already in use (another vigie server? pick another with {option})"
            ),
            io::ErrorKind::AddrNotAvailable => {
                "this machine has no such address (see `ip addr`, or use 0.0.0.0)".to_owned()
            }
            io::ErrorKind::PermissionDenied => {
                "permission denied (ports below 1024 need administrator rights)".to_owned()
            }
            _ => e.to_string(),
        };
        format!("cannot listen on {addr}: {why}")
    })
}

/// The addresses other PCs can use to reach `local`: every interface
/// address when listening on 0.0.0.0 (or ::), else the one address.
pub fn reachable_addresses(local: SocketAddr) -> Vec<SocketAddr> {
    if !local.ip().is_unspecified() {
        return vec![local];
    }
    let mut addrs: Vec<SocketAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.ip())
        .filter(|ip| {
            matches!(
                (ip, local.ip()),
                (IpAddr::V4(_), IpAddr::V4(_)) | (_, IpAddr::V6(_))
            )
        })
        .map(|ip| SocketAddr::new(ip, local.port()))
        .collect();
    // Addresses other PCs can reach first, loopback last.
    addrs.sort_by_key(|a| (a.ip().is_loopback(), a.is_ipv6()));
    addrs
}

/// Cancels `token` on Ctrl-C, or on SIGTERM on Unix.
pub fn cancel_on_signal(token: CancellationToken) {
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let mut term = signal(SignalKind::terminate()).expect("installing a SIGTERM handler");
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        info!("stopping…");
        token.cancel();
    });
}

/// How the server is set up.
pub struct Setup {
    pub config: ServerConfig,
    pub max_cameras: usize,
    pub lifecycle: Lifecycle,
    pub stats_interval: Duration,
}

/// A server running in the background of the runtime.
pub struct Running {
    pub registry: Registry,
    server: tokio::task::JoinHandle<()>,
    stop: CancellationToken,
}

/// Starts serving on `listener`. Must be called inside the runtime.
pub fn start(listener: TcpListener, setup: &Setup) -> Running {
    let registry = Registry::new(setup.max_cameras, setup.lifecycle);
    let stop = CancellationToken::new();
    let server = tokio::spawn(vigie_net::server::run(
        listener,
        setup.config.clone(),
        registry.clone(),
        stop.clone(),
    ));
    Running {
        registry,
        server,
        stop,
    }
}

/// Prints a statistics line per camera every `interval` until `shutdown`.
pub async fn print_stats_until(
    registry: &Registry,
    interval: Duration,
    shutdown: &CancellationToken,
) {
    let mut ticks = tokio::time::interval(interval.max(Duration::from_millis(100)));
    ticks.tick().await; // the first tick is immediate: skip it
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = ticks.tick() => {
                for view in registry.snapshot() {
                    println!("{}", report::stats_line(&view));
                }
            }
        }
    }
}

/// Stops the server, waits for every connection to close, and prints the
/// summary table.
pub async fn finish(running: Running) {
    running.stop.cancel();
    let _ = running.server.await;
    print!("{}", report::summary_table(&running.registry.snapshot()));
}

/// Starts the web page and HTTP API beside the camera server, if asked,
/// serving at most `max_connections` at once (the web share of the
/// [`FdBudget`](crate::fd_budget::FdBudget)). Returns the URL it serves.
/// With `fallback`, a busy port is replaced by a free one (the demo);
/// otherwise it is an error.
pub async fn start_web(
    args: &crate::cli::HttpArgs,
    registry: &Registry,
    camera_port: u16,
    shutdown: &CancellationToken,
    fallback: bool,
    recordings: Option<&std::path::Path>,
    max_connections: usize,
) -> Result<Option<String>, String> {
    let crate::cli::HttpAddr::At(addr) = args.http else {
        return Ok(None);
    };
    let config = vigie_web::WebConfig {
        user: args.http_user.clone(),
        password: args.http_password.clone(),
        listen_port_for_display: camera_port,
        recordings: recordings.map(std::path::Path::to_path_buf),
        max_connections,
        allowed_hosts: args.http_allowed_hosts.clone(),
        ..vigie_web::WebConfig::default()
    };
    config
        .credentials()
        .map_err(|e| format!("--http-user/--http-password: {e}"))?;
    let listener = match bind(addr, WEB_OPTION).await {
        Ok(l) => l,
        Err(msg) if fallback => {
            tracing::warn!("web page: {msg}; using a free port instead");
            bind(SocketAddr::new(addr.ip(), 0), WEB_OPTION).await?
        }
        Err(msg) => return Err(format!("web page: {msg} (or use --http off)")),
    };
    let local = listener.local_addr().map_err(|e| e.to_string())?;
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
    Ok(Some(format!("http://{shown}/")))
}
