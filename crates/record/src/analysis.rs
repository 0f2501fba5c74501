//! Motion analysis beside the recorder, and fair to every camera.
//!
//! Recording keeps every frame; analysing one means decoding its JPEG, which
//! costs far more than writing it, and a camera decides how much: an
//! 8,192 × 8,192 picture is 200 times the work of a 640 × 480 one. When both
//! jobs shared one thread, sixteen cameras sending such pictures kept it
//! decoding, and the *other* cameras lost recorded frames. So the two are
//! apart, and this module is what stands between them:
//!
//! - [`AnalysisSchedule`] is the hand-off. The recorder's thread *offers*
//!   each frame; a frame is kept only if its camera is due for an analysis
//!   ([`MotionConfig`]'s rate), in a slot of one frame per camera that a
//!   newer frame replaces. Offering never waits, so recording never waits
//!   behind analysis. The analysis thread takes the waiting frame of the
//!   camera that has cost it the least time so far, so a camera with huge
//!   pictures slows its own analyses, not the others'.
//! - [`Analyser`] runs the detectors, and refuses to decode a picture
//!   larger than [`MAX_ANALYSIS_PIXELS`], saying so (once a minute per
//!   camera): the frame is still recorded, just not analysed.
//!
//! Time comes in as numbers, never from a clock, so tests play it.

use std::collections::HashMap;

use tracing::warn;
use vigie_core::motion::{MotionConfig, MotionDetector};
use vigie_core::{Frame, PixelFormat};

use crate::MotionSample;

/// The largest picture analysed: 4,096 × 4,096 (16.8 million pixels), more
/// than any camera sensor of a home system (4K is 8.3 million). Decoding
/// one takes a few tens of milliseconds; 8,192 × 8,192 would take four times
/// that, and 64 MB of memory.
pub const MAX_ANALYSIS_PIXELS: u64 = 4096 * 4096;

/// A refused picture is logged at most this often per camera.
const OVERSIZE_LOG_EVERY_US: u64 = 60_000_000;

/// The detector settings for `analyses_per_second`. The detector counts in
/// analysed frames; this keeps its times (an event ends after 3 s of calm,
/// the background follows the scene over about 4 s, as at the default 5
/// analyses a second) whatever the rate.
pub fn detector_config(base: MotionConfig, analyses_per_second: f64) -> MotionConfig {
    let per_second = analyses_per_second.max(0.1);
    let defaults = MotionConfig::default();
    MotionConfig {
        end_frames: (3.0 * per_second).round().max(1.0) as u32,
        learn_rate: 1.0 - (1.0 - defaults.learn_rate).powf((5.0 / per_second) as f32),
        ..base
    }
}

/// A frame waiting for analysis.
#[derive(Debug, Clone)]
pub struct AnalysisJob {
    /// The frame to analyse.
    pub frame: Frame,
    /// When the server received it.
    pub at_us: u64,
}

#[derive(Default)]
struct Slot {
    waiting: Option<AnalysisJob>,
    last_offered_us: Option<u64>,
    /// Analysis time spent on this camera, µs: the fairness measure.
    spent_us: u64,
    /// The last result, and whether the recorder has had it yet.
    latest: Option<MotionSample>,
    fresh: bool,
}

/// The hand-off between the recorder's thread and the analysis thread (put
/// it behind a mutex; every method is a few assignments).
pub struct AnalysisSchedule {
    every_us: u64,
    cameras: HashMap<String, Slot>,
    /// Cameras gone since the analysis thread last asked.
    departed: Vec<String>,
}

impl AnalysisSchedule {
    /// At most `analyses_per_second` per camera.
    pub fn new(analyses_per_second: f64) -> AnalysisSchedule {
        AnalysisSchedule {
            every_us: (1e6 / analyses_per_second.max(0.1)) as u64,
            cameras: HashMap::new(),
            departed: Vec::new(),
        }
    }

