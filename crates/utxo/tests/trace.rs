//! Bitcoin taint at output level (hand-built graphs with known answers) and the
//! simulator's heist followed across its Ethereum → Bitcoin router hop.

use std::collections::BTreeMap;

use unmask_trace::labels::{AddressLabel, Labels};
use unmask_trace::taint::Model;
use unmask_utxo::graph::{Options, UtxoGraph};
use unmask_utxo::hop::{match_deposit, memo_from_calldata, BridgeDeposit, HopRules};
use unmask_utxo::load::add_file;
use unmask_utxo::script::ScriptType;
use unmask_utxo::taint::{trace, trace_outputs, BtcTraceOptions};
use unmask_utxo::tx::{txid_text, Outpoint, Spent, Tx, TxIn, TxOut};

fn tx(id: u8, block: u64, inputs: &[(u8, u32)], outputs: &[(u64, &str)]) -> Tx {
    Tx {
        txid: [id; 32],
        block,
        time: 1_700_000_000 + block * 600,
        index: None,
        coinbase: inputs.is_empty(),
        version: 2,
        lock_time: 0,
        vsize: None,
        inputs: inputs
            .iter()
            .map(|&(prev, index)| TxIn {
                prev: Some(Outpoint {
                    txid: [prev; 32],
                    index,
                }),
                sequence: u32::MAX,
                spent: None,
            })
            .collect(),
        outputs: outputs
            .iter()
            .enumerate()
            .map(|(i, &(value, address))| TxOut {
                index: i as u32,
                value,
                script_type: if address == "op_return" {
                    ScriptType::NullData
                } else {
                    ScriptType::P2wpkh
                },
                addresses: vec![address.to_string()],
            })
            .collect(),
    }
}

const THIEF: &str = "bc1qthief000000000000000000";
const CLEAN: &str = "bc1qclean000000000000000000";
const EXCHANGE: &str = "bc1qexchange000000000000000";
const MULE: &str = "bc1qmule0000000000000000000";
const MULE2: &str = "bc1qmule2000000000000000000";
const HOLD: &str = "bc1qhold0000000000000000000";

/// thief gets 100_000 (tx 1), clean gets 60_000 (tx 2); tx 3 spends both:
/// 50_000 to the exchange, 105_000 to a mule, fee 5_000; the mule sends 60_000 to
/// a holder and 44_000 to itself (fee 1_000). Tx 4 comes before tx 3 in the input.
fn world() -> UtxoGraph {
    let mut graph = UtxoGraph::new(Options::default());
    for t in [
        tx(4, 104, &[(3, 1)], &[(60_000, HOLD), (44_000, MULE2)]),
        tx(1, 100, &[], &[(100_000, THIEF)]),
        tx(2, 101, &[], &[(60_000, CLEAN)]),
        tx(
            3,
            103,
            &[(2, 0), (1, 0)],
            &[(50_000, EXCHANGE), (105_000, MULE)],
        ),
    ] {
        graph.add(&t, None);
    }
    graph.settle();
    graph
}

fn labels() -> Labels {
    let mut labels = Labels::default();
    labels.insert(AddressLabel {
        address: EXCHANGE.to_string(),
        labels: ["Big Exchange".to_string()].into(),
        categories: ["exchange".to_string()].into(),
        ..AddressLabel::default()
    });
    labels
}

fn amount(map: &BTreeMap<String, String>) -> u128 {
    map.get("BTC").and_then(|v| v.parse().ok()).unwrap_or(0)
}

