//! Bitcoin through the real binary: `unmask ingest` fills the Bitcoin graph
//! (incrementally, idempotently), so `unmask cluster` and `unmask trace` on
//! Bitcoin seeds work straight after it; the traces' amounts are worked out by
//! hand below and the books close to the satoshi.
//!
//! The data (bitcoin-etl JSON lines, plain export: inputs name the output they
//! spend, no value):
//!
//! * `a.json`, blocks 100–101: tx 1 (coinbase) pays THIEF 100,000 sat; tx 2
//!   (coinbase) pays CLEAN 60,000; tx 3 spends both into MULE 90,000 and EXCHANGE
//!   60,000 (fee 10,000): THIEF and CLEAN are one cluster.
//! * `b.json`, block 102, read in a later run: tx 4 spends MULE's output into
//!   HOLD 50,000 and MULE2 39,000 (fee 1,000).

use std::path::Path;
use std::process::{Command, Output};

#[path = "../../utxo/tests/support/etl_lines.rs"]
mod etl_lines;
use etl_lines::{line, txid};

const THIEF: &str = "bc1qthief000000000000000000";
const CLEAN: &str = "bc1qclean000000000000000000";
const MULE: &str = "bc1qmule0000000000000000000";
const EXCHANGE: &str = "bc1qexchange000000000000000";
const HOLD: &str = "bc1qhold0000000000000000000";
const MULE2: &str = "bc1qmule2000000000000000000";

fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unmask"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("run unmask")
}

fn unmask(data: &Path, args: &[&str]) -> Output {
    let output = run(data, args);
    assert!(
        output.status.success(),
        "unmask {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn write_files(dir: &Path) -> (String, String) {
    let a = dir.join("a.json");
    let b = dir.join("b.json");
    let text_a = line(1, 100, &[], &[(100_000, THIEF)])
        + &line(2, 100, &[], &[(60_000, CLEAN)])
        + &line(
            3,
            101,
            &[(1, 0), (2, 0)],
            &[(90_000, MULE), (60_000, EXCHANGE)],
        );
    let text_b = line(4, 102, &[(3, 0)], &[(50_000, HOLD), (39_000, MULE2)]);
    std::fs::write(&a, text_a).unwrap();
    std::fs::write(&b, text_b).unwrap();
    (
        a.to_str().unwrap().to_string(),
        b.to_str().unwrap().to_string(),
    )
}

fn address<'v>(result: &'v serde_json::Value, address: &str) -> &'v serde_json::Value {
    result["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["address"] == address)
        .unwrap_or_else(|| panic!("{address} not in {result:#}"))
}

fn sat(value: &serde_json::Value) -> u64 {
    value["BTC"].as_str().unwrap_or("0").parse().unwrap()
}

#[test]
fn ingest_fills_the_bitcoin_graph_once_and_extends_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (a, b) = write_files(dir.path());

    let first = json(&unmask(&data, &["ingest", "--json", &a]));
    let graph = &first["bitcoin_graph"];
    assert_eq!(graph["files"][0]["transactions"], 3, "{first:#}");
    assert_eq!(graph["files"][0]["already_loaded"], false);
    assert_eq!(graph["graph_transactions"], 3);
    assert_eq!(graph["merges"], 1);
    assert_eq!(first["total"]["stored"], 3);
    // The writer's lock is gone once the graph is saved.
    assert!(data.join("chain/btc/graph.bin").exists());
    assert!(!data.join("chain/btc/lock").exists());

    // Straight after ingest: THIEF and CLEAN were spent together in tx 3.
    let cluster = json(&unmask(&data, &["cluster", THIEF, "--json"]));
    assert_eq!(cluster["size"], 2, "{cluster:#}");
    let members: Vec<&str> = cluster["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["address"].as_str().unwrap())
        .collect();
    assert_eq!(members, [THIEF, CLEAN]);
    assert_eq!(cluster["formed_by"][0]["txid"], txid(3));

    // The same file again: nothing doubles, nothing is read into the graph.
    let again = json(&unmask(&data, &["ingest", "--json", &a]));
    assert_eq!(again["bitcoin_graph"]["files"][0]["already_loaded"], true);
    assert_eq!(again["bitcoin_graph"]["files"][0]["transactions"], 0);
    assert_eq!(again["bitcoin_graph"]["graph_transactions"], 3);
    assert_eq!(again["bitcoin_graph"]["merges"], 0);
    assert_eq!(again["total"]["duplicates"], 3);
    let cluster = json(&unmask(&data, &["cluster", THIEF, "--json"]));
    assert_eq!(cluster["size"], 2);
    assert_eq!(cluster["formed_by"].as_array().unwrap().len(), 1);

    // A newer file extends the graph; its input resolves to tx 3's output.
    let text = String::from_utf8(unmask(&data, &["ingest", &b]).stdout).unwrap();
    assert!(
        text.contains("bitcoin graph: 1 new transactions from 1 files (0 already read)"),
        "{text}"
    );
    assert!(text.contains("graph holds 4 transactions"), "{text}");
    assert!(text.contains("0 inputs wait for older blocks"), "{text}");
    let cluster = json(&unmask(&data, &["cluster", MULE, "--json"]));
    assert_eq!(cluster["size"], 1);

    // The snapshot deleted (not its list of files): the files are read again.
    std::fs::remove_file(data.join("chain/btc/graph.bin")).unwrap();
    let rebuilt = json(&unmask(&data, &["ingest", "--json", &a, &b]));
    assert_eq!(
        rebuilt["bitcoin_graph"]["graph_transactions"], 4,
        "{rebuilt:#}"
    );
    assert_eq!(
        rebuilt["bitcoin_graph"]["files"][0]["already_loaded"],
        false
    );

    // `cluster --add` still works and finds the same transactions known.
    let add = run(&data, &["cluster", "--add", &a, &b]);
    assert!(add.status.success());
    let stderr = String::from_utf8_lossy(&add.stderr);
    assert!(
        stderr.contains("0 transactions, 3 already known"),
        "{stderr}"
    );
    assert!(stderr.contains("graph: 4 transactions"), "{stderr}");
}

