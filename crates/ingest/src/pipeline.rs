//! The ingest pipeline: walk the paths, detect each file's format, skip files
//! already ingested (same content hash), read the rest through their format into a
//! [`Batch`], and account for every record: read = stored + duplicates + quarantined.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};
use unmask_store::{Batch, Counts, RecordInsert, Store, StoreError};

use unmask_trace::chain::{chain_dir, ChainWriter, RawTransfer};
use unmask_utxo::load::{GraphRun, GraphSession};

use crate::transfers::{TransferFormat, TransferSink};
use crate::{
    detect, formats, Format, Input, Position, Record, Sample, Sink, SinkError, SAMPLE_BYTES,
};

/// A file in a folder that lists it in this file is not ingested (one name or
/// relative path a line; `#` starts a comment). The simulator uses it for truth.json.
pub const IGNORE_FILE: &str = ".unmaskignore";

pub struct IngestOptions<'a> {
    /// Force this format instead of detecting it.
    pub format: Option<&'a str>,
    /// Organisation for files without a `company_id` column.
    pub org: Option<&'a str>,
    /// Draw a progress bar (only when stderr is a terminal).
    pub progress: bool,
    /// The command line, kept with the run.
    pub command: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum FileOutcome {
    Ingested,
    /// Same content was fully ingested before, in this run id.
    AlreadyIngested {
        run_id: i64,
    },
    /// The file has no records (empty, or a header only).
    Empty,
    /// The file could not be read as a whole; the message names file and line.
    Failed {
        message: String,
    },
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct FileReport {
    pub path: String,
    pub format: Option<String>,
    pub counts: Counts,
    #[serde(flatten)]
    pub outcome: FileOutcome,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct IngestReport {
    pub run_id: i64,
    pub files: Vec<FileReport>,
    pub total: Counts,
    /// What the run's Bitcoin files did to the Bitcoin graph (none: no such file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bitcoin_graph: Option<GraphRun>,
}

impl IngestReport {
    pub fn failed(&self) -> usize {
        self.files
            .iter()
            .filter(|file| matches!(file.outcome, FileOutcome::Failed { .. }))
            .count()
    }
}

/// Ingests every file under `paths`. Store failures abort; everything else is
/// reported per file, and the other files are still ingested.
pub fn ingest(
    store: &mut Store,
    paths: &[PathBuf],
    options: &IngestOptions<'_>,
) -> Result<IngestReport, StoreError> {
    let all = formats::all();
    let forced =
        match options.format {
            Some(name) => Some(all.iter().copied().find(|f| f.name() == name).ok_or_else(
                || StoreError::NotFound {
                    what: "format",
                    id: name.to_string(),
                },
            )?),
            None => None,
        };
    let run_id = store.begin_run(&options.command)?;
    let mut files = Vec::new();
    let mut listed = Vec::new();
    for path in paths {
        if let Err(message) = walk(path, &mut listed) {
            files.push(failed(path, None, message));
        }
    }
    // Opened at the first bulk (chain) file; its new segments are indexed at the end.
    let mut chain: Option<ChainWriter> = None;
    // Bitcoin files also go into the UTXO graph, saved once at the end.
    let mut utxo = GraphSession::new(store.dir());
    for path in listed {
        let report = ingest_file(
            store, &path, &all, forced, run_id, options, &mut chain, &mut utxo,
        )?;
        files.push(report);
    }
    let bitcoin_graph = utxo.finish();
    if let Some(writer) = chain {
        // Segments are committed per file; a failed index is rebuilt on next open.
        if let Err(error) = writer.finish() {
            tracing::warn!(%error, "indexing the chain store failed; it is retried on next open");
        }
    }
    let mut total = Counts::default();
    for file in &files {
        total.add(&file.counts);
    }
    let failures = files
        .iter()
        .filter(|file| matches!(file.outcome, FileOutcome::Failed { .. }))
        .count();
    store.finish_run(run_id, &total, failures as u64)?;
    Ok(IngestReport {
        run_id,
        files,
        total,
        bitcoin_graph,
    })
}

fn failed(path: &Path, format: Option<&str>, message: String) -> FileReport {
    FileReport {
        path: path.display().to_string(),
        format: format.map(str::to_string),
        counts: Counts::default(),
        outcome: FileOutcome::Failed { message },
    }
}

/// Files under a path, sorted, skipping hidden entries and what `.unmaskignore` lists.
fn walk(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let metadata = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !metadata.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let ignored = read_ignore(path);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .collect();
    entries.sort();
    for entry in entries {
        let name = entry
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || ignored.contains(&name) {
            continue;
        }
        walk(&entry, out)?;
    }
    Ok(())
}

fn read_ignore(dir: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(dir.join(IGNORE_FILE)) else {
        return Vec::new();
    };
    text.lines()
        .map(|line| line.split('#').next().unwrap_or("").trim().to_string())
        .filter(|line| !line.is_empty())
        .collect()
}

/// Hashes the whole file and keeps its first bytes for detection.
fn fingerprint(path: &Path) -> std::io::Result<(String, u64, Vec<u8>)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut head = Vec::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        if head.len() < SAMPLE_BYTES {
            let take = (SAMPLE_BYTES - head.len()).min(n);
            head.extend_from_slice(&buffer[..take]);
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    Ok((format!("{:x}", hasher.finalize()), size, head))
}

#[allow(clippy::too_many_arguments)]
fn ingest_file(
    store: &mut Store,
    path: &Path,
    all: &[&'static dyn Format],
    forced: Option<&'static dyn Format>,
    run_id: i64,
    options: &IngestOptions<'_>,
    chain: &mut Option<ChainWriter>,
    utxo: &mut GraphSession,
) -> Result<FileReport, StoreError> {
    let shown = path.display().to_string();
    let (hash, size, head) = match fingerprint(path) {
        Ok(fingerprint) => fingerprint,
        Err(error) => return Ok(failed(path, None, format!("{shown}: cannot read: {error}"))),
    };
    let sample = Sample { path, head: &head };
    let format = match forced {
        Some(format) => format,
        None if head.is_empty() => {
            return Ok(FileReport {
                path: shown,
                format: None,
                counts: Counts::default(),
                outcome: FileOutcome::Empty,
            })
        }
        None => match detect(all, &sample) {
            Ok(format) => format,
            Err(why) => {
                return Ok(failed(
                    path,
                    None,
                    format!("{shown}: unknown format: {why}"),
                ))
            }
        },
    };
    if format.feeds_utxo_graph() {
        // Before the records: a file already ingested whose transactions the graph
        // lacks (a run killed before saving it) is read into it now.
        utxo.add_file(path, &hash);
    }
    if let Some(previous) = store.find_file(&hash, format.name())? {
        if previous.complete {
            // Same bytes, fully ingested before: every record is a duplicate.
            let counts = Counts {
                read: previous.counts.read,
                duplicates: previous.counts.read,
                ..Counts::default()
            };
            return Ok(FileReport {
                path: shown,
                format: Some(format.name().to_string()),
                counts,
                outcome: FileOutcome::AlreadyIngested {
                    run_id: previous.run_id,
                },
            });
        }
    }
    let file_id = store.register_file(&hash, &shown, format.name(), size, run_id)?;
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) => {
            return Ok(failed(
                path,
                Some(format.name()),
                format!("{shown}: cannot read: {error}"),
            ))
        }
    };
    let bar = progress_bar(options.progress, size, &shown);
    let mut reader = BufReader::with_capacity(1 << 20, bar.wrap_read(file));
    if let Some(bulk) = format.bulk() {
        let writer = match chain {
            Some(writer) => writer,
            None => match ChainWriter::open(&chain_dir(store.dir())) {
                Ok(writer) => chain.insert(writer),
                Err(error) => return Ok(failed(path, Some(format.name()), error.to_string())),
            },
        };
        let input = Input {
            path: &shown,
            reader: &mut reader,
            org: options.org,
        };
        let file = BulkFile {
            shown: &shown,
            format,
            file_id,
            run_id,
        };
        let report = ingest_bulk(store, writer, bulk, input, &file);
        bar.finish_and_clear();
        return report;
    }
    let batch = store.batch(file_id, run_id)?;
    let mut sink = StoreSink {
        batch,
        path: &shown,
        format: format.name(),
        error: None,
    };
    let mut input = Input {
        path: &shown,
        reader: &mut reader,
        org: options.org,
    };
    let outcome = format.read(&mut input, &mut sink);
    bar.finish_and_clear();
    if let Some(error) = sink.error.take() {
        return Err(error);
    }
    let complete = outcome.is_ok();
    let counts = sink.batch.finish(complete)?;
    let outcome = match outcome {
        Ok(()) if counts.read == 0 => FileOutcome::Empty,
        Ok(()) => FileOutcome::Ingested,
        Err(error) => FileOutcome::Failed {
            message: error.to_string(),
        },
    };
    Ok(FileReport {
        path: shown,
        format: Some(format.name().to_string()),
        counts,
        outcome,
    })
}

fn progress_bar(enabled: bool, size: u64, path: &str) -> ProgressBar {
    use std::io::IsTerminal;
    // Large files only: small ones finish before a bar means anything.
    if !enabled || !std::io::stderr().is_terminal() || size < 8 << 20 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(size);
    let style = ProgressStyle::with_template(
        "{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(path.to_string());
    bar
}

/// Stores what a format emits. A store error stops the file and is kept aside so
/// the pipeline can tell it from a problem with the input.
struct StoreSink<'s, 'p> {
    batch: Batch<'s>,
    path: &'p str,
    format: &'static str,
    error: Option<StoreError>,
}

impl StoreSink<'_, '_> {
    fn fail(&mut self, error: StoreError) -> SinkError {
        let message = error.to_string();
        self.error = Some(error);
        SinkError(message)
    }
}

impl Sink for StoreSink<'_, '_> {
    fn record(&mut self, record: Record) -> Result<(), SinkError> {
        let mut hasher = Sha256::new();
        hasher.update(self.format.as_bytes());
        hasher.update([0]);
        hasher.update(&record.identity);
        let record_hash = hasher.finalize();
        let insert = RecordInsert {
            record_hash: &record_hash,
            line: record.at.line,
            byte_offset: record.at.byte_offset,
            raw: record.raw.as_deref(),
        };
        match self.batch.record(&insert, &record.parsed) {
            Ok(_) => Ok(()),
            Err(error) => Err(self.fail(error)),
        }
    }

    fn quarantine(&mut self, at: Position, reason: &str, raw: &[u8]) -> Result<(), SinkError> {
        let excerpt = String::from_utf8_lossy(raw);
        match self
            .batch
            .quarantine(self.path, at.line, at.byte_offset, reason, &excerpt)
        {
            Ok(()) => Ok(()),
            Err(error) => Err(self.fail(error)),
        }
    }
}

struct BulkFile<'a> {
    shown: &'a str,
    format: &'static dyn Format,
    file_id: i64,
    run_id: i64,
}

/// Reads a bulk (chain) file: transfers go to the chain store as one segment,
/// quarantined rows and the file's counts to SQLite. The segment is committed
/// before the file is marked complete, so a kill in between only makes the next
/// run count the file's rows as duplicates.
fn ingest_bulk(
    store: &mut Store,
    writer: &mut ChainWriter,
    bulk: &dyn TransferFormat,
    mut input: Input<'_>,
    file: &BulkFile<'_>,
) -> Result<FileReport, StoreError> {
    let failed_file = |message: String| FileReport {
        path: file.shown.to_string(),
        format: Some(file.format.name().to_string()),
        counts: Counts::default(),
        outcome: FileOutcome::Failed { message },
    };
    if let Err(error) = writer.begin_file(file.file_id) {
        return Ok(failed_file(error.to_string()));
    }
    let batch = store.batch(file.file_id, file.run_id)?;
    let mut sink = ChainSink {
        writer,
        batch,
        path: file.shown,
        error: None,
        chain_error: None,
    };
    let outcome = bulk.read_transfers(&mut input, &mut sink);
    if let Some(error) = sink.error.take() {
        sink.writer.abort_file();
        return Err(error);
    }
    let outcome = match (outcome, sink.chain_error.take()) {
        (_, Some(message)) => Err(message),
        (Ok(()), None) => Ok(()),
        (Err(error), None) => Err(error.to_string()),
    };
    let mut batch = sink.batch;
    let outcome = match outcome {
        Ok(()) => match sink.writer.commit_file() {
            Ok(totals) => {
                batch.count_external(totals.stored, totals.duplicates);
                Ok(())
            }
            Err(error) => Err(error.to_string()),
        },
        Err(message) => {
            sink.writer.abort_file();
            Err(message)
        }
    };
    let counts = batch.finish(outcome.is_ok())?;
    let outcome = match outcome {
        Ok(()) if counts.read == 0 => FileOutcome::Empty,
        Ok(()) => FileOutcome::Ingested,
        Err(message) => FileOutcome::Failed { message },
    };
    Ok(FileReport {
        path: file.shown.to_string(),
        format: Some(file.format.name().to_string()),
        counts,
        outcome,
    })
}

/// Sends transfers to the chain store and quarantined rows to SQLite.
struct ChainSink<'w, 's, 'p> {
    writer: &'w mut ChainWriter,
    batch: Batch<'s>,
    path: &'p str,
    error: Option<StoreError>,
    chain_error: Option<String>,
}

impl ChainSink<'_, '_, '_> {
    fn chain_result(&mut self, pushed: unmask_trace::chain::Result<()>) -> Result<(), SinkError> {
        pushed.map_err(|error| {
            let message = format!("{}: {error}", self.path);
            self.chain_error = Some(message.clone());
            SinkError(message)
        })
    }
}

impl TransferSink for ChainSink<'_, '_, '_> {
    fn transfer(&mut self, transfer: &RawTransfer) -> Result<(), SinkError> {
        let pushed = self.writer.push(transfer).map(|_| ());
        self.chain_result(pushed)
    }

    fn transfers(&mut self, batch: &[RawTransfer]) -> Result<(), SinkError> {
        let pushed = self.writer.push_batch(batch);
        self.chain_result(pushed)
    }

    fn quarantine(&mut self, at: Position, reason: &str, raw: &[u8]) -> Result<(), SinkError> {
        let excerpt = String::from_utf8_lossy(raw);
        match self
            .batch
            .quarantine(self.path, at.line, at.byte_offset, reason, &excerpt)
        {
            Ok(()) => Ok(()),
            Err(error) => {
                let message = error.to_string();
                self.error = Some(error);
                Err(SinkError(message))
            }
        }
    }
}
