//! The heist and its laundering, planned before any block is written.
//!
//! An exploit drains ETH from a (simulated) bridge into two seed addresses.
//! The seeds fan out identical tranches to fresh addresses; each tranche then
//! takes one route seen in published DPRK cases: a peel chain (each hop sends
//! a small part to an exchange deposit address and the rest to a fresh
//! address), fixed-denomination mixer deposits, a cross-chain router (whose
//! BTC payout appears in the bitcoin export), consolidation (fan-in) before
//! exchange deposits, or an OTC broker. Every launderer transaction pays gas
//! out of the stolen funds, so the books close exactly:
//! `stolen = Σ exits + Σ remaining holdings + fees`. One mixer deposit
//! reverts (status 0: value not moved, gas paid) and one launderer makes a
//! zero-value `approve` call; a correct tracer ignores both values.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{
    addr, addr_string, base_fee, kind, Addr, ChainSize, Services, EXCHANGES, TOKENS, WEI_PER_ETH,
};
use crate::fmt::hex_string;
use crate::rng::Rng;

/// Deposit-address user ids at or above this value belong to the heist.
pub const HEIST_DEPOSIT_BASE: u64 = 1 << 39;
/// BTC per ETH used by the router, in satoshi per ETH.
pub const SAT_PER_ETH: u128 = 3_450_000;

pub struct PlannedTx {
    pub block: u64,
    pub seq: u64,
    pub hash: [u8; 32],
    pub from: Addr,
    pub to: Addr,
    pub nonce: u64,
    pub value: u128,
    pub gas_limit: u64,
    pub gas_used: u64,
    pub prio: u64,
    pub input: Vec<u8>,
    pub status: bool,
}

/// What the bitcoin side must pay out for the router hop.
pub struct BtcRequest {
    /// Block offset of the Ethereum deposit into the router.
    pub eth_block: u64,
    pub amount_sat: u64,
    pub attacker_pkhs: Vec<[u8; 20]>,
}

#[derive(Serialize, Clone, Debug)]
pub struct Exit {
    pub address: String,
    pub kind: &'static str,
    pub service: String,
    pub amount: String,
    pub tx_hashes: Vec<String>,
}

#[derive(Serialize, Clone, Debug)]
pub struct Holding {
    pub address: String,
    pub amount: String,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct BtcHop {
    pub eth_bridge_deposit_tx: String,
    pub eth_amount: String,
    pub memo: String,
    pub btc_txid: String,
    pub btc_addresses: Vec<String>,
    pub amount_sat: u64,
}

#[derive(Serialize, Clone, Debug)]
pub struct Reconciliation {
    pub exits_total: String,
    pub holdings_total: String,
    pub fees_total: String,
    pub stolen_amount: String,
}

#[derive(Serialize, Clone, Debug)]
pub struct HeistTruth {
    pub chain: &'static str,
    pub asset: &'static str,
    pub victim_address: String,
    pub victim_service: &'static str,
    pub exploit_tx_hashes: Vec<String>,
    pub seed_addresses: Vec<String>,
    pub stolen_amount: String,
    pub tranche_amount: String,
    pub fanout_addresses: Vec<String>,
    pub peel_chain_addresses: Vec<String>,
    pub consolidation_addresses: Vec<String>,
    pub mixer_address: String,
    pub bridge_address: String,
    pub otc_address: String,
    pub laundering_addresses: Vec<String>,
    pub exits: Vec<Exit>,
    pub remaining_holdings: Vec<Holding>,
    pub fees_paid: String,
    pub failed_tx_hashes: Vec<String>,
    pub zero_value_tx_hashes: Vec<String>,
    pub exchange_sweep_tx_hashes: Vec<String>,
    pub reconciliation: Reconciliation,
    pub btc_hop: BtcHop,
}

pub struct HeistPlan {
    pub txs: Vec<PlannedTx>,
    pub truth: HeistTruth,
    pub btc_request: BtcRequest,
    /// Fresh exchange deposit addresses the launderers used: (exchange, address).
    pub deposits: Vec<(usize, Addr)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Route {
    Peel,
    Mixer,
    Bridge,
    Consolidate,
    Otc,
}

struct ExitAcc {
    kind: &'static str,
    service: String,
    amount: u128,
    hashes: Vec<String>,
    last_block: u64,
}

struct Planner<'a> {
    seed: u64,
    rng: Rng,
    services: &'a Services,
    balances: HashMap<Addr, u128>,
    nonces: HashMap<Addr, u64>,
    laundering: Vec<Addr>,
    txs: Vec<PlannedTx>,
    fees: u128,
    exits: BTreeMap<Addr, ExitAcc>,
    exit_order: Vec<Addr>,
    next_fresh: u64,
    deposits: Vec<(usize, Addr)>,
    failed: Vec<String>,
    zero_value: Vec<String>,
    end_block: u64,
}

fn hash_hex(h: &[u8; 32]) -> String {
    format!("0x{}", hex_string(h))
}

impl Planner<'_> {
    fn fresh(&mut self) -> Addr {
        self.next_fresh += 1;
        let a = addr(self.seed, kind::HEIST, self.next_fresh);
        self.laundering.push(a);
        a
    }

