//! `/api/health`: is the server well, and are its notifications getting
//! out? For a script, a monitoring tool, or a person wondering why the
//! phone stayed silent.
//!
//! `/healthz` answers `ok` to anyone (a load balancer's probe); this one
//! says more, so it sits behind the password like the rest of the API:
//! the cameras connected, each notification channel's counters, and the
//! MQTT broker's connection (the page shows that too, from the same
//! [`MqttJson`] in its state).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::routes::App;

/// The MQTT connection, as the page and `/api/health` show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct MqttJson {
    /// The broker, password hidden.
    pub broker: String,
    /// `connecting`, `connected` or `disconnected`.
    pub state: &'static str,
    /// Successful connections so far (1 + reconnections).
    pub connections: u64,
    /// Why the last connection failed or ended.
    pub last_error: Option<String>,
}

/// One notification channel's counters.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct ChannelJson {
    channel: &'static str,
    sent: u64,
    retried: u64,
    dropped: u64,
    queued: u64,
}

#[derive(Debug, Serialize)]
struct HealthJson {
    status: &'static str,
    cameras_connected: usize,
    /// `null` when MQTT is not set.
    mqtt: Option<MqttJson>,
    notifications: Vec<ChannelJson>,
    /// Events the rules held back (cooldown, quiet hours).
    notifications_suppressed: u64,
}

/// The MQTT connection of `app`'s notifier, if MQTT is set.
pub(crate) fn mqtt(app: &App) -> Option<MqttJson> {
    let status = app.notifier.as_ref()?.mqtt_status()?;
    Some(MqttJson {
        broker: status.broker,
        state: status.state.as_str(),
        connections: status.connections,
        last_error: status.last_error,
    })
}

pub(crate) async fn health(State(app): State<App>) -> Response {
    let (notifications, suppressed) = match &app.notifier {
        Some(notifier) => {
            let channels = notifier.stats().into_iter().map(|c| ChannelJson {
                channel: c.channel.as_str(),
                sent: c.counts.sent,
                retried: c.counts.retried,
                dropped: c.counts.dropped,
                queued: c.counts.queued,
            });
            (channels.collect(), notifier.suppressed())
        }
        None => (Vec::new(), 0),
    };
    let doc = HealthJson {
        status: "ok",
        cameras_connected: app.registry.connected(),
        mqtt: mqtt(&app),
        notifications,
        notifications_suppressed: suppressed,
    };
    ([(header::CACHE_CONTROL, "no-store")], Json(doc)).into_response()
}
