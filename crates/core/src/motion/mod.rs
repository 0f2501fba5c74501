//! Motion detection: has something moved in front of the camera?
//!
//! The method is the classic one of Motion and ZoneMinder, on a small grey
//! copy of each frame (a 640×480 frame becomes 160×120: sixteen times less
//! work, and sensor noise averages out; see [`shrink_to_grey`]):
//!
//! 1. **Background**: a running average of past frames. A still scene, or a
//!    light that changes slowly, is absorbed into it.
//! 2. **Difference**: each pixel that differs from the background by more
//!    than a threshold has *changed*. A change of light is taken out first:
//!    a lamp or a cloud makes the whole picture brighter, bright parts more
//!    than dark ones (the light is *multiplied*), so the frame is compared
//!    with `gain × background + offset`, the gain and offset that best fit
//!    the whole picture (a least-squares line). Motion changes *some*
//!    pixels, which such a line cannot explain; light changes all of them
//!    alike, which it can.
//! 3. **Despeckle**: a changed pixel counts only if most of its neighbours
//!    changed too, which removes isolated noise.
//! 4. **Score**: the fraction of changed pixels (masked zones excluded).
//! 5. **Hysteresis**: an event starts after a few frames above the minimum
//!    area and ends only after many frames below half of it, so a flickering
//!    light or a person who stops for a second makes one event, not fifty.
//!
//! It runs on every analysed frame of every camera, so its cost matters: at
//! 640×480 it takes a few hundred microseconds or less, most of it in the
//! shrink step (`cargo bench -p vigie-core --bench motion`, figures in
//! `docs/PERFORMANCE.md`). A JPEG frame must be decoded first, which costs
//! several times more than all the rest: [`decode_luma_small`] decodes the
//! grey plane only, at a quarter of its size for 640×480.
//!
//! Everything here is pure: frames in, scores and events out, no clock and
//! no thread, so the tests can feed it synthetic scenes frame by frame.

mod luma;
mod mask;
mod shrink;

pub use luma::{decode_luma, decode_luma_small, LumaImage};
pub use mask::Mask;
pub use shrink::shrink_to_grey;

use crate::frame::{Frame, PixelFormat};
use crate::Result;

/// The background is kept in 256ths of a grey level: a running average
/// moves by a fraction of a level per frame, which whole levels would round
/// away, and integers keep the arithmetic exact and fast.
const ONE: i32 = 256;

/// How sensitive the detector is.
#[derive(Debug, Clone, PartialEq)]
pub struct MotionConfig {
    /// Width of the grey copy the detector works on.
    pub work_width: u32,
    /// Grey-level difference (0–255) above which a pixel has changed.
    pub threshold: u8,
    /// How fast the background follows the scene (0–1 per frame).
    pub learn_rate: f32,
    /// Fraction of changed pixels that counts as motion.
    pub min_area: f32,
    /// Frames above `min_area` before an event starts.
    pub start_frames: u32,
    /// Frames below `min_area / 2` before an event ends.
    pub end_frames: u32,
    /// Zones ignored by the detector (a clock, a tree in the wind).
    pub masks: Vec<Mask>,
}

impl Default for MotionConfig {
    fn default() -> Self {
        MotionConfig {
            work_width: 160,
            threshold: 25,
            learn_rate: 0.05,
            min_area: 0.01,
            start_frames: 2,
            end_frames: 15,
            masks: Vec::new(),
        }
    }
}

/// What one frame changed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MotionUpdate {
    /// Fraction of changed pixels in this frame.
    pub score: f32,
    /// Whether an event is going on after this frame.
    pub in_event: bool,
    /// An event started or ended with this frame.
    pub event: Option<MotionEvent>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
/// A change of state of the detector: motion starts, or ends.
pub enum MotionEvent {
    /// Motion started with this frame.
    Started,
    /// The event ended; `peak` is its highest score.
    Ended {
        /// The highest score seen during the event.
        peak: f32,
    },
}

/// The detector of one camera.
pub struct MotionDetector {
    config: MotionConfig,
    size: (usize, usize),
    /// The running average, in 256ths of a grey level (see [`ONE`]).
    background: Vec<i32>,
    masked: Vec<bool>,
    /// How many pixels are not masked: the score's denominator.
    open: usize,
    /// 1 for each changed pixel of the last frame, 0 otherwise (kept to
    /// reuse its memory from frame to frame).
    changed: Vec<u8>,
    above: u32,
    below: u32,
    in_event: bool,
    peak: f32,
}

