//! MQTT against a real Mosquitto broker on loopback, started by the test
//! (Debian's `mosquitto`; it does not announce itself, so no namespace is
//! needed), with a real rumqttc subscriber watching what vigie publishes.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use vigie_notify::{
    Backoff, Event, Limits, ManualClock, MqttConfig, MqttState, Notifier, NotifyConfig, Rules,
    TimeOfDay,
};
use vigie_testkit::mosquitto::{subscribe, wait_subscribed, wait_until, Broker, Seen};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn notifier(broker: &Broker, limits: Limits, rt: &tokio::runtime::Runtime) -> Notifier {
    let mut mqtt = MqttConfig::new(broker.url().parse().unwrap());
    mqtt.reconnect = Backoff {
        first: Duration::from_millis(50),
        max: Duration::from_millis(300),
        attempts: 0,
    };
    let config = NotifyConfig {
        mqtt: Some(mqtt),
        limits,
        ..NotifyConfig::default()
    };
    let clock = Arc::new(ManualClock::new(TimeOfDay::new(12, 0).unwrap()));
    Notifier::start(config, Rules::default(), clock, rt.handle()).unwrap()
}

fn position(seen: &Seen, topic: &str, payload: &[u8]) -> Option<usize> {
    position_after(seen, topic, payload, 0)
}

fn position_after(seen: &Seen, topic: &str, payload: &[u8], from: usize) -> Option<usize> {
    let seen = seen.lock().unwrap();
    (from..seen.len()).find(|&i| seen[i].0 == topic && seen[i].1.as_ref() == payload)
}

fn first_on(seen: &Seen, topic: &str) -> Option<usize> {
    seen.lock().unwrap().iter().position(|(t, _)| t == topic)
}

