//! A real Mosquitto broker on loopback, started by the test (Debian's
//! `mosquitto`; it does not announce itself, so no namespace is needed),
//! and a real rumqttc subscriber that keeps what it hears.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rumqttc::{AsyncClient, Event as Polled, MqttOptions, Packet, QoS};

/// A Mosquitto on 127.0.0.1, with persistence in its own folder.
pub struct Broker {
    program: PathBuf,
    config: PathBuf,
    /// Its port on 127.0.0.1.
    pub port: u16,
    child: Option<Child>,
    _dir: tempfile::TempDir,
}

impl Broker {
    /// Starts one; `None` (SKIP) if Mosquitto is not installed outside CI.
    pub fn start() -> Option<Broker> {
        let program = crate::require_installed("mosquitto", "mosquitto")?;
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = dir.path().join("mosquitto.conf");
        let text = format!(
            "listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\n\
             persistence_location {}/\nlog_dest none\n",
            dir.path().display()
        );
        std::fs::write(&config, text).unwrap();
        let mut broker = Broker {
            program,
            config,
            port,
            child: None,
            _dir: dir,
        };
        broker.run();
        Some(broker)
    }

    /// Starts it again (after [`Broker::stop`]), on the same port.
    pub fn run(&mut self) {
        let child = Command::new(&self.program)
            .arg("-c")
            .arg(&self.config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("mosquitto starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "mosquitto did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGTERM, so that Mosquitto saves its retained messages and sessions.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(child.id().to_string())
                .status();
            let _ = child.wait();
        }
    }

    /// `mqtt://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.port)
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Every message the subscriber got, in order: (topic, payload).
pub type Seen = Arc<Mutex<Vec<(String, Bytes)>>>;

/// What the subscriber notes when the broker has confirmed a subscription.
pub const SUBSCRIBED: &str = "(subscribed)";

/// Waits until both subscriptions are confirmed: from then on, nothing
/// published is missed.
pub fn wait_subscribed(seen: &Seen) {
    wait_until("the subscriptions", || {
        seen.lock()
            .unwrap()
            .iter()
            .filter(|(t, _)| t == SUBSCRIBED)
            .count()
            >= 2
    });
}

/// A subscriber to `vigie/#` and `homeassistant/#` with a persistent
/// session: what is published while it reconnects waits for it.
pub fn subscribe(rt: &tokio::runtime::Runtime, port: u16, id: &str) -> Seen {
    let seen: Seen = Arc::default();
    let kept = seen.clone();
    let mut options = MqttOptions::new(id, "127.0.0.1", port);
    options
        .set_clean_session(false)
        .set_max_packet_size(64 << 20, 64 << 10);
    let (client, mut eventloop) = AsyncClient::new(options, 16);
    rt.spawn(async move {
        loop {
            match eventloop.poll().await {
                Ok(Polled::Incoming(Packet::ConnAck(ack))) if !ack.session_present => {
                    for filter in ["vigie/#", "homeassistant/#"] {
                        client.subscribe(filter, QoS::AtLeastOnce).await.unwrap();
                    }
                }
                Ok(Polled::Incoming(Packet::SubAck(_))) => {
                    kept.lock().unwrap().push((SUBSCRIBED.into(), Bytes::new()))
                }
                Ok(Polled::Incoming(Packet::Publish(p))) => kept
                    .lock()
                    .unwrap()
                    .push((p.topic.clone(), p.payload.clone())),
                Ok(_) => {}
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    });
    seen
}

/// Polls `done` every 20 ms, for up to 20 s.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
