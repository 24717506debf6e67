//! `unmask simulate` and `unmask demo`: write a synthetic labelled world, and run the
//! whole pipeline over a small one (simulate, ingest, detect, rank, report).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use unmask_ingest::IngestOptions;
use unmask_simulate::{Scale, SimOptions};

#[derive(Args)]
pub struct SimulateArgs {
    /// Folder to write the world into.
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// tiny | small | medium | large
    #[arg(long, default_value = "small")]
    scale: Scale,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Folder for the demo's world, store and report (replaced if it holds an earlier demo).
    #[arg(long, default_value = "unmask-demo")]
    dir: PathBuf,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// World size (the demo uses small; tests use tiny).
    #[arg(long, default_value = "small")]
    scale: Scale,
    /// How many cases to print.
    #[arg(long, default_value_t = 15)]
    top: usize,
}

/// Marks a folder as the demo's own, so a later demo may replace it.
const DEMO_MARKER: &str = ".unmask-demo";

pub fn simulate(args: SimulateArgs) -> anyhow::Result<ExitCode> {
    let summary = write_world(&args.out, args.seed, args.scale)?;
    println!("{summary}");
    Ok(ExitCode::SUCCESS)
}

fn write_world(out: &Path, seed: u64, scale: Scale) -> anyhow::Result<unmask_simulate::SimSummary> {
    let options = SimOptions {
        out: out.to_path_buf(),
        seed,
        scale,
    };
    let summary = unmask_simulate::simulate(&options)
        .with_context(|| format!("simulating a {scale} world into {}", out.display()))?;
    // The ground truth is for measuring detectors, not an export to ingest.
    std::fs::write(
        out.join(unmask_ingest::pipeline::IGNORE_FILE),
        "# written by unmask simulate: the ground truth is not an export\ntruth.json\n",
    )
    .with_context(|| format!("writing {}", out.display()))?;
    Ok(summary)
}

pub fn demo(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let dir = &args.dir;
    if dir.exists() {
        anyhow::ensure!(
            dir.join(DEMO_MARKER).exists(),
            "{} exists and is not an earlier demo; choose another --dir",
            dir.display()
        );
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("removing the earlier demo in {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(dir.join(DEMO_MARKER), "")?;
    let world = dir.join("world");
    let data = dir.join("data");

    println!(
        "1/4 simulating a {} world (seed {}) into {}",
        args.scale,
        args.seed,
        world.display()
    );
    let summary = write_world(&world, args.seed, args.scale)?;
    println!("{summary}");

    println!("2/4 ingesting it into {}", data.display());
    let mut store = crate::open(&data)?;
    let options = IngestOptions {
        format: None,
        org: None,
        progress: true,
        command: "unmask demo".to_string(),
    };
    let report = unmask_ingest::ingest(&mut store, std::slice::from_ref(&world), &options)?;
    print!("{}", crate::ingest::render(&report));

    let detectors = crate::registry::detectors();
    println!("3/4 running {} detectors", detectors.len());
    let detected = unmask_detect::run(&mut store, &detectors)?;
    println!(
        "{} findings in {} cases, {} at or above the threshold",
        detected.findings, detected.cases, detected.cases_above_threshold
    );

    println!("4/4 top cases");
    let details = crate::cases::load_cases(&store, args.top, unmask_detect::DEFAULT_THRESHOLD)?;
    crate::cases::print_table(&details);
    let all = crate::cases::load_cases(&store, 500, unmask_detect::DEFAULT_THRESHOLD)?;
    let report_path = dir.join("report.html");
    crate::cases::write_report(&report_path, &all)?;
    println!("\nreport: {}", report_path.display());
    println!(
        "explore: unmask --data-dir {} cases | unmask --data-dir {} case ID",
        data.display(),
        data.display()
    );
    Ok(ExitCode::SUCCESS)
}
