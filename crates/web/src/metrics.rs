//! `/metrics`: the server's figures for Prometheus (and Grafana behind it).
//!
//! Prometheus *scrapes*: every few seconds it fetches this page and stores
//! each line as a point of a time series. The format (OpenMetrics text) is
//! strict about names, types, escaping and the final `# EOF`, so it is
//! written by `prometheus-client`, the Prometheus project's Rust crate,
//! never by hand.
//!
//! Two kinds of figures:
//! - the cameras' statistics already live in the registry, so they are read
//!   from it at scrape time by a [`Collector`] (nothing to keep in sync);
//! - what only this crate sees (viewers connected, JPEG encodings) are
//!   ordinary metrics updated as things happen.
//!
//! Counters (`_total`) only go up: Prometheus computes rates from them
//! (`rate(vigie_camera_frames_total[1m])`). Gauges are values of the moment.

use std::fmt;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::{Registry as PromRegistry, Unit};
use vigie_hub::{CameraState, CameraView, Registry};

/// The label set of the viewers gauge: `kind="mjpeg"` or `kind="websocket"`.
type KindLabel = [(&'static str, &'static str); 1];

/// What kind of long-lived viewer a connection is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ViewerKind {
    Mjpeg,
    WebSocket,
}

/// The metrics of one HTTP server.
pub(crate) struct Metrics {
    registry: PromRegistry,
    viewers: Family<KindLabel, Gauge>,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    pub(crate) fn new(
        cameras: Registry,
        encodes: prometheus_client::metrics::counter::Counter,
        notifier: Option<vigie_notify::Notifier>,
    ) -> Metrics {
        let mut registry = PromRegistry::with_prefix("vigie");
        let viewers = Family::<KindLabel, Gauge>::default();
        registry.register(
            "http_viewers",
            "Live HTTP viewers: MJPEG streams and web pages (WebSockets)",
            viewers.clone(),
        );
        registry.register(
            "web_jpeg_encodes",
            "Raw frames encoded to JPEG for HTTP viewers (at most one per frame)",
            encodes,
        );
        registry.register_collector(Box::new(CameraCollector { cameras }));
        if let Some(notifier) = notifier {
            registry.register_collector(Box::new(NotifyCollector { notifier }));
        }
        Metrics { registry, viewers }
    }

    /// Counts a viewer for as long as the returned guard lives.
    pub(crate) fn viewer(&self, kind: ViewerKind) -> ViewerGuard {
        let gauge = self.viewers.get_or_create(&label(kind)).clone();
        gauge.inc();
        ViewerGuard(gauge)
    }

    /// The OpenMetrics text of every metric.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

fn label(kind: ViewerKind) -> KindLabel {
    [(
        "kind",
        match kind {
            ViewerKind::Mjpeg => "mjpeg",
            ViewerKind::WebSocket => "websocket",
        },
    )]
}

/// Decrements the viewers gauge when the viewer goes.
pub(crate) struct ViewerGuard(Gauge);

impl Drop for ViewerGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Reads the registry at each scrape.
struct CameraCollector {
    cameras: Registry,
}

impl fmt::Debug for CameraCollector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CameraCollector").finish_non_exhaustive()
    }
}

/// One per-camera series: its name, help, unit, type and how to read it.
struct Series {
    name: &'static str,
    help: &'static str,
    unit: Option<Unit>,
    kind: MetricType,
    value: fn(&CameraView) -> Option<f64>,
}

