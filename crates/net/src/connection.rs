//! A connection's two directions, each owning its buffer.
//!
//! [`MessageReader`] reads whatever the socket has into the buffer of an
//! [`Unpacker`] and hands out whole messages. Reading is *cancel-safe*: if a
//! `select!` drops a pending read to send a heartbeat, the bytes already
//! received stay in the buffer, and the next read goes on where it stopped.
//!
//! A peer's length prefix is not trusted: [`MessageReader::announced`] looks
//! at the first five bytes of a message (the length and the tag) and refuses
//! it when it is larger than its kind may be, *before* any room is made for
//! the body. A "hello" that announces 32 MiB is refused on those five bytes,
//! so 64 such peers cost the server nothing but their sockets.
//!
//! [`MessageWriter`] keeps one output buffer for the life of the connection,
//! so sending frame after frame does not allocate once it has grown to the
//! size of a frame.

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use vigie_core::pack::{self, Unpacker};

use crate::protocol::{self, ClientMessage, ServerMessage};
use crate::Error;

/// Reads packed messages from a socket (or any byte stream).
pub struct MessageReader<R> {
    inner: R,
    unpacker: Unpacker,
}

impl<R: AsyncRead + Unpin> MessageReader<R> {
    /// A reader that refuses messages above `max_message` bytes.
    pub fn new(inner: R, max_message: usize) -> MessageReader<R> {
        MessageReader {
            inner,
            unpacker: Unpacker::with_max(max_message),
        }
    }

    /// Reads until at least `n` bytes are buffered (to look at the first
    /// bytes of a connection before deciding how to read it).
    pub async fn fill(&mut self, n: usize) -> Result<&[u8], Error> {
        while self.unpacker.buffered() < n {
            self.read_some().await?;
        }
        Ok(&self.unpacker.buffer_mut()[..n])
    }

    /// Drops `n` buffered bytes (the magic, once recognised).
    pub fn consume(&mut self, n: usize) {
        let _ = self.unpacker.buffer_mut().split_to(n);
    }

    /// Reads until the next message's length prefix and tag are buffered,
    /// and returns its announced length (tag included) once it is known to
    /// fit: at most `max` (checked on the four bytes of the prefix, named
    /// `what` in the error), and at most what `by_tag` allows for its tag.
    /// Nothing is reserved for the body yet: the caller may wait for room
    /// (a memory budget) before [`MessageReader::next`]. Cancel-safe.
    pub async fn announced(
        &mut self,
        what: &'static str,
        max: usize,
        by_tag: impl Fn(u8) -> Result<usize, Error>,
    ) -> Result<usize, Error> {
        let max = max.min(self.unpacker.max());
        loop {
            let buf = self.unpacker.buffer_mut();
            if let Some(len) = pack::peek_len(buf) {
                let len = len as usize;
                if len > max {
                    return Err(Error::TooLarge { what, len, max });
                }
                if len == 0 {
                    return Ok(0);
                }
                if let Some(&tag) = buf.get(pack::HEADER_LEN) {
                    let max = by_tag(tag)?;
                    if len > max {
                        let what = protocol::tag_name(tag);
                        return Err(Error::TooLarge { what, len, max });
                    }
                    return Ok(len);
                }
            }
            self.read_some().await?;
        }
    }

    /// [`MessageReader::announced`], then the whole message. Cancel-safe.
    pub async fn next_checked(
        &mut self,
        what: &'static str,
        max: usize,
        by_tag: impl Fn(u8) -> Result<usize, Error>,
    ) -> Result<Bytes, Error> {
        self.announced(what, max, by_tag).await?;
        self.next().await
    }

    /// The next whole message, checked only against the reader's maximum.
    /// Cancel-safe.
    pub async fn next(&mut self) -> Result<Bytes, Error> {
        loop {
            if let Some(msg) = self.unpacker.next_message()? {
                return Ok(msg);
            }
            self.read_some().await?;
        }
    }

    async fn read_some(&mut self) -> Result<(), Error> {
        let buf = self.unpacker.buffer_mut();
        if buf.capacity() - buf.len() < 4096 {
            buf.reserve(16 * 1024);
        }
        if self.inner.read_buf(buf).await? == 0 {
            return Err(match self.unpacker.buffered() {
                0 => Error::Closed,
                n => Error::ClosedMidMessage(n),
            });
        }
        Ok(())
    }
}

/// Writes packed messages, reusing one buffer.
pub struct MessageWriter<W> {
    inner: W,
    buf: Vec<u8>,
}

