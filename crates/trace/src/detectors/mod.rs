//! Laundering-pattern detectors on the chain store, one file each; the `unmask`
//! binary's registry lists them ([`all`]).
//!
//! Patterns that only mean something for stolen funds (fresh single-use
//! addresses, consolidation before an exit, exchange deposits) look at the
//! **taint context**: a forward haircut trace from every wallet labelled as
//! abusive (`abuse` or `category` of `service_hack`, `hack`, `sanction`, `heist`,
//! `theft`, `exploit`, `ransomware`, `scam`). Label an exploiter with `unmask label
//! add ADDR --category service_hack --label ...` and the detectors follow it.
//! Structural patterns (fan-out into equal tranches, peel chains, deposits into
//! labelled mixers and bridges) scan the whole graph, skipping labelled services
//! and hubs.
//!
//! Every finding names `wallet:{address}` entities as subjects, the same ids as
//! payroll and sanctions wallets, and cites the transactions it rests on.

mod consolidation;
mod fan_out;
mod fresh_address;
mod mixer_deposit;
mod peel_chain;
mod tainted_deposit;

pub use consolidation::Consolidation;
pub use fan_out::FanOut;
pub use fresh_address::FreshAddress;
pub use mixer_deposit::MixerDeposit;
pub use peel_chain::PeelChain;
pub use tainted_deposit::TaintedDeposit;

use std::collections::BTreeSet;

use unmask_detect::{DetectError, Detector};
use unmask_model::Evidence;
use unmask_store::Store;

use crate::amount::format_units;
use crate::chain::{chain_dir, ChainGraph, EdgeRef};
use crate::labels::{Labels, Service};
use crate::taint::{self, Model, TraceOptions, TraceResult};

/// Every chain detector, for the registry.
pub fn all() -> Vec<&'static dyn Detector> {
    vec![
        &FanOut,
        &PeelChain,
        &MixerDeposit,
        &FreshAddress,
        &Consolidation,
        &TaintedDeposit,
    ]
}

/// Labels that make a wallet a source of taint.
const ABUSE: &[&str] = &[
    "service_hack",
    "hack",
    "sanction",
    "heist",
    "theft",
    "exploit",
    "ransomware",
    "scam",
];

/// Out-degree above which an unlabelled address is treated as a service hub and
/// not scanned for structural patterns.
pub(crate) const HUB_DEGREE: usize = 5_000;

pub(crate) struct Context {
    pub graph: ChainGraph,
    pub labels: Labels,
    /// The trace from every abuse-labelled wallet in the graph, if any.
    pub taint: Option<TraceResult>,
}

impl Context {
    pub fn load(
        store: &Store,
        detector: &'static str,
        with_taint: bool,
    ) -> Result<Option<Context>, DetectError> {
        let dir = chain_dir(store.dir());
        if !dir.join("manifest.json").exists() {
            return Ok(None);
        }
        let failed = |message: String| DetectError::Failed { detector, message };
        let graph = ChainGraph::open(&dir).map_err(|e| failed(e.to_string()))?;
        let labels = Labels::load(store)?;
        let taint = if with_taint {
            taint_context(&graph, &labels)
        } else {
            None
        };
        Ok(Some(Context {
            graph,
            labels,
            taint,
        }))
    }

    pub fn is_service(&self, address: &str) -> bool {
        self.labels
            .get(address)
            .is_some_and(|l| !l.services().is_empty())
    }
}

fn taint_context(graph: &ChainGraph, labels: &Labels) -> Option<TraceResult> {
    let seeds: Vec<String> = labels
        .by_address
        .values()
        .filter(|l| {
            l.abuse
                .iter()
                .chain(&l.categories)
                .any(|c| ABUSE.contains(&c.as_str()))
                && l.address.starts_with("0x")
        })
        .map(|l| l.address.clone())
        .collect();
    let known = graph.find(
        &seeds
            .iter()
            .filter_map(|s| crate::chain::parse_address(s))
            .collect::<Vec<_>>(),
    );
    let seeds: Vec<String> = known.keys().map(crate::chain::address_text).collect();
    if seeds.is_empty() {
        return None;
    }
    let options = TraceOptions {
        model: Model::Haircut,
        max_hops: 12,
        stop_at: [Service::Exchange, Service::Bridge, Service::Mixer].into(),
        ..TraceOptions::default()
    };
    taint::trace(graph, labels, &seeds, &options).ok()
}

pub(crate) fn wallet(address: &str) -> String {
    format!("wallet:{address}")
}

/// An amount for people: whole ETH for the native coin, raw units for tokens.
pub(crate) fn show(graph: &ChainGraph, asset: u32, amount: u128) -> String {
    if asset == 0 {
        format!("{} ETH", format_units(amount, 18))
    } else {
        format!("{amount} units of token {}", graph.asset_name(asset))
    }
}

/// Evidence for one transfer.
pub(crate) fn transfer_evidence(graph: &ChainGraph, edge: &EdgeRef, about: &str) -> Evidence {
    Evidence {
        entity_id: wallet(about),
        note: format!(
            "{} sent {} to {} in transaction {} (block {})",
            graph.address_text(edge.from),
            show(graph, edge.asset(), edge.amount()),
            graph.address_text(edge.to),
            graph.tx(edge.edge.tx).hash,
            edge.edge.block
        ),
        record_id: None,
    }
}

/// Ids of addresses that are labelled services, for skipping.
pub(crate) fn service_ids(context: &Context) -> BTreeSet<u32> {
    let wanted: Vec<_> = context
        .labels
        .by_address
        .values()
        .filter(|l| !l.services().is_empty())
        .filter_map(|l| crate::chain::parse_address(&l.address))
        .collect();
    context.graph.find(&wanted).into_values().collect()
}
