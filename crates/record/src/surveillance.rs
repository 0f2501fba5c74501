//! The surveillance loops: what the recording thread and the analysis
//! thread of the server do, without the threads.
//!
//! The binary starts two threads beside the server (see its
//! `station/watcher.rs`), because recording writes to disk, and a disk can
//! be slow, and because analysing a frame can cost far more than recording
//! it. Everything those threads *decide* is here, so it can be tested
//! without starting a thread or waiting for a clock:
//!
//! - [`RecordingLoop`] reads every [`Arrival`] of the registry's tap, hands
//!   frames to the [`Recorder`], offers them to the analysis schedule, and
//!   tells the registry what detection and recording say about each camera
//!   (the red frame and the REC dot). Once a second it ticks the recorder
//!   (post-rolls of silent cameras, retries, retention). When asked to stop
//!   it **drains**: the frames already queued in the tap still belong in the
//!   files, then every file is closed and every badge cleared.
//! - [`AnalysisLoop`] takes the waiting frame of the camera that has cost
//!   the least so far (see [`AnalysisSchedule`]), runs its detector, and
//!   leaves the result for the recording loop.
//! - [`Handoff`] is what the two share: the schedule behind a mutex, and
//!   the bell that wakes the analysis thread.
//!
//! Time is a parameter, as in the [`Recorder`]: a [`Clock`] gives "now" in
//! microseconds since the Unix epoch. The server passes
//! [`SystemClock`]; the tests pass a clock they move by hand.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use tracing::{debug, info, warn};
use vigie_core::motion::MotionConfig;
use vigie_core::{Frame, PixelFormat};
use vigie_hub::tap::{Arrival, Tap};
use vigie_hub::{Registry, Surveillance};

use crate::analysis::{Analyser, AnalysisJob, AnalysisSchedule, MotionProfiles};
use crate::{RecordConfig, RecordMode, Recorder};

/// How often the recording loop ticks the recorder: µs.
pub const TICK_EVERY_US: u64 = 1_000_000;

/// How long a loop waits for work before it checks whether to stop.
pub const POLL: Duration = Duration::from_millis(200);

/// What gives the loops the current time, in µs since the Unix epoch.
pub trait Clock: Send + Sync {
    /// Now.
    fn now_us(&self) -> u64;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_us(&self) -> u64 {
        vigie_core::frame::now_us()
    }
}

/// What to watch for and where to record.
#[derive(Debug, Clone, Default)]
pub struct SurveillanceConfig {
    /// Motion detection settings (already scaled to `motion_fps` with
    /// [`detector_config`](crate::analysis::detector_config)); `None` turns
    /// detection off.
    pub motion: Option<MotionConfig>,
    /// Analyses per second and per camera.
    pub motion_fps: f64,
    /// Recording settings; `None` records nothing.
    pub record: Option<RecordConfig>,
}

impl SurveillanceConfig {
    /// Nothing to detect and nothing to record: no thread is needed.
    pub fn is_off(&self) -> bool {
        self.motion.is_none() && self.record.is_none()
    }

    /// One line saying what the surveillance does, for the terminal; `None`
    /// when it is off.
    pub fn describe(&self) -> Option<String> {
        match (&self.record, &self.motion) {
            (Some(r), _) => Some(format!(
                "recording {} into {} (events in {})",
                match r.mode {
                    RecordMode::Motion => "motion events",
                    RecordMode::Continuous => "everything",
                },
                r.dir.display(),
                r.dir.join("events.jsonl").display()
            )),
            (None, Some(_)) => Some("motion detection on (nothing recorded: see --record)".into()),
            (None, None) => None,
        }
    }
}

/// What the recording loop tells beyond the registry: motion starting and
/// ending on a camera, for notifications. Called on the recording thread,
/// which must never wait: an implementation only queues (vigie-notify's
/// `Notifier::notify` does).
pub trait Alerts: Send {
    /// Motion started on `camera`; `snapshot` is that frame, as a JPEG.
    fn motion_started(&self, camera: &str, snapshot: Option<Bytes>);
    /// Motion ended on `camera`; `recording` is the file that holds it,
    /// relative to the recordings folder, if it is recorded.
    fn motion_ended(&self, camera: &str, recording: Option<String>);
}

