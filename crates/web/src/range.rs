//! HTTP byte ranges (RFC 9110 §14): how VLC and a browser seek in a file.
//!
//! A player that wants minute 3 of a recording served over HTTP does not
//! download minutes 1 and 2: it asks for `Range: bytes=5000000-` and
//! expects `206 Partial Content` with a `Content-Range` saying which bytes
//! came. Matroska players also read the end of the file first (where the
//! index of the file sits), then jump back. Without ranges, VLC plays but
//! cannot seek, and the browser's download cannot resume.
//!
//! Only the simple forms are answered: one range, `a-b`, `a-` or `-n`
//! (the last n bytes). A list of several ranges is legal HTTP, but no player
//! sends it for a video: it is answered with the whole file, as the RFC
//! allows. A range that starts past the end is `416 Range Not Satisfiable`.

/// What to send for a request on a file of `len` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// 200 and the whole file (no range, or one we ignore).
    Whole,
    /// 206 and bytes `start..=end`.
    Part { start: u64, end: u64 },
    /// 416: the range lies past the end of the file.
    Unsatisfiable,
}

/// Reads a `Range` header's value (`None`: the request had none).
pub(crate) fn answer(range: Option<&str>, len: u64) -> Answer {
    let Some(spec) = range.and_then(|r| r.trim().strip_prefix("bytes=")) else {
        return Answer::Whole;
    };
    if spec.contains(',') {
        return Answer::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Answer::Whole;
    };
    let number = |s: &str| -> Option<Option<u64>> {
        let s = s.trim();
        if s.is_empty() {
            Some(None)
        } else if s.bytes().all(|b| b.is_ascii_digit()) {
            // Too many digits for a u64: no file is that large either.
            s.parse().ok().map(Some)
        } else {
            None
        }
    };
    let (Some(first), Some(last)) = (number(first), number(last)) else {
        return Answer::Whole; // not a range we understand: ignored
    };
    match (first, last) {
        // `-n`: the last n bytes.
        (None, Some(n)) => {
            if n == 0 || len == 0 {
                Answer::Unsatisfiable
            } else {
                Answer::Part {
                    start: len.saturating_sub(n),
                    end: len - 1,
                }
            }
        }
        (None, None) => Answer::Whole,
        (Some(start), _) if start >= len => Answer::Unsatisfiable,
        (Some(start), None) => Answer::Part {
            start,
            end: len - 1,
        },
        (Some(start), Some(end)) if end < start => Answer::Whole,
        (Some(start), Some(end)) => Answer::Part {
            start,
            end: end.min(len - 1),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_players_send() {
        let part = |start, end| Answer::Part { start, end };
        assert_eq!(answer(None, 1000), Answer::Whole);
        assert_eq!(answer(Some("bytes=0-"), 1000), part(0, 999));
        assert_eq!(answer(Some("bytes=100-199"), 1000), part(100, 199));
        assert_eq!(answer(Some("bytes=900-5000"), 1000), part(900, 999));
        assert_eq!(answer(Some("bytes=-100"), 1000), part(900, 999));
        assert_eq!(answer(Some("bytes=-5000"), 1000), part(0, 999));
        assert_eq!(answer(Some("bytes=999-999"), 1000), part(999, 999));
    }

    #[test]
    fn past_the_end_is_unsatisfiable() {
        assert_eq!(answer(Some("bytes=1000-"), 1000), Answer::Unsatisfiable);
        assert_eq!(answer(Some("bytes=5000-6000"), 1000), Answer::Unsatisfiable);
        assert_eq!(answer(Some("bytes=-0"), 1000), Answer::Unsatisfiable);
        assert_eq!(answer(Some("bytes=0-"), 0), Answer::Unsatisfiable);
    }

    #[test]
    fn anything_else_is_the_whole_file() {
        for odd in [
            "bytes=0-1,5-6",
            "items=0-1",
            "bytes=abc-",
            "bytes=5-2",
            "bytes=-",
            "bytes=1",
            "bytes=+1-2",
            "bytes=99999999999999999999999-",
            "",
        ] {
            assert_eq!(answer(Some(odd), 1000), Answer::Whole, "{odd:?}");
        }
    }
}
