//! The parsers on real bitcoin-etl and Bitcoin Core samples, and on hand-built rows
//! for what the samples lack (OP_RETURN, multisig, non-standard scripts, spends that
//! come before the output they spend).

use std::path::PathBuf;

use unmask_utxo::parse::{etl, getblock};
use unmask_utxo::resolve::resolve_all;
use unmask_utxo::script::ScriptType;
use unmask_utxo::tx::{parse_txid, txid_text};
use unmask_utxo::{ParseError, Tx};

fn testdata(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

fn etl_file(name: &str) -> Vec<Tx> {
    let text = std::fs::read_to_string(testdata(name)).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| match etl::parse_line(line.as_bytes()).unwrap() {
            etl::Line::Tx(tx) => tx,
            etl::Line::Other(kind) => panic!("unexpected {kind}"),
        })
        .collect()
}

fn getblock_bytes(bytes: &[u8]) -> Vec<(usize, Result<Tx, ParseError>)> {
    let mut out = Vec::new();
    getblock::parse_file(bytes, &mut |offset, item| out.push((offset, item)));
    out
}

fn getblock_file(name: &str) -> Vec<Tx> {
    let bytes = std::fs::read(testdata(name)).unwrap();
    getblock_bytes(&bytes)
        .into_iter()
        .map(|(_, item)| item.unwrap())
        .collect()
}

#[test]
fn genesis_block_reads_the_same_from_both_exports() {
    let from_etl = etl_file("bitcoin-etl/block_0_transactions.json");
    let from_core = getblock_file("bitcoin-etl/block_0_getblock_2.json");
    assert_eq!(from_etl.len(), 1);
    assert_eq!(from_core.len(), 1);
    let (a, b) = (&from_etl[0], &from_core[0]);
    assert_eq!(
        txid_text(&a.txid),
        "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
    );
    assert!(a.coinbase && b.coinbase);
    assert!(a.inputs.is_empty() && b.inputs.is_empty());
    assert_eq!((a.block, a.time), (0, 1_231_006_505));
    assert_eq!((b.block, b.time), (0, 1_231_006_505));
    assert_eq!(a.outputs, b.outputs);
    assert_eq!(a.outputs[0].value, 5_000_000_000);
    assert_eq!(a.outputs[0].script_type, ScriptType::P2pk);
    assert_eq!(
        a.outputs[0].addresses,
        ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"]
    );
}

#[test]
fn blocks_50001_and_50002_read_exactly_from_both_exports() {
    let from_etl = etl_file("bitcoin-etl/blocks_50001_50002_transactions.json");
    let mut from_core = getblock_file("bitcoin-etl/block_50001_getblock_2.json");
    from_core.extend(getblock_file("bitcoin-etl/block_50002_getblock_2.json"));
    assert_eq!(from_etl.len(), 4);
    assert_eq!(from_core.len(), 4);
    for (a, b) in from_etl.iter().zip(&from_core) {
        assert_eq!(a.txid, b.txid);
        assert_eq!((a.block, a.time, a.index), (b.block, b.time, b.index));
        assert_eq!(a.coinbase, b.coinbase);
        assert_eq!(a.outputs, b.outputs);
        let prevs = |tx: &Tx| tx.inputs.iter().map(|i| i.prev).collect::<Vec<_>>();
        assert_eq!(prevs(a), prevs(b));
    }
    let spend = &from_etl[1];
    assert_eq!(
        txid_text(&spend.txid),
        "7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a"
    );
    assert_eq!(spend.inputs.len(), 2);
    assert_eq!(
        spend.inputs[0].prev.unwrap().txid,
        parse_txid("76a8d70a757be5055f60be076b683897cadaad6b7bdf78c43e39b9d59cb4a6ea").unwrap()
    );
    // The plain export does not know what its inputs spent.
    assert!(spend.inputs.iter().all(|i| i.spent.is_none()));
    assert_eq!(spend.outputs[0].value, 10_000_000_000);
    assert_eq!(spend.outputs[0].script_type, ScriptType::P2pkh);
    assert_eq!(spend.output_value(), 10_000_000_000);
    assert_eq!(spend.fee(), None);
}

