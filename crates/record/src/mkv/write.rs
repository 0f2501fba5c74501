//! The writing half: [`MkvMuxer`] turns frames into bytes (no IO, so it is
//! easy to test), [`MkvWriter`] puts those bytes in a file.

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::ebml::*;
use crate::RecordError;

/// Microseconds from the Unix epoch to 2001-01-01, Matroska's epoch.
const MATROSKA_EPOCH_US: i64 = 978_307_200_000_000;

/// Builds the bytes of one Matroska file of MJPEG frames, one cluster per
/// frame. It holds no file: the caller writes what it returns.
#[derive(Debug, Clone)]
pub struct MkvMuxer {
    width: u32,
    height: u32,
    created_us: u64,
    duration_offset: u64,
    first_ms: Option<u64>,
    last_ms: u64,
    frames: u64,
}

impl MkvMuxer {
    /// A muxer for frames of `width × height`; `created_us` (µs since the
    /// Unix epoch) becomes the file's creation date.
    pub fn new(width: u32, height: u32, created_us: u64) -> MkvMuxer {
        let mut muxer = MkvMuxer {
            width,
            height,
            created_us,
            duration_offset: 0,
            first_ms: None,
            last_ms: 0,
            frames: 0,
        };
        let header = muxer.header();
        // The Duration's 8 data bytes are the last bytes of Info, which ends
        // where Tracks begins: find them from the end of what header() built.
        let tracks = muxer.tracks();
        muxer.duration_offset = (header.len() - tracks.len() - 8) as u64;
        muxer
    }

    /// Width of the video, in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height of the video, in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// How many frames [`MkvMuxer::cluster`] has produced.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Everything before the first frame: the EBML header, the start of the
    /// Segment (of unknown size), Info and Tracks.
    pub fn header(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(160);
        let mut ebml = Vec::new();
        put_uint(&mut ebml, EBML_VERSION, 1);
        put_uint(&mut ebml, EBML_READ_VERSION, 1);
        put_uint(&mut ebml, EBML_MAX_ID_LENGTH, 4);
        put_uint(&mut ebml, EBML_MAX_SIZE_LENGTH, 8);
        put_bytes(&mut ebml, DOC_TYPE, b"matroska");
        // SimpleBlock appeared in version 2 of the format.
        put_uint(&mut ebml, DOC_TYPE_VERSION, 2);
        put_uint(&mut ebml, DOC_TYPE_READ_VERSION, 2);
        put_master(&mut out, EBML, &ebml);

        // Unknown size: the file is valid after every cluster, with no
        // length to go back and fix, which is what survives `kill -9`.
        put_id(&mut out, SEGMENT);
        out.extend_from_slice(&UNKNOWN_SIZE);

        let mut info = Vec::new();
        // Timestamps count milliseconds.
        put_uint(&mut info, TIMESTAMP_SCALE, 1_000_000);
        put_bytes(&mut info, MUXING_APP, b"vigie");
        put_bytes(&mut info, WRITING_APP, b"vigie");
        let date_ns = (self.created_us as i64 - MATROSKA_EPOCH_US).saturating_mul(1000);
        put_bytes(&mut info, DATE_UTC, &date_ns.to_be_bytes());
        // Last, as an 8-byte float, so that finishing can overwrite it in place.
        put_bytes(&mut info, DURATION, &0f64.to_be_bytes());
        put_master(&mut out, INFO, &info);

        out.extend_from_slice(&self.tracks());
        out
    }

    fn tracks(&self) -> Vec<u8> {
        let mut video = Vec::new();
        put_uint(&mut video, PIXEL_WIDTH, u64::from(self.width));
        put_uint(&mut video, PIXEL_HEIGHT, u64::from(self.height));
        let mut entry = Vec::new();
        put_uint(&mut entry, TRACK_NUMBER, 1);
        put_uint(&mut entry, TRACK_UID, 1);
        put_uint(&mut entry, TRACK_TYPE, 1); // video
        put_uint(&mut entry, FLAG_LACING, 0);
        put_bytes(&mut entry, CODEC_ID, b"V_MJPEG");
        put_master(&mut entry, VIDEO, &video);
        let mut track = Vec::new();
        put_master(&mut track, TRACK_ENTRY, &entry);
        let mut out = Vec::new();
        put_master(&mut out, TRACKS, &track);
        out
    }

