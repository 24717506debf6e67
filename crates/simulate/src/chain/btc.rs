//! Bitcoin side: `chain/btc/transactions.json` in bitcoin-etl's enriched
//! transaction format (JSON lines, inputs carry the spent output's type,
//! addresses and value). Background spends keep a realistic UTXO set; the
//! router hop of the heist pays the attacker from the router's vault and the
//! attacker splits it over fresh addresses. All addresses are native segwit
//! (P2WPKH, bech32).

use std::path::{Path, PathBuf};

use super::heist::BtcRequest;
use super::{Services, BLOCK_SECONDS, START_TS};
use crate::fmt::{push_hex, push_json_str, push_str, push_u64};
use crate::output::Output;
use crate::rng::Rng;
use crate::SimError;

const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
/// First simulated Bitcoin block.
pub const BTC_START_BLOCK: u64 = 918_000;
const BTC_BLOCK_SECONDS: i64 = 600;

fn polymod(values: &[u8]) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk: u32 = 1;
    for &v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// Native segwit v0 address (`bc1q...`) of a 20-byte public-key hash (BIP 173).
pub fn p2wpkh_address(pkh: &[u8; 20]) -> String {
    let hrp = b"bc";
    let mut data = vec![0u8];
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in pkh {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            data.push(((acc >> bits) & 31) as u8);
        }
    }
    if bits > 0 {
        data.push(((acc << (5 - bits)) & 31) as u8);
    }
    let mut values: Vec<u8> = hrp.iter().map(|c| c >> 5).collect();
    values.push(0);
    values.extend(hrp.iter().map(|c| c & 31));
    values.extend(&data);
    values.extend([0u8; 6]);
    let pm = polymod(&values) ^ 1;
    let mut s = String::from("bc1");
    for &d in &data {
        s.push(CHARSET[d as usize] as char);
    }
    for i in 0..6 {
        s.push(CHARSET[((pm >> (5 * (5 - i))) & 31) as usize] as char);
    }
    s
}

#[derive(Clone)]
struct Utxo {
    txid: [u8; 32],
    vout: u32,
    value: u64,
    pkh: [u8; 20],
}

struct BtcTx {
    inputs: Vec<Utxo>,
    outputs: Vec<(u64, [u8; 20])>,
    coinbase: bool,
}

pub struct BtcOutput {
    pub file: PathBuf,
    pub transactions: u64,
    pub payout_txid: String,
    pub attacker_addresses: Vec<String>,
    pub amount_sat: u64,
}

struct Writer {
    out: Output,
    buf: Vec<u8>,
    count: u64,
}

