//! `impossible_travel`: consecutive successful sign-ins from places too far apart
//! for the time between them (faster than an airliner), not counting VPN, hosting or
//! corporate egress, whose geolocation is the exit's, not the person's.

use unmask_detect::{DetectError, Detector};
use unmask_model::{Evidence, Finding, Severity};
use unmask_store::Store;

use super::{egress, utc, Egress, NewFinding};
use crate::signins::{distance_km, shared};

pub struct ImpossibleTravel;

const MIN_DISTANCE_KM: f64 = 500.0;
const MAX_SPEED_KMH: f64 = 1000.0;

impl Detector for ImpossibleTravel {
    fn id(&self) -> &'static str {
        "impossible_travel"
    }

    fn description(&self) -> &'static str {
        "Consecutive sign-ins from places too far apart for the time between them"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let shared = shared(store)?;
        let mut findings = Vec::new();
        for (index, sign_ins) in shared.sign_ins.iter().enumerate() {
            let employee = &shared.roster.employees[index];
            let located: Vec<_> = sign_ins
                .iter()
                .filter(|s| {
                    s.success && s.has_geo && !s.proxy && egress(&shared, s).0 == Egress::Plain
                })
                .collect();
            let mut jumps = Vec::new();
            for pair in located.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let km = distance_km(a, b);
                if km < MIN_DISTANCE_KM {
                    continue;
                }
                let hours = ((b.time_ms - a.time_ms) as f64 / 3_600_000.0).max(1.0 / 60.0);
                if km / hours > MAX_SPEED_KMH {
                    jumps.push((a, b, km, hours));
                }
            }
            if jumps.is_empty() {
                continue;
            }
            let (weight, severity) = if jumps.len() >= 2 {
                (0.25, Severity::Medium)
            } else {
                (0.1, Severity::Low)
            };
            let (a, b, km, hours) = jumps[0];
            let mut evidence = Vec::new();
            for (a, b, km, hours) in jumps.iter().take(3) {
                for s in [a, b] {
                    evidence.push(Evidence {
                        entity_id: employee.id.clone(),
                        note: format!(
                            "sign-in at {} from {} ({}), {:.0} km in {:.1} h",
                            utc(s.time_ms),
                            shared.ip(s),
                            shared.country(s),
                            km,
                            hours
                        ),
                        record_id: Some(s.record_id),
                    });
                }
            }
            findings.push(
                NewFinding {
                    detector: self.id(),
                    key: employee.id.clone(),
                    subjects: vec![employee.id.clone()],
                    severity,
                    weight,
                    reason: format!(
                        "{} signed in {} time(s) from places too far apart to travel between, e.g. {:.0} km in {:.1} h ({} then {})",
                        employee.label(),
                        jumps.len(),
                        km,
                        hours,
                        shared.country(a),
                        shared.country(b)
                    ),
                    evidence,
                }
                .into(),
            );
        }
        Ok(findings)
    }
}
