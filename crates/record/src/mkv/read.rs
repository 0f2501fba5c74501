//! The reading half: frames back out of a file, even a torn one.
//!
//! Two ways in: [`read_frames`] loads the file and hands every frame at
//! once (tests, tools, small files), and [`FrameReader`] walks the file one
//! frame at a time, so that playing a 300 MB recording back costs one frame
//! of memory, not 300 MB (the web page's replay uses it).

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use bytes::Bytes;

use super::ebml::*;
use crate::RecordError;

/// One frame read back from a recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedFrame {
    /// Milliseconds from the start of the file.
    pub at_ms: u64,
    /// The JPEG file, as the camera sent it.
    pub jpeg: Bytes,
}

/// Reads every complete frame of a Matroska MJPEG file.
///
/// A file cut short (a crash, a full disk, a file still being written)
/// gives the frames before the cut, without error. A file that is not
/// Matroska is an error. The frames share one buffer the size of the file,
/// and no size read from the file is trusted before it is checked against
/// the bytes really there, so a hostile file cannot make it allocate more.
pub fn read_frames(path: &Path) -> Result<Vec<RecordedFrame>, RecordError> {
    let data = Bytes::from(std::fs::read(path).map_err(|e| RecordError::io(path, e))?);
    parse_frames(&data).map_err(|reason| RecordError::NotMatroska {
        path: path.to_owned(),
        reason,
    })
}

/// [`read_frames`] on bytes already in memory.
pub fn parse_frames(data: &Bytes) -> Result<Vec<RecordedFrame>, String> {
    let start = check_header(data)?;
    let mut frames = Vec::new();
    let mut scale_ns: u64 = 1_000_000;
    let mut cluster_ts: u64 = 0;
    let mut pos = start;
    // A flat walk: the master elements we care about (Segment, Info,
    // Cluster, BlockGroup) are entered rather than skipped, so their
    // children come next in the same loop. This reads unknown-size clusters
    // too, and a torn tail simply ends the loop.
    while let Some((id, size, header_len)) = element_at(&data[pos..]) {
        let body = pos + header_len;
        match (id, size) {
            (SEGMENT | INFO | CLUSTER | BLOCK_GROUP, _) => {
                pos = body;
                continue;
            }
            (_, Size::Unknown) => break, // only masters may have unknown sizes
            (_, Size::Known(len)) if len > (data.len() - body) as u64 => break, // torn
            (_, Size::Known(len)) => {
                let end = body + len as usize;
                let content = &data[body..end];
                match id {
                    TIMESTAMP_SCALE => scale_ns = read_uint(content).unwrap_or(1_000_000).max(1),
                    TIMESTAMP => cluster_ts = read_uint(content).unwrap_or(cluster_ts),
                    SIMPLE_BLOCK | BLOCK => {
                        if let Some((relative, frame)) = block(content) {
                            let ticks = cluster_ts.saturating_add_signed(i64::from(relative));
                            let at_ms = ticks.saturating_mul(scale_ns) / 1_000_000;
                            let offset = body + (content.len() - frame.len());
                            frames.push(RecordedFrame {
                                at_ms,
                                jpeg: data.slice(offset..end),
                            });
                        }
                    }
                    _ => {}
                }
                pos = end;
            }
        }
    }
    Ok(frames)
}

/// The largest block [`FrameReader`] loads: a bigger one is skipped, so
/// that a damaged size field cannot make it allocate more (the camera
/// server refuses frames this large long before they reach a file).
pub const MAX_STREAMED_FRAME: u64 = 64 << 20;

/// The bytes read to check the EBML header (ours is about forty).
const HEADER_PREFIX: u64 = 4096;

/// The frames of a recording, read one at a time from disk: the same walk
/// as [`parse_frames`] (a torn tail ends it, a file that is not Matroska
/// is an error), holding only a read buffer and the frame being returned.
///
/// ```no_run
/// # fn f() -> Result<(), vigie_record::RecordError> {
/// let path = std::path::Path::new("salon.mkv");
/// for frame in vigie_record::mkv::FrameReader::open(path)? {
///     let frame = frame?;
///     println!("{} ms: {} bytes", frame.at_ms, frame.jpeg.len());
/// }
/// # Ok(()) }
/// ```
pub struct FrameReader<R = File> {
    input: BufReader<R>,
    /// Named in errors.
    path: PathBuf,
    /// The length of the input, and where the next element starts.
    len: u64,
    pos: u64,
    scale_ns: u64,
    cluster_ts: u64,
    done: bool,
}

