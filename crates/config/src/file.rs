//! The file's shape: one Rust struct per TOML table.
//!
//! Every field is an `Option`: a key left out means "not said here", so the
//! same [`Config`] type holds the file *and* the flags given on the command
//! line, and [`Config::overlay`] lays one over the other. Defaults come
//! last, in [`crate::Settings`].
//!
//! `deny_unknown_fields` everywhere: a key misspelt (`treshold = 30`) is an
//! error at its line, not a setting silently ignored while the camera goes
//! on detecting with the old value.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;

use crate::values::*;

/// A whole `vigie.toml`, or the flags of a command line.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `[server]`: the camera port and its limits.
    pub server: Server,
    /// `[http]`: the web page and API.
    pub http: Http,
    /// `[motion]`: motion detection, for every camera.
    pub motion: Motion,
    /// `[record]`: recording.
    pub record: Record,
    /// `[notify]`: notification channels and default rules.
    pub notify: Notify,
    /// `[cameras.NAME]`: one camera's own settings.
    pub cameras: BTreeMap<String, Camera>,
}

/// `[server]` (flags `--listen`, `--headless`, `--max-cameras` …).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Server {
    /// `--listen`.
    pub listen: Option<SocketAddr>,
    /// `--headless`.
    pub headless: Option<bool>,
    /// `--stats-interval`, seconds.
    pub stats_interval: Option<Timeout>,
    /// `--max-cameras`.
    pub max_cameras: Option<MaxCameras>,
    /// `--max-frame-size`, bytes.
    pub max_frame_size: Option<Count>,
    /// `--max-pixels`.
    pub max_pixels: Option<Count>,
    /// `--hello-timeout`, seconds.
    pub hello_timeout: Option<Timeout>,
    /// `--read-timeout`, seconds.
    pub read_timeout: Option<Timeout>,
    /// `--stale-after`, seconds.
    pub stale_after: Option<Timeout>,
    /// `--offline-after`, seconds.
    pub offline_after: Option<Timeout>,
}

/// `[http]` (flags `--http`, `--http-user`, `--http-allowed-host`). The
/// password is not here: it comes from `VIGIE_HTTP_PASSWORD`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Http {
    /// `--http`: an address or `off`.
    pub listen: Option<HttpListen>,
    /// `--http-user`.
    pub user: Option<String>,
    /// `--http-allowed-host`, repeated.
    pub allowed_hosts: Option<Vec<String>>,
}

/// `[motion]` (flags `--motion`, `--motion-fps`, `--motion-threshold` …).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Motion {
    /// `--motion`: detect even without recording.
    pub enabled: Option<bool>,
    /// `--motion-fps`.
    pub fps: Option<MotionFps>,
    /// `--motion-threshold`.
    pub threshold: Option<Threshold>,
    /// `--motion-area`.
    pub area: Option<Area>,
    /// `--motion-mask`, repeated.
    pub masks: Option<Vec<Zone>>,
}

/// `[record]` (flags `--record`, `--record-mode`, `--pre-roll` …).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Record {
    /// `--record`: the folder. The other keys need it.
    pub dir: Option<PathBuf>,
    /// `--record-mode`: `motion` or `continuous`.
    pub mode: Option<RecordMode>,
    /// `--pre-roll`, seconds.
    pub pre_roll: Option<Seconds>,
    /// `--post-roll`, seconds.
    pub post_roll: Option<Seconds>,
    /// `--segment-minutes`.
    pub segment_minutes: Option<Minutes>,
    /// `--retention-days`.
    pub retention_days: Option<Days>,
    /// `--max-disk`, gigabytes.
    pub max_disk: Option<Gigabytes>,
}

/// `[notify]` (flags `--notify-webhook`, `--notify-ntfy`, `--mqtt`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Notify {
    /// `--notify-webhook`.
    pub webhook: Option<WebhookUrl>,
    /// `--notify-ntfy`: the topic URL.
    pub ntfy: Option<NtfyUrl>,
    /// An ntfy access token (or `VIGIE_NTFY_TOKEN`).
    pub ntfy_token: Option<String>,
    /// `--mqtt`: the broker (its password better in `VIGIE_MQTT_PASSWORD`).
    pub mqtt: Option<Mqtt>,
    /// The MQTT client id.
    pub mqtt_client_id: Option<TopicLevel>,
    /// The first level of vigie's topics.
    pub mqtt_topic_prefix: Option<TopicLevel>,
    /// Home Assistant discovery on (`true`) or off.
    pub home_assistant: Option<bool>,
    /// Home Assistant's discovery prefix.
    pub discovery_prefix: Option<TopicLevel>,
    /// Events each channel's queue holds.
    pub queue: Option<QueueLength>,
    /// `[notify.rules]`: the rules of cameras without their own.
    pub rules: Rules,
}