#[test]
fn haircut_fifo_and_poison_on_a_hand_built_graph() {
    let graph = world();
    let seeds = vec![THIEF.to_string()];

    let options = BtcTraceOptions::default();
    let result = trace(&graph, &seeds, &labels(), &options).unwrap();
    // Haircut: tx 3 is 100/160 tainted: exchange 31_250, mule 65_625, fee 3_125.
    let exit = result.exits.iter().find(|e| e.address == EXCHANGE).unwrap();
    assert_eq!(amount(&exit.amounts), 31_250);
    assert_eq!(exit.kind, "exchange");
    let mule = result.addresses.iter().find(|a| a.address == MULE).unwrap();
    assert_eq!(
        (
            amount(&mule.tainted_received),
            amount(&mule.tainted_held),
            mule.hop
        ),
        (65_625, 0, 1)
    );
    // The mule's spend: 65_625 of 105_000 tainted.
    let hold = result.addresses.iter().find(|a| a.address == HOLD).unwrap();
    assert_eq!(amount(&hold.tainted_received), 60_000 * 65_625 / 105_000);
    let books = &result.reconciliation["BTC"];
    assert_eq!(books.left_seeds, "100000");
    assert_eq!(books.difference, "0", "{books:?}");

    // FIFO: tx 3's inputs are laid out clean (60_000) then tainted (100_000):
    // the exchange's 50_000 is clean, the mule gets 45_000 + 55_000 = 100_000 - fee
    // part; the fee (the tail) is tainted.
    let fifo = trace(
        &graph,
        &seeds,
        &labels(),
        &BtcTraceOptions {
            model: Model::Fifo,
            ..options.clone()
        },
    )
    .unwrap();
    assert!(fifo.exits.iter().all(|e| e.address != EXCHANGE));
    let mule = fifo.addresses.iter().find(|a| a.address == MULE).unwrap();
    assert_eq!(amount(&mule.tainted_received), 95_000);
    assert_eq!(fifo.reconciliation["BTC"].difference, "0");
    // The mule's input is 95_000 tainted first, then 10_000 clean: its fee (the
    // tail) is clean.
    assert_eq!(fifo.reconciliation["BTC"].fees, "5000");

    // Poison: everything downstream is wholly tainted.
    let poison = trace(
        &graph,
        &seeds,
        &labels(),
        &BtcTraceOptions {
            model: Model::Poison,
            ..options.clone()
        },
    )
    .unwrap();
    let hold = poison.addresses.iter().find(|a| a.address == HOLD).unwrap();
    assert_eq!(amount(&hold.tainted_received), 60_000);

    // A hop limit of 1 stops at the mule, which holds what it would have sent.
    let limited = trace(
        &graph,
        &seeds,
        &labels(),
        &BtcTraceOptions {
            max_hops: 1,
            ..options.clone()
        },
    )
    .unwrap();
    let mule = limited
        .addresses
        .iter()
        .find(|a| a.address == MULE)
        .unwrap();
    assert!(mule.at_hop_limit);
    assert!(limited.addresses.iter().all(|a| a.address != HOLD));
    assert_eq!(limited.reconciliation["BTC"].difference, "0");

    // Seeds by outpoint work too, and unknown seeds are refused.
    let outpoint = format!("{}:0", txid_text(&[1; 32]));
    assert!(trace(&graph, &[outpoint], &labels(), &options).is_ok());
    assert!(trace(&graph, &["bc1qnobody".to_string()], &labels(), &options).is_err());
}

