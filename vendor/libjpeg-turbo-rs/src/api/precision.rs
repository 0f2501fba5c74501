// libjpeg-turbo-rs: alloc prelude (no_std support, issue #356)
/// 12-bit and 16-bit sample precision support for JPEG encoding/decoding.
///
/// - 12-bit (J12SAMPLE / i16): DCT-based encode/decode with values 0-4095,
///   used in medical imaging (DICOM).
/// - 16-bit (J16SAMPLE / u16): lossless-only (SOF3) with values 0-65535.
use crate::common::error::{DecodeWarning, JpegError, Result};
use crate::common::types::{ColorSpace, DecodeLimits, Subsampling};
use crate::decode::bitstream::{check_segment_end, short_segment_error, BitReader};
use crate::decode::huffman;
use crate::decode::lossless;
use crate::decode::marker::MarkerReader;
use crate::encode::huff_opt;
use crate::encode::huffman_encode::{build_huff_table, BitWriter, HuffmanEncoder};
use crate::encode::marker_writer;
use crate::encode::quant;
use crate::encode::tables;
#[allow(unused_imports)]
use alloc::{format, vec};
#[allow(unused_imports)]
use alloc::{string::ToString, vec::Vec};

/// Decoded 12-bit JPEG image.
#[derive(Debug)]
pub struct Image12 {
    /// Pixel data as 12-bit samples (0-4095), interleaved
    /// `num_components` to a pixel, in the colour space
    /// [`decompress_12bit`] describes.
    pub data: Vec<i16>,
    pub width: usize,
    pub height: usize,
    pub num_components: usize,
}

/// Decoded 16-bit JPEG image.
#[derive(Debug)]
pub struct Image16 {
    /// Pixel data as 16-bit samples (0..2^precision - 1).
    pub data: Vec<u16>,
    pub width: usize,
    pub height: usize,
    pub num_components: usize,
    /// Sample precision in bits (2-16). Default is 16 for backward compatibility.
    pub precision: u8,
}

// ============================================================
// Extended DC Huffman tables for 16-bit lossless (categories 0-16)
// ============================================================

/// Extended DC luminance Huffman table bits (categories 0-16).
/// bits[1..16] = 0,1,5,1,1,1,1,1,1,1,1,1,1,1,0,0 => sum=17
static DC_LUMA_EXT_BITS: [u8; 17] = [0, 0, 1, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0];

/// Extended DC luminance Huffman table values (categories 0-16).
static DC_LUMA_EXT_VALUES: [u8; 17] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

/// Extended DC chrominance Huffman table bits (categories 0-16).
/// Same structure as luminance extended: sum=17
static DC_CHROMA_EXT_BITS: [u8; 17] = [0, 0, 1, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0];

/// Extended DC chrominance Huffman table values (categories 0-16).
static DC_CHROMA_EXT_VALUES: [u8; 17] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

// ============================================================
// 12-bit FDCT with PASS1_BITS=1 to avoid i32 overflow
// ============================================================

const FDCT12_CONST_BITS: i32 = 13;
const FDCT12_PASS1_BITS: i32 = 1;
const FDCT12_FIX_0_298631336: i32 = 2446;
const FDCT12_FIX_0_390180644: i32 = 3196;
const FDCT12_FIX_0_541196100: i32 = 4433;
const FDCT12_FIX_0_765366865: i32 = 6270;
const FDCT12_FIX_0_899976223: i32 = 7373;
const FDCT12_FIX_1_175875602: i32 = 9633;
const FDCT12_FIX_1_501321110: i32 = 12299;
const FDCT12_FIX_1_847759065: i32 = 15137;
const FDCT12_FIX_1_961570560: i32 = 16069;
const FDCT12_FIX_2_053119869: i32 = 16819;
const FDCT12_FIX_2_562915447: i32 = 20995;
const FDCT12_FIX_3_072711026: i32 = 25172;

#[inline(always)]
fn descale(x: i32, n: i32) -> i32 {
    (x + (1 << (n - 1))) >> n
}

/// Forward DCT for 12-bit samples (PASS1_BITS=1 to prevent i32 overflow).
fn fdct_12bit(input: &[i16; 64], output: &mut [i32; 64]) {
    let mut workspace: [i32; 64] = [0i32; 64];
    for i in 0..64 {
        workspace[i] = input[i] as i32;
    }
    for row in 0..8 {
        let b: usize = row * 8;
        let tmp0 = workspace[b] + workspace[b + 7];
        let tmp7 = workspace[b] - workspace[b + 7];
        let tmp1 = workspace[b + 1] + workspace[b + 6];
        let tmp6 = workspace[b + 1] - workspace[b + 6];
        let tmp2 = workspace[b + 2] + workspace[b + 5];
        let tmp5 = workspace[b + 2] - workspace[b + 5];
        let tmp3 = workspace[b + 3] + workspace[b + 4];
        let tmp4 = workspace[b + 3] - workspace[b + 4];
        let tmp10 = tmp0 + tmp3;
        let tmp13 = tmp0 - tmp3;
        let tmp11 = tmp1 + tmp2;
        let tmp12 = tmp1 - tmp2;
        workspace[b] = (tmp10 + tmp11) << FDCT12_PASS1_BITS;
        workspace[b + 4] = (tmp10 - tmp11) << FDCT12_PASS1_BITS;
        let z1 = (tmp12 + tmp13) * FDCT12_FIX_0_541196100;
        workspace[b + 2] = descale(
            z1 + tmp13 * FDCT12_FIX_0_765366865,
            FDCT12_CONST_BITS - FDCT12_PASS1_BITS,
        );
        workspace[b + 6] = descale(
            z1 + tmp12 * (-FDCT12_FIX_1_847759065),
            FDCT12_CONST_BITS - FDCT12_PASS1_BITS,
        );
        let z1 = tmp4 + tmp7;
        let z2 = tmp5 + tmp6;
        let z3 = tmp4 + tmp6;
        let z4 = tmp5 + tmp7;
        let z5 = (z3 + z4) * FDCT12_FIX_1_175875602;
        let tmp4 = tmp4 * FDCT12_FIX_0_298631336;
        let tmp5 = tmp5 * FDCT12_FIX_2_053119869;
        let tmp6 = tmp6 * FDCT12_FIX_3_072711026;
        let tmp7 = tmp7 * FDCT12_FIX_1_501321110;
        let z1 = z1 * (-FDCT12_FIX_0_899976223);
        let z2 = z2 * (-FDCT12_FIX_2_562915447);
        let z3 = z3 * (-FDCT12_FIX_1_961570560) + z5;
        let z4 = z4 * (-FDCT12_FIX_0_390180644) + z5;
        workspace[b + 7] = descale(tmp4 + z1 + z3, FDCT12_CONST_BITS - FDCT12_PASS1_BITS);
        workspace[b + 5] = descale(tmp5 + z2 + z4, FDCT12_CONST_BITS - FDCT12_PASS1_BITS);
        workspace[b + 3] = descale(tmp6 + z2 + z3, FDCT12_CONST_BITS - FDCT12_PASS1_BITS);
        workspace[b + 1] = descale(tmp7 + z1 + z4, FDCT12_CONST_BITS - FDCT12_PASS1_BITS);
    }
    // Column pass: use i64 throughout to prevent i32 overflow in debug builds.
    // Post-row-pass workspace values can produce products exceeding i32 range.
    for col in 0..8 {
        let tmp0 = workspace[col] as i64 + workspace[col + 56] as i64;
        let tmp7 = workspace[col] as i64 - workspace[col + 56] as i64;
        let tmp1 = workspace[col + 8] as i64 + workspace[col + 48] as i64;
        let tmp6 = workspace[col + 8] as i64 - workspace[col + 48] as i64;
        let tmp2 = workspace[col + 16] as i64 + workspace[col + 40] as i64;
        let tmp5 = workspace[col + 16] as i64 - workspace[col + 40] as i64;
        let tmp3 = workspace[col + 24] as i64 + workspace[col + 32] as i64;
        let tmp4 = workspace[col + 24] as i64 - workspace[col + 32] as i64;
        let tmp10 = tmp0 + tmp3;
        let tmp13 = tmp0 - tmp3;
        let tmp11 = tmp1 + tmp2;
        let tmp12 = tmp1 - tmp2;
        output[col] = descale((tmp10 + tmp11) as i32, FDCT12_PASS1_BITS);
        output[col + 32] = descale((tmp10 - tmp11) as i32, FDCT12_PASS1_BITS);
        let z1 = (tmp12 + tmp13) * FDCT12_FIX_0_541196100 as i64;
        output[col + 16] = descale(
            (z1 + tmp13 * FDCT12_FIX_0_765366865 as i64) as i32,
            FDCT12_CONST_BITS + FDCT12_PASS1_BITS,
        );
        output[col + 48] = descale(
            (z1 - tmp12 * FDCT12_FIX_1_847759065 as i64) as i32,
            FDCT12_CONST_BITS + FDCT12_PASS1_BITS,
        );
        let z1 = tmp4 + tmp7;
        let z2 = tmp5 + tmp6;
        let z3 = tmp4 + tmp6;
        let z4 = tmp5 + tmp7;
        let z5 = (z3 + z4) * FDCT12_FIX_1_175875602 as i64;
        let tmp4 = tmp4 * FDCT12_FIX_0_298631336 as i64;
        let tmp5 = tmp5 * FDCT12_FIX_2_053119869 as i64;
        let tmp6 = tmp6 * FDCT12_FIX_3_072711026 as i64;
        let tmp7 = tmp7 * FDCT12_FIX_1_501321110 as i64;
        let z1 = z1 * -(FDCT12_FIX_0_899976223 as i64);
        let z2 = z2 * -(FDCT12_FIX_2_562915447 as i64);
        let z3 = z3 * -(FDCT12_FIX_1_961570560 as i64) + z5;
        let z4 = z4 * -(FDCT12_FIX_0_390180644 as i64) + z5;
        output[col + 56] = descale(
            (tmp4 + z1 + z3) as i32,
            FDCT12_CONST_BITS + FDCT12_PASS1_BITS,
        );
        output[col + 40] = descale(
            (tmp5 + z2 + z4) as i32,
            FDCT12_CONST_BITS + FDCT12_PASS1_BITS,
        );
        output[col + 24] = descale(
            (tmp6 + z2 + z3) as i32,
            FDCT12_CONST_BITS + FDCT12_PASS1_BITS,
        );
        output[col + 8] = descale(
            (tmp7 + z1 + z4) as i32,
            FDCT12_CONST_BITS + FDCT12_PASS1_BITS,
        );
    }
}

// ============================================================
// 12-bit compress
// ============================================================

/// Compress 12-bit sample data to JPEG.
///
/// `precision_override` specifies the SOF sample precision (9..=12).
/// When `None` the default of 12 is used. Only honoured in lossless mode
/// (the caller is responsible for setting the appropriate encode path); for
/// lossy 12-bit the SOF0/SOF1 precision stays at 12.
pub fn compress_12bit(
    pixels: &[i16],
    width: usize,
    height: usize,
    num_components: usize,
    quality: u8,
    subsampling: Subsampling,
) -> Result<Vec<u8>> {
    compress_12bit_with_precision(
        pixels,
        width,
        height,
        num_components,
        quality,
        subsampling,
        None,
    )
}

/// Like `compress_12bit` but with an explicit lossless precision override
/// (9..=12). Ignored for lossy paths (SOF1 always uses precision=12).
pub fn compress_12bit_with_precision(
    pixels: &[i16],
    width: usize,
    height: usize,
    num_components: usize,
    quality: u8,
    subsampling: Subsampling,
    precision_override: Option<u8>,
) -> Result<Vec<u8>> {
    if width == 0 || height == 0 {
        return Err(JpegError::CorruptData(
            "image dimensions must be non-zero".to_string(),
        ));
    }
    if num_components != 1 && num_components != 3 {
        return Err(JpegError::Unsupported(format!(
            "12-bit compression supports 1 or 3 components, got {}",
            num_components
        )));
    }
    let expected_len: usize = width * height * num_components;
    if pixels.len() < expected_len {
        return Err(JpegError::BufferTooSmall {
            need: expected_len,
            got: pixels.len(),
        });
    }
    let precision: u8 = precision_override.unwrap_or(12);
    if num_components == 1 {
        compress_12bit_grayscale(pixels, width, height, quality, precision)
    } else {
        compress_12bit_color(pixels, width, height, quality, subsampling, precision)
    }
}

