//! The settings vigie runs with: the file, the flags over it, the defaults
//! under both.
//!
//! [`Settings::merge`] takes the file and the flags *given on the command
//! line* (as a [`Config`] too, with only those keys set) and fills in the
//! defaults, which are the flags' defaults: a file that says nothing
//! changes nothing. Per-camera settings start from the server-wide ones
//! ([`Settings::camera`]).
//!
//! Every setting is also a `key = value` line ([`Settings::lines`]): that
//! one list prints the settings for `--check` and compares two versions
//! of them for a reload ([`diff`]).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use vigie_core::motion::Mask;
use vigie_notify::Rule;

use crate::file::{self, Config};
use crate::values::{EventChoice, RecordMode};

/// Everything the server runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `--listen`.
    pub listen: SocketAddr,
    /// `--headless`.
    pub headless: bool,
    /// `--stats-interval`.
    pub stats_interval: Duration,
    /// `--max-cameras`.
    pub max_cameras: u64,
    /// `--max-frame-size`.
    pub max_frame_size: u64,
    /// `--max-pixels`.
    pub max_pixels: u64,
    /// `--hello-timeout`.
    pub hello_timeout: Duration,
    /// `--read-timeout`.
    pub read_timeout: Duration,
    /// `--stale-after`.
    pub stale_after: Duration,
    /// `--offline-after`.
    pub offline_after: Duration,
    /// `--http`; `None` is `off`.
    pub http: Option<SocketAddr>,
    /// `--http-user`.
    pub http_user: Option<String>,
    /// `--http-allowed-host`.
    pub http_allowed_hosts: Vec<String>,
    /// `--motion`.
    pub motion: bool,
    /// `--motion-fps`.
    pub motion_fps: f64,
    /// `--record`.
    pub record: Option<PathBuf>,
    /// `--record-mode` (motion or continuous).
    pub record_mode: RecordMode,
    /// `--pre-roll`.
    pub pre_roll: Duration,
    /// `--post-roll`.
    pub post_roll: Duration,
    /// `--segment-minutes`, as a duration.
    pub segment: Duration,
    /// `--retention-days`, as a duration.
    pub retention: Option<Duration>,
    /// `--max-disk`, in bytes.
    pub max_disk: Option<u64>,
    /// The notification channels.
    pub notify: vigie_notify::NotifyConfig,
    /// Defaults of every camera.
    pub defaults: CameraSettings,
    /// Cameras with a section, by name.
    pub cameras: BTreeMap<String, CameraSettings>,
}

/// One camera's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct CameraSettings {
    /// Name to show; `None`: the camera's own.
    pub name: Option<String>,
    /// Grey-level difference for a pixel to count as changed.
    pub motion_threshold: u8,
    /// Fraction of the picture that must change.
    pub motion_area: f32,
    /// Zones to ignore.
    pub motion_masks: Vec<Mask>,
    /// How it is recorded when the server records.
    pub record_mode: RecordMode,
    /// When to tell someone.
    pub rule: Rule,
}

fn seconds(s: Option<f64>, default: f64) -> Duration {
    Duration::from_secs_f64(s.unwrap_or(default))
}

fn rule(over: &file::Rules, base: &Rule) -> Rule {
    let events = over.events.as_ref();
    let has = |e| events.map(|list| list.contains(&e));
    Rule {
        cooldown: over
            .cooldown
            .map_or(base.cooldown, |s| Duration::from_secs_f64(s.get())),
        quiet_hours: over
            .quiet_hours
            .as_ref()
            .map_or(base.quiet_hours, |q| *q.get()),
        motion: has(EventChoice::Motion).unwrap_or(base.motion),
        offline: has(EventChoice::Offline).unwrap_or(base.offline),
    }
}

impl CameraSettings {
    /// This camera's motion detector settings (vigie-core's defaults for
    /// the rest; the binary adapts them to the analysis rate with
    /// `vigie_record::analysis::detector_config`).
    pub fn motion_config(&self) -> vigie_core::motion::MotionConfig {
        vigie_core::motion::MotionConfig {
            threshold: self.motion_threshold,
            min_area: self.motion_area,
            masks: self.motion_masks.clone(),
            ..vigie_core::motion::MotionConfig::default()
        }
    }
}

impl Settings {
    /// `file`, with `command_line` (only the flags the user gave) over it,
    /// and the defaults under both.
    pub fn merge(file: &Config, command_line: &Config) -> Settings {
        Settings::from_config(&file.overlay(command_line))
    }

