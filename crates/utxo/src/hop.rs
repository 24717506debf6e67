//! Cross-chain hops: a deposit into a bridge or a THORChain-style router on one
//! chain (Ethereum here) and the payout it caused on Bitcoin, linked as one flow
//! with the rule that matched them and a confidence.
//!
//! Rules, strongest first:
//!
//! * **memo destination** (confidence 0.95, 0.8 when several payouts qualify):
//!   THORChain deposits carry a memo naming the destination (`SWAP:BTC.BTC:<addr>`,
//!   short forms `=:BTC.BTC:<addr>`, `s:b:<addr>`); the payout is the first Bitcoin
//!   transaction paying that address within the time window after the deposit.
//!   Memos are read from the deposit's calldata (any printable run that parses as
//!   a swap memo), so the router's ABI does not matter.
//! * **amount and time** (confidence 0.6 divided by the number of candidates):
//!   without a memo, an output within the window whose value is the deposit
//!   converted at the given rate less at most the fee tolerance (bridges and routers
//!   keep a fee and pay the outbound miner fee).

use serde::Serialize;

use crate::graph::{UtxoGraph, NONE};
use crate::tx::txid_text;

/// A deposit into a bridge or router on the source chain.
#[derive(Debug, Clone, Serialize)]
pub struct BridgeDeposit {
    pub chain: String,
    pub tx: String,
    /// Seconds since the Unix epoch.
    pub time: u64,
    /// In the source asset's smallest unit (wei for ETH).
    pub amount: u128,
    pub asset: String,
    pub memo: Option<String>,
}

#[derive(Debug, Clone)]
pub struct HopRules {
    /// How long after the deposit a payout may come, in seconds.
    pub window_s: u64,
    /// Satoshi per smallest unit of the source asset ×1e18 (for ETH: sat per ETH),
    /// for the amount rule; `None` turns it off.
    pub sat_per_source_coin: Option<f64>,
    /// Decimals of the source coin (18 for ETH).
    pub source_decimals: u32,
    /// The payout may be this much below the converted amount (fees, slippage).
    pub fee_tolerance: f64,
}

impl Default for HopRules {
    fn default() -> Self {
        HopRules {
            window_s: 24 * 3600,
            sat_per_source_coin: None,
            source_decimals: 18,
            fee_tolerance: 0.05,
        }
    }
}

/// A deposit linked to a Bitcoin payout.
#[derive(Debug, Clone, Serialize)]
pub struct HopMatch {
    pub deposit: BridgeDeposit,
    pub btc_txid: String,
    /// The payout outputs the hop continues from: (txid:vout, address, satoshi).
    pub outputs: Vec<(String, String, u64)>,
    /// `memo_destination` or `amount_time`.
    pub rule: &'static str,
    pub confidence: f64,
    pub delay_s: u64,
    pub evidence: String,
    /// Output positions in the graph, for tracing on.
    #[serde(skip)]
    pub positions: Vec<u64>,
}

/// The destination address of a swap memo to Bitcoin, if it is one.
pub fn memo_destination(memo: &str) -> Option<String> {
    let mut parts = memo.trim().split(':');
    let action = parts.next()?.to_ascii_uppercase();
    if !matches!(action.as_str(), "SWAP" | "=" | "S") {
        return None;
    }
    let asset = parts.next()?.to_ascii_uppercase();
    if !matches!(asset.as_str(), "BTC.BTC" | "B" | "BTC/BTC" | "BTC~BTC") {
        return None;
    }
    let destination = parts.next()?.trim();
    (!destination.is_empty()).then(|| destination.to_string())
}

/// A swap memo found in calldata (hex, with or without `0x`): the first printable
/// run, or tail of one (an ABI length byte may be printable too), that parses as a
/// swap memo.
pub fn memo_from_calldata(hex_text: &str) -> Option<String> {
    let digits = hex_text.trim().trim_start_matches("0x");
    let bytes = hex::decode(digits).ok()?;
    bytes
        .split(|b| !(0x20..0x7f).contains(b))
        .filter(|run| run.len() >= 8)
        .filter_map(|run| std::str::from_utf8(run).ok())
        .find_map(|run| {
            (0..run.len().min(64))
                .map(|start| &run[start..])
                .find(|tail| memo_destination(tail).is_some())
        })
        .map(str::to_string)
}

