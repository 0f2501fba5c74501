//! File names: camera names made safe for any file system, and the time
//! stamps that date each recording.
//!
//! The stamp in a file's name *is* its start time for retention: it does not
//! change when a file is copied or touched, unlike its modification time.

use vigie_core::time::format_utc;

/// A camera name as a directory and file name part: `[A-Za-z0-9_-]` only.
///
/// Anything else (spaces, slashes, accents, `..`) becomes `_`, and then a
/// 64-bit hash of the original name is added, so that `a b` and `a_b`,
/// which both become `a_b`, still get different directories. The hash
/// follows a `~`, a character no unchanged name contains, so a camera really
/// named `a_b~0123456789abcdef` cannot take another one's place either.
///
/// A hash makes a collision unlikely, not impossible: the folder's name
/// file settles it (see [`crate::folders`]), so this is only the first
/// folder tried.
pub fn safe_camera(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if mapped == name && !name.is_empty() {
        return mapped;
    }
    format!("{mapped}~{:016x}", fnv1a(name.as_bytes()))
}

/// FNV-1a: a tiny hash that is the same on every machine and every run
/// (std's `DefaultHasher` is not promised to be), so directory names stay put.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `2026-11-24`: the day directory of a time (UTC).
pub fn day_dir(us: u64) -> String {
    format_utc(us)[..10].to_owned()
}

/// `20261124-103000`: the stamp in file names (UTC, to the second).
pub fn stamp(us: u64) -> String {
    let t = format_utc(us);
    format!(
        "{}{}{}-{}{}{}",
        &t[0..4],
        &t[5..7],
        &t[8..10],
        &t[11..13],
        &t[14..16],
        &t[17..19]
    )
}

/// `2026-11-24T10:30:00.123Z`: RFC 3339, as in events.jsonl.
pub fn rfc3339(us: u64) -> String {
    let t = format_utc(us);
    format!("{}T{}Z", &t[..10], &t[11..23])
}

/// The inverse of [`rfc3339`]: `2026-11-24T10:30:00.123Z` → µs since the
/// epoch; `None` for any other shape.
pub fn parse_rfc3339(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    let shape = b.len() == 24
        && (b[4], b[7], b[10], b[13], b[16], b[19], b[23])
            == (b'-', b'-', b'T', b':', b':', b'.', b'Z');
    if !shape {
        return None;
    }
    let date = [&text[0..4], &text[5..7], &text[8..10]].concat();
    let time = [&text[11..13], &text[14..16], &text[17..19]].concat();
    let millis: u64 = text[20..23].parse().ok()?;
    Some(parse_stamp(&date, &time)? + millis * 1000)
}

/// The stamp of a file name of ours, `<camera>-<stamp>[-N].<ext>`, as µs
/// since the epoch; `None` for a name we did not make.
pub fn parse_name_stamp(file_name: &str) -> Option<u64> {
    let stem = file_name
        .strip_suffix(".mkv")
        .or_else(|| file_name.strip_suffix(".jpg"))?;
    let parts: Vec<&str> = stem.rsplitn(4, '-').collect();
    // Reversed: [N?, time, date, camera…] or [time, date, camera…].
    let try_at = |time: &str, date: &str| parse_stamp(date, time);
    match parts.as_slice() {
        [n, time, date, _] if n.bytes().all(|b| b.is_ascii_digit()) => {
            try_at(time, date).or_else(|| try_at(n, time))
        }
        [time, date, ..] => try_at(time, date),
        _ => None,
    }
}

fn parse_stamp(date: &str, time: &str) -> Option<u64> {
    if date.len() != 8 || time.len() != 6 {
        return None;
    }
    let num = |s: &str| -> Option<u64> {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(&date[..4])?, num(&date[4..6])?, num(&date[6..])?);
    let (hh, mm, ss) = (num(&time[..2])?, num(&time[2..4])?, num(&time[4..])?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let days = days_from_civil(y as i64, m as i64, d as i64);
    let secs = days.checked_mul(86_400)? + (hh * 3600 + mm * 60 + ss) as i64;
    u64::try_from(secs).ok().map(|s| s * 1_000_000)
}

/// (year, month, day) to days since 1970-01-01: Howard Hinnant's
/// `days_from_civil` (public domain), the inverse of the one in vigie-core.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_reads_back() {
        for us in [0, 1_795_507_203_123_000, 1_795_507_199_999_000] {
            assert_eq!(parse_rfc3339(&rfc3339(us)), Some(us));
        }
        for bad in [
            "",
            "2026-11-24 10:30:00.123Z",
            "2026-11-24T10:30:00Z",
            "2026-13-24T10:30:00.123Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    const T: u64 = 1_795_509_000_250_000; // 2026-11-24 08:30:00.250 UTC

    #[test]
    fn safe_names_never_collide() {
        assert_eq!(safe_camera("salon-2_b"), "salon-2_b");
        let spaced = safe_camera("a b");
        assert!(spaced.starts_with("a_b~"), "{spaced}");
        assert_eq!(spaced.len(), "a_b~".len() + 16, "a 64-bit hash: {spaced}");
        assert_ne!(spaced, safe_camera("a_b"));
        assert_ne!(safe_camera("a/b"), safe_camera("a b"));
        for hostile in ["..", "../etc", "a\\b", "é", "/", "CON"] {
            let safe = safe_camera(hostile);
            assert!(safe
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-~".contains(c)));
            assert!(safe != "." && safe != "..");
        }
        assert_eq!(safe_camera("a b"), safe_camera("a b"), "stable");
    }

    #[test]
    fn stamps_are_utc() {
        assert_eq!(day_dir(T), "2026-11-24");
        assert_eq!(stamp(T), "20261124-083000");
        assert_eq!(rfc3339(T), "2026-11-24T08:30:00.250Z");
    }

    #[test]
    fn stamps_read_back_from_names() {
        let start = T - 250_000;
        assert_eq!(parse_name_stamp("salon-20261124-083000.mkv"), Some(start));
        assert_eq!(parse_name_stamp("salon-20261124-083000-2.mkv"), Some(start));
        assert_eq!(parse_name_stamp("a-b-20261124-083000.jpg"), Some(start));
        assert_eq!(
            parse_name_stamp("a_b~1234abcd-20261124-083000.jpg"),
            Some(start)
        );
        assert_eq!(parse_name_stamp("notes.txt"), None);
        assert_eq!(parse_name_stamp("holiday.mkv"), None);
        assert_eq!(parse_name_stamp("x-20261399-083000.mkv"), None);
        for us in [0, 951_782_400_000_000, T - 250_000, 4_102_444_799_000_000] {
            let name = format!("c-{}.mkv", stamp(us));
            assert_eq!(parse_name_stamp(&name), Some(us), "{name}");
        }
    }
}
