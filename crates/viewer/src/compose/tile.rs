//! One camera's tile: the picture, letterboxed, a caption band below it,
//! and whatever the viewer must not let go unnoticed on top of it: a
//! camera that went quiet, one that never sent a picture, motion, recording.
//!
//! ```text
//! +-------------------------------------------+
//! |bars|                              (●REC)|bars|
//! |bars|          picture, greyed out  |bars|
//! |bars|     [ HORS LIGNE depuis 12 s ]|bars|
//! |bars|                                |bars|
//! | ● entrée  15,0 i/s  640×480  12 ms  il y a 0,1 s |
//! +-------------------------------------------+
//! ```

use vigie_core::draw::{Canvas, Font, Rgb};

use super::blit::{self, Scaler, Tone};
use super::caption::{self, font_to_fit, truncate};
use super::layout::{fit, Rect};
use super::{Tile, TileState};

/// The bars around a letterboxed picture: darker than the window, so the
/// tile reads as one block.
pub(crate) const LETTERBOX: Rgb = [12, 12, 14];
const BAND: Rgb = [38, 41, 48];
const NAME: Rgb = [245, 245, 245];
const FIELDS: Rgb = [185, 190, 200];
const WAITING: Rgb = [165, 168, 175];
const LIVE: Rgb = [70, 200, 110];
const STALE: Rgb = [255, 184, 40];
const OFFLINE: Rgb = [240, 80, 70];
/// Motion and recording: the conventional red of a camera's tally light.
const ALERT: Rgb = [230, 30, 30];

/// Draws `tile` into `rect` of the RGBA `frame` (`width × height` pixels).
pub(crate) fn draw(
    frame: &mut [u8],
    width: u32,
    height: u32,
    scaler: &mut Scaler,
    tile: &Tile,
    rect: Rect,
) {
    if rect.is_empty() {
        return;
    }
    // The caption grows with the tile, so it stays readable from a distance
    // on a big screen and still leaves room for the picture on a small one.
    let font = Font::for_line_height((rect.h / 18).max(16));
    let pad = font.line_height() / 4;
    let band_h = font.line_height() + 2 * pad;
    let has_caption = rect.h >= 3 * band_h && rect.w >= 6 * font.char_width();
    let (area, band) = rect.split_bottom(if has_caption { band_h } else { 0 });

    let picture = tile.picture.as_deref().filter(|p| p.is_valid());
    let tone = match tile.state {
        TileState::Online => Tone::Live,
        TileState::Stale { .. } => Tone::Dimmed,
        TileState::Offline { .. } => Tone::Greyed,
    };
    let dst = picture.map_or(Rect::default(), |p| fit(p.width, p.height, area));
    let shown = picture.is_some_and(|p| scaler.draw(frame, width, p, dst, tone));
    // Only the bars are filled: painting the whole tile first and the
    // picture over it would write every pixel twice.
    if shown {
        let (right, bottom) = (dst.x + dst.w, dst.y + dst.h);
        let bars = [
            Rect::new(area.x, area.y, area.w, dst.y - area.y),
            Rect::new(area.x, bottom, area.w, area.y + area.h - bottom),
            Rect::new(area.x, dst.y, dst.x - area.x, dst.h),
            Rect::new(right, dst.y, area.x + area.w - right, dst.h),
        ];
        for bar in bars {
            blit::fill(frame, width, bar, LETTERBOX);
        }
    } else {
        blit::fill(frame, width, area, LETTERBOX);
    }
    if has_caption {
        blit::fill(frame, width, band, BAND);
    }

    with_canvas(frame, width, height, |c| {
        let state_colour = match tile.state {
            TileState::Online => LIVE,
            TileState::Stale { .. } => STALE,
            TileState::Offline { .. } => OFFLINE,
        };
        if let Some(label) = caption::state_label(tile.state) {
            centred_label(c, area, &label, (area.h / 8).max(16), state_colour, true);
        } else if !shown {
            let text = "en attente d'images...";
            centred_label(c, area, text, (area.h / 12).max(16), WAITING, false);
        }
        if has_caption {
            draw_caption(c, band, tile, font, state_colour);
        }
        if tile.recording {
            draw_rec(c, area, font);
        }
        if tile.motion {
            let thickness = (rect.w.min(rect.h) / 100).clamp(3, 8);
            let (x, y) = (i64::from(rect.x), i64::from(rect.y));
            let t = i64::from(thickness.min(rect.w / 2).min(rect.h / 2).max(1));
            c.stroke_rect(x, y, i64::from(rect.w), i64::from(rect.h), t, ALERT);
        }
    });
}

