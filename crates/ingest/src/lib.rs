//! Sources: everything that turns a file into records.
//!
//! A [`Format`] recognises its files from their content ([`Format::sniff`]) and reads
//! them into records ([`Format::read`]), handing each to a [`Sink`]: parsed entities
//! and links, or a quarantined record with the reason it could not be used. Formats
//! are pure: they see bytes and a sink, never the store, so each is tested on
//! in-memory input. The [`pipeline`] feeds them files, deduplicates and stores what
//! they emit, and keeps the reconciliation: read = stored + duplicates + quarantined.
//!
//! Adding a format is one new file under `formats/` and one line in
//! [`formats::all`].

pub mod formats;
pub mod pipeline;
mod sink;
mod text;
pub mod transfers;

use std::io::BufRead;
use std::path::Path;

pub use pipeline::{ingest, FileOutcome, FileReport, IngestOptions, IngestReport};
pub use sink::{MemorySink, Position, Record, Sink, SinkError};

/// The first bytes of a file, with its name, for format detection.
pub struct Sample<'a> {
    pub path: &'a Path,
    /// Up to [`SAMPLE_BYTES`] from the start of the file.
    pub head: &'a [u8],
}

/// How many bytes format detection looks at.
pub const SAMPLE_BYTES: usize = 64 * 1024;

impl Sample<'_> {
    /// The first line of the sample, without its line ending, if it is UTF-8.
    pub fn first_line(&self) -> Option<&str> {
        let head = self.head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(self.head);
        let end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
        let line = std::str::from_utf8(&head[..end]).ok()?;
        Some(line.trim_end_matches('\r'))
    }

    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|name| name.to_string_lossy().to_lowercase())
            .unwrap_or_default()
    }
}

/// What a format knows about the file it is reading.
pub struct Input<'a> {
    /// The path as given by the user, for messages and provenance.
    pub path: &'a str,
    pub reader: &'a mut dyn BufRead,
    /// Organisation to use where the file does not say (`--org`).
    pub org: Option<&'a str>,
}

/// A file-level problem: the file as a whole cannot be read as this format.
/// Record-level problems are quarantined instead and never stop a file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: String,
        line: u64,
        message: String,
    },
    #[error("{path}: read failed: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Sink(#[from] SinkError),
}

/// One input format: a name, a description, a detector and a reader.
pub trait Format: Sync {
    /// Short id used with `--format` and in the store, e.g. `employees-csv`.
    fn name(&self) -> &'static str;
    /// One line for `unmask formats`.
    fn description(&self) -> &'static str;
    /// How sure this format is that the sample is one of its files: `None`, or a
    /// confidence from 1 to 100. Content decides; the file name may add to it.
    fn sniff(&self, sample: &Sample<'_>) -> Option<u8>;
    /// Reads every record of the input into the sink.
    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError>;
    /// Bulk chain formats return themselves here: the pipeline then sends their
    /// rows to the chain store instead of the records table (see [`transfers`]).
    fn bulk(&self) -> Option<&dyn transfers::TransferFormat> {
        None
    }
    /// Bitcoin (UTXO) formats return true: the pipeline also reads their files
    /// into the Bitcoin graph (`unmask_utxo::load::GraphSession`), which clusters
    /// and Bitcoin traces read.
    fn feeds_utxo_graph(&self) -> bool {
        false
    }
}

/// The format that claims the sample most confidently, or the reason none does.
pub fn detect<'f>(
    formats: &[&'f dyn Format],
    sample: &Sample<'_>,
) -> Result<&'f dyn Format, String> {
    let mut best: Option<(&dyn Format, u8)> = None;
    for format in formats {
        if let Some(confidence) = format.sniff(sample) {
            if best.is_none_or(|(_, seen)| confidence > seen) {
                best = Some((*format, confidence));
            }
        }
    }
    match best {
        Some((format, _)) => Ok(format),
        None => Err(text::describe_unknown(sample)),
    }
}

/// Looks a format up by name.
pub fn by_name(name: &str) -> Option<&'static dyn Format> {
    formats::all()
        .into_iter()
        .find(|format| format.name() == name)
}
