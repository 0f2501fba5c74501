//! Text that came from a peer: camera names, and what goes into the log.
//!
//! Two problems, one cause: some characters do not show as what they are.
//!
//! - **In a log line**, a carriage return lets a peer rewrite the start of
//!   the line on a terminal, U+2028 starts a new "line" in some viewers, and
//!   U+202E (right-to-left override) prints the rest of the line backwards:
//!   a pickle global named `os.system` plus such characters can make a log
//!   line say anything. [`escape`] turns every control, bidi, invisible and
//!   line-separator character into a visible `\u{…}` before it is logged.
//! - **In a camera name**, a zero-width space makes `cam1` and `cam1`+U+200B
//!   two names that show the same. [`camera_name`] refuses such names, and
//!   returns the others in Unicode NFC form, so that `é` typed as one
//!   character or as `e` plus an accent is one and the same name.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use vigie_core::frame::MAX_NAME_LEN;

/// Whether `c` does not show as itself: a control character (C0, DEL, C1),
/// a bidi control, a line or paragraph separator, a space other than the
/// ASCII one, or one of Unicode's default-ignorable (invisible) characters.
pub fn is_deceptive(c: char) -> bool {
    c.is_control()
        || matches!(c,
            // Spaces that are not U+0020, and line/paragraph separators.
            '\u{A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{2028}' | '\u{2029}'
            | '\u{202F}' | '\u{205F}' | '\u{3000}'
            // Bidi controls: marks, embeddings, overrides, isolates.
            | '\u{61C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            // Default-ignorable code points: zero-width and invisible.
            | '\u{AD}' | '\u{34F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{206F}'
            | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// `s` with every [deceptive](is_deceptive) character written as `\u{XXXX}`
/// (and backslashes doubled, so that an escape cannot be forged). Borrowed
/// when there is nothing to escape, which is the usual case.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c == '\\' || is_deceptive(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if is_deceptive(c) => out.push_str(&format!("\\u{{{:04X}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Checks a camera name and returns it in NFC form, or says in a sentence
/// why it is refused (the reason is sent to the client).
pub fn camera_name(name: &str) -> Result<String, String> {
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return Err(format!(
            "camera names must be 1 to {MAX_NAME_LEN} bytes, this one has {}",
            name.len()
        ));
    }
    if let Some((at, c)) = name.chars().enumerate().find(|&(_, c)| is_deceptive(c)) {
        return Err(format!(
            "camera names must be visible text: character {} is U+{:04X}, which is a control, \
             bidi or invisible character",
            at + 1,
            c as u32
        ));
    }
    let nfc: String = name.nfc().collect();
    if nfc.len() > MAX_NAME_LEN {
        return Err(format!(
            "camera names must be 1 to {MAX_NAME_LEN} bytes, this one has {} once normalized",
            nfc.len()
        ));
    }
    Ok(nfc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_text_shows_what_it_hides() {
        assert_eq!(escape("os.system"), Cow::Borrowed("os.system"));
        assert_eq!(
            escape("a\rb\u{202E}c\u{2028}d\u{1B}[31m"),
            "a\\u{000D}b\\u{202E}c\\u{2028}d\\u{001B}[31m"
        );
        // A peer cannot forge an escape: its backslash is doubled.
        assert_eq!(escape("\\u{000D}"), "\\\\u{000D}");
        assert_eq!(escape("caméra"), "caméra");
    }

    #[test]
    fn invisible_and_bidi_names_are_refused() {
        for bad in [
            "cam1\u{200B}",
            "\u{202E}cam",
            "cam\u{2066}1",
            "cam\r",
            "cam\u{A0}1",
            "cam\u{FEFF}",
            "cam\u{E0041}",
            "",
        ] {
            let err = camera_name(bad).unwrap_err();
            assert!(err.starts_with("camera names must"), "{bad:?}: {err}");
        }
        let err = camera_name("cam1\u{200B}").unwrap_err();
        assert!(err.contains("character 5 is U+200B"), "{err}");
    }

    #[test]
    fn names_are_compared_in_nfc() {
        let composed = camera_name("caf\u{E9}").unwrap();
        let decomposed = camera_name("cafe\u{301}").unwrap();
        assert_eq!(composed, decomposed);
        assert_eq!(camera_name("salon 2").unwrap(), "salon 2");
    }
}
