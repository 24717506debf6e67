//! The simulator's heist across its Ethereum → Bitcoin router hop, through the
//! binary: an Ethereum trace from the heist seeds exits at the bridge; `btc-trace
//! --from-eth-trace` matches the bridge deposit to its Bitcoin payout by the memo
//! in the calldata and traces on in Bitcoin, where the books close to the satoshi.
//! Also `unmask cluster` on the same Bitcoin data.

use std::path::Path;
use std::process::{Command, Output};

fn unmask(data: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_unmask"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("run unmask");
    assert!(
        output.status.success(),
        "unmask {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn heist_is_followed_from_ethereum_into_bitcoin() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("w");
    let data = dir.path().join("data");
    let w = world.to_str().unwrap();
    unmask(
        &data,
        &["simulate", "--scale", "tiny", "--seed", "7", "--out", w],
    );
    unmask(&data, &["ingest", w]);
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(world.join("truth.json")).unwrap()).unwrap();
    let heist = &truth["heist"];
    let hop = &heist["btc_hop"];

    let mut args = vec!["trace".to_string(), "--json".to_string()];
    for seed in heist["seed_addresses"].as_array().unwrap() {
        args.push(seed.as_str().unwrap().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let eth = unmask(&data, &args);
    let eth_trace = dir.path().join("eth_trace.json");
    std::fs::write(&eth_trace, &eth.stdout).unwrap();

    let btc_file = world.join("chain/btc/transactions.json");
    unmask(&data, &["cluster", "--add", btc_file.to_str().unwrap()]);
    let output = unmask(
        &data,
        &[
            "btc-trace",
            "--json",
            "--from-eth-trace",
            eth_trace.to_str().unwrap(),
            "--eth-transactions",
            world.join("chain/eth/transactions.csv").to_str().unwrap(),
        ],
    );
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let hops = result["hops"].as_array().unwrap();
    assert_eq!(hops.len(), 1, "{result}");
    assert_eq!(hops[0]["rule"], "memo_destination");
    assert_eq!(hops[0]["btc_txid"], hop["btc_txid"]);
    assert_eq!(hops[0]["deposit"]["tx"], hop["eth_bridge_deposit_tx"]);
    assert!(hops[0]["confidence"].as_f64().unwrap() >= 0.9);
    let bitcoin = &result["bitcoin"];
    let books = &bitcoin["reconciliation"]["BTC"];
    assert_eq!(books["difference"], "0");
    assert_eq!(
        books["left_seeds"].as_str().unwrap(),
        hop["amount_sat"].to_string()
    );
    for address in hop["btc_addresses"].as_array().unwrap() {
        assert!(
            bitcoin["addresses"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["address"] == *address),
            "{address} not reached"
        );
    }

    // The payout's recipient has a cluster, formed by nothing but itself.
    let recipient = hop["btc_addresses"][0].as_str().unwrap();
    let cluster = unmask(&data, &["cluster", recipient, "--json"]);
    let view: serde_json::Value = serde_json::from_slice(&cluster.stdout).unwrap();
    assert_eq!(view["address"], recipient);
    assert!(view["size"].as_u64().unwrap() >= 1);
}
