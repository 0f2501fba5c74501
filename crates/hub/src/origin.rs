//! Where a camera's frames come from.
//!
//! Today every camera is a peer that connected to the server, speaking one
//! of the wire formats. Later the server may pull a camera itself (an RTSP
//! or HTTP camera): the hub does not care how the frames arrive, only what
//! to show about it. So a camera is registered with an [`Origin`], and the
//! wire format is a label here, not the socket layer's own enum.

use std::fmt;
use std::net::SocketAddr;

/// Where a camera's frames come from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A peer that connected to the server.
    Peer {
        /// The peer's address.
        addr: SocketAddr,
        /// How it talks to the server, as a short label ("native",
        /// "legacy"): the socket layer's name for its wire format.
        link: &'static str,
    },
    /// A source the server pulls itself (an IP camera, a file).
    Pulled {
        /// Where the server fetches the frames.
        url: String,
    },
}

impl Origin {
    /// A peer on a socket, speaking `link`.
    pub fn peer(addr: SocketAddr, link: &'static str) -> Origin {
        Origin::Peer { addr, link }
    }

    /// The peer's address, when the camera connected to the server.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        match self {
            Origin::Peer { addr, .. } => Some(*addr),
            Origin::Pulled { .. } => None,
        }
    }

    /// How the frames arrive: the wire format's label for a peer, `"pulled"`
    /// for a source the server fetches.
    pub fn link(&self) -> &'static str {
        match self {
            Origin::Peer { link, .. } => link,
            Origin::Pulled { .. } => "pulled",
        }
    }

    /// Where the frames come from, as shown to people: the peer's address
    /// or the pulled URL.
    pub fn address(&self) -> String {
        match self {
            Origin::Peer { addr, .. } => addr.to_string(),
            Origin::Pulled { url } => url.clone(),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.address(), self.link())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_shows_its_address_and_link() {
        let origin = Origin::peer("127.0.0.1:1000".parse().unwrap(), "legacy");
        assert_eq!(origin.peer_addr(), Some("127.0.0.1:1000".parse().unwrap()));
        assert_eq!(origin.link(), "legacy");
        assert_eq!(origin.to_string(), "127.0.0.1:1000 (legacy)");
    }

    #[test]
    fn a_pulled_source_has_no_peer() {
        let origin = Origin::Pulled {
            url: "rtsp://camera.local/stream".into(),
        };
        assert_eq!(origin.peer_addr(), None);
        assert_eq!(origin.link(), "pulled");
        assert_eq!(origin.address(), "rtsp://camera.local/stream");
    }
}
