//! Resize and mirror, as the report's client did before sending
//! (`imutils.resize(frame, width=320)` and `cv2.flip(frame, 1)`).
//!
//! Shrinking before sending is the cheapest way to save bandwidth and CPU on
//! both ends: a 320×240 frame has a quarter of the pixels of 640×480.
//! Mirroring makes a webcam pointed at you behave like a mirror.
//!
//! Resizing uses `fast_image_resize` (SIMD convolution); the [`Resizer`]
//! keeps its scratch buffers between frames, so keep one per camera.

use fast_image_resize as fir;

use crate::frame::{Frame, FrameHeader, PixelFormat};
use crate::{Error, Result};

/// The size that keeps the aspect ratio of `width × height` at `target_width`
/// (the height is rounded, and at least 1).
pub fn fit_width(width: u32, height: u32, target_width: u32) -> (u32, u32) {
    let target_width = target_width.max(1);
    let h = (u64::from(height) * u64::from(target_width) + u64::from(width) / 2)
        / u64::from(width.max(1));
    (target_width, (h as u32).max(1))
}

/// Mirrors raw pixels left to right, in place.
pub fn mirror_in_place(pixels: &mut [u8], width: u32, bytes_per_pixel: usize) {
    let row_len = width as usize * bytes_per_pixel;
    if row_len == 0 || bytes_per_pixel == 0 {
        return;
    }
    // Swap whole pixels between the two halves of each row: the left half
    // walks forward while the right half walks backward.
    let half = width as usize / 2 * bytes_per_pixel;
    for row in pixels.chunks_exact_mut(row_len) {
        let (left, right) = row.split_at_mut(row_len - half);
        for (a, b) in left[..half]
            .chunks_exact_mut(bytes_per_pixel)
            .zip(right.rchunks_exact_mut(bytes_per_pixel))
        {
            a.swap_with_slice(b);
        }
    }
}

/// Returns a mirrored copy of a raw frame.
pub fn mirror_frame(frame: &Frame) -> Result<Frame> {
    let bpp = raw_bpp(frame, "mirror")?;
    let mut pixels = frame.payload().to_vec();
    mirror_in_place(&mut pixels, frame.width(), bpp);
    Frame::new(frame.header().clone(), pixels)
}

/// A resizer that keeps its buffers from one frame to the next.
#[derive(Default)]
pub struct Resizer {
    inner: fir::Resizer,
}

impl Resizer {
    /// A resizer with empty scratch buffers.
    pub fn new() -> Resizer {
        Resizer::default()
    }

    /// Resizes raw pixels to `new_width × new_height` (bilinear-class
    /// convolution, which keeps text on the test pattern readable).
    pub fn resize(
        &mut self,
        pixels: &[u8],
        width: u32,
        height: u32,
        format: PixelFormat,
        new_width: u32,
        new_height: u32,
    ) -> Result<Vec<u8>> {
        let pixel_type = match format {
            PixelFormat::Rgb8 | PixelFormat::Bgr8 => fir::PixelType::U8x3,
            PixelFormat::Gray8 => fir::PixelType::U8,
            PixelFormat::Jpeg => {
                return Err(Error::UnsupportedFormat {
                    operation: "resize",
                    format,
                })
            }
        };
        let src = fir::images::ImageRef::new(width, height, pixels, pixel_type)
            .map_err(|e| Error::Resize(e.to_string()))?;
        let mut dst = fir::images::Image::new(new_width, new_height, pixel_type);
        let options = fir::ResizeOptions::new()
            .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Bilinear));
        self.inner
            .resize(&src, &mut dst, &options)
            .map_err(|e| Error::Resize(e.to_string()))?;
        Ok(dst.into_vec())
    }

    /// Resizes a raw frame to `target_width`, keeping its aspect ratio.
    pub fn resize_frame(&mut self, frame: &Frame, target_width: u32) -> Result<Frame> {
        raw_bpp(frame, "resize")?;
        let (w, h) = fit_width(frame.width(), frame.height(), target_width);
        let pixels = self.resize(
            frame.payload(),
            frame.width(),
            frame.height(),
            frame.format(),
            w,
            h,
        )?;
        let header = FrameHeader {
            width: w,
            height: h,
            ..frame.header().clone()
        };
        Frame::new(header, pixels)
    }
}

fn raw_bpp(frame: &Frame, operation: &'static str) -> Result<usize> {
    frame
        .format()
        .bytes_per_pixel()
        .ok_or(Error::UnsupportedFormat {
            operation,
            format: frame.format(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(width: u32, height: u32, format: PixelFormat, payload: Vec<u8>) -> Frame {
        let header = FrameHeader {
            camera: "t".into(),
            sequence: 1,
            captured_at_us: 2,
            width,
            height,
            format,
        };
        Frame::new(header, payload).unwrap()
    }

    #[test]
    fn fit_width_keeps_the_aspect_ratio() {
        assert_eq!(fit_width(640, 480, 320), (320, 240));
        assert_eq!(fit_width(1280, 720, 320), (320, 180));
        assert_eq!(fit_width(1000, 1, 10), (10, 1));
    }

    #[test]
    fn mirror_swaps_whole_pixels() {
        let f = frame(3, 1, PixelFormat::Rgb8, vec![1, 2, 3, 4, 5, 6, 7, 8, 9]);
        let m = mirror_frame(&f).unwrap();
        assert_eq!(&m.payload()[..], &[7, 8, 9, 4, 5, 6, 1, 2, 3]);
        assert_eq!(mirror_frame(&m).unwrap(), f);
    }

    #[test]
    fn resize_halves_a_frame() {
        let f = frame(64, 48, PixelFormat::Gray8, vec![200; 64 * 48]);
        let small = Resizer::new().resize_frame(&f, 32).unwrap();
        assert_eq!((small.width(), small.height()), (32, 24));
        assert!(small.payload().iter().all(|&v| v == 200));
        assert_eq!(small.sequence(), 1);
    }

    #[test]
    fn jpeg_frames_cannot_be_resized_or_mirrored() {
        let f = frame(2, 2, PixelFormat::Jpeg, vec![0xFF, 0xD8]);
        assert!(matches!(
            Resizer::new().resize_frame(&f, 1),
            Err(Error::UnsupportedFormat { .. })
        ));
        assert!(mirror_frame(&f).is_err());
    }
}
