//! The simulator's heist, end to end through the binary: simulate, ingest, then a
//! forward haircut trace from the heist's seeds reaches every exit in truth.json
//! with the tainted amount within 1%, and the books close to the wei.

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

fn amount(value: &serde_json::Value) -> f64 {
    value
        .as_str()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(0.0)
}

#[test]
fn forward_trace_reaches_every_heist_exit() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("w");
    let data = dir.path().join("data");
    unmask(
        &data,
        &[
            "simulate",
            "--scale",
            "tiny",
            "--seed",
            "7",
            "--out",
            world.to_str().unwrap(),
        ],
    );
    unmask(&data, &["ingest", world.to_str().unwrap()]);
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(world.join("truth.json")).unwrap()).unwrap();
    let heist = &truth["heist"];
    let mut args = vec!["trace".to_string(), "--json".to_string()];
    for seed in heist["seed_addresses"].as_array().unwrap() {
        args.push(seed.as_str().unwrap().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = unmask(&data, &args);
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();

    let exits = result["exits"].as_array().unwrap();
    let addresses = result["addresses"].as_array().unwrap();
    for exit in heist["exits"].as_array().unwrap() {
        let address = exit["address"].as_str().unwrap();
        let expected = amount(&exit["amount"]);
        // Labelled services and deposit addresses are exits; the unlabelled OTC
        // broker is an ordinary tainted address.
        let found = exits
            .iter()
            .find(|e| e["address"] == address)
            .map(|e| amount(&e["amounts"]["ETH"]))
            .or_else(|| {
                addresses
                    .iter()
                    .find(|a| a["address"] == address)
                    .map(|a| amount(&a["tainted_received"]["ETH"]))
            })
            .unwrap_or_else(|| panic!("exit {address} ({}) not reached", exit["kind"]));
        assert!(
            (found - expected).abs() <= expected * 0.01,
            "exit {address} ({}): traced {found}, truth {expected}",
            exit["kind"]
        );
        if exit["kind"] != "otc" {
            let reached = exits.iter().find(|e| e["address"] == address).unwrap();
            let kind = reached["kind"].as_str().unwrap();
            assert_eq!(
                kind,
                exit["kind"].as_str().unwrap(),
                "{address} is an exit of the same kind"
            );
        }
    }
    // The books close: nothing unaccounted, and the gas fees are the truth's.
    let books = &result["reconciliation"]["ETH"];
    assert_eq!(books["difference"], "0", "{books}");
    assert_eq!(books["fees"], heist["fees_paid"], "{books}");
    // The failed mixer deposit and the zero-value approve move nothing.
    for hash in heist["failed_tx_hashes"].as_array().unwrap() {
        let hash = hash.as_str().unwrap();
        let in_flows = result["graph"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|edge| edge["asset"] == "ETH")
            .any(|edge| {
                edge["transactions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| t == hash)
                    && edge["target"] != "0xffffffffffffffffffffffffffffffffffffffff"
            });
        assert!(!in_flows, "failed transaction {hash} moved value");
    }
    // Every wallet in the result is the wallet entity other sources use.
    assert!(addresses
        .iter()
        .all(|a| a["entity"].as_str().unwrap().starts_with("wallet:0x")));

    // The dust floor: a millionth of what left the seeds by default; `--dust-floor 0`
    // follows everything, and the books close either way.
    let left = amount(&books["left_seeds"]);
    let floor = amount(&books["dust_floor"]);
    assert!(
        (floor - left / 1e6).abs() <= left / 1e9,
        "default floor {floor} for {left} left"
    );
    let mut all = args.clone();
    all.extend(["--dust-floor", "0"]);
    let unfloored: serde_json::Value = serde_json::from_slice(&unmask(&data, &all).stdout).unwrap();
    let books = &unfloored["reconciliation"]["ETH"];
    assert_eq!(books["dust_floor"], "0", "{books}");
    assert_eq!(books["dust"], "0", "{books}");
    assert_eq!(books["difference"], "0", "{books}");
    assert!(unfloored["addresses"].as_array().unwrap().len() >= addresses.len());
    let mut bad = args.clone();
    bad.extend(["--dust-floor", "2"]);
    let refused = Command::new(env!("CARGO_BIN_EXE_unmask"))
        .arg("--data-dir")
        .arg(&data)
        .args(&bad)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a fraction from 0 to 1"));
}

#[test]
fn labels_can_be_added_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    unmask(
        &data,
        &[
            "label",
            "add",
            "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01",
            "--category",
            "exchange",
            "--label",
            "My exchange",
        ],
    );
    let output = unmask(&data, &["label", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        list[0]["address"],
        "0xabcdef0123456789abcdef0123456789abcdef01"
    );
    assert_eq!(list[0]["categories"][0], "exchange");
    assert_eq!(list[0]["labels"][0], "My exchange");
}
