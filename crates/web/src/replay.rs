//! `/replay/{path}`: a recording played back as MJPEG, at its own pace.
//!
//! Why MJPEG? The files are MJPEG in Matroska: every player reads them,
//! but browsers do not (they play H.264, VP9, AV1 in a `<video>`).
//! Re-encoding would cost a lot of CPU for a page that is rarely opened;
//! sending the recorded JPEGs one by one, at the times they were recorded,
//! costs nothing and works in every browser: the same multipart stream as
//! the live view (see `mjpeg`).
//!
//! Two limits keep replays cheap, whoever asks for them:
//! - the file is **streamed**: frames are read from disk one at a time,
//!   when they are due ([`vigie_record::mkv::FrameReader`]), so a replay
//!   holds one frame in memory, never the file. A 300 MB segment replays
//!   like a 3 MB one, and forty replays cost forty frames;
//! - at most [`WebConfig::max_replays`](crate::WebConfig::max_replays)
//!   play at once: the next ones get 503 with `Retry-After`. Each replay
//!   reads the disk for as long as it plays, and a household rarely
//!   watches more than a couple of events at the same time.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::stream::{self, StreamExt};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use vigie_record::mkv::FrameReader;

use crate::lang::Lang;
use crate::metrics::{ViewerGuard, ViewerKind};
use crate::mjpeg::{part, BOUNDARY};
use crate::recordings::resolve;
use crate::routes::{not_found, App};

/// Replays played at once by default.
pub const MAX_REPLAYS: usize = 8;

/// The seconds a refused replay is told to wait.
const RETRY_AFTER: &str = "5";

/// One replay under way: the file, where it is in it, and its slot.
struct Playback {
    reader: Option<FrameReader>,
    /// Recording time of the first frame, and when it was sent.
    first_ms: Option<u64>,
    started: Instant,
    sent: u64,
    shutdown: tokio_util::sync::CancellationToken,
    _slot: OwnedSemaphorePermit,
    _viewer: ViewerGuard,
}

impl Playback {
    /// The next frame as a part, when it is due; `None` ends the stream
    /// (the end of the file, an error, or the server stopping).
    async fn next_part(&mut self) -> Option<[Bytes; 3]> {
        let mut reader = self.reader.take()?;
        // Reading is a blocking file read: off the async threads.
        let (reader, frame) = tokio::task::spawn_blocking(move || {
            let frame = reader.next_frame();
            (reader, frame)
        })
        .await
        .ok()?;
        let frame = match frame {
            Ok(Some(frame)) => frame,
            Ok(None) => return None,
            Err(e) => {
                tracing::warn!("replay: {e}");
                return None;
            }
        };
        self.reader = Some(reader);
        let first_ms = *self.first_ms.get_or_insert(frame.at_ms);
        let due = self.started + Duration::from_millis(frame.at_ms.saturating_sub(first_ms));
        tokio::select! {
            _ = self.shutdown.cancelled() => return None,
            _ = tokio::time::sleep_until(due) => {}
        }
        self.sent += 1;
        Some(part(frame.jpeg, self.sent - 1))
    }
}

/// `/replay/{path}`: the recording's frames as MJPEG, each sent at its
/// recorded time, then the stream ends (the `<img>` keeps the last one).
pub(crate) async fn replay(
    State(app): State<App>,
    lang: Lang,
    Path(relative): Path<String>,
) -> Response {
    let Some(path) = resolve(&app, relative).await else {
        return not_found(lang).await;
    };
    if path.extension().is_none_or(|e| e != "mkv") {
        return not_found(lang).await;
    }
    let Ok(slot) = Arc::clone(&app.replays).try_acquire_owned() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, RETRY_AFTER)],
            lang.say(
                "trop de relectures en même temps, réessayez dans un instant\n",
                "too many replays at once, try again in a moment\n",
            ),
        )
            .into_response();
    };
    let reader = match tokio::task::spawn_blocking(move || FrameReader::open(&path)).await {
        Ok(Ok(reader)) => reader,
        Ok(Err(e)) => {
            tracing::warn!("replay: {e}");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                lang.say("enregistrement illisible\n", "unreadable recording\n"),
            )
                .into_response();
        }
        Err(_) => {
            let text = lang.say("erreur interne\n", "internal error\n");
            return (StatusCode::INTERNAL_SERVER_ERROR, text).into_response();
        }
    };
    let playback = Playback {
        reader: Some(reader),
        first_ms: None,
        started: Instant::now(),
        sent: 0,
        shutdown: app.shutdown.clone(),
        _slot: slot,
        // Counted as a viewer for as long as the stream lives.
        _viewer: app.metrics.viewer(ViewerKind::Mjpeg),
    };
    let opening = stream::once(async { Bytes::from(format!("--{BOUNDARY}\r\n")) });
    let parts = stream::unfold(playback, |mut p| async move {
        let part = p.next_part().await?;
        Some((stream::iter(part), p))
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

/// The semaphore of [`App::replays`].
pub(crate) fn slots(max: usize) -> Arc<Semaphore> {
    Arc::new(Semaphore::new(max.max(1)))
}
