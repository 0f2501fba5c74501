//! vigie's native protocol, as the server reads a connection: the first
//! four bytes (the `VIGI` magic or not), then packed messages through
//! `vigie_net::connection::MessageReader`, each decoded with
//! `protocol::decode_client`. The client's side, `decode_server`, reads
//! every message too.
//!
//! The first input byte sets how many bytes each socket read returns (1 to
//! 64, or all at once), so messages arrive cut at every place; the rest is
//! what the peer sent. Checks, beyond "no panic, no unbounded allocation":
//! - a message that decodes encodes back to bytes that decode to the same
//!   bytes again (decoding loses nothing that matters);
//! - a frame's payload has the size its header says (raw formats).
#![no_main]

use std::future::Future;
use std::pin::{pin, Pin};
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use tokio::io::{AsyncRead, ReadBuf};
use vigie_core::pack::Unpacker;
use vigie_net::connection::MessageReader;
use vigie_net::protocol::{self, ClientMessage, MAGIC};
use vigie_net::Error;

/// Largest message in this harness: 1 MiB keeps each run fast; the limit
/// itself is the `Unpacker` target's business.
const MAX_MESSAGE: usize = 1 << 20;
/// A connection sends many messages; a run reads this many at most.
const MAX_MESSAGES: usize = 64;

/// A socket that returns at most `chunk` bytes per read, and always at once.
struct Trickle<'a> {
    data: &'a [u8],
    chunk: usize,
}

impl AsyncRead for Trickle<'_> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let n = self.chunk.min(self.data.len()).min(buf.remaining());
        buf.put_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Poll::Ready(Ok(()))
    }
}

/// Runs a future that never waits (our socket is always ready).
fn now<T>(future: impl Future<Output = T>) -> T {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut cx) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("a read waited on an in-memory socket"),
    }
}

fn encoded(msg: &ClientMessage) -> Vec<u8> {
    let mut wire = Vec::new();
    protocol::encode_client(msg, &mut wire).expect("a decoded message encodes");
    wire
}

/// Decodes `wire` (one packed message) as the server would.
fn unpack_and_decode(wire: &[u8]) -> ClientMessage {
    let mut unpacker = Unpacker::with_max(usize::MAX);
    unpacker.feed(wire);
    let msg = unpacker.next_message().unwrap().expect("one whole message");
    protocol::decode_client(&msg, MAX_MESSAGE).expect("our own encoding decodes")
}

fn check_client_message(msg: &ClientMessage) {
    if let ClientMessage::Frame(frame) = msg {
        if let Some(len) = frame.format().raw_len(frame.width(), frame.height()) {
            assert_eq!(frame.payload().len(), len);
        }
    }
    let wire = encoded(msg);
    assert_eq!(encoded(&unpack_and_decode(&wire)), wire);
}

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, stream)) = data.split_first() else {
        return;
    };
    let chunk = match chunk {
        0..=63 => usize::from(chunk) + 1,
        _ => usize::MAX,
    };
    let mut reader = MessageReader::new(
        Trickle {
            data: stream,
            chunk,
        },
        MAX_MESSAGE,
    );
    match now(reader.fill(MAGIC.len())) {
        Ok(first) if first == MAGIC => reader.consume(MAGIC.len()),
        // Not native: the legacy format, which its own target covers.
        Ok(_) => return,
        Err(Error::Closed | Error::ClosedMidMessage(_)) => return,
        Err(e) => panic!("unexpected error on a socket in memory: {e}"),
    }
    for _ in 0..MAX_MESSAGES {
        let msg: Bytes = match now(reader.next()) {
            Ok(msg) => msg,
            Err(_) => return,
        };
        assert!(msg.len() <= MAX_MESSAGE);
        let _ = protocol::decode_server(&msg);
        match protocol::decode_client(&msg, MAX_MESSAGE) {
            Ok(decoded) => check_client_message(&decoded),
            // The server drops the peer on its first bad message.
            Err(_) => return,
        }
    }
});
