//! The disk budget and disk trouble, on a real directory: retention deletes
//! the oldest recordings first, and a directory that cannot be written is
//! an error in the status, retried until it works, never a panic.

use std::path::{Path, PathBuf};
use std::time::Duration;

use vigie_core::{Frame, FrameHeader, PixelFormat};
use vigie_record::{RecordConfig, RecordMode, Recorder};

/// 2026-11-24 10:00:00 UTC, in µs.
const T0: u64 = 1_795_514_400_000_000;
const DAY_US: u64 = 86_400_000_000;

/// A 10 KB "JPEG" (the recorder does not decode it).
fn frame(camera: &str) -> Frame {
    let mut jpeg = vec![0u8; 10_000];
    jpeg[..2].copy_from_slice(&[0xFF, 0xD8]);
    let header = FrameHeader {
        camera: camera.into(),
        sequence: 0,
        captured_at_us: 0,
        width: 64,
        height: 48,
        format: PixelFormat::Jpeg,
    };
    Frame::new(header, jpeg).unwrap()
}

fn files(dir: &Path, ext: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                found.push(path.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn a_tiny_quota_deletes_the_oldest_first_never_the_open_file() {
    let tmp = tempfile::tempdir().unwrap();
    let mut config = RecordConfig::new(tmp.path(), RecordMode::Continuous);
    config.segment = Duration::from_secs(10);
    // One segment is 100 frames of 10 KB, about 1 MB: room for three.
    config.max_bytes = Some(3_100_000);
    let mut rec = Recorder::new(config);
    let f = frame("quota");
    for i in 0..600 {
        rec.push(&f, None, T0 + i * 100_000); // 60 s: six segments
    }
    // Segments 1–2 went to make room; 3–5 and the open one remain. The
    // total went over the quota only by the part of the file being written.
    assert_eq!(
        files(tmp.path(), "mkv"),
        [
            "quota-20261124-100020.mkv",
            "quota-20261124-100030.mkv",
            "quota-20261124-100040.mkv",
            "quota-20261124-100050.mkv",
        ]
    );

    // A quota smaller than one file: everything but the open file goes.
    let mut config = RecordConfig::new(tmp.path(), RecordMode::Continuous);
    config.max_bytes = Some(1);
    let mut rec2 = Recorder::new(config);
    rec2.push(&frame("other"), None, T0 + 70_000_000);
    rec2.tick(T0 + 70_000_000);
    assert_eq!(files(tmp.path(), "mkv"), ["other-20261124-100110.mkv"]);
    assert!(rec2.status("other").unwrap().recording);
    drop(rec);
}

#[test]
fn old_recordings_and_their_thumbnails_expire() {
    let tmp = tempfile::tempdir().unwrap();
    // Files dated by their names, as the recorder writes them.
    let put = |camera: &str, day: &str, name: &str| {
        let dir = tmp.path().join(camera).join(day);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), b"old").unwrap();
    };
    put("cam", "2026-11-14", "cam-20261114-100000.mkv"); // 10 days old
    put("cam", "2026-11-14", "cam-20261114-100003.jpg"); // its event
    put("cam", "2026-11-21", "cam-20261121-100000.mkv"); // 3 days
    put("cam", "2026-11-23", "cam-20261123-100000.mkv"); // 1 day
    put("cam", "2026-11-23", "cam-20261123-100005.jpg");
    put("cam", "2026-11-14", "holiday.mkv"); // not ours: left alone
    let mut config = RecordConfig::new(tmp.path(), RecordMode::Motion);
    config.max_age = Some(Duration::from_secs(2 * 86_400));
    let mut rec = Recorder::new(config);
    rec.tick(T0);
    assert_eq!(
        files(tmp.path(), "mkv"),
        ["cam-20261123-100000.mkv", "holiday.mkv"]
    );
    assert_eq!(files(tmp.path(), "jpg"), ["cam-20261123-100005.jpg"]);
    // A day later, retention runs again from tick (at most once a minute).
    rec.tick(T0 + DAY_US + 1);
    assert_eq!(files(tmp.path(), "mkv"), ["holiday.mkv"]);
    assert!(files(tmp.path(), "jpg").is_empty());
}

#[test]
fn an_unusable_directory_is_an_error_then_recording_resumes() {
    let tmp = tempfile::tempdir().unwrap();
    // A regular file where the directory should be: fails even for root.
    let dir: PathBuf = tmp.path().join("rec");
    std::fs::write(&dir, b"not a directory").unwrap();
    let mut config = RecordConfig::new(&dir, RecordMode::Continuous);
    config.retry_after = Duration::from_secs(5);
    let mut rec = Recorder::new(config);
    let f = frame("salon");
    for i in 0..30 {
        rec.push(&f, None, T0 + i * 100_000);
    }
    let status = rec.status("salon").unwrap();
    assert!(!status.recording);
    let error = status.error.expect("an error in the status");
    assert!(
        error.contains("rec/salon") && error.contains("ot a directory"),
        "{error}"
    );

    // Fixed by hand; the next attempt (5 s after the failure) works.
    std::fs::remove_file(&dir).unwrap();
    std::fs::create_dir(&dir).unwrap();
    for i in 30..50 {
        rec.push(&f, None, T0 + i * 100_000);
    }
    assert!(
        rec.status("salon").unwrap().error.is_some(),
        "not retried yet"
    );
    for i in 50..80 {
        rec.push(&f, None, T0 + i * 100_000);
    }
    let status = rec.status("salon").unwrap();
    assert_eq!((status.recording, status.error), (true, None));
    rec.finish(T0 + 8_000_000);
    let written = files(&dir, "mkv");
    assert_eq!(written.len(), 1);
    // The file begins with what the pre-roll kept during the outage (1.9 s
    // to 4.9 s: its last 3 s), then the frames from the retry at 5 s on.
    let path = dir.join("salon/2026-11-24").join(&written[0]);
    let frames = vigie_record::mkv::read_frames(&path).unwrap();
    assert_eq!(frames.len(), 31 + 30);
    assert_eq!(written[0], "salon-20261124-100001.mkv");
}