#[test]
fn trace_follows_bitcoin_seeds_forward_and_backward_with_closed_books() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (a, b) = write_files(dir.path());
    unmask(&data, &["ingest", &a, &b]);
    unmask(
        &data,
        &[
            "label",
            "add",
            EXCHANGE,
            "--category",
            "exchange",
            "--label",
            "Some Exchange",
        ],
    );

    // Haircut: tx 3 passes 100,000 / 160,000 of each output on: MULE 56,250,
    // EXCHANGE 37,500 (an exit), fee 6,250; tx 4 passes 56,250 / 90,000: HOLD
    // 31,250, MULE2 24,375, fee 625.
    let result = json(&unmask(&data, &["trace", "--json", THIEF]));
    assert_eq!(result["model"], "haircut");
    assert_eq!(result["direction"], "forward");
    assert_eq!(result["seeds"][0], THIEF);
    assert_eq!(sat(&address(&result, MULE)["tainted_received"]), 56_250);
    assert_eq!(sat(&address(&result, MULE)["tainted_held"]), 0);
    assert_eq!(address(&result, MULE)["hop"], 1);
    assert_eq!(sat(&address(&result, HOLD)["tainted_held"]), 31_250);
    assert_eq!(sat(&address(&result, MULE2)["tainted_held"]), 24_375);
    assert_eq!(address(&result, HOLD)["hop"], 2);
    assert_eq!(
        address(&result, HOLD)["first_taint_time"],
        1_700_000_000u64 + 102 * 600
    );
    assert!(address(&result, THIEF)["is_seed"].as_bool().unwrap());
    let exits = result["exits"].as_array().unwrap();
    assert_eq!(exits.len(), 1, "{result:#}");
    assert_eq!(exits[0]["address"], EXCHANGE);
    assert_eq!(exits[0]["kind"], "exchange");
    assert_eq!(exits[0]["label"], "Some Exchange");
    assert_eq!(sat(&exits[0]["amounts"]), 37_500);
    assert_eq!(exits[0]["transactions"][0], txid(3));
    let books = &result["reconciliation"]["BTC"];
    assert_eq!(books["left_seeds"], "100000");
    assert_eq!(books["held"], "55625");
    assert_eq!(books["exits"], "37500");
    assert_eq!(books["fees"], "6875");
    assert_eq!(books["difference"], "0");
    // The flow graph of `unmask trace --json`, as for Ethereum.
    let edges = result["graph"]["edges"].as_array().unwrap();
    assert!(edges
        .iter()
        .any(|e| e["source"] == THIEF && e["target"] == MULE && e["amount"] == "56250"));
    assert!(result["graph"]["nodes"].as_array().unwrap().len() >= 6);

    // FIFO: THIEF's 100,000 are the first satoshis of tx 3: MULE's 90,000 and
    // 10,000 of EXCHANGE's; tx 4 is then wholly tainted.
    let fifo = json(&unmask(
        &data,
        &["trace", "--json", "--model", "fifo", THIEF],
    ));
    assert_eq!(sat(&address(&fifo, HOLD)["tainted_held"]), 50_000);
    assert_eq!(sat(&address(&fifo, MULE2)["tainted_held"]), 39_000);
    assert_eq!(sat(&fifo["exits"][0]["amounts"]), 10_000);
    assert_eq!(fifo["reconciliation"]["BTC"]["fees"], "1000");
    assert_eq!(fifo["reconciliation"]["BTC"]["difference"], "0");

    // An output seed, a hop limit and a minimum in BTC.
    let limited = json(&unmask(
        &data,
        &[
            "trace",
            "--json",
            "--max-hops",
            "1",
            &format!("{}:0", txid(1)),
        ],
    ));
    assert!(limited["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["address"] != HOLD));
    assert_eq!(address(&limited, MULE)["at_hop_limit"], true);
    let above = json(&unmask(
        &data,
        &["trace", "--json", "--min-amount", "0.0006", THIEF],
    ));
    // MULE's 56,250 sat is under 0.0006 BTC: not followed, counted untraced.
    assert_eq!(above["reconciliation"]["BTC"]["untraced"], "56250");
    assert_eq!(above["reconciliation"]["BTC"]["difference"], "0");
    // Stopping nowhere: the exchange is an ordinary holder.
    let nowhere = json(&unmask(
        &data,
        &["trace", "--json", "--stop-at", "none", THIEF],
    ));
    assert!(nowhere["exits"].as_array().unwrap().is_empty());
    assert_eq!(sat(&address(&nowhere, EXCHANGE)["tainted_held"]), 37_500);
    // A time window ending before tx 4 (block 102): it is not followed.
    let windowed = json(&unmask(
        &data,
        &[
            "trace",
            "--json",
            "--to",
            &(1_700_000_000u64 + 101 * 600).to_string(),
            THIEF,
        ],
    ));
    assert_eq!(windowed["reconciliation"]["BTC"]["untraced"], "56250");

    // Backward from HOLD: its 50,000 came from MULE (all of tx 4's input), and
    // tx 3's 50,000 from THIEF (100/160 = 31,250) and CLEAN (18,750), both
    // coinbase money.
    let back = json(&unmask(&data, &["trace", "--json", "--backward", HOLD]));
    assert_eq!(back["direction"], "backward");
    assert!(address(&back, HOLD)["is_seed"].as_bool().unwrap());
    assert_eq!(sat(&address(&back, MULE)["tainted_received"]), 50_000);
    assert_eq!(address(&back, MULE)["hop"], 1);
    assert_eq!(sat(&address(&back, THIEF)["tainted_received"]), 31_250);
    assert_eq!(sat(&address(&back, CLEAN)["tainted_received"]), 18_750);
    assert_eq!(address(&back, THIEF)["hop"], 2);
    let coinbase = back["exits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "coinbase")
        .expect("coinbase origin");
    assert_eq!(sat(&coinbase["amounts"]), 50_000);
    assert!(back["graph"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["source"] == MULE && e["target"] == HOLD && e["amount"] == "50000"));

    // Text output names BTC amounts.
    let text = String::from_utf8(unmask(&data, &["trace", THIEF]).stdout).unwrap();
    assert!(text.contains("0.000375 BTC"), "{text}");
}

#[test]
fn mixed_or_unknown_bitcoin_seeds_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (a, _) = write_files(dir.path());

    // No Bitcoin data yet.
    let empty = run(&data, &["trace", THIEF]);
    assert_eq!(empty.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&empty.stderr);
    assert!(
        stderr.contains("Bitcoin graph") && stderr.contains("empty"),
        "{stderr}"
    );

    unmask(&data, &["ingest", &a]);
    let mixed = run(
        &data,
        &["trace", "0x1111111111111111111111111111111111111111", THIEF],
    );
    assert_eq!(mixed.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&mixed.stderr);
    assert!(
        stderr.contains("mix Ethereum and Bitcoin") && stderr.contains(THIEF),
        "{stderr}"
    );

    let unknown = run(&data, &["trace", "bc1qnobody00000000000000000"]);
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(stderr.contains("bc1qnobody00000000000000000"), "{stderr}");

    let asset = run(&data, &["trace", "--asset", "ETH", THIEF]);
    assert_eq!(asset.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&asset.stderr).contains("BTC only"));
}
