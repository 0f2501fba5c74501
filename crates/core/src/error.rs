use crate::frame::PixelFormat;

/// Everything that can go wrong in vigie-core.
///
/// Each variant says *what* was wrong with the input, in words a person can
/// act on, because these messages end up in the server's log when a peer
/// sends something broken.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A frame with a zero or oversized side.
    #[error(
        "a frame of {width}×{height} pixels is not allowed: each side must be between 1 and {max}"
    )]
    InvalidSize {
        /// The width given, in pixels.
        width: u32,
        /// The height given, in pixels.
        height: u32,
        /// The largest allowed.
        max: u32,
    },

    /// A raw frame whose payload does not hold exactly width × height × channels bytes.
    #[error(
        "a {format} frame of {width}×{height} needs {expected} bytes of payload, got {actual}"
    )]
    PayloadLength {
        /// The pixel format of the frame.
        format: PixelFormat,
        /// The width given, in pixels.
        width: u32,
        /// The height given, in pixels.
        height: u32,
        /// The length that format and size need, in bytes.
        expected: usize,
        /// The length found, in bytes.
        actual: usize,
    },

    /// A JPEG frame whose payload does not start with the SOI marker.
    #[error("a JPEG payload must start with the SOI marker FF D8, it starts with {found}")]
    NotJpeg {
        /// What the first bytes look like.
        found: String,
    },

    /// The camera name is empty or too long.
    #[error("a camera name must be 1 to {max} bytes long, got {len}")]
    InvalidName {
        /// The length found, in bytes.
        len: usize,
        /// The largest allowed.
        max: usize,
    },

    /// A serialized frame longer than the decoder accepts.
    #[error("a serialized frame of {len} bytes is above the limit of {limit} bytes")]
    SerializedTooLarge {
        /// The length found, in bytes.
        len: usize,
        /// The largest allowed, in bytes.
        limit: usize,
    },

    /// Bytes that are not a serialized frame.
    #[error("malformed serialized frame: {0}")]
    Deserialize(#[from] bincode::error::DecodeError),

    /// A serialized frame followed by bytes that belong to nothing.
    #[error("a serialized frame is followed by {0} unexpected bytes")]
    TrailingBytes(usize),

    /// The serializer failed (in practice only when writing to memory fails).
    #[error("could not serialize a frame: {0}")]
    Serialize(#[from] bincode::error::EncodeError),

    /// A length prefix above the configured maximum: rejected before any allocation.
    #[error("a message announces {len} bytes, above the maximum of {max} bytes")]
    MessageTooLarge {
        /// The length found, in bytes.
        len: u64,
        /// The largest allowed.
        max: usize,
    },

    /// A JPEG quality outside 1..=100.
    #[error("JPEG quality must be between 1 and 100, got {0}")]
    InvalidQuality(u8),

    /// The JPEG encoder refused the picture.
    #[error("JPEG encoding failed: {0}")]
    JpegEncode(String),

    /// Corrupt, truncated or unsupported JPEG data.
    #[error("JPEG decoding failed: {0}")]
    JpegDecode(String),

    /// An operation that does not apply to this pixel format.
    #[error("cannot {operation} a {format} frame")]
    UnsupportedFormat {
        /// What was attempted.
        operation: &'static str,
        /// The pixel format of the frame.
        format: PixelFormat,
    },

    /// The resizer failed.
    #[error("resizing failed: {0}")]
    Resize(String),

    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Png(String),
}
