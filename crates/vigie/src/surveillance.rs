//! Motion detection and recording beside the server: the part of video
//! surveillance that watches while nobody does.
//!
//! It runs on a thread of its own, because recording writes to disk and a
//! disk can be slow: the socket tasks must never wait for it. The thread
//! reads every frame from the registry's tap (bounded in bytes: if the
//! disk falls behind, frames are dropped and counted, memory stays
//! bounded), analyses a few per second and per camera for motion, hands
//! each frame to the recorder, and tells the registry what it found, so the
//! window and the web page can frame a moving camera in red and show a REC
//! dot.
//!
//! Why not analyse every frame? Analysing means decoding the JPEG (about a
//! millisecond at 640×480): 64 cameras at 15 frames/s would keep a core
//! busy. Five analyses a second notice anything that moves for longer
//! than a fifth of a second, and the recording itself keeps every frame.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tracing::{info, warn};
use vigie_core::frame::now_us;
use vigie_core::motion::{MotionConfig, MotionDetector};
use vigie_core::Frame;
use vigie_net::tap::Arrival;
use vigie_net::{Registry, Surveillance};
use vigie_record::{MotionSample, RecordConfig, Recorder};

/// Frames waiting for the recorder, at most (in payload bytes).
pub const TAP_BYTES: usize = 256 << 20;

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
                config.segment = seconds("segment-minutes", args.segment_minutes * 60.0)?;
                if config.segment < Duration::from_secs(1) {
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
            // The detector counts in analysed frames: keep its times (an
            // event ends after 3 s of calm, the background follows the
            // scene over about 4 s) whatever the analysis rate.
            let defaults = MotionConfig::default();
            let per_second = args.motion_fps;
            MotionConfig {
                threshold: args.motion_threshold,
                min_area: args.motion_area,
                masks: args.motion_masks.clone(),
                end_frames: (3.0 * per_second).round().max(1.0) as u32,
                learn_rate: 1.0 - (1.0 - defaults.learn_rate).powf((5.0 / per_second) as f32),
                ..defaults
            }
        });
        Ok(Options {
            motion,
            motion_fps: args.motion_fps,
            record,
        })
    }
}

/// The running thread. Stop it with [`Watcher::stop`] so files are closed.
pub struct Watcher {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Watcher {
    /// Starts watching `registry` if `options` ask for anything.
    pub fn start(registry: &Registry, options: Options) -> Option<Watcher> {
        if options.motion.is_none() && options.record.is_none() {
            return None;
        }
        let tap = registry.tap(TAP_BYTES);
        let stop = Arc::new(AtomicBool::new(false));
        let mut work = Work::new(registry.clone(), options);
        let flag = stop.clone();
        let spawned = std::thread::Builder::new()
            .name("vigie-surveillance".into())
            .spawn(move || {
                let mut dropped = 0;
                let mut last_tick = 0;
                while !flag.load(Ordering::Relaxed) {
                    if let Some(arrival) = tap.recv_timeout(Duration::from_millis(200)) {
                        work.arrival(arrival);
                    }
                    let now = now_us();
                    if now.saturating_sub(last_tick) >= 1_000_000 {
                        last_tick = now;
                        work.tick(now);
                        let total = tap.dropped();
                        if total > dropped {
                            warn!(
                                "recording is behind (slow disk?): {} frames not recorded",
                                total - dropped
                            );
                            dropped = total;
                        }
                    }
                }
                // Frames already queued still belong in the files.
                while let Some(arrival) = tap.recv_timeout(Duration::ZERO) {
                    work.arrival(arrival);
                }
                work.finish(now_us());
            });
        match spawned {
            Ok(thread) => Some(Watcher { stop, thread }),
            Err(e) => {
                // The cameras and the live view still work without it.
                tracing::error!("cannot start motion detection and recording: {e}");
                None
            }
        }
    }

    /// Closes every recording and waits for the thread to end.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        if self.thread.join().is_err() {
            warn!("the surveillance thread panicked; recordings may lack their last frames");
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

/// One camera's detector and what it last said.
struct Camera {
    detector: MotionDetector,
    analysed_at_us: Option<u64>,
    score: Option<f32>,
    in_event: bool,
}

/// The thread's state: detectors, recorder, and the registry to tell.
struct Work {
    registry: Registry,
    motion: Option<MotionConfig>,
    /// Microseconds between two analyses of one camera.
    analyse_every_us: u64,
    recorder: Option<Recorder>,
    cameras: HashMap<String, Camera>,
}

impl Work {
    fn new(registry: Registry, options: Options) -> Work {
        if let Some(record) = &options.record {
            info!(
                "recording into {} ({:?} mode)",
                record.dir.display(),
                record.mode
            );
        }
        Work {
            registry,
            analyse_every_us: (1e6 / options.motion_fps.max(0.1)) as u64,
            motion: options.motion,
            recorder: options.record.map(Recorder::new),
            cameras: HashMap::new(),
        }
    }

    fn arrival(&mut self, arrival: Arrival) {
        match arrival {
            Arrival::Frame { frame, at_us } => self.frame(&frame, at_us),
            Arrival::Gone { camera, at_us } => {
                if let Some(recorder) = &mut self.recorder {
                    recorder.camera_gone(&camera, at_us);
                }
                // A camera that comes back starts with a fresh background.
                self.cameras.remove(&camera);
                self.tell(&camera);
            }
        }
    }

    fn frame(&mut self, frame: &Frame, at_us: u64) {
        let name = frame.camera();
        let sample = self.analyse(frame, at_us);
        if let Some(recorder) = &mut self.recorder {
            recorder.push(frame, sample, at_us);
        }
        self.tell(name);
    }

    /// Runs the detector if this camera is due for an analysis.
    fn analyse(&mut self, frame: &Frame, at_us: u64) -> Option<MotionSample> {
        let config = self.motion.as_ref()?;
        let camera = self
            .cameras
            .entry(frame.camera().to_owned())
            .or_insert_with(|| Camera {
                detector: MotionDetector::new(config.clone()),
                analysed_at_us: None,
                score: None,
                in_event: false,
            });
        let due = camera
            .analysed_at_us
            .is_none_or(|t| at_us.saturating_sub(t) >= self.analyse_every_us);
        if !due {
            return None;
        }
        camera.analysed_at_us = Some(at_us);
        match camera.detector.update_frame(frame) {
            Ok(update) => {
                camera.score = Some(update.score);
                camera.in_event = update.in_event;
                Some(MotionSample {
                    score: update.score,
                    in_event: update.in_event,
                })
            }
            Err(e) => {
                tracing::debug!(camera = frame.camera(), "motion: frame not analysed: {e}");
                None
            }
        }
    }

    /// Tells the registry what detection and recording say about `name`.
    fn tell(&self, name: &str) {
        let camera = self.cameras.get(name);
        let status = self.recorder.as_ref().and_then(|r| r.status(name));
        self.registry.set_surveillance(
            name,
            Surveillance {
                motion_score: camera.and_then(|c| c.score),
                motion: camera.is_some_and(|c| c.in_event),
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
        self.cameras.clear();
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
