//! A second JPEG decoder, narrow and fast: the grey plane only, at a
//! quarter or an eighth of the size, for motion detection.
//!
//! The detector wants a 160×120 grey picture of each frame. The general
//! decoder ([`crate::jpeg::decode_luma_near_width`] when this one declines)
//! gets there by decoding every block of every plane, colour included, and
//! running a small inverse transform on each. But a quarter-size grey
//! picture needs much less:
//!
//! - **Only the luma blocks are transformed.** The colour blocks must still
//!   be read, because the Huffman codes of all planes are interleaved in
//!   one stream, but their values are skipped as they are read.
//! - **No block is built.** Each 2×2 output pixel is the average of a 4×4
//!   square of the block, a fixed weighted sum of its coefficients
//!   (the `cells` module), so each coefficient adds straight into four sums as the
//!   Huffman decoder finds it.
//!
//! What is left is reading the Huffman codes (the `bits` and `huffman` modules), the
//! one cost no decoder avoids.
//!
//! It reads the JPEGs cameras send: baseline or extended sequential,
//! Huffman-coded, 8-bit, grey or YCbCr with any sampling, restart markers,
//! webcam MJPEG without tables. For anything else (progressive files and the
//! rarer kinds, see the `header` module) it answers `Ok(None)` and the caller uses
//! the general decoder. Its input comes from the network, so it is written
//! to the same rules: sizes checked before allocation, every index checked,
//! and a file that ends early or holds an impossible code is an error.
//! [`crate::jpeg::decode_luma_near_width`] then hands the file to the
//! general decoder, whose verdict is final: this one only ever saves time.
//!
//! Measured (`docs/PERFORMANCE.md`): on a 640×480 q90 frame, about half the
//! general decoder's time and instructions at the same scale; the pictures
//! differ by rounding (under a grey level on average, a few at worst).

mod bits;
mod cells;
mod header;
mod huffman;

use bits::BitReader;
use cells::Weights;
use header::{corrupt, Header};
use huffman::{extend, Huffman, END_OF_BLOCK};

use super::Scale;
use crate::Result;

/// The largest DC coefficient of an 8-bit JPEG: 11 bits and a sign.
const MAX_DC: i32 = 2047;

/// Decodes the luma plane of `file` at the scale whose width is nearest
/// `target_width`, into `pixels` (one byte per pixel), if that scale is a
/// quarter or an eighth and the file is of a kind this decoder reads.
/// Returns the width and height, or `None` to say "use the general decoder".
pub fn decode_near_width(
    file: &[u8],
    target_width: u32,
    pixels: &mut Vec<u8>,
) -> Result<Option<(u32, u32)>> {
    let Some(header) = header::read(file)? else {
        return Ok(None);
    };
    match Scale::nearest(header.width, target_width) {
        Scale::Quarter => decode::<2>(&header, Scale::Quarter, pixels).map(Some),
        Scale::Eighth => decode::<1>(&header, Scale::Eighth, pixels).map(Some),
        Scale::Full | Scale::Half => Ok(None),
    }
}

/// Decodes the scan, each luma block into `CELLS × CELLS` pixels.
fn decode<const CELLS: usize>(
    header: &Header<'_>,
    scale: Scale,
    pixels: &mut Vec<u8>,
) -> Result<(u32, u32)> {
    let (out_w, out_h) = scale.apply(header.width, header.height);
    let (out_w, out_h) = (out_w as usize, out_h as usize);
    pixels.clear();
    pixels.resize(out_w * out_h, 0);
    let weights = Weights::<CELLS>::new(&header.luma_quant);

    let luma = header.components[0];
    let (mcu_w, mcu_h) = (8 * luma.h, 8 * luma.v);
    let mcus_across = (header.width as usize).div_ceil(mcu_w);
    let mcus_down = (header.height as usize).div_ceil(mcu_h);
    let tables: Vec<(&Huffman, &Huffman)> = header
        .components
        .iter()
        .map(|c| {
            let dc = header.dc[c.dc]
                .as_deref()
                .expect("the header filled every table");
            let ac = header.ac[c.ac]
                .as_deref()
                .expect("the header filled every table");
            (dc, ac)
        })
        .collect();

    let mut reader = BitReader::new(header.data);
    let mut predictions = [0i32; 3];
    let mut next_restart = 0u8;
    let mut until_restart = header.restart_interval;
    for mcu_y in 0..mcus_down {
        for mcu_x in 0..mcus_across {
            if header.restart_interval > 0 {
                if until_restart == 0 {
                    // A restart marker: the data after it starts afresh,
                    // byte aligned, with the DC predictions back at zero.
                    let Some((code, rest)) = reader.finish() else {
                        return Err(corrupt("it ends before its last restart marker"));
                    };
                    if code != 0xD0 + next_restart {
                        return Err(corrupt("a restart marker is missing or out of order"));
                    }
                    next_restart = (next_restart + 1) % 8;
                    reader = BitReader::new(rest);
                    predictions = [0; 3];
                    until_restart = header.restart_interval;
                }
                until_restart -= 1;
            }
            for (plane, (c, &(dc, ac))) in header.components.iter().zip(&tables).enumerate() {
                let prediction = &mut predictions[plane];
                for block_y in 0..c.v {
                    for block_x in 0..c.h {
                        if plane > 0 {
                            read_block(&mut reader, dc, ac, prediction, |_, _| {})?;
                            continue;
                        }
                        let mut cells = [128.5f32; 4]; // level shift, and rounding
                        read_block(&mut reader, dc, ac, prediction, |k, value| {
                            let w = &weights.by_coefficient[k];
                            for (cell, w) in cells.iter_mut().zip(w).take(CELLS * CELLS) {
                                *cell += value as f32 * w;
                            }
                        })?;
                        let x = (mcu_x * c.h + block_x) * CELLS;
                        let y = (mcu_y * c.v + block_y) * CELLS;
                        put(pixels, out_w, out_h, x, y, &cells[..CELLS * CELLS]);
                    }
                }
            }
            if reader.overran() {
                return Err(corrupt("its data ends before its last block"));
            }
        }
    }
    Ok((out_w as u32, out_h as u32))
}

