//! Chunked writes of one file's records.
//!
//! Every insert is idempotent (records by content hash, entity properties and links
//! by their whole value, quarantine by file and line), and the work is committed in
//! chunks. An ingest killed part way leaves whole chunks behind; running it again
//! skips what is there and stores the rest, ending in the same state as a run that
//! was never interrupted.

use rusqlite::{params, Connection};
use unmask_model::{Event, Parsed};

use crate::{Counts, Result};

/// Records per transaction: large enough to be fast, small enough that a kill loses
/// little (a resumed ingest re-reads at most one chunk). 100,000 rather than 20,000:
/// an index page dirtied by many records of a chunk is written once per commit, which
/// cut the CPU of an Okta ingest by 16% and its system time by half (docs/BENCHMARKS.md).
const CHUNK: u64 = 100_000;

/// One source record about to be stored.
pub struct RecordInsert<'a> {
    /// Identity of the record for deduplication: the source's own event id where it
    /// has one, otherwise its content (with the format and header).
    pub record_hash: &'a [u8],
    pub line: u64,
    pub byte_offset: u64,
    /// The record as read, kept so the raw form stays reachable; `None` for bulk
    /// formats whose raw lines stay in the source file (provenance points there).
    pub raw: Option<&'a str>,
}

/// Remembers which entity rows this batch already wrote, so that the thousandth
/// sign-in from one IP does not re-insert the IP's properties. Only an
/// optimisation: every insert is idempotent anyway, so forgetting (when full) is
/// harmless. Keys are kept whole, so two rows can never be taken for each other.
#[derive(Default)]
struct Written {
    keys: std::collections::HashSet<String>,
}

impl Written {
    const CAPACITY: usize = 1_000_000;

    fn first_time(&mut self, parts: &[&str]) -> bool {
        let key = parts.join("\u{1f}");
        if self.keys.contains(&key) {
            return false;
        }
        if self.keys.len() >= Self::CAPACITY {
            self.keys.clear();
        }
        self.keys.insert(key);
        true
    }
}

pub struct Batch<'a> {
    conn: &'a mut Connection,
    written: Written,
    file_id: i64,
    run_id: i64,
    in_chunk: u64,
    /// Rows of this file kept outside SQLite (the chain store), already counted.
    external_stored: u64,
    pub counts: Counts,
}

impl<'a> Batch<'a> {
    pub(crate) fn new(conn: &'a mut Connection, file_id: i64, run_id: i64) -> Result<Batch<'a>> {
        conn.execute_batch("BEGIN")?;
        Ok(Batch {
            conn,
            written: Written::default(),
            file_id,
            run_id,
            in_chunk: 0,
            external_stored: 0,
            counts: Counts::default(),
        })
    }

    /// Stores a record with what it says. Returns its id, or `None` if the same
    /// record was stored before (then nothing else is written).
    pub fn record(&mut self, record: &RecordInsert<'_>, parsed: &Parsed) -> Result<Option<i64>> {
        self.counts.read += 1;
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT INTO records (record_hash, file_id, line, byte_offset, run_id, raw)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(record_hash) DO NOTHING",
            )?
            .execute(params![
                record.record_hash,
                self.file_id,
                record.line as i64,
                record.byte_offset as i64,
                self.run_id,
                record.raw
            ])?;
        if inserted == 0 {
            self.counts.duplicates += 1;
            self.tick()?;
            return Ok(None);
        }
        let record_id = self.conn.last_insert_rowid();
        self.counts.stored += 1;
        self.write_parsed(record_id, parsed)?;
        self.tick()?;
        Ok(Some(record_id))
    }

