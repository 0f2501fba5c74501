//! `vigie_core::pack::Unpacker`: finding length-prefixed messages in a
//! stream that arrives in pieces of any size.
//!
//! The input is a small header (the largest message accepted, and the
//! sizes of the pieces the stream is cut into), then the stream. Checks:
//! - the messages are exactly those a plain reading of the whole stream
//!   finds, whatever the cut, and none is above the maximum;
//! - a length above the maximum is an error on its 4 bytes, and nothing is
//!   reserved for it: the buffer never holds much more than the bytes fed
//!   plus one message of the maximum size;
//! - every byte fed is either in a message, in a prefix, or still buffered.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_core::pack::{Unpacker, HEADER_LEN};

/// What reading the whole stream at once finds: the messages, and whether
/// it ends on a length above `max`.
fn reference(mut stream: &[u8], max: usize) -> (Vec<&[u8]>, bool) {
    let mut messages = Vec::new();
    while stream.len() >= HEADER_LEN {
        let len = u32::from_be_bytes(stream[..4].try_into().unwrap()) as usize;
        if len > max {
            return (messages, true);
        }
        let Some(body) = stream.get(HEADER_LEN..HEADER_LEN + len) else {
            break;
        };
        messages.push(body);
        stream = &stream[HEADER_LEN + len..];
    }
    (messages, false)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    // Messages up to 64 KiB, so that the memory bound below means something.
    let max = usize::from(u16::from_be_bytes([data[0], data[1]]));
    let cuts = usize::from(data[2] % 16);
    let Some(sizes) = data.get(3..3 + cuts) else {
        return;
    };
    let stream = &data[3 + cuts..];
    let (expected, too_large) = reference(stream, max);

    let mut unpacker = Unpacker::with_max(max);
    let mut got: Vec<Vec<u8>> = Vec::new();
    let (mut fed, mut taken, mut failed) = (0, 0, false);
    let mut piece = 0;
    'feed: while fed < stream.len() {
        // Pieces of 1 to 256 bytes, in the order the header gives, then the rest.
        let size = sizes
            .get(piece)
            .map_or(stream.len(), |&s| usize::from(s) + 1);
        piece += 1;
        let end = (fed + size).min(stream.len());
        unpacker.feed(&stream[fed..end]);
        fed = end;
        loop {
            match unpacker.next_message() {
                Ok(Some(msg)) => {
                    assert!(msg.len() <= max);
                    taken += HEADER_LEN + msg.len();
                    got.push(msg.to_vec());
                }
                Ok(None) => break,
                Err(_) => {
                    failed = true;
                    break 'feed;
                }
            }
        }
        assert_eq!(taken + unpacker.buffered(), fed, "bytes lost or invented");
        assert!(
            unpacker.capacity() <= 2 * (fed + HEADER_LEN + max) + 64 * 1024,
            "capacity {} after {fed} bytes, max {max}",
            unpacker.capacity()
        );
    }
    assert_eq!(got, expected);
    assert_eq!(failed, too_large);
});
