use crate::common::error::{JpegError, Result};
#[allow(unused_imports)]
use alloc::format;

/// Lossless JPEG decoding (SOF3).
///
/// Implements prediction and undifferencing for lossless JPEG
/// as specified in ITU-T T.81 sections 14-15.
/// Apply one of 7 lossless predictors.
///
/// ra = left, rb = above, rc = upper-left (diagonal).
pub fn predict(psv: u8, ra: i32, rb: i32, rc: i32) -> i32 {
    match psv {
        1 => ra,
        2 => rb,
        3 => rc,
        4 => ra + rb - rc,
        5 => ra + ((rb - rc) >> 1),
        6 => rb + ((ra - rc) >> 1),
        7 => (ra + rb) >> 1,
        _ => 0,
    }
}

/// Undifference a row of lossless-coded samples.
///
/// Converts difference values (from Huffman decoding) back to pixel values
/// using the selected predictor.
pub fn undifference_row(
    diffs: &[i16],
    prev_row: Option<&[u16]>,
    output: &mut [u16],
    psv: u8,
    precision: u8,
    point_transform: u8,
    is_first_row: bool,
) {
    // JPEG T.81 F.1.1: lossless precision is 2..=16, and point_transform
    // must satisfy `point_transform < precision` so the initial prediction
    // `2^(precision - point_transform - 1)` is well-defined. Malformed
    // frame headers can violate the constraint; clamp the shift width so
    // we don't panic and so a downstream bit-exactness comparison will
    // still catch the bad input rather than aborting the whole decode.
    //
    // Undifferencing wraps modulo 0xFFFF regardless of frame precision —
    // C's jpeg_undifference1..7 (jdlossls.c) all compute
    // `(diff + PREDICTOR) & 0xFFFF`. Masking by `2^precision - 1` here
    // diverged from djpeg on every wrap (Fuzz Smoke run 29689718301,
    // P4-38); the sample-type truncation happens later, at the output
    // upscale stage.
    let mask: i32 = 0xFFFF;
    let init_shift: i32 = (precision as i32)
        .saturating_sub(point_transform as i32)
        .saturating_sub(1)
        .clamp(0, 31);
    let initial: i32 = 1i32 << init_shift;

    for x in 0..diffs.len() {
        let prediction = if is_first_row && x == 0 {
            initial
        } else if is_first_row {
            output[x - 1] as i32
        } else if x == 0 {
            prev_row.expect("caller must provide prev_row for non-first rows")[0] as i32
        } else {
            let ra = output[x - 1] as i32;
            let prev = prev_row.expect("caller must provide prev_row for non-first rows");
            let rb = prev[x] as i32;
            let rc = prev[x - 1] as i32;
            predict(psv, ra, rb, rc)
        };

        output[x] = ((diffs[x] as i32 + prediction) & mask) as u16;
    }
}

/// The number of MCU rows in each restart interval of a lossless scan, or
/// `None` when the scan has no restart interval.
///
/// T.81 H.1.1 requires a lossless restart interval to be a whole number of
/// MCU rows, and libjpeg refuses any other with `JERR_BAD_RESTART`
/// (`jddiffct.c` `start_input_pass`). Accepting one would restart
/// prediction in the middle of a row. At the start of each interval a
/// decoder consumes the RSTn marker and predicts as on the first row of the
/// scan (T.81 H.1.2.1; `jddiffct.c` `process_restart`).
pub(crate) fn restart_interval_rows(
    restart_interval: u16,
    mcus_per_row: usize,
) -> Result<Option<usize>> {
    let interval: usize = usize::from(restart_interval);
    if interval == 0 || mcus_per_row == 0 {
        return Ok(None);
    }
    if !interval.is_multiple_of(mcus_per_row) {
        // C's `JERR_BAD_RESTART` text (`jerror.h`), verbatim.
        return Err(JpegError::CorruptData(format!(
            "Invalid restart interval {interval}; must be an integer multiple of the \
             number of MCUs in an MCU row ({mcus_per_row})"
        )));
    }
    Ok(Some(interval / mcus_per_row))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_interval_rows_requires_whole_mcu_rows() {
        assert_eq!(restart_interval_rows(0, 33).unwrap(), None);
        assert_eq!(restart_interval_rows(33, 33).unwrap(), Some(1));
        assert_eq!(restart_interval_rows(66, 33).unwrap(), Some(2));
        assert_eq!(restart_interval_rows(65535, 1).unwrap(), Some(65535));
        assert_eq!(restart_interval_rows(7, 0).unwrap(), None);
        assert!(matches!(
            restart_interval_rows(10, 33),
            Err(JpegError::CorruptData(_))
        ));
        assert!(restart_interval_rows(34, 33).is_err());
    }

    #[test]
    fn all_7_predictors_produce_valid_output() {
        for psv in 1..=7 {
            let ra = 100i32;
            let rb = 110;
            let rc = 105;
            let pred = predict(psv, ra, rb, rc);
            assert!((0..512).contains(&pred), "predictor {psv} gave {pred}");
        }
    }

    #[test]
    fn predictor_1_is_left() {
        assert_eq!(predict(1, 100, 200, 150), 100);
    }

    #[test]
    fn predictor_2_is_above() {
        assert_eq!(predict(2, 100, 200, 150), 200);
    }

    #[test]
    fn predictor_4_is_ra_plus_rb_minus_rc() {
        assert_eq!(predict(4, 100, 200, 150), 150);
    }

    #[test]
    fn predictor_7_is_average() {
        assert_eq!(predict(7, 100, 200, 150), 150);
    }

    #[test]
    fn undifference_first_row() {
        let diffs = [10i16, 5, -3, 2];
        let mut output = [0u16; 4];
        undifference_row(&diffs, None, &mut output, 1, 8, 0, true);
        // initial = 1 << (8 - 0 - 1) = 128
        assert_eq!(output[0], (10 + 128) as u16); // 138
        assert_eq!(output[1], (5 + 138) as u16); // 143
        assert_eq!(output[2], ((-3i32 + 143) & 255) as u16); // 140
        assert_eq!(output[3], ((2 + 140) & 255) as u16); // 142
    }

    #[test]
    fn undifference_second_row_predictor_2() {
        let prev = [100u16, 110, 120, 130];
        let diffs = [5i16, -10, 3, 0];
        let mut output = [0u16; 4];
        undifference_row(&diffs, Some(&prev), &mut output, 2, 8, 0, false);
        // First pixel: pred = prev[0] = 100
        assert_eq!(output[0], 105);
        // Remaining: pred = prev[x] (predictor 2 = above)
        assert_eq!(output[1], 100); // -10 + 110
        assert_eq!(output[2], 123); // 3 + 120
        assert_eq!(output[3], 130); // 0 + 130
    }
}
