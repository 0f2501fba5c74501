//! The pool of connections that are not cameras yet.
//!
//! Opening a TCP connection costs an attacker nothing, and until a peer has
//! said hello (or, for a legacy client, sent a frame) the server cannot tell
//! a camera that is about to speak from a socket that will never say a word.
//! If such connections took the cameras' places, 300 idle sockets that
//! reconnect as soon as they are dropped would lock every camera out.
//!
//! So they wait in a pool of their own, bounded, and when it is full the
//! server makes room by dropping the *oldest* one, not the newcomer: a real
//! camera says hello within milliseconds of connecting, so the oldest is the
//! one least likely to be a camera. Connections that already said a valid
//! hello (or, for a legacy peer, sent more than a length prefix) go last:
//! the oldest connection that said nothing is dropped first.
//! A connection leaves the pool when it sends its first valid frame, and
//! from then on it is a camera, which no newcomer can push out.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio_util::sync::CancellationToken;

/// How far a pending connection got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Stage {
    /// Connected; no valid hello (or legacy first frame) yet.
    Connected,
    /// A native hello was accepted, or a legacy peer sent more than its
    /// length prefix; no frame yet.
    SaidHello,
}

/// The bounded pool.
pub(super) struct Pending {
    max: usize,
    inner: Mutex<Inner>,
}

struct Inner {
    next_id: u64,
    /// By arrival: the smallest id is the oldest.
    entries: BTreeMap<u64, Entry>,
}

struct Entry {
    stage: Stage,
    evict: CancellationToken,
}

/// A connection's place in the pool; dropping it gives the place back.
pub(super) struct Ticket {
    pool: Arc<Pending>,
    id: u64,
    evicted: CancellationToken,
}

impl Pending {
    pub(super) fn new(max: usize) -> Arc<Pending> {
        Arc::new(Pending {
            max: max.max(1),
            inner: Mutex::new(Inner {
                next_id: 0,
                entries: BTreeMap::new(),
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes a new connection in. When the pool is full, the oldest
    /// connection of the earliest stage is told to go (its ticket's
    /// [`Ticket::evicted`] fires); returns whether one was.
    pub(super) fn admit(self: &Arc<Pending>) -> (Ticket, bool) {
        let mut inner = self.lock();
        let mut evicted_one = false;
        while inner.entries.len() >= self.max {
            let victim = inner
                .entries
                .iter()
                .min_by_key(|(id, e)| (e.stage, **id))
                .map(|(id, _)| *id);
            let Some(victim) = victim else { break };
            if let Some(entry) = inner.entries.remove(&victim) {
                entry.evict.cancel();
                evicted_one = true;
            }
        }
        let id = inner.next_id;
        inner.next_id += 1;
        let evicted = CancellationToken::new();
        inner.entries.insert(
            id,
            Entry {
                stage: Stage::Connected,
                evict: evicted.clone(),
            },
        );
        let ticket = Ticket {
            pool: self.clone(),
            id,
            evicted,
        };
        (ticket, evicted_one)
    }

    /// How many connections are waiting.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.lock().entries.len()
    }
}

impl Ticket {
    /// Fires when the pool drops this connection to make room.
    pub(super) fn evicted(&self) -> CancellationToken {
        self.evicted.clone()
    }

    /// The connection got further: it goes after those that did not.
    pub(super) fn advance(&self, stage: Stage) {
        if let Some(entry) = self.pool.lock().entries.get_mut(&self.id) {
            entry.stage = stage;
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.pool.lock().entries.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_pool_drops_its_oldest_not_the_newcomer() {
        let pool = Pending::new(3);
        let tickets: Vec<Ticket> = (0..3).map(|_| pool.admit().0).collect();
        let (newcomer, evicted) = pool.admit();
        assert!(evicted);
        assert!(tickets[0].evicted().is_cancelled());
        assert!(!tickets[1].evicted().is_cancelled());
        assert!(!newcomer.evicted().is_cancelled());
        assert_eq!(pool.len(), 3);
    }

    #[test]
    fn those_that_said_hello_go_last() {
        let pool = Pending::new(2);
        let (hello, _) = pool.admit();
        hello.advance(Stage::SaidHello);
        let (idle, _) = pool.admit();
        let (_third, _) = pool.admit();
        assert!(idle.evicted().is_cancelled());
        assert!(!hello.evicted().is_cancelled());
    }

    #[test]
    fn a_dropped_ticket_frees_its_place() {
        let pool = Pending::new(1);
        let (first, _) = pool.admit();
        drop(first);
        let (_second, evicted) = pool.admit();
        assert!(!evicted);
    }
}
