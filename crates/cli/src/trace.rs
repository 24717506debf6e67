//! `unmask trace`: follow tainted funds through the chain store (Ethereum seeds)
//! or the Bitcoin graph (Bitcoin seeds), same options and result; and `unmask bench`:
//! the chain store's benchmark (ingest rate, bytes per edge, trace latency by hops
//! and by graph size) on synthetic data.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use unmask_trace::amount::{format_units, parse_units};
use unmask_trace::chain::{chain_dir, ChainGraph};
use unmask_trace::labels::{AddressLabel, Labels, Service};
use unmask_trace::taint::{self, Direction, Model, TraceOptions, TraceResult};
use unmask_utxo::seeds::SeedChain;

#[derive(Args)]
pub struct TraceArgs {
    /// Where to start: Ethereum addresses (0x...), or Bitcoin addresses (base58,
    /// bech32) and outputs (txid:vout). One chain per trace.
    #[arg(required = true)]
    seeds: Vec<String>,
    /// Only this asset: ETH or a token contract address (Bitcoin: BTC).
    #[arg(long)]
    asset: Option<String>,
    /// poison, haircut or fifo.
    #[arg(long, default_value = "haircut")]
    model: String,
    #[arg(long, default_value_t = 20)]
    max_hops: u32,
    /// Follow transfers from this time on (unix seconds or YYYY-MM-DD).
    #[arg(long)]
    from: Option<String>,
    /// Follow transfers up to this time (unix seconds or YYYY-MM-DD).
    #[arg(long)]
    to: Option<String>,
    /// Do not follow transfers carrying less taint (whole ETH for ETH, smallest
    /// units for tokens, BTC for Bitcoin).
    #[arg(long)]
    min_amount: Option<String>,
    /// Taint smaller than this fraction of what left the seeds is dust: not followed
    /// to addresses the trace has not reached (exits and fees still count it).
    /// `0` follows everything.
    #[arg(long, default_value_t = 1e-6, value_parser = parse_fraction)]
    dust_floor: f64,
    /// Labelled services where taint exits (comma-separated: exchange, bridge,
    /// mixer, dex, otc, sanctioned; `none` to stop nowhere).
    #[arg(long, default_value = "exchange,bridge,mixer")]
    stop_at: String,
    /// Where did the seeds' funds come from, instead of where did they go.
    #[arg(long)]
    backward: bool,
    /// The whole result as JSON (tainted addresses, exits, flow graph).
    #[arg(long)]
    json: bool,
}

/// A fraction from 0 to 1, e.g. `1e-6` or `0.000001`.
fn parse_fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=1.0).contains(&value) => Ok(value),
        _ => Err(format!(
            "{text:?} is not a fraction from 0 to 1 (e.g. 1e-6)"
        )),
    }
}

/// The dust floor in billionths, as the tracers take it.
fn dust_floor_ppb(fraction: f64) -> u64 {
    (fraction * 1e9).round() as u64
}

fn parse_time(text: &str) -> anyhow::Result<u64> {
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(seconds);
    }
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .with_context(|| format!("{text:?} is neither unix seconds nor YYYY-MM-DD"))?;
    Ok(date
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp().max(0) as u64)
        .unwrap_or(0))
}

