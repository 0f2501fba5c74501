//! # vigie-net: the socket layer
//!
//! Everything that touches the network lives here, so that `vigie-core`
//! stays pure over byte buffers.
//!
//! - [`protocol`]: vigie's own protocol (hello, frames, heartbeats), as pure
//!   functions over byte buffers.
//! - [`connection`]: a socket's two directions, each with its buffer.
//! - [`server`]: one listener, many cameras, each in its own task.
//!   It fills the hub (`vigie-hub`: the registry of cameras, their
//!   latest-frame slots, the recorder's tap), which knows nothing of sockets.
//! - [`wire`]: which wire format a peer speaks ([`Protocol`]).
//! - [`client`]: capture, send, reconnect; pairing and pinning.
//! - [`tls`]: TLS on the camera port, told apart from the plaintext
//!   formats by its first bytes, wrapped around any stream.
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
pub mod server;
pub mod text;
pub mod tls;
pub mod wire;

pub use error::Error;
pub use server::{ServerConfig, ServerTrust};
/// The TCP port a server listens on and a client dials when none is given.
pub use vigie_hub::DEFAULT_PORT;
pub use wire::Protocol;
