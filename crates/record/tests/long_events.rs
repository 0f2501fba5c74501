//! A long event in motion mode (issue 13): a camera that always sees motion
//! must not make one endless file that nobody can see until the server
//! stops. Its recording is cut into segments, each listed in the journal
//! with its thumbnail as soon as it is closed, readable while the next one
//! is written; the event itself shows as running.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use vigie_core::{Frame, FrameHeader, PixelFormat};
use vigie_record::events::{read_recent, read_running, EventRecord};
use vigie_record::mkv::read_frames;
use vigie_record::{MotionSample, RecordConfig, RecordMode, Recorder};

/// 2026-11-24 10:00:00 UTC, in µs.
const T0: u64 = 1_795_514_400_000_000;
/// 10 frames per second.
const STEP: u64 = 100_000;

fn picture(camera: &str, i: u64) -> Frame {
    let header = FrameHeader {
        camera: camera.into(),
        sequence: i,
        captured_at_us: 0,
        width: 64,
        height: 48,
        format: PixelFormat::Jpeg,
    };
    Frame::new(header, common::jpeg(64, 48, i as u32)).unwrap()
}

fn moving(score: f32) -> Option<MotionSample> {
    Some(MotionSample {
        score,
        in_event: true,
    })
}

/// Frames `from..to` of a 10 fps camera, all in motion; a higher score at
/// frame `best` of each second-and-a-half segment so its thumbnail is known.
fn play(rec: &mut Recorder, from: u64, to: u64) {
    for i in from..to {
        let at = T0 + i * STEP;
        let score = if i % 15 == 7 { 0.5 } else { 0.1 };
        rec.push(&picture("hall", i), moving(score), at);
        if i % 10 == 0 {
            rec.tick(at);
        }
    }
}

fn config(dir: &Path) -> RecordConfig {
    let mut config = RecordConfig::new(dir, RecordMode::Motion);
    // A fractional segment, as tests may use: 1.5 s.
    config.segment = Duration::from_millis(1500);
    config.pre_roll = Duration::ZERO;
    config
}

fn journal(dir: &Path) -> Vec<EventRecord> {
    let mut events = read_recent(dir, 100).unwrap();
    events.reverse(); // oldest first
    events
}

#[test]
fn a_long_event_is_cut_and_each_closed_segment_is_listed_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut rec = Recorder::new(config(dir));
    assert_eq!(read_running(dir).unwrap(), [], "nothing runs yet");

    // 4 s of motion: segments of 0–1.5 s and 1.5–3 s are closed, the third
    // is being written.
    play(&mut rec, 0, 40);
    let lines = journal(dir);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    for (n, line) in lines.iter().enumerate() {
        assert_eq!(line.camera, "hall");
        assert_eq!(
            line.event_start.as_deref(),
            Some("2026-11-24T10:00:00.000Z")
        );
        assert_eq!(line.segment, Some(n as u32 + 1));
        assert!(line.continues, "the event goes on after segment {}", n + 1);
        assert_eq!(line.peak, 0.5);
    }
    assert_eq!(lines[0].start, "2026-11-24T10:00:00.000Z");
    assert_eq!(lines[0].end, "2026-11-24T10:00:01.400Z");
    assert_eq!(lines[1].start, "2026-11-24T10:00:01.500Z");
    assert_eq!(lines[1].end, "2026-11-24T10:00:02.900Z");

    // Each closed segment is complete and readable, with its thumbnail
    // (the frame with the highest score of that segment), while the event
    // goes on in the next file.
    for (n, line) in lines.iter().enumerate() {
        let file = dir.join(line.file.as_deref().unwrap());
        let frames = read_frames(&file).unwrap();
        assert_eq!(frames.len(), 15, "segment {}", n + 1);
        assert_eq!(frames[0].jpeg, common::jpeg(64, 48, 15 * n as u32)[..]);
        assert_eq!(frames[14].at_ms, 1400);
        let thumbnail = line.thumbnail.as_deref().unwrap();
        assert!(vigie_record::store::resolve(dir, thumbnail).is_some());
        let thumb = std::fs::read(dir.join(thumbnail)).unwrap();
        assert_eq!(thumb, common::jpeg(64, 48, 15 * n as u32 + 7));
    }
    assert_ne!(lines[0].file, lines[1].file);

    // The event is running, in its third segment.
    let running = read_running(dir).unwrap();
    assert_eq!(running.len(), 1, "{running:?}");
    assert_eq!(running[0].camera, "hall");
    assert_eq!(running[0].start, "2026-11-24T10:00:00.000Z");
    assert_eq!(running[0].segment, 3);
    assert_eq!(running[0].segment_start, "2026-11-24T10:00:03.000Z");
    let open = running[0].file.as_deref().unwrap();
    assert_eq!(open, "hall/2026-11-24/hall-20261124-100003.mkv");
    assert_eq!(rec.running_events(), running);
    // Even the file being written reads back, up to its last frame.
    assert_eq!(read_frames(&dir.join(open)).unwrap().len(), 10);

    // The event ends at 4.5 s: the last segment's line, and nothing runs.
    for i in 40..45 {
        rec.push(&picture("hall", i), moving(0.1), T0 + i * STEP);
    }
    let calm = MotionSample {
        score: 0.0,
        in_event: false,
    };
    rec.push(&picture("hall", 45), Some(calm), T0 + 45 * STEP);
    let lines = journal(dir);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2].segment, Some(3));
    assert!(!lines[2].continues, "the last segment");
    assert_eq!(lines[2].start, "2026-11-24T10:00:03.000Z");
    assert_eq!(lines[2].end, "2026-11-24T10:00:04.500Z");
    assert_eq!(lines[2].file.as_deref(), Some(open));
    assert_eq!(read_running(dir).unwrap(), []);
    rec.finish(T0 + 60 * STEP);
    assert_eq!(journal(dir).len(), 3, "finish adds no line");
}

#[test]
fn a_running_file_left_by_a_killed_recorder_is_cleared() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    {
        let mut rec = Recorder::new(config(dir));
        play(&mut rec, 0, 5);
        assert_eq!(read_running(dir).unwrap().len(), 1);
        // Dropped without finish: as if the process were killed.
    }
    assert_eq!(read_running(dir).unwrap().len(), 1, "stale");
    let mut rec = Recorder::new(config(dir));
    rec.tick(T0 + 10 * STEP);
    assert_eq!(read_running(dir).unwrap(), []);
}

#[test]
fn two_cameras_whose_names_share_a_folder_get_their_own() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // A folder made for another camera, under the name "hall" maps to (as a
    // hash collision, or a file system that ignores case, would make it).
    std::fs::create_dir_all(dir.join("hall")).unwrap();
    std::fs::write(dir.join("hall").join("camera.txt"), "Hall\n").unwrap();
    let mut rec = Recorder::new(config(dir));
    play(&mut rec, 0, 20);
    rec.finish(T0 + 20 * STEP);
    let files: Vec<PathBuf> = journal(dir)
        .iter()
        .filter_map(|e| e.file.as_ref().map(|f| dir.join(f)))
        .collect();
    assert!(!files.is_empty());
    for file in &files {
        assert!(file.starts_with(dir.join("hall~2")), "{}", file.display());
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("hall~2/camera.txt")).unwrap(),
        "hall\n"
    );
    assert_eq!(
        std::fs::read_dir(dir.join("hall")).unwrap().count(),
        1,
        "left alone"
    );
}
