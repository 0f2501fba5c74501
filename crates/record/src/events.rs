//! The event journal: `DIR/events.jsonl`, one JSON object per line.
//!
//! JSON Lines is the simplest journal that survives a crash: an event is
//! *appended*, never rewritten, so a `kill -9` can at worst leave a torn last
//! line, which [`read_recent`] skips. Any tool can read it (`tail`, `jq`),
//! and no database is needed for a few events an hour.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The journal's file name in the recordings directory.
pub const FILE_NAME: &str = "events.jsonl";

/// The events going on now, rewritten whenever one starts, is cut or ends
/// (see [`read_running`]).
pub const RUNNING_FILE: &str = "events-running.json";

/// One motion event, or one segment of a long event, as written to the
/// journal. A long event is cut into segments of the recording's segment
/// length; each gets its line (and its file and thumbnail) when it closes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    /// The camera's name.
    pub camera: String,
    /// RFC 3339 in UTC, to the millisecond: `2026-11-24T10:00:00.123Z`.
    pub start: String,
    /// When the event ended (RFC 3339).
    pub end: String,
    /// The highest motion score of the event (fraction of changed pixels).
    pub peak: f32,
    /// The recording that holds the event's start, relative to DIR with `/`
    /// (see [`crate::store::resolve`]); `None` if none could be written.
    pub file: Option<String>,
    /// The event's thumbnail, relative to DIR, if written.
    pub thumbnail: Option<String>,
    /// When the whole event started: the same on every segment's line.
    /// `None` in journals written before segments (then it is `start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_start: Option<String>,
    /// Which segment of its event this line is, from 1; `None` in old journals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<u32>,
    /// The event goes on after this segment: more lines will follow.
    #[serde(default)]
    pub continues: bool,
}

/// An event still going on, as in [`RUNNING_FILE`]. Its closed segments
/// are already in the journal; the current one is being written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunningEvent {
    /// The camera's name.
    pub camera: String,
    /// When the event started, RFC 3339 (as [`EventRecord::start`]).
    pub start: String,
    /// The segment being written, from 1.
    pub segment: u32,
    /// When the current segment started.
    pub segment_start: String,
    /// The file being written, relative to DIR, once it has a frame.
    pub file: Option<String>,
}

/// The largest running-events file read: a few hundred cameras' worth.
const MAX_RUNNING_BYTES: u64 = 1 << 20;

/// The events going on now, from `DIR/events-running.json`: none if the
/// file is missing, unreadable as JSON, or was left by a recorder that
/// did not stop cleanly (a recorder clears it when it starts).
pub fn read_running(dir: &Path) -> io::Result<Vec<RunningEvent>> {
    let file = match std::fs::File::open(dir.join(RUNNING_FILE)) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut bytes = Vec::new();
    file.take(MAX_RUNNING_BYTES).read_to_end(&mut bytes)?;
    Ok(serde_json::from_slice(&bytes).unwrap_or_default())
}

impl EventRecord {
    /// Seconds from start to end, `None` if a time is not one of ours.
    pub fn duration_s(&self) -> Option<f64> {
        let start = crate::names::parse_rfc3339(&self.start)?;
        let end = crate::names::parse_rfc3339(&self.end)?;
        end.checked_sub(start).map(|us| us as f64 / 1e6)
    }
}

/// Reading only the end of the journal keeps `/api/events` fast however old
/// the journal is: lines are small, so this holds thousands of events.
const TAIL_BYTES: u64 = 4 << 20;

/// The newest `limit` events of `DIR/events.jsonl`, newest first. A missing
/// file is an empty list; torn or invalid lines are skipped.
pub fn read_recent(dir: &Path, limit: usize) -> io::Result<Vec<EventRecord>> {
    let mut file = match std::fs::File::open(dir.join(FILE_NAME)) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    let start = len.saturating_sub(TAIL_BYTES);
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    file.take(len - start).read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines = text.split('\n');
    if start > 0 {
        lines.next(); // we started reading in the middle of a line
    }
    Ok(lines
        .rev()
        .filter_map(|line| serde_json::from_str::<EventRecord>(line.trim()).ok())
        .take(limit)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(i: u32) -> EventRecord {
        EventRecord {
            camera: format!("cam{i}"),
            start: "2026-11-24T10:00:00.123Z".into(),
            end: "2026-11-24T10:00:09.000Z".into(),
            peak: 0.042,
            file: Some("cam/2026-11-24/cam-20261124-095957.mkv".into()),
            thumbnail: None,
            event_start: Some("2026-11-24T10:00:00.123Z".into()),
            segment: Some(1),
            continues: false,
        }
    }

    #[test]
    fn newest_first_and_torn_lines_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(read_recent(tmp.path(), 10).unwrap(), []);
        let mut text = String::new();
        for i in 0..3 {
            text += &serde_json::to_string(&event(i)).unwrap();
            text += "\n";
        }
        text += "not json\n";
        text += &serde_json::to_string(&event(3)).unwrap();
        text += "\n{\"camera\": \"cam4\", \"sta"; // kill -9 mid-line
        std::fs::write(tmp.path().join(FILE_NAME), text).unwrap();

        let got = read_recent(tmp.path(), 10).unwrap();
        let names: Vec<&str> = got.iter().map(|e| e.camera.as_str()).collect();
        assert_eq!(names, ["cam3", "cam2", "cam1", "cam0"]);
        assert_eq!(read_recent(tmp.path(), 2).unwrap(), [event(3), event(2)]);
    }

    #[test]
    fn the_json_has_the_documented_fields() {
        let json: serde_json::Value = serde_json::to_value(event(0)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "camera": "cam0",
                "start": "2026-11-24T10:00:00.123Z",
                "end": "2026-11-24T10:00:09.000Z",
                "peak": 0.042f32,
                "file": "cam/2026-11-24/cam-20261124-095957.mkv",
                "thumbnail": null,
                "event_start": "2026-11-24T10:00:00.123Z",
                "segment": 1,
                "continues": false,
            })
        );
    }

    #[test]
    fn lines_from_before_segments_still_read() {
        let old = r#"{"camera":"a","start":"2026-11-24T10:00:00.123Z","end":"2026-11-24T10:00:09.000Z","peak":0.1,"file":null,"thumbnail":null}"#;
        let record: EventRecord = serde_json::from_str(old).unwrap();
        assert_eq!(
            (record.event_start, record.segment, record.continues),
            (None, None, false)
        );
    }

    #[test]
    fn running_events_read_back_and_garbage_is_none() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(read_running(tmp.path()).unwrap(), []);
        let running = RunningEvent {
            camera: "a".into(),
            start: "2026-11-24T10:00:00.123Z".into(),
            segment: 2,
            segment_start: "2026-11-24T10:05:00.000Z".into(),
            file: Some("a/2026-11-24/a-20261124-100500.mkv".into()),
        };
        let path = tmp.path().join(RUNNING_FILE);
        std::fs::write(&path, serde_json::to_vec(&[&running]).unwrap()).unwrap();
        assert_eq!(read_running(tmp.path()).unwrap(), [running]);
        std::fs::write(&path, b"[{\"camera\": tor").unwrap();
        assert_eq!(read_running(tmp.path()).unwrap(), []);
    }
}
