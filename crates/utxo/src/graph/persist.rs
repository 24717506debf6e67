//! The UTXO graph on disk: one snapshot file, `<data-dir>/chain/btc/graph.bin`,
//! written to a temporary name and renamed, so a killed run leaves the previous
//! state whole. Sections are little-endian arrays with their lengths; the hash
//! indexes (txids, addresses) are rebuilt on load. Clustering is not recomputed on
//! load or on append: the union-find slots and the merge log are saved as they are.

use std::io::{BufWriter, Read, Write};
use std::path::Path;

use super::{flags, InRec, OutRec, TxRec, UtxoGraph, NONE};
use crate::cluster::{Clusters, Merge};
use crate::coinjoin::Detection;
use crate::error::{io_error, UtxoError};
use crate::script::ScriptType;
use crate::tx::Outpoint;
use crate::unionfind::UnionFind;

const MAGIC: &[u8; 8] = b"UNMBTC01";

struct Out<W: Write> {
    inner: W,
}

impl<W: Write> Out<W> {
    fn u8(&mut self, v: u8) -> std::io::Result<()> {
        self.inner.write_all(&[v])
    }
    fn u32(&mut self, v: u32) -> std::io::Result<()> {
        self.inner.write_all(&v.to_le_bytes())
    }
    fn u64(&mut self, v: u64) -> std::io::Result<()> {
        self.inner.write_all(&v.to_le_bytes())
    }
    fn bytes(&mut self, v: &[u8]) -> std::io::Result<()> {
        self.u64(v.len() as u64)?;
        self.inner.write_all(v)
    }
}

struct In<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> In<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or("truncated")?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, String> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes([
            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
        ]))
    }
    fn len(&mut self, item_size: usize) -> Result<usize, String> {
        let n = self.u64()? as usize;
        if n.saturating_mul(item_size) > self.bytes.len() - self.at {
            return Err("a length beyond the end of the file".to_string());
        }
        Ok(n)
    }
    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let n = self.len(1)?;
        self.take(n)
    }
}

fn script_code(kind: ScriptType) -> u8 {
    kind as u8
}

fn script_of(code: u8) -> Result<ScriptType, String> {
    const ALL: [ScriptType; 10] = [
        ScriptType::P2pk,
        ScriptType::P2pkh,
        ScriptType::P2sh,
        ScriptType::P2wpkh,
        ScriptType::P2wsh,
        ScriptType::P2tr,
        ScriptType::WitnessUnknown,
        ScriptType::Multisig,
        ScriptType::NullData,
        ScriptType::NonStandard,
    ];
    ALL.get(code as usize)
        .copied()
        .ok_or_else(|| format!("unknown script code {code}"))
}

impl UtxoGraph {
    /// The snapshot file in a chain folder.
    pub fn snapshot_path(dir: &Path) -> std::path::PathBuf {
        dir.join("graph.bin")
    }

    /// Writes the graph to `dir/graph.bin` (settle first: pending work is not saved).
    pub fn save(&mut self, dir: &Path) -> Result<(), UtxoError> {
        self.settle();
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
        let path = Self::snapshot_path(dir);
        let temp = dir.join("graph.bin.tmp");
        let file = std::fs::File::create(&temp).map_err(io_error(&temp))?;
        let mut out = Out {
            inner: BufWriter::with_capacity(1 << 22, file),
        };
        self.write(&mut out).map_err(io_error(&temp))?;
        let file = out.inner.into_inner().map_err(|e| UtxoError::Io {
            path: temp.clone(),
            source: e.into_error(),
        })?;
        file.sync_all().map_err(io_error(&temp))?;
        std::fs::rename(&temp, &path).map_err(io_error(&path))
    }

    fn write<W: Write>(&self, out: &mut Out<W>) -> std::io::Result<()> {
        out.inner.write_all(MAGIC)?;
        let options = serde_json::to_vec(&(self.options.skip_coinjoins, &self.options.rules))
            .map_err(std::io::Error::other)?;
        out.bytes(&options)?;
        out.bytes(self.addresses.arena.as_bytes())?;
        out.u64(self.addresses.ends.len() as u64)?;
        for &end in &self.addresses.ends {
            out.u64(end)?;
        }
        out.u64(self.first_seen.len() as u64)?;
        for &tx in &self.first_seen {
            out.u32(tx)?;
        }
        out.u64(self.txs.len() as u64)?;
        for (txid, rec) in self.txids.iter().zip(&self.txs) {
            out.inner.write_all(txid)?;
            out.u64(rec.block)?;
            out.u64(rec.time)?;
            out.u64(rec.first_input)?;
            out.u64(rec.first_output)?;
            out.u32(rec.inputs)?;
            out.u32(rec.outputs)?;
            out.u8(rec.flags & !flags::DIRTY)?;
        }
        out.u64(self.outputs.len() as u64)?;
        for o in &self.outputs {
            out.u64(o.value)?;
            out.u32(o.address)?;
            out.u32(o.spent_by)?;
            out.u8(script_code(o.script))?;
        }
        out.u64(self.inputs.len() as u64)?;
        for i in &self.inputs {
            out.u64(i.value)?;
            out.u32(i.address)?;
            out.u32(i.prev_tx)?;
            out.u32(i.prev_index)?;
            out.u8(i.known as u8)?;
        }
        out.u64(self.waiting.len() as u64)?;
        for (outpoint, positions) in &self.waiting {
            out.inner.write_all(&outpoint.txid)?;
            out.u32(outpoint.index)?;
            out.u64(positions.len() as u64)?;
            for &p in positions {
                out.u64(p)?;
            }
        }
        let mut detections: Vec<(&u32, &Vec<Detection>)> = self.detections.iter().collect();
        detections.sort_by_key(|(tx, _)| **tx);
        out.bytes(&serde_json::to_vec(&detections).map_err(std::io::Error::other)?)?;
        let slots = self.clusters.union_find().slots();
        out.u64(slots.len() as u64)?;
        for &slot in slots {
            out.u32(slot)?;
        }
        out.u64(self.clusters.merges().len() as u64)?;
        for m in self.clusters.merges() {
            out.u32(m.tx)?;
            out.u32(m.a)?;
            out.u32(m.b)?;
        }
        Ok(())
    }

