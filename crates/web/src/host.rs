//! The `Host` check: only requests for a name this server is reached by.
//!
//! Why? *DNS rebinding.* A page on `evil.example` can make its own name
//! resolve, a second later, to `127.0.0.1` or `192.168.1.20`. The browser
//! then sends that page's requests to the vigie server, and, the name being
//! the same, lets the page read the answers: the camera list, snapshots,
//! the live WebSocket. Without a password (the default on loopback) that is
//! every camera, watched by any web page the user opens. The one thing the
//! attacker cannot change is the `Host` header: it still says
//! `evil.example`. So a request is served only when its `Host` is:
//!
//! - `localhost`, or an address the server listens on;
//! - one of the machine's own addresses (read again from the interfaces
//!   when an unknown one shows up, so a new DHCP lease works) or its name
//!   (`hostname`, `hostname.local` for mDNS);
//! - a name given with `--http-allowed-host NAME` (a reverse proxy's, a
//!   DNS name of the machine), or anything at all with `*`.
//!
//! Others get 421 *Misdirected Request*, with the option to use. A request
//! without `Host` (HTTP/1.0 tools) cannot come from a rebinding page, as
//! browsers always send one: it is served. `/healthz` is not checked.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The least time between two reads of the machine's interfaces.
const REFRESH_EVERY: Duration = Duration::from_secs(10);

/// The names a request may be addressed to.
pub(crate) struct AllowedHosts {
    /// `*` was given: no check.
    any: bool,
    /// Names given on the command line, `localhost`, the machine's names.
    names: HashSet<String>,
    /// The listen address and the machine's addresses, as last read.
    addresses: Mutex<(Instant, HashSet<IpAddr>)>,
    listen: IpAddr,
}

impl AllowedHosts {
    pub(crate) fn new(listen: SocketAddr, extra: &[String]) -> Arc<AllowedHosts> {
        let mut names: HashSet<String> = extra.iter().map(|n| normalise(n)).collect();
        let any = names.remove("*");
        names.insert("localhost".to_owned());
        if let Some(name) = gethostname::gethostname().to_str().map(normalise) {
            if !name.is_empty() {
                names.insert(format!("{name}.local"));
                names.insert(name);
            }
        }
        Arc::new(AllowedHosts {
            any,
            names,
            addresses: Mutex::new((Instant::now(), machine_addresses(listen.ip()))),
            listen: listen.ip(),
        })
    }

    /// Whether `host` (a `Host` header's value: name or address, and
    /// perhaps a port) is one of ours.
    pub(crate) fn allows(&self, host: &str) -> bool {
        if self.any {
            return true;
        }
        let name = normalise(strip_port(host));
        let address = name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .unwrap_or(&name)
            .parse::<IpAddr>();
        let Ok(address) = address else {
            return self.names.contains(&name);
        };
        let mut known = self.addresses.lock().unwrap_or_else(|e| e.into_inner());
        if known.1.contains(&address) {
            return true;
        }
        // An address we do not know yet: the interfaces may have changed.
        if known.0.elapsed() >= REFRESH_EVERY {
            *known = (Instant::now(), machine_addresses(self.listen));
        }
        known.1.contains(&address)
    }
}

/// Loopback, the listen address, and every interface's address.
fn machine_addresses(listen: IpAddr) -> HashSet<IpAddr> {
    let mut all: HashSet<IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.ip())
        .collect();
    all.extend([
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(Ipv6Addr::LOCALHOST),
    ]);
    if !listen.is_unspecified() {
        all.insert(listen);
    }
    all
}

/// Lower case, without a final dot (`Example.COM.` is `example.com`).
fn normalise(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// `name:8080` → `name`, `[::1]:8080` → `[::1]`, `::1` stays.
pub(crate) fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name
        }
        _ => host,
    }
}

/// The middleware: lets the request through, or answers 421.
pub(crate) async fn require(
    State(hosts): State<Arc<AllowedHosts>>,
    request: Request,
    next: Next,
) -> Response {
    // An absolute URL (`GET http://name/ HTTP/1.1`) names the host too.
    let host = match request.uri().authority() {
        Some(authority) => Some(authority.as_str().to_owned()),
        None => request
            .headers()
            .get(header::HOST)
            .map(|value| value.to_str().unwrap_or("\u{FFFD}").to_owned()),
    };
    let host = host.map(|h| h.rsplit('@').next().unwrap_or_default().to_owned());
    match host {
        Some(host) if !hosts.allows(&host) => misdirected(strip_port(&host)),
        _ => next.run(request).await,
    }
}

fn misdirected(name: &str) -> Response {
    tracing::debug!("refused a request for the host {name:?}");
    // Only printable ASCII comes back (header values are that already).
    let shown: String = name
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(255)
        .collect();
    let body = format!(
        "ce serveur ne répond pas au nom « {shown} » (protection contre le DNS rebinding) ; \
         si ce nom est bien le sien, relancez vigie avec --http-allowed-host {shown}\n\
         this server does not answer to the name \"{shown}\"; if it is its own, \
         start vigie with --http-allowed-host {shown}\n"
    );
    (
        StatusCode::MISDIRECTED_REQUEST,
        [(header::CACHE_CONTROL, "no-store")],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(extra: &[&str]) -> Arc<AllowedHosts> {
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        AllowedHosts::new("127.0.0.1:8080".parse().unwrap(), &extra)
    }

    #[test]
    fn ports_are_stripped_from_names_and_addresses() {
        assert_eq!(strip_port("cam.example:8080"), "cam.example");
        assert_eq!(strip_port("cam.example"), "cam.example");
        assert_eq!(strip_port("[::1]:8080"), "[::1]");
        assert_eq!(strip_port("::1"), "::1");
        assert_eq!(strip_port("name:port"), "name:port");
    }

    #[test]
    fn only_our_names_are_allowed() {
        let h = hosts(&["Cams.Example.org."]);
        for ok in [
            "localhost",
            "LOCALHOST:8080",
            "127.0.0.1:8080",
            "[::1]:8080",
            "cams.example.org",
            "cams.example.org.:8080",
        ] {
            assert!(h.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "",
            "[zz]",
        ] {
            assert!(!h.allows(bad), "{bad}");
        }
        assert!(hosts(&["*"]).allows("evil.example"));
    }

    #[test]
    fn the_machine_name_is_allowed() {
        let name = gethostname::gethostname().into_string().unwrap();
        let h = hosts(&[]);
        assert!(h.allows(&name), "{name}");
        assert!(h.allows(&format!("{name}.local:8080")));
    }
}
