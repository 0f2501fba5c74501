//! # vigie-net: the socket layer (coming next)
//!
//! This crate will hold everything that touches the network, so that
//! `vigie-core` stays pure over byte buffers:
//!
//! - the server: a TCP listener (port 8485 by default) that takes many
//!   cameras at once, each with a latest-frame slot;
//! - the client: connect, say hello, stream packed frames, reconnect;
//! - the report's original Python wire format (length-prefixed pickles),
//!   read with a safe subset of pickle that never runs code.
//!
//! It is empty until the network issue lands; see `README.md`.
