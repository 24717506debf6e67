//! Output scripts: what kind of lock an output has, and the address an output gets
//! when its script has none.
//!
//! The kind is read from the script bytes where the export has them (they cannot
//! disagree with the chain), else from the exporter's type name. Outputs without an
//! address (non-standard scripts, bare multisig in recent Bitcoin Core, OP_RETURN)
//! get bitcoin-etl's pseudo address `nonstandard` + the first 40 hex digits of the
//! script's SHA-256, so both exports of one transaction name its outputs alike.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The kind of an output script.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum ScriptType {
    /// Pay to public key (early coinbases).
    P2pk,
    P2pkh,
    P2sh,
    /// Native segwit v0, key hash.
    P2wpkh,
    /// Native segwit v0, script hash.
    P2wsh,
    /// Taproot (segwit v1).
    P2tr,
    /// Segwit of a version or length not defined yet.
    WitnessUnknown,
    /// Bare multisig (`m <keys> n OP_CHECKMULTISIG`).
    Multisig,
    /// OP_RETURN: data, unspendable.
    NullData,
    #[default]
    NonStandard,
}

impl ScriptType {
    /// Bitcoin Core's (and bitcoin-etl's) name of the type.
    pub fn core_name(self) -> &'static str {
        match self {
            ScriptType::P2pk => "pubkey",
            ScriptType::P2pkh => "pubkeyhash",
            ScriptType::P2sh => "scripthash",
            ScriptType::P2wpkh => "witness_v0_keyhash",
            ScriptType::P2wsh => "witness_v0_scripthash",
            ScriptType::P2tr => "witness_v1_taproot",
            ScriptType::WitnessUnknown => "witness_unknown",
            ScriptType::Multisig => "multisig",
            ScriptType::NullData => "nulldata",
            ScriptType::NonStandard => "nonstandard",
        }
    }

    /// From Bitcoin Core's or bitcoin-etl's type name.
    pub fn from_core_name(name: &str) -> Option<ScriptType> {
        Some(match name {
            "pubkey" => ScriptType::P2pk,
            "pubkeyhash" => ScriptType::P2pkh,
            "scripthash" => ScriptType::P2sh,
            "witness_v0_keyhash" => ScriptType::P2wpkh,
            "witness_v0_scripthash" => ScriptType::P2wsh,
            "witness_v1_taproot" => ScriptType::P2tr,
            "witness_unknown" => ScriptType::WitnessUnknown,
            "multisig" => ScriptType::Multisig,
            "nulldata" => ScriptType::NullData,
            "nonstandard" => ScriptType::NonStandard,
            _ => return None,
        })
    }

    /// Whether coins locked this way can ever be spent.
    pub fn is_spendable(self) -> bool {
        self != ScriptType::NullData
    }
}

/// The kind of a script, from its bytes (hex-decoded).
pub fn classify(script: &[u8]) -> ScriptType {
    const OP_DUP: u8 = 0x76;
    const OP_HASH160: u8 = 0xa9;
    const OP_EQUALVERIFY: u8 = 0x88;
    const OP_CHECKSIG: u8 = 0xac;
    const OP_EQUAL: u8 = 0x87;
    const OP_RETURN: u8 = 0x6a;
    const OP_CHECKMULTISIG: u8 = 0xae;
    match script {
        [OP_DUP, OP_HASH160, 20, .., OP_EQUALVERIFY, OP_CHECKSIG] if script.len() == 25 => {
            ScriptType::P2pkh
        }
        [OP_HASH160, 20, .., OP_EQUAL] if script.len() == 23 => ScriptType::P2sh,
        [0x00, 20, ..] if script.len() == 22 => ScriptType::P2wpkh,
        [0x00, 32, ..] if script.len() == 34 => ScriptType::P2wsh,
        [0x51, 32, ..] if script.len() == 34 => ScriptType::P2tr,
        [version, push, ..]
            if (*version == 0 || (0x51..=0x60).contains(version))
                && (2..=40).contains(push)
                && script.len() == 2 + *push as usize =>
        {
            ScriptType::WitnessUnknown
        }
        [33, .., OP_CHECKSIG] if script.len() == 35 => ScriptType::P2pk,
        [65, .., OP_CHECKSIG] if script.len() == 67 => ScriptType::P2pk,
        [OP_RETURN, ..] => ScriptType::NullData,
        [m, .., n, OP_CHECKMULTISIG] if (0x51..=0x60).contains(m) && (0x51..=0x60).contains(n) => {
            if multisig_keys(script).is_some() {
                ScriptType::Multisig
            } else {
                ScriptType::NonStandard
            }
        }
        _ => ScriptType::NonStandard,
    }
}

