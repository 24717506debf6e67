//! `unmask screen`: screen a name, an identifier or a crypto address (or a CSV of them)
//! against the sanctions lists ingested into the store; `unmask serve`: the same as a
//! yente-compatible HTTP API (crate `unmask-server`).
//!
//! Exit codes as ripgrep's: 0 some query matched, 1 nothing matched, 2 error (an empty
//! query, a name over 1 KB, no list in the store).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use serde::Serialize;
use unmask_screen::{Feature, Match, Options, Query, Schema, ScreeningIndex, DEFAULT_THRESHOLD};

#[derive(Debug, clap::Args)]
pub struct ScreenArgs {
    /// The name to screen (any script); omit with --address or --batch.
    pub name: Option<String>,
    /// Person, Organization, Company, Vessel, Aircraft, LegalEntity.
    #[arg(long)]
    pub schema: Option<String>,
    /// Birth date: 1984-01-08, 1984, 08 Jan 1984.
    #[arg(long)]
    pub birth_date: Option<String>,
    /// Nationality or country (name or ISO code); repeatable.
    #[arg(long)]
    pub country: Vec<String>,
    /// Passport, IMO or registration number; repeatable.
    #[arg(long)]
    pub id: Vec<String>,
    /// A crypto address (any letter case where the chain allows); repeatable.
    #[arg(long)]
    pub address: Vec<String>,
    /// Lowest score reported.
    #[arg(long, default_value_t = DEFAULT_THRESHOLD)]
    pub threshold: f32,
    /// Most results per query.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Screen a CSV (header: id,name,schema,birth_date,country); one JSON line per row.
    #[arg(long, conflicts_with_all = ["name", "address"])]
    pub batch: Option<PathBuf>,
    /// Threads for --batch.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Session cookies without `Secure`, for plain HTTP on loopback only.
    #[arg(long)]
    pub insecure_cookies: bool,
    /// Largest upload to POST /api/v1/ingest, in MiB.
    #[arg(long, default_value_t = 256)]
    pub max_upload_mib: u64,
}

/// One result as the CLI prints it.
#[derive(Debug, Serialize)]
pub struct ResultLine<'a> {
    /// Store id: `sanction:{list}:{list id}`.
    id: String,
    list: &'a str,
    list_id: &'a str,
    caption: &'a str,
    schema: &'a str,
    score: f32,
    matched_name: &'a str,
    programs: &'a [String],
    explanation: &'a [Feature],
}

fn result_lines<'a>(index: &'a ScreeningIndex, matches: &'a [Match]) -> Vec<ResultLine<'a>> {
    matches
        .iter()
        .map(|m| {
            let e = index.entity(m.entity);
            ResultLine {
                id: unmask_detect::screening::store_id(e),
                list: &e.list,
                list_id: &e.id,
                caption: &e.caption,
                schema: e.schema.as_str(),
                score: m.score,
                matched_name: &m.matched_name,
                programs: &e.programs,
                explanation: &m.features,
            }
        })
        .collect()
}

/// The store's lists as an index; an error when none was ingested.
pub(crate) fn load(data_dir: &Path) -> anyhow::Result<ScreeningIndex> {
    let started = Instant::now();
    let store = crate::open(data_dir)?;
    let index = unmask_detect::screening::load_index(&store).context("reading the lists")?;
    if index.entities().is_empty() {
        bail!(
            "no sanctions list in the store {}: ingest one first (unmask ingest sdn.csv un.xml ...)",
            data_dir.display()
        );
    }
    tracing::info!(
        entities = index.entities().len(),
        ms = started.elapsed().as_millis() as u64,
        "screening index loaded"
    );
    Ok(index)
}

fn schema(text: Option<&str>) -> anyhow::Result<Option<Schema>> {
    match text.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Schema::parse(s)
            .map(Some)
            .with_context(|| format!("unknown schema {s:?} (Person, Organization, Company, Vessel, Aircraft, LegalEntity)")),
    }
}

fn options(args: &ScreenArgs) -> anyhow::Result<Options> {
    if !(0.0..=1.0).contains(&args.threshold) {
        bail!("--threshold {} is not between 0 and 1", args.threshold);
    }
    Ok(Options {
        threshold: args.threshold,
        limit: args.limit.clamp(1, 1000),
        ..Options::default()
    })
}