fn compress_12bit_grayscale(
    pixels: &[i16],
    width: usize,
    height: usize,
    quality: u8,
    precision: u8,
) -> Result<Vec<u8>> {
    let level_shift: i32 = 2048;
    let luma_quant =
        tables::quality_scale_quant_table_ext(&tables::STD_LUMINANCE_QUANT_TABLE, quality, false);
    let luma_divisors = scale_quant_for_fdct(&luma_quant);
    let mcus_x = width.div_ceil(8);
    let mcus_y = height.div_ceil(8);

    // Extended sequential JPEG can produce DC and AC categories that are not
    // present in the default 8-bit Huffman tables.  libjpeg-turbo therefore
    // enables entropy optimization automatically for 12-bit compression.
    // Gather the actual symbols first so every emitted coefficient has a code.
    let mut blocks = Vec::with_capacity(mcus_x * mcus_y);
    let mut dc_frequency = [0u32; 257];
    let mut ac_frequency = [0u32; 257];
    let mut previous_dc = 0i16;
    for mcu_row in 0..mcus_y {
        for mcu_col in 0..mcus_x {
            let x0 = mcu_col * 8;
            let y0 = mcu_row * 8;
            let mut block = [0i16; 64];
            extract_block_12bit(pixels, width, height, x0, y0, level_shift, &mut block);
            let mut dct_output = [0i32; 64];
            fdct_12bit(&block, &mut dct_output);
            let mut quantized = [0i16; 64];
            quant::quantize_block(&dct_output, &luma_divisors, &mut quantized);
            gather_12bit_block(
                &quantized,
                &mut previous_dc,
                &mut dc_frequency,
                &mut ac_frequency,
            );
            blocks.push(quantized);
        }
    }
    dc_frequency[256] = 1;
    ac_frequency[256] = 1;
    let (dc_bits, dc_values) = huff_opt::gen_optimal_table(&dc_frequency);
    let (ac_bits, ac_values) = huff_opt::gen_optimal_table(&ac_frequency);
    let dc_table = build_huff_table(&dc_bits, &dc_values);
    let ac_table = build_huff_table(&ac_bits, &ac_values);

    let mut bit_writer = BitWriter::new(width * height);
    let mut prev_dc: i16 = 0;
    for block in &blocks {
        HuffmanEncoder::encode_block(&mut bit_writer, block, &mut prev_dc, &dc_table, &ac_table);
    }
    bit_writer.flush();
    let mut output = Vec::with_capacity(bit_writer.data().len() + 512);
    marker_writer::write_soi(&mut output);
    marker_writer::write_app0_jfif(&mut output);
    marker_writer::write_dqt(&mut output, 0, &luma_quant);
    write_sof0_precision(
        &mut output,
        width as u16,
        height as u16,
        precision,
        &[(1, 1, 1, 0)],
    );
    marker_writer::write_dht(&mut output, 0, 0, &dc_bits, &dc_values);
    marker_writer::write_dht(&mut output, 1, 0, &ac_bits, &ac_values);
    marker_writer::write_sos(&mut output, &[(1, 0, 0)]);
    output.extend_from_slice(bit_writer.data());
    marker_writer::write_eoi(&mut output);
    Ok(output)
}

fn compress_12bit_color(
    pixels: &[i16],
    width: usize,
    height: usize,
    quality: u8,
    subsampling: Subsampling,
    precision: u8,
) -> Result<Vec<u8>> {
    let (h_factor, v_factor) = sampling_factors_12bit(subsampling)?;
    let luma_quant =
        tables::quality_scale_quant_table_ext(&tables::STD_LUMINANCE_QUANT_TABLE, quality, false);
    let chroma_quant =
        tables::quality_scale_quant_table_ext(&tables::STD_CHROMINANCE_QUANT_TABLE, quality, false);
    let luma_divisors = scale_quant_for_fdct(&luma_quant);
    let chroma_divisors = scale_quant_for_fdct(&chroma_quant);

    let mcu_width = h_factor * 8;
    let mcu_height = v_factor * 8;
    let mcus_x = width.div_ceil(mcu_width);
    let mcus_y = height.div_ceil(mcu_height);
    let padded_width = mcus_x * mcu_width;
    let padded_height = mcus_y * mcu_height;
    let (y_plane, cb_full, cr_full) =
        rgb_to_ycbcr_12bit_padded(pixels, width, height, padded_width, padded_height);
    let cb_plane = downsample_12bit_plane(
        &cb_full,
        padded_width,
        padded_height,
        height,
        h_factor,
        v_factor,
    );
    let cr_plane = downsample_12bit_plane(
        &cr_full,
        padded_width,
        padded_height,
        height,
        h_factor,
        v_factor,
    );
    let chroma_width = padded_width / h_factor;

    // libjpeg-turbo automatically enables Huffman optimization for 12-bit
    // sequential JPEG when the caller has not supplied custom tables.
    let mut dc_luma_freq = [0u32; 257];
    let mut ac_luma_freq = [0u32; 257];
    let mut dc_chroma_freq = [0u32; 257];
    let mut ac_chroma_freq = [0u32; 257];
    let mut blocks: Vec<(u8, [i16; 64])> =
        Vec::with_capacity(mcus_x * mcus_y * (h_factor * v_factor + 2));
    let mut prev_dc = [0i16; 3];
    let y_width_in_blocks = width.div_ceil(8);
    let y_height_in_blocks = height.div_ceil(8);

    for mcu_row in 0..mcus_y {
        for mcu_col in 0..mcus_x {
            for block_y in 0..v_factor {
                for block_x in 0..h_factor {
                    let absolute_block_x = mcu_col * h_factor + block_x;
                    let absolute_block_y = mcu_row * v_factor + block_y;
                    let quantized = if absolute_block_x >= y_width_in_blocks
                        || absolute_block_y >= y_height_in_blocks
                    {
                        let mut dummy = [0i16; 64];
                        dummy[0] = prev_dc[0];
                        dummy
                    } else {
                        quantize_12bit_block(
                            &y_plane,
                            padded_width,
                            absolute_block_x * 8,
                            absolute_block_y * 8,
                            &luma_divisors,
                        )
                    };
                    gather_12bit_block(
                        &quantized,
                        &mut prev_dc[0],
                        &mut dc_luma_freq,
                        &mut ac_luma_freq,
                    );
                    blocks.push((0, quantized));
                }
            }

            for (component, plane) in [(1u8, &cb_plane), (2u8, &cr_plane)] {
                let quantized = quantize_12bit_block(
                    plane,
                    chroma_width,
                    mcu_col * 8,
                    mcu_row * 8,
                    &chroma_divisors,
                );
                gather_12bit_block(
                    &quantized,
                    &mut prev_dc[component as usize],
                    &mut dc_chroma_freq,
                    &mut ac_chroma_freq,
                );
                blocks.push((component, quantized));
            }
        }
    }

    dc_luma_freq[256] = 1;
    ac_luma_freq[256] = 1;
    dc_chroma_freq[256] = 1;
    ac_chroma_freq[256] = 1;
    let (dc_luma_bits, dc_luma_values) = huff_opt::gen_optimal_table(&dc_luma_freq);
    let (ac_luma_bits, ac_luma_values) = huff_opt::gen_optimal_table(&ac_luma_freq);
    let (dc_chroma_bits, dc_chroma_values) = huff_opt::gen_optimal_table(&dc_chroma_freq);
    let (ac_chroma_bits, ac_chroma_values) = huff_opt::gen_optimal_table(&ac_chroma_freq);
    let dc_luma = build_huff_table(&dc_luma_bits, &dc_luma_values);
    let ac_luma = build_huff_table(&ac_luma_bits, &ac_luma_values);
    let dc_chroma = build_huff_table(&dc_chroma_bits, &dc_chroma_values);
    let ac_chroma = build_huff_table(&ac_chroma_bits, &ac_chroma_values);

    let mut bit_writer = BitWriter::new(width * height * 3);
    let mut prev_dc = [0i16; 3];
    for (component, block) in &blocks {
        let component = *component as usize;
        let (dc_table, ac_table) = if component == 0 {
            (&dc_luma, &ac_luma)
        } else {
            (&dc_chroma, &ac_chroma)
        };
        HuffmanEncoder::encode_block(
            &mut bit_writer,
            block,
            &mut prev_dc[component],
            dc_table,
            ac_table,
        );
    }
    bit_writer.flush();
    let mut output = Vec::with_capacity(bit_writer.data().len() + 1024);
    marker_writer::write_soi(&mut output);
    marker_writer::write_app0_jfif(&mut output);
    marker_writer::write_dqt(&mut output, 0, &luma_quant);
    marker_writer::write_dqt(&mut output, 1, &chroma_quant);
    write_sof0_precision(
        &mut output,
        width as u16,
        height as u16,
        precision,
        &[
            (1, h_factor as u8, v_factor as u8, 0),
            (2, 1, 1, 1),
            (3, 1, 1, 1),
        ],
    );
    marker_writer::write_dht(&mut output, 0, 0, &dc_luma_bits, &dc_luma_values);
    marker_writer::write_dht(&mut output, 1, 0, &ac_luma_bits, &ac_luma_values);
    marker_writer::write_dht(&mut output, 0, 1, &dc_chroma_bits, &dc_chroma_values);
    marker_writer::write_dht(&mut output, 1, 1, &ac_chroma_bits, &ac_chroma_values);
    marker_writer::write_sos(&mut output, &[(1, 0, 0), (2, 1, 1), (3, 1, 1)]);
    output.extend_from_slice(bit_writer.data());
    marker_writer::write_eoi(&mut output);
    Ok(output)
}

fn sampling_factors_12bit(subsampling: Subsampling) -> Result<(usize, usize)> {
    match subsampling {
        Subsampling::S444 | Subsampling::Unknown => Ok((1, 1)),
        Subsampling::S422 => Ok((2, 1)),
        Subsampling::S440 => Ok((1, 2)),
        Subsampling::S420 => Ok((2, 2)),
        Subsampling::S411 => Ok((4, 1)),
        Subsampling::S441 => Ok((1, 4)),
        Subsampling::S410 => Ok((4, 2)),
        Subsampling::S24 => Ok((2, 4)),
    }
}

fn rgb_to_ycbcr_12bit_padded(
    pixels: &[i16],
    width: usize,
    height: usize,
    padded_width: usize,
    padded_height: usize,
) -> (Vec<i16>, Vec<i16>, Vec<i16>) {
    let mut y_plane = vec![0i16; padded_width * padded_height];
    let mut cb_plane = vec![0i16; padded_width * padded_height];
    let mut cr_plane = vec![0i16; padded_width * padded_height];
    const CENTER: i32 = 2048 << 16;
    for y in 0..padded_height {
        let source_y = y.min(height - 1);
        for x in 0..padded_width {
            let source_x = x.min(width - 1);
            let source = (source_y * width + source_x) * 3;
            let r = pixels[source].clamp(0, 4095) as i32;
            let g = pixels[source + 1].clamp(0, 4095) as i32;
            let b = pixels[source + 2].clamp(0, 4095) as i32;
            let destination = y * padded_width + x;
            y_plane[destination] = ((19595 * r + 38470 * g + 7471 * b + 32768) >> 16) as i16;
            cb_plane[destination] =
                ((-11059 * r - 21709 * g + 32768 * b + CENTER + 32767) >> 16) as i16;
            cr_plane[destination] =
                ((32768 * r - 27439 * g - 5329 * b + CENTER + 32767) >> 16) as i16;
        }
    }
    (y_plane, cb_plane, cr_plane)
}

