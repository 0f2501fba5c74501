//! The surveillance loops with a clock moved by hand: no thread, no sleep.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use vigie_core::motion::MotionConfig;
use vigie_core::{Frame, FrameHeader, PixelFormat};
use vigie_hub::tap::{Arrival, TapBudget};
use vigie_hub::{CameraHandle, Lifecycle, Origin, Registry, Surveillance};

use super::*;
use crate::analysis::{detector_config, Analyser, MotionProfiles};
use crate::{RecordConfig, RecordMode, Recorder};

/// A clock that moves only when told, and by `step_us` at each reading.
#[derive(Default)]
struct HandClock {
    now: AtomicU64,
    step_us: u64,
}

impl HandClock {
    fn at(us: u64) -> HandClock {
        HandClock {
            now: AtomicU64::new(us),
            step_us: 0,
        }
    }

    fn set(&self, us: u64) {
        self.now.store(us, Ordering::SeqCst);
    }
}

impl Clock for HandClock {
    fn now_us(&self) -> u64 {
        self.now.fetch_add(self.step_us, Ordering::SeqCst)
    }
}

const T0: u64 = 1_700_000_000_000_000;

fn peer() -> Origin {
    Origin::peer(SocketAddr::from(([127, 0, 0, 1], 40_000)), "native")
}

fn camera(registry: &Registry, name: &str) -> CameraHandle {
    let handle = registry.register(name, peer()).unwrap();
    handle.activate().unwrap();
    handle
}

/// A real 64 × 48 JPEG: grey, or with a white block at `block`.
fn jpeg(camera: &str, sequence: u64, block: Option<(usize, usize)>) -> Frame {
    let (w, h) = (64usize, 48usize);
    let mut rgb = vec![90u8; w * h * 3];
    if let Some((bx, by)) = block {
        for y in by..(by + 16).min(h) {
            for x in bx..(bx + 16).min(w) {
                rgb[(y * w + x) * 3..(y * w + x) * 3 + 3].fill(250);
            }
        }
    }
    let header = FrameHeader {
        camera: camera.into(),
        sequence,
        captured_at_us: T0 + sequence * 200_000,
        width: w as u32,
        height: h as u32,
        format: PixelFormat::Rgb8,
    };
    let raw = Frame::new(header, rgb).unwrap();
    vigie_core::jpeg::encode_frame(&raw, 80).unwrap()
}

fn continuous(dir: &Path) -> RecordConfig {
    RecordConfig::new(dir.to_path_buf(), RecordMode::Continuous)
}

/// Every `.mkv` file under `dir`, with its frame count.
fn recorded(dir: &Path) -> Vec<usize> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "mkv") {
                found.push(crate::mkv::read_frames(&path).unwrap().len());
            }
        }
    }
    found
}

fn surveillance_of(registry: &Registry, name: &str) -> Surveillance {
    registry
        .snapshot()
        .into_iter()
        .find(|v| v.name == name)
        .unwrap()
        .surveillance
}

#[test]
fn the_drain_records_the_frames_still_queued_and_closes_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(8, Lifecycle::default());
    let tap = registry.tap(TapBudget::new(16 << 20));
    let salon = camera(&registry, "salon");
    for seq in 0..5 {
        salon.publish(jpeg("salon", seq, None), false);
    }
    drop(salon); // its departure is queued after its frames
    let config = SurveillanceConfig {
        record: Some(continuous(dir.path())),
        ..SurveillanceConfig::default()
    };
    let mut recording =
        RecordingLoop::for_config(registry.clone(), &config, Arc::new(Handoff::new(None)));
    // Stopped before it read anything: everything comes from the drain.
    let stop = AtomicBool::new(true);
    recording.run(&tap, &stop, &HandClock::at(T0 + 10_000_000));
    assert_eq!(recorded(dir.path()), [5]);
    assert_eq!(surveillance_of(&registry, "salon"), Surveillance::default());
}

#[test]
fn the_recorder_ticks_once_a_second_of_the_injected_clock() {
    let registry = Registry::new(8, Lifecycle::default());
    let mut recording = RecordingLoop::new(registry, None, Arc::new(Handoff::new(None)));
    assert!(recording.tick_if_due(T0), "the first reading ticks");
    assert!(!recording.tick_if_due(T0 + 999_999));
    assert!(recording.tick_if_due(T0 + 1_000_000));
    assert!(!recording.tick_if_due(T0 + 1_500_000));
    // A clock stepped back never ticks in a loop, nor panics.
    assert!(!recording.tick_if_due(T0));
    assert!(recording.tick_if_due(T0 + 2_000_000));
}