#[test]
fn enriched_stream_rows_carry_the_spent_outputs() {
    let txs = etl_file("bitcoin-etl/stream_50001_50002_transactions.json");
    assert_eq!(txs.len(), 4);
    let spend = &txs[1];
    let spent: Vec<_> = spend
        .inputs
        .iter()
        .map(|i| i.spent.clone().unwrap())
        .collect();
    assert_eq!(spent[0].value, 5_000_000_000);
    assert_eq!(spent[0].addresses, ["1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae"]);
    assert_eq!(spent[0].script_type, Some(ScriptType::P2pk));
    assert_eq!(spend.input_value(), Some(10_000_000_000));
    assert_eq!(spend.fee(), Some(0));
    assert_eq!(
        spend.input_addresses(),
        [
            "1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae",
            "1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9"
        ]
    );
}

const KEY_A: &str = "021111111111111111111111111111111111111111111111111111111111111111";
const KEY_B: &str = "032222222222222222222222222222222222222222222222222222222222222222";

fn hand_built_etl() -> String {
    let funding = "aa".repeat(32);
    let spender = "bb".repeat(32);
    let multisig_hex = format!("5121{KEY_A}21{KEY_B}52ae");
    // The spender comes first, as it may in a file sorted by anything but height.
    format!(
        concat!(
            r#"{{"hash": "{spender}", "block_number": 101, "block_timestamp": 1700000600, "is_coinbase": false, "index": 1, "#,
            r#""inputs": [{{"index": 0, "spent_transaction_hash": "{funding}", "spent_output_index": 1, "script_asm": "", "script_hex": "", "sequence": 4294967295, "required_signatures": null, "type": null, "addresses": [], "value": null}}], "#,
            r#""outputs": [{{"index": 0, "script_hex": "76a914b5cd7aaed869cd5ccb45868e8666e7e934a2373688ac", "type": "pubkeyhash", "addresses": ["1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ"], "value": 29990000}}]}}"#,
            "\n",
            r#"{{"hash": "{funding}", "block_number": 100, "block_timestamp": 1700000000, "is_coinbase": false, "index": 1, "#,
            r#""inputs": [{{"index": 0, "spent_transaction_hash": "{zero}", "spent_output_index": 0, "type": "pubkeyhash", "addresses": ["1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae"], "value": 100000000}}], "#,
            r#""outputs": [{{"index": 0, "script_hex": "6a0b68656c6c6f20776f726c64", "type": "nonstandard", "addresses": ["nonstandard2ed8a1c6a3c0f7b6e7e6b0cf1c0b0f3a4c7e3b1d"], "value": 0}}, "#,
            r#"{{"index": 1, "script_hex": "{multisig_hex}", "type": "multisig", "addresses": ["1E5UPs8bXBq7v7D2b7BYNU19ZviX2LMgEe", "1KLWBUTPXtRB7wvTYq9TYdeo93fAKvWPKs"], "value": 30000000}}, "#,
            r#"{{"index": 2, "script_hex": "ff00", "type": "nonstandard", "addresses": [], "value": "69990000"}}]}}"#,
            "\n"
        ),
        spender = spender,
        funding = funding,
        zero = "cc".repeat(32),
        multisig_hex = multisig_hex,
    )
}

#[test]
fn op_return_multisig_and_nonstandard_outputs_are_kept() {
    let text = hand_built_etl();
    let mut txs: Vec<Tx> = text
        .lines()
        .map(|line| match etl::parse_line(line.as_bytes()).unwrap() {
            etl::Line::Tx(tx) => tx,
            etl::Line::Other(kind) => panic!("{kind}"),
        })
        .collect();
    let funding = &txs[1];
    assert_eq!(funding.outputs.len(), 3);
    assert_eq!(funding.outputs[0].script_type, ScriptType::NullData);
    assert_eq!(funding.outputs[0].value, 0);
    assert_eq!(funding.outputs[1].script_type, ScriptType::Multisig);
    assert_eq!(funding.outputs[1].addresses.len(), 2);
    assert_eq!(funding.outputs[1].address(), None);
    assert_eq!(funding.outputs[2].script_type, ScriptType::NonStandard);
    assert_eq!(funding.outputs[2].value, 69_990_000);
    assert!(funding.outputs[2].addresses[0].starts_with("nonstandard"));
    assert_eq!(funding.fee(), Some(10_000));

    // The spender came first in the file; it still finds the multisig output.
    let report = resolve_all(&mut txs);
    assert_eq!(report.resolved, 1);
    assert_eq!(report.already, 1);
    assert_eq!(report.unresolved, 0);
    let spent = txs[0].inputs[0].spent.as_ref().unwrap();
    assert_eq!(spent.value, 30_000_000);
    assert_eq!(spent.script_type, Some(ScriptType::Multisig));
    assert_eq!(txs[0].fee(), Some(10_000));
}

