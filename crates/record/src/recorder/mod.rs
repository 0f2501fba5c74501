//! The recorder: decides, frame by frame, what goes to disk.
//!
//! In **motion mode** a camera's life is a small state machine:
//!
//! ```text
//!            event starts                      event ends
//!  IDLE ─────────────────────► RECORDING ─────────────────────► POST-ROLL
//!  (frames go to the pre-roll   (file open: the pre-roll,        (file still open)
//!   ring, nothing is written)    then every frame)                  │     │
//!    ▲                                ▲        event starts again   │     │
//!    │                                └─────────────────────────────┘     │
//!    └──────────────────── post-roll over: the file is closed ◄──────────┘
//! ```
//!
//! So a file holds one event with a few seconds on each side, and two events
//! close together share one file instead of cutting the video in two.
//!
//! In **continuous mode** a file is always open and is cut every `segment`;
//! motion events, if the caller gives motion samples, are still logged.
//!
//! The recorder does its IO synchronously through a [`Storage`]: call it from
//! a thread of its own (or `spawn_blocking`), not from an async task. It never
//! sleeps, and never retries in a loop: a failed write is retried on a later
//! call, so a bad disk costs one failed system call every few seconds.

mod camera;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::PathBuf;

use bytes::Bytes;
use tracing::{error, info, warn};
use vigie_core::{Frame, PixelFormat};

use crate::events::FILE_NAME;
use crate::retention;
use crate::ring::Buffered;
use crate::store::{FsStorage, Storage};
use crate::{MotionSample, RecordConfig, RecordingStatus};
use camera::{Camera, Ctx};

/// Raw frames are stored as JPEG at this quality: close to the camera
/// client's default (90), a little smaller.
const JPEG_QUALITY: u8 = 85;

/// Retention lists the whole directory: not more than once a minute.
const RETENTION_EVERY_US: u64 = 60_000_000;

/// Journal lines kept in memory while events.jsonl cannot be written.
const MAX_PENDING_EVENTS: usize = 10_000;

/// The [`Ctx`] a camera needs, borrowed field by field from the recorder.
/// A macro rather than a method: a method would borrow the whole recorder,
/// while the camera being worked on is itself borrowed from `cameras`.
macro_rules! ctx {
    ($recorder:ident) => {
        Ctx {
            config: &$recorder.config,
            storage: &mut *$recorder.storage,
            buf: &mut $recorder.buf,
            events: &mut $recorder.pending_events,
            retention_due: &mut $recorder.retention_due,
        }
    };
}

/// Records the frames of every camera, as the [`RecordConfig`] says.
pub struct Recorder {
    config: RecordConfig,
    storage: Box<dyn Storage>,
    cameras: HashMap<String, Camera>,
    buf: Vec<u8>,
    pending_events: Vec<String>,
    events_failing: bool,
    last_retention_us: Option<u64>,
    retention_due: bool,
}

impl Recorder {
    /// Never fails: an unusable directory shows up as a status error and is retried.
    pub fn new(config: RecordConfig) -> Recorder {
        Recorder::new_with_storage(config, FsStorage::new())
    }

    /// A recorder that reaches the disk through `storage` (tests use a mock).
    pub fn new_with_storage(config: RecordConfig, storage: impl Storage + 'static) -> Recorder {
        let mut recorder = Recorder {
            config,
            storage: Box::new(storage),
            cameras: HashMap::new(),
            buf: Vec::new(),
            pending_events: Vec::new(),
            events_failing: false,
            last_retention_us: None,
            retention_due: false,
        };
        if let Err(e) = recorder.storage.create_dir_all(&recorder.config.dir) {
            error!(
                "recordings directory {} is unusable: {e}; recording will be retried",
                recorder.config.dir.display()
            );
        }
        // Retention runs at the first call, which brings the time.
        recorder
    }

    pub fn config(&self) -> &RecordConfig {
        &self.config
    }

