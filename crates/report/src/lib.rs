//! Sinks: turn cases into something a person reads. [`case_detail`] resolves a case's
//! findings and evidence to people, companies and source lines; [`html`] renders a
//! self-contained report page (no scripts, no external resources, every value
//! escaped); [`table`] renders the ranked list for a terminal.

use std::fmt::Write as _;

use serde::Serialize;
use unmask_store::{CaseRow, CaseSummary, Store, StoreError};

/// One piece of evidence, resolved to where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    pub entity_id: String,
    pub note: String,
    /// `path:line` of the source record, when known.
    pub source: Option<String>,
    pub format: Option<String>,
    pub record_id: Option<i64>,
}

/// A subject named by the organisation's own identifiers.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectView {
    pub id: String,
    pub schema: String,
    pub caption: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub key: String,
    pub detector: String,
    pub severity: String,
    pub weight: f64,
    pub reason: String,
    pub dismissed: bool,
    pub evidence: Vec<EvidenceView>,
}

/// A case with everything needed to explain it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    pub id: i64,
    pub key: String,
    pub title: String,
    pub score: f64,
    pub status: String,
    pub subjects: Vec<SubjectView>,
    pub findings: Vec<FindingView>,
    pub decisions: Vec<unmask_store::Decision>,
}

impl CaseDetail {
    /// The reasons of live findings, strongest first.
    pub fn top_reasons(&self, n: usize) -> Vec<&str> {
        self.findings
            .iter()
            .filter(|f| !f.dismissed)
            .take(n)
            .map(|f| f.reason.as_str())
            .collect()
    }
}

/// Resolves a stored case to subjects and evidence with their sources.
pub fn case_detail(store: &Store, case: &CaseRow) -> Result<CaseDetail, StoreError> {
    let mut subjects = Vec::new();
    for id in &case.summary.subjects {
        let view = match store.entity(id) {
            Ok(entity) => SubjectView {
                id: id.clone(),
                schema: entity.schema.clone(),
                caption: entity.caption().to_string(),
                employee_id: entity.first("employeeId").map(str::to_string),
                company_id: entity.first("companyId").map(str::to_string),
            },
            // Detectors may name things no record made an entity of (an egress IP
            // seen only in sign-ins): show the id itself.
            Err(StoreError::NotFound { .. }) => SubjectView {
                id: id.clone(),
                schema: id.split(':').next().unwrap_or("Thing").to_string(),
                caption: id
                    .split_once(':')
                    .map_or(id.as_str(), |(_, v)| v)
                    .to_string(),
                employee_id: None,
                company_id: None,
            },
            Err(error) => return Err(error),
        };
        subjects.push(view);
    }
    let mut findings = Vec::new();
    for finding in &case.findings {
        let mut evidence = Vec::new();
        for item in &finding.evidence {
            let record = match item.record_id {
                Some(id) => Some(store.record(id)?),
                None => None,
            };
            evidence.push(EvidenceView {
                entity_id: item.entity_id.clone(),
                note: item.note.clone(),
                source: record.as_ref().map(|r| format!("{}:{}", r.path, r.line)),
                format: record.as_ref().map(|r| r.format.clone()),
                record_id: item.record_id,
            });
        }
        findings.push(FindingView {
            key: finding.key.clone(),
            detector: finding.detector.clone(),
            severity: finding.severity.as_str().to_string(),
            weight: finding.weight,
            reason: finding.reason.clone(),
            dismissed: finding
                .decision
                .as_ref()
                .is_some_and(|d| d.decision == "dismissed"),
            evidence,
        });
    }
    // Titles name their anchor by id ("3 people linked through address:87c4…");
    // show people what the id stands for.
    let mut title = case.summary.title.clone();
    if let Some(anchor) = subjects
        .iter()
        .find(|s| title.contains(&s.id) && s.caption != s.id)
    {
        title = title.replace(&anchor.id, &anchor.caption);
    }
    Ok(CaseDetail {
        id: case.summary.id,
        key: case.summary.key.clone(),
        title,
        score: case.summary.score,
        status: case.summary.status.clone(),
        subjects,
        findings,
        decisions: case.decisions.clone(),
    })
}

