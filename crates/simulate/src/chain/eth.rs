//! Ethereum export: `chain/eth/transactions.csv` and
//! `chain/eth/token_transfers.csv` in ethereum-etl's CSV layout.
//!
//! The transaction columns are ethereum-etl's 15 `transactions.csv` columns
//! in schema order, followed by the receipt fields its streaming exporter
//! adds (`receipt_cumulative_gas_used` ... `receipt_effective_gas_price`),
//! so that `receipt_status` is available: failed transactions (status 0)
//! carry a value that never moved. Values are uint256 decimals in wei or
//! token base units. `gas_price` is the effective price, so
//! `receipt_gas_used * gas_price` is the fee.
//!
//! Background activity: users drawn from a heavy-tailed distribution send
//! ETH and USDT/USDC to each other, deposit to exchange deposit addresses
//! (which the exchange sweeps into its hot wallet a few blocks later),
//! withdraw from hot wallets (sometimes in large batches, the "exchange
//! fan-out" look-alike), swap on Uniswap, approve tokens and call contracts
//! with zero value. The planned heist transactions are merged into the
//! blocks they were planned for.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::heist::{HeistPlan, PlannedTx};
use super::{
    addr, addr_string, base_fee, hex20, kind, Addr, ChainSize, Services, BLOCK_SECONDS,
    DEX_ROUTERS, START_BLOCK, START_TS, TOKENS,
};
use crate::fmt::{push_0x, push_str, push_u128, push_u64};
use crate::output::Output;
use crate::rng::Rng;
use crate::SimError;

pub const TRANSACTIONS_HEADER: &str = "hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp,max_fee_per_gas,max_priority_fee_per_gas,transaction_type,receipt_cumulative_gas_used,receipt_gas_used,receipt_contract_address,receipt_root,receipt_status,receipt_effective_gas_price";
pub const TOKEN_TRANSFERS_HEADER: &str =
    "token_address,from_address,to_address,value,transaction_hash,log_index,block_number";

const WETH: &str = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2";
const SWEEP_RING: usize = 64;

/// The honest "huge fan-out" pattern: exchange batch withdrawals.
#[derive(Serialize, Clone, Debug, Default)]
pub struct FanoutTruth {
    pub hot_wallets: Vec<String>,
    pub batches: u64,
    pub batch_transactions: u64,
    pub example_batch_blocks: Vec<u64>,
}

pub struct EthOutput {
    pub files: Vec<PathBuf>,
    pub transactions: u64,
    pub token_transfers: u64,
    pub fanout: FanoutTruth,
}

struct Block {
    number: u64,
    hash: [u8; 32],
    ts: i64,
    base_fee: u64,
    index: u64,
    gas: u64,
    log_index: u64,
}

struct TxSpec<'a> {
    hash: [u8; 32],
    nonce: u64,
    from: &'a Addr,
    to: &'a Addr,
    value: u128,
    gas_limit: u64,
    gas_used: u64,
    prio: u64,
    legacy: bool,
    input: &'a [u8],
    status: bool,
}

struct Writer {
    txs: Output,
    tokens: Output,
    line: Vec<u8>,
    n_txs: u64,
    n_tokens: u64,
}

impl Writer {
    fn tx(&mut self, b: &mut Block, t: &TxSpec) -> Result<(), SimError> {
        b.gas += t.gas_used;
        let eff = b.base_fee + t.prio;
        let l = &mut self.line;
        l.clear();
        push_0x(l, &t.hash);
        l.push(b',');
        push_u64(l, t.nonce);
        l.push(b',');
        push_0x(l, &b.hash);
        l.push(b',');
        push_u64(l, b.number);
        l.push(b',');
        push_u64(l, b.index);
        l.push(b',');
        push_0x(l, t.from);
        l.push(b',');
        push_0x(l, t.to);
        l.push(b',');
        push_u128(l, t.value);
        l.push(b',');
        push_u64(l, t.gas_limit);
        l.push(b',');
        push_u64(l, eff);
        l.push(b',');
        push_0x(l, t.input);
        l.push(b',');
        push_u64(l, b.ts as u64);
        l.push(b',');
        if t.legacy {
            push_str(l, ",,0,");
        } else {
            push_u64(l, b.base_fee * 2 + t.prio);
            l.push(b',');
            push_u64(l, t.prio);
            push_str(l, ",2,");
        }
        push_u64(l, b.gas);
        l.push(b',');
        push_u64(l, t.gas_used);
        push_str(l, ",,,");
        l.push(if t.status { b'1' } else { b'0' });
        l.push(b',');
        push_u64(l, eff);
        l.push(b'\n');
        self.txs.write(&self.line)?;
        b.index += 1;
        self.n_txs += 1;
        Ok(())
    }