impl FrameReader<File> {
    /// Opens `path` and checks that it is Matroska.
    pub fn open(path: &Path) -> Result<FrameReader<File>, RecordError> {
        let io_error = |e| RecordError::io(path, e);
        let file = File::open(path).map_err(io_error)?;
        let len = file.metadata().map_err(io_error)?.len();
        let mut reader = FrameReader::new(file, len).map_err(|e| match e {
            RecordError::Io { source, .. } => io_error(source),
            RecordError::NotMatroska { reason, .. } => RecordError::NotMatroska {
                path: path.to_owned(),
                reason,
            },
            other => other,
        })?;
        reader.path = path.to_owned();
        Ok(reader)
    }
}

impl<R: Read + Seek> FrameReader<R> {
    /// Reads frames from `input`, `len` bytes long, from its start.
    pub fn new(input: R, len: u64) -> Result<FrameReader<R>, RecordError> {
        let mut reader = FrameReader {
            input: BufReader::with_capacity(8 * 1024, input),
            path: PathBuf::new(),
            len,
            pos: 0,
            scale_ns: 1_000_000,
            cluster_ts: 0,
            done: false,
        };
        let io_error = |e| RecordError::io(PathBuf::new(), e);
        reader.input.seek(SeekFrom::Start(0)).map_err(io_error)?;
        let mut prefix = Vec::new();
        (&mut reader.input)
            .take(HEADER_PREFIX)
            .read_to_end(&mut prefix)
            .map_err(io_error)?;
        let start = check_header(&prefix).map_err(|reason| RecordError::NotMatroska {
            path: PathBuf::new(),
            reason,
        })?;
        reader.pos = prefix.len() as u64;
        // A header longer than the prefix is not one we wrote: no frames.
        reader.done = start == prefix.len() && len > prefix.len() as u64;
        reader.go_to(start as u64).map_err(io_error)?;
        Ok(reader)
    }

    /// The next complete frame, `None` at the end of the file or of what
    /// was written of it.
    pub fn next_frame(&mut self) -> Result<Option<RecordedFrame>, RecordError> {
        let result = self.walk();
        if !matches!(result, Ok(Some(_))) {
            self.done = true;
        }
        result.map_err(|e| RecordError::io(&self.path, e))
    }

    fn walk(&mut self) -> io::Result<Option<RecordedFrame>> {
        while !self.done {
            let mut head = [0u8; 12];
            let n = self.read_up_to(&mut head)?;
            let Some((id, size, header_len)) = element_at(&head[..n]) else {
                return Ok(None); // the end, or a torn element header
            };
            let body = self.pos - n as u64 + header_len as u64;
            let len = match (id, size) {
                (SEGMENT | INFO | CLUSTER | BLOCK_GROUP, _) => {
                    self.go_to(body)?;
                    continue;
                }
                (_, Size::Unknown) => return Ok(None),
                (_, Size::Known(len)) if len > self.len.saturating_sub(body) => return Ok(None),
                (_, Size::Known(len)) => len,
            };
            let end = body + len;
            self.go_to(body)?;
            let mut frame = None;
            match id {
                TIMESTAMP_SCALE => {
                    let content = self.read_content(len.min(9))?;
                    self.scale_ns = read_uint(&content).unwrap_or(1_000_000).max(1);
                }
                TIMESTAMP => {
                    let content = self.read_content(len.min(9))?;
                    self.cluster_ts = read_uint(&content).unwrap_or(self.cluster_ts);
                }
                SIMPLE_BLOCK | BLOCK if len <= MAX_STREAMED_FRAME => {
                    let content = Bytes::from(self.read_content(len)?);
                    if let Some((relative, jpeg)) = block(&content) {
                        let ticks = self.cluster_ts.saturating_add_signed(i64::from(relative));
                        let offset = content.len() - jpeg.len();
                        frame = Some(RecordedFrame {
                            at_ms: ticks.saturating_mul(self.scale_ns) / 1_000_000,
                            jpeg: content.slice(offset..),
                        });
                    }
                }
                _ => {}
            }
            self.go_to(end)?;
            if frame.is_some() {
                return Ok(frame);
            }
        }
        Ok(None)
    }

    /// Fills as much of `buf` as the input still has.
    fn read_up_to(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut filled = 0;
        while filled < buf.len() {
            match self.input.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.pos += filled as u64;
        Ok(filled)
    }

    /// `len` bytes from here (the caller checked they are in the file).
    fn read_content(&mut self, len: u64) -> io::Result<Vec<u8>> {
        let mut content = vec![0; len as usize];
        self.input.read_exact(&mut content)?;
        self.pos += len;
        Ok(content)
    }

    /// Moves to `pos`, keeping the read buffer when it is near.
    fn go_to(&mut self, pos: u64) -> io::Result<()> {
        let offset = i64::try_from(pos).unwrap_or(i64::MAX) - self.pos as i64;
        self.input.seek_relative(offset)?;
        self.pos = pos;
        Ok(())
    }
}

impl<R: Read + Seek> Iterator for FrameReader<R> {
    type Item = Result<RecordedFrame, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_frame().transpose()
    }
}

