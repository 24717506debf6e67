//! `remote_access`: unsanctioned remote-access tools (AnyDesk, TeamViewer, Chrome
//! Remote Desktop, RustDesk...) and keep-awake tools or mouse jigglers installed or
//! running on an employee's corporate device. IT staff are allowlisted: they run
//! these tools for a living.

use std::collections::{BTreeMap, BTreeSet};

use unmask_detect::{DetectError, Detector};
use unmask_model::{Evidence, Finding, Severity};
use unmask_store::Store;

use super::NewFinding;
use crate::rules::rules;
use crate::signins::shared;

pub struct RemoteAccess;

/// One endpoint row: (record id, host, columns).
pub(crate) type EndpointRow = (i64, String, Vec<(String, String)>);

/// Endpoint rows of some tables.
pub(crate) fn endpoint_rows(
    store: &Store,
    tables: &[&str],
) -> Result<Vec<EndpointRow>, DetectError> {
    let placeholders = vec!["?"; tables.len()].join(",");
    let mut statement = store.conn().prepare(&format!(
        "SELECT record_id, host, columns FROM endpoint_rows WHERE query_table IN ({placeholders}) ORDER BY record_id, row_index"
    )).map_err(unmask_store::StoreError::from)?;
    let rows = statement
        .query_map(rusqlite::params_from_iter(tables.iter()), |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })
        .map_err(unmask_store::StoreError::from)?;
    let mut out = Vec::new();
    for row in rows {
        let (record, host, columns) = row.map_err(unmask_store::StoreError::from)?;
        let columns: Vec<(String, String)> = serde_json::from_str(&columns).unwrap_or_default();
        out.push((record, host, columns));
    }
    Ok(out)
}

pub(crate) fn column<'a>(columns: &'a [(String, String)], name: &str) -> &'a str {
    columns
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .unwrap_or("")
}

impl Detector for RemoteAccess {
    fn id(&self) -> &'static str {
        "remote_access"
    }

    fn description(&self) -> &'static str {
        "Unsanctioned remote-access tools, keep-awake tools and mouse jigglers on corporate devices (IT staff allowlisted)"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let shared = shared(store)?;
        let rules = rules();
        // (subject, kind) -> tool -> first record
        let mut found: BTreeMap<(String, &'static str), BTreeMap<&'static str, i64>> =
            BTreeMap::new();
        let mut labels: BTreeMap<String, String> = BTreeMap::new();
        for (record, host, columns) in endpoint_rows(store, &["programs", "processes"])? {
            let text = format!(
                "{} {} {}",
                column(&columns, "name"),
                column(&columns, "path"),
                column(&columns, "install_location")
            );
            let Some(tool) = rules.tool(&text) else {
                continue;
            };
            let subject = match shared.roster.by_hostname(&host) {
                Some(index) => {
                    let employee = &shared.roster.employees[index];
                    if employee.is_it_staff() {
                        continue;
                    }
                    labels.insert(
                        employee.id.clone(),
                        format!("{} on {host}", employee.label()),
                    );
                    employee.id.clone()
                }
                None => {
                    labels.insert(format!("host:{host}"), format!("unassigned device {host}"));
                    format!("host:{host}")
                }
            };
            found
                .entry((subject, tool.kind))
                .or_default()
                .entry(tool.name)
                .or_insert(record);
        }
        let mut findings = Vec::new();
        for ((subject, kind), tools) in found {
            let names: BTreeSet<&str> = tools.keys().copied().collect();
            let names: Vec<&str> = names.into_iter().collect();
            let label = labels.get(&subject).cloned().unwrap_or_default();
            let (weight, severity, what) = if kind == "remote" {
                (
                    if tools.len() >= 2 { 0.35 } else { 0.3 },
                    Severity::Medium,
                    "remote-access tool",
                )
            } else {
                (0.15, Severity::Low, "keep-awake tool or mouse jiggler")
            };
            findings.push(
                NewFinding {
                    detector: self.id(),
                    key: format!("{kind}:{subject}"),
                    subjects: vec![subject.clone()],
                    severity,
                    weight,
                    reason: format!(
                        "Unsanctioned {what} on the corporate device of {label}: {}",
                        names.join(", ")
                    ),
                    evidence: tools
                        .iter()
                        .map(|(tool, record)| Evidence {
                            entity_id: subject.clone(),
                            note: format!("{tool} seen by osquery"),
                            record_id: Some(*record),
                        })
                        .collect(),
                }
                .into(),
            );
        }
        Ok(findings)
    }
}
