//! Where formats put what they read: records with what they say, or quarantined
//! records with a reason. The pipeline's sink stores them; [`MemorySink`] keeps them
//! in memory for tests.

use unmask_model::Parsed;

/// Where a record starts in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// 1-based line number.
    pub line: u64,
    pub byte_offset: u64,
}

/// One record read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub at: Position,
    /// What identifies the record for deduplication: the source's own event id
    /// where it has one, otherwise its content (plus the header, for CSV).
    pub identity: Vec<u8>,
    /// The raw record, kept reachable from what it produced.
    pub raw: Option<String>,
    pub parsed: Parsed,
}

#[derive(Debug, thiserror::Error)]
#[error("storing records: {0}")]
pub struct SinkError(pub String);

pub trait Sink {
    fn record(&mut self, record: Record) -> Result<(), SinkError>;
    /// A record that could not be used, kept with a reason a person understands.
    fn quarantine(&mut self, at: Position, reason: &str, raw: &[u8]) -> Result<(), SinkError>;
}

/// Keeps everything in memory: for tests of formats.
#[derive(Debug, Default)]
pub struct MemorySink {
    pub records: Vec<Record>,
    /// (position, reason)
    pub quarantined: Vec<(Position, String)>,
}

impl Sink for MemorySink {
    fn record(&mut self, record: Record) -> Result<(), SinkError> {
        self.records.push(record);
        Ok(())
    }

    fn quarantine(&mut self, at: Position, reason: &str, _raw: &[u8]) -> Result<(), SinkError> {
        self.quarantined.push((at, reason.to_string()));
        Ok(())
    }
}

impl MemorySink {
    /// Reads bytes through a format into a new sink: how format tests start.
    pub fn read(
        format: &dyn crate::Format,
        path: &str,
        bytes: &[u8],
    ) -> Result<MemorySink, crate::ReadError> {
        let mut sink = MemorySink::default();
        let mut reader = bytes;
        let mut input = crate::Input {
            path,
            reader: &mut reader,
            org: None,
        };
        format.read(&mut input, &mut sink)?;
        Ok(sink)
    }

    /// The sign-ins of all records, in order.
    pub fn auth_events(&self) -> Vec<&unmask_model::AuthEvent> {
        self.events()
            .filter_map(|event| match event {
                unmask_model::Event::Auth(auth) => Some(auth),
                _ => None,
            })
            .collect()
    }

    /// The endpoint rows of all records, in order.
    pub fn endpoint_rows(&self) -> Vec<&unmask_model::EndpointRow> {
        self.events()
            .filter_map(|event| match event {
                unmask_model::Event::Endpoint(row) => Some(row),
                _ => None,
            })
            .collect()
    }

    fn events(&self) -> impl Iterator<Item = &unmask_model::Event> {
        self.records.iter().flat_map(|record| &record.parsed.events)
    }

    /// All entity fragments of all records, for assertions.
    pub fn entities(&self) -> impl Iterator<Item = &unmask_model::EntityFragment> {
        self.records
            .iter()
            .flat_map(|record| &record.parsed.entities)
    }

    pub fn links(&self) -> impl Iterator<Item = &unmask_model::LinkFragment> {
        self.records.iter().flat_map(|record| &record.parsed.links)
    }
}