#[test]
fn coinjoins_are_exits_when_mixers_are_a_stop() {
    let mut graph = UtxoGraph::new(Options::default());
    graph.add(&tx(1, 100, &[], &[(1_000_170, THIEF)]), None);
    // A Whirlpool mix: the thief's pre-mix output and four others (enriched).
    let mut mix = tx(9, 101, &[(1, 0)], &[]);
    for i in 0..4u8 {
        mix.inputs.push(TxIn {
            prev: Some(Outpoint {
                txid: [0x50 + i; 32],
                index: 0,
            }),
            sequence: u32::MAX,
            spent: Some(Spent {
                value: if i < 2 { 1_000_000 } else { 1_000_250 },
                script_type: Some(ScriptType::P2wpkh),
                addresses: vec![format!("bc1qother{i}00000000000000000")],
            }),
        });
    }
    for i in 0..5u32 {
        mix.outputs.push(TxOut {
            index: i,
            value: 1_000_000,
            script_type: ScriptType::P2wpkh,
            addresses: vec![format!("bc1qpostmix{i}000000000000000")],
        });
    }
    graph.add(&mix, None);
    graph.settle();
    assert!(graph.is_coinjoin(1));
    let result = trace(
        &graph,
        &[THIEF.to_string()],
        &Labels::default(),
        &BtcTraceOptions::default(),
    )
    .unwrap();
    let exit = &result.exits[0];
    assert_eq!(exit.kind, "mixer");
    assert!(exit.address.starts_with("coinjoin:"));
    assert_eq!(exit.label.as_deref(), Some("Whirlpool CoinJoin"));
    assert_eq!(amount(&exit.amounts), 1_000_170);
    assert_eq!(result.reconciliation["BTC"].difference, "0");
}

#[test]
fn simulated_heist_is_traced_across_its_bitcoin_hop() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("w");
    unmask_simulate::simulate(&unmask_simulate::SimOptions {
        out: world.clone(),
        seed: 7,
        scale: "tiny".parse().unwrap(),
    })
    .unwrap();
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(world.join("truth.json")).unwrap()).unwrap();
    let hop = &truth["heist"]["btc_hop"];
    let deposit_tx = hop["eth_bridge_deposit_tx"].as_str().unwrap();

    // The Ethereum side: the bridge deposit's calldata and time, from the export.
    let mut reader = csv::Reader::from_path(world.join("chain/eth/transactions.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (hash, input, time, value) = (
        column("hash"),
        column("input"),
        column("block_timestamp"),
        column("value"),
    );
    let row = reader
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[hash] == deposit_tx)
        .expect("deposit in the export");
    let deposit = BridgeDeposit {
        chain: "ethereum".to_string(),
        tx: deposit_tx.to_string(),
        time: row[time].parse().unwrap(),
        amount: row[value].parse().unwrap(),
        asset: "ETH".to_string(),
        memo: memo_from_calldata(&row[input]),
    };
    assert_eq!(deposit.memo.as_deref(), hop["memo"].as_str());
    assert_eq!(
        deposit.amount.to_string(),
        hop["eth_amount"].as_str().unwrap()
    );

    // The Bitcoin side.
    let mut graph = UtxoGraph::new(Options::default());
    let report = add_file(&mut graph, &world.join("chain/btc/transactions.json")).unwrap();
    assert_eq!(report.quarantined, 0, "{:?}", report.problems);
    graph.settle();

    let matches = match_deposit(&graph, &deposit, &HopRules::default());
    assert_eq!(matches.len(), 1);
    let hop_match = &matches[0];
    assert_eq!(hop_match.rule, "memo_destination");
    assert!(hop_match.confidence >= 0.9);
    assert_eq!(hop_match.btc_txid, hop["btc_txid"].as_str().unwrap());
    let amount_sat = hop["amount_sat"].as_u64().unwrap();
    assert_eq!(
        hop_match.outputs.iter().map(|o| o.2).sum::<u64>(),
        amount_sat
    );

    // Without the memo, the amount rule finds it too, given the rate.
    let no_memo = BridgeDeposit {
        memo: None,
        ..deposit.clone()
    };
    let rules = HopRules {
        sat_per_source_coin: Some(3_450_000.0),
        ..HopRules::default()
    };
    let by_amount = match_deposit(&graph, &no_memo, &rules);
    assert!(
        by_amount
            .iter()
            .any(|m| m.btc_txid == hop_match.btc_txid && m.rule == "amount_time"),
        "{by_amount:?}"
    );

    // And the trace goes on in Bitcoin from the payout.
    let seeds: Vec<String> = hop_match.outputs.iter().map(|o| o.0.clone()).collect();
    let result = trace_outputs(
        &graph,
        &hop_match.positions,
        &seeds,
        &Labels::default(),
        &BtcTraceOptions::default(),
    )
    .unwrap();
    let books = &result.reconciliation["BTC"];
    assert_eq!(books.difference, "0", "{books:?}");
    let held: u128 = books.held.parse().unwrap();
    let fees: u128 = books.fees.parse().unwrap();
    assert_eq!(held + fees, amount_sat as u128, "{books:?}");
    for address in hop["btc_addresses"].as_array().unwrap() {
        let address = address.as_str().unwrap();
        assert!(
            result.addresses.iter().any(|a| a.address == address),
            "{address} not reached"
        );
    }
}

