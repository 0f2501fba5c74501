//! The crate's error type.
//!
//! Refusals of a *peer* (a wrong pairing code, a revoked token) are not
//! errors of ours: they have their own types ([`crate::PairingError`],
//! [`crate::TokenCheck`], [`crate::RefusalReason`]). [`Error`] is for what
//! goes wrong on *this* machine: a state directory that cannot be written, a
//! key file that was damaged, a certificate that cannot be made.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

/// What can go wrong while loading or saving trust material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No `--state-dir`, no `VIGIE_STATE_DIR`, no `XDG_STATE_HOME` and no `HOME`.
    #[error(
        "no state directory: give --state-dir DIR or set VIGIE_STATE_DIR (HOME is not set either)"
    )]
    NoStateDir,

    /// A file or directory of the state directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },

    /// A state file exists but does not hold what it should.
    #[error("{}: {reason}; move the file away to start afresh (paired cameras will need pairing again)", path.display())]
    Corrupt {
        /// The damaged file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// The key or the certificate could not be made.
    #[error("cannot make the server's certificate: {0}")]
    Certificate(#[from] rcgen::Error),

    /// rustls refused the key or the configuration.
    #[error("TLS configuration: {0}")]
    Tls(#[from] rustls::Error),

    /// The name was already paired (and not revoked).
    #[error("{0}")]
    NameTaken(String),

    /// A text that should be a pairing code is not one.
    #[error("not a pairing code: {0}")]
    BadCode(String),

    /// `vigie pair` found no running server to answer it.
    #[error("no running server answered within {0:?}: is `vigie server` running with this state directory?")]
    NoServerAnswered(Duration),

    /// The operating system could not give random bytes.
    #[error("no randomness from the operating system: {0}")]
    Random(getrandom::Error),
}

impl Error {
    /// An [`Error::Io`] for `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Fills `buf` with random bytes from the operating system.
pub(crate) fn random_bytes(buf: &mut [u8]) -> Result<(), Error> {
    getrandom::fill(buf).map_err(Error::Random)
}
