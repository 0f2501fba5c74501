//! # vigie-core: what a camera frame *is*, and how it travels as bytes
//!
//! The student report behind vigie sends webcam pictures over a socket in
//! three steps, and this crate gives each one its own module:
//!
//! | Report (Python)            | vigie                         | Module        |
//! |----------------------------|-------------------------------|---------------|
//! | a numpy image              | [`Frame`]                     | [`frame`]     |
//! | `cv2.imencode('.jpg', …)`  | [`jpeg::encode`]              | [`jpeg`]      |
//! | `pickle.dumps(frame)`      | [`serialize::encode_into`]    | [`serialize`] |
//! | `struct.pack(">L", len)`   | [`pack::pack`], [`pack::Unpacker`] | [`pack`] |
//!
//! Everything here is a pure function over byte buffers: no socket, no
//! camera, no window. That is what makes it easy to test (feed it bytes, look
//! at what comes out) and what lets the network, camera and viewer crates
//! share it.
//!
//! Two helpers sit beside the codec because both the synthetic camera and the
//! viewer draw pictures: [`draw`] (rectangles and text from an embedded bitmap
//! font) and [`transform`] (resize and mirror, as the report's client did).

pub mod draw;
mod error;
pub mod frame;
pub mod jpeg;
pub mod motion;
pub mod pack;
pub mod png;
pub mod serialize;
pub mod time;
pub mod transform;

pub use error::Error;
pub use frame::{Frame, FrameHeader, PixelFormat};

/// The result type of every fallible function in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
