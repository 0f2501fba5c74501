//! `/api/events`, `/recordings/…` and `/replay/…` over a folder written by
//! the real recorder (`vigie-record`, with its clock set by the test), read
//! by a real HTTP client on loopback.

mod common;

use common::recording::record_one_event;
use common::{http_client, start, Parts};
use vigie_core::jpeg;
use vigie_web::WebConfig;

/// `/api/events` as JSON.
async fn events_json(rig: &common::Rig) -> serde_json::Value {
    let body = http_client()
        .get(rig.url("/api/events"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    serde_json::from_slice(&body).unwrap()
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

    let doc: serde_json::Value = events_json(&rig).await;
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
    let on_disk = dir
        .path()
        .join(file_url.strip_prefix("/recordings/").unwrap());
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
    let doc: serde_json::Value = events_json(&rig).await;
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
