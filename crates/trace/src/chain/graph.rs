//! Reading the chain store: the transfer graph, memory-mapped. Opening costs a
//! few file maps (plus an in-memory index of segments an interrupted ingest left
//! unindexed); neighbours are slices of the runs, merged in block order when
//! there is more than one run.

use std::path::{Path, PathBuf};

use rustc_hash::{FxHashMap, FxHashSet};

use super::index::{Run, SegmentMap};
use super::writer::build_for;
use super::{
    address_text, hash_text, map_file, read_manifest, run_path, Address, ChainError, Edge,
    Manifest, Result, SegRow, ASSET_BIG,
};

/// One edge with both ends: `from` sent `edge.amount()` of `edge.asset_id()` to
/// `to` in block `edge.block`, transaction `edge.tx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeRef {
    pub from: u32,
    pub to: u32,
    pub edge: Edge,
}

impl EdgeRef {
    pub fn amount(&self) -> u128 {
        self.edge.amount()
    }

    pub fn asset(&self) -> u32 {
        self.edge.asset_id()
    }

    /// The amount is a saturated stand-in for a value of 2^128 or more.
    pub fn is_big(&self) -> bool {
        self.edge.asset & ASSET_BIG != 0
    }

    /// Order of events: block, then transaction, then ends.
    pub fn order_key(&self) -> (u32, u32, u32, u32) {
        (self.edge.block, self.edge.tx, self.from, self.to)
    }
}

/// A transaction as the store knows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TxInfo {
    /// `0x` hash, or `block:N:reward:I` / `block:N:tx:I` for rows without one.
    pub hash: String,
}

pub struct ChainGraph {
    dir: PathBuf,
    manifest: Manifest,
    addresses: Option<memmap2::Mmap>,
    txs: Option<memmap2::Mmap>,
    /// (block, timestamp), sorted by block.
    blocks: Vec<(u32, u32)>,
    runs: Vec<Run>,
}

