//! A rate limiter for log lines: a flood of refused peers gives a summary,
//! not a line per peer.
//!
//! A server that writes one warning per refused connection lets whoever can
//! open connections fill the disk: an attack of 30 s wrote 15 to 18 MB of
//! log. Worse, the few lines that matter drown among the rest. So each kind
//! of warning (say "connections refused: server full") may print a few lines
//! per window of a few seconds; past that they are only counted, and when the
//! window ends one line says how many there were:
//!
//! ```text
//! 1,234 connections refused in the last 5 s: server full
//! ```
//!
//! The limiter does not print anything itself. [`LogLimiter::allow`] says
//! whether *this* line may be printed, and [`LogLimiter::summaries`], called
//! every second or so, hands out the summaries of the windows that ended.
//! The clock is injected ([`LogLimiter::with_clock`]), so tests move time by
//! hand instead of sleeping.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a kind of log line is: what happened, and why. A summary reads
/// "`{count} {what} in the last {window}: {why}`".
pub type Kind = (&'static str, &'static str);

/// Where the limiter reads the time: the system's monotonic clock, or a
/// clock a test moves.
pub type Clock = Arc<dyn Fn() -> Instant + Send + Sync>;

/// Counts log lines per kind, and says which ones may be printed.
pub struct LogLimiter {
    burst: u32,
    window: Duration,
    clock: Clock,
    windows: Mutex<HashMap<Kind, Window>>,
}

struct Window {
    started: Instant,
    /// Lines of this kind in the window, printed or not.
    count: u64,
}

/// How many lines of one kind a window held, beyond those printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The kind of warning.
    pub kind: Kind,
    /// Every line of the window, printed or not.
    pub count: u64,
    /// Those that were not printed one by one.
    pub suppressed: u64,
    /// The time the count covers.
    pub window: Duration,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, why) = self.kind;
        write!(
            f,
            "{} {what} in the last {} s: {why}",
            thousands(self.count),
            self.window.as_secs_f64().round()
        )
    }
}

impl LogLimiter {
    /// At most `burst` lines of each kind per `window`, on the system clock.
    pub fn new(burst: u32, window: Duration) -> LogLimiter {
        LogLimiter::with_clock(burst, window, Arc::new(Instant::now))
    }

    /// The same, reading the time from `clock`.
    pub fn with_clock(burst: u32, window: Duration, clock: Clock) -> LogLimiter {
        LogLimiter {
            burst,
            window,
            clock,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one line of `kind`, and says whether it may be printed: the
    /// first `burst` of each window may. When a new window starts, the old
    /// one's summary is returned with it, to print first.
    pub fn allow(&self, kind: Kind) -> (bool, Option<Summary>) {
        let now = (self.clock)();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let mut ended = None;
        let w = windows.entry(kind).or_insert(Window {
            started: now,
            count: 0,
        });
        if now.saturating_duration_since(w.started) >= self.window {
            ended = self.summary_of(kind, w);
            *w = Window {
                started: now,
                count: 0,
            };
        }
        w.count = w.count.saturating_add(1);
        (w.count <= u64::from(self.burst), ended)
    }

    /// The summaries of the windows that ended, with more lines than were
    /// printed. Windows that ended quiet are forgotten, so the map stays as
    /// small as the number of kinds in use.
    pub fn summaries(&self) -> Vec<Summary> {
        let now = (self.clock)();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = Vec::new();
        windows.retain(|kind, w| {
            if now.saturating_duration_since(w.started) < self.window {
                return true;
            }
            out.extend(self.summary_of(*kind, w));
            false
        });
        out.sort_by_key(|s| s.kind);
        out
    }

    fn summary_of(&self, kind: Kind, w: &Window) -> Option<Summary> {
        let suppressed = w.count.saturating_sub(u64::from(self.burst));
        (suppressed > 0).then_some(Summary {
            kind,
            count: w.count,
            suppressed,
            window: self.window,
        })
    }
}

impl fmt::Debug for LogLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogLimiter")
            .field("burst", &self.burst)
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

/// 1234567 → "1,234,567".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: Kind = ("connections refused", "server full");
    const TIMEOUT: Kind = ("connections dropped", "no hello in time");

    /// A clock that moves only when the test says so.
    fn manual() -> (Clock, Arc<Mutex<Instant>>) {
        let now = Arc::new(Mutex::new(Instant::now()));
        let read = now.clone();
        (Arc::new(move || *read.lock().unwrap()), now)
    }

    #[test]
    fn a_flood_prints_a_burst_then_one_summary() {
        let (clock, now) = manual();
        let log = LogLimiter::with_clock(3, Duration::from_secs(5), clock);
        let printed = (0..1234).filter(|_| log.allow(FULL).0).count();
        assert_eq!(printed, 3);
        assert!(log.summaries().is_empty(), "the window is not over yet");
        *now.lock().unwrap() += Duration::from_secs(5);
        let summaries = log.summaries();
        assert_eq!(summaries.len(), 1);
        assert_eq!(summaries[0].suppressed, 1231);
        assert_eq!(
            summaries[0].to_string(),
            "1,234 connections refused in the last 5 s: server full"
        );
        // Forgotten once summarised: nothing twice.
        assert!(log.summaries().is_empty());
        assert!(log.allow(FULL).0);
    }

    #[test]
    fn kinds_are_limited_apart() {
        let (clock, _now) = manual();
        let log = LogLimiter::with_clock(2, Duration::from_secs(5), clock);
        for _ in 0..10 {
            log.allow(FULL);
        }
        assert!(log.allow(TIMEOUT).0, "another kind still prints");
        assert!(log.allow(TIMEOUT).0);
        assert!(!log.allow(TIMEOUT).0);
    }

    #[test]
    fn a_new_window_hands_out_the_old_summary() {
        let (clock, now) = manual();
        let log = LogLimiter::with_clock(1, Duration::from_secs(5), clock);
        assert_eq!(log.allow(FULL), (true, None));
        assert_eq!(log.allow(FULL), (false, None));
        *now.lock().unwrap() += Duration::from_secs(6);
        let (printed, summary) = log.allow(FULL);
        assert!(printed);
        assert_eq!(summary.unwrap().count, 2);
    }

    #[test]
    fn a_quiet_window_gives_no_summary() {
        let (clock, now) = manual();
        let log = LogLimiter::with_clock(5, Duration::from_secs(5), clock);
        for _ in 0..5 {
            assert!(log.allow(FULL).0);
        }
        *now.lock().unwrap() += Duration::from_secs(60);
        assert!(log.summaries().is_empty());
    }

    #[test]
    fn big_numbers_get_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
