//! Masks: zones of the picture the detector must ignore.
//!
//! A mask is given in fractions of the frame (0.0 to 1.0), so one setting
//! fits every resolution, and turned once, when the frame size is known,
//! into one `bool` per grey pixel: testing a pixel then costs a table
//! lookup, not a point-in-polygon test on every frame.

/// A zone to ignore (a tree in the wind, a busy street), in fractions of the
/// frame's width and height (0.0 to 1.0), so it fits any resolution.
#[derive(Debug, Clone, PartialEq)]
pub enum Mask {
    /// A rectangle: its top-left corner and its size.
    Rect {
        /// Left edge, as a fraction of the width.
        x: f32,
        /// Top edge, as a fraction of the height.
        y: f32,
        /// Width, as a fraction of the picture's width.
        w: f32,
        /// Height, as a fraction of the picture's height.
        h: f32,
    },
    /// A polygon of three points or more, each (x, y) in fractions of the picture.
    Polygon(Vec<(f32, f32)>),
}

/// One `true` per masked pixel of a `w × h` picture. A pixel is masked when
/// its centre is inside one of the masks.
pub(crate) fn mask_bitmap(masks: &[Mask], w: usize, h: usize) -> Vec<bool> {
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
