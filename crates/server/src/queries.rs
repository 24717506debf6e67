//! Store reads and writes the API and the UI share: the case queue with top reasons
//! and assignees, case notes and assignees, entity search, sign-in history and payroll
//! of a case's subjects. All SQL binds its parameters; nothing is spliced into it.

use std::collections::HashMap;

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use unmask_store::Store;
use utoipa::{IntoParams, ToSchema};

/// One line of the case queue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseItem {
    pub id: i64,
    pub key: String,
    pub title: String,
    pub score: f64,
    pub status: String,
    pub subjects: Vec<String>,
    pub finding_count: u64,
    /// Reasons of the strongest live findings, strongest first.
    pub top_reasons: Vec<String>,
    pub assignee: Option<String>,
}

/// Filters, order and page of the case queue.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// `open`, `confirmed` or `dismissed`.
    pub status: Option<String>,
    pub min_score: Option<f64>,
    /// Text in the title, a subject id or a reason.
    pub q: Option<String>,
    pub assignee: Option<String>,
    /// `score` (default, highest first), `title`, `findings`, `status`, `id`.
    pub sort: Option<String>,
    /// 1-based.
    pub page: Option<usize>,
    /// 1 to 500, default 50.
    pub per_page: Option<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseList {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub cases: Vec<CaseItem>,
}

/// A queue line with the text its search matches (title, subjects and every reason,
/// lower case).
#[derive(Debug, Clone)]
pub struct QueueEntry {
    pub item: CaseItem,
    haystack: String,
}

/// Changes whenever the queue could: a decision, new cases or findings, an assignment.
pub fn queue_version(store: &Store) -> rusqlite::Result<String> {
    store.conn().query_row(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM decisions) || '/' ||
                (SELECT COUNT(*) FROM cases) || '/' ||
                (SELECT COALESCE(MAX(updated_at), '') FROM cases) || '/' ||
                (SELECT COALESCE(MAX(id), 0) FROM findings) || '/' ||
                (SELECT COUNT(*) FROM case_assignees) || '/' ||
                (SELECT COALESCE(MAX(assigned_at), '') FROM case_assignees)",
        [],
        |row| row.get(0),
    )
}

/// Changes whenever a note is added.
pub fn notes_version(store: &Store) -> rusqlite::Result<i64> {
    store
        .conn()
        .query_row("SELECT COALESCE(MAX(id), 0) FROM case_notes", [], |row| {
            row.get(0)
        })
}

/// Filters, sorts and pages a loaded queue.
pub fn filter_queue(entries: &[QueueEntry], query: &CaseQuery) -> CaseList {
    let needle = query.q.as_deref().map(str::to_lowercase);
    let mut items: Vec<&CaseItem> = entries
        .iter()
        .filter(|entry| {
            let item = &entry.item;
            query
                .status
                .as_deref()
                .is_none_or(|s| s.is_empty() || s == item.status)
                && query.min_score.is_none_or(|min| item.score >= min)
                && query
                    .assignee
                    .as_deref()
                    .is_none_or(|a| a.is_empty() || item.assignee.as_deref() == Some(a))
                && needle
                    .as_deref()
                    .is_none_or(|n| n.is_empty() || entry.haystack.contains(n))
        })
        .map(|entry| &entry.item)
        .collect();
    match query.sort.as_deref().unwrap_or("score") {
        "title" => items.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id))),
        "findings" => {
            items.sort_by(|a, b| b.finding_count.cmp(&a.finding_count).then(a.id.cmp(&b.id)))
        }
        "status" => items.sort_by(|a, b| a.status.cmp(&b.status).then(b.score.total_cmp(&a.score))),
        "id" => items.sort_by_key(|item| item.id),
        _ => items.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id))),
    }
    let per_page = query.per_page.unwrap_or(50).clamp(1, 500);
    let page = query.page.unwrap_or(1).max(1);
    let total = items.len();
    let cases = items
        .into_iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .cloned()
        .collect();
    CaseList {
        total,
        page,
        per_page,
        cases,
    }
}

/// The case queue, filtered and paged (no cache).
pub fn case_list(store: &Store, query: &CaseQuery) -> rusqlite::Result<CaseList> {
    Ok(filter_queue(&load_queue(store)?, query))
}

