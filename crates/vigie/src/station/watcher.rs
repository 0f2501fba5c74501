//! Motion detection and recording beside the server: the part of video
//! surveillance that watches while nobody does.
//!
//! Two threads, because recording writes to disk and a disk can be slow:
//! the socket tasks must never wait for it. And two, not one, because
//! analysing a frame (decoding its JPEG) can cost far more than recording
//! it, and a camera decides how much: recording must never wait behind
//! analysis.
//!
//! What each thread does, the order of a shutdown drain included, is
//! `vigie_record::surveillance` ([`RecordingLoop`], [`AnalysisLoop`]), with
//! unit tests on an injected clock; here are only the threads.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use anyhow::Context;
use tracing::warn;
use vigie_hub::tap::TapBudget;
use vigie_hub::Registry;
use vigie_record::analysis::{Analyser, MotionProfiles};
use vigie_record::surveillance::{
    Alerts, AnalysisLoop, Handoff, RecordingLoop, SurveillanceConfig, SystemClock,
};

use super::CameraPlan;

/// Frames waiting for the recorder, at most (in payload bytes): 128 MiB in
/// all, 16 MiB per camera.
pub const TAP_BYTES: usize = 128 << 20;

/// The two running threads. Stop them with [`Watcher::stop`] so files are
/// closed.
pub struct Watcher {
    stop: Arc<AtomicBool>,
    handoff: Arc<Handoff>,
    recording: JoinHandle<()>,
    analysis: Option<JoinHandle<()>>,
}

impl Watcher {
    /// Starts watching `registry` if `config` asks for anything, with the
    /// per-camera settings of `cameras`, telling `alerts` (if any) when
    /// motion starts and ends. A thread that cannot start is an error;
    /// then nothing runs.
    pub fn start(
        registry: &Registry,
        mut config: SurveillanceConfig,
        cameras: &CameraPlan,
        alerts: Option<Box<dyn Alerts>>,
    ) -> anyhow::Result<Option<Self>> {
        if config.is_off() {
            return Ok(None);
        }
        if let Some(record) = &mut config.record {
            record.camera_modes = cameras.record_modes.clone();
            record.record_others = cameras.record_others;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let handoff = Arc::new(Handoff::new(
            config.motion.is_some().then_some(config.motion_fps),
        ));
        let analysis = match config.motion.clone() {
            None => None,
            Some(motion) => {
                let profiles = MotionProfiles {
                    default: motion,
                    cameras: cameras.motion.cameras.clone(),
                };
                let analyser = Analyser::with_profiles(profiles);
                let mut work = AnalysisLoop::new(handoff.clone(), analyser);
                let flag = stop.clone();
                let spawned = std::thread::Builder::new()
                    .name("vigie-motion".into())
                    .spawn(move || work.run(&flag, &SystemClock));
                match spawned {
                    Ok(thread) => Some(thread),
                    Err(e) => {
                        // Recording still works without it.
                        tracing::error!("cannot start motion detection: {e}");
                        handoff.close();
                        None
                    }
                }
            }
        };
        let tap = registry.tap(TapBudget::new(TAP_BYTES));
        let mut work = RecordingLoop::for_config(registry.clone(), &config, handoff.clone());
        if let Some(alerts) = alerts {
            work = work.with_alerts(alerts);
        }
        let flag = stop.clone();
        let recording = std::thread::Builder::new()
            .name("vigie-record".into())
            .spawn(move || work.run(&tap, &flag, &SystemClock));
        let recording = match recording {
            Ok(thread) => thread,
            Err(e) => {
                stop.store(true, Ordering::Relaxed);
                handoff.wake();
                return Err(e).context("cannot start the recording thread");
            }
        };
        Ok(Some(Watcher {
            stop,
            handoff,
            recording,
            analysis,
        }))
    }

    /// What the threads share: a config reload hands its settings there.
    pub fn handoff(&self) -> Arc<Handoff> {
        self.handoff.clone()
    }

    /// Closes every recording and waits for the threads to end. Call it
    /// after the camera server has stopped: the cameras' departures close
    /// their files.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        self.handoff.wake();
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
