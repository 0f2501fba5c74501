//! When to tell someone: cooldowns, quiet hours, which events.
//!
//! A camera that sees a tree in the wind would send a notification every
//! few seconds, and a phone that buzzes all night gets switched off: both
//! make notifications useless. So each camera has a [`Rule`]:
//!
//! - a **cooldown**: after a "motion started" is sent, the next ones are
//!   held back until the cooldown has passed (likewise "offline" for a
//!   camera whose link flaps);
//! - **quiet hours**, in local time, when nothing is pushed;
//! - which **events** are worth a notification at all.
//!
//! An end is sent only if its start was: nobody wants "motion ended" about
//! a motion they were never told of.
//!
//! Rules apply to the channels that reach a person (webhook, ntfy). MQTT
//! is not a notification but the camera's *state* for a home automation
//! system, which needs every change to stay right: it gets every event.
//!
//! The rules read the time through a [`Clock`], so that tests can say
//! "it is 23:00" and "ten minutes later" without waiting.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::{Error, Event, EventKind};

/// A time of day, to the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay {
    minutes: u16,
}

impl TimeOfDay {
    /// `hour:minute`, if it is a time of day.
    pub fn new(hour: u8, minute: u8) -> Option<TimeOfDay> {
        (hour < 24 && minute < 60).then_some(TimeOfDay {
            minutes: u16::from(hour) * 60 + u16::from(minute),
        })
    }
}

impl FromStr for TimeOfDay {
    type Err = Error;
    /// `HH:MM`, from `00:00` to `23:59`.
    fn from_str(s: &str) -> Result<TimeOfDay, Error> {
        let bad = || Error::BadTimeOfDay(s.to_string());
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        let digits = |p: &str| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
        if !digits(h) || m.len() != 2 || !digits(m) {
            return Err(bad());
        }
        TimeOfDay::new(h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?).ok_or_else(bad)
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

/// Hours with no notification, such as `22:30-07:00` (it may cross midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    /// The first quiet minute.
    pub start: TimeOfDay,
    /// The first minute that is no longer quiet.
    pub end: TimeOfDay,
}

impl QuietHours {
    /// Whether `t` is quiet.
    pub fn contains(&self, t: TimeOfDay) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

impl FromStr for QuietHours {
    type Err = Error;
    /// `HH:MM-HH:MM`; the two ends must differ.
    fn from_str(s: &str) -> Result<QuietHours, Error> {
        let bad = || Error::BadQuietHours(s.to_string());
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let (start, end) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
        if start == end {
            return Err(bad());
        }
        Ok(QuietHours { start, end })
    }
}

impl fmt::Display for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

/// One camera's notification rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Least time between two "motion started" (or two "offline") sent.
    pub cooldown: Duration,
    /// Hours when nothing is pushed.
    pub quiet_hours: Option<QuietHours>,
    /// Push motion events.
    pub motion: bool,
    /// Push "offline" and "back online".
    pub offline: bool,
}

impl Default for Rule {
    /// A minute of cooldown, no quiet hours, every event.
    fn default() -> Self {
        Rule {
            cooldown: Duration::from_secs(60),
            quiet_hours: None,
            motion: true,
            offline: true,
        }
    }
}

/// The rule of every camera: a default, and some cameras' own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    /// For cameras without their own.
    pub default: Rule,
    /// By camera name.
    pub cameras: HashMap<String, Rule>,
}

impl Rules {
    /// The rule `camera` follows.
    pub fn for_camera(&self, camera: &str) -> &Rule {
        self.cameras.get(camera).unwrap_or(&self.default)
    }
}

/// Where rules read the time.
pub trait Clock: Send + Sync + 'static {
    /// Monotonic time, for cooldowns.
    fn now(&self) -> Instant;
    /// The local time of day, for quiet hours.
    fn time_of_day(&self) -> TimeOfDay;
}

/// The machine's clock and time zone.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn time_of_day(&self) -> TimeOfDay {
        let t = jiff::Zoned::now().time();
        TimeOfDay::new(t.hour() as u8, t.minute() as u8).unwrap_or(TimeOfDay { minutes: 0 })
    }
}

/// A clock that moves only when told: for tests.
#[derive(Debug)]
pub struct ManualClock {
    state: Mutex<(Instant, TimeOfDay)>,
}

impl ManualClock {
    /// Stopped at `time_of_day`.
    pub fn new(time_of_day: TimeOfDay) -> ManualClock {
        ManualClock {
            state: Mutex::new((Instant::now(), time_of_day)),
        }
    }
    /// Moves monotonic time forward (the time of day does not move).
    pub fn advance(&self, by: Duration) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.0 += by;
    }
    /// Sets the time of day.
    pub fn set_time_of_day(&self, t: TimeOfDay) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).1 = t;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).0
    }
    fn time_of_day(&self) -> TimeOfDay {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).1
    }
}

/// Cameras remembered at most; past this, those with nothing open are forgotten.
const MAX_CAMERAS: usize = 4096;

#[derive(Default)]
struct Memory {
    motion_sent: Option<Instant>,
    motion_open: bool,
    offline_sent: Option<Instant>,
    offline_open: bool,
}

