//! MQTT: the cameras' state for a home automation system (Home Assistant).
//!
//! Two tasks share one rumqttc connection:
//!
//! - the **connection task** polls rumqttc's event loop, which connects,
//!   and after a failure connects again, waiting longer each time
//!   ([`Backoff`]); it publishes what it sees in [`MqttStatus`] (for
//!   `/api/health`) and in a watch channel the other task reads;
//! - the **publisher task** takes events from the bounded [`Queue`] and
//!   publishes them with QoS 1 ("at least once"), one event at a time, and
//!   counts it sent only when the broker has acknowledged every message of
//!   it. rumqttc forgets unacknowledged messages when it opens a new
//!   session, so the event stays ours until then: a broker that restarts
//!   costs a repeat, never a loss. While the broker is away, events wait in
//!   the queue, which drops the oldest once full (and counts them).
//!
//! Each new connection first says `online` on the status topic (its last
//! will says `offline` for it if vigie dies) and announces again every
//! camera it knows, with its state: a broker restarted without persistence
//! has forgotten the retained messages.

mod status;
mod topics;
mod url;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use rumqttc::{AsyncClient, Event as Polled, LastWill, MqttOptions, Outgoing, Packet, QoS};
use tokio::sync::watch;

pub use status::{MqttState, MqttStatus};
pub use topics::topic_id;
pub use url::{MqttUrl, DEFAULT_PORT};

use crate::queue::{Backoff, Queue};
use crate::{Event, EventKind};
use topics::Topics;

/// Cameras whose state is kept to announce again after a reconnection.
const MAX_KNOWN: usize = 1024;
/// Longest wait for the broker to acknowledge one event's messages.
const ACK_TIMEOUT: Duration = Duration::from_secs(10);

/// How to reach the broker and name the topics.
#[derive(Debug, Clone, PartialEq)]
pub struct MqttConfig {
    /// The broker.
    pub url: MqttUrl,
    /// The client id the broker knows vigie by (`vigie`).
    pub client_id: String,
    /// First level of vigie's topics (`vigie`).
    pub topic_prefix: String,
    /// Home Assistant's discovery prefix (`homeassistant`); `None` turns
    /// discovery off.
    pub discovery_prefix: Option<String>,
    /// Seconds between keep-alive pings (30 s).
    pub keep_alive: Duration,
    /// Waits between reconnection attempts (1 s doubling to 30 s).
    pub reconnect: Backoff,
}

impl MqttConfig {
    /// `url` with the defaults.
    pub fn new(url: MqttUrl) -> MqttConfig {
        MqttConfig {
            url,
            client_id: "vigie".into(),
            topic_prefix: "vigie".into(),
            discovery_prefix: Some("homeassistant".into()),
            keep_alive: Duration::from_secs(30),
            reconnect: Backoff::default(),
        }
    }
}

/// What the publisher reads of the connection.
#[derive(Debug, Clone, Copy, Default)]
struct Link {
    generation: u64,
    connected: bool,
    acked: u64,
}

/// What is known of a camera, to announce it again.
#[derive(Default)]
struct Known {
    name: String,
    online: Option<bool>,
    motion: bool,
    snapshot: Option<Bytes>,
}

type Message = (String, Bytes);

/// The running channel's shared parts.
pub(crate) struct Mqtt {
    pub status: Arc<Mutex<MqttStatus>>,
}

impl Mqtt {
    /// Starts both tasks on `runtime`; the publisher ends when `queue` closes.
    pub fn start(
        config: MqttConfig,
        queue: Arc<Queue>,
        runtime: &tokio::runtime::Handle,
    ) -> (Mqtt, Vec<tokio::task::JoinHandle<()>>) {
        let topics = Topics {
            prefix: config.topic_prefix.clone(),
            discovery: config.discovery_prefix.clone(),
        };
        let mut options = MqttOptions::new(&config.client_id, &config.url.host, config.url.port);
        options
            .set_keep_alive(config.keep_alive)
            .set_max_packet_size(64 << 10, 64 << 20)
            .set_clean_session(true)
            .set_last_will(LastWill::new(
                topics.status(),
                "offline",
                QoS::AtLeastOnce,
                true,
            ));
        if let Some(user) = &config.url.user {
            options.set_credentials(user, config.url.password.clone().unwrap_or_default());
        }
        let (client, eventloop) = AsyncClient::new(options, 64);
        let status = Arc::new(Mutex::new(MqttStatus {
            broker: config.url.to_string(),
            state: MqttState::Connecting,
            connections: 0,
            last_error: None,
        }));
        let (link, watched) = watch::channel(Link::default());
        let connection = runtime.spawn(connect(eventloop, link, status.clone(), config.reconnect));
        let publisher = Publisher {
            client,
            link: watched,
            topics,
            known: HashMap::new(),
            announced: HashSet::new(),
        };
        let publishing = runtime.spawn(publisher.run(queue));
        (Mqtt { status }, vec![connection, publishing])
    }
}