fn downsample_12bit_plane(
    input: &[i16],
    input_width: usize,
    input_height: usize,
    active_input_height: usize,
    horizontal: usize,
    vertical: usize,
) -> Vec<i16> {
    let output_width = input_width / horizontal;
    let output_height = input_height / vertical;
    let active_output_height = active_input_height.div_ceil(vertical);
    let mut output = vec![0i16; output_width * output_height];
    for y in 0..output_height {
        if y >= active_output_height {
            let previous_row = (active_output_height - 1) * output_width;
            let destination = y * output_width;
            output.copy_within(previous_row..previous_row + output_width, destination);
            continue;
        }
        for x in 0..output_width {
            let value = if horizontal == 2 && vertical == 1 {
                let offset = y * input_width + x * 2;
                (input[offset] as i32 + input[offset + 1] as i32 + (x & 1) as i32) >> 1
            } else if horizontal == 2 && vertical == 2 {
                let offset = y * 2 * input_width + x * 2;
                let bias = if x & 1 == 0 { 1 } else { 2 };
                (input[offset] as i32
                    + input[offset + 1] as i32
                    + input[offset + input_width] as i32
                    + input[offset + input_width + 1] as i32
                    + bias)
                    >> 2
            } else {
                let mut sum = 0i32;
                for dy in 0..vertical {
                    for dx in 0..horizontal {
                        sum +=
                            input[(y * vertical + dy) * input_width + x * horizontal + dx] as i32;
                    }
                }
                let sample_count = (horizontal * vertical) as i32;
                (sum + sample_count / 2) / sample_count
            };
            output[y * output_width + x] = value as i16;
        }
    }
    output
}

fn quantize_12bit_block(
    plane: &[i16],
    stride: usize,
    x: usize,
    y: usize,
    divisors: &[u16; 64],
) -> [i16; 64] {
    let mut block = [0i16; 64];
    for row in 0..8 {
        for column in 0..8 {
            block[row * 8 + column] = plane[(y + row) * stride + x + column] - 2048;
        }
    }
    let mut dct_output = [0i32; 64];
    fdct_12bit(&block, &mut dct_output);
    let mut quantized = [0i16; 64];
    quant::quantize_block(&dct_output, divisors, &mut quantized);
    quantized
}

fn gather_12bit_block(
    block: &[i16; 64],
    previous_dc: &mut i16,
    dc_frequency: &mut [u32; 257],
    ac_frequency: &mut [u32; 257],
) {
    huff_opt::gather_dc_symbol(block[0].wrapping_sub(*previous_dc), dc_frequency);
    *previous_dc = block[0];
    huff_opt::gather_ac_symbols(block, ac_frequency);
}

fn extract_block_12bit(
    plane: &[i16],
    width: usize,
    height: usize,
    bx: usize,
    by: usize,
    level_shift: i32,
    block: &mut [i16; 64],
) {
    for row in 0..8 {
        let sy = (by + row).min(height - 1);
        for col in 0..8 {
            let sx = (bx + col).min(width - 1);
            block[row * 8 + col] =
                (plane[sy * width + sx].clamp(0, 4095) as i32 - level_shift) as i16;
        }
    }
}

fn scale_quant_for_fdct(table: &[u16; 64]) -> [u16; 64] {
    let mut r = [0u16; 64];
    for i in 0..64 {
        r[i] = (table[i] as u32 * 8).min(65535) as u16;
    }
    r
}

fn write_sof0_precision(
    buf: &mut Vec<u8>,
    width: u16,
    height: u16,
    precision: u8,
    components: &[(u8, u8, u8, u8)],
) {
    buf.push(0xFF);
    // Baseline SOF0 is restricted to 8-bit samples. Extended sequential
    // DCT (SOF1) is required for 9- through 12-bit precision.
    buf.push(if precision > 8 { 0xC1 } else { 0xC0 });
    let length: u16 = 2 + 1 + 2 + 2 + 1 + (components.len() as u16 * 3);
    buf.extend_from_slice(&length.to_be_bytes());
    buf.push(precision);
    buf.extend_from_slice(&height.to_be_bytes());
    buf.extend_from_slice(&width.to_be_bytes());
    buf.push(components.len() as u8);
    for &(id, h, v, qt) in components {
        buf.push(id);
        buf.push((h << 4) | v);
        buf.push(qt);
    }
}

// ============================================================
// 12-bit decompress
// ============================================================

/// Fused h2v2 fancy upsample for 12-bit (i16) planes.
/// Exactly matches C jdsample.c h2v2_fancy_upsample: computes column sums
/// (vertical blend) then horizontal interpolation with a single >>4 shift.
///
/// `in_w` x `in_h` are the component's real samples (libjpeg's
/// `downsampled_width` / `downsampled_height`). Like `jinit_upsampler`, the
/// h2v1 and h2v2 triangle filters apply only to a component more than two
/// samples wide; a narrower one is replicated (`h2v1_upsample` /
/// `h2v2_upsample`).
#[allow(clippy::too_many_arguments)]
fn fancy_upsample_12bit(
    input: &[i16],
    in_stride: usize,
    in_w: usize,
    in_h: usize,
    h_factor: usize,
    v_factor: usize,
    output: &mut [i16],
    out_w: usize,
    out_h: usize,
) {
    let is_fancy_width: bool = in_w > 2;
    if h_factor == 2 && v_factor == 2 && is_fancy_width {
        // Fused h2v2: matches C h2v2_fancy_upsample exactly.
        for y in 0..in_h {
            let cur_off: usize = y * in_stride;
            let above_off: usize = if y > 0 { (y - 1) * in_stride } else { cur_off };
            let below_off: usize = if y + 1 < in_h {
                (y + 1) * in_stride
            } else {
                cur_off
            };

            for v in 0..2 {
                let oy: usize = y * 2 + v;
                if oy >= out_h {
                    break;
                }
                // inptr0 = nearest row, inptr1 = farther row
                let far_off: usize = if v == 0 { above_off } else { below_off };
                let colsum = |x: usize| input[cur_off + x] as i32 * 3 + input[far_off + x] as i32;

                // First column
                let mut this_cs: i32 = colsum(0);
                let mut next_cs: i32 = colsum(1);
                output[oy * out_w] = ((this_cs * 4 + 8) >> 4) as i16;
                if out_w > 1 {
                    output[oy * out_w + 1] = ((this_cs * 3 + next_cs + 7) >> 4) as i16;
                }
                let mut last_cs: i32 = this_cs;
                this_cs = next_cs;

                // Middle columns
                for x in 1..in_w - 1 {
                    next_cs = colsum(x + 1);
                    let ox: usize = x * 2;
                    if ox < out_w {
                        output[oy * out_w + ox] = ((this_cs * 3 + last_cs + 8) >> 4) as i16;
                    }
                    if ox + 1 < out_w {
                        output[oy * out_w + ox + 1] = ((this_cs * 3 + next_cs + 7) >> 4) as i16;
                    }
                    last_cs = this_cs;
                    this_cs = next_cs;
                }

                // Last column
                let ox: usize = (in_w - 1) * 2;
                if ox < out_w {
                    output[oy * out_w + ox] = ((this_cs * 3 + last_cs + 8) >> 4) as i16;
                }
                if ox + 1 < out_w {
                    output[oy * out_w + ox + 1] = ((this_cs * 4 + 7) >> 4) as i16;
                }
            }
        }
    } else if h_factor == 2 && v_factor == 1 && is_fancy_width {
        // h2v1: horizontal-only fancy upsample
        for y in 0..in_h.min(out_h) {
            let row = |x: usize| input[y * in_stride + x] as i32;
            // First column
            let inval: i32 = row(0);
            output[y * out_w] = inval as i16;
            output[y * out_w + 1] = ((inval * 3 + row(1) + 2) >> 2) as i16;
            // Middle
            for x in 1..in_w - 1 {
                let cur: i32 = row(x);
                let ox: usize = x * 2;
                if ox < out_w {
                    output[y * out_w + ox] = ((cur * 3 + row(x - 1) + 1) >> 2) as i16;
                }
                if ox + 1 < out_w {
                    output[y * out_w + ox + 1] = ((cur * 3 + row(x + 1) + 2) >> 2) as i16;
                }
            }
            // Last column
            let x: usize = in_w - 1;
            let cur: i32 = row(x);
            let ox: usize = x * 2;
            output[y * out_w + ox] = ((cur * 3 + row(x - 1) + 1) >> 2) as i16;
            if ox + 1 < out_w {
                output[y * out_w + ox + 1] = cur as i16;
            }
        }
    } else if h_factor == 1 && v_factor == 2 {
        // h1v2: vertical-only fancy upsample with ordered dither [1, 2]
        for y in 0..in_h {
            let cur = |x: usize| input[y * in_stride + x] as i32;
            let above = |x: usize| {
                if y > 0 {
                    input[(y - 1) * in_stride + x] as i32
                } else {
                    cur(x)
                }
            };
            let below = |x: usize| {
                if y + 1 < in_h {
                    input[(y + 1) * in_stride + x] as i32
                } else {
                    cur(x)
                }
            };
            let oy_top: usize = y * 2;
            let oy_bot: usize = y * 2 + 1;
            for x in 0..out_w.min(in_w) {
                if oy_top < out_h {
                    output[oy_top * out_w + x] = ((3 * cur(x) + above(x) + 1) >> 2) as i16;
                }
                if oy_bot < out_h {
                    output[oy_bot * out_w + x] = ((3 * cur(x) + below(x) + 2) >> 2) as i16;
                }
            }
        }
    } else {
        // Generic nearest-neighbor
        for y in 0..in_h {
            for dy in 0..v_factor {
                let oy: usize = y * v_factor + dy;
                if oy >= out_h {
                    break;
                }
                for x in 0..in_w {
                    let val: i16 = input[y * in_stride + x];
                    for dx in 0..h_factor {
                        let ox: usize = x * h_factor + dx;
                        if ox < out_w {
                            output[oy * out_w + ox] = val;
                        }
                    }
                }
            }
        }
    }
}

/// Bytes [`decompress_12bit_with_limits`] allocates from the frame geometry:
/// one `i16` plane per component at its padded iMCU size, one full-size
/// `i16` plane per component after upsampling, and the interleaved `i16`
/// result. Per-block scratch and the compressed input are not counted.
fn estimated_12bit_decode_bytes(
    width: usize,
    height: usize,
    plane_widths: &[usize],
    plane_heights: &[usize],
) -> u64 {
    // Plain `u64` arithmetic cannot overflow here: the SOF's dimensions are
    // `u16`, a plane is at most four iMCUs (32 samples) wider and taller, and
    // there are at most four components — about 2^39 bytes at the extreme.
    let sample_bytes: u64 = core::mem::size_of::<i16>() as u64;
    let component_planes: u64 = plane_widths
        .iter()
        .zip(plane_heights)
        .map(|(&w, &h)| w as u64 * h as u64)
        .sum();
    let full_plane: u64 = width as u64 * height as u64;
    let components: u64 = plane_widths.len() as u64;
    // Upsampled planes plus the interleaved result: two full-size images.
    (component_planes + 2 * full_plane * components) * sample_bytes
}

/// Bytes [`decompress_16bit_with_limits`] allocates from the frame geometry:
/// the `u16` output, plus — for more than one component — one full-size
/// `u16` plane per component it is interleaved from. Per-row scratch and the
/// compressed input are not counted.
fn estimated_16bit_decode_bytes(width: usize, height: usize, components: usize) -> u64 {
    // As above: `u16` dimensions and at most four components fit `u64` easily.
    let sample_bytes: u64 = core::mem::size_of::<u16>() as u64;
    let image_samples: u64 = width as u64 * height as u64 * components as u64;
    let planes: u64 = if components > 1 { image_samples } else { 0 };
    (image_samples + planes) * sample_bytes
}

/// Decompress a 12-bit JPEG (SOF1 extended sequential) to i16 samples.
///
/// Handles arbitrary chroma subsampling (4:4:4, 4:2:2, 4:2:0, etc.)
/// by decoding at component resolution and upsampling to full size.
///
/// The samples are in libjpeg's default output colour space for the source
/// (`jdapimin.c` `default_decompress_parms`): RGB for a YCbCr frame, CMYK
/// for a CMYK or YCCK frame, and the stored samples unchanged otherwise
/// (greyscale, an RGB-coded frame, an unrecognised component count).
///
/// Applies [`DecodeLimits::default`]; use [`decompress_12bit_with_limits`]
/// to bound the decode with a caller's budget.
pub fn decompress_12bit(data: &[u8]) -> Result<Image12> {
    decompress_12bit_with_limits(data, &DecodeLimits::default())
}