/// Runs `f` on a canvas over `frame`; the caller checked the size, so the
/// canvas always exists, but a mismatch must draw nothing rather than panic.
pub(crate) fn with_canvas(frame: &mut [u8], width: u32, height: u32, f: impl FnOnce(&mut Canvas)) {
    if let Some(mut canvas) = Canvas::rgba(frame, width, height) {
        f(&mut canvas);
    }
}

/// Draws `text` centred in `area`, as large as fits up to `line_height`.
/// When it does not fit on one line, it breaks before "depuis" (the state
/// first, how long second) and, if that is still too wide, it is cut.
/// `boxed` puts it on a dark box outlined in its colour, so it reads over
/// any picture.
pub(crate) fn centred_label(
    c: &mut Canvas,
    area: Rect,
    text: &str,
    line_height: u32,
    colour: Rgb,
    boxed: bool,
) {
    let margin = (area.w / 20).max(2);
    let max_w = area.w.saturating_sub(2 * margin);
    let mut font = font_to_fit(text, line_height, max_w, boxed);
    let mut lines = vec![text.to_owned()];
    if font.text_width(text) > max_w {
        if let Some((state, since)) = text.split_once(" depuis ") {
            lines = vec![state.to_owned(), format!("depuis {since}")];
            let longest = lines.iter().max_by_key(|l| l.chars().count());
            font = font_to_fit(longest.map_or("", |l| l), line_height, max_w, boxed);
        }
    }
    let lines: Vec<String> = lines.iter().map(|l| truncate(l, font, max_w)).collect();
    let line = font.line_height();
    let pad = line / 3;
    let text_h = line * lines.len() as u32;
    let text_w = lines.iter().map(|l| font.text_width(l)).max().unwrap_or(0);
    if text_w == 0 || text_h + 2 * pad > area.h {
        return;
    }
    let (cx, cy) = area.centre();
    let top = cy - i64::from(text_h / 2);
    if boxed {
        let (bw, bh) = (i64::from(text_w + 4 * pad), i64::from(text_h + 2 * pad));
        let (bx, by) = (cx - bw / 2, top - i64::from(pad));
        c.blend_rect(bx, by, bw, bh, [0, 0, 0], 200);
        c.stroke_rect(bx, by, bw, bh, i64::from((line / 16).max(1)), colour);
    }
    for (i, l) in lines.iter().enumerate() {
        let x = cx - i64::from(font.text_width(l) / 2);
        c.text(x, top + i64::from(line) * i as i64, l, font, colour);
    }
}

/// The band under the picture: a dot in the state's colour, the name in
/// bold, then the figures.
fn draw_caption(c: &mut Canvas, band: Rect, tile: &Tile, font: Font, state_colour: Rgb) {
    let line = font.line_height();
    let pad = line / 4;
    let radius = line / 4;
    let dot_x = i64::from(band.x + pad + radius);
    let text_y = i64::from(band.y + pad);
    disc(c, dot_x, text_y + i64::from(line / 2), radius, state_colour);
    let x = dot_x + i64::from(radius + pad);
    let max_w = (i64::from(band.x + band.w - pad) - x).max(0) as u32;
    let fields = caption::caption_fields(tile);
    let (name, rest) = caption::fit_caption(&tile.name, &fields, font, max_w);
    let name_w = c.text(x, text_y, &name, font.bold(), NAME);
    c.text(x + i64::from(name_w), text_y, &rest, font, FIELDS);
}

