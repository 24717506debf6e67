//! `chain_peel_chain`: a run of hops, each receiving one transfer and sending a
//! small part onward (often to an exchange) and the rest to a fresh address that
//! does the same: the classic way to cash out a large sum in small pieces.

use unmask_detect::{DetectError, Detector};
use unmask_model::{Finding, Severity};
use unmask_store::Store;

use super::{service_ids, show, transfer_evidence, wallet, Context};
use crate::chain::{ChainGraph, EdgeRef, FEES};

pub struct PeelChain;

/// Hops needed to call it a chain.
const MIN_HOPS: usize = 3;
/// The peeled part is at most this share of what moves on.
const MAX_PEEL_SHARE: f64 = 0.35;

/// A peel hop: one inflow, then exactly two outflows (gas aside), one much smaller.
/// Returns (peel, rest).
fn hop(
    graph: &ChainGraph,
    id: u32,
    fees: Option<u32>,
    scratch: &mut Vec<EdgeRef>,
) -> Option<(EdgeRef, EdgeRef)> {
    let (out_degree, in_degree) = graph.degree(id);
    // Two sends, each possibly with its gas fee edge.
    if in_degree != 1 || !(2..=4).contains(&out_degree) {
        return None;
    }
    scratch.clear();
    graph.outgoing(id, scratch);
    scratch.retain(|e| Some(e.to) != fees);
    if scratch.len() != 2 || scratch[0].asset() != scratch[1].asset() {
        return None;
    }
    let (small, large) = if scratch[0].amount() <= scratch[1].amount() {
        (scratch[0], scratch[1])
    } else {
        (scratch[1], scratch[0])
    };
    (small.amount() as f64 <= large.amount() as f64 * MAX_PEEL_SHARE).then_some((small, large))
}

impl Detector for PeelChain {
    fn id(&self) -> &'static str {
        "chain_peel_chain"
    }

    fn description(&self) -> &'static str {
        "A run of hops each sending a small part onward and the rest to a fresh address"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let Some(context) = Context::load(store, self.id(), false)? else {
            return Ok(Vec::new());
        };
        let graph = &context.graph;
        let services = service_ids(&context);
        let fees = graph.find(&[FEES]).get(&FEES).copied();
        let mut findings = Vec::new();
        let mut scratch = Vec::new();
        let mut incoming = Vec::new();
        for id in 0..graph.address_count() as u32 {
            if services.contains(&id) || hop(graph, id, fees, &mut scratch).is_none() {
                continue;
            }
            // Start only at the head: the sender of its one inflow is not a hop.
            incoming.clear();
            graph.incoming(id, &mut incoming);
            let Some(inflow) = incoming.first().copied() else {
                continue;
            };
            if hop(graph, inflow.from, fees, &mut scratch).is_some() {
                continue;
            }
            let mut hops = Vec::new();
            let mut at = id;
            while let Some((peel, rest)) = hop(graph, at, fees, &mut scratch) {
                hops.push((at, peel));
                if hops.len() > 10_000 || services.contains(&rest.to) {
                    break;
                }
                at = rest.to;
            }
            if hops.len() < MIN_HOPS {
                continue;
            }
            let head = graph.address_text(id);
            let peeled: u128 = hops.iter().map(|(_, p)| p.amount()).sum();
            let asset = hops[0].1.asset();
            findings.push(Finding {
                detector: self.id().to_string(),
                subjects: hops.iter().take(20).map(|(h, _)| wallet(&graph.address_text(*h))).collect(),
                severity: Severity::High,
                weight: 0.5,
                reason: format!(
                    "peel chain of {} hops from {head} (received {}): {} peeled off in small parts, the rest passed on to fresh addresses",
                    hops.len(),
                    show(graph, inflow.asset(), inflow.amount()),
                    show(graph, asset, peeled)
                ),
                evidence: hops
                    .iter()
                    .take(20)
                    .map(|(h, peel)| transfer_evidence(graph, peel, &graph.address_text(*h)))
                    .collect(),
                key: format!("{}:{head}", self.id()),
            });
        }
        Ok(findings)
    }
}
