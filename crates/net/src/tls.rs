//! TLS on the camera port: telling it apart, and wrapping a stream in it.
//!
//! One port, three kinds of connections: TLS (the secure camera link),
//! vigie's plaintext protocol, and the report's Python format. The server
//! reads the first bytes ([`sniff`]) and asks
//! [`vigie_trust::classify_first_bytes`] which one it is. But those bytes
//! are part of the conversation: the TLS library must see the ClientHello
//! from its very first byte. So the bytes read are handed back in front of
//! the stream ([`Prefixed`]), and whoever reads next sees the connection as
//! if nobody had looked.
//!
//! Everything above this module (hello, frames, heartbeats) is written for
//! *any* byte stream: a [`tokio_rustls`] stream is one, so the protocol code
//! does not know whether it runs in the clear or encrypted. That is the
//! whole design: TLS wraps the stream, the protocol stays the same.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio_rustls::{client, TlsConnector};
use vigie_trust::detect::MAX_NEEDED;
use vigie_trust::tls::server_name;
use vigie_trust::{classify_first_bytes, FirstBytes, TrustFailure};

use crate::Error;

/// A stream with a few bytes, already read from it, put back in front.
#[derive(Debug)]
pub struct Prefixed<S> {
    prefix: [u8; MAX_NEEDED],
    start: usize,
    end: usize,
    inner: S,
}

impl<S> Prefixed<S> {
    /// `inner`, with `prefix` (at most [`MAX_NEEDED`] bytes) read first.
    pub fn new(prefix: &[u8], inner: S) -> Prefixed<S> {
        let mut buf = [0; MAX_NEEDED];
        let end = prefix.len().min(MAX_NEEDED);
        buf[..end].copy_from_slice(&prefix[..end]);
        Prefixed {
            prefix: buf,
            start: 0,
            end,
            inner,
        }
    }

    /// The stream underneath.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Prefixed<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.start < this.end {
            let n = (this.end - this.start).min(buf.remaining());
            buf.put_slice(&this.prefix[this.start..this.start + n]);
            this.start += n;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Prefixed<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Reads the first bytes of `stream` (at most four, one read at a time)
/// until they say which protocol it speaks, and gives them back in front of
/// the stream. The caller bounds it in time (the hello timeout).
pub async fn sniff<S: AsyncRead + Unpin>(
    mut stream: S,
) -> Result<(FirstBytes, Prefixed<S>), Error> {
    let mut first = [0u8; MAX_NEEDED];
    let mut got = 0;
    loop {
        if let Some(kind) = classify_first_bytes(&first[..got]) {
            return Ok((kind, Prefixed::new(&first[..got], stream)));
        }
        // classify_first_bytes never needs more than MAX_NEEDED bytes.
        let n = stream.read(&mut first[got..]).await?;
        if n == 0 {
            return Err(match got {
                0 => Error::Closed,
                n => Error::ClosedMidMessage(n),
            });
        }
        got += n;
    }
}

/// Opens TLS on `stream` as a client with `config`, within `timeout`. A
/// certificate that is not the expected one is [`Error::Trust`], which
/// names both fingerprints (or the pairing code); nothing was sent then.
pub async fn connect<S>(
    stream: S,
    config: Arc<rustls::ClientConfig>,
    timeout: Duration,
) -> Result<client::TlsStream<S>, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let handshake = TlsConnector::from(config).connect(server_name(), stream);
    match tokio::time::timeout(timeout, handshake).await {
        Err(_) => Err(Error::Timeout(timeout)),
        Ok(Ok(tls)) => Ok(tls),
        Ok(Err(e)) => Err(match TrustFailure::from_io_error(&e) {
            Some(failure) => Error::Trust(failure),
            None => Error::Handshake(e),
        }),
    }
}

/// The name of the cipher suite a TLS stream uses, for logs and benchmarks.
pub fn cipher_suite(conn: &rustls::CommonState) -> String {
    conn.negotiated_cipher_suite()
        .map(|s| format!("{:?}", s.suite()))
        .unwrap_or_else(|| "none".into())
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncWriteExt;

    use super::*;

    #[tokio::test]
    async fn the_sniffed_bytes_come_back_in_front() {
        for (opening, kind) in [
            (&b"VIGI and the rest"[..], FirstBytes::Native),
            (&[0x16, 0x03, 0x01, 0x00, 0x99][..], FirstBytes::Tls),
            (&[0x00, 0x00, 0x10, 0x00, 0x80][..], FirstBytes::Legacy),
        ] {
            // A one-byte pipe: the opening arrives a byte at a time.
            let (mut client, server) = tokio::io::duplex(1);
            let send = opening.to_vec();
            let writer = tokio::spawn(async move {
                client.write_all(&send).await.unwrap();
            });
            let (got, mut stream) = sniff(server).await.unwrap();
            assert_eq!(got, kind);
            let mut all = Vec::new();
            stream.read_to_end(&mut all).await.unwrap();
            writer.await.unwrap();
            assert_eq!(all, opening);
        }
    }

    #[tokio::test]
    async fn a_peer_that_leaves_early_is_named() {
        let (mut client, server) = tokio::io::duplex(8);
        client.write_all(b"VI").await.unwrap();
        drop(client);
        assert!(matches!(
            sniff(server).await,
            Err(Error::ClosedMidMessage(2))
        ));
        let (client, server) = tokio::io::duplex(8);
        drop(client);
        assert!(matches!(sniff(server).await, Err(Error::Closed)));
    }
}