pub fn trace(data_dir: &Path, args: TraceArgs) -> anyhow::Result<ExitCode> {
    match unmask_utxo::seeds::trace_chain(&args.seeds) {
        Err(mixed) => anyhow::bail!(
            "the seeds mix Ethereum and Bitcoin ({}): a trace follows one chain; trace each on its own (Ethereum into Bitcoin across a bridge: `unmask btc-trace --from-eth-trace`)",
            mixed.bitcoin.join(", ")
        ),
        Ok(SeedChain::Ethereum) => {}
        Ok(_) => return bitcoin_trace(data_dir, &args),
    }
    let store = crate::open(data_dir)?;
    let labels = Labels::load(&store)?;
    let graph = ChainGraph::open(&chain_dir(data_dir)).context("opening the chain store")?;
    let model = Model::parse(&args.model)
        .with_context(|| format!("--model {:?}: expected poison, haircut or fifo", args.model))?;
    let asset = match &args.asset {
        Some(name) => Some(
            graph
                .asset_id(name)
                .with_context(|| format!("asset {name:?} never appears in the chain store"))?,
        ),
        None => None,
    };
    let stop_at = parse_stop_at(&args.stop_at)?;
    let min_amount = match &args.min_amount {
        None => 0,
        Some(text) => {
            let decimals = if asset.is_none_or(|a| a == 0) { 18 } else { 0 };
            parse_units(text, decimals)
                .with_context(|| format!("--min-amount {text:?} is not an amount"))?
        }
    };
    let from_block = match &args.from {
        Some(text) => Some(graph.first_block_at(parse_time(text)?).unwrap_or(u32::MAX)),
        None => None,
    };
    let to_block = match &args.to {
        Some(text) => Some(graph.last_block_at(parse_time(text)?).unwrap_or(0)),
        None => None,
    };
    let options = TraceOptions {
        model,
        direction: if args.backward {
            Direction::Backward
        } else {
            Direction::Forward
        },
        asset,
        max_hops: args.max_hops,
        min_amount,
        from_block,
        to_block,
        stop_at,
        dust_floor_ppb: dust_floor_ppb(args.dust_floor),
        ..TraceOptions::default()
    };
    let started = Instant::now();
    let result = taint::trace(&graph, &labels, &args.seeds, &options)?;
    let elapsed = started.elapsed();
    print_result(&result, elapsed, args.json)?;
    Ok(
        if result.addresses.len() > result.seeds.len() || !result.exits.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        },
    )
}

/// `unmask trace` on Bitcoin seeds: the same options and result, on the Bitcoin
/// graph (`unmask_utxo::taint`), amounts in satoshi.
fn bitcoin_trace(data_dir: &Path, args: &TraceArgs) -> anyhow::Result<ExitCode> {
    use unmask_utxo::taint::{block_window, BtcTraceOptions};
    if let Some(asset) = &args.asset {
        anyhow::ensure!(
            asset.eq_ignore_ascii_case("BTC"),
            "--asset {asset:?}: a Bitcoin trace follows BTC only"
        );
    }
    let model = Model::parse(&args.model)
        .with_context(|| format!("--model {:?}: expected poison, haircut or fifo", args.model))?;
    let stop_at = parse_stop_at(&args.stop_at)?;
    let min_amount = match &args.min_amount {
        None => 0,
        Some(text) => {
            let sat = parse_units(text, 8)
                .with_context(|| format!("--min-amount {text:?} is not an amount of BTC"))?;
            u64::try_from(sat).context("--min-amount is more bitcoin than exists")?
        }
    };
    let dir = unmask_utxo::btc_dir(data_dir);
    let graph = unmask_utxo::graph::UtxoGraph::load(&dir, Default::default())
        .with_context(|| format!("opening the Bitcoin graph in {}", dir.display()))?;
    anyhow::ensure!(
        graph.tx_count() > 0,
        "the Bitcoin graph in {} is empty: `unmask ingest` bitcoin-etl or getblock files first",
        dir.display()
    );
    let labels = if data_dir.join("unmask.sqlite").exists() {
        Labels::load(&crate::open(data_dir)?)?
    } else {
        Labels::default()
    };
    let from = args.from.as_deref().map(parse_time).transpose()?;
    let to = args.to.as_deref().map(parse_time).transpose()?;
    let (from_block, to_block) = block_window(&graph, from, to);
    let options = BtcTraceOptions {
        model,
        direction: if args.backward {
            Direction::Backward
        } else {
            Direction::Forward
        },
        max_hops: args.max_hops,
        min_amount,
        from_block,
        to_block,
        stop_at,
        dust_floor_ppb: dust_floor_ppb(args.dust_floor),
        ..BtcTraceOptions::default()
    };
    let started = Instant::now();
    let result = unmask_utxo::taint::trace(&graph, &args.seeds, &labels, &options)?;
    let elapsed = started.elapsed();
    print_result(&result, elapsed, args.json)?;
    Ok(
        if result.addresses.len() > result.seeds.len() || !result.exits.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        },
    )
}

