//! The two JPEG encoders, and how a caller chooses between them.
//!
//! Encoding is the expensive half of the report's pipeline: the Python
//! client calls `cv2.imencode`, which is libjpeg-turbo, hand-written SIMD
//! assembly tuned for twenty years. The pure-Rust `jpeg-encoder` is about
//! four times slower (see `docs/PERFORMANCE.md`), so vigie offers both:
//!
//! - [`Backend::Rust`] (`jpeg-encoder`) is always there: the default build
//!   needs nothing but the Rust toolchain.
//! - [`Backend::Turbo`] (libjpeg-turbo through the `turbojpeg` crate) exists
//!   only in a build with the cargo feature `turbojpeg`, which links the
//!   system's `libturbojpeg` (Debian: `libturbojpeg0-dev`).
//!
//! The choice is a *value*, not only a build option, so that one binary built
//! with the feature can measure both encoders in the same run (`vigie bench
//! e2e --encoder rust|turbo`). [`Backend::fastest`] is what the free
//! functions [`super::encode`] and friends use.
//!
//! Both backends write the same kind of file: baseline JPEG, colour
//! subsampled 4:2:0, as `cv2.imencode` and every webcam do. Subsampling
//! halves the colour resolution in both directions, which the eye hardly
//! sees, and leaves half the data to compress: both faster and smaller.

use std::fmt;
use std::str::FromStr;

use jpeg_encoder::{ColorType, SamplingFactor};

use crate::frame::{Frame, FrameHeader, PixelFormat};
use crate::{Error, Result};

/// Which library encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// `jpeg-encoder`, pure Rust with SIMD paths: always available.
    Rust,
    /// libjpeg-turbo, the C library OpenCV uses: only with the `turbojpeg`
    /// feature ([`Backend::is_available`] says).
    Turbo,
}

impl Backend {
    /// Every backend, available in this build or not.
    pub const ALL: [Backend; 2] = [Backend::Rust, Backend::Turbo];

    /// The fastest backend this build has: libjpeg-turbo when the
    /// `turbojpeg` feature is on, else `jpeg-encoder`.
    pub fn fastest() -> Backend {
        if Backend::Turbo.is_available() {
            Backend::Turbo
        } else {
            Backend::Rust
        }
    }

    /// Whether this build can encode with this backend.
    pub fn is_available(self) -> bool {
        match self {
            Backend::Rust => true,
            Backend::Turbo => cfg!(feature = "turbojpeg"),
        }
    }

    /// The backends this build has, fastest last.
    pub fn available() -> Vec<Backend> {
        Backend::ALL
            .into_iter()
            .filter(|b| b.is_available())
            .collect()
    }

