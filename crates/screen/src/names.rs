//! Name analysis shared by the index and the query: fold, drop honorifics and company
//! suffixes, compute each token's phonetic key, and read the name as Korean (family name
//! and given syllables) where it can be. Hangul names are analyzed twice, once per
//! romanization system.

use crate::data::{name_data, NameData};
use crate::hangul::{self, System};
use crate::korean::{self, Reading};
use crate::text;
use unicode_normalization::UnicodeNormalization;

/// Most tokens of a name we look at; the rest of a very long name is ignored.
pub(crate) const MAX_TOKENS: usize = 24;

/// How much a token says about identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenClass {
    /// An ordinary name token.
    Normal,
    /// "of", "the", "de" ...
    Stopword,
    /// A single letter: an initial.
    Initial,
}

/// One token with its keys.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TokenInfo {
    pub folded: Box<str>,
    pub phonetic: Box<str>,
    pub class: TokenClass,
    /// Down-weighting for words that many list names share ("korea", "general"), set by the
    /// index from document frequencies; 1.0 for distinctive words.
    pub idf: f32,
}

impl TokenInfo {
    pub fn new(folded: &str, data: &NameData) -> TokenInfo {
        let class = if folded.len() == 1 && folded.bytes().all(|b| b.is_ascii_alphabetic()) {
            TokenClass::Initial
        } else if data.stopwords.contains(folded) {
            TokenClass::Stopword
        } else {
            TokenClass::Normal
        };
        TokenInfo {
            folded: folded.into(),
            phonetic: korean::phonetic(folded).into(),
            class,
            idf: 1.0,
        }
    }

    pub fn weight(&self) -> f32 {
        let class = match self.class {
            TokenClass::Normal => 1.0,
            TokenClass::Stopword => 0.3,
            TokenClass::Initial => 0.5,
        };
        class * self.idf
    }
}

/// A name ready for comparison.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AnalyzedName {
    pub tokens: Vec<TokenInfo>,
    pub readings: Vec<Reading>,
}

/// Folded tokens of `name` with leading honorifics and company suffixes removed (a
/// first word that is also a Korean family name, like `Sa`, stays). If
/// nothing would remain, the folded tokens are kept as they are.
pub(crate) fn clean_tokens(name: &str, data: &NameData) -> Vec<String> {
    let all = text::tokens(name);
    // Titles come first ("Dr.", "Haji", "Chairman"); the same word later is a name part.
    let titles = all
        .iter()
        .take_while(|t| data.honorifics.contains(t.as_str()))
        .count();
    let kept: Vec<String> = all
        .iter()
        .enumerate()
        .skip(titles)
        .filter(|(i, t)| {
            // "SA" and a few others are also Korean family names: keep them in front.
            let korean_surname_first =
                *i == titles && data.surname_by_spelling.contains_key(t.as_str());
            korean_surname_first || !data.company_suffixes.contains(t.as_str())
        })
        .map(|(_, t)| t.clone())
        .take(MAX_TOKENS)
        .collect();
    if kept.is_empty() {
        all.into_iter().take(MAX_TOKENS).collect()
    } else {
        kept
    }
}

fn analyze_text(text: &str, data: &NameData) -> Option<AnalyzedName> {
    let tokens: Vec<TokenInfo> = clean_tokens(text, data)
        .iter()
        .map(|t| TokenInfo::new(t, data))
        .collect();
    if tokens.is_empty() {
        return None;
    }
    let pairs: Vec<(&str, &str)> = tokens.iter().map(|t| (&*t.folded, &*t.phonetic)).collect();
    let readings = korean::readings(&pairs, data);
    Some(AnalyzedName { tokens, readings })
}

/// Analyzes a name: one variant for Latin or other scripts, two (Revised and
/// McCune-Reischauer) for names containing Hangul. Empty when the name has no letters.
pub(crate) fn analyze(name: &str) -> Vec<AnalyzedName> {
    let data = name_data();
    let mut out = Vec::with_capacity(2);
    // NFC first: decomposed Hangul jamo (macOS file names, some PDFs) and combining breves
    // (O + U+0306) become the precomposed characters the romanizer and folder know.
    let composed: String;
    let name = if name.is_ascii() {
        name
    } else {
        composed = name.nfc().collect();
        composed.as_str()
    };
    if hangul::contains_hangul(name) {
        for system in [System::Revised, System::McCuneReischauer] {
            if let Some(a) = analyze_text(&hangul::romanize_name(name, system), data) {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
        }
    } else if let Some(a) = analyze_text(name, data) {
        out.push(a);
    }
    out
}

/// Weight of a word shared by `df` of `total` names: 1.0 up to 0.2% of names, then
/// falling by a quarter per doubling, never under 0.5.
pub(crate) fn idf_weight(df: u32, total: usize) -> f32 {
    if total == 0 {
        return 1.0;
    }
    let ratio = df as f32 / total as f32;
    if ratio <= 0.002 {
        1.0
    } else {
        (1.0 - 0.25 * (ratio / 0.002).log2()).max(0.5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_suffixes_and_honorifics_and_reads_korean() {
        let a = &analyze("KOREA RYONBONG GENERAL CORPORATION")[0];
        let folded: Vec<&str> = a.tokens.iter().map(|t| &*t.folded).collect();
        assert_eq!(folded, ["korea", "ryonbong", "general"]);
        let b = &analyze("Mr. KIM, Jong Un")[0];
        assert_eq!(b.tokens.len(), 3);
        assert!(!b.readings.is_empty());
        let h = analyze("김정은");
        // The same name as decomposed jamo, and a breve as a combining mark.
        assert_eq!(
            analyze("\u{1100}\u{1175}\u{11B7}\u{110C}\u{1165}\u{11BC}\u{110B}\u{1173}\u{11AB}"),
            h
        );
        assert_eq!(analyze("Cho\u{306}ng"), analyze("Chŏng"));
        assert!(!h.is_empty());
        assert!(h.iter().all(|v| !v.readings.is_empty()));
        assert!(analyze("   ").is_empty());
    }
}