    fn new_deposit(&mut self) -> (usize, Addr) {
        let ex = self.rng.index(EXCHANGES.len());
        let a = self.services.deposit(
            self.seed,
            ex,
            HEIST_DEPOSIT_BASE + self.deposits.len() as u64,
        );
        self.deposits.push((ex, a));
        (ex, a)
    }

    fn clamp(&self, block: u64) -> u64 {
        block.min(self.end_block)
    }

    fn fee_at(block: u64, seed: u64, gas_used: u64, prio: u64) -> u128 {
        u128::from(gas_used) * u128::from(base_fee(seed, block) + prio)
    }

    /// Records a launderer transaction; `value` moves only if `status`.
    #[allow(clippy::too_many_arguments)]
    fn send(
        &mut self,
        block: u64,
        from: Addr,
        to: Addr,
        value: u128,
        gas_limit: u64,
        gas_used: u64,
        input: Vec<u8>,
        status: bool,
    ) -> String {
        let block = self.clamp(block);
        let prio = self.rng.range(1_000_000_000, 2_500_000_000) / 1_000_000 * 1_000_000;
        let fee = Self::fee_at(block, self.seed, gas_used, prio);
        let bal = self.balances.get(&from).copied().unwrap_or(0);
        let spent = fee + if status { value } else { 0 };
        assert!(bal >= spent, "planner overdraws {}", addr_string(&from));
        self.balances.insert(from, bal - spent);
        self.fees += fee;
        if status {
            *self.balances.entry(to).or_insert(0) += value;
        }
        self.push(
            block, from, to, value, gas_limit, gas_used, prio, input, status,
        )
    }

