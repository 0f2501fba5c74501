//! Pack: put a length in front of each message, and find messages again in
//! a stream of bytes. This is the step the report did with
//! `struct.pack(">L", len(data))` and `struct.unpack`.
//!
//! TCP carries a *stream* of bytes, not messages. One `send` of 60 000 bytes
//! can arrive as three `recv`s of 20 000, and the end of one frame can arrive
//! glued to the start of the next. So each message goes out as:
//!
//! ```text
//! +----------------+---------------------------+
//! | length: u32 BE |  payload (length bytes)   |
//! +----------------+---------------------------+
//!      4 bytes
//! ```
//!
//! and the receiver keeps the bytes that arrived in a buffer until a whole
//! message is there. [`Unpacker`] does exactly that, with no socket: it is fed
//! whatever bytes arrived and answers "not yet" (`Ok(None)`) until a message
//! is complete.
//!
//! The length comes from the peer, so it is not trusted: a length above the
//! maximum (32 MiB by default) is an error *before* anything is allocated for
//! it. Without that check, four bytes `FF FF FF FF` would make the server
//! reserve 4 GiB.

use bytes::{Buf, Bytes, BytesMut};

use crate::{Error, Result};

/// Size of the length prefix, in bytes.
pub const HEADER_LEN: usize = 4;

/// The default largest message accepted: 32 MiB, room for a raw 4K frame.
pub const DEFAULT_MAX_MESSAGE: usize = 32 * 1024 * 1024;

/// Appends `payload` to `out`, preceded by its length as a big-endian `u32`.
pub fn pack(payload: &[u8], out: &mut Vec<u8>) -> Result<()> {
    pack_with(out, |out| {
        out.extend_from_slice(payload);
        Ok(())
    })
}

/// Appends a message whose payload is written by `write_body`, then fills in
/// the length prefix. The payload is written once, straight into `out`: a
/// sender can serialize a frame in place behind its prefix.
pub fn pack_with<E>(
    out: &mut Vec<u8>,
    write_body: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
) -> Result<(), E>
where
    E: From<Error>,
{
    let start = out.len();
    out.extend_from_slice(&[0; HEADER_LEN]);
    if let Err(e) = write_body(out) {
        out.truncate(start);
        return Err(e);
    }
    let len = out.len() - start - HEADER_LEN;
    let Ok(len32) = u32::try_from(len) else {
        out.truncate(start);
        return Err(Error::MessageTooLarge {
            len: len as u64,
            max: u32::MAX as usize,
        }
        .into());
    };
    out[start..start + HEADER_LEN].copy_from_slice(&len32.to_be_bytes());
    Ok(())
}

/// Reads the length prefix at the start of `buf`, if four bytes are there.
pub fn peek_len(buf: &[u8]) -> Option<u32> {
    let prefix: [u8; HEADER_LEN] = buf.get(..HEADER_LEN)?.try_into().ok()?;
    Some(u32::from_be_bytes(prefix))
}

/// Takes one whole message off the front of `buf`, if one is there.
///
/// - `Ok(None)`: not enough bytes yet; `buf` is left as it was (at most,
///   room is reserved for the rest of the message, which is bounded by `max`).
/// - `Ok(Some(payload))`: the payload, without its prefix, removed from `buf`.
/// - `Err(MessageTooLarge)`: the prefix announces more than `max` bytes. The
///   stream cannot be trusted after that: drop the connection.
pub fn unpack(buf: &mut BytesMut, max: usize) -> Result<Option<Bytes>> {
    let Some(len) = peek_len(buf) else {
        return Ok(None);
    };
    let len = len as usize;
    if len > max {
        return Err(Error::MessageTooLarge {
            len: len as u64,
            max,
        });
    }
    let total = HEADER_LEN + len;
    if buf.len() < total {
        // The length is now known to be sane: make room once for the rest,
        // so the socket reads that follow do not reallocate again and again.
        buf.reserve(total - buf.len());
        return Ok(None);
    }
    buf.advance(HEADER_LEN);
    Ok(Some(buf.split_to(len).freeze()))
}

