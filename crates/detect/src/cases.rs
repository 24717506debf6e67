//! Grouping findings into cases and scoring them.
//!
//! Grouping runs in two passes of a union-find. First, the findings of detectors that
//! form clusters (a farm's address or egress IP with its workers) join their
//! subjects: each farm becomes one group. Then other findings whose weight marks
//! them as a strong link (at least [`LINKING_WEIGHT`]: a shared national id or
//! payout account) join their subjects too, except that two farm groups are never
//! merged: workers of two farms who share a stolen identity stay two cases, each
//! with that finding. Weaker findings attach to the case of each of their subjects
//! without merging anything, so a co-working IP cannot glue strangers into one case.
//!
//! Scoring treats detectors as independent witnesses: per detector the strongest
//! finding counts fully and further ones add with diminishing weight, and the
//! detectors combine as a noisy-OR: `score = 1 - Π (1 - w_d)`. A dismissed finding
//! counts for nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use unmask_model::Finding;
use unmask_store::{Decision, NewCase};

/// Cases at or above this score are shown as suspicious by default.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// Findings at least this heavy merge their subjects into one case.
pub const LINKING_WEIGHT: f64 = 0.3;

/// Combines the weights of a case's live findings, grouped by detector.
pub fn score(findings: &[(&str, f64)]) -> f64 {
    let mut by_detector: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (detector, weight) in findings {
        by_detector
            .entry(detector)
            .or_default()
            .push(weight.clamp(0.0, 1.0));
    }
    let mut miss = 1.0;
    for weights in by_detector.values_mut() {
        weights.sort_by(|a, b| b.total_cmp(a));
        // Repeats of the same signal are not independent witnesses: each further
        // one counts half as much as the one before.
        let mut detector_miss = 1.0;
        let mut factor = 1.0;
        for weight in weights.iter() {
            detector_miss *= 1.0 - weight * factor;
            factor *= 0.5;
        }
        miss *= detector_miss;
    }
    1.0 - miss
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            // Smaller index wins, so groups do not depend on merge order.
            let (low, high) = if a < b { (a, b) } else { (b, a) };
            self.parent[high] = low;
        }
    }
}

/// Whether a subject id names a person (the organisation's employee or applicant).
fn is_person(id: &str) -> bool {
    id.starts_with("person:")
}

/// Groups findings into cases. `finding_ids` are the stored ids, in the same order.
pub fn build_cases(
    findings: &[Finding],
    finding_ids: &[i64],
    decisions: &HashMap<(String, String), Decision>,
    cluster_detectors: &BTreeSet<&str>,
) -> Vec<NewCase> {
    let dismissed = |finding: &Finding| {
        decisions
            .get(&("finding".to_string(), finding.key.clone()))
            .is_some_and(|d| d.decision == "dismissed")
    };
    // Intern subjects.
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for finding in findings {
        for subject in &finding.subjects {
            let next = index.len();
            index.entry(subject.as_str()).or_insert(next);
        }
    }
    let mut groups = UnionFind {
        parent: (0..index.len()).collect(),
    };
    let mut is_cluster = vec![false; index.len()];
    let mut anchors = BTreeSet::new();
    let linking = |finding: &Finding| finding.weight >= LINKING_WEIGHT && !dismissed(finding);
    for finding in findings {
        if !cluster_detectors.contains(finding.detector.as_str()) || !linking(finding) {
            continue;
        }
        let mut subjects = finding.subjects.iter().map(|s| index[s.as_str()]);
        if let Some(first) = subjects.next() {
            is_cluster[first] = true;
            anchors.insert(finding.subjects[0].as_str());
            for other in subjects {
                groups.union(first, other);
            }
        }
    }
    // Cluster membership belongs to the root.
    for position in 0..is_cluster.len() {
        if is_cluster[position] {
            let root = groups.find(position);
            is_cluster[root] = true;
        }
    }
    for finding in findings {
        if cluster_detectors.contains(finding.detector.as_str()) || !linking(finding) {
            continue;
        }
        let mut subjects = finding.subjects.iter().map(|s| index[s.as_str()]);
        if let Some(first) = subjects.next() {
            for other in subjects {
                let (a, b) = (groups.find(first), groups.find(other));
                if a == b || (is_cluster[a] && is_cluster[b]) {
                    continue;
                }
                groups.union(a, b);
                let root = groups.find(a);
                is_cluster[root] = is_cluster[a] || is_cluster[b];
            }
        }
    }
    // Findings per group root.
    let mut members: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for (position, finding) in findings.iter().enumerate() {
        let roots: BTreeSet<usize> = finding
            .subjects
            .iter()
            .map(|s| groups.find(index[s.as_str()]))
            .collect();
        for root in roots {
            members.entry(root).or_default().insert(position);
        }
    }
    let mut subjects_of_root: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
    for (subject, &position) in &index {
        subjects_of_root
            .entry(groups.find(position))
            .or_default()
            .insert(subject);
    }
    let mut cases = Vec::new();
    for (root, positions) in members {
        let subjects: Vec<String> = subjects_of_root
            .get(&root)
            .map(|set| set.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default();
        let live: Vec<(&str, f64)> = positions
            .iter()
            .map(|&p| &findings[p])
            .filter(|f| !dismissed(f))
            .map(|f| (f.detector.as_str(), f.weight))
            .collect();
        let persons: Vec<&String> = subjects.iter().filter(|s| is_person(s)).collect();
        // The anchor names the case stably across runs: the shared thing (address,
        // account, id) when there is one, else the person.
        let anchor = subjects
            .iter()
            .find(|s| anchors.contains(s.as_str()))
            .or_else(|| subjects.iter().find(|s| !is_person(s)))
            .or(persons.first().copied())
            .cloned()
            .unwrap_or_default();
        let title = match persons.len() {
            0 => anchor.clone(),
            1 => persons[0].clone(),
            n => format!("{n} people linked through {anchor}"),
        };
        cases.push(NewCase {
            key: format!("case:{anchor}"),
            title,
            subjects,
            score: score(&live),
            finding_ids: positions.iter().map(|&p| finding_ids[p]).collect(),
        });
    }
    cases.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.key.cmp(&b.key)));
    cases
}