    fn token(
        &mut self,
        b: &mut Block,
        token: &Addr,
        from: &Addr,
        to: &Addr,
        value: u128,
        tx_hash: &[u8; 32],
    ) -> Result<(), SimError> {
        let l = &mut self.line;
        l.clear();
        push_0x(l, token);
        l.push(b',');
        push_0x(l, from);
        l.push(b',');
        push_0x(l, to);
        l.push(b',');
        push_u128(l, value);
        l.push(b',');
        push_0x(l, tx_hash);
        l.push(b',');
        push_u64(l, b.log_index);
        l.push(b',');
        push_u64(l, b.number);
        l.push(b'\n');
        self.tokens.write(&self.line)?;
        b.log_index += 1;
        self.n_tokens += 1;
        Ok(())
    }
}

#[derive(Clone, Copy)]
struct Sweep {
    exchange: u8,
    user: u64,
    value: u128,
    token: Option<u8>,
}

struct Background<'a> {
    seed: u64,
    rng: Rng,
    services: &'a Services,
    users: u64,
    user_nonce: Vec<u32>,
    hot_nonce: Vec<Vec<u64>>,
    deposit_nonce: HashMap<u64, u32>,
    sweeps: Vec<Vec<Sweep>>,
    tokens: [Addr; 2],
    pools: [Addr; 2],
    routers: [Addr; 2],
    weth: Addr,
    fanout: FanoutTruth,
}

fn transfer_input(to: &Addr, value: u128) -> [u8; 68] {
    let mut v = [0u8; 68];
    v[..4].copy_from_slice(&[0xa9, 0x05, 0x9c, 0xbb]);
    v[16..36].copy_from_slice(to);
    v[52..68].copy_from_slice(&value.to_be_bytes());
    v
}

fn approve_input(spender: &Addr) -> [u8; 68] {
    let mut v = [0xffu8; 68];
    v[..4].copy_from_slice(&[0x09, 0x5e, 0xa7, 0xb3]);
    v[4..16].copy_from_slice(&[0; 12]);
    v[16..36].copy_from_slice(spender);
    v
}

const EXCHANGE_WEIGHTS: &[u32] = &[40, 25, 12, 10, 8, 5];

