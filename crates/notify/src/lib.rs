//! # vigie-notify: being told when something happens
//!
//! A surveillance system that only shows pictures works while someone
//! looks. Left running at home, it must *tell*: motion in the garden, the
//! door camera gone offline. This crate takes the server's [`Event`]s and
//! sends them out on three kinds of channel:
//!
//! - a **webhook**: a POST of the event as JSON, with the snapshot as a
//!   JPEG part ([`channel::webhook`]);
//! - **ntfy**: a push to a phone in one request, the snapshot attached
//!   ([`channel::ntfy`]);
//! - **MQTT**: the cameras' state on a broker, with Home Assistant
//!   discovery so each camera appears there by itself ([`mqtt`]).
//!
//! ## Never in the way
//!
//! The server's threads decode, detect and record; a phone service that is
//! down must not slow them by a frame. So [`Notifier::notify`] never waits:
//! it checks the camera's [`Rule`] and pushes the event into each channel's
//! bounded [`queue`], where a task of its own sends it, retries it with
//! backoff, and drops it (counted) when the queue is full or every attempt
//! failed. [`Notifier::stats`] gives the counters for `/metrics`,
//! [`Notifier::mqtt_status`] the broker connection for `/api/health`.
//!
//! ```no_run
//! # fn demo(runtime: &tokio::runtime::Runtime) -> Result<(), vigie_notify::Error> {
//! use std::sync::Arc;
//! use vigie_notify::{Event, Notifier, NotifyConfig, Rules, SystemClock};
//! let config = NotifyConfig {
//!     ntfy: Some(vigie_notify::NtfyConfig::new("https://ntfy.sh/my-garden")),
//!     ..NotifyConfig::default()
//! };
//! let notifier = Notifier::start(config, Rules::default(), Arc::new(SystemClock), runtime.handle())?;
//! notifier.notify(Event::offline("garden")); // returns at once
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

pub mod channel;
mod error;
mod event;
pub mod mqtt;
pub mod queue;
pub mod rules;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub use channel::HttpOptions;
pub use error::Error;
pub use event::{Event, EventKind};
pub use mqtt::{MqttConfig, MqttState, MqttStatus, MqttUrl};
pub use queue::{Backoff, Counts, Limits};
pub use rules::{Clock, ManualClock, QuietHours, Rule, Rules, SystemClock, TimeOfDay};

use channel::{ntfy::Ntfy, webhook::Webhook, HttpChannel};
use queue::Queue;
use rules::Gate;

/// An ntfy topic, and the token if the topic is protected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NtfyConfig {
    /// The topic's URL, such as `https://ntfy.sh/my-garden`.
    pub url: String,
    /// An access token, sent as `Authorization: Bearer`.
    pub token: Option<String>,
}

impl NtfyConfig {
    /// A public topic.
    pub fn new(url: impl Into<String>) -> NtfyConfig {
        NtfyConfig {
            url: url.into(),
            token: None,
        }
    }
}

/// Which channels, and how patient they are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NotifyConfig {
    /// The webhook's URL.
    pub webhook: Option<String>,
    /// The ntfy topic.
    pub ntfy: Option<NtfyConfig>,
    /// The MQTT broker.
    pub mqtt: Option<MqttConfig>,
    /// Each channel's queue.
    pub limits: Limits,
    /// Retries of the webhook and ntfy.
    pub backoff: Backoff,
    /// Timeouts of the webhook and ntfy.
    pub http: HttpOptions,
}

impl NotifyConfig {
    /// Whether no channel is set.
    pub fn is_empty(&self) -> bool {
        self.webhook.is_none() && self.ntfy.is_none() && self.mqtt.is_none()
    }
}

/// A channel, as `/metrics` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Channel {
    /// The webhook.
    Webhook,
    /// ntfy.
    Ntfy,
    /// MQTT.
    Mqtt,
}

impl Channel {
    /// `webhook`, `ntfy` or `mqtt`.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Webhook => "webhook",
            Channel::Ntfy => "ntfy",
            Channel::Mqtt => "mqtt",
        }
    }
}

/// One channel's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelStats {
    /// Which channel.
    pub channel: Channel,
    /// What it did.
    pub counts: Counts,
}

