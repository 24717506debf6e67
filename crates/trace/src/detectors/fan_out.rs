//! `chain_fan_out`: one address splits value into many near-equal tranches sent to
//! fresh addresses within about a day: the first move of a heist (Bybit's proceeds
//! went out in ~50 tranches of ~10,000 ETH).

use unmask_detect::{DetectError, Detector};
use unmask_model::{Finding, Severity};
use unmask_store::Store;

use super::{service_ids, show, transfer_evidence, wallet, Context, HUB_DEGREE};
use crate::chain::EdgeRef;

pub struct FanOut;

/// Tranches needed to call it a fan-out.
const MIN_TRANCHES: usize = 5;
/// Tranches within this relative spread of each other are "similar".
const SPREAD: f64 = 0.02;
/// About a day of Ethereum blocks.
const WINDOW_BLOCKS: u32 = 7_200;
/// Smallest tranche worth a finding (ETH); tokens have no such floor.
const MIN_ETH_TRANCHE: u128 = 1_000_000_000_000_000_000;

impl Detector for FanOut {
    fn id(&self) -> &'static str {
        "chain_fan_out"
    }

    fn description(&self) -> &'static str {
        "An address splits value into many near-equal tranches sent to fresh addresses"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let Some(context) = Context::load(store, self.id(), false)? else {
            return Ok(Vec::new());
        };
        let graph = &context.graph;
        let services = service_ids(&context);
        let mut findings = Vec::new();
        let mut edges = Vec::new();
        let mut incoming = Vec::new();
        for id in 0..graph.address_count() as u32 {
            let (out_degree, _) = graph.degree(id);
            if !(MIN_TRANCHES..=HUB_DEGREE).contains(&out_degree) || services.contains(&id) {
                continue;
            }
            edges.clear();
            graph.outgoing(id, &mut edges);
            edges.retain(|e| e.asset() != 0 || e.amount() >= MIN_ETH_TRANCHE);
            edges.sort_by_key(|e| (e.asset(), e.amount()));
            let Some(group) = best_group(&edges) else {
                continue;
            };
            // Fresh recipients: the tranche is the first money they ever received.
            let fresh: Vec<&EdgeRef> = group
                .iter()
                .filter(|e| {
                    incoming.clear();
                    graph.incoming(e.to, &mut incoming);
                    incoming
                        .first()
                        .is_some_and(|first| first.order_key() == e.order_key())
                })
                .collect();
            if fresh.len() < MIN_TRANCHES {
                continue;
            }
            let sender = graph.address_text(id);
            let total: u128 = fresh.iter().map(|e| e.amount()).sum();
            let asset = fresh[0].asset();
            findings.push(Finding {
                detector: self.id().to_string(),
                subjects: vec![wallet(&sender)],
                severity: Severity::Medium,
                weight: 0.4,
                reason: format!(
                    "{sender} split {} into {} near-equal tranches of about {} sent to fresh addresses",
                    show(graph, asset, total),
                    fresh.len(),
                    show(graph, asset, fresh[0].amount())
                ),
                evidence: fresh
                    .iter()
                    .take(20)
                    .map(|e| transfer_evidence(graph, e, &graph.address_text(e.to)))
                    .collect(),
                key: format!("{}:{sender}:{}", self.id(), fresh[0].edge.block),
            });
        }
        Ok(findings)
    }
}

/// The largest run of same-asset transfers to distinct recipients whose amounts are
/// within [`SPREAD`] of each other and whose blocks fall within [`WINDOW_BLOCKS`].
fn best_group(sorted: &[EdgeRef]) -> Option<Vec<EdgeRef>> {
    let mut best: Option<Vec<EdgeRef>> = None;
    let mut start = 0;
    for end in 0..sorted.len() {
        while sorted[start].asset() != sorted[end].asset()
            || (sorted[end].amount() as f64) > sorted[start].amount() as f64 * (1.0 + SPREAD)
        {
            start += 1;
        }
        if end + 1 - start < MIN_TRANCHES {
            continue;
        }
        let mut group: Vec<EdgeRef> = sorted[start..=end].to_vec();
        group.sort_by_key(EdgeRef::order_key);
        group.dedup_by_key(|e| e.to);
        let first = group[0].edge.block;
        group.retain(|e| e.edge.block <= first + WINDOW_BLOCKS);
        if group.len() >= MIN_TRANCHES && best.as_ref().is_none_or(|b| group.len() > b.len()) {
            best = Some(group);
        }
    }
    best
}
