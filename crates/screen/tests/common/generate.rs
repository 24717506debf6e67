//! Generated query sets shared by the quality tests and the `screen_pairs` example:
//! list aliases, Korean re-spellings of listed DPRK persons, and Korean-looking names that
//! are on no list. Deterministic (fixed seeds), so figures are reproducible.
#![allow(dead_code)]

use unmask_screen::data::name_data;
use unmask_screen::korean::{phonetic, readings};
use unmask_screen::text::tokens;
use unmask_screen::{ListEntity, NameStrength, Schema, ScreeningIndex};

/// Deterministic xorshift so the generated test sets are the same on every run.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Korean persons of the DPRK programs in both lists whose primary name reads as Korean.
pub fn dprk_korean_persons(index: &ScreeningIndex) -> Vec<&ListEntity> {
    let data = name_data();
    index
        .entities()
        .iter()
        .filter(|e| e.schema == Schema::Person && super::is_dprk(e))
        .filter(|e| {
            let toks = tokens(&e.caption);
            toks.len() >= 2 && data.surname_by_spelling.contains_key(toks[0].as_str())
        })
        .collect()
}

/// Re-spells one given-name syllable as another romanization system would.
fn respell_syllable(syllable: &str, rng: &mut Rng) -> String {
    let mut s = syllable.to_ascii_lowercase();
    match rng.below(4) {
        // McCune-Reischauer / DPRK -> Revised: voiced initials and eo/eu vowels.
        0 => {
            for (mr, rr) in [
                ("ch", "j"),
                ("th", "t"),
                ("kh", "k"),
                ("ph", "p"),
                ("k", "g"),
                ("t", "d"),
                ("p", "b"),
            ] {
                if let Some(rest) = s.strip_prefix(mr) {
                    s = format!("{rr}{rest}");
                    break;
                }
            }
            if let Some(i) = s.find('o') {
                let prev = if i > 0 { s.as_bytes()[i - 1] } else { b' ' };
                let next = s.as_bytes().get(i + 1).copied().unwrap_or(b' ');
                if !matches!(prev, b'w' | b'e')
                    && !matches!(next, b'e' | b'i' | b'o')
                    && rng.chance(60)
                {
                    s.replace_range(i..i + 1, "eo");
                }
            }
        }
        // OFAC apostrophes: aspiration and the breve written as o'.
        1 => {
            if s.starts_with("ch") && rng.chance(50) {
                s.insert(2, '\'');
            } else if let Some(i) = s.find('o') {
                if s.as_bytes()
                    .get(i + 1)
                    .is_some_and(|c| !matches!(c, b'e' | b'i'))
                {
                    s.insert(i + 1, '\'');
                }
            }
        }
        // Breves.
        2 => {
            if let Some(i) = s.find('o') {
                if s.as_bytes()
                    .get(i + 1)
                    .is_some_and(|c| !matches!(c, b'e' | b'i' | b'o'))
                {
                    s.replace_range(i..i + 1, "ŏ");
                }
            } else if let Some(i) = s.find('u') {
                let prev = if i > 0 { s.as_bytes()[i - 1] } else { b' ' };
                if !matches!(prev, b'y' | b'w') {
                    s.replace_range(i..i + 1, "ŭ");
                }
            }
        }
        _ => {}
    }
    s
}

