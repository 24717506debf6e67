//! `unmask btc-trace --from-eth-trace`: continue an Ethereum trace across a bridge
//! or THORChain hop: the bridge exits of an Ethereum trace are matched to their
//! Bitcoin payouts (memo destination, else amount and time) and the trace goes on
//! from there in the Bitcoin graph, each hop reported with its rule and
//! confidence. Given seeds instead, it traces forward like `unmask trace` on
//! Bitcoin seeds (kept for scripts written before `unmask trace` took them; that
//! command has every option, `--backward` and times included).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde::Serialize;
use unmask_trace::labels::{Labels, Service};
use unmask_trace::taint::{Model, TraceResult};
use unmask_utxo::graph::{Options, UtxoGraph};
use unmask_utxo::hop::{match_deposit, memo_from_calldata, BridgeDeposit, HopMatch, HopRules};
use unmask_utxo::taint::{trace, trace_outputs, BtcTraceOptions};

#[derive(Args)]
pub struct BtcTraceArgs {
    /// Seed addresses or outputs (`txid:vout`).
    seeds: Vec<String>,
    /// poison, haircut or fifo.
    #[arg(long, default_value = "haircut")]
    model: String,
    #[arg(long, default_value_t = 20)]
    max_hops: u32,
    /// Outputs with less taint (satoshi) are not followed.
    #[arg(long, default_value_t = 0)]
    min_amount: u64,
    #[arg(long)]
    from_block: Option<u64>,
    #[arg(long)]
    to_block: Option<u64>,
    /// Services where taint exits (exchange, bridge, mixer, dex, otc, sanctioned).
    #[arg(long, default_value = "exchange,bridge,mixer")]
    stop_at: String,
    /// An Ethereum trace (`unmask trace --json` output): continue from its bridge exits.
    #[arg(long, value_name = "FILE")]
    from_eth_trace: Option<PathBuf>,
    /// The ethereum-etl transactions.csv holding the bridge deposits (for memos, times, values).
    #[arg(long, value_name = "FILE")]
    eth_transactions: Option<PathBuf>,
    /// Satoshi per ETH, to match deposits without a memo by amount.
    #[arg(long)]
    sat_per_eth: Option<f64>,
    /// How long after a deposit its payout may come.
    #[arg(long, default_value_t = 24)]
    window_hours: u64,
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct CrossChain {
    hops: Vec<HopMatch>,
    /// Bridge deposits no payout was found for.
    unmatched: Vec<BridgeDeposit>,
    bitcoin: Option<TraceResult>,
}

/// Bridge deposits among an Ethereum trace's exits, with their calldata memos.
fn deposits(trace_json: &Path, transactions: &Path) -> anyhow::Result<Vec<BridgeDeposit>> {
    let text = std::fs::read_to_string(trace_json)
        .with_context(|| format!("reading {}", trace_json.display()))?;
    let result: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a trace JSON", trace_json.display()))?;
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    for exit in result["exits"].as_array().into_iter().flatten() {
        if exit["kind"] == "bridge" {
            for tx in exit["transactions"].as_array().into_iter().flatten() {
                if let Some(tx) = tx.as_str() {
                    wanted.insert(tx.to_lowercase());
                }
            }
        }
    }
    let file = std::fs::File::open(transactions)
        .with_context(|| format!("reading {}", transactions.display()))?;
    let mut found = Vec::new();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(file));
    let header = lines.next().transpose()?.unwrap_or_default();
    let columns: Vec<&str> = header.split(',').collect();
    let column = |name: &str| {
        columns
            .iter()
            .position(|c| c.trim() == name)
            .with_context(|| format!("{} has no `{name}` column", transactions.display()))
    };
    let (hash, input, time, value) = (
        column("hash")?,
        column("input")?,
        column("block_timestamp")?,
        column("value")?,
    );
    for line in lines {
        let line = line?;
        let fields: Vec<&str> = line.split(',').collect();
        let Some(tx) = fields.get(hash).map(|h| h.to_lowercase()) else {
            continue;
        };
        if !wanted.contains(&tx) {
            continue;
        }
        found.push(BridgeDeposit {
            chain: "ethereum".to_string(),
            tx,
            time: fields.get(time).and_then(|t| t.parse().ok()).unwrap_or(0),
            amount: fields.get(value).and_then(|v| v.parse().ok()).unwrap_or(0),
            asset: "ETH".to_string(),
            memo: fields.get(input).and_then(|i| memo_from_calldata(i)),
        });
    }
    Ok(found)
}

