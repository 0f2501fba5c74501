//! Scaling a camera picture (RGB) into its place in the window (RGBA).
//!
//! This is the only costly step of composing: every redraw scales every
//! visible picture. `fast_image_resize` does the scaling with SIMD
//! convolution (bilinear, which keeps the small text of a camera picture
//! legible where nearest-neighbour would chop it), into a scratch buffer
//! that is kept between redraws. Its integer convolution gives the same
//! bytes with or without SIMD (AVX2, SSE4.1, NEON), which keeps the PNG
//! snapshots valid on every machine.
//!
//! A second pass widens RGB to RGBA and, for a camera that is not live,
//! greys the picture out in the same pass, so a frozen picture never looks
//! like a live one.

use fast_image_resize as fir;

use super::layout::Rect;
use super::Picture;

/// How a picture is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    /// As it is: the camera is live.
    Live,
    /// Half desaturated and darkened: the camera is connected but silent.
    Dimmed,
    /// Grey and dark: the camera is gone.
    Greyed,
}

/// Scales pictures, keeping its buffers from one redraw to the next.
#[derive(Default)]
pub(crate) struct Scaler {
    resizer: fir::Resizer,
    scratch: Vec<u8>,
}

impl Scaler {
    /// Draws `picture` scaled to `dst` in the RGBA `frame` of `frame_width`
    /// pixels per row. Returns false, drawing nothing, if it cannot (a
    /// `dst` outside the frame, or a picture whose size is inconsistent).
    pub(crate) fn draw(
        &mut self,
        frame: &mut [u8],
        frame_width: u32,
        picture: &Picture,
        dst: Rect,
        tone: Tone,
    ) -> bool {
        let stride = frame_width as usize * 4;
        let fits_in_frame = dst.x as u64 + dst.w as u64 <= u64::from(frame_width)
            && (dst.y as usize + dst.h as usize) * stride <= frame.len();
        if !picture.is_valid() || dst.is_empty() || !fits_in_frame {
            return false;
        }
        let (w, h) = (dst.w as usize, dst.h as usize);
        let pixels: &[u8] = if (picture.width, picture.height) == (dst.w, dst.h) {
            &picture.rgb
        } else {
            let len = w * h * 3;
            if self.scratch.len() < len {
                self.scratch.resize(len, 0);
            }
            let scaled = &mut self.scratch[..len];
            if !resize(&mut self.resizer, picture, scaled, dst) {
                return false;
            }
            scaled
        };
        let x0 = dst.x as usize * 4;
        for (row, src) in pixels.chunks_exact(w * 3).take(h).enumerate() {
            let start = (dst.y as usize + row) * stride + x0;
            widen(&mut frame[start..start + w * 4], src, tone);
        }
        true
    }
}

/// Fills `r` (clipped to the frame) with an opaque colour. Canvas does the
/// same through its blending path; this one writes whole pixels, which
/// matters for the background and the bars, the largest areas of a redraw.
pub(crate) fn fill(frame: &mut [u8], frame_width: u32, r: Rect, colour: [u8; 3]) {
    let stride = frame_width as usize * 4;
    if stride == 0 {
        return;
    }
    let x0 = (r.x.min(frame_width) as usize) * 4;
    let x1 = ((r.x as u64 + r.w as u64).min(u64::from(frame_width)) as usize) * 4;
    let pixel = [colour[0], colour[1], colour[2], 255];
    for row in frame
        .chunks_exact_mut(stride)
        .skip(r.y as usize)
        .take(r.h as usize)
    {
        for px in row[x0..x1].chunks_exact_mut(4) {
            px.copy_from_slice(&pixel);
        }
    }
}

fn resize(resizer: &mut fir::Resizer, picture: &Picture, out: &mut [u8], dst: Rect) -> bool {
    let src = fir::images::ImageRef::new(
        picture.width,
        picture.height,
        &picture.rgb,
        fir::PixelType::U8x3,
    );
    let out = fir::images::Image::from_slice_u8(dst.w, dst.h, out, fir::PixelType::U8x3);
    let (Ok(src), Ok(mut out)) = (src, out) else {
        return false;
    };
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Bilinear));
    resizer.resize(&src, &mut out, &options).is_ok()
}

