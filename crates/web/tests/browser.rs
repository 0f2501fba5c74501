//! A real browser (headless Chromium, Debian package `chromium`) loads the
//! page with four synthetic cameras and takes a screenshot once every tile
//! has a picture; the test looks for the test pattern's colour bars in
//! each tile of the 2×2 grid.
//! Without Chromium the test says SKIP and passes (in CI, it fails).
//!
//! `VIGIE_WEB_SCREENSHOT=path.png` keeps the screenshot (that is how
//! `screenshot/web-4-cameras.png` is made).

mod common;

use std::path::Path;
use std::time::Duration;

use common::browser::{browser, fresh_dir, read_png, Browser, HEIGHT, WIDTH};
use common::{start, Format};
use serde_json::json;
use vigie_camera::TestPattern;
use vigie_hub::Origin;
use vigie_web::WebConfig;

/// The test pattern's 75% bars, after JPEG: yellow, cyan, magenta.
fn bar(p: [u8; 3]) -> Option<usize> {
    let hi = |c: u8| c > 140;
    let lo = |c: u8| c < 90;
    match p {
        [r, g, b] if hi(r) && hi(g) && lo(b) => Some(0),
        [r, g, b] if lo(r) && hi(g) && hi(b) => Some(1),
        [r, g, b] if hi(r) && lo(g) && hi(b) => Some(2),
        _ => None,
    }
}

/// The `.tile` elements the page shows (not hidden).
const VISIBLE_TILES: &str =
    "[...document.querySelectorAll('.tile')].filter(t => getComputedStyle(t).display !== 'none').length";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_four_live_cameras() {
    let Some(program) = browser() else {
        return;
    };
    let rig = start(WebConfig::default()).await;
    let cameras = [
        ("cour", 320, 240, Format::Jpeg),
        ("entree", 320, 240, Format::Raw),
        ("garage", 640, 360, Format::Jpeg),
        ("salon", 320, 240, Format::Jpeg),
    ];
    let stops: Vec<_> = cameras
        .iter()
        .map(|&(name, w, h, format)| rig.camera(name, w, h, 10.0, format))
        .collect();
    let stop_salon = stops[3].clone();
    for (name, ..) in cameras {
        rig.wait_frames(name, 5).await;
    }
    let mut browser = Browser::open(program, &rig.url("/")).await;
    browser.viewport(WIDTH, HEIGHT, false).await;
    browser
        .wait_until("document.querySelectorAll('.tile.has-image').length === 4")
        .await;
    // Let the captions catch up with the pictures.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let dir = fresh_dir("shot");
    let shot = dir.join("web-4-cameras.png");
    browser.screenshot(&shot).await;
    if let Some(keep) = std::env::var_os("VIGIE_WEB_SCREENSHOT") {
        std::fs::copy(&shot, &keep).unwrap();
        eprintln!("screenshot kept in {}", Path::new(&keep).display());
    }
    check_grid(&shot);

    // A click shows one camera alone; Esc goes back to the grid.
    assert_eq!(browser.eval(VISIBLE_TILES).await, json!(4));
    browser
        .eval("document.querySelectorAll('.tile')[2].click()")
        .await;
    assert_eq!(browser.eval(VISIBLE_TILES).await, json!(1));
    let chosen = "document.querySelector('.tile.chosen .name').textContent";
    assert_eq!(browser.eval(chosen).await, json!("garage"));
    browser
        .eval("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}))")
        .await;
    assert_eq!(browser.eval(VISIBLE_TILES).await, json!(4));

    // A camera that goes away is shown offline; one that stays connected
    // but sends nothing is shown frozen.
    stop_salon.cancel();
    let label = |name: &str| {
        format!("[...document.querySelectorAll('.tile')].find(t => t.querySelector('.name').textContent === '{name}').querySelector('.label').textContent")
    };
    browser
        .wait_until(&format!(
            "/^HORS LIGNE depuis [0-9]+ s$/.test({})",
            label("salon")
        ))
        .await;
    let silent = rig
        .registry
        .register(
            "veranda",
            Origin::peer("127.0.0.1:9".parse().unwrap(), "native"),
        )
        .unwrap();
    let pattern = TestPattern::new("veranda", 320, 240, 10.0).unwrap();
    silent.publish(
        vigie_core::jpeg::encode_frame(&pattern.render(7, 0), 85).unwrap(),
        false,
    );
    browser
        .wait_until(&format!(
            "/^FIGÉE depuis [0-9]+ s$/.test({})",
            label("veranda")
        ))
        .await;
    if let Some(keep) = std::env::var_os("VIGIE_WEB_SCREENSHOT_STATES") {
        browser.screenshot(Path::new(&keep)).await;
    }
    drop(silent);

    // On a phone: one column, each tile the width of the screen.
    browser.viewport(390, 844, true).await;
    let widths = "[...document.querySelectorAll('.tile')].map(t => Math.round(t.getBoundingClientRect().width))";
    browser
        .wait_until(&format!("{widths}.every(w => w >= 380)"))
        .await;
    browser.close().await;
    rig.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The 2×2 grid below the header: each quarter holds one camera, and each
/// camera shows the yellow, cyan and magenta bars.
fn check_grid(shot: &Path) {
    let (pixels, width, height) = read_png(shot);
    assert_eq!((width, height), (WIDTH, HEIGHT));
    let top = 40;
    let (half_w, half_h) = (width / 2, (height - top) / 2);
    for (row, col) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
        let mut counts = [0usize; 3];
        for y in top + row * half_h..top + (row + 1) * half_h {
            for x in col * half_w..(col + 1) * half_w {
                if let Some(i) = bar(pixels[y * width + x]) {
                    counts[i] += 1;
                }
            }
        }
        assert!(
            counts.iter().all(|&c| c >= 200),
            "tile ({row}, {col}): yellow, cyan, magenta pixels {counts:?}"
        );
    }
}
