//! A tap on the server's frames: every frame, in order, for the recorder.
//!
//! The viewers look at the *latest-frame slot* (see [`crate::registry`]):
//! they want the present, and skipping frames is right for them. A
//! recorder is different: a recording with holes stutters, and motion
//! detection wants to see the frames an object was in. So the registry can
//! also hand every frame to one *tap*, a queue read by the recorder's
//! thread.
//!
//! The queue is bounded **in bytes**, not in frames: 100 frames of raw
//! 1280×720 weigh 276 MB, 100 small JPEGs 3 MB. When the recorder falls
//! behind (a slow disk), frames are dropped and counted rather than kept:
//! the socket reads never wait for the disk, and memory never grows past
//! the bound. Departures are always queued (they are tiny), so the recorder
//! always learns that a camera left and can close its file.
//!
//! ## Fair to every camera
//!
//! One queue for all cameras would let one camera that sends huge frames
//! fill it, and then *every* camera's frames would be dropped. So each
//! camera has its own queue and its own budget ([`TapBudget`]):
//!
//! - a camera may hold at most `per_camera` bytes: past that, its own new
//!   frames are dropped;
//! - when all the queues together reach `total`, room is made by dropping
//!   the oldest frame of the camera that holds the most bytes, never of a
//!   camera that holds less than the newcomer would. A camera that holds
//!   less than its fair share (the total divided by the cameras waiting)
//!   therefore never loses a frame to one that sends a lot;
//! - the reader takes the cameras in turn (round robin), so a camera with a
//!   long queue does not delay the others' frames either.
//!
//! Within one camera the order is kept: its frames, then its departure.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::Duration;

use vigie_core::Frame;

/// What the tap delivers.
#[derive(Debug, Clone)]
pub enum Arrival {
    /// A frame, received at `at_us` (server clock, µs since the Unix epoch).
    Frame {
        /// The frame.
        frame: Frame,
        /// When, on the server's clock (µs since the Unix epoch).
        at_us: u64,
    },
    /// The camera disconnected at `at_us`.
    Gone {
        /// The camera's name.
        camera: String,
        /// When, on the server's clock (µs since the Unix epoch).
        at_us: u64,
    },
}

impl Arrival {
    /// The camera this arrival is about.
    pub fn camera(&self) -> &str {
        match self {
            Arrival::Frame { frame, .. } => frame.camera(),
            Arrival::Gone { camera, .. } => camera,
        }
    }

    fn weight(&self) -> usize {
        match self {
            Arrival::Frame { frame, .. } => frame.payload().len(),
            Arrival::Gone { .. } => 0,
        }
    }
}

/// How many payload bytes may wait in the tap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TapBudget {
    /// All cameras together.
    pub total: usize,
    /// One camera, at most.
    pub per_camera: usize,
}

impl TapBudget {
    /// `total` bytes in all, and an eighth of it for one camera (at least
    /// one byte): a camera alone can fill the tap only an eighth of the way.
    pub fn new(total: usize) -> TapBudget {
        TapBudget {
            total,
            per_camera: (total / 8).max(1),
        }
    }
}

impl From<usize> for TapBudget {
    fn from(total: usize) -> TapBudget {
        TapBudget::new(total)
    }
}

/// One camera's waiting arrivals.
#[derive(Default)]
struct CameraQueue {
    items: VecDeque<Arrival>,
    bytes: usize,
    /// Whether the camera has its place in `turns` (once, never twice).
    in_turns: bool,
}

#[derive(Default)]
struct Queues {
    cameras: HashMap<String, CameraQueue>,
    /// The cameras with something queued, in the order they are served.
    turns: VecDeque<String>,
    bytes: usize,
    dropped: u64,
    /// Dropped frames per camera since the last [`Tap::take_dropped`].
    dropped_by_camera: HashMap<String, u64>,
}

impl Queues {
    fn count_drop(&mut self, camera: &str) {
        self.dropped += 1;
        match self.dropped_by_camera.get_mut(camera) {
            Some(n) => *n += 1,
            None => {
                self.dropped_by_camera.insert(camera.to_owned(), 1);
            }
        }
    }

    /// The camera holding the most bytes, and how many.
    fn heaviest(&self) -> Option<(&str, usize)> {
        self.cameras
            .iter()
            .map(|(name, q)| (name.as_str(), q.bytes))
            .max_by_key(|&(_, bytes)| bytes)
    }