    /// Replaces `out` with one cluster holding `jpeg` at `at_ms`
    /// milliseconds from the start of the file. A timestamp earlier than the
    /// previous one (a clock step) is moved up to it: players expect time to
    /// go forward.
    pub fn cluster(&mut self, at_ms: u64, jpeg: &[u8], out: &mut Vec<u8>) {
        let at_ms = at_ms.max(self.last_ms);
        self.first_ms.get_or_insert(at_ms);
        self.last_ms = at_ms;
        self.frames += 1;

        let mut stamp = Vec::with_capacity(10);
        put_uint(&mut stamp, TIMESTAMP, at_ms);
        // Track 1 (as a vint), timestamp relative to the cluster (0, i16),
        // flags (0x80: keyframe: every JPEG stands alone).
        let block_header = [0x81, 0x00, 0x00, 0x80];
        let block_len = (block_header.len() + jpeg.len()) as u64;
        let mut block_head = Vec::with_capacity(10);
        put_id(&mut block_head, SIMPLE_BLOCK);
        put_size(&mut block_head, block_len);

        out.clear();
        put_id(out, CLUSTER);
        put_size(out, (stamp.len() + block_head.len()) as u64 + block_len);
        out.extend_from_slice(&stamp);
        out.extend_from_slice(&block_head);
        out.extend_from_slice(&block_header);
        out.extend_from_slice(jpeg);
    }

    /// The duration players show: from the first frame to the last, plus
    /// one mean frame interval, since the last frame is shown for a while too.
    pub fn duration_ms(&self) -> f64 {
        let Some(first) = self.first_ms else {
            return 0.0;
        };
        let span = (self.last_ms - first) as f64;
        if self.frames < 2 {
            return span;
        }
        span + span / (self.frames - 1) as f64
    }

    /// Where the Duration is in the file and the bytes to write there.
    pub fn duration_patch(&self) -> (u64, [u8; 8]) {
        (self.duration_offset, self.duration_ms().to_be_bytes())
    }
}

/// A Matroska file being written to disk, one `write` call per frame.
///
/// The file is not buffered on purpose: a frame handed to the kernel is in
/// the page cache and survives the death of the process, while a frame in a
/// `BufWriter` would die with it.
pub struct MkvWriter {
    file: File,
    path: PathBuf,
    muxer: MkvMuxer,
    buf: Vec<u8>,
}

impl MkvWriter {
    /// Creates `path` (which must not exist yet) for frames of
    /// `width × height`, and writes the header.
    pub fn create(
        path: &Path,
        width: u32,
        height: u32,
        created_us: u64,
    ) -> Result<MkvWriter, RecordError> {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| RecordError::io(path, e))?;
        let muxer = MkvMuxer::new(width, height, created_us);
        file.write_all(&muxer.header())
            .map_err(|e| RecordError::io(path, e))?;
        Ok(MkvWriter {
            file,
            path: path.to_owned(),
            muxer,
            buf: Vec::new(),
        })
    }

    /// Appends one JPEG frame at `at_ms` from the start of the file.
    pub fn write_frame(&mut self, at_ms: u64, jpeg: &[u8]) -> Result<(), RecordError> {
        self.muxer.cluster(at_ms, jpeg, &mut self.buf);
        self.file
            .write_all(&self.buf)
            .map_err(|e| RecordError::io(&self.path, e))
    }

    /// The muxer, for its sizes and counts.
    pub fn muxer(&self) -> &MkvMuxer {
        &self.muxer
    }

    /// Writes the final duration. Without this call the file still plays;
    /// players just do not know its length in advance.
    pub fn finish(mut self) -> Result<(), RecordError> {
        let (offset, bytes) = self.muxer.duration_patch();
        let path = self.path.clone();
        self.file
            .seek(SeekFrom::Start(offset))
            .and_then(|_| self.file.write_all(&bytes))
            .map_err(|e| RecordError::io(&path, e))
    }
}
