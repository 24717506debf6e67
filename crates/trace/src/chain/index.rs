//! Runs: the money edges of some segments as CSR adjacency in both directions.
//! Building one is two counting sorts (by source, by destination) and a sort of
//! each adjacency by block, so it costs O(edges) plus the per-address sorts.

use std::io::Write;
use std::path::Path;

use super::{
    cast, io_error, map_file, segment_path, BackRef, ChainError, Edge, Result, SegRow, ASSET_BIG,
    FLAG_BIG,
};

const MAGIC: &[u8; 8] = b"UNMRUN01";
const HEADER: usize = 32;

/// A run held in memory (just built, or built for segments not yet indexed).
#[derive(Debug, Default)]
pub(crate) struct RunData {
    pub n_addr: usize,
    pub fwd_off: Vec<u32>,
    pub fwd: Vec<Edge>,
    pub bwd_off: Vec<u32>,
    pub bwd: Vec<BackRef>,
}

impl RunData {
    /// Builds the index of every money edge in `rows`, over addresses `0..n_addr`.
    pub fn build(rows: &[&[SegRow]], n_addr: usize) -> Result<RunData> {
        let mut degree = vec![0u32; n_addr + 1];
        let mut total: u64 = 0;
        for row in rows
            .iter()
            .flat_map(|rows| rows.iter())
            .filter(|r| r.is_money())
        {
            let src = row.src as usize;
            if src >= n_addr || row.dst as usize >= n_addr {
                return Err(ChainError::Corrupt {
                    path: "segment".into(),
                    message: format!(
                        "address id {} beyond the dictionary",
                        src.max(row.dst as usize)
                    ),
                });
            }
            degree[src + 1] += 1;
            total += 1;
        }
        if total > u32::MAX as u64 {
            return Err(ChainError::Full(u32::MAX as u64, "edges in one run"));
        }
        let mut fwd_off = degree;
        for i in 0..n_addr {
            fwd_off[i + 1] += fwd_off[i];
        }
        let mut cursor: Vec<u32> = fwd_off[..n_addr].to_vec();
        let mut fwd = vec![Edge::default_zeroed(); total as usize];
        for row in rows
            .iter()
            .flat_map(|rows| rows.iter())
            .filter(|r| r.is_money())
        {
            let slot = &mut cursor[row.src as usize];
            let asset = if row.flags & FLAG_BIG != 0 {
                row.asset | ASSET_BIG
            } else {
                row.asset
            };
            fwd[*slot as usize] = Edge {
                dst: row.dst,
                asset,
                block: row.block,
                tx: row.tx,
                amount: row.amount,
            };
            *slot += 1;
        }
        drop(cursor);
        for i in 0..n_addr {
            let range = fwd_off[i] as usize..fwd_off[i + 1] as usize;
            if range.len() > 1 {
                fwd[range].sort_unstable_by_key(|e| (e.block, e.tx, e.dst, e.asset));
            }
        }
        let mut bwd_off = vec![0u32; n_addr + 1];
        for edge in &fwd {
            bwd_off[edge.dst as usize + 1] += 1;
        }
        for i in 0..n_addr {
            bwd_off[i + 1] += bwd_off[i];
        }
        let mut cursor: Vec<u32> = bwd_off[..n_addr].to_vec();
        let mut bwd = vec![BackRef { src: 0, pos: 0 }; fwd.len()];
        for src in 0..n_addr {
            for pos in fwd_off[src]..fwd_off[src + 1] {
                let dst = fwd[pos as usize].dst as usize;
                bwd[cursor[dst] as usize] = BackRef {
                    src: src as u32,
                    pos,
                };
                cursor[dst] += 1;
            }
        }
        for i in 0..n_addr {
            let range = bwd_off[i] as usize..bwd_off[i + 1] as usize;
            if range.len() > 1 {
                bwd[range].sort_unstable_by_key(|r| {
                    let edge = &fwd[r.pos as usize];
                    (edge.block, edge.tx, r.src)
                });
            }
        }
        Ok(RunData {
            n_addr,
            fwd_off,
            fwd,
            bwd_off,
            bwd,
        })
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let tmp = path.with_extension("tmp");
        let file = std::fs::File::create(&tmp).map_err(io_error(&tmp))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        let mut header = [0u8; HEADER];
        header[..8].copy_from_slice(MAGIC);
        header[8..16].copy_from_slice(&(self.n_addr as u64).to_le_bytes());
        header[16..24].copy_from_slice(&(self.fwd.len() as u64).to_le_bytes());
        let mut write = |bytes: &[u8]| out.write_all(bytes).map_err(io_error(&tmp));
        write(&header)?;
        write(bytemuck::cast_slice(&self.fwd_off))?;
        write(&[0u8; 4][..pad8(self.fwd_off.len() * 4)])?;
        write(bytemuck::cast_slice(&self.fwd))?;
        write(bytemuck::cast_slice(&self.bwd_off))?;
        write(&[0u8; 4][..pad8(self.bwd_off.len() * 4)])?;
        write(bytemuck::cast_slice(&self.bwd))?;
        out.flush().map_err(io_error(&tmp))?;
        drop(out);
        std::fs::rename(&tmp, path).map_err(io_error(path))
    }

    /// Bytes this run takes in memory.
    pub fn bytes(&self) -> usize {
        self.fwd_off.len() * 4 + self.fwd.len() * 32 + self.bwd_off.len() * 4 + self.bwd.len() * 8
    }
}

