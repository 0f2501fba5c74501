//! Replays past the cap: 503 with `Retry-After`, and a slot comes back when
//! a replay ends. (What a replay sends is checked in `recordings`; its
//! memory, with forty at once, in the binary's `web_hardening` test.)

mod common;

use common::raw::{exchange, get, stalled_after_head};
use common::recording::record_one_event;
use common::{start, wait_for_async};
use vigie_web::WebConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replays_past_the_cap_are_told_to_retry() {
    let dir = tempfile::tempdir().unwrap();
    record_one_event(dir.path());
    let rig = start(WebConfig {
        recordings: Some(dir.path().to_path_buf()),
        max_replays: 2,
        ..WebConfig::default()
    })
    .await;
    let host = rig.http.to_string();
    let (status, events) = exchange(rig.http, &get("/api/events", &host)).await;
    assert_eq!(status, 200);
    let url = events
        .split('"')
        .find(|s| s.starts_with("/replay/"))
        .expect("a replay URL")
        .to_owned();

    // Each replay has its slot once its head has come (a request still on
    // its way would race the probe below for a slot).
    let (first, status) = stalled_after_head(rig.http, &get(&url, &host)).await;
    assert_eq!(status, 200);
    let (second, status) = stalled_after_head(rig.http, &get(&url, &host)).await;
    assert_eq!(status, 200);
    let (status, text) = wait_for_async("the two replays under way", || async {
        let answer = exchange(rig.http, &get(&url, &host)).await;
        (answer.0 == 503).then_some(answer)
    })
    .await;
    assert_eq!(status, 503);
    assert!(
        text.to_ascii_lowercase().contains("retry-after: 5"),
        "{text}"
    );

    drop((first, second));
    let (status, text) = wait_for_async("a replay slot given back", || async {
        let answer = exchange(rig.http, &get(&url, &host)).await;
        (answer.0 == 200).then_some(answer)
    })
    .await;
    assert_eq!(status, 200);
    assert!(text.contains("multipart/x-mixed-replace"), "{text}");
    rig.stop().await;
}