/// The keys of a bare multisig script, if it is one.
fn multisig_keys(script: &[u8]) -> Option<usize> {
    let m = script.first()? - 0x50;
    let n = script[script.len().checked_sub(2)?] - 0x50;
    let mut at = 1;
    let mut keys = 0;
    while at < script.len() - 2 {
        let len = script[at] as usize;
        if len != 33 && len != 65 {
            return None;
        }
        at += 1 + len;
        keys += 1;
    }
    (at == script.len() - 2 && keys == n as usize && m <= n && m >= 1).then_some(keys)
}

/// bitcoin-etl's address for an output whose script has none.
pub fn nonstandard_address(script: &[u8]) -> String {
    let digest = Sha256::digest(script);
    let mut out = String::with_capacity(51);
    out.push_str("nonstandard");
    out.push_str(&hex::encode(&digest[..20]));
    out
}

/// Whether an address is one of bitcoin-etl's pseudo addresses.
pub fn is_pseudo_address(address: &str) -> bool {
    address.starts_with("nonstandard")
}

/// The kind of an address, from its text alone (for heuristics that compare the
/// change with the inputs when the scripts are not in the export).
pub fn type_of_address(address: &str) -> Option<ScriptType> {
    let lower = address.get(..4).map(|p| p.to_ascii_lowercase());
    match lower.as_deref() {
        Some("bc1q") | Some("tb1q") => Some(if address.len() > 50 {
            ScriptType::P2wsh
        } else {
            ScriptType::P2wpkh
        }),
        Some("bc1p") | Some("tb1p") => Some(ScriptType::P2tr),
        _ => match address.as_bytes().first() {
            Some(b'1') | Some(b'm') | Some(b'n') => Some(ScriptType::P2pkh),
            Some(b'3') | Some(b'2') => Some(ScriptType::P2sh),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(hex_text: &str) -> ScriptType {
        classify(&hex::decode(hex_text).unwrap())
    }

    #[test]
    fn standard_scripts_are_recognised() {
        assert_eq!(
            kind("76a914b5cd7aaed869cd5ccb45868e8666e7e934a2373688ac"),
            ScriptType::P2pkh
        );
        assert_eq!(
            kind("a914e9c3dd0c07aac76179ebc76a6c78d4d67c6c160a87"),
            ScriptType::P2sh
        );
        assert_eq!(
            kind("0014751e76e8199196d454941c45d1b3a323f1433bd6"),
            ScriptType::P2wpkh
        );
        assert_eq!(
            kind("00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"),
            ScriptType::P2wsh
        );
        assert_eq!(
            kind("5120a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c"),
            ScriptType::P2tr
        );
        assert_eq!(
            kind("4104c1b5671c8975087cc796d6ea73d2407591528b5c669106f9b6ab6ef6e373a57553e14866aaeffc44a9f58e5ee0c7faa7add7474f0a2c55a22cb40b949fdc933cac"),
            ScriptType::P2pk
        );
        assert_eq!(kind("6a0b68656c6c6f20776f726c64"), ScriptType::NullData);
        assert_eq!(kind("6a"), ScriptType::NullData);
        let key = "02".to_string() + &"11".repeat(32);
        let multisig = format!("5121{key}21{key}52ae");
        assert_eq!(kind(&multisig), ScriptType::Multisig);
        assert_eq!(kind("5121aa52ae"), ScriptType::NonStandard);
        assert_eq!(kind(""), ScriptType::NonStandard);
        assert_eq!(kind("ff"), ScriptType::NonStandard);
    }

    #[test]
    fn pseudo_address_matches_bitcoin_etl() {
        // sha256("") = e3b0c442...; bitcoin-etl keeps its first 40 hex digits.
        assert_eq!(
            nonstandard_address(&[]),
            "nonstandarde3b0c44298fc1c149afbf4c8996fb92427ae41e4"
        );
    }

    proptest::proptest! {
        #[test]
        fn classifying_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..80)) {
            let _ = classify(&bytes);
        }
    }
}
