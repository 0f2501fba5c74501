//! The recording of one camera: its pre-roll, its open file, its open
//! event, and its last disk error.

use std::io;
use std::path::{Path, PathBuf};

use tracing::{debug, error, info, warn};

use super::event::OpenEvent;
use super::Context;
use crate::folders::camera_folder;
use crate::mkv::MkvMuxer;
use crate::names::{day_dir, stamp};
use crate::ring::{Buffered, PreRoll};
use crate::store::{FileId, Storage};
use crate::{MotionSample, RecordConfig, RecordMode, RecordingStatus};

struct OpenFile {
    id: FileId,
    path: PathBuf,
    start_us: u64,
    /// The time of the last frame written.
    last_us: u64,
    muxer: MkvMuxer,
    /// Frames on disk. Until the first, the file holds nothing at all: the
    /// header goes out with the first frame, in one write.
    written: u64,
}

struct Failure {
    message: String,
    retry_at_us: u64,
}

/// What one camera's recording is doing, between two frames.
pub(super) struct CameraRecording {
    name: String,
    /// Its folder under DIR, once claimed (see [`crate::folders`]).
    folder: Option<String>,
    ring: PreRoll,
    file: Option<OpenFile>,
    event: Option<OpenEvent>,
    in_event: bool,
    /// Motion mode: the open file closes after this time, unless an event
    /// starts again first.
    post_roll_until: Option<u64>,
    failure: Option<Failure>,
}

impl CameraRecording {
    pub fn new(name: &str, config: &RecordConfig) -> CameraRecording {
        CameraRecording {
            name: name.to_owned(),
            folder: None,
            ring: PreRoll::new(config.pre_roll.as_micros() as u64, config.max_buffer_bytes),
            file: None,
            event: None,
            in_event: false,
            post_roll_until: None,
            failure: None,
        }
    }

