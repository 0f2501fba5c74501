// libjpeg-turbo-rs: alloc prelude (no_std support, issue #356)
#[allow(unused_imports)]
use alloc::{format, vec};
/// Reduced-size IDCT implementations for scaled JPEG decoding.
///
/// These produce smaller output blocks from 8x8 DCT coefficients:
/// - idct_4x4: 4x4 output (1/2 scale)
/// - idct_2x2: 2x2 output (1/4 scale)
/// - idct_1x1: 1x1 output (1/8 scale)
///
/// Ported from libjpeg-turbo's jidctred.c.
// Fixed-point constants (CONST_BITS = 13)
const FIX_0_211164243: i32 = 1730;
const FIX_0_509795579: i32 = 4176;
const FIX_0_601344887: i32 = 4926;
const FIX_0_720959822: i32 = 5906;
const FIX_0_765366865: i32 = 6270;
const FIX_0_850430095: i32 = 6967;
const FIX_0_899976223: i32 = 7373;
const FIX_1_061594337: i32 = 8697;
const FIX_1_272758580: i32 = 10426;
const FIX_1_451774981: i32 = 11893;
const FIX_1_847759065: i32 = 15137;
const FIX_2_172734803: i32 = 17799;
const FIX_2_562915447: i32 = 20995;
const FIX_3_624509785: i32 = 29692;

const CONST_BITS: i32 = 13;
const PASS1_BITS: i32 = 2;
const CENTERJSAMPLE: i32 = 128;

/// Descale and round, mirroring C's `DESCALE`.
///
/// The rounding fudge is added with `wrapping_add` for the same reason
/// `decode/idct.rs` does: C's intermediates are `JLONG`, which
/// `jpegint.h:62` declares as `long` — only *"must hold at least signed
/// 32-bit values"*, so on LLP64/32-bit hosts these expressions wrap
/// silently. Corrupt coefficient/quant pairs drive them past `i32`, and
/// a Rust overflow-checked build turns that wrap into a panic
/// (Fuzz Smoke runs 30420069849 / 30438301770 / 30461194331 /
/// 30485530878 — five distinct `fuzz_decompress` crash seeds).
#[inline(always)]
fn descale(x: i32, n: i32) -> i32 {
    x.wrapping_add(1 << (n - 1)) >> n
}

/// Level-shift by `CENTERJSAMPLE` and clamp to a `u8` sample.
///
/// C indexes `range_limit[value & RANGE_MASK]` (`jidctred.c:278-289`),
/// which is *identical* to saturating for every `value` in
/// `[-512, 511]` — the range legal input can produce — and wraps
/// beyond it. We saturate instead, matching both the NEON twin in
/// `simd/aarch64/idct_scaled.rs` (`vqmovun_s16`) and C's own
/// `jidctred-neon.c`, so the scalar and SIMD backends agree on
/// corrupt input.
#[inline(always)]
fn level_shift_clamp(val: i32) -> u8 {
    val.saturating_add(CENTERJSAMPLE).clamp(0, 255) as u8
}

