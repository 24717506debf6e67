//! Versioned schema migrations. `PRAGMA user_version` holds the number applied; each
//! entry runs once, in order, inside a transaction. Never edit a released entry: add one.

use rusqlite::Connection;

use crate::{Result, StoreError};

pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: ingest, provenance, entities, links, quarantine, findings, cases.
    r#"
    CREATE TABLE ingest_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        command TEXT NOT NULL,
        status TEXT NOT NULL,
        records_read INTEGER NOT NULL DEFAULT 0,
        stored INTEGER NOT NULL DEFAULT 0,
        duplicates INTEGER NOT NULL DEFAULT 0,
        quarantined INTEGER NOT NULL DEFAULT 0,
        files_failed INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE source_files (
        id INTEGER PRIMARY KEY,
        content_hash TEXT NOT NULL,
        path TEXT NOT NULL,
        format TEXT NOT NULL,
        size INTEGER NOT NULL,
        run_id INTEGER NOT NULL REFERENCES ingest_runs(id),
        complete INTEGER NOT NULL DEFAULT 0,
        records_read INTEGER NOT NULL DEFAULT 0,
        stored INTEGER NOT NULL DEFAULT 0,
        duplicates INTEGER NOT NULL DEFAULT 0,
        quarantined INTEGER NOT NULL DEFAULT 0,
        UNIQUE (content_hash, format)
    );
    CREATE TABLE records (
        id INTEGER PRIMARY KEY,
        record_hash BLOB NOT NULL UNIQUE,
        file_id INTEGER NOT NULL REFERENCES source_files(id),
        line INTEGER NOT NULL,
        byte_offset INTEGER NOT NULL,
        run_id INTEGER NOT NULL,
        raw TEXT
    );
    CREATE TABLE entities (
        id TEXT PRIMARY KEY,
        schema TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX entities_schema ON entities(schema);
    CREATE TABLE entity_props (
        entity_id TEXT NOT NULL,
        prop TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (entity_id, prop, value)
    ) WITHOUT ROWID;
    CREATE INDEX entity_props_value ON entity_props(prop, value);
    CREATE TABLE entity_records (
        entity_id TEXT NOT NULL,
        record_id INTEGER NOT NULL,
        PRIMARY KEY (entity_id, record_id)
    ) WITHOUT ROWID;
    CREATE TABLE links (
        source TEXT NOT NULL,
        target TEXT NOT NULL,
        kind TEXT NOT NULL,
        record_id INTEGER NOT NULL,
        PRIMARY KEY (source, kind, target, record_id)
    ) WITHOUT ROWID;
    CREATE INDEX links_target ON links(target, kind);
    CREATE TABLE quarantine (
        id INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL REFERENCES source_files(id),
        run_id INTEGER NOT NULL,
        path TEXT NOT NULL,
        line INTEGER NOT NULL,
        byte_offset INTEGER NOT NULL,
        reason TEXT NOT NULL,
        excerpt TEXT NOT NULL,
        UNIQUE (file_id, byte_offset)
    );
    CREATE TABLE detect_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        detectors TEXT NOT NULL
    );
    CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        detect_run INTEGER NOT NULL,
        detector TEXT NOT NULL,
        key TEXT NOT NULL UNIQUE,
        severity TEXT NOT NULL,
        weight REAL NOT NULL,
        reason TEXT NOT NULL,
        subjects TEXT NOT NULL,
        evidence TEXT NOT NULL
    );
    CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        subjects TEXT NOT NULL,
        score REAL NOT NULL,
        status TEXT NOT NULL DEFAULT 'open',
        active INTEGER NOT NULL DEFAULT 1,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE case_findings (
        case_id INTEGER NOT NULL,
        finding_id INTEGER NOT NULL,
        PRIMARY KEY (case_id, finding_id)
    ) WITHOUT ROWID;
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        target_kind TEXT NOT NULL CHECK (target_kind IN ('finding', 'case')),
        target_key TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('dismissed', 'confirmed', 'reopened')),
        reason TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        decided_at TEXT NOT NULL
    );
    CREATE INDEX decisions_target ON decisions(target_kind, target_key);
    "#,
    // 2: bulk facts: sign-ins, endpoint inventory rows, chain transfers.
    r#"
    CREATE TABLE auth_events (
        record_id INTEGER PRIMARY KEY,
        provider TEXT NOT NULL,
        event_id TEXT NOT NULL,
        time_ms INTEGER NOT NULL,
        user TEXT NOT NULL,
        user_display_name TEXT,
        event_type TEXT NOT NULL,
        outcome TEXT NOT NULL,
        outcome_reason TEXT,
        source_ip TEXT,
        country TEXT,
        region TEXT,
        city TEXT,
        latitude REAL,
        longitude REAL,
        asn INTEGER,
        as_org TEXT,
        isp TEXT,
        is_proxy INTEGER,
        device TEXT,
        user_agent TEXT,
        session_id TEXT
    );
    CREATE INDEX auth_events_user_time ON auth_events(user, time_ms);
    CREATE INDEX auth_events_ip ON auth_events(source_ip);
    CREATE TABLE endpoint_rows (
        record_id INTEGER NOT NULL,
        row_index INTEGER NOT NULL,
        host TEXT NOT NULL,
        time_ms INTEGER NOT NULL,
        query_table TEXT NOT NULL,
        action TEXT NOT NULL,
        query TEXT NOT NULL,
        columns TEXT NOT NULL,
        PRIMARY KEY (record_id, row_index)
    );
    CREATE INDEX endpoint_rows_host ON endpoint_rows(host, query_table);
    CREATE TABLE transfers (
        record_id INTEGER NOT NULL,
        row_index INTEGER NOT NULL,
        chain TEXT NOT NULL,
        tx_hash TEXT NOT NULL,
        sub_index TEXT NOT NULL,
        block_number INTEGER NOT NULL,
        time INTEGER NOT NULL,
        from_address TEXT NOT NULL,
        to_address TEXT NOT NULL,
        asset TEXT NOT NULL,
        amount TEXT NOT NULL,
        PRIMARY KEY (record_id, row_index)
    );
    CREATE INDEX transfers_from ON transfers(from_address);
    CREATE INDEX transfers_to ON transfers(to_address);
    "#,
    // 3: the investigation server: users, API tokens, sessions, sign-in failures, the
    // append-only audit log, case notes and assignees.
    r#"
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        label TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE sign_in_failures (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        ip TEXT NOT NULL,
        at INTEGER NOT NULL
    );
    CREATE INDEX sign_in_failures_account ON sign_in_failures(account, at);
    CREATE INDEX sign_in_failures_ip ON sign_in_failures(ip, at);
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        detail TEXT NOT NULL,
        source TEXT NOT NULL
    );
    CREATE INDEX audit_log_at ON audit_log(at);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TABLE case_notes (
        id INTEGER PRIMARY KEY,
        case_key TEXT NOT NULL,
        author TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX case_notes_case ON case_notes(case_key);
    CREATE TABLE case_assignees (
        case_key TEXT PRIMARY KEY,
        assignee TEXT NOT NULL,
        assigned_by TEXT NOT NULL,
        assigned_at TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 4: links by kind, in (source, target) order: the detectors read one kind at a
    // time (every phone link, every payout account link), which was a full scan of
    // the links table and a sort per kind.
    r#"
    CREATE INDEX links_kind ON links(kind, source, target, record_id);
    "#,
];

pub(crate) fn apply(conn: &Connection) -> Result<()> {
    let known = MIGRATIONS.len() as i64;
    // Up to date (the usual case): no write lock, so opening the store for reading
    // never waits for an ingest that is writing.
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current == known {
        return Ok(());
    }
    loop {
        // BEGIN IMMEDIATE takes the write lock first, so two processes opening a new
        // store at once cannot both run the same migration.
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let applied: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if applied > known {
            conn.execute_batch("ROLLBACK")?;
            return Err(StoreError::TooNew {
                found: applied,
                known,
            });
        }
        if applied == known {
            conn.execute_batch("COMMIT")?;
            return Ok(());
        }
        let version = applied + 1;
        let sql = MIGRATIONS[applied as usize];
        let outcome = conn.execute_batch(&format!("{sql}; PRAGMA user_version = {version};"));
        match outcome {
            Ok(()) => conn.execute_batch("COMMIT")?,
            Err(error) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(error.into());
            }
        }
    }
}