fn parse_stop_at(text: &str) -> anyhow::Result<std::collections::BTreeSet<Service>> {
    let mut stop_at = std::collections::BTreeSet::new();
    for word in text
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty() && *w != "none")
    {
        stop_at.insert(
            Service::parse(word).with_context(|| format!("--stop-at: unknown service {word:?}"))?,
        );
    }
    Ok(stop_at)
}

/// Prints a trace result: JSON (with the flow graph and the time taken) or text.
pub fn print_result(
    result: &TraceResult,
    elapsed: std::time::Duration,
    json: bool,
) -> anyhow::Result<()> {
    if json {
        let mut value = serde_json::to_value(result)?;
        value["graph"] = flow_graph(result);
        value["elapsed_ms"] = serde_json::json!(elapsed.as_secs_f64() * 1000.0);
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print!("{}", render(result, elapsed));
    }
    Ok(())
}

/// Nodes and edges for the web UI: every tainted address and exit, and the
/// tainted flows between them.
pub fn flow_graph(result: &TraceResult) -> serde_json::Value {
    let mut nodes = Vec::new();
    for address in &result.addresses {
        nodes.push(serde_json::json!({
            "id": address.address,
            "entity": address.entity,
            "kind": if address.is_seed { "seed" } else { "address" },
            "label": address.label,
            "hop": address.hop,
            "tainted_received": address.tainted_received,
        }));
    }
    for exit in &result.exits {
        nodes.push(serde_json::json!({
            "id": exit.address,
            "entity": exit.entity,
            "kind": exit.kind,
            "label": exit.label,
            "hop": exit.hop,
            "tainted_received": exit.amounts,
        }));
    }
    let edges: Vec<serde_json::Value> = result
        .flows
        .iter()
        .map(|flow| {
            serde_json::json!({
                "source": flow.from,
                "target": flow.to,
                "asset": flow.asset,
                "amount": flow.amount,
                "transfers": flow.transfers,
                "transactions": flow.transactions,
            })
        })
        .collect();
    serde_json::json!({ "nodes": nodes, "edges": edges })
}

fn eth(asset: &str, amount: &str) -> String {
    let value: u128 = amount.parse().unwrap_or(0);
    if asset == "ETH" {
        format!("{} ETH", format_units(value, 18))
    } else if asset == "BTC" {
        format!("{} BTC", format_units(value, 8))
    } else {
        format!("{value} of {asset}")
    }
}

