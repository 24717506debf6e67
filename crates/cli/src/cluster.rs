//! `unmask cluster`: who controls which Bitcoin addresses.
//!
//! `unmask ingest` reads bitcoin-etl and getblock files into the Bitcoin graph under
//! `<data-dir>/chain/btc/`; `unmask cluster --add FILE...` does too, and also reads
//! GraphSense transaction rows (incrementally: only the new transactions are
//! clustered). `unmask cluster ADDR` shows the address's cluster,
//! its size and labels, the transactions whose common inputs formed it, the
//! CoinJoins its addresses entered (where clustering stopped) and, with `--change`,
//! what the change heuristics say (evidence only, never merged).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use rustc_hash::FxHashSet;
use serde::Serialize;
use unmask_model::normalize;
use unmask_trace::labels::Labels;
use unmask_utxo::change::{ChangeGuess, ChangeOptions};
use unmask_utxo::coinjoin::Detection;
use unmask_utxo::graph::{Options, UtxoGraph, NONE};
use unmask_utxo::tx::txid_text;

#[derive(Args)]
pub struct ClusterArgs {
    /// The Bitcoin address whose cluster to show.
    address: Option<String>,
    /// Read bitcoin-etl JSON lines, getblock JSON or GraphSense rows into the Bitcoin
    /// graph first (appends; already-read transactions are skipped).
    #[arg(long = "add", value_name = "FILE", num_args = 1..)]
    add: Vec<PathBuf>,
    /// When creating the graph: cluster CoinJoin inputs too (default: skip them).
    #[arg(long)]
    all_inputs: bool,
    /// Change heuristics to report: reuse, one-time, script-type, round, optimal, all.
    #[arg(long, value_name = "LIST")]
    change: Option<String>,
    /// How many members to list (0 for all).
    #[arg(long, default_value_t = 50)]
    members: usize,
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Member {
    address: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    labels: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    categories: Vec<String>,
}

#[derive(Serialize)]
struct Formation {
    txid: String,
    block: u64,
    joined: [String; 2],
}

#[derive(Serialize)]
struct CoinJoinSeen {
    txid: String,
    block: u64,
    /// Whether the export flagged it (GraphSense) rather than a fingerprint.
    flagged_by_input: bool,
    detections: Vec<Detection>,
}

#[derive(Serialize)]
struct ChangeSeen {
    txid: String,
    address: String,
    in_cluster: bool,
    #[serde(flatten)]
    guess: ChangeGuess,
}

#[derive(Serialize)]
struct ClusterView {
    address: String,
    chain: &'static str,
    size: u32,
    representative: String,
    labels: Vec<String>,
    categories: Vec<String>,
    members: Vec<Member>,
    members_listed: usize,
    formed_by: Vec<Formation>,
    coinjoins_entered: Vec<CoinJoinSeen>,
    #[serde(skip_serializing_if = "Option::is_none")]
    change_evidence: Option<Vec<ChangeSeen>>,
}

pub fn cluster(data_dir: &Path, args: ClusterArgs) -> anyhow::Result<ExitCode> {
    let dir = unmask_utxo::btc_dir(data_dir);
    let options = Options {
        skip_coinjoins: !args.all_inputs,
        ..Options::default()
    };
    // Writers take the graph's lock before loading it, so no other writer's
    // snapshot is overwritten.
    let _lock = if args.add.is_empty() {
        None
    } else {
        Some(unmask_utxo::load::GraphLock::acquire(&dir)?)
    };
    let mut graph = UtxoGraph::load(&dir, options)
        .with_context(|| format!("opening the Bitcoin graph in {}", dir.display()))?;
    let mut code = ExitCode::SUCCESS;
    if !args.add.is_empty() {
        for path in &args.add {
            let report = unmask_utxo::load::add_file(&mut graph, path)
                .with_context(|| format!("reading {}", path.display()))?;
            eprintln!(
                "{}: {:?}, {} transactions, {} already known, {} quarantined",
                report.path,
                report.kind,
                report.transactions,
                report.duplicates,
                report.quarantined
            );
            for (line, reason) in &report.problems {
                eprintln!("  line {line}: {reason}");
            }
            if report.quarantined > 0 {
                code = ExitCode::from(1);
            }
        }
        let settled = graph.settle();
        graph
            .save(&dir)
            .with_context(|| format!("saving the Bitcoin graph in {}", dir.display()))?;
        eprintln!(
            "graph: {} transactions, {} addresses; this run clustered {} transactions ({} CoinJoins skipped), {} merges; {} inputs wait for older blocks",
            graph.tx_count(),
            graph.addresses.len(),
            settled.clustered,
            settled.coinjoins,
            settled.merges,
            settled.unresolved_inputs
        );
    }
    let Some(address) = args.address else {
        if args.add.is_empty() {
            anyhow::bail!("give an address to show, or --add FILE... to read Bitcoin data");
        }
        return Ok(code);
    };
    let change = match &args.change {
        Some(list) => Some(ChangeOptions::parse(list).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let wanted = address.trim();
    let Some(id) = graph
        .addresses
        .get(wanted)
        .or_else(|| graph.addresses.get(&wanted.to_ascii_lowercase()))
    else {
        eprintln!(
            "{wanted}: not in the Bitcoin graph ({} addresses)",
            graph.addresses.len()
        );
        return Ok(ExitCode::from(1));
    };
    let labels = if data_dir.join("unmask.sqlite").exists() || data_dir.exists() {
        crate::open(data_dir)
            .ok()
            .and_then(|store| Labels::load(&store).ok())
            .unwrap_or_default()
    } else {
        Labels::default()
    };
    let view = build_view(&mut graph, id, &labels, change.as_ref(), args.members);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&view)?);
    } else {
        print_view(&view);
    }
    Ok(code)
}