impl Background<'_> {
    fn user(&self, i: u64) -> Addr {
        addr(self.seed, kind::USER, i)
    }

    fn pick_user(&mut self) -> u64 {
        self.rng.heavy(self.users)
    }

    fn receiver(&mut self) -> u64 {
        if self.rng.chance(0.3) {
            self.rng.heavy(self.users)
        } else {
            self.rng.below(self.users)
        }
    }

    fn user_nonce(&mut self, u: u64) -> u64 {
        let n = &mut self.user_nonce[u as usize];
        *n += 1;
        u64::from(*n - 1)
    }

    fn hot(&mut self, ex: usize) -> (Addr, u64) {
        let k = self.rng.index(self.hot_nonce[ex].len());
        let nonce = self.hot_nonce[ex][k];
        self.hot_nonce[ex][k] += 1;
        (self.services.hot_wallets[ex][k], nonce)
    }

    fn eth_value(&mut self) -> u128 {
        let u = self.rng.unit();
        let milli = 1 + (u * u * u * u * 40_000.0) as u128;
        let mut v = milli * 1_000_000_000_000_000;
        if self.rng.chance(0.6) {
            v += u128::from(self.rng.below(1_000_000_000_000_000));
        }
        if self.rng.chance(0.002) {
            v *= 100;
        }
        v
    }

    fn token_value(&mut self) -> u128 {
        let u = self.rng.unit();
        let units = 1 + (u * u * u * u * 2_000_000.0) as u128;
        units * 1_000_000
            + if self.rng.chance(0.5) {
                u128::from(self.rng.below(1_000_000))
            } else {
                0
            }
    }

    fn prio(&mut self) -> u64 {
        self.rng.range(50, 2_500) * 1_000_000
    }

    fn schedule(&mut self, block: u64, sweep: Sweep) {
        let delay = self.rng.range(3, SWEEP_RING as u64 - 1);
        self.sweeps[((block + delay) % SWEEP_RING as u64) as usize].push(sweep);
    }

    /// Sweeps due at `b` (offset), written into the block.
    fn sweeps_due(&mut self, w: &mut Writer, blk: &mut Block, b: u64) -> Result<(), SimError> {
        let due = std::mem::take(&mut self.sweeps[(b % SWEEP_RING as u64) as usize]);
        // `schedule` is never called while sweeps are written, so the slot stays empty.
        for s in &due {
            let ex = s.exchange as usize;
            let dep = self.services.deposit(self.seed, ex, s.user);
            let key = ((ex as u64) << 40) | s.user;
            let nonce = self.deposit_nonce.entry(key).or_insert(0);
            let n = u64::from(*nonce);
            *nonce += 1;
            let hot = self.services.hot_wallets[ex][0];
            let hash = self.rng.bytes::<32>();
            let prio = self.prio();
            match s.token {
                None => {
                    let fee = 21_000u128 * u128::from(blk.base_fee + prio);
                    if s.value <= fee * 2 {
                        continue;
                    }
                    w.tx(
                        blk,
                        &TxSpec {
                            hash,
                            nonce: n,
                            from: &dep,
                            to: &hot,
                            value: s.value - fee,
                            gas_limit: 21_000,
                            gas_used: 21_000,
                            prio,
                            legacy: false,
                            input: &[],
                            status: true,
                        },
                    )?;
                }
                Some(t) => {
                    let token = self.tokens[t as usize];
                    let input = transfer_input(&hot, s.value);
                    let gas_used = self.rng.range(41_000, 63_000);
                    w.tx(
                        blk,
                        &TxSpec {
                            hash,
                            nonce: n,
                            from: &dep,
                            to: &token,
                            value: 0,
                            gas_limit: 90_000,
                            gas_used,
                            prio,
                            legacy: false,
                            input: &input,
                            status: true,
                        },
                    )?;
                    w.token(blk, &token, &dep, &hot, s.value, &hash)?;
                }
            }
        }
        // Hand the (now empty) buffer back to its ring slot to reuse its capacity.
        let mut due = due;
        due.clear();
        self.sweeps[(b % SWEEP_RING as u64) as usize] = due;
        Ok(())
    }

    /// One background transaction.
    fn one(&mut self, w: &mut Writer, blk: &mut Block, b: u64) -> Result<(), SimError> {
        let hash = self.rng.bytes::<32>();
        let prio = self.prio();
        let legacy = self.rng.chance(0.08);
        let k = self.rng.below(100);
        match k {
            0..=23 => {
                let (s, r) = (self.pick_user(), self.receiver());
                let (from, to) = (self.user(s), self.user(r));
                let nonce = self.user_nonce(s);
                let value = self.eth_value();
                w.tx(
                    blk,
                    &TxSpec {
                        hash,
                        nonce,
                        from: &from,
                        to: &to,
                        value,
                        gas_limit: 21_000,
                        gas_used: 21_000,
                        prio,
                        legacy,
                        input: &[],
                        status: true,
                    },
                )?;
            }
            24..=37 => {
                let s = self.pick_user();
                let ex = self.rng.weighted(EXCHANGE_WEIGHTS);
                let from = self.user(s);
                let dep = self.services.deposit(self.seed, ex, s);
                let nonce = self.user_nonce(s);
                let value = self.eth_value();
                w.tx(
                    blk,
                    &TxSpec {
                        hash,
                        nonce,
                        from: &from,
                        to: &dep,
                        value,
                        gas_limit: 21_000,
                        gas_used: 21_000,
                        prio,
                        legacy,
                        input: &[],
                        status: true,
                    },
                )?;
                self.schedule(
                    b,
                    Sweep {
                        exchange: ex as u8,
                        user: s,
                        value,
                        token: None,
                    },
                );
            }
            38..=49 => {
                let ex = self.rng.weighted(EXCHANGE_WEIGHTS);
                let (hot, nonce) = self.hot(ex);
                let r = self.receiver();
                let to = self.user(r);
                let value = self.eth_value();
                w.tx(
                    blk,
                    &TxSpec {
                        hash,
                        nonce,
                        from: &hot,
                        to: &to,
                        value,
                        gas_limit: 21_000,
                        gas_used: 21_000,
                        prio,
                        legacy: false,
                        input: &[],
                        status: true,
                    },
                )?;
            }
            50..=67 => {
                let (s, r) = (self.pick_user(), self.receiver());
                let (from, to) = (self.user(s), self.user(r));
                let t = self.rng.index(2);
                let token = self.tokens[t];
                let nonce = self.user_nonce(s);
                let value = self.token_value();
                let input = transfer_input(&to, value);
                let ok = !self.rng.chance(0.01);
                let gas_used = if ok {
                    self.rng.range(41_000, 63_000)
                } else {
                    self.rng.range(23_000, 30_000)
                };
                w.tx(
                    blk,
                    &TxSpec {
                        hash,
                        nonce,
                        from: &from,
                        to: &token,
                        value: 0,
                        gas_limit: 90_000,
                        gas_used,
                        prio,
                        legacy,
                        input: &input,
                        status: ok,
                    },
                )?;
                if ok {
                    w.token(blk, &token, &from, &to, value, &hash)?;
                }
            }
            68..=75 => {
                let s = self.pick_user();
                let from = self.user(s);
                let t = self.rng.index(2);
                let router = self.routers[self.rng.index(2)];
                let nonce = self.user_nonce(s);
                let value = self.eth_value();
                let ok = !self.rng.chance(0.08);
                let mut input = [0u8; 36];
                input[..4].copy_from_slice(&[0x7f, 0xf3, 0x6a, 0xb5]);
                input[4..36].copy_from_slice(&self.rng.bytes::<32>());
                let gas_used = if ok {
                    self.rng.range(120_000, 190_000)
                } else {
                    self.rng.range(35_000, 80_000)
                };
                w.tx(
                    blk,
                    &TxSpec {
                        hash,
                        nonce,
                        from: &from,
                        to: &router,
                        value,
                        gas_limit: 250_000,
                        gas_used,
                        prio,
                        legacy,
                        input: &input,
                        status: ok,
                    },
                )?;
                if ok {
                    // ~2,500 USD per ETH, in 6-decimal token units.
                    let out = value / 1_000_000_000_000 * 2_500;
                    let pool = self.pools[t];
                    let token = self.tokens[t];
                    w.token(blk, &token, &pool, &from, out, &hash)?;
                }
            }
            76..=80 => {
                let s = self.pick_user();
                let from = self.user(s);
                let token = self.tokens[self.rng.index(2)];
                let spender = self.routers[self.rng.index(2)];
                let nonce = self.user_nonce(s);
                let input = approve_input(&spender);
                w.tx(
                    blk,
                    &TxSpec {
                        hash,
                        nonce,
                        from: &from,
                        to: &token,
                        value: 0,
                        gas_limit: 60_000,
                        gas_used: 46_109,
                        prio,
                        legacy,
                        input: &input,
                        status: true,
                    },
                )?;
            }
            81..=86 => {
                let s = self.pick_user();
                let ex = self.rng.weighted(EXCHANGE_WEIGHTS);
                let t = self.rng.index(2);
                let token = self.tokens[t];
                let from = self.user(s);
                let dep = self.services.deposit(self.seed, ex, s);
                let nonce = self.user_nonce(s);
                let value = self.token_value();
                let input = transfer_input(&dep, value);
                let gas_used = self.rng.range(41_000, 63_000);
                w.tx(
                    blk,
                    &TxSpec {
                        hash,
                        nonce,
                        from: &from,
                        to: &token,
                        value: 0,
                        gas_limit: 90_000,
                        gas_used,
                        prio,
                        legacy,
                        input: &input,
                        status: true,
                    },
                )?;
                w.token(blk, &token, &from, &dep, value, &hash)?;
                self.schedule(
                    b,
                    Sweep {
                        exchange: ex as u8,
                        user: s,
                        value,
                        token: Some(t as u8),
                    },
                );
            }
            87..=92 => {
                let ex = self.rng.weighted(EXCHANGE_WEIGHTS);
                let (hot, nonce) = self.hot(ex);
                let r = self.receiver();
                let to = self.user(r);
                let t = self.rng.index(2);
                let token = self.tokens[t];
                let value = self.token_value();
                let input = transfer_input(&to, value);
                let gas_used = self.rng.range(41_000, 63_000);
                w.tx(
                    blk,
                    &TxSpec {
                        hash,
                        nonce,
                        from: &hot,
                        to: &token,
                        value: 0,
                        gas_limit: 90_000,
                        gas_used,
                        prio,
                        legacy: false,
                        input: &input,
                        status: true,
                    },
                )?;
                w.token(blk, &token, &hot, &to, value, &hash)?;
            }
            93..=96 => {
                let s = self.pick_user();
                let from = self.user(s);
                let contract = addr(self.seed, kind::CONTRACT, self.rng.heavy(400));
                let nonce = self.user_nonce(s);
                let mut input = [0u8; 68];
                input.copy_from_slice(&self.rng.bytes::<68>());
                let ok = !self.rng.chance(0.05);
                let gas_used = self.rng.range(48_000, 160_000);
                w.tx(
                    blk,
                    &TxSpec {
                        hash,
                        nonce,
                        from: &from,
                        to: &contract,
                        value: 0,
                        gas_limit: 250_000,
                        gas_used,
                        prio,
                        legacy,
                        input: &input,
                        status: ok,
                    },
                )?;
            }
            _ => {
                let s = self.pick_user();
                let from = self.user(s);
                let weth = self.weth;
                let nonce = self.user_nonce(s);
                let value = self.eth_value();
                w.tx(
                    blk,
                    &TxSpec {
                        hash,
                        nonce,
                        from: &from,
                        to: &weth,
                        value,
                        gas_limit: 45_038,
                        gas_used: 27_938,
                        prio,
                        legacy,
                        input: &[0xd0, 0xe3, 0x0d, 0xb0],
                        status: true,
                    },
                )?;
            }
        }
        Ok(())
    }

    /// An exchange paying out many withdrawals from one hot wallet in one block.
    fn batch(&mut self, w: &mut Writer, blk: &mut Block) -> Result<(), SimError> {
        let ex = self.rng.weighted(&EXCHANGE_WEIGHTS[..2]);
        let n = self.rng.range(20, 120);
        let k = self.rng.index(self.hot_nonce[ex].len());
        let hot = self.services.hot_wallets[ex][k];
        for _ in 0..n {
            let nonce = self.hot_nonce[ex][k];
            self.hot_nonce[ex][k] += 1;
            let r = self.rng.below(self.users);
            let to = self.user(r);
            let hash = self.rng.bytes::<32>();
            let prio = self.prio();
            let value = self.eth_value() / 4 + 1_000_000_000_000_000;
            w.tx(
                blk,
                &TxSpec {
                    hash,
                    nonce,
                    from: &hot,
                    to: &to,
                    value,
                    gas_limit: 21_000,
                    gas_used: 21_000,
                    prio,
                    legacy: false,
                    input: &[],
                    status: true,
                },
            )?;
        }
        self.fanout.batches += 1;
        self.fanout.batch_transactions += n;
        if self.fanout.example_batch_blocks.len() < 5 {
            self.fanout.example_batch_blocks.push(blk.number);
        }
        Ok(())
    }
}