fn render(result: &TraceResult, elapsed: std::time::Duration) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:?} {:?} trace from {}: {} tainted addresses, {} exits, {} flows ({} events, {:.1} ms)",
        result.model,
        result.direction,
        result.seeds.join(", "),
        result.addresses.len(),
        result.exits.len(),
        result.flows.len(),
        result.edges_examined,
        elapsed.as_secs_f64() * 1000.0
    );
    if !result.exits.is_empty() {
        let _ = writeln!(out, "\nexits:");
        for exit in &result.exits {
            let amounts: Vec<String> = exit.amounts.iter().map(|(a, v)| eth(a, v)).collect();
            let _ = writeln!(
                out,
                "  {:<16} {}  hop {:<2} {}  {}  ({} txs, first {})",
                exit.kind,
                exit.address,
                exit.hop,
                amounts.join(" + "),
                exit.label.as_deref().unwrap_or(""),
                exit.transactions.len(),
                exit.transactions.first().map(String::as_str).unwrap_or("-")
            );
        }
    }
    let _ = writeln!(out, "\ntainted addresses (first 30 by hop):");
    for address in result.addresses.iter().take(30) {
        let amounts: Vec<String> = address
            .tainted_received
            .iter()
            .map(|(a, v)| eth(a, v))
            .collect();
        let _ = writeln!(
            out,
            "  hop {:<2} {}  {}{}{}",
            address.hop,
            address.address,
            if address.is_seed {
                "seed".to_string()
            } else {
                amounts.join(" + ")
            },
            address
                .label
                .as_ref()
                .map(|l| format!("  [{l}]"))
                .unwrap_or_default(),
            if address.at_hop_limit {
                "  (hop limit)"
            } else {
                ""
            }
        );
    }
    for (asset, books) in &result.reconciliation {
        let _ = writeln!(
            out,
            "\nreconciliation {asset}: left seeds {} = returned {} + held {} + exits {} + fees {} + untraced {} (of which dust {}, floor {})  (difference {})",
            eth(asset, &books.left_seeds),
            eth(asset, &books.returned_to_seeds),
            eth(asset, &books.held),
            eth(asset, &books.exits),
            eth(asset, &books.fees),
            eth(asset, &books.untraced),
            eth(asset, &books.dust),
            eth(asset, &books.dust_floor),
            books.difference
        );
    }
    out
}

#[derive(Args)]
pub struct BenchArgs {
    /// Graph sizes in money edges (comma-separated; 1M, 10M, 50M accepted).
    #[arg(long, default_value = "1M")]
    edges: String,
    /// Rows of synthetic ethereum-etl CSV ingested through the real pipeline.
    #[arg(long, default_value = "1M")]
    csv_rows: String,
    /// Hop limits to time the haircut trace at.
    #[arg(long, default_value = "1,2,4,6,8")]
    hops: String,
    /// Minimum tainted amount followed, in ETH (0: follow every wei).
    #[arg(long, default_value = "0")]
    min_amount: String,
    /// Traces per measurement (p50/p95 over them).
    #[arg(long, default_value_t = 20)]
    repeat: usize,
    /// Scratch folder (default: a temporary folder, removed afterwards).
    #[arg(long)]
    dir: Option<PathBuf>,
}

fn count(text: &str) -> anyhow::Result<u64> {
    let text = text.trim().to_uppercase();
    let (digits, scale) = match text.strip_suffix('M') {
        Some(d) => (d, 1_000_000),
        None => match text.strip_suffix('K') {
            Some(d) => (d, 1_000),
            None => (text.as_str(), 1),
        },
    };
    Ok(digits
        .parse::<u64>()
        .with_context(|| format!("{text:?} is not a count"))?
        * scale)
}

/// CPU seconds this process has used (user + system), from /proc on Linux; the
/// benchmark reports rates per CPU second too, since wall time on a shared box
/// includes other processes' turns.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let Some(after) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
        return 0.0;
    };
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index]
}

