//! Measures detection against a simulated world's ground truth (`truth.json`):
//! recall and precision of DPRK workers among cases above the threshold, whether
//! each laptop farm is one case naming all its workers, and which honest
//! look-alikes were flagged.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use unmask_store::{Store, StoreError};

#[derive(Debug, Clone, Serialize)]
pub struct FarmResult {
    pub farm_id: String,
    pub workers: usize,
    /// The case holding the most of its workers, and how many it holds.
    pub best_case: Option<i64>,
    pub workers_in_best_case: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    pub threshold: f64,
    pub workers: usize,
    pub workers_flagged: usize,
    pub recall: f64,
    pub people_flagged: usize,
    pub precision: f64,
    pub farms: Vec<FarmResult>,
    pub farms_found_whole: usize,
    /// Look-alike kind -> employees of that kind above the threshold.
    pub lookalikes_flagged: BTreeMap<String, Vec<String>>,
    /// DPRK operators' applications under other names (truth.json `dprk_applicants`).
    pub dprk_applicants: usize,
    /// Those in a case at or above the threshold.
    pub dprk_applicants_flagged: usize,
    /// Those in a case at or above the threshold together with the worker whose
    /// identifiers they reuse.
    pub dprk_applicants_with_worker: usize,
    /// Workers missed, as person ids.
    pub missed: Vec<String>,
    /// True workers whose case explanation has fewer than two independent reasons.
    pub thin_explanations: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum QualityError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("truth file: {0}")]
    Truth(String),
}

fn person(value: &serde_json::Value) -> Option<String> {
    Some(format!(
        "person:{}:{}",
        value.get("company_id")?.as_str()?,
        value.get("employee_id")?.as_str()?
    ))
}

pub fn evaluate(
    store: &Store,
    truth: &serde_json::Value,
    threshold: f64,
) -> Result<Quality, QualityError> {
    let workers: BTreeSet<String> = truth
        .get("dprk_workers")
        .and_then(|w| w.as_array())
        .ok_or_else(|| QualityError::Truth("no dprk_workers array".into()))?
        .iter()
        .filter_map(person)
        .collect();
    // person -> (case id, distinct detectors in that case)
    let mut flagged: BTreeMap<String, (i64, usize)> = BTreeMap::new();
    let mut case_members: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    for summary in store.cases(usize::MAX >> 1)? {
        if summary.score < threshold {
            break;
        }
        let case = store.case(summary.id)?;
        let detectors: BTreeSet<&str> = case
            .findings
            .iter()
            .filter(|f| {
                f.decision
                    .as_ref()
                    .is_none_or(|d| d.decision != "dismissed")
            })
            .map(|f| f.detector.as_str())
            .collect();
        for subject in &summary.subjects {
            if subject.starts_with("person:") {
                flagged
                    .entry(subject.clone())
                    .or_insert((summary.id, detectors.len()));
                case_members
                    .entry(summary.id)
                    .or_default()
                    .insert(subject.clone());
            }
        }
    }
    // (applicant, the worker whose identifiers it reuses)
    let applicants: Vec<(String, String)> = truth
        .get("dprk_applicants")
        .and_then(|a| a.as_array())
        .into_iter()
        .flatten()
        .filter_map(|a| Some((person(a.get("applicant")?)?, person(a.get("worker")?)?)))
        .collect();
    let operated: BTreeSet<&str> = workers
        .iter()
        .map(String::as_str)
        .chain(applicants.iter().map(|(a, _)| a.as_str()))
        .collect();
    let dprk_applicants_flagged = applicants
        .iter()
        .filter(|(applicant, _)| flagged.contains_key(applicant))
        .count();
    let dprk_applicants_with_worker = applicants
        .iter()
        .filter(|(applicant, worker)| {
            matches!((flagged.get(applicant), flagged.get(worker)),
                (Some((a, _)), Some((w, _))) if a == w)
        })
        .count();
    let workers_flagged = workers.iter().filter(|w| flagged.contains_key(*w)).count();
    // Precision counts the operators' applications as true: they are the operation.
    let true_flags = flagged
        .keys()
        .filter(|p| operated.contains(p.as_str()))
        .count();
    let mut farms = Vec::new();
    for farm in truth
        .get("laptop_farms")
        .and_then(|f| f.as_array())
        .into_iter()
        .flatten()
    {
        let members: BTreeSet<String> = farm
            .get("workers")
            .and_then(|w| w.as_array())
            .into_iter()
            .flatten()
            .filter_map(person)
            .collect();
        let best = case_members
            .iter()
            .map(|(id, people)| (people.intersection(&members).count(), *id))
            .max();
        farms.push(FarmResult {
            farm_id: farm
                .get("farm_id")
                .and_then(|f| f.as_str())
                .unwrap_or("?")
                .to_string(),
            workers: members.len(),
            best_case: best.filter(|(n, _)| *n > 0).map(|(_, id)| id),
            workers_in_best_case: best.map_or(0, |(n, _)| n),
        });
    }
    let farms_found_whole = farms
        .iter()
        .filter(|f| f.workers > 0 && f.workers_in_best_case == f.workers)
        .count();
    let mut lookalikes_flagged: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for lookalike in truth
        .get("lookalikes")
        .and_then(|l| l.as_array())
        .into_iter()
        .flatten()
    {
        let kind = lookalike
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or("?")
            .to_string();
        let entry = lookalikes_flagged.entry(kind).or_default();
        for employee in lookalike
            .get("employees")
            .and_then(|e| e.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(id) = person(employee) {
                if flagged.contains_key(&id) && !operated.contains(id.as_str()) {
                    entry.push(id);
                }
            }
        }
    }
    let missed = workers
        .iter()
        .filter(|w| !flagged.contains_key(*w))
        .cloned()
        .collect();
    let thin_explanations = workers
        .iter()
        .filter(|w| flagged.get(*w).is_some_and(|(_, detectors)| *detectors < 2))
        .cloned()
        .collect();
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    Ok(Quality {
        threshold,
        workers: workers.len(),
        workers_flagged,
        recall: ratio(workers_flagged, workers.len()),
        people_flagged: flagged.len(),
        precision: ratio(true_flags, flagged.len()),
        farms,
        farms_found_whole,
        lookalikes_flagged,
        dprk_applicants: applicants.len(),
        dprk_applicants_flagged,
        dprk_applicants_with_worker,
        missed,
        thin_explanations,
    })
}