/// 4x4 reduced IDCT: produces 4x4 output from 8x8 DCT coefficients.
///
/// `coeffs` are raw DCT coefficients (not dequantized).
/// `quant` is the quantization table in natural order.
/// Output is 16 bytes in row-major order.
pub fn idct_4x4(coeffs: &[i16; 64], quant: &[u16; 64], output: &mut [u8; 16]) {
    let mut workspace = [0i32; 4 * 8]; // 4 columns × 8 rows

    // Pass 1: columns. Process columns 0-7, skip column 4.
    for col in 0..8 {
        if col == 4 {
            continue;
        }

        let c = |row: usize| -> i32 { coeffs[row * 8 + col] as i32 * quant[row * 8 + col] as i32 };

        // DC-only shortcut
        if c(1) == 0 && c(2) == 0 && c(3) == 0 && c(5) == 0 && c(6) == 0 && c(7) == 0 {
            let dcval = c(0) << PASS1_BITS;
            let ws_col = if col < 4 { col } else { col - 1 };
            workspace[ws_col] = dcval;
            workspace[7 + ws_col] = dcval;
            workspace[2 * 7 + ws_col] = dcval;
            workspace[3 * 7 + ws_col] = dcval;
            continue;
        }

        // Even part
        let tmp0 = c(0) << (CONST_BITS + 1);
        let z2 = c(2);
        let z3 = c(6);
        let tmp2 = z2
            .wrapping_mul(FIX_1_847759065)
            .wrapping_add(z3.wrapping_mul(-FIX_0_765366865));
        let tmp10 = tmp0.wrapping_add(tmp2);
        let tmp12 = tmp0.wrapping_sub(tmp2);

        // Odd part
        let z1 = c(7);
        let z2 = c(5);
        let z3 = c(3);
        let z4 = c(1);
        let tmp0 = z1
            .wrapping_mul(-FIX_0_211164243)
            .wrapping_add(z2.wrapping_mul(FIX_1_451774981))
            .wrapping_add(z3.wrapping_mul(-FIX_2_172734803))
            .wrapping_add(z4.wrapping_mul(FIX_1_061594337));
        let tmp2 = z1
            .wrapping_mul(-FIX_0_509795579)
            .wrapping_add(z2.wrapping_mul(-FIX_0_601344887))
            .wrapping_add(z3.wrapping_mul(FIX_0_899976223))
            .wrapping_add(z4.wrapping_mul(FIX_2_562915447));

        let ws_col = if col < 4 { col } else { col - 1 };
        workspace[ws_col] = descale(tmp10.wrapping_add(tmp2), CONST_BITS - PASS1_BITS + 1);
        workspace[3 * 7 + ws_col] = descale(tmp10.wrapping_sub(tmp2), CONST_BITS - PASS1_BITS + 1);
        workspace[7 + ws_col] = descale(tmp12.wrapping_add(tmp0), CONST_BITS - PASS1_BITS + 1);
        workspace[2 * 7 + ws_col] = descale(tmp12.wrapping_sub(tmp0), CONST_BITS - PASS1_BITS + 1);
    }

    // Pass 2: rows. Process 4 rows, producing 4 output pixels each.
    for row in 0..4 {
        let w = |col: usize| -> i32 { workspace[row * 7 + col] };

        // DC-only shortcut
        if w(1) == 0 && w(2) == 0 && w(3) == 0 && w(4) == 0 && w(5) == 0 && w(6) == 0 {
            let dcval = level_shift_clamp(descale(w(0), PASS1_BITS + 3));
            output[row * 4] = dcval;
            output[row * 4 + 1] = dcval;
            output[row * 4 + 2] = dcval;
            output[row * 4 + 3] = dcval;
            continue;
        }

        // Even part
        let tmp0 = w(0) << (CONST_BITS + 1);
        let z2 = w(2);
        let z3 = w(5); // note: ws col 5 maps to original col 6 (skipping col 4)
        let tmp2 = z2
            .wrapping_mul(FIX_1_847759065)
            .wrapping_add(z3.wrapping_mul(-FIX_0_765366865));
        let tmp10 = tmp0.wrapping_add(tmp2);
        let tmp12 = tmp0.wrapping_sub(tmp2);

        // Odd part
        let z1 = w(6); // original col 7
        let z2 = w(4); // original col 5
        let z3 = w(3); // original col 3
        let z4 = w(1); // original col 1
        let tmp0 = z1
            .wrapping_mul(-FIX_0_211164243)
            .wrapping_add(z2.wrapping_mul(FIX_1_451774981))
            .wrapping_add(z3.wrapping_mul(-FIX_2_172734803))
            .wrapping_add(z4.wrapping_mul(FIX_1_061594337));
        let tmp2 = z1
            .wrapping_mul(-FIX_0_509795579)
            .wrapping_add(z2.wrapping_mul(-FIX_0_601344887))
            .wrapping_add(z3.wrapping_mul(FIX_0_899976223))
            .wrapping_add(z4.wrapping_mul(FIX_2_562915447));

        let shift = CONST_BITS + PASS1_BITS + 3 + 1;
        output[row * 4] = level_shift_clamp(descale(tmp10.wrapping_add(tmp2), shift));
        output[row * 4 + 3] = level_shift_clamp(descale(tmp10.wrapping_sub(tmp2), shift));
        output[row * 4 + 1] = level_shift_clamp(descale(tmp12.wrapping_add(tmp0), shift));
        output[row * 4 + 2] = level_shift_clamp(descale(tmp12.wrapping_sub(tmp0), shift));
    }
}

