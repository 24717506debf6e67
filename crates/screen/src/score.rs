//! Scoring: name similarity (Korean-aware or token-based), then qualifiers (birth date,
//! country, gender, schema) that raise or lower it, each step recorded as a [`Feature`]
//! so an analyst can see why a hit scored what it did.
//!
//! Calibration (see docs/screening-quality.md): the same name in another romanization scores 1.0; one
//! different given-name syllable, or a different family name with the same given name,
//! stays under [`crate::DEFAULT_THRESHOLD`]; a dropped middle token of a non-Korean name
//! scores 0.8; birth date, country and gender move a score by at most +0.08 / -0.2 each,
//! and an incompatible schema takes 0.4.

use serde::{Deserialize, Serialize};

use crate::data::name_data;
use crate::entity::{DateAgreement, ListEntity, NameStrength, Schema};
use crate::korean::{compare_given, Reading};
use crate::names::{AnalyzedName, TokenClass, TokenInfo};
use crate::query::PreparedQuery;
use crate::text::jaro_winkler;

/// One line of a match explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feature {
    /// Stable feature id: `name_korean`, `name_tokens`, `weak_alias`, `birth_date`,
    /// `country`, `gender`, `schema`, `identifier`, `crypto_address`.
    pub feature: String,
    /// How much the feature can move the score at most.
    pub weight: f32,
    /// The feature's own similarity or agreement, in [-1, 1].
    pub value: f32,
    /// What it added to (or took from) the final score.
    pub contribution: f32,
    /// Human-readable reason.
    pub text: String,
}

/// A name of the index or the query, viewed as token references.
pub(crate) struct NameView<'a> {
    pub tokens: Vec<&'a TokenInfo>,
    pub readings: &'a [Reading],
}

