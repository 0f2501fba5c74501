//! vigie-trust: who is on the other end of a camera link, and who can listen.
//!
//! # Why this crate exists
//!
//! The report's camera link was a bare TCP socket carrying pickles. Anyone
//! on the same network could do two things with it:
//!
//! - **read it**: a packet capture (`tcpdump -A port 8485`) shows the camera
//!   names and every JPEG picture, byte for byte (`FF D8 FF` marks each
//!   one). For a system that films a home, that is the whole point lost;
//! - **fake it**: the server believed whatever name a client announced, so a
//!   program that connects first under the name `entrance` *is* the entrance
//!   camera, and serves whatever picture it likes.
//!
//! Encryption fixes the first, authentication the second, and they must go
//! together: an encrypted link to the wrong party is no better than a clear
//! one. This crate holds every piece the camera link needs for both, as
//! small modules that can each be read, and tested, on their own:
//!
//! | module | what it answers |
//! | --- | --- |
//! | [`state_dir`] | where the server and the client keep their secrets, and how they are written safely |
//! | [`identity`] | the server's key and certificate, and its *fingerprint*, the short string a person can compare |
//! | [`tls`] | TLS 1.3 configurations: the server's, and the client's that trusts one fingerprint only (*pinning*) |
//! | [`pairing`] | the short code that introduces a camera to a server once, safely even with a man in the middle |
//! | [`tokens`] | the secret each paired camera proves itself with afterwards, and the server's list of cameras |
//! | [`pins`] | the client's memory of the servers it paired with |
//! | [`detect`] | telling a TLS connection from vigie's plaintext and the report's format by the first bytes |
//! | [`refusal`] | the one-line reasons a camera is turned away |
//! | [`server`] | the server's side in one place: [`ServerTrust`] |
//!
//! # The story of one camera
//!
//! 1. The server starts for the first time: it makes a key pair and a
//!    self-signed certificate ([`identity::ServerIdentity::load_or_create`])
//!    and prints the fingerprint and a pairing code
//!    ([`pairing::PairingBook::issue`]).
//! 2. On the camera's PC, the user types the code. The client connects with
//!    TLS and accepts the server's certificate only if it matches the code
//!    ([`tls::pairing_client_config`]). Only then does it send the code's
//!    secret, inside the encrypted link.
//! 3. The server checks the secret ([`pairing::PairingBook::redeem`]), makes
//!    a token for the camera ([`tokens::CameraBook::pair`]) and sends it back.
//!    The client stores the server's fingerprint and the token
//!    ([`pins::PinStore`]).
//! 4. Every later run: the client accepts only the pinned certificate
//!    ([`tls::pinned_client_config`]), and the server accepts the camera's
//!    name only with its token ([`tokens::CameraBook::verify`]).
//!
//! This is *trust on first use* made safe: SSH also pins a server's key the
//! first time, but asks the user to check the fingerprint by eye, and most
//! users type `yes` without looking. Here the pairing code does that check
//! for them.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod base32;
pub mod detect;
mod error;
pub mod identity;
pub mod pairing;
pub mod pins;
pub mod refusal;
pub mod server;
pub mod state_dir;
pub mod tls;
pub mod tokens;

pub use detect::{classify_first_bytes, FirstBytes};
pub use error::Error;
pub use identity::{Fingerprint, ServerIdentity};
pub use pairing::{PairingBook, PairingCode, PairingError, PairingSecret};
pub use pins::{PinStore, ServerPin};
pub use refusal::RefusalReason;
pub use server::{Housekeeping, PairFailure, ServerTrust};
pub use state_dir::{StateDir, StateDirSources};
pub use tls::{CertificateMismatch, TrustFailure};
pub use tokens::{CameraBook, CameraToken, TokenCheck};
