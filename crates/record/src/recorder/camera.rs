//! The recording state of one camera: its pre-roll, its open file, its
//! open event, and its last disk error.

use std::io;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use tracing::{debug, error, info, warn};

use crate::events::EventRecord;
use crate::mkv::MkvMuxer;
use crate::names::{day_dir, rfc3339, safe_camera, stamp};
use crate::ring::{Buffered, PreRoll};
use crate::store::{relative_name, FileId, Storage};
use crate::{MotionSample, RecordConfig, RecordMode, RecordingStatus};

/// What a camera borrows from the recorder while it works.
pub(super) struct Ctx<'a> {
    pub config: &'a RecordConfig,
    pub storage: &'a mut dyn Storage,
    /// One cluster at a time, reused so that writing allocates nothing.
    pub buf: &'a mut Vec<u8>,
    /// Event lines to append to events.jsonl.
    pub events: &'a mut Vec<String>,
    /// A file was closed: time to check the disk budget.
    pub retention_due: &'a mut bool,
}

struct OpenFile {
    id: FileId,
    path: PathBuf,
    start_us: u64,
    muxer: MkvMuxer,
}

struct OpenEvent {
    start_us: u64,
    peak: f32,
    /// The best picture so far for the thumbnail, and its score.
    best: Option<(Option<f32>, Bytes)>,
    /// The recording that holds the event's start.
    file: Option<PathBuf>,
}

struct Failure {
    message: String,
    retry_at_us: u64,
}

pub(super) struct Camera {
    name: String,
    safe: String,
    ring: PreRoll,
    file: Option<OpenFile>,
    event: Option<OpenEvent>,
    in_event: bool,
    /// Motion mode: the open file closes after this time, unless an event
    /// starts again first.
    post_roll_until: Option<u64>,
    failure: Option<Failure>,
}

impl Camera {
    pub fn new(name: &str, config: &RecordConfig) -> Camera {
        Camera {
            name: name.to_owned(),
            safe: safe_camera(name),
            ring: PreRoll::new(config.pre_roll.as_micros() as u64, config.max_buffer_bytes),
            file: None,
            event: None,
            in_event: false,
            post_roll_until: None,
            failure: None,
        }
    }

    pub fn status(&self) -> RecordingStatus {
        RecordingStatus {
            recording: self.file.is_some(),
            error: self.failure.as_ref().map(|f| f.message.clone()),
        }
    }

    pub fn buffered_bytes(&self) -> usize {
        self.ring.bytes()
    }

    pub fn open_path(&self) -> Option<&Path> {
        self.file.as_ref().map(|f| f.path.as_path())
    }

    /// One frame, already JPEG, with what the detector said about it.
    pub fn push(&mut self, ctx: &mut Ctx, frame: Buffered, motion: Option<MotionSample>) {
        let now = frame.at_us;
        let was = self.in_event;
        if let Some(m) = motion {
            self.in_event = m.in_event;
        }
        if self.in_event && !was {
            self.event = Some(OpenEvent {
                start_us: now,
                peak: 0.0,
                best: None,
                // Filled once the event's first frame is written.
                file: None,
            });
            self.post_roll_until = None;
        }
        if let Some(event) = &mut self.event {
            let score = motion.map(|m| m.score);
            event.peak = event.peak.max(score.unwrap_or(0.0));
            let better = match &event.best {
                None => true,
                Some((best, _)) => score.is_some_and(|s| s > best.unwrap_or(f32::MIN)),
            };
            if better {
                event.best = Some((score, frame.jpeg.clone()));
            }
        }
        let ended = was && !self.in_event;
        if ended && ctx.config.mode == RecordMode::Motion {
            self.post_roll_until = Some(now + ctx.config.post_roll.as_micros() as u64);
        }
        let wanted = match ctx.config.mode {
            RecordMode::Continuous => true,
            RecordMode::Motion => {
                self.in_event || self.post_roll_until.is_some_and(|until| now <= until)
            }
        };
        if wanted {
            self.record(ctx, frame);
        } else {
            self.close_file(ctx);
            self.post_roll_until = None;
            self.ring.push(frame);
        }
        if ended {
            self.end_event(ctx, now);
        }
    }

