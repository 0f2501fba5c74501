use std::io;
use std::time::Duration;

use crate::legacy::PickleError;
use crate::protocol::Refusal;

/// Everything that can go wrong on a vigie connection.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The socket failed (reset, broken pipe, …).
    #[error("network error: {0}")]
    Io(#[from] io::Error),

    /// The peer closed the connection.
    #[error("the peer closed the connection")]
    Closed,

    /// The peer closed the connection in the middle of a message.
    #[error("the peer closed the connection in the middle of a message ({0} bytes received)")]
    ClosedMidMessage(usize),

    /// A message announced more bytes than its kind may have: refused on its
    /// length prefix (and tag), before its body was read.
    #[error("{what} too large: {len} bytes announced, at most {max} allowed")]
    TooLarge {
        /// What was too large.
        what: &'static str,
        /// Its length, in bytes.
        len: usize,
        /// The largest accepted, in bytes.
        max: usize,
    },

    /// A picture larger than the server takes, by its own header.
    #[error("a {width}×{height} picture is above the server's limit of {max_pixels} pixels")]
    PictureTooLarge {
        /// The picture's width, as the JPEG says.
        width: u32,
        /// The picture's height, as the JPEG says.
        height: u32,
        /// The largest picture accepted, in pixels.
        max_pixels: u64,
    },

    /// Nothing complete arrived in time.
    #[error("no complete message for {0:?}: peer stalled or gone")]
    Timeout(Duration),

    /// Bytes that break the protocol.
    #[error("malformed data: {0}")]
    Malformed(String),

    /// A frame, length prefix or serialized message that vigie-core refused.
    #[error(transparent)]
    Codec(#[from] vigie_core::Error),

    /// A pickle from a legacy client that the safe decoder refused.
    #[error("legacy pickle refused: {0}")]
    Pickle(#[from] PickleError),

    /// The server said no to our hello.
    #[error("the server refused this camera: {0}")]
    Refused(Refusal),

    /// The host name could not be resolved.
    #[error("cannot resolve {host:?}: {source}")]
    Resolve {
        /// The server as given.
        host: String,
        #[source]
        /// Why it failed.
        source: io::Error,
    },

    /// The camera failed.
    #[error(transparent)]
    Camera(#[from] vigie_camera::CameraError),

    /// The server's certificate is not the one expected (pinned, or fitting
    /// the pairing code): the line says which, and what to do.
    #[error("{0}")]
    Trust(vigie_trust::TrustFailure),

    /// The TLS handshake failed for another reason.
    #[error("TLS handshake failed: {0}")]
    Handshake(io::Error),

    /// The client has no token for this server and camera, and no code.
    #[error("not paired: camera {camera:?} has no token for {server} in {state}; pair it once with `vigie client --server HOST --pair CODE` (the server prints the code)")]
    NotPaired {
        /// `host:port`.
        server: String,
        /// The camera's name.
        camera: String,
        /// The client's state directory.
        state: String,
    },

    /// The state directory (keys, pins, tokens) could not be used.
    #[error(transparent)]
    TrustStore(#[from] vigie_trust::Error),
}

impl Error {
    /// A short reason, the same for every error of a kind: what log
    /// summaries group by ("1,234 connections dropped in the last 5 s: timeout").
    pub fn reason(&self) -> &'static str {
        match self {
            Error::Io(_) => "network error",
            Error::Closed | Error::ClosedMidMessage(_) => "closed",
            Error::TooLarge { .. } => "message too large",
            Error::PictureTooLarge { .. } => "picture too large",
            Error::Timeout(_) => "timeout",
            Error::Malformed(_) => "malformed data",
            Error::Codec(_) => "bad frame",
            Error::Pickle(_) => "pickle refused",
            Error::Refused(_) => "refused",
            Error::Resolve { .. } => "cannot resolve",
            Error::Camera(_) => "camera error",
            Error::Trust(_) => "certificate mismatch",
            Error::Handshake(_) => "TLS handshake failed",
            Error::NotPaired { .. } => "not paired",
            Error::TrustStore(_) => "state directory",
        }
    }
}

impl Error {
    /// Whether retrying cannot help: the server refused this camera for
    /// good, or its certificate is not the one this camera trusts, or the
    /// camera has nothing to authenticate with.
    pub fn is_fatal(&self) -> bool {
        match self {
            Error::Refused(r) => !r.is_temporary(),
            Error::Trust(_) | Error::NotPaired { .. } | Error::TrustStore(_) => true,
            _ => false,
        }
    }
}
