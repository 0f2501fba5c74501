//! The webhook and ntfy against a real HTTP receiver on loopback: a small
//! server on a `std` TcpListener that keeps every request it gets.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use vigie_notify::{
    Backoff, Channel, Event, HttpOptions, Limits, ManualClock, Notifier, NotifyConfig, NtfyConfig,
    Rules, TimeOfDay,
};
use vigie_testkit::receiver::{parts, Answer, Receiver};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn fast() -> Backoff {
    Backoff {
        first: Duration::from_millis(50),
        max: Duration::from_millis(200),
        attempts: 4,
    }
}

fn start(config: NotifyConfig, rt: &tokio::runtime::Runtime) -> Notifier {
    let clock = Arc::new(ManualClock::new(TimeOfDay::new(12, 0).unwrap()));
    Notifier::start(config, Rules::default(), clock, rt.handle()).unwrap()
}

/// Waits (at most 10 s) until `done` holds.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn jpeg() -> Bytes {
    let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0];
    j.extend((0..5000u32).map(|i| (i * 7) as u8));
    j.extend([0xFF, 0xD9]);
    Bytes::from(j)
}

fn counts(n: &Notifier, channel: Channel) -> vigie_notify::Counts {
    n.stats()
        .into_iter()
        .find(|s| s.channel == channel)
        .unwrap()
        .counts
}

#[test]
fn the_webhook_gets_the_json_event_and_the_jpeg_part() {
    let receiver = Receiver::start(Answer::Statuses(vec![200]));
    let rt = runtime();
    let notifier = start(
        NotifyConfig {
            webhook: Some(receiver.url("/hook")),
            ..NotifyConfig::default()
        },
        &rt,
    );
    notifier.notify(Event::motion_started("garden", Some(jpeg())).named("Jardin"));
    notifier.notify(Event::motion_ended(
        "garden",
        Some("http://vigie.lan/r/1.mkv".into()),
    ));
    wait_until("two webhook calls", || receiver.requests().len() == 2);
    let got = receiver.requests();
    assert_eq!(got[0].target, "/hook");
    let first = parts(&got[0]);
    assert_eq!(first.len(), 2, "the event and the snapshot");
    assert!(first[0].0.contains("name=\"event\"") && first[0].0.contains("application/json"));
    let json: serde_json::Value = serde_json::from_slice(&first[0].1).unwrap();
    assert_eq!(
        (json["event"].as_str(), json["camera"].as_str()),
        (Some("motion_started"), Some("garden"))
    );
    assert_eq!(json["name"], "Jardin");
    assert!(
        first[1].0.contains("name=\"snapshot\"")
            && first[1].0.contains("filename=\"snapshot.jpg\"")
    );
    assert!(first[1].0.contains("image/jpeg"));
    assert_eq!(first[1].1, jpeg().to_vec(), "the JPEG, byte for byte");
    let second = parts(&got[1]);
    assert_eq!(second.len(), 1, "no snapshot for an end");
    let json: serde_json::Value = serde_json::from_slice(&second[0].1).unwrap();
    assert_eq!(json["recording"], "http://vigie.lan/r/1.mkv");
    assert_eq!(counts(&notifier, Channel::Webhook).sent, 2);
}

#[test]
fn ntfy_gets_one_request_with_title_tags_and_the_attachment() {
    let receiver = Receiver::start(Answer::Statuses(vec![200]));
    let rt = runtime();
    let notifier = start(
        NotifyConfig {
            ntfy: Some(NtfyConfig {
                url: receiver.url("/vigie-test"),
                token: Some("tk_secret".into()),
            }),
            ..NotifyConfig::default()
        },
        &rt,
    );
    notifier.notify(Event::motion_started("door", Some(jpeg())).named("Entrée"));
    wait_until("the ntfy push", || receiver.requests().len() == 1);
    notifier.notify(Event::motion_ended("door", Some("http://v/r/2.mkv".into())).named("Entrée"));
    wait_until("the second push", || receiver.requests().len() == 2);
    let got = receiver.requests();
    let url = url::Url::parse(&format!("http://x{}", got[0].target)).unwrap();
    assert_eq!(url.path(), "/vigie-test");
    let q = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(q("title").as_deref(), Some("Motion: Entrée"));
    assert!(q("tags").unwrap().contains("rotating_light"));
    assert_eq!(q("filename").as_deref(), Some("snapshot.jpg"));
    assert!(q("message").unwrap().contains("(door)"));
    assert_eq!(got[0].header("authorization"), Some("Bearer tk_secret"));
    assert_eq!(got[0].header("content-type"), Some("image/jpeg"));
    assert_eq!(
        got[0].body,
        jpeg().to_vec(),
        "the snapshot is the body: an attachment"
    );
    let end = url::Url::parse(&format!("http://x{}", got[1].target)).unwrap();
    let click = end
        .query_pairs()
        .find(|(k, _)| k == "click")
        .map(|(_, v)| v.into_owned());
    assert_eq!(click.as_deref(), Some("http://v/r/2.mkv"));
    assert!(String::from_utf8_lossy(&got[1].body).contains("Motion ended: Entrée"));
}

