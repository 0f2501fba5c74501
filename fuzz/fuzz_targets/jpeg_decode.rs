//! The JPEG decoders that see network input: `jpeg::dimensions` (the
//! server reads a legacy JPEG's size with it), `jpeg::decode_rgb` and
//! `decode_rgb_into` (the window and the web page), `motion::decode_luma`
//! (motion analysis). All of them must refuse a picture wider or taller
//! than `MAX_DECODE_SIDE` before allocating its pixels.
//!
//! Checks, beyond "no panic, no unbounded allocation":
//! - every decoded picture is at most `MAX_DECODE_SIDE` on each side and
//!   has exactly `width × height × channels` bytes;
//! - the decoders agree on the size when they succeed, and the two RGB
//!   decoders on the pixels.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_core::jpeg::{self, MAX_DECODE_SIDE};
use vigie_core::motion::decode_luma;

fn check_side(width: usize, height: usize) {
    assert!(
        (1..=MAX_DECODE_SIDE).contains(&width) && (1..=MAX_DECODE_SIDE).contains(&height),
        "decoded {width}×{height}"
    );
}

fuzz_target!(|data: &[u8]| {
    let size = jpeg::dimensions(data).ok();
    let rgb = jpeg::decode_rgb(data).ok();
    if let Some(rgb) = &rgb {
        let (w, h) = (rgb.width as usize, rgb.height as usize);
        check_side(w, h);
        assert_eq!(rgb.pixels.len(), w * h * 3);
        if let Some(size) = size {
            assert_eq!(size, (rgb.width, rgb.height), "header and decoder disagree");
        }
    }
    // A reused buffer that starts with the wrong size, as in the viewer.
    let mut pixels = vec![0x55; 7];
    if let Ok((w, h)) = jpeg::decode_rgb_into(data, &mut pixels) {
        check_side(w as usize, h as usize);
        assert_eq!(pixels.len(), w as usize * h as usize * 3);
        if let Some(rgb) = &rgb {
            assert_eq!((rgb.width, rgb.height), (w, h));
            assert!(
                rgb.pixels == pixels,
                "decode_rgb and decode_rgb_into differ"
            );
        }
    }
    if let Ok(luma) = decode_luma(data) {
        check_side(luma.width, luma.height);
        assert_eq!(luma.pixels.len(), luma.width * luma.height);
        if let Some((w, h)) = size {
            assert_eq!((w as usize, h as usize), (luma.width, luma.height));
        }
    }
});