impl MotionDetector {
    /// A detector with `config`; it learns its background from the first frame.
    pub fn new(config: MotionConfig) -> MotionDetector {
        MotionDetector {
            config,
            size: (0, 0),
            background: Vec::new(),
            masked: Vec::new(),
            open: 0,
            changed: Vec::new(),
            above: 0,
            below: 0,
            in_event: false,
            peak: 0.0,
        }
    }

    /// The settings it detects with.
    pub fn config(&self) -> &MotionConfig {
        &self.config
    }

    /// New settings (a config reload), keeping what the detector has
    /// learnt: the background and an event going on stay, so a camera whose
    /// threshold changes does not start a false event while it relearns
    /// its scene. Masks apply from the next frame. A new working width
    /// cannot keep the background (its size changes): it restarts then.
    pub fn set_config(&mut self, config: MotionConfig) {
        let (width, height) = self.size;
        let restart = config.work_width != self.config.work_width;
        let masks_changed = config.masks != self.config.masks;
        self.config = config;
        if restart {
            self.size = (0, 0);
        } else if masks_changed && width * height > 0 {
            self.masked = mask::mask_bitmap(&self.config.masks, width, height);
            self.open = self.masked.iter().filter(|m| !**m).count();
        }
    }

    /// Feeds one frame as the server receives it: RGB8, BGR8 and Gray8 are
    /// shrunk as they are, JPEG is decoded to grey at the DCT scale nearest
    /// the working width first (see [`decode_luma_small`]). Only a JPEG that cannot be decoded, or is larger
    /// than [`crate::jpeg::MAX_DECODE_SIDE`], is an error; the detector is
    /// then left as it was.
    pub fn update_frame(&mut self, frame: &Frame) -> Result<MotionUpdate> {
        let work_width = self.config.work_width;
        let (width, height) = (frame.width() as usize, frame.height() as usize);
        let small =
            match shrink::shrink_raw(frame.payload(), width, height, frame.format(), work_width) {
                Some(small) => small,
                None => {
                    // Decoded at the DCT scale nearest the working width:
                    // for 640×480 and 160, a quarter-size decode, which the
                    // shrink below then leaves as it is.
                    let luma = decode_luma_small(frame.payload(), work_width)?;
                    shrink::shrink_raw(
                        &luma.pixels,
                        luma.width,
                        luma.height,
                        PixelFormat::Gray8,
                        work_width,
                    )
                    .unwrap_or_default()
                }
            };
        Ok(self.update_grey(&small.pixels, small.width, small.height))
    }

    /// Feeds one RGB8 frame of `width × height` pixels. A frame of another
    /// size than the previous one restarts the background; a buffer of the
    /// wrong length is ignored (score 0, no event).
    pub fn update_rgb(&mut self, rgb: &[u8], width: u32, height: u32) -> MotionUpdate {
        let (small, w, h) = shrink_to_grey(rgb, width, height, self.config.work_width);
        self.update_grey(&small, w, h)
    }

    /// Feeds one already small grey frame. A buffer that does not hold
    /// `width × height` bytes is ignored (score 0, no event).
    pub fn update_grey(&mut self, grey: &[u8], width: usize, height: usize) -> MotionUpdate {
        if width == 0 || height == 0 || width.checked_mul(height) != Some(grey.len()) {
            return self.quiet();
        }
        if self.size != (width, height) {
            self.restart(grey, width, height);
            return self.quiet();
        }
        let light = Light::fit(grey, &self.background);
        let threshold = i32::from(self.config.threshold) * ONE;
        let rate = (self.config.learn_rate.clamp(0.0, 1.0) * ONE as f32).round() as i32;
        // One pass does both: compare each pixel with the background, then
        // move the background a step towards it.
        let pixels = grey
            .iter()
            .zip(&mut self.background)
            .zip(&self.masked)
            .zip(&mut self.changed);
        for (((&v, background), &masked), changed) in pixels {
            let difference = i32::from(v) * ONE - *background;
            let unexplained = i32::from(v) * ONE - light.apply(*background);
            *changed = u8::from(!masked && unexplained.abs() > threshold);
            *background += difference * rate / ONE;
        }
        let counted = despeckle(&self.changed, width, height);
        let score = counted as f32 / self.open.max(1) as f32;
        self.step(score)
    }

    /// A first frame, or a new size: this frame becomes the background.
    fn restart(&mut self, grey: &[u8], width: usize, height: usize) {
        self.size = (width, height);
        self.background = grey.iter().map(|&v| i32::from(v) * ONE).collect();
        self.masked = mask::mask_bitmap(&self.config.masks, width, height);
        self.open = self.masked.iter().filter(|m| !**m).count();
        self.changed = vec![0; grey.len()];
    }

