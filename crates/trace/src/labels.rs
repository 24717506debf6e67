//! Address labels: what an address is. They live in the store as properties of the
//! `CryptoWallet` entity `wallet:{normalized address}` (`category`, `label`,
//! `actor`, `abuse`, `confidence`, `currency`, `labelSource`), written by the
//! TagPack and OFAC-list ingest formats and by `unmask label add`; no table of their
//! own, so a labelled wallet, a payroll wallet and a traced wallet are one entity.
//!
//! Categories follow GraphSense's taxonomy; [`Service`] groups the ones tracing
//! stops at.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use unmask_store::{Store, StoreError};

/// The services a trace can stop at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    Exchange,
    Mixer,
    Bridge,
    Dex,
    Otc,
    Sanctioned,
}

impl Service {
    /// The service a GraphSense category (or abuse) stands for.
    pub fn of_category(category: &str) -> Option<Service> {
        Some(match category {
            "exchange" | "exchange_deposit" => Service::Exchange,
            "mixing_service" | "mixer" | "coinjoin" => Service::Mixer,
            "defi_bridge" | "bridge" => Service::Bridge,
            "defi_dex" | "dex" => Service::Dex,
            "otc" | "otc_broker" => Service::Otc,
            "sanction" | "sanctioned" => Service::Sanctioned,
            _ => return None,
        })
    }

    /// Parses a `--stop-at` word.
    pub fn parse(word: &str) -> Option<Service> {
        Service::of_category(&word.trim().to_lowercase())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Service::Exchange => "exchange",
            Service::Mixer => "mixer",
            Service::Bridge => "bridge",
            Service::Dex => "dex",
            Service::Otc => "otc",
            Service::Sanctioned => "sanctioned",
        }
    }
}

/// Everything known about one address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AddressLabel {
    pub address: String,
    pub labels: BTreeSet<String>,
    pub categories: BTreeSet<String>,
    pub abuse: BTreeSet<String>,
    pub actors: BTreeSet<String>,
    pub sources: BTreeSet<String>,
}

impl AddressLabel {
    pub fn services(&self) -> BTreeSet<Service> {
        self.categories
            .iter()
            .chain(&self.abuse)
            .filter_map(|c| Service::of_category(c))
            .collect()
    }

    pub fn is(&self, service: Service) -> bool {
        self.services().contains(&service)
    }

    /// A short display name: the first label, else the first category.
    pub fn name(&self) -> String {
        self.labels
            .iter()
            .next()
            .or(self.categories.iter().next())
            .cloned()
            .unwrap_or_default()
    }
}

/// All labelled addresses, keyed by normalized address.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    pub by_address: BTreeMap<String, AddressLabel>,
}

impl Labels {
    /// Reads every wallet label in the store.
    pub fn load(store: &Store) -> Result<Labels, StoreError> {
        let mut labels = Labels::default();
        for (prop, pick) in [
            ("category", 0),
            ("label", 1),
            ("abuse", 2),
            ("actor", 3),
            ("labelSource", 4),
        ] {
            for (entity, value) in store.property_values(prop)? {
                let Some(address) = entity.strip_prefix("wallet:") else {
                    continue;
                };
                let label = labels
                    .by_address
                    .entry(address.to_string())
                    .or_insert_with(|| AddressLabel {
                        address: address.to_string(),
                        ..AddressLabel::default()
                    });
                let set = match pick {
                    0 => &mut label.categories,
                    1 => &mut label.labels,
                    2 => &mut label.abuse,
                    3 => &mut label.actors,
                    _ => &mut label.sources,
                };
                set.insert(value);
            }
        }
        // Payroll wallets carry no label properties; an address with only a
        // source and nothing else is not a label either.
        labels
            .by_address
            .retain(|_, l| !(l.categories.is_empty() && l.labels.is_empty() && l.abuse.is_empty()));
        Ok(labels)
    }

    pub fn get(&self, address: &str) -> Option<&AddressLabel> {
        self.by_address.get(address)
    }

    pub fn insert(&mut self, label: AddressLabel) {
        self.by_address.insert(label.address.clone(), label);
    }

    pub fn len(&self) -> usize {
        self.by_address.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_address.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_map_to_services() {
        assert_eq!(Service::of_category("mixing_service"), Some(Service::Mixer));
        assert_eq!(Service::of_category("defi_bridge"), Some(Service::Bridge));
        assert_eq!(Service::parse("Exchange"), Some(Service::Exchange));
        assert_eq!(Service::of_category("user"), None);
        let label = AddressLabel {
            abuse: ["sanction".to_string()].into(),
            categories: ["user".to_string()].into(),
            ..AddressLabel::default()
        };
        assert!(label.is(Service::Sanctioned));
    }
}
