//! Dates for people: capture times drawn on frames and screenshot file
//! names. A few lines of calendar arithmetic instead of a date crate, because
//! vigie only ever shows UTC.

/// `2026-11-24 12:34:56.789 UTC`, from µs since the epoch.
pub fn format_utc(us: u64) -> String {
    let secs = us / 1_000_000;
    let millis = (us / 1000) % 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{millis:03} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day), after Howard Hinnant's
/// `civil_from_days` (public domain), so no date crate is needed.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `2026-11-24_12-34-56`, from µs since the epoch: a file-name-safe stamp.
pub fn file_stamp(us: u64) -> String {
    let text = format_utc(us);
    // "2026-11-24 12:34:56.789 UTC" -> "2026-11-24_12-34-56"
    text[..19].replace(' ', "_").replace(':', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_formatted_in_utc() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00.000 UTC");
        assert_eq!(
            format_utc(1_795_998_896_789_000),
            "2026-11-30 00:34:56.789 UTC"
        );
        assert_eq!(
            format_utc(951_782_400_000_000),
            "2000-02-29 00:00:00.000 UTC"
        );
    }

    #[test]
    fn file_stamps_are_safe_names() {
        assert_eq!(file_stamp(1_795_509_000_250_000), "2026-11-24_08-30-00");
    }
}
