//! Compress: JPEG, the step the report did with `cv2.imencode('.jpg', …)`
//! and `cv2.imdecode`.
//!
//! A raw 640×480 colour frame is 921 600 bytes; at quality 90 the same
//! picture is about 30–60 KB as JPEG, twenty times less to send. The price is
//! CPU time on both ends, so the codecs are chosen by measurement (see
//! `docs/PERFORMANCE.md`):
//!
//! - **encode**: `jpeg-encoder` (pure Rust, SIMD) by default, or
//!   libjpeg-turbo with the cargo feature `turbojpeg`, about four times
//!   faster. [`Encoder`] and [`Backend`] choose; the free functions
//!   [`encode`], [`encode_into`] and [`encode_frame`] use the fastest one
//!   the build has.
//! - **decode**: `zune-jpeg`, pure Rust, as fast as libjpeg-turbo here, so
//!   there is only one decoder.
//!
//! JPEG data comes from the network, so decoding treats it as hostile: the
//! decoder runs in strict mode (a truncated file is an error, not a half-grey
//! picture) and refuses pictures larger than [`MAX_DECODE_SIDE`] before it
//! allocates their pixels.

#[cfg(test)]
mod backend_tests;
mod encoder;
#[cfg(feature = "turbojpeg")]
mod turbo;

use std::cell::RefCell;

use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

pub use encoder::{Backend, Encoder};

use crate::frame::{Frame, PixelFormat};
use crate::{Error, Result};

/// The widest or tallest JPEG we decode: 8K. A header claiming more is
/// refused before its pixels are allocated.
pub const MAX_DECODE_SIDE: usize = 8192;

/// The quality the report used (`cv2.IMWRITE_JPEG_QUALITY, 90`).
pub const DEFAULT_QUALITY: u8 = 90;

/// A decoded picture: `width × height` pixels, three bytes each, RGB order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixels, RGB8, row after row.
    pub pixels: Vec<u8>,
}

/// Encodes raw pixels (RGB8, BGR8 or Gray8) as a JPEG file at `quality`
/// (1–100), with the fastest encoder this build has ([`Backend::fastest`]).
pub fn encode(
    pixels: &[u8],
    width: u32,
    height: u32,
    format: PixelFormat,
    quality: u8,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    encode_into(pixels, width, height, format, quality, &mut out)?;
    Ok(out)
}

/// Like [`encode`], appending to `out` so that a sender can reuse one buffer.
pub fn encode_into(
    pixels: &[u8],
    width: u32,
    height: u32,
    format: PixelFormat,
    quality: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    with_fastest(|e| e.encode_into(pixels, width, height, format, quality, out))
}

/// Turns a raw frame into a JPEG frame with the same header, with the
/// fastest encoder. A frame that is already JPEG is returned as it is (cheap:
/// the payload is shared).
pub fn encode_frame(frame: &Frame, quality: u8) -> Result<Frame> {
    with_fastest(|e| e.encode_frame(frame, quality))
}

/// Runs `f` with this thread's encoder, kept between calls so that
/// libjpeg-turbo's compressor and scratch buffer are set up once per thread,
/// not once per frame.
fn with_fastest<T>(f: impl FnOnce(&mut Encoder) -> T) -> T {
    thread_local! {
        static FASTEST: RefCell<Encoder> = RefCell::new(Encoder::fastest());
    }
    FASTEST.with(|e| f(&mut e.borrow_mut()))
}

fn decoder(jpeg: &[u8]) -> JpegDecoder<ZCursor<&[u8]>> {
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::RGB)
        .set_strict_mode(true)
        .set_max_width(MAX_DECODE_SIDE)
        .set_max_height(MAX_DECODE_SIDE);
    JpegDecoder::new_with_options(ZCursor::new(jpeg), options)
}

/// Reads the width and height from a JPEG header without decoding pixels.
pub fn dimensions(jpeg: &[u8]) -> Result<(u32, u32)> {
    let mut d = decoder(jpeg);
    d.decode_headers()
        .map_err(|e| Error::JpegDecode(e.to_string()))?;
    let info = d
        .info()
        .ok_or_else(|| Error::JpegDecode("no image header found".into()))?;
    Ok((u32::from(info.width), u32::from(info.height)))
}

/// Decodes a JPEG file to RGB pixels. Corrupt, truncated or oversized input
/// is an error.
pub fn decode_rgb(jpeg: &[u8]) -> Result<RgbImage> {
    let mut d = decoder(jpeg);
    let pixels = d.decode().map_err(|e| Error::JpegDecode(e.to_string()))?;
    let info = d
        .info()
        .ok_or_else(|| Error::JpegDecode("no image header found".into()))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    if pixels.len() != width as usize * height as usize * 3 {
        return Err(Error::JpegDecode(format!(
            "decoder returned {} bytes for {width}×{height} RGB",
            pixels.len()
        )));
    }
    Ok(RgbImage {
        width,
        height,
        pixels,
    })
}

