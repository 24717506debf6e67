//! Findings, cases and analysts' decisions.
//!
//! Each `detect` run replaces the findings and recomputes the cases. Findings and
//! cases have stable keys, so a decision an analyst made (dismissed, confirmed) is
//! found again on the next run and applied to the new finding with the same key.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use unmask_model::{Evidence, Finding, Severity};

use crate::{now, Result, Store, StoreError};

/// A case about to be saved by a detect run.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub key: String,
    pub title: String,
    pub subjects: Vec<String>,
    pub score: f64,
    pub finding_ids: Vec<i64>,
}

/// A stored finding.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    pub id: i64,
    pub key: String,
    pub detector: String,
    pub severity: Severity,
    pub weight: f64,
    pub reason: String,
    pub subjects: Vec<String>,
    pub evidence: Vec<Evidence>,
    /// The latest analyst decision on this finding, if any.
    pub decision: Option<Decision>,
}

/// A case in the ranked list.
#[derive(Debug, Clone, Serialize)]
pub struct CaseSummary {
    pub id: i64,
    pub key: String,
    pub title: String,
    pub score: f64,
    pub status: String,
    pub subjects: Vec<String>,
    pub finding_count: u64,
}

/// One case with its findings.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRow {
    #[serde(flatten)]
    pub summary: CaseSummary,
    pub findings: Vec<FindingRow>,
    pub decisions: Vec<Decision>,
}

/// An analyst's decision, kept with who and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub target_kind: String,
    pub target_key: String,
    pub decision: String,
    pub reason: String,
    pub decided_by: String,
    pub decided_at: String,
}

