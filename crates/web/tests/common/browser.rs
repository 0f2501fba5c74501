//! A real browser for the page tests: headless Chromium (Debian package
//! `chromium`) driven over the DevTools protocol. Shared by every test
//! file that looks at the page, so each one only says what it checks.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::process::Command;
use tokio_tungstenite::tungstenite::Message;

/// The browser window.
pub const WIDTH: usize = 1280;
pub const HEIGHT: usize = 720;

/// The first headless browser installed, if any: without one, page tests
/// say SKIP and pass rather than fail on a machine that cannot run them,
/// except in CI, where they fail (see `vigie_testkit`).
pub fn browser() -> Option<&'static str> {
    vigie_testkit::require_one_of(
        &["chromium", "chromium-browser", "google-chrome"],
        "chromium",
    )
}

/// A new empty folder in the temporary directory, unique to this process
/// and moment (two tests in parallel never share a browser profile).
pub fn fresh_dir(what: &str) -> PathBuf {
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
pub struct Browser {
    child: tokio::process::Child,
    devtools: DevTools,
    profile: PathBuf,
}

/// The language the tests' browser asks for, whatever the machine's locale
/// (the page follows `Accept-Language`).
pub const FRENCH: &str = "fr-FR,fr;q=0.9";

impl Browser {
    /// A browser showing `url`, asking for French pages.
    pub async fn open(program: &str, url: &str) -> Browser {
        Browser::open_in(program, url, FRENCH).await
    }

    /// A browser showing `url`, sending `accept_language` with every
    /// request: it starts on a blank page, is told the language, then goes.
    pub async fn open_in(program: &str, url: &str, accept_language: &str) -> Browser {
        let mut browser = Browser::start(program).await;
        let version = browser.call("Browser.getVersion", json!({})).await;
        let agent = json!({
            "userAgent": version["userAgent"],
            "acceptLanguage": accept_language,
        });
        browser.call("Emulation.setUserAgentOverride", agent).await;
        browser.call("Page.navigate", json!({ "url": url })).await;
        browser
    }

    async fn start(program: &str) -> Browser {
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
            .arg("about:blank")
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
    pub async fn viewport(&mut self, width: usize, height: usize, mobile: bool) {
        let metrics = json!({
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile
        });
        self.devtools
            .call("Emulation.setDeviceMetricsOverride", metrics)
            .await;
    }

    /// Calls a DevTools method and returns its result.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        self.devtools.call(method, params).await
    }

    /// The bytes the page received over its WebSockets during `span`
    /// (payloads, as the DevTools protocol reports each frame). Call
    /// [`Browser::watch_network`] first.
    pub async fn websocket_bytes(&mut self, span: Duration) -> usize {
        let frames = self
            .devtools
            .events_for(span, "Network.webSocketFrameReceived")
            .await;
        frames
            .iter()
            .map(|event| {
                let response = &event["params"]["response"];
                let data = response["payloadData"].as_str().unwrap_or("");
                if response["opcode"] == json!(1) {
                    data.len() // text, as it is
                } else {
                    STANDARD.decode(data).map_or(0, |b| b.len())
                }
            })
            .sum()
    }

    /// Starts reporting network events, and reloads the page so that its
    /// WebSocket is one the browser reports on.
    pub async fn watch_network(&mut self) {
        self.call("Network.enable", json!({})).await;
        self.call("Page.reload", json!({})).await;
    }

    /// The value of a JavaScript expression in the page.
    pub async fn eval(&mut self, expression: &str) -> Value {
        let params = json!({"expression": expression, "returnByValue": true});
        let mut answer = self.devtools.call("Runtime.evaluate", params).await;
        answer["result"]["value"].take()
    }

    /// Waits (up to 60 s) until `expression` is true. Not a timing
    /// assertion: a slow machine only makes the test wait longer.
    pub async fn wait_until(&mut self, expression: &str) {
        let limit = tokio::time::Instant::now() + Duration::from_secs(60);
        while self.eval(expression).await != json!(true) {
            assert!(
                tokio::time::Instant::now() < limit,
                "the page never had {expression}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn screenshot(&mut self, out: &Path) {
        let shot = self
            .devtools
            .call("Page.captureScreenshot", json!({"format": "png"}))
            .await;
        let png = STANDARD.decode(shot["data"].as_str().unwrap()).unwrap();
        std::fs::write(out, png).unwrap();
    }

    pub async fn close(mut self) {
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
        let port = super::wait_for("the browser's DevTools port", || {
            let text = std::fs::read_to_string(&file).ok()?;
            text.lines().next()?.trim().parse::<u16>().ok()
        })
        .await;
        let list = super::wait_for_async("the browser's page", || async move {
            let url = format!("http://127.0.0.1:{port}/json/list");
            let text = super::http_client()
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

    /// The events named `method` that arrive during `span`.
    async fn events_for(&mut self, span: Duration, method: &str) -> Vec<Value> {
        let end = tokio::time::Instant::now() + span;
        let mut found = Vec::new();
        while let Ok(message) = tokio::time::timeout_at(end, self.socket.next()).await {
            let message = message.expect("DevTools stays connected").unwrap();
            let Message::Text(text) = message else {
                continue;
            };
            let event: Value = serde_json::from_str(&text).unwrap();
            if event["method"] == json!(method) {
                found.push(event);
            }
        }
        found
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
        // Events the page sends meanwhile (console, network…) are skipped:
        // only the answer with our id matters.
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
pub fn read_png(path: &Path) -> (Vec<[u8; 3]>, usize, usize) {
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
