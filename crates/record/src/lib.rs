//! # vigie-record: keeping what the cameras saw
//!
//! A live view shows what happens *now*; a surveillance system must also
//! answer "what happened at 3 a.m.?". This crate writes the frames the
//! server receives to files that any player opens (VLC, mpv, ffplay), and
//! keeps a journal of motion events.
//!
//! The pieces, each in its own module so it can be read and tested alone:
//!
//! | Concept | Module |
//! |---------|--------|
//! | the file format: MJPEG in Matroska, written and read back | [`mkv`] |
//! | the seconds *before* an event, kept in memory | [`ring`] |
//! | where files go, and the one door to the disk | [`store`] |
//! | which folder belongs to which camera | [`folders`] |
//! | the event journal `events.jsonl` | [`events`] |
//! | deleting the oldest files when the disk budget is spent | [`retention`] |
//! | the state machine that decides when a file opens and closes | [`Recorder`] |
//! | motion analysis beside it, fair to every camera | [`analysis`] |
//! | the recording and analysis loops the server's threads run | [`surveillance`] |
//!
//! Two rules shape the whole crate:
//!
//! - **Recording must never hurt watching.** A full disk or a read-only
//!   directory is logged once, shown in the camera's status, and retried
//!   later; nothing here panics or waits long, so the live view goes on.
//! - **IO and time stay at the edge.** The recorder gets the current time as
//!   a number from its caller and reaches the disk only through the
//!   [`store::Storage`] trait, so tests can play an hour of video in a
//!   millisecond and simulate a full disk without filling one.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

pub mod analysis;
pub mod events;
pub mod folders;
pub mod mkv;
mod names;
mod recorder;
pub mod retention;
pub mod ring;
pub mod store;
pub mod surveillance;

pub use recorder::Recorder;

/// When files are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordMode {
    /// All the time, cut into files of [`RecordConfig::segment`].
    Continuous,
    /// Only around motion events, with a pre-roll and a post-roll.
    Motion,
}

impl RecordMode {
    /// Every mode, in the order of [`RecordMode::NAMES`].
    pub const ALL: [RecordMode; 2] = [RecordMode::Motion, RecordMode::Continuous];
    /// The names accepted by [`str::parse`], for a command-line flag.
    pub const NAMES: [&'static str; 2] = ["motion", "continuous"];

    /// The name of this mode, as parsed and displayed.
    pub fn name(self) -> &'static str {
        match self {
            RecordMode::Motion => "motion",
            RecordMode::Continuous => "continuous",
        }
    }
}

impl fmt::Display for RecordMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for RecordMode {
    type Err = String;

    fn from_str(s: &str) -> Result<RecordMode, String> {
        RecordMode::ALL
            .into_iter()
            .find(|mode| mode.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!(
                    "unknown recording mode {s:?}: expected one of {}",
                    RecordMode::NAMES.join(", ")
                )
            })
    }
}

/// Where and how to record. [`RecordConfig::new`] gives the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordConfig {
    /// The recordings directory (`--record DIR`).
    pub dir: PathBuf,
    /// Motion events only, or everything.
    pub mode: RecordMode,
    /// How much video before an event starts goes in its file (3 s).
    pub pre_roll: Duration,
    /// How long a file stays open after its event ends (5 s).
    pub post_roll: Duration,
    /// The length of one file in continuous mode (5 min).
    pub segment: Duration,
    /// Recordings older than this are deleted (`--retention-days`).
    pub max_age: Option<Duration>,
    /// The recordings may use at most this many bytes (`--max-disk`).
    pub max_bytes: Option<u64>,
    /// How long to wait before trying again after a disk error (5 s).
    pub retry_after: Duration,
    /// The pre-roll memory of one camera, in bytes (64 MiB), whatever the
    /// camera sends: a 4K camera at 30 fps could otherwise fill the RAM.
    pub max_buffer_bytes: usize,
    /// Cameras recorded in another mode than `mode` (a config file's
    /// `[cameras.NAME] record_mode`); `None`: that camera is not recorded.
    pub camera_modes: HashMap<String, Option<RecordMode>>,
    /// Whether the cameras not in `camera_modes` are recorded (in `mode`):
    /// a config file's `[record] mode = "off"` records only the cameras
    /// whose section says how.
    pub record_others: bool,
}

impl RecordConfig {
    /// The defaults for recording into `dir` in `mode`.
    pub fn new(dir: impl Into<PathBuf>, mode: RecordMode) -> RecordConfig {
        RecordConfig {
            dir: dir.into(),
            mode,
            pre_roll: Duration::from_secs(3),
            post_roll: Duration::from_secs(5),
            segment: Duration::from_secs(5 * 60),
            max_age: None,
            max_bytes: None,
            retry_after: Duration::from_secs(5),
            max_buffer_bytes: 64 << 20,
            camera_modes: HashMap::new(),
            record_others: true,
        }
    }

    /// How `camera` is recorded; `None`: it is not.
    pub fn mode_of(&self, camera: &str) -> Option<RecordMode> {
        let others = self.record_others.then_some(self.mode);
        self.camera_modes.get(camera).copied().unwrap_or(others)
    }
}

/// What the motion detector said about one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MotionSample {
    /// Fraction of changed pixels (0 to 1).
    pub score: f32,
    /// Whether a motion event is going on after this frame.
    pub in_event: bool,
}

/// What one camera's recording is doing, for the status API.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordingStatus {
    /// A file is open and receiving frames.
    pub recording: bool,
    /// The last disk error, until recording works again.
    pub error: Option<String>,
}

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    #[error("{}: {source}", path.display())]
    /// Reading or writing a file failed.
    Io {
        /// The file.
        path: PathBuf,
        #[source]
        /// Why.
        source: std::io::Error,
    },
    /// A file that is not a Matroska file vigie wrote.
    #[error("{} is not a Matroska file: {reason}", path.display())]
    NotMatroska {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    #[error("cannot JPEG-encode the frame: {0}")]
    /// A picture could not be encoded.
    Encode(#[from] vigie_core::Error),
}

impl RecordError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> RecordError {
        RecordError::Io {
            path: path.into(),
            source,
        }
    }
}
