//! Pairing: introducing a camera to a server, once, by a short code.
//!
//! # Why a code must resist a man in the middle
//!
//! The first connection is the dangerous one. The client knows nothing of
//! the server yet, so an attacker on the network (a rogue Wi-Fi access
//! point, a poisoned ARP cache) can answer in its place with *its own*
//! certificate. If the client pinned whatever certificate it met first, it
//! would pin the attacker's, for good; and if it sent the code to whoever
//! answered, the attacker would use the code to pair itself with the real
//! server, and receive a token.
//!
//! So the code does two jobs ([`code`]): its *check* lets the client
//! recognise the real server's certificate before anything is sent, and its
//! *secret*, sent only to that server inside TLS, proves to the server that
//! the person at the camera read the code on the server's screen.
//!
//! The server side is a [`PairingBook`] ([`book`]): it issues codes, each
//! single-use and valid 10 minutes, and redeems them, slowing down anyone
//! who guesses. [`requests`] lets `vigie pair` ask a running server for a
//! fresh code.

pub mod book;
pub mod code;
pub mod requests;

pub use book::{Clock, ManualClock, PairingBook, PairingError, PairingLimits, SystemClock};
pub use code::{PairingCode, PairingSecret};
