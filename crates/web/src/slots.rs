//! The connection slots: at most [`WebConfig::max_connections`] HTTP
//! connections at once, and who gives way when they are all taken.
//!
//! Every connection costs a file descriptor, and file descriptors are
//! shared with the camera port: a web side that took them all would stop
//! new cameras from connecting ("Too many open files"). So the web side
//! has its own share, sized at start from the process's limit (the binary
//! does that), and stays inside it.
//!
//! When every slot is taken, refusing the newcomer is the simple answer,
//! and the wrong one if the slots are held by readers that stopped
//! reading: they would keep everyone out until their write deadline (see
//! `deadline`). So a newcomer first takes the slot of the connection that
//! has been *waiting to write* the longest, if one has waited at least
//! [`EVICT_AFTER`]; a viewer that reads, however slowly, is never pushed
//! out. Only when no connection is stalled is the newcomer refused.
//!
//! [`WebConfig::max_connections`]: crate::WebConfig::max_connections

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::deadline::Stall;

/// How long a connection must have waited to write before a newcomer may
/// take its slot: a healthy viewer's writes wait milliseconds.
pub const EVICT_AFTER: Duration = Duration::from_secs(1);

/// The slots of the connections being served.
pub(crate) struct Slots {
    max: usize,
    taken: Mutex<Taken>,
}

#[derive(Default)]
struct Taken {
    next_id: u64,
    by_id: HashMap<u64, Slot>,
}

struct Slot {
    stall: Arc<Stall>,
    evicted: CancellationToken,
}

/// A slot held by a connection: given back when dropped.
pub(crate) struct SlotGuard {
    slots: Arc<Slots>,
    id: u64,
    /// Write progress of the connection, watched by the other newcomers.
    pub stall: Arc<Stall>,
    /// Cancelled when a newcomer took this slot: the connection closes.
    pub evicted: CancellationToken,
}

/// What [`Slots::admit`] did.
pub(crate) enum Admission {
    /// A free slot.
    Free(SlotGuard),
    /// The slot of a connection stalled for that long, closed for it.
    Evicted(SlotGuard, Duration),
    /// Every slot is held by a connection that makes progress.
    Full,
}

impl Slots {
    pub(crate) fn new(max: usize) -> Arc<Slots> {
        Arc::new(Slots {
            max: max.max(1),
            taken: Mutex::new(Taken::default()),
        })
    }

    /// Connections holding a slot.
    #[cfg(test)]
    pub(crate) fn in_use(&self) -> usize {
        self.lock().by_id.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Taken> {
        // The map stays consistent whatever panicked while holding it.
        self.taken.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A slot for a new connection, as described in the module's
    /// documentation.
    pub(crate) fn admit(self: &Arc<Self>) -> Admission {
        let mut taken = self.lock();
        let mut evicted = None;
        if taken.by_id.len() >= self.max {
            let stalled = taken
                .by_id
                .iter()
                .filter_map(|(id, slot)| Some((*id, slot.stall.stalled_for()?)))
                .filter(|(_, stalled)| *stalled >= EVICT_AFTER)
                .max_by_key(|(_, stalled)| *stalled);
            let Some((id, stalled)) = stalled else {
                return Admission::Full;
            };
            if let Some(slot) = taken.by_id.remove(&id) {
                slot.evicted.cancel();
            }
            evicted = Some(stalled);
        }
        let id = taken.next_id;
        taken.next_id += 1;
        let slot = Slot {
            stall: Arc::default(),
            evicted: CancellationToken::new(),
        };
        let guard = SlotGuard {
            slots: self.clone(),
            id,
            stall: slot.stall.clone(),
            evicted: slot.evicted.clone(),
        };
        taken.by_id.insert(id, slot);
        match evicted {
            Some(stalled) => Admission::Evicted(guard, stalled),
            None => Admission::Free(guard),
        }
    }
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        self.slots.lock().by_id.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_house_refuses_unless_someone_is_stalled() {
        let slots = Slots::new(2);
        let Admission::Free(a) = slots.admit() else {
            panic!("a free slot")
        };
        let Admission::Free(_b) = slots.admit() else {
            panic!("a free slot")
        };
        assert!(matches!(slots.admit(), Admission::Full));
        assert_eq!(slots.in_use(), 2);
        drop(a);
        let Admission::Free(_c) = slots.admit() else {
            panic!("the slot given back")
        };
        assert_eq!(slots.in_use(), 2);
    }
}
