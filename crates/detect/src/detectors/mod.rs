//! Built-in detectors of the foundation: identity attributes shared between
//! employees, and laptops shipped to addresses that are not the employee's home.
//! Each is one file; the `unmask` binary's registry lists them.

mod sanctions_screening;
mod shared_identifier;
mod shipping_address;

use std::collections::HashMap;

use unmask_store::{Store, StoreError};

pub use sanctions_screening::SanctionsScreening;
pub use shared_identifier::SharedIdentifier;
pub use shipping_address::ShippingAddress;

/// Names and employers of every person, loaded once per detector run.
pub(crate) struct People {
    names: HashMap<String, String>,
    companies: HashMap<String, String>,
}

impl People {
    pub(crate) fn load(store: &Store) -> Result<People, StoreError> {
        let mut names = HashMap::new();
        for (id, name) in store.property_values("name")? {
            if id.starts_with("person:") {
                names.entry(id).or_insert(name);
            }
        }
        let mut companies = HashMap::new();
        for (id, company) in store.property_values("companyId")? {
            if id.starts_with("person:") {
                companies.entry(id).or_insert(company);
            }
        }
        Ok(People { names, companies })
    }

    pub(crate) fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map(String::as_str).unwrap_or(id)
    }

    pub(crate) fn company<'a>(&'a self, id: &'a str) -> &'a str {
        self.companies.get(id).map(String::as_str).unwrap_or("?")
    }

    /// "Jane Roe (acme)", "Jin Park (acme, applicant)"
    pub(crate) fn label(&self, id: &str) -> String {
        if is_applicant(id) {
            format!("{} ({}, applicant)", self.name(id), self.company(id))
        } else {
            format!("{} ({})", self.name(id), self.company(id))
        }
    }
}

/// Whether a person id names an applicant who was not hired (applicants.csv).
pub(crate) fn is_applicant(id: &str) -> bool {
    id.starts_with("person:") && id.contains(":applicant:")
}

/// Masks all but the last characters of an identifier shown in a reason.
pub(crate) fn mask(value: &str, visible: usize) -> String {
    let count = value.chars().count();
    if count <= visible {
        return value.to_string();
    }
    let hidden = "•".repeat(count - visible);
    let tail: String = value.chars().skip(count - visible).collect();
    format!("{hidden}{tail}")
}
