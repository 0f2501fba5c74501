//! The camera port's first steps, as the server takes them: the first bytes
//! told apart (`vigie_trust::classify_first_bytes`, through
//! `vigie_net::tls::sniff`, which hands them back in front of the stream),
//! then, for a TLS opening, the server's TLS 1.3 handshake fed with what
//! the peer sent; for a plaintext opening, the first message checked on its
//! prefix and tag (`first_message_limit`) and decoded, pairing requests
//! included.
//!
//! The first input byte sets how many bytes each socket read returns.
//! Checks, beyond "no panic, no unbounded allocation":
//! - `sniff` gives back every byte it read, in order, whatever the cuts;
//! - its verdict is `classify_first_bytes`'s on the whole input.
#![no_main]

use std::future::Future;
use std::io::Cursor;
use std::pin::{pin, Pin};
use std::sync::{Arc, LazyLock};
use std::task::{Context, Poll, Waker};

use libfuzzer_sys::fuzz_target;
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};
use vigie_net::protocol;
use vigie_trust::{classify_first_bytes, FirstBytes, ServerIdentity};

/// One identity for every run: making a key per input would be all the fuzzer did.
static SERVER: LazyLock<Arc<rustls::ServerConfig>> = LazyLock::new(|| {
    let identity = ServerIdentity::generate().expect("a key");
    Arc::new(vigie_trust::tls::server_config(&identity).expect("a config"))
});

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

fn now<T>(future: impl Future<Output = T>) -> T {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut cx) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("a read waited on an in-memory socket"),
    }
}

/// What the server's TLS side makes of `bytes`: at most a few rounds.
fn handshake(bytes: &[u8]) {
    let Ok(mut conn) = rustls::ServerConnection::new(SERVER.clone()) else {
        return;
    };
    let mut input = Cursor::new(bytes);
    for _ in 0..16 {
        match conn.read_tls(&mut input) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if conn.process_new_packets().is_err() {
            return;
        }
        let mut out = Vec::new();
        while conn.wants_write() {
            if conn.write_tls(&mut out).is_err() {
                break;
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, stream)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk % 8) + 1;
    let sniffed = now(vigie_net::tls::sniff(Trickle {
        data: stream,
        chunk,
    }));
    let (kind, mut prefixed) = match sniffed {
        Ok(pair) => pair,
        Err(_) => {
            assert_eq!(classify_first_bytes(stream), None, "sniff gave up early");
            return;
        }
    };
    assert_eq!(classify_first_bytes(stream), Some(kind));
    let mut replayed = Vec::new();
    now(prefixed.read_to_end(&mut replayed)).expect("in memory");
    assert_eq!(replayed, stream, "the sniffed bytes did not come back");
    match kind {
        FirstBytes::Tls => handshake(stream),
        FirstBytes::Native => {
            let body = &stream[protocol::MAGIC.len()..];
            if body.len() < 5 {
                return;
            }
            let len = u32::from_be_bytes([body[0], body[1], body[2], body[3]]) as usize;
            let Ok(max) = protocol::first_message_limit(body[4]) else {
                return;
            };
            if len > max || body.len() < 4 + len || len == 0 {
                return;
            }
            let msg = bytes::Bytes::copy_from_slice(&body[4..4 + len]);
            let _ = protocol::decode_client(&msg, 1 << 20);
        }
        FirstBytes::Legacy => {}
    }
});
