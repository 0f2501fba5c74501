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
//! close together share one file instead of cutting the video in two. A
//! long event is cut every `segment`, and each closed segment is in the
//! journal at once (see [`event`]); the events going on are in
//! `events-running.json` ([`crate::events::read_running`]).
//!
//! In **continuous mode** a file is always open and is cut every `segment`;
//! motion events, if the caller gives motion samples, are still logged.
//!
//! The recorder does its IO synchronously through a [`Storage`]: call it from
//! a thread of its own (or `spawn_blocking`), not from an async task. It never
//! sleeps, and never retries in a loop: a failed write is retried on a later
//! call, so a bad disk costs one failed system call every few seconds.

mod camera_recording;
mod event;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::PathBuf;

use bytes::Bytes;
use tracing::{error, info, warn};
use vigie_core::{Frame, PixelFormat};

use crate::events::{RunningEvent, FILE_NAME, RUNNING_FILE};
use crate::retention;
use crate::ring::Buffered;
use crate::store::{FsStorage, Storage};
use crate::{MotionSample, RecordConfig, RecordMode, RecordingStatus};
use camera_recording::CameraRecording;

/// Raw frames are stored as JPEG at this quality: close to the camera
/// client's default (90), a little smaller.
const JPEG_QUALITY: u8 = 85;

/// Retention lists the whole directory: not more than once a minute.
const RETENTION_EVERY_US: u64 = 60_000_000;

/// Journal lines kept in memory while events.jsonl cannot be written.
const MAX_PENDING_EVENTS: usize = 10_000;

/// What every camera's recording shares: the settings and the door to the
/// disk. A struct of its own, apart from the cameras, so that a camera can
/// borrow it while the recorder's map of cameras is borrowed too.
struct Context {
    config: RecordConfig,
    storage: Box<dyn Storage>,
    /// One cluster at a time, reused so that writing allocates nothing.
    buf: Vec<u8>,
    /// Event lines to append to events.jsonl.
    events: Vec<String>,
    /// A file was closed: time to check the disk budget.
    retention_due: bool,
    /// An event started, was cut or ended: events-running.json is stale.
    running_changed: bool,
}

/// Records the frames of every camera, as the [`RecordConfig`] says.
pub struct Recorder {
    ctx: Context,
    cameras: HashMap<String, CameraRecording>,
    events_failing: bool,
    last_retention_us: Option<u64>,
    /// events-running.json could not be written: not again before this time.
    running_retry_at_us: Option<u64>,
}

impl Recorder {
    /// Never fails: an unusable directory shows up as a status error and is retried.
    pub fn new(config: RecordConfig) -> Recorder {
        Recorder::new_with_storage(config, FsStorage::new())
    }

    /// A recorder that reaches the disk through `storage` (tests use a mock).
    pub fn new_with_storage(config: RecordConfig, storage: impl Storage + 'static) -> Recorder {
        let mut recorder = Recorder {
            ctx: Context {
                config,
                storage: Box::new(storage),
                buf: Vec::new(),
                events: Vec::new(),
                retention_due: false,
                // A file left by a recorder that was killed says nothing true.
                running_changed: true,
            },
            cameras: HashMap::new(),
            events_failing: false,
            last_retention_us: None,
            running_retry_at_us: None,
        };
        let ctx = &mut recorder.ctx;
        if let Err(e) = ctx.storage.create_dir_all(&ctx.config.dir) {
            error!(
                "recordings directory {} is unusable: {e}; recording will be retried",
                ctx.config.dir.display()
            );
        }
        // Retention runs at the first call, which brings the time.
        recorder
    }

    /// The settings it records with.
    pub fn config(&self) -> &RecordConfig {
        &self.ctx.config
    }

    /// One received frame; `motion` is None when the frame was not analysed (keep the last known state).
    pub fn push(&mut self, frame: &Frame, motion: Option<MotionSample>, at_us: u64) {
        if self.ctx.config.mode_of(frame.camera()).is_none() {
            return; // a camera the config says not to record
        }
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
            .or_insert_with(|| CameraRecording::new(frame.camera(), &self.ctx.config));
        camera.push(&mut self.ctx, buffered, motion);
        self.after(at_us);
    }

    /// New per-camera modes (a config reload, see
    /// [`RecordConfig::camera_modes`]). A camera that is no longer recorded
    /// has its file closed now; the others carry on in their new mode from
    /// their next frame.
    pub fn set_camera_modes(&mut self, modes: HashMap<String, Option<RecordMode>>, at_us: u64) {
        self.ctx.config.camera_modes = modes;
        let off: Vec<String> = self
            .cameras
            .keys()
            .filter(|name| self.ctx.config.mode_of(name).is_none())
            .cloned()
            .collect();
        for name in off {
            if let Some(mut cam) = self.cameras.remove(&name) {
                cam.stop(&mut self.ctx, at_us);
            }
        }
        self.after(at_us);
    }

    /// The file `camera` is being recorded into, relative to the
    /// recordings folder (as `/replay/` and `/recordings/` take it).
    pub fn open_file(&self, camera: &str) -> Option<String> {
        let path = self.cameras.get(camera)?.open_path()?;
        Some(crate::store::relative_name(&self.ctx.config.dir, path))
    }

