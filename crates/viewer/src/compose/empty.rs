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

/// Draws the waiting screen over the whole canvas (already cleared).
pub(crate) fn draw(c: &mut Canvas, port: u16, addresses: &[String]) {
    let (w, h) = (c.width(), c.height());
    let margin = (w / 16).max(2);
    let max_w = w.saturating_sub(2 * margin);
    let title = format!("en attente de caméras sur le port {port}");
    let title_font = font_to_fit(&title, (h / 14).max(16), max_w, true);
    let hint = if addresses.is_empty() {
        "Sur le PC de la caméra, tapez (avec l'adresse IP de ce PC) :"
    } else {
        "Sur le PC de la caméra, tapez par exemple :"
    };
    let commands: Vec<String> = if addresses.is_empty() {
        vec![format!("vigie client --server <adresse>:{port}")]
    } else {
        addresses
            .iter()
            .map(|a| format!("vigie client --server {}", dial_address(a, port)))
            .collect()
    };
    let body_line = (h / 24).max(16);
    let hint_font = font_to_fit(hint, body_line, max_w, false);
    // One font for every command, sized on the longest, so they line up.
    let longest = commands.iter().max_by_key(|s| s.chars().count());
    let cmd_font = font_to_fit(longest.map_or("", |s| s), body_line, max_w, false);

    let (title_h, hint_h, cmd_h) = (
        title_font.line_height(),
        hint_font.line_height(),
        cmd_font.line_height(),
    );
    let gap = cmd_h / 2;
    let row_h = cmd_h + gap;
    // As many commands as the window has room for, the rest summed up.
    let fixed = title_h + 2 * gap + hint_h + gap;
    let room = h.saturating_sub(fixed + 2 * gap) / row_h;
    let shown = commands.len().min(room.max(1) as usize);
    let more = commands.len() - shown;
    let rows = shown + usize::from(more > 0);
    let total = fixed + row_h * rows as u32;
    let mut y = i64::from(h.saturating_sub(total) / 2);

    centred(c, y, &title, title_font, max_w, TITLE);
    y += i64::from(title_h + 2 * gap);
    centred(c, y, hint, hint_font, max_w, HINT);
    y += i64::from(hint_h + gap);
    let cmd_w = commands[..shown]
        .iter()
        .map(|s| cmd_font.text_width(&truncate(s, cmd_font, max_w)))
        .max()
        .unwrap_or(0);
    let x = i64::from(w / 2) - i64::from(cmd_w / 2);
    let pad = i64::from(cmd_font.char_width());
    for command in &commands[..shown] {
        let text = truncate(command, cmd_font, max_w);
        let box_y = y - i64::from(gap / 4);
        let box_h = i64::from(cmd_h + gap / 2);
        c.fill_rect(
            x - pad,
            box_y,
            i64::from(cmd_w) + 2 * pad,
            box_h,
            COMMAND_BOX,
        );
        c.text(x, y, &text, cmd_font, COMMAND);
        y += i64::from(row_h);
    }
    if more > 0 {
        let text = format!("(et {more} autre{})", if more > 1 { "s" } else { "" });
        centred(c, y, &text, cmd_font, max_w, HINT);
    }
}

fn centred(c: &mut Canvas, y: i64, text: &str, font: Font, max_w: u32, colour: Rgb) {
    let text = truncate(text, font, max_w);
    let x = i64::from(c.width() / 2) - i64::from(font.text_width(&text) / 2);
    c.text(x, y, &text, font, colour);
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
