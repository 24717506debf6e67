//! Korean-aware name keys: one phonetic key per token that makes the romanization systems
//! agree (McCune-Reischauer, Revised, the DPRK system, passport habits), a syllable segmenter
//! for joined given names (`Jongun` = `Jong-un` = `Jong Un`), syllable similarity for
//! near-spellings, and the "reading" of a name as family name + given syllables.
//!
//! The phonetic key merges what the systems write differently for the *same* sound:
//! k/g, t/d, p/b, ch/j, r/l, eo/ŏ/o, eu/ŭ/u, oe/oi/we, ae/e, doubled letters and silent h.
//! Syllables are then canonicalized with the "initial law" (DPRK `Ryong`/`Ri`/`Ro` =
//! South `Yong`/`I`/`No`). Different syllables (`Jong` vs `Jung`) stay different and only
//! earn partial similarity, so a name with one different syllable stays under the threshold.

use crate::data::NameData;

/// Phonetic key of one folded token (lowercase ASCII). Used for Korean and non-Korean
/// tokens alike; it is deliberately coarse, and exact-token agreement scores higher.
pub fn phonetic(token: &str) -> String {
    let b = token.as_bytes();
    let mut out = String::with_capacity(b.len());
    let is_vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'w' | b'y');
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let starts = |p: &[u8]| rest.starts_with(p);
        let (emit, advance): (&str, usize) = if starts(b"tch") {
            ("j", 3)
        } else if starts(b"wae") {
            ("we", 3)
        } else if starts(b"ng") {
            ("ng", 2)
        } else if starts(b"ch") || starts(b"jj") {
            ("j", 2)
        } else if starts(b"sh") || starts(b"ss") {
            ("s", 2)
        } else if starts(b"kk") || starts(b"gg") || starts(b"ck") || starts(b"kh") || starts(b"gh")
        {
            ("k", 2)
        } else if starts(b"tt") || starts(b"dd") || starts(b"th") {
            ("t", 2)
        } else if starts(b"pp") || starts(b"bb") || starts(b"ph") {
            ("p", 2)
        } else if starts(b"rh") || starts(b"ll") || starts(b"rr") {
            ("l", 2)
        } else if starts(b"eo") {
            ("o", 2)
        } else if starts(b"eu") || starts(b"oo") {
            ("u", 2)
        } else if starts(b"ou") {
            ("o", 2)
        } else if starts(b"ee") {
            ("i", 2)
        } else if starts(b"oe") || starts(b"oi") || starts(b"oy") {
            ("we", 2)
        } else if starts(b"ae") || starts(b"ai") || starts(b"ay") {
            ("e", 2)
        } else {
            let c = rest[0];
            let s = match c {
                b'g' | b'k' | b'q' | b'c' => "k",
                b'b' | b'p' | b'v' | b'f' => "p",
                b'd' | b't' => "t",
                b'r' | b'l' => "l",
                b'z' => "s",
                b'x' => "ks",
                b'h' => {
                    // Silent h (Ahn, Roh, Hahn) goes; an h that starts a syllable (Won-ho) stays.
                    let next_is_vowel = rest.get(1).is_some_and(|n| is_vowel(*n));
                    if !next_is_vowel {
                        ""
                    } else {
                        "h"
                    }
                }
                b'a' => "a",
                b'e' => "e",
                b'i' => "i",
                b'o' => "o",
                b'u' => "u",
                b'w' => "w",
                b'y' => "y",
                b'j' => "j",
                b'm' => "m",
                b'n' => "n",
                b's' => "s",
                _ => {
                    // digits and anything else pass through
                    out.push(c as char);
                    i += 1;
                    continue;
                }
            };
            (s, 1)
        };
        // Collapse a doubled single consonant across rewrite boundaries (Shinn -> sin).
        if emit.len() == 1 && out.ends_with(emit) && !is_vowel(emit.as_bytes()[0]) {
            i += advance;
            continue;
        }
        out.push_str(emit);
        i += advance;
    }
    out
}

const ONSETS: [&str; 10] = ["", "k", "n", "t", "l", "m", "p", "s", "j", "h"];
const VOWELS: [&str; 16] = [
    "a", "e", "i", "o", "u", "ya", "ye", "yo", "yu", "wa", "we", "wi", "wo", "ui", "yi", "wu",
];
const CODAS: [&str; 8] = ["", "k", "n", "t", "l", "m", "p", "ng"];