    /// `config` with the defaults where it says nothing.
    pub fn from_config(c: &Config) -> Settings {
        let (s, m, r, n) = (&c.server, &c.motion, &c.record, &c.notify);
        let defaults = CameraSettings {
            name: None,
            motion_threshold: m.threshold.map_or(25, |t| t.get()),
            motion_area: m.area.map_or(0.01, |a| a.get()),
            motion_masks: m.masks.iter().flatten().map(|z| z.get().clone()).collect(),
            record_mode: r.mode.unwrap_or(RecordMode::Motion),
            rule: rule(&n.rules, &Rule::default()),
        };
        let cameras = c
            .cameras
            .iter()
            .map(|(name, cam)| {
                let masks = cam
                    .motion
                    .masks
                    .as_ref()
                    .map(|z| z.iter().map(|z| z.get().clone()).collect());
                let settings = CameraSettings {
                    name: cam.name.as_ref().map(|n| n.get().clone()),
                    motion_threshold: cam
                        .motion
                        .threshold
                        .map_or(defaults.motion_threshold, |t| t.get()),
                    motion_area: cam.motion.area.map_or(defaults.motion_area, |a| a.get()),
                    motion_masks: masks.unwrap_or_else(|| defaults.motion_masks.clone()),
                    record_mode: cam.record_mode.unwrap_or(defaults.record_mode),
                    rule: rule(&cam.rules, &defaults.rule),
                };
                (name.clone(), settings)
            })
            .collect();
        Settings {
            listen: s.listen.unwrap_or(SocketAddr::from(([0, 0, 0, 0], 8485))),
            headless: s.headless.unwrap_or(false),
            stats_interval: seconds(s.stats_interval.map(|t| t.get()), 5.0),
            max_cameras: s.max_cameras.map_or(128, |n| n.get()),
            max_frame_size: s.max_frame_size.map_or(DEFAULT_MAX_FRAME, |n| n.get()),
            max_pixels: s.max_pixels.map_or(DEFAULT_MAX_PIXELS, |n| n.get()),
            hello_timeout: seconds(s.hello_timeout.map(|t| t.get()), 5.0),
            read_timeout: seconds(s.read_timeout.map(|t| t.get()), 10.0),
            stale_after: seconds(s.stale_after.map(|t| t.get()), 2.0),
            offline_after: seconds(s.offline_after.map(|t| t.get()), 10.0),
            http: c
                .http
                .listen
                .as_ref()
                .map_or(Some(SocketAddr::from(([127, 0, 0, 1], 8080))), |l| *l.get()),
            http_user: c.http.user.clone(),
            http_allowed_hosts: c.http.allowed_hosts.clone().unwrap_or_default(),
            motion: m.enabled.unwrap_or(false),
            motion_fps: m.fps.map_or(5.0, |f| f.get()),
            record: r.dir.clone(),
            record_mode: defaults.record_mode,
            pre_roll: seconds(r.pre_roll.map(|s| s.get()), 3.0),
            post_roll: seconds(r.post_roll.map(|s| s.get()), 5.0),
            segment: seconds(r.segment_minutes.map(|m| m.get() * 60.0), 300.0),
            retention: r
                .retention_days
                .map(|d| Duration::from_secs_f64(d.get() * 86_400.0)),
            max_disk: r.max_disk.map(|g| (g.get() * 1e9) as u64),
            notify: notify_config(n),
            defaults,
            cameras,
        }
    }

    /// The settings of the camera called `name`.
    pub fn camera(&self, name: &str) -> &CameraSettings {
        self.cameras.get(name).unwrap_or(&self.defaults)
    }

    /// The notification rules of every camera, for [`vigie_notify::Notifier`].
    pub fn rules(&self) -> vigie_notify::Rules {
        vigie_notify::Rules {
            default: self.defaults.rule.clone(),
            cameras: self
                .cameras
                .iter()
                .map(|(n, c)| (n.clone(), c.rule.clone()))
                .collect(),
        }
    }
}

/// vigie-core's largest message, the default of `--max-frame-size`.
const DEFAULT_MAX_FRAME: u64 = vigie_core::pack::DEFAULT_MAX_MESSAGE as u64;
/// The default of `--max-pixels` (vigie-net's: 8192 × 8192).
const DEFAULT_MAX_PIXELS: u64 = 8192 * 8192;

fn notify_config(n: &file::Notify) -> vigie_notify::NotifyConfig {
    let mqtt = n.mqtt.as_ref().map(|url| {
        let mut m = vigie_notify::MqttConfig::new(url.get().clone());
        if let Some(id) = &n.mqtt_client_id {
            m.client_id = id.get().clone();
        }
        if let Some(prefix) = &n.mqtt_topic_prefix {
            m.topic_prefix = prefix.get().clone();
        }
        m.discovery_prefix = match (n.home_assistant, &n.discovery_prefix) {
            (Some(false), _) => None,
            (_, Some(p)) => Some(p.get().clone()),
            _ => Some("homeassistant".into()),
        };
        m
    });
    let mut config = vigie_notify::NotifyConfig {
        webhook: n.webhook.as_ref().map(|u| u.get().clone()),
        ntfy: n.ntfy.as_ref().map(|u| vigie_notify::NtfyConfig {
            url: u.get().clone(),
            token: n.ntfy_token.clone(),
        }),
        mqtt,
        ..vigie_notify::NotifyConfig::default()
    };
    if let Some(q) = n.queue {
        config.limits.events = q.get();
    }
    config
}
