//! Bitcoin Core `getblock <hash> 2` JSON: a block with `height`, `time` and `tx`, each
//! transaction with `txid`, `vin` (`coinbase`, or `txid` + `vout`; verbosity 3 adds
//! the spent output as `prevout`) and `vout` (`value` in BTC, `n`, `scriptPubKey`
//! with `hex`, `type` and `address`, or `addresses` before Core 22).
//!
//! Values are decimal BTC; they are read from their JSON text into satoshi
//! ([`crate::amount::btc_text_to_sat`]), never through a float. A file may hold one
//! block, a JSON-RPC envelope (`{"result": {...}}`), an array of blocks, or several
//! blocks one after the other (one a line). Every transaction is parsed on its own,
//! so a bad one is reported at its own line and the rest of the block still counts.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{output_script, owned, txid_field, Seconds};
use crate::amount::btc_text_to_sat;
use crate::error::ParseError;
use crate::tx::{Outpoint, Spent, Tx, TxIn, TxOut};

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    result: Option<&'a RawValue>,
    #[serde(borrow, default)]
    error: Option<&'a RawValue>,
    #[serde(borrow, default)]
    tx: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Block<'a> {
    #[serde(default)]
    height: Option<u64>,
    #[serde(default)]
    time: Seconds,
    #[serde(borrow)]
    tx: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct CoreTx<'a> {
    #[serde(borrow)]
    txid: Cow<'a, str>,
    #[serde(default)]
    version: Option<i64>,
    #[serde(default)]
    locktime: Option<u32>,
    #[serde(default)]
    vsize: Option<u32>,
    #[serde(borrow)]
    vin: Vec<CoreIn<'a>>,
    #[serde(borrow)]
    vout: Vec<CoreOut<'a>>,
}

#[derive(Deserialize)]
struct CoreIn<'a> {
    #[serde(borrow, default)]
    coinbase: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    txid: Option<Cow<'a, str>>,
    #[serde(default)]
    vout: Option<u32>,
    #[serde(default)]
    sequence: Option<u32>,
    #[serde(borrow, default)]
    prevout: Option<Prevout<'a>>,
}

#[derive(Deserialize)]
struct Prevout<'a> {
    #[serde(borrow)]
    value: &'a RawValue,
    #[serde(borrow, rename = "scriptPubKey")]
    script: ScriptPubKey<'a>,
}

#[derive(Deserialize)]
struct CoreOut<'a> {
    #[serde(borrow)]
    value: &'a RawValue,
    n: u32,
    #[serde(borrow, rename = "scriptPubKey")]
    script: ScriptPubKey<'a>,
}

#[derive(Deserialize)]
struct ScriptPubKey<'a> {
    #[serde(borrow, default)]
    hex: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "type", default)]
    script_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    address: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    addresses: Option<Vec<Cow<'a, str>>>,
}

impl ScriptPubKey<'_> {
    fn addresses(&self) -> Vec<String> {
        match (&self.address, &self.addresses) {
            (Some(one), _) if !one.is_empty() => vec![one.to_string()],
            (_, Some(list)) => owned(Some(list.clone())),
            _ => Vec::new(),
        }
    }
}

/// One result of reading a file: a transaction, or why a part of the file (starting
/// at `offset`) could not be read.
pub type Item = (usize, Result<Tx, ParseError>);

/// Whether the start of a file looks like a `getblock` response of verbosity 2+.
pub fn looks_like_getblock(head: &str) -> bool {
    let has = |key: &str| head.contains(&format!("\"{key}\""));
    has("tx")
        && has("vin")
        && has("vout")
        && has("scriptPubKey")
        && (has("height") || has("merkleroot"))
}

/// Reads every transaction of every block in `bytes`, calling `each` with the byte
/// offset where the item starts.
pub fn parse_file(bytes: &[u8], each: &mut dyn FnMut(usize, Result<Tx, ParseError>)) {
    let base = bytes.as_ptr() as usize;
    let offset_of = |raw: &RawValue| raw.get().as_ptr() as usize - base;
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<&RawValue>();
    loop {
        let start = stream.byte_offset();
        match stream.next() {
            None => break,
            Some(Ok(value)) => top_level(value, &offset_of, each),
            Some(Err(error)) => {
                let at = skip_whitespace(bytes, start);
                each(at, Err(ParseError::Json(error.to_string())));
                // The stream cannot resynchronise inside a broken value; resume at
                // the next line that starts a new value, as with JSON lines.
                if let Some(next) = next_line_start(bytes, at) {
                    parse_file(&bytes[next..], &mut |offset, item| {
                        each(offset + next, item)
                    });
                }
                break;
            }
        }
    }
}

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && bytes[at].is_ascii_whitespace() {
        at += 1;
    }
    at
}

