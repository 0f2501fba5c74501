//! The server's book of pairing codes: issue, redeem, and slow down guesses.
//!
//! # Single use, short life
//!
//! A code that worked forever would be worth stealing from a photo of the
//! screen a week later. Each code here is valid [`PairingLimits::validity`]
//! (10 minutes), and is spent by its first use. Several may be outstanding
//! at once (two cameras paired in the same minute), up to
//! [`PairingLimits::max_codes`]; issuing one more forgets the oldest.
//! Spent and expired codes are remembered until their time is well past, so
//! the server's log can say "reused" or "expired" rather than "wrong".
//!
//! # Rate limiting
//!
//! 40 bits of secret are plenty *if guesses are few*. The book counts wrong
//! attempts over the last [`PairingLimits::window`] (a minute): past
//! [`PairingLimits::max_failures_per_peer`] from one IP address, or
//! [`PairingLimits::max_failures`] from everyone together, every attempt is
//! refused without being checked, until the oldest failure leaves the
//! window. The overall limit is what bounds an attacker with many
//! addresses; its price is that such an attacker can pause pairing for
//! everyone, which is a nuisance, not a breach.
//!
//! # Time
//!
//! The book reads time from a [`Clock`], so tests move a [`ManualClock`]
//! forward by ten minutes instead of waiting ten minutes.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use subtle::{Choice, ConditionallySelectable};

use super::code::{PairingCode, PairingSecret};
use crate::error::Error;
use crate::identity::Fingerprint;

/// Where the book reads the time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Now, on a monotonic clock.
    fn now(&self) -> Instant;
}

/// The real, monotonic, clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that moves only when told to (for tests).
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<Instant>>);

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock(Arc::new(Mutex::new(Instant::now())))
    }
}

impl ManualClock {
    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How long codes live and how many guesses are allowed.
#[derive(Debug, Clone)]
pub struct PairingLimits {
    /// How long a code stays valid after it is issued.
    pub validity: Duration,
    /// Codes kept at once (outstanding, spent or expired).
    pub max_codes: usize,
    /// The window over which wrong attempts are counted.
    pub window: Duration,
    /// Wrong attempts allowed per window from one IP address.
    pub max_failures_per_peer: usize,
    /// Wrong attempts allowed per window from all addresses together.
    pub max_failures: usize,
}

impl Default for PairingLimits {
    fn default() -> Self {
        PairingLimits {
            validity: Duration::from_secs(600),
            max_codes: 16,
            window: Duration::from_secs(60),
            max_failures_per_peer: 3,
            max_failures: 10,
        }
    }
}

/// Why a pairing attempt failed, as the server's log says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PairingError {
    /// No code with this secret was issued (recently).
    #[error("wrong pairing code")]
    Wrong,
    /// The code was issued, but more than 10 minutes ago.
    #[error("expired pairing code")]
    Expired,
    /// The code was already used to pair a camera.
    #[error("pairing code already used")]
    Reused,
    /// Too many wrong attempts lately: this one was not even checked.
    #[error("too many wrong pairing codes, retry in {retry_after:?}")]
    RateLimited {
        /// How long until an attempt is allowed again.
        retry_after: Duration,
    },
}

#[derive(Debug)]
struct Issued {
    secret: PairingSecret,
    issued_at: Instant,
    used: bool,
}

/// The server's pairing codes and its count of wrong guesses.
#[derive(Debug)]
pub struct PairingBook {
    fingerprint: Fingerprint,
    limits: PairingLimits,
    clock: Arc<dyn Clock>,
    codes: VecDeque<Issued>,
    failures: VecDeque<Instant>,
    failures_by_peer: HashMap<IpAddr, VecDeque<Instant>>,
}

impl PairingBook {
    /// A book for the server whose certificate has `fingerprint`.
    pub fn new(fingerprint: Fingerprint, clock: Arc<dyn Clock>) -> PairingBook {
        PairingBook::with_limits(fingerprint, clock, PairingLimits::default())
    }

