//! GraphSense's UTXO test world: our clusters and cluster relations against
//! GraphSense's reference outputs (graphsense-lib, spark/src/test/resources/utxo).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;
use unmask_utxo::graph::{Added, Options, UtxoGraph};
use unmask_utxo::graphsense::{address_flows, cluster_relations, parse_tx_line, COINBASE};
use unmask_utxo::Tx;

fn read(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/graphsense")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn rows(name: &str) -> Vec<Value> {
    read(name)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn world() -> Vec<(Tx, Option<bool>)> {
    read("test_txs.json")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| parse_tx_line(l).unwrap())
        .collect()
}

/// address text by GraphSense address id.
fn address_ids() -> BTreeMap<u64, String> {
    rows("reference/address_ids.json")
        .into_iter()
        .map(|r| {
            (
                r["addressId"].as_u64().unwrap(),
                r["address"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The reference partition as sets of address texts, and each address's cluster id.
fn reference(name: &str) -> (BTreeSet<BTreeSet<String>>, BTreeMap<String, u64>) {
    let ids = address_ids();
    let mut by_cluster: BTreeMap<u64, BTreeSet<String>> = BTreeMap::new();
    let mut cluster_of = BTreeMap::new();
    for row in rows(name) {
        let address = ids[&row["addressId"].as_u64().unwrap()].clone();
        let cluster = row["clusterId"].as_u64().unwrap();
        by_cluster
            .entry(cluster)
            .or_default()
            .insert(address.clone());
        cluster_of.insert(address, cluster);
    }
    (by_cluster.into_values().collect(), cluster_of)
}

/// Our partition of the reference addresses (`coinbase` is a cluster of its own).
fn ours(skip_coinjoins: bool) -> (BTreeSet<BTreeSet<String>>, UtxoGraph) {
    let mut graph = UtxoGraph::new(Options {
        skip_coinjoins,
        ..Options::default()
    });
    for (tx, coinjoin) in world() {
        assert!(matches!(graph.add(&tx, coinjoin), Added::New(_)));
    }
    graph.settle();
    let mut by_root: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
    let texts: Vec<String> = graph.addresses.texts().map(str::to_string).collect();
    for (id, text) in texts.iter().enumerate() {
        if graph.addresses.is_key_set(id as u32) {
            continue; // multisig key sets are not addresses for GraphSense
        }
        let root = graph.clusters().root(id as u32);
        by_root.entry(root).or_default().insert(text.clone());
    }
    let mut partition: BTreeSet<BTreeSet<String>> = by_root.into_values().collect();
    partition.insert(BTreeSet::from([COINBASE.to_string()]));
    (partition, graph)
}

#[test]
fn clusters_without_coinjoin_inputs_match_address_cluster_json() {
    let (expected, _) = reference("reference/address_cluster.json");
    let (actual, graph) = ours(true);
    assert_eq!(actual, expected);
    // The flagged CoinJoin (tx 5) was honoured, though no fingerprint matches it.
    let tx5 = graph
        .find_tx("ab30109910f327700e0f199972eed8ea7c6b1920e965f9cb48a92973e7325046")
        .unwrap();
    assert!(graph.is_coinjoin(tx5));
    assert!(graph.detections(tx5).is_empty());
}

#[test]
fn clusters_with_all_inputs_match_address_cluster_with_coinjoin_json() {
    let (expected, _) = reference("reference/address_cluster_with_coinjoin.json");
    let (actual, _) = ours(false);
    assert_eq!(actual, expected);
    let (without, _) = reference("reference/address_cluster.json");
    assert_ne!(
        expected, without,
        "the two references must differ for this test to mean something"
    );
}

#[test]
fn cluster_relations_match_cluster_relations_json() {
    let (_, reference_cluster_of) = reference("reference/address_cluster.json");
    let (_, mut graph) = ours(true);
    // Ours, keyed by our roots; the coinbase gets an id of its own.
    let coinbase_id = u64::MAX;
    let mut our_cluster_of: BTreeMap<String, u64> = BTreeMap::new();
    let texts: Vec<String> = graph.addresses.texts().map(str::to_string).collect();
    for (id, text) in texts.iter().enumerate() {
        our_cluster_of.insert(text.clone(), graph.clusters().root(id as u32) as u64);
    }
    our_cluster_of.insert(COINBASE.to_string(), coinbase_id);
    let flows: Vec<_> = world()
        .iter()
        .enumerate()
        .flat_map(|(i, (tx, _))| address_flows(i, tx))
        .collect();
    let relations = cluster_relations(&flows, &|a| our_cluster_of[a]);

    // Translate our cluster ids to the reference's through any member address.
    let mut translate: BTreeMap<u64, u64> = BTreeMap::new();
    for (address, &ours) in &our_cluster_of {
        if let Some(&theirs) = reference_cluster_of.get(address) {
            assert_eq!(
                *translate.entry(ours).or_insert(theirs),
                theirs,
                "partitions differ at {address}"
            );
        }
    }
    let actual: BTreeMap<(u64, u64), (u64, u64)> = relations
        .into_iter()
        .map(|((s, d), v)| ((translate[&s], translate[&d]), v))
        .collect();
    let expected: BTreeMap<(u64, u64), (u64, u64)> = rows("reference/cluster_relations.json")
        .into_iter()
        .map(|r| {
            (
                (
                    r["srcClusterId"].as_u64().unwrap(),
                    r["dstClusterId"].as_u64().unwrap(),
                ),
                (
                    r["noTransactions"].as_u64().unwrap(),
                    r["estimatedValue"]["value"].as_u64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(actual, expected);
}
