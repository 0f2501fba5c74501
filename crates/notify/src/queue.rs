//! The bounded queue between the server and a channel, and its counters.
//!
//! The server's threads decode frames, detect motion and record: they must
//! never wait for a phone's notification service. So the server only
//! *pushes* an event into a queue, which takes a lock for a few
//! assignments and never waits for the network. A worker task on the other
//! side sends, and when the channel is down it retries with exponential
//! backoff (1 s, 2 s, 4 s … up to a ceiling), so that a receiver that is
//! down is not hammered and one that comes back is used again.
//!
//! A queue that is never emptied must not grow forever either: it holds at
//! most [`Limits::events`] events and [`Limits::bytes`] bytes of snapshots.
//! When a new event does not fit, the *oldest* waiting events are dropped:
//! someone told late should hear the latest news first. Every drop is
//! counted, so `/metrics` shows a channel that loses events, and nothing
//! is lost silently.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use crate::Event;

/// How much a channel's queue holds at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Events waiting, at most.
    pub events: usize,
    /// Bytes of waiting events (snapshots, mostly), at most.
    pub bytes: usize,
}

impl Default for Limits {
    /// 64 events and 32 MiB per channel.
    fn default() -> Self {
        Limits {
            events: 64,
            bytes: 32 << 20,
        }
    }
}

/// How long to wait before each new attempt, and how many attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Wait before the second attempt; each next wait doubles.
    pub first: Duration,
    /// The longest wait.
    pub max: Duration,
    /// Attempts per event (webhook and ntfy) before it is dropped.
    pub attempts: u32,
}

impl Default for Backoff {
    /// 1 s, 2 s, 4 s, 8 s, 16 s, 30 s: six attempts over about a minute.
    fn default() -> Self {
        Backoff {
            first: Duration::from_secs(1),
            max: Duration::from_secs(30),
            attempts: 6,
        }
    }
}

impl Backoff {
    /// The wait after failed attempt number `failed` (0 for the first).
    pub fn delay(&self, failed: u32) -> Duration {
        let factor = 1u32.checked_shl(failed.min(31)).unwrap_or(u32::MAX);
        self.first.saturating_mul(factor).min(self.max)
    }
}

/// What a channel has done so far, for `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Events delivered.
    pub sent: u64,
    /// Attempts that failed and were tried again.
    pub retried: u64,
    /// Events given up: queue full, or every attempt failed.
    pub dropped: u64,
    /// Events waiting now.
    pub queued: u64,
}

#[derive(Default)]
struct Waiting {
    events: VecDeque<Event>,
    bytes: usize,
}

/// A bounded queue of events for one channel, with its counters.
pub(crate) struct Queue {
    waiting: Mutex<Waiting>,
    limits: Limits,
    wake: tokio::sync::Notify,
    closed: AtomicBool,
    sent: AtomicU64,
    retried: AtomicU64,
    dropped: AtomicU64,
}

impl Queue {
    pub fn new(limits: Limits) -> Queue {
        Queue {
            waiting: Mutex::new(Waiting::default()),
            limits,
            wake: tokio::sync::Notify::new(),
            closed: AtomicBool::new(false),
            sent: AtomicU64::new(0),
            retried: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Waiting> {
        // Every update is a few assignments: a poisoned lock is consistent.
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds `event`, dropping the oldest ones if it does not fit. Never waits.
    pub fn push(&self, event: Event) {
        if self.closed.load(Ordering::Relaxed) {
            self.count_dropped();
            return;
        }
        let weight = event.weight();
        if weight > self.limits.bytes || self.limits.events == 0 {
            self.count_dropped();
            return;
        }
        let mut dropped = 0;
        {
            let mut waiting = self.lock();
            while waiting.events.len() >= self.limits.events
                || waiting.bytes + weight > self.limits.bytes
            {
                let Some(old) = waiting.events.pop_front() else {
                    break;
                };
                waiting.bytes -= old.weight();
                dropped += 1;
            }
            waiting.bytes += weight;
            waiting.events.push_back(event);
        }
        if dropped > 0 {
            self.dropped.fetch_add(dropped, Ordering::Relaxed);
            tracing::debug!("notification queue full: {dropped} older event(s) dropped");
        }
        self.wake.notify_one();
    }

    /// The oldest event, waiting for one; `None` once closed and empty.
    pub async fn pop(&self) -> Option<Event> {
        loop {
            {
                let mut waiting = self.lock();
                if let Some(event) = waiting.events.pop_front() {
                    waiting.bytes -= event.weight();
                    return Some(event);
                }
            }
            if self.closed.load(Ordering::Relaxed) {
                return None;
            }
            self.wake.notified().await;
        }
    }

    /// No more events: [`Queue::pop`] empties the queue, then says `None`.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        self.wake.notify_one();
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    pub fn count_sent(&self) {
        self.sent.fetch_add(1, Ordering::Relaxed);
    }

    pub fn count_retried(&self) {
        self.retried.fetch_add(1, Ordering::Relaxed);
    }

    pub fn count_dropped(&self) {
        self.dropped.fetch_add(1, Ordering::Relaxed);
    }

    pub fn counts(&self) -> Counts {
        Counts {
            sent: self.sent.load(Ordering::Relaxed),
            retried: self.retried.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
            queued: self.lock().events.len() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn named(i: usize) -> Event {
        Event::online(format!("c{i}"))
    }

    #[test]
    fn a_full_queue_drops_the_oldest_and_counts() {
        let q = Queue::new(Limits {
            events: 3,
            bytes: 1 << 20,
        });
        for i in 0..5 {
            q.push(named(i));
        }
        let c = q.counts();
        assert_eq!((c.queued, c.dropped), (3, 2));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let first = rt.block_on(q.pop()).unwrap();
        assert_eq!(first.camera, "c2");
    }

    #[test]
    fn snapshots_are_bounded_in_bytes() {
        let q = Queue::new(Limits {
            events: 100,
            bytes: 2500,
        });
        let big = || Event::motion_started("c", Some(Bytes::from(vec![0; 1000])));
        for _ in 0..4 {
            q.push(big());
        }
        assert_eq!(q.counts().queued, 2);
        assert_eq!(q.counts().dropped, 2);
        // One larger than the whole budget is dropped at once.
        q.push(Event::motion_started("c", Some(Bytes::from(vec![0; 3000]))));
        assert_eq!((q.counts().queued, q.counts().dropped), (2, 3));
    }

    #[test]
    fn a_closed_queue_empties_then_ends() {
        let q = Queue::new(Limits::default());
        q.push(named(1));
        q.close();
        q.push(named(2));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(rt.block_on(q.pop()).unwrap().camera, "c1");
        assert!(rt.block_on(q.pop()).is_none());
        assert_eq!(q.counts().dropped, 1);
    }

    #[test]
    fn backoff_doubles_up_to_its_ceiling() {
        let b = Backoff::default();
        let waits: Vec<u64> = (0..8).map(|n| b.delay(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(b.delay(u32::MAX), Duration::from_secs(30));
    }
}