fn build_view(
    graph: &mut UtxoGraph,
    id: u32,
    labels: &Labels,
    change: Option<&ChangeOptions>,
    limit: usize,
) -> ClusterView {
    let member_ids = graph.clusters().members(id);
    let size = graph.clusters().size(id);
    let set: FxHashSet<u32> = member_ids.iter().copied().collect();
    let text = |graph: &UtxoGraph, a: u32| graph.addresses.text(a).to_string();
    let (mut all_labels, mut all_categories) = (BTreeSet::new(), BTreeSet::new());
    let mut members = Vec::new();
    for &member in &member_ids {
        let address = text(graph, member);
        let label = normalize::wallet(&address).and_then(|n| labels.get(&n));
        if let Some(label) = label {
            all_labels.extend(label.labels.iter().cloned());
            all_categories.extend(label.categories.iter().cloned());
        }
        if limit == 0 || members.len() < limit {
            members.push(Member {
                address,
                labels: label
                    .map(|l| l.labels.iter().cloned().collect())
                    .unwrap_or_default(),
                categories: label
                    .map(|l| l.categories.iter().cloned().collect())
                    .unwrap_or_default(),
            });
        }
    }
    let formed_by = graph
        .clusters()
        .formed_by(id)
        .into_iter()
        .map(|merge| Formation {
            txid: txid_text(graph.txid(merge.tx)),
            block: graph.tx(merge.tx).block,
            joined: [text(graph, merge.a), text(graph, merge.b)],
        })
        .collect();
    // Transactions this cluster spends in: where CoinJoins stopped clustering and
    // where change would be.
    let spends: Vec<u32> = (0..graph.tx_count() as u32)
        .filter(|&tx| {
            graph
                .tx_inputs(tx)
                .iter()
                .any(|i| i.known && set.contains(&i.address))
        })
        .collect();
    let coinjoins_entered = spends
        .iter()
        .filter(|&&tx| graph.is_coinjoin(tx))
        .map(|&tx| CoinJoinSeen {
            txid: txid_text(graph.txid(tx)),
            block: graph.tx(tx).block,
            flagged_by_input: graph.tx(tx).flags & unmask_utxo::graph::flags::HINTED != 0,
            detections: graph.detections(tx).to_vec(),
        })
        .collect();
    let change_evidence = change.map(|options| {
        let mut found = Vec::new();
        for &tx in &spends {
            if graph.is_coinjoin(tx) {
                continue;
            }
            for guess in graph.change_guesses(tx, options) {
                let output = graph.tx_outputs(tx)[guess.output as usize];
                if output.address == NONE {
                    continue;
                }
                found.push(ChangeSeen {
                    txid: txid_text(graph.txid(tx)),
                    address: text(graph, output.address),
                    in_cluster: set.contains(&output.address),
                    guess,
                });
            }
        }
        found
    });
    let root = graph.clusters().root(id);
    ClusterView {
        address: text(graph, id),
        chain: "bitcoin",
        size,
        representative: text(graph, root),
        labels: all_labels.into_iter().collect(),
        categories: all_categories.into_iter().collect(),
        members_listed: members.len(),
        members,
        formed_by,
        coinjoins_entered,
        change_evidence,
    }
}

fn print_view(view: &ClusterView) {
    println!(
        "{}: cluster of {} address{} (representative {})",
        view.address,
        view.size,
        if view.size == 1 { "" } else { "es" },
        view.representative
    );
    if !view.labels.is_empty() || !view.categories.is_empty() {
        println!(
            "labels: {}  categories: {}",
            view.labels.join(", "),
            view.categories.join(", ")
        );
    }
    println!("members ({} listed):", view.members_listed);
    for member in &view.members {
        let tags: Vec<&str> = member
            .categories
            .iter()
            .chain(&member.labels)
            .map(String::as_str)
            .collect();
        if tags.is_empty() {
            println!("  {}", member.address);
        } else {
            println!("  {}  [{}]", member.address, tags.join(", "));
        }
    }
    if view.formed_by.is_empty() {
        println!("formed by: no common-input transaction (a cluster of one)");
    } else {
        println!("formed by {} common-input joins:", view.formed_by.len());
        for step in &view.formed_by {
            println!(
                "  {} (block {}): {} + {}",
                step.txid, step.block, step.joined[0], step.joined[1]
            );
        }
    }
    if !view.coinjoins_entered.is_empty() {
        println!("CoinJoins spending from it (inputs not merged):");
        for coinjoin in &view.coinjoins_entered {
            let kinds: Vec<String> = coinjoin
                .detections
                .iter()
                .map(|d| format!("{} ({}%)", d.kind.name(), d.confidence))
                .collect();
            let why = if coinjoin.flagged_by_input {
                "flagged by the input".to_string()
            } else {
                kinds.join(", ")
            };
            println!("  {} (block {}): {why}", coinjoin.txid, coinjoin.block);
        }
    }
    if let Some(evidence) = &view.change_evidence {
        println!("change evidence (not merged into the cluster):");
        if evidence.is_empty() {
            println!("  none");
        }
        for seen in evidence {
            println!(
                "  {} output {} -> {}{}: {:?} {}% ({})",
                seen.txid,
                seen.guess.output,
                seen.address,
                if seen.in_cluster {
                    " (already in the cluster)"
                } else {
                    ""
                },
                seen.guess.heuristic,
                seen.guess.confidence,
                seen.guess.reason
            );
        }
    }
}