const V_I: u8 = 2;
const V_U: u8 = 4;
const V_YI: u8 = 14;
const V_WU: u8 = 15;
const O_NONE: u8 = 0;
const O_N: u8 = 2;
const O_L: u8 = 4;

/// A canonical romanized Korean syllable: onset, vowel and coda indexes packed in a u16.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Syllable(u16);

impl Syllable {
    fn new(onset: u8, vowel: u8, coda: u8) -> Syllable {
        // Canonical forms: yi -> i, wu -> u; the initial law: l/n before i or y* -> none,
        // l before other vowels -> n (DPRK Ri/Ryong/Ro = South I/Yong/No).
        let vowel = match vowel {
            V_YI => V_I,
            V_WU => V_U,
            v => v,
        };
        let front = vowel == V_I || VOWELS[vowel as usize].starts_with('y');
        let onset = match onset {
            O_L | O_N if front => O_NONE,
            O_L => O_N,
            o => o,
        };
        Syllable(u16::from(onset) << 8 | u16::from(vowel) << 3 | u16::from(coda))
    }
    fn onset(self) -> u8 {
        (self.0 >> 8) as u8
    }
    fn vowel(self) -> u8 {
        ((self.0 >> 3) & 0x1f) as u8
    }
    fn coda(self) -> u8 {
        (self.0 & 7) as u8
    }
    /// The raw packed value (stable within one build; used for index keys).
    pub fn code(self) -> u16 {
        self.0
    }
}

impl std::fmt::Display for Syllable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}{}{}",
            ONSETS[self.onset() as usize % ONSETS.len()],
            VOWELS[self.vowel() as usize % VOWELS.len()],
            CODAS[self.coda() as usize % CODAS.len()]
        )
    }
}

/// Splits a phonetic key into Korean syllables, or `None` if it is not romanized Korean.
///
/// Dynamic programming over the syllable grammar: fewest syllables first, then maximal
/// onset (a consonant between vowels starts the next syllable) except `ng`, which can only
/// end a syllable (`jongun` = jong|un).
pub fn segment(key: &str) -> Option<Vec<Syllable>> {
    let b = key.as_bytes();
    if b.is_empty() || b.len() > 40 {
        return None;
    }
    const INF: u32 = u32::MAX;
    let n = b.len();
    let mut cost = vec![INF; n + 1];
    let mut back: Vec<(usize, Syllable)> = vec![(0, Syllable(0)); n + 1];
    cost[0] = 0;
    for start in 0..n {
        if cost[start] == INF {
            continue;
        }
        for (oi, onset) in ONSETS.iter().enumerate() {
            let o = onset.as_bytes();
            if !b[start..].starts_with(o) {
                continue;
            }
            let after_onset = start + o.len();
            for (vi, vowel) in VOWELS.iter().enumerate() {
                let v = vowel.as_bytes();
                if !b[after_onset..].starts_with(v) {
                    continue;
                }
                let after_vowel = after_onset + v.len();
                for (ci, coda) in CODAS.iter().enumerate() {
                    let c = coda.as_bytes();
                    if !b[after_vowel..].starts_with(c) {
                        continue;
                    }
                    let end = after_vowel + c.len();
                    let mut step = 10;
                    if oi == 0 && start > 0 {
                        let prev = b[start - 1];
                        let after_ng = start >= 2 && &b[start - 2..start] == b"ng";
                        if !matches!(prev, b'a' | b'e' | b'i' | b'o' | b'u') && !after_ng {
                            step += 1;
                        }
                    }
                    let total = cost[start] + step;
                    if total < cost[end] {
                        cost[end] = total;
                        back[end] = (start, Syllable::new(oi as u8, vi as u8, ci as u8));
                    }
                }
            }
        }
    }
    if cost[n] == INF {
        return None;
    }
    let mut out = Vec::new();
    let mut at = n;
    while at > 0 {
        let (prev, syl) = back[at];
        out.push(syl);
        at = prev;
    }
    out.reverse();
    Some(out)
}

fn vowel_similarity(a: u8, b: u8) -> f32 {
    if a == b {
        return 1.0;
    }
    let (x, y) = (VOWELS[a as usize % 16], VOWELS[b as usize % 16]);
    let pair = if x < y { (x, y) } else { (y, x) };
    match pair {
        ("i", "ui") => 0.8,
        ("e", "we") | ("e", "ye") => 0.7,
        ("o", "u") | ("yo", "yu") | ("a", "wa") | ("o", "wo") => 0.6,
        ("o", "yo") | ("u", "yu") | ("a", "ya") | ("a", "e") => 0.5,
        _ => 0.1,
    }
}