    /// One received frame; `motion` is None when the frame was not analysed (keep the last known state).
    pub fn push(&mut self, frame: &Frame, motion: Option<MotionSample>, at_us: u64) {
        let jpeg = match frame.format() {
            PixelFormat::Jpeg => frame.payload().clone(),
            format => match vigie_core::jpeg::encode(
                frame.payload(),
                frame.width(),
                frame.height(),
                format,
                JPEG_QUALITY,
            ) {
                Ok(jpeg) => Bytes::from(jpeg),
                Err(e) => {
                    warn!(camera = frame.camera(), "frame not recorded: {e}");
                    return;
                }
            },
        };
        let buffered = Buffered {
            at_us,
            width: frame.width(),
            height: frame.height(),
            jpeg,
            score: motion.map(|m| m.score),
        };
        let camera = self
            .cameras
            .entry(frame.camera().to_owned())
            .or_insert_with(|| Camera::new(frame.camera(), &self.config));
        let mut ctx = ctx!(self);
        camera.push(&mut ctx, buffered, motion);
        self.after(at_us);
    }

    /// The camera disconnected: end its event and close its file.
    pub fn camera_gone(&mut self, camera: &str, at_us: u64) {
        if let Some(mut cam) = self.cameras.remove(camera) {
            let mut ctx = ctx!(self);
            cam.stop(&mut ctx, at_us);
        }
        self.after(at_us);
    }

    /// Post-roll timeouts for silent cameras, retries, retention. Call about once a second.
    pub fn tick(&mut self, at_us: u64) {
        for cam in self.cameras.values_mut() {
            let mut ctx = ctx!(self);
            cam.tick(&mut ctx, at_us);
        }
        let minute_passed = self
            .last_retention_us
            .is_none_or(|last| at_us.saturating_sub(last) >= RETENTION_EVERY_US);
        self.retention_due |= minute_passed;
        self.after(at_us);
    }

    pub fn status(&self, camera: &str) -> Option<RecordingStatus> {
        self.cameras.get(camera).map(Camera::status)
    }

    /// The bytes of JPEG held in a camera's pre-roll (memory use).
    pub fn buffered_bytes(&self, camera: &str) -> Option<usize> {
        self.cameras.get(camera).map(Camera::buffered_bytes)
    }

    /// Closes every file and open event (clean shutdown).
    pub fn finish(&mut self, at_us: u64) {
        for (_, mut cam) in self.cameras.drain() {
            let mut ctx = ctx!(self);
            cam.stop(&mut ctx, at_us);
        }
        self.after(at_us);
    }

    /// What every entry point does last: journal lines, then retention if a
    /// file was closed.
    fn after(&mut self, now: u64) {
        self.flush_events();
        let first = self.last_retention_us.is_none();
        if std::mem::take(&mut self.retention_due) || first {
            self.retention(now);
        }
    }

    fn flush_events(&mut self) {
        if self.pending_events.is_empty() {
            return;
        }
        let path = self.config.dir.join(FILE_NAME);
        let mut written = 0;
        for line in &self.pending_events {
            if let Err(e) = self.storage.append_line(&path, line) {
                if !self.events_failing {
                    error!(
                        "cannot append to {}: {e}; will retry with the next event or tick",
                        path.display()
                    );
                    self.events_failing = true;
                }
                break;
            }
            written += 1;
        }
        self.pending_events.drain(..written);
        if written > 0 && self.pending_events.is_empty() && self.events_failing {
            info!("{} can be written again", path.display());
            self.events_failing = false;
        }
        if self.pending_events.len() > MAX_PENDING_EVENTS {
            let lost = self.pending_events.len() - MAX_PENDING_EVENTS;
            self.pending_events.drain(..lost);
            warn!(
                "{lost} events dropped: {} cannot be written",
                path.display()
            );
        }
    }

    /// Deletes the oldest recordings beyond the age and size limits.
    fn retention(&mut self, now: u64) {
        let (max_age, max_bytes) = (self.config.max_age, self.config.max_bytes);
        if max_age.is_none() && max_bytes.is_none() {
            return;
        }
        self.last_retention_us = Some(now);
        let files = match self.storage.list_recordings(&self.config.dir) {
            Ok(files) => files,
            Err(e) => {
                warn!("retention: cannot list {}: {e}", self.config.dir.display());
                return;
            }
        };
        let open: Vec<PathBuf> = self
            .cameras
            .values()
            .filter_map(|c| c.open_path().map(PathBuf::from))
            .collect();
        for path in retention::plan(&files, &open, now, max_age, max_bytes) {
            match self.storage.delete(&path) {
                Ok(()) => info!("retention: deleted {}", path.display()),
                Err(e) => warn!("retention: cannot delete {}: {e}", path.display()),
            }
        }
    }
}
