//! The JPEG encoder.
//!
//! Encoding is the expensive half of the report's pipeline: the Python
//! client calls `cv2.imencode`, which is libjpeg-turbo, hand-written SIMD
//! assembly tuned for twenty years. vigie encodes with `libjpeg-turbo-rs`, a
//! pure-Rust port of the same algorithms with the same SIMD kernels, within
//! 10 % of the C library and three times faster than the `jpeg-encoder`
//! crate vigie used before (see `docs/PERFORMANCE.md`). The default build
//! needs nothing but the Rust toolchain; the former optional build with the
//! C libjpeg-turbo, kept to compare, was retired once the gap was that small.
//!
//! Files are baseline JPEG, colour subsampled 4:2:0, as `cv2.imencode` and
//! every webcam do (greyscale for Gray8). Subsampling halves the colour
//! resolution in both directions, which the eye hardly sees, and leaves half
//! the data to compress: both faster and smaller.

use libjpeg_turbo_rs::{PixelFormat as LibFormat, Subsampling};

use crate::frame::PixelFormat;
use crate::{Error, Result};

/// Encodes raw pixels (RGB8, BGR8 or Gray8) as a JPEG file at `quality`
/// (1–100), appending it to `out`.
pub(super) fn encode_into(
    pixels: &[u8],
    width: u32,
    height: u32,
    format: PixelFormat,
    quality: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    check(pixels, width, height, format, quality)?;
    let (lib_format, subsampling) = match format {
        PixelFormat::Rgb8 => (LibFormat::Rgb, Subsampling::S420),
        PixelFormat::Bgr8 => (LibFormat::Bgr, Subsampling::S420),
        PixelFormat::Gray8 => (LibFormat::Grayscale, Subsampling::S444),
        PixelFormat::Jpeg => unreachable!("refused by check()"),
    };
    let jpeg = libjpeg_turbo_rs::compress(
        pixels,
        width as usize,
        height as usize,
        lib_format,
        quality,
        subsampling,
    )
    .map_err(|e| Error::JpegEncode(e.to_string()))?;
    // The library returns a new buffer: hand it over when `out` is empty
    // (no copy), append it otherwise.
    if out.is_empty() {
        *out = jpeg;
    } else {
        out.extend_from_slice(&jpeg);
    }
    Ok(())
}

/// What is refused before the library sees the pixels, with our own
/// messages rather than the library's.
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
