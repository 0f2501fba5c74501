//! `/api/cameras`: the registry as JSON, for scripts and for the page.
//!
//! The same document is what the page receives every second over its
//! WebSocket (with `"type": "state"` added), so the page and the API can
//! never disagree. Durations are in seconds and latencies in milliseconds,
//! as plain numbers, and a value that is not known yet (no frame, no
//! latency from a legacy camera) is `null` rather than a made-up zero.

use serde::Serialize;
use vigie_hub::CameraView;

/// One camera, as `/api/cameras` shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct CameraJson {
    pub name: String,
    /// The name to show people (the config's `[cameras.NAME] name`), or
    /// `name` when the config gives none.
    pub display_name: String,
    pub peer: String,
    /// `native` or `legacy`.
    pub protocol: String,
    /// `online`, `stale` or `offline`.
    pub state: String,
    /// Seconds in that state.
    pub state_for_s: f64,
    /// The newest frame's size, `null` before the first frame.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The format the camera sends (`JPEG`, `RGB8`, …).
    pub format: Option<String>,
    pub fps: f64,
    pub kbps: f64,
    pub latency_p50_ms: Option<f64>,
    pub latency_p99_ms: Option<f64>,
    pub frames: u64,
    pub drops: u64,
    /// The camera's capture times lie in the future: its clock is ahead of
    /// the server's, so its latency is not shown.
    pub clock_ahead: bool,
    /// Seconds since the newest frame arrived.
    pub last_frame_age_s: Option<f64>,
    /// Fraction of the picture that changed lately, `null` when the server
    /// does not detect motion.
    pub motion_score: Option<f64>,
    /// A motion event is going on.
    pub motion: bool,
    /// The camera is being recorded.
    pub recording: bool,
    /// Why recording fails, while it does.
    pub record_error: Option<String>,
}

/// The whole document.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CamerasJson {
    /// How many cameras are connected now (a silent camera still is).
    pub connected: usize,
    /// The port cameras connect to (shown on the empty page).
    pub camera_port: u16,
    /// The fingerprint of the server's certificate (`3F:9A:…`), to check
    /// a browser's certificate warning against; `null` when not set.
    pub server_fingerprint: Option<String>,
    /// The MQTT broker's connection, `null` when MQTT is not set.
    pub mqtt: Option<crate::health::MqttJson>,
    pub cameras: Vec<CameraJson>,
}

/// A finite number, rounded to what a person reads (3 decimals); JSON has
/// no NaN or infinity.
fn clean(x: f64) -> f64 {
    if x.is_finite() {
        (x * 1000.0).round() / 1000.0
    } else {
        0.0
    }
}

impl CameraJson {
    pub(crate) fn from_view(v: &CameraView) -> CameraJson {
        let ms = |d: std::time::Duration| clean(d.as_secs_f64() * 1000.0);
        let frame = v.latest.as_ref();
        CameraJson {
            name: v.name.clone(),
            display_name: v.shown_name().to_owned(),
            peer: v.origin.address(),
            protocol: v.origin.link().to_owned(),
            state: v.state.to_string(),
            state_for_s: clean(v.state_for.as_secs_f64()),
            width: frame.map(|f| f.width()),
            height: frame.map(|f| f.height()),
            format: frame.map(|f| f.format().to_string()),
            fps: clean(v.stats.fps),
            kbps: clean(v.stats.kbps),
            latency_p50_ms: v.stats.latency_p50.map(ms),
            latency_p99_ms: v.stats.latency_p99.map(ms),
            frames: v.stats.frames,
            drops: v.stats.drops,
            clock_ahead: v.stats.clock_ahead,
            last_frame_age_s: v.last_frame_age.map(|d| clean(d.as_secs_f64())),
            motion_score: v
                .surveillance
                .motion_score
                .map(|s| (f64::from(s) * 1e4).round() / 1e4),
            motion: v.surveillance.motion,
            recording: v.surveillance.recording,
            record_error: v.surveillance.record_error.clone(),
        }
    }
}

impl CamerasJson {
    /// Everything the registry knows, now.
    pub(crate) fn now(app: &crate::routes::App) -> CamerasJson {
        let views = app.registry.snapshot();
        CamerasJson {
            connected: app.registry.connected(),
            camera_port: app.camera_port,
            server_fingerprint: app.fingerprint.clone(),
            mqtt: crate::health::mqtt(app),
            cameras: views.iter().map(CameraJson::from_view).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use vigie_core::{Frame, FrameHeader, PixelFormat};
    use vigie_hub::stats::StatsView;
    use vigie_hub::CameraState;

    #[test]
    fn a_camera_reads_as_plain_json() {
        let header = FrameHeader {
            camera: "salon".into(),
            sequence: 3,
            captured_at_us: 0,
            width: 2,
            height: 1,
            format: PixelFormat::Gray8,
        };
        let view = CameraView {
            name: "salon".into(),
            origin: vigie_hub::Origin::peer("192.168.1.7:50000".parse().unwrap(), "native"),
            state: CameraState::Stale,
            state_for: Duration::from_millis(3200),
            last_frame_age: Some(Duration::from_millis(5200)),
            latest: Some(Frame::new(header, vec![0, 0]).unwrap()),
            stats: StatsView {
                fps: f64::NAN,
                kbps: 123.45678,
                latency_p50: Some(Duration::from_micros(12_345)),
                latency_p99: None,
                frames: 10,
                drops: 1,
                clock_ahead: true,
            },
            surveillance: vigie_hub::Surveillance {
                motion_score: Some(0.012_345),
                motion: true,
                recording: true,
                record_error: None,
            },
            display_name: Some("Salon".into()),
        };
        let json = serde_json::to_value(CameraJson::from_view(&view)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "name": "salon", "display_name": "Salon", "peer": "192.168.1.7:50000", "protocol": "native",
                "state": "stale", "state_for_s": 3.2, "width": 2, "height": 1,
                "format": "Gray8", "fps": 0.0, "kbps": 123.457,
                "latency_p50_ms": 12.345, "latency_p99_ms": null,
                "frames": 10, "drops": 1, "clock_ahead": true, "last_frame_age_s": 5.2,
                "motion_score": 0.0123, "motion": true, "recording": true,
                "record_error": null
            })
        );
    }
}
