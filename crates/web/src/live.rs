//! `/ws`: the page's live feed, every camera over one WebSocket.
//!
//! Why not one `<img src="stream.mjpg">` per tile? A browser opens at most
//! six HTTP/1.1 connections to one host, and an MJPEG stream holds its
//! connection forever: the seventh camera would never load, and neither
//! would anything else from the server. One WebSocket carries them all.
//!
//! The server sends two kinds of messages:
//! - **binary**, one per frame: `01`, the camera name's length (one byte),
//!   the name in UTF-8, then the JPEG file;
//! - **text**, once a second: the `/api/cameras` document with
//!   `"type": "state"`, from which the page draws captions and states.
//!
//! and the page sends two kinds of **text** message:
//! - a camera's name, once it has *drawn* that camera's picture (below);
//! - `{"select": ["garage"]}` to receive only the cameras it shows (one
//!   camera enlarged alone), `{"select": null}` to receive all of them
//!   again. A page that shows one camera of nine then costs the network
//!   one camera, not nine. `/ws?cameras=garage,cour` selects from the
//!   start, for a page or a script that wants only some cameras.
//!
//! Each picture's answer matters: until it comes, that camera gets no new
//! frame (for at most [`ACK_TIMEOUT`]). That is the pacing: a phone that
//! decodes 3 pictures a second receives 3 per camera, always the newest,
//! instead of a growing pile it would chew through late. The socket gives
//! the same pacing for a slow network: a send waits until the data is in
//! the kernel's buffer, and meanwhile newer frames simply replace older ones
//! in the registry.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use axum::extract::rejection::QueryRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::{BufMut, Bytes, BytesMut};
use serde::{Deserialize, Serialize};
use vigie_core::frame::MAX_NAME_LEN;

use crate::api::CamerasJson;
use crate::jpeg_cache::FrameKey;
use crate::lang::Lang;
use crate::metrics::ViewerKind;
use crate::routes::App;

/// How long a camera waits for the page to say it drew the last picture
/// before it is sent a new one anyway (a lost answer must not freeze it).
pub(crate) const ACK_TIMEOUT: Duration = Duration::from_secs(3);

/// How often the state document goes out.
const STATE_EVERY: Duration = Duration::from_secs(1);

/// The first byte of a frame message.
pub(crate) const FRAME_MESSAGE: u8 = 1;

/// The most cameras one selection names (more than a server holds).
pub(crate) const MAX_SELECTED: usize = 256;

/// `/ws?cameras=a,b`.
#[derive(Deserialize)]
pub(crate) struct WsQuery {
    cameras: Option<String>,
}

/// `{"select": ["a", "b"]}` or `{"select": null}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SelectMessage {
    select: Option<Vec<String>>,
}

/// Which cameras a page receives: `None` is all of them.
type Selection = Option<HashSet<String>>;

/// Keeps the names that can be camera names, at most [`MAX_SELECTED`].
fn selection<'a>(names: impl IntoIterator<Item = &'a str>) -> HashSet<String> {
    names
        .into_iter()
        .filter(|n| !n.is_empty() && n.len() <= MAX_NAME_LEN)
        .take(MAX_SELECTED)
        .map(str::to_owned)
        .collect()
}

pub(crate) async fn upgrade(
    State(app): State<App>,
    lang: Lang,
    headers: HeaderMap,
    query: Result<Query<WsQuery>, QueryRejection>,
    ws: WebSocketUpgrade,
) -> Response {
    if !same_origin(&headers) {
        let text = lang.say("origine refusée\n", "origin refused\n");
        return (StatusCode::FORBIDDEN, text).into_response();
    }
    ws.max_message_size(64 * 1024)
        .on_upgrade(move |socket| async move {
            let _guard = app.metrics.viewer(ViewerKind::WebSocket);
            let mut feed = Feed::new(app);
            if let Ok(Query(WsQuery {
                cameras: Some(list),
            })) = query
            {
                feed.selected = Some(selection(list.split(',')));
            }
            if let Err(e) = feed.run(socket).await {
                tracing::debug!("websocket viewer gone: {e}");
            }
        })
}