/// The analysis schedule, shared by the two loops, and the bell that
/// wakes the analysis loop. `None` inside: detection is off (or its
/// thread could not start), and offering is skipped.
#[derive(Default)]
pub struct Handoff {
    schedule: Mutex<Option<AnalysisSchedule>>,
    ready: Condvar,
    /// New detector settings, for the analysis loop to take.
    profiles: Mutex<Option<MotionProfiles>>,
    /// New per-camera recording modes, for the recording loop to take.
    record_modes: Mutex<Option<CameraModes>>,
}

/// Per-camera recording modes ([`RecordConfig::camera_modes`]).
pub type CameraModes = HashMap<String, Option<RecordMode>>;

impl Handoff {
    /// A hand-off for `analyses_per_second` per camera, or an empty one
    /// (`None`: nothing is analysed).
    pub fn new(analyses_per_second: Option<f64>) -> Handoff {
        Handoff {
            schedule: Mutex::new(analyses_per_second.map(AnalysisSchedule::new)),
            ready: Condvar::new(),
            profiles: Mutex::new(None),
            record_modes: Mutex::new(None),
        }
    }

    /// Hands new per-camera recording modes to the recording loop (a
    /// config reload): it applies them within [`POLL`].
    pub fn set_record_modes(&self, modes: CameraModes) {
        *self.record_modes.lock().unwrap_or_else(|p| p.into_inner()) = Some(modes);
    }

