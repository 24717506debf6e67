//! Findings: what a detector concluded, how much it weighs, and the records behind it.

use serde::{Deserialize, Serialize};

/// How bad a finding is on its own. Severity is for people; `weight` is for scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Some(match text {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }
}

/// One piece of evidence: an entity and, where known, the source record that shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The entity this evidence is about.
    pub entity_id: String,
    /// A short description of what this evidence shows.
    pub note: String,
    /// Store id of the source record, resolved to file and line when shown.
    pub record_id: Option<i64>,
}

/// A detector's conclusion about one or more subjects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Id of the detector that produced it (see docs/detectors.md).
    pub detector: String,
    /// The entities this finding is about; a case groups findings that share subjects.
    pub subjects: Vec<String>,
    pub severity: Severity,
    /// Strength of the signal in (0, 1]: a case score combines the weights of
    /// independent findings, so one weak signal never makes a high-risk case.
    pub weight: f64,
    /// One sentence in plain words.
    pub reason: String,
    pub evidence: Vec<Evidence>,
    /// A key that identifies the same finding across runs, so analyst decisions stick.
    pub key: String,
}
