//! Hand-made bitcoin-etl lines for tests, shared by the tests of the `unmask`
//! binary and of the server (included with `#[path]`): transaction `n` has the txid
//! `nn` repeated 32 times; inputs name the outputs they spend.

pub fn txid(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

/// One bitcoin-etl line (plain export).
pub fn line(n: u8, block: u64, inputs: &[(u8, u32)], outputs: &[(u64, &str)]) -> String {
    let inputs: Vec<String> = inputs
        .iter()
        .enumerate()
        .map(|(i, &(prev, index))| {
            format!(
                r#"{{"index": {i}, "spent_transaction_hash": "{}", "spent_output_index": {index}, "script_asm": "", "script_hex": "", "sequence": 4294967295, "required_signatures": null, "type": null, "addresses": [], "value": null}}"#,
                txid(prev)
            )
        })
        .collect();
    let outputs: Vec<String> = outputs
        .iter()
        .enumerate()
        .map(|(i, &(value, address))| {
            format!(
                r#"{{"index": {i}, "script_asm": "0 00", "script_hex": "001400", "required_signatures": 1, "type": "witness_v0_keyhash", "addresses": ["{address}"], "value": {value}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"hash": "{}", "size": 200, "virtual_size": 200, "version": 2, "lock_time": 0, "block_number": {block}, "block_hash": "{block:064x}", "block_timestamp": {}, "is_coinbase": {}, "index": 0, "inputs": [{}], "outputs": [{}], "input_count": {}, "output_count": {}}}"#,
        txid(n),
        1_700_000_000 + block * 600,
        inputs.is_empty(),
        inputs.join(", "),
        outputs.join(", "),
        inputs.len(),
        outputs.len()
    ) + "\n"
}
