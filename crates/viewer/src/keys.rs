//! What each key does. A pure mapping, so it is tested without a window.
//!
//! | Key | Action |
//! |-----|--------|
//! | `1`–`9` | show that camera alone |
//! | `0`, `G` | back to the grid |
//! | `F` | fullscreen on/off |
//! | `S` | save a PNG of what is shown |
//! | `Q`, `Esc` | quit (and stop the server) |

use winit::keyboard::{Key, NamedKey};

/// Something the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Show camera number `n` (0-based) alone.
    Solo(usize),
    /// Show every camera in the grid.
    Grid,
    /// Enter or leave fullscreen.
    ToggleFullscreen,
    /// Save the window as a PNG file.
    Screenshot,
    /// Close the window.
    Quit,
}

/// The action for a pressed key, if it has one.
pub fn action_for(key: &Key) -> Option<Action> {
    match key {
        Key::Named(NamedKey::Escape) => Some(Action::Quit),
        Key::Character(text) => {
            let mut chars = text.chars();
            let c = chars.next()?;
            if chars.next().is_some() {
                return None;
            }
            match c.to_ascii_lowercase() {
                '1'..='9' => Some(Action::Solo(c as usize - '1' as usize)),
                '0' | 'g' => Some(Action::Grid),
                'f' => Some(Action::ToggleFullscreen),
                's' => Some(Action::Screenshot),
                'q' => Some(Action::Quit),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(s: &str) -> Key {
        Key::Character(s.into())
    }

    #[test]
    fn keys_map_to_actions() {
        assert_eq!(action_for(&ch("1")), Some(Action::Solo(0)));
        assert_eq!(action_for(&ch("9")), Some(Action::Solo(8)));
        assert_eq!(action_for(&ch("0")), Some(Action::Grid));
        assert_eq!(action_for(&ch("G")), Some(Action::Grid));
        assert_eq!(action_for(&ch("f")), Some(Action::ToggleFullscreen));
        assert_eq!(action_for(&ch("S")), Some(Action::Screenshot));
        assert_eq!(action_for(&ch("q")), Some(Action::Quit));
        assert_eq!(
            action_for(&Key::Named(NamedKey::Escape)),
            Some(Action::Quit)
        );
        assert_eq!(action_for(&ch("x")), None);
        assert_eq!(action_for(&ch("12")), None);
        assert_eq!(action_for(&Key::Named(NamedKey::Enter)), None);
    }
}