/// What each camera was last sent, to apply the rules.
#[derive(Default)]
pub(crate) struct Gate {
    cameras: HashMap<String, Memory>,
}

impl Gate {
    /// Whether `event` should be pushed under `rule` at the clock's time.
    pub fn admit(&mut self, event: &Event, rule: &Rule, clock: &dyn Clock) -> bool {
        if self.cameras.len() >= MAX_CAMERAS && !self.cameras.contains_key(&event.camera) {
            self.cameras.retain(|_, m| m.motion_open || m.offline_open);
        }
        let now = clock.now();
        let quiet = rule
            .quiet_hours
            .is_some_and(|q| q.contains(clock.time_of_day()));
        let memory = self.cameras.entry(event.camera.clone()).or_default();
        let cooled = |sent: Option<Instant>| {
            sent.is_none_or(|at| now.saturating_duration_since(at) >= rule.cooldown)
        };
        match event.kind {
            EventKind::MotionStarted { .. } => {
                let go = rule.motion && !quiet && cooled(memory.motion_sent);
                if go {
                    memory.motion_sent = Some(now);
                }
                memory.motion_open = go;
                go
            }
            EventKind::MotionEnded { .. } => std::mem::take(&mut memory.motion_open),
            EventKind::Offline => {
                let go = rule.offline && !quiet && cooled(memory.offline_sent);
                if go {
                    memory.offline_sent = Some(now);
                }
                memory.offline_open = go;
                go
            }
            EventKind::Online => std::mem::take(&mut memory.offline_open),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> TimeOfDay {
        s.parse().unwrap()
    }

    #[test]
    fn times_and_quiet_hours_parse_and_cross_midnight() {
        let night: QuietHours = "22:30-07:00".parse().unwrap();
        assert!(night.contains(at("23:59")) && night.contains(at("00:00")));
        assert!(night.contains(at("06:59")) && !night.contains(at("07:00")));
        assert!(!night.contains(at("12:00")) && night.contains(at("22:30")));
        let lunch: QuietHours = "12:00-13:30".parse().unwrap();
        assert!(lunch.contains(at("12:45")) && !lunch.contains(at("13:30")));
        assert_eq!(night.to_string(), "22:30-07:00");
        for bad in [
            "",
            "22-7",
            "24:00-01:00",
            "12:00-12:00",
            "1:60-2:00",
            "a:bc-d:ef",
            "7:0-8:00",
        ] {
            assert!(bad.parse::<QuietHours>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn cooldown_holds_back_motion_and_its_end() {
        let clock = ManualClock::new(at("12:00"));
        let (mut gate, rule) = (Gate::default(), Rule::default());
        let start = || Event::motion_started("c", None);
        let end = || Event::motion_ended("c", None);
        assert!(gate.admit(&start(), &rule, &clock));
        assert!(gate.admit(&end(), &rule, &clock));
        clock.advance(Duration::from_secs(30));
        assert!(!gate.admit(&start(), &rule, &clock), "within the cooldown");
        assert!(!gate.admit(&end(), &rule, &clock), "its start was not sent");
        clock.advance(Duration::from_secs(31));
        assert!(gate.admit(&start(), &rule, &clock));
        // Another camera has its own cooldown.
        assert!(gate.admit(&Event::motion_started("d", None), &rule, &clock));
    }

    #[test]
    fn quiet_hours_and_event_choice_hold_back_pushes() {
        let clock = ManualClock::new(at("23:15"));
        let rule = Rule {
            quiet_hours: Some("23:00-06:00".parse().unwrap()),
            offline: false,
            ..Rule::default()
        };
        let mut gate = Gate::default();
        assert!(!gate.admit(&Event::motion_started("c", None), &rule, &clock));
        clock.set_time_of_day(at("06:00"));
        assert!(gate.admit(&Event::motion_started("c", None), &rule, &clock));
        assert!(
            !gate.admit(&Event::offline("c"), &rule, &clock),
            "offline not chosen"
        );
        assert!(!gate.admit(&Event::online("c"), &rule, &clock));
    }

    #[test]
    fn offline_then_back_is_a_pair_with_its_cooldown() {
        let clock = ManualClock::new(at("10:00"));
        let (mut gate, rule) = (Gate::default(), Rule::default());
        assert!(
            !gate.admit(&Event::online("c"), &rule, &clock),
            "first start: nothing to end"
        );
        assert!(gate.admit(&Event::offline("c"), &rule, &clock));
        assert!(gate.admit(&Event::online("c"), &rule, &clock));
        assert!(!gate.admit(&Event::offline("c"), &rule, &clock), "flapping");
        assert!(!gate.admit(&Event::online("c"), &rule, &clock));
    }

    #[test]
    fn rules_fall_back_to_the_default() {
        let mut rules = Rules::default();
        let quiet = Rule {
            motion: false,
            ..Rule::default()
        };
        rules.cameras.insert("garden".into(), quiet.clone());
        assert_eq!(rules.for_camera("garden"), &quiet);
        assert_eq!(rules.for_camera("door"), &Rule::default());
    }
}
