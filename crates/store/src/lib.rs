//! The embedded store: one SQLite database (`unmask.sqlite`, WAL mode) in the data dir.
//!
//! It holds ingest runs, source files and records with their provenance, entities
//! (schema + multi-valued properties) and links, quarantined records, findings, cases
//! and analysts' decisions. The schema is versioned; [`Store::open`] applies pending
//! migrations. Writes during ingest go through a [`Batch`], which commits in chunks so
//! that a killed ingest leaves every committed chunk whole and the rest absent.

mod batch;
mod cases;
mod migrations;
mod read;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};

pub use batch::{Batch, RecordInsert};
pub use cases::{CaseRow, CaseSummary, Decision, FindingRow, NewCase};
pub use read::{EntityView, QuarantineRow, RecordView, StoreStats};

/// Page cache of an ingesting connection, in KiB (negative: SQLite's unit is KiB).
const BULK_CACHE_KIB: i64 = -(512 * 1024);

/// File name of the database inside the data dir.
pub const DB_FILE: &str = "unmask.sqlite";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create data dir {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("store database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "store database was written by a newer unmask (schema {found}, this build knows {known})"
    )]
    TooNew { found: i64, known: i64 },
    #[error("store: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("store: corrupt JSON in {what}: {source}")]
    Json {
        what: &'static str,
        source: serde_json::Error,
    },
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Counts of one ingest run or file: read = stored + duplicates + quarantined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub read: u64,
    pub stored: u64,
    pub duplicates: u64,
    pub quarantined: u64,
}

impl Counts {
    pub fn add(&mut self, other: &Counts) {
        self.read += other.read;
        self.stored += other.stored;
        self.duplicates += other.duplicates;
        self.quarantined += other.quarantined;
    }

    /// True when every record read is accounted for.
    pub fn reconciles(&self) -> bool {
        self.read == self.stored + self.duplicates + self.quarantined
    }
}

/// A source file as the store knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    pub id: i64,
    pub content_hash: String,
    pub path: String,
    pub format: String,
    pub run_id: i64,
    pub complete: bool,
    pub counts: Counts,
}

pub struct Store {
    conn: Connection,
    dir: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the store in `dir` and applies pending migrations.
    pub fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(DB_FILE);
        let conn = Connection::open(&path).map_err(|source| StoreError::Open {
            path: path.clone(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", -65536)?;
        migrations::apply(&conn)?;
        Ok(Store {
            conn,
            dir: dir.to_path_buf(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Direct access for crates that add their own tables through migrations.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))?)
    }

    pub fn begin_run(&self, command: &str) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO ingest_runs (started_at, command, status) VALUES (?1, ?2, 'running')",
            (now(), command),
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn finish_run(&self, run_id: i64, counts: &Counts, files_failed: u64) -> Result<()> {
        let status = if files_failed == 0 { "ok" } else { "partial" };
        self.conn.execute(
            "UPDATE ingest_runs SET finished_at = ?1, status = ?2, records_read = ?3, stored = ?4,
                 duplicates = ?5, quarantined = ?6, files_failed = ?7 WHERE id = ?8",
            (
                now(),
                status,
                counts.read as i64,
                counts.stored as i64,
                counts.duplicates as i64,
                counts.quarantined as i64,
                files_failed as i64,
                run_id,
            ),
        )?;
        Ok(())
    }

    /// The file with this content and format, if it was seen before.
    pub fn find_file(&self, content_hash: &str, format: &str) -> Result<Option<FileRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, content_hash, path, format, run_id, complete, records_read, stored,
                        duplicates, quarantined
                 FROM source_files WHERE content_hash = ?1 AND format = ?2",
                (content_hash, format),
                file_row,
            )
            .optional()?)
    }

    /// Registers a file about to be read (or returns the row of an earlier partial read).
    pub fn register_file(
        &self,
        content_hash: &str,
        path: &str,
        format: &str,
        size: u64,
        run_id: i64,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO source_files (content_hash, path, format, size, run_id, complete)
             VALUES (?1, ?2, ?3, ?4, ?5, 0)
             ON CONFLICT(content_hash, format) DO UPDATE SET path = excluded.path, run_id = excluded.run_id",
            (content_hash, path, format, size as i64, run_id),
        )?;
        Ok(self.conn.query_row(
            "SELECT id FROM source_files WHERE content_hash = ?1 AND format = ?2",
            (content_hash, format),
            |row| row.get(0),
        )?)
    }

    /// Starts a chunked write for one file's records.
    pub fn batch(&mut self, file_id: i64, run_id: i64) -> Result<Batch<'_>> {
        self.tune_for_bulk_writes()?;
        Batch::new(&mut self.conn, file_id, run_id)
    }

    /// A bigger page cache and memory-mapped reads for an ingest. Every record
    /// probes the unique index of record hashes and the entity tables at random
    /// places; once the store outgrows the default cache (64 MiB), each probe became
    /// a `pread` and ingest slowed several-fold with store size. Reading connections
    /// (detect, the server) keep the small cache.
    fn tune_for_bulk_writes(&self) -> Result<()> {
        self.conn
            .pragma_update(None, "cache_size", BULK_CACHE_KIB)?;
        // Capped by SQLite's compile-time maximum (2 GiB by default).
        self.conn.pragma_update(None, "mmap_size", 1i64 << 31)?;
        Ok(())
    }
}

fn file_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<FileRow> {
    Ok(FileRow {
        id: row.get(0)?,
        content_hash: row.get(1)?,
        path: row.get(2)?,
        format: row.get(3)?,
        run_id: row.get(4)?,
        complete: row.get(5)?,
        counts: Counts {
            read: row.get::<_, i64>(6)? as u64,
            stored: row.get::<_, i64>(7)? as u64,
            duplicates: row.get::<_, i64>(8)? as u64,
            quarantined: row.get::<_, i64>(9)? as u64,
        },
    })
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_applies_migrations_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let version = store.schema_version().unwrap();
        assert_eq!(version, migrations::MIGRATIONS.len() as i64);
        drop(store);
        let again = Store::open(dir.path()).unwrap();
        assert_eq!(again.schema_version().unwrap(), version);
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .conn()
            .pragma_update(None, "user_version", 999)
            .unwrap();
        drop(store);
        match Store::open(dir.path()) {
            Err(StoreError::TooNew { found: 999, .. }) => {}
            other => panic!("expected TooNew, got {:?}", other.map(|_| ())),
        }
    }
}
