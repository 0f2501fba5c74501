//! Notifications: what the station sees, handed to `vigie-notify`.
//!
//! Two sources of events, each where it is seen first:
//! - motion starts and ends on the recording thread, which knows the frame
//!   that started it and the file it is recorded into ([`MotionAlerts`],
//!   an implementation of `vigie_record`'s `Alerts`);
//! - cameras go offline and come back in the registry, looked at once a
//!   second ([`watch_presence`], with `vigie_hub`'s `Presence`).
//!
//! Both only *queue* (`Notifier::notify` never waits), so a phone service
//! that is down never slows a frame.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use tokio_util::sync::CancellationToken;
use vigie_hub::presence::{Presence, PresenceChange};
use vigie_hub::Registry;
use vigie_notify::{Event, Notifier};
use vigie_record::surveillance::Alerts;

/// How often the registry is looked at for cameras offline or back.
const PRESENCE_EVERY: Duration = Duration::from_secs(1);

/// Where a person reaches the web page, for the links in notifications:
/// set once the web side is up (it starts after the recording thread).
#[derive(Clone, Default)]
pub struct Links(Arc<OnceLock<String>>);

impl Links {
    /// The page's base URL, such as `https://192.168.1.20:8080/`.
    pub fn set(&self, base: String) {
        let _ = self.0.set(base);
    }

    /// The URL that replays `recording` (a path relative to the recordings
    /// folder); `None` without a web page.
    fn replay(&self, recording: &str) -> Option<String> {
        let base = self.0.get()?;
        Some(format!("{base}replay/{recording}"))
    }
}

/// The camera's event, with the name the config gives it.
fn named(registry: &Registry, event: Event) -> Event {
    match registry.display_name(&event.camera) {
        Some(shown) => event.named(shown),
        None => event,
    }
}

/// Motion started and ended, from the recording thread.
pub struct MotionAlerts {
    notifier: Notifier,
    registry: Registry,
    links: Links,
}

impl MotionAlerts {
    /// Alerts for `notifier`, named from `registry`, linking with `links`.
    pub fn new(notifier: Notifier, registry: Registry, links: Links) -> MotionAlerts {
        MotionAlerts {
            notifier,
            registry,
            links,
        }
    }
}

impl Alerts for MotionAlerts {
    fn motion_started(&self, camera: &str, snapshot: Option<Bytes>) {
        let event = Event::motion_started(camera, snapshot);
        self.notifier.notify(named(&self.registry, event));
    }

    fn motion_ended(&self, camera: &str, recording: Option<String>) {
        let url = recording.and_then(|r| self.links.replay(&r));
        let event = Event::motion_ended(camera, url);
        self.notifier.notify(named(&self.registry, event));
    }
}

/// Once a second until `shutdown`: cameras gone offline, and back.
pub async fn watch_presence(registry: Registry, notifier: Notifier, shutdown: CancellationToken) {
    let mut presence = Presence::new();
    let mut ticks = tokio::time::interval(PRESENCE_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = ticks.tick() => {}
        }
        for (camera, change) in presence.update(&registry.snapshot()) {
            let event = match change {
                PresenceChange::Online => Event::online(camera),
                PresenceChange::Offline => Event::offline(camera),
            };
            notifier.notify(named(&registry, event));
        }
    }
}
