//! Benchmarks for the UTXO crate (not tests; figures go to docs/BENCHMARKS.md).
//!
//! ```text
//! cluster_bench gen FILE INPUTS [SEED]   synthetic clustering input (tx → input address ids)
//! cluster_bench cluster FILE LABELS_OUT  cluster it; write each address's cluster (smallest member)
//! cluster_bench etl-gen FILE TXS [SEED] [LEGACY_SHARE]
//!                                        synthetic bitcoin-etl transactions.json (LEGACY_SHARE
//!                                        of inputs carry a scriptSig; default 0.4)
//! cluster_bench etl-ingest FILE          parse + resolve + cluster it on one core; print tx/s
//! ```
//!
//! The clustering input file is little-endian: `UTXOCLU1`, u64 transactions, u64
//! inputs, u32 largest address id, u32 zero; i32 offsets (transactions + 1); u32
//! address ids. `bench/compare_graphsense.py` feeds the same bytes to GraphSense.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::time::Instant;

use unmask_utxo::cluster::cluster_batch;
use unmask_utxo::graph::{Options, UtxoGraph};
use unmask_utxo::parse::etl::{parse_line_full, Line};
use unmask_utxo::parse::fast::{self, RawTx};
use unmask_utxo::parse::for_each_line;

/// xorshift64*: deterministic, fast, good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() >> 32) * n) >> 32
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| {
        args.get(i)
            .cloned()
            .ok_or("missing argument; see the doc comment")
    };
    match args.first().map(String::as_str) {
        Some("gen") => gen(
            &arg(1)?,
            arg(2)?.parse()?,
            args.get(3).map_or(Ok(7), |s| s.parse())?,
        ),
        Some("cluster") => cluster(&arg(1)?, &arg(2)?),
        Some("etl-gen") => etl_gen(
            &arg(1)?,
            arg(2)?.parse()?,
            args.get(3).map_or(Ok(7), |s| s.parse())?,
            args.get(4).map_or(Ok(0.4), |s| s.parse())?,
        ),
        Some("etl-ingest") => etl_ingest(&arg(1)?),
        _ => Err("usage: cluster_bench gen|cluster|etl-gen|etl-ingest ...".into()),
    }
}

/// Input counts per transaction shaped like Bitcoin's: mostly one or two inputs,
/// a tail of consolidations and a few CoinJoin-sized spends.
fn input_count(rng: &mut Rng) -> u64 {
    let roll = rng.unit();
    if roll < 0.55 {
        1
    } else if roll < 0.80 {
        2
    } else if roll < 0.93 {
        3 + rng.below(3)
    } else if roll < 0.995 {
        6 + rng.below(25)
    } else {
        31 + rng.below(300)
    }
}

/// An address: most are used a handful of times; a power-law set of hubs
/// (exchanges, services) is used again and again.
fn address(rng: &mut Rng, addresses: u64, hubs: u64) -> u32 {
    if rng.unit() < 0.15 {
        // Zipf-like over hubs: rank = hubs^u.
        let rank = (hubs as f64).powf(rng.unit()) as u64;
        (rank.min(hubs) - 1).min(addresses - 1) as u32
    } else {
        rng.below(addresses) as u32
    }
}

fn gen(path: &str, inputs: u64, seed: u64) -> Result<()> {
    if inputs >= i32::MAX as u64 {
        return Err("at most 2^31 - 1 inputs (i32 Arrow offsets)".into());
    }
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let addresses = inputs * 3 / 5;
    let hubs = 100_000.min(addresses);
    let mut offsets: Vec<i32> = vec![0];
    let mut ids: Vec<u32> = Vec::with_capacity(inputs as usize);
    let mut max_id = 0u32;
    while (ids.len() as u64) < inputs {
        let count = input_count(&mut rng).min(inputs - ids.len() as u64);
        for _ in 0..count {
            let id = address(&mut rng, addresses, hubs);
            max_id = max_id.max(id);
            ids.push(id);
        }
        offsets.push(ids.len() as i32);
    }
    let mut out = BufWriter::with_capacity(1 << 22, File::create(path)?);
    out.write_all(b"UTXOCLU1")?;
    out.write_all(&((offsets.len() - 1) as u64).to_le_bytes())?;
    out.write_all(&(ids.len() as u64).to_le_bytes())?;
    out.write_all(&max_id.to_le_bytes())?;
    out.write_all(&0u32.to_le_bytes())?;
    for offset in &offsets {
        out.write_all(&offset.to_le_bytes())?;
    }
    for id in &ids {
        out.write_all(&id.to_le_bytes())?;
    }
    out.flush()?;
    println!(
        "wrote {path}: {} transactions, {} inputs, {} address ids",
        offsets.len() - 1,
        ids.len(),
        max_id as u64 + 1
    );
    Ok(())
}

