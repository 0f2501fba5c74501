//! The page's recording side, in a real browser (headless Chromium, see
//! `common/browser.rs`): a server recording into a folder that holds one
//! event written by the real recorder, and one live camera said to be
//! moving and recorded. The test clicks through the page as a person
//! would: the events button, the panel, the replay dialog, its close
//! button; and looks at the live tile's motion frame and REC mark.
//! Without Chromium the test says SKIP and passes (in CI, it fails).
//!
//! `VIGIE_WEB_SCREENSHOT_EVENTS=path.png` keeps a screenshot taken with
//! the panel open and the replay showing (that is how
//! `screenshot/web-events.png` is made).

mod common;

use std::path::Path;

use common::browser::{browser, fresh_dir, read_png, Browser, HEIGHT, WIDTH};
use common::recording::{record_one_event, record_running_event, CAMERA, FRAME_SIZE};
use common::{start, Format};
use serde_json::json;
use vigie_hub::Surveillance;
use vigie_web::WebConfig;

/// The live camera's tile, found by the name in its caption.
const LIVE: &str = "cour";
const LIVE_TILE: &str = "[...document.querySelectorAll('.tile')].find(t => t.querySelector('.name').textContent === 'cour')";

/// Whether an element is laid out (neither `hidden` nor `display: none`).
fn shown(element: &str) -> String {
    format!("(e => !!e && getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0)({element})")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_lists_and_replays_recorded_events() {
    let Some(program) = browser() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    record_one_event(dir.path());
    let rig = start(WebConfig {
        recordings: Some(dir.path().to_path_buf()),
        ..WebConfig::default()
    })
    .await;
    // The registry only keeps surveillance news for a camera it knows:
    // the camera must be connected before it can be said to move.
    rig.camera(LIVE, 320, 240, 10.0, Format::Jpeg);
    rig.wait_frames(LIVE, 3).await;
    rig.registry.set_surveillance(
        LIVE,
        Surveillance {
            motion: true,
            recording: true,
            ..Default::default()
        },
    );
    let mut browser = Browser::open(program, &rig.url("/")).await;
    browser.viewport(WIDTH, HEIGHT, false).await;

    // The marks come with the state message, about once a second.
    browser
        .wait_until(&format!(
            "(t => !!t && t.classList.contains('motion') && t.classList.contains('recording'))({LIVE_TILE})"
        ))
        .await;
    let rec = format!("{LIVE_TILE}.querySelector('.rec')");
    assert_eq!(browser.eval(&shown(&rec)).await, json!(true));
    let outline = format!("getComputedStyle({LIVE_TILE}.querySelector('.frame')).outlineStyle");
    assert_eq!(browser.eval(&outline).await, json!("solid"));

    // The button appears once /api/events has said the server records.
    let toggle = "document.getElementById('events-toggle')";
    browser.wait_until(&shown(toggle)).await;
    assert_eq!(
        browser.eval(&format!("{toggle}.textContent")).await,
        json!("événements (1)")
    );
    let panel = "document.getElementById('events')";
    assert_eq!(browser.eval(&shown(panel)).await, json!(false));
    browser.eval(&format!("{toggle}.click()")).await;
    assert_eq!(browser.eval(&shown(panel)).await, json!(true));
    assert_eq!(
        browser
            .eval("document.querySelectorAll('#events-list li.event').length")
            .await,
        json!(1)
    );
    // The list is redrawn every few seconds: look the item up each time.
    let item = "document.querySelector('#events-list li.event')";
    browser
        .wait_until(&format!("{item}.querySelector('img').naturalWidth > 0"))
        .await;
    assert_eq!(
        browser
            .eval(&format!("{item}.querySelector('b').textContent"))
            .await,
        json!(CAMERA)
    );
    // Recorded from 3 s to 5 s: "2 s", then the peak.
    let detail = format!("{item}.querySelector('.detail').textContent");
    let text = browser.eval(&detail).await;
    assert!(
        text.as_str().is_some_and(|t| t.starts_with("2 s · pic ")),
        "{text}"
    );

    // A click replays the recording in a dialog, frame by frame.
    browser
        .eval(&format!(
            "{item}.classList.contains('playable') && {item}.click()"
        ))
        .await;
    browser
        .wait_until("document.querySelector('#replay[open]') !== null")
        .await;
    let replay_img = "document.getElementById('replay-img')";
    browser
        .wait_until(&format!("{replay_img}.naturalWidth === {}", FRAME_SIZE.0))
        .await;
    // Enter must not download: the dialog opens on its close button.
    assert_eq!(
        browser.eval("document.activeElement.id").await,
        json!("replay-close")
    );
    // Even a tiny camera's frames are shown large enough to see.
    let shown_width = format!("{replay_img}.getBoundingClientRect().width");
    let shown_width = browser.eval(&shown_width).await.as_f64().unwrap();
    assert!(shown_width >= 300.0, "replay {shown_width} px wide");
    let shots = fresh_dir("shot");
    let shot = shots.join("web-events.png");
    browser.screenshot(&shot).await;
    if let Some(keep) = std::env::var_os("VIGIE_WEB_SCREENSHOT_EVENTS") {
        std::fs::copy(&shot, &keep).unwrap();
        eprintln!("screenshot kept in {}", Path::new(&keep).display());
    }
    let (_, width, height) = read_png(&shot);
    assert_eq!((width, height), (WIDTH, HEIGHT));

    // Closing the dialog ends the stream: the <img> lets go of its URL.
    browser
        .eval("document.getElementById('replay-close').click()")
        .await;
    browser
        .wait_until(&format!(
            "!document.getElementById('replay').open && !{replay_img}.hasAttribute('src')"
        ))
        .await;

    browser.close().await;
    rig.stop().await;
    let _ = std::fs::remove_dir_all(&shots);
}

/// A camera that never stops moving: its event is listed first, "en
/// cours" since its start, and its closed segments replay from the list
/// while the recorder is still writing the next one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_event_shows_en_cours_and_its_segments_replay() {
    let Some(program) = browser() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // Kept alive: the event is still going on while the page looks.
    let _recorder = record_running_event(dir.path(), 7);
    let doc = vigie_record::events::read_running(dir.path()).unwrap();
    assert_eq!(doc.len(), 1);
    let closed = doc[0].segment as usize - 1;
    assert!(closed >= 1, "{doc:?}");
    let rig = start(WebConfig {
        recordings: Some(dir.path().to_path_buf()),
        ..WebConfig::default()
    })
    .await;
    let mut browser = Browser::open(program, &rig.url("/")).await;
    browser.viewport(WIDTH, HEIGHT, false).await;

    let toggle = "document.getElementById('events-toggle')";
    browser.wait_until(&shown(toggle)).await;
    assert_eq!(
        browser.eval(&format!("{toggle}.textContent")).await,
        json!(format!("événements ({closed}, 1 en cours)"))
    );
    browser.eval(&format!("{toggle}.click()")).await;
    // The running event first, then its closed segments as events.
    let items = "[...document.querySelectorAll('#events-list li.event')]";
    assert_eq!(
        browser
            .eval(&format!(
                "{items}.map(i => i.classList.contains('running'))"
            ))
            .await,
        json!(std::iter::once(true)
            .chain(std::iter::repeat_n(false, closed))
            .collect::<Vec<_>>())
    );
    let running = "document.querySelector('#events-list li.running')";
    assert_eq!(
        browser
            .eval(&format!("{running}.querySelector('b').textContent"))
            .await,
        json!(CAMERA)
    );
    assert_eq!(
        browser
            .eval(&format!("{running}.querySelector('.badge').textContent"))
            .await,
        json!("● en cours")
    );
    assert!(
        browser
            .eval(&shown(&format!("{running}.querySelector('.badge')")))
            .await
            == json!(true)
    );
    // "depuis" and the start time, 1 s after the camera started (08:00:01
    // UTC, written in the browser's time zone).
    let when = browser
        .eval(&format!("{running}.querySelector('.when').textContent"))
        .await;
    let expected = browser
        .eval("'depuis ' + new Date('2026-11-24T08:00:01.000Z').toLocaleString('fr-FR')")
        .await;
    assert_eq!(when, expected);
    let detail = browser
        .eval(&format!("{items}[1].querySelector('.detail').textContent"))
        .await;
    assert!(
        detail
            .as_str()
            .is_some_and(|d| d.ends_with(&format!(" · segment {closed}"))),
        "{detail}"
    );

    // A closed segment replays while the event goes on.
    browser
        .eval(&format!(
            "{items}[1].classList.contains('playable') && {items}[1].click()"
        ))
        .await;
    browser
        .wait_until("document.querySelector('#replay[open]') !== null")
        .await;
    browser
        .wait_until(&format!(
            "document.getElementById('replay-img').naturalWidth === {}",
            FRAME_SIZE.0
        ))
        .await;
    let download = browser
        .eval("document.getElementById('replay-download').getAttribute('href')")
        .await;
    assert!(
        download
            .as_str()
            .is_some_and(|h| h.starts_with("/recordings/") && h.ends_with(".mkv")),
        "{download}"
    );
    browser
        .eval("document.getElementById('replay-close').click()")
        .await;
    browser.close().await;
    rig.stop().await;
}