pub fn title(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A generated variant of a Korean name: surname-group swap, romanization swaps,
/// hyphenation/joining, order and case.
pub fn variant(caption: &str, rng: &mut Rng) -> String {
    let data = name_data();
    let toks = tokens(caption);
    let surname = &toks[0];
    let group = data.surname_by_spelling[surname.as_str()];
    let spellings = &data.surname_groups[group as usize].1;
    let surname = if rng.chance(60) {
        spellings[rng.below(spellings.len())].clone()
    } else {
        surname.clone()
    };
    let given: Vec<String> = toks[1..].iter().map(|s| respell_syllable(s, rng)).collect();
    let given = match rng.below(3) {
        0 => given.iter().map(|g| title(g)).collect::<Vec<_>>().join(" "),
        1 => title(&given.join("-")),
        _ => title(&given.join("")),
    };
    let surname = if rng.chance(50) {
        surname.to_uppercase()
    } else {
        title(&surname)
    };
    match rng.below(3) {
        0 => format!("{surname} {given}"),
        1 => format!("{given} {surname}"),
        _ => format!("{surname}, {given}"),
    }
}

pub const SURNAMES: [&str; 30] = [
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo",
    "Shin", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong", "Jeon", "Ko", "Moon", "Yang", "Son",
    "Bae", "Baek", "Ri", "Pak", "Choe",
];
pub const SYLLABLES: [&str; 48] = [
    "min", "jun", "seo", "ji", "hyun", "woo", "yeon", "su", "jin", "young", "eun", "ho", "jae",
    "hee", "sung", "kyung", "hye", "won", "tae", "dong", "sang", "hoon", "chul", "il", "nam",
    "myung", "soo", "kwang", "yong", "chol", "hyok", "song", "ryong", "gil", "bok", "mi", "ok",
    "sun", "hwa", "jong", "un", "hyon", "gyu", "bin", "ha", "na", "ran", "sik",
];

pub fn korean_key(name: &str) -> Vec<(u16, Vec<u16>)> {
    let toks = tokens(name);
    let phon: Vec<String> = toks.iter().map(|t| phonetic(t)).collect();
    let pairs: Vec<(&str, &str)> = toks
        .iter()
        .zip(phon.iter())
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    readings(&pairs, name_data())
        .into_iter()
        .map(|r| (r.surname_group, r.given.iter().map(|s| s.code()).collect()))
        .collect()
}

/// (query, list, id) for every strong alias of an OFAC DPRK-program entity.
pub fn alias_queries(index: &ScreeningIndex) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for entity in index
        .entities()
        .iter()
        .filter(|e| e.list == "us_ofac_sdn" && e.programs.iter().any(|p| p.contains("DPRK")))
    {
        for alias in entity
            .names
            .iter()
            .filter(|n| n.strength == NameStrength::Strong)
        {
            out.push((alias.name.clone(), entity.list.clone(), entity.id.clone()));
        }
    }
    out
}

/// (query, list, id): six generated re-spellings per Korean DPRK person of both lists.
pub fn variant_queries(index: &ScreeningIndex) -> Vec<(String, String, String)> {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut out = Vec::new();
    for entity in dprk_korean_persons(index) {
        for _ in 0..6 {
            out.push((
                variant(&entity.caption, &mut rng),
                entity.list.clone(),
                entity.id.clone(),
            ));
        }
    }
    out
}

/// `count` Korean-looking names whose Korean key is no listed name's key, and how many
/// generated names were excluded because they were listed.
pub fn unlisted_korean_names(index: &ScreeningIndex, count: usize) -> (Vec<String>, usize) {
    let mut listed = std::collections::HashSet::new();
    for e in index.entities() {
        for n in &e.names {
            for k in korean_key(&n.name) {
                listed.insert(k);
            }
        }
    }
    let mut rng = Rng(0x000f_a15e_9051_7175);
    let (mut out, mut excluded) = (Vec::new(), 0);
    while out.len() < count {
        let surname = SURNAMES[rng.below(SURNAMES.len())];
        let (a, b) = (
            SYLLABLES[rng.below(SYLLABLES.len())],
            SYLLABLES[rng.below(SYLLABLES.len())],
        );
        let given = match rng.below(3) {
            0 => format!("{} {}", title(a), title(b)),
            1 => format!("{}-{b}", title(a)),
            _ => format!("{}{b}", title(a)),
        };
        let name = if rng.chance(70) {
            format!("{surname} {given}")
        } else {
            format!("{given} {surname}")
        };
        if korean_key(&name).iter().any(|k| listed.contains(k)) {
            excluded += 1;
            continue;
        }
        out.push(name);
    }
    (out, excluded)
}
