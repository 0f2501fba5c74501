//! The recorder on a real directory, with synthetic frames and a clock the
//! test controls: an hour of video takes milliseconds, and nothing sleeps.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use vigie_core::{Frame, FrameHeader, PixelFormat};
use vigie_record::events::{read_recent, EventRecord};
use vigie_record::mkv::read_frames;
use vigie_record::{MotionSample, RecordConfig, RecordMode, Recorder};

/// 2026-11-24 10:00:00 UTC, in µs.
const T0: u64 = 1_795_514_400_000_000;
/// 10 frames per second.
const STEP: u64 = 100_000;

fn frame(camera: &str, jpeg: Vec<u8>, width: u32, height: u32) -> Frame {
    let header = FrameHeader {
        camera: camera.into(),
        sequence: 0,
        captured_at_us: 0,
        width,
        height,
        format: PixelFormat::Jpeg,
    };
    Frame::new(header, jpeg).unwrap()
}

/// Frame `i` of a 10 fps camera: a real JPEG, so that ffprobe can decode it.
fn picture(camera: &str, i: u32) -> Frame {
    frame(camera, common::jpeg(64, 48, i), 64, 48)
}

/// Every `.mkv` under `dir`, sorted by name (so by time).
fn recordings(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "mkv") {
                found.push(path);
            }
        }
    }
    // `x-2.mkv` (a second file started in the same second) comes after `x.mkv`.
    found.sort_by_key(|p| p.to_string_lossy().replace(".mkv", "-1.mkv"));
    found
}

/// Plays `seconds` of a 10 fps camera; `motion(t)` says whether frame time
/// `t` (seconds from T0) is inside an event, and its score.
fn play(rec: &mut Recorder, camera: &str, seconds: u32, motion: impl Fn(f64) -> Option<f32>) {
    for i in 0..seconds * 10 {
        let at = T0 + u64::from(i) * STEP;
        let t = f64::from(i) / 10.0;
        let sample = match motion(t) {
            Some(score) => MotionSample {
                score,
                in_event: true,
            },
            None => MotionSample {
                score: 0.001,
                in_event: false,
            },
        };
        rec.push(&picture(camera, i), Some(sample), at);
        if i % 10 == 0 {
            rec.tick(at);
        }
    }
}

#[test]
fn motion_mode_writes_one_file_per_event_with_pre_and_post_roll() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rec = Recorder::new(RecordConfig::new(tmp.path(), RecordMode::Motion));
    // An event from 10 s to 14 s, strongest at 12 s.
    play(&mut rec, "porte", 30, |t| {
        (10.0..14.0)
            .contains(&t)
            .then_some(0.05 + if t == 12.0 { 0.5 } else { 0.0 })
    });
    rec.finish(T0 + 30_000_000);

    let files = recordings(tmp.path());
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].strip_prefix(tmp.path()).unwrap();
    // Named after its first frame, 3 s before the event (the pre-roll).
    assert_eq!(
        name,
        Path::new("porte/2026-11-24/porte-20261124-100006.mkv")
    );
    let frames = read_frames(&files[0]).unwrap();
    // 6.9 s to 19.0 s: 3.1 s of pre-roll (the ring keeps frames up to
    // exactly 3 s old), the 4 s event, 5 s of post-roll.
    assert_eq!(frames.len(), 122);
    assert_eq!(frames.last().unwrap().at_ms, 12_100);
    assert_eq!(frames[0].jpeg, common::jpeg(64, 48, 69)[..]);

    let events = read_recent(tmp.path(), 10).unwrap();
    let thumbnail = "porte/2026-11-24/porte-20261124-100010.jpg";
    assert_eq!(
        events,
        [EventRecord {
            camera: "porte".into(),
            start: "2026-11-24T10:00:10.000Z".into(),
            end: "2026-11-24T10:00:14.000Z".into(),
            peak: 0.55,
            file: Some("porte/2026-11-24/porte-20261124-100006.mkv".into()),
            thumbnail: Some(thumbnail.into()),
            event_start: Some("2026-11-24T10:00:10.000Z".into()),
            segment: Some(1),
            continues: false,
        }]
    );
    // The thumbnail is the frame with the highest score (at 12 s).
    let thumb = std::fs::read(tmp.path().join(thumbnail)).unwrap();
    assert_eq!(thumb, common::jpeg(64, 48, 120));
    assert!(vigie_record::store::resolve(tmp.path(), thumbnail).is_some());

    if !common::have("ffprobe") || !common::have("ffmpeg") {
        return;
    }
    let probe = common::ffprobe(&files[0]);
    assert_eq!(probe.codec, "mjpeg");
    assert_eq!((probe.width, probe.height, probe.frames), (64, 48, 122));
    let duration = probe.duration.unwrap();
    assert!((duration - 12.2).abs() <= 0.1, "{duration}");
    assert_eq!(common::ffmpeg_errors(&files[0]), "");
}

