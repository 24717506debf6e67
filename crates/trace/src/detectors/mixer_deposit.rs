//! `chain_mixer_deposit`: deposits into labelled mixers and cross-chain bridges,
//! one finding per depositing address; stronger when the deposit carried taint
//! from an abuse-labelled wallet.

use std::collections::BTreeMap;

use unmask_detect::{DetectError, Detector};
use unmask_model::{Finding, Severity};
use unmask_store::Store;

use super::{show, transfer_evidence, wallet, Context};
use crate::chain::{parse_address, EdgeRef};
use crate::labels::Service;

pub struct MixerDeposit;

impl Detector for MixerDeposit {
    fn id(&self) -> &'static str {
        "chain_mixer_deposit"
    }

    fn description(&self) -> &'static str {
        "Deposits into labelled mixers and bridges"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let Some(context) = Context::load(store, self.id(), true)? else {
            return Ok(Vec::new());
        };
        let graph = &context.graph;
        let mut findings = Vec::new();
        let mut edges = Vec::new();
        for label in context.labels.by_address.values() {
            let service = if label.is(Service::Mixer) {
                Service::Mixer
            } else if label.is(Service::Bridge) {
                Service::Bridge
            } else {
                continue;
            };
            let Some(address) = parse_address(&label.address) else {
                continue;
            };
            let Some(&id) = graph.find(&[address]).get(&address) else {
                continue;
            };
            edges.clear();
            graph.incoming(id, &mut edges);
            let mut by_sender: BTreeMap<u32, Vec<EdgeRef>> = BTreeMap::new();
            for edge in &edges {
                by_sender.entry(edge.from).or_default().push(*edge);
            }
            for (sender, deposits) in by_sender {
                let sender_text = graph.address_text(sender);
                if context.is_service(&sender_text) {
                    continue;
                }
                let tainted = context
                    .taint
                    .as_ref()
                    .is_some_and(|t| t.address(&sender_text).is_some());
                let (severity, weight) = match (service, tainted) {
                    (Service::Mixer, true) => (Severity::High, 0.6),
                    (Service::Mixer, false) => (Severity::Medium, 0.3),
                    (_, true) => (Severity::Medium, 0.45),
                    _ => (Severity::Low, 0.15),
                };
                let total: u128 = deposits
                    .iter()
                    .map(EdgeRef::amount)
                    .fold(0, u128::saturating_add);
                let asset = deposits[0].asset();
                findings.push(Finding {
                    detector: self.id().to_string(),
                    subjects: vec![wallet(&sender_text)],
                    severity,
                    weight,
                    reason: format!(
                        "{sender_text} made {} deposit(s) of {} in total into {} {}{}",
                        deposits.len(),
                        show(graph, asset, total),
                        service.as_str(),
                        label.name(),
                        if tainted {
                            ", with funds traced from an abuse-labelled wallet"
                        } else {
                            ""
                        }
                    ),
                    evidence: deposits
                        .iter()
                        .take(20)
                        .map(|e| transfer_evidence(graph, e, &sender_text))
                        .collect(),
                    key: format!("{}:{sender_text}:{}", self.id(), label.address),
                });
            }
        }
        Ok(findings)
    }
}
