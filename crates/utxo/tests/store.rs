//! The UTXO graph on disk: saved, reloaded and appended to without recomputing the
//! clusters; files read with their kind detected.

use std::path::PathBuf;

use unmask_utxo::graph::{Options, UtxoGraph};
use unmask_utxo::load::{add_file, FileKind};
use unmask_utxo::UtxoError;

fn testdata(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

fn partition(graph: &mut UtxoGraph) -> Vec<(String, String)> {
    let texts: Vec<String> = graph.addresses.texts().map(str::to_string).collect();
    let mut pairs: Vec<(String, String)> = texts
        .iter()
        .enumerate()
        .map(|(id, text)| {
            let root = graph.clusters().root(id as u32);
            (text.clone(), texts[root as usize].clone())
        })
        .collect();
    pairs.sort();
    pairs
}

#[test]
fn appending_in_two_runs_gives_the_clusters_of_one() {
    let dir = tempfile::tempdir().unwrap();
    let all = std::fs::read_to_string(testdata("graphsense/test_txs.json")).unwrap();
    let lines: Vec<&str> = all.lines().collect();
    let first = dir.path().join("first.json");
    let second = dir.path().join("second.json");
    std::fs::write(&first, lines[..6].join("\n")).unwrap();
    std::fs::write(&second, lines[6..].join("\n")).unwrap();

    let mut once = UtxoGraph::new(Options::default());
    let report = add_file(&mut once, &testdata("graphsense/test_txs.json")).unwrap();
    assert_eq!(
        (report.kind, report.transactions),
        (FileKind::GraphSense, 10)
    );
    once.settle();

    let store = dir.path().join("chain/btc");
    let mut graph = UtxoGraph::load(&store, Options::default()).unwrap();
    assert_eq!(graph.tx_count(), 0);
    add_file(&mut graph, &first).unwrap();
    graph.save(&store).unwrap();
    let merges_before = graph.clusters().merges().len();

    let mut graph = UtxoGraph::load(&store, Options::default()).unwrap();
    assert_eq!(graph.tx_count(), 6);
    assert_eq!(graph.clusters().merges().len(), merges_before);
    let report = add_file(&mut graph, &second).unwrap();
    assert_eq!(report.transactions, 4);
    // The first half again: all duplicates.
    let again = add_file(&mut graph, &first).unwrap();
    assert_eq!((again.transactions, again.duplicates), (0, 6));
    graph.save(&store).unwrap();
    let mut graph = UtxoGraph::load(&store, Options::default()).unwrap();
    assert_eq!(partition(&mut graph), partition(&mut once));
    let tx5 = graph
        .find_tx("ab30109910f327700e0f199972eed8ea7c6b1920e965f9cb48a92973e7325046")
        .unwrap();
    assert!(graph.is_coinjoin(tx5));
}

#[test]
fn out_of_order_blocks_resolve_across_runs() {
    // Block 50002's file before 50001's, then the genesis block: nothing spends
    // across them, but each file kind is detected and every transaction counted.
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("btc");
    let mut graph = UtxoGraph::load(&store, Options::default()).unwrap();
    let report = add_file(
        &mut graph,
        &testdata("bitcoin-etl/block_50002_getblock_2.json"),
    )
    .unwrap();
    assert_eq!((report.kind, report.transactions), (FileKind::GetBlock, 1));
    let report = add_file(
        &mut graph,
        &testdata("bitcoin-etl/stream_50001_50002_transactions.json"),
    )
    .unwrap();
    assert_eq!(
        (report.kind, report.transactions, report.duplicates),
        (FileKind::BitcoinEtl, 3, 1)
    );
    let settled = graph.settle();
    // The stream rows are enriched: their inputs are known though the spent
    // transactions are not in the graph; they wait for them all the same.
    assert_eq!(settled.unresolved_inputs, 3);
    graph.save(&store).unwrap();
    let graph = UtxoGraph::load(&store, Options::default()).unwrap();
    assert_eq!(graph.tx_count(), 4);
    let spend = graph
        .find_tx("7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a")
        .unwrap();
    let inputs = graph.tx_inputs(spend);
    assert!(inputs.iter().all(|i| i.known && i.value == 5_000_000_000));
    assert_eq!(graph.unresolved(), 3);
}

#[test]
fn damaged_snapshots_and_unknown_files_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("graph.bin"), b"UNMBTC01\xff\xff").unwrap();
    let error = UtxoGraph::load(dir.path(), Options::default()).unwrap_err();
    assert!(matches!(error, UtxoError::Corrupt { .. }), "{error}");
    let other = dir.path().join("x.csv");
    std::fs::write(&other, "a,b\n1,2\n").unwrap();
    let mut graph = UtxoGraph::new(Options::default());
    assert!(matches!(
        add_file(&mut graph, &other),
        Err(UtxoError::Corrupt { .. })
    ));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// A damaged snapshot is refused or read; reading it never panics, nor does
    /// walking what was read.
    #[test]
    fn damaged_snapshots_never_panic(flips in proptest::collection::vec((0usize..4096, 0u8..=255), 1..6), cut in proptest::option::of(0usize..4096)) {
        let dir = tempfile::tempdir().unwrap();
        let mut graph = UtxoGraph::new(Options::default());
        add_file(&mut graph, &testdata("graphsense/test_txs.json")).unwrap();
        graph.save(dir.path()).unwrap();
        let path = UtxoGraph::snapshot_path(dir.path());
        let mut bytes = std::fs::read(&path).unwrap();
        for (at, value) in flips {
            let at = at % bytes.len();
            bytes[at] = value;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut % bytes.len());
        }
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(mut loaded) = UtxoGraph::load(dir.path(), Options::default()) {
            for tx in 0..loaded.tx_count() as u32 {
                let _ = loaded.tx_inputs(tx).len() + loaded.tx_outputs(tx).len();
            }
            for id in 0..loaded.addresses.len() as u32 {
                let _ = loaded.clusters().root(id);
            }
        }
    }
}
