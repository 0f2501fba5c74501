//! The screen of a server that no camera has joined yet.
//!
//! It is the first thing a new user sees, so instead of a black window it
//! says what the server is waiting for and gives, for each address of this
//! PC, the exact command to type on the camera's PC:
//!
//! ```text
//!            en attente de caméras sur le port 8485
//!         Sur le PC de la caméra, tapez par exemple :
//!        [ vigie client --server 192.168.1.20:8485 ]
//!        [ vigie client --server 10.0.0.5:8485     ]
//! ```

use std::net::{IpAddr, SocketAddr};

use vigie_core::draw::{Canvas, Font, Rgb};

use super::caption::{font_to_fit, truncate};

const TITLE: Rgb = [240, 240, 240];
const HINT: Rgb = [165, 170, 180];
const COMMAND: Rgb = [120, 230, 150];
const COMMAND_BOX: Rgb = [14, 15, 18];

/// The address a camera should dial: an IP gets `:port` (IPv6 in
/// brackets); an entry that already has a port, or a host name, is used as
/// the caller gave it (with the port added to a bare name).
pub(crate) fn dial_address(address: &str, port: u16) -> String {
    let address = address.trim();
    if address.parse::<SocketAddr>().is_ok() {
        return address.to_owned();
    }
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V6(ip)) => format!("[{ip}]:{port}"),
        Ok(IpAddr::V4(ip)) => format!("{ip}:{port}"),
        Err(_) if address.contains(':') => address.to_owned(),
        Err(_) => format!("{address}:{port}"),
    }
}

/// One line of the waiting screen.
struct Line {
    text: String,
    font: Font,
    colour: Rgb,
    /// Commands sit on a dark box, like in a terminal, and are aligned with
    /// each other so they read as a list.
    command: bool,
    /// Space above the line, in pixels.
    space: u32,
}

impl Line {
    fn new(text: String, font: Font, colour: Rgb, space: u32) -> Line {
        Line {
            text,
            font,
            colour,
            command: false,
            space,
        }
    }
}

/// Draws the waiting screen over the whole canvas (already cleared).
pub(crate) fn draw(c: &mut Canvas, port: u16, addresses: &[String]) {
    let (w, h) = (c.width(), c.height());
    let max_w = w.saturating_sub(2 * (w / 16).max(2));
    let title = format!("en attente de caméras sur le port {port}");
    let hint = if addresses.is_empty() {
        "Sur le PC de la caméra, tapez (avec l'adresse IP de ce PC) :"
    } else {
        "Sur le PC de la caméra, tapez par exemple :"
    };
    // The usual reason nothing arrives, as the README says.
    let firewall =
        format!("Rien n'arrive ? Le pare-feu de ce PC doit laisser passer le port TCP {port}.");
    let commands: Vec<String> = if addresses.is_empty() {
        vec![format!("vigie client --server <adresse>:{port}")]
    } else {
        addresses
            .iter()
            .map(|a| format!("vigie client --server {}", dial_address(a, port)))
            .collect()
    };
    let title_font = font_to_fit(&title, (h / 14).max(16), max_w, true);
    let small = (h / 36).max(16);
    let hint_font = [hint, firewall.as_str()]
        .map(|t| font_to_fit(t, small, max_w, false))
        .into_iter()
        .min_by_key(|f| f.line_height())
        .unwrap_or(Font::for_line_height(16));
    // One font for every command, sized on the longest, so they line up.
    let longest = commands.iter().max_by_key(|s| s.chars().count());
    let cmd_font = font_to_fit(longest.map_or("", |s| s), (h / 26).max(16), max_w, false);
    let cmd_gap = cmd_font.line_height() * 2 / 3;
    let (title_h, hint_h) = (title_font.line_height(), hint_font.line_height());

    let mut lines = vec![
        Line::new(title, title_font, TITLE, 0),
        Line::new(hint.to_owned(), hint_font, HINT, title_h),
    ];
    // As many commands as the window has room for, the rest summed up.
    let row = cmd_font.line_height() + cmd_gap;
    let room = (h.saturating_sub(3 * title_h + 4 * hint_h) / row).max(1) as usize;
    let shown = if commands.len() > room {
        (room - 1).max(1)
    } else {
        commands.len()
    };
    for (i, command) in commands.iter().take(shown).enumerate() {
        let space = if i == 0 { hint_h } else { cmd_gap };
        lines.push(Line {
            command: true,
            ..Line::new(command.clone(), cmd_font, COMMAND, space)
        });
    }
    let more = commands.len() - shown;
    if more > 0 {
        let text = format!("(et {more} autre{})", if more > 1 { "s" } else { "" });
        lines.push(Line::new(text, hint_font, HINT, cmd_gap));
    }
    lines.push(Line::new(firewall, hint_font, HINT, title_h));

    let total: u32 = lines.iter().map(|l| l.space + l.font.line_height()).sum();
    let mut y = i64::from(h.saturating_sub(total) / 2);
    let cmd_w = lines
        .iter()
        .filter(|l| l.command)
        .map(|l| cmd_font.text_width(&truncate(&l.text, cmd_font, max_w)))
        .max()
        .unwrap_or(0);
    let cmd_x = i64::from(w / 2) - i64::from(cmd_w / 2);
    let pad = i64::from(cmd_font.char_width());
    for line in &lines {
        y += i64::from(line.space);
        let text = truncate(&line.text, line.font, max_w);
        let x = if line.command {
            let (box_y, box_h) = (
                y - i64::from(cmd_gap / 3),
                cmd_font.line_height() + cmd_gap * 2 / 3,
            );
            c.fill_rect(
                cmd_x - pad,
                box_y,
                i64::from(cmd_w) + 2 * pad,
                i64::from(box_h),
                COMMAND_BOX,
            );
            cmd_x
        } else {
            i64::from(w / 2) - i64::from(line.font.text_width(&text) / 2)
        };
        c.text(x, y, &text, line.font, line.colour);
        y += i64::from(line.font.line_height());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_become_what_to_dial() {
        assert_eq!(dial_address("192.168.1.20", 8485), "192.168.1.20:8485");
        assert_eq!(dial_address(" 10.0.0.5 ", 9000), "10.0.0.5:9000");
        assert_eq!(dial_address("10.0.0.5:7000", 8485), "10.0.0.5:7000");
        assert_eq!(dial_address("fe80::1", 8485), "[fe80::1]:8485");
        assert_eq!(dial_address("[fe80::1]:8485", 1), "[fe80::1]:8485");
        assert_eq!(dial_address("salon.local", 8485), "salon.local:8485");
        assert_eq!(dial_address("salon.local:80", 8485), "salon.local:80");
    }

    fn render(w: u32, h: u32, addresses: &[String]) -> Vec<u8> {
        let mut px = vec![0u8; (w * h * 4) as usize];
        let mut c = Canvas::rgba(&mut px, w, h).unwrap();
        draw(&mut c, 8485, addresses);
        px
    }

    #[test]
    fn commands_are_written_in_green() {
        let px = render(640, 360, &["192.168.1.20".into()]);
        assert!(px.chunks(4).any(|p| p[..3] == COMMAND));
        assert!(px.chunks(4).any(|p| p[..3] == TITLE));
    }

    #[test]
    fn any_size_and_any_number_of_addresses() {
        let many: Vec<String> = (0..200).map(|i| format!("10.0.{i}.1")).collect();
        for (w, h) in [(1, 1), (3, 200), (200, 3), (64, 48), (1280, 720)] {
            render(w, h, &[]);
            render(w, h, &many);
        }
    }
}
