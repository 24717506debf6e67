//! Hangul to Latin: Revised Romanization (South Korea's official system) and a
//! McCune-Reischauer-style romanization (the system OFAC and the UN descend from), so a
//! name typed in Hangul meets both spellings that lists use.
//!
//! Romanization is per syllable block with the simple, position-independent tables; the
//! matcher's phonetic keys absorb the sound changes (k/g, t/d ...) that full MR would apply.

const BASE: u32 = 0xAC00;
const LAST: u32 = 0xD7A3;

const RR_INITIALS: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
];
const MR_INITIALS: [&str; 19] = [
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch'", "k'", "t'",
    "p'", "h",
];
const RR_VOWELS: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
];
const MR_VOWELS: [&str; 21] = [
    "a", "ae", "ya", "yae", "ŏ", "e", "yŏ", "ye", "o", "wa", "wae", "oe", "yo", "u", "wŏ", "we",
    "wi", "yu", "ŭ", "ŭi", "i",
];
const FINALS: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];

/// Family names of two syllables; any other Hangul name starts with a one-syllable family name.
const TWO_SYLLABLE_SURNAMES: [&str; 8] = [
    "남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방",
];

/// Which romanization to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum System {
    /// Revised Romanization of Korean (2000).
    Revised,
    /// McCune-Reischauer with breves and apostrophes.
    McCuneReischauer,
}

/// True for a precomposed Hangul syllable block.
pub fn is_hangul_syllable(c: char) -> bool {
    (BASE..=LAST).contains(&(c as u32))
}

/// True when `text` contains at least one Hangul syllable.
pub fn contains_hangul(text: &str) -> bool {
    text.chars().any(is_hangul_syllable)
}

/// Romanizes one syllable block; `None` for any other character.
pub fn romanize_syllable(c: char, system: System) -> Option<String> {
    if !is_hangul_syllable(c) {
        return None;
    }
    let index = c as u32 - BASE;
    let (initial, vowel, last) = (
        (index / 588) as usize,
        ((index % 588) / 28) as usize,
        (index % 28) as usize,
    );
    let (initials, vowels) = match system {
        System::Revised => (&RR_INITIALS, &RR_VOWELS),
        System::McCuneReischauer => (&MR_INITIALS, &MR_VOWELS),
    };
    let mut out = String::with_capacity(8);
    out.push_str(initials[initial]);
    out.push_str(vowels[vowel]);
    out.push_str(FINALS[last]);
    Some(out)
}

/// Romanizes a name. A run of Hangul without spaces ("김정은") is read as family name +
/// given name ("gim jeongeun"); other characters pass through unchanged.
pub fn romanize_name(text: &str, system: System) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let syllables: Vec<char> = word.chars().collect();
        let all_hangul = syllables.iter().all(|c| is_hangul_syllable(*c));
        let single_word_name = text.split_whitespace().count() == 1;
        let surname_len = if all_hangul && single_word_name && (2..=5).contains(&syllables.len()) {
            let head: String = syllables.iter().take(2).collect();
            if syllables.len() >= 3 && TWO_SYLLABLE_SURNAMES.contains(&head.as_str()) {
                2
            } else {
                1
            }
        } else {
            0
        };
        for (j, c) in syllables.iter().enumerate() {
            if surname_len > 0 && j == surname_len {
                out.push(' ');
            }
            match romanize_syllable(*c, system) {
                Some(latin) => out.push_str(&latin),
                None => out.push(*c),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanizes_kim_jong_un_both_ways() {
        assert_eq!(romanize_name("김정은", System::Revised), "gim jeongeun");
        assert_eq!(
            romanize_name("김정은", System::McCuneReischauer),
            "kim chŏngŭn"
        );
        assert_eq!(romanize_name("리 선권", System::Revised), "ri seongwon");
        assert_eq!(romanize_name("남궁민수", System::Revised), "namgung minsu");
    }
}
