//! The workforce detectors, one file each; `crate::detectors()` lists them.

mod foreign_egress;
mod impossible_travel;
mod ip_kvm;
mod payroll_changes;
mod remote_access;
mod shared_egress;
mod vpn_egress;
mod working_hours;

pub use foreign_egress::ForeignEgress;
pub use impossible_travel::ImpossibleTravel;
pub use ip_kvm::{classify as classify_usb, IpKvm};
pub use payroll_changes::PayrollChanges;
pub use remote_access::RemoteAccess;
pub use shared_egress::SharedEgress;
pub use vpn_egress::VpnEgress;
pub use working_hours::WorkingHours;

use unmask_model::{Evidence, Finding, Severity};

use crate::signins::{Shared, SignIn};

/// How a sign-in's network is classed by the egress rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Egress {
    Astrill,
    ConsumerVpn,
    Hosting,
    Corporate,
    Plain,
}

pub(crate) fn egress(shared: &Shared, sign_in: &SignIn) -> (Egress, Option<&'static str>) {
    match shared.egress_rule(sign_in) {
        Some(rule) => (
            match rule.class {
                "astrill" => Egress::Astrill,
                "consumer_vpn" => Egress::ConsumerVpn,
                "hosting" => Egress::Hosting,
                _ => Egress::Corporate,
            },
            Some(rule.name),
        ),
        None => (Egress::Plain, None),
    }
}

/// Up to `n` evidence items for sign-ins.
pub(crate) fn sign_in_evidence<'a>(
    person: &str,
    items: impl Iterator<Item = &'a SignIn>,
    note: impl Fn(&SignIn) -> String,
    n: usize,
) -> Vec<Evidence> {
    items
        .take(n)
        .map(|sign_in| Evidence {
            entity_id: person.to_string(),
            note: note(sign_in),
            record_id: Some(sign_in.record_id),
        })
        .collect()
}

pub(crate) fn utc(time_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(time_ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| time_ms.to_string())
}

pub(crate) struct NewFinding<'a> {
    pub detector: &'a str,
    pub key: String,
    pub subjects: Vec<String>,
    pub severity: Severity,
    pub weight: f64,
    pub reason: String,
    pub evidence: Vec<Evidence>,
}

impl From<NewFinding<'_>> for Finding {
    fn from(new: NewFinding<'_>) -> Finding {
        Finding {
            detector: new.detector.to_string(),
            key: format!("{}:{}", new.detector, new.key),
            subjects: new.subjects,
            severity: new.severity,
            weight: new.weight,
            reason: new.reason,
            evidence: new.evidence,
        }
    }
}

pub(crate) fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}
