//! The chain store: the transfer graph of one EVM chain, kept under
//! `<data-dir>/chain/` beside the SQLite store, in flat binary files that are
//! memory-mapped rather than parsed.
//!
//! * `addresses.bin`: the address dictionary, 20 bytes per address; an address's
//!   id is its position. Append-only.
//! * `txs.bin`: the transaction dictionary, 32-byte hashes (or a pseudo hash for
//!   block rewards and hash-less geth traces); a transaction's id is its position.
//! * `assets.json`: asset ids: `ETH` (id 0) and token contract addresses.
//! * `blocks.bin`: (block number, timestamp) pairs learned from the exports.
//! * `segments/NNNNNN.seg`: one immutable segment per ingested file: every row as
//!   read (money or not), with its source file id and line, so each edge can be
//!   traced back to the exact line it came from.
//! * `runs/NNNNNN.run`: the index the tracer reads: the money edges of one or more
//!   segments as CSR adjacency, sorted by source (32 bytes an edge) and by
//!   destination (8 bytes an edge, pointing into the first).
//! * `manifest.json`: what is committed; written last, by rename, so a killed
//!   ingest leaves the previous state whole.
//!
//! Appending a newer block range writes a new segment and a new small run; runs
//! are merged size-tiered (a run is merged with the one before it once it is at
//! least half its size), so no append rebuilds everything, and a reader consults
//! a handful of runs at most.

mod graph;
mod index;
mod key_index;
mod writer;

pub use graph::{ChainGraph, EdgeRef, TxInfo};
pub use writer::{ChainWriter, FileTotals, Pushed};

use std::path::{Path, PathBuf};

use bytemuck::{Pod, Zeroable};
use serde::{Deserialize, Serialize};

use crate::amount::U256;

/// The folder of the chain store inside the data dir.
pub fn chain_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("chain")
}

/// An EVM address.
pub type Address = [u8; 20];

/// The address rows without a sender (block rewards, genesis allocations) come
/// from, like ERC-20 mints: value that enters the chain.
pub const MINT: Address = [0; 20];

/// Where gas fees go: one pseudo address standing for "burnt or paid to the block
/// producer", so that fees leave an address like any transfer and the books close.
pub const FEES: Address = [0xff; 20];

/// Lower-case `0x` text of an address.
pub fn address_text(address: &Address) -> String {
    format!("0x{}", hex::encode(address))
}

/// Parses `0x` + 40 hex digits, any case.
pub fn parse_address(text: &str) -> Option<Address> {
    let text = text.trim();
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))?;
    let mut out = [0u8; 20];
    decode_hex(digits.as_bytes(), &mut out)?;
    Some(out)
}

/// Parses a 32-byte `0x` hash.
pub fn parse_hash(text: &str) -> Option<[u8; 32]> {
    let digits = text.trim().strip_prefix("0x")?;
    let mut out = [0u8; 32];
    decode_hex(digits.as_bytes(), &mut out)?;
    Some(out)
}

/// Value of each byte as a hex digit, 0xff for non-digits.
const HEX: [u8; 256] = {
    let mut table = [0xffu8; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// Decodes exactly `2 * out.len()` hex digits (the hot path of chain ingest).
fn decode_hex(digits: &[u8], out: &mut [u8]) -> Option<()> {
    if digits.len() != out.len() * 2 {
        return None;
    }
    let mut bad = 0u8;
    for (slot, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let high = HEX[pair[0] as usize];
        let low = HEX[pair[1] as usize];
        bad |= (high | low) & 0xf0;
        *slot = (high << 4) | (low & 0x0f);
    }
    (bad == 0).then_some(())
}

/// What moved: the chain's native coin or a token contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Asset {
    Native,
    Token(Address),
}

/// Where in its transaction a transfer sits, the second half of its identity
/// (chain, transaction, sub-key). The native value of a transaction and its
/// top-level call trace are the same transfer and share [`SubKey::TOP`], so
/// ingesting both `transactions.csv` and `traces.csv` counts it once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubKey(pub u64);

impl SubKey {
    pub const TOP: SubKey = SubKey(0);

    /// A token transfer, by the log index of its `Transfer` event.
    pub fn log(index: u64) -> SubKey {
        SubKey((1 << 62) | (index & ((1 << 62) - 1)))
    }

    /// An internal call, by its trace address (`0_1_2`); the top-level call (empty
    /// address) is the transaction's own value.
    pub fn trace(trace_address: &str) -> SubKey {
        let trimmed = trace_address.trim();
        if trimmed.is_empty() {
            return SubKey::TOP;
        }
        // FNV-1a of the path; collisions only matter inside one transaction.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in trimmed.bytes() {
            hash ^= b as u64;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        SubKey((2 << 62) | (hash & ((1 << 62) - 1)))
    }

    /// The gas fee a transaction's sender paid.
    pub const FEE: SubKey = SubKey(u64::MAX);

    /// A block reward or genesis allocation, by its index in the block.
    pub fn reward(index: u64) -> SubKey {
        SubKey((3 << 62) | (index & ((1 << 61) - 1)))
    }
}

/// A pseudo transaction hash for rows without one: block rewards and genesis
/// allocations (kind 1) and geth traces, which carry a transaction's position in its
/// block but not its hash (kind 2).
pub fn pseudo_hash(kind: u8, block: u64, index: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..8].copy_from_slice(&[0xff; 8]);
    out[15] = kind;
    out[16..24].copy_from_slice(&block.to_be_bytes());
    out[24..32].copy_from_slice(&index.to_be_bytes());
    out
}