    /// A frame received at `at_us`. Kept (replacing one still waiting) if
    /// its camera is due; returns whether it was.
    pub fn offer(&mut self, frame: &Frame, at_us: u64) -> bool {
        let fair_start = self.least_spent();
        let slot = match self.cameras.get_mut(frame.camera()) {
            Some(slot) => slot,
            None => self
                .cameras
                .entry(frame.camera().to_owned())
                // A newcomer starts level with the others: it neither jumps
                // ahead of them for long nor waits behind their past.
                .or_insert_with(|| Slot {
                    spent_us: fair_start,
                    ..Slot::default()
                }),
        };
        let due = slot
            .last_offered_us
            .is_none_or(|t| at_us.saturating_sub(t) >= self.every_us);
        if due {
            slot.last_offered_us = Some(at_us);
            slot.waiting = Some(AnalysisJob {
                frame: frame.clone(),
                at_us,
            });
        }
        due
    }

    fn least_spent(&self) -> u64 {
        self.cameras.values().map(|s| s.spent_us).min().unwrap_or(0)
    }

    /// The next frame to analyse: the waiting one of the camera that has
    /// cost the least so far.
    pub fn next_job(&mut self) -> Option<AnalysisJob> {
        let slot = self
            .cameras
            .values_mut()
            .filter(|s| s.waiting.is_some())
            .min_by_key(|s| s.spent_us)?;
        slot.waiting.take()
    }

    /// What the analysis of `camera`'s frame found, and what it cost (µs).
    /// `None`: the frame could not be analysed.
    pub fn report(&mut self, camera: &str, sample: Option<MotionSample>, cost_us: u64) {
        // A camera that left meanwhile has no slot: its result is stale.
        if let Some(slot) = self.cameras.get_mut(camera) {
            slot.spent_us = slot.spent_us.saturating_add(cost_us.max(1));
            if sample.is_some() {
                slot.latest = sample;
                slot.fresh = true;
            }
        }
    }

    /// The result the recorder has not had yet, for `camera`'s next frame.
    pub fn take_sample(&mut self, camera: &str) -> Option<MotionSample> {
        let slot = self.cameras.get_mut(camera)?;
        std::mem::take(&mut slot.fresh)
            .then_some(slot.latest)
            .flatten()
    }

    /// The last result for `camera`, taken or not (for the status).
    pub fn latest(&self, camera: &str) -> Option<MotionSample> {
        self.cameras.get(camera).and_then(|s| s.latest)
    }

    /// `camera` left: its waiting frame and results go, and its detector
    /// will start afresh (see [`AnalysisSchedule::take_departed`]).
    pub fn gone(&mut self, camera: &str) {
        if self.cameras.remove(camera).is_some() {
            self.departed.push(camera.to_owned());
        }
    }

    /// The cameras gone since the last call.
    pub fn take_departed(&mut self) -> Vec<String> {
        std::mem::take(&mut self.departed)
    }

    /// Frames waiting for analysis.
    pub fn waiting(&self) -> usize {
        self.cameras
            .values()
            .filter(|s| s.waiting.is_some())
            .count()
    }
}

/// The detector settings of every camera: a default, and those of the
/// cameras that have their own (a config file's `[cameras.NAME.motion]`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MotionProfiles {
    /// The settings of cameras without their own.
    pub default: MotionConfig,
    /// Cameras with their own settings, by name.
    pub cameras: HashMap<String, MotionConfig>,
}

impl MotionProfiles {
    /// `default` for every camera.
    pub fn new(default: MotionConfig) -> MotionProfiles {
        MotionProfiles {
            default,
            cameras: HashMap::new(),
        }
    }

    /// The settings of `camera`.
    pub fn for_camera(&self, camera: &str) -> &MotionConfig {
        self.cameras.get(camera).unwrap_or(&self.default)
    }
}

/// The motion detectors of every camera.
pub struct Analyser {
    profiles: MotionProfiles,
    max_pixels: u64,
    detectors: HashMap<String, MotionDetector>,
    /// When each camera's oversize pictures were last logged.
    oversize_logged_us: HashMap<String, u64>,
}

