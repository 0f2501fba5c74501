//! The words on screen: captions, state labels and durations, in French.
//!
//! Formatting is kept apart from drawing so that every string can be checked
//! by a plain `assert_eq!`, without looking at pixels. Fitting is done here
//! too: a caption that does not fit drops whole fields from the right (the
//! name matters most, the age of the last frame least) instead of running
//! into the next tile.

use std::time::Duration;

use vigie_core::draw::Font;

use super::{Tile, TileState};

/// Between two caption fields: two spaces read as a separator in a
/// monospace font, without spending a glyph.
pub(crate) const SEPARATOR: &str = "  ";

/// A duration for people: whole seconds under a minute ("12 s"), minutes
/// and seconds under an hour ("2 min 05 s"), then hours and minutes
/// ("1 h 02 min").
pub fn format_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

/// A number with one decimal and a French decimal comma: `15,0`.
fn decimal(x: f64) -> String {
    format!("{x:.1}").replace('.', ",")
}

/// How long ago the last frame came: tenths of a second while it is
/// fresh, because that is what tells a live camera from a lagging one.
pub(crate) fn format_age(d: Duration) -> String {
    if d < Duration::from_secs(10) {
        format!("il y a {} s", decimal(d.as_secs_f64()))
    } else {
        format!("il y a {}", format_duration(d))
    }
}

pub(crate) fn format_fps(fps: f64) -> String {
    // A rate that is not a sane number (a caller dividing by zero) must not
    // print "NaN" or a screen-wide figure.
    let fps = if fps.is_finite() {
        fps.clamp(0.0, 9999.0)
    } else {
        0.0
    };
    format!("{} i/s", decimal(fps))
}

pub(crate) fn format_latency(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else if d < Duration::from_secs(60) {
        format!("{} s", decimal(d.as_secs_f64()))
    } else {
        format_duration(d)
    }
}

/// The caption fields after the name, most useful first: fps, resolution,
/// latency, age of the last frame. Unknown values are left out.
pub(crate) fn caption_fields(tile: &Tile) -> Vec<String> {
    let mut fields = vec![format_fps(tile.fps)];
    let size = tile.source_size.or_else(|| {
        let picture = tile.picture.as_ref().filter(|p| p.is_valid())?;
        Some((picture.width, picture.height))
    });
    if let Some((w, h)) = size {
        fields.push(format!("{w}×{h}"));
    }
    if let Some(latency) = tile.latency {
        fields.push(format_latency(latency));
    }
    if let Some(age) = tile.last_frame_age {
        fields.push(format_age(age));
    }
    fields
}

/// The big label drawn over a tile that is not live, if any.
pub(crate) fn state_label(state: TileState) -> Option<String> {
    match state {
        TileState::Online => None,
        TileState::Stale { for_ } => Some(format!("FIGÉE depuis {}", format_duration(for_))),
        TileState::Offline { for_ } => Some(format!("HORS LIGNE depuis {}", format_duration(for_))),
    }
}

/// `text` cut to at most `max_width` pixels in `font`, with a final `.` to
/// show it was cut. Empty if not even one character fits.
pub(crate) fn truncate(text: &str, font: Font, max_width: u32) -> String {
    let max_chars = (max_width / font.char_width().max(1)) as usize;
    let len = text.chars().count();
    if len <= max_chars {
        return text.to_owned();
    }
    if max_chars <= 1 {
        return text.chars().take(max_chars).collect();
    }
    let mut cut: String = text.chars().take(max_chars - 1).collect();
    cut.push('.');
    cut
}

/// What a caption shows within `max_width` pixels: the name (bold, cut if
/// it must be) and as many of `fields` as fit, dropped from the right.
pub(crate) fn fit_caption(
    name: &str,
    fields: &[String],
    font: Font,
    max_width: u32,
) -> (String, String) {
    let name = truncate(name, font.bold(), max_width);
    let room = max_width.saturating_sub(font.bold().text_width(&name));
    let mut kept = fields.len();
    loop {
        let rest: String = fields[..kept]
            .iter()
            .flat_map(|f| [SEPARATOR, f.as_str()])
            .collect();
        if kept == 0 || font.text_width(&rest) <= room {
            return (name, rest);
        }
        kept -= 1;
    }
}

