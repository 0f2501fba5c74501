//! Motion detection and recording beside the server: the part of video
//! surveillance that watches while nobody does.
//!
//! Two threads, because recording writes to disk and a disk can be slow:
//! the socket tasks must never wait for it. And two, not one, because
//! analysing a frame (decoding its JPEG) can cost far more than recording
//! it, and a camera decides how much: recording must never wait behind
//! analysis.
//!
//! - The **recording thread** reads every frame from the registry's tap
//!   (bounded in bytes and per camera: a camera that sends too much loses
//!   its own frames, see `vigie_hub::tap`), hands it to the recorder, and
//!   offers it to the analysis schedule, which keeps it only if the camera
//!   is due for an analysis. Offering never waits.
//! - The **analysis thread** takes the waiting frame of the camera that has
//!   cost it the least so far, runs its detector, and leaves the result for
//!   the recording thread, which passes it to the recorder with the next
//!   frame of that camera and tells the registry, so the window and the
//!   web page can frame a moving camera in red and show a REC dot.
//!
//! The scheduling and the detectors live in `vigie_record::analysis`, with
//! unit tests; here are only the threads.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tracing::{info, warn};
use vigie_core::frame::now_us;
use vigie_core::motion::MotionConfig;
use vigie_core::Frame;
use vigie_hub::tap::{Arrival, Tap, TapBudget};
use vigie_hub::{Registry, Surveillance};
use vigie_record::analysis::{detector_config, Analyser, AnalysisSchedule};
use vigie_record::{RecordConfig, Recorder};

/// Frames waiting for the recorder, at most (in payload bytes): 128 MiB in
/// all, 16 MiB per camera.
pub const TAP_BYTES: usize = 128 << 20;

/// What to watch for and where to record.
#[derive(Debug, Clone)]
pub struct Options {
    /// Motion detection settings; `None` turns detection off.
    pub motion: Option<MotionConfig>,
    /// Analyses per second and per camera.
    pub motion_fps: f64,
    /// Recording settings; `None` records nothing.
    pub record: Option<RecordConfig>,
}

impl Options {
    /// From the command line, with a message for values out of range.
    pub fn from_args(args: &crate::cli::SurveillanceArgs) -> Result<Options, String> {
        let seconds = |name: &str, s: f64| {
            if s.is_finite() && s >= 0.0 {
                Ok(Duration::from_secs_f64(s))
            } else {
                Err(format!(
                    "--{name} {s}: must be a number of seconds, 0 or more"
                ))
            }
        };
        if !(args.motion_fps.is_finite() && args.motion_fps > 0.0 && args.motion_fps <= 100.0) {
            return Err(format!(
                "--motion-fps {}: must be more than 0 and at most 100",
                args.motion_fps
            ));
        }
        if !(args.motion_area > 0.0 && args.motion_area <= 1.0) {
            return Err(format!(
                "--motion-area {}: must be a fraction above 0 and at most 1",
                args.motion_area
            ));
        }
        let record = match &args.record {
            None => None,
            Some(dir) => {
                let mode = match args.record_mode {
                    crate::cli::RecordMode::Motion => vigie_record::RecordMode::Motion,
                    crate::cli::RecordMode::Continuous => vigie_record::RecordMode::Continuous,
                };
                let mut config = RecordConfig::new(dir.clone(), mode);
                config.pre_roll = seconds("pre-roll", args.pre_roll)?;
                config.post_roll = seconds("post-roll", args.post_roll)?;
                config.segment = match args.segment_seconds {
                    // Hidden, for tests: segments shorter than a second.
                    Some(s) if s > 0.0 => seconds("segment-seconds", s)?,
                    Some(s) => return Err(format!("--segment-seconds {s}: must be above 0")),
                    None => seconds("segment-minutes", args.segment_minutes * 60.0)?,
                };
                if args.segment_seconds.is_none() && config.segment < Duration::from_secs(1) {
                    return Err("--segment-minutes: at least one second, please".into());
                }
                config.max_age = match args.retention_days {
                    Some(d) => Some(seconds("retention-days", d * 86_400.0)?),
                    None => None,
                };
                config.max_bytes = match args.max_disk {
                    Some(gb) if gb.is_finite() && gb > 0.0 => Some((gb * 1e9) as u64),
                    Some(gb) => return Err(format!("--max-disk {gb}: must be above 0")),
                    None => None,
                };
                Some(config)
            }
        };
        let motion = (args.motion || record.is_some()).then(|| {
            let base = MotionConfig {
                threshold: args.motion_threshold,
                min_area: args.motion_area,
                masks: args.motion_masks.clone(),
                ..MotionConfig::default()
            };
            detector_config(base, args.motion_fps)
        });
        Ok(Options {
            motion,
            motion_fps: args.motion_fps,
            record,
        })
    }
}

/// The analysis schedule, shared by the two threads, and the bell that
/// wakes the analysis thread.
#[derive(Default)]
struct Handoff {
    schedule: Mutex<Option<AnalysisSchedule>>,
    ready: Condvar,
}

