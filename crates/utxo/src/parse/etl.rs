//! bitcoin-etl `transactions.json`: one JSON object a line with `hash`,
//! `block_number`, `block_timestamp`, `is_coinbase`, `inputs` (each with
//! `spent_transaction_hash`, `spent_output_index`, and in enriched exports the spent
//! output's `type`, `addresses` and `value`) and `outputs` (`index`, `script_hex`,
//! `type`, `addresses`, `value`), values in satoshi. The `stream` command adds
//! `"type": "transaction"`; its block rows (`"type": "block"`) are not transactions.

use std::borrow::Cow;

use serde::Deserialize;

use super::{output_script, owned, txid_field, Sat, Seconds};
use crate::error::ParseError;
use crate::script::ScriptType;
use crate::tx::{Outpoint, Spent, Tx, TxIn, TxOut};

#[derive(Deserialize)]
struct Row<'a> {
    #[serde(borrow, rename = "type", default)]
    item_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    hash: Option<Cow<'a, str>>,
    #[serde(default)]
    block_number: Option<u64>,
    #[serde(default)]
    block_timestamp: Seconds,
    #[serde(default)]
    is_coinbase: Option<bool>,
    #[serde(default)]
    index: Option<u32>,
    #[serde(default)]
    version: Option<i64>,
    #[serde(default)]
    lock_time: Option<u32>,
    #[serde(default)]
    virtual_size: Option<u32>,
    #[serde(borrow, default)]
    inputs: Option<Vec<Input<'a>>>,
    #[serde(borrow, default)]
    outputs: Option<Vec<Output<'a>>>,
}

#[derive(Deserialize)]
struct Input<'a> {
    #[serde(borrow, default)]
    spent_transaction_hash: Option<Cow<'a, str>>,
    #[serde(default)]
    spent_output_index: Option<u32>,
    #[serde(default)]
    sequence: Option<u32>,
    #[serde(borrow, rename = "type", default)]
    script_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    addresses: Option<Vec<Cow<'a, str>>>,
    #[serde(default)]
    value: Option<Sat>,
}

#[derive(Deserialize)]
struct Output<'a> {
    #[serde(default)]
    index: Option<u32>,
    #[serde(borrow, default)]
    script_hex: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "type", default)]
    script_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    addresses: Option<Vec<Cow<'a, str>>>,
    value: Option<Sat>,
}

/// What one line holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    Tx(Tx),
    /// A row of another kind (`block` from `stream`): named, not a transaction.
    Other(String),
}

/// Whether a line looks like a bitcoin-etl transaction (for format detection).
pub fn looks_like_transaction(line: &str) -> bool {
    line.trim_start().starts_with('{')
        && line.contains("\"inputs\"")
        && line.contains("\"outputs\"")
        && (line.contains("\"spent_transaction_hash\"")
            || line.contains("\"is_coinbase\"")
            || line.contains("\"block_number\""))
}

/// Parses one line: the fast scanner when the line has bitcoin-etl's usual shape,
/// else the full parser.
pub fn parse_line(line: &[u8]) -> Result<Line, ParseError> {
    let mut raw = super::fast::RawTx::default();
    if super::fast::parse_line(line, &mut raw).is_some() {
        return Ok(Line::Tx(super::fast::to_tx(line, &raw)));
    }
    parse_line_full(line)
}

/// Parses one line with serde: slower, accepts every form (values as strings, text
/// times, escapes) and says what is wrong with a bad line.
pub fn parse_line_full(line: &[u8]) -> Result<Line, ParseError> {
    let row: Row<'_> = serde_json::from_slice(line).map_err(|e| ParseError::Json(e.to_string()))?;
    if let Some(kind) = row.item_type.as_deref() {
        if kind != "transaction" {
            return Ok(Line::Other(kind.to_string()));
        }
    }
    let hash = row.hash.ok_or(ParseError::Missing("hash"))?;
    let txid = txid_field("hash", &hash)?;
    let inputs_raw = row.inputs.ok_or(ParseError::Missing("inputs"))?;
    let outputs_raw = row.outputs.ok_or(ParseError::Missing("outputs"))?;
    let coinbase = row.is_coinbase.unwrap_or(false);
    let mut inputs = Vec::with_capacity(inputs_raw.len());
    if !coinbase {
        for input in inputs_raw {
            let prev_hash = input
                .spent_transaction_hash
                .ok_or(ParseError::Missing("inputs.spent_transaction_hash"))?;
            let prev = Outpoint {
                txid: txid_field("inputs.spent_transaction_hash", &prev_hash)?,
                index: input
                    .spent_output_index
                    .ok_or(ParseError::Missing("inputs.spent_output_index"))?,
            };
            let spent = match input.value.and_then(|v| v.0) {
                Some(value) => Some(Spent {
                    value,
                    script_type: input
                        .script_type
                        .as_deref()
                        .and_then(ScriptType::from_core_name),
                    addresses: owned(input.addresses),
                }),
                None => None,
            };
            inputs.push(TxIn {
                prev: Some(prev),
                sequence: input.sequence.unwrap_or(u32::MAX),
                spent,
            });
        }
    }
    let mut outputs = Vec::with_capacity(outputs_raw.len());
    for (position, output) in outputs_raw.into_iter().enumerate() {
        let value = output
            .value
            .and_then(|v| v.0)
            .ok_or(ParseError::Missing("outputs.value"))?;
        let (script_type, addresses) = output_script(
            output.script_hex.as_deref(),
            output.script_type.as_deref(),
            owned(output.addresses),
        )?;
        outputs.push(TxOut {
            index: output.index.unwrap_or(position as u32),
            value,
            script_type,
            addresses,
        });
    }
    Ok(Line::Tx(Tx {
        txid,
        block: row
            .block_number
            .ok_or(ParseError::Missing("block_number"))?,
        time: row.block_timestamp.0.unwrap_or(0),
        index: row.index,
        coinbase,
        version: row.version.unwrap_or(1),
        lock_time: row.lock_time.unwrap_or(0),
        vsize: row.virtual_size,
        inputs,
        outputs,
    }))
}