#[test]
fn close_events_share_one_file_and_far_ones_do_not() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rec = Recorder::new(RecordConfig::new(tmp.path(), RecordMode::Motion));
    // 10–12 s and 15–17 s are 3 s apart, within the 5 s post-roll;
    // 40–41 s comes long after.
    play(&mut rec, "cour", 60, |t| {
        ((10.0..12.0).contains(&t) || (15.0..17.0).contains(&t) || (40.0..41.0).contains(&t))
            .then_some(0.1)
    });
    rec.finish(T0 + 60_000_000);
    let files = recordings(tmp.path());
    assert_eq!(files.len(), 2, "{files:?}");
    // 6.9 s to 22 s, then 36.9 s to 46 s.
    assert_eq!(read_frames(&files[0]).unwrap().len(), 152);
    assert_eq!(read_frames(&files[1]).unwrap().len(), 92);

    let events = read_recent(tmp.path(), 10).unwrap();
    let files_of: Vec<&str> = events
        .iter()
        .rev()
        .map(|e| e.file.as_deref().unwrap())
        .collect();
    assert_eq!(
        files_of,
        [
            "cour/2026-11-24/cour-20261124-100006.mkv",
            "cour/2026-11-24/cour-20261124-100006.mkv",
            "cour/2026-11-24/cour-20261124-100036.mkv",
        ]
    );
}

#[test]
fn continuous_mode_cuts_segments_and_logs_events() {
    let tmp = tempfile::tempdir().unwrap();
    let mut config = RecordConfig::new(tmp.path(), RecordMode::Continuous);
    config.segment = Duration::from_secs(10);
    let mut rec = Recorder::new(config);
    play(&mut rec, "rue", 35, |t| {
        (12.0..13.0).contains(&t).then_some(0.2)
    });
    assert!(rec.status("rue").unwrap().recording);
    rec.finish(T0 + 35_000_000);
    assert_eq!(rec.status("rue"), None, "finish forgets the cameras");

    let files = recordings(tmp.path());
    let counts: Vec<usize> = files
        .iter()
        .map(|f| read_frames(f).unwrap().len())
        .collect();
    assert_eq!(counts, [100, 100, 100, 50]);
    let events = read_recent(tmp.path(), 10).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].file.as_deref(),
        Some("rue/2026-11-24/rue-20261124-100010.mkv")
    );
    if common::have("ffprobe") {
        let probe = common::ffprobe(&files[3]);
        assert_eq!(probe.frames, 50);
        assert!((probe.duration.unwrap() - 5.0).abs() <= 0.1);
    }
}

