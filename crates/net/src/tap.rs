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
//! behind (a slow disk), new frames are dropped and counted rather than
//! kept: the socket reads never wait for the disk, and memory never grows
//! past the bound. Departures are always queued (they are tiny), so the
//! recorder always learns that a camera left and can close its file.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::Duration;

use vigie_core::Frame;

/// What the tap delivers.
#[derive(Debug, Clone)]
pub enum Arrival {
    /// A frame, received at `at_us` (server clock, µs since the Unix epoch).
    Frame { frame: Frame, at_us: u64 },
    /// The camera disconnected at `at_us`.
    Gone { camera: String, at_us: u64 },
}

impl Arrival {
    fn weight(&self) -> usize {
        match self {
            Arrival::Frame { frame, .. } => frame.payload().len(),
            Arrival::Gone { .. } => 0,
        }
    }
}

#[derive(Default)]
struct Queue {
    items: VecDeque<Arrival>,
    bytes: usize,
    dropped: u64,
}

pub(crate) struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
    max_bytes: usize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // Every update is a few assignments: a poisoned lock is still consistent.
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `arrival`, or drops it (counted) if the queue is full.
    pub(crate) fn push(&self, arrival: Arrival) {
        let mut q = self.lock();
        let weight = arrival.weight();
        if weight > 0 && q.bytes + weight > self.max_bytes {
            q.dropped += 1;
            return;
        }
        q.bytes += weight;
        q.items.push_back(arrival);
        drop(q);
        self.ready.notify_one();
    }
}

/// The reading end of the tap. Dropping it stops the registry from queueing.
pub struct Tap {
    shared: Arc<Shared>,
}

impl Tap {
    /// A new tap holding at most `max_bytes` of frame payloads, and the
    /// weak handle the registry pushes through (it must not keep the tap
    /// alive once the reader is gone).
    pub(crate) fn new(max_bytes: usize) -> (Tap, Weak<Shared>) {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            ready: Condvar::new(),
            max_bytes,
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
            .wait_timeout_while(q, timeout, |q| q.items.is_empty())
            .unwrap_or_else(|p| p.into_inner());
        let arrival = q.items.pop_front()?;
        q.bytes -= arrival.weight();
        Some(arrival)
    }

    /// Frames dropped so far because the reader was behind.
    pub fn dropped(&self) -> u64 {
        self.shared.lock().dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigie_core::{FrameHeader, PixelFormat};

    fn frame(bytes: usize) -> Frame {
        let header = FrameHeader {
            camera: "a".into(),
            sequence: 0,
            captured_at_us: 0,
            width: bytes as u32,
            height: 1,
            format: PixelFormat::Gray8,
        };
        Frame::new(header, vec![0; bytes]).unwrap()
    }

    #[test]
    fn delivers_in_order_and_drops_past_the_byte_bound() {
        let (tap, weak) = Tap::new(250);
        let shared = weak.upgrade().unwrap();
        for at_us in 0..3 {
            shared.push(Arrival::Frame {
                frame: frame(100),
                at_us,
            });
        }
        // The third frame would make 300 bytes: dropped. Departures always fit.
        shared.push(Arrival::Gone {
            camera: "a".into(),
            at_us: 9,
        });
        assert_eq!(tap.dropped(), 1);
        let order: Vec<u64> = std::iter::from_fn(|| tap.recv_timeout(Duration::ZERO))
            .map(|a| match a {
                Arrival::Frame { at_us, .. } | Arrival::Gone { at_us, .. } => at_us,
            })
            .collect();
        assert_eq!(order, [0, 1, 9]);
        // Reading made room again.
        shared.push(Arrival::Frame {
            frame: frame(200),
            at_us: 10,
        });
        assert!(tap.recv_timeout(Duration::ZERO).is_some());
    }

    #[test]
    fn an_empty_tap_times_out() {
        let (tap, _weak) = Tap::new(10);
        assert!(tap.recv_timeout(Duration::from_millis(1)).is_none());
    }

    #[test]
    fn a_dropped_tap_cannot_be_pushed_to() {
        let (tap, weak) = Tap::new(10);
        drop(tap);
        assert!(weak.upgrade().is_none());
    }
}
