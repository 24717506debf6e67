//! Text folding for matching: any script and any romanization habit down to lowercase
//! ASCII tokens. Hangul is romanized, McCune-Reischauer breves become their Revised
//! spellings (ŏ -> eo, ŭ -> eu), OFAC's apostrophes (`Yo'ng`, `CH'OE`) are dropped, other
//! scripts are transliterated with `any_ascii`, and punctuation separates tokens.

use crate::hangul;

/// Folds `text` to lowercase ASCII words separated by single spaces.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let push_space = |out: &mut String| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    for c in text.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            // Apostrophes mark aspiration or a breve in OFAC's McCune-Reischauer: drop, don't split.
            '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{02BB}' | '`' | '\u{00B4}'
            | '\u{02B9}' => {}
            'ŏ' | 'Ŏ' | 'ǒ' | 'Ǒ' => out.push_str("eo"),
            'ŭ' | 'Ŭ' | 'ǔ' | 'Ǔ' => out.push_str("eu"),
            c if c.is_ascii() => push_space(&mut out),
            c if hangul::is_hangul_syllable(c) => {
                if let Some(latin) = hangul::romanize_syllable(c, hangul::System::Revised) {
                    out.push_str(&latin);
                }
            }
            c if c.is_whitespace() || is_separator_punct(c) => push_space(&mut out),
            c => {
                let ascii = any_ascii::any_ascii_char(c);
                for a in ascii.chars() {
                    match a {
                        'a'..='z' | '0'..='9' => out.push(a),
                        'A'..='Z' => out.push(a.to_ascii_lowercase()),
                        _ => push_space(&mut out),
                    }
                }
            }
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

fn is_separator_punct(c: char) -> bool {
    matches!(
        c,
        '\u{2010}'
            ..='\u{2015}'
                | '\u{00B7}'
                | '\u{30FB}'
                | '\u{3001}'
                | '\u{3002}'
                | '\u{FF0C}'
                | '\u{FF08}'
                | '\u{FF09}'
    )
}

/// Folds and splits into tokens.
pub fn tokens(text: &str) -> Vec<String> {
    fold(text)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Levenshtein distance on bytes (inputs are folded ASCII).
pub fn levenshtein(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.is_empty() {
        return b.len();
    }
    if b.is_empty() {
        return a.len();
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// 1 - distance / longer length, in [0, 1].
pub fn similarity(a: &str, b: &str) -> f32 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    1.0 - levenshtein(a, b) as f32 / longest as f32
}

/// Jaro-Winkler similarity on bytes, in [0, 1].
pub fn jaro_winkler(a: &str, b: &str) -> f32 {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.is_empty() || b.is_empty() {
        return if a.is_empty() && b.is_empty() {
            1.0
        } else {
            0.0
        };
    }
    if a.len() > 64 || b.len() > 64 {
        // Long strings: Jaro's window logic is quadratic; Levenshtein ratio is fine here.
        let (sa, sb) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
        return similarity(&sa, &sb);
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_match = [false; 64];
    let mut b_match = [false; 64];
    let mut matches = 0usize;
    for i in 0..a.len() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_match[j] && a[i] == b[j] {
                a_match[i] = true;
                b_match[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0usize;
    for i in 0..a.len() {
        if a_match[i] {
            while !b_match[k] {
                k += 1;
            }
            if a[i] != b[k] {
                transpositions += 1;
            }
            k += 1;
        }
    }
    let m = matches as f32;
    let jaro =
        (m / a.len() as f32 + m / b.len() as f32 + (m - transpositions as f32 / 2.0) / m) / 3.0;
    let prefix = a
        .iter()
        .zip(b.iter())
        .take(4)
        .take_while(|(x, y)| x == y)
        .count() as f32;
    jaro + prefix * 0.1 * (1.0 - jaro)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_breves_apostrophes_and_scripts() {
        assert_eq!(fold("CH'OE Yŏng-Ho"), "choe yeong ho");
        assert_eq!(fold("Kim Jong-un"), "kim jong un");
        assert_eq!(fold("Kyo’ng"), "kyong");
        assert_eq!(fold("ANGLO-CARIBBEAN CO., LTD."), "anglo caribbean co ltd");
        assert_eq!(fold("Müller"), "muller");
        assert_eq!(fold("김정은"), "gimjeongeun");
        assert_eq!(fold("Путин"), "putin");
        assert_eq!(fold("  "), "");
    }

    #[test]
    fn string_similarities() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert!(jaro_winkler("martha", "marhta") > 0.95);
        assert!(jaro_winkler("abc", "xyz") < 0.1);
    }
}
