//! Reading the store back: totals, entities with their properties, links and source
//! records, and the quarantine.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::{Result, Store, StoreError};

/// How much the store holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StoreStats {
    pub ingest_runs: u64,
    pub files: u64,
    pub records: u64,
    pub entities: u64,
    pub entity_properties: u64,
    pub links: u64,
    pub quarantined: u64,
    pub findings: u64,
    pub cases: u64,
    /// Entities per schema.
    pub schemas: BTreeMap<String, u64>,
}

/// A quarantined record, as `unmask quarantine` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuarantineRow {
    pub path: String,
    pub line: u64,
    pub reason: String,
    pub excerpt: String,
    pub run_id: i64,
}

/// One source record with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordView {
    pub record_id: i64,
    pub path: String,
    pub format: String,
    pub line: u64,
    pub byte_offset: u64,
    pub file_hash: String,
    pub run_id: i64,
    pub raw: Option<String>,
}

/// An entity with all its properties, links and source records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityView {
    pub id: String,
    pub schema: String,
    pub properties: BTreeMap<String, Vec<String>>,
    /// (kind, other entity id, direction "out" | "in").
    pub links: Vec<(String, String, String)>,
    pub record_ids: Vec<i64>,
}

impl EntityView {
    pub fn first(&self, prop: &str) -> Option<&str> {
        self.properties
            .get(prop)
            .and_then(|values| values.first())
            .map(String::as_str)
    }

    /// A display name: the first name-like property, else the id.
    pub fn caption(&self) -> &str {
        [
            "name", "full", "address", "number", "email", "serial", "hostname",
        ]
        .iter()
        .find_map(|prop| self.first(prop))
        .unwrap_or(&self.id)
    }
}

impl Store {
    pub fn stats(&self) -> Result<StoreStats> {
        let count = |sql: &str| -> Result<u64> {
            Ok(self.conn.query_row(sql, [], |row| row.get::<_, i64>(0))? as u64)
        };
        let mut stats = StoreStats {
            ingest_runs: count("SELECT COUNT(*) FROM ingest_runs")?,
            files: count("SELECT COUNT(*) FROM source_files")?,
            records: count("SELECT COUNT(*) FROM records")?,
            entities: count("SELECT COUNT(*) FROM entities")?,
            entity_properties: count("SELECT COUNT(*) FROM entity_props")?,
            links: count("SELECT COUNT(*) FROM links")?,
            quarantined: count("SELECT COUNT(*) FROM quarantine")?,
            findings: count("SELECT COUNT(*) FROM findings")?,
            cases: count("SELECT COUNT(*) FROM cases WHERE active = 1")?,
            schemas: BTreeMap::new(),
        };
        let mut statement = self
            .conn
            .prepare("SELECT schema, COUNT(*) FROM entities GROUP BY schema ORDER BY schema")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get::<_, i64>(1)?)))?;
        for row in rows {
            let (schema, n) = row?;
            stats.schemas.insert(schema, n as u64);
        }
        Ok(stats)
    }

    pub fn quarantine(&self, limit: usize) -> Result<Vec<QuarantineRow>> {
        let mut statement = self.conn.prepare(
            "SELECT path, line, reason, excerpt, run_id FROM quarantine ORDER BY id LIMIT ?1",
        )?;
        let rows = statement.query_map([limit as i64], |row| {
            Ok(QuarantineRow {
                path: row.get(0)?,
                line: row.get::<_, i64>(1)? as u64,
                reason: row.get(2)?,
                excerpt: row.get(3)?,
                run_id: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn record(&self, record_id: i64) -> Result<RecordView> {
        self.conn
            .query_row(
                "SELECT r.id, f.path, f.format, r.line, r.byte_offset, f.content_hash, r.run_id, r.raw
                 FROM records r JOIN source_files f ON f.id = r.file_id WHERE r.id = ?1",
                [record_id],
                |row| {
                    Ok(RecordView {
                        record_id: row.get(0)?,
                        path: row.get(1)?,
                        format: row.get(2)?,
                        line: row.get::<_, i64>(3)? as u64,
                        byte_offset: row.get::<_, i64>(4)? as u64,
                        file_hash: row.get(5)?,
                        run_id: row.get(6)?,
                        raw: row.get(7)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "record",
                id: record_id.to_string(),
            })
    }

    pub fn entity(&self, id: &str) -> Result<EntityView> {
        let schema: String = self
            .conn
            .query_row("SELECT schema FROM entities WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "entity",
                id: id.to_string(),
            })?;
        let mut properties: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut statement = self
            .conn
            .prepare_cached("SELECT prop, value FROM entity_props WHERE entity_id = ?1")?;
        for row in statement.query_map([id], |row| Ok((row.get(0)?, row.get(1)?)))? {
            let (prop, value): (String, String) = row?;
            properties.entry(prop).or_default().push(value);
        }
        let mut links = Vec::new();
        let mut outgoing = self
            .conn
            .prepare_cached("SELECT DISTINCT kind, target FROM links WHERE source = ?1")?;
        for row in outgoing.query_map([id], |row| Ok((row.get(0)?, row.get(1)?)))? {
            let (kind, target): (String, String) = row?;
            links.push((kind, target, "out".to_string()));
        }
        let mut incoming = self
            .conn
            .prepare_cached("SELECT DISTINCT kind, source FROM links WHERE target = ?1")?;
        for row in incoming.query_map([id], |row| Ok((row.get(0)?, row.get(1)?)))? {
            let (kind, source): (String, String) = row?;
            links.push((kind, source, "in".to_string()));
        }
        let mut records = self.conn.prepare_cached(
            "SELECT record_id FROM entity_records WHERE entity_id = ?1 ORDER BY record_id",
        )?;
        let record_ids = records
            .query_map([id], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(EntityView {
            id: id.to_string(),
            schema,
            properties,
            links,
            record_ids,
        })
    }

    /// Ids of every entity of a schema, in id order.
    pub fn entity_ids(&self, schema: &str) -> Result<Vec<String>> {
        let mut statement = self
            .conn
            .prepare("SELECT id FROM entities WHERE schema = ?1 ORDER BY id")?;
        let ids = statement
            .query_map([schema], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// Every link of a kind as (source, target, first record id proving it).
    pub fn links_of_kind(&self, kind: &str) -> Result<Vec<(String, String, i64)>> {
        let mut statement = self.conn.prepare(
            "SELECT source, target, MIN(record_id) FROM links WHERE kind = ?1
             GROUP BY source, target ORDER BY source, target",
        )?;
        let rows = statement
            .query_map(params![kind], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every value of one property, as (entity id, value).
    pub fn property_values(&self, prop: &str) -> Result<Vec<(String, String)>> {
        let mut statement = self.conn.prepare(
            "SELECT entity_id, value FROM entity_props WHERE prop = ?1 ORDER BY entity_id, value",
        )?;
        let rows = statement
            .query_map([prop], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