fn onset_similarity(a: u8, b: u8) -> f32 {
    if a == b {
        return 1.0;
    }
    let (x, y) = (ONSETS[a as usize % 10], ONSETS[b as usize % 10]);
    let pair = if x < y { (x, y) } else { (y, x) };
    match pair {
        ("", "n") => 0.7,
        ("", "h") => 0.5,
        ("j", "s") | ("j", "t") | ("k", "h") => 0.5,
        _ => 0.3,
    }
}

fn coda_similarity(a: u8, b: u8) -> f32 {
    if a == b {
        return 1.0;
    }
    let (x, y) = (CODAS[a as usize % 8], CODAS[b as usize % 8]);
    let pair = if x < y { (x, y) } else { (y, x) };
    match pair {
        ("n", "ng") | ("m", "n") => 0.6,
        ("k", "t") | ("p", "t") | ("k", "p") | ("l", "n") => 0.5,
        ("", _) => 0.4,
        _ => 0.2,
    }
}

/// Similarity of two canonical syllables in [0, 1]; 1 only when equal.
pub fn syllable_similarity(a: Syllable, b: Syllable) -> f32 {
    if a == b {
        return 1.0;
    }
    onset_similarity(a.onset(), b.onset())
        * vowel_similarity(a.vowel(), b.vowel())
        * coda_similarity(a.coda(), b.coda())
}

/// A name read as Korean: family-name group and given-name syllables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// Index of the family-name group in the surname data.
    pub surname_group: u16,
    /// Position of the family-name token in the name's token list.
    pub surname_token: u8,
    /// Given-name syllables, canonical.
    pub given: Box<[Syllable]>,
    /// Hash of the given name's boundary-free spelling ([`loose_spelling`]).
    pub loose: u64,
    /// True when the given name is one token or some given-name token held several
    /// syllables (`Jongun`, `Chunil`, `Puil`): its syllable boundaries are guessed, so the
    /// loose spelling decides.
    pub joined: bool,
}

/// The given name with syllable boundaries erased: phonetic keys joined, `ng` read as
/// `nk` and an `h` after k/t/p/s dropped, so `Chunil` = `Chun Il`, `Mangon` = `Man Gon`, `Sokhwa` = `Sok Hwa`.
pub fn loose_spelling(phonetic_tokens: &[&str]) -> String {
    let joined: String = phonetic_tokens.concat();
    let mut out = String::with_capacity(joined.len());
    for c in joined.chars() {
        // An h after k/t/p/s may have been eaten by a digraph (Sokhwa -> sokwa) on one side.
        if c == 'h' && out.ends_with(['k', 't', 'p', 's']) {
            continue;
        }
        out.push(c);
    }
    out.replace("ng", "nk")
}