/// The start of the next line after `at` whose first character opens a value.
fn next_line_start(bytes: &[u8], at: usize) -> Option<usize> {
    let mut position = at;
    while let Some(newline) = memchr::memchr(b'\n', &bytes[position..]) {
        position += newline + 1;
        if matches!(bytes.get(position), Some(b'{') | Some(b'[')) {
            return Some(position);
        }
    }
    None
}

fn top_level(
    value: &RawValue,
    offset_of: &dyn Fn(&RawValue) -> usize,
    each: &mut dyn FnMut(usize, Result<Tx, ParseError>),
) {
    let text = value.get();
    if text.starts_with('[') {
        match serde_json::from_str::<Vec<&RawValue>>(text) {
            Ok(items) => {
                for item in items {
                    top_level(item, offset_of, each);
                }
            }
            Err(error) => each(offset_of(value), Err(ParseError::Json(error.to_string()))),
        }
        return;
    }
    let envelope: Envelope<'_> = match serde_json::from_str(text) {
        Ok(envelope) => envelope,
        Err(error) => {
            each(offset_of(value), Err(ParseError::Json(error.to_string())));
            return;
        }
    };
    if envelope.tx.is_none() {
        match envelope.result {
            Some(result) if result.get() != "null" => return top_level(result, offset_of, each),
            _ => {
                let message = match envelope.error {
                    Some(error) if error.get() != "null" => {
                        format!("a JSON-RPC error response: {}", error.get())
                    }
                    _ => "a JSON object that is not a getblock block (no `tx`)".to_string(),
                };
                each(offset_of(value), Err(ParseError::Other(message)));
                return;
            }
        }
    }
    let block: Block<'_> = match serde_json::from_str(text) {
        Ok(block) => block,
        Err(error) => {
            each(offset_of(value), Err(ParseError::Json(error.to_string())));
            return;
        }
    };
    let Some(height) = block.height else {
        each(offset_of(value), Err(ParseError::Missing("height")));
        return;
    };
    for (position, raw) in block.tx.into_iter().enumerate() {
        let parsed = parse_tx(raw, height, block.time.0.unwrap_or(0), position as u32);
        each(offset_of(raw), parsed);
    }
}

fn parse_tx(raw: &RawValue, block: u64, time: u64, position: u32) -> Result<Tx, ParseError> {
    if raw.get().starts_with('"') {
        return Err(ParseError::Other(
            "a verbosity-1 block lists transaction ids only; export with `getblock <hash> 2`"
                .to_string(),
        ));
    }
    let core: CoreTx<'_> =
        serde_json::from_str(raw.get()).map_err(|e| ParseError::Json(e.to_string()))?;
    let txid = txid_field("txid", &core.txid)?;
    let coinbase = core.vin.iter().any(|input| input.coinbase.is_some());
    let mut inputs = Vec::with_capacity(core.vin.len());
    for input in &core.vin {
        if input.coinbase.is_some() {
            continue;
        }
        let prev_hash = input
            .txid
            .as_deref()
            .ok_or(ParseError::Missing("vin.txid"))?;
        let prev = Outpoint {
            txid: txid_field("vin.txid", prev_hash)?,
            index: input.vout.ok_or(ParseError::Missing("vin.vout"))?,
        };
        let spent = match &input.prevout {
            Some(prevout) => {
                let value = btc_text_to_sat(prevout.value.get())
                    .map_err(|m| ParseError::field("vin.prevout.value", m))?;
                let (script_type, addresses) = output_script(
                    prevout.script.hex.as_deref(),
                    prevout.script.script_type.as_deref(),
                    prevout.script.addresses(),
                )?;
                Some(Spent {
                    value,
                    script_type: Some(script_type),
                    addresses,
                })
            }
            None => None,
        };
        inputs.push(TxIn {
            prev: Some(prev),
            sequence: input.sequence.unwrap_or(u32::MAX),
            spent,
        });
    }
    let mut outputs = Vec::with_capacity(core.vout.len());
    for output in &core.vout {
        let value =
            btc_text_to_sat(output.value.get()).map_err(|m| ParseError::field("vout.value", m))?;
        let (script_type, addresses) = output_script(
            output.script.hex.as_deref(),
            output.script.script_type.as_deref(),
            output.script.addresses(),
        )?;
        outputs.push(TxOut {
            index: output.n,
            value,
            script_type,
            addresses,
        });
    }
    Ok(Tx {
        txid,
        block,
        time,
        index: Some(position),
        coinbase,
        version: core.version.unwrap_or(1),
        lock_time: core.locktime.unwrap_or(0),
        vsize: core.vsize,
        inputs,
        outputs,
    })
}
