//! Pure readers: bytes in, [`Tx`](crate::Tx) out, or a [`ParseError`] saying what is
//! wrong with the record. They never see a store.
//!
//! * [`etl`]: bitcoin-etl `transactions.json`, one transaction a line (plain export,
//!   enriched export with input values and addresses, and `stream` items).
//! * [`getblock`]: Bitcoin Core `getblock <hash> 2` (or 3) responses: one block, a
//!   JSON-RPC envelope, an array of blocks or one block a line.

pub mod etl;
pub mod fast;
pub mod getblock;

use std::borrow::Cow;
use std::io::Read;

use serde::de::{self, Deserializer, Visitor};

use crate::error::ParseError;
use crate::script::{self, ScriptType};
use crate::tx::{parse_txid, Txid};

/// An integer satoshi value written as a JSON integer or a string of digits;
/// `null` is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sat(pub Option<u64>);

impl<'de> serde::Deserialize<'de> for Sat {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SatVisitor;
        impl<'de> Visitor<'de> for SatVisitor {
            type Value = Sat;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a whole number of satoshi")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Sat, E> {
                Ok(Sat(Some(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Sat, E> {
                u64::try_from(v)
                    .map(|v| Sat(Some(v)))
                    .map_err(|_| E::custom(format!("negative value {v}")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Sat, E> {
                Err(E::custom(format!(
                    "value {v} is not a whole number of satoshi (bitcoin-etl writes integers)"
                )))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Sat, E> {
                let trimmed = v.trim();
                if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
                    trimmed
                        .parse()
                        .map(|v| Sat(Some(v)))
                        .map_err(|_| E::custom(format!("value `{v}` is too large")))
                } else {
                    Err(E::custom(format!(
                        "value `{v}` is not a whole number of satoshi"
                    )))
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<Sat, E> {
                Ok(Sat(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Sat, E> {
                Ok(Sat(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Sat, D::Error> {
                d.deserialize_any(SatVisitor)
            }
        }
        deserializer.deserialize_any(SatVisitor)
    }
}

/// A time written as Unix seconds (integer or digits) or as UTC date-time text
/// (`2009-01-03 18:15:05 UTC`, `2009-01-03T18:15:05Z`), as BigQuery exports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Seconds(pub Option<u64>);

impl<'de> serde::Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SecondsVisitor;
        impl<'de> Visitor<'de> for SecondsVisitor {
            type Value = Seconds;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("Unix seconds or a UTC date-time")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Seconds, E> {
                Ok(Seconds(Some(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Seconds, E> {
                u64::try_from(v)
                    .map(|v| Seconds(Some(v)))
                    .map_err(|_| E::custom(format!("time {v} is before 1970")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Seconds, E> {
                if (0.0..1e12).contains(&v) {
                    // Sub-second fractions are dropped; times are whole seconds.
                    Ok(Seconds(Some(v as u64)))
                } else {
                    Err(E::custom(format!("time {v} is out of range")))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Seconds, E> {
                parse_time_text(v)
                    .map(|t| Seconds(Some(t)))
                    .ok_or_else(|| E::custom(format!("`{v}` is not a time")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Seconds, E> {
                Ok(Seconds(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Seconds, E> {
                Ok(Seconds(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Seconds, D::Error> {
                d.deserialize_any(SecondsVisitor)
            }
        }
        deserializer.deserialize_any(SecondsVisitor)
    }
}

/// Unix seconds of `YYYY-MM-DD[ T]HH:MM:SS[.fff][ UTC|Z]`, or of a string of digits.
pub(crate) fn parse_time_text(text: &str) -> Option<u64> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let text = text
        .strip_suffix(" UTC")
        .or_else(|| text.strip_suffix('Z'))
        .or_else(|| text.strip_suffix("+00:00"))
        .unwrap_or(text);
    let bytes = text.as_bytes();
    if bytes.len() < 19 || bytes[4] != b'-' || bytes[7] != b'-' || !matches!(bytes[10], b' ' | b'T')
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + hour * 3_600 + minute * 60 + second).ok()
}

pub(crate) fn txid_field(field: &'static str, text: &str) -> Result<Txid, ParseError> {
    parse_txid(text)
        .ok_or_else(|| ParseError::field(field, format!("`{text}` is not 64 hex digits")))
}

/// An output's script kind and addresses from what the export gives.
pub(crate) fn output_script(
    script_hex: Option<&str>,
    type_name: Option<&str>,
    addresses: Vec<String>,
) -> Result<(ScriptType, Vec<String>), ParseError> {
    let script = match script_hex {
        Some(hex_text) if !hex_text.is_empty() => {
            Some(hex::decode(hex_text).map_err(|_| ParseError::field("script_hex", "not hex"))?)
        }
        _ => None,
    };
    let kind = match (&script, type_name.and_then(ScriptType::from_core_name)) {
        (Some(bytes), _) => script::classify(bytes),
        (None, Some(kind)) => kind,
        (None, None) => ScriptType::NonStandard,
    };
    let addresses = if addresses.is_empty() {
        vec![script::nonstandard_address(
            script.as_deref().unwrap_or(&[]),
        )]
    } else {
        addresses
    };
    Ok((kind, addresses))
}

pub(crate) fn owned(list: Option<Vec<Cow<'_, str>>>) -> Vec<String> {
    list.unwrap_or_default()
        .into_iter()
        .filter(|a| !a.is_empty())
        .map(Cow::into_owned)
        .collect()
}

/// Calls `each` with every line of `reader` (1-based number, bytes without the line
/// ending), reading in large blocks and copying only lines that straddle two.
pub fn for_each_line(
    mut reader: impl Read,
    mut each: impl FnMut(u64, &[u8]) -> Result<(), std::io::Error>,
) -> Result<(), std::io::Error> {
    const BLOCK: usize = 4 << 20;
    let mut buf = vec![0u8; BLOCK];
    let mut filled = 0usize;
    let mut line_no = 1u64;
    loop {
        let read = reader.read(&mut buf[filled..])?;
        let end_of_input = read == 0;
        filled += read;
        let mut start = 0usize;
        while let Some(newline) = memchr::memchr(b'\n', &buf[start..filled]) {
            let end = start + newline;
            let line = &buf[start..end];
            each(line_no, line.strip_suffix(b"\r").unwrap_or(line))?;
            line_no += 1;
            start = end + 1;
        }
        if end_of_input {
            if start < filled {
                let line = &buf[start..filled];
                each(line_no, line.strip_suffix(b"\r").unwrap_or(line))?;
            }
            return Ok(());
        }
        buf.copy_within(start..filled, 0);
        filled -= start;
        if filled == buf.len() {
            // One line longer than the buffer: grow it.
            buf.resize(buf.len() * 2, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_across_blocks() {
        let text = "a\r\n\nlong line\nlast";
        let mut seen = Vec::new();
        for_each_line(text.as_bytes(), |n, line| {
            seen.push((n, String::from_utf8_lossy(line).to_string()));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                (1, "a".into()),
                (2, "".into()),
                (3, "long line".into()),
                (4, "last".into())
            ]
        );
    }

    #[test]
    fn times_read_as_unix_seconds() {
        assert_eq!(parse_time_text("1231006505"), Some(1_231_006_505));
        assert_eq!(
            parse_time_text("2009-01-03 18:15:05 UTC"),
            Some(1_231_006_505)
        );
        assert_eq!(parse_time_text("2009-01-03T18:15:05Z"), Some(1_231_006_505));
        assert_eq!(parse_time_text("2024-02-29 00:00:00"), Some(1_709_164_800));
        assert_eq!(parse_time_text("yesterday"), None);
        assert_eq!(parse_time_text("2009-13-03 18:15:05"), None);
    }
}
