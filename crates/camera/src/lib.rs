//! # vigie-camera: where frames come from
//!
//! In the report, the client grabbed pictures with OpenCV
//! (`cv2.VideoCapture(0)` and `cam.read()`). vigie puts that behind a small
//! trait, [`Camera`], so the rest of the program does not care whether the
//! picture comes from a real webcam or is drawn by the program itself:
//!
//! - [`TestPattern`]: a synthetic camera. It draws colour bars, a moving
//!   square, its name, the frame number and the capture time. It needs no
//!   hardware, so it runs the demo and every test, and the same inputs always
//!   give the same pixels, so its frames can be compared with snapshots.
//!   With a [`Scene`] it draws a room instead, where a person walks by or the
//!   light changes, to test motion detection.
//! - `Webcam` (cargo feature `webcam`): a real camera through nokhwa.
//! - [`Pipeline`]: wraps any camera to shrink, mirror and JPEG-encode its
//!   frames, as the report's client did before sending.

mod error;
mod pipeline;
mod scene;
mod test_pattern;
#[cfg(feature = "webcam")]
pub mod webcam;

pub use error::CameraError;
pub use pipeline::Pipeline;
pub use scene::Scene;
pub use test_pattern::TestPattern;

use vigie_core::{Frame, PixelFormat};

/// What a camera delivers: who it is, the size and format of its frames, and
/// how many frames per second it is meant to give.
#[derive(Debug, Clone, PartialEq)]
pub struct CameraInfo {
    /// The camera's name, as the server shows it.
    pub name: String,
    /// Width of its frames, in pixels.
    pub width: u32,
    /// Height of its frames, in pixels.
    pub height: u32,
    /// The pixel format its frames come in.
    pub format: PixelFormat,
    /// Frames per second the camera is set up for (its nominal rate; the
    /// real rate is measured by whoever receives the frames).
    pub fps: f64,
}

/// A source of frames.
///
/// `next_frame` may block until the device has a picture (a webcam), or
/// return at once (the test pattern): pacing to a frame rate is the caller's
/// job, because only the caller knows whether it fell behind.
pub trait Camera: Send {
    /// What this camera delivers.
    fn info(&self) -> CameraInfo;

    /// The next picture. An error is typed, so the caller can tell a camera
    /// that is gone ([`CameraError::Disconnected`]) from one bad frame.
    fn next_frame(&mut self) -> Result<Frame, CameraError>;
}

impl<C: Camera + ?Sized> Camera for Box<C> {
    fn info(&self) -> CameraInfo {
        (**self).info()
    }

    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        (**self).next_frame()
    }
}