    /// The short name used on command lines: `rust` or `turbo`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Rust => "rust",
            Backend::Turbo => "turbo",
        }
    }

    /// The library behind the backend, for reports.
    pub fn library(self) -> &'static str {
        match self {
            Backend::Rust => "jpeg-encoder",
            Backend::Turbo => "libjpeg-turbo",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Backend {
    type Err = String;

    fn from_str(s: &str) -> Result<Backend, String> {
        Backend::ALL
            .into_iter()
            .find(|b| b.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("{s:?} is not a JPEG encoder: rust or turbo"))
    }
}

/// A JPEG encoder that keeps its working memory between frames.
///
/// A sender encodes frame after frame of the same size; keeping libjpeg-turbo's
/// compressor and its output buffer avoids setting them up each time. Make one
/// per thread or task (it is `Send`, not shared).
pub struct Encoder {
    backend: Backend,
    #[cfg(feature = "turbojpeg")]
    turbo: Option<super::turbo::TurboEncoder>,
}

impl fmt::Debug for Encoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Encoder")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Encoder {
    /// An encoder using `backend`. A backend this build does not have is an
    /// error that says which cargo feature brings it.
    pub fn new(backend: Backend) -> Result<Encoder> {
        if !backend.is_available() {
            return Err(Error::JpegEncode(format!(
                "the {} encoder ({}) is not in this build: rebuild with `--features turbojpeg`",
                backend.name(),
                backend.library()
            )));
        }
        Ok(Encoder {
            backend,
            #[cfg(feature = "turbojpeg")]
            turbo: None,
        })
    }

    /// An encoder using [`Backend::fastest`].
    pub fn fastest() -> Encoder {
        Encoder::new(Backend::fastest()).expect("the fastest backend is always available")
    }

    /// The library this encoder uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Encodes raw pixels (RGB8, BGR8 or Gray8) as a JPEG file at `quality`
    /// (1–100), appending it to `out`.
    pub fn encode_into(
        &mut self,
        pixels: &[u8],
        width: u32,
        height: u32,
        format: PixelFormat,
        quality: u8,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        check(pixels, width, height, format, quality)?;
        match self.backend {
            Backend::Rust => encode_rust(pixels, width, height, format, quality, out),
            #[cfg(feature = "turbojpeg")]
            Backend::Turbo => {
                let turbo = match &mut self.turbo {
                    Some(t) => t,
                    slot => slot.insert(super::turbo::TurboEncoder::new()?),
                };
                turbo.encode_into(pixels, width, height, format, quality, out)
            }
            #[cfg(not(feature = "turbojpeg"))]
            Backend::Turbo => unreachable!("Encoder::new refuses backends not built"),
        }
    }

    /// Like [`Encoder::encode_into`], into a new buffer.
    pub fn encode(
        &mut self,
        pixels: &[u8],
        width: u32,
        height: u32,
        format: PixelFormat,
        quality: u8,
    ) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.encode_into(pixels, width, height, format, quality, &mut out)?;
        Ok(out)
    }

    /// Turns a raw frame into a JPEG frame with the same header. A frame that
    /// is already JPEG is returned as it is (cheap: the payload is shared).
    pub fn encode_frame(&mut self, frame: &Frame, quality: u8) -> Result<Frame> {
        if frame.format() == PixelFormat::Jpeg {
            return Ok(frame.clone());
        }
        let jpeg = self.encode(
            frame.payload(),
            frame.width(),
            frame.height(),
            frame.format(),
            quality,
        )?;
        let header = FrameHeader {
            format: PixelFormat::Jpeg,
            ..frame.header().clone()
        };
        Frame::new(header, jpeg)
    }
}

/// What both backends refuse the same way, before either library sees the
/// pixels: the libraries' own messages differ, ours do not.
fn check(pixels: &[u8], width: u32, height: u32, format: PixelFormat, quality: u8) -> Result<()> {
    if !(1..=100).contains(&quality) {
        return Err(Error::InvalidQuality(quality));
    }
    if format == PixelFormat::Jpeg {
        return Err(Error::UnsupportedFormat {
            operation: "JPEG-encode",
            format,
        });
    }
    let expected = format.raw_len(width, height).unwrap_or(0);
    if pixels.len() != expected {
        return Err(Error::PayloadLength {
            format,
            width,
            height,
            expected,
            actual: pixels.len(),
        });
    }
    if width == 0 || height == 0 || width > 65535 || height > 65535 {
        return Err(Error::JpegEncode(format!(
            "{width}×{height}: JPEG sides must be 1 to 65535 pixels"
        )));
    }
    Ok(())
}

fn encode_rust(
    pixels: &[u8],
    width: u32,
    height: u32,
    format: PixelFormat,
    quality: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    let color = match format {
        PixelFormat::Rgb8 => ColorType::Rgb,
        PixelFormat::Bgr8 => ColorType::Bgr,
        PixelFormat::Gray8 => ColorType::Luma,
        PixelFormat::Jpeg => unreachable!("refused by check()"),
    };
    // `check` bounded both sides to 65535.
    let (w, h) = (width as u16, height as u16);
    let mut encoder = jpeg_encoder::Encoder::new(out, quality);
    // jpeg-encoder keeps full colour resolution from quality 90 up; both
    // backends subsample 4:2:0 so that they write the same kind of file.
    encoder.set_sampling_factor(SamplingFactor::F_2_2);
    encoder
        .encode(pixels, w, h, color)
        .map_err(|e| Error::JpegEncode(e.to_string()))
}
