//! The audit log: who did what, when, from where. Append-only: the table has triggers
//! that abort any UPDATE or DELETE, and this module offers no way to change a row.
//! Every sign-in (and refused one), every view of a case or an entity that holds
//! personal data, every export and every change is appended here.

use rusqlite::Connection;

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339, UTC.
    pub at: String,
    /// User name, or `-` when nobody was signed in (a refused sign-in names the account
    /// tried in `target`).
    pub actor: String,
    /// What happened, e.g. `sign_in`, `case.view`, `finding.dismiss`, `export.stix`.
    pub action: String,
    /// What it happened to, e.g. `case:12`, `entity:person:acme:E17`.
    pub target: String,
    /// Short free text: a reason, a format, a count. Never a password or a secret.
    pub detail: String,
    /// Where from: the client IP, or `cli`.
    pub source: String,
}

/// Serializes this process's audit writes. Every case view appends a row; without it,
/// concurrent writers meet SQLite's busy handler, which sleeps in growing steps and
/// turns a burst of views into seconds of latency.
static WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Appends one entry.
pub fn append(
    conn: &Connection,
    actor: &str,
    action: &str,
    target: &str,
    detail: &str,
    source: &str,
) -> rusqlite::Result<()> {
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let _turn = WRITER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, target, detail, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        (at, actor, action, target, detail, source),
    )?;
    Ok(())
}

/// Entries at or after `since` (an RFC 3339 prefix such as `2026-11-25` or a full
/// timestamp), oldest first, at most `limit`, optionally only those of `actor`.
pub fn entries(
    conn: &Connection,
    since: Option<&str>,
    actor: Option<&str>,
    limit: usize,
) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut statement = conn.prepare(
        "SELECT id, at, actor, action, target, detail, source FROM audit_log
         WHERE at >= ?1 AND (?2 IS NULL OR actor = ?2) ORDER BY id LIMIT ?3",
    )?;
    let rows = statement.query_map((since.unwrap_or(""), actor, limit as i64), |row| {
        Ok(AuditEntry {
            id: row.get(0)?,
            at: row.get(1)?,
            actor: row.get(2)?,
            action: row.get(3)?,
            target: row.get(4)?,
            detail: row.get(5)?,
            source: row.get(6)?,
        })
    })?;
    rows.collect()
}

/// The newest `limit` entries, newest first (for the admin page).
pub fn latest(conn: &Connection, limit: usize) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut statement = conn.prepare(
        "SELECT id, at, actor, action, target, detail, source FROM audit_log
         ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = statement.query_map([limit as i64], |row| {
        Ok(AuditEntry {
            id: row.get(0)?,
            at: row.get(1)?,
            actor: row.get(2)?,
            action: row.get(3)?,
            target: row.get(4)?,
            detail: row.get(5)?,
            source: row.get(6)?,
        })
    })?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_cannot_be_changed_or_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let store = unmask_store::Store::open(dir.path()).unwrap();
        let conn = store.conn();
        append(conn, "ada", "case.view", "case:1", "", "127.0.0.1").unwrap();
        append(conn, "bo", "sign_in", "bo", "", "10.0.0.1").unwrap();
        assert!(conn
            .execute("UPDATE audit_log SET actor = 'x'", [])
            .is_err());
        assert!(conn.execute("DELETE FROM audit_log", []).is_err());
        let all = entries(conn, None, None, 100).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].actor, "ada");
        assert_eq!(entries(conn, None, Some("bo"), 100).unwrap().len(), 1);
        assert!(entries(conn, Some("2999"), None, 100).unwrap().is_empty());
        assert_eq!(latest(conn, 1).unwrap()[0].actor, "bo");
    }
}
