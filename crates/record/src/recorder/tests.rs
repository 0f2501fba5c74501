//! The recorder against a mock disk that fills up, refuses, then recovers:
//! situations a real disk cannot be made to play on demand.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use vigie_core::{Frame, FrameHeader, PixelFormat};

use super::*;
use crate::mkv::MkvMuxer;
use crate::store::{FileId, MockStorage};
use crate::{MotionSample, RecordMode};

const T0: u64 = 1_795_514_400_000_000;

/// What the mock saw, and the switches that make it fail.
#[derive(Default)]
struct Disk {
    full: AtomicBool,
    denied: AtomicBool,
    journal_broken: AtomicBool,
    /// Every file created, in order: its id is its place in this list, from 1.
    created: Mutex<Vec<PathBuf>>,
    deleted: Mutex<Vec<PathBuf>>,
    appends: Mutex<Vec<(FileId, usize)>>,
    lines: Mutex<Vec<String>>,
    replace_attempts: std::sync::atomic::AtomicUsize,
    /// Every whole-file replacement, in order.
    replaced: Mutex<Vec<(PathBuf, Vec<u8>)>>,
}

impl Disk {
    /// The recordings created, as (id, path).
    fn recordings(&self) -> Vec<(FileId, PathBuf)> {
        let created = self.created.lock().unwrap();
        (1..)
            .map(FileId)
            .zip(created.iter().cloned())
            .filter(|(_, p)| p.extension().is_some_and(|e| e == "mkv"))
            .collect()
    }

    fn creates(&self) -> usize {
        self.recordings().len()
    }

    /// The id of the `n`th recording created, from 1.
    fn recording(&self, n: usize) -> FileId {
        self.recordings()[n - 1].0
    }
}

fn enospc() -> io::Error {
    io::Error::from_raw_os_error(28) // ENOSPC: "No space left on device"
}

fn mock(disk: &Arc<Disk>) -> MockStorage {
    let mut m = MockStorage::new();
    let d = disk.clone();
    m.expect_create_dir_all().returning(move |_| {
        if d.denied.load(Ordering::SeqCst) {
            Err(io::Error::from(io::ErrorKind::PermissionDenied))
        } else {
            Ok(())
        }
    });
    let d = disk.clone();
    m.expect_create_new().returning(move |path| {
        let mut created = d.created.lock().unwrap();
        created.push(path.to_owned());
        Ok(FileId(created.len() as u64))
    });
    let d = disk.clone();
    m.expect_append().returning(move |id, bytes| {
        if d.full.load(Ordering::SeqCst) {
            return Err(enospc());
        }
        d.appends.lock().unwrap().push((id, bytes.len()));
        Ok(())
    });
    m.expect_patch().returning(|_, _, _| Ok(()));
    m.expect_close().returning(|_| Ok(()));
    let d = disk.clone();
    m.expect_delete().returning(move |path| {
        d.deleted.lock().unwrap().push(path.to_owned());
        Ok(())
    });
    // No folder has a name file yet: each camera claims its first choice.
    m.expect_read_small().returning(|_, _| Ok(None));
    let d = disk.clone();
    m.expect_replace().returning(move |path, bytes| {
        d.replace_attempts.fetch_add(1, Ordering::SeqCst);
        if d.full.load(Ordering::SeqCst) {
            return Err(enospc());
        }
        let mut replaced = d.replaced.lock().unwrap();
        replaced.push((path.to_owned(), bytes.to_owned()));
        Ok(())
    });
    m.expect_list_recordings().returning(|_| Ok(Vec::new()));
    let d = disk.clone();
    m.expect_append_line()
        .returning(move |_: &Path, line: &str| {
            if d.journal_broken.load(Ordering::SeqCst) {
                return Err(enospc());
            }
            d.lines.lock().unwrap().push(line.to_owned());
            Ok(())
        });
    m
}

fn frame() -> Frame {
    let header = FrameHeader {
        camera: "cam".into(),
        sequence: 0,
        captured_at_us: 0,
        width: 8,
        height: 8,
        format: PixelFormat::Jpeg,
    };
    Frame::new(header, vec![0xFF, 0xD8, 1, 2, 3]).unwrap()
}

fn config(mode: RecordMode) -> RecordConfig {
    let mut config = RecordConfig::new("/rec", mode);
    config.retry_after = Duration::from_secs(5);
    config
}

/// Frames `from..to` of a 10 fps camera.
fn play(rec: &mut Recorder, from: u64, to: u64, motion: Option<MotionSample>) {
    for i in from..to {
        rec.push(&frame(), motion, T0 + i * 100_000);
    }
}