/// `[notify.rules]` and `[cameras.NAME.rules]`: when to tell someone.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rules {
    /// Seconds between two notifications of motion (or offline).
    pub cooldown: Option<Seconds>,
    /// `HH:MM-HH:MM`, local time, when nothing is pushed.
    pub quiet_hours: Option<Quiet>,
    /// Which events: `["motion", "offline"]`; `[]` for none.
    pub events: Option<Vec<EventChoice>>,
}

/// `[cameras.NAME]`: settings of the camera called NAME.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Camera {
    /// The name to show on the page and in notifications.
    pub name: Option<DisplayName>,
    /// `motion`, `continuous` or `off`.
    pub record_mode: Option<RecordMode>,
    /// `[cameras.NAME.motion]`: this camera's detection.
    pub motion: CameraMotion,
    /// `[cameras.NAME.rules]`: this camera's notification rules.
    pub rules: Rules,
}

/// `[cameras.NAME.motion]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CameraMotion {
    /// Grey-level difference for a pixel to count as changed.
    pub threshold: Option<Threshold>,
    /// Fraction of the picture that must change.
    pub area: Option<Area>,
    /// Zones to ignore (replacing `[motion]`'s, not adding to them).
    pub masks: Option<Vec<Zone>>,
}

/// `top`'s value where it has one, else `base`'s.
fn pick<T: Clone>(base: &Option<T>, top: &Option<T>) -> Option<T> {
    top.clone().or_else(|| base.clone())
}

macro_rules! overlay {
    ($ty:ident; $base:expr, $top:expr; $($field:ident),* $(; $($extra:ident: $value:expr),*)?) => {
        $ty { $($field: pick(&$base.$field, &$top.$field),)* $($($extra: $value),*)? }
    };
}

impl Rules {
    fn overlay(&self, top: &Rules) -> Rules {
        overlay!(Rules; self, top; cooldown, quiet_hours, events)
    }
}

impl Camera {
    fn overlay(&self, top: &Camera) -> Camera {
        Camera {
            name: pick(&self.name, &top.name),
            record_mode: pick(&self.record_mode, &top.record_mode),
            motion: CameraMotion {
                threshold: pick(&self.motion.threshold, &top.motion.threshold),
                area: pick(&self.motion.area, &top.motion.area),
                masks: pick(&self.motion.masks, &top.motion.masks),
            },
            rules: self.rules.overlay(&top.rules),
        }
    }
}

impl Config {
    /// `self` with whatever `top` says laid over it: `file.overlay(&flags)`
    /// is the file where the command line overrides it.
    pub fn overlay(&self, top: &Config) -> Config {
        let (s, t) = (&self.server, &top.server);
        let server = overlay!(Server; s, t; listen, headless, stats_interval, max_cameras, max_frame_size,
            max_pixels, hello_timeout, read_timeout, stale_after, offline_after);
        let (h, t) = (&self.http, &top.http);
        let http = overlay!(Http; h, t; listen, user, allowed_hosts);
        let (m, t) = (&self.motion, &top.motion);
        let motion = overlay!(Motion; m, t; enabled, fps, threshold, area, masks);
        let (r, t) = (&self.record, &top.record);
        let record = overlay!(Record; r, t; dir, mode, pre_roll, post_roll, segment_minutes, retention_days, max_disk);
        let (n, t) = (&self.notify, &top.notify);
        let notify = overlay!(Notify; n, t; webhook, ntfy, ntfy_token, mqtt, mqtt_client_id,
            mqtt_topic_prefix, home_assistant, discovery_prefix, queue;
            rules: n.rules.overlay(&t.rules));
        let mut cameras = self.cameras.clone();
        for (name, camera) in &top.cameras {
            let merged = cameras
                .get(name)
                .map_or_else(|| camera.clone(), |c| c.overlay(camera));
            cameras.insert(name.clone(), merged);
        }
        Config {
            server,
            http,
            motion,
            record,
            notify,
            cameras,
        }
    }
}
