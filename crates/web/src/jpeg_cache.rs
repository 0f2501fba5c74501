//! Every frame as JPEG, encoded at most once whoever watches.
//!
//! Browsers, VLC and ffmpeg want JPEG. A camera that sends JPEG (the usual
//! case: it is twenty times smaller on the network) is served as is: its
//! payload is a [`Bytes`], a reference-counted buffer, so handing it to a
//! hundred viewers copies a pointer a hundred times, not the picture.
//!
//! A raw camera (RGB, BGR or grey pixels) must be encoded. Doing it in each
//! viewer would multiply the CPU cost by the number of viewers; instead each
//! camera has one cache slot holding the JPEG of its newest frame, keyed by
//! the frame's sequence number and capture time (a camera that reconnects
//! starts counting from 0 again, the capture time tells the two apart). The
//! first viewer to ask encodes, on a blocking thread so that the network
//! tasks keep running; viewers that ask meanwhile wait for that result
//! instead of encoding it again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use prometheus_client::metrics::counter::Counter;
use tokio::sync::Mutex as AsyncMutex;
use vigie_core::{Frame, PixelFormat};

use crate::WebError;

/// The quality raw frames are encoded at (the report's, `cv2.IMWRITE_JPEG_QUALITY, 90`).
pub(crate) const QUALITY: u8 = vigie_core::jpeg::DEFAULT_QUALITY;

/// What identifies one frame of one camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FrameKey {
    sequence: u64,
    captured_at_us: u64,
}

impl FrameKey {
    pub(crate) fn of(frame: &Frame) -> FrameKey {
        FrameKey {
            sequence: frame.sequence(),
            captured_at_us: frame.captured_at_us(),
        }
    }
}

type Slot = Arc<AsyncMutex<Option<(FrameKey, Bytes)>>>;

/// The per-camera JPEG cache shared by every viewer.
#[derive(Debug, Default)]
pub(crate) struct JpegCache {
    slots: Mutex<HashMap<String, Slot>>,
    /// How many raw frames were encoded (a Prometheus counter, so that the
    /// "once per frame" promise can be watched from outside).
    encodes: Counter,
}

impl JpegCache {
    pub(crate) fn encodes(&self) -> Counter {
        self.encodes.clone()
    }

    fn slot(&self, camera: &str) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.entry(camera.to_owned()).or_default().clone()
    }

    /// The JPEG bytes of `frame`: its own payload for a JPEG camera, else
    /// the cached encoding, made now if this is the first request.
    pub(crate) async fn jpeg(&self, frame: &Frame) -> Result<Bytes, WebError> {
        if frame.format() == PixelFormat::Jpeg {
            return Ok(frame.payload().clone());
        }
        let key = FrameKey::of(frame);
        let slot = self.slot(frame.camera());
        // Held while encoding: a second viewer of the same frame waits here,
        // then finds the result instead of encoding it again.
        let mut cached = slot.lock().await;
        if let Some((k, bytes)) = cached.as_ref() {
            if *k == key {
                return Ok(bytes.clone());
            }
        }
        let owned = frame.clone();
        let encoded =
            tokio::task::spawn_blocking(move || vigie_core::jpeg::encode_frame(&owned, QUALITY))
                .await
                .map_err(|e| WebError::EncodeTask(e.to_string()))??;
        self.encodes.inc();
        let bytes = encoded.payload().clone();
        *cached = Some((key, bytes.clone()));
        Ok(bytes)
    }

    /// Forgets the cameras for which `keep` says no (cameras the registry
    /// forgot), so the cache stays as small as the list of cameras.
    pub(crate) fn retain(&self, keep: impl Fn(&str) -> bool) {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.retain(|name, _| keep(name));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots.lock().unwrap().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigie_core::FrameHeader;

    fn raw(camera: &str, sequence: u64, captured_at_us: u64) -> Frame {
        let header = FrameHeader {
            camera: camera.into(),
            sequence,
            captured_at_us,
            width: 16,
            height: 8,
            format: PixelFormat::Rgb8,
        };
        Frame::new(header, vec![sequence as u8; 16 * 8 * 3]).unwrap()
    }

    #[tokio::test]
    async fn jpeg_frames_are_shared_not_copied() {
        let cache = JpegCache::default();
        let jpeg = vigie_core::jpeg::encode_frame(&raw("a", 0, 0), 80).unwrap();
        let served = cache.jpeg(&jpeg).await.unwrap();
        // Same allocation: the viewer got the camera's own bytes.
        assert_eq!(served.as_ptr(), jpeg.payload().as_ptr());
        assert_eq!(cache.encodes().get(), 0);
    }

    #[tokio::test]
    async fn raw_frames_are_encoded_once_per_frame() {
        let cache = Arc::new(JpegCache::default());
        let frame = raw("a", 7, 100);
        let viewers: Vec<_> = (0..8)
            .map(|_| {
                let (cache, frame) = (cache.clone(), frame.clone());
                tokio::spawn(async move { cache.jpeg(&frame).await.unwrap() })
            })
            .collect();
        let mut results = Vec::new();
        for v in viewers {
            results.push(v.await.unwrap());
        }
        assert_eq!(cache.encodes().get(), 1);
        assert!(results.windows(2).all(|w| w[0].as_ptr() == w[1].as_ptr()));
        assert_eq!(&results[0][..2], &[0xFF, 0xD8]);
        // A new frame, or the same number after a reconnection, is new.
        cache.jpeg(&raw("a", 8, 200)).await.unwrap();
        cache.jpeg(&raw("a", 7, 300)).await.unwrap();
        assert_eq!(cache.encodes().get(), 3);
    }

    #[tokio::test]
    async fn forgotten_cameras_leave_the_cache() {
        let cache = JpegCache::default();
        cache.jpeg(&raw("a", 0, 0)).await.unwrap();
        cache.jpeg(&raw("b", 0, 0)).await.unwrap();
        cache.retain(|name| name == "b");
        assert_eq!(cache.len(), 1);
    }
}
