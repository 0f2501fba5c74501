//! Serialize: turn a [`Frame`] into bytes and back. This is the step the
//! report did with `pickle.dumps` and `pickle.loads`.
//!
//! We use [serde] to describe the frame and [bincode] 2 to lay it out. Unlike
//! pickle, bincode only *describes data*: decoding can fill in the fields of
//! a frame, and nothing else. `pickle.loads` on bytes from the network, on
//! the other hand, runs whatever the bytes ask for, so any peer that can
//! reach the port can run code on the server.
//!
//! Two details matter for speed and safety:
//!
//! - The payload goes out as *one block of bytes* (`serde_bytes`): a length
//!   and the bytes, copied once, rather than a sequence of 300 000 separate
//!   `u8` values.
//! - Decoding *borrows* from the input: strings and the payload are read in
//!   place, so a hostile length inside the bytes can never make us allocate
//!   more than the input we already hold. On top of that, [`decode`] takes a
//!   size limit and refuses longer input outright.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::frame::{Frame, FrameHeader, PixelFormat};
use crate::{Error, Result};

/// bincode's standard configuration: little-endian, variable-length integers.
const CONFIG: bincode::config::Configuration = bincode::config::standard();

/// The layout on the wire. It borrows everything, so encoding copies the
/// payload only once (into the output) and decoding copies nothing.
#[derive(Serialize, Deserialize)]
struct WireFrame<'a> {
    camera: &'a str,
    sequence: u64,
    captured_at_us: u64,
    width: u32,
    height: u32,
    format: PixelFormat,
    #[serde(with = "serde_bytes")]
    payload: &'a [u8],
}

/// Appends the serialized frame to `out` and returns how many bytes it took.
///
/// Appending (rather than returning a new `Vec`) lets a sender reuse one
/// buffer for every frame, and lets [`crate::pack`] put the length prefix
/// in front without a second copy.
pub fn encode_into(frame: &Frame, out: &mut Vec<u8>) -> Result<usize> {
    let h = frame.header();
    let wire = WireFrame {
        camera: &h.camera,
        sequence: h.sequence,
        captured_at_us: h.captured_at_us,
        width: h.width,
        height: h.height,
        format: h.format,
        payload: frame.payload(),
    };
    Ok(bincode::serde::encode_into_std_write(&wire, out, CONFIG)?)
}

/// Serializes a frame into a new buffer.
pub fn encode(frame: &Frame) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(frame.payload().len() + 64);
    encode_into(frame, &mut out)?;
    Ok(out)
}

/// Reads a frame back from `bytes`, refusing input longer than `limit`.
///
/// The payload of the returned frame *shares* `bytes` (no copy). The frame
/// is checked as [`Frame::new`] checks any frame, and bytes left over after
/// it are an error: one message holds exactly one frame.
pub fn decode(bytes: &Bytes, limit: usize) -> Result<Frame> {
    let (header, payload) = decode_parts(bytes, limit)?;
    let payload = bytes.slice_ref(payload);
    Frame::new(header, payload)
}

/// Like [`decode`], for a plain slice: the payload is copied once.
pub fn decode_slice(bytes: &[u8], limit: usize) -> Result<Frame> {
    let (header, payload) = decode_parts(bytes, limit)?;
    Frame::new(header, Bytes::copy_from_slice(payload))
}

fn decode_parts(bytes: &[u8], limit: usize) -> Result<(FrameHeader, &[u8])> {
    if bytes.len() > limit {
        return Err(Error::SerializedTooLarge {
            len: bytes.len(),
            limit,
        });
    }
    let (wire, used): (WireFrame<'_>, usize) =
        bincode::serde::borrow_decode_from_slice(bytes, CONFIG)?;
    if used != bytes.len() {
        return Err(Error::TrailingBytes(bytes.len() - used));
    }
    let header = FrameHeader {
        camera: wire.camera.to_owned(),
        sequence: wire.sequence,
        captured_at_us: wire.captured_at_us,
        width: wire.width,
        height: wire.height,
        format: wire.format,
    };
    Ok((header, wire.payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> Frame {
        let header = FrameHeader {
            camera: "porte".into(),
            sequence: 7,
            captured_at_us: 1_700_000_000_000_000,
            width: 3,
            height: 2,
            format: PixelFormat::Rgb8,
        };
        Frame::new(header, (0..18).collect::<Vec<u8>>()).unwrap()
    }

    #[test]
    fn round_trip_shares_the_payload() {
        let bytes = Bytes::from(encode(&frame()).unwrap());
        let back = decode(&bytes, 1024).unwrap();
        assert_eq!(back, frame());
        let inside = bytes.as_ptr_range();
        assert!(inside.contains(&back.payload().as_ptr()));
    }

    #[test]
    fn payload_is_one_block_of_bytes() {
        // 18 payload bytes must cost 18 bytes plus a one-byte length, not a
        // tagged sequence: the whole frame stays small.
        let encoded = encode(&frame()).unwrap();
        let header_len = encoded.len() - 18;
        assert!(header_len < 24, "header took {header_len} bytes");
        assert_eq!(&encoded[header_len..], &(0..18).collect::<Vec<u8>>()[..]);
    }

    #[test]
    fn input_above_the_limit_is_refused() {
        let bytes = encode(&frame()).unwrap();
        let err = decode_slice(&bytes, bytes.len() - 1).unwrap_err();
        assert!(matches!(err, Error::SerializedTooLarge { .. }), "{err}");
    }

    #[test]
    fn truncated_and_trailing_input_is_refused() {
        let bytes = encode(&frame()).unwrap();
        for cut in 0..bytes.len() {
            let err = decode_slice(&bytes[..cut], 1024).unwrap_err();
            assert!(matches!(err, Error::Deserialize(_)), "cut at {cut}: {err}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(
            decode_slice(&longer, 1024),
            Err(Error::TrailingBytes(1))
        ));
    }

    #[test]
    fn a_valid_encoding_of_an_invalid_frame_is_refused() {
        let wire = WireFrame {
            camera: "x",
            sequence: 0,
            captured_at_us: 0,
            width: 10,
            height: 10,
            format: PixelFormat::Gray8,
            payload: &[1, 2, 3],
        };
        let bytes = bincode::serde::encode_to_vec(&wire, CONFIG).unwrap();
        let err = decode_slice(&bytes, 1024).unwrap_err();
        assert!(matches!(err, Error::PayloadLength { .. }), "{err}");
    }

    #[test]
    fn a_huge_inner_length_allocates_nothing() {
        // A camera name that claims 2^60 bytes: borrowing means bincode
        // simply finds the input too short.
        let mut bytes = vec![253u8]; // bincode's varint tag: a u64 follows
        bytes.extend_from_slice(&(1u64 << 60).to_le_bytes());
        let err = decode_slice(&bytes, 1024).unwrap_err();
        assert!(matches!(err, Error::Deserialize(_)), "{err}");
    }
}