impl<'a> NameView<'a> {
    pub fn of(name: &'a AnalyzedName) -> NameView<'a> {
        NameView {
            tokens: name.tokens.iter().collect(),
            readings: &name.readings,
        }
    }
}

/// Result of comparing two names.
#[derive(Debug, Clone)]
pub(crate) struct NameComparison {
    pub score: f32,
    pub korean: bool,
    pub text: String,
}

/// Token similarity in [0, 1].
fn token_similarity(a: &TokenInfo, b: &TokenInfo) -> f32 {
    if a.folded == b.folded {
        return 1.0;
    }
    if a.phonetic == b.phonetic {
        return 0.95;
    }
    if a.class == TokenClass::Initial || b.class == TokenClass::Initial {
        return if a.folded.as_bytes().first() == b.folded.as_bytes().first() {
            0.7
        } else {
            0.0
        };
    }
    if a.phonetic.len() < 5
        || b.phonetic.len() < 5
        || a.phonetic.as_bytes()[0] != b.phonetic.as_bytes()[0]
    {
        return 0.0;
    }
    let jw = jaro_winkler(&a.phonetic, &b.phonetic);
    if jw >= 0.9 {
        // 0.9 -> 0.6, 1.0 -> 0.85: a one-letter difference is a hint, not an identity.
        0.6 + (jw - 0.9) * 2.5
    } else {
        0.0
    }
}

/// Token-set comparison: greedy best pairing, Dice-style over token weights, or the
/// joined spelling when tokens are split differently ("Aero Caribbean" = "Aerocaribbean").
fn compare_tokens(
    q: &[&TokenInfo],
    c: &[&TokenInfo],
    strict: bool,
    explain: bool,
) -> NameComparison {
    let wq: f32 = q.iter().map(|t| t.weight()).sum();
    let wc: f32 = c.iter().map(|t| t.weight()).sum();
    if wq == 0.0 || wc == 0.0 {
        return NameComparison {
            score: 0.0,
            korean: false,
            text: String::new(),
        };
    }
    let mut pairs: Vec<(f32, usize, usize)> = Vec::with_capacity(q.len() * c.len());
    for (i, a) in q.iter().enumerate() {
        for (j, b) in c.iter().enumerate() {
            let s = token_similarity(a, b);
            if s > 0.0 {
                pairs.push((s, i, j));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0));
    let mut used_q = [false; crate::names::MAX_TOKENS];
    let mut used_c = [false; crate::names::MAX_TOKENS];
    let mut matched = 0.0;
    let mut matched_pairs = Vec::new();
    for (s, i, j) in pairs {
        if i >= used_q.len() || j >= used_c.len() || used_q[i] || used_c[j] {
            continue;
        }
        used_q[i] = true;
        used_c[j] = true;
        matched += s * (q[i].weight() + c[j].weight()) / 2.0;
        if explain {
            matched_pairs.push(format!("{}~{} {:.2}", q[i].folded, c[j].folded, s));
        }
    }
    // Dice over token weights tolerates a dropped middle name; `strict` (a Korean name
    // against a non-Korean one) divides by the longer side, as Korean names have no
    // optional parts.
    let mut score = if strict {
        matched / wq.max(wc)
    } else {
        2.0 * matched / (wq + wc)
    }
    .min(1.0);
    let mut joined = false;
    if score < 0.97 && (q.len() > 1 || c.len() > 1) {
        let jq: String = q.iter().map(|t| &*t.phonetic).collect();
        let jc: String = c.iter().map(|t| &*t.phonetic).collect();
        if jq == jc {
            score = 0.97;
            joined = true;
        }
    }
    let text = if !explain {
        String::new()
    } else if joined {
        "same letters with the words split differently".to_string()
    } else {
        let missing_q: Vec<&str> = q
            .iter()
            .enumerate()
            .filter(|(i, _)| !used_q.get(*i).copied().unwrap_or(false))
            .map(|(_, t)| &*t.folded)
            .collect();
        let missing_c: Vec<&str> = c
            .iter()
            .enumerate()
            .filter(|(i, _)| !used_c.get(*i).copied().unwrap_or(false))
            .map(|(_, t)| &*t.folded)
            .collect();
        let mut t = format!(
            "tokens {}",
            if matched_pairs.is_empty() {
                "none alike".to_string()
            } else {
                matched_pairs.join(", ")
            }
        );
        if !missing_q.is_empty() {
            t.push_str(&format!("; query only: {}", missing_q.join(" ")));
        }
        if !missing_c.is_empty() {
            t.push_str(&format!("; list only: {}", missing_c.join(" ")));
        }
        t
    };
    NameComparison {
        score,
        korean: false,
        text,
    }
}

/// Korean comparison: the family names must be one surname group and the given names must
/// agree syllable by syllable.
fn compare_korean(q: &[Reading], c: &[Reading], explain: bool) -> Option<NameComparison> {
    type SyllablePairs = Vec<(crate::korean::Syllable, crate::korean::Syllable, f32)>;
    let mut best: Option<(f32, &Reading, &Reading, SyllablePairs)> = None;
    for rq in q {
        for rc in c {
            let surname = if rq.surname_group == rc.surname_group {
                1.0
            } else {
                0.0
            };
            let given = compare_given(rq, rc);
            let score = given.score * (0.45 + 0.55 * surname);
            if best.as_ref().map_or(true, |b| score > b.0) {
                best = Some((score, rq, rc, given.pairs));
            }
        }
    }
    let (score, rq, rc, pairs) = best?;
    let text = if explain {
        let data = name_data();
        let family = if rq.surname_group == rc.surname_group {
            format!(
                "family name: same surname group '{}'",
                data.surname_group_name(rq.surname_group)
            )
        } else {
            format!(
                "family name differs ('{}' vs '{}')",
                data.surname_group_name(rq.surname_group),
                data.surname_group_name(rc.surname_group)
            )
        };
        let given: Vec<String> = if pairs.is_empty() {
            vec![format!(
                "{} vs {}",
                rq.given
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join("-"),
                rc.given
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join("-")
            )]
        } else {
            pairs
                .iter()
                .map(|(a, b, s)| {
                    if a == b {
                        format!("{a}={b}")
                    } else {
                        format!("{a}~{b} {s:.2}")
                    }
                })
                .collect()
        };
        format!(
            "Korean name: {family}; given-name syllables {}",
            given.join(", ")
        )
    } else {
        String::new()
    };
    Some(NameComparison {
        score,
        korean: true,
        text,
    })
}

/// Compares a query name with a list name. The Korean comparison replaces the token one
/// when both names read as Korean and the list entry is a person.
pub(crate) fn compare_names(
    q: &NameView<'_>,
    c: &NameView<'_>,
    person: bool,
    explain: bool,
) -> NameComparison {
    if person && !q.readings.is_empty() && !c.readings.is_empty() {
        if let Some(k) = compare_korean(q.readings, c.readings, explain) {
            return k;
        }
    }
    let strict = person && (q.readings.is_empty() != c.readings.is_empty());
    compare_tokens(&q.tokens, &c.tokens, strict, explain)
}

/// Multiplier for weak aliases: a nickname alone should not produce a full-score hit.
pub(crate) const WEAK_ALIAS_FACTOR: f32 = 0.9;

/// The name part of a score, with its feature lines.
pub(crate) fn name_feature(
    comparison: &NameComparison,
    strength: NameStrength,
    matched_name: &str,
) -> (f32, Vec<Feature>) {
    let mut features = vec![Feature {
        feature: if comparison.korean {
            "name_korean"
        } else {
            "name_tokens"
        }
        .to_string(),
        weight: 1.0,
        value: comparison.score,
        contribution: comparison.score,
        text: format!("'{matched_name}': {}", comparison.text),
    }];
    let mut score = comparison.score;
    if strength == NameStrength::Weak {
        let after = score * WEAK_ALIAS_FACTOR;
        features.push(Feature {
            feature: "weak_alias".into(),
            weight: 1.0 - WEAK_ALIAS_FACTOR,
            value: -1.0,
            contribution: after - score,
            text: "matched a weak alias (a nickname or partial name on the list)".into(),
        });
        score = after;
    }
    (score, features)
}

/// Taken from the score of a list entry whose schema cannot be the query's.
pub(crate) const SCHEMA_PENALTY: f32 = 0.4;

/// Applies birth date, country, gender and schema qualifiers to a name score.
pub(crate) fn qualify(
    query: &PreparedQuery,
    entity: &ListEntity,
    mut score: f32,
    mut features: Option<&mut Vec<Feature>>,
) -> f32 {
    let mut push = |f: Feature| {
        if let Some(list) = features.as_deref_mut() {
            list.push(f);
        }
    };
    if let Some(date) = &query.birth_date {
        if !entity.birth_dates.is_empty() {
            let best = entity
                .birth_dates
                .iter()
                .map(|d| d.compare(date))
                .min_by_key(|a| *a as u8)
                .unwrap_or(DateAgreement::Contradicts);
            let (delta, text) = match best {
                DateAgreement::Exact => (0.08, "same date of birth"),
                DateAgreement::Month => (0.06, "same year and month of birth"),
                DateAgreement::Year => (0.04, "same year of birth"),
                DateAgreement::YearRange => (0.02, "date of birth within the listed range"),
                DateAgreement::Near => (-0.03, "date of birth close but not equal"),
                DateAgreement::Contradicts => (-0.2, "different date of birth"),
            };
            score += delta;
            let listed: Vec<String> = entity.birth_dates.iter().map(|d| d.to_string()).collect();
            push(Feature {
                feature: "birth_date".into(),
                weight: 0.2,
                value: delta.signum(),
                contribution: delta,
                text: format!("{text}: query {date}, list {}", listed.join(" / ")),
            });
        }
    }
    if !query.countries.is_empty() && !entity.countries.is_empty() {
        let shared = query.countries.iter().any(|c| entity.countries.contains(c));
        let delta = if shared { 0.03 } else { -0.05 };
        score += delta;
        push(Feature {
            feature: "country".into(),
            weight: 0.05,
            value: delta.signum(),
            contribution: delta,
            text: format!(
                "{}: query {}, list {}",
                if shared {
                    "country in common"
                } else {
                    "no country in common"
                },
                query.countries.join(","),
                entity.countries.join(",")
            ),
        });
    }
    if let (Some(qg), Some(eg)) = (query.gender, entity.gender) {
        if qg != eg {
            score -= 0.1;
            push(Feature {
                feature: "gender".into(),
                weight: 0.1,
                value: -1.0,
                contribution: -0.1,
                text: format!("gender differs: query {qg:?}, list {eg:?}"),
            });
        }
    }
    if let Some(schema) = query.schema {
        if !schema.compatible(entity.schema) {
            score -= SCHEMA_PENALTY;
            push(Feature {
                feature: "schema".into(),
                weight: SCHEMA_PENALTY,
                value: -1.0,
                contribution: -SCHEMA_PENALTY,
                text: format!("query is a {schema}, list entry is a {}", entity.schema),
            });
        }
    }
    score.clamp(0.0, 1.0)
}

/// Is this list entry a person for the purpose of Korean name comparison.
pub(crate) fn is_person(schema: Schema) -> bool {
    matches!(schema, Schema::Person | Schema::LegalEntity)
}
