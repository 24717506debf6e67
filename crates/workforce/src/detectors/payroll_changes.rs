//! `payroll_changes`: payout patterns of DPRK IT workers — a switch from a bank
//! account to Payoneer, Wise, PayPal or crypto soon after hire, frequent changes of
//! payout account, and payouts into an account in another country than the one the
//! employee claims. (Accounts shared between employees are `shared_identifier`'s.)

use std::collections::{BTreeMap, BTreeSet};

use unmask_detect::{DetectError, Detector};
use unmask_model::{Evidence, Finding, Severity};
use unmask_store::Store;

use super::NewFinding;
use crate::signins::shared;

pub struct PayrollChanges;

/// A switch to a payment platform this soon after hire is a signal.
const SWITCH_DAYS: i64 = 120;
const PLATFORMS: &[&str] = &["payoneer", "wise", "paypal", "crypto"];

#[derive(Default, Clone)]
struct Payment {
    id: String,
    date: String,
    method: String,
    account: String,
    country: String,
    record: Option<i64>,
}

fn days_between(a: &str, b: &str) -> Option<i64> {
    let a = chrono::NaiveDate::parse_from_str(a, "%Y-%m-%d").ok()?;
    let b = chrono::NaiveDate::parse_from_str(b, "%Y-%m-%d").ok()?;
    Some((b - a).num_days())
}

impl Detector for PayrollChanges {
    fn id(&self) -> &'static str {
        "payroll_changes"
    }

    fn description(&self) -> &'static str {
        "Payouts moved to Payoneer/Wise/PayPal/crypto soon after hire, frequent account changes, account country unlike the claimed one"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let shared = shared(store)?;
        let mut payments: BTreeMap<String, Payment> = BTreeMap::new();
        let mut statement = store
            .conn()
            .prepare(
                // The payment's first record, looked up once per payment (on its
                // `date` row), not once per property.
                "SELECT p.entity_id, p.prop, p.value,
                        CASE WHEN p.prop = 'date' THEN
                          (SELECT MIN(record_id) FROM entity_records r WHERE r.entity_id = p.entity_id)
                        END
                 FROM entity_props p JOIN entities e ON e.id = p.entity_id
                 WHERE e.schema = 'Payment'
                   AND p.prop IN ('date', 'method', 'account', 'accountCountry', 'beneficiary')",
            )
            .map_err(unmask_store::StoreError::from)?;
        let mut rows = statement
            .query([])
            .map_err(unmask_store::StoreError::from)?;
        let mut beneficiary: BTreeMap<String, String> = BTreeMap::new();
        while let Some(row) = rows.next().map_err(unmask_store::StoreError::from)? {
            let get = |i| {
                row.get::<_, String>(i)
                    .map_err(unmask_store::StoreError::from)
            };
            let (id, prop, value) = (get(0)?, get(1)?, get(2)?);
            let record: Option<i64> = row.get(3).map_err(unmask_store::StoreError::from)?;
            let payment = payments.entry(id.clone()).or_insert_with(|| Payment {
                id: id.clone(),
                ..Payment::default()
            });
            if record.is_some() {
                payment.record = record;
            }
            match prop.as_str() {
                "date" => payment.date = value,
                "method" => payment.method = value,
                "account" => payment.account = value,
                "accountCountry" => payment.country = value,
                _ => {
                    beneficiary.insert(id, value);
                }
            }
        }
        drop(rows);
        let mut by_person: BTreeMap<String, Vec<Payment>> = BTreeMap::new();
        for (id, payment) in payments {
            if let Some(person) = beneficiary.get(&id) {
                by_person.entry(person.clone()).or_default().push(payment);
            }
        }
        let mut findings = Vec::new();
        for (person, mut list) in by_person {
            list.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
            let Some(employee) = shared.roster.get(&person) else {
                continue;
            };
            let label = employee.label();
            let evidence = |p: &Payment, note: String| Evidence {
                entity_id: p.account.clone(),
                note,
                record_id: p.record,
            };
            // Switch to a platform soon after hire.
            if let Some(hire) = employee.hire_date.as_deref() {
                let first_bank = list.iter().position(|p| p.method == "bank");
                let switch = first_bank.and_then(|start| {
                    list[start..]
                        .iter()
                        .find(|p| PLATFORMS.contains(&p.method.as_str()))
                });
                if let Some(to) = switch {
                    if days_between(hire, &to.date).is_some_and(|d| (0..=SWITCH_DAYS).contains(&d))
                    {
                        findings.push(
                            NewFinding {
                                detector: self.id(),
                                key: format!("switch:{person}"),
                                subjects: vec![person.clone()],
                                severity: Severity::Medium,
                                weight: 0.3,
                                reason: format!(
                                    "{label} moved payouts from a bank account to {} on {}, within {SWITCH_DAYS} days of being hired ({hire})",
                                    to.method, to.date
                                ),
                                evidence: vec![evidence(to, format!("payout by {} on {}", to.method, to.date))],
                            }
                            .into(),
                        );
                    }
                }
            }
            // Frequent account changes.
            let mut changes = 0;
            for pair in list.windows(2) {
                if pair[0].account != pair[1].account {
                    changes += 1;
                }
            }
            let accounts: BTreeSet<&str> = list.iter().map(|p| p.account.as_str()).collect();
            if changes >= 3 && accounts.len() >= 3 {
                findings.push(
                    NewFinding {
                        detector: self.id(),
                        key: format!("changes:{person}"),
                        subjects: vec![person.clone()],
                        severity: Severity::Medium,
                        weight: 0.25,
                        reason: format!(
                            "{label}'s payout account changed {changes} times across {} accounts in {} payouts",
                            accounts.len(),
                            list.len()
                        ),
                        evidence: list
                            .windows(2)
                            .filter(|pair| pair[0].account != pair[1].account)
                            .take(5)
                            .map(|pair| evidence(&pair[1], format!("new payout account from {}", pair[1].date)))
                            .collect(),
                    }
                    .into(),
                );
            }
            // Account country unlike the claimed country.
            if let Some(claimed) = employee.country.as_deref() {
                let foreign: Vec<&Payment> = list
                    .iter()
                    .filter(|p| !p.country.is_empty() && !p.country.eq_ignore_ascii_case(claimed))
                    .collect();
                if let Some(first) = foreign.first() {
                    let countries: BTreeSet<&str> =
                        foreign.iter().map(|p| p.country.as_str()).collect();
                    findings.push(
                        NewFinding {
                            detector: self.id(),
                            key: format!("country:{person}"),
                            subjects: vec![person.clone()],
                            severity: Severity::Medium,
                            weight: 0.3,
                            reason: format!(
                                "{label} claims to live in {claimed} but {} of {} payouts went to accounts in {}",
                                foreign.len(),
                                list.len(),
                                countries.into_iter().collect::<Vec<_>>().join(", ")
                            ),
                            evidence: vec![evidence(first, format!("payout on {} to an account in {}", first.date, first.country))],
                        }
                        .into(),
                    );
                }
            }
        }
        Ok(findings)
    }
}