/// Frames in the `n`th recording: one append each (the first also carries
/// the header).
fn frames_in(disk: &Disk, n: usize) -> usize {
    let id = disk.recording(n);
    let appends = disk.appends.lock().unwrap();
    appends.iter().filter(|(i, _)| *i == id).count()
}

#[test]
fn a_full_disk_is_retried_and_the_pre_roll_fills_the_gap() {
    let disk = Arc::new(Disk::default());
    let mut rec = Recorder::new_with_storage(config(RecordMode::Continuous), mock(&disk));
    play(&mut rec, 0, 20, None);
    assert_eq!(frames_in(&disk, 1), 20);

    disk.full.store(true, Ordering::SeqCst); // at 2.0 s
    play(&mut rec, 20, 71, None);
    let status = rec.status("cam").unwrap();
    assert!(!status.recording);
    let error = status.error.unwrap();
    assert!(error.contains("No space left on device"), "{error}");
    // The latest attempt: the retry at 7 s, which could not write its header.
    assert!(
        error.contains("/rec/cam/2026-11-24/cam-20261124-100003.mkv"),
        "{error}"
    );
    // The retry at 7.0 s created a file, whose header failed: no busy loop.
    assert_eq!(disk.creates(), 2);

    disk.full.store(false, Ordering::SeqCst); // at 7.1 s
    play(&mut rec, 71, 120, None);
    assert_eq!(disk.creates(), 2, "next retry at 12 s");
    assert!(rec.status("cam").unwrap().error.is_some());
    play(&mut rec, 120, 131, None);
    let status = rec.status("cam").unwrap();
    assert_eq!((status.recording, status.error), (true, None));
    // File 3 opened at 12 s, starting with the 3 s of pre-roll kept
    // meanwhile (8.9 s to 11.9 s), then 12 s to 13 s.
    assert_eq!(frames_in(&disk, 3), 31 + 11);
}

#[test]
fn a_denied_directory_shows_in_the_status_and_the_buffer_stays_bounded() {
    let disk = Arc::new(Disk::default());
    disk.denied.store(true, Ordering::SeqCst);
    let mut cfg = config(RecordMode::Continuous);
    cfg.max_buffer_bytes = 50;
    let mut rec = Recorder::new_with_storage(cfg, mock(&disk));
    play(&mut rec, 0, 100, None);
    let status = rec.status("cam").unwrap();
    assert!(status.error.unwrap().contains("permission denied"));
    assert_eq!(disk.creates(), 0);
    assert!(rec.buffered_bytes("cam").unwrap() <= 50);

    disk.denied.store(false, Ordering::SeqCst);
    rec.tick(T0 + 10_000_000); // the retry comes from tick too
    assert_eq!(rec.status("cam").unwrap().error, None);
    assert_eq!(frames_in(&disk, 1), 10, "the 50 bytes of pre-roll");
}

#[test]
fn events_wait_in_memory_while_the_journal_cannot_be_written() {
    let disk = Arc::new(Disk::default());
    disk.journal_broken.store(true, Ordering::SeqCst);
    let mut rec = Recorder::new_with_storage(config(RecordMode::Motion), mock(&disk));
    let moving = Some(MotionSample {
        score: 0.2,
        in_event: true,
    });
    let still = Some(MotionSample {
        score: 0.0,
        in_event: false,
    });
    play(&mut rec, 0, 10, moving);
    play(&mut rec, 10, 20, still);
    play(&mut rec, 20, 30, moving);
    play(&mut rec, 30, 40, still);
    assert!(disk.lines.lock().unwrap().is_empty());

    disk.journal_broken.store(false, Ordering::SeqCst);
    rec.tick(T0 + 5_000_000);
    let lines = disk.lines.lock().unwrap().clone();
    assert_eq!(lines.len(), 2);
    let first: crate::events::EventRecord = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(first.start, "2026-11-24T10:00:00.000Z");
    assert_eq!(first.end, "2026-11-24T10:00:01.000Z");
    assert_eq!(first.peak, 0.2);
    assert_eq!(
        first.file.as_deref(),
        Some("cam/2026-11-24/cam-20261124-100000.mkv")
    );
    // Both events share the file: the second began during the post-roll.
    let second: crate::events::EventRecord = serde_json::from_str(&lines[1]).unwrap();
    assert_eq!(second.file, first.file);
}

#[test]
fn an_event_open_at_finish_is_closed_then() {
    let disk = Arc::new(Disk::default());
    let mut rec = Recorder::new_with_storage(config(RecordMode::Motion), mock(&disk));
    play(
        &mut rec,
        0,
        10,
        Some(MotionSample {
            score: 0.3,
            in_event: true,
        }),
    );
    // Frames not analysed keep the last known state: still in the event.
    play(&mut rec, 10, 20, None);
    assert!(disk.lines.lock().unwrap().is_empty());
    rec.finish(T0 + 2_000_000);
    let lines = disk.lines.lock().unwrap().clone();
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].contains("\"end\":\"2026-11-24T10:00:02.000Z\""),
        "{}",
        lines[0]
    );
    assert_eq!(frames_in(&disk, 1), 20);
}

