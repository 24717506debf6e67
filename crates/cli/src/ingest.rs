//! `unmask ingest` and `unmask quarantine`: run the pipeline and print the
//! reconciliation, and list what was quarantined.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use unmask_ingest::{FileOutcome, IngestOptions, IngestReport};

#[derive(Args)]
pub struct IngestArgs {
    /// Files and folders (folders are read recursively).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Read every file as this format instead of detecting it (see `unmask formats`).
    #[arg(long)]
    format: Option<String>,
    /// Organisation id for files without a company_id column.
    #[arg(long)]
    org: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct QuarantineArgs {
    #[arg(long, default_value_t = 100)]
    limit: usize,
    #[arg(long)]
    json: bool,
}

pub fn ingest(data_dir: &Path, args: IngestArgs) -> anyhow::Result<ExitCode> {
    if let Some(name) = &args.format {
        if unmask_ingest::by_name(name).is_none() {
            anyhow::bail!("unknown format {name:?}; `unmask formats` lists them");
        }
    }
    let mut store = crate::open(data_dir)?;
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let options = IngestOptions {
        format: args.format.as_deref(),
        org: args.org.as_deref(),
        progress: !args.json,
        command,
    };
    let report = unmask_ingest::ingest(&mut store, &args.paths, &options)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render(&report));
    }
    for file in &report.files {
        if let FileOutcome::Failed { message } = &file.outcome {
            eprintln!("error: {message}");
        }
    }
    let graph_failed = report
        .bitcoin_graph
        .as_ref()
        .is_some_and(|g| g.error.is_some() || g.files.iter().any(|f| f.error.is_some()));
    Ok(if report.failed() > 0 || graph_failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The reconciliation table: one line per file, then the totals.
pub fn render(report: &IngestReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let width = report
        .files
        .iter()
        .map(|f| f.path.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 60);
    let _ = writeln!(
        out,
        "{:<width$}  {:<18} {:>9} {:>9} {:>9} {:>9}  note",
        "file", "format", "read", "stored", "dupes", "quarant."
    );
    for file in &report.files {
        let note = match &file.outcome {
            FileOutcome::Ingested => String::new(),
            FileOutcome::AlreadyIngested { run_id } => format!("already ingested in run {run_id}"),
            FileOutcome::Empty => "no records".to_string(),
            FileOutcome::Failed { .. } => "FAILED (see error below)".to_string(),
        };
        let _ = writeln!(
            out,
            "{:<width$}  {:<18} {:>9} {:>9} {:>9} {:>9}  {note}",
            shorten(&file.path, width),
            file.format.as_deref().unwrap_or("-"),
            file.counts.read,
            file.counts.stored,
            file.counts.duplicates,
            file.counts.quarantined,
        );
    }
    let total = &report.total;
    let _ = writeln!(
        out,
        "run {}: read {} = stored {} + duplicates {} + quarantined {}  [{}]",
        report.run_id,
        total.read,
        total.stored,
        total.duplicates,
        total.quarantined,
        if total.reconciles() {
            "reconciled"
        } else {
            "DOES NOT RECONCILE"
        }
    );
    if total.quarantined > 0 {
        let _ = writeln!(
            out,
            "quarantined records: `unmask quarantine` lists them with file, line and reason"
        );
    }
    if let Some(graph) = &report.bitcoin_graph {
        render_bitcoin_graph(&mut out, graph);
    }
    out
}

/// The Bitcoin graph's side of the run: what `unmask cluster` and `unmask trace`
/// on Bitcoin seeds now see.
fn render_bitcoin_graph(out: &mut String, graph: &unmask_utxo::load::GraphRun) {
    use std::fmt::Write as _;
    let already = graph.files.iter().filter(|f| f.already_loaded).count();
    let _ = writeln!(
        out,
        "bitcoin graph: {} new transactions from {} files ({} already read), {} clustered ({} CoinJoins skipped), {} merges; graph holds {} transactions, {} addresses; {} inputs wait for older blocks",
        graph.transactions(),
        graph.files.len() - already,
        already,
        graph.clustered,
        graph.coinjoins,
        graph.merges,
        graph.graph_transactions,
        graph.graph_addresses,
        graph.unresolved_inputs
    );
    for file in &graph.files {
        if let Some(error) = &file.error {
            let _ = writeln!(out, "bitcoin graph: {}: {error}", file.path);
        }
    }
    if let Some(error) = &graph.error {
        let _ = writeln!(
            out,
            "bitcoin graph NOT saved: {error} (the next ingest of these files retries)"
        );
    }
}

fn shorten(path: &str, width: usize) -> String {
    let count = path.chars().count();
    if count <= width {
        return path.to_string();
    }
    let tail: String = path.chars().skip(count - (width - 1)).collect();
    format!("…{tail}")
}

pub fn quarantine(data_dir: &Path, args: QuarantineArgs) -> anyhow::Result<ExitCode> {
    let store = crate::open(data_dir)?;
    let rows = store.quarantine(args.limit)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if rows.is_empty() {
        println!("no quarantined records");
    } else {
        for row in rows {
            println!("{}:{}: {}", row.path, row.line, row.reason);
        }
    }
    Ok(ExitCode::SUCCESS)
}
