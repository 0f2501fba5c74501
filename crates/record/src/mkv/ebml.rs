//! EBML, the binary cousin of XML that Matroska is built on.
//!
//! A file is a tree of *elements*. Each one is an ID, a size, then that many
//! bytes of data, which for a *master* element are more elements. IDs and
//! sizes are "variable-length integers" (vints): the number of leading zero
//! bits of the first byte says how many bytes follow, like UTF-8. So
//! `0x81` is the size 1 in one byte, `0x40 0x02` the size 2 in two bytes.
//! A size whose value bits are all ones means *unknown*: "read until the
//! parent ends", which is what lets a file be written before its length is
//! known.

/// The "unknown size" marker in its 8-byte form.
pub const UNKNOWN_SIZE: [u8; 8] = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

// The element IDs we use, from the Matroska specification (RFC 9559).
/// The EBML header.
pub const EBML: u32 = 0x1A45_DFA3;
/// EBMLVersion.
pub const EBML_VERSION: u32 = 0x4286;
/// EBMLReadVersion.
pub const EBML_READ_VERSION: u32 = 0x42F7;
/// EBMLMaxIDLength.
pub const EBML_MAX_ID_LENGTH: u32 = 0x42F2;
/// EBMLMaxSizeLength.
pub const EBML_MAX_SIZE_LENGTH: u32 = 0x42F3;
/// DocType ("matroska").
pub const DOC_TYPE: u32 = 0x4282;
/// DocTypeVersion.
pub const DOC_TYPE_VERSION: u32 = 0x4287;
/// DocTypeReadVersion.
pub const DOC_TYPE_READ_VERSION: u32 = 0x4285;
/// Segment: everything after the header.
pub const SEGMENT: u32 = 0x1853_8067;
/// Info: the segment's information.
pub const INFO: u32 = 0x1549_A966;
/// TimestampScale: nanoseconds per timestamp tick.
pub const TIMESTAMP_SCALE: u32 = 0x2A_D7B1;
/// MuxingApp.
pub const MUXING_APP: u32 = 0x4D80;
/// WritingApp.
pub const WRITING_APP: u32 = 0x5741;
/// Duration, in timestamp ticks.
pub const DURATION: u32 = 0x4489;
/// DateUTC: when the file starts.
pub const DATE_UTC: u32 = 0x4461;
/// Tracks.
pub const TRACKS: u32 = 0x1654_AE6B;
/// TrackEntry: one track.
pub const TRACK_ENTRY: u32 = 0xAE;
/// TrackNumber.
pub const TRACK_NUMBER: u32 = 0xD7;
/// TrackUID.
pub const TRACK_UID: u32 = 0x73C5;
/// TrackType (1: video).
pub const TRACK_TYPE: u32 = 0x83;
/// FlagLacing.
pub const FLAG_LACING: u32 = 0x9C;
/// CodecID ("V_MJPEG").
pub const CODEC_ID: u32 = 0x86;
/// Video: the track's picture settings.
pub const VIDEO: u32 = 0xE0;
/// PixelWidth.
pub const PIXEL_WIDTH: u32 = 0xB0;
/// PixelHeight.
pub const PIXEL_HEIGHT: u32 = 0xBA;
/// Cluster: frames sharing a base timestamp.
pub const CLUSTER: u32 = 0x1F43_B675;
/// Timestamp: the cluster's base timestamp.
pub const TIMESTAMP: u32 = 0xE7;
/// SimpleBlock: one frame.
pub const SIMPLE_BLOCK: u32 = 0xA3;
/// BlockGroup.
pub const BLOCK_GROUP: u32 = 0xA0;
/// Block: one frame inside a BlockGroup.
pub const BLOCK: u32 = 0xA1;

/// Appends an element ID. IDs keep their length marker bits, so they are
/// written as they are, without their leading zero bytes.
pub fn put_id(out: &mut Vec<u8>, id: u32) {
    let bytes = id.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    out.extend_from_slice(&bytes[skip..]);
}

/// Appends a size as the shortest vint that holds it.
pub fn put_size(out: &mut Vec<u8>, size: u64) {
    // n bytes carry 7n value bits; all ones is reserved for "unknown".
    let len = (1..=8u32)
        .find(|&n| size < (1u64 << (7 * n)) - 1)
        .expect("sizes above 2^56 do not exist in our files");
    let marked = size | (1u64 << (7 * len));
    out.extend_from_slice(&marked.to_be_bytes()[8 - len as usize..]);
}

