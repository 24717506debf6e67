//! Entities and links in a FollowTheMoney-like shape: a `schema` plus multi-valued
//! string properties. Sources emit fragments; the store merges fragments that share
//! an id, so the same person seen in three files is one entity with three sources.

use serde::{Deserialize, Serialize};

/// Part of an entity, as one record describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityFragment {
    /// Stable id derived from the organisation's own identifiers, e.g.
    /// `person:acme:E001` or `wallet:0xabc...`, so that re-ingesting is idempotent and
    /// other tools can join on it.
    pub id: String,
    /// FollowTheMoney-style schema: Person, Organization, Address, Phone, Email,
    /// BankAccount, CryptoWallet, Device, IpAddress, Payment, Employment, Shipment...
    pub schema: String,
    /// Multi-valued properties as (name, value) pairs.
    pub properties: Vec<(String, String)>,
}

impl EntityFragment {
    pub fn new(id: impl Into<String>, schema: &str) -> Self {
        EntityFragment {
            id: id.into(),
            schema: schema.to_string(),
            properties: Vec::new(),
        }
    }

    /// Adds a property value; empty values are not properties.
    pub fn prop(&mut self, name: &str, value: impl AsRef<str>) -> &mut Self {
        let value = value.as_ref().trim();
        if !value.is_empty() {
            self.properties.push((name.to_string(), value.to_string()));
        }
        self
    }

    /// The first value of a property, if any.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A directed relation between two entities, e.g. a person's `home_address`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkFragment {
    pub source: String,
    pub target: String,
    pub kind: String,
}

impl LinkFragment {
    pub fn new(source: &str, target: &str, kind: &str) -> Self {
        LinkFragment {
            source: source.to_string(),
            target: target.to_string(),
            kind: kind.to_string(),
        }
    }
}

/// What one source record says, once parsed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub entities: Vec<EntityFragment>,
    pub links: Vec<LinkFragment>,
    /// Bulk facts (sign-ins, endpoint rows, transfers) kept in their own tables.
    pub events: Vec<crate::Event>,
}

/// Where a record came from: enough to show an analyst the original line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub path: String,
    /// 1-based line of the record's first line in the file.
    pub line: u64,
    pub byte_offset: u64,
    /// SHA-256 of the file the record was read from.
    pub file_hash: String,
    pub run_id: i64,
}