/// [`decompress_12bit`] under a caller's [`DecodeLimits`] (P4-199, #620).
///
/// `max_scans` bounds the header walk itself; `max_width`, `max_height` and
/// `max_pixels` are checked against the SOF before anything is sized from
/// it; `max_memory` is checked against the component planes, the upsampled
/// planes and the interleaved result — two bytes a sample each — before the
/// first of them is allocated. Exceeding any of them is
/// [`JpegError::LimitExceeded`].
///
/// A stream whose entropy-coded data ends before its last MCU is refused with
/// [`JpegError::UnexpectedEof`]; [`decompress_12bit_lenient`] decodes it as
/// djpeg does instead.
pub fn decompress_12bit_with_limits(data: &[u8], limits: &DecodeLimits) -> Result<Image12> {
    decompress_12bit_impl(data, limits, false, &mut Vec::new())
}

/// [`decompress_12bit`] that recovers from entropy-coded data ending before
/// the last MCU, as djpeg does (`JWRN_HIT_MARKER`): every MCU after the end,
/// up to the next restart marker, is mid-grey (2048), and the returned
/// warnings include [`DecodeWarning::TruncatedData`]. Other corruption is
/// still an error (P4-254).
pub fn decompress_12bit_lenient(data: &[u8]) -> Result<(Image12, Vec<DecodeWarning>)> {
    let mut warnings: Vec<DecodeWarning> = Vec::new();
    let image: Image12 =
        decompress_12bit_impl(data, &DecodeLimits::default(), true, &mut warnings)?;
    Ok((image, warnings))
}

/// The 12-bit decode behind [`decompress_12bit_with_limits`] and
/// [`decompress_12bit_lenient`]; `lenient` selects how a short entropy
/// segment is handled (P4-254).
pub(crate) fn decompress_12bit_impl(
    data: &[u8],
    limits: &DecodeLimits,
    lenient: bool,
    warnings: &mut Vec<DecodeWarning>,
) -> Result<Image12> {
    let mut reader = MarkerReader::new(data);
    reader.set_scan_cap(limits.max_scans);
    let metadata = reader.read_markers()?;
    // Frame-dimension guard (issue #355 review HIGH-1): bounds the header
    // bomb before block buffers are sized from the SOF.
    limits.check_frame(
        metadata.frame.width as usize,
        metadata.frame.height as usize,
    )?;
    limits.check_scans(metadata.scans.len())?;

    let frame = &metadata.frame;
    let width: usize = frame.width as usize;
    let height: usize = frame.height as usize;
    let num_components: usize = frame.components.len();
    if frame.precision != 12 {
        return Err(JpegError::Unsupported(format!(
            "decompress_12bit requires precision=12, got {}",
            frame.precision
        )));
    }
    if frame.is_lossless {
        return Err(JpegError::Unsupported(
            "decompress_12bit does not support lossless JPEG".to_string(),
        ));
    }
    let quant_tables: Vec<&crate::common::quant_table::QuantTable> = frame
        .components
        .iter()
        .map(|comp| {
            metadata.quant_tables[comp.quant_table_index as usize]
                .as_ref()
                .ok_or_else(|| {
                    JpegError::CorruptData(format!(
                        "missing quant table {}",
                        comp.quant_table_index
                    ))
                })
        })
        .collect::<Result<Vec<_>>>()?;
    // Resolve Huffman tables from scan header, matching component order.
    let scan = &metadata.scan;
    let mut comp_dc_tables: Vec<&crate::common::huffman_table::HuffmanTable> =
        Vec::with_capacity(num_components);
    let mut comp_ac_tables: Vec<&crate::common::huffman_table::HuffmanTable> =
        Vec::with_capacity(num_components);
    for scan_comp in &scan.components {
        let di: usize = scan_comp.dc_table_index as usize;
        let ai: usize = scan_comp.ac_table_index as usize;
        comp_dc_tables.push(
            metadata.dc_huffman_tables[di]
                .as_ref()
                .ok_or_else(|| JpegError::CorruptData(format!("missing DC table {}", di)))?,
        );
        comp_ac_tables.push(
            metadata.ac_huffman_tables[ai]
                .as_ref()
                .ok_or_else(|| JpegError::CorruptData(format!("missing AC table {}", ai)))?,
        );
    }
    // Build component index mapping: scan order -> frame component index.
    let scan_to_frame: Vec<usize> = scan
        .components
        .iter()
        .map(|sc| {
            frame
                .components
                .iter()
                .position(|fc| fc.id == sc.component_id)
                .ok_or_else(|| {
                    JpegError::CorruptData(format!(
                        "scan references unknown component id {}",
                        sc.component_id
                    ))
                })
        })
        .collect::<Result<Vec<_>>>()?;
    // Compute MCU dimensions based on max sampling factors.
    let max_h_samp: usize = frame
        .components
        .iter()
        .map(|c| c.horizontal_sampling as usize)
        .max()
        .unwrap_or(1);
    let max_v_samp: usize = frame
        .components
        .iter()
        .map(|c| c.vertical_sampling as usize)
        .max()
        .unwrap_or(1);
    for (component_index, component) in frame.components.iter().enumerate() {
        let horizontal_sampling: usize = component.horizontal_sampling as usize;
        let vertical_sampling: usize = component.vertical_sampling as usize;
        if horizontal_sampling == 0 || vertical_sampling == 0 {
            return Err(JpegError::CorruptData(format!(
                "12-bit component {component_index} has zero sampling factor"
            )));
        }
        if !max_h_samp.is_multiple_of(horizontal_sampling)
            || !max_v_samp.is_multiple_of(vertical_sampling)
        {
            return Err(JpegError::Unsupported(format!(
                "12-bit component {component_index} sampling {horizontal_sampling}x{vertical_sampling} is not supported because it is not an integral divisor of maximum sampling {max_h_samp}x{max_v_samp}"
            )));
        }
    }
    let mcu_width: usize = max_h_samp * 8;
    let mcu_height: usize = max_v_samp * 8;
    let mcus_x: usize = width.div_ceil(mcu_width);
    let mcus_y: usize = height.div_ceil(mcu_height);
    // Per-component sampling and plane dimensions.
    let comp_h_samp: Vec<usize> = frame
        .components
        .iter()
        .map(|c| c.horizontal_sampling as usize)
        .collect();
    let comp_v_samp: Vec<usize> = frame
        .components
        .iter()
        .map(|c| c.vertical_sampling as usize)
        .collect();
    let comp_plane_w: Vec<usize> = comp_h_samp.iter().map(|&h| mcus_x * h * 8).collect();
    let comp_plane_h: Vec<usize> = comp_v_samp.iter().map(|&v| mcus_y * v * 8).collect();
    // Every buffer below is sized from the SOF; refuse before the first.
    limits.check_memory(estimated_12bit_decode_bytes(
        width,
        height,
        &comp_plane_w,
        &comp_plane_h,
    ))?;
    let entropy_data: &[u8] = &data[metadata.entropy_data_offset..];
    let mut bit_reader: BitReader<'_> = BitReader::new(entropy_data);
    let level_shift: i32 = 2048;
    let _ = mcu_height;
    // Allocate per-component planes at component resolution.
    let mut planes: Vec<Vec<i16>> = (0..num_components)
        .map(|c| vec![0i16; comp_plane_w[c] * comp_plane_h[c]])
        .collect();
    let mut prev_dc: Vec<i32> = vec![0i32; num_components];
    // u32 like every other decoder's counter: a u16 overflows past 65,535
    // MCUs (a 2048x2048 12-bit frame), panicking in debug builds and, once
    // wrapped, misplacing restarts in release builds (P4-251). A u32 cannot:
    // SOF dimensions are 16-bit and an MCU is at least 8x8, so a frame has at
    // most 8192 x 8192 = 67,108,864 MCUs.
    let mut mcu_count: u32 = 0;
    for mcu_row in 0..mcus_y {
        for mcu_col in 0..mcus_x {
            // Handle restart intervals.
            if metadata.restart_interval > 0
                && mcu_count > 0
                && mcu_count.is_multiple_of(u32::from(metadata.restart_interval))
            {
                bit_reader.reset();
                prev_dc.fill(0);
            }
            // Once the segment has run short, blocks stay zero: mid-grey (P4-254).
            let segment_short: bool = bit_reader.insufficient_data();
            // Decode blocks in scan order (matching C libjpeg-turbo MCU structure).
            for (scan_idx, &frame_idx) in scan_to_frame.iter().enumerate() {
                let h_samp: usize = comp_h_samp[frame_idx];
                let v_samp: usize = comp_v_samp[frame_idx];
                let pw: usize = comp_plane_w[frame_idx];
                let qt = quant_tables[frame_idx];
                let dc_table = comp_dc_tables[scan_idx];
                let ac_table = comp_ac_tables[scan_idx];
                for v in 0..v_samp {
                    for h in 0..h_samp {
                        let mut block = [0i16; 64];
                        if !segment_short {
                            let dc_diff: i16 =
                                huffman::decode_dc_coefficient(&mut bit_reader, dc_table)
                                    .map_err(|e| short_segment_error(&bit_reader, e))?;
                            // Use i32 for DC prediction to avoid overflow with 12-bit range.
                            prev_dc[frame_idx] += dc_diff as i32;
                            block[0] = prev_dc[frame_idx].clamp(-32768, 32767) as i16;
                            huffman::decode_ac_coefficients(&mut bit_reader, ac_table, &mut block)
                                .map_err(|e| short_segment_error(&bit_reader, e))?;
                        }
                        // Dequantize
                        let mut deq = [0i16; 64];
                        for k in 0..64 {
                            let val: i32 = block[k] as i32 * qt.values[k] as i32;
                            deq[k] = val.clamp(-32768, 32767) as i16;
                        }
                        // IDCT — use 12-bit variant with PASS1_BITS=1 to avoid overflow
                        let idct_out: [i16; 64] = crate::decode::idct::idct_8x8_12bit(&deq);
                        // Write to component plane at component resolution.
                        let block_x: usize = (mcu_col * h_samp + h) * 8;
                        let block_y: usize = (mcu_row * v_samp + v) * 8;
                        if block_x + 8 > pw || block_y + 8 > comp_plane_h[frame_idx] {
                            return Err(JpegError::CorruptData(format!(
                                "12-bit scan block exceeds component {} plane: block=({}, {}), plane={}x{}",
                                frame_idx, block_x, block_y, pw, comp_plane_h[frame_idx]
                            )));
                        }
                        for row in 0..8 {
                            let py: usize = block_y + row;
                            for col in 0..8 {
                                let px: usize = block_x + col;
                                let val: i32 = idct_out[row * 8 + col] as i32 + level_shift;
                                planes[frame_idx][py * pw + px] = val.clamp(0, 4095) as i16;
                            }
                        }
                    }
                }
            }
            check_segment_end(
                &bit_reader,
                segment_short,
                lenient,
                mcu_count as usize,
                mcus_x * mcus_y,
                warnings,
            )?;
            mcu_count += 1;
        }
    }
    // Upsample chroma planes to full resolution using fancy triangle filter
    // (matches C jdsample.c h2v2_fancy_upsample / h2v1_fancy_upsample).
    let mut full_planes: Vec<Vec<i16>> = Vec::with_capacity(num_components);
    for c in 0..num_components {
        let h_factor: usize = max_h_samp / comp_h_samp[c];
        let v_factor: usize = max_v_samp / comp_v_samp[c];
        if h_factor == 1 && v_factor == 1 {
            // No upsampling needed — copy as-is (trimmed to image size).
            let pw: usize = comp_plane_w[c];
            let mut full: Vec<i16> = vec![0i16; width * height];
            for y in 0..height {
                for x in 0..width {
                    full[y * width + x] = planes[c][y * pw + x];
                }
            }
            full_planes.push(full);
        } else {
            // libjpeg's `downsampled_width` / `downsampled_height`
            // (`jdinput.c`): the real samples, without the MCU padding the
            // upsampler must not blend in at the edge (issue #693).
            let in_w: usize = comp_plane_w[c].min(width.div_ceil(h_factor));
            let in_h: usize = comp_plane_h[c].min(height.div_ceil(v_factor));
            let pw: usize = comp_plane_w[c];
            let mut full: Vec<i16> = vec![0i16; width * height];
            fancy_upsample_12bit(
                &planes[c], pw, in_w, in_h, h_factor, v_factor, &mut full, width, height,
            );
            full_planes.push(full);
        }
    }

    // Classify the source as libjpeg does (`jdapimin.c`
    // `default_decompress_parms`, from the JFIF/Adobe state at the first SOS
    // and the component IDs) and convert to its default output: YCbCr to
    // RGB, YCCK to CMYK, everything else unchanged. Converting on the
    // component count alone turned an RGB-coded frame's colours a second
    // time and returned YCCK as if it were CMYK (issue #694).
    let component_ids: [u8; 3] = if num_components == 3 {
        [
            frame.components[0].id,
            frame.components[1].id,
            frame.components[2].id,
        ]
    } else {
        [0; 3]
    };
    let source_color_space: ColorSpace = ColorSpace::classify_source(
        num_components,
        metadata.saw_jfif_marker_at_first_sos,
        metadata.adobe_transform_at_first_sos,
        &component_ids,
        frame.is_lossless,
    );
    // YCbCr → RGB color conversion (12-bit range: 0–4095, center=2048).
    // Matches C jdcolor.c exactly: SCALEBITS=16, FIX(x) = (x * 65536 + 0.5).
    let ycc_to_rgb = |yy: i32, cb: i32, cr: i32| -> [i32; 3] {
        const FIX_1_402: i32 = 91881;
        const FIX_0_344: i32 = 22554;
        const FIX_0_714: i32 = 46802;
        const FIX_1_772: i32 = 116130;
        const ONE_HALF: i32 = 1 << 15; // 2^15
        const SCALEBITS: i32 = 16;
        let cb: i32 = cb - 2048;
        let cr: i32 = cr - 2048;
        [
            (yy + ((FIX_1_402 * cr + ONE_HALF) >> SCALEBITS)).clamp(0, 4095),
            (yy + ((-FIX_0_344 * cb + -FIX_0_714 * cr + ONE_HALF) >> SCALEBITS)).clamp(0, 4095),
            (yy + ((FIX_1_772 * cb + ONE_HALF) >> SCALEBITS)).clamp(0, 4095),
        ]
    };
    let mut result: Vec<i16> = Vec::with_capacity(width * height * num_components);
    if source_color_space == ColorSpace::YCbCr {
        let ycc = full_planes[0]
            .iter()
            .zip(&full_planes[1])
            .zip(&full_planes[2]);
        for ((&yy, &cb), &cr) in ycc {
            let rgb: [i32; 3] = ycc_to_rgb(yy as i32, cb as i32, cr as i32);
            result.extend(rgb.map(|value| value as i16));
        }
    } else if source_color_space == ColorSpace::Ycck {
        // `jdcolor.c` `ycck_cmyk_convert`: the YCbCr → RGB math, inverted to
        // C, M, Y; K passes through.
        let ycck = full_planes[0]
            .iter()
            .zip(&full_planes[1])
            .zip(&full_planes[2])
            .zip(&full_planes[3]);
        for (((&yy, &cb), &cr), &k) in ycck {
            let rgb: [i32; 3] = ycc_to_rgb(yy as i32, cb as i32, cr as i32);
            result.extend(rgb.map(|value| (4095 - value) as i16));
            result.push(k);
        }
    } else {
        for y in 0..height {
            for x in 0..width {
                for plane in &full_planes[..num_components] {
                    result.push(plane[y * width + x]);
                }
            }
        }
    }
    Ok(Image12 {
        data: result,
        width,
        height,
        num_components,
    })
}

