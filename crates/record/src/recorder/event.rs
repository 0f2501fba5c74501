//! A motion event while it lasts, and the journal lines it leaves.
//!
//! A short event gives one line in `events.jsonl` when it ends. A long one
//! (a camera that always sees motion) would give nothing for as long as it
//! lasts, and one enormous file. So its recording is cut into *segments* of
//! [`crate::RecordConfig::segment`], like continuous recording, and each
//! segment gets its line and its thumbnail as soon as its file is closed:
//! the segment can be replayed and downloaded while the event goes on. The
//! lines of one event share its `event_start`, count their `segment`, and
//! all but the last say `continues`.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use tracing::warn;

use super::camera_recording::create_unique;
use super::Context;
use crate::events::{EventRecord, RunningEvent};
use crate::names::{day_dir, rfc3339, stamp};
use crate::store::relative_name;

/// The event going on, and the part of it in the current segment.
pub(super) struct OpenEvent {
    pub start_us: u64,
    /// 1 for the first segment.
    pub segment: u32,
    /// When the current segment's part of the event began.
    pub segment_start_us: u64,
    /// The highest score in the current segment.
    pub peak: f32,
    /// The best picture of the current segment, and its score.
    pub best: Option<(Option<f32>, Bytes)>,
    /// The file that holds the current segment.
    pub file: Option<PathBuf>,
}

impl OpenEvent {
    pub fn new(start_us: u64) -> OpenEvent {
        OpenEvent {
            start_us,
            segment: 1,
            segment_start_us: start_us,
            peak: 0.0,
            best: None,
            // Filled once the segment's first frame is written.
            file: None,
        }
    }

    /// One more frame of the event, with its score if it was analysed.
    pub fn saw(&mut self, score: Option<f32>, jpeg: &Bytes) {
        self.peak = self.peak.max(score.unwrap_or(0.0));
        let better = match &self.best {
            None => true,
            Some((best, _)) => score.is_some_and(|s| s > best.unwrap_or(f32::MIN)),
        };
        if better {
            self.best = Some((score, jpeg.clone()));
        }
    }

    /// What `events-running.json` says about it.
    pub fn running(&self, camera: &str, dir: &Path) -> RunningEvent {
        RunningEvent {
            camera: camera.to_owned(),
            start: rfc3339(self.start_us),
            segment: self.segment,
            segment_start: rfc3339(self.segment_start_us),
            file: self.file.as_deref().map(|p| relative_name(dir, p)),
        }
    }

    /// Queues the journal line of the current segment, which ended at
    /// `end_us`, with its thumbnail; `continues` if the event goes on.
    pub fn log_segment(
        &self,
        ctx: &mut Context,
        camera: &str,
        folder: Option<&str>,
        end_us: u64,
        continues: bool,
    ) {
        // No folder: no file could be made for the camera, nor a thumbnail.
        let thumbnail = match (&self.best, folder) {
            (Some((_, jpeg)), Some(folder)) => self.write_thumbnail(ctx, camera, folder, jpeg),
            _ => None,
        };
        let dir = &ctx.config.dir;
        let record = EventRecord {
            camera: camera.to_owned(),
            start: rfc3339(self.segment_start_us),
            end: rfc3339(end_us.max(self.segment_start_us)),
            peak: self.peak,
            file: self.file.as_deref().map(|p| relative_name(dir, p)),
            thumbnail: thumbnail.as_deref().map(|p| relative_name(dir, p)),
            event_start: Some(rfc3339(self.start_us)),
            segment: Some(self.segment),
            continues,
        };
        match serde_json::to_string(&record) {
            Ok(line) => ctx.events.push(line),
            Err(e) => warn!("cannot serialize an event: {e}"),
        }
    }

    /// The next segment starts at `at_us`, in a file still to open.
    pub fn next_segment(&mut self, at_us: u64) {
        self.segment += 1;
        self.segment_start_us = at_us;
        self.peak = 0.0;
        self.best = None;
        self.file = None;
    }

    /// `<folder>-<segment start>.jpg` beside the recording: the segment's
    /// best frame, about 160 pixels wide (see `vigie_core::jpeg::thumbnail`).
    fn write_thumbnail(
        &self,
        ctx: &mut Context,
        camera: &str,
        folder: &str,
        jpeg: &[u8],
    ) -> Option<PathBuf> {
        let dir = match self.file.as_deref().and_then(Path::parent) {
            Some(dir) => dir.to_path_buf(),
            None => ctx
                .config
                .dir
                .join(folder)
                .join(day_dir(self.segment_start_us)),
        };
        let base = format!("{folder}-{}", stamp(self.segment_start_us));
        let storage = &mut *ctx.storage;
        let written = storage.create_dir_all(&dir).map_err(|e| (dir.clone(), e));
        let written = written.and_then(|()| create_unique(storage, &dir, &base, "jpg"));
        let (id, path) = match written {
            Ok(created) => created,
            Err((path, e)) => {
                warn!(camera, "cannot write the thumbnail {}: {e}", path.display());
                return None;
            }
        };
        // A small copy, decoded at the DCT scale nearest the page's
        // thumbnail size; the frame as it is if it cannot be made.
        let small = vigie_core::jpeg::thumbnail(jpeg, vigie_core::jpeg::THUMBNAIL_WIDTH);
        let result = storage.append(id, small.as_deref().unwrap_or(jpeg));
        let _ = storage.close(id);
        match result {
            Ok(()) => Some(path),
            Err(e) => {
                warn!(camera, "cannot write the thumbnail {}: {e}", path.display());
                let _ = storage.delete(&path);
                None
            }
        }
    }
}
