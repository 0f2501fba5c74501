//! Every encoder backend of this build must behave the same: these tests run
//! once per available backend (both with `--features turbojpeg`, only the
//! Rust one without).

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

fn encoders() -> Vec<Encoder> {
    Backend::available()
        .into_iter()
        .map(|b| Encoder::new(b).unwrap())
        .collect()
}

#[test]
fn the_rust_backend_is_always_there_and_turbo_follows_the_feature() {
    assert!(Backend::Rust.is_available());
    assert_eq!(Backend::Turbo.is_available(), cfg!(feature = "turbojpeg"));
    let expected = if cfg!(feature = "turbojpeg") {
        Backend::Turbo
    } else {
        Backend::Rust
    };
    assert_eq!(Backend::fastest(), expected);
    assert_eq!(Encoder::fastest().backend(), expected);
    assert_eq!(Backend::available().last(), Some(&expected));
    if !cfg!(feature = "turbojpeg") {
        let err = Encoder::new(Backend::Turbo).unwrap_err().to_string();
        assert!(err.contains("--features turbojpeg"), "{err}");
    }
}

#[test]
fn backends_are_named_for_the_command_line() {
    for b in Backend::ALL {
        assert_eq!(b.name().parse::<Backend>(), Ok(b));
        assert_eq!(b.to_string(), b.name());
    }
    assert_eq!("TURBO".parse::<Backend>(), Ok(Backend::Turbo));
    assert!("libjpeg".parse::<Backend>().is_err());
    assert_eq!(Backend::Rust.library(), "libjpeg-turbo-rs");
}

#[test]
fn every_backend_round_trips_rgb_bgr_and_gray() {
    let (w, h) = (64, 48);
    let rgb = noisy(w, h);
    let bgr: Vec<u8> = rgb.chunks(3).flat_map(|p| [p[2], p[1], p[0]]).collect();
    let gray: Vec<u8> = rgb.chunks(3).map(|p| p[1]).collect();
    for mut e in encoders() {
        let b = e.backend();
        for (pixels, format) in [(&rgb, PixelFormat::Rgb8), (&bgr, PixelFormat::Bgr8)] {
            let jpeg = e.encode(pixels, w, h, format, 95).unwrap();
            assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "{b}");
            assert_eq!(dimensions(&jpeg).unwrap(), (w, h), "{b}");
            let back = decode_rgb(&jpeg).unwrap();
            // Noise of ±8 and 4:2:0 colour: within a few tens of levels.
            let worst = worst_error(&rgb, &back.pixels);
            assert!(worst < 40, "{b} {format}: worst channel error {worst}");
        }
        let jpeg = e.encode(&gray, w, h, PixelFormat::Gray8, 95).unwrap();
        let back = decode_rgb(&jpeg).unwrap();
        let as_grey: Vec<u8> = back.pixels.chunks(3).map(|p| p[1]).collect();
        let worst = worst_error(&gray, &as_grey);
        assert!(worst < 24, "{b} gray: worst error {worst}");
        assert!(back.pixels.chunks(3).all(|p| p[0] == p[1] && p[1] == p[2]));
    }
}

#[test]
fn lower_quality_gives_smaller_files_on_every_backend() {
    let (w, h) = (96, 64);
    let px = noisy(w, h);
    for mut e in encoders() {
        let sizes: Vec<usize> = [20, 60, 95]
            .iter()
            .map(|&q| e.encode(&px, w, h, PixelFormat::Rgb8, q).unwrap().len())
            .collect();
        assert!(
            sizes[0] < sizes[1] && sizes[1] < sizes[2],
            "{}: {sizes:?}",
            e.backend()
        );
    }
}

#[test]
fn odd_sizes_and_a_reused_encoder_keep_their_dimensions() {
    for mut e in encoders() {
        // Growing then shrinking: the turbo backend's scratch buffer is reused.
        for (w, h) in [(1, 1), (17, 9), (640, 480), (3, 250), (16, 16)] {
            let px = noisy(w, h);
            let mut out = vec![0xAA]; // encode_into appends
            e.encode_into(&px, w, h, PixelFormat::Rgb8, 90, &mut out)
                .unwrap();
            assert_eq!(out[0], 0xAA);
            let back = decode_rgb(&out[1..]).unwrap();
            assert_eq!((back.width, back.height), (w, h), "{}", e.backend());
        }
    }
}

#[test]
fn every_backend_refuses_the_same_bad_input() {
    for mut e in encoders() {
        let b = e.backend();
        for q in [0, 101] {
            let err = e.encode(&[0; 3], 1, 1, PixelFormat::Rgb8, q).unwrap_err();
            assert!(matches!(err, Error::InvalidQuality(_)), "{b}: {err}");
        }
        let err = e.encode(&[0; 5], 2, 1, PixelFormat::Rgb8, 90).unwrap_err();
        assert!(matches!(err, Error::PayloadLength { .. }), "{b}: {err}");
        let err = e
            .encode(&[0xFF, 0xD8], 2, 1, PixelFormat::Jpeg, 90)
            .unwrap_err();
        assert!(matches!(err, Error::UnsupportedFormat { .. }), "{b}: {err}");
        let err = e.encode(&[], 0, 0, PixelFormat::Gray8, 90).unwrap_err();
        assert!(matches!(err, Error::JpegEncode(_)), "{b}: {err}");
        let wide = vec![0; 70_000];
        let err = e
            .encode(&wide, 70_000, 1, PixelFormat::Gray8, 90)
            .unwrap_err();
        assert!(matches!(err, Error::JpegEncode(_)), "{b}: {err}");
    }
}

#[test]
fn the_backends_agree_on_the_picture() {
    let (w, h) = (64, 48);
    let px = noisy(w, h);
    let decoded: Vec<Vec<u8>> = encoders()
        .iter_mut()
        .map(|e| {
            let jpeg = e.encode(&px, w, h, PixelFormat::Rgb8, 90).unwrap();
            decode_rgb(&jpeg).unwrap().pixels
        })
        .collect();
    for other in &decoded[1..] {
        let worst = worst_error(&decoded[0], other);
        assert!(worst < 40, "the backends differ by up to {worst}");
    }
}

#[test]
fn encode_frame_uses_a_backend_and_keeps_the_header() {
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
    for mut e in encoders() {
        let jpeg = e.encode_frame(&raw, 80).unwrap();
        assert_eq!(jpeg.format(), PixelFormat::Jpeg);
        assert_eq!((jpeg.sequence(), jpeg.width()), (7, 32));
        // Already JPEG: returned as it is.
        assert_eq!(e.encode_frame(&jpeg, 80).unwrap(), jpeg);
    }
    assert_eq!(encode_frame(&raw, 80).unwrap().format(), PixelFormat::Jpeg);
}
