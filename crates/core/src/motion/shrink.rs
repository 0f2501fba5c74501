//! Shrinking a frame to the small grey picture the detector works on.
//!
//! Each grey pixel is the average of an `f × f` block of the original (`f` =
//! 4 for 640×480 → 160×120). Averaging is what makes the small picture
//! useful and not merely small: sensor noise, which differs from pixel to
//! pixel, cancels out, while a person, who covers whole blocks, does not.
//!
//! This is the most expensive step of motion detection (it reads every byte
//! of the frame: 921 600 for 640×480 RGB; the rest of the detector sees only
//! 19 200 grey pixels), so it is written for speed, in plain Rust:
//!
//! - **Add first, weigh last.** Grey is a weighted sum of the channels
//!   (BT.601 luma: 0.299 R + 0.587 G + 0.114 B, here in 256ths: 77, 150 and
//!   29). A sum of weighted sums is the weighted sum of the sums, so the
//!   block's reds, greens and blues are added up as they are, and the three
//!   weights are applied once per *block*, not once per pixel.
//! - **Whole rows at a time.** The `f` rows of a band of blocks are added
//!   into one row of column sums (`column_sums[i] += row[i]`). That loop has
//!   no branch, no division and no dependency from one element to the next,
//!   so the compiler turns it into SIMD instructions that add 16 bytes at a
//!   time. Only then is each run of `f` columns summed into a block.
//! - **No division per pixel.** The sums are integers; each block ends
//!   with one multiplication by 1 / (256 f²), which costs a few cycles where
//!   a division costs twenty or more.
//!
//! Measured on 640×480 RGB: about 0.48 ms per frame for the obvious loop
//! (per pixel: three multiplications and a slice; a division per block),
//! about 0.13 ms this way (see `docs/PERFORMANCE.md`).

use crate::frame::PixelFormat;

/// BT.601 luma weights in 256ths, for bytes in R, G, B order.
const RGB: [u32; 3] = [77, 150, 29];
/// The same for OpenCV's B, G, R order.
const BGR: [u32; 3] = [29, 150, 77];
/// One grey byte per pixel: weight 256/256.
const GREY: [u32; 1] = [256];

/// A small grey picture, one byte per pixel, row after row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct GreyImage {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

/// Shrinks a raw frame (RGB8, BGR8 or Gray8) of `width × height` pixels;
/// `None` for JPEG, which must be decoded first.
pub(crate) fn shrink_raw(
    pixels: &[u8],
    width: usize,
    height: usize,
    format: PixelFormat,
    work_width: u32,
) -> Option<GreyImage> {
    Some(match format {
        PixelFormat::Rgb8 => shrink(pixels, width, height, RGB, work_width),
        PixelFormat::Bgr8 => shrink(pixels, width, height, BGR, work_width),
        // Grey already at the working size (a JPEG decoded small): the
        // shrink would give each pixel back as it is, so copy it.
        PixelFormat::Gray8
            if width > 0
                && block_side(width, work_width) == 1
                && width.checked_mul(height) == Some(pixels.len())
                && !pixels.is_empty() =>
        {
            GreyImage {
                width,
                height,
                pixels: pixels.to_vec(),
            }
        }
        PixelFormat::Gray8 => shrink(pixels, width, height, GREY, work_width),
        PixelFormat::Jpeg => return None,
    })
}

/// A grey copy about `work_width` wide of an RGB8 frame, each pixel the
/// average of a square block of the original. Returns `(pixels, width,
/// height)`, or an empty picture `(vec![], 0, 0)` if `rgb` does not hold
/// `width × height` pixels.
pub fn shrink_to_grey(
    rgb: &[u8],
    width: u32,
    height: u32,
    work_width: u32,
) -> (Vec<u8>, usize, usize) {
    let g = shrink(rgb, width as usize, height as usize, RGB, work_width);
    (g.pixels, g.width, g.height)
}

/// Shrinks raw pixels of `C` bytes each, weighed by `weights`. `C` is a
/// constant (a const generic), so the compiler makes one copy of this
/// function per pixel format, each with its inner loops fully unrolled.
/// Columns and rows left over after the last whole block are dropped (at
/// most `f - 1` of each: invisible to motion detection).
fn shrink<const C: usize>(
    pixels: &[u8],
    width: usize,
    height: usize,
    weights: [u32; C],
    work_width: u32,
) -> GreyImage {
    let channels = C;
    if width == 0
        || height == 0
        || width.checked_mul(height).map(|n| n * channels) != Some(pixels.len())
    {
        return GreyImage::default();
    }
    let f = block_side(width, work_width);
    let (sw, sh) = (width / f, height / f);
    let row_len = width * channels;
    // Only the columns that fall in whole blocks. A column of at most 255
    // bytes of at most 255 fits in a u16 (255 × 255 < 65 536), and u16 is
    // twice as many additions per SIMD instruction as u32.
    let mut column_sums = vec![0u16; sw * f * channels];
    let mut out = Vec::with_capacity(sw * sh);
    // The weights add up to 256 and a block has f × f pixels. Multiplying
    // by the inverse costs a few cycles; a division, twenty or more.
    let inverse = 1.0 / f64::from(256 * (f * f) as u32);
    for band in pixels.chunks_exact(row_len * f).take(sh) {
        column_sums.fill(0);
        for row in band.chunks_exact(row_len) {
            for (sum, &v) in column_sums.iter_mut().zip(row) {
                *sum += u16::from(v);
            }
        }
        for block in column_sums.chunks_exact(f * channels) {
            // Each channel's sum over the block (at most 255 × 255², a u32)…
            let mut sums = [0u32; C];
            for pixel in block.chunks_exact(channels) {
                for (total, &v) in sums.iter_mut().zip(pixel) {
                    *total += u32::from(v);
                }
            }
            // …then weighed once, and rounded to the nearest grey level.
            let weighted: u32 = sums.iter().zip(weights).map(|(s, w)| s * w).sum();
            out.push((f64::from(weighted) * inverse + 0.5) as u8);
        }
    }
    GreyImage {
        width: sw,
        height: sh,
        pixels: out,
    }
}

/// The side of the square block that becomes one grey pixel: as many pixels
/// as fit `work_width` blocks across, but at most 255 (see the u16 sums).
pub(crate) fn block_side(width: usize, work_width: u32) -> usize {
    (width / work_width.max(1) as usize).clamp(1, 255)
}
