//! Left running at home (issue 17), end to end with the real binary: the
//! config file (its mistakes, `--check`, per-camera settings, SIGHUP),
//! notifications to a real HTTP receiver (webhook and ntfy), and MQTT to a
//! real Mosquitto broker with Home Assistant discovery. Cameras are real
//! clients sending the `moving-object` scene: someone crosses a still room
//! once every 20 seconds.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use common::{client, wait_until, Server};
use vigie_testkit::mosquitto::{self, Broker};
use vigie_testkit::receiver::{parts, Answer, Receiver, Request};

const VIGIE: &str = env!("CARGO_BIN_EXE_vigie");

/// `text` written as `vigie.toml` in a fresh folder.
fn config_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vigie.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// `vigie server --config FILE --check ARGS…`.
fn check(path: &Path, args: &[&str]) -> Output {
    Command::new(VIGIE)
        .arg("server")
        .arg("--config")
        .arg(path)
        .arg("--check")
        .args(args)
        .env("VIGIE_STATE_DIR", vigie_testkit::fresh_state_dir())
        .output()
        .expect("the vigie binary runs")
}

/// A camera process, killed when dropped (a failed test leaves none behind).
struct Camera(Child);

impl Camera {
    fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Camera {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A camera sending the crossing scene, small and at 10 frames/s.
fn crossing(server: &Server, name: &str) -> Camera {
    let args = ["--name", name, "--scene", "moving-object"];
    Camera(client(
        &server.cameras,
        &[&args[..], &["--size", "320x240", "--fps", "10"]].concat(),
    ))
}

/// The JSON event of a webhook request, and its JPEG part if any.
fn webhook_event(request: &Request) -> (serde_json::Value, Option<Vec<u8>>) {
    let mut event = None;
    let mut jpeg = None;
    for (head, body) in parts(request) {
        if head.contains("name=\"event\"") {
            event = Some(serde_json::from_slice(&body).unwrap());
        } else if head.contains("image/jpeg") {
            jpeg = Some(body);
        }
    }
    (event.expect("an event part"), jpeg)
}

fn events_of(receiver: &Receiver) -> Vec<(serde_json::Value, Option<Vec<u8>>)> {
    receiver.requests().iter().map(webhook_event).collect()
}

fn has(events: &[(serde_json::Value, Option<Vec<u8>>)], camera: &str, event: &str) -> bool {
    events
        .iter()
        .any(|(e, _)| e["camera"] == camera && e["event"] == event)
}

#[test]
fn each_kind_of_mistake_gives_its_line_and_column_and_exit_code_2() {
    let cases = [
        // A misspelt key is never ignored.
        ("[motion]\ntreshold = 30\n", "vigie.toml:2:1:", "treshold"),
        // A wrong type.
        (
            "[server]\nmax_cameras = \"many\"\n",
            "vigie.toml:2:15:",
            "invalid type",
        ),
        // An impossible value, checked as the flag's would be.
        ("[motion]\narea = 2.0\n", "vigie.toml:2:8:", "fraction"),
        // A camera section with a mask outside the picture.
        (
            "[cameras.door.motion]\nmasks = [\"0,0,2,1\"]\n",
            "vigie.toml:2:9:",
            "not a fraction",
        ),
        // Not TOML at all.
        ("[server\n", "vigie.toml:1:", ""),
    ];
    for (text, place, word) in cases {
        let (_dir, path) = config_file(text);
        let out = check(&path, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text:?}: {stderr}");
        assert!(stderr.contains(place), "{text:?} wants {place}: {stderr}");
        assert!(stderr.contains(word), "{text:?} wants {word:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    }
    // A file that cannot be read at all.
    let out = check(Path::new("/nonexistent/vigie.toml"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent/vigie.toml"));
}

#[test]
fn check_prints_the_settings_and_a_flag_overrides_the_file() {
    let (_dir, path) = config_file(
        "[motion]\nthreshold = 40\nfps = 4.0\n\n[cameras.door]\nname = \"Front door\"\n\n\
         [cameras.door.motion]\narea = 0.05\n",
    );
    let out = check(&path, &["--motion-threshold", "30"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("valid; the settings that result"),
        "{stdout}"
    );
    // The flag wins over the file; what the flag does not say, the file does.
    assert!(stdout.contains("motion.threshold = 30"), "{stdout}");
    assert!(stdout.contains("motion.fps = 4"), "{stdout}");
    assert!(stdout.contains("[camera \"door\"]"), "{stdout}");
    assert!(stdout.contains("name = Front door"), "{stdout}");
    assert!(stdout.contains("motion.area = 0.05"), "{stdout}");
    // The committed example is a valid file, and says so.
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vigie.example.toml");
    let out = check(&example, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("[camera \"garden\"]"), "{stdout}");
}

#[test]
fn motion_and_offline_reach_the_webhook_and_ntfy_and_a_masked_camera_stays_quiet() {
    let webhook = Receiver::start(Answer::Statuses(vec![200]));
    let ntfy = Receiver::start(Answer::Statuses(vec![200]));
    let record = tempfile::tempdir().unwrap();
    let text = format!(
        "[server]\nstale_after = 1.0\noffline_after = 2.0\n\n\
         [notify]\nwebhook = \"{}\"\nntfy = \"{}\"\n\n\
         [notify.rules]\ncooldown = 0\n\n\
         [cameras.ouverte]\nname = \"Porte d'entrée\"\n\n\
         [cameras.masquee.motion]\nmasks = [\"0,0,1,1\"]\n",
        webhook.url("/hook"),
        ntfy.url("/vigie-test")
    );
    let (_dir, path) = config_file(&text);
    let config = path.to_str().unwrap();
    let server = Server::start(&[
        "--config",
        config,
        "--record",
        record.path().to_str().unwrap(),
        "--post-roll",
        "1",
    ]);
    let mut open = crossing(&server, "ouverte");
    let mut masked = crossing(&server, "masquee");
    // One crossing: motion started (with the snapshot), then ended (with
    // the recording's link).
    wait_until("motion on the open camera", Duration::from_secs(60), || {
        has(&events_of(&webhook), "ouverte", "motion_ended")
    });
    let events = events_of(&webhook);
    let (started, jpeg) = events
        .iter()
        .find(|(e, _)| e["camera"] == "ouverte" && e["event"] == "motion_started")
        .expect("motion started before it ended");
    assert_eq!(started["name"], "Porte d'entrée", "the display name");
    assert_eq!(jpeg.as_deref().map(|j| &j[..2]), Some(&[0xFF, 0xD8][..]));
    let (ended, _) = events
        .iter()
        .find(|(e, _)| e["camera"] == "ouverte" && e["event"] == "motion_ended")
        .unwrap();
    let link = ended["recording"].as_str().expect("a recording link");
    let replay = link.split_once("/replay/").expect("a replay URL").1;
    assert!(replay.ends_with(".mkv"), "{link}");
    let (status, _) = server.get(&format!("/recordings/{replay}"));
    assert_eq!(status, 200, "the link's file is served");
    // The same crossing, under a mask over the whole picture: nothing.
    assert!(
        !has(&events, "masquee", "motion_started"),
        "the masked camera: {events:?}"
    );
    // ntfy: one request per event, the snapshot as the body of the motion one.
    let pushes = ntfy.requests();
    let motion = pushes
        .iter()
        .find(|r| r.body.starts_with(&[0xFF, 0xD8]))
        .expect("a push with the snapshot");
    assert!(
        motion.target.starts_with("/vigie-test"),
        "{}",
        motion.target
    );
    // A camera that stops is offline within seconds.
    masked.stop();
    wait_until("the masked camera offline", Duration::from_secs(20), || {
        has(&events_of(&webhook), "masquee", "offline")
    });
    // /metrics counts what was sent, per channel.
    let (_, metrics) = server.get("/metrics");
    let metrics = String::from_utf8_lossy(&metrics);
    assert!(
        metrics.contains("vigie_notify_sent_total{channel=\"webhook\"}"),
        "{metrics}"
    );
    let health = server.json("/api/health");
    // Motion started, motion ended, offline.
    assert!(
        health["notifications"][0]["sent"].as_u64().unwrap() >= 3,
        "{health}"
    );
    open.stop();
    server.stop();
}

#[test]
fn a_receiver_that_hangs_slows_neither_frames_nor_analysis_nor_the_other_channel() {
    let hanging = Receiver::start(Answer::Hang);
    let ntfy = Receiver::start(Answer::Statuses(vec![200]));
    // No --motion: a notification channel turns detection on by itself.
    let server = Server::start(&[
        "--notify-webhook",
        &hanging.url("/hook"),
        "--notify-ntfy",
        &ntfy.url("/topic"),
    ]);
    let mut camera = crossing(&server, "porte");
    // The crossing is analysed and pushed to ntfy while every webhook
    // request hangs.
    wait_until("motion pushed to ntfy", Duration::from_secs(60), || {
        ntfy.requests()
            .iter()
            .any(|r| r.body.starts_with(&[0xFF, 0xD8]))
    });
    let frames = |s: &Server| {
        s.json("/api/cameras")["cameras"][0]["frames"]
            .as_u64()
            .unwrap()
    };
    let before = frames(&server);
    std::thread::sleep(Duration::from_secs(2));
    let after = frames(&server);
    assert!(
        after >= before + 10,
        "frames keep flowing: {before} then {after}"
    );
    let doc = server.json("/api/cameras");
    assert!(doc["cameras"][0]["motion_score"].is_number(), "{doc}");
    camera.stop();
    server.stop();
}

#[test]
fn sighup_applies_a_new_threshold_without_the_camera_reconnecting() {
    let webhook = Receiver::start(Answer::Statuses(vec![200]));
    let blind = format!(
        "[notify]\nwebhook = \"{}\"\n\n[notify.rules]\ncooldown = 0\n\n\
         [cameras.porte.motion]\nthreshold = 255\n",
        webhook.url("/hook")
    );
    let (_dir, path) = config_file(&blind);
    let server = Server::start(&["--config", path.to_str().unwrap(), "--motion"]);
    let mut camera = crossing(&server, "porte");
    // A whole cycle of the scene (20 s) at a threshold nothing reaches.
    let started = Instant::now();
    wait_until("the camera online", Duration::from_secs(30), || {
        server.json("/api/cameras")["cameras"][0]["state"] == "online"
    });
    std::thread::sleep(Duration::from_secs(21).saturating_sub(started.elapsed()));
    assert!(
        !has(&events_of(&webhook), "porte", "motion_started"),
        "no motion at threshold 255"
    );
    let online_for = |s: &Server| {
        s.json("/api/cameras")["cameras"][0]["state_for_s"]
            .as_f64()
            .unwrap()
    };
    let before = online_for(&server);
    std::fs::write(&path, blind.replace("threshold = 255", "threshold = 25")).unwrap();
    let hup = Command::new("kill")
        .args(["-HUP", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(hup.success());
    wait_until("the reload logged", Duration::from_secs(10), || {
        server.logged("config reload: camera \"porte\": motion.threshold 255 -> 25")
    });
    wait_until("motion after the reload", Duration::from_secs(45), || {
        has(&events_of(&webhook), "porte", "motion_started")
    });
    // Online all along: the camera was not dropped by the reload.
    let after = online_for(&server);
    assert!(
        after > before + 1.0,
        "online for {before} s, then {after} s"
    );
    assert!(
        !has(&events_of(&webhook), "porte", "offline"),
        "never offline"
    );
    // An invalid file is refused at reload, and the server goes on.
    std::fs::write(&path, "[motion]\ntreshold = 1\n").unwrap();
    Command::new("kill")
        .args(["-HUP", &server.child.id().to_string()])
        .status()
        .unwrap();
    wait_until("the refused reload", Duration::from_secs(10), || {
        server.logged("vigie.toml:2:1: unknown field") && server.logged("the settings in use stay")
    });
    assert_eq!(server.json("/api/cameras")["connected"], 1);
    camera.stop();
    server.stop();
}

/// The position of the first message on `topic` with `payload` from `from`.
fn find(seen: &mosquitto::Seen, topic: &str, payload: &[u8], from: usize) -> Option<usize> {
    let seen = seen.lock().unwrap();
    (from..seen.len()).find(|&i| seen[i].0 == topic && seen[i].1.as_ref() == payload)
}

#[test]
fn mqtt_announces_each_camera_to_home_assistant_then_says_on_off_and_offline() {
    let Some(mut broker) = Broker::start() else {
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let seen = mosquitto::subscribe(&rt, broker.port, "home-assistant");
    mosquitto::wait_subscribed(&seen);
    let server = Server::start(&[
        "--motion",
        "--mqtt",
        &broker.url(),
        "--stale-after",
        "1",
        "--offline-after",
        "2",
    ]);
    let mut porte = crossing(&server, "porte");
    let mut cave = crossing(&server, "cave");
    let limit = Duration::from_secs(60);
    wait_until("discovery, ON, OFF", limit, || {
        let on = find(&seen, "vigie/porte/motion", b"ON", 0);
        on.is_some_and(|at| find(&seen, "vigie/porte/motion", b"OFF", at).is_some())
    });
    {
        let got = seen.lock().unwrap();
        let topics: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        for wanted in ["binary_sensor", "image"] {
            assert!(
                topics
                    .iter()
                    .any(|t| t.starts_with(&format!("homeassistant/{wanted}/"))
                        && t.contains("porte")),
                "a {wanted} entity for the camera: {topics:?}"
            );
        }
        assert!(topics.contains(&"vigie/porte/snapshot"), "{topics:?}");
    }
    assert_eq!(server.json("/api/health")["mqtt"]["state"], "connected");
    // The broker restarts; meanwhile a camera stops. Frames keep flowing,
    // and the "offline" waits in the queue for the broker to come back.
    broker.stop();
    wait_until(
        "vigie to see the broker gone",
        Duration::from_secs(20),
        || server.json("/api/health")["mqtt"]["state"] != "connected",
    );
    let frames = |s: &Server| {
        s.json("/api/cameras")["cameras"][1]["frames"]
            .as_u64()
            .unwrap()
    };
    let before = frames(&server);
    cave.stop();
    std::thread::sleep(Duration::from_secs(4));
    assert!(
        frames(&server) > before,
        "porte's frames flow while the broker is down"
    );
    let mark = seen.lock().unwrap().len();
    broker.run();
    wait_until(
        "the offline after the restart",
        Duration::from_secs(30),
        || find(&seen, "vigie/cave/state", b"offline", mark).is_some(),
    );
    let health = server.json("/api/health");
    assert_eq!(health["mqtt"]["state"], "connected", "{health}");
    assert!(
        health["mqtt"]["connections"].as_u64().unwrap() >= 2,
        "{health}"
    );
    porte.stop();
    server.stop();
}
