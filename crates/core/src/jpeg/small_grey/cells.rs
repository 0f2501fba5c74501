//! From a block's coefficients straight to the averages of its cells.
//!
//! An 8×8 block is the sum of 64 patterns (cosines across times cosines
//! down), each weighted by a coefficient. The average of a pattern over a
//! square of pixels is a number that depends only on the pattern and the
//! square, so the average of the whole block over that square is a weighted
//! sum of the coefficients: no inverse transform, no pixel built.
//!
//! At a quarter of the size, each block gives 2×2 cells of 4×4 pixels; at
//! an eighth, one cell, the whole block, whose average is the DC
//! coefficient alone. Those averages are what libjpeg's reduced-size inverse
//! transforms compute too (its 2×2 kernel is this one, constant for
//! constant), and what a full decode followed by a 4×4 box shrink gives,
//! but for the rounding of the full-size pixels.
//!
//! The weights are worked out once per file (the quantisation table is
//! folded in), so each coefficient the Huffman decoder finds costs a
//! multiply-add per cell.

use std::f32::consts::{FRAC_1_SQRT_2, PI};

/// Natural (row × 8 + column) position of each coefficient, in the zigzag
/// order the file stores them: from the top-left corner, along the
/// anti-diagonals, alternately up and down.
pub(super) fn zigzag() -> [usize; 64] {
    let mut order = [0; 64];
    let (mut row, mut col) = (0usize, 0usize);
    for position in order.iter_mut() {
        *position = row * 8 + col;
        if (row + col) % 2 == 0 {
            // Going up and to the right.
            if col == 7 {
                row += 1;
            } else if row == 0 {
                col += 1;
            } else {
                row -= 1;
                col += 1;
            }
        } else if row == 7 {
            col += 1;
        } else if col == 0 {
            row += 1;
        } else {
            row += 1;
            col -= 1;
        }
    }
    order
}

/// The average of the 1-D pattern of frequency `u` (0 to 7) over the
/// `8 / cells` samples of cell `cell`, with the inverse DCT's scale for
/// that frequency (`C(0) = 1/√2`, `C(u) = 1`, and half of the 2-D `1/4`).
fn average(u: usize, cell: usize, cells: usize) -> f32 {
    let side = 8 / cells;
    let sum: f32 = (cell * side..(cell + 1) * side)
        .map(|x| ((2 * x + 1) as f32 * u as f32 * PI / 16.0).cos())
        .sum();
    let c = if u == 0 { FRAC_1_SQRT_2 } else { 1.0 };
    let average = 0.5 * c * sum / side as f32;
    // The averages that are 0 (every frequency over a whole block, the even
    // ones over half of it) come out of the cosines as 1e-8 or so; times a
    // large coefficient that could tip a pixel's rounding. Make them 0.
    if average.abs() < 1e-5 {
        0.0
    } else {
        average
    }
}

/// For each coefficient in zigzag order, what one unit of it adds to each
/// of the `CELLS × CELLS` cells (row by row; up to 2×2), with the
/// quantisation step folded in.
pub(super) struct Weights<const CELLS: usize> {
    pub(super) by_coefficient: [[f32; 4]; 64],
}

impl<const CELLS: usize> Weights<CELLS> {
    /// The weights for a block quantised with `quant` (zigzag order).
    pub(super) fn new(quant: &[u16; 64]) -> Self {
        const { assert!(CELLS == 1 || CELLS == 2, "one or 2×2 cells per block") };
        // The 1-D averages, each frequency in each cell, then their products.
        let mut averages = [[0.0; 2]; 8];
        for (u, cells) in averages.iter_mut().enumerate() {
            for (cell, a) in cells.iter_mut().enumerate().take(CELLS) {
                *a = average(u, cell, CELLS);
            }
        }
        let mut by_coefficient = [[0.0; 4]; 64];
        for (k, natural) in zigzag().into_iter().enumerate() {
            let (v, u) = (natural / 8, natural % 8);
            let step = f32::from(quant[k]);
            for row in 0..CELLS {
                for col in 0..CELLS {
                    by_coefficient[k][row * CELLS + col] =
                        step * averages[u][col] * averages[v][row];
                }
            }
        }
        Weights { by_coefficient }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zigzag_starts_and_ends_as_the_standard_says() {
        let z = zigzag();
        assert_eq!(z[..10], [0, 1, 8, 16, 9, 2, 3, 10, 17, 24]);
        assert_eq!(z[58..], [61, 54, 47, 55, 62, 63]);
        let mut sorted = z;
        sorted.sort_unstable();
        assert_eq!(sorted, std::array::from_fn(|i| i), "each position once");
    }

    /// The average of a whole block is DC / 8 (with a quantisation step of
    /// 1), and an even frequency averages to nothing over a half block.
    #[test]
    fn weights_are_box_averages() {
        let ones = [1u16; 64];
        let whole = Weights::<1>::new(&ones).by_coefficient;
        assert!((whole[0][0] - 0.125).abs() < 1e-6);
        assert!(
            whole[1..].iter().all(|w| w[0] == 0.0),
            "exactly: no rounding tipped"
        );
        let quarter = Weights::<2>::new(&ones).by_coefficient;
        assert!(quarter[0].iter().all(|w| (w - 0.125).abs() < 1e-6));
        // Zigzag 3 is row 2, column 0: even down, nothing across.
        assert!(quarter[3].iter().all(|w| *w == 0.0));
        // Zigzag 1 is row 0, column 1: opposite signs left and right.
        let [a, b, c, d] = quarter[1];
        assert!(a > 0.0 && (a + b).abs() < 1e-6 && (a - c).abs() < 1e-6 && (b - d).abs() < 1e-6);
    }
}
