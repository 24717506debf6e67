//! Timestamps as the log sources write them, to milliseconds since the Unix epoch.
//!
//! One parser for all of them, hand-written because it runs once per sign-in on the
//! hot path: ISO 8601 with `T` or a space, with or without seconds, fractions and an
//! offset (`Z`, `+02:00`, `+0200`, ` UTC`; none means UTC); Panther's
//! `2022-06-22 18:18:29.015`; osquery's `calendarTime` (`Wed Jan 29 22:17:17 2025
//! UTC`); and epoch numbers in seconds, milliseconds, microseconds or nanoseconds,
//! told apart by magnitude, as numbers or digit strings.

/// Milliseconds since the epoch of a timestamp in any of the supported text forms.
pub(crate) fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    let first = *text.as_bytes().first()?;
    if first.is_ascii_digit() || first == b'-' {
        if text.len() >= 10 && text.as_bytes()[4] == b'-' {
            return iso(text);
        }
        return text.parse::<f64>().ok().and_then(epoch);
    }
    if first.is_ascii_alphabetic() {
        return calendar(text);
    }
    None
}

/// Milliseconds since the epoch of an epoch number whose unit is told by its size:
/// up to 1e11 is seconds (until the year 5138), then milliseconds, microseconds,
/// nanoseconds. Zero and negative values are not times a log would carry.
pub(crate) fn epoch(value: f64) -> Option<i64> {
    if !value.is_finite() || value <= 0.0 {
        return None;
    }
    let millis = if value < 1e11 {
        value * 1e3
    } else if value < 1e14 {
        value
    } else if value < 1e17 {
        value / 1e3
    } else {
        value / 1e6
    };
    Some(millis.round() as i64)
}

