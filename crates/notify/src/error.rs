//! What can go wrong when setting notifications up.
//!
//! Only *setting up* fails loudly: a URL that cannot work, quiet hours that
//! do not parse, an HTTPS client that cannot be built. Once running, a
//! channel that fails is retried, then its event is dropped and counted
//! (see [`crate::queue`]): a notification must never take the cameras down
//! with it, so delivery errors are logged and counted, never returned.

/// A notification setting that cannot work.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A channel's URL does not parse or has the wrong shape.
    #[error("{url:?} is not a {what} URL: {reason}")]
    BadUrl {
        /// The URL as given (with any password hidden).
        url: String,
        /// Which channel wanted it: `webhook`, `ntfy`, `mqtt`.
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Quiet hours are not `HH:MM-HH:MM`.
    #[error("quiet hours {0:?}: write them as HH:MM-HH:MM, for example 22:30-07:00")]
    BadQuietHours(String),
    /// A time of day is not `HH:MM` between 00:00 and 23:59.
    #[error("{0:?} is not a time of day between 00:00 and 23:59")]
    BadTimeOfDay(String),
    /// The HTTPS client (for webhook and ntfy) could not be built.
    #[error("cannot set up the HTTP client: {0}")]
    Http(String),
}

/// Why one delivery attempt failed: retried unless `permanent`.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct SendError {
    pub message: String,
    /// Retrying cannot help (the receiver said 4xx: the request is wrong).
    pub permanent: bool,
}

impl SendError {
    pub fn transient(message: impl Into<String>) -> SendError {
        SendError {
            message: message.into(),
            permanent: false,
        }
    }
}
