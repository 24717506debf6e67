//! Hand-rolled formatting into byte buffers for the hot output paths.
//!
//! Millions of events are written per run, so lines are assembled with
//! `push_*` helpers into a reused `Vec<u8>` instead of going through serde:
//! integers via `itoa`, hex via a lookup table, timestamps via the civil-date
//! algorithm (no time crate needed; everything here is UTC).

const HEX: &[u8; 16] = b"0123456789abcdef";

pub fn push_u64(buf: &mut Vec<u8>, v: u64) {
    let mut b = itoa::Buffer::new();
    buf.extend_from_slice(b.format(v).as_bytes());
}

pub fn push_i64(buf: &mut Vec<u8>, v: i64) {
    let mut b = itoa::Buffer::new();
    buf.extend_from_slice(b.format(v).as_bytes());
}

pub fn push_u128(buf: &mut Vec<u8>, v: u128) {
    let mut b = itoa::Buffer::new();
    buf.extend_from_slice(b.format(v).as_bytes());
}

pub fn push_str(buf: &mut Vec<u8>, s: &str) {
    buf.extend_from_slice(s.as_bytes());
}

pub fn push_hex(buf: &mut Vec<u8>, bytes: &[u8]) {
    for &b in bytes {
        buf.push(HEX[(b >> 4) as usize]);
        buf.push(HEX[(b & 15) as usize]);
    }
}

/// `0x` followed by the lowercase hex of `bytes`.
pub fn push_0x(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.extend_from_slice(b"0x");
    push_hex(buf, bytes);
}

pub fn hex_string(bytes: &[u8]) -> String {
    let mut v = Vec::with_capacity(bytes.len() * 2);
    push_hex(&mut v, bytes);
    String::from_utf8(v).expect("hex is ascii")
}

/// Fixed-width zero-padded decimal.
pub fn push_padded(buf: &mut Vec<u8>, v: u64, width: usize) {
    let mut b = itoa::Buffer::new();
    let s = b.format(v);
    for _ in s.len()..width {
        buf.push(b'0');
    }
    buf.extend_from_slice(s.as_bytes());
}

/// An RFC 4122 version-4 UUID from 128 random bits.
pub fn push_uuid(buf: &mut Vec<u8>, hi: u64, lo: u64) {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&hi.to_be_bytes());
    b[8..].copy_from_slice(&lo.to_be_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    push_hex(buf, &b[0..4]);
    buf.push(b'-');
    push_hex(buf, &b[4..6]);
    buf.push(b'-');
    push_hex(buf, &b[6..8]);
    buf.push(b'-');
    push_hex(buf, &b[8..10]);
    buf.push(b'-');
    push_hex(buf, &b[10..16]);
}

pub fn uuid_string(hi: u64, lo: u64) -> String {
    let mut v = Vec::with_capacity(36);
    push_uuid(&mut v, hi, lo);
    String::from_utf8(v).expect("uuid is ascii")
}

/// JSON string literal with the escapes JSON requires.
pub fn push_json_str(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    for &b in s.as_bytes() {
        match b {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            0..=0x1f => {
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX[(b >> 4) as usize]);
                buf.push(HEX[(b & 15) as usize]);
            }
            _ => buf.push(b),
        }
    }
    buf.push(b'"');
}

pub fn json_str(s: &str) -> String {
    let mut v = Vec::with_capacity(s.len() + 2);
    push_json_str(&mut v, s);
    String::from_utf8(v).expect("input was utf-8")
}

/// One CSV field, quoted only when it must be (RFC 4180).
pub fn push_csv_field(buf: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        buf.push(b'"');
        for &b in s.as_bytes() {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(s.as_bytes());
    }
}

/// One CSV record from fields.
pub fn push_csv_row(buf: &mut Vec<u8>, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        push_csv_field(buf, f);
    }
    buf.push(b'\n');
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a day number since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Day of week, 0 = Monday.
pub fn weekday(day: i64) -> u32 {
    ((day + 3).rem_euclid(7)) as u32
}

