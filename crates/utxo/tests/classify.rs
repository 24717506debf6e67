//! Hand-built CoinJoins of each kind and their look-alikes, change heuristics and
//! peel chains, with known answers.

use unmask_utxo::change::{self, ChangeOptions, Heuristic};
use unmask_utxo::coinjoin::{detect, Coin, Kind, Rules, Shape};
use unmask_utxo::graph::{Options, UtxoGraph};
use unmask_utxo::peel;
use unmask_utxo::script::ScriptType;
use unmask_utxo::tx::{Outpoint, Spent, Tx, TxIn, TxOut};

const P2WPKH: Option<ScriptType> = Some(ScriptType::P2wpkh);

/// Leaked address names, so coins can borrow them.
fn name(prefix: &str, i: usize) -> &'static str {
    Box::leak(format!("bc1q{prefix}{i:04}").into_boxed_str())
}

fn coin(value: u64, address: &'static str) -> Coin<'static> {
    Coin {
        value,
        address: Some(address),
        script: P2WPKH,
    }
}

fn op_return() -> Coin<'static> {
    Coin {
        value: 0,
        address: None,
        script: Some(ScriptType::NullData),
    }
}

fn shape(inputs: Vec<Coin<'static>>, outputs: Vec<Coin<'static>>) -> Shape<'static> {
    Shape {
        coinbase: false,
        inputs,
        outputs,
    }
}

fn strongest(shape: &Shape<'_>) -> Option<Kind> {
    detect(shape, &Rules::default()).first().map(|d| d.kind)
}

fn stops(shape: &Shape<'_>) -> bool {
    let rules = Rules::default();
    rules.stops_clustering(&detect(shape, &rules))
}

#[test]
fn wasabi_1_0_round() {
    // 10 participants: one input each, 0.1 BTC out, change, one coordinator fee.
    let inputs = (0..10)
        .map(|i| coin(13_000_000 + i as u64 * 700_000, name("in", i)))
        .collect();
    let mut outputs: Vec<_> = (0..10).map(|i| coin(10_003_000, name("mix", i))).collect();
    outputs.extend((0..9).map(|i| coin(2_900_000 + i as u64 * 690_000, name("chg", i))));
    outputs.push(coin(300_000, "bc1qs604c7jv6amk4cxqlnvuxv26hv3e48cds4m0ew"));
    let round = shape(inputs, outputs);
    assert_eq!(strongest(&round), Some(Kind::Wasabi10));
    assert!(stops(&round));
}

#[test]
fn wasabi_1_1_mixing_levels() {
    let inputs = (0..14)
        .map(|i| coin(45_000_000 + i as u64 * 1_000, name("in", i)))
        .collect();
    let mut outputs = Vec::new();
    outputs.extend((0..12).map(|i| coin(10_001_000, name("l0", i))));
    outputs.extend((0..4).map(|i| coin(20_002_000, name("l1", i))));
    outputs.extend((0..2).map(|i| coin(40_004_000, name("l2", i))));
    outputs.extend((0..6).map(|i| coin(1_234_567 + i as u64 * 99_991, name("chg", i))));
    outputs.push(coin(500_000, "bc1qs604c7jv6amk4cxqlnvuxv26hv3e48cds4m0ew"));
    let round = shape(inputs, outputs);
    let detections = detect(&round, &Rules::default());
    let wasabi = detections
        .iter()
        .find(|d| d.kind == Kind::Wasabi11)
        .expect("1.1 found");
    assert_eq!(wasabi.denominations, [10_000_000, 20_000_000, 40_000_000]);
    assert!(stops(&round));
}

#[test]
fn wasabi_2_0_round() {
    // 60 inputs; outputs at WabiSabi-style standard denominations, each several times.
    let denominations = [
        5_000u64, 6_561, 10_000, 19_683, 50_000, 100_000, 131_072, 200_000, 1_000_000, 2_097_152,
    ];
    let inputs = (0..60)
        .map(|i| coin(300_000 + i as u64 * 12_345, name("in", i)))
        .collect();
    let mut outputs = Vec::new();
    for (i, d) in denominations.iter().enumerate() {
        outputs.extend((0..6).map(|j| coin(*d, name(&format!("d{i}x"), j))));
    }
    outputs.extend((0..5).map(|i| coin(77_777 + i as u64 * 3, name("odd", i))));
    let round = shape(inputs, outputs);
    assert_eq!(strongest(&round), Some(Kind::Wasabi20));
    assert!(stops(&round));
}