#[test]
fn raw_frames_are_stored_as_jpeg_and_a_new_size_starts_a_new_file() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rec = Recorder::new(RecordConfig::new(tmp.path(), RecordMode::Continuous));
    for i in 0..10u64 {
        let (w, h) = if i < 5 { (32, 24) } else { (48, 32) };
        let header = FrameHeader {
            camera: "brut".into(),
            sequence: i,
            captured_at_us: 0,
            width: w,
            height: h,
            format: PixelFormat::Rgb8,
        };
        let raw = Frame::new(header, vec![(i * 20) as u8; (w * h * 3) as usize]).unwrap();
        rec.push(&raw, None, T0 + i * STEP);
    }
    rec.finish(T0 + 10 * STEP);
    let files = recordings(tmp.path());
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(
        files[1].to_string_lossy().ends_with("-100000-2.mkv"),
        "{files:?}"
    );
    for (file, size) in files.iter().zip([(32, 24), (48, 32)]) {
        let frames = read_frames(file).unwrap();
        assert_eq!(frames.len(), 5);
        assert_eq!(vigie_core::jpeg::dimensions(&frames[0].jpeg).unwrap(), size);
    }
}

#[test]
fn the_pre_roll_stays_under_its_byte_cap_with_huge_frames() {
    let tmp = tempfile::tempdir().unwrap();
    let mut config = RecordConfig::new(tmp.path(), RecordMode::Motion);
    config.max_buffer_bytes = 1 << 20;
    let mut rec = Recorder::new(config);
    let mut huge = vec![0u8; 300_000];
    huge[..2].copy_from_slice(&[0xFF, 0xD8]);
    let big = frame("4k", huge, 3840, 2160);
    for i in 0..100 {
        rec.push(&big, None, T0 + i * 33_000);
        assert!(rec.buffered_bytes("4k").unwrap() <= 1 << 20);
    }
    assert_eq!(rec.buffered_bytes("4k"), Some(900_000));
    assert!(recordings(tmp.path()).is_empty(), "no event, no file");
}

#[test]
fn camera_gone_ends_its_event_and_closes_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rec = Recorder::new(RecordConfig::new(tmp.path(), RecordMode::Motion));
    play(&mut rec, "garage", 5, |t| (t >= 4.0).then_some(0.3));
    assert!(rec.status("garage").unwrap().recording);
    rec.camera_gone("garage", T0 + 5_000_000);
    assert_eq!(rec.status("garage"), None);
    let events = read_recent(tmp.path(), 10).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].end, "2026-11-24T10:00:05.000Z");
    // 0.9 s to 4.9 s: pre-roll and event.
    assert_eq!(read_frames(&recordings(tmp.path())[0]).unwrap().len(), 41);
}

#[test]
fn a_silent_camera_is_closed_by_tick_after_its_post_roll() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rec = Recorder::new(RecordConfig::new(tmp.path(), RecordMode::Motion));
    play(&mut rec, "muette", 3, |t| (t < 2.0).then_some(0.3));
    assert!(rec.status("muette").unwrap().recording);
    rec.tick(T0 + 6_000_000); // the post-roll runs until 7 s
    assert!(rec.status("muette").unwrap().recording);
    rec.tick(T0 + 7_100_000);
    assert!(!rec.status("muette").unwrap().recording);
}

#[test]
fn read_recent_tolerates_a_torn_line() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rec = Recorder::new(RecordConfig::new(tmp.path(), RecordMode::Motion));
    play(&mut rec, "a", 20, |t| {
        ((5.0..6.0).contains(&t) || (15.0..16.0).contains(&t)).then_some(0.1)
    });
    rec.finish(T0 + 20_000_000);
    use std::io::Write;
    let mut journal = std::fs::OpenOptions::new()
        .append(true)
        .open(tmp.path().join("events.jsonl"))
        .unwrap();
    journal
        .write_all(b"{\"camera\":\"a\",\"start\":\"2026-")
        .unwrap();
    let events = read_recent(tmp.path(), 10).unwrap();
    let starts: Vec<&str> = events.iter().map(|e| e.start.as_str()).collect();
    assert_eq!(
        starts,
        ["2026-11-24T10:00:15.000Z", "2026-11-24T10:00:05.000Z"]
    );
}
