//! Decoding JPEG files, which come from the network: hostile until proven
//! otherwise.
//!
//! The decoder is `libjpeg-turbo-rs`, a pure-Rust reimplementation of
//! libjpeg-turbo (the library OpenCV's `cv2.imdecode` calls), chosen by
//! measurement over `zune-jpeg` (see `docs/PERFORMANCE.md`). Two of its
//! features matter here:
//!
//! - **Limits before allocation.** The header is parsed first; its width and
//!   height are checked against [`MAX_DECODE_SIDE`] and [`MAX_DECODE_PIXELS`]
//!   before a single pixel is allocated, and the decoder itself is given the
//!   same limits, a memory ceiling and a bound on progressive scans (a "scan
//!   bomb" of thousands of tiny scans costs time, not pixels).
//! - **Strictness.** A truncated or corrupt file is an error, never a
//!   half-grey picture shown as if it were the camera's: every warning the
//!   decoder reports (a Huffman error, missing data) fails the decode, except
//!   stray bytes between markers, which some webcams write and which change
//!   no pixel.
//! - **Scaled decode.** A JPEG stores 8×8 blocks of frequencies; an inverse
//!   transform of only the lowest 4×4, 2×2 or 1×1 of them gives the block at
//!   half, a quarter or an eighth of its size directly ([`Scale`]). The window
//!   showing a 640×480 camera in a 426×320 tile, or motion detection wanting
//!   160×120, then never builds the full picture only to shrink it.

use libjpeg_turbo_rs::{DecodeLimits, DecodeWarning, Decoder, PixelFormat as Out, ScalingFactor};

use crate::{Error, Result};

/// The widest or tallest JPEG we decode: 8K. A header claiming more is
/// refused before its pixels are allocated.
pub const MAX_DECODE_SIDE: usize = 8192;

/// The most pixels a decoded JPEG may have: a square of [`MAX_DECODE_SIDE`]
/// (67 million pixels, 200 MB as RGB), as before this decoder: a camera may
/// send an 8192×8192 picture and see it decoded (the server skips analysing
/// pictures that large, see `vigie_record::analysis`). Kept as its own
/// constant so that the decoder is given a pixel limit, not only a side.
pub const MAX_DECODE_PIXELS: usize = MAX_DECODE_SIDE * MAX_DECODE_SIDE;

/// The most scans a progressive file may have. A real one has about ten; a
/// hostile one could send thousands, each a full pass over the picture.
const MAX_SCANS: usize = 64;

/// The decoder's own memory ceiling: the RGB output of the largest picture
/// allowed, plus as much again for its coefficient and row buffers.
const MAX_DECODE_MEMORY: u64 = (MAX_DECODE_PIXELS as u64) * 3 * 2;

/// A DCT scaling factor: the picture is decoded at 1/1, 1/2, 1/4 or 1/8 of
/// its size (each side rounded up, as libjpeg does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scale {
    /// The picture at its own size.
    Full,
    /// Half of each side.
    Half,
    /// A quarter of each side.
    Quarter,
    /// An eighth of each side (one pixel per 8×8 block).
    Eighth,
}

impl Scale {
    /// Every scale, largest first.
    pub const ALL: [Scale; 4] = [Scale::Full, Scale::Half, Scale::Quarter, Scale::Eighth];

    /// 1, 2, 4 or 8.
    pub fn denominator(self) -> u32 {
        match self {
            Scale::Full => 1,
            Scale::Half => 2,
            Scale::Quarter => 4,
            Scale::Eighth => 8,
        }
    }

    /// The size a `width × height` picture is decoded at at this scale.
    pub fn apply(self, width: u32, height: u32) -> (u32, u32) {
        let d = self.denominator();
        (width.div_ceil(d), height.div_ceil(d))
    }

    /// The smallest scale whose output is at least `min_width × min_height`
    /// (what a picture shown in a tile of that size needs: shrinking from
    /// there loses nothing the tile could show). Full size if even that is
    /// smaller.
    pub fn at_least(width: u32, height: u32, min_width: u32, min_height: u32) -> Scale {
        Scale::ALL
            .into_iter()
            .rev()
            .find(|s| {
                let (w, h) = s.apply(width, height);
                w >= min_width && h >= min_height
            })
            .unwrap_or(Scale::Full)
    }

    /// The scale whose output width is nearest `target_width` (ties go to the
    /// larger picture): 1/4 for a 640-wide picture and a target of 160.
    pub fn nearest(width: u32, target_width: u32) -> Scale {
        Scale::ALL
            .into_iter()
            .min_by_key(|s| s.apply(width, 1).0.abs_diff(target_width))
            .unwrap_or(Scale::Full)
    }

    fn factor(self) -> ScalingFactor {
        let d = self.denominator();
        ScalingFactor::try_new(1, d).expect("1/1, 1/2, 1/4 and 1/8 are libjpeg's own factors")
    }
}

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

fn error(e: libjpeg_turbo_rs::JpegError) -> Error {
    Error::JpegDecode(e.to_string())
}

fn limits() -> DecodeLimits {
    DecodeLimits {
        max_width: MAX_DECODE_SIDE,
        max_height: MAX_DECODE_SIDE,
        max_pixels: MAX_DECODE_PIXELS as u64,
        max_scans: MAX_SCANS,
        max_memory: Some(MAX_DECODE_MEMORY),
    }
}

