//! The small grey decoder (`jpeg::small_grey`), which motion detection
//! runs on every JPEG a camera sends, against the general decoder.
//!
//! Input layout: one byte choosing the target width (a quarter or an
//! eighth of the picture's, or any width), then the file.
//!
//! Checks, beyond "no panic, no unbounded allocation":
//! - a decoded picture has the size `Scale::nearest` promises, and exactly
//!   one byte per pixel;
//! - at an eighth of the size, where each pixel is a block's DC term alone,
//!   a picture both decoders read is the same to the last grey level. That
//!   checks that the two read every code of every block alike: a code read
//!   wrong puts all the blocks after it out of step.
//!
//! At a quarter the pictures are compared by the unit tests, on real files
//! only: on damaged data the coefficients can be far larger than a camera's,
//! where the general decoder's fixed-point arithmetic wraps around and ours
//! (in floating point) does not, so they may differ by tens of levels (the
//! first run of this target found such a file, see `docs/SECURITY.md`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_core::jpeg::{self, small_grey, Scale};

fuzz_target!(|data: &[u8]| {
    let Some((&choice, file)) = data.split_first() else {
        return;
    };
    let width = jpeg::dimensions(file).map(|(w, _)| w).unwrap_or(640);
    let chosen = match choice % 3 {
        0 => width / 4,
        1 => width / 8,
        _ => u32::from(choice) * 4,
    };
    for target in [chosen, width / 8] {
        let mut ours = vec![0x55; 3];
        let Ok(Some((w, h))) = small_grey::decode_near_width(file, target, &mut ours) else {
            continue;
        };
        assert_eq!(ours.len(), w as usize * h as usize);
        let (width, height) = jpeg::dimensions(file).expect("a file it decoded has a header");
        let scale = Scale::nearest(width, target);
        assert_eq!(scale.apply(width, height), (w, h));
        let mut theirs = Vec::new();
        if scale == Scale::Eighth && jpeg::decode_luma_into(file, scale, &mut theirs).is_ok() {
            assert!(ours == theirs, "{w}×{h}: the eighth-size pictures differ");
        }
    }
});
