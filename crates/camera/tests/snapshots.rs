//! "Comparer les images": fixed frames of the test pattern, stored as PNG
//! snapshots next to this file. If a change to the drawing code alters a
//! single pixel, this test fails and `cargo insta review` shows the old and
//! new pictures side by side.

use vigie_camera::TestPattern;
use vigie_core::png;

fn snapshot_png(
    name: &str,
    width: u32,
    height: u32,
    sequence: u64,
    captured_at_us: u64,
) -> Vec<u8> {
    let cam = TestPattern::new(name, width, height, 30.0).unwrap();
    let frame = cam.render(sequence, captured_at_us);
    png::encode(frame.payload(), width, height, 3).unwrap()
}

// 2026-11-24 08:30:00.250 UTC
const MORNING_US: u64 = 1_795_509_000_250_000;

#[test]
fn entree_640x480_frame_0() {
    insta::assert_binary_snapshot!(
        "entree_640x480_0.png",
        snapshot_png("entrée", 640, 480, 0, MORNING_US)
    );
}

#[test]
fn jardin_320x240_frame_42() {
    insta::assert_binary_snapshot!(
        "jardin_320x240_42.png",
        snapshot_png("jardin", 320, 240, 42, MORNING_US + 42 * 33_333)
    );
}

#[test]
fn garage_1280x720_frame_1000() {
    insta::assert_binary_snapshot!(
        "garage_1280x720_1000.png",
        snapshot_png("garage", 1280, 720, 1000, MORNING_US + 1000 * 66_666)
    );
}

#[test]
fn tiny_16x16_frame_3() {
    insta::assert_binary_snapshot!(
        "tiny_16x16_3.png",
        snapshot_png("tiny", 16, 16, 3, MORNING_US)
    );
}
