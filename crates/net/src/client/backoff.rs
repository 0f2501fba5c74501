//! Waiting between reconnection attempts: exponential backoff with jitter.

use std::time::Duration;

use rand::Rng;

/// Doubles the wait after each failure, up to `max`, then randomizes it by
/// ±25% so that many clients do not retry in lockstep.
#[derive(Debug, Clone)]
pub struct Backoff {
    /// The first wait.
    pub initial: Duration,
    /// The longest wait: doubling stops there.
    pub max: Duration,
    current: Duration,
}

impl Backoff {
    /// Waits from `initial`, doubling up to `max`.
    pub fn new(initial: Duration, max: Duration) -> Backoff {
        Backoff {
            initial,
            max,
            current: initial,
        }
    }

    /// The wait before the next attempt.
    pub fn next_wait(&mut self) -> Duration {
        let base = self.current;
        self.current = (self.current * 2).min(self.max);
        base.mul_f64(rand::rng().random_range(0.75..=1.25))
    }

    /// After a success, start again from the shortest wait.
    pub fn reset(&mut self) {
        self.current = self.initial;
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new(Duration::from_millis(500), Duration::from_secs(10))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_max_with_jitter() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_millis(800));
        let waits: Vec<Duration> = (0..6).map(|_| b.next_wait()).collect();
        for (w, base) in waits.iter().zip([100, 200, 400, 800, 800, 800]) {
            let base = Duration::from_millis(base);
            assert!(
                *w >= base.mul_f64(0.75) && *w <= base.mul_f64(1.25),
                "{w:?} vs {base:?}"
            );
        }
        b.reset();
        assert!(b.next_wait() <= Duration::from_millis(125));
    }
}
