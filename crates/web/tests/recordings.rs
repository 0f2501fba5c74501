//! `/api/events`, `/recordings/…` and `/replay/…` over a folder written by
//! the real recorder (`vigie-record`, with its clock set by the test), read
//! by a real HTTP client on loopback.

mod common;

use std::path::Path;

use common::{http_client, start, Parts};
use vigie_core::{jpeg, Frame, FrameHeader, PixelFormat};
use vigie_record::{MotionSample, RecordConfig, RecordMode, Recorder};
use vigie_web::WebConfig;

const START_US: u64 = 1_795_507_200_000_000; // 2026-11-24 08:00:00 UTC

fn jpeg_frame(sequence: u64, shade: u8) -> Frame {
    let (w, h) = (64, 48);
    let rgb: Vec<u8> = (0..w * h)
        .flat_map(|i| [shade, (i % 251) as u8, 255 - shade])
        .collect();
    let payload = jpeg::encode(&rgb, w, h, PixelFormat::Rgb8, 80).unwrap();
    let header = FrameHeader {
        camera: "salon".into(),
        sequence,
        captured_at_us: 0,
        width: w,
        height: h,
        format: PixelFormat::Jpeg,
    };
    Frame::new(header, payload).unwrap()
}

/// Ten seconds of a camera at 10 frames/s, moving from 3 s to 5 s: one
/// event, one file (1 s before, 1 s after).
fn record_one_event(dir: &Path) -> usize {
    let mut config = RecordConfig::new(dir, RecordMode::Motion);
    config.pre_roll = std::time::Duration::from_secs(1);
    config.post_roll = std::time::Duration::from_secs(1);
    let mut recorder = Recorder::new(config);
    for i in 0..100u64 {
        let moving = (30..50).contains(&i);
        let sample = MotionSample {
            score: if moving { 0.05 + i as f32 / 1000.0 } else { 0.0 },
            in_event: moving,
        };
        let at = START_US + i * 100_000;
        recorder.push(&jpeg_frame(i, (i * 2) as u8), Some(sample), at);
        recorder.tick(at);
    }
    recorder.finish(START_US + 10_000_000);
    let file = std::fs::read_dir(dir.join("salon"))
        .unwrap()
        .flatten()
        .flat_map(|day| std::fs::read_dir(day.path()).unwrap().flatten())
        .find(|f| f.path().extension().is_some_and(|e| e == "mkv"))
        .expect("a recording")
        .path();
    vigie_record::mkv::read_frames(&file).unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_thumbnails_files_and_replays_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let frames = record_one_event(dir.path());
    assert!((35..=45).contains(&frames), "{frames} frames recorded");
    let rig = start(WebConfig {
        recordings: Some(dir.path().to_path_buf()),
        ..WebConfig::default()
    })
    .await;
    let http = http_client();

    let doc: serde_json::Value = http
        .get(rig.url("/api/events"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    assert_eq!(doc["recording"], true);
    let events = doc["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{doc}");
    let event = &events[0];
    assert_eq!(event["camera"], "salon");
    assert_eq!(event["start"], "2026-11-24T08:00:03.000Z");
    assert_eq!(event["duration_s"], 2.0);
    assert!(event["peak"].as_f64().unwrap() > 0.09, "{event}");

    let thumbnail = http
        .get(rig.url(event["thumbnail_url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(thumbnail.headers()["content-type"], "image/jpeg");
    assert_eq!(thumbnail.bytes().await.unwrap()[..2], [0xFF, 0xD8]);

    let file_url = event["file_url"].as_str().unwrap();
    let on_disk = dir.path().join(file_url.strip_prefix("/recordings/").unwrap());
    let mkv = http.get(rig.url(file_url)).send().await.unwrap();
    assert_eq!(mkv.headers()["content-type"], "video/x-matroska");
    assert_eq!(mkv.bytes().await.unwrap(), std::fs::read(on_disk).unwrap());

    // The replay sends every recorded frame once, then ends.
    let replay = http
        .get(rig.url(event["replay_url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert!(replay.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("multipart/x-mixed-replace"));
    let mut parts = Parts::default();
    parts.push(&replay.bytes().await.unwrap());
    let mut replayed = 0;
    while let Some(part) = parts.next_part() {
        assert_eq!(jpeg::dimensions(&part).unwrap(), (64, 48));
        replayed += 1;
    }
    assert_eq!(replayed, frames);
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paths_outside_the_folder_are_not_found() {
    let dir = tempfile::tempdir().unwrap();
    record_one_event(dir.path());
    std::fs::write(dir.path().join("secret.txt"), b"no").unwrap();
    let rig = start(WebConfig {
        recordings: Some(dir.path().to_path_buf()),
        ..WebConfig::default()
    })
    .await;
    let http = http_client();
    for path in [
        "/recordings/secret.txt",
        "/recordings/events.jsonl",
        "/recordings/../../etc/passwd",
        "/recordings/%2e%2e/%2e%2e/etc/passwd",
        "/recordings//etc/passwd",
        "/recordings/salon/nothing.mkv",
        "/replay/events.jsonl",
        "/replay/salon",
    ] {
        let status = http.get(rig.url(path)).send().await.unwrap().status();
        assert_eq!(status, 404, "{path}");
    }
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_does_not_record_says_so() {
    let rig = start(WebConfig::default()).await;
    let http = http_client();
    let doc: serde_json::Value = http
        .get(rig.url("/api/events"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    assert_eq!(doc, serde_json::json!({"recording": false, "events": []}));
    let status = http
        .get(rig.url("/recordings/x.mkv"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 404);
    rig.stop().await;
}
