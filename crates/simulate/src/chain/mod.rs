//! The blockchain side of the world: Ethereum background activity with a
//! heavy-tailed degree distribution (exchange hot wallets with huge fan-out,
//! many small users, ETH plus USDT/USDC), one heist laundered through
//! fan-out, peel chains, a mixer, a cross-chain router, consolidation and
//! exchange deposit addresses, the Bitcoin side of the router hop, and a
//! GraphSense TagPack with the labels an investigator would already have.
//!
//! Files: `chain/eth/transactions.csv`, `chain/eth/token_transfers.csv`
//! (ethereum-etl), `chain/btc/transactions.json` (bitcoin-etl) and
//! `labels/tagpack.yaml`.

pub mod btc;
pub mod eth;
pub mod heist;
pub mod tagpack;

use std::path::{Path, PathBuf};

use crate::rng::mix64;
use crate::{Scale, SimError};

pub type Addr = [u8; 20];

/// How much chain to simulate.
#[derive(Clone, Debug)]
pub struct ChainSize {
    /// Target number of Ethereum transactions (token transfers come on top).
    pub eth_txs: u64,
    pub blocks: u64,
    pub users: u64,
    pub btc_txs: u64,
    pub tranches: usize,
    pub peel_hops: usize,
}

impl ChainSize {
    pub fn for_scale(scale: Scale) -> Self {
        match scale {
            Scale::Tiny => ChainSize {
                eth_txs: 4_000,
                blocks: 2_000,
                users: 2_000,
                btc_txs: 300,
                tranches: 8,
                peel_hops: 4,
            },
            Scale::Small => ChainSize {
                eth_txs: 80_000,
                blocks: 12_000,
                users: 40_000,
                btc_txs: 3_000,
                tranches: 16,
                peel_hops: 6,
            },
            Scale::Medium => ChainSize {
                eth_txs: 800_000,
                blocks: 100_000,
                users: 300_000,
                btc_txs: 20_000,
                tranches: 30,
                peel_hops: 8,
            },
            Scale::Large => ChainSize {
                eth_txs: 7_900_000,
                blocks: 201_600,
                users: 2_000_000,
                btc_txs: 100_000,
                tranches: 50,
                peel_hops: 10,
            },
        }
    }
}

/// First simulated Ethereum block and its timestamp (2026-10-04T00:00:00Z).
pub const START_BLOCK: u64 = 23_412_000;
pub const START_TS: i64 = crate::world::WINDOW_START;
pub const BLOCK_SECONDS: i64 = 12;

pub const WEI_PER_ETH: u128 = 1_000_000_000_000_000_000;

/// Address kinds, mixed into address derivation so the spaces never overlap.
pub mod kind {
    pub const USER: u64 = 1;
    pub const HOT: u64 = 2;
    pub const DEPOSIT: u64 = 3;
    pub const HEIST: u64 = 5;
    pub const VICTIM: u64 = 6;
    pub const MIXER: u64 = 7;
    pub const BRIDGE: u64 = 8;
    pub const OTC: u64 = 9;
    pub const CONTRACT: u64 = 10;
    pub const BTC: u64 = 11;
}

/// A deterministic 20-byte address for entity `idx` of kind `kind`.
pub fn addr(seed: u64, kind: u64, idx: u64) -> Addr {
    let a = mix64(seed ^ mix64(kind.wrapping_mul(0x9e37_79b9) ^ (idx << 8)));
    let b = mix64(a ^ 0x1234_5678);
    let c = mix64(b ^ 0x8765_4321);
    let mut out = [0u8; 20];
    out[..8].copy_from_slice(&a.to_be_bytes());
    out[8..16].copy_from_slice(&b.to_be_bytes());
    out[16..].copy_from_slice(&c.to_be_bytes()[..4]);
    out
}

pub fn hex20(s: &str) -> Addr {
    let s = s.trim_start_matches("0x");
    let mut out = [0u8; 20];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("valid hex constant");
    }
    out
}

pub fn addr_string(a: &Addr) -> String {
    format!("0x{}", crate::fmt::hex_string(a))
}

pub struct Token {
    pub symbol: &'static str,
    pub address: &'static str,
    /// Uniswap v3 pool paying out the token in swaps.
    pub pool: &'static str,
}

pub const TOKENS: &[Token] = &[
    Token {
        symbol: "USDT",
        address: "0xdac17f958d2ee523a2206206994597c13d831ec7",
        pool: "0x11b815efb8f581194ae79006d24e0d814b7697f6",
    },
    Token {
        symbol: "USDC",
        address: "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
        pool: "0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640",
    },
];