/// The dust floor (a millionth of what leaves the seeds, as for Ethereum): 1 BTC
/// of THIEF's is spent with 999 clean BTC; the 50 sat of taint a 50,000-sat
/// output gets is under the 100-sat floor and does not reach the new address
/// MULE (counted as dust), while the 60 sat of a 60,000-sat output to HOLD,
/// reached by the first output, still count. Off, MULE holds its 50 sat. (Two
/// equal outputs would make it an equal-output CoinJoin.)
#[test]
fn dust_does_not_reach_new_addresses_and_the_books_still_close() {
    let mut graph = UtxoGraph::new(Options::default());
    for t in [
        tx(1, 100, &[], &[(100_000_000, THIEF)]),
        tx(2, 100, &[], &[(99_900_000_000, CLEAN)]),
        tx(
            3,
            101,
            &[(1, 0), (2, 0)],
            &[(99_999_880_000, HOLD), (50_000, MULE), (60_000, HOLD)],
        ),
    ] {
        graph.add(&t, None);
    }
    graph.settle();
    let seeds = vec![THIEF.to_string()];
    let result = trace(&graph, &seeds, &labels(), &BtcTraceOptions::default()).unwrap();
    let books = &result.reconciliation["BTC"];
    assert_eq!(books.dust_floor, "100");
    assert_eq!(books.dust, "50", "{books:?}");
    assert_eq!(books.untraced, "50");
    assert_eq!(books.held, "99999940");
    assert_eq!(books.fees, "10");
    assert_eq!(books.difference, "0", "{books:?}");
    assert!(result.addresses.iter().all(|a| a.address != MULE));

    let off = BtcTraceOptions {
        dust_floor_ppb: 0,
        ..BtcTraceOptions::default()
    };
    let result = trace(&graph, &seeds, &labels(), &off).unwrap();
    let books = &result.reconciliation["BTC"];
    assert_eq!((books.dust.as_str(), books.untraced.as_str()), ("0", "0"));
    assert_eq!(books.held, "99999990");
    assert_eq!(books.difference, "0");
    let small = result.addresses.iter().find(|a| a.address == MULE).unwrap();
    assert_eq!(amount(&small.tainted_held), 50);
}

/// Backward from an address that paid itself change: its coins are explained
/// once (the coinbase that paid it 100,000), not again through the change.
#[test]
fn backward_explains_a_seed_s_change_once() {
    let mut graph = UtxoGraph::new(Options::default());
    for t in [
        tx(1, 100, &[], &[(100_000, THIEF)]),
        tx(2, 101, &[(1, 0)], &[(60_000, HOLD), (39_000, THIEF)]),
    ] {
        graph.add(&t, None);
    }
    graph.settle();
    let options = BtcTraceOptions {
        direction: unmask_trace::taint::Direction::Backward,
        ..BtcTraceOptions::default()
    };
    let result = trace(&graph, &[THIEF.to_string()], &labels(), &options).unwrap();
    let coinbase = result.exits.iter().find(|e| e.kind == "coinbase").unwrap();
    assert_eq!(amount(&coinbase.amounts), 100_000);
    assert!(result.flows.is_empty(), "{:?}", result.flows);
    assert!(result.addresses.iter().all(|a| a.address != HOLD));
}