struct Inner {
    /// Channels that reach a person: behind the rules.
    push: Vec<(Channel, Arc<Queue>)>,
    /// MQTT: every event, for the state.
    mqtt: Option<(Arc<Queue>, Arc<Mutex<MqttStatus>>)>,
    rules: Mutex<(Rules, Gate)>,
    clock: Arc<dyn Clock>,
    suppressed: AtomicU64,
    tasks: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

/// The server's handle on its notification channels. Cheap to clone; every
/// clone feeds the same queues.
#[derive(Clone)]
pub struct Notifier {
    inner: Arc<Inner>,
}

impl Notifier {
    /// Starts a task per channel of `config` on `runtime`. Fails only on a
    /// setting that cannot work (a bad URL, an HTTP client that cannot be
    /// built); a channel that is down is retried, not an error.
    pub fn start(
        config: NotifyConfig,
        rules: Rules,
        clock: Arc<dyn Clock>,
        runtime: &tokio::runtime::Handle,
    ) -> Result<Notifier, Error> {
        let mut channels = Vec::new();
        if config.webhook.is_some() || config.ntfy.is_some() {
            let client = channel::client(config.http)?;
            if let Some(url) = &config.webhook {
                let webhook = Webhook::new(client.clone(), url)?;
                channels.push((Channel::Webhook, HttpChannel::Webhook(webhook)));
            }
            if let Some(ntfy) = &config.ntfy {
                let topic = Ntfy::new(client, &ntfy.url, ntfy.token.clone())?;
                channels.push((Channel::Ntfy, HttpChannel::Ntfy(topic)));
            }
        }
        let mut tasks = Vec::new();
        let mut push = Vec::new();
        for (name, sender) in channels {
            let queue = Arc::new(Queue::new(config.limits));
            tasks.push(runtime.spawn(channel::run(sender, queue.clone(), config.backoff)));
            push.push((name, queue));
        }
        let mqtt = config.mqtt.map(|mqtt_config| {
            let queue = Arc::new(Queue::new(config.limits));
            let (running, spawned) = mqtt::Mqtt::start(mqtt_config, queue.clone(), runtime);
            tasks.extend(spawned);
            (queue, running.status)
        });
        Ok(Notifier {
            inner: Arc::new(Inner {
                push,
                mqtt,
                rules: Mutex::new((rules, Gate::default())),
                clock,
                suppressed: AtomicU64::new(0),
                tasks: Mutex::new(tasks),
            }),
        })
    }

    /// A notifier with no channel: [`Notifier::notify`] does nothing.
    pub fn disabled() -> Notifier {
        Notifier {
            inner: Arc::new(Inner {
                push: Vec::new(),
                mqtt: None,
                rules: Mutex::new((Rules::default(), Gate::default())),
                clock: Arc::new(SystemClock),
                suppressed: AtomicU64::new(0),
                tasks: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Whether any channel is set.
    pub fn is_enabled(&self) -> bool {
        !self.inner.push.is_empty() || self.inner.mqtt.is_some()
    }

    fn rules(&self) -> MutexGuard<'_, (Rules, Gate)> {
        self.inner.rules.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Hands `event` to every channel. Never waits for the network: call it
    /// from any thread, even one that must not be slowed.
    pub fn notify(&self, event: Event) {
        if let Some((queue, _)) = &self.inner.mqtt {
            queue.push(event.clone());
        }
        if self.inner.push.is_empty() {
            return;
        }
        let admitted = {
            let mut guard = self.rules();
            let (rules, gate) = &mut *guard;
            gate.admit(&event, rules.for_camera(&event.camera), &*self.inner.clock)
        };
        if !admitted {
            self.inner.suppressed.fetch_add(1, Ordering::Relaxed);
            return;
        }
        for (_, queue) in &self.inner.push {
            queue.push(event.clone());
        }
    }

    /// Replaces the rules (a config reload); cooldowns already running go on.
    pub fn set_rules(&self, rules: Rules) {
        self.rules().0 = rules;
    }

    /// Each channel's counters, for `/metrics`.
    pub fn stats(&self) -> Vec<ChannelStats> {
        let push = self.inner.push.iter().map(|(channel, queue)| ChannelStats {
            channel: *channel,
            counts: queue.counts(),
        });
        let mqtt = self.inner.mqtt.iter().map(|(queue, _)| ChannelStats {
            channel: Channel::Mqtt,
            counts: queue.counts(),
        });
        push.chain(mqtt).collect()
    }

    /// Events the rules held back (cooldown, quiet hours, events not chosen).
    pub fn suppressed(&self) -> u64 {
        self.inner.suppressed.load(Ordering::Relaxed)
    }

    /// The broker connection, if MQTT is set.
    pub fn mqtt_status(&self) -> Option<MqttStatus> {
        let (_, status) = self.inner.mqtt.as_ref()?;
        Some(status.lock().unwrap_or_else(|p| p.into_inner()).clone())
    }

    /// Stops taking events, gives the channels up to `grace` to send what
    /// waits (MQTT then says `offline` and disconnects), and stops them.
    pub async fn shutdown(&self, grace: Duration) {
        for (_, queue) in &self.inner.push {
            queue.close();
        }
        if let Some((queue, _)) = &self.inner.mqtt {
            queue.close();
        }
        let tasks =
            std::mem::take(&mut *self.inner.tasks.lock().unwrap_or_else(|p| p.into_inner()));
        let aborts: Vec<_> = tasks.iter().map(|t| t.abort_handle()).collect();
        let all = async {
            for task in tasks {
                let _ = task.await;
            }
        };
        if tokio::time::timeout(grace, all).await.is_err() {
            tracing::warn!("notifications: some events were not sent before stopping");
        }
        for abort in aborts {
            abort.abort();
        }
    }
}
