//! The four things worth telling someone about.
//!
//! An [`Event`] is what the server saw, not how a channel words it: each
//! channel turns it into its own shape (a JSON document for a webhook, a
//! title and tags for ntfy, `ON`/`OFF` on a topic for MQTT). The snapshot
//! is a [`Bytes`]: every channel's queue holds the same picture, not a copy.

use std::time::SystemTime;

use bytes::Bytes;

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventKind {
    /// Motion started; the JPEG of the frame that started it, if any.
    MotionStarted {
        /// A JPEG picture of the moment.
        snapshot: Option<Bytes>,
    },
    /// Motion ended; where its recording can be watched, if it was recorded.
    MotionEnded {
        /// Full URL of the recording (for example on vigie's web page).
        recording: Option<String>,
    },
    /// The camera stopped sending frames.
    Offline,
    /// The camera sends frames again (or for the first time).
    Online,
}

/// One event of one camera.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The camera's name, as it introduced itself to the server.
    pub camera: String,
    /// The name to show people (the config's `name`), if it has one.
    pub display_name: Option<String>,
    /// When it happened.
    pub at: SystemTime,
    /// What happened.
    pub kind: EventKind,
}

impl Event {
    /// An event of `camera`, now.
    pub fn new(camera: impl Into<String>, kind: EventKind) -> Event {
        Event {
            camera: camera.into(),
            display_name: None,
            at: SystemTime::now(),
            kind,
        }
    }

    /// Motion started on `camera`, with a JPEG snapshot.
    pub fn motion_started(camera: impl Into<String>, snapshot: Option<Bytes>) -> Event {
        Event::new(camera, EventKind::MotionStarted { snapshot })
    }

    /// Motion ended on `camera`; `recording` is the recording's URL.
    pub fn motion_ended(camera: impl Into<String>, recording: Option<String>) -> Event {
        Event::new(camera, EventKind::MotionEnded { recording })
    }

    /// `camera` went offline.
    pub fn offline(camera: impl Into<String>) -> Event {
        Event::new(camera, EventKind::Offline)
    }

    /// `camera` came (back) online.
    pub fn online(camera: impl Into<String>) -> Event {
        Event::new(camera, EventKind::Online)
    }

    /// The same event, shown as `name`.
    pub fn named(mut self, name: impl Into<String>) -> Event {
        self.display_name = Some(name.into());
        self
    }

    /// The same event, dated `at`.
    pub fn at(mut self, at: SystemTime) -> Event {
        self.at = at;
        self
    }

    /// The name to show: the display name, or else the camera's own.
    pub fn shown_name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.camera)
    }

    /// The snapshot, for a motion start that has one.
    pub fn snapshot(&self) -> Option<&Bytes> {
        match &self.kind {
            EventKind::MotionStarted { snapshot } => snapshot.as_ref(),
            _ => None,
        }
    }

    /// The event's name in JSON and MQTT: `motion_started`, `motion_ended`,
    /// `offline`, `online`.
    pub fn name(&self) -> &'static str {
        match self.kind {
            EventKind::MotionStarted { .. } => "motion_started",
            EventKind::MotionEnded { .. } => "motion_ended",
            EventKind::Offline => "offline",
            EventKind::Online => "online",
        }
    }

    /// A one-line title for people: `Motion: Garden`.
    pub fn title(&self) -> String {
        let what = match self.kind {
            EventKind::MotionStarted { .. } => "Motion",
            EventKind::MotionEnded { .. } => "Motion ended",
            EventKind::Offline => "Camera offline",
            EventKind::Online => "Camera back online",
        };
        format!("{what}: {}", self.shown_name())
    }

    /// Bytes this event holds in a queue (its snapshot, mostly).
    pub fn weight(&self) -> usize {
        let url = match &self.kind {
            EventKind::MotionEnded { recording } => recording.as_ref().map_or(0, String::len),
            _ => 0,
        };
        self.snapshot().map_or(0, Bytes::len)
            + self.camera.len()
            + self.display_name.as_ref().map_or(0, String::len)
            + url
    }

    /// The event as a JSON document (the webhook's `event` part, MQTT's
    /// `vigie/<camera>/event`).
    pub fn to_json(&self) -> serde_json::Value {
        let recording = match &self.kind {
            EventKind::MotionEnded { recording } => recording.clone(),
            _ => None,
        };
        let micros = self
            .at
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_micros() as u64);
        let time = jiff::Timestamp::try_from(self.at)
            .map(|t| t.to_string())
            .unwrap_or_default();
        serde_json::json!({
            "event": self.name(),
            "camera": self.camera,
            "name": self.shown_name(),
            "time": time,
            "time_us": micros,
            "recording": recording,
            "snapshot": self.snapshot().is_some(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn json_says_what_when_and_where() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let e = Event::motion_ended("door", Some("http://h/r/1.mkv".into()))
            .named("Front door")
            .at(at);
        let json = e.to_json();
        assert_eq!(json["event"], "motion_ended");
        assert_eq!(json["camera"], "door");
        assert_eq!(json["name"], "Front door");
        assert_eq!(json["time"], "2023-11-14T22:13:20Z");
        assert_eq!(json["time_us"], 1_700_000_000_000_000u64);
        assert_eq!(json["recording"], "http://h/r/1.mkv");
        assert_eq!(json["snapshot"], false);
        assert_eq!(e.title(), "Motion ended: Front door");
    }

    #[test]
    fn the_snapshot_is_weighed_and_shared() {
        let jpeg = Bytes::from(vec![0xFF; 1000]);
        let e = Event::motion_started("c", Some(jpeg.clone()));
        assert_eq!(e.weight(), 1001);
        assert_eq!(e.clone().snapshot().unwrap().as_ptr(), jpeg.as_ptr());
        assert_eq!(Event::offline("c").snapshot(), None);
    }
}