#[test]
fn whirlpool_mix_and_tx0() {
    // Two remixers at exactly 0.01 BTC, three new entrants with the miner fee on top.
    let inputs = vec![
        coin(1_000_000, name("re", 0)),
        coin(1_000_000, name("re", 1)),
        coin(1_000_170, name("new", 0)),
        coin(1_000_170, name("new", 1)),
        coin(1_000_250, name("new", 2)),
    ];
    let outputs = (0..5).map(|i| coin(1_000_000, name("post", i))).collect();
    let mix = shape(inputs, outputs);
    assert_eq!(strongest(&mix), Some(Kind::Whirlpool));
    assert!(stops(&mix));

    // Tx0: one owner splits into pre-mix outputs, pays the pool fee, keeps change.
    let mut outputs: Vec<_> = (0..4).map(|i| coin(1_000_170, name("pre", i))).collect();
    outputs.push(coin(50_000, name("fee", 0)));
    outputs.push(op_return());
    outputs.push(coin(1_234_000, name("chg", 0)));
    let tx0 = shape(vec![coin(5_300_000, name("own", 0))], outputs);
    let detections = detect(&tx0, &Rules::default());
    assert_eq!(detections.first().map(|d| d.kind), Some(Kind::WhirlpoolTx0));
    assert_eq!(detections[0].participants, 4);
    assert!(!stops(&tx0), "a Tx0 has one owner: clustering goes on");
}

#[test]
fn joinmarket_and_equal_output_rounds() {
    // JoinMarket: 4 participants, 4 equal outputs and 3 change outputs.
    let inputs = vec![
        coin(20_000_000, name("taker", 0)),
        coin(9_000_000, name("maker", 0)),
        coin(9_500_000, name("maker", 0)),
        coin(15_000_000, name("maker", 1)),
        coin(30_000_000, name("maker", 2)),
    ];
    let mut outputs: Vec<_> = (0..4).map(|i| coin(12_345_678, name("cj", i))).collect();
    outputs.extend([
        coin(6_154_000, name("c", 0)),
        coin(2_655_000, name("c", 1)),
        coin(17_656_000, name("c", 2)),
    ]);
    let round = shape(inputs, outputs);
    let detections = detect(&round, &Rules::default());
    assert!(detections
        .iter()
        .any(|d| d.kind == Kind::JoinMarket && d.participants == 4));
    assert!(
        detections.iter().any(|d| d.kind == Kind::EqualOutput),
        "{detections:?}"
    );
    assert!(stops(&round));

    // BlockSci's rule on its own: 5 outputs, 3 of them equal, 3 distinct input addresses.
    let inputs = vec![
        coin(5_000_000, name("a", 0)),
        coin(4_000_000, name("a", 1)),
        coin(6_000_000, name("a", 2)),
    ];
    let outputs = vec![
        coin(3_000_000, name("o", 0)),
        coin(3_000_000, name("o", 1)),
        coin(3_000_000, name("o", 2)),
        coin(1_990_000, name("o", 3)),
        coin(3_000_000 - 1, name("o", 4)),
    ];
    let generic = shape(inputs, outputs);
    assert!(detect(&generic, &Rules::default())
        .iter()
        .any(|d| d.kind == Kind::EqualOutput));
}

#[test]
fn exchange_batch_payouts_are_not_coinjoins() {
    // One hot wallet (two inputs from one address) paying 40 withdrawals, some equal.
    let inputs = vec![
        coin(900_000_000, name("hot", 0)),
        coin(400_000_000, name("hot", 0)),
    ];
    let mut outputs: Vec<_> = (0..40)
        .map(|i| coin(1_000_000 + (i as u64 % 13) * 2_345_678, name("user", i)))
        .collect();
    outputs.extend((0..3).map(|i| coin(5_000_000, name("eq", i))));
    outputs.push(coin(700_000_000, name("hot", 0)));
    let batch = shape(inputs, outputs);
    assert_eq!(strongest(&batch), None);
    assert!(!stops(&batch));

    // A consolidating batch: 30 distinct deposit addresses into 25 varied payouts.
    let inputs = (0..30)
        .map(|i| coin(1_000_000 + i as u64 * 10_007, name("dep", i)))
        .collect();
    let outputs = (0..25)
        .map(|i| coin(700_000 + i as u64 * 31_337, name("pay", i)))
        .collect();
    let consolidation = shape(inputs, outputs);
    assert_eq!(strongest(&consolidation), None);

    // A plain payment and a self-split.
    let pay = shape(
        vec![coin(10_000_000, name("me", 0))],
        vec![
            coin(3_000_000, name("shop", 0)),
            coin(6_990_000, name("me", 1)),
        ],
    );
    assert_eq!(strongest(&pay), None);
    let split = shape(
        vec![coin(10_000_000, name("me", 0))],
        vec![
            coin(4_995_000, name("me", 1)),
            coin(4_995_000, name("me", 2)),
        ],
    );
    assert!(!stops(&split));
}