/// Every active case with its top reasons and assignee.
pub fn load_queue(store: &Store) -> rusqlite::Result<Vec<QueueEntry>> {
    let conn = store.conn();
    let mut reasons: HashMap<i64, Vec<(f64, String, String)>> = HashMap::new();
    let mut statement = conn.prepare_cached(
        "SELECT cf.case_id, f.weight, f.reason, f.key FROM case_findings cf
         JOIN findings f ON f.id = cf.finding_id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, i64>(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
    })?;
    for row in rows {
        let (case_id, weight, reason, key) = row?;
        reasons
            .entry(case_id)
            .or_default()
            .push((weight, reason, key));
    }
    let dismissed: std::collections::HashSet<String> = {
        let mut statement = conn.prepare_cached(
            "SELECT d.target_key, d.decision FROM decisions d
             WHERE d.target_kind = 'finding' ORDER BY d.id",
        )?;
        let mut latest: HashMap<String, String> = HashMap::new();
        for row in statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))? {
            let (key, decision): (String, String) = row?;
            latest.insert(key, decision);
        }
        latest
            .into_iter()
            .filter(|(_, d)| d == "dismissed")
            .map(|(k, _)| k)
            .collect()
    };
    let assignees = assignees(store)?;
    let mut statement = conn.prepare_cached(
        "SELECT c.id, c.key, c.title, c.score, c.status, c.subjects,
                (SELECT COUNT(*) FROM case_findings cf WHERE cf.case_id = c.id)
         FROM cases c WHERE c.active = 1",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, f64>(3)?,
            row.get::<_, String>(4)?,
            row.get::<_, String>(5)?,
            row.get::<_, i64>(6)?,
        ))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (id, key, title, score, status, subjects, count) = row?;
        let subjects: Vec<String> = serde_json::from_str(&subjects).unwrap_or_default();
        let mut case_reasons = reasons.remove(&id).unwrap_or_default();
        case_reasons.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut top_reasons: Vec<String> = Vec::new();
        for (_, reason, finding_key) in &case_reasons {
            if top_reasons.len() == 3 {
                break;
            }
            if !dismissed.contains(finding_key) && !top_reasons.contains(reason) {
                top_reasons.push(reason.clone());
            }
        }
        let mut haystack = title.to_lowercase();
        for subject in &subjects {
            haystack.push('\n');
            haystack.push_str(&subject.to_lowercase());
        }
        for (_, reason, _) in &case_reasons {
            haystack.push('\n');
            haystack.push_str(&reason.to_lowercase());
        }
        entries.push(QueueEntry {
            item: CaseItem {
                assignee: assignees.get(&key).cloned(),
                id,
                key,
                title,
                score,
                status,
                subjects,
                finding_count: count.max(0) as u64,
                top_reasons,
            },
            haystack,
        });
    }
    Ok(entries)
}

pub fn assignees(store: &Store) -> rusqlite::Result<HashMap<String, String>> {
    let mut statement = store
        .conn()
        .prepare_cached("SELECT case_key, assignee FROM case_assignees")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

pub fn assignee(store: &Store, case_key: &str) -> rusqlite::Result<Option<String>> {
    store
        .conn()
        .query_row(
            "SELECT assignee FROM case_assignees WHERE case_key = ?1",
            [case_key],
            |row| row.get(0),
        )
        .optional()
}

pub fn set_assignee(
    store: &Store,
    case_key: &str,
    assignee: &str,
    by: &str,
) -> rusqlite::Result<()> {
    store.conn().execute(
        "INSERT INTO case_assignees (case_key, assignee, assigned_by, assigned_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(case_key) DO UPDATE SET assignee = excluded.assignee,
             assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at",
        (case_key, assignee, by, now()),
    )?;
    Ok(())
}

/// An analyst's note on a case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Note {
    pub id: i64,
    pub author: String,
    pub body: String,
    pub created_at: String,
}

pub fn notes(store: &Store, case_key: &str) -> rusqlite::Result<Vec<Note>> {
    let mut statement = store.conn().prepare_cached(
        "SELECT id, author, body, created_at FROM case_notes WHERE case_key = ?1 ORDER BY id",
    )?;
    let rows = statement.query_map([case_key], |row| {
        Ok(Note {
            id: row.get(0)?,
            author: row.get(1)?,
            body: row.get(2)?,
            created_at: row.get(3)?,
        })
    })?;
    rows.collect()
}

pub fn add_note(store: &Store, case_key: &str, author: &str, body: &str) -> rusqlite::Result<i64> {
    store.conn().execute(
        "INSERT INTO case_notes (case_key, author, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        (case_key, author, body, now()),
    )?;
    Ok(store.conn().last_insert_rowid())
}

/// An entity that matched a search.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EntityHit {
    pub id: String,
    pub schema: String,
    /// The property that matched (`id` when the id itself did).
    pub matched_prop: String,
    pub matched_value: String,
}

