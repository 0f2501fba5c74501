/// Everything that can go wrong while getting frames from a camera.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CameraError {
    /// No camera at this index.
    #[error("no camera with index {index}: {available}")]
    NoDevice {
        /// The webcam index asked for.
        index: u32,
        /// The webcams this machine has, listed for the message.
        available: String,
    },

    /// The camera exists but another program is using it.
    #[error("camera {index} is busy (another program is using it?): {detail}")]
    Busy {
        /// The webcam index asked for.
        index: u32,
        /// What the camera layer said.
        detail: String,
    },

    /// The operating system refused access to the camera.
    #[error("permission denied for camera {index}: {hint}")]
    PermissionDenied {
        /// The webcam index asked for.
        index: u32,
        /// What to try (a group to join, a setting to change).
        hint: String,
    },

    /// The camera cannot give what was asked (size, format, rate).
    #[error("camera cannot deliver {requested}: {detail}")]
    Unsupported {
        /// What was asked for (size, rate or format).
        requested: String,
        /// What the camera layer said.
        detail: String,
    },

    /// The camera went away while streaming (unplugged, driver reset).
    #[error("camera disconnected: {0}")]
    Disconnected(String),

    /// Invalid settings for a camera, such as a size out of range.
    #[error("invalid camera settings: {0}")]
    InvalidSettings(String),

    /// Any other error from the camera backend.
    #[error("camera backend error: {0}")]
    Backend(String),

    /// A frame could not be built or processed (resize, JPEG).
    #[error(transparent)]
    Frame(#[from] vigie_core::Error),
}
