//! # The report's wire format, spoken safely
//!
//! The report's Python client sent each webcam frame as
//!
//! ```text
//! struct.pack(">L", len(data)) + data
//! data = pickle.dumps(cv2.imencode('.jpg', frame, [cv2.IMWRITE_JPEG_QUALITY, 90])[1], 0)
//! ```
//!
//! and its server answered each message with `pickle.loads(data,
//! encoding="bytes")`, then `cv2.imdecode`. The length prefix is
//! [`vigie_core::pack`]'s. The pickle is the problem: `pickle.loads` runs
//! whatever program the bytes describe, so anyone who can connect to port
//! 8485 can make the server run `os.system("…")`. The Python documentation
//! says it in red: *never unpickle data received from an untrusted source*.
//!
//! vigie still speaks the format, so that the report's client and server
//! keep working with it, but reads it with its own machine:
//!
//! - [`decode`] interprets only the opcodes numpy writes for an array, keeps
//!   globals as names checked against an allow-list of five (numpy's two
//!   array builders, `numpy.ndarray`, `numpy.dtype`, `_codecs.encode`),
//!   checks every "call" against the arguments numpy writes, and bounds the
//!   stack, the memo and every allocation. A pickle that does anything else
//!   is a [`PickleError`] that says what it tried.
//! - [`encode_jpeg`] and [`encode_bgr`] write, byte for byte, what numpy
//!   writes, so the report's server loads vigie's frames (numpy 1.x or 2.x).
//!
//! What is read, concretely, is a numpy array of `uint8`:
//!
//! | Shape                   | Meaning                     | Result                |
//! |-------------------------|-----------------------------|-----------------------|
//! | `(n,)`                  | a JPEG file (`cv2.imencode`) | [`LegacyImage::Jpeg`] |
//! | `(height, width, 3)`    | raw pixels, OpenCV's BGR    | [`LegacyImage::Bgr`]  |
//!
//! with pickle protocols 0 to 5, numpy 1.x (`numpy.core`) or 2.x
//! (`numpy._core`). The real streams, and the hostile ones, are in
//! `fixtures/legacy/`, with the script that made them.

mod encode;
mod error;
mod numpy;
mod opcodes;
mod pickle;
mod reader;
mod value;

#[cfg(test)]
mod tests;

use std::fmt;

use bytes::Bytes;
use vigie_core::PixelFormat;

pub use encode::{encode_bgr, encode_jpeg};
pub use error::PickleError;
pub use pickle::{decode, decode_bytes, MAX_DEPTH, MAX_MARKS, MAX_MEMO, MAX_STACK};

/// The picture inside a legacy message.
#[derive(Clone, PartialEq, Eq)]
pub enum LegacyImage {
    /// A 1-D array: the bytes of a JPEG file, as `cv2.imencode` made them.
    /// Not checked here: it is whatever the client sent.
    Jpeg(Bytes),
    /// A `(height, width, 3)` array: raw pixels, three bytes each in OpenCV's
    /// blue, green, red order, row after row. `pixels` holds exactly
    /// `width × height × 3` bytes.
    Bgr {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The pixels, BGR, row after row, as OpenCV keeps them.
        pixels: Bytes,
    },
}

impl LegacyImage {
    /// The matching vigie pixel format: [`PixelFormat::Jpeg`] or [`PixelFormat::Bgr8`].
    pub fn pixel_format(&self) -> PixelFormat {
        match self {
            LegacyImage::Jpeg(_) => PixelFormat::Jpeg,
            LegacyImage::Bgr { .. } => PixelFormat::Bgr8,
        }
    }

    /// The picture's bytes: the JPEG file, or the raw pixels.
    pub fn data(&self) -> &Bytes {
        match self {
            LegacyImage::Jpeg(data) | LegacyImage::Bgr { pixels: data, .. } => data,
        }
    }

    /// The picture's bytes, without copying them.
    pub fn into_data(self) -> Bytes {
        match self {
            LegacyImage::Jpeg(data) | LegacyImage::Bgr { pixels: data, .. } => data,
        }
    }
}

impl fmt::Debug for LegacyImage {
    // A picture can be megabytes: show its size, not its bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LegacyImage::Jpeg(data) => write!(f, "Jpeg({} bytes)", data.len()),
            LegacyImage::Bgr { width, height, .. } => write!(f, "Bgr({width}×{height})"),
        }
    }
}
