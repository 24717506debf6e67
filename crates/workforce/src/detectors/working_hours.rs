//! `working_hours`: the time zone an employee really works in, inferred from the
//! hour-of-day distribution of their sign-ins (circular statistics over at least two
//! weeks), against the one they claim. Activity that fits UTC+8/+9 office hours from
//! someone claiming US Central time is the classic DPRK IT-worker signature.

use unmask_detect::{DetectError, Detector};
use unmask_model::{Finding, Severity};
use unmask_store::Store;

use super::{sign_in_evidence, utc, NewFinding};
use crate::rules::rules;
use crate::signins::shared;

pub struct WorkingHours;

/// The centre of a working day (09:00–17:00 local), for activity of every kind.
const WORKDAY_CENTRE: f64 = 13.0;
/// Where interactive sign-ins (session starts, MFA) centre: people sign in when
/// their day starts, and again after a session expires, mostly in the morning.
const SIGN_IN_CENTRE: f64 = 9.5;
const MIN_EVENTS: usize = 20;
const MIN_DAYS: f64 = 14.0;
/// Below this resultant length, activity is spread over the whole day and says
/// nothing about a time zone.
const MIN_CONCENTRATION: f64 = 0.25;
const MIN_OFFSET_HOURS: f64 = 5.0;

/// Wraps hours into [-12, 12).
fn wrap(hours: f64) -> f64 {
    (hours + 12.0).rem_euclid(24.0) - 12.0
}

/// Circular mean hour of day (UTC) and resultant length in [0, 1].
pub fn circular_mean(hours: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (mut x, mut y, mut n) = (0.0, 0.0, 0usize);
    for hour in hours {
        let angle = hour / 24.0 * std::f64::consts::TAU;
        x += angle.cos();
        y += angle.sin();
        n += 1;
    }
    if n == 0 {
        return None;
    }
    let (x, y) = (x / n as f64, y / n as f64);
    let mean = (y.atan2(x) / std::f64::consts::TAU * 24.0).rem_euclid(24.0);
    Some((mean, (x * x + y * y).sqrt()))
}

fn utc_offset_label(hours: f64) -> String {
    let sign = if hours < 0.0 { '−' } else { '+' };
    let abs = hours.abs();
    if abs.fract() == 0.0 {
        format!("UTC{sign}{}", abs as i64)
    } else {
        format!("UTC{sign}{abs:.1}")
    }
}

impl Detector for WorkingHours {
    fn id(&self) -> &'static str {
        "working_hours"
    }

    fn description(&self) -> &'static str {
        "Working hours that fit another time zone than the claimed one (hour-of-day circular statistics)"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let shared = shared(store)?;
        let zones = &rules().timezones;
        let mut findings = Vec::new();
        for (index, sign_ins) in shared.sign_ins.iter().enumerate() {
            let employee = &shared.roster.employees[index];
            let Some(zone) = employee.timezone.as_deref() else {
                continue;
            };
            let Some(&claimed) = zones.get(zone) else {
                continue;
            };
            // People keep office hours; always-on devices refresh tokens around the
            // clock. Use the sign-ins of a person where there are enough of them.
            let mut active: Vec<_> = sign_ins
                .iter()
                .filter(|s| s.success && s.interactive)
                .collect();
            let mut centre = SIGN_IN_CENTRE;
            if active.len() < MIN_EVENTS {
                active = sign_ins.iter().filter(|s| s.success).collect();
                centre = WORKDAY_CENTRE;
            }
            if active.len() < MIN_EVENTS {
                continue;
            }
            let days = (active[active.len() - 1].time_ms - active[0].time_ms) as f64 / 86_400_000.0;
            if days < MIN_DAYS {
                continue;
            }
            let hours = active
                .iter()
                .map(|s| (s.time_ms.rem_euclid(86_400_000)) as f64 / 3_600_000.0);
            let Some((mean_utc, concentration)) = circular_mean(hours) else {
                continue;
            };
            if concentration < MIN_CONCENTRATION {
                continue;
            }
            let inferred = wrap(centre - mean_utc).round();
            let difference = wrap(inferred - claimed);
            if difference.abs() < MIN_OFFSET_HOURS {
                continue;
            }
            let local_peak = (mean_utc + claimed).rem_euclid(24.0);
            let weight = if difference.abs() >= 8.0 { 0.5 } else { 0.4 };
            findings.push(
                NewFinding {
                    detector: self.id(),
                    key: employee.id.clone(),
                    subjects: vec![employee.id.clone()],
                    severity: Severity::High,
                    weight,
                    reason: format!(
                        "{}'s activity over {:.0} days centres on {:02}:{:02} UTC, which fits a working day in {} — but they claim {} ({}), where it is {:02}:{:02}",
                        employee.label(),
                        days,
                        mean_utc.floor() as u32,
                        (mean_utc.fract() * 60.0) as u32,
                        utc_offset_label(inferred),
                        zone,
                        utc_offset_label(claimed),
                        local_peak.floor() as u32,
                        (local_peak.fract() * 60.0) as u32
                    ),
                    evidence: sign_in_evidence(
                        &employee.id,
                        active.iter().copied(),
                        |s| format!("sign-in at {}", utc(s.time_ms)),
                        5,
                    ),
                }
                .into(),
            );
        }
        Ok(findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circular_mean_handles_midnight() {
        let (mean, r) = circular_mean([23.0, 1.0].into_iter()).unwrap();
        assert!(!(0.01..=23.99).contains(&mean), "{mean}");
        assert!(r > 0.9);
        let (mean, _) = circular_mean([1.0, 2.0, 3.0].into_iter()).unwrap();
        assert!((mean - 2.0).abs() < 1e-9);
        let (_, spread) = circular_mean((0..24).map(f64::from)).unwrap();
        assert!(spread < 1e-9);
    }

    #[test]
    fn asian_office_hours_map_to_utc_plus_eight() {
        // 09:00-17:00 at UTC+8 is 01:00-09:00 UTC.
        let (mean, _) = circular_mean((1..=9).map(f64::from)).unwrap();
        assert_eq!(wrap(WORKDAY_CENTRE - mean).round(), 8.0);
        assert_eq!(wrap(8.0 - (-6.0)), -10.0);
    }
}