/// A red dot and "REC" in the top-right corner of the picture area, on a
/// dark pill so it shows over a white sky as well as a black night.
fn draw_rec(c: &mut Canvas, area: Rect, font: Font) {
    let font = font.bold();
    let line = font.line_height();
    let pad = line / 4;
    let radius = line * 3 / 10;
    let w = 2 * radius + pad + font.text_width("REC") + 2 * pad;
    let h = line + pad;
    if area.w < w + 2 * pad || area.h < h + 2 * pad {
        return;
    }
    let x = i64::from(area.x + area.w - w - pad);
    let y = i64::from(area.y + pad);
    c.blend_rect(x, y, i64::from(w), i64::from(h), [0, 0, 0], 170);
    let (cx, cy) = (x + i64::from(pad + radius), y + i64::from(h / 2));
    disc(c, cx, cy, radius, ALERT);
    let tx = cx + i64::from(radius + pad);
    c.text(tx, y + i64::from(pad / 2), "REC", font, [255, 255, 255]);
}

/// A filled disc, one horizontal run per row.
fn disc(c: &mut Canvas, cx: i64, cy: i64, radius: u32, colour: Rgb) {
    let r = i64::from(radius);
    for dy in -r..=r {
        let half = ((r * r - dy * dy) as f64).sqrt().round() as i64;
        c.fill_rect(cx - half, cy + dy, 2 * half + 1, 1, colour);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::compose::Picture;

    fn render(tile: &Tile, w: u32, h: u32) -> Vec<u8> {
        let mut frame = vec![0u8; (w * h * 4) as usize];
        draw(
            &mut frame,
            w,
            h,
            &mut Scaler::default(),
            tile,
            Rect::new(0, 0, w, h),
        );
        frame
    }

    fn count(frame: &[u8], colour: Rgb) -> usize {
        frame.chunks(4).filter(|p| p[..3] == colour).count()
    }

    fn white_picture() -> Option<Arc<Picture>> {
        Some(Arc::new(Picture {
            width: 4,
            height: 3,
            rgb: vec![255; 36],
        }))
    }

    #[test]
    fn a_live_picture_is_shown_as_is() {
        let tile = Tile {
            picture: white_picture(),
            ..Tile::default()
        };
        let frame = render(&tile, 400, 300);
        assert!(count(&frame, [255, 255, 255]) > 300 * 200);
        assert!(count(&frame, LIVE) > 0, "green state dot");
        assert!(count(&frame, BAND) > 0, "caption band");
    }

    #[test]
    fn a_frozen_picture_is_greyed_and_labelled() {
        let tile = Tile {
            picture: white_picture(),
            state: TileState::Offline {
                for_: Duration::from_secs(12),
            },
            ..Tile::default()
        };
        let frame = render(&tile, 400, 300);
        assert_eq!(count(&frame, [255, 255, 255]), 0, "no live-looking white");
        assert!(count(&frame, OFFLINE) > 100, "red label");
    }

    #[test]
    fn motion_and_recording_show_in_red() {
        let tile = Tile {
            motion: true,
            recording: true,
            ..Tile::default()
        };
        let frame = render(&tile, 400, 300);
        assert_eq!(&frame[..3], ALERT, "border corner");
        assert!(count(&frame, ALERT) > 4 * 400);
        assert!(count(&frame, WAITING) > 0, "waiting message");
    }

    #[test]
    fn tiny_tiles_draw_without_panicking() {
        let tile = Tile {
            name: "un nom bien trop long pour une si petite tuile".into(),
            picture: white_picture(),
            state: TileState::Stale {
                for_: Duration::from_secs(3),
            },
            motion: true,
            recording: true,
            ..Tile::default()
        };
        for (w, h) in [(1, 1), (2, 1), (1, 7), (17, 16), (60, 48), (200, 60)] {
            render(&tile, w, h);
        }
    }
}