const SERIES: &[Series] = &[
    Series {
        name: "camera_frames",
        help: "Frames received from the camera",
        unit: None,
        kind: MetricType::Counter,
        value: |v| Some(v.stats.frames as f64),
    },
    Series {
        name: "camera_drops",
        help: "Frames lost: sequence gaps, and frames replaced before a viewer took them",
        unit: None,
        kind: MetricType::Counter,
        value: |v| Some(v.stats.drops as f64),
    },
    Series {
        name: "camera_fps",
        help: "Frames per second over the last seconds",
        unit: None,
        kind: MetricType::Gauge,
        value: |v| Some(v.stats.fps),
    },
    Series {
        name: "camera_kbps",
        help: "Payload kilobits per second over the last seconds",
        unit: None,
        kind: MetricType::Gauge,
        value: |v| Some(v.stats.kbps),
    },
    Series {
        name: "camera_latency_p50",
        help: "Median capture-to-arrival latency",
        unit: Some(Unit::Seconds),
        kind: MetricType::Gauge,
        value: |v| v.stats.latency_p50.map(|d| d.as_secs_f64()),
    },
    Series {
        name: "camera_latency_p99",
        help: "99th percentile of the capture-to-arrival latency",
        unit: Some(Unit::Seconds),
        kind: MetricType::Gauge,
        value: |v| v.stats.latency_p99.map(|d| d.as_secs_f64()),
    },
    Series {
        name: "camera_last_frame_age",
        help: "Time since the camera's newest frame arrived",
        unit: Some(Unit::Seconds),
        kind: MetricType::Gauge,
        value: |v| v.last_frame_age.map(|d| d.as_secs_f64()),
    },
    Series {
        name: "camera_online",
        help: "1 if frames are arriving, 0 if the camera is stale or offline",
        unit: None,
        kind: MetricType::Gauge,
        value: |v| Some(f64::from(u8::from(v.state == CameraState::Online))),
    },
    Series {
        name: "camera_motion_score",
        help: "Fraction of the picture that changed in the last analysed frame (with motion detection on)",
        unit: None,
        kind: MetricType::Gauge,
        value: |v| v.surveillance.motion_score.map(f64::from),
    },
    Series {
        name: "camera_motion",
        help: "1 while a motion event is going on",
        unit: None,
        kind: MetricType::Gauge,
        value: |v| Some(f64::from(u8::from(v.surveillance.motion))),
    },
    Series {
        name: "camera_recording",
        help: "1 while the camera's frames are written to a file",
        unit: None,
        kind: MetricType::Gauge,
        value: |v| Some(f64::from(u8::from(v.surveillance.recording))),
    },
];

impl Collector for CameraCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        let views = self.cameras.snapshot();
        let connected = ConstGauge::new(self.cameras.connected() as i64);
        connected.encode(encoder.encode_descriptor(
            "cameras_connected",
            "Cameras connected to the server",
            None,
            connected.metric_type(),
        )?)?;
        for series in SERIES {
            let mut family = encoder.encode_descriptor(
                series.name,
                series.help,
                series.unit.as_ref(),
                series.kind,
            )?;
            for view in &views {
                let Some(value) = (series.value)(view) else {
                    continue;
                };
                let labels = [("camera", view.name.as_str())];
                let metric = family.encode_family(&labels)?;
                match series.kind {
                    MetricType::Counter => ConstCounter::new(value as u64).encode(metric)?,
                    _ => ConstGauge::new(finite(value)).encode(metric)?,
                }
            }
        }
        Ok(())
    }
}

/// Reads the notification channels' counters at each scrape.
struct NotifyCollector {
    notifier: vigie_notify::Notifier,
}

impl fmt::Debug for NotifyCollector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NotifyCollector").finish_non_exhaustive()
    }
}

/// One per-channel series: its name, help, type and how to read it.
struct ChannelSeries {
    name: &'static str,
    help: &'static str,
    kind: MetricType,
    value: fn(&vigie_notify::Counts) -> u64,
}

const CHANNEL_SERIES: &[ChannelSeries] = &[
    ChannelSeries {
        name: "notify_sent",
        help: "Events a notification channel delivered",
        kind: MetricType::Counter,
        value: |c| c.sent,
    },
    ChannelSeries {
        name: "notify_retried",
        help: "Attempts that failed and were tried again later",
        kind: MetricType::Counter,
        value: |c| c.retried,
    },
    ChannelSeries {
        name: "notify_dropped",
        help: "Events lost: the queue was full, or every attempt failed",
        kind: MetricType::Counter,
        value: |c| c.dropped,
    },
    ChannelSeries {
        name: "notify_queued",
        help: "Events waiting to be sent",
        kind: MetricType::Gauge,
        value: |c| c.queued,
    },
];

impl Collector for NotifyCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        let stats = self.notifier.stats();
        for series in CHANNEL_SERIES {
            let mut family =
                encoder.encode_descriptor(series.name, series.help, None, series.kind)?;
            for channel in &stats {
                let labels = [("channel", channel.channel.as_str())];
                let metric = family.encode_family(&labels)?;
                let value = (series.value)(&channel.counts);
                match series.kind {
                    MetricType::Counter => ConstCounter::new(value).encode(metric)?,
                    _ => ConstGauge::new(value as i64).encode(metric)?,
                }
            }
        }
        let suppressed = ConstCounter::new(self.notifier.suppressed());
        suppressed.encode(encoder.encode_descriptor(
            "notify_suppressed",
            "Events the rules held back: cooldown, quiet hours, events not chosen",
            None,
            suppressed.metric_type(),
        )?)?;
        if let Some(mqtt) = self.notifier.mqtt_status() {
            let connected =
                ConstGauge::new(i64::from(mqtt.state == vigie_notify::MqttState::Connected));
            connected.encode(encoder.encode_descriptor(
                "mqtt_connected",
                "1 while the MQTT broker is connected",
                None,
                connected.metric_type(),
            )?)?;
        }
        Ok(())
    }
}

fn finite(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}
