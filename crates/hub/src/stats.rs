//! Per-camera statistics: frames per second, bit rate, latency percentiles.
//!
//! Rates come from the last few seconds of arrivals, not from the whole
//! session, so a camera that slows down shows it at once. Everything is kept
//! in fixed-size rings: the memory per camera never grows.
//!
//! The figures come from the camera, so they are not trusted: counters
//! saturate instead of wrapping (a sequence number that jumps from 0 to
//! 2^64 - 1 cannot turn the drop count over), a latency is clamped to
//! [`MAX_LATENCY`] (a capture time of 1970 is not 56 years of latency), and a
//! capture time in the future flags the camera's clock as ahead
//! ([`StatsView::clock_ahead`]) instead of giving a latency.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How far back the rates look.
const RATE_WINDOW: Duration = Duration::from_secs(3);
/// How many arrivals and latency samples are kept.
const RING: usize = 512;

/// The largest latency recorded: a frame captured longer ago than this is
/// counted as this late (a live picture is never a minute old on a LAN; a
/// capture time that says so is a wrong clock, or a lie).
pub const MAX_LATENCY: Duration = Duration::from_secs(60);

/// A capture time up to this far in the future is the usual disagreement
/// of two clocks, read as no latency; further, the camera's clock is ahead.
pub const CLOCK_AHEAD_TOLERANCE: Duration = Duration::from_secs(1);

/// What a frame's capture time says, next to when it arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Latency {
    /// Capture to arrival, in µs, at most [`MAX_LATENCY`].
    Measured(u64),
    /// The capture time lies in the future: the camera's clock is ahead.
    ClockAhead,
}

impl Latency {
    /// The latency of a frame captured at `captured_us` that arrived at
    /// `arrived_us` (both in µs since the epoch).
    pub fn of(captured_us: u64, arrived_us: u64) -> Latency {
        let tolerance = CLOCK_AHEAD_TOLERANCE.as_micros() as u64;
        if captured_us > arrived_us.saturating_add(tolerance) {
            return Latency::ClockAhead;
        }
        let max = MAX_LATENCY.as_micros() as u64;
        Latency::Measured(arrived_us.saturating_sub(captured_us).min(max))
    }
}

/// The running statistics of one camera.
#[derive(Debug, Default)]
pub struct Stats {
    arrivals: VecDeque<(Instant, usize)>,
    latencies_us: VecDeque<u64>,
    frames: u64,
    bytes: u64,
    drops: u64,
    last_sequence: Option<u64>,
    clock_ahead: bool,
}

/// A copy of the statistics at one moment, for display.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsView {
    /// Frames per second over the last few seconds.
    pub fps: f64,
    /// Kilobits per second of payload over the last few seconds.
    pub kbps: f64,
    /// Capture-to-arrival latency, median and 99th percentile, when the
    /// frames carry a capture time.
    pub latency_p50: Option<Duration>,
    /// The 99th percentile of the same latencies.
    pub latency_p99: Option<Duration>,
    /// Frames received since the camera connected for the first time.
    pub frames: u64,
    /// Frames lost: gaps in the sequence numbers, plus frames replaced in the
    /// latest-frame slot before any viewer took them.
    pub drops: u64,
    /// The camera's capture times lie in the future: its clock is ahead of
    /// the server's, and its latency is not measured.
    pub clock_ahead: bool,
}

impl Stats {
    /// Records a frame of `bytes` that arrived at `now`, numbered `sequence`.
    /// `latency` is `None` for frames that carry no capture time.
    pub fn record(&mut self, now: Instant, bytes: usize, sequence: u64, latency: Option<Latency>) {
        if self.arrivals.len() == RING {
            self.arrivals.pop_front();
        }
        self.arrivals.push_back((now, bytes));
        match latency {
            Some(Latency::Measured(us)) => {
                if self.latencies_us.len() == RING {
                    self.latencies_us.pop_front();
                }
                self.latencies_us
                    .push_back(us.min(MAX_LATENCY.as_micros() as u64));
                self.clock_ahead = false;
            }
            Some(Latency::ClockAhead) => self.clock_ahead = true,
            None => {}
        }
        if let Some(last) = self.last_sequence {
            if sequence > last.saturating_add(1) {
                self.drops = self.drops.saturating_add(sequence - last - 1);
            }
        }
        self.last_sequence = Some(sequence);
        self.frames = self.frames.saturating_add(1);
        self.bytes = self.bytes.saturating_add(bytes as u64);
    }

    /// Counts a frame that was replaced before anyone looked at it.
    pub fn record_overwrite(&mut self) {
        self.drops = self.drops.saturating_add(1);
    }

