//! The server's list of cameras, each with a *latest-frame slot*.
//!
//! Why a slot and not a queue? A queue between the socket and the window
//! grows whenever the window is slower than the camera, and the picture
//! shown falls further and further behind reality. A slot holds only the
//! newest frame: a new frame *replaces* the old one. Whoever looks (the
//! window, later the web page or the recorder) always sees the present, and
//! a slow viewer can never slow down the socket reads. Replaced frames that
//! nobody looked at are counted as drops.
//!
//! Beside the slot, the registry can feed every frame to one [`Tap`] (for
//! the recorder, which must not skip frames), and it keeps what the motion
//! detector and the recorder last said about each camera
//! ([`Surveillance`]), so the window and the web page can show it.
//!
//! The registry also keeps each camera's state, so that a camera that went
//! quiet is shown as such instead of as a frozen picture:
//!
//! ```text
//!  connect ──▶ Online ──(no frame for stale_after)──▶ Stale
//!                ▲                                     │
//!                └────────────(a frame)────────────────┘
//!  disconnect, or no frame for offline_after ──▶ Offline
//! ```

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use vigie_core::frame::now_us;
use vigie_core::Frame;

use crate::origin::Origin;
use crate::stats::{Latency, Stats, StatsView};
use crate::tap::{self, Arrival, Tap};

/// Why the registry refused a camera. The socket layer turns it into its
/// wire refusal; a source the server pulls just logs it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegisterError {
    /// A connected camera already has this name.
    #[error("a camera named {0:?} is already connected")]
    NameInUse(String),
    /// `max` cameras are already active.
    #[error("the server is full ({max} cameras)")]
    Full {
        /// The registry's limit.
        max: usize,
    },
}

/// How a camera is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CameraState {
    /// Frames are arriving.
    Online,
    /// Connected, but no frame for a while.
    Stale,
    /// Disconnected, or silent for too long.
    Offline,
}

impl std::fmt::Display for CameraState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CameraState::Online => "online",
            CameraState::Stale => "stale",
            CameraState::Offline => "offline",
        })
    }
}

/// When a camera turns stale, then offline, without frames.
#[derive(Debug, Clone, Copy)]
pub struct Lifecycle {
    /// Silence after which a connected camera is shown as stale.
    pub stale_after: Duration,
    /// Silence after which it is shown as offline.
    pub offline_after: Duration,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Lifecycle {
            stale_after: Duration::from_secs(2),
            offline_after: Duration::from_secs(10),
        }
    }
}

/// What motion detection and recording say about a camera. All off when
/// the server neither detects motion nor records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Surveillance {
    /// Fraction of the picture that changed in the last analysed frame.
    pub motion_score: Option<f32>,
    /// A motion event is going on.
    pub motion: bool,
    /// Frames of this camera are being written to a file.
    pub recording: bool,
    /// Why recording fails, while it does (disk full, unwritable folder…).
    pub record_error: Option<String>,
}

/// One camera as seen at one moment: what a viewer needs to draw its tile.
#[derive(Debug, Clone)]
pub struct CameraView {
    /// The camera's name (unique among connected cameras).
    pub name: String,
    /// Where its frames come from.
    pub origin: Origin,
    /// Online, stale or offline.
    pub state: CameraState,
    /// How long the camera has been in this state.
    pub state_for: Duration,
    /// How old the newest frame is (`None` before the first frame).
    pub last_frame_age: Option<Duration>,
    /// The newest frame, if any arrived.
    pub latest: Option<Frame>,
    /// Frames, bytes, rates and latency.
    pub stats: StatsView,
    /// What motion detection and recording say.
    pub surveillance: Surveillance,
    /// The name to show people, if the server's config gives one
    /// ([`Registry::set_display_names`]); `name` otherwise.
    pub display_name: Option<String>,
}

impl CameraView {
    /// The name to show: the config's display name, or the camera's own.
    pub fn shown_name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.name)
    }
}

struct Slot {
    origin: Origin,
    connected: bool,
    /// Connected and has sent a valid frame on this connection: only such
    /// cameras count towards the limit (a hello alone takes no place).
    active: bool,
    /// When the camera connected, or disconnected if it is not connected.
    changed_at: Instant,
    last_frame_at: Option<Instant>,
    latest: Option<Frame>,
    unread: bool,
    stats: Stats,
    surveillance: Surveillance,
}