fn hash_str(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

/// Most syllables a Korean given name has in practice (plus one for safety).
pub const MAX_GIVEN_SYLLABLES: usize = 4;

/// Reads `tokens` (folded tokens with their phonetic keys) as a Korean name in both
/// orders: family name first and family name last. Returns 0, 1 or 2 readings.
pub fn readings(tokens: &[(&str, &str)], data: &NameData) -> Vec<Reading> {
    let mut out = Vec::new();
    if tokens.len() < 2 || tokens.len() > 4 {
        return out;
    }
    let candidates = [0usize, tokens.len() - 1];
    for (k, &surname_at) in candidates.iter().enumerate() {
        if k == 1 && tokens.len() == 1 {
            break;
        }
        let (folded, phon) = tokens[surname_at];
        let Some(group) = data.surname_group(folded, phon) else {
            continue;
        };
        let mut given = Vec::new();
        let mut ok = true;
        let mut joined = false;
        let mut given_keys: Vec<&str> = Vec::with_capacity(tokens.len());
        for (i, (_, p)) in tokens.iter().enumerate() {
            if i == surname_at {
                continue;
            }
            given_keys.push(p);
            match segment(p) {
                Some(syllables) => {
                    joined |= syllables.len() > 1 || tokens.len() == 2;
                    given.extend(syllables)
                }
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok && !given.is_empty() && given.len() <= MAX_GIVEN_SYLLABLES {
            let reading = Reading {
                surname_group: group,
                surname_token: surname_at as u8,
                given: given.into_boxed_slice(),
                loose: hash_str(&loose_spelling(&given_keys)),
                joined,
            };
            if !out.contains(&reading) {
                out.push(reading);
            }
        }
    }
    out
}

/// How two given names compare, syllable by syllable.
#[derive(Debug, Clone, PartialEq)]
pub struct GivenComparison {
    /// Similarity in [0, 1].
    pub score: f32,
    /// Syllable pairs that were compared, with their similarity.
    pub pairs: Vec<(Syllable, Syllable, f32)>,
}

/// Compares given names: equal syllable count -> product of syllable similarities (one
/// clearly different syllable makes it a different name). When either side was written
/// joined, its syllable boundaries are a guess, so equal loose spellings also count (0.95).
pub fn compare_given(a: &Reading, b: &Reading) -> GivenComparison {
    let mut result = GivenComparison {
        score: 0.0,
        pairs: Vec::new(),
    };
    if a.given.len() == b.given.len() {
        let mut score = 1.0;
        for (x, y) in a.given.iter().zip(b.given.iter()) {
            let s = syllable_similarity(*x, *y);
            score *= s;
            result.pairs.push((*x, *y, s));
        }
        result.score = score;
    }
    if result.score < 0.95 && (a.joined || b.joined) && a.loose == b.loose {
        result = GivenComparison {
            score: 0.95,
            pairs: Vec::new(),
        };
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syl(text: &str) -> Vec<String> {
        segment(&phonetic(text))
            .unwrap_or_default()
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn phonetic_keys_merge_romanization_systems() {
        assert_eq!(phonetic("jeong"), phonetic("chong"));
        assert_eq!(phonetic("choe"), phonetic("choi"));
        assert_eq!(phonetic("choi"), phonetic("chwe"));
        assert_eq!(phonetic("kyeong"), phonetic("kyong"));
        assert_eq!(phonetic("eun"), phonetic("un"));
        assert_eq!(phonetic("gwang"), phonetic("kwang"));
        assert_eq!(phonetic("shinn"), phonetic("sin"));
        assert_eq!(phonetic("hahn"), "han");
        assert_ne!(phonetic("jong"), phonetic("jung"));
    }

    #[test]
    fn segments_joined_given_names() {
        assert_eq!(syl("jongun"), ["jong", "un"]);
        assert_eq!(syl("jeongeun"), ["jong", "un"]);
        assert_eq!(syl("yongchol"), ["yong", "jol"]);
        assert_eq!(syl("ryongchol"), ["yong", "jol"]);
        assert_eq!(syl("kwangchun"), ["kwang", "jun"]);
        assert_eq!(syl("hyonchol"), ["hyon", "jol"]);
        assert!(segment(&phonetic("khorashadizadeh")).is_some());
        assert!(segment(&phonetic("strength")).is_none());
        assert!(segment(&phonetic("xyz")).is_none());
    }

    fn reading(name: &str) -> Reading {
        let toks = crate::text::tokens(name);
        let phon: Vec<String> = toks.iter().map(|t| phonetic(t)).collect();
        let pairs: Vec<(&str, &str)> = toks
            .iter()
            .zip(phon.iter())
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        readings(&pairs, crate::data::name_data()).remove(0)
    }

    #[test]
    fn different_syllables_stay_apart() {
        let a = reading("Kim Jong Un");
        assert!(compare_given(&a, &reading("Kim Jong Sik")).score < 0.1);
        let s = compare_given(&a, &reading("Kim Jung Un")).score;
        assert!(s > 0.3 && s < 0.7, "{s}");
    }

    #[test]
    fn joined_given_names_match_whatever_the_boundary() {
        for (a, b) in [
            ("Pak Chun Il", "Park Chunil"),
            ("Ri Man Gon", "Yi Mangon"),
            ("Hwang Sok-hwa", "Hwang Sokhwa"),
            ("Yu Chol U", "Yoo Cholu"),
            ("Ri Won Ho", "Ri Wonho"),
        ] {
            let s = compare_given(&reading(a), &reading(b)).score;
            assert!(s >= 0.95, "{a} vs {b}: {s}");
        }
        assert!(compare_given(&reading("Jon Gun Kim"), &reading("Kim Jong Un")).score < 0.7);
    }
}