    fn write_parsed(&mut self, record_id: i64, parsed: &Parsed) -> Result<()> {
        let entities = &parsed.entities;
        let links = &parsed.links;
        let mut entity = self.conn.prepare_cached(
            "INSERT INTO entities (id, schema) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?;
        for fragment in entities {
            if self.written.first_time(&["entity", &fragment.id]) {
                entity.execute((&fragment.id, &fragment.schema))?;
            }
        }
        drop(entity);
        let mut prop = self.conn.prepare_cached(
            "INSERT INTO entity_props (entity_id, prop, value) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        )?;
        for fragment in entities {
            for (name, value) in &fragment.properties {
                if self
                    .written
                    .first_time(&["prop", &fragment.id, name, value])
                {
                    prop.execute((&fragment.id, name, value))?;
                }
            }
        }
        drop(prop);
        let mut source = self.conn.prepare_cached(
            "INSERT INTO entity_records (entity_id, record_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?;
        for fragment in entities {
            source.execute((&fragment.id, record_id))?;
        }
        drop(source);
        let mut link = self.conn.prepare_cached(
            "INSERT INTO links (source, target, kind, record_id) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
        )?;
        for fragment in links {
            link.execute((
                &fragment.source,
                &fragment.target,
                &fragment.kind,
                record_id,
            ))?;
        }
        drop(link);
        for (index, event) in parsed.events.iter().enumerate() {
            self.write_event(record_id, index as i64, event)?;
        }
        Ok(())
    }

    fn write_event(&mut self, record_id: i64, index: i64, event: &Event) -> Result<()> {
        match event {
            Event::Auth(auth) => {
                self.conn
                    .prepare_cached(
                        "INSERT INTO auth_events (record_id, provider, event_id, time_ms, user,
                            user_display_name, event_type, outcome, outcome_reason, source_ip, country,
                            region, city, latitude, longitude, asn, as_org, isp, is_proxy, device,
                            user_agent, session_id)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                            ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
                    )?
                    .execute(params![
                        record_id,
                        auth.provider,
                        auth.event_id,
                        auth.time_ms,
                        auth.user,
                        auth.user_display_name,
                        auth.event_type,
                        auth.outcome,
                        auth.outcome_reason,
                        auth.source_ip,
                        auth.country,
                        auth.region,
                        auth.city,
                        auth.latitude,
                        auth.longitude,
                        auth.asn,
                        auth.as_org,
                        auth.isp,
                        auth.is_proxy,
                        auth.device,
                        auth.user_agent,
                        auth.session_id
                    ])?;
            }
            Event::Endpoint(row) => {
                let columns = serde_json::to_string(&row.columns).map_err(|source| {
                    crate::StoreError::Json {
                        what: "endpoint columns",
                        source,
                    }
                })?;
                self.conn
                    .prepare_cached(
                        "INSERT INTO endpoint_rows (record_id, row_index, host, time_ms, query_table,
                            action, query, columns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    )?
                    .execute(params![
                        record_id, index, row.host, row.time_ms, row.table, row.action, row.query,
                        columns
                    ])?;
            }
            Event::Transfer(transfer) => {
                self.conn
                    .prepare_cached(
                        "INSERT INTO transfers (record_id, row_index, chain, tx_hash, sub_index,
                            block_number, time, from_address, to_address, asset, amount)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    )?
                    .execute(params![
                        record_id,
                        index,
                        transfer.chain,
                        transfer.tx_hash,
                        transfer.sub_index,
                        transfer.block_number as i64,
                        transfer.time,
                        transfer.from,
                        transfer.to,
                        transfer.asset,
                        transfer.amount
                    ])?;
            }
        }
        Ok(())
    }

    /// Keeps a record that could not be used, with the reason, so nothing is dropped
    /// silently. `excerpt` is cut to 4 KiB.
    pub fn quarantine(
        &mut self,
        path: &str,
        line: u64,
        byte_offset: u64,
        reason: &str,
        excerpt: &str,
    ) -> Result<()> {
        self.counts.read += 1;
        self.counts.quarantined += 1;
        let mut end = excerpt.len().min(4096);
        while !excerpt.is_char_boundary(end) {
            end -= 1;
        }
        self.conn
            .prepare_cached(
                "INSERT INTO quarantine (file_id, run_id, path, line, byte_offset, reason, excerpt)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(file_id, byte_offset) DO NOTHING",
            )?
            .execute(params![
                self.file_id,
                self.run_id,
                path,
                line as i64,
                byte_offset as i64,
                reason,
                &excerpt[..end]
            ])?;
        self.tick()
    }

    /// Accounts for rows a bulk format stored outside SQLite (chain transfers go to
    /// the chain store): they count as read, and as stored or duplicates, in this
    /// file's reconciliation.
    pub fn count_external(&mut self, stored: u64, duplicates: u64) {
        self.counts.read += stored + duplicates;
        self.counts.stored += stored;
        self.counts.duplicates += duplicates;
        self.external_stored += stored;
    }

    fn tick(&mut self) -> Result<()> {
        self.in_chunk += 1;
        if self.in_chunk >= CHUNK {
            self.conn.execute_batch("COMMIT; BEGIN")?;
            self.in_chunk = 0;
        }
        Ok(())
    }

    /// Marks the file complete with its counts and commits. A file whose batch was
    /// never finished stays incomplete and is read again next time.
    pub fn finish(self, complete: bool) -> Result<Counts> {
        let counts = self.counts;
        if complete {
            // File totals come from what the store holds for the file, so a file
            // finished after an interrupted run gets the same totals as one read in
            // one go: its earlier records count as stored, not as duplicates.
            self.conn.execute(
                "UPDATE source_files SET complete = 1,
                    records_read = ?2,
                    stored = (SELECT COUNT(*) FROM records WHERE file_id = ?1) + ?3,
                    quarantined = (SELECT COUNT(*) FROM quarantine WHERE file_id = ?1),
                    duplicates = ?2 - (SELECT COUNT(*) FROM records WHERE file_id = ?1) - ?3
                                    - (SELECT COUNT(*) FROM quarantine WHERE file_id = ?1)
                 WHERE id = ?1",
                params![
                    self.file_id,
                    counts.read as i64,
                    self.external_stored as i64
                ],
            )?;
        }
        self.conn.execute_batch("COMMIT")?;
        Ok(counts)
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        // Finish() commits; an early return or error leaves an open transaction
        // that must not leak into the connection's next use.
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("COMMIT");
        }
    }
}
