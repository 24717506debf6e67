//! Synthetic chains for benchmarks: a heavy-tailed background (a few exchange hubs
//! with millions of edges, a power-law tail of ordinary accounts) with one heist
//! laundered through it, written straight into a chain store; and synthetic
//! ethereum-etl CSV for measuring ingest.

use std::io::Write;
use std::path::Path;

use crate::amount::U256;
use crate::chain::{address_text, Address, Asset, ChainWriter, RawTransfer, Result, SubKey};

/// A small, fast, deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

fn address(n: u64) -> Address {
    let mut out = [0u8; 20];
    out[..8].copy_from_slice(&0x5eed_0000_0000_0000u64.to_be_bytes());
    out[12..].copy_from_slice(&n.to_be_bytes());
    out
}

/// What the synthetic graph holds, for the benchmark to trace and label.
pub struct Synthetic {
    pub edges: u64,
    pub addresses: u64,
    pub exchange_hubs: Vec<String>,
    pub heist_seed: String,
    /// Addresses of the heist's first hop (other seeds to trace from).
    pub tranches: Vec<String>,
}

const HUBS: u64 = 8;
const WEI: u128 = 1_000_000_000_000_000_000;

/// Picks an ordinary account: power law, low ids far more active.
fn account(rng: &mut Rng, accounts: u64) -> u64 {
    let u = rng.unit();
    HUBS + 1 + ((accounts as f64) * u * u * u) as u64
}

/// Writes a synthetic chain of about `edges` money transfers into `dir`
/// (a chain store), in segments of `segment_rows`.
pub fn build(dir: &Path, edges: u64, segment_rows: u64, seed: u64) -> Result<Synthetic> {
    let mut rng = Rng::new(seed);
    let accounts = (edges / 5).max(100);
    let mut writer = ChainWriter::open(dir)?;
    let blocks = (edges / 150).max(100);
    let heist_block = blocks / 2;
    let heist_seed = accounts + HUBS + 10;
    let tranche_base = heist_seed + 1;
    let tranches = 50u64;
    let mut written = 0u64;
    let mut tx = 0u64;
    let mut file = 1;
    writer.begin_file(file)?;
    let mut in_segment = 0;
    let mut push =
        |writer: &mut ChainWriter, from: u64, to: u64, block: u64, amount: u128| -> Result<()> {
            tx += 1;
            let mut hash = [0u8; 32];
            hash[..8].copy_from_slice(&tx.to_be_bytes());
            hash[8..16].copy_from_slice(&seed.to_be_bytes());
            writer.push(&RawTransfer {
                tx_hash: hash,
                sub: SubKey::TOP,
                block,
                time: 1_700_000_000 + block * 12,
                from: address(from),
                to: address(to),
                asset: Asset::Native,
                amount: U256::from_u128(amount),
                failed: false,
                fee: 0,
                line: tx,
            })?;
            Ok(())
        };
    // Heist walkers: (current address, balance, next hop block).
    let mut walkers: Vec<(u64, u128, u64)> = Vec::new();
    let mut fresh = tranche_base + tranches;
    for block in 0..blocks {
        let per_block = edges / blocks;
        for _ in 0..per_block {
            let roll = rng.unit();
            let (from, to) = if roll < 0.15 {
                (rng.below(HUBS) + 1, account(&mut rng, accounts))
            } else if roll < 0.30 {
                (account(&mut rng, accounts), rng.below(HUBS) + 1)
            } else {
                (account(&mut rng, accounts), account(&mut rng, accounts))
            };
            let amount = (WEI as f64 * 10f64.powf(rng.unit() * 5.0 - 3.0)) as u128 + 1;
            push(&mut writer, from, to, block, amount)?;
            written += 1;
            in_segment += 1;
        }
        if block == heist_block {
            // The exploit, then the fan-out into equal tranches.
            push(&mut writer, HUBS + 5, heist_seed, block, 500_000 * WEI)?;
            for t in 0..tranches {
                push(
                    &mut writer,
                    heist_seed,
                    tranche_base + t,
                    block,
                    10_000 * WEI,
                )?;
                walkers.push((tranche_base + t, 10_000 * WEI, block + 1 + rng.below(5)));
            }
            written += 1 + tranches;
        }
        // Each walker peels: a part to an ordinary account (which mixes it into
        // its own history), the rest to a fresh address; every few hops it
        // deposits to an exchange hub and stops.
        let mut next = Vec::with_capacity(walkers.len());
        for (at, balance, due) in walkers.drain(..) {
            if due != block {
                next.push((at, balance, due));
                continue;
            }
            if rng.unit() < 0.08 || balance < WEI {
                push(&mut writer, at, rng.below(HUBS) + 1, block, balance)?;
                written += 1;
                continue;
            }
            let peel = balance / (5 + rng.below(20) as u128);
            push(&mut writer, at, account(&mut rng, accounts), block, peel)?;
            fresh += 1;
            push(&mut writer, at, fresh, block, balance - peel)?;
            written += 2;
            next.push((fresh, balance - peel, block + 1 + rng.below(20)));
        }
        walkers = next;
        if in_segment >= segment_rows {
            writer.commit_file()?;
            file += 1;
            writer.begin_file(file)?;
            in_segment = 0;
        }
    }
    writer.commit_file()?;
    let manifest = writer.finish()?;
    Ok(Synthetic {
        edges: written,
        addresses: manifest.addresses,
        exchange_hubs: (1..=HUBS).map(|h| address_text(&address(h))).collect(),
        heist_seed: address_text(&address(heist_seed)),
        tranches: (0..tranches)
            .map(|t| address_text(&address(tranche_base + t)))
            .collect(),
    })
}

/// Writes `rows` synthetic ethereum-etl `token_transfers.csv` rows (or
/// `transactions.csv` rows when `transactions`), realistic widths, to `path`.
pub fn write_csv(path: &Path, rows: u64, transactions: bool, seed: u64) -> std::io::Result<()> {
    let mut rng = Rng::new(seed);
    let file = std::fs::File::create(path)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let accounts = (rows / 5).max(100);
    if transactions {
        writeln!(out, "hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp,max_fee_per_gas,max_priority_fee_per_gas,transaction_type")?;
    } else {
        writeln!(
            out,
            "token_address,from_address,to_address,value,transaction_hash,log_index,block_number"
        )?;
    }
    for row in 0..rows {
        let block = 17_000_000 + row / 150;
        let from = address(account(&mut rng, accounts));
        let to = address(account(&mut rng, accounts));
        let value = (WEI as f64 * 10f64.powf(rng.unit() * 5.0 - 3.0)) as u128;
        let mut hash = [0u8; 32];
        hash[..8].copy_from_slice(&row.to_be_bytes());
        hash[8..16].copy_from_slice(&rng.next_u64().to_be_bytes());
        let hash = hex::encode(hash);
        if transactions {
            writeln!(
                out,
                "0x{hash},{},0x{},{block},{},{},{},{value},21000,{},0x,{},{},{},2",
                rng.below(1000),
                hex::encode([7u8; 32]),
                row % 150,
                address_text(&from),
                address_text(&to),
                30_000_000_000u64 + rng.below(1_000_000_000),
                1_700_000_000 + (block - 17_000_000) * 12,
                40_000_000_000u64,
                1_000_000_000u64,
            )?;
        } else {
            let token = address(1_000_000 + rng.below(50));
            writeln!(
                out,
                "{},{},{},{value},0x{hash},{},{block}",
                address_text(&token),
                address_text(&from),
                address_text(&to),
                row % 400,
            )?;
        }
    }
    out.flush()
}