/// The largest font, no taller than `line_height`, in which `text` fits in
/// `max_width` pixels; the smallest font if none does (the caller cuts).
pub(crate) fn font_to_fit(text: &str, line_height: u32, max_width: u32, bold: bool) -> Font {
    let mut line = line_height.max(16);
    loop {
        let font = Font::for_line_height(line);
        let font = if bold { font.bold() } else { font };
        if font.text_width(text) <= max_width || font.line_height() <= 16 {
            return font;
        }
        line = font.line_height() - 1;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::compose::Picture;

    #[test]
    fn durations_read_like_french() {
        let s = Duration::from_secs;
        assert_eq!(format_duration(Duration::from_millis(300)), "0 s");
        assert_eq!(format_duration(s(3)), "3 s");
        assert_eq!(format_duration(s(59)), "59 s");
        assert_eq!(format_duration(s(60)), "1 min 00 s");
        assert_eq!(format_duration(s(125)), "2 min 05 s");
        assert_eq!(format_duration(s(3599)), "59 min 59 s");
        assert_eq!(format_duration(s(3720)), "1 h 02 min");
        assert_eq!(format_duration(s(100 * 3600)), "100 h 00 min");
        assert_eq!(format_duration(Duration::MAX), "5124095576030431 h 00 min");
    }

    #[test]
    fn fields_are_formatted() {
        assert_eq!(format_age(Duration::from_millis(120)), "il y a 0,1 s");
        assert_eq!(format_age(Duration::from_millis(9940)), "il y a 9,9 s");
        assert_eq!(format_age(Duration::from_secs(75)), "il y a 1 min 15 s");
        assert_eq!(format_fps(15.0), "15,0 i/s");
        assert_eq!(format_fps(f64::NAN), "0,0 i/s");
        assert_eq!(format_fps(-3.0), "0,0 i/s");
        assert_eq!(format_fps(1e300), "9999,0 i/s");
        assert_eq!(format_latency(Duration::from_micros(12_400)), "12 ms");
        assert_eq!(format_latency(Duration::from_millis(1250)), "1,2 s");
        assert_eq!(format_latency(Duration::from_secs(90)), "1 min 30 s");
    }

    #[test]
    fn state_labels() {
        let for_ = Duration::from_secs(3);
        assert_eq!(state_label(TileState::Online), None);
        assert_eq!(
            state_label(TileState::Stale { for_ }).as_deref(),
            Some("FIGÉE depuis 3 s")
        );
        assert_eq!(
            state_label(TileState::Offline {
                for_: Duration::from_secs(12)
            })
            .as_deref(),
            Some("HORS LIGNE depuis 12 s")
        );
    }

    #[test]
    fn caption_has_every_known_field() {
        let tile = Tile {
            name: "entrée".into(),
            fps: 15.0,
            source_size: Some((640, 480)),
            latency: Some(Duration::from_millis(12)),
            last_frame_age: Some(Duration::from_millis(100)),
            ..Tile::default()
        };
        assert_eq!(
            caption_fields(&tile).join(SEPARATOR),
            "15,0 i/s  640×480  12 ms  il y a 0,1 s"
        );
        let bare = Tile {
            picture: Some(Arc::new(Picture {
                width: 2,
                height: 1,
                rgb: vec![0; 6],
            })),
            ..Tile::default()
        };
        assert_eq!(caption_fields(&bare), ["0,0 i/s", "2×1"]);
    }

    #[test]
    fn captions_drop_fields_from_the_right() {
        let font = Font::for_line_height(16);
        let c = font.char_width();
        let fields = ["15,0 i/s".to_owned(), "640×480".to_owned()];
        let name_w = font.bold().text_width("salon");
        let all = fit_caption("salon", &fields, font, 1000);
        assert_eq!(all.1, "  15,0 i/s  640×480");
        let one = fit_caption("salon", &fields, font, name_w + 10 * c);
        assert_eq!(one, ("salon".to_owned(), "  15,0 i/s".to_owned()));
        let none = fit_caption("salon", &fields, font, name_w + 3 * c);
        assert_eq!(none.1, "");
        let cut = fit_caption("salon", &fields, font, 3 * font.bold().char_width());
        assert_eq!(cut, ("sa.".to_owned(), String::new()));
        assert_eq!(fit_caption("salon", &fields, font, 0).0, "");
    }

    #[test]
    fn truncation_counts_characters_not_bytes() {
        let font = Font::for_line_height(16);
        let w = font.char_width();
        assert_eq!(truncate("éééé", font, 4 * w), "éééé");
        assert_eq!(truncate("éééé", font, 3 * w), "éé.");
        assert_eq!(truncate("éééé", font, w), "é");
        assert_eq!(truncate("éééé", font, w - 1), "");
    }

    #[test]
    fn fonts_shrink_to_fit() {
        let text = "HORS LIGNE depuis 12 s";
        let big = font_to_fit(text, 64, 10_000, true);
        assert_eq!(big.line_height(), 64);
        let small = font_to_fit(text, 64, 300, true);
        assert!(small.text_width(text) <= 300 && small.line_height() < 64);
        assert_eq!(font_to_fit(text, 64, 1, false).line_height(), 16);
        assert_eq!(font_to_fit(text, 0, 1, false).line_height(), 16);
    }
}
