//! Per-camera statistics: frames per second, bit rate, latency percentiles.
//!
//! Rates come from the last few seconds of arrivals, not from the whole
//! session, so a camera that slows down shows it at once. Everything is kept
//! in fixed-size rings: the memory per camera never grows.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How far back the rates look.
const RATE_WINDOW: Duration = Duration::from_secs(3);
/// How many arrivals and latency samples are kept.
const RING: usize = 512;

/// The running statistics of one camera.
#[derive(Debug, Default)]
pub struct Stats {
    arrivals: VecDeque<(Instant, usize)>,
    latencies_us: VecDeque<u64>,
    frames: u64,
    bytes: u64,
    drops: u64,
    last_sequence: Option<u64>,
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
    pub latency_p99: Option<Duration>,
    /// Frames received since the camera connected for the first time.
    pub frames: u64,
    /// Frames lost: gaps in the sequence numbers, plus frames replaced in the
    /// latest-frame slot before any viewer took them.
    pub drops: u64,
}

impl Stats {
    /// Records a frame of `bytes` that arrived at `now`, numbered `sequence`.
    pub fn record(&mut self, now: Instant, bytes: usize, sequence: u64, latency_us: Option<u64>) {
        if self.arrivals.len() == RING {
            self.arrivals.pop_front();
        }
        self.arrivals.push_back((now, bytes));
        if let Some(lat) = latency_us {
            if self.latencies_us.len() == RING {
                self.latencies_us.pop_front();
            }
            self.latencies_us.push_back(lat);
        }
        if let Some(last) = self.last_sequence {
            if sequence > last + 1 {
                self.drops += sequence - last - 1;
            }
        }
        self.last_sequence = Some(sequence);
        self.frames += 1;
        self.bytes += bytes as u64;
    }

    /// Counts a frame that was replaced before anyone looked at it.
    pub fn record_overwrite(&mut self) {
        self.drops += 1;
    }

    /// A new connection of the same camera starts a new sequence.
    pub fn reset_sequence(&mut self) {
        self.last_sequence = None;
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
            s.record(t0 + Duration::from_millis(100 * i), 1000, i, Some(1000 + i));
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
}
