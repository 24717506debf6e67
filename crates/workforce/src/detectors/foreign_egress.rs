//! `foreign_egress`: successful sign-ins from China, Russia or North Korea (not via
//! a VPN exit), or persistently from a country other than the one the employee
//! claims. A trip abroad (a few weeks at most) is not a signal.

use std::collections::BTreeMap;

use unmask_detect::{DetectError, Detector};
use unmask_model::{Finding, Severity};
use unmask_store::Store;

use super::{egress, percent, sign_in_evidence, utc, Egress, NewFinding};
use crate::rules::rules;
use crate::signins::shared;

pub struct ForeignEgress;

/// Longer than this abroad is not a trip.
const TRIP_DAYS: f64 = 21.0;
/// And this share of sign-ins from abroad is not incidental.
const FOREIGN_SHARE: f64 = 0.3;

impl Detector for ForeignEgress {
    fn id(&self) -> &'static str {
        "foreign_egress"
    }

    fn description(&self) -> &'static str {
        "Sign-ins from China, Russia or North Korea, or persistently from another country than the claimed one"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let shared = shared(store)?;
        let rules = rules();
        let mut findings = Vec::new();
        for (index, sign_ins) in shared.sign_ins.iter().enumerate() {
            let employee = &shared.roster.employees[index];
            // Only sign-ins whose country is the user's own network's, not a VPN exit.
            let direct: Vec<_> = sign_ins
                .iter()
                .filter(|s| s.country != 0 && egress(&shared, s).0 == Egress::Plain)
                .collect();
            let risky: Vec<_> = direct
                .iter()
                .copied()
                .filter(|s| s.success && rules.risky_countries.contains(&shared.country(s)))
                .collect();
            if !risky.is_empty() {
                let mut by_country: BTreeMap<&str, usize> = BTreeMap::new();
                for s in &risky {
                    *by_country.entry(shared.country(s)).or_default() += 1;
                }
                let list: Vec<String> = by_country
                    .iter()
                    .map(|(c, n)| format!("{n} from {c}"))
                    .collect();
                findings.push(
                    NewFinding {
                        detector: self.id(),
                        key: format!("risky:{}", employee.id),
                        subjects: vec![employee.id.clone()],
                        severity: Severity::High,
                        weight: if risky.len() >= 3 { 0.5 } else { 0.4 },
                        reason: format!(
                            "{} signed in successfully from countries DPRK IT workers operate from: {}",
                            employee.label(),
                            list.join(", ")
                        ),
                        evidence: sign_in_evidence(
                            &employee.id,
                            risky.iter().copied(),
                            |s| format!("sign-in at {} from {} in {} ({})", utc(s.time_ms), shared.ip(s), shared.country(s), shared.org(s)),
                            5,
                        ),
                    }
                    .into(),
                );
                continue;
            }
            let Some(claimed) = employee.country.as_deref() else {
                continue;
            };
            let abroad: Vec<_> = direct
                .iter()
                .copied()
                .filter(|s| shared.country(s) != claimed)
                .collect();
            if abroad.len() < 5 || (abroad.len() as f64) < FOREIGN_SHARE * direct.len() as f64 {
                continue;
            }
            let span_days = (abroad.last().map_or(0, |s| s.time_ms)
                - abroad.first().map_or(0, |s| s.time_ms)) as f64
                / 86_400_000.0;
            if span_days <= TRIP_DAYS {
                continue;
            }
            let mut countries: Vec<&str> = abroad.iter().map(|s| shared.country(s)).collect();
            countries.sort_unstable();
            countries.dedup();
            findings.push(
                NewFinding {
                    detector: self.id(),
                    key: format!("abroad:{}", employee.id),
                    subjects: vec![employee.id.clone()],
                    severity: Severity::Medium,
                    weight: 0.25,
                    reason: format!(
                        "{} claims to be in {claimed} but {:.0}% of their sign-ins over {:.0} days came from {}",
                        employee.label(),
                        percent(abroad.len(), direct.len()),
                        span_days,
                        countries.join(", ")
                    ),
                    evidence: sign_in_evidence(
                        &employee.id,
                        abroad.iter().copied(),
                        |s| format!("sign-in at {} from {} in {}", utc(s.time_ms), shared.ip(s), shared.country(s)),
                        5,
                    ),
                }
                .into(),
            );
        }
        Ok(findings)
    }
}