#[test]
fn the_recorder_can_move_to_its_own_thread() {
    fn is_send<T: Send>() {}
    is_send::<Recorder>();
}

#[test]
fn a_full_disk_leaves_no_empty_file_behind() {
    let disk = Arc::new(Disk::default());
    let mut rec = Recorder::new_with_storage(config(RecordMode::Continuous), mock(&disk));
    // The camera's name file goes out while the disk still has room.
    play(&mut rec, 0, 1, None);
    disk.full.store(true, Ordering::SeqCst);
    // 30 s of a full disk: a retry every 5 s, each one a new file that fails.
    play(&mut rec, 1, 300, None);
    let made = disk.recordings();
    assert!(made.len() >= 6, "retried: {made:?}");
    // The first file holds its first frame and stays; every later one
    // failed before any frame reached it, and was deleted.
    let deleted = disk.deleted.lock().unwrap().clone();
    let failed: Vec<PathBuf> = made[1..].iter().map(|(_, p)| p.clone()).collect();
    assert_eq!(deleted, failed, "each file that failed empty is removed");
    assert!(
        !deleted.contains(&made[0].1),
        "a file with frames stays playable"
    );
    // Nothing was written to the disk but whole frames: the header never
    // went out alone.
    let appends = disk.appends.lock().unwrap().clone();
    let first_file: Vec<_> = appends.iter().filter(|(id, _)| *id == made[0].0).collect();
    assert_eq!(first_file.len(), 1);
    assert!(first_file[0].1 > MkvMuxer::new(8, 8, 0).header().len());
}

#[test]
fn a_file_is_written_only_with_its_first_frame() {
    let disk = Arc::new(Disk::default());
    let mut rec = Recorder::new_with_storage(config(RecordMode::Continuous), mock(&disk));
    play(&mut rec, 0, 3, None);
    let appends = disk.appends.lock().unwrap().clone();
    let header = MkvMuxer::new(8, 8, 0).header().len();
    let id = disk.recording(1);
    let sizes: Vec<usize> = appends
        .iter()
        .filter(|(i, _)| *i == id)
        .map(|&(_, n)| n)
        .collect();
    assert_eq!(sizes.len(), 3, "one write per frame");
    assert!(sizes[0] > header && sizes[1] < sizes[0], "{sizes:?}");
}

#[test]
fn the_running_events_file_follows_events_and_a_failure_is_not_retried_per_frame() {
    let disk = Arc::new(Disk::default());
    let mut rec = Recorder::new_with_storage(config(RecordMode::Motion), mock(&disk));
    let running = |disk: &Disk| -> Vec<crate::events::RunningEvent> {
        let replaced = disk.replaced.lock().unwrap();
        let (_, json) = replaced.last().expect("written");
        serde_json::from_slice(json).unwrap()
    };
    rec.tick(T0);
    assert_eq!(running(&disk), [], "a stale file is cleared at start");
    let moving = Some(MotionSample {
        score: 0.2,
        in_event: true,
    });
    play(&mut rec, 0, 5, moving);
    let now = running(&disk);
    assert_eq!(now.len(), 1);
    assert_eq!((now[0].camera.as_str(), now[0].segment), ("cam", 1));
    assert_eq!(
        now[0].file.as_deref(),
        Some("cam/2026-11-24/cam-20261124-100000.mkv")
    );
    assert_eq!(rec.running_events(), now);
    let writes = disk.replaced.lock().unwrap().len();
    play(&mut rec, 5, 50, moving);
    assert_eq!(
        disk.replaced.lock().unwrap().len(),
        writes,
        "no change, no write"
    );
    let still = Some(MotionSample {
        score: 0.0,
        in_event: false,
    });
    play(&mut rec, 50, 51, still);
    assert_eq!(running(&disk), []);
}

#[test]
fn a_running_events_file_that_cannot_be_written_is_retried_every_few_seconds() {
    let disk = Arc::new(Disk::default());
    disk.full.store(true, Ordering::SeqCst);
    let mut rec = Recorder::new_with_storage(config(RecordMode::Motion), mock(&disk));
    let moving = Some(MotionSample {
        score: 0.2,
        in_event: true,
    });
    // 10 s at 10 frames/s with a retry every 5 s: a few attempts, not 100.
    play(&mut rec, 0, 100, moving);
    let attempts = disk.replace_attempts.load(Ordering::SeqCst);
    assert!((2..=3).contains(&attempts), "{attempts} attempts");
}
