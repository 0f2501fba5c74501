//! Topic names, and the Home Assistant discovery messages.
//!
//! Under the prefix (`vigie` by default), each camera has:
//!
//! | topic                      | payload                         | retained |
//! |----------------------------|---------------------------------|----------|
//! | `vigie/status`             | `online` / `offline` (the server, and its last will) | yes |
//! | `vigie/<camera>/state`     | `online` / `offline` (the camera) | yes |
//! | `vigie/<camera>/motion`    | `ON` / `OFF`                    | yes |
//! | `vigie/<camera>/snapshot`  | the JPEG of the last motion start | yes |
//! | `vigie/<camera>/event`     | the event as JSON               | no  |
//!
//! Retained messages are kept by the broker and given to every new
//! subscriber, so Home Assistant, restarted, knows at once that the garden
//! camera is online and still.
//!
//! **Discovery.** Home Assistant listens to `homeassistant/#`: a retained
//! message at `homeassistant/<component>/<node>/<object>/config` describing
//! an entity makes that entity appear, with no YAML written. Each camera
//! gets one *device* with three entities: a motion binary sensor, a
//! connectivity binary sensor (the camera's own availability), and an
//! image of the latest snapshot. The motion and image entities are
//! available only when both the server (`vigie/status`, whose last will
//! says `offline` if vigie dies) and the camera are online.
//!
//! A camera's name may hold characters a topic cannot (`/`, `+`, `#`) or
//! discovery refuses: [`topic_id`] keeps letters, digits, `-` and `_`, and
//! makes the rest `_`.

use serde_json::json;

/// A camera name as a topic level and a discovery id.
pub fn topic_id(camera: &str) -> String {
    let id: String = camera
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if id.is_empty() {
        "_".into()
    } else {
        id
    }
}

/// The topics of one server.
#[derive(Debug, Clone)]
pub(crate) struct Topics {
    pub prefix: String,
    pub discovery: Option<String>,
}

impl Topics {
    pub fn status(&self) -> String {
        format!("{}/status", self.prefix)
    }

    pub fn camera(&self, camera: &str, what: &str) -> String {
        format!("{}/{}/{what}", self.prefix, topic_id(camera))
    }

    /// The retained discovery messages of `camera`, shown as `name`.
    pub fn discovery(&self, camera: &str, name: &str) -> Vec<(String, Vec<u8>)> {
        let Some(root) = &self.discovery else {
            return Vec::new();
        };
        let id = topic_id(camera);
        let node = format!("vigie_{id}");
        let device = json!({
            "identifiers": [node],
            "name": name,
            "manufacturer": "vigie",
            "model": "vigie camera",
        });
        let server = json!({"topic": self.status()});
        let camera_state = json!({
            "topic": self.camera(camera, "state"),
            "payload_available": "online",
            "payload_not_available": "offline",
        });
        let entities = [
            (
                "binary_sensor",
                "motion",
                json!({
                    "name": "Motion",
                    "device_class": "motion",
                    "state_topic": self.camera(camera, "motion"),
                    "payload_on": "ON",
                    "payload_off": "OFF",
                    "availability": [server, camera_state],
                    "availability_mode": "all",
                }),
            ),
            (
                "binary_sensor",
                "connectivity",
                json!({
                    "name": "Online",
                    "device_class": "connectivity",
                    "entity_category": "diagnostic",
                    "state_topic": self.camera(camera, "state"),
                    "payload_on": "online",
                    "payload_off": "offline",
                    "availability": [server],
                }),
            ),
            (
                "image",
                "snapshot",
                json!({
                    "name": "Snapshot",
                    "image_topic": self.camera(camera, "snapshot"),
                    "content_type": "image/jpeg",
                    "availability": [server, camera_state],
                    "availability_mode": "all",
                }),
            ),
        ];
        entities
            .into_iter()
            .map(|(component, object, mut config)| {
                config["unique_id"] = json!(format!("{node}_{object}"));
                config["object_id"] = json!(format!("{node}_{object}"));
                config["device"] = device.clone();
                let topic = format!("{root}/{component}/{node}/{object}/config");
                (topic, config.to_string().into_bytes())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_safe_topic_levels() {
        assert_eq!(topic_id("garden-1_b"), "garden-1_b");
        assert_eq!(topic_id("a/b+#c d"), "a_b__c_d");
        assert_eq!(topic_id("Entrée"), "Entr_e");
        assert_eq!(topic_id(""), "_");
    }

    #[test]
    fn discovery_describes_three_entities_of_one_device() {
        let topics = Topics {
            prefix: "vigie".into(),
            discovery: Some("homeassistant".into()),
        };
        let messages = topics.discovery("door", "Front door");
        let names: Vec<&str> = messages.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            names,
            [
                "homeassistant/binary_sensor/vigie_door/motion/config",
                "homeassistant/binary_sensor/vigie_door/connectivity/config",
                "homeassistant/image/vigie_door/snapshot/config",
            ]
        );
        let motion: serde_json::Value = serde_json::from_slice(&messages[0].1).unwrap();
        assert_eq!(motion["state_topic"], "vigie/door/motion");
        assert_eq!(motion["device"]["name"], "Front door");
        assert_eq!(motion["availability"][1]["topic"], "vigie/door/state");
        let image: serde_json::Value = serde_json::from_slice(&messages[2].1).unwrap();
        assert_eq!(image["image_topic"], "vigie/door/snapshot");
        let off = Topics {
            discovery: None,
            ..topics
        };
        assert!(off.discovery("door", "d").is_empty());
    }
}