    /// A new connection of the same camera starts a new sequence (and
    /// perhaps with a clock set right).
    pub fn reset_sequence(&mut self) {
        self.last_sequence = None;
        self.clock_ahead = false;
    }

    /// The statistics as seen at `now`.
    pub fn view(&self, now: Instant) -> StatsView {
        let recent: Vec<&(Instant, usize)> = self
            .arrivals
            .iter()
            .filter(|(t, _)| now.saturating_duration_since(*t) <= RATE_WINDOW)
            .collect();
        let (fps, kbps) = match (recent.first(), recent.last()) {
            (Some(first), Some(_)) if recent.len() >= 2 => {
                // Over the window, so that a camera that stopped drops to 0.
                let span = now
                    .saturating_duration_since(first.0)
                    .as_secs_f64()
                    .max(1e-3);
                let bits: usize = recent.iter().skip(1).map(|(_, b)| b * 8).sum();
                (
                    (recent.len() - 1) as f64 / span,
                    bits as f64 / span / 1000.0,
                )
            }
            _ => (0.0, 0.0),
        };
        let mut lat: Vec<u64> = self.latencies_us.iter().copied().collect();
        lat.sort_unstable();
        let pct = |p: f64| -> Option<Duration> {
            let i = ((lat.len() as f64 - 1.0) * p).round() as usize;
            lat.get(i).map(|&us| Duration::from_micros(us))
        };
        StatsView {
            fps,
            kbps,
            latency_p50: pct(0.50),
            latency_p99: pct(0.99),
            frames: self.frames,
            drops: self.drops,
            clock_ahead: self.clock_ahead,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_cover_the_recent_window() {
        let t0 = Instant::now();
        let mut s = Stats::default();
        for i in 0..31u64 {
            let latency = Some(Latency::Measured(1000 + i));
            s.record(t0 + Duration::from_millis(100 * i), 1000, i, latency);
        }
        let v = s.view(t0 + Duration::from_millis(3000));
        assert!((v.fps - 10.0).abs() < 0.5, "{v:?}");
        assert!((v.kbps - 80.0).abs() < 5.0, "{v:?}");
        assert_eq!(v.latency_p50, Some(Duration::from_micros(1015)));
        assert_eq!(v.frames, 31);
        assert_eq!(v.drops, 0);
        // Ten seconds later, nothing is recent: the rate is 0, not frozen.
        assert_eq!(s.view(t0 + Duration::from_secs(13)).fps, 0.0);
    }

    #[test]
    fn sequence_gaps_count_as_drops() {
        let t = Instant::now();
        let mut s = Stats::default();
        for seq in [0, 1, 5, 6] {
            s.record(t, 1, seq, None);
        }
        assert_eq!(s.view(t).drops, 3);
        s.reset_sequence();
        s.record(t, 1, 0, None);
        assert_eq!(s.view(t).drops, 3);
        assert_eq!(s.view(t).latency_p99, None);
    }

    #[test]
    fn a_sequence_jump_saturates_instead_of_wrapping() {
        let t = Instant::now();
        let mut s = Stats::default();
        for seq in [0, u64::MAX, 0, u64::MAX] {
            s.record(t, 1, seq, None);
        }
        assert_eq!(s.view(t).drops, u64::MAX);
        s.record_overwrite();
        assert_eq!(s.view(t).drops, u64::MAX);
    }

    #[test]
    fn forged_capture_times_are_clamped_or_flagged() {
        let now_us = 1_700_000_000_000_000;
        // Captured in 1970: clamped, not 1.7e12 ms.
        assert_eq!(
            Latency::of(0, now_us),
            Latency::Measured(MAX_LATENCY.as_micros() as u64)
        );
        assert_eq!(
            Latency::of(now_us - 5_000, now_us),
            Latency::Measured(5_000)
        );
        // A clock a little ahead is no latency; far ahead is flagged.
        assert_eq!(Latency::of(now_us + 500_000, now_us), Latency::Measured(0));
        assert_eq!(Latency::of(u64::MAX, now_us), Latency::ClockAhead);
        let t = Instant::now();
        let mut s = Stats::default();
        s.record(t, 1, 0, Some(Latency::ClockAhead));
        let v = s.view(t);
        assert!(v.clock_ahead);
        assert_eq!(v.latency_p50, None);
        s.record(t, 1, 1, Some(Latency::of(0, now_us)));
        let v = s.view(t);
        assert!(!v.clock_ahead);
        assert_eq!(v.latency_p99, Some(MAX_LATENCY));
    }
}