impl Writer {
    /// Writes one transaction and returns its id and outputs as new UTXOs.
    fn write(
        &mut self,
        rng: &mut Rng,
        tx: &BtcTx,
        block: u64,
        block_hash: &[u8; 32],
        ts: i64,
        index: u64,
    ) -> Result<([u8; 32], Vec<Utxo>), SimError> {
        let txid = rng.bytes::<32>();
        let input_value: u64 = tx.inputs.iter().map(|u| u.value).sum();
        let output_value: u64 = tx.outputs.iter().map(|o| o.0).sum();
        let vsize = 11 + 68 * tx.inputs.len() as u64 + 31 * tx.outputs.len() as u64;
        let size = vsize + 108 * tx.inputs.len() as u64 / 4 + 2;
        let b = &mut self.buf;
        b.clear();
        push_str(b, "{\"hash\": \"");
        push_hex(b, &txid);
        push_str(b, "\", \"size\": ");
        push_u64(b, size);
        push_str(b, ", \"virtual_size\": ");
        push_u64(b, vsize);
        push_str(b, ", \"version\": 2, \"lock_time\": 0, \"block_number\": ");
        push_u64(b, block);
        push_str(b, ", \"block_hash\": \"");
        push_hex(b, block_hash);
        push_str(b, "\", \"block_timestamp\": ");
        push_u64(b, ts as u64);
        push_str(b, ", \"is_coinbase\": ");
        push_str(b, if tx.coinbase { "true" } else { "false" });
        push_str(b, ", \"index\": ");
        push_u64(b, index);
        push_str(b, ", \"inputs\": [");
        for (i, u) in tx.inputs.iter().enumerate() {
            if i > 0 {
                push_str(b, ", ");
            }
            push_str(b, "{\"index\": ");
            push_u64(b, i as u64);
            push_str(b, ", \"spent_transaction_hash\": \"");
            push_hex(b, &u.txid);
            push_str(b, "\", \"spent_output_index\": ");
            push_u64(b, u64::from(u.vout));
            push_str(b, ", \"script_asm\": \"\", \"script_hex\": \"\", \"sequence\": 4294967293, \"required_signatures\": 1, \"type\": \"witness_v0_keyhash\", \"addresses\": [");
            push_json_str(b, &p2wpkh_address(&u.pkh));
            push_str(b, "], \"value\": ");
            push_u64(b, u.value);
            push_str(b, "}");
        }
        push_str(b, "], \"outputs\": [");
        for (i, (value, pkh)) in tx.outputs.iter().enumerate() {
            if i > 0 {
                push_str(b, ", ");
            }
            push_str(b, "{\"index\": ");
            push_u64(b, i as u64);
            push_str(b, ", \"script_asm\": \"0 ");
            push_hex(b, pkh);
            push_str(b, "\", \"script_hex\": \"0014");
            push_hex(b, pkh);
            push_str(b, "\", \"required_signatures\": 1, \"type\": \"witness_v0_keyhash\", \"addresses\": [");
            push_json_str(b, &p2wpkh_address(pkh));
            push_str(b, "], \"value\": ");
            push_u64(b, *value);
            push_str(b, "}");
        }
        push_str(b, "], \"input_count\": ");
        push_u64(b, tx.inputs.len() as u64);
        push_str(b, ", \"output_count\": ");
        push_u64(b, tx.outputs.len() as u64);
        push_str(b, ", \"input_value\": ");
        push_u64(b, input_value);
        push_str(b, ", \"output_value\": ");
        push_u64(b, output_value);
        push_str(b, ", \"fee\": ");
        push_u64(
            b,
            if tx.coinbase {
                0
            } else {
                input_value - output_value
            },
        );
        push_str(b, "}\n");
        self.out.write(&self.buf)?;
        self.count += 1;
        let utxos = tx
            .outputs
            .iter()
            .enumerate()
            .map(|(i, &(value, pkh))| Utxo {
                txid,
                vout: i as u32,
                value,
                pkh,
            })
            .collect();
        Ok((txid, utxos))
    }
}

