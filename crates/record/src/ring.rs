//! The pre-roll: the last few seconds of one camera, kept in memory.
//!
//! An event is detected *after* it starts: by the time the detector is sure
//! someone walked in, they are already in the room. So the recorder keeps
//! the last seconds of every camera in a ring buffer and, when an event
//! starts, writes them first: the file begins before the event does.
//!
//! The ring is bounded twice: by duration (the pre-roll, 3 s by default)
//! and by bytes. The second bound is what keeps memory under control
//! whatever the camera sends: 3 s of a 4K camera sending raw frames would
//! otherwise be gigabytes. The oldest frames go first, because the newest
//! are the ones closest to the event.

use std::collections::VecDeque;

use bytes::Bytes;

/// One frame waiting in the pre-roll, already JPEG.
#[derive(Debug, Clone, PartialEq)]
pub struct Buffered {
    /// When it was received, µs since the epoch.
    pub at_us: u64,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The JPEG file.
    pub jpeg: Bytes,
    /// Its motion score, if it was analysed.
    pub score: Option<f32>,
}

/// The frames of the last `duration_us`, at most `max_bytes` of them.
#[derive(Debug)]
pub struct PreRoll {
    frames: VecDeque<Buffered>,
    bytes: usize,
    duration_us: u64,
    max_bytes: usize,
}

impl PreRoll {
    /// A pre-roll keeping `duration_us` of frames, at most `max_bytes`.
    pub fn new(duration_us: u64, max_bytes: usize) -> PreRoll {
        PreRoll {
            frames: VecDeque::new(),
            bytes: 0,
            duration_us,
            max_bytes,
        }
    }

    /// Adds the newest frame and drops what is now too old or too much. A
    /// frame larger than the whole budget is not kept at all.
    pub fn push(&mut self, frame: Buffered) {
        let newest = frame.at_us;
        self.bytes += frame.jpeg.len();
        self.frames.push_back(frame);
        while let Some(oldest) = self.frames.front() {
            let too_old = newest.saturating_sub(oldest.at_us) > self.duration_us;
            if !too_old && self.bytes <= self.max_bytes {
                break;
            }
            self.bytes -= oldest.jpeg.len();
            self.frames.pop_front();
        }
    }

    /// Takes every frame out, oldest first.
    pub fn drain(&mut self) -> Vec<Buffered> {
        self.bytes = 0;
        self.frames.drain(..).collect()
    }

    /// The bytes of JPEG data held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Frames held.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// No frame held.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// The oldest frame's time, if any.
    pub fn oldest_us(&self) -> Option<u64> {
        self.frames.front().map(|f| f.at_us)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(at_us: u64, len: usize) -> Buffered {
        Buffered {
            at_us,
            width: 1,
            height: 1,
            jpeg: Bytes::from(vec![0; len]),
            score: None,
        }
    }

    #[test]
    fn keeps_the_last_seconds() {
        let mut ring = PreRoll::new(3_000_000, usize::MAX);
        for i in 0..100 {
            ring.push(frame(i * 100_000, 10)); // 10 fps for 10 s
        }
        // 6.9 s to 9.9 s: 31 frames, the first exactly 3 s before the last.
        assert_eq!(ring.len(), 31);
        assert_eq!(ring.oldest_us(), Some(6_900_000));
        assert_eq!(ring.bytes(), 310);
    }

    #[test]
    fn stays_under_its_byte_cap() {
        let mut ring = PreRoll::new(3_000_000, 1000);
        for i in 0..50 {
            ring.push(frame(i * 10_000, 300));
            assert!(ring.bytes() <= 1000);
        }
        assert_eq!(ring.len(), 3);
        ring.push(frame(600_000, 5000));
        assert_eq!((ring.len(), ring.bytes()), (0, 0), "too big to keep");
        let drained = ring.drain();
        assert!(drained.is_empty());
    }
}
