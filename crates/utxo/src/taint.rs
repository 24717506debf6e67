//! Taint tracing on the UTXO graph, at output level, with the models and the
//! result shape of the EVM tracer (`unmask_trace::taint`), so `TraceResult` JSON
//! reads the same for both chains.
//!
//! Seeds are addresses (every output paying them is wholly tainted) or outpoints.
//! Transactions are processed in chain order (block, then read order); a
//! transaction spending tainted outputs passes the taint of its inputs on to its
//! outputs and its fee:
//!
//! * poison: every output of a transaction with a tainted input is wholly tainted;
//! * haircut: each output gets `value × tainted_in / total_in`, rounded down; the
//!   rounding remainder goes with the fee, so taint is conserved exactly;
//! * FIFO (Clayton's rule inside the transaction): the inputs' value is laid end to
//!   end in input order, each input's taint first; outputs take it in output order
//!   and the fee takes the tail; an output's tainted part is again its first
//!   satoshis.
//!
//! Taint reaching an output to a labelled service in the stop set, or entering a
//! CoinJoin (when mixers are a stop), is an exit and is not followed. Outputs with
//! less taint than `min_amount`, spends after the block window and dust (taint
//! under the dust floor to an address not reached yet, as in the EVM tracer) are
//! untraced. [`trace_back`] runs the models backward.
//! The reconciliation holds to the satoshi for haircut and FIFO: what left the
//! seeds = returned to seed addresses + held + exits + fees + untraced.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use rustc_hash::{FxHashMap, FxHashSet};
use unmask_model::normalize;
use unmask_trace::labels::{Labels, Service};
use unmask_trace::taint::{
    Direction, Exit, Flow, Model, Reconciliation, TaintedAddress, TraceResult,
    DEFAULT_DUST_FLOOR_PPB,
};

use crate::graph::{UtxoGraph, NONE};
use crate::tx::{parse_txid, txid_text};

/// The asset name in results.
pub const BTC: &str = "BTC";

#[derive(Debug, Clone)]
pub struct BtcTraceOptions {
    pub model: Model,
    pub max_hops: u32,
    /// Outputs with less taint (satoshi) are not followed.
    pub min_amount: u64,
    /// The dust floor, as for Ethereum (`TraceOptions::dust_floor_ppb`): taint
    /// below this many billionths of what leaves the seeds does not reach an
    /// address the trace has not reached yet (counted as `dust`, part of
    /// `untraced`); exits and fees take taint of any size. Backward, sources
    /// explaining less than this share of what arrived are skipped. 0: off.
    pub dust_floor_ppb: u64,
    pub from_block: Option<u64>,
    pub to_block: Option<u64>,
    pub stop_at: BTreeSet<Service>,
    pub max_tx_refs: usize,
    /// Forward (where did the seeds' coins go) or backward (where did the coins
    /// the seeds received come from).
    pub direction: Direction,
}