/// Display text of a transaction hash (pseudo hashes read as `block:N:reward:I` or
/// `block:N:tx:I`).
pub fn hash_text(hash: &[u8; 32]) -> String {
    if hash[..8] == [0xff; 8] {
        let block = u64::from_be_bytes(hash[16..24].try_into().unwrap_or([0; 8]));
        let index = u64::from_be_bytes(hash[24..32].try_into().unwrap_or([0; 8]));
        let kind = if hash[15] == 1 { "reward" } else { "tx" };
        return format!("block:{block}:{kind}:{index}");
    }
    format!("0x{}", hex::encode(hash))
}

/// One transfer as an adapter reads it, before ids are assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawTransfer {
    pub tx_hash: [u8; 32],
    pub sub: SubKey,
    pub block: u64,
    /// Seconds since the Unix epoch, when the row says (0 when it does not).
    pub time: u64,
    pub from: Address,
    pub to: Address,
    pub asset: Asset,
    pub amount: U256,
    /// Reverted transaction or failed call: kept, never money.
    pub failed: bool,
    /// Gas fee the sender paid (wei), when the export has receipts; stored as a
    /// second edge to [`FEES`] (fees are paid by failed transactions too).
    pub fee: u128,
    /// 1-based line in the source file.
    pub line: u64,
}

impl RawTransfer {
    /// Money moves only when the call succeeded and the value is not zero.
    pub fn is_money(&self) -> bool {
        !self.failed && !self.amount.is_zero()
    }
}

/// Segment row flags.
pub const FLAG_FAILED: u32 = 1;
/// The amount is 2^128 or more; the exact value is in the segment's `.big` file.
pub const FLAG_BIG: u32 = 2;

/// A segment row: everything an ingested row said, with its provenance (64 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
pub struct SegRow {
    pub src: u32,
    pub dst: u32,
    pub asset: u32,
    pub block: u32,
    pub tx: u32,
    /// Store id of the source file (SQLite `source_files.id`).
    pub file: u32,
    pub flags: u32,
    pub _pad: u32,
    pub line: u64,
    pub sub: u64,
    /// Little-endian u128 (saturated when [`FLAG_BIG`]).
    pub amount: [u64; 2],
}

impl SegRow {
    pub fn amount(&self) -> u128 {
        join_amount(self.amount)
    }

    pub fn is_money(&self) -> bool {
        self.flags & FLAG_FAILED == 0 && self.amount != [0, 0]
    }
}

/// An edge of the forward index: the destination, what, when, which transaction
/// and how much (32 bytes). The source is implied by the adjacency it sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
pub struct Edge {
    pub dst: u32,
    /// Asset id; the top bit marks an amount saturated at u128::MAX.
    pub asset: u32,
    pub block: u32,
    pub tx: u32,
    pub amount: [u64; 2],
}

/// Asset bit for an amount too large for u128 (exact value in the segment).
pub const ASSET_BIG: u32 = 1 << 31;

impl Edge {
    pub fn amount(&self) -> u128 {
        join_amount(self.amount)
    }

    pub fn asset_id(&self) -> u32 {
        self.asset & !ASSET_BIG
    }
}

/// An entry of the backward index: the source, and the position of the edge in the
/// forward index (8 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
pub struct BackRef {
    pub src: u32,
    pub pos: u32,
}

pub(crate) fn split_amount(value: u128) -> [u64; 2] {
    [value as u64, (value >> 64) as u64]
}

