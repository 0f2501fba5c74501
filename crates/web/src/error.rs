use std::io;

/// Everything that can go wrong on vigie's HTTP side.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebError {
    /// The listening socket failed.
    #[error("HTTP server error: {0}")]
    Io(#[from] io::Error),

    /// `--http-user` was given without a password: Basic auth needs both.
    #[error(
        "--http-user needs a password too (--http-password or the VIGIE_HTTP_PASSWORD variable)"
    )]
    MissingPassword,

    /// An empty password would accept anyone who knows the user name.
    #[error("the HTTP password is empty")]
    EmptyPassword,

    /// A user name with a colon cannot be sent in HTTP Basic auth, which
    /// separates the user from the password with the first colon.
    #[error("the HTTP user name must not contain ':'")]
    ColonInUser,

    /// A raw frame could not be turned into a JPEG.
    #[error("cannot encode the frame as JPEG: {0}")]
    Encode(#[from] vigie_core::Error),

    /// The encoding task died (it panicked or the runtime is stopping).
    #[error("the JPEG encoding task failed: {0}")]
    EncodeTask(String),
}