impl ChainGraph {
    /// Opens the chain store in `dir` (`<data-dir>/chain`). An absent store is an
    /// empty graph.
    pub fn open(dir: &Path) -> Result<ChainGraph> {
        let manifest = read_manifest(dir)?;
        let addresses = map_file(&dir.join("addresses.bin"))?;
        if addresses.as_ref().map_or(0, |m| m.len() as u64) < manifest.addresses * 20 {
            return Err(corrupt(
                dir,
                "addresses.bin is shorter than the manifest says",
            ));
        }
        let txs = map_file(&dir.join("txs.bin"))?;
        if txs.as_ref().map_or(0, |m| m.len() as u64) < manifest.txs * 32 {
            return Err(corrupt(dir, "txs.bin is shorter than the manifest says"));
        }
        let mut blocks = Vec::new();
        if let Some(map) = map_file(&dir.join("blocks.bin"))? {
            let count = (manifest.blocks as usize).min(map.len() / 8);
            for chunk in map[..count * 8].chunks_exact(8) {
                let block = u32::from_le_bytes(chunk[..4].try_into().unwrap_or_default());
                let time = u32::from_le_bytes(chunk[4..].try_into().unwrap_or_default());
                blocks.push((block, time));
            }
        }
        blocks.sort_unstable();
        blocks.dedup_by_key(|(block, _)| *block);
        let mut runs = Vec::new();
        for info in &manifest.runs {
            runs.push(Run::open(&run_path(dir, info.id))?);
        }
        let pending: Vec<u64> = manifest
            .segments
            .iter()
            .filter(|s| !s.indexed)
            .map(|s| s.id)
            .collect();
        if !pending.is_empty() {
            runs.push(Run::Owned(build_for(dir, &manifest, &pending)?));
        }
        Ok(ChainGraph {
            dir: dir.to_path_buf(),
            manifest,
            addresses,
            txs,
            blocks,
            runs,
        })
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn address_count(&self) -> usize {
        self.manifest.addresses as usize
    }

    /// Money edges (successful, non-zero transfers) in the index.
    pub fn edge_count(&self) -> usize {
        self.runs.iter().map(Run::n_edges).sum()
    }

    /// Bytes of the index (both directions, offsets included) plus the address
    /// dictionary: what a trace touches.
    pub fn index_bytes(&self) -> usize {
        self.runs.iter().map(Run::bytes).sum::<usize>() + self.address_count() * 20
    }

    pub fn address(&self, id: u32) -> Address {
        let mut out = [0u8; 20];
        if let Some(map) = &self.addresses {
            let at = id as usize * 20;
            if at + 20 <= map.len() {
                out.copy_from_slice(&map[at..at + 20]);
            }
        }
        out
    }

    pub fn address_text(&self, id: u32) -> String {
        address_text(&self.address(id))
    }

    /// Ids of the given addresses (one pass over the dictionary, filtered by a
    /// bitmap of the wanted addresses' last bytes so most entries cost one probe).
    pub fn find(&self, wanted: &[Address]) -> FxHashMap<Address, u32> {
        const BITS: usize = 1 << 20;
        let slot = |address: &[u8]| -> usize {
            let tail = u32::from_le_bytes([address[16], address[17], address[18], address[19]]);
            (tail.wrapping_mul(0x9e37_79b1) >> 12) as usize % BITS
        };
        let mut bitmap = vec![0u64; BITS / 64];
        for address in wanted {
            let bit = slot(address);
            bitmap[bit / 64] |= 1 << (bit % 64);
        }
        let wanted: FxHashSet<&Address> = wanted.iter().collect();
        let mut found = FxHashMap::default();
        if let Some(map) = &self.addresses {
            let count = self.address_count();
            for (id, chunk) in map[..count * 20].chunks_exact(20).enumerate() {
                let bit = slot(chunk);
                if bitmap[bit / 64] & (1 << (bit % 64)) == 0 {
                    continue;
                }
                if let Ok(address) = <&Address>::try_from(chunk) {
                    if wanted.contains(address) {
                        found.insert(*address, id as u32);
                    }
                }
            }
        }
        found
    }

    pub fn asset_name(&self, asset: u32) -> &str {
        self.manifest
            .assets
            .get(asset as usize)
            .map(String::as_str)
            .unwrap_or("?")
    }

    /// The asset id of `ETH` or a token contract address.
    pub fn asset_id(&self, name: &str) -> Option<u32> {
        let wanted = name.trim().to_ascii_lowercase();
        self.manifest
            .assets
            .iter()
            .position(|asset| asset.to_ascii_lowercase() == wanted)
            .map(|id| id as u32)
    }

    pub fn tx(&self, id: u32) -> TxInfo {
        let mut hash = [0u8; 32];
        if let Some(map) = &self.txs {
            let at = id as usize * 32;
            if at + 32 <= map.len() {
                hash.copy_from_slice(&map[at..at + 32]);
            }
        }
        TxInfo {
            hash: hash_text(&hash),
        }
    }

    /// Timestamp of a block, when an export said it.
    pub fn block_time(&self, block: u32) -> Option<u64> {
        self.blocks
            .binary_search_by_key(&block, |(b, _)| *b)
            .ok()
            .map(|i| self.blocks[i].1 as u64)
    }

    /// The first block at or after a time (blocks whose time is unknown are not
    /// considered), or `None` if every known block is earlier.
    pub fn first_block_at(&self, time: u64) -> Option<u32> {
        self.blocks
            .iter()
            .find(|(_, t)| *t as u64 >= time)
            .map(|(b, _)| *b)
    }

    /// The last block at or before a time.
    pub fn last_block_at(&self, time: u64) -> Option<u32> {
        self.blocks
            .iter()
            .rev()
            .find(|(_, t)| *t as u64 <= time)
            .map(|(b, _)| *b)
    }

    /// Money sent by an address, in block order, appended to `out`.
    pub fn outgoing(&self, id: u32, out: &mut Vec<EdgeRef>) {
        let start = out.len();
        for run in &self.runs {
            if id as usize >= run.n_addr() {
                continue;
            }
            let Ok((fwd_off, fwd, _, _)) = run.sections() else {
                continue;
            };
            let range = fwd_off[id as usize] as usize..fwd_off[id as usize + 1] as usize;
            out.extend(fwd[range].iter().map(|edge| EdgeRef {
                from: id,
                to: edge.dst,
                edge: *edge,
            }));
        }
        if self.runs.len() > 1 {
            out[start..].sort_unstable_by_key(EdgeRef::order_key);
        }
    }

    /// Money received by an address, in block order, appended to `out`.
    pub fn incoming(&self, id: u32, out: &mut Vec<EdgeRef>) {
        let start = out.len();
        for run in &self.runs {
            if id as usize >= run.n_addr() {
                continue;
            }
            let Ok((_, fwd, bwd_off, bwd)) = run.sections() else {
                continue;
            };
            let range = bwd_off[id as usize] as usize..bwd_off[id as usize + 1] as usize;
            out.extend(bwd[range].iter().map(|back| EdgeRef {
                from: back.src,
                to: id,
                edge: fwd[back.pos as usize],
            }));
        }
        if self.runs.len() > 1 {
            out[start..].sort_unstable_by_key(EdgeRef::order_key);
        }
    }

    /// Number of money edges out of and into an address.
    pub fn degree(&self, id: u32) -> (usize, usize) {
        let mut out_degree = 0;
        let mut in_degree = 0;
        for run in &self.runs {
            if id as usize >= run.n_addr() {
                continue;
            }
            if let Ok((fwd_off, _, bwd_off, _)) = run.sections() {
                let i = id as usize;
                out_degree += (fwd_off[i + 1] - fwd_off[i]) as usize;
                in_degree += (bwd_off[i + 1] - bwd_off[i]) as usize;
            }
        }
        (out_degree, in_degree)
    }

    /// Calls `f` with every stored row of every segment, money or not, with its
    /// provenance (file id, line): for whole-graph statistics and audits.
    pub fn for_each_row(&self, mut f: impl FnMut(&SegRow)) -> Result<()> {
        for info in &self.manifest.segments {
            let map = SegmentMap::open(&self.dir, info.id, info.rows)?;
            for row in map.rows()? {
                f(row);
            }
        }
        Ok(())
    }
}

fn corrupt(dir: &Path, message: &str) -> ChainError {
    ChainError::Corrupt {
        path: dir.to_path_buf(),
        message: message.to_string(),
    }
}
