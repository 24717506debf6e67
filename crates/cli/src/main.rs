//! `unmask`: the command-line binary. It parses arguments, opens the store, calls the
//! stage crates and maps errors to exit codes: 0 success, 1 some input could not be
//! read (the rest was ingested), 2 error.

mod accounts;
mod btc_trace;
mod cases;
mod cluster;
mod demo;
mod ingest;
mod label;
mod registry;
mod screen;
mod trace;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "unmask",
    version,
    about = "Expose DPRK IT-worker fraud, laptop farms and laundered crypto in the data you already have"
)]
struct Cli {
    /// Where the embedded store lives.
    #[arg(
        long,
        global = true,
        env = "UNMASK_DATA_DIR",
        default_value = "unmask-data"
    )]
    data_dir: PathBuf,
    /// More logging on stderr (-v debug, -vv trace). Personal data is never logged at info.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Ingest files and folders into the store; prints the reconciliation.
    Ingest(ingest::IngestArgs),
    /// List every supported input format.
    Formats,
    /// List quarantined records with file, line and reason.
    Quarantine(ingest::QuarantineArgs),
    /// Show what the store holds.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Write a synthetic, labelled world in real export formats.
    Simulate(demo::SimulateArgs),
    /// Run every detector and recompute cases.
    Detect(cases::DetectArgs),
    /// List the registered detectors.
    Detectors,
    /// List cases, highest score first.
    Cases(cases::CasesArgs),
    /// Show one case with every finding and its source records; dismiss or confirm it.
    Case(cases::CaseArgs),
    /// Write a self-contained HTML report of the cases.
    Report(cases::ReportArgs),
    /// Simulate a small world, ingest it, detect, and print the ranked cases.
    Demo(demo::DemoArgs),
    /// Follow tainted funds (poison, haircut, FIFO): Ethereum seeds (0x...) in the chain
    /// store, Bitcoin seeds (addresses, txid:vout) in the Bitcoin graph.
    Trace(trace::TraceArgs),
    /// Bitcoin address clusters: ADDR to show a cluster (`unmask ingest` fills the graph; --add FILE... also does).
    Cluster(cluster::ClusterArgs),
    /// Continue an Ethereum trace into Bitcoin across a bridge hop (--from-eth-trace); with seeds, the same as `unmask trace`.
    BtcTrace(btc_trace::BtcTraceArgs),
    /// Add or list address labels (exchange, mixer, bridge, sanction...).
    Label(label::LabelArgs),
    /// Benchmark the chain store: ingest rate, bytes per edge, trace latency.
    Bench(trace::BenchArgs),
    /// Measure the cases against a simulated world's truth.json (recall, precision, farms, look-alikes).
    Evaluate(cases::EvaluateArgs),
    /// Screen a name, identifier or crypto address (or a CSV of them) against the ingested sanctions lists.
    Screen(screen::ScreenArgs),
    /// Manage the server's users (viewer, analyst, admin); `user add` prints a one-time password.
    User {
        #[command(subcommand)]
        command: accounts::UserCommand,
    },
    /// Issue, list and revoke API tokens (shown once, stored hashed).
    Token {
        #[command(subcommand)]
        command: accounts::TokenCommand,
    },
    /// Read the audit log: sign-ins, views of personal data, exports and changes.
    Audit(accounts::AuditArgs),
    /// Serve screening over HTTP, yente-compatible (POST /match/{dataset}, GET /search?q=).
    Serve(screen::ServeArgs),
}

/// A reader that stops early (`unmask cases | head`) closes the pipe: that is not an
/// error, so print nothing and stop, as `cat` would. Rust ignores SIGPIPE, which
/// turns the next `println!` into a panic; this hook ends it quietly instead.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    let level = match cli.verbose {
        0 => "warn",
        1 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("UNMASK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let data_dir = cli.data_dir;
    match cli.command {
        Command::Ingest(args) => ingest::ingest(&data_dir, args),
        Command::Formats => {
            for format in unmask_ingest::formats::all() {
                println!("{:<20} {}", format.name(), format.description());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Quarantine(args) => ingest::quarantine(&data_dir, args),
        Command::Stats { json } => {
            let store = open(&data_dir)?;
            let stats = store.stats()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&stats)?);
            } else {
                println!("store: {}", data_dir.display());
                println!(
                    "runs {}  files {}  records {}  entities {}  links {}  quarantined {}  findings {}  cases {}",
                    stats.ingest_runs,
                    stats.files,
                    stats.records,
                    stats.entities,
                    stats.links,
                    stats.quarantined,
                    stats.findings,
                    stats.cases
                );
                for (schema, count) in &stats.schemas {
                    println!("  {schema:<16} {count}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Simulate(args) => demo::simulate(args),
        Command::Detect(args) => cases::detect(&data_dir, args),
        Command::Detectors => {
            for detector in registry::detectors() {
                println!("{:<20} {}", detector.id(), detector.description());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Cases(args) => cases::cases(&data_dir, args),
        Command::Case(args) => cases::case(&data_dir, args),
        Command::Report(args) => cases::report(&data_dir, args),
        Command::Demo(args) => demo::demo(args),
        Command::Trace(args) => trace::trace(&data_dir, args),
        Command::Cluster(args) => cluster::cluster(&data_dir, args),
        Command::BtcTrace(args) => btc_trace::btc_trace(&data_dir, args),
        Command::Label(args) => label::label(&data_dir, args),
        Command::Bench(args) => trace::bench(args),
        Command::Evaluate(args) => cases::evaluate(&data_dir, args),
        Command::Screen(args) => screen::screen(&data_dir, args),
        Command::Serve(args) => screen::serve(&data_dir, args),
        Command::User { command } => accounts::user(&data_dir, command),
        Command::Token { command } => accounts::token(&data_dir, command),
        Command::Audit(args) => accounts::audit_log(&data_dir, args),
    }
}

pub(crate) fn open(data_dir: &std::path::Path) -> anyhow::Result<unmask_store::Store> {
    unmask_store::Store::open(data_dir)
        .with_context(|| format!("opening the store in {}", data_dir.display()))
}
