//! GraphSense compatibility: its UTXO transaction JSON (`test_txs.json` rows: inputs
//! and outputs with address lists and values, and a `coinjoin` flag) and its way of
//! estimating how much each address (and cluster) sent to each other in a
//! transaction, so unmask's output can be checked against GraphSense's reference
//! outputs.
//!
//! GraphSense's relation estimate, reproduced exactly: in each transaction, an
//! address's net flow (outputs to it minus inputs from it, single-address inputs and
//! outputs only; a coinbase input is the address `coinbase` with the whole output)
//! makes it a sender (negative) or receiver (positive). Each sender→receiver pair gets
//! `round(sent / total_input × received)` with `total_input` reduced by what
//! addresses paid back to themselves; cluster relations sum the pairs per transaction
//! and cluster pair. The division is done in `f64` like GraphSense's Spark job, so the
//! rounding matches theirs to the satoshi.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::ParseError;
use crate::script::ScriptType;
use crate::tx::{parse_txid, Spent, Tx, TxIn, TxOut};

#[derive(Deserialize)]
struct Row {
    #[serde(rename = "txHash")]
    tx_hash: String,
    #[serde(default)]
    coinbase: bool,
    #[serde(default)]
    coinjoin: Option<bool>,
    #[serde(rename = "blockId")]
    block_id: u64,
    #[serde(default)]
    timestamp: u64,
    #[serde(default)]
    inputs: Vec<Io>,
    #[serde(default)]
    outputs: Vec<Io>,
}

#[derive(Deserialize)]
struct Io {
    #[serde(default)]
    address: Vec<String>,
    value: u64,
}

/// The address GraphSense gives a coinbase input.
pub const COINBASE: &str = "coinbase";

/// One GraphSense transaction row as a [`Tx`] (inputs carry their spent output's
/// addresses and value, but no outpoint) and its `coinjoin` flag.
pub fn parse_tx_line(line: &str) -> Result<(Tx, Option<bool>), ParseError> {
    let row: Row = serde_json::from_str(line).map_err(|e| ParseError::Json(e.to_string()))?;
    let txid =
        parse_txid(&row.tx_hash).ok_or_else(|| ParseError::field("txHash", "not 64 hex digits"))?;
    let kind_of = |addresses: &[String]| match addresses {
        [one] => crate::script::type_of_address(one),
        [] => Some(ScriptType::NonStandard),
        _ => Some(ScriptType::Multisig),
    };
    let tx = Tx {
        txid,
        block: row.block_id,
        time: row.timestamp,
        index: None,
        coinbase: row.coinbase,
        version: 1,
        lock_time: 0,
        vsize: None,
        inputs: row
            .inputs
            .iter()
            .map(|input| TxIn {
                prev: None,
                sequence: u32::MAX,
                spent: Some(Spent {
                    value: input.value,
                    script_type: kind_of(&input.address),
                    addresses: input.address.clone(),
                }),
            })
            .collect(),
        outputs: row
            .outputs
            .iter()
            .enumerate()
            .map(|(index, output)| TxOut {
                index: index as u32,
                value: output.value,
                script_type: kind_of(&output.address).unwrap_or(ScriptType::NonStandard),
                addresses: output.address.clone(),
            })
            .collect(),
    };
    Ok((tx, row.coinjoin))
}

/// One estimated flow between two addresses in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressFlow {
    pub tx: usize,
    pub src: String,
    pub dst: String,
    pub value: u64,
}

/// The sender→receiver estimates of one transaction, GraphSense's way.
pub fn address_flows(tx_index: usize, tx: &Tx) -> Vec<AddressFlow> {
    let total_output = tx.output_value();
    // (address, gross input) of single-address inputs; the coinbase's is `coinbase`.
    let mut regular_inputs: BTreeMap<&str, i128> = BTreeMap::new();
    let total_input: u64 = if tx.coinbase {
        regular_inputs.insert(COINBASE, total_output as i128);
        total_output
    } else {
        let mut total = 0;
        for input in &tx.inputs {
            let Some(spent) = &input.spent else { continue };
            total += spent.value;
            if let [address] = spent.addresses.as_slice() {
                *regular_inputs.entry(address.as_str()).or_default() += spent.value as i128;
            }
        }
        total
    };
    let regular_sum: i128 = regular_inputs.values().sum();
    let mut net: BTreeMap<&str, i128> = regular_inputs.iter().map(|(&a, &v)| (a, -v)).collect();
    for output in &tx.outputs {
        if output.script_type == ScriptType::NullData {
            continue;
        }
        if let [address] = output.addresses.as_slice() {
            *net.entry(address.as_str()).or_default() += output.value as i128;
        }
    }
    let senders: Vec<(&str, i128)> = net
        .iter()
        .filter(|(_, &v)| v < 0)
        .map(|(&a, &v)| (a, -v))
        .collect();
    let receivers: Vec<(&str, i128)> = net
        .iter()
        .filter(|(_, &v)| v > 0)
        .map(|(&a, &v)| (a, v))
        .collect();
    let address_sum: i128 = senders.iter().map(|(_, v)| v).sum();
    let reduced_total = total_input as i128 - regular_sum + address_sum;
    let mut flows = Vec::with_capacity(senders.len() * receivers.len());
    for &(src, sent) in &senders {
        for &(dst, received) in &receivers {
            let value = if reduced_total != 0 {
                (sent as f64 / reduced_total as f64 * received as f64).round() as u64
            } else {
                0
            };
            flows.push(AddressFlow {
                tx: tx_index,
                src: src.to_string(),
                dst: dst.to_string(),
                value,
            });
        }
    }
    flows
}

/// Relations between clusters: (source, destination) → (transactions, value).
pub type ClusterRelations = BTreeMap<(u64, u64), (u64, u64)>;

/// Sums address flows into cluster relations, given each address's cluster.
pub fn cluster_relations(
    flows: &[AddressFlow],
    cluster_of: &dyn Fn(&str) -> u64,
) -> ClusterRelations {
    let mut per_tx: BTreeMap<(usize, u64, u64), u64> = BTreeMap::new();
    for flow in flows {
        *per_tx
            .entry((flow.tx, cluster_of(&flow.src), cluster_of(&flow.dst)))
            .or_default() += flow.value;
    }
    let mut relations = ClusterRelations::new();
    for ((_, src, dst), value) in per_tx {
        let entry = relations.entry((src, dst)).or_default();
        entry.0 += 1;
        entry.1 += value;
    }
    relations
}
