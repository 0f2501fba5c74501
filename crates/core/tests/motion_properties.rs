//! Properties of the motion detector that must hold for *any* input, checked
//! on inputs proptest makes up (and shrinks to a minimal example when one
//! fails): the unit tests show the detector works on chosen scenes, these
//! show it cannot be pushed into nonsense.

use proptest::prelude::*;
use vigie_core::motion::{Mask, MotionConfig, MotionDetector, MotionUpdate};
use vigie_core::{Frame, FrameHeader, PixelFormat};

/// A grey picture of any size from 1×1 to 70×50 (odd sizes included), with
/// arbitrary pixels.
fn grey_picture() -> impl Strategy<Value = (usize, usize, Vec<u8>)> {
    (1usize..70, 1usize..50)
        .prop_flat_map(|(w, h)| (Just(w), Just(h), prop::collection::vec(any::<u8>(), w * h)))
}

/// A textured scene whose values stay in 40..=215, so that any brightness
/// offset of ±40 neither clips at 0 nor at 255.
fn textured_scene() -> impl Strategy<Value = (usize, usize, Vec<u8>)> {
    (8usize..64, 8usize..48)
        .prop_flat_map(|(w, h)| (Just(w), Just(h), prop::collection::vec(40u8..=215, w * h)))
}

fn is_sane(u: &MotionUpdate) -> bool {
    u.score.is_finite() && (0.0..=1.0).contains(&u.score)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn score_is_a_fraction_for_any_frames(
        pictures in prop::collection::vec(grey_picture(), 1..6),
    ) {
        let mut d = MotionDetector::new(MotionConfig::default());
        for (w, h, px) in &pictures {
            // Each picture twice: once to (re)start the background, once compared.
            for _ in 0..2 {
                let u = d.update_grey(px, *w, *h);
                prop_assert!(is_sane(&u), "{u:?} for {w}×{h}");
            }
        }
    }

    #[test]
    fn rgb_of_any_size_gives_a_fraction(
        (w, h) in (1u32..90, 1u32..70),
        seed in any::<u8>(),
    ) {
        let rgb: Vec<u8> = (0..w * h * 3).map(|i| (i as u8).wrapping_mul(seed)).collect();
        let mut d = MotionDetector::new(MotionConfig::default());
        for _ in 0..3 {
            prop_assert!(is_sane(&d.update_rgb(&rgb, w, h)));
        }
    }

    #[test]
    fn the_same_frame_again_and_again_never_starts_an_event(
        (w, h, px) in grey_picture(),
        repeats in 2usize..40,
    ) {
        let mut d = MotionDetector::new(MotionConfig::default());
        for _ in 0..repeats {
            let u = d.update_grey(&px, w, h);
            prop_assert_eq!(u.score, 0.0);
            prop_assert!(u.event.is_none() && !u.in_event);
        }
    }

    #[test]
    fn a_uniform_brightness_offset_never_starts_an_event(
        (w, h, px) in textured_scene(),
        offsets in prop::collection::vec(-40i16..=40, 1..30),
    ) {
        let mut d = MotionDetector::new(MotionConfig::default());
        for _ in 0..3 {
            d.update_grey(&px, w, h);
        }
        for offset in offsets {
            let lit: Vec<u8> = px.iter().map(|&v| (i16::from(v) + offset) as u8).collect();
            let u = d.update_grey(&lit, w, h);
            prop_assert!(u.event.is_none() && !u.in_event, "offset {offset}: {u:?}");
        }
    }

    #[test]
    fn a_mask_over_the_whole_frame_always_scores_zero(
        pictures in prop::collection::vec(grey_picture(), 1..8),
        polygon in any::<bool>(),
    ) {
        let whole = if polygon {
            Mask::Polygon(vec![(-0.1, -0.1), (1.1, -0.1), (1.1, 1.1), (-0.1, 1.1)])
        } else {
            Mask::Rect { x: 0.0, y: 0.0, w: 1.0, h: 1.0 }
        };
        let config = MotionConfig { masks: vec![whole], ..MotionConfig::default() };
        let mut d = MotionDetector::new(config);
        for (w, h, px) in &pictures {
            let u = d.update_grey(px, *w, *h);
            prop_assert_eq!(u.score, 0.0);
            prop_assert!(!u.in_event);
        }
    }

    /// The raw entry points take a slice and a size separately, so they can
    /// disagree: a wrong length is ignored (score 0, no event), never a panic.
    #[test]
    fn wrong_lengths_are_ignored_not_a_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
        (w, h) in (0u32..40, 0u32..40),
    ) {
        let mut d = MotionDetector::new(MotionConfig::default());
        let grey = d.update_grey(&bytes, w as usize, h as usize);
        if bytes.len() != (w * h) as usize {
            prop_assert_eq!(grey.score, 0.0);
        }
        let rgb = d.update_rgb(&bytes, w, h);
        if bytes.len() != (w * h * 3) as usize {
            prop_assert_eq!(rgb.score, 0.0);
        }
        prop_assert!(is_sane(&grey) && is_sane(&rgb));
    }

    /// Bytes that merely start like a JPEG are an error, never a panic.
    #[test]
    fn arbitrary_jpeg_payloads_are_an_error_not_a_panic(
        tail in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        let mut payload = vec![0xFF, 0xD8];
        payload.extend(tail);
        let header = FrameHeader {
            camera: "p".into(),
            sequence: 0,
            captured_at_us: 0,
            width: 16,
            height: 16,
            format: PixelFormat::Jpeg,
        };
        let frame = Frame::new(header, payload).unwrap();
        let mut d = MotionDetector::new(MotionConfig::default());
        if let Ok(u) = d.update_frame(&frame) {
            prop_assert!(is_sane(&u));
        }
    }
}

/// The same grey picture in each raw format gives the same score, and a JPEG
/// too large to decode is refused before decoding.
#[test]
fn update_frame_takes_every_format() {
    let (w, h) = (64u32, 48u32);
    let grey: Vec<u8> = (0..w * h).map(|i| (i % w * 3 + i / w) as u8).collect();
    let rgb: Vec<u8> = grey.iter().flat_map(|&v| [v, v, v]).collect();
    let make = |format, payload: Vec<u8>| {
        let header = FrameHeader {
            camera: "f".into(),
            sequence: 0,
            captured_at_us: 0,
            width: w,
            height: h,
            format,
        };
        Frame::new(header, payload).unwrap()
    };
    let jpeg = vigie_core::jpeg::encode(&rgb, w, h, PixelFormat::Rgb8, 90).unwrap();
    for frame in [
        make(PixelFormat::Gray8, grey.clone()),
        make(PixelFormat::Rgb8, rgb.clone()),
        make(PixelFormat::Bgr8, rgb.clone()),
        make(PixelFormat::Jpeg, jpeg.clone()),
    ] {
        let mut d = MotionDetector::new(MotionConfig::default());
        for _ in 0..3 {
            let u = d.update_frame(&frame).unwrap();
            assert_eq!(u.score, 0.0, "{}", frame.format());
        }
    }
    // Claim 9000×9000 in the JPEG's SOF0 marker: above MAX_DECODE_SIDE.
    let mut big = jpeg;
    let sof = big.windows(2).position(|m| m == [0xFF, 0xC0]).unwrap();
    big[sof + 5..sof + 7].copy_from_slice(&9000u16.to_be_bytes());
    big[sof + 7..sof + 9].copy_from_slice(&9000u16.to_be_bytes());
    let mut d = MotionDetector::new(MotionConfig::default());
    assert!(d.update_frame(&make(PixelFormat::Jpeg, big)).is_err());
}