fn write_planned(w: &mut Writer, blk: &mut Block, t: &PlannedTx) -> Result<(), SimError> {
    w.tx(
        blk,
        &TxSpec {
            hash: t.hash,
            nonce: t.nonce,
            from: &t.from,
            to: &t.to,
            value: t.value,
            gas_limit: t.gas_limit,
            gas_used: t.gas_used,
            prio: t.prio,
            legacy: false,
            input: &t.input,
            status: t.status,
        },
    )
}

pub fn write_eth(
    seed: u64,
    size: &ChainSize,
    services: &Services,
    plan: &HeistPlan,
    root: &Path,
) -> Result<EthOutput, SimError> {
    let dir = root.join("chain").join("eth");
    let mut w = Writer {
        txs: Output::create(dir.join("transactions.csv"))?,
        tokens: Output::create(dir.join("token_transfers.csv"))?,
        line: Vec::with_capacity(1024),
        n_txs: 0,
        n_tokens: 0,
    };
    w.txs.write(TRANSACTIONS_HEADER.as_bytes())?;
    w.txs.write(b"\n")?;
    w.tokens.write(TOKEN_TRANSFERS_HEADER.as_bytes())?;
    w.tokens.write(b"\n")?;
    let mut bg = Background {
        seed,
        rng: Rng::stream(seed, "eth-background", 0),
        services,
        users: size.users,
        user_nonce: vec![0; size.users as usize],
        hot_nonce: services
            .hot_wallets
            .iter()
            .map(|h| h.iter().map(|_| 0).collect())
            .collect(),
        deposit_nonce: HashMap::new(),
        sweeps: vec![Vec::new(); SWEEP_RING],
        tokens: [hex20(TOKENS[0].address), hex20(TOKENS[1].address)],
        pools: [hex20(TOKENS[0].pool), hex20(TOKENS[1].pool)],
        routers: [hex20(DEX_ROUTERS[0].0), hex20(DEX_ROUTERS[1].0)],
        weth: hex20(WETH),
        fanout: FanoutTruth {
            hot_wallets: services
                .hot_wallets
                .iter()
                .take(2)
                .flatten()
                .map(addr_string)
                .collect(),
            ..FanoutTruth::default()
        },
    };
    // Hot wallets and busy users already have long histories.
    for nonces in &mut bg.hot_nonce {
        for n in nonces.iter_mut() {
            *n = bg.rng.range(1_000_000, 9_000_000);
        }
    }
    for (i, n) in bg.user_nonce.iter_mut().enumerate().take(1000) {
        *n = (mix_nonce(seed, i as u64) % 50_000) as u32;
    }
    // Sweeps and batches add roughly a quarter on top of the per-block draw.
    let per_block = (size.eth_txs as f64 * 0.78 / size.blocks as f64).max(0.5);
    let draw_max = (per_block * 2.0).round() as u64;
    let batch_chance = (size.eth_txs as f64 * 0.06 / 70.0 / size.blocks as f64).min(0.5);
    let mut planned = plan.txs.iter().peekable();
    for b in 0..size.blocks {
        let mut blk = Block {
            number: START_BLOCK + b,
            hash: bg.rng.bytes::<32>(),
            ts: START_TS + b as i64 * BLOCK_SECONDS,
            base_fee: base_fee(seed, b),
            index: 0,
            gas: 0,
            log_index: 0,
        };
        let n = bg.rng.range(0, draw_max + 1);
        let insert_at = bg.rng.range(0, n + 1);
        for i in 0..=n {
            if i == insert_at {
                while let Some(t) = planned.next_if(|t| t.block == b) {
                    write_planned(&mut w, &mut blk, t)?;
                }
                bg.sweeps_due(&mut w, &mut blk, b)?;
                if bg.rng.chance(batch_chance) {
                    bg.batch(&mut w, &mut blk)?;
                }
            }
            if i < n {
                bg.one(&mut w, &mut blk, b)?;
            }
        }
    }
    let (n_txs, n_tokens) = (w.n_txs, w.n_tokens);
    let files = vec![w.txs.finish()?, w.tokens.finish()?];
    Ok(EthOutput {
        files,
        transactions: n_txs,
        token_transfers: n_tokens,
        fanout: bg.fanout,
    })
}

fn mix_nonce(seed: u64, i: u64) -> u64 {
    crate::rng::mix64(seed ^ i ^ 0x6e6f6e6365)
}
