//! `unmask detect`, `cases`, `case` and `report`: run the registered detectors,
//! list and explain cases, record analysts' decisions, and write the HTML report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use unmask_report::CaseDetail;
use unmask_store::Store;

#[derive(Args)]
pub struct DetectArgs {
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct CasesArgs {
    /// At most this many cases.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Only cases scoring at least this much (default: the suspicious threshold).
    #[arg(long)]
    min_score: Option<f64>,
    /// Include cases below the threshold.
    #[arg(long)]
    all: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct CaseArgs {
    /// Case id, as `unmask cases` shows it.
    id: i64,
    #[arg(long)]
    json: bool,
    /// Mark the case (or, with --finding, one finding) benign.
    #[arg(long, conflicts_with_all = ["confirm", "reopen"], requires = "reason")]
    dismiss: bool,
    /// Mark the case confirmed.
    #[arg(long, conflicts_with = "reopen", requires = "reason")]
    confirm: bool,
    /// Reopen a dismissed or confirmed case.
    #[arg(long, requires = "reason")]
    reopen: bool,
    /// Apply the decision to this finding (its key, from `unmask case ID`) instead of the case.
    #[arg(long)]
    finding: Option<String>,
    /// Why: kept with the decision.
    #[arg(long)]
    reason: Option<String>,
    /// Who decides (default: $USER).
    #[arg(long)]
    by: Option<String>,
}

#[derive(Args)]
pub struct ReportArgs {
    /// Where to write the report (default: report.html for html, stdout otherwise).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Only these cases (default: every case above the threshold).
    #[arg(long = "case")]
    cases: Vec<i64>,
    /// Case ids, as with --case.
    #[arg(value_name = "CASE")]
    ids: Vec<i64>,
    /// html (self-contained page), pdf (that page printed by headless Chromium), json,
    /// stix (STIX 2.1 bundle per case) or ftm (FollowTheMoney JSON lines).
    #[arg(long, default_value = "html")]
    format: String,
}

#[derive(Args)]
pub struct EvaluateArgs {
    /// The world's truth.json.
    truth: PathBuf,
    #[arg(long, default_value_t = unmask_detect::DEFAULT_THRESHOLD)]
    threshold: f64,
    #[arg(long)]
    json: bool,
}

pub fn evaluate(data_dir: &Path, args: EvaluateArgs) -> anyhow::Result<ExitCode> {
    let store = crate::open(data_dir)?;
    let text = std::fs::read_to_string(&args.truth)
        .with_context(|| format!("reading {}", args.truth.display()))?;
    let truth: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not JSON", args.truth.display()))?;
    let quality = unmask_workforce::quality::evaluate(&store, &truth, args.threshold)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&quality)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "DPRK workers: {} of {} in cases at or above {:.2} (recall {:.1}%)",
        quality.workers_flagged,
        quality.workers,
        quality.threshold,
        100.0 * quality.recall
    );
    println!(
        "people in those cases: {} (precision {:.1}%)",
        quality.people_flagged,
        100.0 * quality.precision
    );
    println!(
        "laptop farms found as one case with all their workers: {} of {}",
        quality.farms_found_whole,
        quality.farms.len()
    );
    for farm in &quality.farms {
        println!(
            "  {}: {} of {} workers in case {}",
            farm.farm_id,
            farm.workers_in_best_case,
            farm.workers,
            farm.best_case.map_or("-".to_string(), |id| id.to_string())
        );
    }
    println!(
        "DPRK applications under other names: {} of {} in cases at or above {:.2}, {} in the case of the worker whose identifiers they reuse",
        quality.dprk_applicants_flagged,
        quality.dprk_applicants,
        quality.threshold,
        quality.dprk_applicants_with_worker
    );
    for (kind, people) in &quality.lookalikes_flagged {
        println!("look-alikes '{kind}' flagged: {}", people.len());
        for person in people {
            println!("  {person}");
        }
    }
    if !quality.missed.is_empty() {
        println!("missed workers: {}", quality.missed.join(", "));
    }
    if !quality.thin_explanations.is_empty() {
        println!(
            "workers with fewer than two independent reasons: {}",
            quality.thin_explanations.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn detect(data_dir: &Path, args: DetectArgs) -> anyhow::Result<ExitCode> {
    let mut store = crate::open(data_dir)?;
    let detectors = crate::registry::detectors();
    let report = unmask_detect::run(&mut store, &detectors)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for (detector, findings, millis) in &report.detectors {
            println!("{detector:<24} {findings:>7} findings  {millis:>7} ms");
        }
        println!(
            "{} findings in {} cases, {} at or above the threshold {:.2}",
            report.findings,
            report.cases,
            report.cases_above_threshold,
            unmask_detect::DEFAULT_THRESHOLD
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Cases above `min_score`, resolved for display.
pub fn load_cases(store: &Store, limit: usize, min_score: f64) -> anyhow::Result<Vec<CaseDetail>> {
    let mut details = Vec::new();
    for summary in store.cases(limit)? {
        if summary.score < min_score {
            break;
        }
        let row = store.case(summary.id)?;
        details.push(unmask_report::case_detail(store, &row)?);
    }
    Ok(details)
}

pub fn print_table(details: &[CaseDetail]) {
    let rows: Vec<_> = details
        .iter()
        .map(|d| {
            let summary = unmask_store::CaseSummary {
                id: d.id,
                key: d.key.clone(),
                title: d.title.clone(),
                score: d.score,
                status: d.status.clone(),
                subjects: Vec::new(),
                finding_count: d.findings.len() as u64,
            };
            (
                summary,
                d.top_reasons(3).into_iter().map(str::to_string).collect(),
            )
        })
        .collect();
    print!("{}", unmask_report::table(&rows));
}

pub fn cases(data_dir: &Path, args: CasesArgs) -> anyhow::Result<ExitCode> {
    let store = crate::open(data_dir)?;
    let min_score = match (args.all, args.min_score) {
        (true, _) => f64::NEG_INFINITY,
        (false, Some(score)) => score,
        (false, None) => unmask_detect::DEFAULT_THRESHOLD,
    };
    let details = load_cases(&store, args.limit, min_score)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&details)?);
    } else if details.is_empty() {
        println!("no cases at or above score {min_score:.2}; `unmask detect` computes them, --all shows every case");
    } else {
        print_table(&details);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn case(data_dir: &Path, args: CaseArgs) -> anyhow::Result<ExitCode> {
    let store = crate::open(data_dir)?;
    let row = store.case(args.id)?;
    let decision = match (args.dismiss, args.confirm, args.reopen) {
        (true, _, _) => Some("dismissed"),
        (_, true, _) => Some("confirmed"),
        (_, _, true) => Some("reopened"),
        _ => None,
    };
    if let Some(decision) = decision {
        let reason = args.reason.as_deref().unwrap_or_default();
        let by = args
            .by
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "unknown".to_string());
        let (kind, key) = match &args.finding {
            Some(key) => {
                anyhow::ensure!(
                    row.findings.iter().any(|f| &f.key == key),
                    "case {} has no finding with key {key:?}",
                    args.id
                );
                ("finding", key.clone())
            }
            None => ("case", row.summary.key.clone()),
        };
        store.decide(kind, &key, decision, reason, &by)?;
        unmask_server::audit::append(
            store.conn(),
            &crate::accounts::cli_actor(),
            &format!("{kind}.{decision}"),
            &format!("case:{}/{kind}:{key}", args.id),
            reason,
            "cli",
        )?;
        println!("{kind} {key} {decision} by {by}; run `unmask detect` to rescore");
        return Ok(ExitCode::SUCCESS);
    }
    let detail = unmask_report::case_detail(&store, &row)?;
    unmask_server::audit::append(
        store.conn(),
        &crate::accounts::cli_actor(),
        "case.view",
        &format!("case:{}", args.id),
        "cli",
        "cli",
    )?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&detail)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "case {}  score {:.2}  status {}",
        detail.id, detail.score, detail.status
    );
    println!("{}", detail.title);
    println!("subjects:");
    for subject in &detail.subjects {
        let org = match (&subject.employee_id, &subject.company_id) {
            (Some(employee), Some(company)) => format!("  employee {employee} at {company}"),
            _ => String::new(),
        };
        println!(
            "  {:<12} {}  [{}]{org}",
            subject.schema, subject.caption, subject.id
        );
    }
    println!("findings:");
    for finding in &detail.findings {
        println!(
            "  [{}] {}{}",
            finding.severity,
            finding.reason,
            if finding.dismissed {
                "  (dismissed)"
            } else {
                ""
            }
        );
        println!(
            "      detector {}  weight {:.2}  key {}",
            finding.detector, finding.weight, finding.key
        );
        for evidence in &finding.evidence {
            println!(
                "      - {}  <- {}",
                evidence.note,
                evidence.source.as_deref().unwrap_or("(no source record)")
            );
        }
    }
    for decision in &detail.decisions {
        println!(
            "decision: {} {} by {} at {}: {}",
            decision.target_kind,
            decision.decision,
            decision.decided_by,
            decision.decided_at,
            decision.reason
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn report(data_dir: &Path, mut args: ReportArgs) -> anyhow::Result<ExitCode> {
    let store = crate::open(data_dir)?;
    args.cases.append(&mut args.ids);
    let details = if args.cases.is_empty() {
        load_cases(&store, 500, unmask_detect::DEFAULT_THRESHOLD)?
    } else {
        let mut details = Vec::new();
        for id in &args.cases {
            let row = store.case(*id)?;
            details.push(unmask_report::case_detail(&store, &row)?);
        }
        details
    };
    if args.format == "pdf" {
        let generated = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let page = unmask_report::html("unmask case report", &generated, &details);
        let pdf = unmask_server::exports::html_to_pdf(&page)
            .context("printing the report to PDF with headless Chromium")?;
        let out = args.out.unwrap_or_else(|| PathBuf::from("report.pdf"));
        std::fs::write(&out, pdf).with_context(|| format!("writing {}", out.display()))?;
        crate::accounts::audit_exports(&store, &details, "pdf")?;
        println!("wrote {} ({} cases)", out.display(), details.len());
        return Ok(ExitCode::SUCCESS);
    }
    if args.format != "html" {
        let text = crate::accounts::export(&store, &details, &args.format)?;
        match &args.out {
            Some(out) => {
                std::fs::write(out, text).with_context(|| format!("writing {}", out.display()))?
            }
            None => print!("{text}"),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let out = args.out.unwrap_or_else(|| PathBuf::from("report.html"));
    write_report(&out, &details)?;
    crate::accounts::audit_exports(&store, &details, "html")?;
    println!("wrote {} ({} cases)", out.display(), details.len());
    Ok(ExitCode::SUCCESS)
}

pub fn write_report(path: &Path, details: &[CaseDetail]) -> anyhow::Result<()> {
    let generated = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let page = unmask_report::html("unmask case report", &generated, details);
    std::fs::write(path, page).with_context(|| format!("writing {}", path.display()))
}
