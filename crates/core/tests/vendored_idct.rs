//! The one change vigie makes to libjpeg-turbo-rs (`vendor/README.md`),
//! checked against the crate's own reference.
//!
//! The AVX2 inverse DCT used to send every block whose rows 1 to 7 are zero
//! (a picture varying only from left to right) to the slow scalar IDCT, to
//! stay bit-identical with it on corrupt, out-of-range coefficients. The
//! patch keeps only the blocks that can overflow a 16-bit lane on that
//! path and sends the rest through the AVX2 code. These tests say that the
//! two give the same pixels on *every* such block: in range, at the edges
//! of the range, and far beyond it.
//!
//! The reference is the crate's scalar path, written out from its public
//! parts: a wrapping 16-bit dequantisation, `decode::idct::idct_8x8`, then
//! the level shift and the clamp.
#![cfg(target_arch = "x86_64")]

use libjpeg_turbo_rs::decode::idct::idct_8x8;
use proptest::prelude::*;

/// The scalar IDCT as libjpeg-turbo-rs runs it (`simd::scalar`).
fn reference(coeffs: &[i16; 64], quant: &[u16; 64]) -> [u8; 64] {
    let dequantised: [i16; 64] = std::array::from_fn(|i| coeffs[i].wrapping_mul(quant[i] as i16));
    let spatial = idct_8x8(&dequantised);
    spatial.map(|v| (i32::from(v) + 128).clamp(0, 255) as u8)
}

/// The IDCT the decoder picks for this CPU (`simd::detect`): the AVX2 one,
/// whose 8×8 core is also what the decoder's strided path runs. On a CPU
/// without AVX2 it is another (SSE2), which the patch does not touch; the
/// test then says so once.
fn avx2(coeffs: &[i16; 64], quant: &[u16; 64]) -> [u8; 64] {
    static WARN: std::sync::Once = std::sync::Once::new();
    if !std::arch::is_x86_feature_detected!("avx2") {
        WARN.call_once(|| eprintln!("no AVX2 on this CPU: the patched path does not run here"));
    }
    let mut out = [0u8; 64];
    (libjpeg_turbo_rs::simd::detect().idct_islow)(coeffs, quant, &mut out);
    out
}

/// A block whose only non-zero coefficients are in row 0 (the shape the
/// patch is about), with a quantisation table of `q` everywhere.
fn row_zero_block(row: [i16; 8], q: u16) -> ([i16; 64], [u16; 64]) {
    let mut coeffs = [0i16; 64];
    coeffs[..8].copy_from_slice(&row);
    (coeffs, [q; 64])
}

#[test]
fn a_picture_varying_only_from_left_to_right_decodes_alike() {
    // What a colour bar's edge gives at quality 90: a DC and a few
    // horizontal frequencies, small quantisers.
    let (coeffs, quant) = row_zero_block([-40, 25, 0, -9, 0, 4, 0, -2], 3);
    assert_eq!(avx2(&coeffs, &quant), reference(&coeffs, &quant));
}

#[test]
fn the_edges_of_the_fast_range_and_beyond_decode_alike() {
    // Dequantised terms (q = 1) at, just inside and just outside the bound
    // of [-4096, 4095], and at the ends of i16, where only the scalar path
    // wraps the way libjpeg-turbo's SIMD does.
    let edges = [
        0,
        1,
        -1,
        4095,
        -4096,
        4096,
        -4097,
        8191,
        -8192,
        8192,
        i16::MAX,
        i16::MIN,
    ];
    for &a in &edges {
        for &b in &edges {
            for column in 1..8 {
                let mut row = [0i16; 8];
                row[0] = a;
                row[column] = b;
                let (coeffs, quant) = row_zero_block(row, 1);
                assert_eq!(
                    avx2(&coeffs, &quant),
                    reference(&coeffs, &quant),
                    "row 0 = {row:?}"
                );
            }
            let (coeffs, quant) = row_zero_block([a, b, a, b, a, b, a, b], 1);
            assert_eq!(avx2(&coeffs, &quant), reference(&coeffs, &quant));
        }
    }
}

/// Row-0 terms and quantisers as real files have them, and as a hostile
/// one may write them.
fn coefficient() -> impl Strategy<Value = i16> {
    prop_oneof![-64i16..=64, -1024i16..=1023, any::<i16>()]
}

fn quantiser() -> impl Strategy<Value = u16> {
    prop_oneof![1u16..=16, 1u16..=255, any::<u16>()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn every_row_zero_block_decodes_as_the_scalar_reference(
        row in prop::array::uniform8(coefficient()),
        quant_row in prop::array::uniform8(quantiser()),
    ) {
        let mut coeffs = [0i16; 64];
        coeffs[..8].copy_from_slice(&row);
        let mut quant = [1u16; 64];
        quant[..8].copy_from_slice(&quant_row);
        prop_assert_eq!(avx2(&coeffs, &quant), reference(&coeffs, &quant));
    }
}
