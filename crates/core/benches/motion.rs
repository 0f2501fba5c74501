//! The cost of motion detection per 640×480 frame, step by step:
//!
//! - `shrink_only`: RGB to a 160×120 grey copy, the step that reads every byte;
//! - `update_rgb`: the whole detector on a raw RGB frame;
//! - `decode_luma_only`: decoding a q90 JPEG to grey, nothing else (and
//!   `decode_rgb_only`, the full colour decode, to compare);
//! - `update_jpeg_q90`: the whole detector on a JPEG frame, as the server
//!   receives it ([`MotionDetector::update_frame`]): the grey plane decoded
//!   at 1/4 scale (160×120), no shrink;
//! - `update_jpeg_q90_full_decode`: the path it replaces, measured in the
//!   same run: the grey plane decoded at full size, then shrunk 4×4.
//!
//! Run with `cargo bench -p vigie-core --bench motion`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use vigie_core::motion::{
    decode_luma, decode_luma_small, shrink_to_grey, MotionConfig, MotionDetector,
};
use vigie_core::{jpeg, Frame, FrameHeader, PixelFormat};

const W: u32 = 640;
const H: u32 = 480;

/// Something like a camera picture, so that the JPEG has a realistic size: a
/// smooth gradient, a dark rectangle that moves with `shift`, and a little
/// sensor noise (a fixed pseudo-random sequence).
fn scene(shift: u32) -> Vec<u8> {
    let mut noise = 0x2545_f491_u32;
    let mut px = Vec::with_capacity((W * H * 3) as usize);
    for y in 0..H {
        for x in 0..W {
            noise = noise.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let n = (noise >> 29) as u8; // 0 to 7
            let object = (200 + shift..300 + shift).contains(&x) && (150..400).contains(&y);
            let base = if object {
                40
            } else {
                90 + (x / 8 + y / 6) as u8
            };
            px.extend_from_slice(&[base + n, base + n / 2, base / 2 + n]);
        }
    }
    px
}

fn frame(format: PixelFormat, payload: Vec<u8>) -> Frame {
    let header = FrameHeader {
        camera: "bench".into(),
        sequence: 0,
        captured_at_us: 0,
        width: W,
        height: H,
        format,
    };
    Frame::new(header, payload).unwrap()
}

fn motion(c: &mut Criterion) {
    let rgb = [scene(0), scene(6)];
    let jpegs = rgb
        .each_ref()
        .map(|px| jpeg::encode(px, W, H, PixelFormat::Rgb8, 90).unwrap());
    println!(
        "640×480 q90 JPEG: {} and {} bytes",
        jpegs[0].len(),
        jpegs[1].len()
    );

    c.bench_function("motion/shrink_only/640x480", |b| {
        b.iter(|| black_box(shrink_to_grey(black_box(&rgb[0]), W, H, 160)))
    });

    let mut detector = MotionDetector::new(MotionConfig::default());
    let mut i = 0;
    c.bench_function("motion/update_rgb/640x480", |b| {
        b.iter(|| {
            i += 1;
            black_box(detector.update_rgb(black_box(&rgb[i % 2]), W, H))
        })
    });

    c.bench_function("motion/decode_luma_only/640x480_q90", |b| {
        b.iter(|| black_box(decode_luma(black_box(&jpegs[0])).unwrap()))
    });

    c.bench_function("motion/decode_luma_quarter_only/640x480_q90", |b| {
        b.iter(|| black_box(decode_luma_small(black_box(&jpegs[0]), 160).unwrap()))
    });

    // The general decoder at the same scale, which the small grey decoder
    // replaces on this path.
    let mut grey = Vec::new();
    c.bench_function("motion/decode_luma_quarter_general/640x480_q90", |b| {
        b.iter(|| {
            black_box(
                jpeg::decode_luma_into(black_box(&jpegs[0]), jpeg::Scale::Quarter, &mut grey)
                    .unwrap(),
            )
        })
    });

    c.bench_function("motion/decode_rgb_only/640x480_q90", |b| {
        b.iter(|| black_box(jpeg::decode_rgb(black_box(&jpegs[0])).unwrap()))
    });

    let frames = jpegs.map(|j| frame(PixelFormat::Jpeg, j));
    let mut detector = MotionDetector::new(MotionConfig::default());
    c.bench_function("motion/update_jpeg_q90/640x480", |b| {
        b.iter(|| {
            i += 1;
            black_box(detector.update_frame(black_box(&frames[i % 2])).unwrap())
        })
    });

    let mut detector = MotionDetector::new(MotionConfig::default());
    c.bench_function("motion/update_jpeg_q90_full_decode/640x480", |b| {
        b.iter(|| {
            i += 1;
            let luma = decode_luma(black_box(frames[i % 2].payload())).unwrap();
            let grey = frame(PixelFormat::Gray8, luma.pixels);
            black_box(detector.update_frame(&grey).unwrap())
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = motion
}
criterion_main!(benches);
