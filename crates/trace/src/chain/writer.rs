//! Appending to the chain store. Ingest opens one [`ChainWriter`] per run, feeds
//! it each bulk file's rows ([`ChainWriter::push`]), commits each file as one
//! immutable segment ([`ChainWriter::commit_file`]), and indexes the new segments
//! at the end ([`ChainWriter::finish`]).
//!
//! Transfers are deduplicated by (chain, transaction, sub-key) across every file
//! ever ingested: a transaction's native value and its top-level trace are one
//! transfer, and re-exported block ranges add nothing.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rustc_hash::{FxHashMap, FxHashSet};

use super::index::{RunData, SegmentMap};
use super::key_index::{hash_key, InlineIndex, KeyIndex};
use super::{
    big_path, io_error, map_file, read_manifest, run_path, segment_path, split_amount,
    write_manifest, Address, Asset, ChainError, Manifest, RawTransfer, Result, RunInfo, SegRow,
    SegmentInfo, FLAG_BIG, FLAG_FAILED,
};

/// What became of one pushed row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    Stored,
    Duplicate,
}

/// Totals of one committed file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileTotals {
    pub stored: u64,
    pub duplicates: u64,
    /// Stored rows that move money (successful, non-zero); the rest are failed
    /// transactions and zero-value calls, stored for provenance only.
    pub money: u64,
}

struct OpenSegment {
    id: u64,
    file_id: i64,
    tmp: PathBuf,
    out: BufWriter<File>,
    totals: FileTotals,
    rows: u64,
    big: Vec<(u64, String)>,
    /// Transactions whose `first_sub` this file set, and keys it added to `seen`:
    /// taken out again if the file is aborted.
    first_set: Vec<u32>,
    seen_keys: Vec<u128>,
}

/// A dictionary of fixed-size keys (addresses, transaction hashes) whose id is
/// their position: those committed before the writer opened (memory-mapped),
/// then those added since; `flushed` of the latter are in the file.
struct Dictionary<const N: usize> {
    index: Lookup<N>,
    old: Option<memmap2::Mmap>,
    at_open: usize,
    added: Vec<[u8; N]>,
    flushed: usize,
}

/// How a dictionary finds ids: addresses repeat (most lookups find one), so their
/// keys sit in the table; transaction hashes are mostly new, so their table keeps
/// only ids and hash bits, a quarter of the memory.
enum Lookup<const N: usize> {
    Inline(InlineIndex<N>),
    Tagged(KeyIndex),
}

impl<const N: usize> Dictionary<N> {
    fn load(path: &Path, count: usize, inline: bool) -> Result<Dictionary<N>> {
        let old = map_file(path)?;
        if count > 0 && old.as_ref().is_none_or(|map| map.len() < count * N) {
            return Err(corrupt(path, "shorter than the manifest says"));
        }
        let mut index = if inline {
            Lookup::Inline(InlineIndex::with_capacity(count))
        } else {
            Lookup::Tagged(KeyIndex::with_capacity(count))
        };
        if let Some(map) = &old {
            for (id, chunk) in map[..count * N].chunks_exact(N).enumerate() {
                let mut key = [0u8; N];
                key.copy_from_slice(chunk);
                let hash = hash_key(&key);
                match &mut index {
                    Lookup::Inline(table) => {
                        if let Err(slot) = table.find(&key, hash) {
                            table.insert_at(slot, &key, id as u32);
                        }
                    }
                    Lookup::Tagged(table) => table.insert_new(hash, id as u32),
                }
            }
        }
        Ok(Dictionary {
            index,
            old,
            at_open: count,
            added: Vec::new(),
            flushed: 0,
        })
    }

    fn key(&self, id: u32) -> &[u8] {
        let id = id as usize;
        match id.checked_sub(self.at_open) {
            Some(added) => &self.added[added],
            None => match &self.old {
                Some(map) => &map[id * N..(id + 1) * N],
                None => &[],
            },
        }
    }