// ============================================================
// 16-bit lossless compress
// ============================================================

/// Compress 16-bit sample data to lossless JPEG (SOF3).
pub fn compress_16bit(
    pixels: &[u16],
    width: usize,
    height: usize,
    num_components: usize,
    predictor: u8,
    point_transform: u8,
) -> Result<Vec<u8>> {
    compress_16bit_with_precision(
        pixels,
        width,
        height,
        num_components,
        predictor,
        point_transform,
        None,
    )
}

/// Like `compress_16bit` but with an explicit lossless precision override
/// (2..=16, the SOF3-legal range; the TurboJPEG layer uses 9..=12 for
/// 12-bit lossless and 13..=16 for 16-bit). When `None` the default of 16
/// is used.
pub fn compress_16bit_with_precision(
    pixels: &[u16],
    width: usize,
    height: usize,
    num_components: usize,
    predictor: u8,
    point_transform: u8,
    precision_override: Option<u8>,
) -> Result<Vec<u8>> {
    if !(1..=7).contains(&predictor) {
        return Err(JpegError::Unsupported(format!(
            "lossless predictor must be 1-7, got {}",
            predictor
        )));
    }
    if width == 0 || height == 0 {
        return Err(JpegError::CorruptData(
            "image dimensions must be non-zero".to_string(),
        ));
    }
    if num_components != 1 && num_components != 3 {
        return Err(JpegError::Unsupported(format!(
            "16-bit supports 1 or 3 components, got {}",
            num_components
        )));
    }
    let precision: u8 = precision_override.unwrap_or(16);
    // SOF3-legal precision range (2..=16, same contract as
    // compress_lossless_arbitrary); enforcing precision <= 16 also implies
    // pt <= 15, keeping Al inside its 4-bit SOS field (codex review on
    // issue #382: with the old `pt > 15` guard removed, Some(17)/Pt=16
    // would serialize a self-inconsistent Al and Some(255)/Pt=32 would
    // panic in the residual shifts). The TurboJPEG capi layer routes
    // 9..=12 (tj3Compress12 lossless) and 13..=16 (tj3Compress16) here.
    if !(2..=16).contains(&precision) {
        return Err(JpegError::Unsupported(format!(
            "lossless precision override must be 2-16, got {}",
            precision
        )));
    }
    // Same contract as decode: 0 <= Pt <= precision - 1 (jdlossls.c:247-261;
    // the encoder writes Al into the SOS, and C refuses to decode Al >=
    // precision). The old `> 15` guard let pt >= precision slip through for
    // sub-16 precision overrides, making `1 << (precision - pt - 1)`
    // negative in lossless_diff_16 (issue #382). Parameter checks run
    // before buffer sizing so absurd dimensions cannot panic the error
    // path first, and the sizing itself is checked.
    if point_transform >= precision {
        return Err(JpegError::Unsupported(format!(
            "point transform must be 0..{} (< precision {}), got {}",
            precision - 1,
            precision,
            point_transform
        )));
    }
    let expected: usize = width
        .checked_mul(height)
        .and_then(|n| n.checked_mul(num_components))
        .ok_or_else(|| {
            JpegError::CorruptData(format!(
                "image dimensions {}x{}x{} overflow",
                width, height, num_components
            ))
        })?;
    if pixels.len() < expected {
        return Err(JpegError::BufferTooSmall {
            need: expected,
            got: pixels.len(),
        });
    }
    if num_components == 1 {
        compress_16bit_gray(pixels, width, height, predictor, point_transform, precision)
    } else {
        compress_16bit_multi(
            pixels,
            width,
            height,
            num_components,
            predictor,
            point_transform,
            precision,
        )
    }
}

fn compress_16bit_gray(
    pixels: &[u16],
    width: usize,
    height: usize,
    predictor: u8,
    pt: u8,
    precision: u8,
) -> Result<Vec<u8>> {
    let dc_table = build_huff_table(&DC_LUMA_EXT_BITS, &DC_LUMA_EXT_VALUES);
    let mut bw = BitWriter::new(width * height * 2);
    for y in 0..height {
        for x in 0..width {
            let diff = lossless_diff_16(
                pixels[y * width + x] as i32,
                x,
                y,
                pixels,
                width,
                predictor,
                pt,
                precision,
            );
            encode_dc_only_wide(&mut bw, diff, &dc_table);
        }
    }
    bw.flush();
    let mut out = Vec::with_capacity(bw.data().len() + 256);
    marker_writer::write_soi(&mut out);
    marker_writer::write_dht(&mut out, 0, 0, &DC_LUMA_EXT_BITS, &DC_LUMA_EXT_VALUES);
    marker_writer::write_sof3(
        &mut out,
        width as u16,
        height as u16,
        precision,
        &[(1, 1, 1, 0)],
    );
    marker_writer::write_sos_lossless(&mut out, &[(1, 0)], predictor, pt);
    out.extend_from_slice(bw.data());
    marker_writer::write_eoi(&mut out);
    Ok(out)
}

