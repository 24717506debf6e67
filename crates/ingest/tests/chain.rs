//! Chain exports through the real pipeline: ethereum-etl samples ingest with exact
//! amounts and a reconciliation that holds, re-ingest stores nothing, and
//! GraphSense's account test graphs give the reference relations and totals.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use unmask_ingest::{ingest, IngestOptions, IngestReport};
use unmask_store::Store;
use unmask_trace::chain::{chain_dir, parse_address, ChainGraph};

fn testdata(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../trace/testdata")
        .join(path)
}

fn run(store: &mut Store, paths: &[PathBuf]) -> IngestReport {
    let options = IngestOptions {
        format: None,
        org: None,
        progress: false,
        command: "test".to_string(),
    };
    let report = ingest(store, paths, &options).unwrap();
    assert!(report.total.reconciles(), "{report:#?}");
    report
}

fn format_of(report: &IngestReport, file: &str) -> String {
    report
        .files
        .iter()
        .find(|f| f.path.ends_with(file))
        .and_then(|f| f.format.clone())
        .unwrap_or_default()
}

#[test]
fn ethereum_etl_samples_ingest_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let files = [
        testdata("ethereum-etl/expected_transactions.csv"),
        testdata("ethereum-etl/stream/expected_token_transfers.json"),
        testdata("ethereum-etl/traces_parity/block_with_create.csv"),
        testdata("ethereum-etl/traces_parity/block_with_error.csv"),
    ];
    let report = run(&mut store, &files);
    assert_eq!(
        format_of(&report, "expected_transactions.csv"),
        "ethereum-etl-transactions"
    );
    assert_eq!(
        format_of(&report, "expected_token_transfers.json"),
        "ethereum-etl-json"
    );
    assert_eq!(
        format_of(&report, "block_with_create.csv"),
        "ethereum-etl-traces"
    );
    for file in &report.files {
        assert!(
            matches!(file.outcome, unmask_ingest::FileOutcome::Ingested),
            "{file:?}"
        );
    }
    // Every data row is stored: money, failed and zero-value alike.
    let transactions = &report.files[0].counts;
    assert_eq!(transactions.read, 298);
    assert_eq!(transactions.stored, 298);
    assert_eq!(report.total.quarantined, 0);

    let graph = ChainGraph::open(&chain_dir(dir.path())).unwrap();
    // Exact uint256 values: the traces' 64655529900000002048 wei (more than u64).
    let from = parse_address("0xaf21e07e5a929d16026a7b4d88f3906a8d2e4942").unwrap();
    let ids = graph.find(&[from]);
    let mut out = Vec::new();
    graph.outgoing(ids[&from], &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].amount(), 64_655_529_900_000_002_048);
    // The 2023 token transfers keep their token and amount.
    let weth = graph
        .asset_id("0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2")
        .unwrap();
    let router = parse_address("0x6b75d8af000000e20b7a7ddf000ba900b4009a80").unwrap();
    let ids = graph.find(&[router]);
    out.clear();
    graph.outgoing(ids[&router], &mut out);
    let weth_out: Vec<u128> = out
        .iter()
        .filter(|e| e.asset() == weth)
        .map(|e| e.amount())
        .collect();
    assert!(
        weth_out.contains(&7_056_176_614_974_947_328),
        "{weth_out:?}"
    );
    // The failed call (out of gas) is stored but is not money.
    let failed_sender = parse_address("0xad9253df75b066c67aff5cdd9d6d2b9245444726").unwrap();
    let ids = graph.find(&[failed_sender]);
    out.clear();
    graph.outgoing(ids[&failed_sender], &mut out);
    assert!(out.is_empty());
    assert_eq!(graph.block_time(17173049), Some(1683029999));

    // Re-ingesting the same rows in another form adds nothing.
    let again = run(
        &mut store,
        &[testdata("ethereum-etl/expected_transactions.json")],
    );
    assert_eq!(again.total.stored, 0);
    assert_eq!(again.total.duplicates, again.total.read);
}

