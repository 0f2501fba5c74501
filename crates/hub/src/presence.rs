//! Presence: which cameras went offline, and which came (back) online,
//! between two looks at the registry.
//!
//! The registry knows each camera's state *now*; a notification is about a
//! *change*. [`Presence`] remembers what it saw last time and, given the
//! cameras as they are now, says what changed. It is a pure function of
//! two snapshots, so a test feeds it views and needs no clock: the caller
//! (the server, once a second) decides how often to look.
//!
//! Two choices keep the messages worth reading:
//! - *stale* (connected, but silent for a couple of seconds) still counts
//!   as up: a camera that hiccups is not worth a phone notification, one
//!   that stays silent until *offline* is;
//! - a camera is up only once a frame came from it: a peer that said hello
//!   and never sent a picture neither "came online" nor "went offline".

use std::collections::HashSet;

use crate::registry::{CameraState, CameraView};

/// What changed for one camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenceChange {
    /// It sends frames (for the first time, or again after being offline).
    Online,
    /// It was up and is offline now (disconnected, or silent too long).
    Offline,
}

/// The cameras that were up at the last look.
#[derive(Debug, Default)]
pub struct Presence {
    up: HashSet<String>,
}

impl Presence {
    /// Nothing seen yet: every camera up at the first look came online.
    pub fn new() -> Presence {
        Presence::default()
    }

    /// The changes since the last call, in the order of `views` (the
    /// registry's, by name). A camera the registry no longer lists at all
    /// went offline, if it was up.
    pub fn update(&mut self, views: &[CameraView]) -> Vec<(String, PresenceChange)> {
        let mut changes = Vec::new();
        let mut up_now = HashSet::new();
        for view in views {
            let up = view.state != CameraState::Offline && view.last_frame_age.is_some();
            let was = self.up.contains(&view.name);
            match (was, up) {
                (false, true) => changes.push((view.name.clone(), PresenceChange::Online)),
                (true, false) => changes.push((view.name.clone(), PresenceChange::Offline)),
                _ => {}
            }
            if up {
                up_now.insert(view.name.clone());
            }
        }
        let listed: HashSet<&str> = views.iter().map(|v| v.name.as_str()).collect();
        let mut forgotten: Vec<String> = self
            .up
            .iter()
            .filter(|name| !listed.contains(name.as_str()))
            .cloned()
            .collect();
        forgotten.sort();
        changes.extend(forgotten.into_iter().map(|n| (n, PresenceChange::Offline)));
        self.up = up_now;
        changes
    }

    /// Whether `camera` was up at the last look.
    pub fn is_up(&self, camera: &str) -> bool {
        self.up.contains(camera)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{Lifecycle, Registry};
    use crate::Origin;
    use std::time::{Duration, Instant};
    use vigie_core::{Frame, FrameHeader, PixelFormat};

    fn frame(name: &str) -> Frame {
        let header = FrameHeader {
            camera: name.into(),
            sequence: 0,
            captured_at_us: 0,
            width: 1,
            height: 1,
            format: PixelFormat::Gray8,
        };
        Frame::new(header, vec![0u8]).unwrap()
    }

    fn lifecycle() -> Lifecycle {
        Lifecycle {
            stale_after: Duration::from_secs(2),
            offline_after: Duration::from_secs(10),
        }
    }

    #[test]
    fn a_camera_comes_online_with_its_first_frame_and_goes_offline_once() {
        let registry = Registry::new(8, lifecycle());
        let mut presence = Presence::new();
        let origin = Origin::peer("127.0.0.1:5000".parse().unwrap(), "native");
        let handle = registry.register("porte", origin).unwrap();
        // A hello and no frame: nothing to say.
        assert!(presence.update(&registry.snapshot()).is_empty());
        handle.activate().unwrap();
        handle.publish(frame("porte"), false);
        let start = Instant::now();
        let online = presence.update(&registry.snapshot_at(start));
        assert_eq!(online, vec![("porte".into(), PresenceChange::Online)]);
        assert!(presence.is_up("porte"));
        // Stale is still up; said once, not at every look.
        let stale = registry.snapshot_at(start + Duration::from_secs(3));
        assert!(presence.update(&stale).is_empty());
        let silent = registry.snapshot_at(start + Duration::from_secs(11));
        let offline = presence.update(&silent);
        assert_eq!(offline, vec![("porte".into(), PresenceChange::Offline)]);
        assert!(presence.update(&silent).is_empty(), "said once");
        // It sends again: back online.
        handle.publish(frame("porte"), false);
        let back = presence.update(&registry.snapshot());
        assert_eq!(back, vec![("porte".into(), PresenceChange::Online)]);
        // It disconnects.
        drop(handle);
        let gone = presence.update(&registry.snapshot());
        assert_eq!(gone, vec![("porte".into(), PresenceChange::Offline)]);
    }

    #[test]
    fn a_camera_the_registry_forgot_went_offline() {
        let registry = Registry::new(8, lifecycle());
        let mut presence = Presence::new();
        let origin = Origin::peer("127.0.0.1:5000".parse().unwrap(), "native");
        let handle = registry.register("jardin", origin).unwrap();
        handle.activate().unwrap();
        handle.publish(frame("jardin"), false);
        presence.update(&registry.snapshot());
        let changes = presence.update(&[]);
        assert_eq!(changes, vec![("jardin".into(), PresenceChange::Offline)]);
    }
}
