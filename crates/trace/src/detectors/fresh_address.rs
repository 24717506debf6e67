//! `chain_fresh_address`: tainted value passing through an address used once:
//! it receives one transfer and sends it on within a few days, and never appears
//! again. Launderers create thousands of these to break the trail.

use unmask_detect::{DetectError, Detector};
use unmask_model::{Evidence, Finding, Severity};
use unmask_store::Store;

use super::{wallet, Context};
use crate::chain::{parse_address, FEES};

pub struct FreshAddress;

/// About three days of blocks.
const LIFETIME_BLOCKS: u32 = 21_600;

impl Detector for FreshAddress {
    fn id(&self) -> &'static str {
        "chain_fresh_address"
    }

    fn description(&self) -> &'static str {
        "Tainted value passing through a fresh address used once"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let Some(context) = Context::load(store, self.id(), true)? else {
            return Ok(Vec::new());
        };
        let Some(taint) = &context.taint else {
            return Ok(Vec::new());
        };
        let graph = &context.graph;
        let fees = graph.find(&[FEES]).get(&FEES).copied();
        let mut findings = Vec::new();
        let mut incoming = Vec::new();
        let mut outgoing = Vec::new();
        for address in taint
            .addresses
            .iter()
            .filter(|a| !a.is_seed && a.label.is_none())
        {
            let Some(raw) = parse_address(&address.address) else {
                continue;
            };
            let Some(&id) = graph.find(&[raw]).get(&raw) else {
                continue;
            };
            incoming.clear();
            graph.incoming(id, &mut incoming);
            outgoing.clear();
            graph.outgoing(id, &mut outgoing);
            outgoing.retain(|e| Some(e.to) != fees);
            if incoming.len() != 1 || outgoing.is_empty() || outgoing.len() > 2 {
                continue;
            }
            let first = incoming[0].edge.block;
            let last = outgoing.iter().map(|e| e.edge.block).max().unwrap_or(first);
            if last.saturating_sub(first) > LIFETIME_BLOCKS {
                continue;
            }
            let received: Vec<String> = address
                .tainted_received
                .iter()
                .map(|(a, v)| format!("{v} {a}"))
                .collect();
            findings.push(Finding {
                detector: self.id().to_string(),
                subjects: vec![wallet(&address.address)],
                severity: Severity::Low,
                weight: 0.2,
                reason: format!(
                    "{} (hop {} from the tainted source) received one transfer of tainted funds ({}) and passed it on within {} blocks",
                    address.address,
                    address.hop,
                    received.join(", "),
                    last - first
                ),
                evidence: vec![Evidence {
                    entity_id: wallet(&address.address),
                    note: format!(
                        "received in transaction {}, sent on in {}",
                        graph.tx(incoming[0].edge.tx).hash,
                        outgoing.iter().map(|e| graph.tx(e.edge.tx).hash).collect::<Vec<_>>().join(", ")
                    ),
                    record_id: None,
                }],
                key: format!("{}:{}", self.id(), address.address),
            });
        }
        Ok(findings)
    }
}
