//! The reading half: frames back out of a file, even a torn one.

use std::path::Path;

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