    /// The camera disconnected: end its event and close its file.
    pub fn camera_gone(&mut self, camera: &str, at_us: u64) {
        if let Some(mut cam) = self.cameras.remove(camera) {
            cam.stop(&mut self.ctx, at_us);
        }
        self.after(at_us);
    }

    /// Post-roll timeouts for silent cameras, retries, retention. Call about once a second.
    pub fn tick(&mut self, at_us: u64) {
        for cam in self.cameras.values_mut() {
            cam.tick(&mut self.ctx, at_us);
        }
        let minute_passed = self
            .last_retention_us
            .is_none_or(|last| at_us.saturating_sub(last) >= RETENTION_EVERY_US);
        self.ctx.retention_due |= minute_passed;
        self.after(at_us);
    }

    /// What `camera`'s recording is doing, for the status API; `None` for a camera it never saw.
    pub fn status(&self, camera: &str) -> Option<RecordingStatus> {
        self.cameras.get(camera).map(CameraRecording::status)
    }

    /// The bytes of JPEG held in a camera's pre-roll (memory use).
    pub fn buffered_bytes(&self, camera: &str) -> Option<usize> {
        self.cameras
            .get(camera)
            .map(CameraRecording::buffered_bytes)
    }

    /// The events going on now, as `events-running.json` says them.
    pub fn running_events(&self) -> Vec<RunningEvent> {
        let mut running: Vec<RunningEvent> = self
            .cameras
            .iter()
            .filter_map(|(name, cam)| cam.event().map(|e| e.running(name, &self.ctx.config.dir)))
            .collect();
        running.sort_by(|a, b| a.camera.cmp(&b.camera));
        running
    }

    /// Closes every file and open event (clean shutdown).
    pub fn finish(&mut self, at_us: u64) {
        for (_, mut cam) in self.cameras.drain() {
            cam.stop(&mut self.ctx, at_us);
        }
        self.after(at_us);
    }

    /// What every entry point does last: journal lines, the running events,
    /// then retention if a file was closed.
    fn after(&mut self, now: u64) {
        self.flush_events();
        self.write_running(now);
        let first = self.last_retention_us.is_none();
        if std::mem::take(&mut self.ctx.retention_due) || first {
            self.retention(now);
        }
    }

    /// Rewrites events-running.json if an event started, was cut or ended
    /// (a failure is retried after `retry_after`, not at every frame).
    fn write_running(&mut self, now: u64) {
        let waiting = self.running_retry_at_us.is_some_and(|at| now < at);
        if !self.ctx.running_changed || waiting {
            return;
        }
        let running = self.running_events();
        let path = self.ctx.config.dir.join(RUNNING_FILE);
        let json = match serde_json::to_vec(&running) {
            Ok(json) => json,
            Err(e) => {
                warn!("cannot serialize the running events: {e}");
                return;
            }
        };
        match self.ctx.storage.replace(&path, &json) {
            Ok(()) => {
                self.ctx.running_changed = false;
                self.running_retry_at_us = None;
            }
            Err(e) => {
                tracing::debug!("cannot write {}: {e}", path.display());
                let retry = self.ctx.config.retry_after.as_micros() as u64;
                self.running_retry_at_us = Some(now + retry);
            }
        }
    }

    fn flush_events(&mut self) {
        let ctx = &mut self.ctx;
        if ctx.events.is_empty() {
            return;
        }
        let path = ctx.config.dir.join(FILE_NAME);
        let mut written = 0;
        for line in &ctx.events {
            if let Err(e) = ctx.storage.append_line(&path, line) {
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
        ctx.events.drain(..written);
        if written > 0 && ctx.events.is_empty() && self.events_failing {
            info!("{} can be written again", path.display());
            self.events_failing = false;
        }
        if ctx.events.len() > MAX_PENDING_EVENTS {
            let lost = ctx.events.len() - MAX_PENDING_EVENTS;
            ctx.events.drain(..lost);
            warn!(
                "{lost} events dropped: {} cannot be written",
                path.display()
            );
        }
    }

    /// Deletes the oldest recordings beyond the age and size limits.
    fn retention(&mut self, now: u64) {
        let (max_age, max_bytes) = (self.ctx.config.max_age, self.ctx.config.max_bytes);
        if max_age.is_none() && max_bytes.is_none() {
            return;
        }
        self.last_retention_us = Some(now);
        let dir = &self.ctx.config.dir;
        let files = match self.ctx.storage.list_recordings(dir) {
            Ok(files) => files,
            Err(e) => {
                warn!("retention: cannot list {}: {e}", dir.display());
                return;
            }
        };
        let open: Vec<PathBuf> = self
            .cameras
            .values()
            .filter_map(|c| c.open_path().map(PathBuf::from))
            .collect();
        for path in retention::plan(&files, &open, now, max_age, max_bytes) {
            match self.ctx.storage.delete(&path) {
                Ok(()) => info!("retention: deleted {}", path.display()),
                Err(e) => warn!("retention: cannot delete {}: {e}", path.display()),
            }
        }
    }
}
