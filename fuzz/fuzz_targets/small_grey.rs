//! The small grey decoder (`jpeg::small_grey`), which motion detection
//! runs on every JPEG a camera sends, against the general decoder.
//!
//! Input layout: one byte choosing the target width (a quarter or an
//! eighth of the picture's, or any width), then the file.
//!
//! Checks, beyond "no panic, no unbounded allocation":
//! - a decoded picture has the size `Scale::nearest` promises, and exactly
//!   one byte per pixel;
//! - when the general decoder also reads the file at that scale, the two
//!   pictures agree within a few grey levels on average: a lost block, a
//!   wrong table or a restart interval read wrong is tens of levels off.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_core::jpeg::{self, small_grey, Scale};

fuzz_target!(|data: &[u8]| {
    let Some((&choice, file)) = data.split_first() else {
        return;
    };
    let width = jpeg::dimensions(file).map(|(w, _)| w).unwrap_or(640);
    let target = match choice % 3 {
        0 => width / 4,
        1 => width / 8,
        _ => u32::from(choice) * 4,
    };
    let mut ours = vec![0x55; 3];
    let Ok(Some((w, h))) = small_grey::decode_near_width(file, target, &mut ours) else {
        return;
    };
    assert_eq!(ours.len(), w as usize * h as usize);
    let (width, height) = jpeg::dimensions(file).expect("a file it decoded has a header");
    let scale = Scale::nearest(width, target);
    assert_eq!(scale.apply(width, height), (w, h));
    let mut theirs = Vec::new();
    if jpeg::decode_luma_into(file, scale, &mut theirs).is_ok() {
        let total: u64 = ours
            .iter()
            .zip(&theirs)
            .map(|(a, b)| u64::from(a.abs_diff(*b)))
            .sum();
        let mean = total as f64 / ours.len() as f64;
        assert!(
            mean < 4.0,
            "{w}×{h}: the two decoders differ by {mean:.2} on average"
        );
    }
});