pub fn screen(data_dir: &Path, args: ScreenArgs) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.batch {
        return batch(data_dir, path, &args);
    }
    let mut query = Query {
        name: args.name.clone(),
        schema: schema(args.schema.as_deref())?,
        countries: args.country.clone(),
        identifiers: args.id.clone(),
        crypto_addresses: args.address.clone(),
        ..Query::default()
    };
    if let Some(date) = &args.birth_date {
        query = query.with_birth_date(date)?;
    }
    if query.name.is_none() && query.identifiers.is_empty() && query.crypto_addresses.is_empty() {
        bail!("nothing to screen: give a NAME, --id, --address or --batch FILE.csv");
    }
    let options = options(&args)?;
    // Validate before loading the lists, so a bad query fails fast.
    if let Some(name) = &query.name {
        if name.len() > unmask_screen::MAX_NAME_BYTES {
            return Err(unmask_screen::ScreenError::NameTooLong {
                len: name.len(),
                max: unmask_screen::MAX_NAME_BYTES,
            }
            .into());
        }
    }
    let index = load(data_dir)?;
    let matches = index.search(&query, &options)?;
    let lines = result_lines(&index, &matches);
    if args.json {
        let out = serde_json::json!({ "query": query, "results": lines });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else if lines.is_empty() {
        println!("no match at or above {}", options.threshold);
    } else {
        for line in &lines {
            println!(
                "{:.2}  {:<28} {:<12} {}  [matched {:?}{}]",
                line.score,
                line.id,
                line.schema,
                line.caption,
                line.matched_name,
                if line.programs.is_empty() {
                    String::new()
                } else {
                    format!("; {}", line.programs.join(", "))
                }
            );
            for f in line.explanation {
                println!(
                    "        {:<15} {:+.2}  {}",
                    f.feature, f.contribution, f.text
                );
            }
        }
    }
    Ok(if matches.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One row of a batch CSV.
#[derive(Debug, serde::Deserialize)]
struct BatchRow {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    schema: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    country: String,
}

fn batch_line(index: &ScreeningIndex, row: &BatchRow, options: &Options) -> String {
    let run = || -> anyhow::Result<Vec<Match>> {
        let mut query = Query::name(row.name.trim());
        query.schema = schema(Some(&row.schema))?;
        if !row.birth_date.trim().is_empty() {
            query = query.with_birth_date(&row.birth_date)?;
        }
        if !row.country.trim().is_empty() {
            query = query.with_country(row.country.trim());
        }
        Ok(index.search(&query, options)?)
    };
    let value = match run() {
        Ok(matches) => serde_json::json!({
            "id": row.id, "name": row.name, "results": result_lines(index, &matches)
        }),
        Err(error) => {
            serde_json::json!({ "id": row.id, "name": row.name, "error": format!("{error:#}") })
        }
    };
    value.to_string()
}

fn batch(data_dir: &Path, path: &Path, args: &ScreenArgs) -> anyhow::Result<ExitCode> {
    let options = options(args)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("reading {}", path.display()))?;
    let mut rows = Vec::new();
    for (i, row) in reader.deserialize::<BatchRow>().enumerate() {
        rows.push(row.with_context(|| format!("{}: row {}", path.display(), i + 2))?);
    }
    let loading = Instant::now();
    let index = load(data_dir)?;
    let load_time = loading.elapsed();
    let started = Instant::now();
    let threads = args.threads.clamp(1, 64);
    let chunk = rows.len().div_ceil(threads).max(1);
    let outputs: Vec<Vec<String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = rows
            .chunks(chunk)
            .map(|part| {
                let index = &index;
                let options = &options;
                scope.spawn(move || {
                    part.iter()
                        .map(|row| batch_line(index, row, options))
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let elapsed = started.elapsed();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut hits = 0usize;
    for line in outputs.iter().flatten() {
        if line.contains("\"results\":[{") {
            hits += 1;
        }
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    eprintln!(
        "screened {} queries in {:.3} s on {threads} threads ({:.0} queries/s; {} with a match); lists loaded in {:.3} s",
        rows.len(),
        elapsed.as_secs_f64(),
        rows.len() as f64 / elapsed.as_secs_f64().max(1e-9),
        hits,
        load_time.as_secs_f64()
    );
    Ok(if hits == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn serve(data_dir: &Path, args: ServeArgs) -> anyhow::Result<ExitCode> {
    // The case API and UI serve a store without lists too; screening then finds nothing.
    let index = load(data_dir).unwrap_or_else(|error| {
        eprintln!("warning: {error:#}");
        ScreeningIndex::build(Vec::new())
    });
    let entities = index.entities().len();
    let screening = unmask_server::AppState::new(index);
    let mut config = unmask_server::investigation::InvestigationConfig::new(data_dir.to_path_buf());
    config.secure_cookies = !args.insecure_cookies;
    config.max_upload_bytes = args.max_upload_mib.saturating_mul(1024 * 1024);
    let investigation =
        unmask_server::investigation::Investigation::open(config, Some(screening.clone()))
            .with_context(|| format!("opening the store in {}", data_dir.display()))?;
    let state = screening.with_investigation(investigation);
    unmask_server::run_blocking(&args.bind, state, |addr| {
        eprintln!("unmask: serving {entities} list entries on http://{addr} (POST /match/{{dataset}}, GET /search?q=, GET /healthz), the web UI at / and the API at /api/v1 (sign in with a user from `unmask user add`)");
    })?;
    Ok(ExitCode::SUCCESS)
}
