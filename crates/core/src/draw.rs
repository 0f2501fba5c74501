//! Drawing into a pixel buffer: filled rectangles and text.
//!
//! Both the synthetic camera (which writes its name and frame number on each
//! picture) and the viewer (which writes captions on each tile) draw with
//! this module, into RGB or RGBA buffers. Drawing is a pure function of its
//! inputs, so the same call always gives the same pixels, which is what lets
//! the tests compare pictures byte for byte.
//!
//! Text comes from `noto-sans-mono-bitmap`: Noto Sans Mono, pre-rasterized
//! at a few heights and embedded in the binary. No font file, no system
//! library, and accented letters for French captions ("caméra").

use noto_sans_mono_bitmap::{get_raster, get_raster_width, FontWeight, RasterHeight};

/// An RGB colour.
pub type Rgb = [u8; 3];

/// A font: one of the embedded raster heights, optionally scaled up by a
/// whole factor for very large pictures, regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Font {
    height: RasterHeight,
    scale: u32,
    weight: FontWeight,
}

impl Font {
    /// The largest font whose line is at most `line_height` pixels tall
    /// (never smaller than the smallest embedded size, 16 px).
    pub fn for_line_height(line_height: u32) -> Font {
        let sizes = [
            RasterHeight::Size32,
            RasterHeight::Size24,
            RasterHeight::Size20,
            RasterHeight::Size16,
        ];
        let scale = (line_height / 32).max(1);
        let per = line_height / scale;
        let height = sizes
            .into_iter()
            .find(|s| s.val() as u32 <= per)
            .unwrap_or(RasterHeight::Size16);
        Font {
            height,
            scale,
            weight: FontWeight::Regular,
        }
    }

    /// The same font in bold.
    pub fn bold(self) -> Font {
        Font {
            weight: FontWeight::Bold,
            ..self
        }
    }

    /// Height of one line of text, in pixels.
    pub fn line_height(&self) -> u32 {
        self.height.val() as u32 * self.scale
    }

    /// Width of one character (the font is monospace), in pixels.
    pub fn char_width(&self) -> u32 {
        get_raster_width(self.weight, self.height) as u32 * self.scale
    }

    /// Width of `text` in pixels.
    pub fn text_width(&self, text: &str) -> u32 {
        text.chars().count() as u32 * self.char_width()
    }
}

/// A picture being drawn on: `width × height` pixels of 3 (RGB) or 4 (RGBA)
/// bytes. Everything drawn is clipped to the picture, so shapes may start
/// outside it, even at negative coordinates.
pub struct Canvas<'a> {
    pixels: &'a mut [u8],
    width: usize,
    height: usize,
    channels: usize,
}