/// Copies one row of RGB into RGBA, opaque, in `tone`.
fn widen(dst: &mut [u8], src: &[u8], tone: Tone) {
    let pairs = dst.chunks_exact_mut(4).zip(src.chunks_exact(3));
    match tone {
        Tone::Live => {
            for (d, s) in pairs {
                d.copy_from_slice(&[s[0], s[1], s[2], 255]);
            }
        }
        Tone::Dimmed | Tone::Greyed => {
            // Integer luma (BT.601 weights out of 256), then a mix towards
            // it and a darkening, so the state label on top stands out.
            let (keep, bright) = if tone == Tone::Dimmed {
                (128u32, 150u32)
            } else {
                (0, 100)
            };
            for (d, s) in pairs {
                let [r, g, b] = [s[0], s[1], s[2]].map(u32::from);
                let luma = (77 * r + 150 * g + 29 * b) >> 8;
                let tint = |c: u32| (((c * keep + luma * (256 - keep)) >> 8) * bright) >> 8;
                d.copy_from_slice(&[tint(r) as u8, tint(g) as u8, tint(b) as u8, 255]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(w: u32, h: u32, rgb: [u8; 3]) -> Picture {
        Picture {
            width: w,
            height: h,
            rgb: rgb.repeat((w * h) as usize),
        }
    }

    #[test]
    fn scales_into_the_rectangle_only() {
        let mut frame = vec![7u8; 10 * 6 * 4];
        let ok = Scaler::default().draw(
            &mut frame,
            10,
            &picture(4, 4, [200, 100, 50]),
            Rect::new(2, 1, 3, 2),
            Tone::Live,
        );
        assert!(ok);
        for y in 0..6 {
            for x in 0..10 {
                let px = &frame[(y * 10 + x) * 4..][..4];
                if (2..5).contains(&x) && (1..3).contains(&y) {
                    assert_eq!(px, [200, 100, 50, 255], "({x}, {y})");
                } else {
                    assert_eq!(px, [7; 4], "({x}, {y})");
                }
            }
        }
    }

    #[test]
    fn same_size_is_a_copy_and_tones_darken() {
        let pic = picture(2, 2, [200, 100, 50]);
        let mut scaler = Scaler::default();
        let mut frame = vec![0u8; 2 * 2 * 4];
        for (tone, expected) in [
            (Tone::Live, [200, 100, 50]),
            (Tone::Dimmed, [94, 65, 50]),
            (Tone::Greyed, [48, 48, 48]),
        ] {
            assert!(scaler.draw(&mut frame, 2, &pic, Rect::new(0, 0, 2, 2), tone));
            assert_eq!(&frame[..4], [expected[0], expected[1], expected[2], 255]);
        }
    }

    #[test]
    fn fill_is_clipped_to_the_frame() {
        let mut frame = vec![0u8; 3 * 2 * 4];
        fill(&mut frame, 3, Rect::new(1, 1, 100, 100), [9, 8, 7]);
        assert_eq!(&frame[..16], &[0; 16]);
        assert_eq!(&frame[16..], &[9, 8, 7, 255, 9, 8, 7, 255]);
        fill(
            &mut frame,
            3,
            Rect::new(u32::MAX, u32::MAX, u32::MAX, 1),
            [1; 3],
        );
        fill(&mut [], 0, Rect::new(0, 0, 5, 5), [1; 3]);
    }

    #[test]
    fn refuses_bad_pictures_and_rectangles() {
        let mut frame = vec![0u8; 4 * 4 * 4];
        let mut scaler = Scaler::default();
        let bad = Picture {
            width: 3,
            height: 3,
            rgb: vec![0; 5],
        };
        let good = picture(3, 3, [1, 2, 3]);
        assert!(!scaler.draw(&mut frame, 4, &bad, Rect::new(0, 0, 2, 2), Tone::Live));
        assert!(!scaler.draw(&mut frame, 4, &good, Rect::new(3, 0, 2, 2), Tone::Live));
        assert!(!scaler.draw(&mut frame, 4, &good, Rect::new(0, 3, 2, 2), Tone::Live));
        assert!(!scaler.draw(&mut frame, 4, &good, Rect::new(0, 0, 0, 2), Tone::Live));
        assert!(frame.iter().all(|&b| b == 0));
        assert!(scaler.draw(&mut frame, 4, &good, Rect::new(0, 0, 4, 4), Tone::Live));
    }
}
