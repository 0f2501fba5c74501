//! Decoding a JPEG frame to grey only.
//!
//! The detector looks at brightness, not colour, and a JPEG already stores
//! the two apart: a luma plane (Y) and two colour planes (Cb, Cr). Asking the
//! decoder for luma alone skips the colour planes' upsampling and the
//! YCbCr → RGB conversion, and gives one byte per pixel instead of three,
//! so the shrink step then reads a third of the bytes.
//!
//! As in [`crate::jpeg`], the data comes from the network: the decoder is
//! strict (a truncated file is an error), and the size in the header is
//! checked against [`MAX_DECODE_SIDE`] before any pixel is allocated.

use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

use crate::jpeg::MAX_DECODE_SIDE;
use crate::{Error, Result};

/// A decoded grey picture at full size, one byte per pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LumaImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// One grey level per pixel, row after row.
    pub pixels: Vec<u8>,
}

/// Decodes the luma (grey) plane of a JPEG file.
pub fn decode_luma(jpeg: &[u8]) -> Result<LumaImage> {
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::Luma)
        .set_strict_mode(true)
        .set_max_width(MAX_DECODE_SIDE)
        .set_max_height(MAX_DECODE_SIDE);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(jpeg), options);
    decoder
        .decode_headers()
        .map_err(|e| Error::JpegDecode(e.to_string()))?;
    let (width, height) = decoder
        .dimensions()
        .ok_or_else(|| Error::JpegDecode("no image header found".into()))?;
    // The decoder's own limit should already have refused this; checking
    // here too keeps the promise visible, and independent of its version.
    if width == 0 || height == 0 || width > MAX_DECODE_SIDE || height > MAX_DECODE_SIDE {
        return Err(Error::InvalidSize {
            width: width as u32,
            height: height as u32,
            max: MAX_DECODE_SIDE as u32,
        });
    }
    let mut pixels = vec![0u8; width * height];
    decoder
        .decode_into(&mut pixels)
        .map_err(|e| Error::JpegDecode(e.to_string()))?;
    Ok(LumaImage {
        width,
        height,
        pixels,
    })
}
