//! The shapes every stage of unmask shares.
//!
//! Data flows one way: a *source* turns a file into [`Parsed`] records (entities and
//! links in a FollowTheMoney-like shape), the store keeps them with their
//! [`Provenance`], *detectors* read the store and write [`Finding`]s, and findings
//! are grouped into cases. Nothing here does I/O.

pub mod entity;
pub mod event;
pub mod finding;
pub mod normalize;

pub use entity::{EntityFragment, LinkFragment, Parsed, Provenance};
pub use event::{AuthEvent, EndpointRow, Event, Transfer};
pub use finding::{Evidence, Finding, Severity};

/// Hex SHA-256 of some bytes: content hashes of files and records, stable ids.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// A short stable id fragment (first 16 hex digits of SHA-256) for ids built from values.
pub fn short_hash(value: &str) -> String {
    let mut full = sha256_hex(value.as_bytes());
    full.truncate(16);
    full
}