impl<W: AsyncWrite + Unpin> MessageWriter<W> {
    /// A writer on `inner`.
    pub fn new(inner: W) -> MessageWriter<W> {
        MessageWriter {
            inner,
            buf: Vec::with_capacity(64 * 1024),
        }
    }

    /// Sends bytes as they are (the native magic).
    pub async fn send_raw(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.inner.write_all(bytes).await?;
        self.inner.flush().await?;
        Ok(())
    }

    /// Encodes and sends one client message.
    pub async fn send_client(&mut self, msg: &ClientMessage) -> Result<(), Error> {
        self.buf.clear();
        protocol::encode_client(msg, &mut self.buf)?;
        self.flush_buf().await
    }

    /// Encodes and sends one server message.
    pub async fn send_server(&mut self, msg: &ServerMessage) -> Result<(), Error> {
        self.buf.clear();
        protocol::encode_server(msg, &mut self.buf)?;
        self.flush_buf().await
    }

    /// Sends one message whose bytes `fill` appends to the (cleared) buffer.
    pub async fn send_with(
        &mut self,
        fill: impl FnOnce(&mut Vec<u8>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.buf.clear();
        fill(&mut self.buf)?;
        self.flush_buf().await
    }

    async fn flush_buf(&mut self) -> Result<(), Error> {
        self.inner.write_all(&self.buf).await?;
        // A no-op on TCP; inside TLS it pushes the last record out.
        self.inner.flush().await?;
        Ok(())
    }

    /// Closes our direction of the connection.
    pub async fn shutdown(&mut self) -> Result<(), Error> {
        self.inner.shutdown().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn messages_cross_a_pipe_in_small_pieces() {
        let (client, server) = tokio::io::duplex(7); // 7-byte pipe: every message is split
        let mut w = MessageWriter::new(client);
        let mut r = MessageReader::new(server, 1024);
        let send = tokio::spawn(async move {
            for i in 0..3 {
                w.send_client(&ClientMessage::Heartbeat { sent_at_us: i })
                    .await
                    .unwrap();
            }
        });
        for i in 0..3 {
            let msg = r.next().await.unwrap();
            assert_eq!(
                protocol::decode_client(&msg, 1024).unwrap(),
                ClientMessage::Heartbeat { sent_at_us: i }
            );
        }
        send.await.unwrap();
        assert!(matches!(r.next().await, Err(Error::Closed)));
    }

    #[tokio::test]
    async fn a_huge_hello_is_refused_on_its_prefix() {
        let (mut client, server) = tokio::io::duplex(64);
        // Announces 32 MiB; only the prefix is ever sent.
        client
            .write_all(&(32u32 << 20).to_be_bytes())
            .await
            .unwrap();
        let mut r = MessageReader::new(server, 64 << 20);
        let err = r
            .next_checked("hello", protocol::MAX_HELLO_LEN, protocol::hello_limit)
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "hello too large: 33554432 bytes announced, at most 4097 allowed"
        );
        assert!(r.unpacker.capacity() < 64 * 1024);
    }

    #[tokio::test]
    async fn a_huge_heartbeat_is_refused_on_its_tag() {
        let (mut client, server) = tokio::io::duplex(64);
        client.write_all(&[0, 0x10, 0, 0, 0x03]).await.unwrap();
        let mut r = MessageReader::new(server, 1 << 20);
        let err = r
            .announced("message", 1 << 20, |t| {
                protocol::client_message_limit(t, 1 << 20)
            })
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            Error::TooLarge {
                what: "heartbeat",
                len: 0x10_0000,
                max: protocol::MAX_HEARTBEAT_LEN
            }
        ));
        // A client refuses an accept that would be larger than one can be.
        let (mut server_side, client_side) = tokio::io::duplex(64);
        server_side.write_all(&[0, 0, 0, 200, 0x81]).await.unwrap();
        let mut r = MessageReader::new(client_side, protocol::MAX_SERVER_MESSAGE_LEN);
        let err = r
            .next_checked(
                "server message",
                protocol::MAX_SERVER_MESSAGE_LEN,
                protocol::server_message_limit,
            )
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "accept too large: 200 bytes announced, at most 11 allowed"
        );
    }

    #[tokio::test]
    async fn a_close_mid_message_is_named() {
        let (mut client, server) = tokio::io::duplex(64);
        client.write_all(&[0, 0, 0, 10, 1, 2]).await.unwrap();
        drop(client);
        let mut r = MessageReader::new(server, 1024);
        assert!(matches!(r.next().await, Err(Error::ClosedMidMessage(6))));
    }
}