fn compress_16bit_multi(
    pixels: &[u16],
    width: usize,
    height: usize,
    nc: usize,
    predictor: u8,
    pt: u8,
    precision: u8,
) -> Result<Vec<u8>> {
    let np = width * height;
    let planes: Vec<Vec<u16>> = (0..nc)
        .map(|c| (0..np).map(|i| pixels[i * nc + c]).collect())
        .collect();
    let dc_luma = build_huff_table(&DC_LUMA_EXT_BITS, &DC_LUMA_EXT_VALUES);
    let dc_chroma = build_huff_table(&DC_CHROMA_EXT_BITS, &DC_CHROMA_EXT_VALUES);
    let mut bw = BitWriter::new(np * nc * 2);
    for y in 0..height {
        for x in 0..width {
            for (c, plane) in planes.iter().enumerate() {
                let diff = lossless_diff_16(
                    plane[y * width + x] as i32,
                    x,
                    y,
                    plane,
                    width,
                    predictor,
                    pt,
                    precision,
                );
                let t = if c == 0 { &dc_luma } else { &dc_chroma };
                encode_dc_only_wide(&mut bw, diff, t);
            }
        }
    }
    bw.flush();
    let mut out = Vec::with_capacity(bw.data().len() + 512);
    marker_writer::write_soi(&mut out);
    marker_writer::write_dht(&mut out, 0, 0, &DC_LUMA_EXT_BITS, &DC_LUMA_EXT_VALUES);
    marker_writer::write_dht(&mut out, 0, 1, &DC_CHROMA_EXT_BITS, &DC_CHROMA_EXT_VALUES);
    let comps: Vec<(u8, u8, u8, u8)> = (0..nc).map(|c| (c as u8 + 1, 1, 1, 0)).collect();
    marker_writer::write_sof3(&mut out, width as u16, height as u16, precision, &comps);
    let sc: Vec<(u8, u8)> = (0..nc)
        .map(|c| (c as u8 + 1, if c == 0 { 0 } else { 1 }))
        .collect();
    marker_writer::write_sos_lossless(&mut out, &sc, predictor, pt);
    out.extend_from_slice(bw.data());
    marker_writer::write_eoi(&mut out);
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn lossless_diff_16(
    pixel: i32,
    x: usize,
    y: usize,
    plane: &[u16],
    width: usize,
    predictor: u8,
    pt: u8,
    precision: u8,
) -> i32 {
    // Same clamp defense as undifference_row_16 (issue #382): callers
    // validate `pt < precision`, this only prevents a panic path.
    let init_shift: i32 = (precision as i32)
        .saturating_sub(pt as i32)
        .saturating_sub(1)
        .clamp(0, 31);
    let initial = 1i32 << init_shift;
    let sample = pixel >> pt as i32;
    let prediction = if y == 0 && x == 0 {
        initial
    } else if y == 0 {
        (plane[y * width + x - 1] as i32) >> pt as i32
    } else if x == 0 {
        (plane[(y - 1) * width + x] as i32) >> pt as i32
    } else {
        let ra = (plane[y * width + x - 1] as i32) >> pt as i32;
        let rb = (plane[(y - 1) * width + x] as i32) >> pt as i32;
        let rc = (plane[(y - 1) * width + x - 1] as i32) >> pt as i32;
        lossless::predict(predictor, ra, rb, rc)
    };
    // Match libjpeg-turbo `jclossls.c` / `jclhuff.c`: the C path stores the
    // residual via `JDIFFROW` (= `JCOEF *` = `int16_t *`), which wraps to a
    // 16-bit signed value. For precision <= 14 the residual already fits, so
    // the wrap is a no-op; for precision = 16 the wrap is significant — e.g.
    // sample=65535, predicted=0 → raw diff = +65535, stored as int16 = -1.
    // The decoder reconstructs (predicted + diff) & ((1 << precision) - 1),
    // so the wrap decodes correctly. Mirror exactly via `as i16` so the
    // category histogram (and therefore the resulting Huffman table) matches
    // C cjpeg.
    (sample - prediction) as i16 as i32
}

fn encode_dc_only_wide(
    writer: &mut BitWriter,
    diff: i32,
    dc_table: &crate::encode::huffman_encode::HuffTable,
) {
    if diff == 0 {
        writer.write_bits(dc_table.ehufco[0], dc_table.ehufsi[0]);
        return;
    }
    let abs_diff = diff.unsigned_abs();
    let category = 32 - abs_diff.leading_zeros() as u8;
    writer.write_bits(
        dc_table.ehufco[category as usize],
        dc_table.ehufsi[category as usize],
    );
    let magnitude_bits: u16 = if diff > 0 {
        diff as u16
    } else {
        (diff - 1) as u16
    };
    // Category 16 is special per ITU-T T.81: no extra bits written.
    if category > 0 && category < 16 {
        writer.write_bits(magnitude_bits, category);
    }
}

// ============================================================
// 16-bit lossless decompress
// ============================================================

/// Resolve one DC Huffman table per **frame** component for a lossless scan.
///
/// Both high-precision lossless entry points below decode the single
/// fully-interleaved scan held in `metadata.scan` and index the result by
/// frame-component index (`for c in 0..nc`). A SOS listing fewer
/// components than the frame (`Ns < Nf`) is legal at parse time — C
/// splits the remainder across further scans (`jdmarker.c` `get_sos`) —
/// but it cannot be decoded here, so it is rejected up front instead of
/// indexing past a short table list.
///
/// This lives in one place because the two callers are twins and drifted:
/// Fuzz Smoke run 30485530878 panicked in the arbitrary-precision path
/// and, once that alone was fixed, run 30504332488 immediately found the
/// identical defect in `decompress_16bit`. The 8-bit equivalents in
/// `decode/pipeline_impl/lossless.rs` carry their own copies of this guard.
fn lossless_dc_tables<'a>(
    scan: &crate::common::types::ScanHeader,
    dc_huffman_tables: &'a [Option<alloc::sync::Arc<crate::common::huffman_table::HuffmanTable>>;
            4],
    nc: usize,
) -> Result<Vec<&'a crate::common::huffman_table::HuffmanTable>> {
    let mut dc_tables: Vec<&crate::common::huffman_table::HuffmanTable> = Vec::with_capacity(nc);
    for sc in scan.components.iter().take(nc) {
        let idx: usize = sc.dc_table_index as usize;
        dc_tables.push(
            dc_huffman_tables
                .get(idx)
                .and_then(|slot| slot.as_deref())
                .ok_or_else(|| JpegError::CorruptData(format!("missing DC table {}", idx)))?,
        );
    }
    if dc_tables.len() < nc {
        return Err(JpegError::CorruptData(format!(
            "lossless {}-component frame has a SOS listing {} component(s); \
             all {} must be present in a single interleaved scan",
            nc,
            dc_tables.len(),
            nc
        )));
    }
    Ok(dc_tables)
}

/// Decompress lossless JPEG to 16-bit sample data.
///
/// Applies [`DecodeLimits::default`]; use [`decompress_16bit_with_limits`]
/// to bound the decode with a caller's budget.
pub fn decompress_16bit(data: &[u8]) -> Result<Image16> {
    decompress_16bit_with_limits(data, &DecodeLimits::default())
}

/// [`decompress_16bit`] under a caller's [`DecodeLimits`] (P4-199, #620).
///
/// Same checks, in the same order, as [`decompress_12bit_with_limits`];
/// `max_memory` is checked against the `u16` output and, for a
/// multi-component frame, the planes it is interleaved from.
pub fn decompress_16bit_with_limits(data: &[u8], limits: &DecodeLimits) -> Result<Image16> {
    let mut reader = MarkerReader::new(data);
    reader.set_scan_cap(limits.max_scans);
    let metadata = reader.read_markers()?;
    // Frame-dimension guard (issue #355 review HIGH-1): bounds the header
    // bomb before block buffers are sized from the SOF.
    limits.check_frame(
        metadata.frame.width as usize,
        metadata.frame.height as usize,
    )?;
    limits.check_scans(metadata.scans.len())?;

    let frame = &metadata.frame;
    let width = frame.width as usize;
    let height = frame.height as usize;
    let nc = frame.components.len();
    if frame.precision != 16 {
        return Err(JpegError::Unsupported(format!(
            "decompress_16bit requires precision=16, got {}",
            frame.precision
        )));
    }
    if !frame.is_lossless {
        return Err(JpegError::Unsupported(
            "16-bit requires lossless JPEG".to_string(),
        ));
    }
    let scan = &metadata.scan;
    let psv = scan.spec_start;
    let pt = scan.succ_low;
    if !(1..=7).contains(&psv) {
        return Err(JpegError::Unsupported(format!(
            "lossless predictor {} (must be 1-7)",
            psv
        )));
    }
    let dc_tables = lossless_dc_tables(scan, &metadata.dc_huffman_tables, nc)?;
    // Each sample position is one MCU here (all components 1x1; P4-247
    // tracks subsampled frames), so an MCU row is `width` MCUs.
    let restart_rows: Option<usize> =
        lossless::restart_interval_rows(metadata.restart_interval, width)?;
    // Every buffer below is sized from the SOF; refuse before the first.
    limits.check_memory(estimated_16bit_decode_bytes(width, height, nc))?;
    let entropy = &data[metadata.entropy_data_offset..];
    let mut br = BitReader::new(entropy);
    if nc == 1 {
        let mut output = vec![0u16; width * height];
        let mut prev_row: Option<Vec<u16>> = None;
        for y in 0..height {
            let rs = y * width;
            let restart: bool = starts_restart_interval(y, restart_rows);
            if restart {
                br.reset();
            }
            let mut diffs = Vec::with_capacity(width);
            for _ in 0..width {
                diffs.push(
                    decode_dc_wide(&mut br, dc_tables[0])
                        .map_err(|e| short_segment_error(&br, e))?,
                );
            }
            // This row read past the end of its segment: refused (P4-254).
            check_segment_end(&br, false, false, rs, width * height, &mut Vec::new())?;
            undifference_row_16(
                &diffs,
                prev_row.as_deref(),
                &mut output[rs..rs + width],
                psv,
                16,
                pt,
                y == 0 || restart,
            );
            prev_row = Some(output[rs..rs + width].to_vec());
        }
        if pt > 0 {
            for v in output.iter_mut() {
                *v = ((*v as u32) << pt) as u16;
            }
        }
        Ok(Image16 {
            data: output,
            width,
            height,
            num_components: 1,
            precision: 16,
        })
    } else {
        let mut planes: Vec<Vec<u16>> = (0..nc).map(|_| vec![0u16; width * height]).collect();
        let mut prev_rows: Vec<Option<Vec<u16>>> = vec![None; nc];
        for y in 0..height {
            let rs = y * width;
            let restart: bool = starts_restart_interval(y, restart_rows);
            if restart {
                br.reset();
            }
            let mut cd: Vec<Vec<i16>> = (0..nc).map(|_| Vec::with_capacity(width)).collect();
            for _ in 0..width {
                for c in 0..nc {
                    cd[c].push(
                        decode_dc_wide(&mut br, dc_tables[c])
                            .map_err(|e| short_segment_error(&br, e))?,
                    );
                }
            }
            // This row read past the end of its segment: refused (P4-254).
            check_segment_end(&br, false, false, rs, width * height, &mut Vec::new())?;
            for c in 0..nc {
                undifference_row_16(
                    &cd[c],
                    prev_rows[c].as_deref(),
                    &mut planes[c][rs..rs + width],
                    psv,
                    16,
                    pt,
                    y == 0 || restart,
                );
                prev_rows[c] = Some(planes[c][rs..rs + width].to_vec());
            }
        }
        let mut result = Vec::with_capacity(width * height * nc);
        for i in 0..width * height {
            for plane in planes.iter().take(nc) {
                let v = if pt > 0 {
                    ((plane[i] as u32) << pt) as u16
                } else {
                    plane[i]
                };
                result.push(v);
            }
        }
        Ok(Image16 {
            data: result,
            width,
            height,
            num_components: nc,
            precision: 16,
        })
    }
}

/// Whether sample row `y` starts a restart interval after the first. At
/// such a row the decoder consumes the RSTn marker and predicts as on the
/// scan's first row (T.81 H.1.2.1; `jddiffct.c` `process_restart`).
fn starts_restart_interval(y: usize, restart_rows: Option<usize>) -> bool {
    restart_rows.is_some_and(|rows| y > 0 && y.is_multiple_of(rows))
}

fn undifference_row_16(
    diffs: &[i16],
    prev_row: Option<&[u16]>,
    output: &mut [u16],
    psv: u8,
    precision: u8,
    pt: u8,
    is_first_row: bool,
) {
    let mask: i64 = (1i64 << precision as i64) - 1;
    // Callers validate `pt < precision` (issue #382, mirroring
    // jdlossls.c:247-261); clamp anyway so a future unvalidated caller
    // cannot reintroduce the debug shift-overflow panic — same defense as
    // `undifference_row` in decode/lossless.rs.
    let init_shift: i32 = (precision as i32)
        .saturating_sub(pt as i32)
        .saturating_sub(1)
        .clamp(0, 31);
    let initial = 1i32 << init_shift;
    for x in 0..diffs.len() {
        let prediction = if is_first_row && x == 0 {
            initial
        } else if is_first_row {
            output[x - 1] as i32
        } else if x == 0 {
            prev_row.unwrap()[0] as i32
        } else {
            let ra = output[x - 1] as i32;
            let rb = prev_row.unwrap()[x] as i32;
            let rc = prev_row.unwrap()[x - 1] as i32;
            lossless::predict(psv, ra, rb, rc)
        };
        output[x] = ((diffs[x] as i32 + prediction) as i64 & mask) as u16;
    }
}

fn decode_dc_wide(
    reader: &mut BitReader,
    table: &crate::common::huffman_table::HuffmanTable,
) -> Result<i16> {
    let peek = reader.peek_bits(16);
    let (s, l) = table.lookup_fast(peek);
    let (category, code_len) = if l > 0 {
        (s, l)
    } else {
        table
            .lookup(peek)
            .inspect_err(|_| reader.note_failed_lookup())?
    };
    reader.skip_bits(code_len);
    if category == 0 {
        return Ok(0);
    }
    // Category 16 is a special case for 16-bit lossless JPEG (ITU-T T.81):
    // it always represents the value 32768 without reading any extra bits.
    if category == 16 {
        return Ok(-32768i16);
    }
    // A corrupt DHT can carry any symbol value; C rejects DC symbols above
    // 16 when building the table (jdhuff.c, JERR_BAD_HUFF_TABLE). Found by
    // fuzz_decompress_precision (issue #382): category >= 32 overflows the
    // sign-extension shift below.
    if category > 16 {
        return Err(JpegError::CorruptData(format!(
            "lossless DC category {} exceeds 16 (bogus Huffman table)",
            category
        )));
    }
    let extra_bits = reader.read_bits(category);
    if extra_bits >= 1u16.wrapping_shl(category as u32 - 1) {
        Ok(extra_bits as i16)
    } else {
        Ok(((-1i32 << category as i32) + 1 + extra_bits as i32) as i16)
    }
}

// ============================================================
// 12-bit scanline wrappers
// ============================================================