#[test]
fn getblock_verbosity_3_with_modern_addresses_and_odd_outputs() {
    let block = format!(
        r#"{{"result": {{"hash": "00", "height": 800000, "time": 1690168629, "tx": [
  {{"txid": "{coinbase}", "vin": [{{"coinbase": "03", "sequence": 4294967295}}],
    "vout": [{{"value": 6.40370154, "n": 0, "scriptPubKey": {{"hex": "0014751e76e8199196d454941c45d1b3a323f1433bd6", "address": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "type": "witness_v0_keyhash"}}}},
             {{"value": 0.00000000, "n": 1, "scriptPubKey": {{"hex": "6a24aa21a9ed", "type": "nulldata"}}}}]}},
  {{"txid": "{spend}", "version": 2, "locktime": 799999, "vsize": 150,
    "vin": [{{"txid": "{prev}", "vout": 3, "sequence": 4294967293,
             "prevout": {{"generated": false, "height": 799000, "value": 1e-05, "scriptPubKey": {{"hex": "a914e9c3dd0c07aac76179ebc76a6c78d4d67c6c160a87", "address": "3P14159f73E4gFr7JterCCQh9QjiTjiZrG", "type": "scripthash"}}}}}}],
    "vout": [{{"value": 0.00000546, "n": 0, "scriptPubKey": {{"hex": "5121{a}21{b}52ae", "type": "multisig"}}}},
             {{"value": 0.0000001, "n": 1, "scriptPubKey": {{"hex": "ff", "type": "nonstandard"}}}}]}},
  {{"txid": "{bad}", "vin": [], "vout": [{{"value": 0.000000001, "n": 0, "scriptPubKey": {{"hex": "6a"}}}}]}}
]}}, "error": null, "id": 1}}"#,
        coinbase = "01".repeat(32),
        spend = "02".repeat(32),
        prev = "03".repeat(32),
        bad = "04".repeat(32),
        a = KEY_A,
        b = KEY_B,
    );
    let items = getblock_bytes(block.as_bytes());
    assert_eq!(items.len(), 3);
    let coinbase = items[0].1.as_ref().unwrap();
    assert!(coinbase.coinbase);
    assert_eq!(coinbase.outputs[0].value, 640_370_154);
    assert_eq!(coinbase.outputs[0].script_type, ScriptType::P2wpkh);
    assert_eq!(coinbase.outputs[1].script_type, ScriptType::NullData);
    let spend = items[1].1.as_ref().unwrap();
    assert_eq!(spend.inputs[0].spent.as_ref().unwrap().value, 1_000);
    assert_eq!(
        spend.inputs[0].spent.as_ref().unwrap().addresses,
        ["3P14159f73E4gFr7JterCCQh9QjiTjiZrG"]
    );
    assert_eq!(spend.outputs[0].value, 546);
    assert_eq!(spend.outputs[0].script_type, ScriptType::Multisig);
    assert_eq!(
        spend.outputs[0].addresses.len(),
        1,
        "modern Core names no address: pseudo"
    );
    assert_eq!(spend.outputs[1].value, 10);
    assert_eq!(spend.fee(), Some(1_000 - 556));
    assert_eq!(spend.lock_time, 799_999);
    // A fraction of a satoshi is the input's fault, reported at the transaction's line.
    let (offset, bad) = &items[2];
    assert!(
        matches!(
            bad,
            Err(ParseError::Field {
                field: "vout.value",
                ..
            })
        ),
        "{bad:?}"
    );
    let line = block.as_bytes()[..*offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    assert_eq!(line, 10);
}

#[test]
fn broken_getblock_lines_do_not_stop_the_next_blocks() {
    let good =
        std::fs::read_to_string(testdata("bitcoin-etl/block_50002_getblock_2.json")).unwrap();
    let one_line: serde_json::Value = serde_json::from_str(&good).unwrap();
    let text = format!(
        "{{\"height\": 1, \"tx\": [\n{}\n",
        serde_json::to_string(&one_line).unwrap()
    );
    let items = getblock_bytes(text.as_bytes());
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0].1.is_err());
    assert_eq!(items[1].1.as_ref().unwrap().block, 50_002);
}

