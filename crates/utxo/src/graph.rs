//! The UTXO graph: every transaction read so far, its outputs and the inputs that
//! spend them, with addresses interned to 32-bit ids. It resolves inputs as their
//! outputs arrive (in any order), classifies CoinJoins and feeds the clusters,
//! incrementally: [`UtxoGraph::add`] takes transactions, [`UtxoGraph::settle`] clusters
//! the ones not clustered yet and catches up on inputs resolved since.

mod persist;

use rustc_hash::FxHashMap;

use crate::cluster::Clusters;
use crate::coinjoin::{self, Coin, Detection, Rules, Shape};
use crate::script::ScriptType;
use crate::tx::{Outpoint, Tx, Txid};

/// No address, no transaction.
pub const NONE: u32 = u32::MAX;

/// How many inputs wait before they are tied to their outputs in one pass (a
/// few in unit tests, so batches end between transactions that spend each other).
const RESOLVE_BATCH: usize = if cfg!(test) { 3 } else { 1 << 18 };

/// Address text to id and back. Outputs locked to several keys (old bare
/// multisig) get one id for the key set, written `a+b` as GraphSense does; they
/// take no part in clustering.
///
/// The texts live in one arena; the index maps a 64-bit hash of the text to the
/// id and checks the text on every hit, so an address costs its text plus about
/// 24 bytes, and nothing is allocated per address.
#[derive(Debug, Clone, Default)]
pub struct AddressBook {
    index: FxHashMap<u64, u32>,
    /// Texts whose hash another text took first (checked text, so never wrong).
    collisions: FxHashMap<Box<str>, u32>,
    arena: String,
    ends: Vec<u64>,
    /// Ids that stand for key sets (`a+b`); few, so a set beats reading texts.
    key_sets: rustc_hash::FxHashSet<u32>,
}

fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    text.hash(&mut hasher);
    // FxHash's low bits are weak on their own; mix them.
    let h = hasher.finish();
    (h ^ (h >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9)
}

impl AddressBook {
    pub fn intern(&mut self, text: &str) -> u32 {
        let hash = text_hash(text);
        match self.index.get(&hash) {
            Some(&id) if self.text(id) == text => id,
            Some(_) => {
                if let Some(&id) = self.collisions.get(text) {
                    return id;
                }
                let id = self.push(text);
                self.collisions.insert(text.into(), id);
                id
            }
            None => {
                let id = self.push(text);
                self.index.insert(hash, id);
                id
            }
        }
    }

    /// Rebuilds the hash index from the arena (after loading).
    fn rebuild_index(&mut self) {
        self.index.clear();
        self.collisions.clear();
        self.index.reserve(self.ends.len());
        self.key_sets.clear();
        for id in 0..self.ends.len() as u32 {
            let text = self.text(id);
            let is_key_set = text.contains('+');
            let hash = text_hash(text);
            match self.index.get(&hash) {
                Some(_) => {
                    let owned: Box<str> = text.into();
                    self.collisions.insert(owned, id);
                }
                None => {
                    self.index.insert(hash, id);
                }
            }
            if is_key_set {
                self.key_sets.insert(id);
            }
        }
    }

    fn push(&mut self, text: &str) -> u32 {
        let id = self.ends.len() as u32;
        self.arena.push_str(text);
        self.ends.push(self.arena.len() as u64);
        id
    }

    /// The id of an address list (`NONE` when empty).
    pub fn intern_list<'a>(&mut self, mut addresses: impl Iterator<Item = &'a str>) -> u32 {
        let Some(first) = addresses.next() else {
            return NONE;
        };
        match addresses.next() {
            None => self.intern(first),
            Some(second) => {
                let mut joined = format!("{first}+{second}");
                for rest in addresses {
                    joined.push('+');
                    joined.push_str(rest);
                }
                let id = self.intern(&joined);
                self.key_sets.insert(id);
                id
            }
        }
    }

    pub fn get(&self, text: &str) -> Option<u32> {
        match self.index.get(&text_hash(text)) {
            Some(&id) if self.text(id) == text => Some(id),
            Some(_) => self.collisions.get(text).copied(),
            None => None,
        }
    }

    pub fn text(&self, id: u32) -> &str {
        let id = id as usize;
        let Some(&end) = self.ends.get(id) else {
            return "";
        };
        let start = if id == 0 { 0 } else { self.ends[id - 1] };
        self.arena.get(start as usize..end as usize).unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Whether the id stands for a set of keys rather than one address.
    pub fn is_key_set(&self, id: u32) -> bool {
        !self.key_sets.is_empty() && self.key_sets.contains(&id)
    }

    pub fn texts(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len() as u32).map(|id| self.text(id))
    }
}

