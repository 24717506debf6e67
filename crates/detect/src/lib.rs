//! Detectors and cases.
//!
//! A [`Detector`] reads the store and returns [`Finding`]s, each with a weight, a
//! plain-words reason and the evidence records behind it. [`run`] runs a set of
//! detectors, stores their findings, and groups them into cases: findings that share
//! a subject through a strong link (a farm address, a reused national id) become one
//! case, and the case score combines independent signals so that no single weak one
//! makes a high-risk case. Analysts' decisions (dismissed findings) are applied here.
//!
//! Adding a detector is one new file under `detectors/` and one line in the
//! registry of the `unmask` binary.

pub mod cases;
pub mod detectors;
pub mod screening;

use unmask_model::Finding;
use unmask_store::{Store, StoreError};

pub use cases::{build_cases, score, DEFAULT_THRESHOLD};

#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("detector {detector}: {message}")]
    Failed {
        detector: &'static str,
        message: String,
    },
}

/// Reads the store, returns findings. Detectors never write.
pub trait Detector: Sync {
    /// Stable id, as in docs/detectors.md.
    fn id(&self) -> &'static str;
    /// One line for `unmask detectors`.
    fn description(&self) -> &'static str;
    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError>;
    /// Whether this detector's multi-subject findings define a case on their own
    /// (a laptop farm's address or IP with its workers). Two such clusters are never
    /// merged by weaker links between their members; see `cases`.
    fn forms_clusters(&self) -> bool {
        false
    }
}

/// What a detect run did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DetectReport {
    pub run_id: i64,
    /// (detector id, findings, milliseconds)
    pub detectors: Vec<(String, usize, u128)>,
    pub findings: usize,
    pub cases: usize,
    pub cases_above_threshold: usize,
}

/// One detector's findings and its run time in milliseconds.
type Outcome = (Result<Vec<Finding>, DetectError>, u128);

/// Runs every detector, in the given order's results, on two threads: this one with
/// `store`, and a second with its own connection to the same store (SQLite reads on
/// one core per connection). Each thread takes the next detector not yet taken, so
/// the results do not depend on which thread ran what.
fn run_detectors(store: &Store, detectors: &[&dyn Detector]) -> Vec<Outcome> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let work = |store: &Store| {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(detector) = detectors.get(index) else {
                return done;
            };
            let started = std::time::Instant::now();
            let found = detector.run(store);
            done.push((index, (found, started.elapsed().as_millis())));
        }
    };
    let mut outcomes: Vec<(usize, Outcome)> = std::thread::scope(|scope| {
        let second = (detectors.len() > 1).then(|| {
            let dir = store.dir().to_path_buf();
            let work = &work;
            scope.spawn(move || match Store::open(&dir) {
                Ok(other) => work(&other),
                // No second connection: this thread does it all.
                Err(error) => {
                    tracing::debug!("detect runs on one thread: {error}");
                    Vec::new()
                }
            })
        });
        let mut outcomes = work(store);
        if let Some(second) = second {
            outcomes.extend(
                second
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        outcomes
    });
    outcomes.sort_by_key(|(index, _)| *index);
    outcomes.into_iter().map(|(_, outcome)| outcome).collect()
}

/// Runs the detectors, replaces the stored findings and recomputes the cases.
pub fn run(store: &mut Store, detectors: &[&dyn Detector]) -> Result<DetectReport, DetectError> {
    let ids: Vec<&str> = detectors.iter().map(|d| d.id()).collect();
    let run_id = store.begin_detect(&ids)?;
    let results = run_detectors(store, detectors);
    let mut findings = Vec::new();
    let mut per_detector = Vec::new();
    for (detector, (found, elapsed)) in detectors.iter().zip(results) {
        let found = found?;
        tracing::debug!(
            detector = detector.id(),
            findings = found.len(),
            "detector finished"
        );
        per_detector.push((detector.id().to_string(), found.len(), elapsed));
        findings.extend(found);
    }
    let finding_ids = store.replace_findings(run_id, &findings)?;
    let decisions = store.latest_decisions()?;
    let clusters: std::collections::BTreeSet<&str> = detectors
        .iter()
        .filter(|d| d.forms_clusters())
        .map(|d| d.id())
        .collect();
    let cases = build_cases(&findings, &finding_ids, &decisions, &clusters);
    store.save_cases(&cases)?;
    Ok(DetectReport {
        run_id,
        detectors: per_detector,
        findings: findings.len(),
        cases: cases.len(),
        cases_above_threshold: cases
            .iter()
            .filter(|c| c.score >= DEFAULT_THRESHOLD)
            .count(),
    })
}