    /// The key's id, adding it if it is new.
    #[inline]
    fn id(&mut self, key: &[u8; N], what: &'static str) -> Result<u32> {
        let hash = hash_key(key);
        let (found, len) = match &self.index {
            Lookup::Inline(table) => (table.find(key, hash), table.len()),
            Lookup::Tagged(table) => (table.find(hash, |id| self.key(id) == key), table.len()),
        };
        match found {
            Ok(id) => Ok(id),
            Err(slot) => {
                if len >= u32::MAX as usize - 1 {
                    return Err(ChainError::Full(u32::MAX as u64, what));
                }
                let id = len as u32;
                match &mut self.index {
                    Lookup::Inline(table) => table.insert_at(slot, key, id),
                    Lookup::Tagged(table) => table.insert_at(slot, hash, id),
                }
                self.added.push(*key);
                Ok(id)
            }
        }
    }

    /// Reads the table slot where `key`'s lookup starts.
    #[inline]
    fn touch(&self, key: &[u8; N]) -> u64 {
        let hash = hash_key(key);
        match &self.index {
            Lookup::Inline(table) => table.touch(hash) as u64,
            Lookup::Tagged(table) => table.touch(hash),
        }
    }

    /// Keys added since the last call, as bytes to append to the file.
    fn take_unflushed(&mut self) -> &[u8] {
        let from = self.flushed;
        self.flushed = self.added.len();
        self.added[from..].as_flattened()
    }
}

pub struct ChainWriter {
    dir: PathBuf,
    manifest: Manifest,
    addresses: Dictionary<20>,
    txs: Dictionary<32>,
    txs_at_open: u32,
    tokens: FxHashMap<Address, u32>,
    new_blocks: Vec<(u32, u32)>,
    last_block: Option<(u32, u32)>,
    /// Sub-key of the first row stored this session for each transaction id (by
    /// position; [`NO_SUB`] when none): most transactions have one transfer, so
    /// deduplication is a vector lookup, and only the others use `seen`.
    first_sub: Vec<u64>,
    seen: FxHashSet<u128>,
    old_keys: Option<FxHashSet<u128>>,
    current: Option<OpenSegment>,
}

const NO_SUB: u64 = u64::MAX - 1;

fn key(tx: u32, sub: u64) -> u128 {
    (tx as u128) << 64 | sub as u128
}

