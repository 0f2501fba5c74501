//! Binding a listening socket with an error a person can act on, saying
//! where other PCs can reach it, and stopping on Ctrl-C.

use std::io;
use std::net::{IpAddr, SocketAddr};

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tracing::info;

use crate::usage;

/// The option that sets the cameras' address.
pub const CAMERA_OPTION: &str = "--listen";

/// The option that sets the web page's address.
pub const WEB_OPTION: &str = "--http";

/// What to do when the asked port is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfBusy {
    /// A usage error naming the option to change (`vigie server`).
    Fail,
    /// Warn and take a free port on the same address (`vigie demo`).
    TakeAFreePort,
}

/// Binds the listening socket; `option` is the one that chose `addr`
/// ([`CAMERA_OPTION`] or [`WEB_OPTION`]), which the error names. Failing to
/// bind is a usage error: the user picks another address.
pub async fn bind(addr: SocketAddr, option: &str, if_busy: IfBusy) -> anyhow::Result<TcpListener> {
    match TcpListener::bind(addr).await {
        Ok(listener) => Ok(listener),
        Err(e) if if_busy == IfBusy::TakeAFreePort && addr.port() != 0 => {
            let side = if option == WEB_OPTION {
                "web page: "
            } else {
                ""
            };
            tracing::warn!(
                "{side}{}; using a free port instead",
                explain(addr, option, &e)
            );
            let free = SocketAddr::new(addr.ip(), 0);
            TcpListener::bind(free)
                .await
                .map_err(|e| usage(explain(free, option, &e)))
        }
        Err(e) => Err(usage(explain(addr, option, &e))),
    }
}

/// "cannot listen on ADDR: why, and what to do".
fn explain(addr: SocketAddr, option: &str, e: &io::Error) -> String {
    let why = match e.kind() {
        io::ErrorKind::AddrInUse => {
            format!("the port is already in use (another vigie server? pick another with {option})")
        }
        io::ErrorKind::AddrNotAvailable => {
            "this machine has no such address (see `ip addr`, or use 0.0.0.0)".to_owned()
        }
        io::ErrorKind::PermissionDenied => {
            "permission denied (ports below 1024 need administrator rights)".to_owned()
        }
        _ => e.to_string(),
    };
    format!("cannot listen on {addr}: {why}")
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

/// Cancels `token` on Ctrl-C, or on SIGTERM on Unix. Must be called inside
/// the runtime.
pub fn cancel_on_signal(token: CancellationToken) {
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => {
                    tokio::select! {
                        _ = tokio::signal::ctrl_c() => {}
                        _ = term.recv() => {}
                    }
                }
                Err(e) => {
                    tracing::warn!("cannot watch for SIGTERM ({e}); Ctrl-C still stops");
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        info!("stopping…");
        token.cancel();
    });
}