    /// Reads `dir/graph.bin`, or an empty graph with `options` when there is none.
    pub fn load(dir: &Path, options: super::Options) -> Result<UtxoGraph, UtxoError> {
        let path = Self::snapshot_path(dir);
        let mut bytes = Vec::new();
        match std::fs::File::open(&path) {
            Ok(mut file) => file.read_to_end(&mut bytes).map_err(io_error(&path))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(UtxoGraph::new(options))
            }
            Err(e) => return Err(UtxoError::Io { path, source: e }),
        };
        Self::read(&bytes).map_err(|message| UtxoError::Corrupt { path, message })
    }

    fn read(bytes: &[u8]) -> Result<UtxoGraph, String> {
        let mut r = In { bytes, at: 0 };
        if r.take(8)? != MAGIC {
            return Err("not an unmask bitcoin graph (or another version)".to_string());
        }
        let (skip_coinjoins, rules) =
            serde_json::from_slice(r.bytes()?).map_err(|e| e.to_string())?;
        let mut graph = UtxoGraph::new(super::Options {
            skip_coinjoins,
            rules,
        });
        graph.addresses.arena =
            String::from_utf8(r.bytes()?.to_vec()).map_err(|e| e.to_string())?;
        let n = r.len(8)?;
        let mut previous = 0;
        for _ in 0..n {
            let end = r.u64()?;
            if end < previous
                || end as usize > graph.addresses.arena.len()
                || !graph.addresses.arena.is_char_boundary(end as usize)
            {
                return Err("address offsets out of order".to_string());
            }
            previous = end;
            graph.addresses.ends.push(end);
        }
        graph.addresses.rebuild_index();
        let n = r.len(4)?;
        graph.first_seen = (0..n).map(|_| r.u32()).collect::<Result<_, _>>()?;
        let n = r.len(32 + 8 * 4 + 9)?;
        for id in 0..n {
            let mut txid = [0u8; 32];
            txid.copy_from_slice(r.take(32)?);
            let rec = TxRec {
                block: r.u64()?,
                time: r.u64()?,
                first_input: r.u64()?,
                first_output: r.u64()?,
                inputs: r.u32()?,
                outputs: r.u32()?,
                flags: r.u8()?,
            };
            graph.by_txid.insert(&txid, id as u32);
            graph.txids.push(txid);
            graph.txs.push(rec);
        }
        let n = r.len(17)?;
        for _ in 0..n {
            graph.outputs.push(OutRec {
                value: r.u64()?,
                address: r.u32()?,
                spent_by: r.u32()?,
                script: script_of(r.u8()?)?,
            });
        }
        let n = r.len(21)?;
        for _ in 0..n {
            graph.inputs.push(InRec {
                value: r.u64()?,
                address: r.u32()?,
                prev_tx: r.u32()?,
                prev_index: r.u32()?,
                known: r.u8()? != 0,
            });
        }
        for rec in &graph.txs {
            let inputs_end = rec.first_input + rec.inputs as u64;
            let outputs_end = rec.first_output + rec.outputs as u64;
            if inputs_end > graph.inputs.len() as u64 || outputs_end > graph.outputs.len() as u64 {
                return Err("a transaction points past its inputs or outputs".to_string());
            }
        }
        let (txs, addresses) = (graph.txs.len() as u64, graph.addresses.len() as u64);
        let fits = |id: u32, len: u64| id == NONE || u64::from(id) < len;
        if graph
            .outputs
            .iter()
            .any(|o| !fits(o.spent_by, txs) || !fits(o.address, addresses))
            || graph
                .inputs
                .iter()
                .any(|i| !fits(i.prev_tx, txs) || !fits(i.address, addresses))
            || graph.first_seen.len() as u64 > addresses
        {
            return Err("an output or input refers past the transactions or addresses".to_string());
        }
        let n = r.len(44)?;
        for _ in 0..n {
            let mut txid = [0u8; 32];
            txid.copy_from_slice(r.take(32)?);
            let index = r.u32()?;
            let count = r.len(8)?;
            let positions = (0..count).map(|_| r.u64()).collect::<Result<Vec<_>, _>>()?;
            graph.waiting.insert(Outpoint { txid, index }, positions);
        }
        let detections: Vec<(u32, Vec<Detection>)> =
            serde_json::from_slice(r.bytes()?).map_err(|e| e.to_string())?;
        if detections.iter().any(|(tx, _)| u64::from(*tx) >= txs) {
            return Err("a CoinJoin detection refers past the transactions".to_string());
        }
        graph.detections = detections.into_iter().collect();
        let n = r.len(4)?;
        let slots = (0..n).map(|_| r.u32()).collect::<Result<Vec<_>, _>>()?;
        let sets = UnionFind::from_slots(slots).ok_or("union-find slots point outside")?;
        let n = r.len(12)?;
        let merges = (0..n)
            .map(|_| {
                Ok(Merge {
                    tx: r.u32()?,
                    a: r.u32()?,
                    b: r.u32()?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        graph.clusters = Clusters::from_parts(sets, merges);
        if r.at != bytes.len() {
            return Err("trailing bytes".to_string());
        }
        Ok(graph)
    }
}