/// Why a frame was not analysed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NotAnalysed {
    /// The picture is larger than the analysis takes.
    #[error("a picture of {width}×{height} is larger than motion analysis decodes ({max} pixels)")]
    TooLarge {
        /// Its width in pixels.
        width: u32,
        /// Its height in pixels.
        height: u32,
        /// The largest analysed, in pixels.
        max: u64,
    },
    #[error("{0}")]
    /// The payload does not decode (why, in words).
    Invalid(String),
}

impl Analyser {
    /// Detectors made with `config`, refusing pictures above [`MAX_ANALYSIS_PIXELS`].
    pub fn new(config: MotionConfig) -> Analyser {
        Analyser::with_max_pixels(config, MAX_ANALYSIS_PIXELS)
    }

    /// Detectors made with each camera's settings.
    pub fn with_profiles(profiles: MotionProfiles) -> Analyser {
        let mut analyser = Analyser::new(profiles.default.clone());
        analyser.profiles = profiles;
        analyser
    }

    /// An analyser that refuses pictures above `max_pixels`.
    pub fn with_max_pixels(config: MotionConfig, max_pixels: u64) -> Analyser {
        Analyser {
            profiles: MotionProfiles::new(config),
            max_pixels,
            detectors: HashMap::new(),
            oversize_logged_us: HashMap::new(),
        }
    }

    /// Runs `frame`'s camera's detector on it. A picture too large or not
    /// decodable leaves the detector as it was; `now_us` rate-limits the
    /// log line that names the camera.
    pub fn analyse(&mut self, frame: &Frame, now_us: u64) -> Result<MotionSample, NotAnalysed> {
        let camera = frame.camera();
        // The size that counts is the picture's own, not what the peer's
        // frame header claims.
        let (width, height) = match frame.format() {
            PixelFormat::Jpeg => vigie_core::jpeg::dimensions(frame.payload())
                .map_err(|e| NotAnalysed::Invalid(e.to_string()))?,
            _ => (frame.width(), frame.height()),
        };
        if u64::from(width) * u64::from(height) > self.max_pixels {
            let refused = NotAnalysed::TooLarge {
                width,
                height,
                max: self.max_pixels,
            };
            let last = self.oversize_logged_us.get(camera).copied();
            if last.is_none_or(|t| now_us.saturating_sub(t) >= OVERSIZE_LOG_EVERY_US) {
                warn!(
                    camera,
                    "motion: {refused}: not analysed (still recorded); said once a minute"
                );
                self.oversize_logged_us.insert(camera.to_owned(), now_us);
            }
            return Err(refused);
        }
        let detector = match self.detectors.get_mut(camera) {
            Some(detector) => detector,
            None => self
                .detectors
                .entry(camera.to_owned())
                .or_insert_with(|| MotionDetector::new(self.profiles.for_camera(camera).clone())),
        };
        let update = detector
            .update_frame(frame)
            .map_err(|e| NotAnalysed::Invalid(e.to_string()))?;
        Ok(MotionSample {
            score: update.score,
            in_event: update.in_event,
        })
    }

    /// New settings (a config reload). Running detectors keep their
    /// background and take their camera's new settings from the next frame.
    pub fn set_profiles(&mut self, profiles: MotionProfiles) {
        for (camera, detector) in &mut self.detectors {
            let config = profiles.for_camera(camera);
            if detector.config() != config {
                detector.set_config(config.clone());
            }
        }
        self.profiles = profiles;
    }

    /// The settings `camera` is analysed with.
    pub fn profile(&self, camera: &str) -> &MotionConfig {
        self.profiles.for_camera(camera)
    }

    /// `camera` left: it comes back with a fresh background.
    pub fn forget(&mut self, camera: &str) {
        self.detectors.remove(camera);
        self.oversize_logged_us.remove(camera);
    }

    /// How many cameras have a detector.
    pub fn cameras(&self) -> usize {
        self.detectors.len()
    }
}

#[cfg(test)]
mod tests;