struct Inner {
    cameras: BTreeMap<String, Slot>,
    /// Names to show, by camera name (cameras that come later too).
    display_names: HashMap<String, String>,
    consumers: usize,
    /// Weak: once the recorder drops its [`Tap`], nothing is queued.
    tap: Option<Weak<tap::Shared>>,
}

impl Inner {
    fn tap(&self) -> Option<Arc<tap::Shared>> {
        self.tap.as_ref().and_then(Weak::upgrade)
    }
}

/// The shared list of cameras. Cheap to clone: clones share the same list.
#[derive(Clone)]
pub struct Registry {
    inner: Arc<Mutex<Inner>>,
    changes: Arc<watch::Sender<u64>>,
    max_cameras: usize,
    lifecycle: Lifecycle,
}

impl Registry {
    /// A registry that takes up to `max_cameras` connected cameras.
    pub fn new(max_cameras: usize, lifecycle: Lifecycle) -> Registry {
        Registry {
            inner: Arc::new(Mutex::new(Inner {
                cameras: BTreeMap::new(),
                display_names: HashMap::new(),
                consumers: 0,
                tap: None,
            })),
            changes: Arc::new(watch::channel(0).0),
            max_cameras,
            lifecycle,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a slot half-written
        // (every update is a few assignments), so a poisoned lock is usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes a camera in. The name must not belong to a connected camera;
    /// an offline camera of the same name is taken over (it reconnected).
    ///
    /// The camera takes one of the `max_cameras` places only once it sends
    /// a valid frame ([`CameraHandle::activate`]): a peer that said hello and
    /// nothing else cannot make the server full.
    pub fn register(&self, name: &str, origin: Origin) -> Result<CameraHandle, RegisterError> {
        let mut inner = self.lock();
        if inner.cameras.get(name).is_some_and(|s| s.connected) {
            return Err(RegisterError::NameInUse(name.to_owned()));
        }
        self.check_room(&inner)?;
        // Forget offline cameras so the list stays bounded: first those that
        // never showed a single valid frame (junk, or a hello and nothing
        // else), the longest-silent first; a real camera that went offline
        // goes only when no such entry is left.
        while inner.cameras.len() >= 4 * self.max_cameras.max(1) {
            let oldest = inner
                .cameras
                .iter()
                .filter(|(_, s)| !s.connected)
                .min_by_key(|(_, s)| (s.last_frame_at.is_some(), s.changed_at))
                .map(|(n, _)| n.clone());
            match oldest {
                Some(n) => inner.cameras.remove(&n),
                None => break,
            };
        }
        let now = Instant::now();
        let slot = inner
            .cameras
            .entry(name.to_owned())
            .or_insert_with(|| Slot {
                origin: origin.clone(),
                connected: true,
                active: false,
                changed_at: now,
                last_frame_at: None,
                latest: None,
                unread: false,
                stats: Stats::default(),
                surveillance: Surveillance::default(),
            });
        slot.origin = origin;
        slot.connected = true;
        slot.active = false;
        slot.changed_at = now;
        slot.stats.reset_sequence();
        drop(inner);
        self.notify();
        Ok(CameraHandle {
            registry: self.clone(),
            name: name.to_owned(),
        })
    }

    /// Refuses when `max_cameras` cameras are active.
    fn check_room(&self, inner: &Inner) -> Result<(), RegisterError> {
        let active = inner.cameras.values().filter(|s| s.active).count();
        if active >= self.max_cameras {
            return Err(RegisterError::Full {
                max: self.max_cameras,
            });
        }
        Ok(())
    }

    fn notify(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that wakes up when a frame arrives or a camera comes or
    /// goes. It holds a counter, not a queue: a slow viewer that looks once
    /// a second sees one change, never a backlog.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Declares a viewer: while at least one exists, frames replaced before
    /// being read count as drops.
    pub fn consumer(&self) -> Consumer {
        self.lock().consumers += 1;
        Consumer {
            registry: self.clone(),
        }
    }

    /// Hands every frame received from now on, and every departure, to the
    /// returned [`Tap`], which holds frames waiting to be read within
    /// `budget` (a byte count: that many in all, an eighth per camera; see
    /// [`tap::TapBudget`]). Replaces any previous tap.
    pub fn tap(&self, budget: impl Into<tap::TapBudget>) -> Tap {
        let (tap, weak) = Tap::new(budget.into());
        self.lock().tap = Some(weak);
        tap
    }

    /// Records what the motion detector and the recorder say about
    /// `camera`. Viewers are woken only when something they draw changed
    /// (the flags, not every new score).
    pub fn set_surveillance(&self, camera: &str, surveillance: Surveillance) {
        let mut inner = self.lock();
        let Some(slot) = inner.cameras.get_mut(camera) else {
            return;
        };
        let old = std::mem::replace(&mut slot.surveillance, surveillance);
        let s = &slot.surveillance;
        let visible = (old.motion, old.recording, old.record_error.is_some())
            != (s.motion, s.recording, s.record_error.is_some());
        drop(inner);
        if visible {
            self.notify();
        }
    }

    /// The names to show people, by camera name (a config file's
    /// `[cameras.NAME] name`): for the cameras there now and those that
    /// come later. Viewers are woken to redraw their captions.
    pub fn set_display_names(&self, names: HashMap<String, String>) {
        self.lock().display_names = names;
        self.notify();
    }

    /// The name to show for `camera`, if the config gives one.
    pub fn display_name(&self, camera: &str) -> Option<String> {
        self.lock().display_names.get(camera).cloned()
    }

    /// Every camera, by name, as it is now.
    pub fn snapshot(&self) -> Vec<CameraView> {
        self.snapshot_at(Instant::now())
    }

    /// Every camera as it will look at `now` (a clock that tests can move).
    pub fn snapshot_at(&self, now: Instant) -> Vec<CameraView> {
        self.snapshot_marking(false, now)
    }

    fn snapshot_marking(&self, mark_read: bool, now: Instant) -> Vec<CameraView> {
        let mut inner = self.lock();
        let Inner {
            cameras,
            display_names: inner_names,
            ..
        } = &mut *inner;
        cameras
            .iter_mut()
            .map(|(name, s)| {
                if mark_read {
                    s.unread = false;
                }
                let shown = inner_names.get(name).cloned();
                self.view(name, s, now, shown)
            })
            .collect()
    }

    /// Whether a camera of this name is known (connected or not), without
    /// copying every camera's state as [`Registry::snapshot`] does.
    pub fn contains(&self, name: &str) -> bool {
        self.lock().cameras.contains_key(name)
    }

    /// The newest frame of one camera.
    pub fn latest(&self, name: &str) -> Option<Frame> {
        self.lock().cameras.get(name).and_then(|s| s.latest.clone())
    }

    /// How many cameras are connected.
    pub fn connected(&self) -> usize {
        self.lock().cameras.values().filter(|s| s.connected).count()
    }

    fn view(&self, name: &str, s: &Slot, now: Instant, display_name: Option<String>) -> CameraView {
        let since = |t: Instant| now.saturating_duration_since(t);
        let last_frame_age = s.last_frame_at.map(since);
        // Silence counts from the last frame, or from connecting if none came.
        let silence = s.last_frame_at.map_or(since(s.changed_at), since);
        let Lifecycle {
            stale_after,
            offline_after,
        } = self.lifecycle;
        let (state, state_for) = if !s.connected {
            (CameraState::Offline, since(s.changed_at))
        } else if silence >= offline_after {
            (CameraState::Offline, silence - offline_after)
        } else if silence >= stale_after {
            (CameraState::Stale, silence - stale_after)
        } else {
            (CameraState::Online, since(s.changed_at))
        };
        CameraView {
            name: name.to_owned(),
            origin: s.origin.clone(),
            state,
            state_for,
            last_frame_age,
            latest: s.latest.clone(),
            stats: s.stats.view(now),
            surveillance: s.surveillance.clone(),
            display_name,
        }
    }
}

/// A connected camera's right to publish frames. Dropping it (when the
/// connection ends, however it ends) marks the camera offline.
pub struct CameraHandle {
    registry: Registry,
    name: String,
}

impl CameraHandle {
    /// The camera's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Takes one of the registry's places for this camera, which has just
    /// sent its first valid frame. Refused when the server is full.
    pub fn activate(&self) -> Result<(), RegisterError> {
        let mut inner = self.registry.lock();
        if inner.cameras.get(&self.name).is_some_and(|s| s.active) {
            return Ok(());
        }
        self.registry.check_room(&inner)?;
        if let Some(slot) = inner.cameras.get_mut(&self.name) {
            slot.active = true;
        }
        Ok(())
    }

    /// Puts `frame` in the camera's slot, replacing the previous one.
    /// With `measure_latency`, the time since the frame's capture time is
    /// recorded (only meaningful when the client stamped it).
    pub fn publish(&self, frame: Frame, measure_latency: bool) {
        let now = Instant::now();
        let latency = measure_latency.then(|| Latency::of(frame.captured_at_us(), now_us()));
        let mut inner = self.registry.lock();
        let consumers = inner.consumers;
        let tap = inner.tap();
        // Cloning copies the header (its name): only when a tap wants it.
        let for_tap = tap.as_ref().map(|_| frame.clone());
        if let Some(slot) = inner.cameras.get_mut(&self.name) {
            if slot.unread && consumers > 0 {
                slot.stats.record_overwrite();
            }
            slot.stats
                .record(now, frame.payload().len(), frame.sequence(), latency);
            slot.last_frame_at = Some(now);
            slot.active = true;
            slot.latest = Some(frame);
            slot.unread = true;
        }
        drop(inner);
        if let (Some(tap), Some(frame)) = (tap, for_tap) {
            tap.push(Arrival::Frame {
                frame,
                at_us: now_us(),
            });
        }
        self.registry.notify();
    }
}

impl Drop for CameraHandle {
    fn drop(&mut self) {
        let mut inner = self.registry.lock();
        if let Some(slot) = inner.cameras.get_mut(&self.name) {
            slot.connected = false;
            slot.active = false;
            slot.changed_at = Instant::now();
        }
        let tap = inner.tap();
        drop(inner);
        if let Some(tap) = tap {
            tap.push(Arrival::Gone {
                camera: self.name.clone(),
                at_us: now_us(),
            });
        }
        self.registry.notify();
    }
}

/// A viewer of the registry (see [`Registry::consumer`]).
pub struct Consumer {
    registry: Registry,
}

impl Consumer {
    /// Every camera as it is now, marking their frames as seen.
    pub fn snapshot(&self) -> Vec<CameraView> {
        self.registry.snapshot_marking(true, Instant::now())
    }
}

impl Drop for Consumer {
    fn drop(&mut self) {
        self.registry.lock().consumers -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigie_core::{FrameHeader, PixelFormat};

    fn frame(name: &str, sequence: u64) -> Frame {
        let header = FrameHeader {
            camera: name.into(),
            sequence,
            captured_at_us: now_us(),
            width: 1,
            height: 1,
            format: PixelFormat::Gray8,
        };
        Frame::new(header, vec![sequence as u8]).unwrap()
    }

    fn peer() -> Origin {
        Origin::peer("127.0.0.1:1000".parse().unwrap(), "native")
    }

    fn quick() -> Lifecycle {
        Lifecycle {
            stale_after: Duration::from_millis(30),
            offline_after: Duration::from_millis(60),
        }
    }

    #[test]
    fn names_are_unique_while_connected_and_free_after() {
        let reg = Registry::new(8, quick());
        let a = reg.register("a", peer()).unwrap();
        assert_eq!(
            reg.register("a", peer()).err(),
            Some(RegisterError::NameInUse("a".into()))
        );
        drop(a);
        assert_eq!(reg.snapshot()[0].state, CameraState::Offline);
        assert!(reg.contains("a") && !reg.contains("b"));
        let legacy = Origin::peer("127.0.0.1:1001".parse().unwrap(), "legacy");
        let _a = reg.register("a", legacy.clone()).unwrap();
        assert_eq!(reg.snapshot()[0].origin, legacy);
    }

    #[test]
    fn a_full_server_refuses() {
        let reg = Registry::new(2, quick());
        let a = reg.register("a", peer()).unwrap();
        let b = reg.register("b", peer()).unwrap();
        // Hellos alone take no place: a third and a fourth may say hello.
        let c = reg.register("c", peer()).unwrap();
        a.activate().unwrap();
        b.publish(frame("b", 0), true);
        assert_eq!(c.activate(), Err(RegisterError::Full { max: 2 }));
        assert_eq!(
            reg.register("d", peer()).err(),
            Some(RegisterError::Full { max: 2 })
        );
        drop(a);
        assert!(c.activate().is_ok());
    }

    #[test]
    fn offline_cameras_that_never_sent_a_frame_are_forgotten_first() {
        let reg = Registry::new(2, quick());
        let real = reg.register("real", peer()).unwrap();
        real.publish(frame("real", 0), true);
        drop(real);
        // Many more hellos than the list keeps (4 × 2), none with a frame.
        for i in 0..50 {
            drop(reg.register(&format!("junk{i}"), peer()).unwrap());
        }
        let names: Vec<String> = reg.snapshot().into_iter().map(|v| v.name).collect();
        assert!(names.len() <= 8, "{names:?}");
        assert!(names.contains(&"real".to_owned()), "{names:?}");
    }

    #[test]
    fn the_slot_keeps_only_the_newest_frame() {
        let reg = Registry::new(8, quick());
        let cam = reg.register("a", peer()).unwrap();
        let viewer = reg.consumer();
        for seq in 0..5 {
            cam.publish(frame("a", seq), true);
        }
        let views = viewer.snapshot();
        assert_eq!(views[0].latest.as_ref().unwrap().sequence(), 4);
        // Four frames were replaced before the viewer looked.
        assert_eq!(views[0].stats.drops, 4);
        cam.publish(frame("a", 5), true);
        assert_eq!(viewer.snapshot()[0].stats.drops, 4);
    }

    #[test]
    fn silence_turns_stale_then_offline() {
        let reg = Registry::new(8, quick());
        let cam = reg.register("a", peer()).unwrap();
        cam.publish(frame("a", 0), true);
        let t = Instant::now();
        let at = |ms| reg.snapshot_at(t + Duration::from_millis(ms)).remove(0);
        assert_eq!(at(0).state, CameraState::Online);
        assert_eq!(at(40).state, CameraState::Stale);
        let view = at(80);
        assert_eq!(view.state, CameraState::Offline);
        assert!(view.last_frame_age.unwrap() >= Duration::from_millis(80));
        assert!(view.state_for >= Duration::from_millis(20));
        cam.publish(frame("a", 1), true);
        assert_eq!(reg.snapshot()[0].state, CameraState::Online);
    }

    #[test]
    fn the_tap_sees_every_frame_and_the_departure() {
        let reg = Registry::new(8, quick());
        let cam = reg.register("a", peer()).unwrap();
        cam.publish(frame("a", 0), true); // before the tap: not seen
        let tap = reg.tap(1 << 20);
        for seq in 1..=3 {
            cam.publish(frame("a", seq), true);
        }
        drop(cam);
        let mut seen = Vec::new();
        while let Some(a) = tap.recv_timeout(Duration::ZERO) {
            seen.push(match a {
                Arrival::Frame { frame, .. } => frame.sequence().to_string(),
                Arrival::Gone { camera, .. } => format!("{camera} gone"),
            });
        }
        assert_eq!(seen, ["1", "2", "3", "a gone"]);
    }

    #[test]
    fn surveillance_flags_wake_viewers_but_scores_do_not() {
        let reg = Registry::new(8, quick());
        let _cam = reg.register("a", peer()).unwrap();
        let mut rx = reg.subscribe();
        rx.borrow_and_update();
        let mut s = Surveillance {
            motion_score: Some(0.001),
            ..Surveillance::default()
        };
        reg.set_surveillance("a", s.clone());
        assert!(!rx.has_changed().unwrap());
        s.motion = true;
        reg.set_surveillance("a", s.clone());
        assert!(rx.has_changed().unwrap());
        assert_eq!(reg.snapshot()[0].surveillance, s);
        reg.set_surveillance("nobody", s); // unknown cameras are ignored
    }

    #[test]
    fn subscribers_see_changes_without_a_queue() {
        let reg = Registry::new(8, quick());
        let mut rx = reg.subscribe();
        let cam = reg.register("a", peer()).unwrap();
        for seq in 0..100 {
            cam.publish(frame("a", seq), true);
        }
        assert!(rx.has_changed().unwrap());
        rx.borrow_and_update();
        assert!(!rx.has_changed().unwrap());
    }
}