/// Like [`decode_rgb`], into `pixels`, kept from one picture to the next: a
/// consumer that decodes every frame of a camera then allocates (and zeroes)
/// nothing once the buffer has the picture's size, where [`decode_rgb`]
/// allocates 900 KB per 640×480 frame. Returns the width and height;
/// `pixels` then holds exactly `width × height × 3` bytes.
pub fn decode_rgb_into(jpeg: &[u8], pixels: &mut Vec<u8>) -> Result<(u32, u32)> {
    let error = |e: zune_jpeg::errors::DecodeErrors| Error::JpegDecode(e.to_string());
    let mut d = decoder(jpeg);
    d.decode_headers().map_err(error)?;
    let info = d
        .info()
        .ok_or_else(|| Error::JpegDecode("no image header found".into()))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    let len = width as usize * height as usize * 3;
    if d.output_buffer_size() != Some(len) {
        return Err(Error::JpegDecode(format!(
            "the decoder wants {:?} bytes for {width}×{height} RGB",
            d.output_buffer_size()
        )));
    }
    pixels.resize(len, 0);
    d.decode_into(pixels).map_err(error)?;
    Ok((width, height))
}

/// Decodes any frame to RGB: JPEG is decoded, BGR and gray are converted.
pub fn frame_to_rgb(frame: &Frame) -> Result<RgbImage> {
    let (width, height) = (frame.width(), frame.height());
    let p = frame.payload();
    let pixels = match frame.format() {
        PixelFormat::Jpeg => return decode_rgb(p),
        PixelFormat::Rgb8 => p.to_vec(),
        PixelFormat::Bgr8 => p.chunks_exact(3).flat_map(|c| [c[2], c[1], c[0]]).collect(),
        PixelFormat::Gray8 => p.iter().flat_map(|&v| [v, v, v]).collect(),
    };
    Ok(RgbImage {
        width,
        height,
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(width: u32, height: u32) -> Vec<u8> {
        let mut px = Vec::with_capacity((width * height * 3) as usize);
        for y in 0..height {
            for x in 0..width {
                px.extend_from_slice(&[(x * 255 / width) as u8, (y * 255 / height) as u8, 128]);
            }
        }
        px
    }

    #[test]
    fn round_trip_keeps_size_and_colours_close() {
        let px = gradient(64, 48);
        let jpeg = encode(&px, 64, 48, PixelFormat::Rgb8, 95).unwrap();
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        assert_eq!(dimensions(&jpeg).unwrap(), (64, 48));
        let back = decode_rgb(&jpeg).unwrap();
        assert_eq!((back.width, back.height), (64, 48));
        let worst = px
            .iter()
            .zip(&back.pixels)
            .map(|(a, b)| a.abs_diff(*b))
            .max()
            .unwrap();
        assert!(worst < 24, "worst channel error {worst}");
    }

    #[test]
    fn bgr_is_swapped_to_rgb() {
        let bgr: Vec<u8> = [255u8, 0, 0].repeat(16 * 16); // pure blue in BGR
        let jpeg = encode(&bgr, 16, 16, PixelFormat::Bgr8, 90).unwrap();
        let rgb = decode_rgb(&jpeg).unwrap();
        let p = &rgb.pixels[..3];
        assert!(p[2] > 200 && p[0] < 40, "{p:?}");
    }

    #[test]
    fn quality_outside_1_to_100_is_refused() {
        for q in [0, 101] {
            let err = encode(&[0; 3], 1, 1, PixelFormat::Rgb8, q).unwrap_err();
            assert!(matches!(err, Error::InvalidQuality(_)));
        }
    }

    #[test]
    fn wrong_length_and_jpeg_input_are_refused() {
        assert!(matches!(
            encode(&[0; 5], 2, 1, PixelFormat::Rgb8, 90),
            Err(Error::PayloadLength { .. })
        ));
        assert!(matches!(
            encode(&[0xFF, 0xD8], 2, 1, PixelFormat::Jpeg, 90),
            Err(Error::UnsupportedFormat { .. })
        ));
    }

    #[test]
    fn truncated_and_corrupt_jpeg_is_an_error() {
        let jpeg = encode(&gradient(64, 48), 64, 48, PixelFormat::Rgb8, 90).unwrap();
        // Cutting only the final EOI marker leaves every pixel intact, so the
        // last cut removes some entropy-coded data too.
        for cut in [0, 2, 20, jpeg.len() / 2, jpeg.len() - 40] {
            assert!(decode_rgb(&jpeg[..cut]).is_err(), "cut at {cut}");
        }
        assert!(decode_rgb(b"not a jpeg at all").is_err());
    }

    #[test]
    fn decoding_into_a_reused_buffer_gives_the_same_pixels() {
        let mut pixels = vec![7; 10]; // the wrong size: resized
        for (w, h) in [(64, 48), (16, 8), (64, 48)] {
            let jpeg = encode(&gradient(w, h), w, h, PixelFormat::Rgb8, 90).unwrap();
            assert_eq!(decode_rgb_into(&jpeg, &mut pixels).unwrap(), (w, h));
            assert_eq!(pixels, decode_rgb(&jpeg).unwrap().pixels);
            assert!(decode_rgb_into(&jpeg[..jpeg.len() / 2], &mut pixels).is_err());
        }
        assert!(decode_rgb_into(b"not a jpeg", &mut pixels).is_err());
    }

    #[test]
    fn oversized_header_is_refused() {
        let mut jpeg = encode(&gradient(16, 16), 16, 16, PixelFormat::Rgb8, 90).unwrap();
        // Find the SOF0 marker and claim 60000×60000.
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        jpeg[sof + 5..sof + 7].copy_from_slice(&60000u16.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&60000u16.to_be_bytes());
        let err = decode_rgb(&jpeg).unwrap_err();
        assert!(matches!(err, Error::JpegDecode(_)), "{err}");
        let mut pixels = Vec::new();
        assert!(decode_rgb_into(&jpeg, &mut pixels).is_err());
        assert!(pixels.is_empty(), "refused before allocating");
    }
}