impl Store {
    pub fn begin_detect(&self, detectors: &[&str]) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO detect_runs (started_at, detectors) VALUES (?1, ?2)",
            (now(), detectors.join(",")),
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Replaces all findings with this run's; returns their ids in input order.
    pub fn replace_findings(&mut self, run_id: i64, findings: &[Finding]) -> Result<Vec<i64>> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM case_findings", [])?;
        tx.execute("DELETE FROM findings", [])?;
        let mut ids = Vec::with_capacity(findings.len());
        {
            let mut insert = tx.prepare(
                "INSERT INTO findings (detect_run, detector, key, severity, weight, reason, subjects, evidence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(key) DO UPDATE SET weight = MAX(weight, excluded.weight)
                 RETURNING id",
            )?;
            for finding in findings {
                let subjects = to_json(&finding.subjects)?;
                let evidence = to_json(&finding.evidence)?;
                let id: i64 = insert.query_row(
                    params![
                        run_id,
                        finding.detector,
                        finding.key,
                        finding.severity.as_str(),
                        finding.weight,
                        finding.reason,
                        subjects,
                        evidence
                    ],
                    |row| row.get(0),
                )?;
                ids.push(id);
            }
        }
        tx.execute(
            "UPDATE detect_runs SET finished_at = ?1 WHERE id = ?2",
            (now(), run_id),
        )?;
        tx.commit()?;
        Ok(ids)
    }

    /// Saves this run's cases; cases of earlier runs that no longer arise are kept
    /// (decisions refer to them) but marked inactive.
    pub fn save_cases(&mut self, cases: &[NewCase]) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("UPDATE cases SET active = 0", [])?;
        {
            let mut upsert = tx.prepare(
                "INSERT INTO cases (key, title, subjects, score, status, active, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'open', 1, ?5)
                 ON CONFLICT(key) DO UPDATE SET title = excluded.title, subjects = excluded.subjects,
                     score = excluded.score, active = 1, updated_at = excluded.updated_at
                 RETURNING id",
            )?;
            let mut member = tx.prepare(
                "INSERT INTO case_findings (case_id, finding_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?;
            let stamp = now();
            for case in cases {
                let id: i64 = upsert.query_row(
                    params![
                        case.key,
                        case.title,
                        to_json(&case.subjects)?,
                        case.score,
                        stamp
                    ],
                    |row| row.get(0),
                )?;
                for finding_id in &case.finding_ids {
                    member.execute((id, finding_id))?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Active cases, highest score first.
    pub fn cases(&self, limit: usize) -> Result<Vec<CaseSummary>> {
        let mut statement = self.conn.prepare(
            "SELECT c.id, c.key, c.title, c.score, c.status, c.subjects,
                    (SELECT COUNT(*) FROM case_findings cf WHERE cf.case_id = c.id)
             FROM cases c WHERE c.active = 1 ORDER BY c.score DESC, c.id LIMIT ?1",
        )?;
        let rows = statement.query_map([limit as i64], case_summary)?;
        let mut cases = Vec::new();
        for row in rows {
            cases.push(row??);
        }
        Ok(cases)
    }

    pub fn case(&self, id: i64) -> Result<CaseRow> {
        let summary = self
            .conn
            .query_row(
                "SELECT c.id, c.key, c.title, c.score, c.status, c.subjects,
                        (SELECT COUNT(*) FROM case_findings cf WHERE cf.case_id = c.id)
                 FROM cases c WHERE c.id = ?1",
                [id],
                case_summary,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "case",
                id: id.to_string(),
            })??;
        let latest = self.latest_decisions()?;
        let mut statement = self.conn.prepare(
            "SELECT f.id, f.key, f.detector, f.severity, f.weight, f.reason, f.subjects, f.evidence
             FROM findings f JOIN case_findings cf ON cf.finding_id = f.id
             WHERE cf.case_id = ?1 ORDER BY f.weight DESC, f.id",
        )?;
        let rows = statement.query_map([id], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, f64>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, String>(6)?,
                row.get::<_, String>(7)?,
            ))
        })?;
        let mut findings = Vec::new();
        for row in rows {
            let (id, key, detector, severity, weight, reason, subjects, evidence) = row?;
            let decision = latest.get(&("finding".to_string(), key.clone())).cloned();
            findings.push(FindingRow {
                id,
                severity: Severity::parse(&severity).unwrap_or(Severity::Info),
                key,
                detector,
                weight,
                reason,
                subjects: from_json(&subjects, "finding subjects")?,
                evidence: from_json(&evidence, "finding evidence")?,
                decision,
            });
        }
        let decisions = self.decisions_for(&summary.key, &findings)?;
        Ok(CaseRow {
            summary,
            findings,
            decisions,
        })
    }

    /// Records an analyst's decision on a case or a finding, and applies it to the
    /// case's status straight away.
    pub fn decide(
        &self,
        target_kind: &str,
        target_key: &str,
        decision: &str,
        reason: &str,
        decided_by: &str,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO decisions (target_kind, target_key, decision, reason, decided_by, decided_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (target_kind, target_key, decision, reason, decided_by, now()),
        )?;
        if target_kind == "case" {
            let status = if decision == "reopened" {
                "open"
            } else {
                decision
            };
            self.conn.execute(
                "UPDATE cases SET status = ?1 WHERE key = ?2",
                (status, target_key),
            )?;
        }
        Ok(())
    }

    /// The latest decision per (kind, key).
    pub fn latest_decisions(&self) -> Result<HashMap<(String, String), Decision>> {
        let mut statement = self.conn.prepare(
            "SELECT target_kind, target_key, decision, reason, decided_by, decided_at
             FROM decisions ORDER BY id",
        )?;
        let mut latest = HashMap::new();
        for row in statement.query_map([], decision_row)? {
            let decision = row?;
            latest.insert(
                (decision.target_kind.clone(), decision.target_key.clone()),
                decision,
            );
        }
        Ok(latest)
    }

    fn decisions_for(&self, case_key: &str, findings: &[FindingRow]) -> Result<Vec<Decision>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT target_kind, target_key, decision, reason, decided_by, decided_at
             FROM decisions WHERE target_kind = ?1 AND target_key = ?2 ORDER BY id",
        )?;
        let mut all = Vec::new();
        let targets = std::iter::once(("case", case_key))
            .chain(findings.iter().map(|f| ("finding", f.key.as_str())));
        for (kind, key) in targets {
            for row in statement.query_map((kind, key), decision_row)? {
                all.push(row?);
            }
        }
        all.sort_by(|a, b| a.decided_at.cmp(&b.decided_at));
        Ok(all)
    }

    /// The key of a case, by id.
    pub fn case_key(&self, id: i64) -> Result<String> {
        self.conn
            .query_row("SELECT key FROM cases WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "case",
                id: id.to_string(),
            })
    }
}

type CaseResult = Result<CaseSummary>;

fn case_summary(row: &rusqlite::Row<'_>) -> rusqlite::Result<CaseResult> {
    let subjects: String = row.get(5)?;
    let summary = CaseSummary {
        id: row.get(0)?,
        key: row.get(1)?,
        title: row.get(2)?,
        score: row.get(3)?,
        status: row.get(4)?,
        subjects: Vec::new(),
        finding_count: row.get::<_, i64>(6)? as u64,
    };
    Ok(
        from_json(&subjects, "case subjects").map(|subjects| CaseSummary {
            subjects,
            ..summary
        }),
    )
}

fn decision_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Decision> {
    Ok(Decision {
        target_kind: row.get(0)?,
        target_key: row.get(1)?,
        decision: row.get(2)?,
        reason: row.get(3)?,
        decided_by: row.get(4)?,
        decided_at: row.get(5)?,
    })
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|source| StoreError::Json {
        what: "encoding",
        source,
    })
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str, what: &'static str) -> Result<T> {
    serde_json::from_str(text).map_err(|source| StoreError::Json { what, source })
}