/// 2x2 reduced IDCT: produces 2x2 output from 8x8 DCT coefficients.
pub fn idct_2x2(coeffs: &[i16; 64], quant: &[u16; 64], output: &mut [u8; 4]) {
    let mut workspace = [0i32; 2 * 8]; // 2 columns × 8 rows

    // Pass 1: columns. Only odd-indexed original columns contribute (0,1,3,5,7).
    // Skip columns 2, 4, 6.
    for col in 0..8 {
        if col == 2 || col == 4 || col == 6 {
            continue;
        }

        let c = |row: usize| -> i32 { coeffs[row * 8 + col] as i32 * quant[row * 8 + col] as i32 };

        // DC-only shortcut
        if c(1) == 0 && c(3) == 0 && c(5) == 0 && c(7) == 0 {
            let dcval = c(0) << PASS1_BITS;
            let ws_col = match col {
                0 => 0,
                1 => 1,
                3 => 2,
                5 => 3,
                7 => 4,
                _ => unreachable!(),
            };
            workspace[ws_col] = dcval;
            workspace[5 + ws_col] = dcval;
            continue;
        }

        // Even part
        let tmp10 = c(0) << (CONST_BITS + 2);

        // Odd part
        let tmp0 = c(7)
            .wrapping_mul(-FIX_0_720959822)
            .wrapping_add(c(5).wrapping_mul(FIX_0_850430095))
            .wrapping_add(c(3).wrapping_mul(-FIX_1_272758580))
            .wrapping_add(c(1).wrapping_mul(FIX_3_624509785));

        let ws_col = match col {
            0 => 0,
            1 => 1,
            3 => 2,
            5 => 3,
            7 => 4,
            _ => unreachable!(),
        };
        workspace[ws_col] = descale(tmp10.wrapping_add(tmp0), CONST_BITS - PASS1_BITS + 2);
        workspace[5 + ws_col] = descale(tmp10.wrapping_sub(tmp0), CONST_BITS - PASS1_BITS + 2);
    }

    // Pass 2: rows
    for row in 0..2 {
        let w = |col: usize| -> i32 { workspace[row * 5 + col] };

        // DC-only shortcut
        if w(1) == 0 && w(2) == 0 && w(3) == 0 && w(4) == 0 {
            let dcval = level_shift_clamp(descale(w(0), PASS1_BITS + 3));
            output[row * 2] = dcval;
            output[row * 2 + 1] = dcval;
            continue;
        }

        // Even part
        let tmp10 = w(0) << (CONST_BITS + 2);

        // Odd part: ws cols 1,2,3,4 map to original cols 1,3,5,7
        let tmp0 = w(4)
            .wrapping_mul(-FIX_0_720959822)
            .wrapping_add(w(3).wrapping_mul(FIX_0_850430095))
            .wrapping_add(w(2).wrapping_mul(-FIX_1_272758580))
            .wrapping_add(w(1).wrapping_mul(FIX_3_624509785));

        let shift = CONST_BITS + PASS1_BITS + 3 + 2;
        output[row * 2] = level_shift_clamp(descale(tmp10.wrapping_add(tmp0), shift));
        output[row * 2 + 1] = level_shift_clamp(descale(tmp10.wrapping_sub(tmp0), shift));
    }
}

/// 1x1 reduced IDCT: produces single pixel from DC coefficient.
pub fn idct_1x1(coeffs: &[i16; 64], quant: &[u16; 64]) -> u8 {
    // `i16 * u16` peaks at 32767 * 65535 = 2_147_418_945 < i32::MAX, so the
    // dequantize itself cannot overflow for any input.
    let dcval = coeffs[0] as i32 * quant[0] as i32;
    level_shift_clamp(descale(dcval, 3))
}

/// 4x4 reduced IDCT writing directly to a strided buffer.
///
/// # Safety
/// `output` must point to at least `3 * stride + 4` writable bytes.
pub unsafe fn idct_4x4_strided(
    coeffs: &[i16; 64],
    quant: &[u16; 64],
    output: *mut u8,
    stride: usize,
) {
    unsafe {
        let mut tmp = [0u8; 16];
        idct_4x4(coeffs, quant, &mut tmp);
        for row in 0..4 {
            core::ptr::copy_nonoverlapping(tmp.as_ptr().add(row * 4), output.add(row * stride), 4);
        }
    }
}