/// Write 12-bit scanlines (i16 samples, 0-4095) to a JPEG byte stream.
///
/// Collects all rows into a flat buffer, then delegates to `compress_12bit`.
/// Each row must contain `width * num_components` samples.
pub fn write_scanlines_12(
    rows: &[&[i16]],
    width: usize,
    height: usize,
    num_components: usize,
    quality: u8,
    subsampling: Subsampling,
) -> Result<Vec<u8>> {
    if rows.len() != height {
        return Err(JpegError::Unsupported(format!(
            "expected {} rows, got {}",
            height,
            rows.len()
        )));
    }
    let row_len: usize = width * num_components;
    let mut flat: Vec<i16> = Vec::with_capacity(row_len * height);
    for row in rows.iter() {
        if row.len() < row_len {
            return Err(JpegError::BufferTooSmall {
                need: row_len,
                got: row.len(),
            });
        }
        flat.extend_from_slice(&row[..row_len]);
    }
    compress_12bit(&flat, width, height, num_components, quality, subsampling)
}

/// Read 12-bit scanlines from a JPEG byte stream.
///
/// Decompresses the full image via `decompress_12bit`, then splits the result
/// into per-row vectors of `i16` samples.
pub fn read_scanlines_12(data: &[u8], num_lines: usize) -> Result<Vec<Vec<i16>>> {
    let image: Image12 = decompress_12bit(data)?;
    let row_len: usize = image.width * image.num_components;
    let lines_to_read: usize = num_lines.min(image.height);
    let mut rows: Vec<Vec<i16>> = Vec::with_capacity(lines_to_read);
    for y in 0..lines_to_read {
        let start: usize = y * row_len;
        rows.push(image.data[start..start + row_len].to_vec());
    }
    Ok(rows)
}

// ============================================================
// 16-bit scanline wrappers
// ============================================================

/// Write 16-bit scanlines (u16 samples, 0-65535) to a lossless JPEG byte stream.
///
/// Collects all rows into a flat buffer, then delegates to `compress_16bit`.
/// 16-bit JPEG is lossless only (SOF3). Each row must contain
/// `width * num_components` samples.
pub fn write_scanlines_16(
    rows: &[&[u16]],
    width: usize,
    height: usize,
    num_components: usize,
    predictor: u8,
    point_transform: u8,
) -> Result<Vec<u8>> {
    if rows.len() != height {
        return Err(JpegError::Unsupported(format!(
            "expected {} rows, got {}",
            height,
            rows.len()
        )));
    }
    let row_len: usize = width * num_components;
    let mut flat: Vec<u16> = Vec::with_capacity(row_len * height);
    for row in rows.iter() {
        if row.len() < row_len {
            return Err(JpegError::BufferTooSmall {
                need: row_len,
                got: row.len(),
            });
        }
        flat.extend_from_slice(&row[..row_len]);
    }
    compress_16bit(
        &flat,
        width,
        height,
        num_components,
        predictor,
        point_transform,
    )
}

/// Read 16-bit scanlines from a lossless JPEG byte stream.
///
/// Decompresses the full image via `decompress_16bit`, then splits the result
/// into per-row vectors of `u16` samples.
pub fn read_scanlines_16(data: &[u8], num_lines: usize) -> Result<Vec<Vec<u16>>> {
    let image: Image16 = decompress_16bit(data)?;
    let row_len: usize = image.width * image.num_components;
    let lines_to_read: usize = num_lines.min(image.height);
    let mut rows: Vec<Vec<u16>> = Vec::with_capacity(lines_to_read);
    for y in 0..lines_to_read {
        let start: usize = y * row_len;
        rows.push(image.data[start..start + row_len].to_vec());
    }
    Ok(rows)
}

// ============================================================
// Arbitrary-precision lossless compress (2-16 bit)
// ============================================================

/// Compress lossless JPEG with arbitrary precision (2-16 bit).
///
/// Pixel values must be in range `0..(2^precision - 1)`.
/// For precisions <= 8, values fit in `u8` but we accept `u16` for API uniformity.
pub fn compress_lossless_arbitrary(
    pixels: &[u16],
    width: usize,
    height: usize,
    num_components: usize,
    precision: u8,
    predictor: u8,
    point_transform: u8,
) -> Result<Vec<u8>> {
    if !(2..=16).contains(&precision) {
        return Err(JpegError::Unsupported(format!(
            "lossless precision must be 2-16, got {}",
            precision
        )));
    }
    if !(1..=7).contains(&predictor) {
        return Err(JpegError::Unsupported(format!(
            "lossless predictor must be 1-7, got {}",
            predictor
        )));
    }
    if point_transform >= precision {
        return Err(JpegError::Unsupported(format!(
            "point transform must be 0..{} (< precision {}), got {}",
            precision - 1,
            precision,
            point_transform
        )));
    }
    if width == 0 || height == 0 {
        return Err(JpegError::CorruptData(
            "image dimensions must be non-zero".to_string(),
        ));
    }
    if num_components != 1 && num_components != 3 {
        return Err(JpegError::Unsupported(format!(
            "lossless supports 1 or 3 components, got {}",
            num_components
        )));
    }
    let expected: usize = width * height * num_components;
    if pixels.len() < expected {
        return Err(JpegError::BufferTooSmall {
            need: expected,
            got: pixels.len(),
        });
    }
    // Validate that all pixel values are within the precision range
    let max_val: u16 = ((1u32 << precision as u32) - 1) as u16;
    for (idx, &val) in pixels[..expected].iter().enumerate() {
        if val > max_val {
            return Err(JpegError::Unsupported(format!(
                "pixel[{}] value {} exceeds max {} for {}-bit precision",
                idx, val, max_val, precision
            )));
        }
    }
    if num_components == 1 {
        compress_arbitrary_gray(pixels, width, height, precision, predictor, point_transform)
    } else {
        compress_arbitrary_multi(
            pixels,
            width,
            height,
            num_components,
            precision,
            predictor,
            point_transform,
        )
    }
}

fn compress_arbitrary_gray(
    pixels: &[u16],
    width: usize,
    height: usize,
    precision: u8,
    predictor: u8,
    pt: u8,
) -> Result<Vec<u8>> {
    let mut diffs = Vec::with_capacity(width * height);
    let mut dc_freq = [0u32; 257];
    for y in 0..height {
        for x in 0..width {
            let diff = lossless_diff_16(
                pixels[y * width + x] as i32,
                x,
                y,
                pixels,
                width,
                predictor,
                pt,
                precision,
            );
            gather_dc_symbol_wide(diff, &mut dc_freq);
            diffs.push(diff);
        }
    }
    dc_freq[256] = 1;
    let (dc_bits, dc_values) = huff_opt::gen_optimal_table(&dc_freq);
    let dc_table = build_huff_table(&dc_bits, &dc_values);
    let mut bw = BitWriter::new(width * height * 2);
    for diff in diffs {
        encode_dc_only_wide(&mut bw, diff, &dc_table);
    }
    bw.flush();
    let mut out = Vec::with_capacity(bw.data().len() + 256);
    marker_writer::write_soi(&mut out);
    marker_writer::write_app0_jfif(&mut out);
    marker_writer::write_sof3(
        &mut out,
        width as u16,
        height as u16,
        precision,
        &[(1, 1, 1, 0)],
    );
    marker_writer::write_dht(&mut out, 0, 0, &dc_bits, &dc_values);
    marker_writer::write_sos_lossless(&mut out, &[(1, 0)], predictor, pt);
    out.extend_from_slice(bw.data());
    marker_writer::write_eoi(&mut out);
    Ok(out)
}

fn compress_arbitrary_multi(
    pixels: &[u16],
    width: usize,
    height: usize,
    nc: usize,
    precision: u8,
    predictor: u8,
    pt: u8,
) -> Result<Vec<u8>> {
    let np: usize = width * height;
    let planes: Vec<Vec<u16>> = (0..nc)
        .map(|c| (0..np).map(|i| pixels[i * nc + c]).collect())
        .collect();
    let mut diffs = Vec::with_capacity(np * nc);
    let mut dc_freq = [0u32; 257];
    for y in 0..height {
        for x in 0..width {
            for plane in &planes {
                let diff = lossless_diff_16(
                    plane[y * width + x] as i32,
                    x,
                    y,
                    plane,
                    width,
                    predictor,
                    pt,
                    precision,
                );
                gather_dc_symbol_wide(diff, &mut dc_freq);
                diffs.push(diff);
            }
        }
    }
    dc_freq[256] = 1;
    let (dc_bits, dc_values) = huff_opt::gen_optimal_table(&dc_freq);
    let dc_table = build_huff_table(&dc_bits, &dc_values);
    let mut bw = BitWriter::new(np * nc * 2);
    for diff in diffs {
        encode_dc_only_wide(&mut bw, diff, &dc_table);
    }
    bw.flush();
    let mut out = Vec::with_capacity(bw.data().len() + 512);
    marker_writer::write_soi(&mut out);
    marker_writer::write_app14_adobe(&mut out, 0);
    let component_ids = *b"RGB";
    let comps: Vec<(u8, u8, u8, u8)> = component_ids[..nc]
        .iter()
        .map(|&id| (id, 1, 1, 0))
        .collect();
    marker_writer::write_sof3(&mut out, width as u16, height as u16, precision, &comps);
    marker_writer::write_dht(&mut out, 0, 0, &dc_bits, &dc_values);
    let sc: Vec<(u8, u8)> = component_ids[..nc].iter().map(|&id| (id, 0)).collect();
    marker_writer::write_sos_lossless(&mut out, &sc, predictor, pt);
    out.extend_from_slice(bw.data());
    marker_writer::write_eoi(&mut out);
    Ok(out)
}

fn gather_dc_symbol_wide(diff: i32, freq: &mut [u32; 257]) {
    let category = if diff == 0 {
        0
    } else {
        32 - diff.unsigned_abs().leading_zeros() as usize
    };
    freq[category] += 1;
}

// ============================================================
// Arbitrary-precision lossless decompress (2-16 bit)
// ============================================================

/// Decompress lossless JPEG with arbitrary precision (2-16 bit).
///
/// Reads the precision from the SOF3 marker and returns an `Image16`
/// with the `precision` field set accordingly.
///
/// A stream whose entropy-coded data ends before its last row is refused
/// with [`JpegError::UnexpectedEof`]; [`decompress_lossless_arbitrary_lenient`]
/// decodes it as djpeg does instead.
pub fn decompress_lossless_arbitrary(data: &[u8]) -> Result<Image16> {
    decompress_lossless_arbitrary_impl(data, false, &mut Vec::new())
}

/// [`decompress_lossless_arbitrary`] that recovers from entropy-coded data
/// ending before the last row, as djpeg does (`JWRN_HIT_MARKER`): every row
/// after the end, up to the next restart marker, is mid-grey
/// (`1 << (precision - 1)`), and the returned warnings include
/// [`DecodeWarning::TruncatedData`]. Other corruption is still an error
/// (P4-254).
pub fn decompress_lossless_arbitrary_lenient(data: &[u8]) -> Result<(Image16, Vec<DecodeWarning>)> {
    let mut warnings: Vec<DecodeWarning> = Vec::new();
    let image: Image16 = decompress_lossless_arbitrary_impl(data, true, &mut warnings)?;
    Ok((image, warnings))
}

