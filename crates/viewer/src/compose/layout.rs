//! Where each tile goes, and where a picture goes inside its tile.
//!
//! Layout is integer arithmetic on rectangles and nothing else, so the
//! window can ask the same questions as the composer (which tile did the
//! user click?) and always get the answer that matches what is on screen.

use std::ops::Range;

use super::ViewMode;

/// A rectangle of pixels in the window: `w × h` from its top-left corner
/// `(x, y)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rect {
    /// Left edge, in pixels.
    pub x: u32,
    /// Top edge, in pixels.
    pub y: u32,
    /// Width, in pixels.
    pub w: u32,
    /// Height, in pixels.
    pub h: u32,
}

impl Rect {
    /// The rectangle at (`x`, `y`) of `w` × `h` pixels.
    pub fn new(x: u32, y: u32, w: u32, h: u32) -> Rect {
        Rect { x, y, w, h }
    }

    /// Whether the pixel `(x, y)` is inside.
    pub fn contains(&self, x: u32, y: u32) -> bool {
        x >= self.x
            && y >= self.y
            && u64::from(x) < u64::from(self.x) + u64::from(self.w)
            && u64::from(y) < u64::from(self.y) + u64::from(self.h)
    }

    /// No pixel in it.
    pub fn is_empty(&self) -> bool {
        self.w == 0 || self.h == 0
    }

    /// Splits off a band of `band` pixels at the bottom: (above, band).
    pub(crate) fn split_bottom(self, band: u32) -> (Rect, Rect) {
        let band = band.min(self.h);
        let top = Rect::new(self.x, self.y, self.w, self.h - band);
        let bottom = Rect::new(self.x, self.y + self.h - band, self.w, band);
        (top, bottom)
    }

    /// The centre, for centring labels.
    pub(crate) fn centre(&self) -> (i64, i64) {
        (
            i64::from(self.x) + i64::from(self.w) / 2,
            i64::from(self.y) + i64::from(self.h) / 2,
        )
    }
}

/// Columns and rows of the automatic grid for `n` cameras: as square as
/// possible, wider than tall when it cannot be square (screens are wide).
/// 1 → 1×1, 2 → 2×1, 3–4 → 2×2, 5–6 → 3×2, 7–9 → 3×3, 10–12 → 4×3…
pub fn grid_shape(n: usize) -> (usize, usize) {
    if n == 0 {
        return (0, 0);
    }
    // ceil(sqrt(n)) in integers: a float square root can be off by one for
    // large n, and this loop runs a handful of times.
    let mut cols = (n as f64).sqrt() as usize;
    while cols.saturating_mul(cols) < n {
        cols += 1;
    }
    while cols > 1 && (cols - 1) * (cols - 1) >= n {
        cols -= 1;
    }
    (cols, n.div_ceil(cols))
}

/// The tiles that `mode` shows out of `n` cameras. The window uses it to
/// decode only the frames that will be seen.
pub fn visible_tiles(mode: ViewMode, n: usize) -> Range<usize> {
    match mode {
        ViewMode::Solo(i) if i < n => i..i + 1,
        _ => 0..n,
    }
}

/// The gap between tiles, and around them: a few pixels on a normal
/// window, none on a tiny one, where every pixel is worth more as picture.
pub(crate) fn gap(width: u32, height: u32) -> u32 {
    (width.min(height) / 180).min(6)
}

/// Every visible tile with its rectangle, in camera order.
pub fn layout(width: u32, height: u32, mode: ViewMode, n: usize) -> Vec<(usize, Rect)> {
    let visible = visible_tiles(mode, n);
    if visible.len() == 1 && matches!(mode, ViewMode::Solo(_)) {
        return vec![(visible.start, Rect::new(0, 0, width, height))];
    }
    let (cols, rows) = grid_shape(n);
    if cols == 0 {
        return Vec::new();
    }
    let gap = gap(width, height);
    let along = |total: u32, count: usize| {
        let count = count as u64;
        let free = u64::from(total).saturating_sub(u64::from(gap) * (count + 1));
        // Spreading the remainder over the cells (instead of leaving it at
        // the right edge) keeps the margins even on every window size.
        move |i: u64| {
            let start = free * i / count;
            let size = free * (i + 1) / count - start;
            (u64::from(gap) * (i + 1) + start, size)
        }
    };
    let column = along(width, cols);
    let row = along(height, rows);
    let last_row_len = n - (rows - 1) * cols;
    (0..n)
        .map(|i| {
            let (r, c) = ((i / cols) as u64, (i % cols) as u64);
            let (mut x, w) = column(c);
            // An incomplete last row is centred, so the grid stays balanced.
            if r as usize == rows - 1 && last_row_len < cols {
                let step = column(1).0 - column(0).0;
                x += step * (cols - last_row_len) as u64 / 2;
            }
            let (y, h) = row(r);
            (i, Rect::new(x as u32, y as u32, w as u32, h as u32))
        })
        .collect()
}

/// Which tile is under the pixel `(x, y)`, if any (not in a gap).
pub fn tile_at(width: u32, height: u32, mode: ViewMode, n: usize, x: u32, y: u32) -> Option<usize> {
    layout(width, height, mode, n)
        .into_iter()
        .find(|(_, r)| r.contains(x, y))
        .map(|(i, _)| i)
}

