//! `/cameras/{name}/snapshot.jpg`, and how a tool tells a dead camera
//! from a still room.
//!
//! Home Assistant, Motion and ffmpeg poll the snapshot or read the stream;
//! none of them reads vigie's JSON. If a camera that went away kept
//! answering `200` with its last picture, they would show a still room
//! forever. So the HTTP answers themselves say it:
//!
//! - a camera that is not online (`stale`: connected but silent; `offline`:
//!   gone) answers **503** with `Retry-After` and a one-line body naming
//!   its state, and an `X-Vigie-Camera-State` header for scripts;
//! - every snapshot carries `Last-Modified` (when its frame arrived, by the
//!   server's clock: the camera's own clock may be wrong) and
//!   `X-Vigie-Frame-Age-Ms` (how old it is, in milliseconds), so that a
//!   poller can judge freshness itself;
//! - the MJPEG stream (see `mjpeg`) answers 503 to a request for an offline
//!   camera, and ends when its camera goes offline, so that its reader
//!   notices and reconnects.

use std::time::{Duration, SystemTime};

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use vigie_hub::{CameraState, CameraView};

use crate::lang::Lang;
use crate::routes::{unknown_camera, App};

/// How old the picture is, in milliseconds.
pub(crate) const FRAME_AGE: HeaderName = HeaderName::from_static("x-vigie-frame-age-ms");

/// `online`, `stale` or `offline`.
pub(crate) const CAMERA_STATE: HeaderName = HeaderName::from_static("x-vigie-camera-state");

/// One camera as the registry sees it now (`None`: unknown).
pub(crate) fn camera_view(app: &App, name: &str) -> Option<CameraView> {
    // The registry copies every camera's view; that is a few hundred bytes
    // each, and this runs once per request or once per second per stream.
    app.registry.snapshot().into_iter().find(|v| v.name == name)
}

/// The `503 Service Unavailable` of a camera that has no live picture.
pub(crate) fn unavailable(lang: Lang, view: &CameraView) -> Response {
    let since = whole_seconds(view.state_for);
    let (retry, text) = match view.state {
        CameraState::Offline => (
            "5",
            match lang {
                Lang::Fr => format!(
                    "caméra {} : offline (hors ligne depuis {since})\n",
                    view.name
                ),
                Lang::En => format!("camera {}: offline (for {since})\n", view.name),
            },
        ),
        CameraState::Stale => (
            "2",
            match lang {
                Lang::Fr => format!("caméra {} : stale (figée depuis {since})\n", view.name),
                Lang::En => format!("camera {}: stale (no frame for {since})\n", view.name),
            },
        ),
        CameraState::Online => (
            "1",
            match lang {
                Lang::Fr => format!("caméra {} : online, pas encore d'image\n", view.name),
                Lang::En => format!("camera {}: online, no picture yet\n", view.name),
            },
        ),
    };
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::RETRY_AFTER, retry),
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        ],
        text,
    )
        .into_response();
    describe(&mut response, view);
    response
}

/// Adds the state, the frame's age and its time to a response.
fn describe(response: &mut Response, view: &CameraView) {
    let headers = response.headers_mut();
    headers.insert(
        CAMERA_STATE,
        HeaderValue::from_static(match view.state {
            CameraState::Online => "online",
            CameraState::Stale => "stale",
            CameraState::Offline => "offline",
        }),
    );
    let Some(age) = view.last_frame_age else {
        return;
    };
    headers.insert(FRAME_AGE, HeaderValue::from(age.as_millis() as u64));
    let arrived = SystemTime::now()
        .checked_sub(age)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(arrived)) {
        headers.insert(header::LAST_MODIFIED, date);
    }
}

/// `12 s`, `3 min 05 s`: the page's way of writing a duration.
fn whole_seconds(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {:02} s", s / 60, s % 60)
    }
}

pub(crate) async fn snapshot(
    State(app): State<App>,
    lang: Lang,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let Some(name) = app.known_camera(path) else {
        return unknown_camera(lang);
    };
    let Some(view) = camera_view(&app, &name) else {
        return unknown_camera(lang);
    };
    let frame = match (&view.latest, view.state) {
        (Some(frame), CameraState::Online) => frame,
        _ => return unavailable(lang, &view),
    };
    match app.cache.jpeg(frame).await {
        Ok(jpeg) => {
            let mut response = (
                [
                    (header::CONTENT_TYPE, "image/jpeg"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                jpeg,
            )
                .into_response();
            describe(&mut response, &view);
            response
        }
        Err(e) => {
            tracing::warn!(camera = %name, "snapshot: {e}");
            let text = lang.say("image illisible\n", "unreadable picture\n");
            (StatusCode::INTERNAL_SERVER_ERROR, text).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_on_the_page() {
        assert_eq!(whole_seconds(Duration::from_millis(12_900)), "12 s");
        assert_eq!(whole_seconds(Duration::from_secs(185)), "3 min 05 s");
    }
}
