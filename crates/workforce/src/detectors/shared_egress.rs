//! `shared_egress`: one ordinary (not VPN, not corporate) egress IP from which
//! employees of several companies, who claim different homes, do most of their
//! work: the network signature of a laptop farm. Couples (same home) and co-working
//! spaces (people who also work from their own homes) do not qualify.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use unmask_detect::{DetectError, Detector};
use unmask_model::{Evidence, Finding, Severity};
use unmask_store::Store;

use super::{egress, percent, Egress, NewFinding};
use crate::signins::shared;

pub struct SharedEgress;

/// An employee belongs to an IP when at least this share of their sign-ins use it.
const MEMBER_SHARE: f64 = 0.5;
/// A farm's laptops are on around the clock; an office or co-working space sleeps.
/// Share of the IP's sign-ins in its users' claimed local night (00:00–06:00).
const NIGHT_SHARE: f64 = 0.12;
const MIN_SIGN_INS: usize = 5;

impl Detector for SharedEgress {
    fn id(&self) -> &'static str {
        "shared_egress"
    }

    fn description(&self) -> &'static str {
        "One residential egress IP serving most sign-ins of employees of several companies who claim different homes"
    }

    fn forms_clusters(&self) -> bool {
        true
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let shared = shared(store)?;
        // ip -> employee -> (count, first record)
        let mut members: HashMap<u32, Vec<(usize, usize, i64)>> = HashMap::new();
        for (index, sign_ins) in shared.sign_ins.iter().enumerate() {
            if sign_ins.len() < MIN_SIGN_INS {
                continue;
            }
            let mut per_ip: HashMap<u32, (usize, i64)> = HashMap::new();
            for s in sign_ins {
                if s.ip == 0 || s.proxy || egress(&shared, s).0 != Egress::Plain {
                    continue;
                }
                let entry = per_ip.entry(s.ip).or_insert((0, s.record_id));
                entry.0 += 1;
            }
            for (ip, (count, record)) in per_ip {
                if count as f64 >= MEMBER_SHARE * sign_ins.len() as f64 {
                    members.entry(ip).or_default().push((index, count, record));
                }
            }
        }
        let mut ips: Vec<_> = members.into_iter().filter(|(_, m)| m.len() >= 2).collect();
        ips.sort_by_key(|(ip, _)| *ip);
        let mut findings = Vec::new();
        for (ip, group) in ips {
            let employees: Vec<_> = group
                .iter()
                .map(|(i, _, _)| &shared.roster.employees[*i])
                .collect();
            let companies: BTreeSet<&str> = employees.iter().map(|e| e.company.as_str()).collect();
            // Employees with no home on file count as a home of their own.
            let mut homes: BTreeMap<String, usize> = BTreeMap::new();
            for employee in &employees {
                let home = employee
                    .homes
                    .first()
                    .cloned()
                    .unwrap_or_else(|| employee.id.clone());
                *homes.entry(home).or_default() += 1;
            }
            if homes.len() < 2 || (companies.len() < 2 && employees.len() < 3) {
                continue;
            }
            let (mut night, mut total) = (0usize, 0usize);
            for (index, _, _) in &group {
                let employee = &shared.roster.employees[*index];
                let offset = employee
                    .timezone
                    .as_deref()
                    .and_then(|zone| crate::rules::rules().timezones.get(zone))
                    .copied()
                    .unwrap_or(0.0);
                for s in shared.sign_ins[*index].iter().filter(|s| s.ip == ip) {
                    let local = ((s.time_ms.rem_euclid(86_400_000)) as f64 / 3_600_000.0 + offset)
                        .rem_euclid(24.0);
                    total += 1;
                    if local < 6.0 {
                        night += 1;
                    }
                }
            }
            let night_share = night as f64 / total.max(1) as f64;
            if night_share < NIGHT_SHARE {
                // Office hours only: an office or a co-working space, not a farm.
                continue;
            }
            let ip_text = &shared.ips[ip as usize];
            let sample = shared.sign_ins[group[0].0].iter().find(|s| s.ip == ip);
            let org = sample.map(|s| shared.org(s)).unwrap_or("");
            let weight =
                (0.45 + 0.1 * companies.len() as f64 + 0.05 * employees.len() as f64).min(0.85);
            let severity = if companies.len() >= 2 {
                Severity::Critical
            } else {
                Severity::High
            };
            let who: Vec<String> = group
                .iter()
                .map(|(i, count, _)| {
                    let employee = &shared.roster.employees[*i];
                    format!(
                        "{} {:.0}%",
                        employee.label(),
                        percent(*count, shared.sign_ins[*i].len())
                    )
                })
                .collect();
            let evidence = group
                .iter()
                .map(|(i, count, record)| {
                    let employee = &shared.roster.employees[*i];
                    Evidence {
                        entity_id: employee.id.clone(),
                        note: format!(
                            "{} of {}'s sign-ins came from {ip_text}",
                            count,
                            employee.label()
                        ),
                        record_id: Some(*record),
                    }
                })
                .collect();
            let mut subjects = vec![format!("ip:{ip_text}")];
            subjects.extend(employees.iter().map(|e| e.id.clone()));
            findings.push(
                NewFinding {
                    detector: self.id(),
                    key: format!("ip:{ip_text}"),
                    subjects,
                    severity,
                    weight,
                    reason: format!(
                        "Possible laptop farm: {} employees of {} compan{} with {} different homes do most of their sign-ins from one IP, {ip_text}{}, around the clock ({:.0}% in their local night): {}",
                        employees.len(),
                        companies.len(),
                        if companies.len() == 1 { "y" } else { "ies" },
                        homes.len(),
                        if org.is_empty() { String::new() } else { format!(" ({org})") },
                        100.0 * night_share,
                        who.join(", ")
                    ),
                    evidence,
                }
                .into(),
            );
        }
        Ok(findings)
    }
}
