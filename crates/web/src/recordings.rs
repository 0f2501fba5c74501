//! `/api/events`, `/recordings/…` and `/replay/…`: what happened while
//! nobody watched.
//!
//! When the server records (`vigie server --record DIR`), each motion
//! event is a line of `DIR/events.jsonl`, with the recording that holds it
//! and a thumbnail (see `vigie-record`). This module serves them:
//!
//! | Path | What |
//! |------|------|
//! | `/api/events?limit=N` | the events going on (`running`, see `running`) and the newest closed ones (`events`), newest first, as JSON |
//! | `/recordings/{path}` | a recording (`.mkv`, for VLC or mpv) or a thumbnail (`.jpg`), whole or a byte range |
//! | `/replay/{path}` | a recording played back as MJPEG at its own pace, for an `<img>` (module `replay`) |
//!
//! Paths come from the URL, so from anyone: they are resolved by
//! `vigie_record::store::resolve`, which accepts only existing `.mkv` and
//! `.jpg` files inside the recording folder (no `..`, no absolute path, no
//! symbolic link out of it). Anything else is a plain 404.

use std::io::SeekFrom;
use std::path::PathBuf;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use vigie_record::events::EventRecord;

use crate::lang::Lang;
use crate::range;
use crate::routes::{not_found, App};
use crate::running::{describe_running, RunningJson};

/// The most events one request returns.
pub(crate) const MAX_EVENTS: usize = 1000;

#[derive(Deserialize)]
pub(crate) struct Limit {
    limit: Option<usize>,
}

/// `/api/events`.
#[derive(Serialize)]
struct EventsJson {
    /// Whether this server records at all (without `--record`, no events).
    recording: bool,
    /// The events going on now, newest first, with their closed segments;
    /// absent when the server does not record (nothing can be going on).
    #[serde(skip_serializing_if = "Option::is_none")]
    running: Option<Vec<RunningJson>>,
    events: Vec<EventJson>,
}

/// One event (or closed segment of one), with the URLs the page needs.
#[derive(Serialize)]
pub(crate) struct EventJson {
    #[serde(flatten)]
    pub record: EventRecord,
    /// Seconds between start and end.
    duration_s: Option<f64>,
    /// `/recordings/…` of the file, if it is still on disk.
    pub file_url: Option<String>,
    pub thumbnail_url: Option<String>,
    pub replay_url: Option<String>,
}

pub(crate) async fn events(
    State(app): State<App>,
    lang: Lang,
    Query(limit): Query<Limit>,
) -> Response {
    let limit = limit.limit.unwrap_or(100).min(MAX_EVENTS);
    let Some(dir) = app.recordings.clone() else {
        let doc = EventsJson {
            recording: false,
            running: None,
            events: Vec::new(),
        };
        return ([(header::CACHE_CONTROL, "no-store")], Json(doc)).into_response();
    };
    let read = tokio::task::spawn_blocking(move || {
        // A running event's closed segments may be older than the newest
        // `limit` lines: look further back only when one is going on.
        let running = vigie_record::events::read_running(&dir).unwrap_or_else(|e| {
            tracing::warn!("reading {}: {e}", vigie_record::events::RUNNING_FILE);
            Vec::new()
        });
        let depth = if running.is_empty() {
            limit
        } else {
            MAX_EVENTS
        };
        let mut records = vigie_record::events::read_recent(&dir, depth)?;
        let running = describe_running(&dir, running, &records);
        records.truncate(limit);
        let events = records.into_iter().map(|r| describe(&dir, r)).collect();
        Ok::<_, std::io::Error>((running, events))
    })
    .await;
    match read {
        Ok(Ok((running, events))) => {
            let doc = EventsJson {
                recording: true,
                running: Some(running),
                events,
            };
            ([(header::CACHE_CONTROL, "no-store")], Json(doc)).into_response()
        }
        Ok(Err(e)) => {
            tracing::warn!("reading events.jsonl: {e}");
            let text = lang.say("journal illisible\n", "unreadable journal\n");
            (StatusCode::INTERNAL_SERVER_ERROR, text).into_response()
        }
        Err(e) => {
            tracing::warn!("reading events.jsonl: {e}");
            let text = lang.say("erreur interne\n", "internal error\n");
            (StatusCode::INTERNAL_SERVER_ERROR, text).into_response()
        }
    }
}