#[test]
fn change_heuristics_report_but_stay_off_by_default() {
    let payment = shape(
        vec![
            coin(10_000_000, name("me", 0)),
            coin(8_000_000, name("me", 1)),
        ],
        vec![
            coin(12_000_000, name("shop", 0)),
            Coin {
                value: 5_990_000 - 1_234,
                address: Some(name("me", 2)),
                script: P2WPKH,
            },
        ],
    );
    assert!(change::guess(&payment, &[true, false], &ChangeOptions::default()).is_empty());
    let guesses = change::guess(&payment, &[true, false], &ChangeOptions::all());
    let kinds: Vec<Heuristic> = guesses.iter().map(|g| g.heuristic).collect();
    assert!(guesses.iter().all(|g| g.output == 1), "{guesses:?}");
    assert!(kinds.contains(&Heuristic::OneTimeChange));
    assert!(kinds.contains(&Heuristic::RoundNumber));
    assert!(kinds.contains(&Heuristic::OptimalChange));
    assert!(
        !kinds.contains(&Heuristic::SameScriptType),
        "both outputs share the inputs' type"
    );

    let reuse = shape(
        vec![coin(10_000_000, name("me", 0))],
        vec![
            coin(3_000_000, name("shop", 0)),
            coin(6_990_000, name("me", 0)),
        ],
    );
    let guesses = change::guess(
        &reuse,
        &[false, true],
        &ChangeOptions::parse("reuse").unwrap(),
    );
    assert_eq!(guesses.len(), 1);
    assert_eq!(
        (guesses[0].output, guesses[0].heuristic),
        (1, Heuristic::AddressReuse)
    );
    assert!(ChangeOptions::parse("bogus").is_err());
}

fn simple_tx(
    txid: u8,
    prev: Option<(u8, u32)>,
    value_in: u64,
    outputs: &[(u64, &str)],
    block: u64,
) -> Tx {
    Tx {
        txid: [txid; 32],
        block,
        time: 1_700_000_000 + block * 600,
        index: None,
        coinbase: prev.is_none(),
        version: 2,
        lock_time: 0,
        vsize: None,
        inputs: prev
            .map(|(p, index)| TxIn {
                prev: Some(Outpoint {
                    txid: [p; 32],
                    index,
                }),
                sequence: u32::MAX,
                spent: Some(Spent {
                    value: value_in,
                    script_type: P2WPKH,
                    addresses: vec![],
                }),
            })
            .into_iter()
            .collect(),
        outputs: outputs
            .iter()
            .enumerate()
            .map(|(i, (value, address))| TxOut {
                index: i as u32,
                value: *value,
                script_type: ScriptType::P2wpkh,
                addresses: vec![address.to_string()],
            })
            .collect(),
    }
}