/// The largest rectangle of the aspect ratio `src_w : src_h` that fits in
/// `area`, centred: the rest of `area` stays as letterbox bars.
pub(crate) fn fit(src_w: u32, src_h: u32, area: Rect) -> Rect {
    if src_w == 0 || src_h == 0 || area.is_empty() {
        return Rect::new(area.x, area.y, 0, 0);
    }
    let (sw, sh) = (u64::from(src_w), u64::from(src_h));
    let (aw, ah) = (u64::from(area.w), u64::from(area.h));
    let (w, h) = if aw * sh <= ah * sw {
        (aw, ((sh * aw + sw / 2) / sw).clamp(1, ah))
    } else {
        (((sw * ah + sh / 2) / sh).clamp(1, aw), ah)
    };
    let x = area.x + ((aw - w) / 2) as u32;
    let y = area.y + ((ah - h) / 2) as u32;
    Rect::new(x, y, w as u32, h as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_shapes_follow_the_table() {
        let expected = [
            (1, (1, 1)),
            (2, (2, 1)),
            (3, (2, 2)),
            (4, (2, 2)),
            (5, (3, 2)),
            (6, (3, 2)),
            (7, (3, 3)),
            (9, (3, 3)),
            (10, (4, 3)),
            (12, (4, 3)),
            (13, (4, 4)),
            (16, (4, 4)),
            (17, (5, 4)),
            (64, (8, 8)),
        ];
        for (n, shape) in expected {
            assert_eq!(grid_shape(n), shape, "{n} cameras");
        }
        assert_eq!(grid_shape(0), (0, 0));
        let (c, r) = grid_shape(usize::MAX / 4);
        assert!(c * r >= usize::MAX / 4);
    }

    #[test]
    fn tiles_do_not_overlap_and_stay_inside() {
        for n in 1..=20 {
            for (w, h) in [(1280, 720), (1920, 1080), (333, 201), (7, 5), (1, 1)] {
                let tiles = layout(w, h, ViewMode::Grid, n);
                assert_eq!(tiles.len(), n);
                for (i, (_, a)) in tiles.iter().enumerate() {
                    assert!(a.x + a.w <= w && a.y + a.h <= h, "{a:?} in {w}×{h}");
                    for (_, b) in &tiles[i + 1..] {
                        let apart = a.x + a.w <= b.x
                            || b.x + b.w <= a.x
                            || a.y + a.h <= b.y
                            || b.y + b.h <= a.y;
                        assert!(apart || a.is_empty() || b.is_empty(), "{a:?} {b:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn grid_margins_are_even() {
        let tiles = layout(1280, 720, ViewMode::Grid, 4);
        assert_eq!(tiles[0].1, Rect::new(4, 4, 634, 354));
        assert_eq!(tiles[3].1, Rect::new(642, 362, 634, 354));
        // The third of three cameras is centred on its row.
        let tiles = layout(1280, 720, ViewMode::Grid, 3);
        assert_eq!(tiles[2].1.x, 4 + 638 / 2);
    }

    #[test]
    fn solo_fills_the_window_and_falls_back_to_grid() {
        assert_eq!(
            layout(800, 600, ViewMode::Solo(2), 3),
            vec![(2, Rect::new(0, 0, 800, 600))]
        );
        assert_eq!(layout(800, 600, ViewMode::Solo(3), 3).len(), 3);
        assert!(layout(800, 600, ViewMode::Solo(0), 0).is_empty());
        assert_eq!(visible_tiles(ViewMode::Solo(1), 4), 1..2);
        assert_eq!(visible_tiles(ViewMode::Solo(9), 4), 0..4);
        assert_eq!(visible_tiles(ViewMode::Grid, 4), 0..4);
    }

    #[test]
    fn clicks_find_their_tile() {
        assert_eq!(tile_at(1280, 720, ViewMode::Grid, 4, 10, 10), Some(0));
        assert_eq!(tile_at(1280, 720, ViewMode::Grid, 4, 1270, 710), Some(3));
        assert_eq!(tile_at(1280, 720, ViewMode::Grid, 4, 640, 10), None);
        assert_eq!(tile_at(1280, 720, ViewMode::Solo(1), 4, 5, 5), Some(1));
        assert_eq!(tile_at(1280, 720, ViewMode::Grid, 0, 5, 5), None);
    }

    #[test]
    fn pictures_are_letterboxed() {
        let area = Rect::new(10, 20, 400, 400);
        assert_eq!(fit(640, 480, area), Rect::new(10, 70, 400, 300));
        assert_eq!(fit(480, 640, area), Rect::new(60, 20, 300, 400));
        assert_eq!(fit(1, 1, area), area);
        assert_eq!(fit(10_000, 1, area).h, 1);
        assert!(fit(0, 5, area).is_empty());
        assert!(fit(5, 5, Rect::new(0, 0, 0, 9)).is_empty());
    }

    #[test]
    fn rect_helpers() {
        let r = Rect::new(10, 10, 100, 50);
        let (top, band) = r.split_bottom(20);
        assert_eq!((top.h, band.y, band.h), (30, 40, 20));
        assert_eq!(r.split_bottom(80).1.h, 50);
        assert!(!Rect::new(u32::MAX, 0, 1, 1).contains(0, 0));
        assert!(Rect::new(u32::MAX - 1, 0, 5, 1).contains(u32::MAX, 0));
    }
}