/// The connection task.
async fn connect(
    mut eventloop: rumqttc::EventLoop,
    link: watch::Sender<Link>,
    status: Arc<Mutex<MqttStatus>>,
    reconnect: Backoff,
) {
    let set = |state, error: Option<String>| {
        let mut s = status.lock().unwrap_or_else(|p| p.into_inner());
        s.state = state;
        if state == MqttState::Connected {
            s.connections += 1;
        }
        if error.is_some() {
            s.last_error = error;
        }
    };
    let mut failures = 0;
    loop {
        match eventloop.poll().await {
            Ok(Polled::Incoming(Packet::ConnAck(_))) => {
                failures = 0;
                set(MqttState::Connected, None);
                tracing::info!("MQTT: connected to the broker");
                link.send_modify(|l| {
                    l.generation += 1;
                    l.connected = true;
                });
            }
            Ok(Polled::Incoming(Packet::PubAck(_))) => link.send_modify(|l| l.acked += 1),
            Ok(Polled::Outgoing(Outgoing::Disconnect)) => {
                set(MqttState::Disconnected, Some("vigie is stopping".into()));
                return;
            }
            Ok(_) => {}
            Err(e) => {
                let was_connected = link.borrow().connected;
                link.send_modify(|l| l.connected = false);
                set(MqttState::Disconnected, Some(e.to_string()));
                if was_connected || failures == 0 {
                    tracing::warn!("MQTT: {e}; connecting again");
                }
                if link.is_closed() {
                    return; // the publisher has ended: nobody to connect for
                }
                tokio::time::sleep(reconnect.delay(failures)).await;
                failures = failures.saturating_add(1);
            }
        }
    }
}

/// The publisher task.
struct Publisher {
    client: AsyncClient,
    link: watch::Receiver<Link>,
    topics: Topics,
    known: HashMap<String, Known>,
    /// Cameras described on this connection already.
    announced: HashSet<String>,
}

impl Publisher {
    async fn run(mut self, queue: Arc<Queue>) {
        let mut generation = 0;
        let mut current: Option<Event> = None;
        loop {
            if current.is_none() {
                current = queue.pop().await;
                let Some(event) = &current else { break };
                self.remember(event);
            }
            let Ok(link) = self.link.wait_for(|l| l.connected).await.map(|l| *l) else {
                return;
            };
            if link.generation != generation {
                self.announced.clear();
                let everything = self.announcements();
                if !self.publish(everything).await {
                    continue;
                }
                self.announced.extend(self.known.keys().cloned());
                generation = link.generation;
            }
            let event = current.as_ref().expect("an event is in hand");
            let messages = self.messages(event);
            if self.publish(messages).await {
                if self.known.contains_key(&event.camera) {
                    self.announced.insert(event.camera.clone());
                }
                queue.count_sent();
                current = None;
            } else {
                queue.count_retried();
            }
        }
        // Closed: say goodbye, so the status is `offline` without the will.
        let goodbye = vec![(self.topics.status(), Bytes::from_static(b"offline"))];
        if self.link.borrow().connected {
            self.publish(goodbye).await;
        }
        let _ = self.client.disconnect().await;
    }

    /// Updates what is known of the event's camera.
    fn remember(&mut self, event: &Event) {
        if self.known.len() >= MAX_KNOWN && !self.known.contains_key(&event.camera) {
            return;
        }
        let known = self.known.entry(event.camera.clone()).or_default();
        known.name = event.shown_name().to_string();
        match &event.kind {
            EventKind::MotionStarted { snapshot } => {
                known.motion = true;
                known.online = Some(true);
                if snapshot.is_some() {
                    known.snapshot.clone_from(snapshot);
                }
            }
            EventKind::MotionEnded { .. } => known.motion = false,
            EventKind::Offline => known.online = Some(false),
            EventKind::Online => known.online = Some(true),
        }
    }