    /// Sends the whole balance of `from` minus the fee.
    fn send_all(
        &mut self,
        block: u64,
        from: Addr,
        to: Addr,
        gas_limit: u64,
        gas_used: u64,
        input: Vec<u8>,
    ) -> (String, u128) {
        let block = self.clamp(block);
        // The fee depends on the priority fee drawn inside `send`, so peek it the same way.
        let saved = self.rng.clone();
        let prio = self.rng.range(1_000_000_000, 2_500_000_000) / 1_000_000 * 1_000_000;
        self.rng = saved;
        let fee = Self::fee_at(block, self.seed, gas_used, prio);
        let value = self.balances[&from] - fee;
        (
            self.send(block, from, to, value, gas_limit, gas_used, input, true),
            value,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        block: u64,
        from: Addr,
        to: Addr,
        value: u128,
        gas_limit: u64,
        gas_used: u64,
        prio: u64,
        input: Vec<u8>,
        status: bool,
    ) -> String {
        let nonce = self.nonces.entry(from).or_insert(0);
        let hash = self.rng.bytes::<32>();
        self.txs.push(PlannedTx {
            block,
            seq: self.txs.len() as u64,
            hash,
            from,
            to,
            nonce: *nonce,
            value,
            gas_limit,
            gas_used,
            prio,
            input,
            status,
        });
        *nonce += 1;
        hash_hex(&hash)
    }

    fn exit(
        &mut self,
        to: Addr,
        kind: &'static str,
        service: String,
        amount: u128,
        hash: String,
        block: u64,
    ) {
        if !self.exits.contains_key(&to) {
            self.exit_order.push(to);
        }
        let e = self.exits.entry(to).or_insert(ExitAcc {
            kind,
            service,
            amount: 0,
            hashes: Vec::new(),
            last_block: 0,
        });
        e.amount += amount;
        e.hashes.push(hash);
        e.last_block = e.last_block.max(block);
    }

    fn step(&mut self, t: u64, gap: u64) -> u64 {
        let d = self.rng.range(1, gap + 1);
        self.clamp(t + d)
    }
}

fn abi_word_addr(out: &mut Vec<u8>, a: &Addr) {
    out.extend_from_slice(&[0u8; 12]);
    out.extend_from_slice(a);
}

fn abi_word_u128(out: &mut Vec<u8>, v: u128) {
    out.extend_from_slice(&[0u8; 16]);
    out.extend_from_slice(&v.to_be_bytes());
}

/// `depositWithExpiry(address,address,uint256,string,uint256)` of a THORChain-style router.
fn router_input(vault: &Addr, amount: u128, memo: &str, expiry: u64) -> Vec<u8> {
    let mut v = vec![0x44, 0xbc, 0x93, 0x7b];
    abi_word_addr(&mut v, vault);
    abi_word_addr(&mut v, &[0u8; 20]);
    abi_word_u128(&mut v, amount);
    abi_word_u128(&mut v, 0xa0);
    abi_word_u128(&mut v, u128::from(expiry));
    abi_word_u128(&mut v, memo.len() as u128);
    let mut m = memo.as_bytes().to_vec();
    m.resize(memo.len().div_ceil(32) * 32, 0);
    v.extend_from_slice(&m);
    v
}

fn mixer_input(rng: &mut Rng) -> Vec<u8> {
    let mut v = vec![0xb2, 0x14, 0xfa, 0xa5];
    v.extend_from_slice(&rng.bytes::<32>());
    v
}

fn approve_input(spender: &Addr) -> Vec<u8> {
    let mut v = vec![0x09, 0x5e, 0xa7, 0xb3];
    abi_word_addr(&mut v, spender);
    v.extend_from_slice(&[0xff; 32]);
    v
}

/// Plans the heist for a chain of `size`.
pub fn plan(seed: u64, size: &ChainSize, services: &Services) -> HeistPlan {
    let mut p = Planner {
        seed,
        rng: Rng::stream(seed, "heist", 0),
        services,
        balances: HashMap::new(),
        nonces: HashMap::new(),
        laundering: Vec::new(),
        txs: Vec::new(),
        fees: 0,
        exits: BTreeMap::new(),
        exit_order: Vec::new(),
        next_fresh: 0,
        deposits: Vec::new(),
        failed: Vec::new(),
        zero_value: Vec::new(),
        end_block: size.blocks - 60,
    };
    let b0 = size.blocks / 10;
    let seeds = [p.fresh(), p.fresh()];

    // The exploit: the victim pays out to the seeds.
    let first = WEI_PER_ETH * u128::from(p.rng.range(12_000, 18_000))
        + u128::from(p.rng.below(1_000_000_000_000_000_000));
    let second = first / 100 * u128::from(p.rng.range(30, 55))
        + u128::from(p.rng.next_u64() % 1_000_000_000_000);
    let stolen = first + second;
    p.nonces.insert(services.victim, p.rng.range(4_000, 9_000));
    let mut exploit_hashes = Vec::new();
    for (i, (seed_addr, value)) in seeds.iter().zip([first, second]).enumerate() {
        let prio = 2_000_000_000;
        exploit_hashes.push(p.push(
            b0 + i as u64,
            services.victim,
            *seed_addr,
            value,
            120_000,
            64_213,
            prio,
            vec![0x3d, 0x18, 0xb9, 0x12],
            true,
        ));
        p.balances.insert(*seed_addr, value);
    }

    // Fan-out: identical round tranches.
    let tranches = size.tranches as u128;
    let tranche = stolen * 85 / 100 / tranches / (10 * WEI_PER_ETH) * (10 * WEI_PER_ETH);
    let mut heads = Vec::new();
    let mut fan_block = b0 + 3;
    for i in 0..size.tranches {
        let from = if p.balances[&seeds[0]] > tranche + WEI_PER_ETH {
            seeds[0]
        } else {
            seeds[1]
        };
        let head = p.fresh();
        p.send(
            fan_block,
            from,
            head,
            tranche,
            21_000,
            21_000,
            Vec::new(),
            true,
        );
        heads.push((head, fan_block));
        if i % 3 == 2 {
            fan_block += 1;
        }
    }

    // Routes: one bridge hop and one OTC sale; the rest peel, mix or consolidate.
    let mut routes = vec![
        Route::Bridge,
        Route::Otc,
        Route::Peel,
        Route::Mixer,
        Route::Consolidate,
        Route::Consolidate,
    ];
    while routes.len() < size.tranches {
        let r = match p.rng.below(20) {
            0..=7 => Route::Peel,
            8..=12 => Route::Mixer,
            _ => Route::Consolidate,
        };
        routes.push(r);
    }
    routes.truncate(size.tranches);
    p.rng.shuffle(&mut routes);
    let avail = p.end_block.saturating_sub(fan_block + 10).max(40);
    let gap = (avail / (size.peel_hops as u64 * 2 + 6)).max(2);

    let mut peel_addrs = Vec::new();
    let mut consolidation = Vec::new();
    let mut btc_request = None;
    let mut hop = BtcHop::default();
    let mut consolidate_members = Vec::new();
    let mut failed_planted = false;
    let mut approve_planted = false;
    for (&(head, start), &route) in heads.iter().zip(&routes) {
        let mut t = start + p.rng.range(2, gap + 2);
        match route {
            Route::Peel => {
                let mut cur = head;
                for _ in 0..size.peel_hops {
                    t = p.step(t, gap);
                    let (ex, dep) = p.new_deposit();
                    let bal = p.balances[&cur];
                    let peel = bal / 10_000 * u128::from(p.rng.range(200, 700))
                        / 1_000_000_000_000_000
                        * 1_000_000_000_000_000;
                    let h = p.send(t, cur, dep, peel, 21_000, 21_000, Vec::new(), true);
                    p.exit(
                        dep,
                        "exchange_deposit",
                        EXCHANGES[ex].0.to_string(),
                        peel,
                        h,
                        t,
                    );
                    let next = p.fresh();
                    peel_addrs.push(next);
                    p.send_all(t + 1, cur, next, 21_000, 21_000, Vec::new());
                    cur = next;
                    t += 1;
                }
                if p.rng.chance(0.5) {
                    t = p.step(t, gap);
                    let (ex, dep) = p.new_deposit();
                    let (h, v) = p.send_all(t, cur, dep, 21_000, 21_000, Vec::new());
                    p.exit(
                        dep,
                        "exchange_deposit",
                        EXCHANGES[ex].0.to_string(),
                        v,
                        h,
                        t,
                    );
                }
            }
            Route::Mixer => {
                let mixer = services.mixer;
                for denom in [100u128, 10, 1].map(|d| d * WEI_PER_ETH) {
                    loop {
                        let reserve = WEI_PER_ETH / 20;
                        if p.balances[&head] < denom + reserve {
                            break;
                        }
                        t = p.step(t, (gap / 8).max(1));
                        if !failed_planted {
                            // A reverted deposit: the value column says 100 ETH, nothing moved.
                            failed_planted = true;
                            let input = mixer_input(&mut p.rng);
                            let h = p.send(t, head, mixer, denom, 1_200_000, 38_112, input, false);
                            p.failed.push(h);
                            t += 1;
                        }
                        let input = mixer_input(&mut p.rng);
                        let gas_used = p.rng.range(950_000, 1_050_000);
                        let h = p.send(t, head, mixer, denom, 1_200_000, gas_used, input, true);
                        p.exit(mixer, "mixer", super::MIXER_NAME.to_string(), denom, h, t);
                    }
                }
            }
            Route::Bridge => {
                t = p.step(t, gap);
                let pkhs: Vec<[u8; 20]> = (1..=3).map(|i| addr(seed, kind::BTC, i)).collect();
                let memo = format!("=:BTC.BTC:{}", super::btc::p2wpkh_address(&pkhs[0]));
                let vault = addr(seed, kind::CONTRACT, 77);
                // Amount in the calldata must equal the value; peek the fee the same way send_all does.
                let saved = p.rng.clone();
                let prio = p.rng.range(1_000_000_000, 2_500_000_000) / 1_000_000 * 1_000_000;
                p.rng = saved;
                let fee = Planner::fee_at(p.clamp(t), seed, 68_455, prio);
                let value = p.balances[&head] - fee;
                let input = router_input(
                    &vault,
                    value,
                    &memo,
                    (super::START_TS as u64) + t * 12 + 900,
                );
                let h = p.send(
                    t,
                    head,
                    services.bridge,
                    value,
                    120_000,
                    68_455,
                    input,
                    true,
                );
                p.exit(
                    services.bridge,
                    "bridge",
                    super::BRIDGE_NAME.to_string(),
                    value,
                    h.clone(),
                    t,
                );
                // Router keeps 0.3% and pays the outbound BTC fee.
                let gross = value * SAT_PER_ETH / WEI_PER_ETH;
                let amount_sat = (gross - gross * 3 / 1000 - 20_000) as u64;
                hop.eth_bridge_deposit_tx = h;
                hop.eth_amount = value.to_string();
                hop.memo = memo;
                btc_request = Some(BtcRequest {
                    eth_block: p.clamp(t),
                    amount_sat,
                    attacker_pkhs: pkhs,
                });
            }
            Route::Otc => {
                t = p.step(t, gap);
                let otc = services.otc;
                let (h, v) = p.send_all(t, head, otc, 21_000, 21_000, Vec::new());
                p.exit(otc, "otc", super::OTC_NAME.to_string(), v, h, t);
            }
            Route::Consolidate => consolidate_members.push((head, t)),
        }
    }

    // Consolidation: groups of 2-4 tranches fan in, then split into exchange deposits.
    let mut i = 0;
    while i < consolidate_members.len() {
        let left = consolidate_members.len() - i;
        let take = if left <= 4 {
            left
        } else {
            p.rng.range(2, 5) as usize
        };
        let group: Vec<(Addr, u64)> = consolidate_members[i..i + take].to_vec();
        i += take;
        let hub = p.fresh();
        consolidation.push(hub);
        let mut last = 0;
        for (k, &(member, t0)) in group.iter().enumerate() {
            let mut t = p.step(t0, gap);
            if !approve_planted && k == 0 {
                approve_planted = true;
                let token = super::hex20(TOKENS[0].address);
                let router = super::hex20(super::DEX_ROUTERS[0].0);
                let h = p.send(
                    t,
                    member,
                    token,
                    0,
                    60_000,
                    46_109,
                    approve_input(&router),
                    true,
                );
                p.zero_value.push(h);
                t += 1;
            }
            p.send_all(t, member, hub, 21_000, 21_000, Vec::new());
            last = last.max(p.clamp(t));
        }
        let first_split = p.step(last, gap);
        let parts = p.rng.range(2, 4);
        for (t, k) in (first_split..).zip(0..parts) {
            let (ex, dep) = p.new_deposit();
            if k + 1 == parts {
                let (h, v) = p.send_all(t, hub, dep, 21_000, 21_000, Vec::new());
                p.exit(
                    dep,
                    "exchange_deposit",
                    EXCHANGES[ex].0.to_string(),
                    v,
                    h,
                    t,
                );
            } else {
                let share = p.balances[&hub] / 100 * u128::from(p.rng.range(25, 45)) / WEI_PER_ETH
                    * WEI_PER_ETH;
                let h = p.send(t, hub, dep, share, 21_000, 21_000, Vec::new(), true);
                p.exit(
                    dep,
                    "exchange_deposit",
                    EXCHANGES[ex].0.to_string(),
                    share,
                    h,
                    t,
                );
            }
        }
    }

    // Exchanges sweep the deposit addresses into their hot wallets (not laundering).
    let mut sweeps = Vec::new();
    let deposits = p.deposits.clone();
    for &(ex, dep) in &deposits {
        let Some(acc) = p.exits.get(&dep) else {
            continue;
        };
        let t = (acc.last_block + p.rng.range(3, 40)).min(size.blocks - 1);
        let hot = services.hot_wallets[ex][0];
        let prio = 1_000_000_000;
        let fee = u128::from(21_000u64) * u128::from(base_fee(seed, t) + prio);
        let value = p.balances[&dep] - fee;
        p.balances.insert(dep, 0);
        sweeps.push(p.push(t, dep, hot, value, 21_000, 21_000, prio, Vec::new(), true));
    }

    let exits: Vec<Exit> = p
        .exit_order
        .iter()
        .map(|a| {
            let e = &p.exits[a];
            Exit {
                address: addr_string(a),
                kind: e.kind,
                service: e.service.clone(),
                amount: e.amount.to_string(),
                tx_hashes: e.hashes.clone(),
            }
        })
        .collect();
    let holdings: Vec<Holding> = p
        .laundering
        .iter()
        .filter_map(|a| {
            let b = p.balances.get(a).copied().unwrap_or(0);
            (b > 0).then(|| Holding {
                address: addr_string(a),
                amount: b.to_string(),
            })
        })
        .collect();
    let exits_total: u128 = p.exits.values().map(|e| e.amount).sum();
    let holdings_total: u128 = p
        .laundering
        .iter()
        .map(|a| p.balances.get(a).copied().unwrap_or(0))
        .sum();
    assert_eq!(
        exits_total + holdings_total + p.fees,
        stolen,
        "heist books must close"
    );

    let strings = |v: &[Addr]| v.iter().map(addr_string).collect::<Vec<_>>();
    let truth = HeistTruth {
        chain: "ethereum",
        asset: "ETH",
        victim_address: addr_string(&services.victim),
        victim_service: super::VICTIM_NAME,
        exploit_tx_hashes: exploit_hashes,
        seed_addresses: strings(&seeds),
        stolen_amount: stolen.to_string(),
        tranche_amount: tranche.to_string(),
        fanout_addresses: heads.iter().map(|(a, _)| addr_string(a)).collect(),
        peel_chain_addresses: strings(&peel_addrs),
        consolidation_addresses: strings(&consolidation),
        mixer_address: addr_string(&services.mixer),
        bridge_address: addr_string(&services.bridge),
        otc_address: addr_string(&services.otc),
        laundering_addresses: strings(&p.laundering),
        exits,
        remaining_holdings: holdings,
        fees_paid: p.fees.to_string(),
        failed_tx_hashes: p.failed.clone(),
        zero_value_tx_hashes: p.zero_value.clone(),
        exchange_sweep_tx_hashes: sweeps,
        reconciliation: Reconciliation {
            exits_total: exits_total.to_string(),
            holdings_total: holdings_total.to_string(),
            fees_total: p.fees.to_string(),
            stolen_amount: stolen.to_string(),
        },
        btc_hop: hop,
    };
    let mut txs = p.txs;
    txs.sort_by_key(|t| (t.block, t.seq));
    HeistPlan {
        txs,
        truth,
        btc_request: btc_request.expect("every heist has a bridge route"),
        deposits: p.deposits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scale;

    #[test]
    fn books_close_at_every_scale() {
        for scale in [Scale::Tiny, Scale::Small, Scale::Large] {
            let size = ChainSize::for_scale(scale);
            let services = Services::new(9);
            let plan = plan(9, &size, &services);
            assert!(plan
                .txs
                .windows(2)
                .all(|w| (w[0].block, w[0].seq) < (w[1].block, w[1].seq)));
            assert!(plan.txs.iter().all(|t| t.block < size.blocks));
            let kinds: std::collections::HashSet<_> =
                plan.truth.exits.iter().map(|e| e.kind).collect();
            for k in ["exchange_deposit", "mixer", "bridge", "otc"] {
                assert!(kinds.contains(k), "{k} missing at {scale}");
            }
        }
    }
}