    /// Drops the oldest frame of `camera` (never a departure).
    fn evict_oldest_frame(&mut self, camera: &str) -> bool {
        let Some(q) = self.cameras.get_mut(camera) else {
            return false;
        };
        let Some(i) = q.items.iter().position(|a| a.weight() > 0) else {
            return false;
        };
        let Some(evicted) = q.items.remove(i) else {
            return false;
        };
        q.bytes -= evicted.weight();
        self.bytes -= evicted.weight();
        // A camera left with nothing keeps its place in `turns` (and so its
        // entry here): pop drops both.
        self.count_drop(camera);
        true
    }

    /// Whether `weight` more bytes of `camera` may be queued, making room
    /// at the heaviest camera's expense if that is fair.
    fn make_room(&mut self, camera: &str, weight: usize, budget: TapBudget) -> bool {
        let own = self.cameras.get(camera).map_or(0, |q| q.bytes);
        if own + weight > budget.per_camera {
            return false;
        }
        while self.bytes + weight > budget.total {
            let victim = match self.heaviest() {
                // Only a camera that would still hold more than this one.
                Some((name, bytes)) if name != camera && bytes > own + weight => name.to_owned(),
                _ => return false,
            };
            if !self.evict_oldest_frame(&victim) {
                return false;
            }
        }
        true
    }

    fn pop(&mut self) -> Option<Arrival> {
        while let Some(name) = self.turns.pop_front() {
            let Some(q) = self.cameras.get_mut(&name) else {
                continue;
            };
            let Some(arrival) = q.items.pop_front() else {
                // Emptied by evictions.
                self.cameras.remove(&name);
                continue;
            };
            q.bytes -= arrival.weight();
            self.bytes -= arrival.weight();
            if q.items.is_empty() {
                self.cameras.remove(&name);
            } else {
                self.turns.push_back(name);
            }
            return Some(arrival);
        }
        None
    }
}

pub(crate) struct Shared {
    queue: Mutex<Queues>,
    ready: Condvar,
    budget: TapBudget,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queues> {
        // Every update is a few assignments: a poisoned lock is still consistent.
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `arrival`, or drops it (counted) if its camera is over budget.
    pub(crate) fn push(&self, arrival: Arrival) {
        let mut q = self.lock();
        let weight = arrival.weight();
        let camera = arrival.camera().to_owned();
        if weight > 0 && !q.make_room(&camera, weight, self.budget) {
            q.count_drop(&camera);
            return;
        }
        q.bytes += weight;
        let waiting = q.cameras.entry(camera.clone()).or_default();
        let needs_turn = !std::mem::replace(&mut waiting.in_turns, true);
        waiting.bytes += weight;
        waiting.items.push_back(arrival);
        if needs_turn {
            q.turns.push_back(camera);
        }
        drop(q);
        self.ready.notify_one();
    }
}

/// The reading end of the tap. Dropping it stops the registry from queueing.
pub struct Tap {
    shared: Arc<Shared>,
}

impl Tap {
    /// A new tap within `budget`, and the weak handle the registry pushes
    /// through (it must not keep the tap alive once the reader is gone).
    pub(crate) fn new(budget: TapBudget) -> (Tap, Weak<Shared>) {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queues::default()),
            ready: Condvar::new(),
            budget,
        });
        let weak = Arc::downgrade(&shared);
        (Tap { shared }, weak)
    }

    /// The next arrival, waiting at most `timeout` for one. Blocking: meant
    /// for a thread of its own, since recording writes to disk.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Arrival> {
        let q = self.shared.lock();
        let (mut q, _) = self
            .shared
            .ready
            .wait_timeout_while(q, timeout, |q| q.turns.is_empty())
            .unwrap_or_else(|p| p.into_inner());
        q.pop()
    }

    /// Frames dropped so far because the reader was behind.
    pub fn dropped(&self) -> u64 {
        self.shared.lock().dropped
    }

    /// The frames dropped per camera since the last call, so that a log
    /// line can name the camera that sends too much.
    pub fn take_dropped(&self) -> Vec<(String, u64)> {
        let mut by_camera: Vec<_> = self.shared.lock().dropped_by_camera.drain().collect();
        by_camera.sort();
        by_camera
    }

    /// The budget this tap was made with.
    pub fn budget(&self) -> TapBudget {
        self.shared.budget
    }
}

#[cfg(test)]
mod tests;