/// DEX routers (Uniswap V2 Router02 and Universal Router).
pub const DEX_ROUTERS: &[(&str, &str)] = &[
    (
        "0x7a250d5630b4cf539739df2c5dacb4c659f2488d",
        "uniswap v2 router02",
    ),
    (
        "0x3fc91a3afd70395cd496c647d5a6cc9d4b2b7fad",
        "uniswap universal router",
    ),
];

/// Simulated centralised exchanges: (name, number of hot wallets).
pub const EXCHANGES: &[(&str, u64)] = &[
    ("Coinvault", 2),
    ("Bitharbor", 2),
    ("Krona Exchange", 1),
    ("Hexaport", 1),
    ("Obsidian Markets", 1),
    ("Tesseract", 1),
];

pub const MIXER_NAME: &str = "Tumbler Cash (simulated mixer)";
pub const BRIDGE_NAME: &str = "Skyway Router (simulated cross-chain router)";
pub const VICTIM_NAME: &str = "Orbital Bridge (simulated, exploited)";
pub const OTC_NAME: &str = "OTC broker (unlabelled)";

/// The fixed service addresses of the world.
pub struct Services {
    pub hot_wallets: Vec<Vec<Addr>>,
    pub mixer: Addr,
    pub bridge: Addr,
    pub victim: Addr,
    pub otc: Addr,
    pub btc_vault_pkh: [u8; 20],
}

impl Services {
    pub fn new(seed: u64) -> Self {
        Services {
            hot_wallets: EXCHANGES
                .iter()
                .enumerate()
                .map(|(e, &(_, n))| {
                    (0..n)
                        .map(|k| addr(seed, kind::HOT, (e as u64) * 4 + k))
                        .collect()
                })
                .collect(),
            mixer: addr(seed, kind::MIXER, 0),
            bridge: addr(seed, kind::BRIDGE, 0),
            victim: addr(seed, kind::VICTIM, 0),
            otc: addr(seed, kind::OTC, 0),
            btc_vault_pkh: addr(seed, kind::BTC, 0),
        }
    }

    pub fn deposit(&self, seed: u64, exchange: usize, user: u64) -> Addr {
        addr(seed, kind::DEPOSIT, ((exchange as u64) << 40) | user)
    }
}

/// Ethereum base fee of block offset `b`, in wei (3–18 gwei, drifting hourly).
pub fn base_fee(seed: u64, b: u64) -> u64 {
    let slow = mix64(seed ^ 0xba5e ^ (b / 300)) % 14_000_000_000 + 3_000_000_000;
    slow + mix64(seed ^ 0xf00 ^ b) % 1_000_000_000
}

pub struct ChainOutput {
    pub files: Vec<PathBuf>,
    pub eth_transactions: u64,
    pub token_transfers: u64,
    pub btc_transactions: u64,
    pub transfers: u64,
    pub heist: heist::HeistTruth,
    pub services: Services,
    pub fanout: eth::FanoutTruth,
    pub heist_deposits: Vec<(usize, Addr)>,
}

/// Writes the whole chain side under `root`.
pub fn write_chain(seed: u64, size: &ChainSize, root: &Path) -> Result<ChainOutput, SimError> {
    let chain_seed = crate::rng::stream_seed(seed, "chain", 0);
    let services = Services::new(chain_seed);
    let plan = heist::plan(chain_seed, size, &services);
    let btc = btc::write_btc(chain_seed, size, &plan.btc_request, &services, root)?;
    let eth = eth::write_eth(chain_seed, size, &services, &plan, root)?;
    let tagpack = tagpack::write_tagpack(&services, root)?;
    let mut truth = plan.truth;
    truth.btc_hop.btc_txid = btc.payout_txid.clone();
    truth.btc_hop.btc_addresses = btc.attacker_addresses.clone();
    truth.btc_hop.amount_sat = btc.amount_sat;
    let mut files = eth.files;
    files.push(btc.file);
    files.push(tagpack);
    Ok(ChainOutput {
        files,
        eth_transactions: eth.transactions,
        token_transfers: eth.token_transfers,
        btc_transactions: btc.transactions,
        transfers: eth.transactions + eth.token_transfers + btc.transactions,
        heist: truth,
        services,
        fanout: eth.fanout,
        heist_deposits: plan.deposits,
    })
}
