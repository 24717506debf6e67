//! Exports of a case for other tools: a STIX 2.1 bundle of its indicators (IPs, e-mail
//! addresses, wallets, identities) for threat-intel sharing, and FollowTheMoney JSON
//! lines of its entities for Aleph and OpenSanctions tools.
//!
//! [`html_to_pdf`] prints the HTML report with headless Chromium.
//!
//! The case's entities are its subjects, the entities its evidence names, and the
//! subjects' direct neighbours in the link graph.

use std::collections::BTreeSet;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use unmask_report::CaseDetail;
use unmask_store::{Store, StoreError};

/// Most neighbours taken per subject, so that a hub (a payroll company) does not pull
/// in the whole store.
const NEIGHBOURS_PER_SUBJECT: usize = 50;

/// Ids of the case's entities, sorted.
pub fn case_entities(store: &Store, detail: &CaseDetail) -> Result<Vec<String>, StoreError> {
    let mut ids = BTreeSet::new();
    for subject in &detail.subjects {
        ids.insert(subject.id.clone());
        if let Ok(entity) = store.entity(&subject.id) {
            for (_, other, _) in entity.links.iter().take(NEIGHBOURS_PER_SUBJECT) {
                ids.insert(other.clone());
            }
        }
    }
    for finding in &detail.findings {
        for evidence in &finding.evidence {
            ids.insert(evidence.entity_id.clone());
        }
    }
    Ok(ids.into_iter().collect())
}

/// A STIX identifier, stable for the same object: a name-based (version 5 style) UUID.
fn stix_id(kind: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("unmask|{kind}|{key}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{kind}--{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A STIX pattern string literal: backslashes and quotes escaped.
fn stix_literal(value: &str) -> String {
    value.replace('\\', "\\\\").replace('\'', "\\'")
}

/// The STIX 2.1 bundle of a case: an identity per person or organisation, an indicator
/// per IP address, e-mail address and wallet, and a report that refers to all of them.
pub fn stix_bundle(store: &Store, detail: &CaseDetail) -> Result<String, StoreError> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut objects = Vec::new();
    let mut refs = Vec::new();
    for id in case_entities(store, detail)? {
        let (prefix, value) = id.split_once(':').unwrap_or(("", id.as_str()));
        let entity = store.entity(&id).ok();
        let caption = entity
            .as_ref()
            .map_or(value.to_string(), |e| e.caption().to_string());
        let object = match prefix {
            "person" | "org" => json!({
                "type": "identity",
                "spec_version": "2.1",
                "id": stix_id("identity", &id),
                "created": now,
                "modified": now,
                "name": caption,
                "identity_class": if prefix == "person" { "individual" } else { "organization" },
                "external_references": [{"source_name": "unmask", "external_id": id}],
            }),
            "ip" | "email" | "wallet" => {
                let pattern = match prefix {
                    "ip" if value.contains(':') => {
                        format!("[ipv6-addr:value = '{}']", stix_literal(value))
                    }
                    "ip" => format!("[ipv4-addr:value = '{}']", stix_literal(value)),
                    "email" => format!("[email-addr:value = '{}']", stix_literal(value)),
                    _ => format!(
                        "[x-unmask-crypto-wallet:address = '{}']",
                        stix_literal(value.split_once(':').map_or(value, |(_, a)| a))
                    ),
                };
                json!({
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": stix_id("indicator", &id),
                    "created": now,
                    "modified": now,
                    "name": format!("{prefix} {value}"),
                    "indicator_types": ["malicious-activity"],
                    "pattern": pattern,
                    "pattern_type": "stix",
                    "valid_from": now,
                    "external_references": [{"source_name": "unmask", "external_id": id}],
                })
            }
            _ => continue,
        };
        refs.push(object["id"].clone());
        objects.push(object);
    }
    let description = detail
        .findings
        .iter()
        .filter(|f| !f.dismissed)
        .map(|f| f.reason.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let report = json!({
        "type": "report",
        "spec_version": "2.1",
        "id": stix_id("report", &detail.key),
        "created": now,
        "modified": now,
        "name": detail.title,
        "description": description,
        "report_types": ["threat-actor"],
        "published": now,
        "object_refs": if refs.is_empty() { vec![Value::String(stix_id("identity", "unmask"))] } else { refs },
        "external_references": [{"source_name": "unmask", "external_id": detail.key}],
    });
    objects.push(report);
    let bundle = json!({
        "type": "bundle",
        "id": stix_id("bundle", &format!("{}|{now}", detail.key)),
        "objects": objects,
    });
    Ok(serde_json::to_string_pretty(&bundle).unwrap_or_default())
}

/// Schemata of the store that FollowTheMoney also has.
const FTM_SCHEMATA: &[&str] = &[
    "Person",
    "Organization",
    "Company",
    "LegalEntity",
    "Payment",
    "CryptoWallet",
    "Identification",
    "Passport",
    "Employment",
    "Address",
    "BankAccount",
    "Document",
];

/// FollowTheMoney JSON lines: one `{id, schema, properties}` per entity of the case.
pub fn ftm_lines(store: &Store, detail: &CaseDetail) -> Result<String, StoreError> {
    let mut out = String::new();
    for id in case_entities(store, detail)? {
        let entity = match store.entity(&id) {
            Ok(entity) => entity,
            Err(StoreError::NotFound { .. }) => continue,
            Err(error) => return Err(error),
        };
        // Sign-in addresses, phones and devices are not FtM schemata; their values
        // already sit on the people as properties.
        let schema = entity.schema.as_str();
        if !FTM_SCHEMATA.contains(&schema) {
            continue;
        }
        let line = json!({
            "id": entity.id,
            "schema": schema,
            "properties": entity.properties,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    Ok(out)
}

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("no chromium, chromium-browser or google-chrome on PATH")]
    NoChromium,
    #[error("pdf: {0}")]
    Io(#[from] std::io::Error),
    #[error("chromium did not print the page (exit {0:?})")]
    Failed(Option<i32>),
}

/// The Chromium binary on PATH, if any.
pub fn chromium() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// Prints a self-contained HTML page to PDF with headless Chromium (no network: the
/// page has no external resources).
pub fn html_to_pdf(html: &str) -> Result<Vec<u8>, PdfError> {
    let binary = chromium().ok_or(PdfError::NoChromium)?;
    let dir = tempfile::tempdir()?;
    let page = dir.path().join("report.html");
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&page, html)?;
    let status = std::process::Command::new(binary)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()?;
    if !status.success() || !pdf.exists() {
        return Err(PdfError::Failed(status.code()));
    }
    Ok(std::fs::read(&pdf)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stix_ids_are_stable_uuids() {
        let a = stix_id("indicator", "ip:1.2.3.4");
        assert_eq!(a, stix_id("indicator", "ip:1.2.3.4"));
        assert_ne!(a, stix_id("indicator", "ip:1.2.3.5"));
        let uuid = a.strip_prefix("indicator--").unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "5");
    }

    #[test]
    fn quotes_in_patterns_are_escaped() {
        assert_eq!(stix_literal("a'b\\c"), "a\\'b\\\\c");
    }
}
