//! `sanctions_screening`: every person, organisation, payout account and wallet of the
//! organisation's own data screened against the sanctions lists in the store. A hit at
//! or above the threshold (0.7) is a finding naming the subject and the list entry, with
//! the match explanation as evidence. See docs/detectors.md and docs/screening.md.
//!
//! Weights: an exact crypto-address or identifier hit 0.9 (critical); a name hit that a
//! birth date (same day or month) confirms 0.8 × score (high); any other name hit
//! 0.5 × score (medium).

use std::collections::BTreeMap;

use unmask_model::{Evidence, Finding, Severity};
use unmask_screen::{Match, Options, Query, ScreeningIndex, DEFAULT_THRESHOLD};
use unmask_store::Store;

use crate::screening::{load_index, store_id};
use crate::{DetectError, Detector};

pub struct SanctionsScreening;

/// The smallest birth-date contribution that confirms a name match: same month (+0.06)
/// or same day (+0.08); the same year is +0.04.
const CONFIRMING_BIRTH_DATE: f32 = 0.055;

/// What is screened: an entity of the organisation's data as a query.
struct Subject {
    id: String,
    query: Query,
    /// People linked to the subject (who a payout account pays), named in the finding.
    people: Vec<String>,
}

fn props_by_entity(
    store: &Store,
    prop: &str,
) -> Result<BTreeMap<String, Vec<String>>, DetectError> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, value) in store.property_values(prop)? {
        if !id.starts_with("sanction:") {
            map.entry(id).or_default().push(value);
        }
    }
    Ok(map)
}

fn subjects(store: &Store) -> Result<Vec<Subject>, DetectError> {
    let names = props_by_entity(store, "name")?;
    let births = props_by_entity(store, "birthDate")?;
    let countries = props_by_entity(store, "country")?;
    let mut subjects = Vec::new();
    for (schema, prefix) in [
        ("Person", "person:"),
        ("Organization", "org:"),
        ("Company", "org:"),
    ] {
        for id in store.entity_ids(schema)? {
            if !id.starts_with(prefix) {
                continue;
            }
            let Some(name) = names.get(&id).and_then(|n| n.first()) else {
                continue;
            };
            let mut query = Query::name(name.clone()).with_schema(
                unmask_screen::Schema::parse(schema).unwrap_or(unmask_screen::Schema::LegalEntity),
            );
            if let Some(date) = births.get(&id).and_then(|d| d.first()) {
                query = query.clone().with_birth_date(date).unwrap_or(query);
            }
            query.countries = countries.get(&id).cloned().unwrap_or_default();
            subjects.push(Subject {
                id,
                query,
                people: Vec::new(),
            });
        }
    }
    // Payout accounts and wallets, with the people they pay.
    let mut accounts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (person, account, _) in store.links_of_kind("payout_account")? {
        accounts.entry(account).or_default().push(person);
    }
    let numbers = props_by_entity(store, "number")?;
    for (account, people) in accounts {
        let query = if let Some(address) = account.strip_prefix("wallet:") {
            Query::address(address)
        } else if let Some(number) = numbers.get(&account).and_then(|n| n.first()) {
            Query::default().with_identifier(number.clone())
        } else {
            continue;
        };
        subjects.push(Subject {
            id: account,
            query,
            people,
        });
    }
    Ok(subjects)
}

fn has(m: &Match, feature: &str) -> bool {
    m.features
        .iter()
        .any(|f| f.feature == feature && f.contribution >= 0.0)
}

fn first_record(store: &Store, id: &str) -> Option<i64> {
    store
        .entity(id)
        .ok()
        .and_then(|e| e.record_ids.first().copied())
}

fn finding(store: &Store, index: &ScreeningIndex, subject: &Subject, m: &Match) -> Finding {
    let entry = index.entity(m.entity);
    let entry_id = store_id(entry);
    let exact = has(m, "crypto_address") || has(m, "identifier");
    // Confirmed: the same day or month of birth. The same year alone is common (a 0.75
    // name match of "Paul Hussein" with a listed "FA'UR, Husayn Ali" born the same year
    // is not a strong hit; see docs/screening-quality.md).
    let confirmed = m
        .features
        .iter()
        .any(|f| f.feature == "birth_date" && f.contribution >= CONFIRMING_BIRTH_DATE);
    let score = f64::from(m.score);
    let (weight, severity, how) = if exact {
        (0.9, Severity::Critical, "exact identifier or wallet match")
    } else if confirmed {
        (0.8 * score, Severity::High, "name and birth date match")
    } else {
        (0.5 * score, Severity::Medium, "name match")
    };
    let explanation: Vec<String> = m
        .features
        .iter()
        .map(|f| format!("{}: {}", f.feature, f.text))
        .collect();
    let programs = if entry.programs.is_empty() {
        String::new()
    } else {
        format!(" ({})", entry.programs.join(", "))
    };
    let mut subjects = vec![subject.id.clone(), entry_id.clone()];
    subjects.extend(subject.people.iter().cloned());
    let mut evidence = vec![
        Evidence {
            entity_id: entry_id.clone(),
            note: format!(
                "{} {} \"{}\"{programs}: score {:.2}, matched \"{}\"; {}",
                entry.list,
                entry.id,
                entry.caption,
                m.score,
                m.matched_name,
                explanation.join("; ")
            ),
            record_id: first_record(store, &entry_id),
        },
        Evidence {
            entity_id: subject.id.clone(),
            note: "screened entity".into(),
            record_id: first_record(store, &subject.id),
        },
    ];
    for person in &subject.people {
        evidence.push(Evidence {
            entity_id: person.clone(),
            note: "paid to this account".into(),
            record_id: first_record(store, person),
        });
    }
    Finding {
        detector: "sanctions_screening".into(),
        subjects,
        severity,
        weight,
        reason: format!(
            "{} matches {} entry {} \"{}\"{programs} at {:.2} ({how})",
            subject.id, entry.list, entry.id, entry.caption, m.score
        ),
        evidence,
        key: format!("sanctions_screening:{}:{entry_id}", subject.id),
    }
}

impl Detector for SanctionsScreening {
    fn id(&self) -> &'static str {
        "sanctions_screening"
    }

    fn description(&self) -> &'static str {
        "Persons, organisations, payout accounts and wallets that match an entry of an ingested sanctions list"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let index = load_index(store)?;
        if index.entities().is_empty() {
            return Ok(Vec::new());
        }
        let options = Options {
            threshold: DEFAULT_THRESHOLD,
            limit: 5,
            ..Options::default()
        };
        let subjects = subjects(store)?;
        // Searching is the cost (a large world has 100,000 people): two threads share it;
        // findings are then built in order on this thread, which owns the store.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
        let chunk = subjects.len().div_ceil(threads).max(1);
        let matches: Vec<Vec<Match>> = std::thread::scope(|scope| {
            let workers: Vec<_> = subjects
                .chunks(chunk)
                .map(|part| {
                    let index = &index;
                    let options = &options;
                    scope.spawn(move || {
                        part.iter()
                            // A query the matcher refuses (an over-long name) is not a hit.
                            .map(|s| index.search(&s.query, options).unwrap_or_default())
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_default())
                .collect()
        });
        let mut findings = Vec::new();
        for (subject, hits) in subjects.iter().zip(&matches) {
            for m in hits {
                findings.push(finding(store, &index, subject, m));
            }
        }
        Ok(findings)
    }
}
