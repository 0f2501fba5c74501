//! The file format: MJPEG in Matroska (`.mkv`), written by hand.
//!
//! **Why MJPEG?** Frames arrive already JPEG-compressed. Storing them as
//! they are costs no CPU and no quality; re-encoding to H.264 would give
//! files ten times smaller, at the price of a video encoder on the server.
//! For a LAN system with a few cameras the disk is cheaper than the CPU.
//!
//! **Why Matroska?** VLC, mpv and ffplay all play `V_MJPEG` in Matroska, and
//! Matroska can be written so that a file cut at any point still plays up to
//! its last complete frame. AVI cannot: its index sits at the end, and its
//! header holds sizes that are only known once the file is closed.
//!
//! **Why our own writer?** There is no well-kept pure-Rust Matroska muxer,
//! and the subset we need is small: the [`ebml`] module and about a hundred
//! lines here. The layout of a file:
//!
//! ```text
//! EBML header       "this is Matroska, version 2"
//! Segment           size UNKNOWN: "until the end of the file"
//!   Info            timestamps in ms, "vigie", creation date, Duration
//!   Tracks          one video track: V_MJPEG, width × height
//!   Cluster         size known: Timestamp + one SimpleBlock (a JPEG)
//!   Cluster         …one per frame
//! ```
//!
//! **Crash safety by construction.** Nothing written earlier is ever
//! rewritten to make the file valid: the Segment's size is "unknown", and
//! each frame is a complete cluster handed to the kernel in a single
//! `write`. After a `kill -9`, the file is a valid file followed by at most
//! one torn cluster, which readers drop. The one field patched in place,
//! the Duration, is only a hint: players that find 0 there measure the file
//! themselves. The price of this simplicity is one cluster per frame (about
//! 20 bytes of overhead on a 30 KB frame) and no index (Cues): players seek
//! by scanning, which is quick enough for files of a few minutes.

pub mod ebml;
mod read;
mod write;

pub use read::{parse_frames, read_frames, FrameReader, RecordedFrame, MAX_STREAMED_FRAME};
pub use write::{MkvMuxer, MkvWriter};

#[cfg(test)]
mod tests;