/// Transaction ids by txid, 16 bytes a transaction: the first 8 bytes of the
/// txid (uniform: txids are hashes) map to the id, and every hit is checked
/// against the full txid in the graph's list, so a shared prefix is never a
/// wrong answer (such txids go to `collisions`). A map keyed by the whole txid
/// with the slot beside it took 48 bytes and three times the cache.
#[derive(Debug, Clone, Default)]
struct TxidIndex {
    by_prefix: FxHashMap<u64, u32>,
    collisions: FxHashMap<Txid, u32>,
}

fn txid_prefix(txid: &Txid) -> u64 {
    let mut prefix = [0u8; 8];
    prefix.copy_from_slice(&txid[..8]);
    u64::from_le_bytes(prefix)
}

impl TxidIndex {
    #[inline]
    fn get(&self, txid: &Txid, txids: &[Txid]) -> Option<u32> {
        match self.by_prefix.get(&txid_prefix(txid)) {
            Some(&id) if txids.get(id as usize) == Some(txid) => Some(id),
            Some(_) => self.collisions.get(txid).copied(),
            None => None,
        }
    }

    /// Adds a txid not in the index yet.
    fn insert(&mut self, txid: &Txid, id: u32) {
        match self.by_prefix.entry(txid_prefix(txid)) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(id);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collisions.insert(*txid, id);
            }
        }
    }
}

/// The addresses of an input or output, however the reader holds them.
pub enum Addresses<'a> {
    Owned(&'a [String]),
    /// Spans of a line (the fast bitcoin-etl path).
    Spans(&'a [u8], &'a [crate::parse::fast::Span]),
    One(String),
}

impl Addresses<'_> {
    fn intern(&self, book: &mut AddressBook) -> u32 {
        match self {
            Addresses::Owned(list) => book.intern_list(list.iter().map(String::as_str)),
            Addresses::Spans(line, spans) => {
                book.intern_list(spans.iter().map(|&(s, e)| {
                    std::str::from_utf8(&line[s as usize..e as usize]).unwrap_or("")
                }))
            }
            Addresses::One(text) => book.intern(text),
        }
    }
}

/// One input as [`UtxoGraph::add_parts`] takes it.
pub struct InputPart<'a> {
    pub prev: Option<Outpoint>,
    /// Value and addresses of the spent output, when the export has them.
    pub spent: Option<(u64, Addresses<'a>)>,
}

/// One output as [`UtxoGraph::add_parts`] takes it.
pub struct OutputPart<'a> {
    pub value: u64,
    pub script: ScriptType,
    pub addresses: Addresses<'a>,
}

