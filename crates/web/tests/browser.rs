//! A real browser (headless Chromium, Debian package `chromium`) loads the
//! page with four synthetic cameras and takes a screenshot once every tile
//! has a picture; the test looks for the test pattern's colour bars in
//! each tile of the 2×2 grid.
//! Without Chromium the test says SKIP and passes.
//!
//! `VIGIE_WEB_SCREENSHOT=path.png` keeps the screenshot (that is how
//! `screenshot/web-4-cameras.png` is made).

mod common;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::{have, start, Format};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::process::Command;
use tokio_tungstenite::tungstenite::Message;
use vigie_camera::TestPattern;
use vigie_net::Protocol;
use vigie_web::WebConfig;

/// The browser window.
const WIDTH: usize = 1280;
const HEIGHT: usize = 720;

fn browser() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| have(b))
}

fn fresh_dir(what: &str) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("vigie-web-{what}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A headless browser showing one page, driven over the DevTools
/// protocol rather than with `--screenshot`: that flag shoots as soon as
/// the page has *loaded*, and pictures that arrive later over the
/// WebSocket may or may not be in the shot.
struct Browser {
    child: tokio::process::Child,
    devtools: DevTools,
    profile: PathBuf,
}

impl Browser {
    async fn open(program: &str, url: &str) -> Browser {
        let profile = fresh_dir("profile");
        let child = Command::new(program)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                "--no-proxy-server",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--window-size={WIDTH},{HEIGHT}"))
            .arg(url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let devtools = DevTools::connect(&profile).await;
        Browser {
            child,
            devtools,
            profile,
        }
    }

    /// Sets the size of the page's viewport, as a desktop or a phone.
    async fn viewport(&mut self, width: usize, height: usize, mobile: bool) {
        let metrics = json!({
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile
        });
        self.devtools
            .call("Emulation.setDeviceMetricsOverride", metrics)
            .await;
    }

    /// The value of a JavaScript expression in the page.
    async fn eval(&mut self, expression: &str) -> Value {
        let params = json!({"expression": expression, "returnByValue": true});
        let mut answer = self.devtools.call("Runtime.evaluate", params).await;
        answer["result"]["value"].take()
    }

    /// Waits (up to 60 s) until `expression` is true.
    async fn wait_until(&mut self, expression: &str) {
        let limit = tokio::time::Instant::now() + Duration::from_secs(60);
        while self.eval(expression).await != json!(true) {
            assert!(
                tokio::time::Instant::now() < limit,
                "the page never had {expression}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn screenshot(&mut self, out: &Path) {
        let shot = self
            .devtools
            .call("Page.captureScreenshot", json!({"format": "png"}))
            .await;
        let png = STANDARD.decode(shot["data"].as_str().unwrap()).unwrap();
        std::fs::write(out, png).unwrap();
    }

    async fn close(mut self) {
        let _ = self.child.kill().await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A DevTools-protocol connection to the browser's first page.
struct DevTools {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    next_id: u64,
}

impl DevTools {
    async fn connect(profile: &Path) -> DevTools {
        // The browser writes the port it chose into DevToolsActivePort.
        let file = profile.join("DevToolsActivePort");
        let port = common::wait_for("the browser's DevTools port", || {
            let text = std::fs::read_to_string(&file).ok()?;
            text.lines().next()?.trim().parse::<u16>().ok()
        })
        .await;
        let list = common::wait_for_async("the browser's page", || async move {
            let url = format!("http://127.0.0.1:{port}/json/list");
            let text = common::http_client()
                .get(url)
                .send()
                .await
                .ok()?
                .text()
                .await
                .ok()?;
            let pages: Value = serde_json::from_str(&text).ok()?;
            let page = pages.as_array()?.iter().find(|p| p["type"] == "page")?;
            Some(page["webSocketDebuggerUrl"].as_str()?.to_owned())
        })
        .await;
        let (socket, _) = tokio_tungstenite::connect_async(list).await.unwrap();
        DevTools { socket, next_id: 1 }
    }

    /// Calls `method` and returns its result.
    async fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let request = json!({"id": id, "method": method, "params": params});
        self.socket
            .send(Message::text(request.to_string()))
            .await
            .unwrap();
        loop {
            let message = tokio::time::timeout(Duration::from_secs(30), self.socket.next())
                .await
                .expect("DevTools answers within 30 s")
                .expect("DevTools stays connected")
                .unwrap();
            let Message::Text(text) = message else {
                continue;
            };
            let mut answer: Value = serde_json::from_str(&text).unwrap();
            if answer["id"] == json!(id) {
                assert!(answer.get("error").is_none(), "{method}: {answer}");
                return answer["result"].take();
            }
        }
    }
}

/// RGB pixels of a PNG file, with its size.
fn read_png(path: &Path) -> (Vec<[u8; 3]>, usize, usize) {
    let data = std::fs::read(path).unwrap();
    let mut decoder = png::Decoder::new(Cursor::new(data));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|p| match channels {
            1 | 2 => [p[0], p[0], p[0]],
            _ => [p[0], p[1], p[2]],
        })
        .collect();
    (pixels, info.width as usize, info.height as usize)
}

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
        eprintln!("SKIP: no headless browser (Debian package `chromium`)");
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
        .register("veranda", "127.0.0.1:9".parse().unwrap(), Protocol::Native)
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
    if let Some(keep) = std::env::var_os("VIGIE_WEB_SCREENSHOT_PHONE") {
        browser.screenshot(Path::new(&keep)).await;
    }
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