#[test]
fn a_recording_camera_shows_the_rec_badge_until_the_drain() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(8, Lifecycle::default());
    let tap = registry.tap(TapBudget::new(16 << 20));
    let _jardin = camera(&registry, "jardin");
    let recorder = Recorder::new(continuous(dir.path()));
    let mut recording = RecordingLoop::new(
        registry.clone(),
        Some(recorder),
        Arc::new(Handoff::new(None)),
    );
    recording.arrival(Arrival::Frame {
        frame: jpeg("jardin", 0, None),
        at_us: T0,
    });
    assert!(surveillance_of(&registry, "jardin").recording);
    recording.drain(&tap, T0 + 1_000_000);
    assert!(!surveillance_of(&registry, "jardin").recording);
}

#[test]
fn frames_are_offered_only_when_due_and_a_departure_drops_the_waiting_one() {
    let registry = Registry::new(8, Lifecycle::default());
    let handoff = Arc::new(Handoff::new(Some(5.0)));
    let mut recording = RecordingLoop::new(registry.clone(), None, handoff.clone());
    let _cave = camera(&registry, "cave");
    let frame = |seq, at_us| Arrival::Frame {
        frame: jpeg("cave", seq, None),
        at_us,
    };
    recording.arrival(frame(0, T0));
    assert_eq!(handoff.lock().as_ref().unwrap().waiting(), 1);
    // 5 analyses a second: one frame 50 ms later replaces it, still one.
    recording.arrival(frame(1, T0 + 50_000));
    assert_eq!(handoff.lock().as_ref().unwrap().waiting(), 1);
    recording.arrival(Arrival::Gone {
        camera: "cave".into(),
        at_us: T0 + 60_000,
    });
    assert_eq!(handoff.lock().as_ref().unwrap().waiting(), 0);
}

#[test]
fn the_analysis_loop_detects_motion_and_the_registry_hears_of_it() {
    let registry = Registry::new(8, Lifecycle::default());
    let _portail = camera(&registry, "portail");
    let handoff = Arc::new(Handoff::new(Some(5.0)));
    let mut recording = RecordingLoop::new(registry.clone(), None, handoff.clone());
    let config = detector_config(MotionConfig::default(), 5.0);
    let mut analysis = AnalysisLoop::new(handoff.clone(), Analyser::new(config));
    // Each reading of this clock moves it by 30 ms: the cost of an analysis.
    let clock = HandClock {
        now: AtomicU64::new(T0),
        step_us: 30_000,
    };
    let stop = AtomicBool::new(false);
    let mut moved = false;
    for seq in 0..40u64 {
        // Still for 20 frames, then a block walks across the picture.
        let block = (seq >= 20).then(|| (((seq - 20) * 4 % 48) as usize, 16));
        recording.arrival(Arrival::Frame {
            frame: jpeg("portail", seq, block),
            at_us: T0 + seq * 200_000,
        });
        let job = analysis.next_job(&stop, Duration::ZERO).unwrap();
        analysis.analyse(&job, &clock);
        moved |= surveillance_of(&registry, "portail").motion;
    }
    // The last result reaches the registry with the next frame.
    recording.arrival(Arrival::Frame {
        frame: jpeg("portail", 40, Some((0, 16))),
        at_us: T0 + 40 * 200_000,
    });
    moved |= surveillance_of(&registry, "portail").motion;
    assert!(
        moved,
        "no motion seen: {:?}",
        surveillance_of(&registry, "portail")
    );
    assert_eq!(analysis.cameras(), 1);
    let score = surveillance_of(&registry, "portail").motion_score;
    assert!(score.is_some_and(|s| s > 0.0), "{score:?}");
}

