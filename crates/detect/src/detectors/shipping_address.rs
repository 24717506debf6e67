//! `shipping_address`: corporate devices shipped to an address that is not the
//! employee's home. One such shipment is weak (people move, travel, use a parcel
//! locker); one address receiving the laptops of several employees who do not live
//! there, especially of different employers, is the mark of a laptop farm. A
//! shipment to a package or freight forwarder (`data/forwarders.tsv`) is a signal of
//! its own: the laptop is on its way abroad under someone else's address.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use unmask_model::{Evidence, Finding, Severity};
use unmask_store::Store;

use super::People;
use crate::{DetectError, Detector};

pub struct ShippingAddress;

const FORWARDERS: &str = include_str!("../../data/forwarders.tsv");

/// (display name, whole-word patterns in the normalized address)
fn forwarders() -> Vec<(&'static str, Vec<&'static str>)> {
    FORWARDERS
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let (name, patterns) = line.split_once('\t')?;
            let patterns: Vec<&str> = patterns
                .split('|')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            (!patterns.is_empty()).then_some((name.trim(), patterns))
        })
        .collect()
}

/// The forwarder an address belongs to, by its normalized form's words.
fn forwarder(address: &str) -> Option<&'static str> {
    let normalized = unmask_model::normalize::address(address)?;
    let padded = format!(" {normalized} ");
    forwarders()
        .into_iter()
        .find(|(_, patterns)| {
            patterns
                .iter()
                .any(|pattern| padded.contains(&format!(" {pattern} ")))
        })
        .map(|(name, _)| name)
}

impl Detector for ShippingAddress {
    fn id(&self) -> &'static str {
        "shipping_address"
    }

    fn description(&self) -> &'static str {
        "Devices shipped to an address other than the employee's home; one address receiving several employees' devices"
    }

    fn forms_clusters(&self) -> bool {
        true
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let people = People::load(store)?;
        let mut homes: HashMap<String, BTreeSet<String>> = HashMap::new();
        for (person, address, _) in store.links_of_kind("home_address")? {
            homes.entry(person).or_default().insert(address);
        }
        let mut shipment_address: HashMap<String, (String, i64)> = HashMap::new();
        for (shipment, address, record) in store.links_of_kind("shipped_to")? {
            if shipment.starts_with("shipment:") {
                shipment_address.insert(shipment, (address, record));
            }
        }
        // address -> person -> record of the shipment (only people who don't live there)
        let mut away: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        for (shipment, person, _) in store.links_of_kind("for_employee")? {
            let Some((address, record)) = shipment_address.get(&shipment) else {
                continue;
            };
            let lives_there = homes.get(&person).is_some_and(|h| h.contains(address));
            if !lives_there {
                away.entry(address.clone())
                    .or_default()
                    .entry(person)
                    .or_insert(*record);
            }
        }
        let mut findings = Vec::new();
        for (address, persons) in away {
            let place = store.entity(&address)?.caption().to_string();
            let forwarded = forwarder(&place);
            let via = forwarded
                .map(|name| format!(", a package or freight forwarder ({name})"))
                .unwrap_or_default();
            let companies: BTreeSet<&str> = persons.keys().map(|p| people.company(p)).collect();
            let evidence: Vec<Evidence> = persons
                .iter()
                .map(|(person, record)| Evidence {
                    entity_id: person.clone(),
                    note: format!(
                        "device for {} shipped here, not to their home",
                        people.label(person)
                    ),
                    record_id: Some(*record),
                })
                .collect();
            let mut subjects = vec![address.clone()];
            subjects.extend(persons.keys().cloned());
            let (weight, severity, reason) = if persons.len() >= 2 {
                let weight =
                    (0.45 + 0.1 * companies.len() as f64 + 0.05 * persons.len() as f64).min(0.9);
                let severity = if companies.len() >= 2 {
                    Severity::Critical
                } else {
                    Severity::High
                };
                let who: Vec<String> = persons.keys().map(|p| people.label(p)).collect();
                (
                    weight,
                    severity,
                    format!(
                        "Possible laptop farm: {} employees of {} compan{} had their devices shipped to {place}{via}, which is none of their homes: {}",
                        persons.len(),
                        companies.len(),
                        if companies.len() == 1 { "y" } else { "ies" },
                        who.join(", ")
                    ),
                )
            } else {
                let person = persons
                    .keys()
                    .next()
                    .map(String::as_str)
                    .unwrap_or_default();
                let (weight, severity) = if forwarded.is_some() {
                    (0.35, Severity::Medium)
                } else {
                    (0.2, Severity::Low)
                };
                (
                    weight,
                    severity,
                    format!(
                        "The device of {} was shipped to {place}{via}, not to their home address",
                        people.label(person)
                    ),
                )
            };
            findings.push(Finding {
                detector: self.id().to_string(),
                key: format!("{}:{address}", self.id()),
                subjects,
                severity,
                weight,
                reason,
                evidence,
            });
        }
        Ok(findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forwarder_list_parses_and_matches_whole_words() {
        assert!(forwarders().len() >= 10);
        assert_eq!(
            forwarder("1101 Example Ave, Suite SH-4432, c/o Shipito, Torrance, CA 90501"),
            Some("Shipito")
        );
        assert_eq!(
            forwarder("Planet Express, 2545 W 237th St Ste K, Torrance CA 90505"),
            Some("Planet Express")
        );
        assert_eq!(forwarder("12 Museum Lane, Austin, TX"), None);
        assert_eq!(forwarder("400 Reshipment Rd, Dover, DE"), None);
        assert_eq!(forwarder("8797 Highland Dr, Tampa, FL 33610"), None);
    }
}
