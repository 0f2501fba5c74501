//! Which wire format a peer speaks.
//!
//! The server tells the formats apart by a connection's first bytes (see
//! [`crate::server`]); the client is told which one to speak. The hub only
//! sees a label ([`Protocol::label`]) in the camera's
//! [`Origin`](vigie_hub::Origin): it does not need to know the formats.

use std::fmt;
use std::net::SocketAddr;

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