/// Checks the EBML header and returns where the Segment starts. A header
/// that is only cut short is fine (an empty file is an empty recording);
/// one that says something else is not.
fn check_header(data: &[u8]) -> Result<usize, String> {
    let magic = EBML.to_be_bytes();
    let n = data.len().min(4);
    if data[..n] != magic[..n] {
        let found: Vec<String> = data.iter().take(4).map(|b| format!("{b:02X}")).collect();
        return Err(format!(
            "it starts with {} instead of the EBML marker 1A 45 DF A3",
            found.join(" ")
        ));
    }
    let Some((_, Size::Known(len), header_len)) = element_at(data) else {
        return Ok(data.len());
    };
    if len > (data.len() - header_len) as u64 {
        return Ok(data.len());
    }
    let end = header_len + len as usize;
    let mut pos = header_len;
    while let Some((id, Size::Known(len), head)) = element_at(&data[pos..end]) {
        let body = pos + head;
        if len > (end - body) as u64 {
            break;
        }
        let content = &data[body..body + len as usize];
        if id == DOC_TYPE && content != b"matroska" && content != b"webm" {
            return Err(format!(
                "its document type is {:?}, not matroska",
                String::from_utf8_lossy(content)
            ));
        }
        pos = body + len as usize;
    }
    Ok(end)
}

/// The ID, size and header length of the element at the start of `data`.
fn element_at(data: &[u8]) -> Option<(u32, Size, usize)> {
    let (id, id_len) = read_id(data)?;
    let (size, size_len) = read_size(&data[id_len..])?;
    Some((id, size, id_len + size_len))
}

/// Splits a (Simple)Block into its relative timestamp and its frame. Laced
/// blocks (several frames in one) are not something we write: skipped.
fn block(content: &[u8]) -> Option<(i16, &[u8])> {
    let (_track, track_len) = read_size(content)?;
    let rest = content.get(track_len..)?;
    if rest.len() < 3 {
        return None;
    }
    let relative = i16::from_be_bytes([rest[0], rest[1]]);
    let flags = rest[2];
    if flags & 0x06 != 0 {
        return None;
    }
    Some((relative, &rest[3..]))
}

#[cfg(test)]
mod streaming {
    use std::io::Cursor;

    use super::super::MkvMuxer;
    use super::*;

    fn file_of(frames: usize, size: usize) -> Vec<u8> {
        let mut muxer = MkvMuxer::new(64, 48, 1_795_509_000_000_000);
        let mut out = muxer.header();
        let mut buf = Vec::new();
        for i in 0..frames {
            let jpeg: Vec<u8> = (0..size + i).map(|j| (i * 7 + j) as u8).collect();
            muxer.cluster(i as u64 * 66, &jpeg, &mut buf);
            out.extend_from_slice(&buf);
        }
        out
    }

    fn streamed(data: &[u8]) -> Result<Vec<RecordedFrame>, RecordError> {
        FrameReader::new(Cursor::new(data.to_vec()), data.len() as u64)?.collect()
    }

    #[test]
    fn streaming_gives_the_frames_reading_whole_gives_even_when_torn() {
        let full = file_of(12, 20_000);
        assert_eq!(streamed(&full).unwrap().len(), 12);
        for cut in (0..full.len()).step_by(997).chain([full.len()]) {
            let part = &full[..cut];
            let whole = parse_frames(&Bytes::copy_from_slice(part));
            match (streamed(part), whole) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "cut at {cut}"),
                (Err(_), Err(_)) => {}
                (a, b) => panic!("cut at {cut}: {a:?} vs {b:?}"),
            }
        }
    }

    #[test]
    fn streaming_refuses_what_is_not_matroska() {
        assert!(matches!(
            streamed(b"RIFF\0\0\0\0AVI LIST"),
            Err(RecordError::NotMatroska { .. })
        ));
        assert!(streamed(b"").unwrap().is_empty());
    }

    #[test]
    fn a_huge_block_size_is_skipped_not_allocated() {
        let mut data = file_of(1, 100);
        // A SimpleBlock claiming 2^40 bytes, in a file far shorter.
        data.extend_from_slice(&[0xA3, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]);
        assert_eq!(streamed(&data).unwrap().len(), 1);
    }

    #[test]
    fn open_names_the_file_in_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.mkv");
        std::fs::write(&path, b"not a video at all").unwrap();
        let err = FrameReader::open(&path).err().expect("refused");
        assert!(err.to_string().contains("x.mkv"), "{err}");
        std::fs::write(&path, file_of(3, 50)).unwrap();
        assert_eq!(FrameReader::open(&path).unwrap().count(), 3);
    }
}