/// The `time_us` of every event JSON seen on `topic`.
fn event_times(seen: &Seen, topic: &str) -> Vec<u64> {
    seen.lock()
        .unwrap()
        .iter()
        .filter(|(t, _)| t == topic)
        .map(|(_, p)| {
            serde_json::from_slice::<serde_json::Value>(p).unwrap()["time_us"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

#[test]
fn discovery_then_on_then_off_then_offline() {
    let Some(broker) = Broker::start() else {
        return;
    };
    let rt = runtime();
    let seen = subscribe(&rt, broker.port, "watcher-1");
    wait_subscribed(&seen);
    let n = notifier(&broker, Limits::default(), &rt);
    wait_until("a connection", || {
        n.mqtt_status().unwrap().state == MqttState::Connected
    });
    let jpeg = Bytes::from_static(b"\xFF\xD8 a picture \xFF\xD9");
    n.notify(Event::online("door").named("Front door"));
    n.notify(Event::motion_started("door", Some(jpeg.clone())).named("Front door"));
    n.notify(Event::motion_ended("door", Some("http://v/r/1.mkv".into())).named("Front door"));
    n.notify(Event::offline("door").named("Front door"));
    wait_until("offline", || {
        position(&seen, "vigie/door/state", b"offline").is_some()
    });

    let config = first_on(
        &seen,
        "homeassistant/binary_sensor/vigie_door/motion/config",
    )
    .unwrap();
    let image = first_on(&seen, "homeassistant/image/vigie_door/snapshot/config").unwrap();
    assert!(first_on(
        &seen,
        "homeassistant/binary_sensor/vigie_door/connectivity/config"
    )
    .is_some());
    let on = position(&seen, "vigie/door/motion", b"ON").unwrap();
    // (A first OFF is the state a new camera is announced with.)
    let off = position_after(&seen, "vigie/door/motion", b"OFF", on).unwrap();
    let offline = position(&seen, "vigie/door/state", b"offline").unwrap();
    assert!(
        config < on && image < on && on < off && off < offline,
        "{config} {on} {off} {offline}"
    );
    assert!(position(&seen, "vigie/status", b"online").is_some());
    assert!(position(&seen, "vigie/door/snapshot", &jpeg).is_some());
    let payload = seen.lock().unwrap()[config].1.clone();
    let motion: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(motion["device_class"], "motion");
    assert_eq!(motion["state_topic"], "vigie/door/motion");
    assert_eq!(motion["device"]["name"], "Front door");
    assert_eq!(event_times(&seen, "vigie/door/event").len(), 4);
    let c = n.stats()[0].counts;
    assert_eq!((c.sent, c.dropped), (4, 0));

    // The retained state greets a newcomer (Home Assistant restarted).
    let late = subscribe(&rt, broker.port, "watcher-late");
    wait_until("retained messages", || {
        position(&late, "vigie/door/state", b"offline").is_some()
            && first_on(&late, "homeassistant/image/vigie_door/snapshot/config").is_some()
    });
}

#[test]
fn the_last_will_says_offline_when_vigie_dies() {
    let Some(broker) = Broker::start() else {
        return;
    };
    let watcher = runtime();
    let seen = subscribe(&watcher, broker.port, "watcher-2");
    wait_subscribed(&seen);
    let vigie = runtime();
    let n = notifier(&broker, Limits::default(), &vigie);
    n.notify(Event::online("yard"));
    wait_until("online", || {
        position(&seen, "vigie/status", b"online").is_some()
    });
    // No goodbye: the tasks die with their runtime, the socket just closes.
    vigie.shutdown_background();
    wait_until("the will", || {
        position(&seen, "vigie/status", b"offline").is_some()
    });
}

#[test]
fn a_broker_restart_loses_no_event_beyond_the_bounded_queue() {
    let Some(mut broker) = Broker::start() else {
        return;
    };
    let rt = runtime();
    let seen = subscribe(&rt, broker.port, "watcher-3");
    wait_subscribed(&seen);
    let limits = Limits {
        events: 16,
        bytes: 1 << 20,
    };
    let n = notifier(&broker, limits, &rt);
    let mut sent = Vec::new();
    let send = |i: u64| {
        let at = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 + i);
        let event = if i.is_multiple_of(2) {
            Event::motion_started("hall", None)
        } else {
            Event::motion_ended("hall", None)
        };
        n.notify(event.at(at));
        (1_000_000 + i) * 1_000_000
    };
    for i in 0..4 {
        sent.push(send(i));
    }
    wait_until("the first events", || {
        event_times(&seen, "vigie/hall/event").len() == 4
    });

    broker.stop();
    wait_until("the loss", || {
        n.mqtt_status().unwrap().state != MqttState::Connected
    });
    // While the broker is away: more events than the queue holds.
    for i in 4..28 {
        sent.push(send(i));
    }
    let waiting = n.stats()[0].counts;
    assert!(waiting.queued <= 16, "{waiting:?}");
    broker.run();
    wait_until("the queue to empty", || {
        let c = n.stats()[0].counts;
        c.queued == 0 && c.sent + c.dropped == 28
    });
    let c = n.stats()[0].counts;
    wait_until("every sent event", || {
        event_times(&seen, "vigie/hall/event").len() as u64 >= c.sent
    });
    let mut got = event_times(&seen, "vigie/hall/event");
    got.dedup(); // at least once: a repeat is allowed, a loss is not
    let lost: Vec<u64> = sent.iter().copied().filter(|t| !got.contains(t)).collect();
    assert_eq!(
        lost.len() as u64,
        c.dropped,
        "only the queue's drops are lost"
    );
    assert!(c.dropped >= 24 - 17 && c.dropped <= 24 - 16, "{c:?}");
    // The newest events are the ones kept.
    assert!(sent[sent.len() - 16..].iter().all(|t| got.contains(t)));
    assert!(n.mqtt_status().unwrap().connections >= 2);
    assert!(position(&seen, "vigie/hall/motion", b"OFF").is_some());
}

#[test]
fn a_broker_that_comes_late_gets_the_waiting_events_and_a_clean_stop_says_offline() {
    let Some(mut broker) = Broker::start() else {
        return;
    };
    let rt = runtime();
    let seen = subscribe(&rt, broker.port, "watcher-4");
    wait_subscribed(&seen);
    broker.stop();
    let n = notifier(&broker, Limits::default(), &rt);
    n.notify(Event::online("porch"));
    n.notify(Event::motion_started("porch", None));
    wait_until("a failed attempt", || {
        n.mqtt_status().unwrap().last_error.is_some()
    });
    let status = n.mqtt_status().unwrap();
    assert_ne!(status.state, MqttState::Connected);
    assert!(status.last_error.is_some(), "{status:?}");
    assert_eq!(n.stats()[0].counts.sent, 0);
    broker.run();
    wait_until("both events", || {
        event_times(&seen, "vigie/porch/event").len() >= 2
    });
    assert!(position(&seen, "vigie/porch/motion", b"ON").is_some());
    let online = position(&seen, "vigie/status", b"online").unwrap();
    rt.block_on(n.shutdown(Duration::from_secs(5)));
    wait_until("the goodbye", || {
        position_after(&seen, "vigie/status", b"offline", online).is_some()
    });
    assert_eq!(n.mqtt_status().unwrap().state, MqttState::Disconnected);
}