/// Adds the URLs of the files that are still there (retention may have
/// deleted an old event's recording while its line stays in the journal).
pub(crate) fn describe(dir: &std::path::Path, record: EventRecord) -> EventJson {
    let present = |rel: &Option<String>| {
        rel.as_deref()
            .filter(|r| url_safe(r) && vigie_record::store::resolve(dir, r).is_some())
            .map(str::to_owned)
    };
    let file = present(&record.file);
    let thumbnail = present(&record.thumbnail);
    EventJson {
        duration_s: record.duration_s(),
        file_url: file.as_ref().map(|f| format!("/recordings/{f}")),
        replay_url: file.as_ref().map(|f| format!("/replay/{f}")),
        thumbnail_url: thumbnail.map(|t| format!("/recordings/{t}")),
        record,
    }
}

/// The recorder names files with letters, digits, `-`, `_`, `.`, `~` (before
/// the hash of a name it had to change) and `/` only, which URLs carry as
/// they are; anything else is not ours and gets no URL.
fn url_safe(relative: &str) -> bool {
    relative
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_./~".contains(&b))
}

/// The file behind a URL path, if it is a recording or thumbnail of ours.
pub(crate) async fn resolve(app: &App, relative: String) -> Option<PathBuf> {
    let dir = app.recordings.clone()?;
    if !url_safe(&relative) {
        return None;
    }
    tokio::task::spawn_blocking(move || vigie_record::store::resolve(&dir, &relative))
        .await
        .ok()
        .flatten()
}

/// `/recordings/{path}`: the file as it is, streamed (recordings can be
/// large: never read whole), or the byte range asked for (see `range`).
pub(crate) async fn file(
    State(app): State<App>,
    lang: Lang,
    headers: HeaderMap,
    Path(relative): Path<String>,
) -> Response {
    let Some(path) = resolve(&app, relative).await else {
        return not_found(lang).await;
    };
    let kind = if path.extension().is_some_and(|e| e == "jpg") {
        "image/jpeg"
    } else {
        "video/x-matroska"
    };
    let Ok(mut file) = tokio::fs::File::open(&path).await else {
        return not_found(lang).await;
    };
    let Ok(len) = file.metadata().await.map(|m| m.len()) else {
        return not_found(lang).await;
    };
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let (status, start, count) = match range::answer(range, len) {
        range::Answer::Whole => (StatusCode::OK, 0, len),
        range::Answer::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
        range::Answer::Unsatisfiable => {
            return (
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{len}"))],
                lang.say("plage hors du fichier\n", "range outside the file\n"),
            )
                .into_response();
        }
    };
    if start > 0 && file.seek(SeekFrom::Start(start)).await.is_err() {
        return not_found(lang).await;
    }
    // `take`: the body ends at the range's last byte, even if the file grows.
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file.take(count)));
    let mut response = (
        status,
        [
            (header::CONTENT_TYPE, kind),
            (header::ACCEPT_RANGES, "bytes"),
        ],
        body,
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_LENGTH, count.into());
    if status == StatusCode::PARTIAL_CONTENT {
        let end = start + count - 1;
        if let Ok(value) = format!("bytes {start}-{end}/{len}").parse() {
            headers.insert(header::CONTENT_RANGE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_names_get_urls() {
        assert!(url_safe("salon/2026-11-24/salon-20261124-100000.mkv"));
        assert!(url_safe(
            "entr_e~11d18227/2026-11-24/entr_e~11d18227-20261124-075540.mkv"
        ));
        assert!(!url_safe("a b.mkv"));
        assert!(!url_safe("x?y.mkv"));
        assert!(!url_safe("é.mkv"));
    }
}