pub fn btc_trace(data_dir: &Path, args: BtcTraceArgs) -> anyhow::Result<ExitCode> {
    let model =
        Model::parse(&args.model).with_context(|| format!("unknown model {:?}", args.model))?;
    let mut stop_at = BTreeSet::new();
    for word in args.stop_at.split(',').filter(|w| !w.trim().is_empty()) {
        stop_at.insert(Service::parse(word).with_context(|| format!("unknown service {word:?}"))?);
    }
    let options = BtcTraceOptions {
        model,
        max_hops: args.max_hops,
        min_amount: args.min_amount,
        from_block: args.from_block,
        to_block: args.to_block,
        stop_at,
        ..BtcTraceOptions::default()
    };
    let dir = unmask_utxo::btc_dir(data_dir);
    let graph = UtxoGraph::load(&dir, Options::default()).with_context(|| {
        format!(
            "opening the Bitcoin graph in {} (fill it with `unmask ingest`)",
            dir.display()
        )
    })?;
    let labels = crate::open(data_dir)
        .ok()
        .and_then(|store| Labels::load(&store).ok())
        .unwrap_or_default();

    if let Some(eth_trace) = &args.from_eth_trace {
        let transactions = args.eth_transactions.as_ref().context(
            "--from-eth-trace needs --eth-transactions (the ethereum-etl transactions.csv)",
        )?;
        let rules = HopRules {
            window_s: args.window_hours * 3600,
            sat_per_source_coin: args.sat_per_eth,
            ..HopRules::default()
        };
        let mut hops = Vec::new();
        let mut unmatched = Vec::new();
        for deposit in deposits(eth_trace, transactions)? {
            match match_deposit(&graph, &deposit, &rules).into_iter().next() {
                Some(found) => hops.push(found),
                None => unmatched.push(deposit),
            }
        }
        let positions: Vec<u64> = hops
            .iter()
            .flat_map(|h| h.positions.iter().copied())
            .collect();
        let names: Vec<String> = hops
            .iter()
            .flat_map(|h| h.outputs.iter().map(|o| o.0.clone()))
            .collect();
        let bitcoin = if positions.is_empty() {
            None
        } else {
            Some(trace_outputs(
                &graph, &positions, &names, &labels, &options,
            )?)
        };
        let found = !hops.is_empty();
        let view = CrossChain {
            hops,
            unmatched,
            bitcoin,
        };
        if args.json {
            println!("{}", serde_json::to_string_pretty(&view)?);
        } else {
            for hop in &view.hops {
                println!(
                    "hop {} {} -> bitcoin {} ({}, confidence {:.2}): {}",
                    hop.deposit.chain,
                    hop.deposit.tx,
                    hop.btc_txid,
                    hop.rule,
                    hop.confidence,
                    hop.evidence
                );
            }
            for deposit in &view.unmatched {
                println!("no payout found for {} {}", deposit.chain, deposit.tx);
            }
            if let Some(result) = &view.bitcoin {
                print_result(result);
            }
        }
        return Ok(if found {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }

    anyhow::ensure!(
        !args.seeds.is_empty(),
        "give seed addresses or txid:vout outputs, or --from-eth-trace"
    );
    let result = trace(&graph, &args.seeds, &labels, &options)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&result)?);
    } else {
        print_result(&result);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_result(result: &TraceResult) {
    println!(
        "{} tainted addresses, {} exits ({:?})",
        result.addresses.len(),
        result.exits.len(),
        result.model
    );
    for exit in &result.exits {
        println!(
            "  exit {} {} {} sat (hop {}, {})",
            exit.kind,
            exit.address,
            exit.amounts.get("BTC").map_or("0", String::as_str),
            exit.hop,
            exit.label.as_deref().unwrap_or("")
        );
    }
    for address in result.addresses.iter().take(30) {
        println!(
            "  {} hop {}: received {} sat, holds {}",
            address.address,
            address.hop,
            address
                .tainted_received
                .get("BTC")
                .map_or("0", String::as_str),
            address.tainted_held.get("BTC").map_or("0", String::as_str)
        );
    }
    if let Some(books) = result.reconciliation.get("BTC") {
        println!(
            "books: left seeds {} = returned {} + held {} + exits {} + fees {} + untraced {} (difference {})",
            books.left_seeds, books.returned_to_seeds, books.held, books.exits, books.fees, books.untraced, books.difference
        );
    }
}
