//! `ip_kvm`: IP-KVM hardware (PiKVM, TinyPilot, JetKVM, GL.iNet Comet, BliKVM,
//! NanoKVM) plugged into a corporate device, recognised by the default USB identity
//! it presents, or by the spoof-resistant heuristic: the Linux Foundation
//! multifunction composite gadget (1d6b:0104) that these devices emulate a keyboard,
//! mouse and storage with. Laptop farms use them to give remote operators hands on
//! the laptop.

use std::collections::BTreeMap;

use unmask_detect::{DetectError, Detector};
use unmask_model::{Evidence, Finding, Severity};
use unmask_store::Store;

use super::remote_access::{column, endpoint_rows};
use super::NewFinding;
use crate::rules::rules;
use crate::signins::shared;

pub struct IpKvm;

/// What a USB device row is, if it is an IP-KVM: (product, exact match?).
pub fn classify(columns: &[(String, String)]) -> Option<(&'static str, bool)> {
    let hex = |value: &str| {
        let value = value
            .trim()
            .trim_start_matches("0x")
            .trim_start_matches("0X")
            .to_lowercase();
        format!("{value:0>4}")
    };
    let vendor_id = hex(column(columns, "vendor_id"));
    let model_id = hex(column(columns, "model_id"));
    let text = format!("{} {}", column(columns, "vendor"), column(columns, "model")).to_lowercase();
    let serial = column(columns, "serial").to_lowercase();
    let mut composite = false;
    for rule in &rules().kvms {
        if rule.vendor_id != vendor_id || rule.model_id != model_id {
            continue;
        }
        composite = true;
        let maker = rule.manufacturer.is_empty() || text.contains(rule.manufacturer);
        let serial_ok = rule.serial.is_empty() || serial == rule.serial;
        if maker && serial_ok {
            return Some((rule.product, true));
        }
    }
    composite.then_some((
        "USB composite gadget (1d6b:0104), as IP-KVMs present",
        false,
    ))
}

impl Detector for IpKvm {
    fn id(&self) -> &'static str {
        "ip_kvm"
    }

    fn description(&self) -> &'static str {
        "IP-KVM hardware on a corporate device, by default USB identity or the 1d6b:0104 composite-gadget heuristic"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let shared = shared(store)?;
        // subject -> (product, exact, record, label)
        let mut found: BTreeMap<String, (&'static str, bool, i64, String)> = BTreeMap::new();
        for (record, host, columns) in endpoint_rows(store, &["usb_devices"])? {
            let Some((product, exact)) = classify(&columns) else {
                continue;
            };
            let (subject, label) = match shared.roster.by_hostname(&host) {
                Some(index) => {
                    let employee = &shared.roster.employees[index];
                    (
                        employee.id.clone(),
                        format!("{} on {host}", employee.label()),
                    )
                }
                None => (format!("host:{host}"), format!("unassigned device {host}")),
            };
            let entry = found
                .entry(subject)
                .or_insert((product, exact, record, label));
            if exact && !entry.1 {
                entry.0 = product;
                entry.1 = true;
                entry.2 = record;
            }
        }
        let findings = found
            .into_iter()
            .map(|(subject, (product, exact, record, label))| {
                NewFinding {
                    detector: self.id(),
                    key: subject.clone(),
                    subjects: vec![subject.clone()],
                    severity: if exact {
                        Severity::Critical
                    } else {
                        Severity::High
                    },
                    weight: if exact { 0.6 } else { 0.45 },
                    reason: format!(
                        "IP-KVM hardware plugged into the corporate device of {label}: {product}"
                    ),
                    evidence: vec![Evidence {
                        entity_id: subject,
                        note: format!("osquery usb_devices row: {product}"),
                        record_id: Some(record),
                    }],
                }
                .into()
            })
            .collect();
        Ok(findings)
    }
}