#[test]
fn bad_etl_lines_say_what_is_wrong() {
    assert!(matches!(
        etl::parse_line(b"{not json"),
        Err(ParseError::Json(_))
    ));
    assert!(matches!(
        etl::parse_line(br#"{"hash": "zz", "block_number": 1, "inputs": [], "outputs": []}"#),
        Err(ParseError::Field { field: "hash", .. })
    ));
    assert!(matches!(
        etl::parse_line(format!(r#"{{"hash": "{}", "block_number": 1, "inputs": [], "outputs": [{{"value": 1.5}}]}}"#, "aa".repeat(32)).as_bytes()),
        Err(ParseError::Json(_))
    ));
    assert_eq!(
        etl::parse_line(br#"{"type": "block", "hash": "00", "number": 1}"#).unwrap(),
        etl::Line::Other("block".to_string())
    );
}

proptest::proptest! {
    #[test]
    fn parsers_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
        let _ = etl::parse_line(&bytes);
        getblock::parse_file(&bytes, &mut |_, _| {});
    }
}

/// The fast scanner and the full parser read every sample line alike.
#[test]
fn fast_and_full_parsers_agree_on_the_samples() {
    use unmask_utxo::parse::fast;
    let mut lines: Vec<String> = Vec::new();
    for name in [
        "bitcoin-etl/block_0_transactions.json",
        "bitcoin-etl/blocks_50001_50002_transactions.json",
        "bitcoin-etl/stream_50001_50002_transactions.json",
    ] {
        let text = std::fs::read_to_string(testdata(name)).unwrap();
        lines.extend(text.lines().map(str::to_string));
    }
    let samples = lines.len();
    lines.extend(hand_built_etl().lines().map(str::to_string));
    let mut raw = fast::RawTx::default();
    for (n, line) in lines.iter().enumerate() {
        if fast::parse_line(line.as_bytes(), &mut raw).is_none() {
            // Values as strings are for the full parser; real exports never need it.
            assert!(n >= samples, "fast path gave up on {line}");
            continue;
        }
        let full = match etl::parse_line_full(line.as_bytes()).unwrap() {
            etl::Line::Tx(tx) => tx,
            etl::Line::Other(kind) => panic!("{kind}"),
        };
        assert_eq!(fast::to_tx(line.as_bytes(), &raw), full);
    }
}

proptest::proptest! {
    /// Any transaction written the bitcoin-etl way reads back the same both ways,
    /// and the fast path never claims a line the full parser rejects.
    #[test]
    fn fast_path_matches_full_parser(
        inputs in proptest::collection::vec((0u8..=255, 0u32..5, proptest::option::of(0u64..1u64 << 50), proptest::bool::ANY), 0..4),
        outputs in proptest::collection::vec((0u64..1u64 << 50, 0usize..4, proptest::bool::ANY), 0..4),
        coinbase in proptest::bool::ANY,
        spacing in 0usize..3,
    ) {
        use unmask_utxo::parse::fast;
        let sep = [", ", ",", " ,  "][spacing];
        let scripts = ["0014751e76e8199196d454941c45d1b3a323f1433bd6", "6a0b68656c6c6f", "ff00", ""];
        let ins: Vec<String> = inputs.iter().map(|(t, i, v, enriched)| {
            let value = v.map_or("null".to_string(), |v| v.to_string());
            let addresses = if *enriched { r#"["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"]"# } else { "[]" };
            format!(r#"{{"index": 0{sep}"spent_transaction_hash": "{}"{sep}"spent_output_index": {i}, "script_asm": "a\"b", "type": "witness_v0_keyhash", "addresses": {addresses}, "value": {value}}}"#, format!("{t:02x}").repeat(32))
        }).collect();
        let outs: Vec<String> = outputs.iter().enumerate().map(|(n, (v, s, named))| {
            let addresses = if *named { r#"["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"]"# } else { "[]" };
            format!(r#"{{"index": {n}, "script_hex": "{}", "type": "nonstandard", "addresses": {addresses}, "value": {v}, "extra": {{"x": [1, 2.5e3, null, true]}}}}"#, scripts[*s])
        }).collect();
        let line = format!(
            r#"{{"hash": "{}"{sep}"block_number": 7, "block_timestamp": 1700000000, "is_coinbase": {coinbase}, "inputs": [{}], "outputs": [{}]}}"#,
            "ab".repeat(32), ins.join(sep), outs.join(sep)
        );
        let full = etl::parse_line_full(line.as_bytes());
        let mut raw = fast::RawTx::default();
        if fast::parse_line(line.as_bytes(), &mut raw).is_some() {
            let fast_tx = fast::to_tx(line.as_bytes(), &raw);
            proptest::prop_assert_eq!(full, Ok(etl::Line::Tx(fast_tx)));
        }
    }
}