    /// Once a second: the post-roll of a silent camera, and retries.
    pub fn tick(&mut self, ctx: &mut Ctx, now: u64) {
        if self.post_roll_until.is_some_and(|until| now > until) && !self.in_event {
            self.close_file(ctx);
            self.post_roll_until = None;
        }
        let wanted = ctx.config.mode == RecordMode::Continuous
            || self.in_event
            || self.post_roll_until.is_some();
        let due = self.failure.as_ref().is_some_and(|f| now >= f.retry_at_us);
        if wanted && due && self.file.is_none() && !self.ring.is_empty() {
            let frames = self.ring.drain();
            self.write_all(ctx, frames, now);
        }
    }

    /// The camera is gone or the recorder stops: end the event, close the file.
    pub fn stop(&mut self, ctx: &mut Ctx, now: u64) {
        self.in_event = false;
        if self.event.is_some() {
            self.end_event(ctx, now);
        }
        self.close_file(ctx);
        self.post_roll_until = None;
    }

    /// Writes a frame, opening a file first if needed, unless a recent
    /// failure says to wait: then the frame waits in the pre-roll.
    fn record(&mut self, ctx: &mut Ctx, frame: Buffered) {
        let now = frame.at_us;
        if self.file.is_none() {
            if self.failure.as_ref().is_some_and(|f| now < f.retry_at_us) {
                self.ring.push(frame);
                return;
            }
            // A new file starts with the pre-roll.
            let mut frames = self.ring.drain();
            frames.push(frame);
            self.write_all(ctx, frames, now);
        } else {
            self.write_all(ctx, vec![frame], now);
        }
        if let (Some(event), Some(file)) = (&mut self.event, &self.file) {
            event.file.get_or_insert_with(|| file.path.clone());
        }
    }

    /// Writes frames in order; after a failure the rest go back to the ring.
    fn write_all(&mut self, ctx: &mut Ctx, frames: Vec<Buffered>, now: u64) {
        let mut frames = frames.into_iter();
        for frame in frames.by_ref() {
            if let Err(frame) = self.write_one(ctx, frame, now) {
                self.ring.push(frame);
                break;
            }
        }
        for frame in frames {
            self.ring.push(frame);
        }
    }

    fn write_one(&mut self, ctx: &mut Ctx, frame: Buffered, now: u64) -> Result<(), Buffered> {
        if let Some(file) = &self.file {
            let resized = (frame.width, frame.height) != (file.muxer.width(), file.muxer.height());
            let segment_over = ctx.config.mode == RecordMode::Continuous
                && frame.at_us.saturating_sub(file.start_us)
                    >= ctx.config.segment.as_micros() as u64;
            if resized || segment_over {
                self.close_file(ctx);
            }
        }
        if self.file.is_none() {
            if let Err((path, e)) = self.open_file(ctx, &frame) {
                self.fail(ctx, "create", &path, &e, now);
                return Err(frame);
            }
        }
        let Some(file) = self.file.as_mut() else {
            return Err(frame);
        };
        let at_ms = frame.at_us.saturating_sub(file.start_us) / 1000;
        file.muxer.cluster(at_ms, &frame.jpeg, ctx.buf);
        if let Err(e) = ctx.storage.append(file.id, ctx.buf) {
            let path = file.path.clone();
            // What was written stays playable: leave it as it is.
            if let Some(file) = self.file.take() {
                let _ = ctx.storage.close(file.id);
            }
            *ctx.retention_due = true;
            self.fail(ctx, "write to", &path, &e, now);
            return Err(frame);
        }
        if let Some(failure) = self.failure.take() {
            info!(camera = %self.name, "recording works again (after: {})", failure.message);
        }
        Ok(())
    }

    fn open_file(&mut self, ctx: &mut Ctx, first: &Buffered) -> Result<(), (PathBuf, io::Error)> {
        let day = ctx.config.dir.join(&self.safe).join(day_dir(first.at_us));
        ctx.storage
            .create_dir_all(&day)
            .map_err(|e| (day.clone(), e))?;
        let base = format!("{}-{}", self.safe, stamp(first.at_us));
        let (id, path) = create_unique(ctx.storage, &day, &base, "mkv")?;
        let muxer = MkvMuxer::new(first.width, first.height, first.at_us);
        if let Err(e) = ctx.storage.append(id, &muxer.header()) {
            let _ = ctx.storage.close(id);
            return Err((path, e));
        }
        debug!(camera = %self.name, path = %path.display(), "recording started");
        self.file = Some(OpenFile {
            id,
            path,
            start_us: first.at_us,
            muxer,
        });
        Ok(())
    }