#[test]
fn the_analysis_loop_ends_on_stop_or_when_the_handoff_closes() {
    let handoff = Arc::new(Handoff::new(Some(5.0)));
    let mut analysis = AnalysisLoop::new(handoff.clone(), Analyser::new(MotionConfig::default()));
    let stop = AtomicBool::new(false);
    let clock = HandClock::at(T0);
    clock.set(T0 + 1);
    // Nothing waits: it polls, then gives up once stopped.
    stop.store(true, Ordering::SeqCst);
    assert!(analysis.next_job(&stop, Duration::from_millis(1)).is_none());
    analysis.run(&stop, &clock);
    stop.store(false, Ordering::SeqCst);
    handoff.close();
    assert!(analysis.next_job(&stop, Duration::from_millis(1)).is_none());
    analysis.run(&stop, &clock);
}

#[test]
fn describe_says_what_is_watched() {
    let off = SurveillanceConfig::default();
    assert!(off.is_off() && off.describe().is_none());
    let motion = SurveillanceConfig {
        motion: Some(MotionConfig::default()),
        motion_fps: 5.0,
        record: None,
    };
    assert!(motion.describe().unwrap().contains("motion detection on"));
    let record = SurveillanceConfig {
        record: Some(continuous(Path::new("/rec"))),
        ..motion
    };
    let line = record.describe().unwrap();
    assert!(line.contains("recording everything into /rec"), "{line}");
    assert!(line.contains("events.jsonl"), "{line}");
}

/// What the recording loop told its [`Alerts`], in order.
#[derive(Clone, Default)]
struct Told(Arc<std::sync::Mutex<Vec<String>>>);

impl Alerts for Told {
    fn motion_started(&self, camera: &str, snapshot: Option<Bytes>) {
        let jpeg = snapshot.is_some_and(|s| s.starts_with(&[0xFF, 0xD8]));
        self.0
            .lock()
            .unwrap()
            .push(format!("{camera} started, jpeg {jpeg}"));
    }

    fn motion_ended(&self, camera: &str, recording: Option<String>) {
        let file = recording.map_or("no file".into(), |f| {
            assert!(f.ends_with(".mkv") && !f.starts_with('/'), "{f}");
            "a file".to_owned()
        });
        self.0
            .lock()
            .unwrap()
            .push(format!("{camera} ended, {file}"));
    }
}

/// Frames of `camera`: still, then a block walking across, then still
/// again; each analysed at once. Returns the loops' clock time at the end.
fn walk_through(
    recording: &mut RecordingLoop,
    analysis: &mut AnalysisLoop,
    camera: &str,
    first: u64,
) -> u64 {
    let stop = AtomicBool::new(false);
    let clock = HandClock {
        now: AtomicU64::new(T0),
        step_us: 1_000,
    };
    for seq in first..first + 80 {
        let i = seq - first;
        let block = (20..40)
            .contains(&i)
            .then(|| (((i - 20) * 4 % 48) as usize, 16));
        recording.arrival(Arrival::Frame {
            frame: jpeg(camera, seq, block),
            at_us: T0 + seq * 200_000,
        });
        if let Some(job) = analysis.next_job(&stop, Duration::ZERO) {
            analysis.analyse(&job, &clock);
        }
    }
    T0 + (first + 80) * 200_000
}

#[test]
fn motion_starting_and_ending_is_told_once_each_with_the_snapshot_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(8, Lifecycle::default());
    let _portail = camera(&registry, "portail");
    let handoff = Arc::new(Handoff::new(Some(5.0)));
    let told = Told::default();
    let mut config = RecordConfig::new(dir.path(), RecordMode::Motion);
    config.post_roll = Duration::from_secs(1);
    let recorder = Recorder::new(config);
    let mut recording = RecordingLoop::new(registry.clone(), Some(recorder), handoff.clone())
        .with_alerts(Box::new(told.clone()));
    let detector = detector_config(MotionConfig::default(), 5.0);
    let mut analysis = AnalysisLoop::new(handoff.clone(), Analyser::new(detector));
    walk_through(&mut recording, &mut analysis, "portail", 0);
    assert_eq!(
        *told.0.lock().unwrap(),
        ["portail started, jpeg true", "portail ended, a file"]
    );
}

