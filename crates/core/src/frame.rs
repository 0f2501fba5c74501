//! The frame model: one picture from one camera, with what it takes to
//! understand it on the other side of the network.
//!
//! In the report, a frame was a bare numpy array: the server had to *know*
//! its size and colour order. Here the frame carries its own description
//! (camera, sequence number, capture time, size, pixel format), so a server
//! that receives many cameras can tell them apart, spot lost frames from gaps
//! in the sequence, and measure latency from the capture time.
//!
//! A [`Frame`] can only be built through [`Frame::new`], which checks that the
//! payload really is what the header says. Every later step can then trust it.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The largest width or height a frame may have (16K). Larger is refused
/// before anything is allocated for it.
pub const MAX_SIDE: u32 = 16_384;

/// The longest camera name, in bytes.
pub const MAX_NAME_LEN: usize = 64;

/// How the payload bytes of a frame are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PixelFormat {
    /// Three bytes per pixel: red, green, blue.
    Rgb8,
    /// Three bytes per pixel: blue, green, red (OpenCV's order, as in the report).
    Bgr8,
    /// One byte per pixel: luminance.
    Gray8,
    /// A complete JPEG file (JFIF), starting with the SOI marker `FF D8`.
    Jpeg,
}

impl PixelFormat {
    /// Bytes per pixel for raw formats; `None` for compressed ones.
    pub const fn bytes_per_pixel(self) -> Option<usize> {
        match self {
            PixelFormat::Rgb8 | PixelFormat::Bgr8 => Some(3),
            PixelFormat::Gray8 => Some(1),
            PixelFormat::Jpeg => None,
        }
    }

    /// The payload length a raw frame of this size must have.
    pub fn raw_len(self, width: u32, height: u32) -> Option<usize> {
        self.bytes_per_pixel()
            .map(|bpp| width as usize * height as usize * bpp)
    }
}

impl fmt::Display for PixelFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PixelFormat::Rgb8 => "RGB8",
            PixelFormat::Bgr8 => "BGR8",
            PixelFormat::Gray8 => "Gray8",
            PixelFormat::Jpeg => "JPEG",
        })
    }
}

/// Everything about a frame except its pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameHeader {
    /// The name of the camera that took the picture.
    pub camera: String,
    /// Counts the frames of one camera, from 0; a gap means lost frames.
    pub sequence: u64,
    /// When the picture was taken, in microseconds since the Unix epoch.
    pub captured_at_us: u64,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// How to read the payload.
    pub format: PixelFormat,
}

/// One checked picture: a [`FrameHeader`] and payload bytes that match it.
///
/// The payload is a [`Bytes`], so cloning a frame (for example to hand the
/// latest picture to several viewers) shares the pixels instead of copying them.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    header: FrameHeader,
    payload: Bytes,
}

impl Frame {
    /// Builds a frame, checking that the payload fits the header:
    /// sides between 1 and [`MAX_SIDE`], a name of 1 to [`MAX_NAME_LEN`]
    /// bytes, exactly width × height × channels bytes for raw formats, and
    /// the SOI marker at the start of a JPEG.
    pub fn new(header: FrameHeader, payload: impl Into<Bytes>) -> Result<Frame> {
        let payload = payload.into();
        let FrameHeader {
            width,
            height,
            format,
            ..
        } = header;
        if header.camera.is_empty() || header.camera.len() > MAX_NAME_LEN {
            return Err(Error::InvalidName {
                len: header.camera.len(),
                max: MAX_NAME_LEN,
            });
        }
        if !(1..=MAX_SIDE).contains(&width) || !(1..=MAX_SIDE).contains(&height) {
            return Err(Error::InvalidSize {
                width,
                height,
                max: MAX_SIDE,
            });
        }
        match format.raw_len(width, height) {
            Some(expected) if expected != payload.len() => {
                return Err(Error::PayloadLength {
                    format,
                    width,
                    height,
                    expected,
                    actual: payload.len(),
                })
            }
            Some(_) => {}
            None => {
                if !payload.starts_with(&[0xFF, 0xD8]) {
                    return Err(Error::NotJpeg {
                        found: describe_start(&payload),
                    });
                }
            }
        }
        Ok(Frame { header, payload })
    }