impl<'a> Canvas<'a> {
    /// Wraps an RGB (3 bytes per pixel) buffer. Returns `None` if the buffer
    /// is not exactly `width × height × 3` bytes.
    pub fn rgb(pixels: &'a mut [u8], width: u32, height: u32) -> Option<Canvas<'a>> {
        Canvas::new(pixels, width, height, 3)
    }

    /// Wraps an RGBA (4 bytes per pixel) buffer, as pixels uses.
    pub fn rgba(pixels: &'a mut [u8], width: u32, height: u32) -> Option<Canvas<'a>> {
        Canvas::new(pixels, width, height, 4)
    }

    fn new(pixels: &'a mut [u8], width: u32, height: u32, channels: usize) -> Option<Canvas<'a>> {
        let (width, height) = (width as usize, height as usize);
        (pixels.len() == width * height * channels).then_some(Canvas {
            pixels,
            width,
            height,
            channels,
        })
    }

    /// Width of the picture, in pixels.
    pub fn width(&self) -> u32 {
        self.width as u32
    }

    /// Height of the picture, in pixels.
    pub fn height(&self) -> u32 {
        self.height as u32
    }

    /// Clips a rectangle to the canvas: (x0, y0, x1, y1), end exclusive.
    fn clip(&self, x: i64, y: i64, w: i64, h: i64) -> Option<(usize, usize, usize, usize)> {
        let x0 = x.clamp(0, self.width as i64) as usize;
        let y0 = y.clamp(0, self.height as i64) as usize;
        let x1 = x.saturating_add(w).clamp(0, self.width as i64) as usize;
        let y1 = y.saturating_add(h).clamp(0, self.height as i64) as usize;
        (x0 < x1 && y0 < y1).then_some((x0, y0, x1, y1))
    }

    /// Fills a rectangle with an opaque colour.
    pub fn fill_rect(&mut self, x: i64, y: i64, w: i64, h: i64, color: Rgb) {
        self.blend_rect(x, y, w, h, color, 255);
    }

    /// Paints a rectangle with `color` at opacity `alpha` (0 to 255), for
    /// example a dark band under a caption that leaves the picture visible.
    pub fn blend_rect(&mut self, x: i64, y: i64, w: i64, h: i64, color: Rgb, alpha: u8) {
        let Some((x0, y0, x1, y1)) = self.clip(x, y, w, h) else {
            return;
        };
        let c = self.channels;
        for row in y0..y1 {
            let start = (row * self.width + x0) * c;
            let end = (row * self.width + x1) * c;
            for px in self.pixels[start..end].chunks_exact_mut(c) {
                blend(px, color, alpha);
            }
        }
    }

    /// Draws a rectangle outline `thickness` pixels wide, inside the rectangle.
    pub fn stroke_rect(&mut self, x: i64, y: i64, w: i64, h: i64, thickness: i64, color: Rgb) {
        self.fill_rect(x, y, w, thickness, color);
        self.fill_rect(x, y + h - thickness, w, thickness, color);
        self.fill_rect(x, y, thickness, h, color);
        self.fill_rect(x + w - thickness, y, thickness, h, color);
    }

    /// Draws `text` with its top-left corner at (x, y), and returns the
    /// width it took. Characters the font lacks are drawn as `?`.
    pub fn text(&mut self, x: i64, y: i64, text: &str, font: Font, color: Rgb) -> u32 {
        let step = i64::from(font.char_width());
        let scale = font.scale as usize;
        let mut pen = x;
        for ch in text.chars() {
            if pen >= self.width as i64 {
                break;
            }
            let glyph = get_raster(ch, font.weight, font.height)
                .or_else(|| get_raster('?', font.weight, font.height));
            if let Some(glyph) = glyph {
                for (gy, row) in glyph.rows().enumerate() {
                    for (gx, &coverage) in row.iter().enumerate() {
                        if coverage == 0 {
                            continue;
                        }
                        let px = pen + (gx * scale) as i64;
                        let py = y + (gy * scale) as i64;
                        let s = scale as i64;
                        self.blend_rect(px, py, s, s, color, coverage);
                    }
                }
            }
            pen += step;
        }
        (pen - x) as u32
    }
}

fn blend(px: &mut [u8], color: Rgb, alpha: u8) {
    if alpha == 255 {
        px[..3].copy_from_slice(&color);
    } else {
        let a = u16::from(alpha);
        for (dst, src) in px[..3].iter_mut().zip(color) {
            *dst = ((u16::from(src) * a + u16::from(*dst) * (255 - a) + 127) / 255) as u8;
        }
    }
    if px.len() == 4 {
        px[3] = 255;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_buffer_size_is_refused() {
        assert!(Canvas::rgb(&mut [0; 11], 2, 2).is_none());
        assert!(Canvas::rgba(&mut [0; 16], 2, 2).is_some());
    }

    #[test]
    fn rectangles_are_clipped() {
        let mut px = vec![0u8; 4 * 4 * 3];
        let mut c = Canvas::rgb(&mut px, 4, 4).unwrap();
        c.fill_rect(-10, -10, 12, 12, [9, 9, 9]);
        c.fill_rect(3, 3, 100, 100, [5, 5, 5]);
        c.fill_rect(i64::MAX - 1, 0, i64::MAX, 1, [1, 1, 1]);
        assert_eq!(&px[..3], &[9, 9, 9]);
        assert_eq!(&px[(4 + 1) * 3..(4 + 2) * 3], &[9, 9, 9]);
        assert_eq!(&px[(2 * 4 + 2) * 3..(2 * 4 + 3) * 3], &[0, 0, 0]);
        assert_eq!(&px[45..48], &[5, 5, 5]);
    }

    #[test]
    fn text_leaves_ink_and_accents_exist() {
        let font = Font::for_line_height(20);
        assert_eq!(font.line_height(), 20);
        let (w, h) = (font.text_width("é") + 2, font.line_height());
        let mut px = vec![0u8; (w * h * 4) as usize];
        let mut c = Canvas::rgba(&mut px, w, h).unwrap();
        assert_eq!(c.text(0, 0, "é", font, [255, 255, 255]), font.char_width());
        assert!(px.chunks(4).any(|p| p[0] > 200));
    }

    #[test]
    fn big_fonts_scale_up() {
        let f = Font::for_line_height(100);
        assert_eq!(f.line_height(), 96); // 32 px × 3
        assert_eq!(Font::for_line_height(5).line_height(), 16);
    }

    #[test]
    fn text_far_outside_is_harmless() {
        let mut px = vec![0u8; 3 * 3 * 3];
        let mut c = Canvas::rgb(&mut px, 3, 3).unwrap();
        c.text(
            -1000,
            -1000,
            "hors champ",
            Font::for_line_height(16),
            [255; 3],
        );
        c.text(2, 2, "ok", Font::for_line_height(64).bold(), [255; 3]);
    }
}
