//! The capture loop: a thread that reads the camera at a steady pace and
//! keeps only the newest frame for the sender.
//!
//! The camera runs on its own thread because a webcam's `next_frame` blocks
//! until the device has a picture. It hands frames to the network side
//! through a `watch` channel, which holds *one* value: if the network is
//! slower than the camera, older frames are replaced, never queued. That is
//! how the client "sends the freshest frame, never a backlog".

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tracing::warn;
use vigie_camera::Camera;
use vigie_core::Frame;

/// What the capture thread counted.
#[derive(Debug, Default)]
pub struct CaptureCounters {
    /// Frames read from the camera.
    pub captured: AtomicU64,
    /// Frames handed to the sender (one in `every`).
    pub offered: AtomicU64,
    /// Times the camera returned an error.
    pub camera_errors: AtomicU64,
}

/// Starts the capture thread. It stops when `stop` is cancelled or when
/// nobody listens to the returned receiver any more. A thread the system
/// cannot start is an error, not a panic.
pub fn spawn(
    mut camera: Box<dyn Camera>,
    fps: f64,
    every: u32,
    stop: CancellationToken,
) -> std::io::Result<(watch::Receiver<Option<Frame>>, Arc<CaptureCounters>)> {
    let (tx, rx) = watch::channel(None);
    let counters = Arc::new(CaptureCounters::default());
    let seen = counters.clone();
    let period = Duration::from_secs_f64(1.0 / fps.max(0.001));
    let every = u64::from(every.max(1));
    thread::Builder::new()
        .name("vigie-capture".into())
        .spawn(move || {
            let mut next = Instant::now();
            let mut failures_in_a_row = 0u32;
            while !stop.is_cancelled() && !tx.is_closed() {
                match camera.next_frame() {
                    Ok(frame) => {
                        failures_in_a_row = 0;
                        let n = seen.captured.fetch_add(1, Ordering::Relaxed);
                        if n % every == 0 {
                            seen.offered.fetch_add(1, Ordering::Relaxed);
                            tx.send_replace(Some(frame));
                        }
                    }
                    Err(e) => {
                        seen.camera_errors.fetch_add(1, Ordering::Relaxed);
                        failures_in_a_row += 1;
                        warn!("camera error: {e}; the connection stays up, retrying the camera");
                        // A camera that keeps failing is retried less often.
                        let pause = period * failures_in_a_row.min(20);
                        sleep_unless(&stop, pause);
                    }
                }
                next += period;
                let now = Instant::now();
                if next > now {
                    sleep_unless(&stop, next - now);
                } else if now - next > period {
                    // Behind by more than a frame: start again from now
                    // instead of capturing a burst to catch up.
                    next = now;
                }
            }
        })?;
    Ok((rx, counters))
}

/// Sleeps for `d`, in short steps, returning early if `stop` is cancelled.
fn sleep_unless(stop: &CancellationToken, d: Duration) {
    let end = Instant::now() + d;
    while !stop.is_cancelled() {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        thread::sleep(left.min(Duration::from_millis(50)));
    }
}
