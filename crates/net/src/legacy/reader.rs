//! Reading opcode arguments off the input, with every length checked.
//!
//! Pickle arguments come in three shapes: fixed-size little-endian numbers
//! (`BININT1`, `BINPUT`…), a length followed by that many bytes (`BINBYTES`,
//! `BINUNICODE`…), and protocol 0's lines of text ending in `\n` (`INT`,
//! `UNICODE`, `GLOBAL`…). A length is only believed once it is checked
//! against what is left of the input: four bytes `FF FF FF FF` must not make
//! vigie reserve 4 GiB.

use bytes::Bytes;

use super::PickleError;

/// A cursor over the pickle. When the input is a [`Bytes`], byte strings are
/// handed out as slices of it instead of copies.
pub(super) struct Reader<'a> {
    data: &'a [u8],
    shared: Option<&'a Bytes>,
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(data: &'a [u8]) -> Reader<'a> {
        Reader {
            data,
            shared: None,
            pos: 0,
        }
    }

    pub(super) fn shared(data: &'a Bytes) -> Reader<'a> {
        Reader {
            data,
            shared: Some(data),
            pos: 0,
        }
    }

    /// Where the next byte will be read from.
    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    pub(super) fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    /// Exactly `n` bytes, or [`PickleError::Truncated`].
    pub(super) fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], PickleError> {
        if n > self.remaining() {
            return Err(PickleError::Truncated {
                what,
                offset: self.data.len(),
            });
        }
        let start = self.pos;
        self.pos += n;
        Ok(&self.data[start..self.pos])
    }

    pub(super) fn u8(&mut self, what: &'static str) -> Result<u8, PickleError> {
        Ok(self.take(1, what)?[0])
    }

    pub(super) fn u16(&mut self, what: &'static str) -> Result<u16, PickleError> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    pub(super) fn u32(&mut self, what: &'static str) -> Result<u32, PickleError> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    pub(super) fn i32(&mut self, what: &'static str) -> Result<i32, PickleError> {
        Ok(i32::from_le_bytes(self.array(what)?))
    }

    pub(super) fn u64(&mut self, what: &'static str) -> Result<u64, PickleError> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], PickleError> {
        let bytes = self.take(N, what)?;
        Ok(bytes.try_into().expect("take returns N bytes"))
    }

    /// Checks a length field read at `offset` against the rest of the input.
    pub(super) fn check_len(
        &self,
        len: u64,
        what: &'static str,
        offset: usize,
    ) -> Result<usize, PickleError> {
        match usize::try_from(len) {
            Ok(n) if n <= self.remaining() => Ok(n),
            _ => Err(PickleError::LengthPastEnd {
                what,
                offset,
                len,
                available: self.remaining(),
            }),
        }
    }

    /// `len` bytes announced by a length field read at `offset`.
    pub(super) fn counted(
        &mut self,
        len: u64,
        what: &'static str,
        offset: usize,
    ) -> Result<&'a [u8], PickleError> {
        let n = self.check_len(len, what, offset)?;
        self.take(n, what)
    }

    /// Like [`Reader::counted`], as a [`Bytes`]: shared with the input when
    /// the input is a `Bytes`, copied otherwise.
    pub(super) fn counted_bytes(
        &mut self,
        len: u64,
        what: &'static str,
        offset: usize,
    ) -> Result<Bytes, PickleError> {
        let start = self.pos;
        let slice = self.counted(len, what, offset)?;
        Ok(match self.shared {
            Some(shared) => shared.slice(start..self.pos),
            None => Bytes::copy_from_slice(slice),
        })
    }

    /// A protocol 0 line, without its final `\n`.
    pub(super) fn line(&mut self, what: &'static str) -> Result<&'a [u8], PickleError> {
        let rest = &self.data[self.pos..];
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            return Err(PickleError::Truncated {
                what,
                offset: self.data.len(),
            });
        };
        self.pos += end + 1;
        Ok(&rest[..end])
    }
}

/// A decimal integer as protocol 0 writes it (`INT`, `PUT`, `GET`): an
/// optional `-` and digits, without leading zeros. Python would accept more
/// spellings (`0x10`, `1_000`, spaces); numpy's pickles never use them.
pub(super) fn parse_decimal(line: &[u8]) -> Result<i64, String> {
    let digits = line.strip_prefix(b"-").unwrap_or(line);
    let well_formed = !digits.is_empty()
        && digits.iter().all(u8::is_ascii_digit)
        && (digits == b"0" || digits[0] != b'0');
    let text = String::from_utf8_lossy(line);
    if !well_formed {
        return Err(format!(
            "{:?} is not a decimal integer",
            super::error::clip(&text, 40)
        ));
    }
    text.parse::<i64>()
        .map_err(|_| format!("{text} does not fit in 64 bits"))
}