fn read_u32s(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn cluster(path: &str, labels_out: &str) -> Result<()> {
    let started = Instant::now();
    let mut bytes = Vec::new();
    File::open(path)?.read_to_end(&mut bytes)?;
    if bytes.len() < 32 || &bytes[..8] != b"UTXOCLU1" {
        return Err(format!("{path}: not a cluster_bench input").into());
    }
    let txs = u64::from_le_bytes(bytes[8..16].try_into()?) as usize;
    let inputs = u64::from_le_bytes(bytes[16..24].try_into()?) as usize;
    let max_id = u32::from_le_bytes(bytes[24..28].try_into()?);
    let offsets_end = 32 + 4 * (txs + 1);
    if bytes.len() != offsets_end + 4 * inputs {
        return Err(format!("{path}: truncated").into());
    }
    let offsets: Vec<u64> = read_u32s(&bytes[32..offsets_end])
        .into_iter()
        .map(u64::from)
        .collect();
    let ids = read_u32s(&bytes[offsets_end..]);
    drop(bytes);
    let loaded = started.elapsed();

    let clustering = Instant::now();
    let cpu_started = cpu_seconds();
    let labels = cluster_batch(max_id, &offsets, &ids);
    let cluster_time = clustering.elapsed();
    let cluster_cpu = cpu_seconds() - cpu_started;

    let mut out = BufWriter::with_capacity(1 << 22, File::create(labels_out)?);
    for label in &labels {
        out.write_all(&label.to_le_bytes())?;
    }
    out.flush()?;
    let clusters = labels
        .iter()
        .enumerate()
        .filter(|&(i, &l)| i as u32 == l)
        .count();
    println!(
        "{{\"transactions\": {txs}, \"inputs\": {inputs}, \"addresses\": {}, \"clusters\": {clusters}, \"load_s\": {:.3}, \"cluster_s\": {:.3}, \"cluster_cpu_s\": {cluster_cpu:.2}, \"union_find_bytes_per_address\": 4}}",
        labels.len(),
        loaded.as_secs_f64(),
        cluster_time.as_secs_f64()
    );
    Ok(())
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn hex(rng: &mut Rng, out: &mut String, bytes: usize) {
    for _ in 0..bytes {
        let b = rng.next() as u8;
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
}

fn bech32(rng: &mut Rng, out: &mut String) {
    const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    out.push_str("bc1q");
    for _ in 0..38 {
        out.push(CHARSET[rng.below(32) as usize] as char);
    }
}

/// bitcoin-etl lines shaped like mainnet's: legacy inputs carry a ~107-byte
/// scriptSig (asm and hex), segwit ones an empty one; outputs carry both forms of
/// the script. Spends refer to earlier transactions of the file, so every input
/// resolves. Plain export (inputs without value or address), as bitcoin-etl writes
/// it without enrichment.
fn etl_gen(path: &str, txs: u64, seed: u64, legacy_share: f64) -> Result<()> {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut out = BufWriter::with_capacity(1 << 22, File::create(path)?);
    let mut txids: Vec<[u8; 32]> = Vec::with_capacity(txs as usize);
    let mut outputs_of: Vec<u8> = Vec::with_capacity(txs as usize);
    let mut line = String::with_capacity(8192);
    let mut bytes = 0u64;
    for n in 0..txs {
        let mut txid = [0u8; 32];
        for chunk in txid.chunks_mut(8) {
            chunk.copy_from_slice(&rng.next().to_le_bytes());
        }
        let coinbase = n < 1000 || n % 2000 == 0;
        let inputs = if coinbase {
            0
        } else {
            input_count(&mut rng).min(20)
        };
        let outputs = if rng.unit() < 0.8 {
            2
        } else {
            1 + rng.below(6) as u8
        };
        let block = 800_000 + n / 2000;
        line.clear();
        line.push_str("{\"hash\": \"");
        for b in txid {
            line.push(HEX[(b >> 4) as usize] as char);
            line.push(HEX[(b & 15) as usize] as char);
        }
        line.push_str(&format!(
            "\", \"size\": 225, \"virtual_size\": 144, \"version\": 2, \"lock_time\": 0, \"block_number\": {block}, \"block_hash\": \"00000000000000000002a7c4c1e48d76c5a37902165a270156b7a8d72728a054\", \"block_timestamp\": {}, \"is_coinbase\": {coinbase}, \"index\": {}, \"inputs\": [",
            1_690_000_000 + block * 600,
            n % 2000
        ));
        for i in 0..inputs {
            if i > 0 {
                line.push_str(", ");
            }
            let spent = rng.below(n) as usize;
            let index = rng.below(outputs_of[spent] as u64);
            line.push_str(&format!("{{\"index\": {i}, \"spent_transaction_hash\": \""));
            for b in txids[spent] {
                line.push(HEX[(b >> 4) as usize] as char);
                line.push(HEX[(b & 15) as usize] as char);
            }
            line.push_str(&format!(
                "\", \"spent_output_index\": {index}, \"script_asm\": \""
            ));
            let legacy = rng.unit() < legacy_share;
            if legacy {
                hex(&mut rng, &mut line, 71);
                line.push_str("[ALL] ");
                hex(&mut rng, &mut line, 33);
                line.push_str("\", \"script_hex\": \"47");
                hex(&mut rng, &mut line, 105);
            } else {
                line.push_str("\", \"script_hex\": \"");
            }
            line.push_str("\", \"sequence\": 4294967293, \"required_signatures\": null, \"type\": null, \"addresses\": [], \"value\": null}");
        }
        line.push_str("], \"outputs\": [");
        for o in 0..outputs {
            if o > 0 {
                line.push_str(", ");
            }
            line.push_str(&format!("{{\"index\": {o}, \"script_asm\": \"0 "));
            let mut program = String::with_capacity(40);
            hex(&mut rng, &mut program, 20);
            line.push_str(&program);
            line.push_str("\", \"script_hex\": \"0014");
            line.push_str(&program);
            line.push_str("\", \"required_signatures\": 1, \"type\": \"witness_v0_keyhash\", \"addresses\": [\"");
            bech32(&mut rng, &mut line);
            line.push_str(&format!(
                "\"], \"value\": {}}}",
                546 + rng.below(500_000_000)
            ));
        }
        line.push_str(&format!(
            "], \"input_count\": {inputs}, \"output_count\": {outputs}, \"input_value\": 0, \"output_value\": 0, \"fee\": 0}}\n"
        ));
        bytes += line.len() as u64;
        out.write_all(line.as_bytes())?;
        txids.push(txid);
        outputs_of.push(outputs);
    }
    out.flush()?;
    println!(
        "wrote {path}: {txs} transactions, {:.1} MB, {:.0} bytes a line",
        bytes as f64 / 1e6,
        bytes as f64 / txs as f64
    );
    Ok(())
}

/// CPU seconds this process has used (user + system), from /proc.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn etl_ingest(path: &str) -> Result<()> {
    let file = File::open(path)?;
    let mut graph = UtxoGraph::new(Options::default());
    let (mut txs, mut bytes, mut bad, mut slow) = (0u64, 0u64, 0u64, 0u64);
    let mut raw = RawTx::default();
    let started = Instant::now();
    let cpu_started = cpu_seconds();
    let mut parse_time = std::time::Duration::ZERO;
    let mut add_time = std::time::Duration::ZERO;
    for_each_line(file, |_, line| {
        bytes += line.len() as u64 + 1;
        let parse_started = Instant::now();
        let fast = fast::parse_line(line, &mut raw).is_some();
        let parsed = Instant::now();
        parse_time += parsed - parse_started;
        if fast {
            graph.add_raw(line, &raw, None);
            add_time += parsed.elapsed();
            txs += 1;
            return Ok(());
        }
        match parse_line_full(line) {
            Ok(Line::Tx(tx)) => {
                graph.add(&tx, None);
                txs += 1;
                slow += 1;
            }
            _ => bad += 1,
        }
        Ok(())
    })?;
    let read_and_add = started.elapsed();
    let settle_started = Instant::now();
    let settled = graph.settle();
    let settle = settle_started.elapsed();
    let total = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_started;
    println!(
        "{{\"transactions\": {txs}, \"bad\": {bad}, \"full_parser\": {slow}, \"mb\": {:.1}, \"bytes_per_tx\": {:.0}, \"parse_s\": {:.3}, \"add_s\": {:.3}, \"read_parse_add_s\": {:.3}, \"settle_s\": {:.3}, \"total_s\": {total:.3}, \"cpu_s\": {cpu:.2}, \"tx_per_s\": {:.0}, \"tx_per_cpu_s\": {:.0}, \"parse_only_tx_per_s\": {:.0}, \"mb_per_s\": {:.0}, \"unresolved_inputs\": {}, \"coinjoins\": {}, \"merges\": {}}}",
        bytes as f64 / 1e6,
        bytes as f64 / txs.max(1) as f64,
        parse_time.as_secs_f64(),
        add_time.as_secs_f64(),
        read_and_add.as_secs_f64(),
        settle.as_secs_f64(),
        txs as f64 / total,
        txs as f64 / cpu.max(0.01),
        txs as f64 / parse_time.as_secs_f64(),
        bytes as f64 / 1e6 / total,
        settled.unresolved_inputs,
        settled.coinjoins,
        settled.merges,
    );
    Ok(())
}