/// Parses the header with the limits in place, and checks its size against
/// them again here, so that the promise does not depend on the library's
/// version.
fn open(jpeg: &[u8]) -> Result<(Decoder<'_>, u32, u32)> {
    let decoder = Decoder::new_with_limits(jpeg, limits()).map_err(error)?;
    let header = decoder.header();
    let (width, height) = (usize::from(header.width), usize::from(header.height));
    if width == 0
        || height == 0
        || width > MAX_DECODE_SIDE
        || height > MAX_DECODE_SIDE
        || width * height > MAX_DECODE_PIXELS
    {
        return Err(Error::InvalidSize {
            width: width as u32,
            height: height as u32,
            max: MAX_DECODE_SIDE as u32,
        });
    }
    Ok((decoder, width as u32, height as u32))
}

/// Reads the width and height from a JPEG header without decoding pixels.
pub fn dimensions(jpeg: &[u8]) -> Result<(u32, u32)> {
    let (_, width, height) = open(jpeg)?;
    Ok((width, height))
}

/// Decodes `jpeg` to `format` (RGB or grey) into `pixels`, resized to fit
/// exactly, at the scale `choose` picks from the header's width and height
/// (one header parse). Returns the decoded width and height.
fn decode_into(
    jpeg: &[u8],
    choose: impl FnOnce(u32, u32) -> Scale,
    format: Out,
    pixels: &mut Vec<u8>,
) -> Result<(u32, u32)> {
    let (mut decoder, width, height) = open(jpeg)?;
    let scale = choose(width, height);
    decoder.set_output_format(format);
    decoder.set_scale(scale.factor());
    let (out_w, out_h) = scale.apply(width, height);
    let len = out_w as usize * out_h as usize * format.bytes_per_pixel();
    let wanted = decoder.output_buffer_size().map_err(error)?;
    if wanted != len {
        return Err(Error::JpegDecode(format!(
            "the decoder wants {wanted} bytes for {out_w}×{out_h} at {scale:?} scale"
        )));
    }
    pixels.resize(len, 0);
    let info = decoder.decode_image_into(pixels).map_err(error)?;
    if let Some(w) = info
        .warnings
        .iter()
        .find(|w| !matches!(w, DecodeWarning::ExtraneousData { .. }))
    {
        return Err(Error::JpegDecode(format!("corrupt JPEG: {w}")));
    }
    if (info.width, info.height) != (out_w as usize, out_h as usize) || info.bytes_written != len {
        return Err(Error::JpegDecode(format!(
            "the decoder wrote {}×{} ({} bytes) where {out_w}×{out_h} was expected",
            info.width, info.height, info.bytes_written
        )));
    }
    Ok((out_w, out_h))
}

/// Decodes a JPEG file to RGB pixels. Corrupt, truncated or oversized input
/// is an error.
pub fn decode_rgb(jpeg: &[u8]) -> Result<RgbImage> {
    decode_rgb_scaled(jpeg, Scale::Full)
}

/// Decodes a JPEG file to RGB pixels at `scale` (see [`Scale::at_least`] to
/// choose one for a given display size).
pub fn decode_rgb_scaled(jpeg: &[u8], scale: Scale) -> Result<RgbImage> {
    let mut pixels = Vec::new();
    let (width, height) = decode_into(jpeg, |_, _| scale, Out::Rgb, &mut pixels)?;
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
    decode_into(jpeg, |_, _| Scale::Full, Out::Rgb, pixels)
}

/// Decodes a JPEG file to RGB at the smallest scale that is still at least
/// `min_width × min_height` ([`Scale::at_least`]): what a window needs to
/// fill a tile of that size, for a half, a quarter or an eighth of the work.
pub fn decode_rgb_at_least(jpeg: &[u8], min_width: u32, min_height: u32) -> Result<RgbImage> {
    let mut pixels = Vec::new();
    let choose = |w, h| Scale::at_least(w, h, min_width, min_height);
    let (width, height) = decode_into(jpeg, choose, Out::Rgb, &mut pixels)?;
    Ok(RgbImage {
        width,
        height,
        pixels,
    })
}

/// Decodes the luma (grey) plane of a JPEG file at `scale` into `pixels`,
/// one byte per pixel. The colour planes are read but not transformed, and
/// nothing is converted to RGB. Returns the width and height.
pub fn decode_luma_into(jpeg: &[u8], scale: Scale, pixels: &mut Vec<u8>) -> Result<(u32, u32)> {
    decode_into(jpeg, |_, _| scale, Out::Grayscale, pixels)
}

/// Like [`decode_luma_into`], at the scale whose width is nearest
/// `target_width` ([`Scale::nearest`]): 1/4 for a 640-wide file and 160.
///
/// At a quarter or an eighth, the small grey decoder (`small_grey`) reads
/// the file first: it transforms only the luma blocks, straight into
/// averages, about twice as fast. A file it declines (progressive, say) or
/// finds wrong goes to the general decoder, whose verdict is final: the
/// small one never turns away a file the general one reads.
pub fn decode_luma_near_width(
    jpeg: &[u8],
    target_width: u32,
    pixels: &mut Vec<u8>,
) -> Result<(u32, u32)> {
    if let Ok(Some(size)) = super::small_grey::decode_near_width(jpeg, target_width, pixels) {
        return Ok(size);
    }
    let choose = |w, _| Scale::nearest(w, target_width);
    decode_into(jpeg, choose, Out::Grayscale, pixels)
}
