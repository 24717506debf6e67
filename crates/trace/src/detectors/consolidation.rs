//! `chain_consolidation`: tainted funds from several addresses gathered at one
//! address (fan-in) that then pays an exit (exchange, deposit address, bridge,
//! mixer): consolidation before cashing out.

use std::collections::{BTreeMap, BTreeSet};

use unmask_detect::{DetectError, Detector};
use unmask_model::{Evidence, Finding, Severity};
use unmask_store::Store;

use super::{wallet, Context};

pub struct Consolidation;

/// Distinct tainted senders needed.
const MIN_SOURCES: usize = 2;

impl Detector for Consolidation {
    fn id(&self) -> &'static str {
        "chain_consolidation"
    }

    fn description(&self) -> &'static str {
        "Tainted funds from several addresses consolidated at one address before an exit"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let Some(context) = Context::load(store, self.id(), true)? else {
            return Ok(Vec::new());
        };
        let Some(taint) = &context.taint else {
            return Ok(Vec::new());
        };
        let exits: BTreeMap<&str, &crate::taint::Exit> = taint
            .exits
            .iter()
            .filter(|e| e.kind != "fee")
            .map(|e| (e.address.as_str(), e))
            .collect();
        let seeds: BTreeSet<&str> = taint.seeds.iter().map(String::as_str).collect();
        let mut sources: BTreeMap<&str, Vec<&crate::taint::Flow>> = BTreeMap::new();
        for flow in &taint.flows {
            if !seeds.contains(flow.to.as_str()) && !exits.contains_key(flow.to.as_str()) {
                sources.entry(flow.to.as_str()).or_default().push(flow);
            }
        }
        let mut findings = Vec::new();
        for (address, inflows) in sources {
            let senders: BTreeSet<&str> = inflows.iter().map(|f| f.from.as_str()).collect();
            if senders.len() < MIN_SOURCES {
                continue;
            }
            let paid: Vec<&crate::taint::Flow> = taint
                .flows
                .iter()
                .filter(|f| f.from == address && exits.contains_key(f.to.as_str()))
                .collect();
            if paid.is_empty() {
                continue;
            }
            let mut evidence: Vec<Evidence> = inflows
                .iter()
                .take(10)
                .map(|f| Evidence {
                    entity_id: wallet(&f.from),
                    note: format!(
                        "sent {} {} of tainted funds to {address} ({})",
                        f.amount,
                        f.asset,
                        f.transactions.join(", ")
                    ),
                    record_id: None,
                })
                .collect();
            for flow in &paid {
                let exit = exits[flow.to.as_str()];
                evidence.push(Evidence {
                    entity_id: wallet(&flow.to),
                    note: format!(
                        "then paid {} {} to {} {} ({})",
                        flow.amount,
                        flow.asset,
                        exit.kind,
                        exit.label.as_deref().unwrap_or(""),
                        flow.transactions.join(", ")
                    ),
                    record_id: None,
                });
            }
            findings.push(Finding {
                detector: self.id().to_string(),
                subjects: vec![wallet(address)],
                severity: Severity::High,
                weight: 0.45,
                reason: format!(
                    "{address} gathered tainted funds from {} addresses and paid {} exit(s)",
                    senders.len(),
                    paid.len()
                ),
                evidence,
                key: format!("{}:{address}", self.id()),
            });
        }
        Ok(findings)
    }
}