/// Writes a block's `cells` (a square, row by row) at `(x, y)`, clipped to
/// the picture: the blocks past its right and bottom edges are padding.
#[inline(always)]
fn put(pixels: &mut [u8], width: usize, height: usize, x: usize, y: usize, cells: &[f32]) {
    let side = if cells.len() == 4 { 2 } else { 1 };
    // `as u8` saturates: below 0 is 0, above 255 is 255.
    if x + side <= width && y + side <= height {
        for (row, values) in cells.chunks_exact(side).enumerate() {
            let start = (y + row) * width + x;
            for (pixel, value) in pixels[start..start + side].iter_mut().zip(values) {
                *pixel = *value as u8;
            }
        }
        return;
    }
    for (row, values) in cells.chunks_exact(side).enumerate() {
        if y + row >= height {
            break;
        }
        let start = (y + row) * width + x;
        let Some(out) = pixels.get_mut(start..start + side.min(width.saturating_sub(x))) else {
            break;
        };
        for (pixel, value) in out.iter_mut().zip(values) {
            *pixel = *value as u8;
        }
    }
}

/// Reads one block's codes: the DC difference, then (run, size) pairs of AC
/// coefficients to the end-of-block code. `coefficient(k, value)` is told
/// each non-zero coefficient, by zigzag index.
#[inline(always)]
fn read_block(
    reader: &mut BitReader<'_>,
    dc: &Huffman,
    ac: &Huffman,
    prediction: &mut i32,
    mut coefficient: impl FnMut(usize, i32),
) -> Result<()> {
    reader.refill();
    let peeked = reader.peek(16);
    let difference = match dc.fast_value(peeked) {
        Some((used, _, difference)) => {
            reader.consume(used);
            difference
        }
        None => {
            let (length, size) = dc.decode(peeked).ok_or_else(bad_code)?;
            reader.consume(length);
            match size {
                0 => 0,
                1..=11 => extend(reader.take(u32::from(size)), u32::from(size)),
                _ => return Err(corrupt("a DC difference is too large")),
            }
        }
    };
    // An 8-bit picture's block average is at most 1024 in size (before
    // quantisation); the standard gives it 11 bits. Anything beyond is
    // damage, and libjpeg would wrap it around 16 bits.
    *prediction += difference;
    if prediction.abs() > MAX_DC {
        return Err(corrupt("a block average is out of range"));
    }
    coefficient(0, *prediction);
    let mut k = 1;
    while k < 64 {
        // A code and its bits take at most 27 of the buffer's 57 or more.
        reader.refill_for(27);
        let peeked = reader.peek(16);
        let (run, value) = match ac.fast_value(peeked) {
            Some((used, run, value)) => {
                reader.consume(used);
                (run, value)
            }
            None => {
                let (length, run_size) = ac.decode(peeked).ok_or_else(bad_code)?;
                reader.consume(length);
                match (usize::from(run_size >> 4), u32::from(run_size & 15)) {
                    (15, 0) => (15, 0), // sixteen zeros: 15, then a zero
                    (_, 0) => (END_OF_BLOCK, 0),
                    // Baseline AC values have at most 10 bits.
                    (_, 11..) => return Err(corrupt("an AC coefficient is too large")),
                    (run, size) => (run, extend(reader.take(size), size)),
                }
            }
        };
        k += run;
        if k > 63 {
            if run == END_OF_BLOCK {
                break; // the rest are zeros
            }
            return Err(corrupt("a block has more than 64 coefficients"));
        }
        coefficient(k, value);
        k += 1;
    }
    Ok(())
}

fn bad_code() -> crate::Error {
    corrupt("its data holds a code that is in no Huffman table")
}

#[cfg(test)]
mod tests;
