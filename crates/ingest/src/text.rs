//! Small helpers for describing input to people: what an unrecognised file looks
//! like, and short excerpts of bad records.

use crate::Sample;

/// Says why no format claimed a file, in words that help the user fix it.
pub(crate) fn describe_unknown(sample: &Sample<'_>) -> String {
    if sample.head.is_empty() {
        return "the file is empty".to_string();
    }
    if sample.head.contains(&0) {
        return "it looks like binary data (NUL bytes in the first 64 KiB); no format reads it"
            .to_string();
    }
    let Ok(text) = std::str::from_utf8(valid_prefix(sample.head)) else {
        return "it is not UTF-8 text".to_string();
    };
    if text.is_empty() {
        return "it is not UTF-8 text".to_string();
    }
    let first = text.lines().next().unwrap_or("");
    format!(
        "no format recognises its first line ({}); run `unmask formats` to see what is supported, or force one with --format",
        excerpt(first.as_bytes(), 80)
    )
}

/// The longest prefix that is valid UTF-8 (a sample may cut a character in two).
fn valid_prefix(bytes: &[u8]) -> &[u8] {
    match std::str::from_utf8(bytes) {
        Ok(_) => bytes,
        Err(error) if error.error_len().is_none() => &bytes[..error.valid_up_to()],
        Err(_) => b"\xff",
    }
}

/// A short, printable excerpt of some bytes.
pub(crate) fn excerpt(bytes: &[u8], max_chars: usize) -> String {
    let lossy = String::from_utf8_lossy(bytes);
    let mut out: String = lossy
        .chars()
        .take(max_chars)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if lossy.chars().count() > max_chars {
        out.push('…');
    }
    format!("{out:?}")
}
