//! Motion detection: has something moved in front of the camera?
//!
//! The method is the classic one of Motion and ZoneMinder, on a small grey
//! copy of each frame (a 640×480 frame becomes 160×120: sixteen times less
//! work, and sensor noise averages out):
//!
//! 1. **Background**: a running average of past frames. A still scene, or a
//!    light that changes slowly, is absorbed into it.
//! 2. **Difference**: each pixel that differs from the background by more
//!    than a threshold has *changed*. The mean difference is subtracted
//!    first, so a whole image getting brighter (a cloud, a lamp) is not
//!    motion: motion changes *some* pixels, not all of them alike.
//! 3. **Despeckle**: a changed pixel counts only if most of its neighbours
//!    changed too, which removes isolated noise.
//! 4. **Score**: the fraction of changed pixels (masked zones excluded).
//! 5. **Hysteresis**: an event starts after a few frames above the minimum
//!    area and ends only after many frames below half of it, so a flickering
//!    light or a person who stops for a second makes one event, not fifty.

/// A zone to ignore (a tree in the wind, a busy street), in fractions of the
/// frame's width and height (0.0 to 1.0), so it fits any resolution.
#[derive(Debug, Clone, PartialEq)]
pub enum Mask {
    Rect { x: f32, y: f32, w: f32, h: f32 },
    Polygon(Vec<(f32, f32)>),
}

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
pub enum MotionEvent {
    Started,
    /// The event ended; `peak` is its highest score.
    Ended {
        peak: f32,
    },
}

/// The detector of one camera.
pub struct MotionDetector {
    config: MotionConfig,
    size: (usize, usize),
    background: Vec<f32>,
    masked: Vec<bool>,
    above: u32,
    below: u32,
    in_event: bool,
    peak: f32,
}

impl MotionDetector {
    pub fn new(config: MotionConfig) -> MotionDetector {
        MotionDetector {
            config,
            size: (0, 0),
            background: Vec::new(),
            masked: Vec::new(),
            above: 0,
            below: 0,
            in_event: false,
            peak: 0.0,
        }
    }

    /// Feeds one RGB8 frame of `width × height` pixels. A frame of another
    /// size than the previous one restarts the background.
    pub fn update_rgb(&mut self, rgb: &[u8], width: u32, height: u32) -> MotionUpdate {
        let small = shrink_to_grey(rgb, width, height, self.config.work_width);
        self.update_grey(&small.0, small.1, small.2)
    }

    /// Feeds one already small grey frame.
    pub fn update_grey(&mut self, grey: &[u8], width: usize, height: usize) -> MotionUpdate {
        if grey.len() != width * height || width == 0 || height == 0 {
            return self.quiet();
        }
        if self.size != (width, height) {
            self.size = (width, height);
            self.background = grey.iter().map(|&v| f32::from(v)).collect();
            self.masked = mask_bitmap(&self.config.masks, width, height);
            return self.quiet();
        }
        let mean_shift = grey
            .iter()
            .zip(&self.background)
            .map(|(&v, &b)| f32::from(v) - b)
            .sum::<f32>()
            / grey.len() as f32;
        let threshold = f32::from(self.config.threshold);
        let changed: Vec<bool> = grey
            .iter()
            .zip(&self.background)
            .zip(&self.masked)
            .map(|((&v, &b), &m)| !m && (f32::from(v) - b - mean_shift).abs() > threshold)
            .collect();
        let counted = despeckle(&changed, width, height);
        let open = self.masked.iter().filter(|m| !**m).count().max(1);
        let score = counted as f32 / open as f32;
        let rate = self.config.learn_rate;
        for (b, &v) in self.background.iter_mut().zip(grey) {
            *b += (f32::from(v) - *b) * rate;
        }
        self.step(score)
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

/// A grey copy about `work_width` wide, each pixel the average of a square
/// block of the original (which also averages sensor noise away).
pub fn shrink_to_grey(
    rgb: &[u8],
    width: u32,
    height: u32,
    work_width: u32,
) -> (Vec<u8>, usize, usize) {
    let (w, h) = (width as usize, height as usize);
    if rgb.len() != w * h * 3 || w == 0 || h == 0 {
        return (Vec::new(), 0, 0);
    }
    let f = (w / work_width.max(1) as usize).max(1);
    let (sw, sh) = (w / f, h / f);
    let mut out = vec![0u8; sw * sh];
    for sy in 0..sh {
        for sx in 0..sw {
            let mut sum = 0u32;
            for y in sy * f..sy * f + f {
                let row = &rgb[(y * w + sx * f) * 3..(y * w + sx * f + f) * 3];
                for p in row.chunks_exact(3) {
                    // Integer luma (BT.601): 77 R + 150 G + 29 B over 256.
                    sum +=
                        (77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2])) >> 8;
                }
            }
            out[sy * sw + sx] = (sum / (f * f) as u32) as u8;
        }
    }
    (out, sw, sh)
}

/// Counts changed pixels that have at least 3 changed 4-neighbours.
fn despeckle(changed: &[bool], w: usize, h: usize) -> usize {
    let at = |x: usize, y: usize| changed[y * w + x];
    let mut n = 0;
    for y in 1..h.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            if at(x, y) {
                let neighbours = [at(x - 1, y), at(x + 1, y), at(x, y - 1), at(x, y + 1)];
                if neighbours.iter().filter(|c| **c).count() >= 3 {
                    n += 1;
                }
            }
        }
    }
    n
}

fn mask_bitmap(masks: &[Mask], w: usize, h: usize) -> Vec<bool> {
    let mut out = vec![false; w * h];
    for y in 0..h {
        for x in 0..w {
            let (fx, fy) = ((x as f32 + 0.5) / w as f32, (y as f32 + 0.5) / h as f32);
            out[y * w + x] = masks.iter().any(|m| match m {
                Mask::Rect { x, y, w, h } => fx >= *x && fx < x + w && fy >= *y && fy < y + h,
                Mask::Polygon(points) => inside(points, fx, fy),
            });
        }
    }
    out
}

/// Even-odd rule: a ray to the right crosses the edges an odd number of times.
fn inside(points: &[(f32, f32)], x: f32, y: f32) -> bool {
    let mut inside = false;
    for i in 0..points.len() {
        let (x1, y1) = points[i];
        let (x2, y2) = points[(i + 1) % points.len()];
        if (y1 > y) != (y2 > y) && x < (x2 - x1) * (y - y1) / (y2 - y1) + x1 {
            inside = !inside;
        }
    }
    inside
}

#[cfg(test)]
mod tests;