    fn take_record_modes(&self) -> Option<CameraModes> {
        self.record_modes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    /// Hands new detector settings to the analysis loop (a config
    /// reload): it applies them before its next analysis.
    pub fn reconfigure(&self, profiles: MotionProfiles) {
        *self.profiles.lock().unwrap_or_else(|p| p.into_inner()) = Some(profiles);
        self.ready.notify_all();
    }

    fn take_profiles(&self) -> Option<MotionProfiles> {
        self.profiles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    /// The schedule. Every update is a few assignments, so a poisoned lock
    /// is still consistent and is used as it is.
    pub fn lock(&self) -> MutexGuard<'_, Option<AnalysisSchedule>> {
        self.schedule.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Turns analysis off: frames are no longer offered, and the analysis
    /// loop ends.
    pub fn close(&self) {
        *self.lock() = None;
        self.ready.notify_all();
    }

    /// Wakes the analysis loop (a frame waits, or it is time to stop).
    pub fn wake(&self) {
        self.ready.notify_all();
    }
}

/// The recording thread's state: the recorder, the hand-off, and the
/// registry to tell.
pub struct RecordingLoop {
    registry: Registry,
    handoff: Arc<Handoff>,
    recorder: Option<Recorder>,
    last_tick_us: Option<u64>,
    alerts: Option<Box<dyn Alerts>>,
    /// Cameras whose motion event is going on, as last told to `alerts`.
    in_motion: HashSet<String>,
}

impl RecordingLoop {
    /// A loop that records with `recorder` (if any) and offers frames to
    /// `handoff`.
    pub fn new(registry: Registry, recorder: Option<Recorder>, handoff: Arc<Handoff>) -> Self {
        RecordingLoop {
            registry,
            handoff,
            recorder,
            last_tick_us: None,
            alerts: None,
            in_motion: HashSet::new(),
        }
    }

    /// The same loop, telling `alerts` when motion starts and ends.
    pub fn with_alerts(mut self, alerts: Box<dyn Alerts>) -> Self {
        self.alerts = Some(alerts);
        self
    }

    /// A loop for `config`: a recorder on the disk if it records.
    pub fn for_config(
        registry: Registry,
        config: &SurveillanceConfig,
        handoff: Arc<Handoff>,
    ) -> Self {
        if let Some(record) = &config.record {
            info!(
                "recording into {} ({:?} mode)",
                record.dir.display(),
                record.mode
            );
        }
        let recorder = config.record.clone().map(Recorder::new);
        RecordingLoop::new(registry, recorder, handoff)
    }

    /// Every arrival until `stop`, then [`RecordingLoop::drain`].
    pub fn run(&mut self, tap: &Tap, stop: &AtomicBool, clock: &dyn Clock) {
        while !stop.load(Ordering::Relaxed) {
            if let Some(arrival) = tap.recv_timeout(POLL) {
                self.arrival(arrival);
            }
            if let Some(modes) = self.handoff.take_record_modes() {
                self.set_record_modes(modes, clock.now_us());
            }
            if self.tick_if_due(clock.now_us()) {
                for (camera, dropped) in tap.take_dropped() {
                    warn!(
                        camera,
                        "{dropped} frames not recorded in the last second: the camera sends more than can be written (slow disk?)"
                    );
                }
            }
        }
        self.drain(tap, clock.now_us());
    }

    /// The shutdown drain: the arrivals still queued in `tap` (they belong
    /// in the files), then every file closed at `now_us` and every badge
    /// cleared. Call it once the server has stopped, so the cameras'
    /// departures are queued too.
    pub fn drain(&mut self, tap: &Tap, now_us: u64) {
        while let Some(arrival) = tap.recv_timeout(Duration::ZERO) {
            self.arrival(arrival);
        }
        self.finish(now_us);
    }

    /// One frame or one departure.
    pub fn arrival(&mut self, arrival: Arrival) {
        match arrival {
            Arrival::Frame { frame, at_us } => self.frame(&frame, at_us),
            Arrival::Gone { camera, at_us } => {
                if self.in_motion.remove(&camera) {
                    // Its file closes now, and the journal has it.
                    let file = self.recorder.as_ref().and_then(|r| r.open_file(&camera));
                    if let Some(alerts) = &self.alerts {
                        alerts.motion_ended(&camera, file);
                    }
                }
                if let Some(recorder) = &mut self.recorder {
                    recorder.camera_gone(&camera, at_us);
                }
                // A camera that comes back starts with a fresh background.
                if let Some(schedule) = self.handoff.lock().as_mut() {
                    schedule.gone(&camera);
                }
                self.tell(&camera);
            }
        }
    }

    fn frame(&mut self, frame: &Frame, at_us: u64) {
        let name = frame.camera();
        let sample = match self.handoff.lock().as_mut() {
            Some(schedule) => {
                if schedule.offer(frame, at_us) {
                    self.handoff.ready.notify_one();
                }
                schedule.take_sample(name)
            }
            None => None,
        };
        let ended = match sample {
            Some(s) if s.in_event && !self.in_motion.contains(name) => {
                self.in_motion.insert(name.to_owned());
                if let Some(alerts) = &self.alerts {
                    alerts.motion_started(name, snapshot(frame));
                }
                false
            }
            Some(s) => !s.in_event && self.in_motion.remove(name),
            None => false,
        };
        if let Some(recorder) = &mut self.recorder {
            recorder.push(frame, sample, at_us);
        }
        if ended {
            // After the push: the file stays open for the post-roll, and
            // its name is what the notification links to.
            let file = self.recorder.as_ref().and_then(|r| r.open_file(name));
            if let Some(alerts) = &self.alerts {
                alerts.motion_ended(name, file);
            }
        }
        self.tell(name);
    }

    /// New per-camera recording modes (see [`Recorder::set_camera_modes`]).
    pub fn set_record_modes(&mut self, modes: CameraModes, now_us: u64) {
        if let Some(recorder) = &mut self.recorder {
            recorder.set_camera_modes(modes, now_us);
        }
    }

    /// Ticks if a second has passed since the last tick (or there was none):
    /// post-rolls of silent cameras end, failed writes are retried, old
    /// files deleted, and every camera's badges refreshed. True if it ticked.
    pub fn tick_if_due(&mut self, now_us: u64) -> bool {
        let due = self
            .last_tick_us
            .is_none_or(|last| now_us.saturating_sub(last) >= TICK_EVERY_US);
        if due {
            self.last_tick_us = Some(now_us);
            if let Some(recorder) = &mut self.recorder {
                recorder.tick(now_us);
            }
            for name in self.camera_names() {
                self.tell(&name);
            }
        }
        due
    }

    /// Tells the registry what detection and recording say about `name`.
    fn tell(&self, name: &str) {
        let motion = self.handoff.lock().as_ref().and_then(|s| s.latest(name));
        let status = self.recorder.as_ref().and_then(|r| r.status(name));
        self.registry.set_surveillance(
            name,
            Surveillance {
                motion_score: motion.map(|m| m.score),
                motion: motion.is_some_and(|m| m.in_event),
                recording: status.as_ref().is_some_and(|s| s.recording),
                record_error: status.and_then(|s| s.error),
            },
        );
    }

    fn finish(&mut self, now_us: u64) {
        if let Some(recorder) = &mut self.recorder {
            recorder.finish(now_us);
        }
        for name in self.camera_names() {
            self.registry
                .set_surveillance(&name, Surveillance::default());
        }
    }

    /// Every camera the registry knows, connected or not.
    fn camera_names(&self) -> Vec<String> {
        self.registry
            .snapshot()
            .into_iter()
            .map(|v| v.name)
            .collect()
    }
}

/// `frame` as a JPEG, for a notification: its own payload if it is one.
fn snapshot(frame: &Frame) -> Option<Bytes> {
    match frame.format() {
        PixelFormat::Jpeg => Some(frame.payload().clone()),
        format => {
            let (w, h) = (frame.width(), frame.height());
            vigie_core::jpeg::encode(frame.payload(), w, h, format, 85)
                .map(Bytes::from)
                .ok()
        }
    }
}

/// The analysis thread's state: the detectors, and the hand-off.
pub struct AnalysisLoop {
    handoff: Arc<Handoff>,
    analyser: Analyser,
}

impl AnalysisLoop {
    /// A loop that runs `analyser` on the frames `handoff` holds.
    pub fn new(handoff: Arc<Handoff>, analyser: Analyser) -> AnalysisLoop {
        AnalysisLoop { handoff, analyser }
    }

    /// Waiting frames, one at a time, until `stop` or until the hand-off is
    /// closed.
    pub fn run(&mut self, stop: &AtomicBool, clock: &dyn Clock) {
        while let Some(job) = self.next_job(stop, POLL) {
            self.analyse(&job, clock);
        }
    }

    /// The next frame to analyse, waiting for one in steps of `poll`;
    /// `None` once `stop` is set or the hand-off closed. Detectors of
    /// departed cameras are forgotten on the way.
    pub fn next_job(&mut self, stop: &AtomicBool, poll: Duration) -> Option<AnalysisJob> {
        let mut guard = self.handoff.lock();
        loop {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            if let Some(profiles) = self.handoff.take_profiles() {
                self.analyser.set_profiles(profiles);
            }
            let schedule = guard.as_mut()?;
            for camera in schedule.take_departed() {
                self.analyser.forget(&camera);
            }
            if let Some(job) = schedule.next_job() {
                return Some(job);
            }
            guard = self
                .handoff
                .ready
                .wait_timeout(guard, poll)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Analyses `job` (the lock is not held meanwhile: offering never
    /// waits) and reports the result and its cost, read on `clock`, to the
    /// schedule.
    pub fn analyse(&mut self, job: &AnalysisJob, clock: &dyn Clock) {
        let started = clock.now_us();
        let result = self.analyser.analyse(&job.frame, started);
        let cost = clock.now_us().saturating_sub(started);
        let sample = match result {
            Ok(sample) => Some(sample),
            Err(e) => {
                debug!(
                    camera = job.frame.camera(),
                    "motion: frame not analysed: {e}"
                );
                None
            }
        };
        if let Some(schedule) = self.handoff.lock().as_mut() {
            schedule.report(job.frame.camera(), sample, cost);
        }
    }

    /// The cameras the detectors remember.
    pub fn cameras(&self) -> usize {
        self.analyser.cameras()
    }
}

#[cfg(test)]
mod tests;
