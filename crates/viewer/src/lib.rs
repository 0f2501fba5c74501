//! # vigie-viewer: the live window
//!
//! In the report, the server "displays the frames in a window" with
//! `cv2.imshow`. vigie's window shows every camera at once, in a mosaic:
//!
//! - [`compose`] draws everything (tiles, captions, offline states, the
//!   empty screen) into an RGBA buffer. It is a pure function, so the tests
//!   compare its output with PNG snapshots.
//! - [`window`] opens the window with winit, shows the buffer with pixels
//!   (a GPU texture through wgpu), and turns keys into actions.
//! - A decoder thread turns the newest JPEG of each *visible* camera into
//!   pixels, off the UI thread.

pub mod compose;
mod decode;
pub mod keys;
mod scene;
pub mod window;

pub use window::{run, ViewerOptions};

/// Why the window could not be shown.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ViewerError {
    /// No graphical session: nowhere to open a window.
    #[error("no display found (DISPLAY and WAYLAND_DISPLAY are not set)")]
    NoDisplay,
    /// The window system refused to start.
    #[error("cannot start the window system: {0}")]
    EventLoop(String),
    /// The picture decoding thread could not start.
    #[error("cannot start the decoder thread: {0}")]
    Thread(String),
    /// The window could not be created.
    #[error("cannot open a window: {0}")]
    Window(String),
    /// wgpu found no usable graphics adapter or surface.
    #[error("no usable GPU (wgpu): {0}")]
    Gpu(String),
}

/// Whether a window can be opened here. On Linux and the BSDs that means an
/// X11 or Wayland session; elsewhere there is always a desktop.
pub fn display_available() -> bool {
    if cfg!(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd",
        target_os = "dragonfly"
    )) {
        let set = |v: &str| std::env::var_os(v).is_some_and(|s| !s.is_empty());
        set("DISPLAY") || set("WAYLAND_DISPLAY")
    } else {
        true
    }
}