/// The Bitcoin payouts a deposit may have caused, best first.
pub fn match_deposit(
    graph: &UtxoGraph,
    deposit: &BridgeDeposit,
    rules: &HopRules,
) -> Vec<HopMatch> {
    let in_window = |time: u64| time >= deposit.time && time <= deposit.time + rules.window_s;
    let outputs_of =
        |tx: u32, keep: &dyn Fn(u32, u64) -> bool| -> (Vec<(String, String, u64)>, Vec<u64>) {
            let first = graph.tx(tx).first_output;
            let txid = txid_text(graph.txid(tx));
            let mut described = Vec::new();
            let mut positions = Vec::new();
            for (index, output) in graph.tx_outputs(tx).iter().enumerate() {
                if output.address != NONE && keep(output.address, output.value) {
                    described.push((
                        format!("{txid}:{index}"),
                        graph.addresses.text(output.address).to_string(),
                        output.value,
                    ));
                    positions.push(first + index as u64);
                }
            }
            (described, positions)
        };
    if let Some(destination) = deposit.memo.as_deref().and_then(memo_destination) {
        let id = graph
            .addresses
            .get(&destination)
            .or_else(|| graph.addresses.get(&destination.to_ascii_lowercase()));
        if let Some(id) = id {
            let mut candidates: Vec<u32> = (0..graph.tx_count() as u32)
                .filter(|&tx| {
                    in_window(graph.tx(tx).time)
                        && graph.tx_outputs(tx).iter().any(|o| o.address == id)
                })
                .collect();
            candidates.sort_by_key(|&tx| (graph.tx(tx).time, tx));
            let confidence = if candidates.len() == 1 { 0.95 } else { 0.8 };
            if let Some(&tx) = candidates.first() {
                let (outputs, positions) = outputs_of(tx, &|address, _| address == id);
                return vec![HopMatch {
                    deposit: deposit.clone(),
                    btc_txid: txid_text(graph.txid(tx)),
                    outputs,
                    rule: "memo_destination",
                    confidence,
                    delay_s: graph.tx(tx).time - deposit.time,
                    evidence: format!(
                        "memo {:?} names {destination}; first payout to it {}s after the deposit ({} candidates in the window)",
                        deposit.memo.as_deref().unwrap_or(""),
                        graph.tx(tx).time - deposit.time,
                        candidates.len()
                    ),
                    positions,
                }];
            }
        }
    }
    let Some(rate) = rules.sat_per_source_coin else {
        return Vec::new();
    };
    let coin = 10f64.powi(rules.source_decimals as i32);
    let expected = deposit.amount as f64 / coin * rate;
    let low = expected * (1.0 - rules.fee_tolerance);
    let mut found: Vec<(u32, u64)> = Vec::new();
    for tx in 0..graph.tx_count() as u32 {
        if !in_window(graph.tx(tx).time) {
            continue;
        }
        for output in graph.tx_outputs(tx) {
            let value = output.value as f64;
            if output.address != NONE && value >= low && value <= expected {
                found.push((tx, output.value));
            }
        }
    }
    let count = found.len();
    found
        .into_iter()
        .map(|(tx, value)| {
            let (outputs, positions) = outputs_of(tx, &|_, v| v == value);
            HopMatch {
                deposit: deposit.clone(),
                btc_txid: txid_text(graph.txid(tx)),
                outputs,
                rule: "amount_time",
                confidence: 0.6 / count as f64,
                delay_s: graph.tx(tx).time - deposit.time,
                evidence: format!(
                    "pays {value} sat, {:.2}% under the deposit converted at {rate} sat per coin, {}s after it; {count} candidate(s)",
                    (1.0 - value as f64 / expected) * 100.0,
                    graph.tx(tx).time - deposit.time
                ),
                positions,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swap_memos_name_their_destination() {
        assert_eq!(
            memo_destination("=:BTC.BTC:bc1qxyz:1234/1/0").as_deref(),
            Some("bc1qxyz")
        );
        assert_eq!(
            memo_destination("SWAP:BTC.BTC:1BoatSLRHtKNngkdXEeobR76b53LETtpyT").as_deref(),
            Some("1BoatSLRHtKNngkdXEeobR76b53LETtpyT")
        );
        assert_eq!(memo_destination("s:b:bc1qabc").as_deref(), Some("bc1qabc"));
        assert_eq!(memo_destination("=:ETH.ETH:0xabc"), None);
        assert_eq!(memo_destination("ADD:BTC.BTC:bc1q"), None);
        assert_eq!(memo_destination("hello"), None);
    }

    #[test]
    fn memos_are_found_in_calldata() {
        let memo = "=:BTC.BTC:bc1qp88ewm8yfcd0fj7jcaxpjv9uedsyskr49gluyr";
        let mut calldata = vec![0x44, 0xbc, 0x93, 0x7b];
        calldata.extend([0u8; 63]);
        calldata.push(memo.len() as u8); // the ABI length, printable here ('3')
        calldata.extend(memo.as_bytes());
        calldata.extend([0u8; 13]);
        assert_eq!(
            memo_from_calldata(&format!("0x{}", hex::encode(&calldata))).as_deref(),
            Some(memo)
        );
        assert_eq!(memo_from_calldata("0x"), None);
        assert_eq!(memo_from_calldata("zz"), None);
    }
}