pub fn bench(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let scratch = tempfile_dir(args.dir.as_deref())?;
    let root = scratch.path().to_path_buf();
    let hops: Vec<u32> = args
        .hops
        .split(',')
        .map(|h| h.trim().parse())
        .collect::<Result<_, _>>()
        .context("--hops")?;
    println!(
        "machine: {} cores; single-threaded measurements",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let csv_rows = count(&args.csv_rows)?;
    let min_amount = parse_units(&args.min_amount, 18).context("--min-amount")?;
    if csv_rows > 0 {
        for (name, transactions) in [("token_transfers.csv", false), ("transactions.csv", true)] {
            let data = root.join(format!("ingest-{name}"));
            std::fs::create_dir_all(&data)?;
            let file = root.join(name);
            unmask_trace::bench::write_csv(&file, csv_rows, transactions, 7)?;
            let size = std::fs::metadata(&file)?.len();
            let mut store = crate::open(&data)?;
            let options = unmask_ingest::IngestOptions {
                format: None,
                org: None,
                progress: false,
                command: "bench".to_string(),
            };
            let started = Instant::now();
            let cpu = cpu_seconds();
            let report = unmask_ingest::ingest(&mut store, std::slice::from_ref(&file), &options)?;
            let seconds = started.elapsed().as_secs_f64();
            let cpu = cpu_seconds() - cpu;
            println!(
                "ingest {name}: {} rows ({:.0} MB) in {:.2} s wall = {:.0} rows/s ({:.0} MB/s); {:.2} CPU s = {:.0} rows per CPU second; stored {}, reconciled {}",
                report.total.read,
                size as f64 / 1e6,
                seconds,
                report.total.read as f64 / seconds,
                size as f64 / 1e6 / seconds,
                cpu,
                report.total.read as f64 / cpu.max(1e-9),
                report.total.stored,
                report.total.reconciles()
            );
            drop(store);
            let _ = std::fs::remove_dir_all(&data);
            let _ = std::fs::remove_file(&file);
        }
    }
    for size in args.edges.split(',') {
        let edges = count(size)?;
        let dir = root.join(format!("graph-{edges}"));
        let started = Instant::now();
        let synthetic = unmask_trace::bench::build(&dir, edges, 5_000_000, 42)?;
        let build = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let graph = ChainGraph::open(&dir)?;
        let open = started.elapsed().as_secs_f64();
        let mut labels = Labels::default();
        for hub in &synthetic.exchange_hubs {
            labels.insert(AddressLabel {
                address: hub.clone(),
                labels: [format!("exchange hub {hub}")].into(),
                categories: ["exchange".to_string()].into(),
                ..AddressLabel::default()
            });
        }
        println!(
            "graph {}: {} edges, {} addresses, {} runs; built in {:.1} s ({:.0} edges/s), opened in {:.3} s; index {:.1} bytes/edge (both directions, offsets and address dictionary included)",
            size,
            graph.edge_count(),
            graph.address_count(),
            graph.manifest().runs.len(),
            build,
            synthetic.edges as f64 / build,
            open,
            graph.index_bytes() as f64 / graph.edge_count().max(1) as f64
        );
        for &max_hops in &hops {
            let mut times = Vec::new();
            let mut reached = 0;
            let mut exits = 0;
            for round in 0..args.repeat {
                // The heist seed, and tranche addresses as other seeds.
                let seed = if round == 0 {
                    synthetic.heist_seed.clone()
                } else {
                    synthetic.tranches[round % synthetic.tranches.len()].clone()
                };
                let options = TraceOptions {
                    model: Model::Haircut,
                    max_hops,
                    min_amount,
                    ..TraceOptions::default()
                };
                let started = Instant::now();
                let result = taint::trace(&graph, &labels, &[seed], &options)?;
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                if round == 0 {
                    reached = result.addresses.len();
                    exits = result.exits.len();
                }
            }
            times.sort_by(f64::total_cmp);
            println!(
                "  haircut trace, {max_hops} hops, min amount {} ETH: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms over {} traces (from the heist seed: {} tainted addresses, {} exits)",
                args.min_amount,
                percentile(&times, 0.5),
                percentile(&times, 0.95),
                times.last().copied().unwrap_or(0.0),
                times.len(),
                reached,
                exits
            );
        }
        drop(graph);
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(ExitCode::SUCCESS)
}

/// A scratch folder: the given one (kept), or a temporary one (removed).
fn tempfile_dir(dir: Option<&Path>) -> anyhow::Result<Scratch> {
    match dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            Ok(Scratch::Kept(dir.to_path_buf()))
        }
        None => {
            let dir = std::env::temp_dir().join(format!("unmask-bench-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            Ok(Scratch::Removed(dir))
        }
    }
}

enum Scratch {
    Kept(PathBuf),
    Removed(PathBuf),
}

impl Scratch {
    fn path(&self) -> &Path {
        match self {
            Scratch::Kept(path) | Scratch::Removed(path) => path,
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Scratch::Removed(path) = self {
            let _ = std::fs::remove_dir_all(path);
        }
    }
}