/// Writes the bitcoin transactions, including the router payout of `req`.
pub fn write_btc(
    seed: u64,
    size: &super::ChainSize,
    req: &BtcRequest,
    services: &Services,
    root: &Path,
) -> Result<BtcOutput, SimError> {
    let mut rng = Rng::stream(seed, "btc", 0);
    let r = &mut rng;
    let mut w = Writer {
        out: Output::create(root.join("chain").join("btc").join("transactions.json"))?,
        buf: Vec::with_capacity(4096),
        count: 0,
    };
    let span = size.blocks as i64 * BLOCK_SECONDS;
    let n_blocks = (span / BTC_BLOCK_SECONDS).max(8) as u64;
    let per_block = (size.btc_txs / n_blocks).max(1);
    let payout_block = ((req.eth_block as i64 * BLOCK_SECONDS) / BTC_BLOCK_SECONDS + 2)
        .min(n_blocks as i64 - 3) as u64;
    // Coins that predate the export window (their creating transactions are not in the file).
    let mut pool: Vec<Utxo> = (0..200)
        .map(|_| {
            let u = r.unit();
            Utxo {
                txid: r.bytes::<32>(),
                vout: r.below(3) as u32,
                value: 10_000 + (u * u * u * 5_000_000_000.0) as u64,
                pkh: r.bytes::<20>(),
            }
        })
        .collect();
    let mut vault: Vec<Utxo> = Vec::new();
    let mut payout_txid = String::new();
    let mut attacker: Option<Utxo> = None;
    let vault_pkh = services.btc_vault_pkh;
    for b in 0..n_blocks {
        let number = BTC_START_BLOCK + b;
        let hash = {
            let mut h = r.bytes::<32>();
            h[..4].copy_from_slice(&[0, 0, 0, 0]);
            h
        };
        let ts = START_TS + b as i64 * BTC_BLOCK_SECONDS + r.range(0, 120) as i64;
        let mut index = 0;
        // Coinbase: block subsidy plus fees, to a pool address.
        let coinbase = BtcTx {
            inputs: Vec::new(),
            outputs: vec![(
                312_500_000 + r.range(1_000_000, 30_000_000),
                r.bytes::<20>(),
            )],
            coinbase: true,
        };
        let (_, outs) = w.write(r, &coinbase, number, &hash, ts, index)?;
        index += 1;
        pool.extend(outs);
        if b == 0 {
            // The router's vault is funded early from a large holder.
            let big = pool.pop().expect("coinbase output");
            let fee = 4_000;
            let tx = BtcTx {
                inputs: vec![big.clone()],
                outputs: vec![(big.value - fee, vault_pkh)],
                coinbase: false,
            };
            let (_, outs) = w.write(r, &tx, number, &hash, ts, index)?;
            index += 1;
            vault.extend(outs);
            // and topped up from a holder whose coins predate the export window.
            let holder = Utxo {
                txid: r.bytes::<32>(),
                vout: 1,
                value: req.amount_sat * 2 + 100_000_000,
                pkh: r.bytes::<20>(),
            };
            let tx = BtcTx {
                outputs: vec![(holder.value - 5_200, vault_pkh)],
                inputs: vec![holder],
                coinbase: false,
            };
            let (_, outs) = w.write(r, &tx, number, &hash, ts, index)?;
            index += 1;
            vault.extend(outs);
        }
        if b == payout_block {
            let mut inputs = Vec::new();
            let mut total = 0;
            while total < req.amount_sat + 50_000 {
                let u = vault.pop().expect("vault holds enough");
                total += u.value;
                inputs.push(u);
            }
            let fee = 6_500;
            let tx = BtcTx {
                inputs,
                outputs: vec![
                    (req.amount_sat, req.attacker_pkhs[0]),
                    (total - req.amount_sat - fee, vault_pkh),
                ],
                coinbase: false,
            };
            let (txid, mut outs) = w.write(r, &tx, number, &hash, ts, index)?;
            index += 1;
            payout_txid = crate::fmt::hex_string(&txid);
            vault.push(outs.pop().expect("change"));
            attacker = outs.pop();
        }
        if b == payout_block + 1 {
            if let Some(u) = attacker.take() {
                let fee = 3_100;
                let half = (u.value - fee) / 100 * u64::from(r.range(40, 60) as u32);
                let tx = BtcTx {
                    outputs: vec![
                        (half, req.attacker_pkhs[1]),
                        (u.value - fee - half, req.attacker_pkhs[2]),
                    ],
                    inputs: vec![u],
                    coinbase: false,
                };
                w.write(r, &tx, number, &hash, ts, index)?;
                index += 1;
            }
        }
        // Background spends.
        for _ in 0..r.range(0, per_block * 2 + 1) {
            if pool.len() < 3 {
                break;
            }
            let n_in = if r.chance(0.7) {
                1
            } else {
                r.range(2, 4) as usize
            };
            let mut inputs = Vec::new();
            for _ in 0..n_in.min(pool.len()) {
                let i = r.index(pool.len());
                inputs.push(pool.swap_remove(i));
            }
            let total: u64 = inputs.iter().map(|u| u.value).sum();
            let fee = r.range(1_500, 25_000).min(total / 2);
            let spendable = total - fee;
            let outputs = if spendable > 20_000 && r.chance(0.85) {
                let pay = spendable / 100 * r.range(5, 95);
                vec![(pay, r.bytes::<20>()), (spendable - pay, r.bytes::<20>())]
            } else {
                vec![(spendable, r.bytes::<20>())]
            };
            let (_, outs) = w.write(
                r,
                &BtcTx {
                    inputs,
                    outputs,
                    coinbase: false,
                },
                number,
                &hash,
                ts,
                index,
            )?;
            index += 1;
            pool.extend(outs.into_iter().filter(|u| u.value > 1_000));
        }
    }
    let count = w.count;
    let file = w.out.finish()?;
    Ok(BtcOutput {
        file,
        transactions: count,
        payout_txid,
        attacker_addresses: req.attacker_pkhs.iter().map(p2wpkh_address).collect(),
        amount_sat: req.amount_sat,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bech32_matches_bip173_vector() {
        let pkh = [
            0x75, 0x1e, 0x76, 0xe8, 0x19, 0x91, 0x96, 0xd4, 0x54, 0x94, 0x1c, 0x45, 0xd1, 0xb3,
            0xa3, 0x23, 0xf1, 0x43, 0x3b, 0xd6,
        ];
        assert_eq!(
            p2wpkh_address(&pkh),
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
        );
    }
}