    /// A book with other limits.
    pub fn with_limits(
        fingerprint: Fingerprint,
        clock: Arc<dyn Clock>,
        limits: PairingLimits,
    ) -> PairingBook {
        PairingBook {
            fingerprint,
            limits,
            clock,
            codes: VecDeque::new(),
            failures: VecDeque::new(),
            failures_by_peer: HashMap::new(),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &PairingLimits {
        &self.limits
    }

    /// A fresh code, valid from now for [`PairingLimits::validity`].
    pub fn issue(&mut self) -> Result<PairingCode, Error> {
        let now = self.clock.now();
        self.forget_old(now);
        let secret = loop {
            let candidate = PairingSecret::random()?;
            // Two live codes with the same secret (one chance in 2^40) would
            // make one of them unusable: draw again.
            if !self.codes.iter().any(|c| c.secret == candidate) {
                break candidate;
            }
        };
        while self.codes.len() >= self.limits.max_codes.max(1) {
            self.codes.pop_front();
        }
        self.codes.push_back(Issued {
            secret,
            issued_at: now,
            used: false,
        });
        Ok(PairingCode::new(secret, &self.fingerprint))
    }

    /// Codes that can still be redeemed.
    pub fn outstanding(&self) -> usize {
        let now = self.clock.now();
        self.codes
            .iter()
            .filter(|c| !c.used && now.duration_since(c.issued_at) < self.limits.validity)
            .count()
    }

    /// Spends the code whose secret a client from `peer` sent, or says why not.
    pub fn redeem(&mut self, secret: &PairingSecret, peer: IpAddr) -> Result<(), PairingError> {
        let now = self.clock.now();
        self.forget_old(now);
        if let Some(retry_after) = self.rate_limited(peer, now) {
            return Err(PairingError::RateLimited { retry_after });
        }
        // Look at every code, without stopping at a match: the time taken
        // is the same whichever code (if any) matches.
        let mut found = Choice::from(0);
        let mut index = 0u64;
        for (i, code) in self.codes.iter().enumerate() {
            let hit = code.secret.ct_eq(secret);
            index.conditional_assign(&(i as u64), hit);
            found |= hit;
        }
        let outcome = if bool::from(found) {
            let code = &mut self.codes[index as usize];
            if code.used {
                Err(PairingError::Reused)
            } else if now.duration_since(code.issued_at) >= self.limits.validity {
                Err(PairingError::Expired)
            } else {
                code.used = true;
                Ok(())
            }
        } else {
            Err(PairingError::Wrong)
        };
        if outcome.is_err() {
            self.failures.push_back(now);
            self.failures_by_peer
                .entry(peer)
                .or_default()
                .push_back(now);
        }
        outcome
    }

    /// Makes a code spent by [`PairingBook::redeem`] usable again, when the
    /// pairing failed for a reason that is not the code's (the name asked
    /// for is taken): the user picks another name and types the same code.
    pub fn give_back(&mut self, secret: &PairingSecret) {
        for code in self.codes.iter_mut() {
            if bool::from(code.secret.ct_eq(secret)) {
                code.used = false;
            }
        }
    }

    /// How long `peer` must wait, if it must.
    fn rate_limited(&self, peer: IpAddr, now: Instant) -> Option<Duration> {
        let wait = |failures: &VecDeque<Instant>, max: usize| {
            if failures.len() < max.max(1) {
                return None;
            }
            // The attempt is allowed again once enough failures leave the window.
            let oldest_that_counts = failures[failures.len() - max.max(1)];
            Some((oldest_that_counts + self.limits.window).saturating_duration_since(now))
        };
        let overall = wait(&self.failures, self.limits.max_failures);
        let own = self
            .failures_by_peer
            .get(&peer)
            .and_then(|f| wait(f, self.limits.max_failures_per_peer));
        overall.max(own)
    }

    /// Drops failures older than the window and codes long past use.
    fn forget_old(&mut self, now: Instant) {
        let window = self.limits.window;
        let recent = |t: &Instant| now.duration_since(*t) < window;
        while self.failures.front().is_some_and(|t| !recent(t)) {
            self.failures.pop_front();
        }
        self.failures_by_peer.retain(|_, failures| {
            while failures.front().is_some_and(|t| !recent(t)) {
                failures.pop_front();
            }
            !failures.is_empty()
        });
        // Kept twice their validity, so a late try is told "expired".
        let keep = self.limits.validity * 2;
        self.codes
            .retain(|c| now.duration_since(c.issued_at) < keep);
    }
}

#[cfg(test)]
#[path = "book_tests.rs"]
mod tests;