#[test]
fn parity_and_geth_traces_both_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let parity = run(&mut store, &[testdata("ethereum-etl/traces_parity")]);
    assert_eq!(parity.total.quarantined, 0, "{parity:#?}");
    assert_eq!(parity.total.stored, 13);
    let geth = run(&mut store, &[testdata("ethereum-etl/traces_geth")]);
    // geth writes selfdestruct frames without addresses or value: nothing to trace.
    assert_eq!(geth.total.quarantined, 1, "{geth:#?}");
    let quarantined = store.quarantine(10).unwrap();
    assert!(
        quarantined[0].reason.contains("nothing to trace"),
        "{quarantined:?}"
    );
    assert_eq!(quarantined[0].line, 3);
}

#[test]
fn broken_rows_are_quarantined_with_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token_transfers.csv");
    std::fs::write(
        &file,
        "token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n\
         0xf4eced2f682ce333f96f2d8966c613ded8fc95dd,0x1b63142628311395ceafeea5667e7c9026c862ca,0xac4df82fe37ea2187bc8c011a23d743b4f39019a,100000,0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8,0,483920\n\
         0xf4eced2f682ce333f96f2d8966c613ded8fc95dd,0x1b63,0xac4df82fe37ea2187bc8c011a23d743b4f39019a,100000,0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8,1,483920\n\
         0xf4eced2f682ce333f96f2d8966c613ded8fc95dd,0x1b63142628311395ceafeea5667e7c9026c862ca,0xac4df82fe37ea2187bc8c011a23d743b4f39019a,-5,0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8,2,483920\n\
         only,three,fields\n",
    )
    .unwrap();
    let mut store = Store::open(&dir.path().join("data")).unwrap();
    let report = run(&mut store, &[file]);
    assert_eq!(report.total.read, 4);
    assert_eq!(report.total.stored, 1);
    assert_eq!(report.total.quarantined, 3);
    let rows = store.quarantine(10).unwrap();
    let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [3, 4, 5]);
    assert!(rows[0].reason.contains("from_address"), "{rows:?}");
    assert!(
        rows[1].reason.contains("not a non-negative integer"),
        "{rows:?}"
    );
    assert!(rows[2].reason.contains("3 fields"), "{rows:?}");
}

/// (src, dst) -> (transactions, value) and address -> (received, spent, in txs, out txs).
type Relations = BTreeMap<(String, String), (u64, u128)>;
type Totals = BTreeMap<String, (u128, u128, u64, u64)>;

fn reference(graph: &str) -> (Relations, Totals) {
    use base64_free::decode_address;
    let dir = testdata(&format!("graphsense/{graph}/reference"));
    let mut ids = BTreeMap::new();
    let mut totals = Totals::new();
    for line in std::fs::read_to_string(dir.join("addresses.json"))
        .unwrap()
        .lines()
    {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let address = decode_address(v["address"].as_str().unwrap());
        ids.insert(v["addressId"].as_u64().unwrap(), address.clone());
        let amount = |key: &str| raw_value(line, key);
        totals.insert(
            address,
            (
                amount("totalReceived"),
                amount("totalSpent"),
                v["noIncomingTxs"].as_u64().unwrap(),
                v["noOutgoingTxs"].as_u64().unwrap(),
            ),
        );
    }
    let mut relations = Relations::new();
    for line in std::fs::read_to_string(dir.join("address_relations.json"))
        .unwrap()
        .lines()
    {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let src = ids[&v["srcAddressId"].as_u64().unwrap()].clone();
        let dst = ids[&v["dstAddressId"].as_u64().unwrap()].clone();
        relations.insert(
            (src, dst),
            (
                v["noTransactions"].as_u64().unwrap(),
                raw_value(line, "value"),
            ),
        );
    }
    (relations, totals)
}