#[test]
fn a_camera_gone_in_the_middle_of_motion_ends_it() {
    let registry = Registry::new(8, Lifecycle::default());
    let _portail = camera(&registry, "portail");
    let handoff = Arc::new(Handoff::new(Some(5.0)));
    let told = Told::default();
    let mut recording = RecordingLoop::new(registry.clone(), None, handoff.clone())
        .with_alerts(Box::new(told.clone()));
    let detector = detector_config(MotionConfig::default(), 5.0);
    let mut analysis = AnalysisLoop::new(handoff.clone(), Analyser::new(detector));
    let stop = AtomicBool::new(false);
    let clock = HandClock::at(T0);
    for seq in 0..32u64 {
        let block = (seq >= 20).then(|| (((seq - 20) * 4 % 48) as usize, 16));
        recording.arrival(Arrival::Frame {
            frame: jpeg("portail", seq, block),
            at_us: T0 + seq * 200_000,
        });
        if let Some(job) = analysis.next_job(&stop, Duration::ZERO) {
            analysis.analyse(&job, &clock);
        }
    }
    recording.arrival(Arrival::Gone {
        camera: "portail".into(),
        at_us: T0 + 33 * 200_000,
    });
    assert_eq!(
        *told.0.lock().unwrap(),
        ["portail started, jpeg true", "portail ended, no file"]
    );
}

#[test]
fn per_camera_settings_apply_to_their_camera_only_and_a_reload_reaches_the_detector() {
    let registry = Registry::new(8, Lifecycle::default());
    let (_a, _b) = (camera(&registry, "rue"), camera(&registry, "jardin"));
    let handoff = Arc::new(Handoff::new(Some(5.0)));
    let told = Told::default();
    let mut recording = RecordingLoop::new(registry.clone(), None, handoff.clone())
        .with_alerts(Box::new(told.clone()));
    let detector = detector_config(MotionConfig::default(), 5.0);
    // "rue" ignores the whole picture; "jardin" has the defaults.
    let blind = MotionConfig {
        masks: vec![vigie_core::motion::Mask::Rect {
            x: 0.0,
            y: 0.0,
            w: 1.0,
            h: 1.0,
        }],
        ..detector.clone()
    };
    let mut profiles = MotionProfiles::new(detector.clone());
    profiles.cameras.insert("rue".into(), blind);
    let mut analysis = AnalysisLoop::new(handoff.clone(), Analyser::with_profiles(profiles));
    walk_through(&mut recording, &mut analysis, "rue", 0);
    walk_through(&mut recording, &mut analysis, "jardin", 0);
    assert_eq!(
        *told.0.lock().unwrap(),
        ["jardin started, jpeg true", "jardin ended, no file"],
        "the mask of one camera leaves the other alone"
    );
    // A reload takes the mask away from "rue": its detector, still
    // running, sees the next crossing.
    handoff.reconfigure(MotionProfiles::new(detector));
    told.0.lock().unwrap().clear();
    walk_through(&mut recording, &mut analysis, "rue", 80);
    assert_eq!(
        *told.0.lock().unwrap(),
        ["rue started, jpeg true", "rue ended, no file"]
    );
    assert_eq!(analysis.cameras(), 2, "no detector was restarted");
}

#[test]
fn a_camera_set_to_off_is_not_recorded_and_a_reload_can_turn_it_back_on() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new(8, Lifecycle::default());
    let (porte, jardin) = (camera(&registry, "porte"), camera(&registry, "jardin"));
    let handoff = Arc::new(Handoff::new(None));
    let mut config = continuous(dir.path());
    config.camera_modes.insert("jardin".into(), None);
    let mut recording = RecordingLoop::new(
        registry.clone(),
        Some(Recorder::new(config)),
        handoff.clone(),
    );
    let clock = HandClock::at(T0);
    let tap = registry.tap(TapBudget::new(16 << 20));
    for seq in 0..5 {
        porte.publish(jpeg("porte", seq, None), false);
        jardin.publish(jpeg("jardin", seq, None), false);
    }
    while let Some(arrival) = tap.recv_timeout(Duration::ZERO) {
        recording.arrival(arrival);
    }
    // The reload: "jardin" is recorded from now on, in continuous mode.
    handoff.set_record_modes(CameraModes::new());
    for seq in 5..8 {
        jardin.publish(jpeg("jardin", seq, None), false);
    }
    // What `run` does between two arrivals, then the drain.
    let modes = handoff.take_record_modes().expect("handed over");
    recording.set_record_modes(modes, clock.now_us());
    recording.drain(&tap, clock.now_us());
    let mut files = recorded(dir.path());
    files.sort();
    assert_eq!(
        files,
        vec![3, 5],
        "jardin from the reload on; porte all along"
    );
}
