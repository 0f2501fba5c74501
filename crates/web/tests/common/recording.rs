//! A recording folder written by the real recorder (`vigie-record`), with
//! its clock set by the test: the same event every time, whatever the
//! machine's speed or the day the test runs.

use std::path::Path;

use vigie_core::{jpeg, Frame, FrameHeader, PixelFormat};
use vigie_record::{MotionSample, RecordConfig, RecordMode, Recorder};

/// When the recorded camera starts: 2026-11-24 08:00:00 UTC.
pub const START_US: u64 = 1_795_507_200_000_000;

/// The camera the recorder sees.
pub const CAMERA: &str = "salon";

/// The size of the recorded frames: small, so the files stay tiny.
pub const FRAME_SIZE: (u32, u32) = (64, 48);

/// A small JPEG frame of `CAMERA`; `shade` changes its colours so that
/// successive frames differ.
pub fn jpeg_frame(sequence: u64, shade: u8) -> Frame {
    let (w, h) = FRAME_SIZE;
    let rgb: Vec<u8> = (0..w * h)
        .flat_map(|i| [shade, (i % 251) as u8, 255 - shade])
        .collect();
    let payload = jpeg::encode(&rgb, w, h, PixelFormat::Rgb8, 80).unwrap();
    let header = FrameHeader {
        camera: CAMERA.into(),
        sequence,
        captured_at_us: 0,
        width: w,
        height: h,
        format: PixelFormat::Jpeg,
    };
    Frame::new(header, payload).unwrap()
}

/// Ten seconds of a camera at 10 frames/s, moving from 3 s to 5 s: one
/// event, one file (1 s before, 1 s after). Returns how many frames the
/// file holds.
pub fn record_one_event(dir: &Path) -> usize {
    let mut config = RecordConfig::new(dir, RecordMode::Motion);
    config.pre_roll = std::time::Duration::from_secs(1);
    config.post_roll = std::time::Duration::from_secs(1);
    let mut recorder = Recorder::new(config);
    for i in 0..100u64 {
        let moving = (30..50).contains(&i);
        let sample = MotionSample {
            score: if moving {
                0.05 + i as f32 / 1000.0
            } else {
                0.0
            },
            in_event: moving,
        };
        let at = START_US + i * 100_000;
        recorder.push(&jpeg_frame(i, (i * 2) as u8), Some(sample), at);
        recorder.tick(at);
    }
    recorder.finish(START_US + 10_000_000);
    let file = std::fs::read_dir(dir.join(CAMERA))
        .unwrap()
        .flatten()
        .flat_map(|day| std::fs::read_dir(day.path()).unwrap().flatten())
        .find(|f| f.path().extension().is_some_and(|e| e == "mkv"))
        .expect("a recording")
        .path();
    vigie_record::mkv::read_frames(&file).unwrap().len()
}

/// The length of a segment in [`record_running_event`].
pub const SEGMENT_S: u64 = 2;

/// A camera at 10 frames/s that starts moving at 1 s and never stops,
/// recorded in segments of [`SEGMENT_S`] seconds up to `seconds`: an
/// event still running, whose earlier segments are closed. The recorder
/// is handed back, still recording (nothing is finished), so that the
/// test can go on with [`push_moving`].
pub fn record_running_event(dir: &Path, seconds: u64) -> Recorder {
    let mut config = RecordConfig::new(dir, RecordMode::Motion);
    config.pre_roll = std::time::Duration::from_secs(1);
    config.post_roll = std::time::Duration::from_secs(1);
    config.segment = std::time::Duration::from_secs(SEGMENT_S);
    let mut recorder = Recorder::new(config);
    push_moving(&mut recorder, 0, seconds * 10);
    recorder
}

/// Frames `from..to` of the camera of [`record_running_event`] (frame
/// `i` is at `i` tenths of a second): still for the first second, moving
/// after.
pub fn push_moving(recorder: &mut Recorder, from: u64, to: u64) {
    for i in from..to {
        let moving = i >= 10;
        let sample = MotionSample {
            score: if moving { 0.2 } else { 0.0 },
            in_event: moving,
        };
        let at = START_US + i * 100_000;
        recorder.push(&jpeg_frame(i, (i * 2) as u8), Some(sample), at);
        recorder.tick(at);
    }
}
