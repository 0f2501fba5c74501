//! The page on a phone (390×844) in a real browser (headless Chromium,
//! Debian package `chromium`): the header wraps, so that every part of it
//! (title, count, hint, events button, language switch, "en direct") is
//! on screen and nothing is cut, in French and, after the switch, in
//! English. Without Chromium the test says SKIP and passes (in CI, it
//! fails).
//!
//! `VIGIE_WEB_SCREENSHOT_PHONE=path.png` keeps the screenshot (that is how
//! `screenshot/web-phone.png` is made).

mod common;

use std::path::Path;
use std::time::Duration;

use common::browser::{browser, fresh_dir, read_png, Browser};
use common::recording::record_one_event;
use common::{start, Format};
use serde_json::json;
use vigie_web::WebConfig;

const PHONE: (usize, usize) = (390, 844);

/// Every part of the header that must show, as CSS selectors.
const PARTS: &[&str] = &[
    "h1",
    "#count",
    ".hint",
    "#events-toggle",
    "#lang-switch",
    "#link",
];

/// The parts of the header that are hidden or stick out of the screen or
/// out of the header (an empty list is a header that fits).
fn cut_parts() -> String {
    let parts = serde_json::to_string(PARTS).unwrap();
    format!(
        "(() => {{
            const header = document.querySelector('header').getBoundingClientRect();
            const cut = {parts}.filter(sel => {{
                const e = document.querySelector(sel);
                if (!e || getComputedStyle(e).display === 'none' || e.getClientRects().length === 0) return true;
                const r = e.getBoundingClientRect();
                return r.width === 0 || r.left < 0 || r.right > innerWidth + 0.5
                    || r.top < header.top - 0.5 || r.bottom > header.bottom + 0.5
                    || e.scrollWidth > e.clientWidth + 1;
            }});
            if (document.documentElement.scrollWidth > innerWidth) cut.push('page wider than the screen');
            const grid = document.getElementById('grid').getBoundingClientRect();
            if (grid.top < header.bottom - 0.5) cut.push('grid under the header');
            return cut;
        }})()"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_the_header_wraps_and_nothing_is_cut() {
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
    for name in ["cour", "entrée"] {
        rig.camera(name, 320, 240, 10.0, Format::Jpeg);
        rig.wait_frames(name, 3).await;
    }
    let mut browser = Browser::open(program, &rig.url("/")).await;
    browser.viewport(PHONE.0, PHONE.1, true).await;
    let ready = "document.querySelectorAll('.tile.has-image').length === 2 \
                 && !document.getElementById('events-toggle').hidden \
                 && document.getElementById('link').classList.contains('live')";
    browser.wait_until(ready).await;
    assert_eq!(
        browser
            .eval("document.getElementById('link').textContent")
            .await,
        json!("en direct")
    );
    // The header grew to hold everything, and the grid starts below it.
    browser
        .wait_until(&format!("{}.length === 0", cut_parts()))
        .await;
    let height = browser
        .eval("document.querySelector('header').getBoundingClientRect().height")
        .await;
    assert!(height.as_f64().unwrap() > 40.0, "one line only? {height}");
    // Let the captions catch up with the pictures before the shot.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let shots = fresh_dir("phone");
    let shot = shots.join("web-phone.png");
    browser.screenshot(&shot).await;
    if let Some(keep) = std::env::var_os("VIGIE_WEB_SCREENSHOT_PHONE") {
        std::fs::copy(&shot, &keep).unwrap();
        eprintln!("screenshot kept in {}", Path::new(&keep).display());
    }
    let (_, width, shot_height) = read_png(&shot);
    assert_eq!((width, shot_height), PHONE);

    // The switch: the page comes back in English, and still fits.
    browser
        .eval("document.getElementById('lang-switch').click()")
        .await;
    browser
        .wait_until("document.documentElement.lang === 'en'")
        .await;
    browser
        .wait_until(&format!(
            "{ready} && document.getElementById('link').textContent === 'live'"
        ))
        .await;
    browser
        .wait_until("document.getElementById('events-toggle').textContent === 'events (1)'")
        .await;
    assert_eq!(
        browser
            .eval("document.getElementById('count').textContent")
            .await,
        json!("2 cameras connected")
    );
    assert_eq!(browser.eval(&cut_parts()).await, json!([]));
    // The cookie stays: the next visit is in English too.
    browser.eval("location.reload()").await;
    browser
        .wait_until("document.readyState === 'complete' && document.documentElement.lang === 'en'")
        .await;
    browser.close().await;
    rig.stop().await;
    let _ = std::fs::remove_dir_all(&shots);
}
