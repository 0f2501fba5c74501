//! The room scenes against the motion detector, the way the server will run
//! it: every frame JPEG-encoded (quality 85) and fed to
//! [`MotionDetector::update_frame`] with the default settings, at 15 fps.
//!
//! - a person crossing the room makes exactly one event per 20 s cycle,
//!   starting within a second of their entering and ending soon after they
//!   left;
//! - the light rising and falling over a whole cycle makes none;
//! - the captions, whose digits change every frame, make none either (the
//!   room is empty for 14 s of each cycle).
//!
//! Two snapshots show what the scenes look like.

use vigie_camera::{Scene, TestPattern};
use vigie_core::jpeg::encode_frame;
use vigie_core::motion::{MotionConfig, MotionDetector, MotionEvent};
use vigie_core::png;

const FPS: f64 = 15.0;
/// Frames in one 20-second cycle.
const CYCLE: u64 = 300;
// 2026-11-24 08:30:00.250 UTC
const MORNING_US: u64 = 1_795_509_000_250_000;

/// Runs `frames` frames of `scene` through the detector; returns each event
/// with the frame number it came with.
fn events(scene: Scene, width: u32, height: u32, frames: u64) -> Vec<(u64, MotionEvent)> {
    analysed_events(scene, width, height, frames, 1)
}

/// Like [`events`], analysing one frame in `every` (the server analyses
/// about 5 frames a second, whatever the camera's rate).
fn analysed_events(
    scene: Scene,
    width: u32,
    height: u32,
    frames: u64,
    every: u64,
) -> Vec<(u64, MotionEvent)> {
    let cam = TestPattern::new("salon", width, height, FPS)
        .unwrap()
        .with_scene(scene);
    let mut detector = MotionDetector::new(MotionConfig::default());
    let mut out = Vec::new();
    for seq in (0..frames).step_by(every as usize) {
        let at = MORNING_US + (seq as f64 * 1e6 / FPS) as u64;
        let jpeg = encode_frame(&cam.render(seq, at), 85).unwrap();
        let update = detector.update_frame(&jpeg).unwrap();
        if let Some(event) = update.event {
            out.push((seq, event));
        }
    }
    out
}

/// One `Started` within a second of the person entering (at 6 s), one
/// `Ended` within 3 s of their leaving (at 12 s), in each cycle.
fn assert_one_event_per_crossing(width: u32, height: u32, cycles: u64) {
    let ev = events(Scene::MovingObject, width, height, cycles * CYCLE);
    assert_eq!(ev.len() as u64, 2 * cycles, "{width}×{height}: {ev:?}");
    for (cycle, pair) in ev.chunks(2).enumerate() {
        let first = cycle as u64 * CYCLE;
        let (enter, leave) = (first + 90, first + 180);
        let [(started, MotionEvent::Started), (ended, MotionEvent::Ended { .. })] = pair else {
            panic!("{width}×{height}, cycle {cycle}: {pair:?}");
        };
        assert!(
            (enter..enter + 15).contains(started),
            "{width}×{height}: started at frame {started}, the person enters at {enter}"
        );
        assert!(
            (leave..leave + 45).contains(ended),
            "{width}×{height}: ended at frame {ended}, the person is gone at {leave}"
        );
    }
}

#[test]
fn a_person_crossing_makes_one_event_per_cycle_640x480() {
    // One cycle at this size: the test runs unoptimised, and the smaller
    // size shows that the next cycle behaves the same.
    assert_one_event_per_crossing(640, 480, 1);
}

#[test]
fn a_person_crossing_makes_one_event_per_cycle_320x240() {
    assert_one_event_per_crossing(320, 240, 2);
}

#[test]
fn a_slow_light_change_is_not_motion() {
    for (w, h) in [(640, 480), (320, 240)] {
        let ev = events(Scene::LightChange, w, h, CYCLE + 30);
        assert!(ev.is_empty(), "{w}×{h}: {ev:?}");
    }
}

#[test]
fn a_slow_light_change_is_not_motion_at_five_analyses_a_second() {
    // Fewer analyses mean a background further behind the light: the
    // light-change fit must still explain it.
    let ev = analysed_events(Scene::LightChange, 320, 240, 2 * CYCLE, 3);
    assert!(ev.is_empty(), "{ev:?}");
    let crossing = analysed_events(Scene::MovingObject, 320, 240, CYCLE, 3);
    assert_eq!(crossing.len(), 2, "{crossing:?}");
}

#[test]
fn the_bars_scene_runs_through_the_detector() {
    // The moving square is motion on purpose; whatever the detector makes of
    // it, it must take these frames without error.
    events(Scene::Bars, 320, 240, 30);
}

fn snapshot_png(scene: Scene, sequence: u64) -> Vec<u8> {
    let cam = TestPattern::new("salon", 640, 480, FPS)
        .unwrap()
        .with_scene(scene);
    let at = MORNING_US + (sequence as f64 * 1e6 / FPS) as u64;
    png::encode(cam.render(sequence, at).payload(), 640, 480, 3).unwrap()
}

#[test]
fn moving_object_640x480_person_in_view() {
    // 9 s into the cycle: the person is in the middle of the room.
    insta::assert_binary_snapshot!(
        "moving_object_640x480_135.png",
        snapshot_png(Scene::MovingObject, 135)
    );
}

#[test]
fn light_change_640x480_darkest() {
    // 15 s into the cycle: the light at its lowest, 65 %.
    insta::assert_binary_snapshot!(
        "light_change_640x480_225.png",
        snapshot_png(Scene::LightChange, 225)
    );
}