pub fn push_date(buf: &mut Vec<u8>, day: i64) {
    let (y, m, d) = civil_from_days(day);
    push_padded(buf, y as u64, 4);
    buf.push(b'-');
    push_padded(buf, u64::from(m), 2);
    buf.push(b'-');
    push_padded(buf, u64::from(d), 2);
}

pub fn date_string(day: i64) -> String {
    let mut v = Vec::with_capacity(10);
    push_date(&mut v, day);
    String::from_utf8(v).expect("ascii")
}

fn push_hms(buf: &mut Vec<u8>, secs_of_day: u64) {
    push_padded(buf, secs_of_day / 3600, 2);
    buf.push(b':');
    push_padded(buf, secs_of_day / 60 % 60, 2);
    buf.push(b':');
    push_padded(buf, secs_of_day % 60, 2);
}

/// `2026-10-05T14:03:22.123Z`
pub fn push_iso_millis(buf: &mut Vec<u8>, unix_ms: i64) {
    let secs = unix_ms.div_euclid(1000);
    push_date(buf, secs.div_euclid(86_400));
    buf.push(b'T');
    push_hms(buf, secs.rem_euclid(86_400) as u64);
    buf.push(b'.');
    push_padded(buf, unix_ms.rem_euclid(1000) as u64, 3);
    buf.push(b'Z');
}

/// `2026-10-05T14:03:22Z`
pub fn push_iso_secs(buf: &mut Vec<u8>, unix_s: i64) {
    push_date(buf, unix_s.div_euclid(86_400));
    buf.push(b'T');
    push_hms(buf, unix_s.rem_euclid(86_400) as u64);
    buf.push(b'Z');
}

/// osquery's `calendarTime`: `Thu Mar 16 03:08:58 2023 UTC`.
pub fn push_calendar_time(buf: &mut Vec<u8>, unix_s: i64) {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let day = unix_s.div_euclid(86_400);
    let (y, m, d) = civil_from_days(day);
    push_str(buf, DAYS[weekday(day) as usize]);
    buf.push(b' ');
    push_str(buf, MONTHS[(m - 1) as usize]);
    buf.push(b' ');
    push_padded(buf, u64::from(d), 2);
    buf.push(b' ');
    push_hms(buf, unix_s.rem_euclid(86_400) as u64);
    buf.push(b' ');
    push_u64(buf, y as u64);
    push_str(buf, " UTC");
}

pub fn push_ipv4(buf: &mut Vec<u8>, ip: u32) {
    let o = ip.to_be_bytes();
    for (i, b) in o.iter().enumerate() {
        if i > 0 {
            buf.push(b'.');
        }
        push_u64(buf, u64::from(*b));
    }
}

pub fn ipv4_string(ip: u32) -> String {
    let mut v = Vec::with_capacity(15);
    push_ipv4(&mut v, ip);
    String::from_utf8(v).expect("ascii")
}

/// Decimal string of `wei` as ETH with up to 6 decimals (for notes only).
pub fn eth_display(wei: u128) -> String {
    let whole = wei / 1_000_000_000_000_000_000;
    let frac = (wei % 1_000_000_000_000_000_000) / 1_000_000_000_000;
    format!("{whole}.{frac:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for day in [-1000i64, 0, 1, 20_000, 20_730, 20_735, 30_000] {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        assert_eq!(days_from_civil(2026, 10, 4), 20_730);
        assert_eq!(weekday(days_from_civil(2026, 10, 4)), 6); // a Sunday
    }

    #[test]
    fn timestamps_render_like_the_exports() {
        let mut b = Vec::new();
        push_iso_millis(&mut b, 1_678_936_138_015);
        assert_eq!(b, b"2023-03-16T03:08:58.015Z");
        b.clear();
        push_calendar_time(&mut b, 1_678_936_138);
        assert_eq!(b, b"Thu Mar 16 03:08:58 2023 UTC");
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        let mut b = Vec::new();
        push_csv_row(&mut b, &["a", "b,c", "say \"hi\""]);
        assert_eq!(b, b"a,\"b,c\",\"say \"\"hi\"\"\"\n");
    }

    #[test]
    fn uuid_has_version_bits() {
        let u = uuid_string(u64::MAX, u64::MAX);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
