//! The settings as `key = value` lines: printed by `--check`, compared on a
//! reload.
//!
//! One list of lines serves both, so what `--check` shows and what a
//! reload reports can never disagree. Secrets are never in it: a broker's
//! password shows as `***`, an ntfy token as `(set)`.
//!
//! [`diff`] compares two settings the way an operator reads a reload log:
//! `camera "door": motion.threshold 25 -> 40`. A change to the server-wide
//! defaults shows under `defaults` *and* under each camera it reaches.
//! Per-camera settings apply at once; the rest (ports, limits) needs a
//! restart, and [`Change::needs_restart`] says so.

use std::fmt;

use crate::settings::{CameraSettings, Settings};
use crate::values::format_mask;

/// What a change applies to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// The server itself: ports, limits, channels.
    Server,
    /// Cameras without a section of their own.
    Defaults,
    /// The camera called so.
    Camera(String),
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Server => f.write_str("server"),
            Scope::Defaults => f.write_str("defaults"),
            Scope::Camera(name) => write!(f, "camera {name:?}"),
        }
    }
}

/// One setting that differs between two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What it applies to.
    pub scope: Scope,
    /// The key, such as `motion.threshold`.
    pub key: String,
    /// The old value (`-` if there was none).
    pub old: String,
    /// The new value (`-` if there is none).
    pub new: String,
}

impl Change {
    /// Whether the running server can apply it only by restarting.
    pub fn needs_restart(&self) -> bool {
        self.scope == Scope::Server
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} {} -> {}",
            self.scope, self.key, self.old, self.new
        )?;
        if self.needs_restart() {
            f.write_str(" (after a restart)")?;
        }
        Ok(())
    }
}

fn opt<T: fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map_or("-".into(), |v| v.to_string())
}

fn secs(d: std::time::Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

impl CameraSettings {
    /// This camera's settings as `key = value` lines.
    pub fn lines(&self) -> Vec<(String, String)> {
        let masks: Vec<String> = self.motion_masks.iter().map(format_mask).collect();
        let rule = &self.rule;
        let mut events = Vec::new();
        if rule.motion {
            events.push("motion");
        }
        if rule.offline {
            events.push("offline");
        }
        [
            ("name", opt(&self.name)),
            ("motion.threshold", self.motion_threshold.to_string()),
            ("motion.area", self.motion_area.to_string()),
            ("motion.masks", format!("[{}]", masks.join(" | "))),
            ("record_mode", self.record_mode.to_string()),
            ("rules.cooldown", secs(rule.cooldown)),
            ("rules.quiet_hours", opt(&rule.quiet_hours)),
            ("rules.events", format!("[{}]", events.join(", "))),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }
}

impl Settings {
    /// The server-wide settings as `key = value` lines.
    pub fn lines(&self) -> Vec<(String, String)> {
        let n = &self.notify;
        let mqtt = n.mqtt.as_ref();
        let lines = [
            ("server.listen", self.listen.to_string()),
            ("server.headless", self.headless.to_string()),
            ("server.stats_interval", secs(self.stats_interval)),
            ("server.max_cameras", self.max_cameras.to_string()),
            ("server.max_frame_size", self.max_frame_size.to_string()),
            ("server.max_pixels", self.max_pixels.to_string()),
            ("server.hello_timeout", secs(self.hello_timeout)),
            ("server.read_timeout", secs(self.read_timeout)),
            ("server.stale_after", secs(self.stale_after)),
            ("server.offline_after", secs(self.offline_after)),
            (
                "http.listen",
                self.http.map_or("off".into(), |a| a.to_string()),
            ),
            ("http.user", opt(&self.http_user)),
            (
                "http.allowed_hosts",
                format!("{:?}", self.http_allowed_hosts),
            ),
            (
                "motion.enabled",
                (self.motion || self.record.is_some()).to_string(),
            ),
            ("motion.fps", self.motion_fps.to_string()),
            (
                "record.dir",
                opt(&self.record.as_ref().map(|d| d.display().to_string())),
            ),
            ("record.mode", self.record_mode.to_string()),
            ("record.pre_roll", secs(self.pre_roll)),
            ("record.post_roll", secs(self.post_roll)),
            ("record.segment", secs(self.segment)),
            ("record.retention", opt(&self.retention.map(secs))),
            (
                "record.max_disk",
                opt(&self.max_disk.map(|b| format!("{b} bytes"))),
            ),
            ("notify.webhook", opt(&n.webhook)),
            ("notify.ntfy", opt(&n.ntfy.as_ref().map(|t| t.url.clone()))),
            (
                "notify.ntfy_token",
                opt(&n
                    .ntfy
                    .as_ref()
                    .and_then(|t| t.token.as_ref())
                    .map(|_| "(set)")),
            ),
            ("notify.mqtt", opt(&mqtt.map(|m| m.url.to_string()))),
            (
                "notify.mqtt_client_id",
                opt(&mqtt.map(|m| m.client_id.clone())),
            ),
            (
                "notify.mqtt_topic_prefix",
                opt(&mqtt.map(|m| m.topic_prefix.clone())),
            ),
            (
                "notify.discovery_prefix",
                opt(&mqtt.and_then(|m| m.discovery_prefix.clone())),
            ),
            ("notify.queue", n.limits.events.to_string()),
        ];
        lines.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }
}

impl fmt::Display for Settings {
    /// A `--check` report: server-wide lines, the defaults, each camera.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (key, value) in self.lines() {
            writeln!(f, "{key} = {value}")?;
        }
        writeln!(f, "\n[defaults: every camera without a section]")?;
        for (key, value) in self.defaults.lines() {
            writeln!(f, "{key} = {value}")?;
        }
        for (name, camera) in &self.cameras {
            writeln!(f, "\n[camera {name:?}]")?;
            for (key, value) in camera.lines() {
                writeln!(f, "{key} = {value}")?;
            }
        }
        Ok(())
    }
}

fn compare(
    scope: Scope,
    old: &[(String, String)],
    new: &[(String, String)],
    out: &mut Vec<Change>,
) {
    for (key, new_value) in new {
        let old_value = old.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        if old_value.as_ref() != Some(new_value) {
            out.push(Change {
                scope: scope.clone(),
                key: key.clone(),
                old: old_value.unwrap_or_else(|| "-".into()),
                new: new_value.clone(),
            });
        }
    }
}

/// What changed from `old` to `new`: server-wide, defaults, then camera by
/// camera (a camera that gained or lost its section is compared with the
/// defaults it had or now has).
pub fn diff(old: &Settings, new: &Settings) -> Vec<Change> {
    let mut changes = Vec::new();
    compare(Scope::Server, &old.lines(), &new.lines(), &mut changes);
    compare(
        Scope::Defaults,
        &old.defaults.lines(),
        &new.defaults.lines(),
        &mut changes,
    );
    let mut names: Vec<&String> = old.cameras.keys().chain(new.cameras.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let scope = Scope::Camera(name.clone());
        compare(
            scope,
            &old.camera(name).lines(),
            &new.camera(name).lines(),
            &mut changes,
        );
    }
    changes
}