impl ChainWriter {
    /// Opens (creating) the chain store in `dir` and loads its dictionaries.
    pub fn open(dir: &Path) -> Result<ChainWriter> {
        std::fs::create_dir_all(dir.join("segments")).map_err(io_error(dir))?;
        std::fs::create_dir_all(dir.join("runs")).map_err(io_error(dir))?;
        let manifest = read_manifest(dir)?;
        let addresses = Dictionary::load(
            &dir.join("addresses.bin"),
            manifest.addresses as usize,
            true,
        )?;
        let txs = Dictionary::load(&dir.join("txs.bin"), manifest.txs as usize, false)?;
        let mut tokens = FxHashMap::default();
        for (id, name) in manifest.assets.iter().enumerate() {
            if let Some(address) = super::parse_address(name) {
                tokens.insert(address, id as u32);
            }
        }
        Ok(ChainWriter {
            dir: dir.to_path_buf(),
            txs_at_open: manifest.txs as u32,
            manifest,
            addresses,
            txs,
            tokens,
            new_blocks: Vec::new(),
            last_block: None,
            first_sub: Vec::new(),
            seen: FxHashSet::default(),
            old_keys: None,
            current: None,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Starts the segment of one source file (store file id, for provenance).
    pub fn begin_file(&mut self, file_id: i64) -> Result<()> {
        self.abort_file();
        let id = self.manifest.next_id;
        let tmp = segment_path(&self.dir, id).with_extension("tmp");
        let file = File::create(&tmp).map_err(io_error(&tmp))?;
        self.current = Some(OpenSegment {
            id,
            file_id,
            tmp,
            out: BufWriter::with_capacity(1 << 20, file),
            totals: FileTotals::default(),
            rows: 0,
            big: Vec::new(),
            first_set: Vec::new(),
            seen_keys: Vec::new(),
        });
        Ok(())
    }

    fn address_id(&mut self, address: &Address) -> Result<u32> {
        self.addresses.id(address, "addresses")
    }

    fn tx_id(&mut self, hash: &[u8; 32]) -> Result<u32> {
        self.txs.id(hash, "transactions")
    }

    fn asset_id(&mut self, asset: Asset) -> u32 {
        match asset {
            Asset::Native => 0,
            Asset::Token(address) => {
                if let Some(&id) = self.tokens.get(&address) {
                    return id;
                }
                let id = self.manifest.assets.len() as u32;
                self.manifest.assets.push(super::address_text(&address));
                self.tokens.insert(address, id);
                id
            }
        }
    }

    /// Keys of every row committed before this writer opened, loaded the first time a
    /// row names a transaction that was already known (a re-exported range).
    fn old_keys(&mut self) -> Result<&FxHashSet<u128>> {
        if self.old_keys.is_none() {
            let mut keys = FxHashSet::default();
            for segment in &self.manifest.segments {
                let map = SegmentMap::open(&self.dir, segment.id, segment.rows)?;
                for row in map.rows()? {
                    keys.insert(key(row.tx, row.sub));
                }
            }
            self.old_keys = Some(keys);
        }
        Ok(self.old_keys.get_or_insert_with(FxHashSet::default))
    }

    /// [`ChainWriter::push`] of each row of a batch. The dictionaries are tables
    /// much larger than the caches, and a lookup waits for memory; reading each
    /// row's table slots first, in a loop whose reads do not depend on each other,
    /// lets the processor wait for many of them at once.
    pub fn push_batch(&mut self, batch: &[RawTransfer]) -> Result<()> {
        let mut touched = 0u64;
        for transfer in batch {
            touched ^= self.txs.touch(&transfer.tx_hash);
            touched ^= self.addresses.touch(&transfer.from);
            touched ^= self.addresses.touch(&transfer.to);
        }
        std::hint::black_box(touched);
        for transfer in batch {
            self.push(transfer)?;
        }
        Ok(())
    }

    /// Adds one row to the open file's segment, unless the same transfer is stored.
    pub fn push(&mut self, transfer: &RawTransfer) -> Result<Pushed> {
        if self.current.is_none() {
            return Err(ChainError::Corrupt {
                path: self.dir.clone(),
                message: "push without begin_file".to_string(),
            });
        }
        let tx = self.tx_id(&transfer.tx_hash)?;
        let row_key = key(tx, transfer.sub.0);
        if self.first_sub.len() <= tx as usize {
            self.first_sub.resize(tx as usize + 1, NO_SUB);
        }
        let first = self.first_sub[tx as usize];
        let new_this_session = if first == NO_SUB {
            self.first_sub[tx as usize] = transfer.sub.0;
            if let Some(current) = self.current.as_mut() {
                current.first_set.push(tx);
            }
            true
        } else if first == transfer.sub.0 {
            false
        } else {
            let inserted = self.seen.insert(row_key);
            if inserted {
                if let Some(current) = self.current.as_mut() {
                    current.seen_keys.push(row_key);
                }
            }
            inserted
        };
        if !new_this_session || (tx < self.txs_at_open && self.old_keys()?.contains(&row_key)) {
            if let Some(current) = self.current.as_mut() {
                current.totals.duplicates += 1;
            }
            return Ok(Pushed::Duplicate);
        }
        let src = self.address_id(&transfer.from)?;
        let dst = self.address_id(&transfer.to)?;
        let asset = self.asset_id(transfer.asset);
        let block = u32::try_from(transfer.block).unwrap_or(u32::MAX);
        if transfer.time > 0 {
            let time = u32::try_from(transfer.time).unwrap_or(u32::MAX);
            if self.last_block != Some((block, time)) {
                self.last_block = Some((block, time));
                self.new_blocks.push((block, time));
            }
        }
        let mut flags = 0;
        if transfer.failed {
            flags |= FLAG_FAILED;
        }
        let amount = match transfer.amount.to_u128() {
            Some(amount) => amount,
            None => {
                flags |= FLAG_BIG;
                u128::MAX
            }
        };
        let row = SegRow {
            src,
            dst,
            asset,
            block,
            tx,
            file: 0,
            flags,
            _pad: 0,
            line: transfer.line,
            sub: transfer.sub.0,
            amount: split_amount(amount),
        };
        let fee_row = if transfer.fee > 0 {
            let fees = self.address_id(&super::FEES)?;
            Some(SegRow {
                dst: fees,
                asset: 0,
                flags: 0,
                sub: super::SubKey::FEE.0,
                amount: split_amount(transfer.fee),
                ..row
            })
        } else {
            None
        };
        let Some(current) = self.current.as_mut() else {
            return Ok(Pushed::Duplicate);
        };
        let row = SegRow {
            file: u32::try_from(current.file_id).unwrap_or(u32::MAX),
            ..row
        };
        if let Some(fee_row) = fee_row {
            let fee_row = SegRow {
                file: row.file,
                ..fee_row
            };
            current
                .out
                .write_all(bytemuck::bytes_of(&fee_row))
                .map_err(io_error(&current.tmp))?;
            current.rows += 1;
            current.totals.money += 1;
        }
        if flags & FLAG_BIG != 0 {
            current
                .big
                .push((current.rows, transfer.amount.to_string()));
        }
        current
            .out
            .write_all(bytemuck::bytes_of(&row))
            .map_err(io_error(&current.tmp))?;
        current.rows += 1;
        current.totals.stored += 1;
        if row.is_money() {
            current.totals.money += 1;
        }
        Ok(Pushed::Stored)
    }

    /// Drops the open file's segment (the file failed; it is read again next time).
    pub fn abort_file(&mut self) {
        if let Some(current) = self.current.take() {
            for &tx in &current.first_set {
                self.first_sub[tx as usize] = NO_SUB;
            }
            for key in &current.seen_keys {
                self.seen.remove(key);
            }
            drop(current.out);
            let _ = std::fs::remove_file(&current.tmp);
        }
    }

    /// Makes the open file's segment durable and part of the store.
    pub fn commit_file(&mut self) -> Result<FileTotals> {
        let Some(current) = self.current.take() else {
            return Ok(FileTotals::default());
        };
        let OpenSegment {
            id,
            file_id,
            tmp,
            out,
            totals,
            rows,
            big,
            ..
        } = current;
        let file = out.into_inner().map_err(|e| ChainError::Io {
            path: tmp.clone(),
            source: e.into_error(),
        })?;
        // No fsync: like the SQLite store (WAL, synchronous=NORMAL) this survives a
        // killed process, which is what a re-run recovers from; the manifest rename
        // is the commit point.
        drop(file);
        if !big.is_empty() {
            let text: String = big
                .iter()
                .map(|(row, value)| format!("{row} {value}\n"))
                .collect();
            let path = big_path(&self.dir, id);
            std::fs::write(&path, text).map_err(io_error(&path))?;
        }
        let path = segment_path(&self.dir, id);
        std::fs::rename(&tmp, &path).map_err(io_error(&path))?;
        self.append_dictionaries()?;
        self.manifest.segments.push(SegmentInfo {
            id,
            file_id,
            rows,
            money_edges: totals.money,
            indexed: false,
        });
        self.manifest.next_id = id + 1;
        write_manifest(&self.dir, &self.manifest)?;
        Ok(totals)
    }

    /// Writes new addresses, transactions and block times after what the manifest
    /// records (cutting off whatever an earlier killed run left past it).
    fn append_dictionaries(&mut self) -> Result<()> {
        let addresses = self.addresses.take_unflushed();
        append(
            &self.dir.join("addresses.bin"),
            self.manifest.addresses * 20,
            addresses,
        )?;
        self.manifest.addresses += addresses.len() as u64 / 20;
        let txs = self.txs.take_unflushed();
        append(&self.dir.join("txs.bin"), self.manifest.txs * 32, txs)?;
        self.manifest.txs += txs.len() as u64 / 32;
        let blocks = std::mem::take(&mut self.new_blocks);
        let bytes: Vec<u8> = blocks
            .iter()
            .flat_map(|(block, time)| block.to_le_bytes().into_iter().chain(time.to_le_bytes()))
            .collect();
        append(
            &self.dir.join("blocks.bin"),
            self.manifest.blocks * 8,
            &bytes,
        )?;
        self.manifest.blocks += blocks.len() as u64;
        Ok(())
    }

    /// Indexes the segments committed since the last index, then merges runs
    /// size-tiered. Returns the manifest as committed.
    pub fn finish(mut self) -> Result<Manifest> {
        self.abort_file();
        index_pending(&self.dir, &mut self.manifest)?;
        Ok(self.manifest)
    }
}

fn corrupt(path: &Path, message: &str) -> ChainError {
    ChainError::Corrupt {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

fn append(path: &Path, committed: u64, bytes: &[u8]) -> Result<()> {
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(io_error(path))?;
    file.set_len(committed).map_err(io_error(path))?;
    file.seek(SeekFrom::Start(committed))
        .map_err(io_error(path))?;
    file.write_all(bytes).map_err(io_error(path))
}

/// Builds a run for the segments not yet indexed, and merges runs while the newest
/// is at least half the size of the one before it.
pub(crate) fn index_pending(dir: &Path, manifest: &mut Manifest) -> Result<()> {
    let pending: Vec<u64> = manifest
        .segments
        .iter()
        .filter(|s| !s.indexed)
        .map(|s| s.id)
        .collect();
    if pending.is_empty() {
        return Ok(());
    }
    let money = |ids: &[u64]| -> u64 {
        manifest
            .segments
            .iter()
            .filter(|s| ids.contains(&s.id))
            .map(|s| s.money_edges)
            .sum()
    };
    let mut edges = money(&pending);
    let mut run_segments = pending;
    let mut obsolete = Vec::new();
    while let Some(previous) = manifest.runs.last() {
        if edges * 2 < previous.edges {
            break;
        }
        let Some(previous) = manifest.runs.pop() else {
            break;
        };
        obsolete.push(previous.id);
        edges += previous.edges;
        let mut merged = previous.segments;
        merged.extend(run_segments);
        run_segments = merged;
    }
    let data = build_for(dir, manifest, &run_segments)?;
    let id = manifest.next_id;
    manifest.next_id += 1;
    data.write(&run_path(dir, id))?;
    manifest.runs.push(RunInfo {
        id,
        segments: run_segments,
        edges: data.fwd.len() as u64,
        addresses: data.n_addr as u64,
    });
    for segment in manifest.segments.iter_mut() {
        segment.indexed = true;
    }
    write_manifest(dir, manifest)?;
    for id in obsolete {
        let _ = std::fs::remove_file(run_path(dir, id));
    }
    Ok(())
}

/// The run of some committed segments, built in memory.
pub(crate) fn build_for(dir: &Path, manifest: &Manifest, segments: &[u64]) -> Result<RunData> {
    let mut maps = Vec::new();
    for id in segments {
        let info = manifest
            .segments
            .iter()
            .find(|s| s.id == *id)
            .ok_or_else(|| corrupt(dir, &format!("run names unknown segment {id}")))?;
        maps.push(SegmentMap::open(dir, info.id, info.rows)?);
    }
    let mut slices = Vec::new();
    for map in &maps {
        slices.push(map.rows()?);
    }
    RunData::build(&slices, manifest.addresses as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::U256;
    use crate::chain::{ChainGraph, SubKey};

    fn transfer(tx: u8, from: u8, to: u8, block: u64, amount: u128) -> RawTransfer {
        RawTransfer {
            tx_hash: [tx; 32],
            sub: SubKey::TOP,
            block,
            time: 1_700_000_000 + block,
            from: [from; 20],
            to: [to; 20],
            asset: Asset::Native,
            amount: U256::from_u128(amount),
            failed: false,
            fee: 0,
            line: block + 1,
        }
    }

    #[test]
    fn appends_dedupe_and_stay_readable() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = ChainWriter::open(dir.path()).unwrap();
        writer.begin_file(1).unwrap();
        assert_eq!(
            writer.push(&transfer(1, 1, 2, 10, 100)).unwrap(),
            Pushed::Stored
        );
        assert_eq!(
            writer.push(&transfer(1, 1, 2, 10, 100)).unwrap(),
            Pushed::Duplicate
        );
        let mut failed = transfer(2, 2, 3, 11, 50);
        failed.failed = true;
        assert_eq!(writer.push(&failed).unwrap(), Pushed::Stored);
        let totals = writer.commit_file().unwrap();
        assert_eq!((totals.stored, totals.duplicates, totals.money), (2, 1, 1));
        writer.finish().unwrap();

        // A second ingest: an overlapping row and a newer block range.
        let mut writer = ChainWriter::open(dir.path()).unwrap();
        writer.begin_file(2).unwrap();
        assert_eq!(
            writer.push(&transfer(1, 1, 2, 10, 100)).unwrap(),
            Pushed::Duplicate
        );
        let mut big = transfer(3, 2, 4, 12, 0);
        big.amount = U256::parse_decimal("340282366920938463463374607431768211456").unwrap();
        assert_eq!(writer.push(&big).unwrap(), Pushed::Stored);
        assert_eq!(
            writer.push(&transfer(4, 4, 1, 13, 7)).unwrap(),
            Pushed::Stored
        );
        writer.commit_file().unwrap();
        let manifest = writer.finish().unwrap();
        assert_eq!(
            manifest.runs.len(),
            1,
            "the newer run was merged: {manifest:?}"
        );

        let graph = ChainGraph::open(dir.path()).unwrap();
        assert_eq!(graph.edge_count(), 3);
        let ids = graph.find(&[[1; 20], [2; 20], [4; 20]]);
        let mut out = Vec::new();
        graph.outgoing(ids[&[2; 20]], &mut out);
        assert_eq!(out.len(), 1, "the failed transfer is not money");
        assert!(out[0].is_big());
        out.clear();
        graph.incoming(ids[&[1; 20]], &mut out);
        assert_eq!(out[0].amount(), 7);
        assert_eq!(
            graph.tx(out[0].edge.tx).hash,
            format!("0x{}", "04".repeat(32))
        );
        assert_eq!(graph.block_time(13), Some(1_700_000_013));
        let mut rows = 0;
        graph.for_each_row(|_| rows += 1).unwrap();
        assert_eq!(rows, 4);
        let big_file = std::fs::read_dir(dir.path().join("segments"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|path| path.extension().is_some_and(|e| e == "big"))
            .unwrap();
        let big_text = std::fs::read_to_string(big_file).unwrap();
        assert!(big_text.contains("340282366920938463463374607431768211456"));
    }

    #[test]
    fn an_aborted_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = ChainWriter::open(dir.path()).unwrap();
        writer.begin_file(1).unwrap();
        writer.push(&transfer(1, 1, 2, 10, 100)).unwrap();
        writer.abort_file();
        writer.begin_file(1).unwrap();
        assert_eq!(
            writer.push(&transfer(1, 1, 2, 10, 100)).unwrap(),
            Pushed::Stored
        );
        writer.commit_file().unwrap();
        writer.finish().unwrap();
        assert_eq!(ChainGraph::open(dir.path()).unwrap().edge_count(), 1);
    }
}
