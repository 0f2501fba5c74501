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
        host: String,
        #[source]
        source: io::Error,
    },

    /// The camera failed.
    #[error(transparent)]
    Camera(#[from] vigie_camera::CameraError),
}