    /// The header: camera, sequence, capture time, size and format.
    pub fn header(&self) -> &FrameHeader {
        &self.header
    }

    /// The pixel bytes, laid out as [`Frame::format`] says.
    pub fn payload(&self) -> &Bytes {
        &self.payload
    }

    /// Splits the frame into its header and payload.
    pub fn into_parts(self) -> (FrameHeader, Bytes) {
        (self.header, self.payload)
    }

    /// The name of the camera that took the frame.
    pub fn camera(&self) -> &str {
        &self.header.camera
    }

    /// The frame's number, counted by its camera from 0.
    pub fn sequence(&self) -> u64 {
        self.header.sequence
    }

    /// When the camera captured it, in µs since the Unix epoch (the camera's clock).
    pub fn captured_at_us(&self) -> u64 {
        self.header.captured_at_us
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.header.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.header.height
    }

    /// How the payload encodes the pixels.
    pub fn format(&self) -> PixelFormat {
        self.header.format
    }
}

impl fmt::Debug for Frame {
    // The payload can be megabytes: show its length, not its bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Frame")
            .field("header", &self.header)
            .field("payload_len", &self.payload.len())
            .finish()
    }
}

/// The current time in microseconds since the Unix epoch, as stored in
/// [`FrameHeader::captured_at_us`]. A clock set before 1970 gives 0.
pub fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

fn describe_start(payload: &[u8]) -> String {
    if payload.is_empty() {
        return "nothing (the payload is empty)".to_owned();
    }
    let shown: Vec<String> = payload.iter().take(4).map(|b| format!("{b:02X}")).collect();
    shown.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(width: u32, height: u32, format: PixelFormat) -> FrameHeader {
        FrameHeader {
            camera: "cam".into(),
            sequence: 0,
            captured_at_us: 0,
            width,
            height,
            format,
        }
    }

    #[test]
    fn raw_frames_need_exact_payloads() {
        assert!(Frame::new(header(4, 2, PixelFormat::Rgb8), vec![0; 24]).is_ok());
        assert!(Frame::new(header(4, 2, PixelFormat::Gray8), vec![0; 8]).is_ok());
        let err = Frame::new(header(4, 2, PixelFormat::Bgr8), vec![0; 23]).unwrap_err();
        assert!(matches!(
            err,
            Error::PayloadLength {
                expected: 24,
                actual: 23,
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            "a BGR8 frame of 4×2 needs 24 bytes of payload, got 23"
        );
    }

    #[test]
    fn jpeg_frames_need_the_soi_marker() {
        assert!(Frame::new(header(4, 2, PixelFormat::Jpeg), vec![0xFF, 0xD8, 0xFF]).is_ok());
        let err = Frame::new(header(4, 2, PixelFormat::Jpeg), b"GIF89a".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a JPEG payload must start with the SOI marker FF D8, it starts with 47 49 46 38"
        );
        let err = Frame::new(header(4, 2, PixelFormat::Jpeg), Vec::new()).unwrap_err();
        assert!(err.to_string().contains("empty"));
    }

    #[test]
    fn sizes_and_names_are_bounded() {
        for (w, h) in [(0, 1), (1, 0), (MAX_SIDE + 1, 1)] {
            let err = Frame::new(header(w, h, PixelFormat::Jpeg), vec![0xFF, 0xD8]).unwrap_err();
            assert!(matches!(err, Error::InvalidSize { .. }), "{w}×{h}: {err}");
        }
        let mut h = header(1, 1, PixelFormat::Gray8);
        h.camera = String::new();
        assert!(matches!(
            Frame::new(h.clone(), vec![0]),
            Err(Error::InvalidName { len: 0, .. })
        ));
        h.camera = "x".repeat(MAX_NAME_LEN + 1);
        assert!(matches!(
            Frame::new(h, vec![0]),
            Err(Error::InvalidName { .. })
        ));
    }

    #[test]
    fn debug_does_not_dump_pixels() {
        let frame = Frame::new(header(100, 100, PixelFormat::Gray8), vec![7; 10_000]).unwrap();
        let shown = format!("{frame:?}");
        assert!(shown.contains("payload_len: 10000"));
        assert!(shown.len() < 300);
    }
}