/// The exact integer after `"key":{"value":` (serde_json would round it to a float).
fn raw_value(line: &str, key: &str) -> u128 {
    let marker = format!("\"{key}\":{{\"value\":");
    let start = line.find(&marker).unwrap() + marker.len();
    let digits: String = line[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

/// Decodes GraphSense's base64 address bytes without a base64 dependency.
mod base64_free {
    pub fn decode_address(text: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut bits: u32 = 0;
        let mut count = 0;
        let mut out = Vec::new();
        for c in text.bytes().filter(|&c| c != b'=') {
            let value = ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
            bits = (bits << 6) | value;
            count += 6;
            if count >= 8 {
                count -= 8;
                out.push((bits >> count) as u8);
                bits &= (1 << count) - 1;
            }
        }
        format!(
            "0x{}",
            out.iter().map(|b| format!("{b:02x}")).collect::<String>()
        )
    }
}

#[test]
fn graphsense_account_graphs_match_their_references() {
    for graph in ["simple_graph", "complex_graph"] {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        // GraphSense derives relations from the traces (its transactions table only
        // names them), so the traces are what is ingested here.
        let report = run(
            &mut store,
            &[testdata(&format!("graphsense/{graph}/traces.csv"))],
        );
        assert_eq!(report.total.quarantined, 0, "{report:#?}");
        let chain = ChainGraph::open(&chain_dir(dir.path())).unwrap();
        let mut relations = Relations::new();
        let mut totals = Totals::new();
        chain
            .for_each_row(|row| {
                // Successful transfers between two accounts, zero values included
                // (GraphSense counts them); rewards and genesis come from the mint.
                if row.flags & unmask_trace::chain::FLAG_FAILED != 0
                    || chain.address(row.src) == unmask_trace::chain::MINT
                {
                    return;
                }
                let src = chain.address_text(row.src);
                let dst = chain.address_text(row.dst);
                let amount = row.amount();
                let relation = relations.entry((src.clone(), dst.clone())).or_default();
                relation.0 += 1;
                relation.1 += amount;
                let sender = totals.entry(src).or_default();
                sender.1 += amount;
                sender.3 += 1;
                let receiver = totals.entry(dst).or_default();
                receiver.0 += amount;
                receiver.2 += 1;
            })
            .unwrap();
        let (expected_relations, expected_totals) = reference(graph);
        assert_eq!(relations, expected_relations, "{graph}: address relations");
        assert_eq!(totals, expected_totals, "{graph}: per-address totals");
    }
}

#[test]
fn tagpacks_and_ofac_lists_label_the_same_wallet_entities_as_payroll() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("data")).unwrap();
    // A worker paid into a wallet that OFAC lists.
    let payroll = dir.path().join("payroll.csv");
    std::fs::write(
        &payroll,
        "employee_id,company_id,pay_date,amount,currency,method,account,account_country\n\
         E1,acme,2024-03-01,5000,USD,crypto,0x01e2919679362dFBC9ee1644Ba9C6da6D6245BB1,\n",
    )
    .unwrap();
    let report = run(
        &mut store,
        &[testdata("tagpacks"), testdata("ofac"), payroll],
    );
    assert_eq!(
        format_of(&report, "tornado_cash.yaml"),
        "graphsense-tagpack"
    );
    // The sanctions-list format takes OFAC's files over (same wallet labels plus
    // the list entries screening needs); either way the wallet is labelled.
    assert!(
        ["ofac-crypto-addresses", "crypto-address-list"]
            .contains(&format_of(&report, "sanctioned_addresses_ETH.txt").as_str()),
        "{report:#?}"
    );
    let labels = unmask_trace::labels::Labels::load(&store).unwrap();
    use unmask_trace::labels::Service;
    let sanctioned = labels
        .get("0x01e2919679362dfbc9ee1644ba9c6da6d6245bb1")
        .unwrap();
    assert!(sanctioned.is(Service::Sanctioned));
    let bybit = labels
        .get("0x1db92e2eebc8e0c075a02bea49a2935bcd2dfcf4")
        .unwrap();
    assert!(bybit.is(Service::Exchange), "{bybit:?}");
    assert!(bybit.actors.contains("bybit"));
    let tornado = labels
        .get("0x12d66f87a04a9e220743712ce6d9bb1b5616b8fc")
        .unwrap();
    assert!(tornado.is(Service::Mixer), "{tornado:?}");
    // Ronin exploiter: the header's abuse is inherited by the tag.
    let ronin = labels
        .get("0x098b716b8aaf21512996dc57eb0615e2383e2f96")
        .unwrap();
    assert!(
        ronin.abuse.contains("service_hack") && ronin.abuse.contains("sanction"),
        "{ronin:?}"
    );
    // One entity: the payroll payout account and the sanctions label.
    let wallet = store
        .entity("wallet:0x01e2919679362dfbc9ee1644ba9c6da6d6245bb1")
        .unwrap();
    assert_eq!(wallet.schema, "CryptoWallet");
    assert!(wallet
        .links
        .iter()
        .any(|(kind, _, _)| kind == "payout_account"));
    assert_eq!(wallet.properties["category"], ["sanction"]);
}