/// 2x2 reduced IDCT writing directly to a strided buffer.
///
/// # Safety
/// `output` must point to at least `stride + 2` writable bytes.
pub unsafe fn idct_2x2_strided(
    coeffs: &[i16; 64],
    quant: &[u16; 64],
    output: *mut u8,
    stride: usize,
) {
    unsafe {
        let mut tmp = [0u8; 4];
        idct_2x2(coeffs, quant, &mut tmp);
        for row in 0..2 {
            core::ptr::copy_nonoverlapping(tmp.as_ptr().add(row * 2), output.add(row * stride), 2);
        }
    }
}

/// 1x1 reduced IDCT writing to a strided buffer.
///
/// # Safety
/// `output` must point to at least 1 writable byte.
pub unsafe fn idct_1x1_strided(
    coeffs: &[i16; 64],
    quant: &[u16; 64],
    output: *mut u8,
    _stride: usize,
) {
    unsafe {
        *output = idct_1x1(coeffs, quant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idct_1x1_dc_only() {
        let mut coeffs = [0i16; 64];
        let mut quant = [1u16; 64];
        // DC = 800, quant = 1 → dcval = 800, descale(800, 3) = 100, + 128 = 228
        coeffs[0] = 800;
        quant[0] = 1;
        assert_eq!(idct_1x1(&coeffs, &quant), 228);
    }

    #[test]
    fn idct_1x1_with_quant() {
        let mut coeffs = [0i16; 64];
        let mut quant = [1u16; 64];
        // DC = 10, quant = 16 → dcval = 160, descale(160, 3) = 20, + 128 = 148
        coeffs[0] = 10;
        quant[0] = 16;
        assert_eq!(idct_1x1(&coeffs, &quant), 148);
    }

    #[test]
    fn idct_1x1_clamps_high() {
        let mut coeffs = [0i16; 64];
        let mut quant = [1u16; 64];
        coeffs[0] = 2000;
        quant[0] = 1;
        // descale(2000, 3) = 250, + 128 = 378 → clamped to 255
        assert_eq!(idct_1x1(&coeffs, &quant), 255);
    }

    #[test]
    fn idct_1x1_clamps_low() {
        let mut coeffs = [0i16; 64];
        let mut quant = [1u16; 64];
        coeffs[0] = -2000;
        quant[0] = 1;
        // descale(-2000, 3) = -250, + 128 = -122 → clamped to 0
        assert_eq!(idct_1x1(&coeffs, &quant), 0);
    }

    #[test]
    fn idct_1x1_zero_dc() {
        let coeffs = [0i16; 64];
        let quant = [1u16; 64];
        // DC = 0 → descale(0, 3) = 0, + 128 = 128
        assert_eq!(idct_1x1(&coeffs, &quant), 128);
    }

    #[test]
    fn idct_4x4_dc_only_uniform() {
        let mut coeffs = [0i16; 64];
        let mut quant = [1u16; 64];
        coeffs[0] = 800;
        quant[0] = 1;
        let mut output = [0u8; 16];
        idct_4x4(&coeffs, &quant, &mut output);
        // All pixels should be the same value (DC-only → uniform block)
        let first = output[0];
        assert!(
            first > 100,
            "DC-only should produce reasonable value, got {}",
            first
        );
        for &v in &output {
            assert_eq!(v, first, "DC-only 4x4 block should be uniform");
        }
    }

    #[test]
    fn idct_2x2_dc_only_uniform() {
        let mut coeffs = [0i16; 64];
        let mut quant = [1u16; 64];
        coeffs[0] = 800;
        quant[0] = 1;
        let mut output = [0u8; 4];
        idct_2x2(&coeffs, &quant, &mut output);
        let first = output[0];
        assert!(first > 100);
        for &v in &output {
            assert_eq!(v, first, "DC-only 2x2 block should be uniform");
        }
    }

    #[test]
    fn idct_4x4_matches_1x1_dc() {
        // For DC-only input, all reduced IDCTs should agree on the pixel value
        let mut coeffs = [0i16; 64];
        let quant = [1u16; 64];
        coeffs[0] = 400;

        let val_1x1 = idct_1x1(&coeffs, &quant);

        let mut out_4x4 = [0u8; 16];
        idct_4x4(&coeffs, &quant, &mut out_4x4);

        let mut out_2x2 = [0u8; 4];
        idct_2x2(&coeffs, &quant, &mut out_2x2);

        // DC-only: all should produce the same value (or very close due to rounding)
        assert!(
            (out_4x4[0] as i16 - val_1x1 as i16).unsigned_abs() <= 1,
            "4x4 DC={} vs 1x1 DC={}",
            out_4x4[0],
            val_1x1
        );
        assert!(
            (out_2x2[0] as i16 - val_1x1 as i16).unsigned_abs() <= 1,
            "2x2 DC={} vs 1x1 DC={}",
            out_2x2[0],
            val_1x1
        );
    }

    #[test]
    fn idct_4x4_strided_writes_correctly() {
        let mut coeffs = [0i16; 64];
        let quant = [1u16; 64];
        coeffs[0] = 400;

        let stride = 16;
        let mut buf = vec![0xFFu8; stride * 4];
        unsafe {
            idct_4x4_strided(&coeffs, &quant, buf.as_mut_ptr(), stride);
        }

        // Check that 4 pixels are written per row at correct stride
        let mut expected = [0u8; 16];
        idct_4x4(&coeffs, &quant, &mut expected);

        for row in 0..4 {
            for col in 0..4 {
                assert_eq!(buf[row * stride + col], expected[row * 4 + col]);
            }
            // Bytes beyond col 3 should be untouched
            assert_eq!(buf[row * stride + 4], 0xFF);
        }
    }

    /// P4-191 criterion 4 (#609): `idct_1x1_strided`'s whole contract is "one
    /// writable byte at `output`" — `stride` is accepted for the uniform
    /// dispatch signature and must be ignored. The plane here is exactly
    /// `stride * rows` bytes, as `Decoder::idct_scaled_strided` sizes it at 1/8
    /// scale, and every block position is written in turn, ending on the
    /// plane's last byte. A store that honoured `stride` (`output.add(stride)`)
    /// or widened to a second byte would leave the written byte wrong or
    /// clobber a canary, and on the last position would land past the
    /// allocation, where ASan and Miri report it. Measured 2026-10-07: adding
    /// a second store at `output.add(1)` fails at "write at 0: byte 1". Being
    /// a scalar unit test outside `simd::`, Miri runs it as well as ASan.
    #[test]
    fn idct_1x1_strided_writes_one_byte_and_ignores_stride() {
        const CANARIES: [u8; 2] = [0xA5, 0x5A];
        let quant: [u16; 64] = [3u16; 64];
        let stride: usize = 5;
        let rows: usize = 3;
        for canary in CANARIES {
            for dc in [-1024i16, -129, -1, 0, 1, 77, 1023] {
                let mut coeffs: [i16; 64] = [0i16; 64];
                coeffs[0] = dc;
                // AC terms must not leak into a DC-only reduction.
                coeffs[1] = 300;
                coeffs[63] = -300;
                let expected: u8 = idct_1x1(&coeffs, &quant);
                for offset in 0..stride * rows {
                    let mut plane: Vec<u8> = vec![canary; stride * rows];
                    // SAFETY: `offset < plane.len()`, so one writable byte is
                    // available at the pointer — the callee's whole contract.
                    unsafe {
                        idct_1x1_strided(&coeffs, &quant, plane.as_mut_ptr().add(offset), stride);
                    }
                    for (index, &byte) in plane.iter().enumerate() {
                        let want: u8 = if index == offset { expected } else { canary };
                        // When the output equals the canary, a missed write is
                        // invisible here; the other canary catches it.
                        assert_eq!(
                            byte, want,
                            "dc={dc} canary={canary:#04x} write at {offset}: byte {index}"
                        );
                    }
                }
                // The minimum allocation the contract allows: a single byte.
                let mut single: Vec<u8> = vec![canary; 1];
                // SAFETY: one writable byte, as documented.
                unsafe {
                    idct_1x1_strided(&coeffs, &quant, single.as_mut_ptr(), usize::MAX);
                }
                assert_eq!(single, [expected], "dc={dc}: single-byte destination");
            }
        }
    }

    #[test]
    fn idct_2x2_strided_writes_correctly() {
        let mut coeffs = [0i16; 64];
        let quant = [1u16; 64];
        coeffs[0] = 400;

        let stride = 16;
        let mut buf = vec![0xFFu8; stride * 2];
        unsafe {
            idct_2x2_strided(&coeffs, &quant, buf.as_mut_ptr(), stride);
        }

        let mut expected = [0u8; 4];
        idct_2x2(&coeffs, &quant, &mut expected);

        for row in 0..2 {
            for col in 0..2 {
                assert_eq!(buf[row * stride + col], expected[row * 2 + col]);
            }
            assert_eq!(buf[row * stride + 2], 0xFF);
        }
    }

    /// Fuzz Smoke runs 30420069849 / 30438301770 / 30461194331 /
    /// 30485530878: corrupt streams decoded at a 1/2 `ScalingFactor`
    /// drove the reduced IDCT's fixed-point intermediates past `i32` and
    /// panicked on every arithmetic op in the block (`attempt to
    /// {add,subtract,multiply} with overflow` at five distinct lines).
    /// C's `JLONG` is `long` (`jpegint.h:62`), which is only required to
    /// hold 32 bits, so wrapping here is the documented C contract — not
    /// a bug to report to the caller.
    ///
    /// Extreme-but-legal encodings: `i16` coefficients and `u16` quant
    /// values are both fully attacker-controlled through DQT/entropy.
    #[test]
    fn reduced_idct_wraps_instead_of_panicking_on_saturated_coefficients() {
        let extremes: [(i16, u16); 4] = [
            (i16::MAX, u16::MAX),
            (i16::MIN, u16::MAX),
            (i16::MAX, 1),
            (i16::MIN, u16::MAX / 2),
        ];
        for (coeff, q) in extremes {
            let coeffs = [coeff; 64];
            let quant = [q; 64];

            let mut out_4x4 = [0u8; 16];
            idct_4x4(&coeffs, &quant, &mut out_4x4);
            let mut out_2x2 = [0u8; 4];
            idct_2x2(&coeffs, &quant, &mut out_2x2);
            let _ = idct_1x1(&coeffs, &quant);

            // Deterministic, in-range output is the contract — the exact
            // wrapped value is not, since C's own result depends on
            // whether `long` is 32- or 64-bit on the host.
            let mut again = [0u8; 16];
            idct_4x4(&coeffs, &quant, &mut again);
            assert_eq!(out_4x4, again, "coeff={coeff} q={q}: not deterministic");
        }
    }

    /// The odd-part accumulators overflow only when *some* rows are
    /// non-zero, so the all-`i16::MAX` case above can miss the DC-only
    /// early-out interaction. Sweep one saturated row at a time.
    #[test]
    fn reduced_idct_handles_single_saturated_row() {
        for row in 0..8 {
            let mut coeffs = [0i16; 64];
            for col in 0..8 {
                coeffs[row * 8 + col] = i16::MIN;
            }
            let quant = [u16::MAX; 64];

            let mut out_4x4 = [0u8; 16];
            idct_4x4(&coeffs, &quant, &mut out_4x4);
            let mut out_2x2 = [0u8; 4];
            idct_2x2(&coeffs, &quant, &mut out_2x2);
            let _ = idct_1x1(&coeffs, &quant);
        }
    }

    /// The level shift must saturate, never wrap: a descaled value just
    /// past the `u8` window has to land on the nearest bound, matching
    /// `vqmovun_s16` in the NEON twin.
    #[test]
    fn level_shift_clamp_saturates_at_both_ends() {
        assert_eq!(level_shift_clamp(0), 128);
        assert_eq!(level_shift_clamp(127), 255);
        assert_eq!(level_shift_clamp(128), 255);
        assert_eq!(level_shift_clamp(-128), 0);
        assert_eq!(level_shift_clamp(-129), 0);
        // Saturating (not wrapping) add: i32::MAX + 128 must stay high.
        assert_eq!(level_shift_clamp(i32::MAX), 255);
        assert_eq!(level_shift_clamp(i32::MIN), 0);
    }
}
