//! Compress: JPEG, the step the report did with `cv2.imencode('.jpg', …)`
//! and `cv2.imdecode`.
//!
//! A raw 640×480 colour frame is 921 600 bytes; at quality 90 the same
//! picture is about 30–60 KB as JPEG, twenty times less to send. The price is
//! CPU time on both ends, so the codec is chosen by measurement (see
//! `docs/PERFORMANCE.md`, "Which JPEG codec"): `libjpeg-turbo-rs`, a
//! pure-Rust reimplementation of libjpeg-turbo, the C library OpenCV calls.
//! It encodes about three times faster than `jpeg-encoder` and decodes faster
//! than `zune-jpeg`, within 10 % of the C library in the codec bench, with
//! nothing to install but the Rust toolchain. vigie builds it from a copy in
//! `vendor/` with one fix: its AVX2 decoder sent every block that varies
//! only from left to right to a slow scalar path, a quarter of the test
//! pattern's blocks (`vendor/README.md`).
//!
//! - **encode**: [`encode`], [`encode_into`] and [`encode_frame`] (see the
//!   `encoder` module).
//! - **decode**: [`decode_rgb`] and friends, with limits checked before any
//!   pixel is allocated, and scaled decode ([`Scale`]) for consumers that
//!   show or analyse a smaller picture (see the `decode` module).
//! - **small grey decode**: [`small_grey`], a second, narrow decoder that
//!   motion detection runs first: the grey plane only, at a quarter or an
//!   eighth of the size, about twice as fast as the general decoder there.

#[cfg(test)]
mod conformance_tests;
mod decode;
mod encoder;
#[cfg(test)]
mod encoder_tests;
#[cfg(test)]
mod hostile_tests;
pub mod small_grey;

use std::borrow::Cow;

pub use decode::{
    decode_luma_into, decode_luma_near_width, decode_rgb, decode_rgb_at_least, decode_rgb_into,
    decode_rgb_scaled, dimensions, RgbImage, Scale, MAX_DECODE_PIXELS, MAX_DECODE_SIDE,
};

use crate::frame::{Frame, FrameHeader, PixelFormat};
use crate::Result;

/// The library behind [`encode`] and every encode of this module, for
/// reports (`vigie bench e2e` prints it beside the decoder's).
pub const ENCODER_LIBRARY: &str = "libjpeg-turbo-rs";

/// The library behind [`decode_rgb`] and every decode of this module, for
/// reports (`vigie bench e2e` prints it beside the encoder's).
pub const DECODER_LIBRARY: &str = "libjpeg-turbo-rs";

/// The quality the report used (`cv2.IMWRITE_JPEG_QUALITY, 90`).
pub const DEFAULT_QUALITY: u8 = 90;

/// Encodes raw pixels (RGB8, BGR8 or Gray8) as a JPEG file at `quality`
/// (1–100).
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

/// Like [`encode`], appending to `out`. An empty `out` is replaced by the
/// library's own buffer (no copy), so its capacity is not reused.
pub fn encode_into(
    pixels: &[u8],
    width: u32,
    height: u32,
    format: PixelFormat,
    quality: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    encoder::encode_into(pixels, width, height, format, quality, out)
}

/// Turns a raw frame into a JPEG frame with the same header. A frame that is
/// already JPEG is returned as it is (cheap: the payload is shared).
pub fn encode_frame(frame: &Frame, quality: u8) -> Result<Frame> {
    if frame.format() == PixelFormat::Jpeg {
        return Ok(frame.clone());
    }
    let jpeg = encode(
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

/// Decodes any frame to RGB: JPEG is decoded, BGR and gray are converted.
pub fn frame_to_rgb(frame: &Frame) -> Result<RgbImage> {
    frame_to_rgb_scaled(frame, Scale::Full)
}

/// Like [`frame_to_rgb`], a JPEG frame decoded at `scale`; a raw frame is
/// converted at its own size (it has no DCT blocks to scale).
pub fn frame_to_rgb_scaled(frame: &Frame, scale: Scale) -> Result<RgbImage> {
    let (width, height) = (frame.width(), frame.height());
    let p = frame.payload();
    let pixels = match frame.format() {
        PixelFormat::Jpeg => return decode_rgb_scaled(p, scale),
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

/// The width of an event's thumbnail: the web page shows it 96 pixels
/// wide (192 on a high-density screen); 160 is a quarter of 640×480, which
/// the DCT scaling gives directly.
pub const THUMBNAIL_WIDTH: u32 = 160;

/// A small copy of a JPEG file for a thumbnail: decoded at the DCT scale
/// whose width is nearest `target_width` ([`Scale::nearest`]), no resize
/// step, and encoded again at [`DEFAULT_QUALITY`]. A file that is already
/// about that size is returned as it is (borrowed, not copied).
pub fn thumbnail(jpeg: &[u8], target_width: u32) -> Result<Cow<'_, [u8]>> {
    let (width, _) = dimensions(jpeg)?;
    let scale = Scale::nearest(width, target_width);
    if scale == Scale::Full {
        return Ok(Cow::Borrowed(jpeg));
    }
    let small = decode_rgb_scaled(jpeg, scale)?;
    let file = encode(
        &small.pixels,
        small.width,
        small.height,
        PixelFormat::Rgb8,
        DEFAULT_QUALITY,
    )?;
    Ok(Cow::Owned(file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

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
    fn thumbnails_are_decoded_at_the_nearest_scale() {
        let big = encode(&gradient(640, 480), 640, 480, PixelFormat::Rgb8, 90).unwrap();
        let thumb = thumbnail(&big, THUMBNAIL_WIDTH).unwrap();
        assert_eq!(dimensions(&thumb).unwrap(), (160, 120));
        assert!(
            thumb.len() < big.len() / 4,
            "{} of {}",
            thumb.len(),
            big.len()
        );
        let wide = encode(&gradient(1280, 720), 1280, 720, PixelFormat::Rgb8, 90).unwrap();
        assert_eq!(
            dimensions(&thumbnail(&wide, 160).unwrap()).unwrap(),
            (160, 90)
        );
        // Already small: the same bytes, not a copy.
        let small = encode(&gradient(64, 48), 64, 48, PixelFormat::Rgb8, 90).unwrap();
        assert!(matches!(thumbnail(&small, 160).unwrap(), Cow::Borrowed(b) if b == &small[..]));
        assert!(thumbnail(&big[..big.len() / 2], 160).is_err());
    }

    #[test]
    fn oversized_header_is_refused() {
        let mut jpeg = encode(&gradient(16, 16), 16, 16, PixelFormat::Rgb8, 90).unwrap();
        // Find the SOF0 marker and claim 60000×60000.
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        jpeg[sof + 5..sof + 7].copy_from_slice(&60000u16.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&60000u16.to_be_bytes());
        let err = decode_rgb(&jpeg).unwrap_err();
        assert!(
            matches!(err, Error::JpegDecode(_) | Error::InvalidSize { .. }),
            "{err}"
        );
        let mut pixels = Vec::new();
        assert!(decode_rgb_into(&jpeg, &mut pixels).is_err());
        assert!(pixels.is_empty(), "refused before allocating");
    }
}
