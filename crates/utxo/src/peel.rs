//! Peel chains: a large balance moved through a run of transactions, each with one
//! input and two outputs, one small output "peeled" off (a payment, a deposit) and
//! the rest moved on to a fresh address that does the same again. Launderers use
//! them to feed exchanges in amounts below alert thresholds.
//!
//! A transaction has the peel shape when it spends one input into exactly two
//! spendable outputs. It is a peel when its parent (the transaction that made its
//! input) or one of its children (a transaction spending one of its outputs) has the
//! shape too; a chain is the longest such run, followed through the child of the
//! larger output first.

use serde::{Deserialize, Serialize};

use crate::graph::{flags, UtxoGraph, NONE};

/// One hop of a peel chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    pub tx: u32,
    /// The output peeled off (the smaller one): address id and value.
    pub peeled_address: u32,
    pub peeled_value: u64,
    /// What went on to the next hop.
    pub remaining: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeelChain {
    pub hops: Vec<Hop>,
}

impl PeelChain {
    pub fn peeled_total(&self) -> u64 {
        self.hops.iter().map(|h| h.peeled_value).sum()
    }
}

/// Whether a transaction has the peel shape: one input, two spendable outputs.
pub fn has_shape(graph: &UtxoGraph, tx: u32) -> bool {
    let rec = graph.tx(tx);
    rec.flags & flags::COINBASE == 0
        && rec.inputs == 1
        && graph
            .tx_outputs(tx)
            .iter()
            .filter(|o| o.address != NONE)
            .count()
            == 2
}

fn parent(graph: &UtxoGraph, tx: u32) -> Option<u32> {
    graph
        .tx_inputs(tx)
        .first()
        .map(|i| i.prev_tx)
        .filter(|&p| p != NONE)
}

/// The children with the peel shape, the larger output's first.
fn shaped_children(graph: &UtxoGraph, tx: u32) -> Vec<u32> {
    let mut outputs: Vec<_> = graph
        .tx_outputs(tx)
        .iter()
        .filter(|o| o.address != NONE)
        .collect();
    outputs.sort_by_key(|o| std::cmp::Reverse(o.value));
    outputs
        .into_iter()
        .map(|o| o.spent_by)
        .filter(|&child| child != NONE && has_shape(graph, child))
        .collect()
}

/// Whether `tx` is a peel: the shape, with a parent or child of the same shape.
pub fn is_peel(graph: &UtxoGraph, tx: u32) -> bool {
    has_shape(graph, tx)
        && (parent(graph, tx).is_some_and(|p| has_shape(graph, p))
            || !shaped_children(graph, tx).is_empty())
}

fn hop(graph: &UtxoGraph, tx: u32) -> Hop {
    let mut outputs: Vec<_> = graph
        .tx_outputs(tx)
        .iter()
        .filter(|o| o.address != NONE)
        .collect();
    outputs.sort_by_key(|o| o.value);
    let (small, large) = (outputs[0], outputs[outputs.len() - 1]);
    Hop {
        tx,
        peeled_address: small.address,
        peeled_value: small.value,
        remaining: large.value,
    }
}

/// Every peel chain of at least `min_hops` transactions, each from its first hop.
pub fn chains(graph: &UtxoGraph, min_hops: usize) -> Vec<PeelChain> {
    let mut found = Vec::new();
    for tx in 0..graph.tx_count() as u32 {
        if !has_shape(graph, tx) || parent(graph, tx).is_some_and(|p| has_shape(graph, p)) {
            continue; // not the start of a chain
        }
        let mut hops = vec![hop(graph, tx)];
        let mut current = tx;
        while let Some(&next) = shaped_children(graph, current).first() {
            if hops.len() > graph.tx_count() {
                break; // cannot happen in a DAG; guards against damaged input
            }
            hops.push(hop(graph, next));
            current = next;
        }
        if hops.len() >= min_hops.max(2) {
            found.push(PeelChain { hops });
        }
    }
    found
}
