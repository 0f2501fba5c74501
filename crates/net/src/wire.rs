//! Which wire format a peer speaks.
//!
//! The server tells the formats apart by a connection's first bytes (see
//! [`crate::server`]); the client is told which one to speak. The hub only
//! sees a label ([`Protocol::label`]) in the camera's
//! [`Origin`](vigie_hub::Origin): it does not need to know the formats.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;

use vigie_hub::Origin;

/// Which wire format a camera speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// vigie's protocol (hello, frames, heartbeats).
    Native,
    /// The report's Python format (pickled numpy arrays).
    Legacy,
}

impl Protocol {
    /// Every format, in the order of [`Protocol::NAMES`].
    pub const ALL: [Protocol; 2] = [Protocol::Native, Protocol::Legacy];
    /// The names accepted by [`str::parse`], for a command-line flag.
    pub const NAMES: [&'static str; 2] = ["native", "legacy"];

    /// The short name the hub, the logs and the web page show.
    pub fn label(self) -> &'static str {
        match self {
            Protocol::Native => "native",
            Protocol::Legacy => "legacy",
        }
    }

    /// The origin of a camera that connected from `addr` in this format.
    pub fn origin(self, addr: SocketAddr) -> Origin {
        Origin::peer(addr, self.label())
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Protocol {
    type Err = String;

    fn from_str(s: &str) -> Result<Protocol, String> {
        Protocol::ALL
            .into_iter()
            .find(|p| p.label().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!(
                    "unknown protocol {s:?}: expected one of {}",
                    Protocol::NAMES.join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_parse_from_their_labels() {
        for p in Protocol::ALL {
            assert_eq!(p.label().parse::<Protocol>(), Ok(p));
            assert_eq!(p.to_string(), p.label());
        }
        assert_eq!("LEGACY".parse::<Protocol>(), Ok(Protocol::Legacy));
        let err = "pickle".parse::<Protocol>().unwrap_err();
        assert!(err.contains("native, legacy"), "{err}");
    }
}
