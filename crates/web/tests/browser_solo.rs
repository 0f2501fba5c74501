//! One camera shown alone costs the network one camera: a real browser
//! (headless Chromium, Debian package `chromium`) shows four cameras, then
//! one alone, then the grid again, and the bytes its WebSocket received
//! each time are counted by the browser itself (DevTools' network events).
//! Without Chromium the test says SKIP and passes (in CI, it fails).

mod common;

use std::time::Duration;

use common::browser::{browser, Browser, HEIGHT, WIDTH};
use common::{start, Format};
use serde_json::json;
use vigie_web::WebConfig;

/// How long each measure lasts.
const SPAN: Duration = Duration::from_secs(4);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_camera_shown_alone_is_the_only_one_streamed() {
    let Some(program) = browser() else {
        return;
    };
    let rig = start(WebConfig::default()).await;
    let names = ["cour", "entree", "garage", "salon"];
    // A modest rate: the browser must keep up with all four in the grid,
    // even on a busy machine, for the comparison to mean something.
    for name in names {
        rig.camera(name, 320, 240, 6.0, Format::Jpeg);
    }
    for name in names {
        rig.wait_frames(name, 3).await;
    }
    let mut browser = Browser::open(program, &rig.url("/")).await;
    browser.viewport(WIDTH, HEIGHT, false).await;
    browser.watch_network().await;
    let all_drawn = "document.querySelectorAll('.tile.has-image').length === 4";
    browser.wait_until(all_drawn).await;

    let grid = browser.websocket_bytes(SPAN).await;
    browser
        .eval("document.querySelectorAll('.tile')[2].click()")
        .await;
    let chosen = "document.querySelector('.tile.chosen .name').textContent";
    assert_eq!(browser.eval(chosen).await, json!("garage"));
    // The frames already on their way when the page asked are let through.
    browser.websocket_bytes(Duration::from_secs(1)).await;
    let solo = browser.websocket_bytes(SPAN).await;
    // The camera shown still plays.
    let sequence = "document.querySelector('.tile.chosen img').src";
    let before = browser.eval(sequence).await;
    browser
        .wait_until(&format!(
            "document.querySelector('.tile.chosen img').src !== {before}"
        ))
        .await;

    browser
        .eval("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}))")
        .await;
    browser.websocket_bytes(Duration::from_secs(1)).await;
    let again = browser.websocket_bytes(SPAN).await;
    eprintln!(
        "WebSocket bytes/s: grid {}, solo {}, grid again {}",
        grid as u64 / SPAN.as_secs(),
        solo as u64 / SPAN.as_secs(),
        again as u64 / SPAN.as_secs()
    );
    assert!(grid > 0 && again > 0, "grid {grid}, again {again}");
    // One camera of four: well below the grid (a quarter, plus the state
    // messages, with room for a slow machine's uneven pacing).
    assert!(solo * 2 < grid, "solo {solo} bytes, grid {grid}");
    assert!(solo * 2 < again, "solo {solo} bytes, grid again {again}");
    browser.close().await;
    rig.stop().await;
}