fn decompress_lossless_arbitrary_impl(
    data: &[u8],
    lenient: bool,
    warnings: &mut Vec<DecodeWarning>,
) -> Result<Image16> {
    let mut reader = MarkerReader::new(data);
    let metadata = reader.read_markers()?;
    // Default frame-dimension guard (issue #355 review HIGH-1): this
    // entry point has no limits API, so the permissive defaults bound
    // the header bomb before block buffers are sized from the SOF.
    crate::common::types::DecodeLimits::default().check_frame(
        metadata.frame.width as usize,
        metadata.frame.height as usize,
    )?;

    let frame = &metadata.frame;
    let width: usize = frame.width as usize;
    let height: usize = frame.height as usize;
    let nc: usize = frame.components.len();
    let precision: u8 = frame.precision;
    if !(2..=16).contains(&precision) {
        return Err(JpegError::Unsupported(format!(
            "lossless precision must be 2-16, got {}",
            precision
        )));
    }
    if !frame.is_lossless {
        return Err(JpegError::Unsupported(
            "decompress_lossless_arbitrary requires lossless JPEG (SOF3)".to_string(),
        ));
    }
    let scan = &metadata.scan;
    let psv: u8 = scan.spec_start;
    let pt: u8 = scan.succ_low;
    if !(1..=7).contains(&psv) {
        return Err(JpegError::Unsupported(format!(
            "lossless predictor {} (must be 1-7)",
            psv
        )));
    }
    // C rejects the scan when Al (point transform) reaches the data
    // precision: legal values are 0 <= Pt <= precision - 1 and jdlossls.c
    // start_pass raises JERR_BAD_PROGRESSION otherwise (jdlossls.c:247-261).
    // Without this check the initial-prediction shift
    // `1 << (precision - pt - 1)` goes negative (issue #382).
    if pt >= frame.precision {
        return Err(JpegError::CorruptData(format!(
            "lossless point transform Al={} must be < precision {}",
            pt, frame.precision
        )));
    }
    let dc_tables = lossless_dc_tables(scan, &metadata.dc_huffman_tables, nc)?;
    // Each sample position is one MCU here (all components 1x1; P4-247
    // tracks subsampled frames), so an MCU row is `width` MCUs.
    let restart_rows: Option<usize> =
        lossless::restart_interval_rows(metadata.restart_interval, width)?;
    let entropy = &data[metadata.entropy_data_offset..];
    let mut br = BitReader::new(entropy);
    if nc == 1 {
        let mut output = vec![0u16; width * height];
        let mut prev_row: Option<Vec<u16>> = None;
        for y in 0..height {
            let rs: usize = y * width;
            let restart: bool = starts_restart_interval(y, restart_rows);
            if restart {
                br.reset();
            }
            // Once the segment has run short, a row is zero differences from a
            // reset predictor: mid-grey, as libjpeg leaves it (jdlhuff.c:224-239;
            // P4-254).
            let segment_short: bool = br.insufficient_data();
            let mut diffs = Vec::with_capacity(width);
            for _ in 0..width {
                diffs.push(if segment_short {
                    0
                } else {
                    decode_dc_wide(&mut br, dc_tables[0])
                        .map_err(|e| short_segment_error(&br, e))?
                });
            }
            check_segment_end(&br, segment_short, lenient, rs, width * height, warnings)?;
            undifference_row_16(
                &diffs,
                prev_row.as_deref(),
                &mut output[rs..rs + width],
                psv,
                precision,
                pt,
                y == 0 || restart || segment_short,
            );
            prev_row = Some(output[rs..rs + width].to_vec());
        }
        if pt > 0 {
            for v in output.iter_mut() {
                *v = ((*v as u32) << pt) as u16;
            }
        }
        Ok(Image16 {
            data: output,
            width,
            height,
            num_components: 1,
            precision,
        })
    } else {
        let mut planes: Vec<Vec<u16>> = (0..nc).map(|_| vec![0u16; width * height]).collect();
        let mut prev_rows: Vec<Option<Vec<u16>>> = vec![None; nc];
        for y in 0..height {
            let rs: usize = y * width;
            let restart: bool = starts_restart_interval(y, restart_rows);
            if restart {
                br.reset();
            }
            let segment_short: bool = br.insufficient_data();
            let mut cd: Vec<Vec<i16>> = (0..nc).map(|_| Vec::with_capacity(width)).collect();
            for _ in 0..width {
                for c in 0..nc {
                    cd[c].push(if segment_short {
                        0
                    } else {
                        decode_dc_wide(&mut br, dc_tables[c])
                            .map_err(|e| short_segment_error(&br, e))?
                    });
                }
            }
            check_segment_end(&br, segment_short, lenient, rs, width * height, warnings)?;
            for c in 0..nc {
                undifference_row_16(
                    &cd[c],
                    prev_rows[c].as_deref(),
                    &mut planes[c][rs..rs + width],
                    psv,
                    precision,
                    pt,
                    y == 0 || restart || segment_short,
                );
                prev_rows[c] = Some(planes[c][rs..rs + width].to_vec());
            }
        }
        let mut result = Vec::with_capacity(width * height * nc);
        for i in 0..width * height {
            for plane in planes.iter().take(nc) {
                let v: u16 = if pt > 0 {
                    ((plane[i] as u32) << pt) as u16
                } else {
                    plane[i]
                };
                result.push(v);
            }
        }
        Ok(Image16 {
            data: result,
            width,
            height,
            num_components: nc,
            precision,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{decompress_12bit, lossless_diff_16};

    #[test]
    fn unsupported_12bit_sampling_layout_returns_error_instead_of_panicking() {
        // Minimized from Fuzz Smoke run 117. Runs 118 and 121 reached the
        // same out-of-bounds write with independently generated inputs.
        let data: &[u8] = &[
            0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x45, 0xff, 0xf9, 0x01, 0x00,
            0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43, 0x00, 0x03, 0x02, 0x02,
            0x03, 0x02, 0x02, 0x03, 0x03, 0x03, 0x03, 0x04, 0x03, 0x23, 0x04, 0x05, 0x08, 0x05,
            0x05, 0x04, 0x04, 0x05, 0x0a, 0x07, 0x07, 0x06, 0x08, 0x0c, 0x0a, 0x0c, 0x0c, 0x0b,
            0x0a, 0x0b, 0x0b, 0x0d, 0x0e, 0x12, 0x10, 0x0d, 0x0e, 0x11, 0x0e, 0x0b, 0x0b, 0x10,
            0x16, 0x10, 0x11, 0x13, 0x14, 0x15, 0x15, 0x15, 0x0c, 0x0f, 0x17, 0x18, 0x16, 0x14,
            0x18, 0x12, 0x14, 0x15, 0x14, 0xff, 0xdb, 0x00, 0x43, 0x01, 0x0b, 0x04, 0x04, 0x05,
            0x04, 0x05, 0x09, 0x05, 0x05, 0x09, 0x14, 0x0d, 0x0b, 0x0d, 0x14, 0x14, 0x14, 0x14,
            0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
            0x14, 0x3b, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
            0x14, 0x14, 0x14, 0x14, 0x14, 0xff, 0xec, 0x14, 0x14, 0x14, 0x14, 0xff, 0xd9, 0x14,
            0x14, 0x14, 0x14, 0x14, 0xff, 0xc0, 0x00, 0x11, 0x0c, 0x00, 0x40, 0x00, 0x40, 0x03,
            0x01, 0x22, 0x00, 0x02, 0x31, 0x01, 0x03, 0x11, 0x01, 0xff, 0xc4, 0x00, 0x1f, 0x00,
            0x00, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
            0xff, 0xc4, 0x00, 0xb5, 0x10, 0x00, 0x02, 0x01, 0x03, 0x03, 0x02, 0x04, 0x03, 0x05,
            0x05, 0x04, 0x04, 0x00, 0x00, 0x01, 0x7d, 0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0xff,
            0xdc, 0x21, 0x33, 0x41, 0x06, 0x13, 0x51, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
            0x2f, 0xa1, 0x08, 0x23, 0x60, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62,
            0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28, 0x16,
            0x14, 0x18, 0x12, 0x14, 0x15, 0x14, 0xff, 0xca, 0x00, 0x0b, 0x08, 0x00, 0x10, 0x00,
            0x10, 0x01, 0x01, 0x11, 0x00, 0xff, 0xcc, 0x00, 0x04, 0x00, 0x10, 0xff, 0xda, 0x00,
            0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x01, 0xc1, 0xff, 0xcc, 0x00, 0x04, 0x10, 0x05,
            0xff, 0xda, 0x00, 0x0c, 0x01, 0x01, 0x00, 0x01, 0x05, 0x02, 0x5a, 0xa4, 0x3e, 0x6c,
            0xa6, 0x13, 0xbc, 0xff, 0xcc, 0x00, 0x04, 0x10, 0x05, 0xff, 0xda, 0x00, 0x08, 0x01,
            0x01, 0x00, 0x26, 0x3f, 0x02, 0x50, 0xde, 0xde, 0xf3, 0x26, 0x96, 0x67, 0xb5, 0x4a,
            0x5f, 0xb7, 0x36, 0x9c, 0x6b, 0xdb, 0xe5, 0xfa, 0x65, 0x99, 0x08, 0x4a, 0x8f, 0xbd,
            0xcf, 0x87, 0xa5, 0x23, 0x2b, 0x73, 0x2d, 0xac, 0x7c, 0xff, 0xcc, 0x00, 0x04, 0x10,
            0x05, 0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x01, 0x3f, 0x21, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0xff, 0x00, 0x0a, 0x1b, 0xfe, 0xa6, 0x4f, 0xfc, 0x91, 0xff,
            0x00, 0xe5, 0x88, 0x18, 0x1d, 0x72, 0x33, 0x72, 0x18, 0x29, 0xc7, 0x3f, 0xca, 0x31,
            0x01, 0x68, 0x74, 0x00, 0x9d, 0x55, 0x33, 0x00, 0x00, 0x2c, 0xbb, 0xe3, 0x6a, 0xab,
            0x01, 0xff, 0xd9, 0x9e, 0xdf, 0x9f, 0x5d, 0xb7, 0x52, 0xe5, 0x92, 0x49, 0x92, 0x4c,
            0xab, 0x63, 0x0b, 0x1f, 0x18, 0x5c, 0x0d, 0xcc, 0x4b, 0x15, 0xc0, 0xc9, 0xee, 0x4f,
            0x1d, 0xce, 0x90, 0xb2, 0x48, 0x19, 0x16, 0x72, 0x20, 0xf2, 0x83, 0x34, 0x68, 0x79,
        ];

        assert!(decompress_12bit(data).is_err());
    }

    /// `lossless_diff_16` must mirror libjpeg-turbo `jclossls.c` exactly:
    /// store the raw signed `samp - PREDICTOR` and let `JCOEF` (= `int16_t`)
    /// wrap. The earlier modulo-2^P fold collapsed high-magnitude residuals
    /// into a smaller signed range, which decoded to the same pixels but
    /// shifted symbol categories and broke byte-parity with cjpeg's
    /// optimised DC table. These cases are the inputs where the two
    /// behaviours diverge — they pin down the C semantics so a future
    /// refactor can't silently regress.
    #[test]
    fn lossless_diff_16_matches_c_int16_storage() {
        // For y=0, x=1 the function uses the left neighbour (`plane[0]`) as
        // prediction regardless of `predictor`. Each case below pins a
        // (sample, prediction) pair where the C `JCOEF` cast and the old
        // modulo-2^P fold disagree.

        // precision=16, sample=65535, prediction=0: C casts to int16 → -1.
        // The fold also returns -1 for this case (no observable change),
        // but pinning it guards the boundary where both implementations
        // happen to agree.
        let plane = [0u16, 0];
        let d = lossless_diff_16(65535, 1, 0, &plane, 2, 1, 0, 16);
        assert_eq!(d, -1);

        // precision=12, sample=4000, prediction=0: C keeps +4000 (category
        // 12). The old fold mapped 4000 → -96 (category 7). Different
        // category, different optimised Huffman code.
        let plane = [0u16, 0];
        let d = lossless_diff_16(4000, 1, 0, &plane, 2, 1, 0, 12);
        assert_eq!(d, 4000);

        // precision=4, sample=15, prediction=0: C keeps +15 (category 4,
        // magnitude bits 0b1111). The old fold mapped 15 → -1 (category 1,
        // magnitude bit 0b0). Same decoded pixel, different bitstream.
        let plane = [0u16, 0];
        let d = lossless_diff_16(15, 1, 0, &plane, 2, 1, 0, 4);
        assert_eq!(d, 15);

        // Boundary at the int16 minimum: sample=0, prediction=32768 wraps
        // to -32768 (the category-16 special case in `jclhuff.c`, encoded
        // with no extra magnitude bits).
        let plane = [32768u16, 0];
        let d = lossless_diff_16(0, 1, 0, &plane, 2, 1, 0, 16);
        assert_eq!(d, -32768);
    }
}