    fn quiet(&self) -> MotionUpdate {
        MotionUpdate {
            score: 0.0,
            in_event: self.in_event,
            event: None,
        }
    }

    /// The hysteresis: when an event starts and ends.
    fn step(&mut self, score: f32) -> MotionUpdate {
        let min = self.config.min_area;
        let mut event = None;
        if score >= min {
            self.above += 1;
            self.below = 0;
        } else if score < min / 2.0 {
            self.below += 1;
            self.above = 0;
        }
        if self.in_event {
            self.peak = self.peak.max(score);
            if self.below >= self.config.end_frames {
                self.in_event = false;
                event = Some(MotionEvent::Ended { peak: self.peak });
            }
        } else if self.above >= self.config.start_frames {
            self.in_event = true;
            self.peak = score;
            event = Some(MotionEvent::Started);
        }
        MotionUpdate {
            score,
            in_event: self.in_event,
            event,
        }
    }
}

/// How the light changed between the background and a frame: the frame is
/// about `gain × background + offset` everywhere nothing moved.
struct Light {
    /// In 65536ths (16.16 fixed point), so applying it is integer work.
    gain: u64,
    /// In 256ths of a grey level, like the background.
    offset: i32,
}

impl Light {
    /// The least-squares line through the points (background, frame) of
    /// every pixel. A flat background says nothing about gain: then only
    /// the mean shift is taken out. The gain is kept between 1/4 and 4, far
    /// beyond what a lamp does, so a camera covered by a hand still moves.
    fn fit(grey: &[u8], background: &[i32]) -> Light {
        let n = grey.len() as f64;
        // The sums in integers: exact (a 160×120 picture's sum of squares
        // is below 10^14), and the compiler adds many pixels at once, where
        // a sum in floating point waits for each addition before the next.
        // (The background is never negative: it starts as a frame and moves
        // towards frames. Unsigned 32 × 32 → 64-bit products are what the
        // processor multiplies several at a time.)
        let (mut sb, mut sv, mut sbb, mut sbv) = (0u64, 0u64, 0u64, 0u64);
        for (&v, &b) in grey.iter().zip(background) {
            let (v, b) = (
                u64::from(u32::from(v) * ONE as u32),
                u64::from(b.max(0) as u32),
            );
            sb += b;
            sv += v;
            sbb += b * b;
            sbv += b * v;
        }
        let (sb, sv, sbb, sbv) = (sb as f64, sv as f64, sbb as f64, sbv as f64);
        let (mean_b, mean_v) = (sb / n, sv / n);
        let variance = sbb / n - mean_b * mean_b;
        // Below a spread of 2 grey levels, the slope is noise.
        let gain = if variance > f64::from(2 * ONE).powi(2) {
            ((sbv / n - mean_b * mean_v) / variance).clamp(0.25, 4.0)
        } else {
            1.0
        };
        Light {
            gain: (gain * 65536.0).round() as u64,
            offset: (mean_v - gain * mean_b).round() as i32,
        }
    }

    /// What a background pixel (never negative) looks like under the
    /// frame's light.
    fn apply(&self, background: i32) -> i32 {
        let scaled = u64::from(background.max(0) as u32) * self.gain;
        (scaled >> 16) as i32 + self.offset
    }
}

/// Counts changed pixels (1 in `changed`) that have at least 3 changed
/// 4-neighbours. Each row is read as five aligned slices (the pixel, its
/// left and right neighbours, the rows above and below), which the compiler
/// can check once per row instead of once per pixel.
fn despeckle(changed: &[u8], w: usize, h: usize) -> usize {
    if w < 3 || h < 3 {
        return 0;
    }
    let mut n = 0;
    for y in 1..h - 1 {
        let row = &changed[y * w..(y + 1) * w];
        let above = &changed[(y - 1) * w + 1..y * w - 1];
        let below = &changed[(y + 1) * w + 1..(y + 2) * w - 1];
        let (left, centre, right) = (&row[..w - 2], &row[1..w - 1], &row[2..]);
        n += centre
            .iter()
            .zip(left)
            .zip(right)
            .zip(above)
            .zip(below)
            .filter(|((((&c, &l), &r), &a), &b)| c == 1 && l + r + a + b >= 3)
            .count();
    }
    n
}

#[cfg(test)]
mod tests;
