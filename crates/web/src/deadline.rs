//! A write deadline for every connection: a peer that takes no bytes for
//! [`WebConfig::write_timeout`](crate::WebConfig::write_timeout) is closed.
//!
//! A viewer that stops reading (a frozen phone, a script that opens a
//! stream and never looks at it, an attacker) does not close its socket:
//! the kernel's buffers fill, the next write waits, and without a deadline
//! it waits forever, holding a connection slot and a file descriptor. A
//! thousand of them lock out every new viewer, and with them the camera
//! port, which needs file descriptors too.
//!
//! The deadline is put once, under hyper, on the socket itself
//! ([`WriteDeadline`]), so that every route gets it: the page, the MJPEG
//! streams, the replays, and the WebSockets (an upgraded connection keeps
//! the same socket). The clock runs only while a write is *waiting*: a
//! viewer that reads slowly makes progress and is never cut, a live stream
//! of a still camera writes nothing and is never cut either.
//!
//! Each connection also shares a [`Stall`] with the accept loop, which
//! tells how long the connection has been waiting to write: when every
//! slot is taken, the longest-stalled connection gives its slot to the
//! newcomer (see `slots`).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;
use tokio_util::sync::WaitForCancellationFutureOwned;

use crate::slots::SlotGuard;

/// How long a write may wait for a peer that takes no bytes, by default.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// Since when a connection has been waiting to write, if it is.
#[derive(Debug, Default)]
pub(crate) struct Stall {
    /// Milliseconds since [`epoch`], plus one; 0 while writes go through.
    blocked_since: AtomicU64,
}

/// The origin of [`Stall`]'s clock.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

impl Stall {
    fn blocked(&self) {
        let now = epoch().elapsed().as_millis() as u64 + 1;
        let _ = self
            .blocked_since
            .compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed);
    }

    fn moving(&self) {
        self.blocked_since.store(0, Ordering::Relaxed);
    }

    /// How long the connection has been waiting to write, if it is.
    pub(crate) fn stalled_for(&self) -> Option<Duration> {
        match self.blocked_since.load(Ordering::Relaxed) {
            0 => None,
            since => {
                let now = epoch().elapsed().as_millis() as u64 + 1;
                Some(Duration::from_millis(now.saturating_sub(since)))
            }
        }
    }
}

/// A stream whose writes fail with [`io::ErrorKind::TimedOut`] once they
/// have waited `timeout` without the peer taking a byte. Reads go through
/// untouched (hyper has its own timeout for request headers).
///
/// It also holds the connection's slot ([`WriteDeadline::holding`]): the
/// socket outlives hyper's part of the connection when it becomes a
/// WebSocket, and the slot must live exactly as long as the socket. When a
/// newcomer takes the slot, every read and write fails, so that the
/// WebSocket ends too.
pub(crate) struct WriteDeadline<S> {
    inner: S,
    timeout: Duration,
    /// Armed at the first write that waits, disarmed by any progress.
    waiting: Option<Pin<Box<Sleep>>>,
    stall: Arc<Stall>,
    /// Ready once the slot was given to a newcomer.
    evicted: Option<Pin<Box<WaitForCancellationFutureOwned>>>,
    _slot: Option<SlotGuard>,
}

impl<S> WriteDeadline<S> {
    pub(crate) fn new(inner: S, timeout: Duration, stall: Arc<Stall>) -> WriteDeadline<S> {
        WriteDeadline {
            inner,
            timeout,
            waiting: None,
            stall,
            evicted: None,
            _slot: None,
        }
    }

    /// The stream, holding `slot` for as long as it lives.
    pub(crate) fn holding(mut self, slot: SlotGuard) -> WriteDeadline<S> {
        self.stall = slot.stall.clone();
        self.evicted = Some(Box::pin(slot.evicted.clone().cancelled_owned()));
        self._slot = Some(slot);
        self
    }

    /// An error once the slot is gone; otherwise registers for the news.
    fn check_evicted(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        let Some(evicted) = &mut self.evicted else {
            return Ok(());
        };
        if evicted.as_mut().poll(cx).is_pending() {
            return Ok(());
        }
        Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "closed to make room for a new connection",
        ))
    }

    /// Passes a finished write through, or counts the time a waiting one
    /// has waited.
    fn watch<T>(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if result.is_ready() {
            self.waiting = None;
            self.stall.moving();
            return result;
        }
        let timeout = self.timeout;
        let stall = &self.stall;
        let waiting = self.waiting.get_or_insert_with(|| {
            stall.blocked();
            Box::pin(tokio::time::sleep(timeout))
        });
        if waiting.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("the peer took no bytes for {timeout:?}"),
            )));
        }
        Poll::Pending
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteDeadline<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.check_evicted(cx)?;
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteDeadline<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.check_evicted(cx)?;
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.watch(cx, result)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.check_evicted(cx)?;
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.watch(cx, result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = Pin::new(&mut self.inner).poll_flush(cx);
        self.watch(cx, result)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.watch(cx, result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn a_peer_that_reads_nothing_times_out_and_one_that_reads_does_not() {
        // A pipe with a 64-byte buffer stands for a socket whose peer
        // stopped reading.
        let (near, far) = tokio::io::duplex(64);
        let stall = Arc::new(Stall::default());
        let mut stream = WriteDeadline::new(near, Duration::from_millis(200), stall.clone());
        stream.write_all(&[0; 64]).await.unwrap();
        assert!(stall.stalled_for().is_none());
        let err = stream.write_all(&[0; 64]).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(stall.stalled_for().is_some());

        // Progress, however slow, resets the clock.
        let (near, mut far2) = tokio::io::duplex(64);
        let mut stream = WriteDeadline::new(near, Duration::from_millis(200), Arc::default());
        let reader = tokio::spawn(async move {
            let mut buf = [0; 32];
            for _ in 0..20 {
                tokio::time::sleep(Duration::from_millis(50)).await;
                tokio::io::AsyncReadExt::read_exact(&mut far2, &mut buf)
                    .await
                    .unwrap();
            }
        });
        stream.write_all(&[0; 640]).await.unwrap();
        reader.await.unwrap();
        drop(far);
    }
}