impl Default for BtcTraceOptions {
    fn default() -> Self {
        BtcTraceOptions {
            model: Model::Haircut,
            max_hops: 20,
            min_amount: 0,
            dust_floor_ppb: DEFAULT_DUST_FLOOR_PPB,
            from_block: None,
            to_block: None,
            stop_at: [Service::Exchange, Service::Bridge, Service::Mixer].into(),
            max_tx_refs: 20,
            direction: Direction::Forward,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BtcTraceError {
    #[error(
        "seed {0:?} is neither an address in the Bitcoin graph nor txid:vout of one of its outputs"
    )]
    UnknownSeed(String),
    #[error("no seeds given")]
    NoSeeds,
}

/// Output positions of the seeds: every output paying a seed address, or the
/// outputs named `txid:vout`.
pub fn resolve_seeds(graph: &UtxoGraph, seeds: &[String]) -> Result<Vec<u64>, BtcTraceError> {
    if seeds.is_empty() {
        return Err(BtcTraceError::NoSeeds);
    }
    let mut addresses = FxHashSet::default();
    let mut positions = Vec::new();
    for seed in seeds {
        let text = seed.trim();
        if let Some((txid, vout)) = text.split_once(':') {
            let position = parse_txid(txid)
                .and_then(|t| graph.tx_id(&t))
                .zip(vout.parse::<u32>().ok())
                .filter(|&(tx, vout)| vout < graph.tx(tx).outputs)
                .map(|(tx, vout)| graph.tx(tx).first_output + vout as u64)
                .ok_or_else(|| BtcTraceError::UnknownSeed(text.to_string()))?;
            positions.push(position);
            continue;
        }
        let id = graph
            .addresses
            .get(text)
            .or_else(|| graph.addresses.get(&text.to_ascii_lowercase()))
            .ok_or_else(|| BtcTraceError::UnknownSeed(text.to_string()))?;
        addresses.insert(id);
    }
    if !addresses.is_empty() {
        for tx in 0..graph.tx_count() as u32 {
            let first = graph.tx(tx).first_output;
            for (index, output) in graph.tx_outputs(tx).iter().enumerate() {
                if addresses.contains(&output.address) {
                    positions.push(first + index as u64);
                }
            }
        }
    }
    positions.sort_unstable();
    positions.dedup();
    Ok(positions)
}

#[derive(Default)]
struct AddressState {
    received: u128,
    held: u128,
    hop: u32,
    first_tx: Option<u32>,
    at_hop_limit: bool,
}

/// How each output of one transaction shares the taint of its inputs; the last
/// element is the fee's share.
fn allocate(model: Model, inputs: &[(u64, u64)], outputs: &[u64]) -> Vec<u64> {
    let tainted: u128 = inputs.iter().map(|&(_, t)| t as u128).sum();
    let total_in: u128 = inputs.iter().map(|&(v, _)| v as u128).sum();
    let total_out: u128 = outputs.iter().map(|&v| v as u128).sum();
    let mut shares = vec![0u64; outputs.len() + 1];
    if tainted == 0 {
        return shares;
    }
    match model {
        Model::Poison => {
            shares[..outputs.len()].copy_from_slice(outputs);
            shares[outputs.len()] = total_in.saturating_sub(total_out) as u64;
        }
        Model::Haircut => {
            let denominator = total_in.max(total_out).max(1);
            let mut given = 0u128;
            for (share, &value) in shares.iter_mut().zip(outputs) {
                let part = value as u128 * tainted / denominator;
                *share = part as u64;
                given += part;
            }
            shares[outputs.len()] = (tainted - given.min(tainted)) as u64;
        }
        Model::Fifo => {
            // Tainted intervals of the input stream.
            let mut intervals = Vec::with_capacity(inputs.len());
            let mut offset = 0u128;
            for &(value, taint) in inputs {
                if taint > 0 {
                    intervals.push((offset, offset + taint.min(value) as u128));
                }
                offset += value as u128;
            }
            let mut start = 0u128;
            let mut given = 0u128;
            for (share, &value) in shares.iter_mut().zip(outputs) {
                let end = start + value as u128;
                let overlap: u128 = intervals
                    .iter()
                    .map(|&(a, b)| b.min(end).saturating_sub(a.max(start)))
                    .sum();
                *share = overlap as u64;
                given += overlap;
                start = end;
            }
            shares[outputs.len()] = (tainted - given.min(tainted)) as u64;
        }
    }
    shares
}

/// Taint from the seeds, forward or backward as `options.direction` says.
pub fn trace(
    graph: &UtxoGraph,
    seeds: &[String],
    labels: &Labels,
    options: &BtcTraceOptions,
) -> Result<TraceResult, BtcTraceError> {
    let seed_outputs = resolve_seeds(graph, seeds)?;
    match options.direction {
        Direction::Forward => trace_outputs(graph, &seed_outputs, seeds, labels, options),
        Direction::Backward => trace_back(graph, &seed_outputs, seeds, labels, options),
    }
}

/// The block window of a time window: the first block with a transaction at or
/// after `from` and the last with one at or before `to` (unix seconds). A bound no
/// transaction meets gives an empty window.
pub fn block_window(
    graph: &UtxoGraph,
    from: Option<u64>,
    to: Option<u64>,
) -> (Option<u64>, Option<u64>) {
    let (mut first, mut last) = (None::<u64>, None::<u64>);
    for tx in 0..graph.tx_count() as u32 {
        let rec = graph.tx(tx);
        if from.is_some_and(|f| rec.time >= f) {
            first = Some(first.map_or(rec.block, |b| b.min(rec.block)));
        }
        if to.is_some_and(|t| rec.time <= t) {
            last = Some(last.map_or(rec.block, |b| b.max(rec.block)));
        }
    }
    (
        from.map(|_| first.unwrap_or(u64::MAX)),
        to.map(|_| last.unwrap_or(0)),
    )
}

/// The transaction of an output position (binary search over first outputs).
fn tx_of_output(graph: &UtxoGraph, position: u64) -> u32 {
    let (mut lo, mut hi) = (0u32, graph.tx_count() as u32);
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        if graph.tx(mid).first_output <= position {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Labelled services among the graph's addresses: kinds, name, categories.
type ServiceMap = FxHashMap<u32, (BTreeSet<Service>, String, Vec<String>)>;

fn service_map(graph: &UtxoGraph, labels: &Labels) -> ServiceMap {
    let mut services = ServiceMap::default();
    for (address, label) in &labels.by_address {
        let id = graph
            .addresses
            .get(address)
            .or_else(|| normalize::wallet(address).and_then(|n| graph.addresses.get(&n)));
        if let Some(id) = id {
            services.insert(
                id,
                (
                    label.services(),
                    label.name(),
                    label.categories.iter().cloned().collect(),
                ),
            );
        }
    }
    services
}

fn entity_of(address: &str) -> String {
    normalize::wallet(address).map_or_else(|| address.to_string(), |a| format!("wallet:{a}"))
}

/// Which part of each input funded `amount` of output `index` of a transaction:
/// all of every input (poison), `amount × input / total input` (haircut), or the
/// inputs' value under the output's first `amount` satoshis when inputs and
/// outputs are laid end to end in order (FIFO).
fn funding(model: Model, inputs: &[u64], outputs: &[u64], index: usize, amount: u64) -> Vec<u64> {
    let total_in: u128 = inputs.iter().map(|&v| v as u128).sum();
    match model {
        Model::Poison => inputs.to_vec(),
        Model::Haircut => inputs
            .iter()
            .map(|&v| (amount as u128 * v as u128 / total_in.max(1)) as u64)
            .collect(),
        Model::Fifo => {
            let start: u128 = outputs[..index].iter().map(|&v| v as u128).sum();
            let end = start + amount.min(outputs[index]) as u128;
            let mut offset = 0u128;
            inputs
                .iter()
                .map(|&value| {
                    let (a, b) = (offset, offset + value as u128);
                    offset = b;
                    b.min(end).saturating_sub(a.max(start)) as u64
                })
                .collect()
        }
    }
}

/// Backward from the seeds' outputs: where the coins they received came from.
///
/// Each demanded output (at first every output paying a seed, wholly) is
/// explained by the inputs of the transaction that made it ([`funding`]); an
/// input's share becomes a demand on the output it spent, one hop further. The
/// graph is acyclic and transactions are visited latest first, so each
/// transaction is expanded once with every demand on its outputs summed. A
/// source stops at a labelled service in the stop set (an exit: "the coins came
/// from this exchange"), at a CoinJoin (when mixers are a stop), at a coinbase
/// (exit `coinbase`: newly mined), at an input whose funding transaction is not
/// in the graph, or at the hop limit. The books (`reconciliation`) are left
/// empty, as for the EVM tracer's backward traces.
pub fn trace_back(
    graph: &UtxoGraph,
    seed_outputs: &[u64],
    seed_names: &[String],
    labels: &Labels,
    options: &BtcTraceOptions,
) -> Result<TraceResult, BtcTraceError> {
    if seed_outputs.is_empty() {
        return Err(BtcTraceError::NoSeeds);
    }
    let services = service_map(graph, labels);
    let stops = |address: u32| -> Option<(String, String)> {
        let (kinds, name, _) = services.get(&address)?;
        let hit = kinds.iter().find(|k| options.stop_at.contains(k))?;
        Some((hit.as_str().to_string(), name.clone()))
    };
    let in_window = |block: u64| {
        options.from_block.is_none_or(|f| block >= f) && options.to_block.is_none_or(|t| block <= t)
    };
    let text = |address: u32| -> String {
        if address == NONE {
            "op_return".to_string()
        } else {
            graph.addresses.text(address).to_string()
        }
    };

    // Demands per transaction: output index -> (amount, hop).
    let mut demands: FxHashMap<u32, BTreeMap<u32, (u64, u32)>> = FxHashMap::default();
    let mut queue: BinaryHeap<(u64, u32)> = BinaryHeap::new();
    let mut states: FxHashMap<u32, AddressState> = FxHashMap::default();
    let mut seed_addresses: FxHashSet<u32> = FxHashSet::default();
    for &position in seed_outputs {
        let tx = tx_of_output(graph, position);
        let rec = graph.tx(tx);
        if !in_window(rec.block) {
            continue;
        }
        let index = (position - rec.first_output) as u32;
        let output = graph.tx_outputs(tx)[index as usize];
        if output.address != NONE {
            seed_addresses.insert(output.address);
            let state = states.entry(output.address).or_default();
            if state.first_tx.is_none_or(|f| rec.block < graph.tx(f).block) {
                state.first_tx = Some(tx);
            }
        }
        let tx_demands = demands.entry(tx).or_default();
        if tx_demands.is_empty() {
            queue.push((rec.block, tx));
        }
        tx_demands.insert(index, (output.value, 0));
    }

    let arrived: u128 = demands
        .values()
        .flat_map(|d| d.values())
        .map(|&(amount, _)| amount as u128)
        .sum();
    let dust_floor = (arrived * options.dust_floor_ppb as u128 / 1_000_000_000) as u64;
    let mut exits: BTreeMap<String, (Exit, u128)> = BTreeMap::new();
    let mut flows: BTreeMap<(String, String), (Flow, u128)> = BTreeMap::new();
    let mut edges_examined = 0u64;
    let add_exit = |exits: &mut BTreeMap<String, (Exit, u128)>,
                    address: String,
                    kind: &str,
                    label: Option<String>,
                    hop: u32,
                    tx: u32,
                    amount: u64| {
        let rec = graph.tx(tx);
        let entry = exits.entry(address.clone()).or_insert_with(|| {
            (
                Exit {
                    entity: entity_of(&address),
                    address,
                    kind: kind.to_string(),
                    label,
                    hop,
                    first_block: rec.block as u32,
                    first_time: Some(rec.time),
                    amounts: BTreeMap::new(),
                    transactions: Vec::new(),
                },
                0,
            )
        });
        entry.1 += amount as u128;
        entry.0.hop = entry.0.hop.min(hop);
        if (rec.block as u32) < entry.0.first_block {
            entry.0.first_block = rec.block as u32;
            entry.0.first_time = Some(rec.time);
        }
        let txid = txid_text(graph.txid(tx));
        if entry.0.transactions.len() < options.max_tx_refs && !entry.0.transactions.contains(&txid)
        {
            entry.0.transactions.push(txid);
        }
    };

    while let Some((block, tx)) = queue.pop() {
        let Some(outputs_wanted) = demands.remove(&tx) else {
            continue;
        };
        let rec = graph.tx(tx);
        let hop = outputs_wanted.values().map(|&(_, h)| h).min().unwrap_or(0);
        let wanted: u64 = outputs_wanted.values().map(|&(a, _)| a).sum();
        if hop >= options.max_hops {
            for &index in outputs_wanted.keys() {
                let address = graph.tx_outputs(tx)[index as usize].address;
                if let Some(state) = states.get_mut(&address) {
                    state.at_hop_limit = true;
                }
            }
            continue;
        }
        if graph.is_coinjoin(tx) && options.stop_at.contains(&Service::Mixer) {
            let name = graph
                .detections(tx)
                .first()
                .map(|d| d.kind.name().to_string());
            let address = format!("coinjoin:{}", txid_text(graph.txid(tx)));
            add_exit(&mut exits, address, "mixer", name, hop + 1, tx, wanted);
            continue;
        }
        if rec.flags & crate::graph::flags::COINBASE != 0 || rec.inputs == 0 {
            add_exit(
                &mut exits,
                "coinbase".to_string(),
                "coinbase",
                Some("newly mined".to_string()),
                hop + 1,
                tx,
                wanted,
            );
            continue;
        }
        let inputs = graph.tx_inputs(tx);
        let values: Vec<u64> = inputs
            .iter()
            .map(|i| if i.known { i.value } else { 0 })
            .collect();
        let outputs: Vec<u64> = graph.tx_outputs(tx).iter().map(|o| o.value).collect();
        edges_examined += (inputs.len() + outputs_wanted.len()) as u64;
        // Each input's share, per demanded output (for the flows).
        let mut shares = vec![0u64; inputs.len()];
        let mut per_output: Vec<(u32, Vec<u64>)> = Vec::new();
        for (&index, &(amount, _)) in &outputs_wanted {
            let part = funding(options.model, &values, &outputs, index as usize, amount);
            for (total, &p) in shares.iter_mut().zip(&part) {
                *total = if options.model == Model::Poison {
                    (*total).max(p)
                } else {
                    total.saturating_add(p)
                };
            }
            per_output.push((index, part));
        }
        let txid = txid_text(graph.txid(tx));
        for (i, input) in inputs.iter().enumerate() {
            let share = shares[i];
            if share == 0
                || share < options.min_amount
                || share < dust_floor
                || input.address == NONE
                // The seeds' own coins (change back to a seed): what they
                // received is explained once, from its own demand.
                || seed_addresses.contains(&input.address)
            {
                continue;
            }
            let from = text(input.address);
            for (index, part) in &per_output {
                if part[i] == 0 {
                    continue;
                }
                let to = text(graph.tx_outputs(tx)[*index as usize].address);
                let (flow, total) = flows.entry((from.clone(), to.clone())).or_insert_with(|| {
                    (
                        Flow {
                            from: from.clone(),
                            to,
                            asset: BTC.to_string(),
                            amount: String::new(),
                            transfers: 0,
                            first_block: block as u32,
                            transactions: Vec::new(),
                        },
                        0,
                    )
                });
                *total += part[i] as u128;
                flow.transfers += 1;
                flow.first_block = flow.first_block.min(block as u32);
                if flow.transactions.len() < options.max_tx_refs
                    && !flow.transactions.contains(&txid)
                {
                    flow.transactions.push(txid.clone());
                }
            }
            if let Some((kind, name)) = stops(input.address) {
                add_exit(&mut exits, from, &kind, Some(name), hop + 1, tx, share);
                continue;
            }
            let state = states.entry(input.address).or_default();
            state.hop = if state.received == 0 && !seed_addresses.contains(&input.address) {
                hop + 1
            } else {
                state.hop.min(hop + 1)
            };
            if state.first_tx.is_none_or(|f| block < graph.tx(f).block) {
                state.first_tx = Some(tx);
            }
            state.received += share as u128;
            if input.prev_tx == NONE {
                // Funded by a transaction outside the graph: the trail ends here.
                continue;
            }
            let prev = graph.tx(input.prev_tx);
            if !in_window(prev.block) {
                continue;
            }
            let tx_demands = demands.entry(input.prev_tx).or_default();
            if tx_demands.is_empty() {
                queue.push((prev.block, input.prev_tx));
            }
            let slot = tx_demands.entry(input.prev_index).or_insert((0, hop + 1));
            slot.0 = if options.model == Model::Poison {
                slot.0.max(share)
            } else {
                slot.0.saturating_add(share)
            };
            slot.1 = slot.1.min(hop + 1);
        }
    }

    let mut addresses: Vec<TaintedAddress> = states
        .into_iter()
        .map(|(id, state)| {
            let address = graph.addresses.text(id).to_string();
            let label = services.get(&id);
            let first = state.first_tx.map(|t| graph.tx(t));
            let is_seed = seed_addresses.contains(&id);
            TaintedAddress {
                entity: entity_of(&address),
                address,
                hop: if is_seed { 0 } else { state.hop },
                first_taint_block: first.map_or(0, |r| r.block as u32),
                first_taint_time: first.map(|r| r.time),
                tainted_received: if state.received > 0 {
                    [(BTC.to_string(), state.received.to_string())].into()
                } else {
                    BTreeMap::new()
                },
                tainted_held: BTreeMap::new(),
                label: label.map(|l| l.1.clone()),
                categories: label.map(|l| l.2.clone()).unwrap_or_default(),
                is_seed,
                at_hop_limit: state.at_hop_limit,
            }
        })
        .collect();
    addresses.sort_by(|a, b| a.hop.cmp(&b.hop).then(a.address.cmp(&b.address)));
    Ok(TraceResult {
        model: options.model,
        direction: Direction::Backward,
        seeds: seed_names.to_vec(),
        addresses,
        exits: exits
            .into_values()
            .map(|(mut exit, amount)| {
                exit.amounts.insert(BTC.to_string(), amount.to_string());
                exit
            })
            .collect(),
        flows: flows
            .into_values()
            .map(|(mut flow, amount)| {
                flow.amount = amount.to_string();
                flow
            })
            .collect(),
        reconciliation: BTreeMap::new(),
        edges_examined,
    })
}

/// Forward taint from given output positions (e.g. a bridge payout's outputs).
pub fn trace_outputs(
    graph: &UtxoGraph,
    seed_outputs: &[u64],
    seed_names: &[String],
    labels: &Labels,
    options: &BtcTraceOptions,
) -> Result<TraceResult, BtcTraceError> {
    if seed_outputs.is_empty() {
        return Err(BtcTraceError::NoSeeds);
    }
    let total_outputs: u64 = (0..graph.tx_count() as u32)
        .last()
        .map_or(0, |t| graph.tx(t).first_output + graph.tx(t).outputs as u64);
    let tx_of_output = |position: u64| tx_of_output(graph, position);
    let output_at = |position: u64| {
        let tx = tx_of_output(position);
        graph.tx_outputs(tx)[(position - graph.tx(tx).first_output) as usize]
    };
    let seed_addresses: FxHashSet<u32> = seed_outputs
        .iter()
        .filter(|&&p| p < total_outputs)
        .map(|&p| output_at(p).address)
        .collect();
    let services = service_map(graph, labels);
    let stops = |address: u32| -> Option<(String, String)> {
        let (kinds, name, _) = services.get(&address)?;
        let hit = kinds.iter().find(|k| options.stop_at.contains(k))?;
        Some((hit.as_str().to_string(), name.clone()))
    };

    // Taint and hop of every tainted output.
    let mut taint: FxHashMap<u64, (u64, u32)> = FxHashMap::default();
    let mut fee_taint: FxHashMap<u32, u64> = FxHashMap::default();
    let mut queue: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::new();
    let mut queued: FxHashSet<u32> = FxHashSet::default();
    let seed_set: FxHashSet<u64> = seed_outputs.iter().copied().collect();
    let mut seeded: u128 = 0;
    let mut leaving: u128 = 0;
    for &position in seed_outputs {
        if position >= total_outputs {
            continue;
        }
        let output = output_at(position);
        taint.insert(position, (output.value, 0));
        seeded += output.value as u128;
        if output.spent_by != NONE {
            leaving += output.value as u128;
        }
        if output.spent_by != NONE && queued.insert(output.spent_by) {
            queue.push(Reverse((graph.tx(output.spent_by).block, output.spent_by)));
        }
    }

    let mut exits: BTreeMap<String, (Exit, u128)> = BTreeMap::new();
    let mut flows: BTreeMap<(String, String), Flow> = BTreeMap::new();
    let mut untraced: u128 = 0;
    let mut untraced_outputs: FxHashSet<u64> = FxHashSet::default();
    let dust_floor = leaving * options.dust_floor_ppb as u128 / 1_000_000_000;
    let mut dust: u128 = 0;
    // Outputs whose taint was dust, with that taint (not in `taint`).
    let mut dust_outputs: FxHashMap<u64, u64> = FxHashMap::default();
    // Addresses holding taint above the floor (dust still reaches them).
    let mut reached: FxHashSet<u32> = seed_addresses.clone();
    let mut edges_examined = 0u64;
    let mut processed: FxHashSet<u32> = FxHashSet::default();
    let in_window = |block: u64| {
        options.from_block.is_none_or(|f| block >= f) && options.to_block.is_none_or(|t| block <= t)
    };
    let add_exit = |exits: &mut BTreeMap<String, (Exit, u128)>,
                    address: String,
                    kind: String,
                    label: Option<String>,
                    hop: u32,
                    tx: u32,
                    amount: u64| {
        let rec = graph.tx(tx);
        let entry = exits.entry(address.clone()).or_insert_with(|| {
            (
                Exit {
                    entity: normalize::wallet(&address)
                        .map_or_else(|| address.clone(), |a| format!("wallet:{a}")),
                    address,
                    kind,
                    label,
                    hop,
                    first_block: rec.block as u32,
                    first_time: Some(rec.time),
                    amounts: BTreeMap::new(),
                    transactions: Vec::new(),
                },
                0,
            )
        });
        entry.1 += amount as u128;
        entry.0.hop = entry.0.hop.min(hop);
        let txid = txid_text(graph.txid(tx));
        if entry.0.transactions.len() < options.max_tx_refs && !entry.0.transactions.contains(&txid)
        {
            entry.0.transactions.push(txid);
        }
    };

    while let Some(Reverse((block, tx))) = queue.pop() {
        queued.remove(&tx);
        let first_output = graph.tx(tx).first_output;
        // Inputs: (value, taint), with the hop and address of tainted ones.
        let mut inputs = Vec::with_capacity(graph.tx(tx).inputs as usize);
        let mut tainted_inputs: Vec<(u32, u64, u32)> = Vec::new();
        for input in graph.tx_inputs(tx) {
            edges_examined += 1;
            let mut t = 0;
            if input.prev_tx != NONE {
                let position = graph.tx(input.prev_tx).first_output + input.prev_index as u64;
                if let Some(&(amount, hop)) = taint.get(&position) {
                    if !untraced_outputs.contains(&position) {
                        t = amount;
                        tainted_inputs.push((input.address, amount, hop));
                    }
                }
            }
            inputs.push((input.value, t));
        }
        let tainted_in: u128 = inputs.iter().map(|&(_, t)| t as u128).sum();
        if tainted_in == 0 {
            continue;
        }
        let hop = tainted_inputs.iter().map(|&(_, _, h)| h).min().unwrap_or(0) + 1;
        if !in_window(block) {
            // Spent after the window: the taint stops here, untraced.
            if processed.insert(tx) {
                untraced += tainted_in;
            }
            continue;
        }
        if graph.is_coinjoin(tx) && options.stop_at.contains(&Service::Mixer) {
            if processed.insert(tx) {
                let name = graph
                    .detections(tx)
                    .first()
                    .map(|d| d.kind.name().to_string());
                let address = format!("coinjoin:{}", txid_text(graph.txid(tx)));
                add_exit(
                    &mut exits,
                    address,
                    "mixer".to_string(),
                    name,
                    hop,
                    tx,
                    tainted_in as u64,
                );
            }
            continue;
        }
        processed.insert(tx);
        let outputs: Vec<u64> = graph.tx_outputs(tx).iter().map(|o| o.value).collect();
        let shares = allocate(options.model, &inputs, &outputs);
        let old_fee = fee_taint.get(&tx).copied().unwrap_or(0);
        let fee = shares[outputs.len()];
        if fee > old_fee {
            fee_taint.insert(tx, fee);
        }
        for (index, output) in graph.tx_outputs(tx).iter().enumerate() {
            edges_examined += 1;
            let position = first_output + index as u64;
            let old_dust = dust_outputs.get(&position).copied().unwrap_or(0);
            let old = taint.get(&position).map_or(0, |&(t, _)| t);
            let new = shares[index];
            if new <= old.max(old_dust) {
                continue;
            }
            let is_stop = output.address == NONE || stops(output.address).is_some();
            if !is_stop && (new as u128) < dust_floor && !reached.contains(&output.address) {
                // Dust to an address not reached: not followed, not tainted.
                let more = (new - old_dust) as u128;
                untraced += more;
                dust += more;
                dust_outputs.insert(position, new);
                continue;
            }
            if old_dust > 0 {
                // More taint came: no longer dust.
                untraced -= old_dust as u128;
                dust -= old_dust as u128;
                dust_outputs.remove(&position);
            }
            let delta = new - old;
            taint.insert(position, (new, hop));
            // Flows from the tainted input addresses, in proportion to their taint.
            let to = if output.address == NONE {
                "op_return".to_string()
            } else {
                graph.addresses.text(output.address).to_string()
            };
            for &(from, amount, _) in &tainted_inputs {
                let part = (delta as u128 * amount as u128 / tainted_in) as u64;
                if part == 0 {
                    continue;
                }
                let from = graph.addresses.text(from).to_string();
                let flow = flows
                    .entry((from.clone(), to.clone()))
                    .or_insert_with(|| Flow {
                        from,
                        to: to.clone(),
                        asset: BTC.to_string(),
                        amount: "0".to_string(),
                        transfers: 0,
                        first_block: block as u32,
                        transactions: Vec::new(),
                    });
                let total: u128 = flow.amount.parse::<u128>().unwrap_or(0) + part as u128;
                flow.amount = total.to_string();
                flow.transfers += 1;
                let txid = txid_text(graph.txid(tx));
                if flow.transactions.len() < options.max_tx_refs
                    && !flow.transactions.contains(&txid)
                {
                    flow.transactions.push(txid);
                }
            }
            if output.address != NONE {
                if let Some((kind, name)) = stops(output.address) {
                    add_exit(&mut exits, to, kind, Some(name), hop, tx, delta);
                    continue;
                }
            } else {
                // OP_RETURN value is burnt.
                add_exit(&mut exits, to, "burn".to_string(), None, hop, tx, delta);
                continue;
            }
            reached.insert(output.address);
            if new < options.min_amount {
                untraced += delta as u128;
                untraced_outputs.insert(position);
                continue;
            }
            if hop < options.max_hops && output.spent_by != NONE && queued.insert(output.spent_by) {
                queue.push(Reverse((graph.tx(output.spent_by).block, output.spent_by)));
            }
        }
    }

    // Per-address states from the final output taints.
    let exit_outputs: FxHashSet<u32> = services.keys().copied().collect();
    let mut states: FxHashMap<u32, AddressState> = FxHashMap::default();
    let (mut held, mut returned, mut still_at_seeds) = (0u128, 0u128, 0u128);
    for (&position, &(amount, hop)) in &taint {
        let tx = tx_of_output(position);
        let output = graph.tx_outputs(tx)[(position - graph.tx(tx).first_output) as usize];
        if output.address == NONE {
            continue;
        }
        let is_exit = stops(output.address).is_some() && !seed_set.contains(&position);
        let spent_onward = output.spent_by != NONE && processed.contains(&output.spent_by);
        let state = states.entry(output.address).or_default();
        if state
            .first_tx
            .is_none_or(|f| graph.tx(tx).block < graph.tx(f).block)
        {
            state.first_tx = Some(tx);
        }
        state.hop = if state.received == 0 {
            hop
        } else {
            state.hop.min(hop)
        };
        state.received += amount as u128;
        if is_exit || untraced_outputs.contains(&position) || spent_onward {
            continue;
        }
        // Not spent onward: still held here (unspent, past the hop limit, or spent
        // in a transaction not followed).
        if output.spent_by != NONE && hop >= options.max_hops {
            state.at_hop_limit = true;
        }
        state.held += amount as u128;
        if seed_set.contains(&position) {
            still_at_seeds += amount as u128;
        } else if seed_addresses.contains(&output.address) {
            returned += amount as u128;
        } else {
            held += amount as u128;
        }
    }
    let _ = exit_outputs;
    let mut addresses: Vec<TaintedAddress> = states
        .into_iter()
        .map(|(id, state)| {
            let text = graph.addresses.text(id).to_string();
            let label = services.get(&id);
            let first = state.first_tx.map(|t| graph.tx(t));
            TaintedAddress {
                entity: normalize::wallet(&text)
                    .map_or_else(|| text.clone(), |a| format!("wallet:{a}")),
                address: text,
                hop: state.hop,
                first_taint_block: first.map_or(0, |r| r.block as u32),
                first_taint_time: first.map(|r| r.time),
                tainted_received: [(BTC.to_string(), state.received.to_string())].into(),
                tainted_held: [(BTC.to_string(), state.held.to_string())].into(),
                label: label.map(|l| l.1.clone()),
                categories: label.map(|l| l.2.clone()).unwrap_or_default(),
                is_seed: seed_addresses.contains(&id),
                at_hop_limit: state.at_hop_limit,
            }
        })
        .collect();
    addresses.sort_by(|a, b| a.hop.cmp(&b.hop).then(a.address.cmp(&b.address)));
    let exit_total: u128 = exits.values().map(|(_, amount)| amount).sum();
    let fees: u128 = fee_taint.values().map(|&f| f as u128).sum();
    let exits: Vec<Exit> = exits
        .into_values()
        .map(|(mut exit, amount)| {
            exit.amounts.insert(BTC.to_string(), amount.to_string());
            exit
        })
        .collect();
    let left = seeded - still_at_seeds;
    let accounted = returned + held + exit_total + fees + untraced;
    let reconciliation = Reconciliation {
        left_seeds: left.to_string(),
        returned_to_seeds: returned.to_string(),
        held: held.to_string(),
        exits: exit_total.to_string(),
        fees: fees.to_string(),
        untraced: untraced.to_string(),
        dust: dust.to_string(),
        dust_floor: dust_floor.to_string(),
        difference: (left as i128 - accounted as i128).to_string(),
    };
    Ok(TraceResult {
        model: options.model,
        direction: Direction::Forward,
        seeds: seed_names.to_vec(),
        addresses,
        exits,
        flows: flows.into_values().collect(),
        reconciliation: [(BTC.to_string(), reconciliation)].into(),
        edges_examined,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocations_conserve_taint() {
        // Two inputs: 60 clean, 40 tainted; outputs 50 and 45, fee 5.
        let inputs = [(60, 0), (40, 40)];
        let outputs = [50, 45];
        let haircut = allocate(Model::Haircut, &inputs, &outputs);
        assert_eq!(haircut, [20, 18, 2]);
        let fifo = allocate(Model::Fifo, &inputs, &outputs);
        // Stream: [0,60) clean, [60,100) tainted; outputs [0,50), [50,95); fee [95,100).
        assert_eq!(fifo, [0, 35, 5]);
        let poison = allocate(Model::Poison, &inputs, &outputs);
        assert_eq!(poison, [50, 45, 5]);
        for shares in [haircut, fifo] {
            assert_eq!(shares.iter().sum::<u64>(), 40);
        }
        assert_eq!(allocate(Model::Haircut, &[(10, 0)], &[9]), [0, 0]);
    }

    #[test]
    fn backward_funding_splits_an_output_over_the_inputs() {
        // Inputs 60 and 40; outputs 50 and 45 (fee 5).
        let (inputs, outputs) = ([60, 40], [50, 45]);
        // Haircut: 45 of output 1 came 60 % from input 0, 40 % from input 1.
        assert_eq!(funding(Model::Haircut, &inputs, &outputs, 1, 45), [27, 18]);
        // FIFO: output 1 is [50, 95) of the stream: 10 of input 0, 35 of input 1;
        // its first 20 satoshis [50, 70): 10 and 10.
        assert_eq!(funding(Model::Fifo, &inputs, &outputs, 1, 45), [10, 35]);
        assert_eq!(funding(Model::Fifo, &inputs, &outputs, 1, 20), [10, 10]);
        assert_eq!(funding(Model::Fifo, &inputs, &outputs, 0, 50), [50, 0]);
        // Poison: every input wholly.
        assert_eq!(funding(Model::Poison, &inputs, &outputs, 0, 1), [60, 40]);
        // Unknown inputs (value 0) take nothing.
        assert_eq!(funding(Model::Haircut, &[0, 40], &[30], 0, 30), [0, 30]);
    }
}