/// Transaction flags.
pub mod flags {
    /// Its inputs have been fed to the clusters.
    pub const CLUSTERED: u8 = 1;
    /// Skipped by clustering as a CoinJoin.
    pub const COINJOIN: u8 = 2;
    /// The export said whether it is a CoinJoin (GraphSense's `coinjoin` flag).
    pub const HINTED: u8 = 4;
    pub const COINBASE: u8 = 8;
    /// An input was resolved after the transaction was clustered.
    pub const DIRTY: u8 = 16;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxRec {
    pub block: u64,
    pub time: u64,
    pub first_input: u64,
    pub first_output: u64,
    pub inputs: u32,
    pub outputs: u32,
    pub flags: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutRec {
    pub value: u64,
    pub address: u32,
    pub script: ScriptType,
    /// The transaction that spends it, or [`NONE`].
    pub spent_by: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InRec {
    /// Value and address of the spent output; meaningful when `known`.
    pub value: u64,
    pub address: u32,
    pub known: bool,
    /// The transaction whose output it spends, when that transaction is in the
    /// graph ([`NONE`] otherwise), and the output's index.
    pub prev_tx: u32,
    pub prev_index: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TxSlot {
    id: u32,
    outputs: u32,
    first_output: u64,
}

/// What [`UtxoGraph::add`] did with a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    New(u32),
    /// Already in the graph under this id.
    Duplicate(u32),
}

/// What [`UtxoGraph::settle`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settled {
    pub clustered: u64,
    pub coinjoins: u64,
    pub merges: u64,
    /// Inputs still waiting for the output they spend (older blocks not read).
    pub unresolved_inputs: u64,
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Skip CoinJoin inputs in clustering (on by default).
    pub skip_coinjoins: bool,
    pub rules: Rules,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            skip_coinjoins: true,
            rules: Rules::default(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct UtxoGraph {
    pub addresses: AddressBook,
    txids: Vec<Txid>,
    by_txid: TxidIndex,
    txs: Vec<TxRec>,
    outputs: Vec<OutRec>,
    inputs: Vec<InRec>,
    waiting: FxHashMap<Outpoint, Vec<u64>>,
    /// Inputs added since the last [`UtxoGraph::settle`] (or the last batch),
    /// tied to their outputs in one pass: (spent output, input position,
    /// spending transaction).
    deferred: Vec<(Outpoint, u64, u32)>,
    /// CoinJoin and Tx0 fingerprints of the transactions that matched one.
    detections: FxHashMap<u32, Vec<Detection>>,
    clusters: Clusters,
    /// The first transaction each address appeared in (one-time change).
    first_seen: Vec<u32>,
    /// Transactions added since the last settle.
    pending: Vec<u32>,
    dirty: Vec<u32>,
    options: Options,
}

impl UtxoGraph {
    pub fn new(options: Options) -> Self {
        UtxoGraph {
            clusters: Clusters::new(),
            options,
            ..UtxoGraph::default()
        }
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    pub fn tx_count(&self) -> usize {
        self.txs.len()
    }

    pub fn tx_id(&self, txid: &Txid) -> Option<u32> {
        self.by_txid.get(txid, &self.txids)
    }

    pub fn txid(&self, tx: u32) -> &Txid {
        &self.txids[tx as usize]
    }

    pub fn tx(&self, tx: u32) -> &TxRec {
        &self.txs[tx as usize]
    }

    pub fn tx_inputs(&self, tx: u32) -> &[InRec] {
        let rec = &self.txs[tx as usize];
        &self.inputs[rec.first_input as usize..rec.first_input as usize + rec.inputs as usize]
    }

    pub fn tx_outputs(&self, tx: u32) -> &[OutRec] {
        let rec = &self.txs[tx as usize];
        &self.outputs[rec.first_output as usize..rec.first_output as usize + rec.outputs as usize]
    }

    pub fn detections(&self, tx: u32) -> &[Detection] {
        self.detections.get(&tx).map_or(&[], |d| d)
    }

    /// Transactions with a CoinJoin or Tx0 fingerprint, ascending.
    pub fn detected(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = self.detections.keys().copied().collect();
        ids.sort_unstable();
        ids
    }

    pub fn clusters(&mut self) -> &mut Clusters {
        &mut self.clusters
    }

    /// Inputs still waiting for the output they spend.
    pub fn unresolved(&self) -> u64 {
        self.waiting.values().map(|v| v.len() as u64).sum()
    }

    /// Adds one transaction; `coinjoin` is the export's own CoinJoin flag, if any.
    pub fn add(&mut self, tx: &Tx, coinjoin: Option<bool>) -> Added {
        self.add_parts(
            &tx.txid,
            tx.block,
            tx.time,
            tx.coinbase,
            coinjoin,
            tx.inputs.iter().map(|input| InputPart {
                prev: input.prev,
                spent: input
                    .spent
                    .as_ref()
                    .map(|s| (s.value, Addresses::Owned(&s.addresses))),
            }),
            tx.outputs.iter().map(|output| OutputPart {
                value: output.value,
                script: output.script_type,
                addresses: Addresses::Owned(&output.addresses),
            }),
        )
    }

    /// Adds a transaction read by the fast bitcoin-etl scanner, without building a
    /// [`Tx`].
    pub fn add_raw(
        &mut self,
        line: &[u8],
        raw: &crate::parse::fast::RawTx,
        coinjoin: Option<bool>,
    ) -> Added {
        let spans = |range: (u32, u32)| &raw.addresses[range.0 as usize..range.1 as usize];
        self.add_parts(
            &raw.txid,
            raw.block,
            raw.time,
            raw.coinbase,
            coinjoin,
            raw.inputs.iter().map(|input| InputPart {
                prev: input.prev,
                spent: input
                    .value
                    .map(|v| (v, Addresses::Spans(line, spans(input.addresses)))),
            }),
            raw.outputs.iter().map(|output| OutputPart {
                value: output.value,
                script: output.script_type,
                addresses: if output.addresses.0 == output.addresses.1
                    && output.script_type != ScriptType::NullData
                {
                    let (start, end) = output.script_hex;
                    let script =
                        hex::decode(&line[start as usize..end as usize]).unwrap_or_default();
                    Addresses::One(crate::script::nonstandard_address(&script))
                } else {
                    Addresses::Spans(line, spans(output.addresses))
                },
            }),
        )
    }

    /// Adds one transaction from its parts.
    #[allow(clippy::too_many_arguments)]
    pub fn add_parts<'p>(
        &mut self,
        txid: &Txid,
        block: u64,
        time: u64,
        coinbase: bool,
        coinjoin: Option<bool>,
        inputs: impl Iterator<Item = InputPart<'p>>,
        outputs: impl Iterator<Item = OutputPart<'p>>,
    ) -> Added {
        if let Some(id) = self.tx_id(txid) {
            return Added::Duplicate(id);
        }
        let id = self.txs.len() as u32;
        let mut tx_flags = 0;
        if coinbase {
            tx_flags |= flags::COINBASE;
        }
        match coinjoin {
            Some(true) => tx_flags |= flags::HINTED | flags::COINJOIN,
            Some(false) => tx_flags |= flags::HINTED,
            None => {}
        }
        let first_input = self.inputs.len() as u64;
        let first_output = self.outputs.len() as u64;
        for input in inputs {
            let position = self.inputs.len() as u64;
            let mut record = InRec {
                value: 0,
                address: NONE,
                known: false,
                prev_tx: NONE,
                prev_index: 0,
            };
            if let Some((value, addresses)) = &input.spent {
                record.value = *value;
                record.address = self.intern_at(addresses, id);
                record.known = true;
            }
            if let Some(prev) = input.prev {
                record.prev_index = prev.index;
                self.deferred.push((prev, position, id));
            }
            self.inputs.push(record);
        }
        for output in outputs {
            let address = if output.script == ScriptType::NullData {
                NONE
            } else {
                self.intern_at(&output.addresses, id)
            };
            self.outputs.push(OutRec {
                value: output.value,
                address,
                script: output.script,
                spent_by: NONE,
            });
        }
        let input_count = (self.inputs.len() as u64 - first_input) as u32;
        let output_count = (self.outputs.len() as u64 - first_output) as u32;
        self.txids.push(*txid);
        let slot = TxSlot {
            id,
            outputs: output_count,
            first_output,
        };
        self.by_txid.insert(txid, id);
        self.txs.push(TxRec {
            block,
            time,
            first_input,
            first_output,
            inputs: input_count,
            outputs: output_count,
            flags: tx_flags,
        });
        self.pending.push(id);
        if !self.waiting.is_empty() {
            for index in 0..output_count {
                let outpoint = Outpoint { txid: *txid, index };
                if let Some(positions) = self.waiting.remove(&outpoint) {
                    for position in positions {
                        let mut record = self.inputs[position as usize];
                        let spender = self.spender_of(position);
                        self.link(&mut record, spender, slot, index);
                        self.inputs[position as usize] = record;
                        let rec = &mut self.txs[spender as usize];
                        if rec.flags & flags::CLUSTERED != 0 && rec.flags & flags::DIRTY == 0 {
                            rec.flags |= flags::DIRTY;
                            self.dirty.push(spender);
                        }
                    }
                }
            }
        }
        if self.deferred.len() >= RESOLVE_BATCH {
            self.resolve_deferred();
        }
        Added::New(id)
    }

    /// Ties the deferred inputs to the outputs they spend, or queues them in
    /// `waiting` until their transaction arrives. One input at a time, each
    /// lookup waits for two cache misses (the txid index, the output); in a
    /// batch, every lookup comes first in a tight loop whose iterations do not
    /// depend on each other, so the processor overlaps their misses, and then
    /// the links, sorted by output position so the outputs are read in order.
    fn resolve_deferred(&mut self) {
        if self.deferred.is_empty() {
            return;
        }
        let mut deferred = std::mem::take(&mut self.deferred);
        let (by_txid, txids, txs) = (&self.by_txid, &self.txids, &self.txs);
        let mut found: Vec<(u64, u64, u32, u32)> = Vec::with_capacity(deferred.len());
        for &(prev, position, spender) in &deferred {
            match by_txid.get(&prev.txid, txids) {
                Some(id) => {
                    let rec = &txs[id as usize];
                    // An index past the transaction's outputs spends nothing.
                    if prev.index < rec.outputs {
                        found.push((rec.first_output + prev.index as u64, position, spender, id));
                    }
                }
                None => self.waiting.entry(prev).or_default().push(position),
            }
        }
        // Two inputs spending one output (conflicting exports): the later input
        // is the spender, as when inputs were tied one by one.
        found.sort_unstable_by_key(|&(output, position, ..)| (output, position));
        for (output_position, position, spender, prev_tx) in found {
            let output = &mut self.outputs[output_position as usize];
            output.spent_by = spender;
            let (value, address) = (output.value, output.address);
            let record = &mut self.inputs[position as usize];
            record.prev_tx = prev_tx;
            record.value = value;
            record.address = address;
            record.known = true;
        }
        deferred.clear();
        self.deferred = deferred;
    }

    fn intern_at(&mut self, addresses: &Addresses<'_>, tx: u32) -> u32 {
        let id = addresses.intern(&mut self.addresses);
        if id != NONE && id as usize == self.first_seen.len() {
            self.first_seen.push(tx);
        }
        id
    }

    /// The first transaction an address appeared in.
    pub fn first_seen(&self, address: u32) -> Option<u32> {
        self.first_seen.get(address as usize).copied()
    }

    /// What the enabled change heuristics say about a transaction's outputs.
    pub fn change_guesses(
        &self,
        tx: u32,
        options: &crate::change::ChangeOptions,
    ) -> Vec<crate::change::ChangeGuess> {
        if !options.any() {
            return Vec::new();
        }
        let seen_before: Vec<bool> = self
            .tx_outputs(tx)
            .iter()
            .map(|o| {
                o.address != NONE && self.first_seen(o.address).is_some_and(|first| first < tx)
            })
            .collect();
        crate::change::guess(&self.shape(tx), &seen_before, options)
    }

    /// Ties an input of `spender` to output `index` of `prev`.
    fn link(&mut self, record: &mut InRec, spender: u32, prev: TxSlot, index: u32) {
        if index >= prev.outputs {
            return;
        }
        let output = &mut self.outputs[(prev.first_output + index as u64) as usize];
        output.spent_by = spender;
        record.prev_tx = prev.id;
        record.prev_index = index;
        record.value = output.value;
        record.address = output.address;
        record.known = true;
    }

    /// The transaction an input belongs to (binary search over first inputs).
    fn spender_of(&self, position: u64) -> u32 {
        let at = self.txs.partition_point(|t| t.first_input <= position);
        at.saturating_sub(1) as u32
    }

    /// The CoinJoin checks' view of a transaction.
    pub fn shape(&self, tx: u32) -> Shape<'_> {
        let rec = &self.txs[tx as usize];
        let coin = |value: u64, address: u32, known: bool, script: Option<ScriptType>| Coin {
            value,
            address: (known && address != NONE && !self.addresses.is_key_set(address))
                .then(|| self.addresses.text(address)),
            script,
        };
        Shape {
            coinbase: rec.flags & flags::COINBASE != 0,
            inputs: self
                .tx_inputs(tx)
                .iter()
                .map(|i| {
                    let script = (i.prev_tx != NONE).then(|| {
                        self.outputs[(self.txs[i.prev_tx as usize].first_output
                            + i.prev_index as u64) as usize]
                            .script
                    });
                    coin(i.value, i.address, i.known, script)
                })
                .collect(),
            outputs: self
                .tx_outputs(tx)
                .iter()
                .map(|o| coin(o.value, o.address, true, Some(o.script)))
                .collect(),
        }
    }

    /// The distinct single-key input addresses of a transaction.
    pub fn input_addresses(&self, tx: u32) -> Vec<u32> {
        let mut ids: Vec<u32> = self
            .tx_inputs(tx)
            .iter()
            .filter(|i| i.known && i.address != NONE && !self.addresses.is_key_set(i.address))
            .map(|i| i.address)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Classifies and clusters every transaction added since the last call, and
    /// joins inputs resolved since into the clusters of their transactions.
    pub fn settle(&mut self) -> Settled {
        self.resolve_deferred();
        let mut report = Settled::default();
        let pending = std::mem::take(&mut self.pending);
        for tx in pending {
            // Every fingerprint needs two inputs, or an OP_RETURN (Tx0), and equal
            // (or Wasabi-level) outputs: checked on the values before building
            // the shape, which reads address texts.
            let outputs = self.tx_outputs(tx);
            let op_return = outputs.iter().any(|o| o.script == ScriptType::NullData);
            let values: Vec<u64> = outputs.iter().map(|o| o.value).collect();
            let detections = if (self.txs[tx as usize].inputs >= 2 || op_return)
                && coinjoin::may_match(&values, op_return, &self.options.rules)
            {
                coinjoin::detect(&self.shape(tx), &self.options.rules)
            } else {
                Vec::new()
            };
            let rec = &mut self.txs[tx as usize];
            if rec.flags & flags::HINTED == 0 && self.options.rules.stops_clustering(&detections) {
                rec.flags |= flags::COINJOIN;
            }
            rec.flags |= flags::CLUSTERED;
            let is_coinjoin = rec.flags & flags::COINJOIN != 0;
            if !detections.is_empty() {
                self.detections.insert(tx, detections);
            }
            report.clustered += 1;
            if is_coinjoin {
                report.coinjoins += 1;
                if self.options.skip_coinjoins {
                    continue;
                }
            }
            let addresses = self.input_addresses(tx);
            self.clusters.grow(self.addresses.len());
            report.merges += self.clusters.add_tx(tx, &addresses) as u64;
        }
        let dirty = std::mem::take(&mut self.dirty);
        for tx in dirty {
            let rec = &mut self.txs[tx as usize];
            rec.flags &= !flags::DIRTY;
            if rec.flags & flags::COINJOIN != 0 && self.options.skip_coinjoins {
                continue;
            }
            let addresses = self.input_addresses(tx);
            self.clusters.grow(self.addresses.len());
            report.merges += self.clusters.add_tx(tx, &addresses) as u64;
        }
        self.clusters.grow(self.addresses.len());
        report.unresolved_inputs = self.unresolved();
        report
    }

    pub fn is_coinjoin(&self, tx: u32) -> bool {
        self.txs[tx as usize].flags & flags::COINJOIN != 0
    }

    /// The transaction of a txid text.
    pub fn find_tx(&self, text: &str) -> Option<u32> {
        self.tx_id(&crate::tx::parse_txid(text)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tx::{TxIn, TxOut};

    fn tx(id: u8, inputs: &[(u8, u32)], outputs: &[(u64, &str)]) -> Tx {
        Tx {
            txid: [id; 32],
            block: id as u64,
            time: 0,
            index: None,
            coinbase: inputs.is_empty(),
            version: 2,
            lock_time: 0,
            vsize: None,
            inputs: inputs
                .iter()
                .map(|&(prev, index)| TxIn {
                    prev: Some(Outpoint {
                        txid: [prev; 32],
                        index,
                    }),
                    sequence: u32::MAX,
                    spent: None,
                })
                .collect(),
            outputs: outputs
                .iter()
                .enumerate()
                .map(|(i, &(value, address))| TxOut {
                    index: i as u32,
                    value,
                    script_type: ScriptType::P2wpkh,
                    addresses: vec![address.to_string()],
                })
                .collect(),
        }
    }

    /// Every input tied to its output whatever the order and wherever the
    /// batches of deferred inputs end (3 inputs a batch here).
    #[test]
    fn deferred_inputs_resolve_across_batches_and_orders() {
        let txs = [
            tx(5, &[(4, 0), (3, 1)], &[(70, "e")]),
            tx(1, &[], &[(50, "a"), (40, "b")]),
            tx(2, &[], &[(30, "c")]),
            tx(3, &[(1, 0), (1, 1), (2, 0)], &[(60, "d"), (55, "a")]),
            tx(6, &[(3, 7)], &[(1, "f")]),
            tx(4, &[(3, 0)], &[(59, "d")]),
        ];
        let mut graph = UtxoGraph::new(Options::default());
        for t in &txs[..3] {
            graph.add(t, None);
        }
        graph.settle();
        for t in &txs[3..] {
            graph.add(t, None);
        }
        let settled = graph.settle();
        // tx 6 spends an output tx 3 does not have: never resolved, not waiting.
        assert_eq!(settled.unresolved_inputs, 0);
        let id = |n: u8| graph.tx_id(&[n; 32]).unwrap();
        let spent: Vec<(u32, u64, &str, bool)> = graph
            .tx_inputs(id(5))
            .iter()
            .chain(graph.tx_inputs(id(3)))
            .chain(graph.tx_inputs(id(6)))
            .map(|i| (i.prev_tx, i.value, graph.addresses.text(i.address), i.known))
            .collect();
        assert_eq!(
            spent,
            [
                (id(4), 59, "d", true),
                (id(3), 55, "a", true),
                (id(1), 50, "a", true),
                (id(1), 40, "b", true),
                (id(2), 30, "c", true),
                (NONE, 0, "", false),
            ]
        );
        assert_eq!(graph.tx_outputs(id(3))[1].spent_by, id(5));
        assert_eq!(graph.tx_outputs(id(4))[0].spent_by, id(5));
        // tx 5 was clustered before tx 3 and 4 arrived: its inputs joined then
        // (d and a), and tx 3's inputs joined a, b, c.
        let a = graph.addresses.get("a").unwrap();
        assert_eq!(graph.clusters().size(a), 4);
    }

    /// Two txids with the same first 8 bytes: each found as itself, spends of
    /// either tied to the right one, and a duplicate of the second recognised.
    #[test]
    fn txids_sharing_a_prefix_stay_apart() {
        let mut graph = UtxoGraph::new(Options::default());
        let mut twin = tx(1, &[], &[(7, "twin")]);
        twin.txid[8..].fill(2);
        graph.add(&tx(1, &[], &[(5, "one")]), None);
        assert!(matches!(graph.add(&twin, None), Added::New(1)));
        assert!(matches!(graph.add(&twin, None), Added::Duplicate(1)));
        let mut spend = tx(3, &[(1, 0)], &[(4, "x")]);
        spend.inputs.push(crate::tx::TxIn {
            prev: Some(Outpoint {
                txid: twin.txid,
                index: 0,
            }),
            sequence: u32::MAX,
            spent: None,
        });
        graph.add(&spend, None);
        graph.settle();
        assert_eq!(graph.tx_id(&[1; 32]), Some(0));
        assert_eq!(graph.tx_id(&twin.txid), Some(1));
        let values: Vec<(u32, u64)> = graph
            .tx_inputs(2)
            .iter()
            .map(|i| (i.prev_tx, i.value))
            .collect();
        assert_eq!(values, [(0, 5), (1, 7)]);
    }
}