/// ISO 8601 and its near relatives (space separator, no offset, any fraction length).
fn iso(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let year = digits(bytes, 0, 4)?;
    let month = digits(bytes, 5, 2)?;
    let day = digits(bytes, 8, 2)?;
    if bytes[7] != b'-' {
        return None;
    }
    let mut millis_of_day = 0i64;
    let mut index = 10;
    if index < bytes.len() && matches!(bytes[index], b'T' | b't' | b' ') {
        index += 1;
        let hour = digits(bytes, index, 2)?;
        if bytes.get(index + 2) != Some(&b':') {
            return None;
        }
        let minute = digits(bytes, index + 3, 2)?;
        index += 5;
        let mut second = 0;
        if bytes.get(index) == Some(&b':') {
            second = digits(bytes, index + 1, 2)?;
            index += 3;
        }
        let mut fraction_ms = 0;
        if matches!(bytes.get(index), Some(b'.' | b',')) {
            index += 1;
            let start = index;
            while index < bytes.len() && bytes[index].is_ascii_digit() {
                index += 1;
            }
            if index == start {
                return None;
            }
            // Milliseconds are the first three digits; the rest is finer than we keep.
            for position in 0..3 {
                let digit = bytes
                    .get(start + position)
                    .filter(|b| b.is_ascii_digit() && start + position < index)
                    .map_or(0, |b| i64::from(b - b'0'));
                fraction_ms = fraction_ms * 10 + digit;
            }
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        // A leap second is kept inside its minute.
        let second = second.min(59);
        millis_of_day = ((hour * 60 + minute) * 60 + second) * 1000 + fraction_ms;
    }
    let offset_minutes = offset(&text[index..])?;
    let days = days_from_civil(year, month, day)?;
    Some(days * 86_400_000 + millis_of_day - offset_minutes * 60_000)
}

/// The UTC offset in minutes of what follows the time: nothing, `Z`, `UTC`, `GMT`,
/// `+HH`, `+HHMM` or `+HH:MM`.
fn offset(rest: &str) -> Option<i64> {
    let rest = rest.trim_start();
    match rest {
        "" | "Z" | "z" | "UTC" | "GMT" => return Some(0),
        _ => {}
    }
    let bytes = rest.as_bytes();
    let sign = match bytes[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hours = digits(bytes, 1, 2)?;
    let minutes = match bytes.len() {
        3 => 0,
        5 => digits(bytes, 3, 2)?,
        6 if bytes[3] == b':' => digits(bytes, 4, 2)?,
        _ => return None,
    };
    if hours > 18 || minutes > 59 {
        return None;
    }
    Some(sign * (hours * 60 + minutes))
}

/// osquery's `calendarTime`: `Wed Jan 29 22:17:17 2025 UTC` (always UTC).
fn calendar(text: &str) -> Option<i64> {
    let mut parts = text.split_ascii_whitespace();
    let _weekday = parts.next()?;
    let month = parts.next()?;
    let day: i64 = parts.next()?.parse().ok()?;
    let time = parts.next()?;
    let year: i64 = parts.next()?.parse().ok()?;
    if !matches!(parts.next(), None | Some("UTC" | "GMT")) || parts.next().is_some() {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = MONTHS
        .iter()
        .position(|name| month.len() >= 3 && name.eq_ignore_ascii_case(&month[..3]))?
        as i64
        + 1;
    let iso_form = format!("{year:04}-{month:02}-{day:02}T{time}Z");
    iso(&iso_form)
}

/// A run of `len` ASCII digits at `start`, as a number.
fn digits(bytes: &[u8], start: usize, len: usize) -> Option<i64> {
    let slice = bytes.get(start..start + len)?;
    let mut value = 0i64;
    for byte in slice {
        if !byte.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(byte - b'0');
    }
    Some(value)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm),
/// or `None` when the date does not exist.
fn days_from_civil(year: i64, month: i64, day: i64) -> Option<i64> {
    if !(1..=12).contains(&month) || day < 1 {
        return None;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if day > month_days[(month - 1) as usize] {
        return None;
    }
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JUNE_22: i64 = 1_655_921_909_015; // 2022-06-22T18:18:29.015Z

    #[test]
    fn iso_forms_meet() {
        for text in [
            "2022-06-22T18:18:29.015Z",
            "2022-06-22T18:18:29.015000Z",
            "2022-06-22T18:18:29.0151234Z",
            "2022-06-22 18:18:29.015",
            "2022-06-22 18:18:29.015000000",
            "2022-06-22T20:18:29.015+02:00",
            "2022-06-22T20:18:29.015+0200",
            "2022-06-22T13:18:29.015-05",
            "2022-06-22T18:18:29.015 UTC",
            " 2022-06-22t18:18:29,015z ",
        ] {
            assert_eq!(parse(text), Some(JUNE_22), "{text}");
        }
        assert_eq!(parse("2022-06-22T18:18:29Z"), Some(JUNE_22 - 15));
        assert_eq!(parse("2022-06-22T18:18Z"), Some(JUNE_22 - 29_015));
        assert_eq!(parse("2022-06-22"), Some(1_655_856_000_000));
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse("1969-12-31T23:59:59Z"), Some(-1000));
        assert_eq!(parse("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
    }

    #[test]
    fn epoch_numbers_are_told_apart_by_size() {
        assert_eq!(parse("1655921909"), Some(JUNE_22 - 15));
        assert_eq!(parse("1655921909.015"), Some(JUNE_22));
        assert_eq!(parse("1655921909015"), Some(JUNE_22));
        assert_eq!(parse("1655921909015000"), Some(JUNE_22));
        assert_eq!(parse("1655921909015000000"), Some(JUNE_22));
        assert_eq!(epoch(1_655_921_909.0), Some(JUNE_22 - 15));
        assert_eq!(epoch(0.0), None);
        assert_eq!(epoch(f64::NAN), None);
    }

    #[test]
    fn osquery_calendar_time() {
        assert_eq!(
            parse("Wed Jan 29 22:17:17 2025 UTC"),
            Some(1_738_189_037_000)
        );
        assert_eq!(
            parse("Thu Mar 16 03:08:58 2023 UTC"),
            Some(1_678_936_138_000)
        );
        assert_eq!(parse("Thu Mar 16 03:08:58 2023 CET"), None);
    }

    #[test]
    fn nonsense_is_not_a_time() {
        for text in [
            "",
            "yesterday",
            "2022-13-01T00:00:00Z",
            "2022-02-30T00:00:00Z",
            "2022-06-22T25:00:00Z",
            "2022-06-22T18:18:29.Z",
            "2022-06-22T18:18:29+25:00",
            "2022-06-22X18:18:29",
            "2022-06-22T18:18:29 PST",
            "-",
            "Wed Foo 29 22:17:17 2025 UTC",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }
}
