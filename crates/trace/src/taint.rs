//! Taint tracing on the chain store: poison, haircut and FIFO, forward from seeds
//! or backward from a deposit, with stops at labelled services.
//!
//! **Forward** is one chronological sweep over the events of the addresses that
//! hold taint. An address joins when it first receives tainted value; its state
//! then (total balance, tainted balance, or FIFO lots) is rebuilt from its whole
//! history, and each later transfer it makes carries taint by the model:
//!
//! * poison: every transfer out of a tainted address is wholly tainted;
//! * haircut: `amount * tainted_balance / balance`, rounded down;
//! * FIFO: value leaves in the order it arrived (Clayton's rule); a mixed inflow
//!   queues its tainted part first.
//!
//! Seeds are wholly tainted. Events are ordered by (block, transaction id, ends);
//! transaction ids follow the order exports list transactions, which is chain order.
//! Taint reaching a labelled service in the stop set (or an exchange deposit
//! address: one that forwards to a labelled exchange) is an **exit**; gas fees go
//! to the fee pseudo-address, also an exit. Haircut and FIFO conserve taint
//! exactly (the rounding stays with the sender), so the [`Reconciliation`] holds
//! to the wei: left the seeds = returned to seeds + held + exits + fees +
//! untraced (below `--min-amount`, sent after the window, or dust).
//!
//! **Dust**: taint below a floor relative to what left the seeds (one millionth
//! by default, [`TraceOptions::dust_floor_ppb`]) is not followed to addresses the
//! trace has not reached yet; it still reaches exits and reached addresses. Without
//! it, haircut leaks wei-sized taint from busy accounts into most of the graph.
//!
//! **Backward** starts from value that arrived at the seeds and walks inflows
//! strictly earlier than each transfer it explains, splitting an amount over the
//! inflows that funded it: in proportion (haircut), by FIFO replay, or wholly
//! (poison).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, VecDeque};

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::amount::mul_div;
use crate::chain::{parse_address, Address, ChainGraph, EdgeRef, FEES, MINT};
use crate::labels::{Labels, Service};

/// Which taint model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Model {
    Poison,
    Haircut,
    Fifo,
}