fn pad8(length: usize) -> usize {
    (8 - length % 8) % 8
}

trait Zeroed {
    fn default_zeroed() -> Self;
}

impl Zeroed for Edge {
    fn default_zeroed() -> Self {
        bytemuck::Zeroable::zeroed()
    }
}

/// A run as the reader sees it: mapped from disk or built in memory.
pub(crate) enum Run {
    Mapped {
        map: memmap2::Mmap,
        n_addr: usize,
        n_edges: usize,
        path: std::path::PathBuf,
    },
    Owned(RunData),
}

impl Run {
    pub fn open(path: &Path) -> Result<Run> {
        let corrupt = |message: &str| ChainError::Corrupt {
            path: path.to_path_buf(),
            message: message.to_string(),
        };
        let map = map_file(path)?.ok_or_else(|| corrupt("missing or empty run"))?;
        if map.len() < HEADER || &map[..8] != MAGIC {
            return Err(corrupt("not a run file"));
        }
        let n_addr = u64::from_le_bytes(map[8..16].try_into().unwrap_or_default()) as usize;
        let n_edges = u64::from_le_bytes(map[16..24].try_into().unwrap_or_default()) as usize;
        let off_bytes = (n_addr + 1) * 4 + pad8((n_addr + 1) * 4);
        let expected = HEADER + 2 * off_bytes + n_edges * 40;
        if map.len() != expected {
            return Err(corrupt("run file has the wrong length"));
        }
        let run = Run::Mapped {
            map,
            n_addr,
            n_edges,
            path: path.to_path_buf(),
        };
        // Check every section casts (alignment, length) once, up front.
        run.sections()?;
        Ok(run)
    }

    pub fn n_addr(&self) -> usize {
        match self {
            Run::Mapped { n_addr, .. } => *n_addr,
            Run::Owned(data) => data.n_addr,
        }
    }

    pub fn n_edges(&self) -> usize {
        match self {
            Run::Mapped { n_edges, .. } => *n_edges,
            Run::Owned(data) => data.fwd.len(),
        }
    }

    /// (forward offsets, forward edges, backward offsets, backward refs)
    #[allow(clippy::type_complexity)]
    pub fn sections(&self) -> Result<(&[u32], &[Edge], &[u32], &[BackRef])> {
        match self {
            Run::Owned(data) => Ok((&data.fwd_off, &data.fwd, &data.bwd_off, &data.bwd)),
            Run::Mapped {
                map,
                n_addr,
                n_edges,
                path,
            } => {
                let offsets = (n_addr + 1) * 4;
                let mut at = HEADER;
                let fwd_off = cast::<u32>(&map[at..at + offsets], path)?;
                at += offsets + pad8(offsets);
                let fwd = cast::<Edge>(&map[at..at + n_edges * 32], path)?;
                at += n_edges * 32;
                let bwd_off = cast::<u32>(&map[at..at + offsets], path)?;
                at += offsets + pad8(offsets);
                let bwd = cast::<BackRef>(&map[at..at + n_edges * 8], path)?;
                Ok((fwd_off, fwd, bwd_off, bwd))
            }
        }
    }

    pub fn bytes(&self) -> usize {
        match self {
            Run::Mapped { map, .. } => map.len(),
            Run::Owned(data) => data.bytes(),
        }
    }
}

/// The rows of a committed segment, mapped.
pub(crate) struct SegmentMap {
    map: Option<memmap2::Mmap>,
    path: std::path::PathBuf,
}

impl SegmentMap {
    pub fn open(dir: &Path, id: u64, rows: u64) -> Result<SegmentMap> {
        let path = segment_path(dir, id);
        let map = map_file(&path)?;
        let length = map.as_ref().map_or(0, |m| m.len());
        if length as u64 != rows * 64 {
            return Err(ChainError::Corrupt {
                path,
                message: format!("segment has {length} bytes, the manifest says {rows} rows"),
            });
        }
        Ok(SegmentMap { map, path })
    }

    pub fn rows(&self) -> Result<&[SegRow]> {
        match &self.map {
            Some(map) => cast(map, &self.path),
            None => Ok(&[]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(src: u32, dst: u32, block: u32, amount: u64) -> SegRow {
        SegRow {
            src,
            dst,
            block,
            amount: [amount, 0],
            ..bytemuck::Zeroable::zeroed()
        }
    }

    #[test]
    fn both_directions_hold_every_money_edge_in_block_order() {
        let rows = [
            row(0, 1, 5, 10),
            row(0, 2, 3, 20),
            row(1, 2, 7, 5),
            row(2, 0, 1, 0), // zero value: not money
        ];
        let run = RunData::build(&[&rows], 3).unwrap();
        assert_eq!(run.fwd_off, [0, 2, 3, 3]);
        assert_eq!(run.fwd[0].dst, 2, "block 3 before block 5");
        assert_eq!(run.bwd_off, [0, 0, 1, 3]);
        let into_2: Vec<u32> = run.bwd[1..3].iter().map(|r| r.src).collect();
        assert_eq!(into_2, [0, 1]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.run");
        run.write(&path).unwrap();
        let mapped = Run::open(&path).unwrap();
        let (fwd_off, fwd, bwd_off, bwd) = mapped.sections().unwrap();
        assert_eq!(fwd_off, &run.fwd_off[..]);
        assert_eq!(fwd, &run.fwd[..]);
        assert_eq!(bwd_off, &run.bwd_off[..]);
        assert_eq!(bwd, &run.bwd[..]);
    }
}