    /// The server's status, and every known camera's discovery and state.
    fn announcements(&self) -> Vec<Message> {
        let mut all = vec![(self.topics.status(), Bytes::from_static(b"online"))];
        for (camera, known) in &self.known {
            all.extend(self.describe(camera, known));
        }
        all
    }

    fn describe(&self, camera: &str, known: &Known) -> Vec<Message> {
        let t = &self.topics;
        let mut all: Vec<Message> = t
            .discovery(camera, &known.name)
            .into_iter()
            .map(|(topic, payload)| (topic, Bytes::from(payload)))
            .collect();
        if let Some(online) = known.online {
            let state: &'static [u8] = if online { b"online" } else { b"offline" };
            all.push((t.camera(camera, "state"), Bytes::from_static(state)));
        }
        let motion: &'static [u8] = if known.motion { b"ON" } else { b"OFF" };
        all.push((t.camera(camera, "motion"), Bytes::from_static(motion)));
        if let Some(jpeg) = &known.snapshot {
            all.push((t.camera(camera, "snapshot"), jpeg.clone()));
        }
        all
    }

    /// What one event publishes: its camera's discovery and whole state the
    /// first time on this connection, else what the event changes; then the
    /// event itself as JSON (not retained, and last: a subscriber that sees
    /// it has seen the state too).
    fn messages(&mut self, event: &Event) -> Vec<Message> {
        let t = &self.topics;
        let mut all = if self.announced.contains(&event.camera) {
            let on = |what: &str, payload: &'static [u8]| {
                (t.camera(&event.camera, what), Bytes::from_static(payload))
            };
            match &event.kind {
                EventKind::MotionStarted { snapshot } => {
                    let mut v: Vec<Message> = snapshot
                        .iter()
                        .map(|jpeg| (t.camera(&event.camera, "snapshot"), jpeg.clone()))
                        .collect();
                    v.push(on("state", b"online"));
                    v.push(on("motion", b"ON"));
                    v
                }
                EventKind::MotionEnded { .. } => vec![on("motion", b"OFF")],
                EventKind::Offline => vec![on("state", b"offline")],
                EventKind::Online => vec![on("state", b"online")],
            }
        } else {
            let described = match self.known.get(&event.camera) {
                Some(known) => self.describe(&event.camera, known),
                None => {
                    // Past MAX_KNOWN: described from this event alone, every time.
                    let mut alone = Known {
                        name: event.shown_name().into(),
                        ..Known::default()
                    };
                    alone.online = Some(!matches!(event.kind, EventKind::Offline));
                    alone.motion = matches!(event.kind, EventKind::MotionStarted { .. });
                    alone.snapshot = event.snapshot().cloned();
                    self.describe(&event.camera, &alone)
                }
            };
            described
        };
        let json = event.to_json().to_string();
        all.push((
            self.topics.camera(&event.camera, "event"),
            Bytes::from(json),
        ));
        all
    }

    /// Publishes `messages` (retained, except a camera's `event`) and waits
    /// for the broker to acknowledge them all; `false` if the connection
    /// changed or the broker did not answer in time.
    async fn publish(&mut self, messages: Vec<Message>) -> bool {
        let start = *self.link.borrow();
        if !start.connected {
            return false;
        }
        let count = messages.len() as u64;
        for (topic, payload) in messages {
            let retain = !topic.ends_with("/event");
            if let Err(e) = self
                .client
                .publish_bytes(topic, QoS::AtLeastOnce, retain, payload)
                .await
            {
                tracing::warn!("MQTT: cannot publish: {e}");
                return false;
            }
        }
        let target = start.acked + count;
        let done = self
            .link
            .wait_for(|l| l.generation != start.generation || !l.connected || l.acked >= target);
        match tokio::time::timeout(ACK_TIMEOUT, done).await {
            Ok(Ok(l)) => l.generation == start.generation && l.connected,
            _ => false,
        }
    }
}
