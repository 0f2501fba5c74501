//! An event that goes on (a camera that never stops moving), over a real
//! HTTP server on loopback: `/api/events` lists it under `running` with
//! its start time, and its closed segments replay and download while the
//! recorder keeps writing the next one. The folder is written by the real
//! recorder (`vigie-record`) with its clock set by the test, so the
//! segment times are the same on every machine.

mod common;

use common::recording::{push_moving, record_running_event, CAMERA, SEGMENT_S};
use common::{http_client, start, Parts};
use vigie_web::WebConfig;

async fn events_json(rig: &common::Rig) -> serde_json::Value {
    events_at(rig, "/api/events").await
}

async fn events_at(rig: &common::Rig, path: &str) -> serde_json::Value {
    let response = http_client().get(rig.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

/// The frames a replay sends, read to its end.
async fn replayed_frames(rig: &common::Rig, url: &str) -> usize {
    let response = http_client().get(rig.url(url)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    let mut parts = Parts::default();
    parts.push(&response.bytes().await.unwrap());
    std::iter::from_fn(|| parts.next_part()).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_event_is_listed_and_its_closed_segments_replay_and_download() {
    let dir = tempfile::tempdir().unwrap();
    // Moving from 1 s on, recorded up to 7 s: segments closed, one open.
    let mut recorder = record_running_event(dir.path(), 7);
    let rig = start(WebConfig {
        recordings: Some(dir.path().to_path_buf()),
        ..WebConfig::default()
    })
    .await;
    let http = http_client();

    let doc = events_json(&rig).await;
    assert_eq!(doc["recording"], true);
    let running = doc["running"].as_array().unwrap();
    assert_eq!(running.len(), 1, "{doc}");
    let event = &running[0];
    assert_eq!(event["camera"], CAMERA);
    // The event started with the motion, 1 s after the camera.
    assert_eq!(event["start"], "2026-11-24T08:00:01.000Z");
    let segment = event["segment"].as_u64().unwrap();
    assert!(segment >= 2, "{event}");
    let segments = event["segments"].as_array().unwrap();
    assert_eq!(segments.len() as u64, segment - 1, "{event}");
    // Newest first, numbered down to 1, each a journal line of the event.
    for (segment_line, number) in segments.iter().zip((1..segment).rev()) {
        assert_eq!(segment_line["segment"], number, "{event}");
        assert_eq!(segment_line["event_start"], event["start"]);
        assert_eq!(segment_line["continues"], true);
    }
    assert!(event["segment_start"].as_str().unwrap() > event["start"].as_str().unwrap());
    // The closed segments are in the events list too, as any event.
    assert_eq!(doc["events"].as_array().unwrap().len(), segments.len());
    // A short list still gives the running event all its segments.
    let short = events_at(&rig, "/api/events?limit=1").await;
    assert_eq!(short["events"].as_array().unwrap().len(), 1);
    assert_eq!(short["running"][0]["segments"], event["segments"]);

    // The newest closed segment: a thumbnail, a file, a replay, while the
    // next segment is being written.
    let closed = &segments[0];
    let thumbnail = http
        .get(rig.url(closed["thumbnail_url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(thumbnail.status(), 200);
    assert_eq!(thumbnail.bytes().await.unwrap()[..2], [0xFF, 0xD8]);
    let file_url = closed["file_url"].as_str().unwrap().to_owned();
    let on_disk = dir
        .path()
        .join(file_url.strip_prefix("/recordings/").unwrap());
    let in_file = vigie_record::mkv::read_frames(&on_disk).unwrap().len();
    // About one segment of frames at 10 frames/s.
    assert!(
        (SEGMENT_S as usize * 10 / 2..=SEGMENT_S as usize * 10 * 2).contains(&in_file),
        "{in_file} frames in {file_url}"
    );
    let download = http.get(rig.url(&file_url)).send().await.unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(
        download.bytes().await.unwrap(),
        std::fs::read(&on_disk).unwrap()
    );
    let replay_url = closed["replay_url"].as_str().unwrap().to_owned();
    assert_eq!(replayed_frames(&rig, &replay_url).await, in_file);

    // The event goes on: two more segments later, it is still the same
    // event, with more closed segments, and the old one still replays.
    push_moving(&mut recorder, 70, 70 + 2 * SEGMENT_S * 10);
    let later = events_json(&rig).await;
    let event_later = &later["running"][0];
    assert_eq!(event_later["start"], event["start"]);
    assert!(
        event_later["segment"].as_u64().unwrap() >= segment + 2,
        "{later}"
    );
    assert!(event_later["segments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["replay_url"] == replay_url.as_str()));
    assert_eq!(replayed_frames(&rig, &replay_url).await, in_file);

    // The event ends: nothing is running, every segment is in `events`.
    recorder.finish(common::recording::START_US + 20_000_000);
    let ended = events_json(&rig).await;
    assert_eq!(ended["running"], serde_json::json!([]), "{ended}");
    let last = &ended["events"][0];
    assert_eq!(last["event_start"], event["start"]);
    assert_eq!(last["continues"], false);
    rig.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_running_file_lists_nothing_running_and_keeps_the_events() {
    let dir = tempfile::tempdir().unwrap();
    common::recording::record_one_event(dir.path());
    for junk in [&b"not json"[..], b"[{\"camera\": 3}]", b"{}", &[0xFF; 4096]] {
        std::fs::write(dir.path().join(vigie_record::events::RUNNING_FILE), junk).unwrap();
        let rig = start(WebConfig {
            recordings: Some(dir.path().to_path_buf()),
            ..WebConfig::default()
        })
        .await;
        let doc = events_json(&rig).await;
        assert_eq!(doc["running"], serde_json::json!([]), "{doc}");
        assert_eq!(doc["events"].as_array().unwrap().len(), 1, "{doc}");
        rig.stop().await;
    }
}