/// The ranked case list as a plain-text table.
pub fn table(cases: &[(CaseSummary, Vec<String>)]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>5}  {:>5}  {:<8}  {:<44}  top reasons",
        "case", "score", "status", "subject"
    );
    for (case, reasons) in cases {
        let title = truncate(&case.title, 44);
        let first = reasons
            .first()
            .map(|r| truncate(r, 110))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:>5}  {:>5.2}  {:<8}  {:<44}  {}",
            case.id, case.score, case.status, title, first
        );
        for reason in reasons.iter().skip(1) {
            let _ = writeln!(out, "{:>71}{}", "", truncate(reason, 110));
        }
    }
    out
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1d2430}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccd}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e3e6ea;padding:4px 8px;text-align:left;vertical-align:top}
.score{font-weight:bold}.critical{color:#a00}.high{color:#c50}.medium{color:#a80}.low,.info{color:#567}
.dismissed{text-decoration:line-through;color:#888}code{font-size:12px;background:#f3f4f6;padding:1px 3px}
.meta{color:#567}";

/// A self-contained HTML report of the given cases (no scripts, no external files).
pub fn html(title: &str, generated_at: &str, cases: &[CaseDetail]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>",
        escape(title)
    );
    let _ = write!(
        out,
        "<h1>{}</h1><p class=\"meta\">Generated {} by unmask {}. {} case(s). Every reason below lists the records behind it and the file and line each came from.</p>",
        escape(title),
        escape(generated_at),
        env!("CARGO_PKG_VERSION"),
        cases.len()
    );
    out.push_str("<table><tr><th>Case</th><th>Score</th><th>Status</th><th>Subject</th><th>Top reason</th></tr>");
    for case in cases {
        let _ = write!(
            out,
            "<tr><td><a href=\"#case-{id}\">{id}</a></td><td class=\"score\">{score:.2}</td><td>{status}</td><td>{title}</td><td>{reason}</td></tr>",
            id = case.id,
            score = case.score,
            status = escape(&case.status),
            title = escape(&case.title),
            reason = escape(case.top_reasons(1).first().copied().unwrap_or(""))
        );
    }
    out.push_str("</table>");
    for case in cases {
        let _ = write!(
            out,
            "<h2 id=\"case-{}\">Case {} — {} <span class=\"score\">score {:.2}</span></h2>",
            case.id,
            case.id,
            escape(&case.title),
            case.score
        );
        out.push_str("<p><b>Subjects:</b> ");
        let subjects: Vec<String> = case
            .subjects
            .iter()
            .map(|s| {
                let mut label = format!("{} <code>{}</code>", escape(&s.caption), escape(&s.id));
                if let (Some(employee), Some(company)) = (&s.employee_id, &s.company_id) {
                    let _ = write!(
                        label,
                        " (employee {} at {})",
                        escape(employee),
                        escape(company)
                    );
                }
                label
            })
            .collect();
        out.push_str(&subjects.join("; "));
        out.push_str("</p><ol>");
        for finding in &case.findings {
            let class = if finding.dismissed {
                "dismissed"
            } else {
                finding.severity.as_str()
            };
            let _ = write!(
                out,
                "<li class=\"{class}\"><b>[{}] {}</b> <span class=\"meta\">({}, weight {:.2}{})</span><ul>",
                escape(&finding.severity),
                escape(&finding.reason),
                escape(&finding.detector),
                finding.weight,
                if finding.dismissed { ", dismissed by an analyst" } else { "" }
            );
            for evidence in &finding.evidence {
                let _ = write!(
                    out,
                    "<li>{} — <code>{}</code>{}</li>",
                    escape(&evidence.note),
                    escape(&evidence.entity_id),
                    evidence
                        .source
                        .as_ref()
                        .map(|s| format!(" from <code>{}</code>", escape(s)))
                        .unwrap_or_default()
                );
            }
            out.push_str("</ul></li>");
        }
        out.push_str("</ol>");
        if !case.decisions.is_empty() {
            out.push_str("<p><b>Decisions:</b></p><ul>");
            for decision in &case.decisions {
                let _ = write!(
                    out,
                    "<li>{} {} by {} at {}: {}</li>",
                    escape(&decision.target_kind),
                    escape(&decision.decision),
                    escape(&decision.decided_by),
                    escape(&decision.decided_at),
                    escape(&decision.reason)
                );
            }
            out.push_str("</ul>");
        }
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_data_is_escaped() {
        let case = CaseDetail {
            id: 1,
            key: "case:x".into(),
            title: "<script>alert(1)</script>".into(),
            score: 0.9,
            status: "open".into(),
            subjects: vec![],
            findings: vec![FindingView {
                key: "k".into(),
                detector: "d".into(),
                severity: "high".into(),
                weight: 0.5,
                reason: "Robert'); DROP TABLE cases;-- & <b>".into(),
                dismissed: false,
                evidence: vec![EvidenceView {
                    entity_id: "person:a:1".into(),
                    note: "n".into(),
                    source: Some("hr/employees.csv:7".into()),
                    format: Some("employees-csv".into()),
                    record_id: Some(3),
                }],
            }],
            decisions: vec![],
        };
        let page = html("Report", "now", &[case]);
        assert!(!page.contains("<script>"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("Robert&#39;); DROP TABLE cases;-- &amp; &lt;b&gt;"));
        assert!(page.contains("hr/employees.csv:7"));
    }
}