/// Entities whose id or any property value contains `text` (case-insensitive for ASCII).
pub fn search_entities(
    store: &Store,
    text: &str,
    limit: usize,
) -> rusqlite::Result<Vec<EntityHit>> {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = format!("%{escaped}%");
    let mut statement = store.conn().prepare_cached(
        "SELECT p.entity_id, e.schema, p.prop, p.value FROM entity_props p
         JOIN entities e ON e.id = p.entity_id
         WHERE p.value LIKE ?1 ESCAPE '\\'
         UNION ALL
         SELECT e.id, e.schema, 'id', e.id FROM entities e WHERE e.id LIKE ?1 ESCAPE '\\'
         LIMIT ?2",
    )?;
    let rows = statement.query_map((pattern, (limit * 4) as i64), |row| {
        Ok(EntityHit {
            id: row.get(0)?,
            schema: row.get(1)?,
            matched_prop: row.get(2)?,
            matched_value: row.get(3)?,
        })
    })?;
    let mut seen = std::collections::HashSet::new();
    let mut hits = Vec::new();
    for row in rows {
        let hit = row?;
        if hits.len() < limit && seen.insert(hit.id.clone()) {
            hits.push(hit);
        }
    }
    Ok(hits)
}

/// One sign-in of a case's subject.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SignInRow {
    pub time_ms: i64,
    pub user: String,
    pub outcome: String,
    pub source_ip: Option<String>,
    pub country: Option<String>,
    pub as_org: Option<String>,
}

/// The sign-in names (e-mail addresses) of the people among `subjects`, as written and
/// in lower case: exact matches only, so that the (user, time) index is used (a NOCASE
/// comparison would scan the table).
fn sign_in_names(
    store: &Store,
    subjects: &[String],
) -> rusqlite::Result<std::collections::BTreeSet<String>> {
    let mut emails = std::collections::BTreeSet::new();
    let mut statement = store.conn().prepare_cached(
        "SELECT value FROM entity_props WHERE entity_id = ?1 AND prop IN ('email', 'login', 'upn')",
    )?;
    for subject in subjects {
        for row in statement.query_map([subject], |row| row.get::<_, String>(0))? {
            let email = row?;
            emails.insert(email.to_lowercase());
            emails.insert(email);
        }
    }
    Ok(emails)
}

/// Sign-ins of the subjects per UTC hour of day, over their whole history.
pub fn sign_in_hours(store: &Store, subjects: &[String]) -> rusqlite::Result<Vec<u64>> {
    let mut hours = vec![0u64; 24];
    let mut statement = store.conn().prepare_cached(
        "SELECT (time_ms / 3600000) % 24, COUNT(*) FROM auth_events WHERE user = ?1 GROUP BY 1",
    )?;
    for email in sign_in_names(store, subjects)? {
        for row in statement.query_map([email], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
        })? {
            let (hour, count) = row?;
            hours[hour.rem_euclid(24) as usize] += count.max(0) as u64;
        }
    }
    Ok(hours)
}

/// The latest `limit` sign-ins of the people among `subjects`, oldest first.
pub fn sign_ins(
    store: &Store,
    subjects: &[String],
    limit: usize,
) -> rusqlite::Result<Vec<SignInRow>> {
    let mut rows_out = Vec::new();
    let mut statement = store.conn().prepare_cached(
        "SELECT time_ms, user, outcome, source_ip, country, COALESCE(as_org, isp) FROM auth_events
         WHERE user = ?1 ORDER BY time_ms DESC LIMIT ?2",
    )?;
    for email in sign_in_names(store, subjects)? {
        let rows = statement.query_map((email, limit as i64), |row| {
            Ok(SignInRow {
                time_ms: row.get(0)?,
                user: row.get(1)?,
                outcome: row.get(2)?,
                source_ip: row.get(3)?,
                country: row.get(4)?,
                as_org: row.get(5)?,
            })
        })?;
        for row in rows {
            rows_out.push(row?);
        }
    }
    rows_out.sort_by_key(|row| std::cmp::Reverse(row.time_ms));
    rows_out.truncate(limit);
    rows_out.reverse();
    Ok(rows_out)
}

/// One payroll payment to a case's subject.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PaymentRow {
    pub id: String,
    pub beneficiary: String,
    pub date: String,
    pub amount: String,
    pub currency: String,
    pub method: String,
    pub account: String,
}

pub fn payments(store: &Store, subjects: &[String]) -> rusqlite::Result<Vec<PaymentRow>> {
    let mut out = Vec::new();
    let mut statement = store.conn().prepare_cached(
        "SELECT l.source FROM links l JOIN entities e ON e.id = l.source
         WHERE l.target = ?1 AND l.kind = 'beneficiary' AND e.schema = 'Payment'",
    )?;
    for subject in subjects {
        let ids: Vec<String> = statement
            .query_map([subject], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            let Ok(entity) = store.entity(&id) else {
                continue;
            };
            let get = |prop: &str| entity.first(prop).unwrap_or("").to_string();
            out.push(PaymentRow {
                beneficiary: subject.clone(),
                date: get("date"),
                amount: get("amount"),
                currency: get("currency"),
                method: get("method"),
                account: get("account"),
                id,
            });
        }
    }
    out.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    out.dedup_by(|a, b| a.id == b.id);
    Ok(out)
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