/// An incremental decoder: feed it bytes as they arrive, take messages out.
///
/// ```
/// use vigie_core::pack::{pack, Unpacker};
///
/// let mut wire = Vec::new();
/// pack(b"hello", &mut wire).unwrap();
///
/// let mut unpacker = Unpacker::new();
/// unpacker.feed(&wire[..3]); // a message can arrive in pieces…
/// assert_eq!(unpacker.next_message().unwrap(), None);
/// unpacker.feed(&wire[3..]);
/// assert_eq!(unpacker.next_message().unwrap().as_deref(), Some(&b"hello"[..]));
/// ```
#[derive(Debug)]
pub struct Unpacker {
    buf: BytesMut,
    max: usize,
}

impl Unpacker {
    /// A decoder that accepts messages up to [`DEFAULT_MAX_MESSAGE`].
    pub fn new() -> Unpacker {
        Unpacker::with_max(DEFAULT_MAX_MESSAGE)
    }

    /// A decoder that accepts messages up to `max` bytes.
    pub fn with_max(max: usize) -> Unpacker {
        Unpacker {
            buf: BytesMut::with_capacity(8 * 1024),
            max,
        }
    }

    /// The largest message accepted.
    pub fn max(&self) -> usize {
        self.max
    }

    /// Appends bytes that arrived.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The buffer itself, so that a socket can read straight into it
    /// (`read_buf`) instead of going through [`Unpacker::feed`] and a copy.
    pub fn buffer_mut(&mut self) -> &mut BytesMut {
        &mut self.buf
    }

    /// How many bytes are waiting, not yet returned as messages.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// How many bytes the buffer has room for without reallocating.
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// The next whole message, `Ok(None)` if it has not fully arrived yet.
    /// See [`unpack`] for the error.
    pub fn next_message(&mut self) -> Result<Option<Bytes>> {
        unpack(&mut self.buf, self.max)
    }
}

impl Default for Unpacker {
    fn default() -> Self {
        Unpacker::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_big_endian_like_struct_pack() {
        let mut out = Vec::new();
        pack(&[9; 258], &mut out).unwrap();
        // struct.pack(">L", 258) == b"\x00\x00\x01\x02"
        assert_eq!(&out[..4], &[0, 0, 1, 2]);
        assert_eq!(out.len(), 262);
    }

    #[test]
    fn glued_messages_come_out_one_by_one() {
        let mut wire = Vec::new();
        for m in [&b"one"[..], b"", b"three"] {
            pack(m, &mut wire).unwrap();
        }
        let mut u = Unpacker::new();
        u.feed(&wire);
        assert_eq!(u.next_message().unwrap().as_deref(), Some(&b"one"[..]));
        assert_eq!(u.next_message().unwrap().as_deref(), Some(&b""[..]));
        assert_eq!(u.next_message().unwrap().as_deref(), Some(&b"three"[..]));
        assert_eq!(u.next_message().unwrap(), None);
        assert_eq!(u.buffered(), 0);
    }

    #[test]
    fn oversized_length_is_refused_before_allocating() {
        let mut u = Unpacker::with_max(1000);
        let before = u.capacity();
        u.feed(&1001u32.to_be_bytes());
        let err = u.next_message().unwrap_err();
        assert_eq!(
            err.to_string(),
            "a message announces 1001 bytes, above the maximum of 1000 bytes"
        );
        assert_eq!(u.capacity(), before);
    }

    #[test]
    fn u32_max_is_refused_with_the_default_maximum() {
        let mut u = Unpacker::new();
        u.feed(&[0xFF; 4]);
        assert!(matches!(
            u.next_message(),
            Err(Error::MessageTooLarge {
                len: 4_294_967_295,
                ..
            })
        ));
        assert!(u.capacity() < 64 * 1024);
    }

    #[test]
    fn failed_body_leaves_the_buffer_as_it_was() {
        let mut out = vec![1, 2, 3];
        let res: Result<()> = pack_with(&mut out, |out| {
            out.push(4);
            Err(Error::InvalidQuality(0))
        });
        assert!(res.is_err());
        assert_eq!(out, [1, 2, 3]);
    }
}