impl Handoff {
    fn lock(&self) -> MutexGuard<'_, Option<AnalysisSchedule>> {
        // Every update is a few assignments: a poisoned lock is still consistent.
        self.schedule.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The running threads. Stop them with [`Watcher::stop`] so files are closed.
pub struct Watcher {
    stop: Arc<AtomicBool>,
    handoff: Arc<Handoff>,
    recording: JoinHandle<()>,
    analysis: Option<JoinHandle<()>>,
}

impl Watcher {
    /// Starts watching `registry` if `options` ask for anything.
    pub fn start(registry: &Registry, options: Options) -> Option<Watcher> {
        if options.motion.is_none() && options.record.is_none() {
            return None;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let handoff = Arc::new(Handoff::default());
        let analysis = match options.motion.clone() {
            None => None,
            Some(config) => {
                *handoff.lock() = Some(AnalysisSchedule::new(options.motion_fps));
                let (flag, shared) = (stop.clone(), handoff.clone());
                let spawned = std::thread::Builder::new()
                    .name("vigie-motion".into())
                    .spawn(move || analyse(&shared, Analyser::new(config), &flag));
                match spawned {
                    Ok(thread) => Some(thread),
                    Err(e) => {
                        tracing::error!("cannot start motion detection: {e}");
                        *handoff.lock() = None;
                        None
                    }
                }
            }
        };
        let tap = registry.tap(TapBudget::new(TAP_BYTES));
        let mut work = Work::new(registry.clone(), options, handoff.clone());
        let flag = stop.clone();
        let spawned = std::thread::Builder::new()
            .name("vigie-record".into())
            .spawn(move || work.run(&tap, &flag));
        let watcher = |recording| Watcher {
            stop: stop.clone(),
            handoff: handoff.clone(),
            recording,
            analysis,
        };
        match spawned {
            Ok(recording) => Some(watcher(recording)),
            Err(e) => {
                // The cameras and the live view still work without it.
                tracing::error!("cannot start motion detection and recording: {e}");
                stop.store(true, Ordering::Relaxed);
                handoff.ready.notify_all();
                None
            }
        }
    }

    /// Closes every recording and waits for the threads to end.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        self.handoff.ready.notify_all();
        if self.recording.join().is_err() {
            warn!("the recording thread panicked; recordings may lack their last frames");
        }
        if let Some(analysis) = self.analysis {
            if analysis.join().is_err() {
                warn!("the motion detection thread panicked");
            }
        }
    }
}

/// The analysis thread: waiting frames, one at a time, until `stop`.
fn analyse(handoff: &Handoff, mut analyser: Analyser, stop: &AtomicBool) {
    loop {
        let job = {
            let mut guard = handoff.lock();
            loop {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let Some(schedule) = guard.as_mut() else {
                    return;
                };
                for camera in schedule.take_departed() {
                    analyser.forget(&camera);
                }
                if let Some(job) = schedule.next_job() {
                    break job;
                }
                guard = handoff
                    .ready
                    .wait_timeout(guard, Duration::from_millis(500))
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            }
        };
        // The lock is not held while decoding: offering never waits.
        let started = Instant::now();
        let result = analyser.analyse(&job.frame, now_us());
        let cost = started.elapsed().as_micros() as u64;
        let sample = match result {
            Ok(sample) => Some(sample),
            Err(e) => {
                tracing::debug!(
                    camera = job.frame.camera(),
                    "motion: frame not analysed: {e}"
                );
                None
            }
        };
        if let Some(schedule) = handoff.lock().as_mut() {
            schedule.report(job.frame.camera(), sample, cost);
        }
    }
}

/// Starts the watcher if asked, and says on the terminal what it does.
pub fn start_and_say(registry: &Registry, options: Options) -> Option<Watcher> {
    match (&options.record, &options.motion) {
        (Some(r), _) => println!(
            "recording {} into {} (events in {})",
            match r.mode {
                vigie_record::RecordMode::Motion => "motion events",
                vigie_record::RecordMode::Continuous => "everything",
            },
            r.dir.display(),
            r.dir.join("events.jsonl").display()
        ),
        (None, Some(_)) => println!("motion detection on (nothing recorded: see --record)"),
        (None, None) => {}
    }
    Watcher::start(registry, options)
}

/// The recording thread's state: the recorder, and the registry to tell.
struct Work {
    registry: Registry,
    handoff: Arc<Handoff>,
    recorder: Option<Recorder>,
}

impl Work {
    fn new(registry: Registry, options: Options, handoff: Arc<Handoff>) -> Work {
        if let Some(record) = &options.record {
            info!(
                "recording into {} ({:?} mode)",
                record.dir.display(),
                record.mode
            );
        }
        Work {
            registry,
            handoff,
            recorder: options.record.map(Recorder::new),
        }
    }

    /// Every arrival until `stop`, then what is still queued, then finish.
    fn run(&mut self, tap: &Tap, stop: &AtomicBool) {
        let mut last_tick = 0;
        while !stop.load(Ordering::Relaxed) {
            if let Some(arrival) = tap.recv_timeout(Duration::from_millis(200)) {
                self.arrival(arrival);
            }
            let now = now_us();
            if now.saturating_sub(last_tick) >= 1_000_000 {
                last_tick = now;
                self.tick(now);
                for (camera, dropped) in tap.take_dropped() {
                    warn!(
                        camera,
                        "{dropped} frames not recorded in the last second: the camera sends more than can be written (slow disk?)"
                    );
                }
            }
        }
        // Frames already queued still belong in the files.
        while let Some(arrival) = tap.recv_timeout(Duration::ZERO) {
            self.arrival(arrival);
        }
        self.finish(now_us());
    }

    fn arrival(&mut self, arrival: Arrival) {
        match arrival {
            Arrival::Frame { frame, at_us } => self.frame(&frame, at_us),
            Arrival::Gone { camera, at_us } => {
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
        if let Some(recorder) = &mut self.recorder {
            recorder.push(frame, sample, at_us);
        }
        self.tell(name);
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

    /// Once a second: post-rolls of silent cameras, retries, retention.
    fn tick(&mut self, now: u64) {
        if let Some(recorder) = &mut self.recorder {
            recorder.tick(now);
        }
        for name in self.camera_names() {
            self.tell(&name);
        }
    }

    fn finish(&mut self, now: u64) {
        if let Some(recorder) = &mut self.recorder {
            recorder.finish(now);
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