    fn close_file(&mut self, ctx: &mut Ctx) {
        let Some(file) = self.file.take() else {
            return;
        };
        let (offset, bytes) = file.muxer.duration_patch();
        // The duration is a hint for players: a file without it still plays.
        if let Err(e) = ctx.storage.patch(file.id, offset, &bytes) {
            warn!(path = %file.path.display(), "cannot write the duration: {e}");
        }
        if let Err(e) = ctx.storage.close(file.id) {
            warn!(path = %file.path.display(), "cannot close: {e}");
        }
        debug!(camera = %self.name, path = %file.path.display(), frames = file.muxer.frames(), "recording closed");
        *ctx.retention_due = true;
    }

    /// Logs the first failure of a streak (the next ones would only repeat
    /// it every few seconds) and schedules a retry.
    fn fail(&mut self, ctx: &mut Ctx, what: &str, path: &Path, e: &io::Error, now: u64) {
        let message = format!("cannot {what} {}: {e}", path.display());
        let retry = ctx.config.retry_after;
        if self.failure.is_none() {
            error!(camera = %self.name, "recording: {message}; will retry in {} s, the live view goes on", retry.as_secs_f32());
        } else {
            debug!(camera = %self.name, "recording still failing: {message}");
        }
        self.failure = Some(Failure {
            message,
            retry_at_us: now + retry.as_micros() as u64,
        });
    }

    /// Writes the thumbnail and queues the journal line of the open event.
    fn end_event(&mut self, ctx: &mut Ctx, now: u64) {
        let Some(event) = self.event.take() else {
            return;
        };
        let thumbnail = event
            .best
            .as_ref()
            .and_then(|(_, jpeg)| self.write_thumbnail(ctx, &event, jpeg));
        let relative = |p: &Path| relative_name(&ctx.config.dir, p);
        let record = EventRecord {
            camera: self.name.clone(),
            start: rfc3339(event.start_us),
            end: rfc3339(now.max(event.start_us)),
            peak: event.peak,
            file: event.file.as_deref().map(relative),
            thumbnail: thumbnail.as_deref().map(relative),
        };
        match serde_json::to_string(&record) {
            Ok(line) => ctx.events.push(line),
            Err(e) => warn!("cannot serialize an event: {e}"),
        }
    }

    /// `<camera>-<event start>.jpg` beside the recording: the event's best
    /// frame, about 160 pixels wide (see `vigie_core::jpeg::thumbnail`).
    fn write_thumbnail(&self, ctx: &mut Ctx, event: &OpenEvent, jpeg: &[u8]) -> Option<PathBuf> {
        let dir = match event.file.as_deref().and_then(Path::parent) {
            Some(dir) => dir.to_path_buf(),
            None => ctx
                .config
                .dir
                .join(&self.safe)
                .join(day_dir(event.start_us)),
        };
        let base = format!("{}-{}", self.safe, stamp(event.start_us));
        let written = ctx
            .storage
            .create_dir_all(&dir)
            .map_err(|e| (dir.clone(), e));
        let written = written.and_then(|()| create_unique(ctx.storage, &dir, &base, "jpg"));
        let (id, path) = match written {
            Ok(created) => created,
            Err((path, e)) => {
                warn!(camera = %self.name, "cannot write the thumbnail {}: {e}", path.display());
                return None;
            }
        };
        // A small copy, decoded at the DCT scale nearest the page's
        // thumbnail size; the frame as it is if it cannot be made.
        let small = vigie_core::jpeg::thumbnail(jpeg, vigie_core::jpeg::THUMBNAIL_WIDTH);
        let result = ctx.storage.append(id, small.as_deref().unwrap_or(jpeg));
        let _ = ctx.storage.close(id);
        match result {
            Ok(()) => Some(path),
            Err(e) => {
                warn!(camera = %self.name, "cannot write the thumbnail {}: {e}", path.display());
                let _ = ctx.storage.delete(&path);
                None
            }
        }
    }
}

/// Creates `dir/base.ext`, or `dir/base-2.ext`, `-3`… if it exists: two
/// files can start in the same second (a camera that changes size).
fn create_unique(
    storage: &mut dyn Storage,
    dir: &Path,
    base: &str,
    ext: &str,
) -> Result<(FileId, PathBuf), (PathBuf, io::Error)> {
    let mut n = 1;
    loop {
        let name = match n {
            1 => format!("{base}.{ext}"),
            _ => format!("{base}-{n}.{ext}"),
        };
        let path = dir.join(name);
        match storage.create_new(&path) {
            Ok(id) => return Ok((id, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => return Err((path, e)),
        }
    }
}
