//! The cost of motion detection per 640×480 frame: shrink to grey, compare
//! with the background, despeckle, score.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use vigie_core::motion::{MotionConfig, MotionDetector};

fn frame(shift: usize) -> Vec<u8> {
    (0..640 * 480 * 3)
        .map(|i| ((i / 3 % 640 + shift) * 7 % 251) as u8)
        .collect()
}

fn motion(c: &mut Criterion) {
    let frames = [frame(0), frame(3)];
    let mut detector = MotionDetector::new(MotionConfig::default());
    let mut i = 0;
    c.bench_function("motion/update_rgb/640x480", |b| {
        b.iter(|| {
            i += 1;
            black_box(detector.update_rgb(black_box(&frames[i % 2]), 640, 480))
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = motion
}
criterion_main!(benches);