#[cfg(test)]
mod tests {
    use super::*;
    use unmask_model::Severity;

    fn finding(detector: &str, subjects: &[&str], weight: f64) -> Finding {
        Finding {
            detector: detector.to_string(),
            subjects: subjects.iter().map(|s| s.to_string()).collect(),
            severity: Severity::Medium,
            weight,
            reason: String::new(),
            evidence: Vec::new(),
            key: format!("{detector}:{}", subjects.join(",")),
        }
    }

    #[test]
    fn one_weak_signal_is_not_a_case_above_threshold() {
        assert!(score(&[("vpn", 0.1)]) < DEFAULT_THRESHOLD);
        // Many repeats of one weak signal stay weak.
        let repeats = vec![("vpn", 0.1); 50];
        assert!(score(&repeats) < 0.2, "{}", score(&repeats));
        // Independent signals add up.
        let independent = [("vpn", 0.3), ("timezone", 0.4), ("payout", 0.3)];
        assert!(score(&independent) > DEFAULT_THRESHOLD);
    }

    #[test]
    fn strong_links_merge_and_weak_ones_do_not() {
        let findings = vec![
            finding("farm", &["address:a", "person:x:1", "person:y:2"], 0.6),
            finding(
                "coworking_ip",
                &["ip:1.2.3.4", "person:x:1", "person:z:3"],
                0.1,
            ),
        ];
        let cases = build_cases(&findings, &[1, 2], &HashMap::new(), &BTreeSet::new());
        let farm = cases.iter().find(|c| c.key == "case:address:a").unwrap();
        assert_eq!(farm.subjects, ["address:a", "person:x:1", "person:y:2"]);
        assert_eq!(
            farm.finding_ids,
            [1, 2],
            "the weak finding attaches to the farm case too"
        );
        assert!(cases
            .iter()
            .any(|c| c.subjects.contains(&"person:z:3".to_string())
                && !c.subjects.contains(&"person:x:1".to_string())));
    }

    #[test]
    fn two_farms_sharing_a_stolen_identity_stay_two_cases() {
        let findings = vec![
            finding("farm", &["address:a", "person:x:1", "person:x:2"], 0.7),
            finding("farm", &["address:b", "person:y:3", "person:y:4"], 0.7),
            finding(
                "shared_id",
                &["identification:9", "person:x:1", "person:y:3"],
                0.6,
            ),
            finding(
                "shared_id",
                &["identification:8", "person:y:4", "person:z:5"],
                0.6,
            ),
        ];
        let clusters = BTreeSet::from(["farm"]);
        let cases = build_cases(&findings, &[1, 2, 3, 4], &HashMap::new(), &clusters);
        let a = cases.iter().find(|c| c.key == "case:address:a").unwrap();
        let b = cases.iter().find(|c| c.key == "case:address:b").unwrap();
        assert!(a.finding_ids.contains(&3) && b.finding_ids.contains(&3));
        assert!(!a.subjects.contains(&"person:y:3".to_string()));
        // A worker outside any farm joins the farm she is linked to.
        assert!(b.subjects.contains(&"person:z:5".to_string()));
    }

    #[test]
    fn dismissed_findings_do_not_score() {
        let findings = vec![finding("farm", &["address:a", "person:x:1"], 0.6)];
        let mut decisions = HashMap::new();
        decisions.insert(
            ("finding".to_string(), findings[0].key.clone()),
            Decision {
                target_kind: "finding".into(),
                target_key: findings[0].key.clone(),
                decision: "dismissed".into(),
                reason: "known couple".into(),
                decided_by: "analyst".into(),
                decided_at: "2026-01-01T00:00:00Z".into(),
            },
        );
        let cases = build_cases(&findings, &[7], &decisions, &BTreeSet::new());
        assert_eq!(cases[0].score, 0.0);
    }
}
