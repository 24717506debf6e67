//! The shape every UTXO export is read into: a transaction with its inputs (the
//! outputs they spend) and outputs (value, script kind, addresses), values in
//! satoshi.

use crate::script::ScriptType;

/// A transaction id, in the byte order its hex text is written in.
pub type Txid = [u8; 32];

/// Hex text of a txid.
pub fn txid_text(txid: &Txid) -> String {
    hex::encode(txid)
}

/// Parses 64 hex digits (an optional `0x` is allowed).
pub fn parse_txid(text: &str) -> Option<Txid> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if digits.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(digits, &mut out).ok()?;
    Some(out)
}

/// An output, named by its transaction and position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Outpoint {
    pub txid: Txid,
    pub index: u32,
}

/// What an input spends, when the export says it (enriched bitcoin-etl rows,
/// `getblock` verbosity 3) or once [`crate::resolve`] has found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spent {
    pub value: u64,
    pub script_type: Option<ScriptType>,
    pub addresses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxIn {
    /// `None` for a coinbase input.
    pub prev: Option<Outpoint>,
    pub sequence: u32,
    pub spent: Option<Spent>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxOut {
    pub index: u32,
    pub value: u64,
    pub script_type: ScriptType,
    /// As the export lists them: one for standard scripts, one per key for old
    /// bare multisig, bitcoin-etl's pseudo address where the script has none.
    pub addresses: Vec<String>,
}

impl TxOut {
    /// The one address that controls this output, if there is exactly one.
    pub fn address(&self) -> Option<&str> {
        match self.addresses.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tx {
    pub txid: Txid,
    /// Block height.
    pub block: u64,
    /// Seconds since the Unix epoch (block time).
    pub time: u64,
    /// Position in the block, when known.
    pub index: Option<u32>,
    pub coinbase: bool,
    pub version: i64,
    pub lock_time: u32,
    /// Virtual size in vbytes, when the export has it.
    pub vsize: Option<u32>,
    pub inputs: Vec<TxIn>,
    pub outputs: Vec<TxOut>,
}

impl Tx {
    pub fn output_value(&self) -> u64 {
        self.outputs.iter().map(|o| o.value).sum()
    }

    /// The total of the inputs, when every input's value is known.
    pub fn input_value(&self) -> Option<u64> {
        if self.coinbase {
            return Some(0);
        }
        self.inputs
            .iter()
            .map(|i| i.spent.as_ref().map(|s| s.value))
            .sum()
    }

    /// Inputs minus outputs, when every input's value is known.
    pub fn fee(&self) -> Option<u64> {
        if self.coinbase {
            return Some(0);
        }
        self.input_value()?.checked_sub(self.output_value())
    }

    /// The distinct single addresses of the inputs, in order of appearance
    /// (multisig and unresolved inputs have none).
    pub fn input_addresses(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::with_capacity(self.inputs.len());
        let mut known: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for input in &self.inputs {
            if let Some(spent) = &input.spent {
                if let [address] = spent.addresses.as_slice() {
                    if known.insert(address) {
                        seen.push(address);
                    }
                }
            }
        }
        seen
    }
}
