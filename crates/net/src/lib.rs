//! # vigie-net: the socket layer
//!
//! Everything that touches the network lives here, so that `vigie-core`
//! stays pure over byte buffers.
//!
//! - [`protocol`]: vigie's own protocol (hello, frames, heartbeats), as pure
//!   functions over byte buffers.
//! - [`connection`]: a socket's two directions, each with its buffer.
//! - [`server`]: one listener, many cameras, each in its own task.
//! - [`registry`]: the cameras the server knows, with a latest-frame slot
//!   each and their state (online, stale, offline).
//! - [`tap`]: every frame in order, for the recorder, bounded in bytes.
//! - [`client`]: capture, send, reconnect.
//! - [`log_limit`]: a few lines per kind of warning, then a summary, so a
//!   flood of hostile peers cannot fill the disk with log.
//! - [`text`]: text from peers: camera names checked for invisible
//!   characters, and every peer string escaped before it is logged.
//! - [`legacy`]: the report's original Python wire format (length-prefixed
//!   pickles of numpy arrays), read with a safe subset of pickle that never
//!   runs code, and written so the original Python server can read it.

pub mod client;
pub mod connection;
mod error;
pub mod legacy;
pub mod log_limit;
pub mod protocol;
pub mod registry;
pub mod server;
pub mod stats;
pub mod tap;
pub mod text;

pub use error::Error;
pub use registry::{CameraState, CameraView, Protocol, Registry, Surveillance};
pub use server::ServerConfig;