pub(crate) fn join_amount(parts: [u64; 2]) -> u128 {
    parts[0] as u128 | (parts[1] as u128) << 64
}

/// What is committed in the chain store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    /// Chain name (`ethereum`).
    pub chain: String,
    pub addresses: u64,
    pub txs: u64,
    pub blocks: u64,
    pub assets: Vec<String>,
    pub segments: Vec<SegmentInfo>,
    pub runs: Vec<RunInfo>,
    pub next_id: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentInfo {
    pub id: u64,
    /// Store id of the source file.
    pub file_id: i64,
    pub rows: u64,
    pub money_edges: u64,
    /// Whether its money edges are in a run yet.
    pub indexed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    pub id: u64,
    pub segments: Vec<u64>,
    pub edges: u64,
    /// Size of the address space the run covers.
    pub addresses: u64,
}

pub const MANIFEST_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error("chain store {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("chain store {path} is damaged: {message}")]
    Corrupt { path: PathBuf, message: String },
    #[error("chain store: more than {0} {1}; this build's ids are 32-bit")]
    Full(u64, &'static str),
}

pub type Result<T, E = ChainError> = std::result::Result<T, E>;

pub(crate) fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> ChainError + '_ {
    move |source| ChainError::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub(crate) fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join("manifest.json");
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|error| ChainError::Corrupt {
            path,
            message: error.to_string(),
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Manifest {
            version: MANIFEST_VERSION,
            chain: "ethereum".to_string(),
            assets: vec!["ETH".to_string()],
            next_id: 1,
            ..Manifest::default()
        }),
        Err(source) => Err(ChainError::Io { path, source }),
    }
}

pub(crate) fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<()> {
    let path = dir.join("manifest.json");
    let tmp = dir.join("manifest.json.tmp");
    let bytes = serde_json::to_vec_pretty(manifest).map_err(|error| ChainError::Corrupt {
        path: path.clone(),
        message: error.to_string(),
    })?;
    std::fs::write(&tmp, bytes).map_err(io_error(&tmp))?;
    std::fs::rename(&tmp, &path).map_err(io_error(&path))
}

pub(crate) fn segment_path(dir: &Path, id: u64) -> PathBuf {
    dir.join("segments").join(format!("{id:06}.seg"))
}

pub(crate) fn big_path(dir: &Path, id: u64) -> PathBuf {
    dir.join("segments").join(format!("{id:06}.big"))
}

pub(crate) fn run_path(dir: &Path, id: u64) -> PathBuf {
    dir.join("runs").join(format!("{id:06}.run"))
}

/// Maps a file read-only. Files of the chain store are written once, then only
/// read; nothing truncates them while mapped (a merge writes a new file).
#[allow(unsafe_code)]
pub(crate) fn map_file(path: &Path) -> Result<Option<memmap2::Mmap>> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ChainError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let length = file.metadata().map_err(io_error(path))?.len();
    if length == 0 {
        return Ok(None);
    }
    // SAFETY: the chain store never modifies a file in place after writing it
    // (appends go past the length the manifest records; merges write new files).
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io_error(path))?;
    Ok(Some(map))
}

/// A slice of plain values inside a mapped file, checked for size and alignment.
pub(crate) fn cast<'a, T: Pod>(bytes: &'a [u8], path: &Path) -> Result<&'a [T]> {
    bytemuck::try_cast_slice(bytes).map_err(|error| ChainError::Corrupt {
        path: path.to_path_buf(),
        message: format!("{error:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_sizes_meet_the_memory_budget() {
        assert_eq!(std::mem::size_of::<Edge>(), 32);
        assert_eq!(std::mem::size_of::<BackRef>(), 8);
        assert_eq!(std::mem::size_of::<SegRow>(), 64);
    }

    #[test]
    fn sub_keys_do_not_collide_across_kinds() {
        assert_eq!(SubKey::trace(""), SubKey::TOP);
        assert_ne!(SubKey::log(3), SubKey::trace("3"));
        assert_ne!(SubKey::log(0), SubKey::TOP);
        assert_ne!(SubKey::reward(0), SubKey::log(0));
    }

    #[test]
    fn addresses_and_hashes_parse() {
        let text = "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01";
        let address = parse_address(text).unwrap();
        assert_eq!(address_text(&address), text.to_lowercase());
        assert!(parse_address("0x1234").is_none());
        assert_eq!(hash_text(&pseudo_hash(1, 46147, 0)), "block:46147:reward:0");
    }
}