/// Appends an unsigned integer element, in as few bytes as needed.
pub fn put_uint(out: &mut Vec<u8>, id: u32, value: u64) {
    let bytes = value.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count().min(7);
    put_id(out, id);
    put_size(out, (8 - skip) as u64);
    out.extend_from_slice(&bytes[skip..]);
}

/// Appends a string or binary element.
pub fn put_bytes(out: &mut Vec<u8>, id: u32, value: &[u8]) {
    put_id(out, id);
    put_size(out, value.len() as u64);
    out.extend_from_slice(value);
}

/// Appends a master element whose children are already in `body`.
pub fn put_master(out: &mut Vec<u8>, id: u32, body: &[u8]) {
    put_bytes(out, id, body);
}

/// Reads an element ID at the start of `data`: `(id, bytes used)`, or
/// `None` if `data` is too short or does not start with a valid ID.
pub fn read_id(data: &[u8]) -> Option<(u32, usize)> {
    let first = *data.first()?;
    let len = first.leading_zeros() as usize + 1;
    if len > 4 || data.len() < len {
        return None;
    }
    let id = data[..len]
        .iter()
        .fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
    Some((id, len))
}

/// A size read from a file: known, or "until the parent ends".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// The element's size, in bytes.
    Known(u64),
    /// Unknown (a live stream's segment): read until the next element of the same level.
    Unknown,
}

/// Reads a size vint at the start of `data`: `(size, bytes used)`, or
/// `None` if `data` is too short or starts with a zero byte (invalid).
pub fn read_size(data: &[u8]) -> Option<(Size, usize)> {
    let first = *data.first()?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 || data.len() < len {
        return None;
    }
    let mask = if len == 8 { 0 } else { 0xFFu8 >> len };
    let mut value = u64::from(first & mask);
    for &b in &data[1..len] {
        value = (value << 8) | u64::from(b);
    }
    if value == (1u64 << (7 * len)) - 1 {
        return Some((Size::Unknown, len));
    }
    Some((Size::Known(value), len))
}

/// Reads an unsigned integer element's data (0 to 8 bytes, big-endian).
pub fn read_uint(data: &[u8]) -> Option<u64> {
    if data.len() > 8 {
        return None;
    }
    Some(data.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_use_the_shortest_vint_and_read_back() {
        for (size, expected) in [
            (0u64, vec![0x80]),
            (1, vec![0x81]),
            (126, vec![0xFE]),
            // 127 in one byte would be 0xFF, the "unknown" marker.
            (127, vec![0x40, 0x7F]),
            (16_382, vec![0x7F, 0xFE]),
            (16_383, vec![0x20, 0x3F, 0xFF]),
        ] {
            let mut out = Vec::new();
            put_size(&mut out, size);
            assert_eq!(out, expected, "size {size}");
            assert_eq!(read_size(&out), Some((Size::Known(size), out.len())));
        }
        assert_eq!(read_size(&UNKNOWN_SIZE), Some((Size::Unknown, 8)));
        assert_eq!(read_size(&[0xFF]), Some((Size::Unknown, 1)));
        assert_eq!(read_size(&[0x00, 1, 2, 3, 4, 5, 6, 7, 8]), None);
        assert_eq!(read_size(&[0x40]), None, "truncated");
    }

    #[test]
    fn ids_keep_their_marker_bits() {
        let mut out = Vec::new();
        put_id(&mut out, SEGMENT);
        put_id(&mut out, SIMPLE_BLOCK);
        assert_eq!(out, [0x18, 0x53, 0x80, 0x67, 0xA3]);
        assert_eq!(read_id(&out), Some((SEGMENT, 4)));
        assert_eq!(read_id(&out[4..]), Some((SIMPLE_BLOCK, 1)));
        assert_eq!(read_id(&[0x1A, 0x45]), None, "truncated");
    }

    #[test]
    fn uints_are_minimal() {
        let mut out = Vec::new();
        put_uint(&mut out, TIMESTAMP, 0);
        put_uint(&mut out, TIMESTAMP, 1_000_000);
        assert_eq!(out, [0xE7, 0x81, 0x00, 0xE7, 0x83, 0x0F, 0x42, 0x40]);
        assert_eq!(read_uint(&[0x0F, 0x42, 0x40]), Some(1_000_000));
    }
}
