//! The matcher's editable word lists, bundled from `crates/screen/data/` with `include_str!`:
//! Korean family-name groups, company suffixes, honorifics, stopwords and country names.
//! Loading is lenient (a bad line is skipped, never a panic); [`check_data`] is the strict
//! validator that the crate's tests and a future `unmask lint` command run.

use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::{Result, ScreenError};

/// `data/korean_surnames.tsv`
pub const KOREAN_SURNAMES: &str = include_str!("../data/korean_surnames.tsv");
/// `data/company_suffixes.txt`
pub const COMPANY_SUFFIXES: &str = include_str!("../data/company_suffixes.txt");
/// `data/honorifics.txt`
pub const HONORIFICS: &str = include_str!("../data/honorifics.txt");
/// `data/stopwords.txt`
pub const STOPWORDS: &str = include_str!("../data/stopwords.txt");
/// `data/countries.tsv`
pub const COUNTRIES: &str = include_str!("../data/countries.tsv");

/// Parsed word lists.
#[derive(Debug, Default)]
pub struct NameData {
    /// Folded spelling -> surname group index.
    pub surname_by_spelling: FxHashMap<String, u16>,
    /// Phonetic key -> surname group, only where the key belongs to one group.
    pub surname_by_phonetic: FxHashMap<String, u16>,
    /// Group index -> (canonical name, spellings).
    pub surname_groups: Vec<(String, Vec<String>)>,
    /// Company-form words.
    pub company_suffixes: FxHashSet<String>,
    /// Titles and honorifics.
    pub honorifics: FxHashSet<String>,
    /// Low-weight connecting words.
    pub stopwords: FxHashSet<String>,
}

impl NameData {
    /// The surname group of a folded token, if it is a Korean family name.
    pub fn surname_group(&self, folded: &str, phonetic: &str) -> Option<u16> {
        self.surname_by_spelling
            .get(folded)
            .or_else(|| self.surname_by_phonetic.get(phonetic))
            .copied()
    }

    /// The canonical name of a surname group.
    pub fn surname_group_name(&self, group: u16) -> &str {
        self.surname_groups
            .get(group as usize)
            .map(|g| g.0.as_str())
            .unwrap_or("?")
    }
}

/// The bundled word lists, parsed once.
pub fn name_data() -> &'static NameData {
    static DATA: LazyLock<NameData> = LazyLock::new(|| parse_all(false).unwrap_or_default());
    &DATA
}

/// Counts of what the bundled data files hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSummary {
    /// Korean surname groups.
    pub surname_groups: usize,
    /// Korean surname spellings.
    pub surname_spellings: usize,
    /// Company suffixes.
    pub company_suffixes: usize,
    /// Honorifics.
    pub honorifics: usize,
    /// Stopwords.
    pub stopwords: usize,
    /// Countries.
    pub countries: usize,
}

/// Validates every bundled data file strictly: format, lowercase ASCII words, no spelling in
/// two surname groups, no country spelling mapped to two codes.
pub fn check_data() -> Result<DataSummary> {
    let data = parse_all(true)?;
    let countries = crate::countries::parse_countries(COUNTRIES, true)?;
    Ok(DataSummary {
        surname_groups: data.surname_groups.len(),
        surname_spellings: data.surname_by_spelling.len(),
        company_suffixes: data.company_suffixes.len(),
        honorifics: data.honorifics.len(),
        stopwords: data.stopwords.len(),
        countries: countries.codes,
    })
}

fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

fn check_word(file: &'static str, line: usize, word: &str) -> Result<()> {
    if word.is_empty()
        || !word
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(ScreenError::BadDataFile {
            file,
            line,
            message: format!("{word:?} is not a lowercase ASCII word"),
        });
    }
    Ok(())
}

fn parse_word_list(file: &'static str, text: &str, strict: bool) -> Result<FxHashSet<String>> {
    let mut set = FxHashSet::default();
    for (line, word) in content_lines(text) {
        if let Err(e) = check_word(file, line, word) {
            if strict {
                return Err(e);
            }
            continue;
        }
        if !set.insert(word.to_string()) && strict {
            return Err(ScreenError::BadDataFile {
                file,
                line,
                message: format!("{word:?} is listed twice"),
            });
        }
    }
    Ok(set)
}

fn parse_all(strict: bool) -> Result<NameData> {
    const FILE: &str = "korean_surnames.tsv";
    let mut data = NameData::default();
    let mut phonetic_groups: FxHashMap<String, FxHashSet<u16>> = FxHashMap::default();
    for (line, text) in content_lines(KOREAN_SURNAMES) {
        let Some((canonical, spellings)) = text.split_once('\t') else {
            if strict {
                return Err(ScreenError::BadDataFile {
                    file: FILE,
                    line,
                    message: "expected <group><TAB><spellings>".into(),
                });
            }
            continue;
        };
        let group = data.surname_groups.len() as u16;
        let mut words = Vec::new();
        for word in spellings.split_whitespace() {
            if let Err(e) = check_word(FILE, line, word) {
                if strict {
                    return Err(e);
                }
                continue;
            }
            if let Some(other) = data.surname_by_spelling.insert(word.to_string(), group) {
                if strict {
                    return Err(ScreenError::BadDataFile {
                        file: FILE,
                        line,
                        message: format!(
                            "spelling {word:?} is already in group {:?}",
                            data.surname_groups[other as usize].0
                        ),
                    });
                }
                data.surname_by_spelling.insert(word.to_string(), other);
                continue;
            }
            phonetic_groups
                .entry(crate::korean::phonetic(word))
                .or_default()
                .insert(group);
            words.push(word.to_string());
        }
        if words.is_empty() && strict {
            return Err(ScreenError::BadDataFile {
                file: FILE,
                line,
                message: "group has no spelling".into(),
            });
        }
        data.surname_groups
            .push((canonical.trim().to_string(), words));
    }
    data.surname_by_phonetic = phonetic_groups
        .into_iter()
        .filter(|(_, groups)| groups.len() == 1)
        .filter_map(|(key, groups)| groups.into_iter().next().map(|g| (key, g)))
        .collect();
    data.company_suffixes = parse_word_list("company_suffixes.txt", COMPANY_SUFFIXES, strict)?;
    data.honorifics = parse_word_list("honorifics.txt", HONORIFICS, strict)?;
    data.stopwords = parse_word_list("stopwords.txt", STOPWORDS, strict)?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_data_files_are_valid() {
        let summary = check_data().expect("bundled data must validate");
        assert!(summary.surname_groups >= 10);
        assert!(summary.countries > 200);
    }

    #[test]
    fn surname_groups_hold_the_dprk_spellings() {
        let data = name_data();
        for (a, b) in [
            ("ri", "lee"),
            ("li", "yi"),
            ("rim", "lim"),
            ("ryu", "yoo"),
            ("ro", "roh"),
            ("pak", "park"),
            ("choe", "choi"),
            ("jong", "jeong"),
            ("kim", "gim"),
            ("jo", "cho"),
            ("jang", "chang"),
        ] {
            let ga = data.surname_group(a, &crate::korean::phonetic(a));
            let gb = data.surname_group(b, &crate::korean::phonetic(b));
            assert!(ga.is_some() && ga == gb, "{a} and {b} must share a group");
        }
    }
}