/// A WebSocket is not bound by the same-origin policy: any page the user
/// visits could open one to this server and watch the cameras with the
/// user's saved password. Browsers always send `Origin`, so a connection
/// from another site is refused; clients that are not browsers send none.
///
/// The origin must be the page's own: same scheme, host and port as the
/// request (`http://192.168.1.20:8080` for `Host: 192.168.1.20:8080`; the
/// scheme is `https` behind a TLS proxy that says so in
/// `X-Forwarded-Proto`). A different port is a different site: another
/// program on the same machine must not watch either.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let text = |name| {
        headers
            .get(name)
            .and_then(|h: &HeaderValue| h.to_str().ok())
    };
    let scheme = match text("x-forwarded-proto") {
        Some(p) if p.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    };
    let Some(host) = text(header::HOST.as_str()).and_then(|h| authority(h, scheme)) else {
        return false;
    };
    let origin = origin.to_str().ok().and_then(|o| o.split_once("://"));
    match origin {
        Some((origin_scheme, rest)) if origin_scheme.eq_ignore_ascii_case(scheme) => {
            authority(rest, scheme) == Some(host)
        }
        _ => false,
    }
}

/// `Name:8080` → (`name`, 8080); without a port, the scheme's.
fn authority(text: &str, scheme: &str) -> Option<(String, u16)> {
    let name = crate::host::strip_port(text);
    let port = match &text[name.len()..] {
        "" => {
            if scheme == "https" {
                443
            } else {
                80
            }
        }
        colon_port => colon_port.strip_prefix(':')?.parse().ok()?,
    };
    if name.is_empty() || name.contains(['/', '@', '?', '#']) {
        return None;
    }
    Some((name.to_ascii_lowercase(), port))
}

#[derive(Serialize)]
struct StateMessage {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    doc: CamerasJson,
}

/// One page's feed.
struct Feed {
    app: App,
    /// The cameras, as of the last state message.
    names: Vec<String>,
    /// The last frame sent to this page, per camera.
    sent: HashMap<String, FrameKey>,
    /// Cameras whose last picture the page has not drawn yet, and since when.
    waiting: HashMap<String, Instant>,
    /// The cameras the page shows.
    selected: Selection,
}

type WsResult = Result<(), axum::Error>;

impl Feed {
    fn new(app: App) -> Feed {
        Feed {
            app,
            names: Vec::new(),
            sent: HashMap::new(),
            waiting: HashMap::new(),
            selected: None,
        }
    }

    async fn run(mut self, mut socket: WebSocket) -> WsResult {
        let mut changes = self.app.registry.subscribe();
        let mut ticks = tokio::time::interval(STATE_EVERY);
        // A page that was slow to take a state gets the next one a period
        // later, not a burst of the ones it missed.
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let shutdown = self.app.shutdown.clone();
        loop {
            // Sending can wait on a slow page: the shutdown must not.
            tokio::select! {
                _ = shutdown.cancelled() => break,
                sent = self.send_frames(&mut socket) => sent?,
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = ticks.tick() => {
                    tokio::select! {
                        _ = shutdown.cancelled() => break,
                        sent = self.send_state(&mut socket) => sent?,
                    }
                }
                changed = changes.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    changes.borrow_and_update();
                }
                message = socket.recv() => match message {
                    Some(Ok(Message::Text(text))) => self.on_text(text.as_str()),
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Ok(()),
                    Some(Ok(_)) => {}
                },
            }
        }
        // Best effort: the page may already be gone.
        let _ = socket.send(Message::Close(None)).await;
        Ok(())
    }

    /// A drawn picture's answer, or a selection.
    fn on_text(&mut self, text: &str) {
        if text.starts_with('{') {
            if let Ok(SelectMessage { select }) = serde_json::from_str(text) {
                self.selected = select.map(|names| selection(names.iter().map(String::as_str)));
                return;
            }
        }
        self.waiting.remove(text);
    }

    fn shows(&self, name: &str) -> bool {
        self.selected.as_ref().is_none_or(|s| s.contains(name))
    }

    /// The state document; also refreshes the list of cameras and forgets
    /// answers that never came.
    async fn send_state(&mut self, socket: &mut WebSocket) -> WsResult {
        let doc = CamerasJson::now(&self.app);
        self.names = doc.cameras.iter().map(|c| c.name.clone()).collect();
        let known: HashSet<&String> = self.names.iter().collect();
        self.sent.retain(|name, _| known.contains(name));
        self.waiting
            .retain(|name, since| known.contains(name) && since.elapsed() < ACK_TIMEOUT);
        let text = serde_json::to_string(&StateMessage { kind: "state", doc })
            .map_err(axum::Error::new)?;
        socket.send(Message::Text(text.into())).await
    }

    /// The newest frame of every camera whose last picture was drawn, if
    /// this page has not had it yet.
    async fn send_frames(&mut self, socket: &mut WebSocket) -> WsResult {
        for name in self.names.clone() {
            if self.waiting.contains_key(&name) || !self.shows(&name) {
                continue;
            }
            let Some(frame) = self.app.registry.latest(&name) else {
                continue;
            };
            let key = FrameKey::of(&frame);
            if self.sent.get(&name) == Some(&key) {
                continue;
            }
            self.sent.insert(name.clone(), key);
            let jpeg = match self.app.cache.jpeg(&frame).await {
                Ok(jpeg) => jpeg,
                Err(e) => {
                    tracing::debug!(camera = %name, "websocket: {e}");
                    continue;
                }
            };
            socket
                .send(Message::Binary(frame_message(&name, &jpeg)))
                .await?;
            self.waiting.insert(name, Instant::now());
        }
        Ok(())
    }
}