/// Decodes Python's `raw-unicode-escape`, the text encoding of protocol 0's
/// `UNICODE` opcode: every byte is the character of the same number (so
/// latin-1 text goes through as is), except `\uXXXX` and `\UXXXXXXXX`
/// escapes. The pickler escapes `\`, `\0`, `\n`, `\r` and `\x1a` that way.
///
/// As in CPython, backslashes pair up: `\\u0041` is two backslashes, then
/// `u0041`. Unlike Python, lone surrogates (`\ud800`) are refused: Rust
/// strings cannot hold them, and no picture needs them.
///
/// This is the general path, for short text (names, dtype codes) and for
/// anything [`unescape_latin1`] leaves to it; a protocol 0 picture, tens of
/// kilobytes of latin-1, takes that faster path instead.
pub(super) fn raw_unicode_escape(line: &[u8]) -> Result<String, String> {
    // Latin-1 bytes from 0x80 take two bytes in UTF-8.
    let mut out = Vec::with_capacity(line.len() + line.len() / 2);
    let mut i = 0;
    while i < line.len() {
        let run_end = line[i..]
            .iter()
            .position(|&b| b == b'\\')
            .map_or(line.len(), |n| i + n);
        push_latin1(&mut out, &line[i..run_end]);
        i = run_end;
        if i == line.len() {
            break;
        }
        // A backslash: an escape if `u` or `U` follows, else itself.
        i += 1;
        let Some(&next) = line.get(i) else {
            out.push(b'\\');
            break;
        };
        i += 1;
        let count = match next {
            b'u' => 4,
            b'U' => 8,
            _ => {
                out.push(b'\\');
                push_latin1(&mut out, &[next]);
                continue;
            }
        };
        let Some(hex) = line.get(i..i + count) else {
            return Err(format!("truncated \\{} escape", char::from(next)));
        };
        if !hex.iter().all(u8::is_ascii_hexdigit) {
            return Err(format!(
                "\\{}{} is not a valid escape",
                char::from(next),
                String::from_utf8_lossy(hex)
            ));
        }
        let code = hex.iter().fold(0u32, |acc, &h| {
            acc * 16 + char::from(h).to_digit(16).expect("checked hex digit")
        });
        let ch = char::from_u32(code).ok_or_else(|| format!("U+{code:04X} is not a character"))?;
        out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
        i += count;
    }
    // Every push above wrote whole UTF-8 characters, so this cannot fail;
    // checked all the same rather than trusted (a fast scan).
    String::from_utf8(out).map_err(|e| format!("internal error: {e}"))
}

/// [`raw_unicode_escape`] for text that fits in latin-1, one byte per
/// character, or `None` if it does not fit or holds an escape that is not
/// plainly well-formed (the caller then takes the general path, which also
/// gives the exact error).
///
/// This is protocol 0's picture path: the bytes between escapes are copied
/// as they are, a run at a time, and nothing is decoded character by
/// character (the pickler escapes only `\`, `\0`, `\n`, `\r` and `\x1a`, so
/// runs are hundreds of bytes long).
pub(super) fn unescape_latin1(line: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.iter().position(|&b| b == b'\\') {
        out.extend_from_slice(&rest[..at]);
        rest = &rest[at..];
        match rest.get(1) {
            Some(b'u') => {
                // `\u00XX`: one latin-1 character. Anything else: general path.
                let hex = rest.get(2..6)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                let code = hex.iter().fold(0u32, |acc, &h| {
                    acc * 16 + char::from(h).to_digit(16).expect("checked hex digit")
                });
                out.push(u8::try_from(code).ok()?);
                rest = &rest[6..];
            }
            Some(b'U') => return None,
            // A backslash followed by anything else is itself, and so is the
            // next byte (backslashes pair up, as in Python).
            Some(_) => {
                out.extend_from_slice(&rest[..2]);
                rest = &rest[2..];
            }
            None => {
                out.push(b'\\');
                rest = &[];
            }
        }
    }
    out.extend_from_slice(rest);
    Some(out)
}

