//! Crockford's base32: an alphabet made for people to read and type.
//!
//! Codes and fingerprints are read on one screen and typed on another. Hex
//! needs 25 % more characters than base32 for the same bits; classic base32
//! (RFC 4648) mixes `0`/`O` and `1`/`I`/`L`. Douglas Crockford's alphabet
//! drops `I`, `L`, `O` and `U`, and the decoder reads the look-alikes as
//! what they must mean: `O` is `0`, `I` and `L` are `1`. Lower case is
//! upper case. Dashes and spaces, there to group characters for the eye,
//! are skipped.
//!
//! Each character carries 5 bits. Values here are at most 64 bits, held in a
//! `u64`, most significant character first.

/// The 32 characters, value 0 to 31.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Writes the low `chars * 5` bits of `value`, most significant first.
///
/// # Panics
/// If `chars * 5` is above 64 (a programming error, not an input error).
pub fn encode(value: u64, chars: usize) -> String {
    assert!(
        chars * 5 <= 64,
        "{chars} base32 characters do not fit a u64"
    );
    (0..chars)
        .rev()
        .map(|i| ALPHABET[((value >> (5 * i)) & 31) as usize] as char)
        .collect()
}

/// The value of one character, with Crockford's look-alikes, or `None`.
pub fn char_value(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&a| a as char == c)
        .map(|v| v as u8)
}

/// Reads exactly `chars` characters (dashes and spaces skipped) into a
/// value, or says what is wrong.
pub fn decode(text: &str, chars: usize) -> Result<u64, String> {
    assert!(
        chars * 5 <= 64,
        "{chars} base32 characters do not fit a u64"
    );
    let mut value = 0u64;
    let mut seen = 0usize;
    for c in text.chars().filter(|c| !matches!(c, '-' | ' ')) {
        let v = char_value(c).ok_or_else(|| format!("{c:?} is not a code character"))?;
        seen += 1;
        if seen > chars {
            break;
        }
        value = (value << 5) | u64::from(v);
    }
    if seen != chars {
        return Err(if seen > chars {
            format!("more than {chars} characters")
        } else {
            format!("{seen} characters where {chars} are expected")
        });
    }
    Ok(value)
}

/// Groups `text` by `size` characters with dashes: `ABCD-EFGH`.
pub fn dashed(text: &str, size: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(size)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(encode(0, 4), "0000");
        assert_eq!(encode(31, 2), "0Z");
        assert_eq!(encode(32, 2), "10");
        assert_eq!(decode("0z", 2), Ok(31));
        assert_eq!(dashed("ABCDEFGHJK", 4), "ABCD-EFGH-JK");
    }

    #[test]
    fn look_alikes_and_lower_case_are_accepted() {
        assert_eq!(decode("O0o", 3), decode("000", 3));
        assert_eq!(decode("IiLl1", 5), decode("11111", 5));
        assert_eq!(decode("ab-cd", 4), decode("ABCD", 4));
    }

    #[test]
    fn bad_characters_and_lengths_are_named() {
        assert_eq!(decode("AU", 2), Err("'U' is not a code character".into()));
        assert_eq!(decode("A!", 2), Err("'!' is not a code character".into()));
        assert_eq!(decode("ABC", 2), Err("more than 2 characters".into()));
        assert_eq!(
            decode("A", 2),
            Err("1 characters where 2 are expected".into())
        );
    }

    proptest! {
        #[test]
        fn round_trip(value in any::<u64>(), chars in 1usize..=12) {
            let masked = value & ((1u64 << (5 * chars)) - 1);
            let text = encode(masked, chars);
            prop_assert_eq!(text.len(), chars);
            prop_assert_eq!(decode(&text, chars), Ok(masked));
            prop_assert_eq!(decode(&text.to_lowercase(), chars), Ok(masked));
            prop_assert_eq!(decode(&dashed(&text, 4), chars), Ok(masked));
        }

        #[test]
        fn decode_never_panics(text in ".{0,40}", chars in 1usize..=12) {
            let _ = decode(&text, chars);
        }
    }
}