    /// This camera's mode (the recorder never keeps a camera that is not
    /// recorded, so "not recorded" does not reach here).
    fn mode(&self, ctx: &Context) -> RecordMode {
        ctx.config.mode_of(&self.name).unwrap_or(ctx.config.mode)
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

    pub fn event(&self) -> Option<&OpenEvent> {
        self.event.as_ref()
    }

    /// One frame, already JPEG, with what the detector said about it.
    pub fn push(&mut self, ctx: &mut Context, frame: Buffered, motion: Option<MotionSample>) {
        let now = frame.at_us;
        let was = self.in_event;
        if let Some(m) = motion {
            self.in_event = m.in_event;
        }
        if self.in_event && !was {
            self.event = Some(OpenEvent::new(now));
            self.post_roll_until = None;
            ctx.running_changed = true;
        }
        let ended = was && !self.in_event;
        let mode = self.mode(ctx);
        if ended && mode == RecordMode::Motion {
            self.post_roll_until = Some(now + ctx.config.post_roll.as_micros() as u64);
        }
        let wanted = match mode {
            RecordMode::Continuous => true,
            RecordMode::Motion => {
                self.in_event || self.post_roll_until.is_some_and(|until| now <= until)
            }
        };
        // Kept before the frame is recorded, which may cut the segment: the
        // frame's score belongs to the segment that holds it.
        let (score, jpeg) = (motion.map(|m| m.score), frame.jpeg.clone());
        if wanted {
            self.record(ctx, frame);
        } else {
            self.close_file(ctx);
            self.post_roll_until = None;
            self.ring.push(frame);
        }
        if let Some(event) = &mut self.event {
            event.saw(score, &jpeg);
        }
        if ended {
            self.end_event(ctx, now);
        }
    }

    /// Once a second: the post-roll of a silent camera, and retries.
    pub fn tick(&mut self, ctx: &mut Context, now: u64) {
        if self.post_roll_until.is_some_and(|until| now > until) && !self.in_event {
            self.close_file(ctx);
            self.post_roll_until = None;
        }
        let wanted = self.mode(ctx) == RecordMode::Continuous
            || self.in_event
            || self.post_roll_until.is_some();
        let due = self.failure.as_ref().is_some_and(|f| now >= f.retry_at_us);
        if wanted && due && self.file.is_none() && !self.ring.is_empty() {
            let frames = self.ring.drain();
            self.write_all(ctx, frames, now);
        }
    }

    /// The camera is gone or the recorder stops: end the event, close the file.
    pub fn stop(&mut self, ctx: &mut Context, now: u64) {
        self.in_event = false;
        if self.event.is_some() {
            self.end_event(ctx, now);
        }
        self.close_file(ctx);
        self.post_roll_until = None;
    }

    /// Writes a frame, opening a file first if needed, unless a recent
    /// failure says to wait: then the frame waits in the pre-roll.
    fn record(&mut self, ctx: &mut Context, frame: Buffered) {
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
    }

    /// Writes frames in order; after a failure the rest go back to the ring.
    fn write_all(&mut self, ctx: &mut Context, frames: Vec<Buffered>, now: u64) {
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

    fn write_one(&mut self, ctx: &mut Context, frame: Buffered, now: u64) -> Result<(), Buffered> {
        if let Some(file) = &self.file {
            let resized = (frame.width, frame.height) != (file.muxer.width(), file.muxer.height());
            // In both modes: a long event is cut like continuous recording.
            let segment_over =
                frame.at_us.saturating_sub(file.start_us) >= ctx.config.segment.as_micros() as u64;
            if resized || segment_over {
                let last_us = file.last_us;
                self.close_file(ctx);
                self.cut_event(ctx, last_us, frame.at_us);
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
        file.muxer.cluster(at_ms, &frame.jpeg, &mut ctx.buf);
        let first = file.written == 0;
        let result = if first {
            let mut bytes = file.muxer.header();
            bytes.extend_from_slice(&ctx.buf);
            ctx.storage.append(file.id, &bytes)
        } else {
            ctx.storage.append(file.id, &ctx.buf)
        };
        if let Err(e) = result {
            let path = file.path.clone();
            if let Some(file) = self.file.take() {
                let _ = ctx.storage.close(file.id);
                if first {
                    // Nothing of it is playable: no empty file stays behind.
                    let _ = ctx.storage.delete(&file.path);
                } // Otherwise what was written stays playable: leave it.
            }
            ctx.retention_due = true;
            self.fail(ctx, "write to", &path, &e, now);
            return Err(frame);
        }
        file.written += 1;
        file.last_us = frame.at_us;
        if let Some(event) = &mut self.event {
            if event.file.is_none() {
                event.file = Some(file.path.clone());
                ctx.running_changed = true;
            }
        }
        if let Some(failure) = self.failure.take() {
            info!(camera = %self.name, "recording works again (after: {})", failure.message);
        }
        Ok(())
    }

    /// The file of an event that goes on was closed at `last_us`: log its
    /// segment, and start the next one at `next_us`.
    fn cut_event(&mut self, ctx: &mut Context, last_us: u64, next_us: u64) {
        let (Some(event), Some(folder)) = (&mut self.event, &self.folder) else {
            return;
        };
        if !self.in_event {
            return; // it already ended: its line is written
        }
        event.log_segment(ctx, &self.name, Some(folder), last_us, true);
        event.next_segment(next_us);
        ctx.running_changed = true;
    }

    /// The camera's folder, claimed at the first file (see [`crate::folders`]).
    fn folder(&mut self, ctx: &mut Context) -> Result<String, (PathBuf, io::Error)> {
        if let Some(folder) = &self.folder {
            return Ok(folder.clone());
        }
        let folder = camera_folder(&mut *ctx.storage, &ctx.config.dir, &self.name)?;
        self.folder = Some(folder.clone());
        Ok(folder)
    }

    /// Creates the file; nothing is written to it before its first frame.
    fn open_file(
        &mut self,
        ctx: &mut Context,
        first: &Buffered,
    ) -> Result<(), (PathBuf, io::Error)> {
        let folder = self.folder(ctx)?;
        let day = ctx.config.dir.join(&folder).join(day_dir(first.at_us));
        ctx.storage
            .create_dir_all(&day)
            .map_err(|e| (day.clone(), e))?;
        let base = format!("{folder}-{}", stamp(first.at_us));
        let (id, path) = create_unique(&mut *ctx.storage, &day, &base, "mkv")?;
        debug!(camera = %self.name, path = %path.display(), "recording started");
        self.file = Some(OpenFile {
            id,
            path,
            start_us: first.at_us,
            last_us: first.at_us,
            muxer: MkvMuxer::new(first.width, first.height, first.at_us),
            written: 0,
        });
        Ok(())
    }

    fn close_file(&mut self, ctx: &mut Context) {
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
        debug!(camera = %self.name, path = %file.path.display(), frames = file.written, "recording closed");
        ctx.retention_due = true;
    }

    /// Logs the first failure of a streak (the next ones would only repeat
    /// it every few seconds) and schedules a retry.
    fn fail(&mut self, ctx: &mut Context, what: &str, path: &Path, e: &io::Error, now: u64) {
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

    /// Writes the thumbnail and queues the journal line of the event's
    /// last segment.
    fn end_event(&mut self, ctx: &mut Context, now: u64) {
        let Some(event) = self.event.take() else {
            return;
        };
        event.log_segment(ctx, &self.name, self.folder.as_deref(), now, false);
        ctx.running_changed = true;
    }
}

/// Creates `dir/base.ext`, or `dir/base-2.ext`, `-3`… if it exists: two
/// files can start in the same second (a camera that changes size).
pub(super) fn create_unique(
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