impl Model {
    pub fn parse(text: &str) -> Option<Model> {
        match text.to_ascii_lowercase().as_str() {
            "poison" => Some(Model::Poison),
            "haircut" => Some(Model::Haircut),
            "fifo" => Some(Model::Fifo),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Forward,
    Backward,
}

/// The default dust floor: one millionth of what left the seeds (0.5 ETH of a
/// 500,000 ETH heist, 0.01 ETH of a 10,000 ETH tranche). Without a floor, haircut
/// taint leaks from every tainted address into each later transfer it makes, so
/// a trace that touches a busy unlabelled account spreads wei-sized taint to
/// hundreds of thousands of addresses that no investigator would act on.
pub const DEFAULT_DUST_FLOOR_PPB: u64 = 1_000;

const BILLION: u128 = 1_000_000_000;

/// What to trace and where to stop.
#[derive(Debug, Clone)]
pub struct TraceOptions {
    pub model: Model,
    pub direction: Direction,
    /// Only this asset (id in the chain store); every asset the seeds moved if `None`.
    pub asset: Option<u32>,
    pub max_hops: u32,
    /// Transfers of a smaller tainted amount (smallest units) are not followed.
    pub min_amount: u128,
    /// The dust floor, relative to the trace's size: taint below this many
    /// billionths of what left the seeds (per asset) is *dust* and does not
    /// reach addresses the trace has not reached yet; it is counted in the books
    /// (`dust`, part of `untraced`). Taint to exits, fees and addresses already
    /// reached is followed whatever its size. 0 turns the floor off. Default:
    /// [`DEFAULT_DUST_FLOOR_PPB`].
    pub dust_floor_ppb: u64,
    /// Inclusive block range to follow transfers in.
    pub from_block: Option<u32>,
    pub to_block: Option<u32>,
    /// Labelled services where taint exits instead of hopping on.
    pub stop_at: BTreeSet<Service>,
    /// Keep at most this many transaction references per flow and exit.
    pub max_tx_refs: usize,
}

impl Default for TraceOptions {
    fn default() -> Self {
        TraceOptions {
            model: Model::Haircut,
            direction: Direction::Forward,
            asset: None,
            max_hops: 20,
            min_amount: 0,
            dust_floor_ppb: DEFAULT_DUST_FLOOR_PPB,
            from_block: None,
            to_block: None,
            stop_at: [Service::Exchange, Service::Bridge, Service::Mixer].into(),
            max_tx_refs: 20,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    #[error("seed {0:?} is not a 0x address")]
    BadSeed(String),
    #[error("seed {0} never appears in the chain store")]
    UnknownSeed(String),
    #[error("no seeds given")]
    NoSeeds,
}

/// One address the trace reached.
#[derive(Debug, Clone, Serialize)]
pub struct TaintedAddress {
    pub address: String,
    /// Entity id of the wallet, for cases (`wallet:0x...`).
    pub entity: String,
    /// Hops from the nearest seed (0 for seeds).
    pub hop: u32,
    pub first_taint_block: u32,
    pub first_taint_time: Option<u64>,
    /// Tainted value received, per asset name, in smallest units.
    pub tainted_received: BTreeMap<String, String>,
    /// Tainted value still held at the end (haircut and FIFO), per asset.
    pub tainted_held: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    pub is_seed: bool,
    /// Not expanded further: the hop limit was reached.
    pub at_hop_limit: bool,
}

/// A labelled service (or deposit address) that tainted value reached.
#[derive(Debug, Clone, Serialize)]
pub struct Exit {
    pub address: String,
    pub entity: String,
    /// `exchange`, `exchange_deposit`, `mixer`, `bridge`, `dex`, `otc`,
    /// `sanctioned`, `fee` or `burn`.
    pub kind: String,
    pub label: Option<String>,
    pub hop: u32,
    pub first_block: u32,
    pub first_time: Option<u64>,
    /// Tainted value that reached it, per asset.
    pub amounts: BTreeMap<String, String>,
    /// Transactions that brought tainted value to it.
    pub transactions: Vec<String>,
}

/// Tainted value moved along one (from, to, asset) pair, summed.
#[derive(Debug, Clone, Serialize)]
pub struct Flow {
    pub from: String,
    pub to: String,
    pub asset: String,
    pub amount: String,
    pub transfers: u64,
    pub first_block: u32,
    pub transactions: Vec<String>,
}

/// Where the tainted value that left the seeds is, per asset (smallest units).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Reconciliation {
    pub left_seeds: String,
    pub returned_to_seeds: String,
    pub held: String,
    pub exits: String,
    pub fees: String,
    /// Taint not followed: transfers below `--min-amount`, outside the window, or
    /// dust (below).
    pub untraced: String,
    /// Of `untraced`, the dust: transfers carrying less taint than the dust floor
    /// ([`TraceOptions::dust_floor_ppb`]) to addresses the trace had not reached.
    pub dust: String,
    /// The dust floor used, in smallest units ("0" when off).
    pub dust_floor: String,
    /// left - returned - held - exits - fees - untraced (0 for haircut and FIFO).
    pub difference: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TraceResult {
    pub model: Model,
    pub direction: Direction,
    pub seeds: Vec<String>,
    pub addresses: Vec<TaintedAddress>,
    pub exits: Vec<Exit>,
    pub flows: Vec<Flow>,
    /// Per asset; forward haircut and FIFO only.
    pub reconciliation: BTreeMap<String, Reconciliation>,
    pub edges_examined: u64,
}

impl TraceResult {
    pub fn address(&self, address: &str) -> Option<&TaintedAddress> {
        self.addresses.iter().find(|a| a.address == address)
    }

    pub fn exit(&self, address: &str) -> Option<&Exit> {
        self.exits.iter().find(|e| e.address == address)
    }
}

/// Per-address labels the engine needs, by chain-store id.
struct ServiceIndex {
    by_id: FxHashMap<u32, (BTreeSet<Service>, String, Vec<String>)>,
    exchanges: FxHashSet<u32>,
    deposit_cache: FxHashMap<u32, Option<String>>,
    fees: Option<u32>,
}

impl ServiceIndex {
    /// Addresses whose ids the index needs: the labelled ones and the fee address.
    fn wanted(labels: &Labels) -> Vec<Address> {
        let mut wanted: Vec<Address> = labels
            .by_address
            .keys()
            .filter_map(|a| parse_address(a))
            .collect();
        wanted.push(FEES);
        wanted
    }

    /// `ids`: chain-store ids of (at least) the [`ServiceIndex::wanted`] addresses.
    fn new(ids: &FxHashMap<Address, u32>, labels: &Labels) -> ServiceIndex {
        let fees = ids.get(&FEES).copied();
        let mut by_id = FxHashMap::default();
        let mut exchanges = FxHashSet::default();
        for (&address, &id) in ids {
            let text = crate::chain::address_text(&address);
            if let Some(label) = labels.get(&text) {
                let services = label.services();
                if services.contains(&Service::Exchange) {
                    exchanges.insert(id);
                }
                by_id.insert(
                    id,
                    (
                        services,
                        label.name(),
                        label.categories.iter().cloned().collect(),
                    ),
                );
            }
        }
        ServiceIndex {
            by_id,
            exchanges,
            deposit_cache: FxHashMap::default(),
            fees,
        }
    }

    /// The exchange an unlabelled address sweeps to, if it does (a deposit address).
    fn deposit_of(
        &mut self,
        graph: &ChainGraph,
        id: u32,
        scratch: &mut Vec<EdgeRef>,
    ) -> Option<String> {
        if self.exchanges.is_empty() {
            return None;
        }
        if let Some(cached) = self.deposit_cache.get(&id) {
            return cached.clone();
        }
        scratch.clear();
        graph.outgoing(id, scratch);
        // A deposit address sweeps everything it receives to its exchange: every
        // transfer out of it (gas aside) goes to a labelled exchange wallet.
        let fees = self.fees;
        let mut sends = scratch.iter().filter(|e| Some(e.to) != fees).peekable();
        let found = if sends.peek().is_some() && sends.all(|e| self.exchanges.contains(&e.to)) {
            scratch
                .iter()
                .find(|e| self.exchanges.contains(&e.to))
                .and_then(|e| self.by_id.get(&e.to).map(|(_, name, _)| name.clone()))
        } else {
            None
        };
        self.deposit_cache.insert(id, found.clone());
        found
    }

    /// Why taint stops at `id`, if it does: (kind, label).
    fn stop(
        &mut self,
        graph: &ChainGraph,
        id: u32,
        stop_at: &BTreeSet<Service>,
        scratch: &mut Vec<EdgeRef>,
    ) -> Option<(String, Option<String>)> {
        let address = graph.address(id);
        if address == FEES {
            return Some(("fee".to_string(), Some("gas fees".to_string())));
        }
        if address == MINT {
            return Some(("burn".to_string(), Some("zero address".to_string())));
        }
        if let Some((services, name, _)) = self.by_id.get(&id) {
            if let Some(service) = services.iter().find(|s| stop_at.contains(s)) {
                return Some((service.as_str().to_string(), Some(name.clone())));
            }
            return None;
        }
        if stop_at.contains(&Service::Exchange) {
            if let Some(exchange) = self.deposit_of(graph, id, scratch) {
                return Some((
                    "exchange_deposit".to_string(),
                    Some(format!("deposit address of {exchange}")),
                ));
            }
        }
        None
    }
}

type Key = (u32, u32, u32, u32);

/// The taint state of one address, for one asset.
#[derive(Default)]
struct Holder {
    hop: u32,
    first_block: u32,
    activated: Key,
    seed: bool,
    expand: bool,
    balance: i128,
    tainted: u128,
    lots: VecDeque<(u128, bool)>,
    received: u128,
    events: Vec<(EdgeRef, bool)>,
    cursor: usize,
}

impl Holder {
    /// Applies an inflow (tainted part included) to the state.
    fn receive(&mut self, model: Model, amount: u128, tainted: u128) {
        self.balance += amount as i128;
        self.tainted += tainted;
        if model == Model::Fifo {
            if tainted > 0 {
                self.lots.push_back((tainted, true));
            }
            if amount > tainted {
                self.lots.push_back((amount - tainted, false));
            }
        }
    }

    /// Applies an outflow; returns its tainted part.
    fn send(&mut self, model: Model, amount: u128) -> u128 {
        let tainted = if self.seed {
            amount
        } else {
            match model {
                Model::Poison => {
                    if self.tainted > 0 {
                        amount
                    } else {
                        0
                    }
                }
                Model::Haircut => {
                    // Balances before the export began are unknown: never let the
                    // balance look smaller than its tainted part.
                    let balance = (self.balance.max(0) as u128).max(self.tainted);
                    mul_div(amount, self.tainted, balance).min(self.tainted)
                }
                Model::Fifo => {
                    let mut left = amount;
                    let mut tainted = 0;
                    while left > 0 {
                        let Some(front) = self.lots.front_mut() else {
                            break;
                        };
                        let take = front.0.min(left);
                        if front.1 {
                            tainted += take;
                        }
                        front.0 -= take;
                        left -= take;
                        if front.0 == 0 {
                            self.lots.pop_front();
                        }
                    }
                    tainted.min(self.tainted)
                }
            }
        };
        self.balance -= amount as i128;
        if model != Model::Poison {
            self.tainted -= tainted.min(self.tainted);
        }
        tainted
    }
}

#[derive(Default)]
struct FlowAcc {
    amount: u128,
    transfers: u64,
    first_block: u32,
    txs: Vec<u32>,
}

struct ExitAcc {
    kind: String,
    label: Option<String>,
    hop: u32,
    first_block: u32,
    amounts: BTreeMap<u32, u128>,
    txs: Vec<u32>,
}

struct AddressAcc {
    hop: u32,
    first_block: u32,
    seed: bool,
    received: BTreeMap<u32, u128>,
    held: BTreeMap<u32, u128>,
    at_hop_limit: bool,
}

/// What a trace found, in numbers; turned into text once, at the end.
struct Collector<'g> {
    graph: &'g ChainGraph,
    options: &'g TraceOptions,
    addresses: FxHashMap<u32, AddressAcc>,
    exits: FxHashMap<u32, ExitAcc>,
    flows: FxHashMap<(u32, u32, u32), FlowAcc>,
    edges_examined: u64,
}

fn note_tx(txs: &mut Vec<u32>, tx: u32, max: usize) {
    if txs.len() < max && !txs.contains(&tx) {
        txs.push(tx);
    }
}

impl Collector<'_> {
    fn asset_name(&self, asset: u32) -> String {
        self.graph.asset_name(asset).to_string()
    }

    fn flow(&mut self, edge: &EdgeRef, tainted: u128) {
        let flow = self
            .flows
            .entry((edge.from, edge.to, edge.asset()))
            .or_insert_with(|| FlowAcc {
                first_block: edge.edge.block,
                ..FlowAcc::default()
            });
        flow.amount = flow.amount.saturating_add(tainted);
        flow.transfers += 1;
        note_tx(&mut flow.txs, edge.edge.tx, self.options.max_tx_refs);
    }

    fn exit(
        &mut self,
        id: u32,
        kind: String,
        label: Option<String>,
        hop: u32,
        edge: &EdgeRef,
        tainted: u128,
    ) {
        let exit = self.exits.entry(id).or_insert_with(|| ExitAcc {
            kind,
            label,
            hop,
            first_block: edge.edge.block,
            amounts: BTreeMap::new(),
            txs: Vec::new(),
        });
        let slot = exit.amounts.entry(edge.asset()).or_default();
        *slot = slot.saturating_add(tainted);
        exit.hop = exit.hop.min(hop);
        exit.first_block = exit.first_block.min(edge.edge.block);
        note_tx(&mut exit.txs, edge.edge.tx, self.options.max_tx_refs);
    }

    fn address_entry(&mut self, id: u32, hop: u32, block: u32, seed: bool) -> &mut AddressAcc {
        let entry = self.addresses.entry(id).or_insert_with(|| AddressAcc {
            hop,
            first_block: block,
            seed,
            received: BTreeMap::new(),
            held: BTreeMap::new(),
            at_hop_limit: false,
        });
        entry.hop = entry.hop.min(hop);
        entry.first_block = entry.first_block.min(block);
        entry
    }

    fn receive(&mut self, id: u32, asset: u32, amount: u128) {
        if let Some(entry) = self.addresses.get_mut(&id) {
            let slot = entry.received.entry(asset).or_default();
            *slot = slot.saturating_add(amount);
        }
    }

    /// The findings as text: addresses, exits and flows.
    fn finish(self, services: &ServiceIndex) -> (Vec<TaintedAddress>, Vec<Exit>, Vec<Flow>, u64) {
        let graph = self.graph;
        let amounts = |map: &BTreeMap<u32, u128>| -> BTreeMap<String, String> {
            map.iter()
                .map(|(asset, value)| (graph.asset_name(*asset).to_string(), value.to_string()))
                .collect()
        };
        let txs =
            |ids: &[u32]| -> Vec<String> { ids.iter().map(|tx| graph.tx(*tx).hash).collect() };
        let mut addresses: Vec<TaintedAddress> = self
            .addresses
            .iter()
            .map(|(&id, acc)| {
                let text = graph.address_text(id);
                let (label, categories) = match services.by_id.get(&id) {
                    Some((_, name, categories)) => (Some(name.clone()), categories.clone()),
                    None => (None, Vec::new()),
                };
                TaintedAddress {
                    entity: format!("wallet:{text}"),
                    address: text,
                    hop: acc.hop,
                    first_taint_block: acc.first_block,
                    first_taint_time: graph.block_time(acc.first_block),
                    tainted_received: amounts(&acc.received),
                    tainted_held: amounts(&acc.held),
                    label,
                    categories,
                    is_seed: acc.seed,
                    at_hop_limit: acc.at_hop_limit,
                }
            })
            .collect();
        addresses.sort_by(|a, b| {
            (a.hop, a.first_taint_block, &a.address).cmp(&(b.hop, b.first_taint_block, &b.address))
        });
        let mut exits: Vec<Exit> = self
            .exits
            .iter()
            .map(|(&id, acc)| {
                let text = graph.address_text(id);
                Exit {
                    entity: format!("wallet:{text}"),
                    address: text,
                    kind: acc.kind.clone(),
                    label: acc.label.clone(),
                    hop: acc.hop,
                    first_block: acc.first_block,
                    first_time: graph.block_time(acc.first_block),
                    amounts: amounts(&acc.amounts),
                    transactions: txs(&acc.txs),
                }
            })
            .collect();
        exits.sort_by(|a, b| (a.first_block, &a.address).cmp(&(b.first_block, &b.address)));
        let mut flows: Vec<((u32, u32, u32), Flow)> = self
            .flows
            .iter()
            .map(|(&(from, to, asset), acc)| {
                (
                    (acc.first_block, from, to),
                    Flow {
                        from: graph.address_text(from),
                        to: graph.address_text(to),
                        asset: graph.asset_name(asset).to_string(),
                        amount: acc.amount.to_string(),
                        transfers: acc.transfers,
                        first_block: acc.first_block,
                        transactions: txs(&acc.txs),
                    },
                )
            })
            .collect();
        flows.sort_by_key(|(key, _)| *key);
        (
            addresses,
            exits,
            flows.into_iter().map(|(_, f)| f).collect(),
            self.edges_examined,
        )
    }
}

fn in_window(options: &TraceOptions, block: u32) -> bool {
    options.from_block.is_none_or(|from| block >= from)
        && options.to_block.is_none_or(|to| block <= to)
}

/// Resolves seed addresses to chain-store ids.
pub fn resolve_seeds(graph: &ChainGraph, seeds: &[String]) -> Result<Vec<u32>, TraceError> {
    let addresses = parse_seeds(seeds)?;
    seed_ids(&addresses, &graph.find(&addresses))
}

fn parse_seeds(seeds: &[String]) -> Result<Vec<Address>, TraceError> {
    if seeds.is_empty() {
        return Err(TraceError::NoSeeds);
    }
    seeds
        .iter()
        .map(|seed| parse_address(seed).ok_or_else(|| TraceError::BadSeed(seed.clone())))
        .collect()
}

fn seed_ids(
    addresses: &[Address],
    found: &FxHashMap<Address, u32>,
) -> Result<Vec<u32>, TraceError> {
    addresses
        .iter()
        .map(|a| {
            found
                .get(a)
                .copied()
                .ok_or_else(|| TraceError::UnknownSeed(crate::chain::address_text(a)))
        })
        .collect()
}

/// Runs a trace.
pub fn trace(
    graph: &ChainGraph,
    labels: &Labels,
    seeds: &[String],
    options: &TraceOptions,
) -> Result<TraceResult, TraceError> {
    // One pass over the address dictionary for seeds and labels together (a pass
    // is most of a short trace's time on a large store).
    let seed_addresses = parse_seeds(seeds)?;
    let mut wanted = ServiceIndex::wanted(labels);
    wanted.extend_from_slice(&seed_addresses);
    let ids = graph.find(&wanted);
    let seed_ids = seed_ids(&seed_addresses, &ids)?;
    let mut services = ServiceIndex::new(&ids, labels);
    let mut collector = Collector {
        graph,
        options,
        addresses: FxHashMap::default(),
        exits: FxHashMap::default(),
        flows: FxHashMap::default(),
        edges_examined: 0,
    };
    let mut reconciliation = BTreeMap::new();
    let mut scratch = Vec::new();
    let assets: BTreeSet<u32> = match options.asset {
        Some(asset) => [asset].into(),
        None => {
            let mut assets = BTreeSet::new();
            for &seed in &seed_ids {
                scratch.clear();
                match options.direction {
                    Direction::Forward => graph.outgoing(seed, &mut scratch),
                    Direction::Backward => graph.incoming(seed, &mut scratch),
                }
                assets.extend(scratch.iter().map(EdgeRef::asset));
            }
            assets
        }
    };
    for asset in assets {
        match options.direction {
            Direction::Forward => {
                let books = forward(&mut collector, &mut services, &seed_ids, asset);
                if options.model != Model::Poison {
                    reconciliation.insert(collector.asset_name(asset), books);
                }
            }
            Direction::Backward => backward(&mut collector, &mut services, &seed_ids, asset),
        }
    }
    let (addresses, exits, flows, edges_examined) = collector.finish(&services);
    Ok(TraceResult {
        model: options.model,
        direction: options.direction,
        seeds: seed_ids.iter().map(|&id| graph.address_text(id)).collect(),
        addresses,
        exits,
        flows,
        reconciliation,
        edges_examined,
    })
}

/// Every event of an address in one asset, in order: (edge, outgoing?).
fn events_of(
    graph: &ChainGraph,
    id: u32,
    asset: u32,
    scratch: &mut Vec<EdgeRef>,
) -> Vec<(EdgeRef, bool)> {
    let mut events = Vec::new();
    scratch.clear();
    graph.outgoing(id, scratch);
    events.extend(
        scratch
            .iter()
            .filter(|e| e.asset() == asset)
            .map(|e| (*e, true)),
    );
    scratch.clear();
    graph.incoming(id, scratch);
    events.extend(
        scratch
            .iter()
            .filter(|e| e.asset() == asset)
            .map(|e| (*e, false)),
    );
    // Outgoing before incoming for the same edge (a self-transfer): the sender's
    // side is the one that moves taint.
    events.sort_by_key(|(e, out)| (e.order_key(), !*out));
    events
}

fn forward(
    collector: &mut Collector<'_>,
    services: &mut ServiceIndex,
    seeds: &[u32],
    asset: u32,
) -> Reconciliation {
    let graph = collector.graph;
    let options = collector.options;
    let model = options.model;
    let mut scratch = Vec::new();
    let mut holders: FxHashMap<u32, Holder> = FxHashMap::default();
    let mut heap: BinaryHeap<Reverse<(Key, u32)>> = BinaryHeap::new();
    let seed_set: FxHashSet<u32> = seeds.iter().copied().collect();
    let (mut left, mut returned, mut exits_total, mut fees, mut below, mut dust) =
        (0u128, 0u128, 0u128, 0u128, 0u128, 0u128);
    let start: Key = (options.from_block.unwrap_or(0), 0, 0, 0);
    // What will leave the seeds (they are wholly tainted) sets the dust floor.
    let mut leaving = 0u128;
    for &seed in seeds {
        let events = events_of(graph, seed, asset, &mut scratch);
        let cursor = events.partition_point(|(e, _)| e.order_key() < start);
        leaving = events[cursor..]
            .iter()
            .filter(|(e, out)| {
                *out && e.from != e.to
                    && !seed_set.contains(&e.to)
                    && in_window(options, e.edge.block)
            })
            .map(|(e, _)| e.amount())
            .fold(leaving, u128::saturating_add);
        let mut holder = Holder {
            seed: true,
            expand: true,
            activated: start,
            first_block: start.0,
            events,
            cursor,
            ..Holder::default()
        };
        if let Some((edge, _)) = holder.events.get(cursor) {
            heap.push(Reverse((edge.order_key(), seed)));
            holder.first_block = edge.edge.block;
        }
        collector.address_entry(seed, 0, holder.first_block, true);
        holders.insert(seed, holder);
    }
    let dust_floor = mul_div(leaving, options.dust_floor_ppb as u128, BILLION);
    while let Some(Reverse((key, id))) = heap.pop() {
        let Some(holder) = holders.get_mut(&id) else {
            continue;
        };
        let Some(&(edge, outgoing)) = holder.events.get(holder.cursor) else {
            continue;
        };
        holder.cursor += 1;
        if let Some((next, _)) = holder.events.get(holder.cursor) {
            heap.push(Reverse((next.order_key(), id)));
        }
        collector.edges_examined += 1;
        let amount = edge.amount();
        if !outgoing {
            // An inflow from an address that holds taint is applied on the
            // sender's side; from anyone else it only changes the balance.
            let sender_active = holders
                .get(&edge.from)
                .is_some_and(|s| s.activated < key && s.expand);
            if !sender_active {
                if let Some(holder) = holders.get_mut(&id) {
                    let tainted = if holder.seed { amount } else { 0 };
                    holder.receive(model, amount, tainted);
                }
            }
            continue;
        }
        if edge.from == edge.to {
            continue;
        }
        let Some(holder) = holders.get_mut(&id) else {
            continue;
        };
        let hop = holder.hop;
        let sender_is_seed = holder.seed;
        let tainted = holder.send(model, amount);
        if !in_window(options, edge.edge.block) || tainted == 0 {
            // Outside the window the value still leaves the balance, untraced.
            if let Some(receiver) = holders.get_mut(&edge.to) {
                if receiver.expand && receiver.activated < key {
                    receiver.receive(model, amount, 0);
                }
            }
            if tainted > 0 && !sender_is_seed {
                below += tainted;
            }
            continue;
        }
        let to_seed = seed_set.contains(&edge.to);
        if sender_is_seed && !to_seed {
            left += tainted;
        }
        if to_seed && !sender_is_seed {
            returned += tainted;
        }
        if tainted < options.min_amount {
            below += tainted;
            if let Some(receiver) = holders.get_mut(&edge.to) {
                if receiver.activated < key {
                    receiver.receive(model, amount, 0);
                }
            }
            continue;
        }
        let stop = if to_seed {
            None
        } else {
            services.stop(graph, edge.to, &options.stop_at, &mut scratch)
        };
        if tainted < dust_floor && stop.is_none() && !holders.contains_key(&edge.to) {
            // Dust to an address not reached yet: following it would cost that
            // address's whole history for a share no one would act on.
            dust += tainted;
            below += tainted;
            continue;
        }
        collector.flow(&edge, tainted);
        if let Some((kind, label)) = stop {
            if kind == "fee" {
                fees += tainted;
            } else {
                exits_total += tainted;
            }
            collector.exit(edge.to, kind, label, hop + 1, &edge, tainted);
            continue;
        }
        collector.address_entry(edge.to, hop + 1, edge.edge.block, to_seed);
        collector.receive(edge.to, asset, tainted);
        if let Some(receiver) = holders.get_mut(&edge.to) {
            receiver.receive(model, amount, tainted);
            receiver.received += tainted;
            continue;
        }
        // First taint: rebuild the receiver's state from its history, then follow it.
        let expand = hop + 1 < options.max_hops;
        let events = events_of(graph, edge.to, asset, &mut scratch);
        let mut receiver = Holder {
            hop: hop + 1,
            first_block: edge.edge.block,
            activated: key,
            expand,
            ..Holder::default()
        };
        let mut cursor = 0;
        while let Some((event, out)) = events.get(cursor) {
            if event.order_key() > key || (event.order_key() == key && !*out) {
                break;
            }
            if *out {
                receiver.send(model, event.amount());
            } else {
                receiver.receive(model, event.amount(), 0);
            }
            cursor += 1;
        }
        // The tainting transfer itself.
        if events
            .get(cursor)
            .is_some_and(|(e, out)| e.order_key() == key && !*out)
        {
            cursor += 1;
        }
        receiver.receive(model, amount, tainted);
        receiver.received = tainted;
        if !expand {
            collector
                .address_entry(edge.to, hop + 1, edge.edge.block, false)
                .at_hop_limit = true;
        } else if let Some((next, _)) = events.get(cursor) {
            heap.push(Reverse((next.order_key(), edge.to)));
        }
        receiver.events = if expand { events } else { Vec::new() };
        receiver.cursor = if expand { cursor } else { 0 };
        holders.insert(edge.to, receiver);
    }
    let mut held = 0u128;
    for (id, holder) in &holders {
        if holder.seed {
            continue;
        }
        held += holder.tainted;
        if model != Model::Poison {
            if let Some(entry) = collector.addresses.get_mut(id) {
                entry.held.insert(asset, holder.tainted);
            }
        }
    }
    let accounted = returned + held + exits_total + fees + below;
    let difference = if left >= accounted {
        (left - accounted).to_string()
    } else {
        format!("-{}", accounted - left)
    };
    Reconciliation {
        left_seeds: left.to_string(),
        returned_to_seeds: returned.to_string(),
        held: held.to_string(),
        exits: exits_total.to_string(),
        fees: fees.to_string(),
        untraced: below.to_string(),
        dust: dust.to_string(),
        dust_floor: dust_floor.to_string(),
        difference,
    }
}

/// One amount to explain: `amount` that `address` sent (or, for a seed, held) at
/// `before`, found `hop` steps back.
struct Demand {
    address: u32,
    amount: u128,
    before: Key,
    hop: u32,
}

fn backward(collector: &mut Collector<'_>, services: &mut ServiceIndex, seeds: &[u32], asset: u32) {
    let graph = collector.graph;
    let options = collector.options;
    let mut scratch = Vec::new();
    let mut queue: VecDeque<Demand> = VecDeque::new();
    let end: Key = (
        options.to_block.unwrap_or(u32::MAX),
        u32::MAX,
        u32::MAX,
        u32::MAX,
    );
    for &seed in seeds {
        collector.address_entry(seed, 0, 0, true);
        // Everything the seed received is to be explained.
        scratch.clear();
        graph.incoming(seed, &mut scratch);
        let total: u128 = scratch
            .iter()
            .filter(|e| e.asset() == asset && e.order_key() <= end)
            .map(EdgeRef::amount)
            .fold(0u128, u128::saturating_add);
        queue.push_back(Demand {
            address: seed,
            amount: total,
            before: end,
            hop: 0,
        });
    }
    // Sources of less than this share of the seeds' inflows are dust, as forward.
    let demanded = queue
        .iter()
        .map(|d| d.amount)
        .fold(0u128, u128::saturating_add);
    let dust_floor = mul_div(demanded, options.dust_floor_ppb as u128, BILLION);
    let mut expanded = 0u64;
    while let Some(demand) = queue.pop_front() {
        if demand.hop >= options.max_hops || demand.amount == 0 {
            continue;
        }
        expanded += 1;
        if expanded > 1_000_000 {
            break;
        }
        let events = events_of(graph, demand.address, asset, &mut scratch);
        let inflows: Vec<&EdgeRef> = events
            .iter()
            .filter(|(e, out)| !out && e.order_key() < demand.before && e.from != e.to)
            .map(|(e, _)| e)
            .filter(|e| in_window(options, e.edge.block))
            .collect();
        collector.edges_examined += events.len() as u64;
        let shares: Vec<u128> = match options.model {
            Model::Poison => inflows.iter().map(|e| e.amount()).collect(),
            Model::Haircut => {
                let total: u128 = inflows
                    .iter()
                    .map(|e| e.amount())
                    .fold(0, u128::saturating_add);
                let demand_amount = demand.amount.min(total);
                inflows
                    .iter()
                    .map(|e| mul_div(demand_amount, e.amount(), total))
                    .collect()
            }
            Model::Fifo => fifo_sources(&events, &inflows, demand.before, demand.amount),
        };
        for (edge, share) in inflows.iter().zip(shares) {
            if share == 0 || share < options.min_amount || share < dust_floor {
                continue;
            }
            collector.flow(edge, share);
            let source = edge.from;
            let hop = demand.hop + 1;
            if let Some((kind, label)) =
                services.stop(graph, source, &options.stop_at, &mut scratch)
            {
                collector.exit(source, kind, label, hop, edge, share);
                continue;
            }
            collector.address_entry(source, hop, edge.edge.block, false);
            collector.receive(source, asset, share);
            if graph.address(source) == MINT {
                continue;
            }
            queue.push_back(Demand {
                address: source,
                amount: share,
                before: edge.order_key(),
                hop,
            });
        }
    }
}

/// Which inflows funded `amount` leaving at `before`, by FIFO replay of the
/// address's history: the share of each inflow in `inflows`.
fn fifo_sources(
    events: &[(EdgeRef, bool)],
    inflows: &[&EdgeRef],
    before: Key,
    amount: u128,
) -> Vec<u128> {
    // Lots: (index in inflows, remaining).
    let index: FxHashMap<(Key, u32), usize> = inflows
        .iter()
        .enumerate()
        .map(|(i, e)| ((e.order_key(), e.from), i))
        .collect();
    let mut lots: VecDeque<(usize, u128)> = VecDeque::new();
    for (edge, out) in events {
        if edge.order_key() >= before {
            break;
        }
        if *out {
            let mut left = edge.amount();
            while left > 0 {
                let Some(front) = lots.front_mut() else { break };
                let take = front.1.min(left);
                front.1 -= take;
                left -= take;
                if front.1 == 0 {
                    lots.pop_front();
                }
            }
        } else if let Some(&i) = index.get(&(edge.order_key(), edge.from)) {
            lots.push_back((i, edge.amount()));
        }
    }
    let mut shares = vec![0u128; inflows.len()];
    let mut left = amount;
    for (i, remaining) in lots {
        if left == 0 {
            break;
        }
        let take = remaining.min(left);
        shares[i] += take;
        left -= take;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::U256;
    use crate::chain::{address_text, Asset, ChainWriter, RawTransfer, SubKey};
    use crate::labels::AddressLabel;

    const S: u8 = 1;
    const A: u8 = 2;
    const B: u8 = 3;
    const X: u8 = 4;
    const C: u8 = 9;
    const E: u8 = 20;
    const D: u8 = 21;

    fn addr(n: u8) -> String {
        address_text(&[n; 20])
    }

    /// A store from (from, to, block, amount) rows; each row its own transaction.
    fn graph(rows: &[(u8, u8, u64, u128)]) -> (tempfile::TempDir, ChainGraph) {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = ChainWriter::open(dir.path()).unwrap();
        writer.begin_file(1).unwrap();
        for (i, &(from, to, block, amount)) in rows.iter().enumerate() {
            let mut hash = [0u8; 32];
            hash[..8].copy_from_slice(&(i as u64 + 1).to_be_bytes());
            writer
                .push(&RawTransfer {
                    tx_hash: hash,
                    sub: SubKey::TOP,
                    block,
                    time: 1_000 + block,
                    from: [from; 20],
                    to: [to; 20],
                    asset: Asset::Native,
                    amount: U256::from_u128(amount),
                    failed: false,
                    fee: 0,
                    line: i as u64 + 2,
                })
                .unwrap();
        }
        writer.commit_file().unwrap();
        writer.finish().unwrap();
        let graph = ChainGraph::open(dir.path()).unwrap();
        (dir, graph)
    }

    fn run(graph: &ChainGraph, labels: &Labels, model: Model) -> TraceResult {
        let options = TraceOptions {
            model,
            ..TraceOptions::default()
        };
        trace(graph, labels, &[addr(S)], &options).unwrap()
    }

    fn received(result: &TraceResult, n: u8) -> Option<u128> {
        result
            .address(&addr(n))
            .map(|a| a.tainted_received["ETH"].parse().unwrap())
    }

    fn reconciles(result: &TraceResult) {
        for books in result.reconciliation.values() {
            assert_eq!(books.difference, "0", "{books:?}");
        }
    }

    /// A holds 100 clean, then gets 100 tainted, then sends 50 and 150.
    const MIXED: &[(u8, u8, u64, u128)] = &[
        (C, A, 5, 100),
        (S, A, 10, 100),
        (A, B, 20, 50),
        (A, X, 30, 150),
    ];

    #[test]
    fn haircut_splits_by_the_tainted_share() {
        let (_dir, graph) = graph(MIXED);
        let result = run(&graph, &Labels::default(), Model::Haircut);
        assert_eq!(received(&result, A), Some(100));
        assert_eq!(received(&result, B), Some(25));
        assert_eq!(received(&result, X), Some(75));
        assert_eq!(result.address(&addr(X)).unwrap().hop, 2);
        assert_eq!(
            result.address(&addr(A)).unwrap().first_taint_time,
            Some(1_010)
        );
        let books = &result.reconciliation["ETH"];
        assert_eq!(books.left_seeds, "100");
        assert_eq!(books.held, "100");
        reconciles(&result);
    }

    #[test]
    fn fifo_spends_the_oldest_coins_first() {
        let (_dir, graph) = graph(MIXED);
        let result = run(&graph, &Labels::default(), Model::Fifo);
        assert_eq!(
            received(&result, B),
            None,
            "the first 50 out are A's clean coins"
        );
        assert_eq!(received(&result, X), Some(100));
        reconciles(&result);
    }

    #[test]
    fn poison_taints_every_later_transfer_wholly() {
        let (_dir, graph) = graph(MIXED);
        let result = run(&graph, &Labels::default(), Model::Poison);
        assert_eq!(received(&result, B), Some(50));
        assert_eq!(received(&result, X), Some(150));
        assert!(result.reconciliation.is_empty());
    }

    #[test]
    fn spending_before_the_taint_arrives_is_clean() {
        let (_dir, graph) = graph(&[
            (C, A, 5, 100),
            (A, B, 8, 60),
            (S, A, 10, 100),
            (A, X, 30, 140),
        ]);
        for model in [Model::Poison, Model::Haircut, Model::Fifo] {
            let result = run(&graph, &Labels::default(), model);
            assert_eq!(received(&result, B), None, "{model:?}");
            assert_eq!(
                received(&result, X),
                Some(if model == Model::Poison { 140 } else { 100 }),
                "{model:?}"
            );
            reconciles(&result);
        }
    }

    #[test]
    fn cycles_and_self_transfers_keep_the_books() {
        let (_dir, graph) = graph(&[
            (S, A, 10, 100),
            (A, A, 11, 40),
            (A, B, 12, 60),
            (B, A, 13, 30),
            (A, S, 14, 10),
            (A, X, 15, 50),
        ]);
        for model in [Model::Haircut, Model::Fifo] {
            let result = run(&graph, &Labels::default(), model);
            let books = &result.reconciliation["ETH"];
            assert_eq!(books.left_seeds, "100", "{model:?}");
            assert_eq!(books.returned_to_seeds, "10", "{model:?}");
            assert_eq!(received(&result, X), Some(50), "{model:?}");
            assert_eq!(
                received(&result, A),
                Some(130),
                "{model:?}: 100 from S, 30 back from B"
            );
            reconciles(&result);
        }
        let poison = run(&graph, &Labels::default(), Model::Poison);
        assert_eq!(poison.addresses.len(), 4, "S, A, B, X");
    }

    #[test]
    fn a_trace_stops_at_an_exchange_and_its_deposit_addresses() {
        let (_dir, graph) = graph(&[
            (S, A, 10, 100),
            (A, D, 11, 30),
            (D, E, 12, 30),
            (A, E, 13, 20),
            (E, X, 14, 1_000),
            (A, B, 15, 50),
        ]);
        let mut labels = Labels::default();
        labels.insert(AddressLabel {
            address: addr(E),
            labels: ["krona hot wallet".to_string()].into(),
            categories: ["exchange".to_string()].into(),
            ..AddressLabel::default()
        });
        let result = run(&graph, &labels, Model::Haircut);
        let deposit = result
            .exit(&addr(D))
            .unwrap_or_else(|| panic!("{result:#?}"));
        assert_eq!(deposit.kind, "exchange_deposit");
        assert_eq!(deposit.amounts["ETH"], "30");
        assert_eq!(deposit.transactions.len(), 1);
        let exchange = result.exit(&addr(E)).unwrap();
        assert_eq!(exchange.kind, "exchange");
        assert_eq!(exchange.amounts["ETH"], "20");
        assert_eq!(
            received(&result, X),
            None,
            "the exchange's own payouts are not followed"
        );
        assert_eq!(result.reconciliation["ETH"].exits, "50");
        reconciles(&result);
    }

    #[test]
    fn hop_limit_and_min_amount_stop_the_walk() {
        let (_dir, graph) = graph(&[
            (S, A, 10, 100),
            (A, B, 11, 100),
            (B, X, 12, 100),
            (A, C, 13, 0),
        ]);
        let options = TraceOptions {
            max_hops: 1,
            ..TraceOptions::default()
        };
        let result = trace(&graph, &Labels::default(), &[addr(S)], &options).unwrap();
        assert!(result.address(&addr(A)).unwrap().at_hop_limit);
        assert!(result.address(&addr(B)).is_none());
        reconciles(&result);
        let options = TraceOptions {
            min_amount: 101,
            ..TraceOptions::default()
        };
        let result = trace(&graph, &Labels::default(), &[addr(S)], &options).unwrap();
        assert!(result.address(&addr(A)).is_none());
        assert_eq!(result.reconciliation["ETH"].untraced, "100");
        reconciles(&result);
    }

    #[test]
    fn dust_is_not_followed_to_new_addresses_but_the_books_close() {
        // A holds 9000 clean when 1000 tainted arrive: a tenth of each later
        // transfer is tainted. The floor is 1% of the 1000 that left the seed: 10.
        let (_dir, graph) = graph(&[
            (C, A, 5, 9_000),
            (S, A, 10, 1_000),
            (A, B, 11, 50),
            (A, X, 12, 500),
            (A, X, 13, 50),
            (A, E, 14, 20),
        ]);
        let mut labels = Labels::default();
        labels.insert(AddressLabel {
            address: addr(E),
            labels: ["krona hot wallet".to_string()].into(),
            categories: ["exchange".to_string()].into(),
            ..AddressLabel::default()
        });
        let options = TraceOptions {
            dust_floor_ppb: 10_000_000,
            ..TraceOptions::default()
        };
        let result = trace(&graph, &labels, &[addr(S)], &options).unwrap();
        let books = &result.reconciliation["ETH"];
        assert_eq!(books.dust_floor, "10");
        assert_eq!(
            received(&result, B),
            None,
            "5 of taint is dust to a new address"
        );
        assert_eq!(books.dust, "5");
        assert_eq!(books.untraced, "5", "dust is part of what was not followed");
        assert_eq!(
            received(&result, X),
            Some(55),
            "50, then 5 more: below the floor, but X is already reached"
        );
        assert_eq!(
            result.exit(&addr(E)).unwrap().amounts["ETH"],
            "2",
            "exits take taint whatever its size"
        );
        assert_eq!(books.held, "993", "A's 938 and X's 55");
        reconciles(&result);

        let off = TraceOptions {
            dust_floor_ppb: 0,
            ..TraceOptions::default()
        };
        let result = trace(&graph, &labels, &[addr(S)], &off).unwrap();
        assert_eq!(received(&result, B), Some(5));
        assert_eq!(result.reconciliation["ETH"].dust, "0");
        assert_eq!(result.reconciliation["ETH"].dust_floor, "0");
        reconciles(&result);
    }

    #[test]
    fn the_default_dust_floor_is_a_millionth_of_what_left_the_seeds() {
        let (_dir, graph) = graph(&[(S, A, 10, 3_000_000_000), (A, B, 11, 100)]);
        let result = run(&graph, &Labels::default(), Model::Haircut);
        assert_eq!(result.reconciliation["ETH"].dust_floor, "3000");
        assert_eq!(received(&result, B), None, "100 < 3000: dust");
        assert_eq!(result.reconciliation["ETH"].dust, "100");
        reconciles(&result);
    }

    #[test]
    fn backward_finds_where_a_deposit_came_from() {
        let (_dir, graph) = graph(MIXED);
        let options = TraceOptions {
            direction: Direction::Backward,
            ..TraceOptions::default()
        };
        let result = trace(&graph, &Labels::default(), &[addr(X)], &options).unwrap();
        // X's 150 came from A, whose 200 came half from S and half from C.
        assert_eq!(received(&result, A), Some(150));
        assert_eq!(received(&result, S), Some(75));
        assert_eq!(received(&result, C), Some(75));
        let fifo = trace(
            &graph,
            &Labels::default(),
            &[addr(X)],
            &TraceOptions {
                model: Model::Fifo,
                ..options
            },
        )
        .unwrap();
        // FIFO: A's first 50 out (to B) were C's coins, so X's 150 are 50 of C and 100 of S.
        assert_eq!(received(&fifo, C), Some(50));
        assert_eq!(received(&fifo, S), Some(100));
    }
}
