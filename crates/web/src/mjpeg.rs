//! `/cameras/{name}/stream.mjpg`: a camera as an MJPEG stream.
//!
//! MJPEG over HTTP is the oldest way to show live video on the web, and
//! still the one that works everywhere: an `<img>` tag in any browser, VLC,
//! ffmpeg, Home Assistant's "MJPEG IP camera", most NVRs. It needs no codec
//! beyond JPEG and no player: the response is one endless
//! `multipart/x-mixed-replace` body, each part a complete JPEG that
//! *replaces* the previous one on screen:
//!
//! ```text
//! HTTP/1.1 200 OK
//! Content-Type: multipart/x-mixed-replace; boundary=vigieframe
//!
//! --vigieframe
//! Content-Type: image/jpeg
//! Content-Length: 41230
//! X-Frame-Sequence: 42
//!
//! <41 230 bytes of JPEG>
//! --vigieframe
//! Content-Type: image/jpeg
//! …
//! ```
//!
//! Each part is followed at once by the next boundary: a browser draws a
//! part only when it sees the boundary that ends it, so sending the
//! boundary *before* each picture, as many servers do, would keep every
//! picture on hold until the next one arrives.
//!
//! The stream is pulled, not pushed: the HTTP layer asks for the next part
//! only when the previous one has gone into the socket, and the socket
//! takes more only when little of it is left unsent (see `server`). So a viewer on a
//! slow link is asked less often, and each time gets the newest frame;
//! frames it had no time for are never queued for it. A reader that stops
//! reading altogether just stops asking: the cameras and the other viewers
//! do not notice.
//!
//! A stream ends when its camera goes offline, and a request for a camera
//! that is offline answers `503` (see `snapshot`): a stream that stayed
//! open and silent would look like a still room to Motion, ffmpeg or Home
//! Assistant, which then never reconnect. Ended, they notice and retry.
//! The state is looked at every [`STATE_CHECK`], not at every frame: it
//! costs a copy of the registry's list of cameras.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::stream::{self, StreamExt};
use tokio::sync::watch;
use vigie_hub::CameraState;

use crate::jpeg_cache::FrameKey;
use crate::lang::Lang;
use crate::metrics::{ViewerGuard, ViewerKind};
use crate::routes::{unknown_camera, App};
use crate::snapshot::{camera_view, unavailable};

/// How often a stream looks whether its camera is still there, when no
/// frame comes (a camera silent past `offline_after` sends no news).
pub(crate) const STATE_CHECK: Duration = Duration::from_millis(500);

/// The separator between parts (any string that cannot occur in the parts'
/// headers would do; JPEG data is delimited by Content-Length anyway).
pub(crate) const BOUNDARY: &str = "vigieframe";

pub(crate) async fn stream(
    State(app): State<App>,
    lang: Lang,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let Some(name) = app.known_camera(path) else {
        return unknown_camera(lang);
    };
    match camera_view(&app, &name) {
        None => return unknown_camera(lang),
        Some(view) if view.state == CameraState::Offline => return unavailable(lang, &view),
        Some(_) => {}
    }
    let viewer = Viewer {
        changes: app.registry.subscribe(),
        _guard: app.metrics.viewer(ViewerKind::Mjpeg),
        app,
        name,
        sent: None,
        checks: state_checks(),
    };
    let opening = stream::once(async { Bytes::from(format!("--{BOUNDARY}\r\n")) });
    let parts = stream::unfold(viewer, |mut v| async move {
        let part = v.next_part().await?;
        Some((stream::iter(part), v))
    })
    .flatten();
    let body = Body::from_stream(opening.chain(parts).map(Ok::<_, Infallible>));
    (
        [
            (
                header::CONTENT_TYPE,
                format!("multipart/x-mixed-replace; boundary={BOUNDARY}"),
            ),
            (header::CACHE_CONTROL, "no-cache, no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// One MJPEG viewer: which camera, and which frame it sent last.
struct Viewer {
    app: App,
    name: String,
    changes: watch::Receiver<u64>,
    sent: Option<FrameKey>,
    /// When to look at the camera's state next.
    checks: tokio::time::Interval,
    _guard: ViewerGuard,
}

impl Viewer {
    /// Waits for a frame this viewer has not sent, and returns it as a
    /// part: `None` ends the stream (the camera went offline or the server
    /// is stopping).
    async fn next_part(&mut self) -> Option<[Bytes; 3]> {
        loop {
            // Mark the change counter as seen *before* looking, so that a
            // frame arriving right after the look still wakes us up.
            self.changes.borrow_and_update();
            if let Some(frame) = self.app.registry.latest(&self.name) {
                let key = FrameKey::of(&frame);
                if self.sent != Some(key) {
                    self.sent = Some(key);
                    match self.app.cache.jpeg(&frame).await {
                        Ok(jpeg) => return Some(part(jpeg, frame.sequence())),
                        Err(e) => tracing::debug!(camera = %self.name, "mjpeg: {e}"),
                    }
                }
            }
            tokio::select! {
                _ = self.app.shutdown.cancelled() => return None,
                changed = self.changes.changed() => changed.ok()?,
                _ = self.checks.tick() => {
                    if !self.still_there() {
                        return None;
                    }
                }
            }
        }
    }

    /// Whether the camera is known and not offline.
    fn still_there(&self) -> bool {
        camera_view(&self.app, &self.name).is_some_and(|v| v.state != CameraState::Offline)
    }
}

/// Ticks every [`STATE_CHECK`], the first one a period from now (the
/// state was just looked at); a busy moment delays them, never bunches them.
fn state_checks() -> tokio::time::Interval {
    let start = tokio::time::Instant::now() + STATE_CHECK;
    let mut checks = tokio::time::interval_at(start, STATE_CHECK);
    checks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    checks
}

/// A part: its headers, the JPEG (shared, not copied) and the boundary
/// that ends it.
pub(crate) fn part(jpeg: Bytes, sequence: u64) -> [Bytes; 3] {
    let head = format!(
        "Content-Type: image/jpeg\r\nContent-Length: {}\r\nX-Frame-Sequence: {sequence}\r\n\r\n",
        jpeg.len()
    );
    [
        Bytes::from(head),
        jpeg,
        Bytes::from(format!("\r\n--{BOUNDARY}\r\n")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_is_headers_jpeg_and_the_next_boundary() {
        let jpeg = Bytes::from_static(&[0xFF, 0xD8, 0xFF, 0xD9]);
        let [head, body, tail] = part(jpeg.clone(), 42);
        assert_eq!(
            &head[..],
            b"Content-Type: image/jpeg\r\nContent-Length: 4\r\nX-Frame-Sequence: 42\r\n\r\n"
        );
        assert_eq!(body.as_ptr(), jpeg.as_ptr(), "the JPEG is shared");
        assert_eq!(&tail[..], b"\r\n--vigieframe\r\n");
    }
}