/// `01`, name length, name, JPEG.
pub(crate) fn frame_message(name: &str, jpeg: &[u8]) -> Bytes {
    // Names are at most 64 bytes (vigie_core::frame::MAX_NAME_LEN).
    let name = &name.as_bytes()[..name.len().min(255)];
    let mut message = BytesMut::with_capacity(2 + name.len() + jpeg.len());
    message.put_u8(FRAME_MESSAGE);
    message.put_u8(name.len() as u8);
    message.put_slice(name);
    message.put_slice(jpeg);
    message.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_message_is_tagged_with_its_camera() {
        let m = frame_message("salon", &[0xFF, 0xD8, 0xFF, 0xD9]);
        assert_eq!(&m[..], b"\x01\x05salon\xFF\xD8\xFF\xD9");
    }

    #[test]
    fn a_selection_keeps_only_what_can_be_a_camera_name() {
        let long = "x".repeat(MAX_NAME_LEN + 1);
        let picked = selection(["garage", "", &long, "cour"]);
        assert_eq!(picked.len(), 2);
        assert!(picked.contains("garage") && picked.contains("cour"));
        let many: Vec<String> = (0..10_000).map(|i| format!("c{i}")).collect();
        assert_eq!(
            selection(many.iter().map(String::as_str)).len(),
            MAX_SELECTED
        );
    }

    #[test]
    fn other_sites_cannot_open_the_feed() {
        let headers = |origin: Option<&'static str>| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, HeaderValue::from_static("192.168.1.20:8080"));
            if let Some(o) = origin {
                h.insert(header::ORIGIN, HeaderValue::from_static(o));
            }
            h
        };
        assert!(same_origin(&headers(None)));
        assert!(same_origin(&headers(Some("http://192.168.1.20:8080"))));
        assert!(!same_origin(&headers(Some("http://evil.example"))));
        assert!(!same_origin(&headers(Some("http://192.168.1.20:9999"))));
        assert!(!same_origin(&headers(Some("null"))));
        assert!(!same_origin(&headers(Some("https://192.168.1.20:8080"))));
        assert!(!same_origin(&headers(Some("http://192.168.1.20"))));
        assert!(!same_origin(&headers(Some(
            "http://192.168.1.20:8080/path"
        ))));
        assert!(same_origin(&headers(Some("HTTP://192.168.1.20:8080"))));
    }

    #[test]
    fn default_ports_count_as_written() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("cams.example"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://cams.example:80"),
        );
        assert!(same_origin(&h));
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(!same_origin(&h), "an http page behind an https proxy");
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://cams.example"),
        );
        assert!(same_origin(&h));
    }
}