#[test]
fn a_receiver_that_hangs_does_not_delay_the_caller() {
    let receiver = Receiver::start(Answer::Hang);
    let rt = runtime();
    let timeout = Duration::from_secs(3);
    let notifier = start(
        NotifyConfig {
            webhook: Some(receiver.url("/hook")),
            limits: Limits {
                events: 8,
                bytes: 1 << 20,
            },
            backoff: fast(),
            http: HttpOptions {
                connect_timeout: timeout,
                timeout,
            },
            ..NotifyConfig::default()
        },
        &rt,
    );
    // The first event is taken by the sender, which then waits for an
    // answer that never comes. Waiting for that makes the count below
    // exact: otherwise the sender may take an event while we count.
    notifier.notify(Event::offline("cam0"));
    wait_until("the sender to take the first event", || {
        counts(&notifier, Channel::Webhook).queued == 0
    });
    let began = Instant::now();
    for i in 1..200 {
        notifier.notify(Event::offline(format!("cam{i}")));
    }
    let spent = began.elapsed();
    // The first request is still waiting for its answer: the calls did not.
    assert!(
        spent < timeout,
        "199 calls took {spent:?}, the receiver hangs for {timeout:?}"
    );
    let c = counts(&notifier, Channel::Webhook);
    assert_eq!(c.sent, 0);
    assert_eq!(c.queued, 8, "the queue holds its bound: {c:?}");
    assert_eq!(c.dropped, 199 - 8, "the rest are dropped: {c:?}");
    // The hanging request times out, and is tried again.
    wait_until("a retry after the timeout", || {
        counts(&notifier, Channel::Webhook).retried >= 1
    });
}

#[test]
fn failures_are_retried_with_backoff_and_a_4xx_is_dropped_at_once() {
    let flaky = Receiver::start(Answer::Statuses(vec![503, 503, 200]));
    let rt = runtime();
    let notifier = start(
        NotifyConfig {
            webhook: Some(flaky.url("/hook")),
            backoff: fast(),
            ..NotifyConfig::default()
        },
        &rt,
    );
    notifier.notify(Event::offline("c"));
    wait_until("a delivery", || {
        counts(&notifier, Channel::Webhook).sent == 1
    });
    let c = counts(&notifier, Channel::Webhook);
    assert_eq!((c.retried, c.dropped), (2, 0));

    let refusing = Receiver::start(Answer::Statuses(vec![400]));
    let notifier = start(
        NotifyConfig {
            ntfy: Some(NtfyConfig::new(refusing.url("/topic"))),
            backoff: fast(),
            ..NotifyConfig::default()
        },
        &rt,
    );
    notifier.notify(Event::offline("c"));
    wait_until("a drop", || counts(&notifier, Channel::Ntfy).dropped == 1);
    assert_eq!(counts(&notifier, Channel::Ntfy).retried, 0);
    assert_eq!(refusing.requests().len(), 1);
}

#[test]
fn a_receiver_that_is_down_costs_its_attempts_then_a_drop() {
    // A port nobody listens on: connection refused each time.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let rt = runtime();
    let notifier = start(
        NotifyConfig {
            webhook: Some(format!("http://{closed}/hook")),
            backoff: fast(),
            ..NotifyConfig::default()
        },
        &rt,
    );
    notifier.notify(Event::offline("c"));
    wait_until("a drop", || {
        counts(&notifier, Channel::Webhook).dropped == 1
    });
    assert_eq!(counts(&notifier, Channel::Webhook).retried, 3, "4 attempts");
}

#[test]
fn the_cooldown_holds_back_a_second_motion() {
    let receiver = Receiver::start(Answer::Statuses(vec![200]));
    let rt = runtime();
    let notifier = start(
        NotifyConfig {
            webhook: Some(receiver.url("/hook")),
            ..NotifyConfig::default()
        },
        &rt,
    );
    for _ in 0..3 {
        notifier.notify(Event::motion_started("c", None));
        notifier.notify(Event::motion_ended("c", None));
    }
    wait_until("the first pair", || receiver.requests().len() == 2);
    assert_eq!(notifier.suppressed(), 4);
    rt.block_on(notifier.shutdown(Duration::from_secs(5)));
    assert_eq!(receiver.requests().len(), 2);
}

#[test]
fn bad_urls_are_refused_at_start() {
    let rt = runtime();
    for config in [
        NotifyConfig {
            webhook: Some("ftp://h/x".into()),
            ..NotifyConfig::default()
        },
        NotifyConfig {
            ntfy: Some(NtfyConfig::new("https://ntfy.sh/")),
            ..NotifyConfig::default()
        },
    ] {
        let clock = Arc::new(ManualClock::new(TimeOfDay::new(0, 0).unwrap()));
        let e = Notifier::start(config, Rules::default(), clock, rt.handle())
            .err()
            .unwrap();
        assert!(e.to_string().contains("URL"), "{e}");
    }
}
