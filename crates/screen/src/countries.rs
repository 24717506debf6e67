//! Country names to ISO 3166-1 alpha-2 codes, from `data/countries.tsv`, so "Korea, North",
//! "Democratic People's Republic of Korea", "DPRK" and "KP" compare equal.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use crate::data::COUNTRIES;
use crate::error::{Result, ScreenError};

pub(crate) struct CountryTable {
    by_name: FxHashMap<String, &'static str>,
    pub(crate) codes: usize,
}

fn key(name: &str) -> String {
    crate::text::fold(name)
}

pub(crate) fn parse_countries(text: &'static str, strict: bool) -> Result<CountryTable> {
    const FILE: &str = "countries.tsv";
    let mut by_name: FxHashMap<String, &'static str> = FxHashMap::default();
    let mut codes = 0;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((code, names)) = line.split_once('\t') else {
            if strict {
                return Err(ScreenError::BadDataFile {
                    file: FILE,
                    line: line_no,
                    message: "expected <code><TAB><names>".into(),
                });
            }
            continue;
        };
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            if strict {
                return Err(ScreenError::BadDataFile {
                    file: FILE,
                    line: line_no,
                    message: format!("{code:?} is not an alpha-2 code"),
                });
            }
            continue;
        }
        codes += 1;
        for name in std::iter::once(code).chain(names.split('|')) {
            let k = key(name);
            if k.is_empty() {
                continue;
            }
            if let Some(previous) = by_name.insert(k, code) {
                if previous != code && strict {
                    return Err(ScreenError::BadDataFile {
                        file: FILE,
                        line: line_no,
                        message: format!("{name:?} maps to both {previous} and {code}"),
                    });
                }
            }
        }
    }
    Ok(CountryTable { by_name, codes })
}

fn table() -> &'static CountryTable {
    static TABLE: LazyLock<CountryTable> = LazyLock::new(|| {
        parse_countries(COUNTRIES, false).unwrap_or(CountryTable {
            by_name: FxHashMap::default(),
            codes: 0,
        })
    });
    &TABLE
}

/// The ISO alpha-2 code for a country name, alpha-2 or alpha-3 code; `None` if unknown.
pub fn to_code(name: &str) -> Option<&'static str> {
    table().by_name.get(&key(name)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn north_korea_spellings() {
        for name in [
            "Korea, North",
            "Democratic People's Republic of Korea",
            "DPRK",
            "KP",
            "kp",
            "North Korea",
        ] {
            assert_eq!(to_code(name), Some("KP"), "{name}");
        }
        assert_eq!(to_code("Republic of Korea"), Some("KR"));
        assert_eq!(to_code("Atlantis"), None);
    }
}
