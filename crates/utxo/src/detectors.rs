//! Detectors over the Bitcoin graph (`<data-dir>/chain/btc/`), for `unmask detect`:
//!
//! * `btc_coinjoin`: a transaction with a CoinJoin fingerprint (Wasabi 1.x/2.0,
//!   Whirlpool, JoinMarket, equal-output) or a Whirlpool Tx0; its input wallets are
//!   the subjects, since they are the ones mixing.
//! * `btc_peel_chain`: a peel chain of at least three hops; the hop wallets and the
//!   wallets that received the peeled amounts are the subjects.
//!
//! Both cite the transactions (txid, block) as evidence; the UTXO graph keeps no
//! store record ids, so evidence points to transactions, not lines.

use std::path::Path;

use unmask_detect::{DetectError, Detector};
use unmask_model::{normalize, Evidence, Finding, Severity};
use unmask_store::Store;

use crate::graph::{Options, UtxoGraph, NONE};
use crate::peel;
use crate::tx::txid_text;

fn load(dir: &Path, detector: &'static str) -> Result<UtxoGraph, DetectError> {
    UtxoGraph::load(&crate::btc_dir(dir), Options::default()).map_err(|e| DetectError::Failed {
        detector,
        message: e.to_string(),
    })
}

fn wallet(graph: &UtxoGraph, address: u32) -> Option<String> {
    if address == NONE || graph.addresses.is_key_set(address) {
        return None;
    }
    normalize::wallet(graph.addresses.text(address)).map(|a| format!("wallet:{a}"))
}

pub struct CoinJoinDetector;

impl Detector for CoinJoinDetector {
    fn id(&self) -> &'static str {
        "btc_coinjoin"
    }

    fn description(&self) -> &'static str {
        "Bitcoin CoinJoins (Wasabi, Whirlpool, JoinMarket, equal-output) and Whirlpool Tx0, by fingerprint"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let graph = load(store.dir(), self.id())?;
        let mut findings = Vec::new();
        for tx in graph.detected() {
            let Some(strongest) = graph.detections(tx).first() else {
                continue;
            };
            let txid = txid_text(graph.txid(tx));
            let mut subjects: Vec<String> = graph
                .input_addresses(tx)
                .into_iter()
                .filter_map(|a| wallet(&graph, a))
                .collect();
            subjects.sort();
            subjects.dedup();
            if subjects.is_empty() {
                continue;
            }
            let kinds: Vec<String> = graph
                .detections(tx)
                .iter()
                .map(|d| format!("{} ({}%)", d.kind.name(), d.confidence))
                .collect();
            let evidence = subjects
                .iter()
                .take(20)
                .map(|subject| Evidence {
                    entity_id: subject.clone(),
                    note: format!("spent into {txid} (block {})", graph.tx(tx).block),
                    record_id: None,
                })
                .collect();
            findings.push(Finding {
                detector: self.id().to_string(),
                severity: if strongest.kind.is_coinjoin() {
                    Severity::Medium
                } else {
                    Severity::Low
                },
                weight: (strongest.confidence as f64 / 100.0 * 0.5).clamp(0.05, 0.5),
                reason: format!(
                    "{} wallets spent together in {txid}: {}; {} participants, denomination {:?} sat",
                    subjects.len(),
                    kinds.join(", "),
                    strongest.participants,
                    strongest.denominations
                ),
                subjects,
                evidence,
                key: format!("btc_coinjoin:{txid}"),
            });
        }
        Ok(findings)
    }
}

pub struct PeelChainDetector;

/// Hops needed to report a chain.
const MIN_HOPS: usize = 3;

impl Detector for PeelChainDetector {
    fn id(&self) -> &'static str {
        "btc_peel_chain"
    }

    fn description(&self) -> &'static str {
        "Bitcoin peel chains: runs of 1-input 2-output transactions peeling small amounts off"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let graph = load(store.dir(), self.id())?;
        let mut findings = Vec::new();
        for chain in peel::chains(&graph, MIN_HOPS) {
            let Some(first) = chain.hops.first() else {
                continue;
            };
            let first_txid = txid_text(graph.txid(first.tx));
            let mut subjects = Vec::new();
            let mut evidence = Vec::new();
            for hop in &chain.hops {
                let spender = graph.tx_inputs(hop.tx).first().map_or(NONE, |i| i.address);
                if let Some(w) = wallet(&graph, spender) {
                    subjects.push(w);
                }
                if let Some(w) = wallet(&graph, hop.peeled_address) {
                    evidence.push(Evidence {
                        entity_id: w.clone(),
                        note: format!(
                            "received {} sat peeled off in {} (block {}); {} sat moved on",
                            hop.peeled_value,
                            txid_text(graph.txid(hop.tx)),
                            graph.tx(hop.tx).block,
                            hop.remaining
                        ),
                        record_id: None,
                    });
                    subjects.push(w);
                }
            }
            subjects.sort();
            subjects.dedup();
            findings.push(Finding {
                detector: self.id().to_string(),
                subjects,
                severity: Severity::Medium,
                weight: (0.2 + 0.05 * chain.hops.len() as f64).min(0.6),
                reason: format!(
                    "peel chain of {} hops from {first_txid}: {} sat peeled off in small parts",
                    chain.hops.len(),
                    chain.peeled_total()
                ),
                evidence,
                key: format!("btc_peel_chain:{first_txid}"),
            });
        }
        Ok(findings)
    }
}
