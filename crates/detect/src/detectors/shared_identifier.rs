//! `shared_identifier`: one identity attribute (national id, phone, personal e-mail,
//! photo, résumé, payout account, home address) used by several employees or
//! applicants, within or across companies. Stolen and synthetic identities reuse these; see
//! docs/detectors.md for weights and false-positive risks.

use std::collections::{BTreeMap, BTreeSet};

use unmask_model::{Evidence, Finding, Severity};
use unmask_store::Store;

use super::{is_applicant, mask, People};
use crate::{DetectError, Detector};

pub struct SharedIdentifier;

/// (link kind, what to call it, weight when shared, severity)
const KINDS: &[(&str, &str, f64, Severity)] = &[
    ("national_id", "national id", 0.6, Severity::High),
    ("photo", "profile photo", 0.5, Severity::High),
    ("payout_account", "payout account", 0.55, Severity::High),
    ("email", "e-mail address", 0.45, Severity::Medium),
    ("phone", "phone number", 0.4, Severity::Medium),
    ("resume", "résumé file", 0.35, Severity::Medium),
    ("home_address", "home address", 0.1, Severity::Low),
];

/// Homes shared by this many employees or more are unusual, not just a couple.
const CROWDED_HOME: usize = 4;

impl Detector for SharedIdentifier {
    fn id(&self) -> &'static str {
        "shared_identifier"
    }

    fn description(&self) -> &'static str {
        "One national id, phone, e-mail, photo, résumé, payout account or home address used by several employees or applicants"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let people = People::load(store)?;
        let mut homes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (person, address, _) in store.links_of_kind("home_address")? {
            homes.entry(person).or_default().insert(address);
        }
        // People who share a home are a household: a joint account or a family
        // phone is what households have.
        let one_household = |persons: &BTreeMap<String, i64>| {
            let mut common: Option<BTreeSet<String>> = None;
            for person in persons.keys() {
                let Some(theirs) = homes.get(person) else {
                    return false;
                };
                common = Some(match common {
                    None => theirs.clone(),
                    Some(so_far) => so_far.intersection(theirs).cloned().collect(),
                });
            }
            common.is_some_and(|c| !c.is_empty())
        };
        let mut findings = Vec::new();
        for &(kind, noun, base_weight, severity) in KINDS {
            // identifier -> person -> first record proving the link
            let mut users: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
            for (person, identifier, record) in store.links_of_kind(kind)? {
                if person.starts_with("person:") {
                    users
                        .entry(identifier)
                        .or_default()
                        .entry(person)
                        .or_insert(record);
                }
            }
            for (identifier, persons) in users {
                if persons.len() < 2 {
                    continue;
                }
                let companies: BTreeSet<&str> = persons.keys().map(|p| people.company(p)).collect();
                let names: BTreeSet<String> = persons
                    .keys()
                    .map(|p| people.name(p).to_lowercase())
                    .collect();
                let household = kind != "home_address" && one_household(&persons);
                // One name across applications (and at most one hire): one candidate
                // who applied more than once, as themselves.
                let employees = persons.keys().filter(|p| !is_applicant(p)).count();
                let one_candidate = names.len() == 1 && employees < persons.len() && employees <= 1;
                let (weight, severity) = if kind == "home_address" && persons.len() >= CROWDED_HOME
                {
                    (0.3, Severity::Medium)
                } else if one_candidate {
                    (0.05, Severity::Low)
                } else if household {
                    (0.1, Severity::Low)
                } else {
                    (base_weight, severity)
                };
                let shown = display_identifier(store, &identifier, kind)?;
                let who: Vec<String> = persons.keys().map(|p| people.label(p)).collect();
                let applicants = persons.keys().filter(|p| is_applicant(p)).count();
                let who_counts = match applicants {
                    0 => format!("{} employees", persons.len()),
                    n if n == persons.len() => format!("{n} applicants"),
                    n => format!(
                        "{} people ({} employee{}, {n} applicant{})",
                        persons.len(),
                        persons.len() - n,
                        if persons.len() - n == 1 { "" } else { "s" },
                        if n == 1 { "" } else { "s" }
                    ),
                };
                let reason = format!(
                    "The same {noun} ({shown}) is used by {who_counts}{}{}: {}",
                    if companies.len() > 1 {
                        format!(" at {} companies", companies.len())
                    } else {
                        String::new()
                    },
                    if names.len() > 1 {
                        format!(" under {} different names", names.len())
                    } else {
                        String::new()
                    },
                    who.join(", ")
                ) + if one_candidate {
                    " (one name: likely one candidate who applied more than once)"
                } else if household {
                    " (they share a home: likely one household)"
                } else {
                    ""
                };
                let evidence = persons
                    .iter()
                    .map(|(person, record)| Evidence {
                        entity_id: person.clone(),
                        note: format!("{} lists this {noun}", people.label(person)),
                        record_id: Some(*record),
                    })
                    .collect();
                let mut subjects = vec![identifier.clone()];
                subjects.extend(persons.keys().cloned());
                findings.push(Finding {
                    detector: self.id().to_string(),
                    key: format!("{}:{kind}:{identifier}", self.id()),
                    subjects,
                    severity,
                    weight,
                    reason,
                    evidence,
                });
            }
        }
        Ok(findings)
    }
}

/// How the identifier appears in a reason: masked where it is a secret-ish number.
fn display_identifier(store: &Store, id: &str, kind: &str) -> Result<String, DetectError> {
    let entity = store.entity(id)?;
    let value = entity.caption().to_string();
    Ok(match kind {
        "national_id" | "payout_account" => mask(&value, 4),
        "photo" | "resume" => value.chars().take(12).collect::<String>() + "…",
        _ => value,
    })
}