/// Appends latin-1 bytes as UTF-8: below 0x80 as they are, others as two bytes.
fn push_latin1(out: &mut Vec<u8>, latin1: &[u8]) {
    for &b in latin1 {
        if b < 0x80 {
            out.push(b);
        } else {
            out.extend_from_slice(&[0xC0 | (b >> 6), 0x80 | (b & 0x3F)]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_past_the_end_are_refused_before_reading() {
        let data = [1, 2, 3];
        let mut r = Reader::new(&data);
        let err = r.counted(u64::MAX, "BINBYTES8", 0).unwrap_err();
        assert!(matches!(
            err,
            PickleError::LengthPastEnd {
                len: u64::MAX,
                available: 3,
                ..
            }
        ));
        assert_eq!(r.counted(3, "BINBYTES", 0).unwrap(), &data);
        assert!(matches!(
            r.u8("opcode"),
            Err(PickleError::Truncated { offset: 3, .. })
        ));
    }

    #[test]
    fn shared_input_is_sliced_not_copied() {
        let data = Bytes::from_static(b"xhello");
        let mut r = Reader::shared(&data);
        r.take(1, "x").unwrap();
        let hello = r.counted_bytes(5, "BINBYTES", 0).unwrap();
        assert_eq!(hello, "hello");
        assert_eq!(hello.as_ptr(), data[1..].as_ptr());
    }

    #[test]
    fn lines_need_their_newline() {
        let mut r = Reader::new(b"I12\nI3");
        assert_eq!(r.line("INT").unwrap(), b"I12");
        assert!(matches!(
            r.line("INT"),
            Err(PickleError::Truncated { what: "INT", .. })
        ));
    }

    #[test]
    fn decimals_are_strict() {
        assert_eq!(parse_decimal(b"0"), Ok(0));
        assert_eq!(parse_decimal(b"-1"), Ok(-1));
        assert_eq!(parse_decimal(b"683"), Ok(683));
        for bad in [
            &b""[..],
            b"-",
            b"+1",
            b"0x10",
            b"1_000",
            b" 1",
            b"007",
            b"1.5",
        ] {
            assert!(parse_decimal(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse_decimal(b"99999999999999999999").unwrap_err(),
            "99999999999999999999 does not fit in 64 bits"
        );
    }

    /// The obvious, slow version of `raw_unicode_escape` (the one before the
    /// profile): the fast one must agree with it on any input.
    fn reference(line: &[u8]) -> Result<String, String> {
        let mut out = String::new();
        let mut i = 0;
        while i < line.len() {
            let b = line[i];
            i += 1;
            if b != b'\\' || i == line.len() {
                out.push(char::from(b));
                continue;
            }
            let next = line[i];
            i += 1;
            let count = match next {
                b'u' => 4,
                b'U' => 8,
                _ => {
                    out.push('\\');
                    out.push(char::from(next));
                    continue;
                }
            };
            let hex = line.get(i..i + count).ok_or("truncated")?;
            let text = std::str::from_utf8(hex).map_err(|e| e.to_string())?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return Err("bad hex".into());
            }
            let code = u32::from_str_radix(text, 16).map_err(|e| e.to_string())?;
            out.push(char::from_u32(code).ok_or("not a char")?);
            i += count;
        }
        Ok(out)
    }

    #[test]
    fn the_fast_unescape_agrees_with_the_obvious_one() {
        let every_byte: Vec<u8> = (0..=255).collect();
        assert_eq!(
            raw_unicode_escape(&every_byte),
            reference(&every_byte),
            "all 256 bytes"
        );
        // Pseudo-random lines, dense in backslashes, `u` and hex digits.
        let alphabet = b"\\uU0aF9\xff\x80zx";
        let mut state = 12345u32;
        for len in 0..400 {
            let line: Vec<u8> = (0..len)
                .map(|_| {
                    state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    let r = (state >> 16) as usize;
                    if r.is_multiple_of(3) {
                        (r >> 4) as u8
                    } else {
                        alphabet[r % alphabet.len()]
                    }
                })
                .collect();
            let (fast, slow) = (raw_unicode_escape(&line), reference(&line));
            assert_eq!(fast.is_ok(), slow.is_ok(), "{line:?}");
            if let Ok(text) = fast {
                assert_eq!(Ok(text), slow, "{line:?}");
            }
            // The latin-1 path, when it answers, gives the same characters.
            if let Some(bytes) = unescape_latin1(&line) {
                let text = slow.unwrap_or_else(|e| panic!("{e}: {line:?}"));
                let chars: Vec<u32> = text.chars().map(u32::from).collect();
                let bytes: Vec<u32> = bytes.iter().map(|&b| u32::from(b)).collect();
                assert_eq!(bytes, chars, "{line:?}");
            }
        }
        let plain: Vec<u8> = (0..=255).filter(|&b| b != b'\\').collect();
        assert_eq!(unescape_latin1(&plain), Some(plain.clone()));
        assert_eq!(
            unescape_latin1(b"a\\u00e9\\\\"),
            Some(b"a\xe9\\\\".to_vec())
        );
        assert_eq!(unescape_latin1(b"\\u20ac"), None, "past latin-1");
        assert_eq!(unescape_latin1(b"\\u12"), None, "truncated: general path");
    }

    #[test]
    fn raw_unicode_escape_matches_python() {
        // Cases checked against Python 3.11's bytes.decode('raw-unicode-escape').
        let ok: &[(&[u8], &str)] = &[
            (b"latin1", "latin1"),
            (b"\xff\xd8a", "\u{ff}\u{d8}a"),
            (b"\\u005c\\u000a\\u0000", "\\\n\0"),
            (b"\\\\u0041", "\\\\u0041"),
            (b"\\\\\\u0041", "\\\\A"),
            (b"\\x41\\", "\\x41\\"),
            (b"\\U0001F600", "\u{1F600}"),
        ];
        for (input, expected) in ok {
            assert_eq!(raw_unicode_escape(input).as_deref(), Ok(*expected));
        }
        for bad in [
            &b"\\u12"[..],
            b"\\u12G4",
            b"\\U00110000",
            b"\\ud800",
            b"\\u+123",
        ] {
            assert!(raw_unicode_escape(bad).is_err(), "{bad:?}");
        }
    }
}