#[test]
fn peel_chains_are_found_in_any_order() {
    // 1 → 2 → 3 → 4: each peels a little to an exchange and moves the rest on.
    let txs = vec![
        simple_tx(
            4,
            Some((3, 1)),
            0,
            &[
                (1_000_000, "bc1qexchangexxx3"),
                (6_900_000, "bc1qhopxxxxxxxx4"),
            ],
            104,
        ),
        simple_tx(1, None, 0, &[(10_000_000, "bc1qheistxxxxxxx")], 100),
        simple_tx(
            2,
            Some((1, 0)),
            0,
            &[
                (1_000_000, "bc1qexchangexxx1"),
                (8_990_000, "bc1qhopxxxxxxxx2"),
            ],
            102,
        ),
        simple_tx(
            3,
            Some((2, 1)),
            0,
            &[
                (1_080_000, "bc1qexchangexxx2"),
                (7_900_000, "bc1qhopxxxxxxxx3"),
            ],
            103,
        ),
        // A lone 1-in-2-out payment is not a peel.
        simple_tx(9, None, 0, &[(5_000_000, "bc1qother")], 100),
        simple_tx(
            10,
            Some((9, 0)),
            0,
            &[(1_000_000, "bc1qshop"), (3_990_000, "bc1qother2")],
            101,
        ),
    ];
    let mut graph = UtxoGraph::new(Options::default());
    for tx in &txs {
        graph.add(tx, None);
    }
    graph.settle();
    let chains = peel::chains(&graph, 3);
    assert_eq!(chains.len(), 1, "{chains:?}");
    let chain = &chains[0];
    let order: Vec<u8> = chain.hops.iter().map(|h| graph.txid(h.tx)[0]).collect();
    assert_eq!(order, [2, 3, 4]);
    assert_eq!(chain.peeled_total(), 3_080_000);
    assert_eq!(
        graph.addresses.text(chain.hops[0].peeled_address),
        "bc1qexchangexxx1"
    );
    let lone = graph.tx_id(&[10; 32]).unwrap();
    assert!(peel::has_shape(&graph, lone) && !peel::is_peel(&graph, lone));
    assert!(peel::is_peel(&graph, graph.tx_id(&[3; 32]).unwrap()));
}

#[test]
fn detectors_report_coinjoins_and_peel_chains_from_the_saved_graph() {
    use unmask_detect::Detector;
    use unmask_utxo::detectors::{CoinJoinDetector, PeelChainDetector};

    let dir = tempfile::tempdir().unwrap();
    let store = unmask_store::Store::open(dir.path()).unwrap();
    // Nothing read yet: nothing found.
    assert!(CoinJoinDetector.run(&store).unwrap().is_empty());

    let mut graph = UtxoGraph::new(Options::default());
    // A Whirlpool mix whose inputs come from enriched rows.
    let address = |p: &str, i: usize| format!("bc1qwhirlpool{p}{i:04}");
    let mix = Tx {
        txid: [0x77; 32],
        block: 900_000,
        time: 0,
        index: None,
        coinbase: false,
        version: 1,
        lock_time: 0,
        vsize: None,
        inputs: [1_000_000u64, 1_000_000, 1_000_170, 1_000_170, 1_000_250]
            .iter()
            .enumerate()
            .map(|(i, &value)| TxIn {
                prev: Some(Outpoint {
                    txid: [i as u8 + 0x60; 32],
                    index: 0,
                }),
                sequence: u32::MAX,
                spent: Some(Spent {
                    value,
                    script_type: P2WPKH,
                    addresses: vec![address("in", i)],
                }),
            })
            .collect(),
        outputs: (0..5)
            .map(|i| TxOut {
                index: i,
                value: 1_000_000,
                script_type: ScriptType::P2wpkh,
                addresses: vec![address("out", i as usize)],
            })
            .collect(),
    };
    graph.add(&mix, None);
    for tx in [
        simple_tx(1, None, 0, &[(10_000_000, "bc1qheistxxxxxxx")], 100),
        simple_tx(
            2,
            Some((1, 0)),
            0,
            &[
                (1_000_000, "bc1qexchangexxx1"),
                (8_990_000, "bc1qhopxxxxxxxx2"),
            ],
            102,
        ),
        simple_tx(
            3,
            Some((2, 1)),
            0,
            &[
                (1_080_000, "bc1qexchangexxx2"),
                (7_900_000, "bc1qhopxxxxxxxx3"),
            ],
            103,
        ),
        simple_tx(
            4,
            Some((3, 1)),
            0,
            &[
                (1_000_000, "bc1qexchangexxx3"),
                (6_900_000, "bc1qhopxxxxxxxx4"),
            ],
            104,
        ),
    ] {
        graph.add(&tx, None);
    }
    graph.save(&unmask_utxo::btc_dir(dir.path())).unwrap();

    let coinjoins = CoinJoinDetector.run(&store).unwrap();
    assert_eq!(coinjoins.len(), 1, "{coinjoins:?}");
    assert_eq!(coinjoins[0].subjects.len(), 5);
    assert!(
        coinjoins[0].reason.contains("Whirlpool"),
        "{}",
        coinjoins[0].reason
    );
    let peels = PeelChainDetector.run(&store).unwrap();
    assert_eq!(peels.len(), 1, "{peels:?}");
    assert!(peels[0]
        .subjects
        .contains(&"wallet:bc1qexchangexxx2".to_string()));
    assert_eq!(peels[0].evidence.len(), 3);
}
