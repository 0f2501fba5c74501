//! Decoding a JPEG frame to grey only, and small.
//!
//! The detector looks at brightness, not colour, and a JPEG already stores
//! the two apart: a luma plane (Y) and two colour planes (Cb, Cr). Asking the
//! decoder for luma alone skips the colour planes' upsampling and the
//! YCbCr → RGB conversion, and gives one byte per pixel instead of three.
//!
//! The detector also wants a *small* picture (160×120), and a JPEG can be
//! decoded small directly: at 1/4 scale each 8×8 block becomes 2×2 by an
//! inverse transform of its lowest frequencies, which is an average of the
//! block, the very thing the shrink step computes (see [`crate::jpeg::Scale`]).
//! [`decode_luma_small`] picks the scale nearest the detector's working
//! width, so a 640×480 frame costs a quarter-size decode and no shrink; at
//! a quarter or an eighth, [`crate::jpeg::small_grey`] does it, reading only
//! what those averages need.
//!
//! As in [`crate::jpeg`], the data comes from the network: the decoder is
//! strict (a truncated file is an error), and the size in the header is
//! checked against [`crate::jpeg::MAX_DECODE_SIDE`] and
//! [`crate::jpeg::MAX_DECODE_PIXELS`] before any pixel is allocated.

use crate::jpeg::{self, Scale};
use crate::Result;

/// A decoded grey picture, one byte per pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LumaImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// One grey level per pixel, row after row.
    pub pixels: Vec<u8>,
}

/// Decodes the luma (grey) plane of a JPEG file at full size.
pub fn decode_luma(jpeg: &[u8]) -> Result<LumaImage> {
    decode_luma_scaled(jpeg, Scale::Full)
}

/// Decodes the luma plane of a JPEG file at the DCT scale whose width is
/// nearest `work_width` (1/4 for a 640-wide frame and 160): what motion
/// detection feeds on.
pub fn decode_luma_small(jpeg_file: &[u8], work_width: u32) -> Result<LumaImage> {
    let mut pixels = Vec::new();
    let (width, height) = jpeg::decode_luma_near_width(jpeg_file, work_width, &mut pixels)?;
    Ok(luma(width, height, pixels))
}

fn decode_luma_scaled(jpeg_file: &[u8], scale: Scale) -> Result<LumaImage> {
    let mut pixels = Vec::new();
    let (width, height) = jpeg::decode_luma_into(jpeg_file, scale, &mut pixels)?;
    Ok(luma(width, height, pixels))
}

fn luma(width: u32, height: u32, pixels: Vec<u8>) -> LumaImage {
    LumaImage {
        width: width as usize,
        height: height as usize,
        pixels,
    }
}
