//! The encoder: every pixel format round-trips, quality orders file sizes,
//! odd sizes keep their dimensions, bad input is refused with our own errors.

use super::*;
use crate::Error;

fn noisy(width: u32, height: u32) -> Vec<u8> {
    let mut state = 0x1234_5678u32;
    let mut px = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let n = (state >> 28) as u8; // 0..16
            px.extend_from_slice(&[
                (x * 200 / width) as u8 + n,
                (y * 200 / height) as u8 + n,
                100 + n,
            ]);
        }
    }
    px
}

fn worst_error(a: &[u8], b: &[u8]) -> u8 {
    a.iter().zip(b).map(|(x, y)| x.abs_diff(*y)).max().unwrap()
}

#[test]
fn rgb_bgr_and_gray_round_trip() {
    let (w, h) = (64, 48);
    let rgb = noisy(w, h);
    let bgr: Vec<u8> = rgb.chunks(3).flat_map(|p| [p[2], p[1], p[0]]).collect();
    let gray: Vec<u8> = rgb.chunks(3).map(|p| p[1]).collect();
    for (pixels, format) in [(&rgb, PixelFormat::Rgb8), (&bgr, PixelFormat::Bgr8)] {
        let jpeg = encode(pixels, w, h, format, 95).unwrap();
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        assert_eq!(dimensions(&jpeg).unwrap(), (w, h));
        let back = decode_rgb(&jpeg).unwrap();
        // Noise of ±8 and 4:2:0 colour: within a few tens of levels.
        let worst = worst_error(&rgb, &back.pixels);
        assert!(worst < 40, "{format}: worst channel error {worst}");
    }
    let jpeg = encode(&gray, w, h, PixelFormat::Gray8, 95).unwrap();
    let back = decode_rgb(&jpeg).unwrap();
    let as_grey: Vec<u8> = back.pixels.chunks(3).map(|p| p[1]).collect();
    let worst = worst_error(&gray, &as_grey);
    assert!(worst < 24, "gray: worst error {worst}");
    assert!(back.pixels.chunks(3).all(|p| p[0] == p[1] && p[1] == p[2]));
}

#[test]
fn lower_quality_gives_smaller_files() {
    let (w, h) = (96, 64);
    let px = noisy(w, h);
    let sizes: Vec<usize> = [20, 60, 95]
        .iter()
        .map(|&q| encode(&px, w, h, PixelFormat::Rgb8, q).unwrap().len())
        .collect();
    assert!(sizes[0] < sizes[1] && sizes[1] < sizes[2], "{sizes:?}");
}

#[test]
fn odd_sizes_keep_their_dimensions_and_encode_into_appends() {
    for (w, h) in [(1, 1), (17, 9), (640, 480), (3, 250), (16, 16)] {
        let px = noisy(w, h);
        let mut out = vec![0xAA]; // encode_into appends
        encode_into(&px, w, h, PixelFormat::Rgb8, 90, &mut out).unwrap();
        assert_eq!(out[0], 0xAA);
        let back = decode_rgb(&out[1..]).unwrap();
        assert_eq!((back.width, back.height), (w, h));
    }
}

#[test]
fn bad_input_is_refused_with_our_own_errors() {
    for q in [0, 101] {
        let err = encode(&[0; 3], 1, 1, PixelFormat::Rgb8, q).unwrap_err();
        assert!(matches!(err, Error::InvalidQuality(_)), "{err}");
    }
    let err = encode(&[0; 5], 2, 1, PixelFormat::Rgb8, 90).unwrap_err();
    assert!(matches!(err, Error::PayloadLength { .. }), "{err}");
    let err = encode(&[0xFF, 0xD8], 2, 1, PixelFormat::Jpeg, 90).unwrap_err();
    assert!(matches!(err, Error::UnsupportedFormat { .. }), "{err}");
    let err = encode(&[], 0, 0, PixelFormat::Gray8, 90).unwrap_err();
    assert!(matches!(err, Error::JpegEncode(_)), "{err}");
    let wide = vec![0; 70_000];
    let err = encode(&wide, 70_000, 1, PixelFormat::Gray8, 90).unwrap_err();
    assert!(matches!(err, Error::JpegEncode(_)), "{err}");
}

#[test]
fn encode_frame_keeps_the_header() {
    use crate::frame::FrameHeader;
    let header = FrameHeader {
        camera: "cam".into(),
        sequence: 7,
        captured_at_us: 1,
        width: 32,
        height: 16,
        format: PixelFormat::Rgb8,
    };
    let raw = Frame::new(header, noisy(32, 16)).unwrap();
    let jpeg = encode_frame(&raw, 80).unwrap();
    assert_eq!(jpeg.format(), PixelFormat::Jpeg);
    assert_eq!((jpeg.sequence(), jpeg.width()), (7, 32));
    assert_eq!(jpeg.header().camera, "cam");
    // Already JPEG: returned as it is.
    assert_eq!(encode_frame(&jpeg, 80).unwrap(), jpeg);
}
