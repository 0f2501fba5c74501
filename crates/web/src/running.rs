//! The events going on now, in `/api/events`: `"running"`.
//!
//! A journal line is written when a segment *closes*, so an event that
//! goes on (a camera that always sees motion) would be invisible until it
//! ends, maybe hours later. The recorder keeps a second, tiny file,
//! `DIR/events-running.json`, rewritten whenever an event starts, is cut
//! or ends (see `vigie_record::events::read_running`). This module joins
//! the two: each running event comes with its start, the segment being
//! written, and the segments of it that are already closed, which are
//! ordinary journal lines, so they replay and download like any event.
//!
//! Why not give the URL of the file being written? It grows while it is
//! read, and its index is written only when it closes: a download would be
//! a cut file, and a replay would stop at whatever was on disk. The live
//! view is for now; the closed segments are for what just happened.

use std::path::Path;

use serde::Serialize;
use vigie_record::events::{EventRecord, RunningEvent};

use crate::recordings::{describe, EventJson};

/// The most running events listed: one per camera, and no server has more
/// cameras than this.
pub(crate) const MAX_RUNNING: usize = 1000;

/// One event going on, as `/api/events` lists it.
#[derive(Serialize)]
pub(crate) struct RunningJson {
    pub camera: String,
    /// When the event started (RFC 3339, UTC, as `start` in the journal).
    pub start: String,
    /// The segment being written now, from 1.
    pub segment: u32,
    /// When that segment started.
    pub segment_start: String,
    /// The closed segments of this event found among the journal lines
    /// read, newest first, each with its URLs (`replay_url`, `file_url`,
    /// `thumbnail_url`), as in `events`.
    pub segments: Vec<EventJson>,
}

/// The running events, newest first, each with its closed segments taken
/// from `journal` (the newest lines of `events.jsonl`, newest first).
pub(crate) fn describe_running(
    dir: &Path,
    running: Vec<RunningEvent>,
    journal: &[EventRecord],
) -> Vec<RunningJson> {
    let mut list: Vec<RunningJson> = running
        .into_iter()
        .take(MAX_RUNNING)
        .map(|event| {
            let segments = journal
                .iter()
                .filter(|r| is_segment_of(r, &event))
                .map(|r| describe(dir, r.clone()))
                .collect();
            RunningJson {
                camera: event.camera,
                start: event.start,
                segment: event.segment,
                segment_start: event.segment_start,
                segments,
            }
        })
        .collect();
    // RFC 3339 in UTC with a fixed width sorts as text.
    list.sort_by(|a, b| b.start.cmp(&a.start).then(a.camera.cmp(&b.camera)));
    list
}

/// A journal line is a closed segment of a running event when it names
/// the same camera and event start, and says the event goes on.
fn is_segment_of(record: &EventRecord, event: &RunningEvent) -> bool {
    record.camera == event.camera
        && record.continues
        && record.event_start.as_deref() == Some(event.start.as_str())
        && record.segment.is_some_and(|s| s < event.segment)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(camera: &str, event_start: &str, segment: u32, continues: bool) -> EventRecord {
        EventRecord {
            camera: camera.into(),
            start: event_start.into(),
            end: event_start.into(),
            peak: 0.1,
            file: None,
            thumbnail: None,
            event_start: Some(event_start.into()),
            segment: Some(segment),
            continues,
        }
    }

    fn running(camera: &str, start: &str, segment: u32) -> RunningEvent {
        RunningEvent {
            camera: camera.into(),
            start: start.into(),
            segment,
            segment_start: start.into(),
            file: None,
        }
    }

    #[test]
    fn only_the_closed_segments_of_the_same_event_are_joined() {
        let t1 = "2026-11-24T10:00:00.000Z";
        let t2 = "2026-11-24T11:00:00.000Z";
        let journal = [
            line("salon", t2, 2, true),
            line("salon", t2, 1, true),
            line("cour", t2, 1, true),   // another camera
            line("salon", t1, 1, false), // an earlier event, ended
        ];
        let got = describe_running(
            Path::new("/nonexistent"),
            vec![running("cour", t1, 1), running("salon", t2, 3)],
            &journal,
        );
        // Newest first.
        assert_eq!(got[0].camera, "salon");
        let segments: Vec<_> = got[0].segments.iter().map(|s| s.record.segment).collect();
        assert_eq!(segments, [Some(2), Some(1)]);
        // Files that are not on disk get no URL.
        assert!(got[0].segments[0].replay_url.is_none());
        // cour's event started at t1: the t2 line belongs to another one.
        assert_eq!(got[1].camera, "cour");
        assert!(got[1].segments.is_empty());
    }
}
