//! Bulk loading: files into the UTXO graph, format detected from content
//! (bitcoin-etl JSON lines, Bitcoin Core `getblock` JSON, GraphSense transaction
//! rows), bad records counted and kept with their line and reason. This is the
//! chain side of ingest: the records side (one per transaction, with its wallets)
//! goes through `unmask ingest` like every other format.

use std::io::Read;
use std::path::Path;

use serde::Serialize;

use crate::error::{io_error, UtxoError};
use crate::graph::{Added, UtxoGraph};
use crate::parse::{etl, fast, for_each_line, getblock};

/// The kinds of file [`add_file`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    BitcoinEtl,
    GetBlock,
    GraphSense,
}

/// What reading one file did.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub path: String,
    pub kind: FileKind,
    pub transactions: u64,
    pub duplicates: u64,
    pub quarantined: u64,
    /// The first problems, with their 1-based line.
    pub problems: Vec<(u64, String)>,
}

const KEPT_PROBLEMS: usize = 50;

impl FileReport {
    fn problem(&mut self, line: u64, reason: String) {
        self.quarantined += 1;
        if self.problems.len() < KEPT_PROBLEMS {
            self.problems.push((line, reason));
        }
    }

    fn added(&mut self, added: Added) {
        match added {
            Added::New(_) => self.transactions += 1,
            Added::Duplicate(_) => self.duplicates += 1,
        }
    }
}

/// Which kind of file `head` (its first bytes) starts.
pub fn detect(head: &[u8]) -> Option<FileKind> {
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
    };
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or("");
    if etl::looks_like_transaction(first_line) {
        Some(FileKind::BitcoinEtl)
    } else if first_line.contains("\"txHash\"") && first_line.contains("\"inputs\"") {
        Some(FileKind::GraphSense)
    } else if getblock::looks_like_getblock(text) {
        Some(FileKind::GetBlock)
    } else {
        None
    }
}

/// Reads a file into the graph (without settling: call [`UtxoGraph::settle`] after
/// the last file).
pub fn add_file(graph: &mut UtxoGraph, path: &Path) -> Result<FileReport, UtxoError> {
    let mut file = std::fs::File::open(path).map_err(io_error(path))?;
    let mut head = vec![0u8; 64 * 1024];
    let mut filled = 0;
    while filled < head.len() {
        let read = file.read(&mut head[filled..]).map_err(io_error(path))?;
        if read == 0 {
            break;
        }
        filled += read;
    }
    head.truncate(filled);
    let kind = detect(&head).ok_or_else(|| UtxoError::Corrupt {
        path: path.to_path_buf(),
        message: "neither bitcoin-etl transactions JSON lines, a getblock response nor GraphSense transaction rows".to_string(),
    })?;
    let mut report = FileReport {
        path: path.display().to_string(),
        kind,
        transactions: 0,
        duplicates: 0,
        quarantined: 0,
        problems: Vec::new(),
    };
    let reader = std::io::Cursor::new(head).chain(file);
    match kind {
        FileKind::BitcoinEtl | FileKind::GraphSense => {
            let mut raw = fast::RawTx::default();
            for_each_line(reader, |line_no, line| {
                let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
                if line.iter().all(u8::is_ascii_whitespace) {
                    return Ok(());
                }
                if kind == FileKind::GraphSense {
                    match std::str::from_utf8(line)
                        .map_err(|e| crate::ParseError::Other(e.to_string()))
                        .and_then(crate::graphsense::parse_tx_line)
                    {
                        Ok((tx, coinjoin)) => report.added(graph.add(&tx, coinjoin)),
                        Err(error) => report.problem(line_no, error.to_string()),
                    }
                    return Ok(());
                }
                if fast::parse_line(line, &mut raw).is_some() {
                    report.added(graph.add_raw(line, &raw, None));
                    return Ok(());
                }
                match etl::parse_line_full(line) {
                    Ok(etl::Line::Tx(tx)) => report.added(graph.add(&tx, None)),
                    Ok(etl::Line::Other(other)) => report.problem(
                        line_no,
                        format!("a bitcoin-etl {other} row, not a transaction"),
                    ),
                    Err(error) => report.problem(line_no, error.to_string()),
                }
                Ok(())
            })
            .map_err(io_error(path))?;
        }
        FileKind::GetBlock => {
            let mut bytes = Vec::new();
            let mut reader = reader;
            reader.read_to_end(&mut bytes).map_err(io_error(path))?;
            let mut counted_to = 0usize;
            let mut line = 1u64;
            getblock::parse_file(&bytes, &mut |offset, item| {
                if offset >= counted_to {
                    line += memchr::memchr_iter(b'\n', &bytes[counted_to..offset]).count() as u64;
                    counted_to = offset;
                }
                match item {
                    Ok(tx) => report.added(graph.add(&tx, None)),
                    Err(error) => report.problem(line, error.to_string()),
                }
            });
        }
    }
    Ok(report)
}

/// The file that lists what the ingest pipeline has read into the graph: one line
/// per file, `sha256<TAB>transactions<TAB>path`.
pub const LOADED_FILES: &str = "files.tsv";

/// The lock file of a graph being written: it holds the writer's process id.
pub const LOCK_FILE: &str = "lock";

/// How long a writer waits for another to finish before giving up.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// One writer at a time: held from loading the graph to saving it, so two
/// processes (two ingests, an ingest and the server's upload, `cluster --add`)
/// never each save their own snapshot over the other's. A lock whose process is
/// gone (killed) is taken over. Removed when dropped.
#[derive(Debug)]
pub struct GraphLock {
    path: std::path::PathBuf,
}

impl GraphLock {
    /// Takes the lock of a graph folder, waiting up to 30 s for another writer.
    pub fn acquire(dir: &Path) -> Result<GraphLock, UtxoError> {
        Self::acquire_within(dir, LOCK_WAIT)
    }

    fn acquire_within(dir: &Path, wait: std::time::Duration) -> Result<GraphLock, UtxoError> {
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
        let path = dir.join(LOCK_FILE);
        let started = std::time::Instant::now();
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    let pid = std::process::id().to_string();
                    std::io::Write::write_all(&mut file, pid.as_bytes())
                        .map_err(io_error(&path))?;
                    return Ok(GraphLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path).unwrap_or_default();
                    let holder = holder.trim();
                    if !holder.is_empty() && !process_alive(holder) {
                        // Its writer was killed: the snapshot on disk is whole
                        // (saves are renames), so the lock is simply stale.
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                    if started.elapsed() >= wait {
                        return Err(UtxoError::Locked {
                            path,
                            holder: holder.to_string(),
                        });
                    }
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                Err(source) => return Err(UtxoError::Io { path, source }),
            }
        }
    }
}

impl Drop for GraphLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether a process id names a running process (Linux: /proc); where that
/// cannot be told, it is taken as running.
fn process_alive(pid: &str) -> bool {
    let proc = Path::new("/proc");
    if !pid.bytes().all(|b| b.is_ascii_digit()) || !proc.join("self").exists() {
        return true;
    }
    proc.join(pid).exists()
}

/// One file's part of an ingest run on the graph.
#[derive(Debug, Clone, Serialize)]
pub struct GraphFile {
    pub path: String,
    /// Transactions new to the graph.
    pub transactions: u64,
    /// Transactions it already held (the same transaction in another export).
    pub duplicates: u64,
    /// Lines the graph could not use (the records side quarantines them too).
    pub quarantined: u64,
    /// The same content was read into the graph before: not read again.
    pub already_loaded: bool,
    /// Why the file could not be read into the graph, if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What an ingest run did to the Bitcoin graph.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GraphRun {
    pub files: Vec<GraphFile>,
    /// Transactions clustered in this run, CoinJoins among them skipped.
    pub clustered: u64,
    pub coinjoins: u64,
    pub merges: u64,
    /// Inputs still waiting for the output they spend (older blocks not read).
    pub unresolved_inputs: u64,
    /// The graph after the run.
    pub graph_transactions: u64,
    pub graph_addresses: u64,
    /// Why the graph could not be opened or saved, if so; the records side of the
    /// run is unaffected and the next run reads these files again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl GraphRun {
    /// Transactions new to the graph in this run.
    pub fn transactions(&self) -> u64 {
        self.files.iter().map(|f| f.transactions).sum()
    }
}

/// The Bitcoin graph as `unmask ingest` fills it: opened at the first Bitcoin file
/// of a run, each file read once per content (by its SHA-256, kept in
/// `files.tsv` beside the snapshot), settled and saved once at the end. Reading a
/// file twice adds nothing (transactions are keyed by txid); a newer file extends
/// the graph and clusters only what it adds. The list of files is written after
/// the snapshot, so a run killed in between reads those files again next time,
/// which only finds duplicates. Errors are kept in the [`GraphRun`], never
/// raised: the records side of the run goes on.
pub struct GraphSession {
    data_dir: std::path::PathBuf,
    state: Option<Result<OpenGraph, String>>,
    run: GraphRun,
}

struct OpenGraph {
    _lock: GraphLock,
    graph: UtxoGraph,
    loaded: std::collections::HashSet<String>,
    /// Lines to append to `files.tsv` once the snapshot is saved.
    new_lines: Vec<String>,
}

impl GraphSession {
    /// A session on a data dir's graph; nothing is read until the first file.
    pub fn new(data_dir: &Path) -> GraphSession {
        GraphSession {
            data_dir: data_dir.to_path_buf(),
            state: None,
            run: GraphRun::default(),
        }
    }

    fn open(data_dir: &Path) -> Result<OpenGraph, UtxoError> {
        let dir = crate::btc_dir(data_dir);
        let lock = GraphLock::acquire(&dir)?;
        let graph = UtxoGraph::load(&dir, crate::graph::Options::default())?;
        let list = dir.join(LOADED_FILES);
        // A list without its snapshot (graph.bin deleted, or never saved) says
        // nothing about what the graph holds.
        let snapshot = UtxoGraph::snapshot_path(&dir).exists();
        let loaded = match std::fs::read_to_string(&list) {
            Ok(_) if !snapshot => Default::default(),
            Ok(text) => text
                .lines()
                .filter_map(|line| line.split('\t').next())
                .filter(|hash| !hash.is_empty())
                .map(str::to_string)
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Default::default(),
            Err(source) => return Err(UtxoError::Io { path: list, source }),
        };
        Ok(OpenGraph {
            _lock: lock,
            graph,
            loaded,
            new_lines: Vec::new(),
        })
    }

    /// Reads a file into the graph unless a file with the same content (`sha256`,
    /// hex) was read before.
    pub fn add_file(&mut self, path: &Path, sha256: &str) -> &GraphFile {
        let data_dir = &self.data_dir;
        let state = self
            .state
            .get_or_insert_with(|| Self::open(data_dir).map_err(|e| e.to_string()));
        let mut file = GraphFile {
            path: path.display().to_string(),
            transactions: 0,
            duplicates: 0,
            quarantined: 0,
            already_loaded: false,
            error: None,
        };
        match state {
            Err(message) => {
                file.error = Some(format!("the Bitcoin graph could not be opened: {message}"))
            }
            Ok(open) if open.loaded.contains(sha256) => file.already_loaded = true,
            Ok(open) => match add_file(&mut open.graph, path) {
                Ok(report) => {
                    open.loaded.insert(sha256.to_string());
                    let clean_path = file.path.replace(['\t', '\n', '\r'], " ");
                    open.new_lines
                        .push(format!("{sha256}\t{}\t{clean_path}", report.transactions));
                    file.transactions = report.transactions;
                    file.duplicates = report.duplicates;
                    file.quarantined = report.quarantined;
                }
                Err(error) => file.error = Some(error.to_string()),
            },
        }
        self.run.files.push(file);
        self.run.files.last().expect("just pushed")
    }

    /// Clusters what the run added, saves the snapshot, then records the files
    /// read. `None` when the run had no Bitcoin file.
    pub fn finish(self) -> Option<GraphRun> {
        let mut run = self.run;
        match self.state? {
            Err(message) => run.error = Some(message),
            Ok(mut open) => {
                let settled = open.graph.settle();
                run.clustered = settled.clustered;
                run.coinjoins = settled.coinjoins;
                run.merges = settled.merges;
                run.unresolved_inputs = settled.unresolved_inputs;
                run.graph_transactions = open.graph.tx_count() as u64;
                run.graph_addresses = open.graph.addresses.len() as u64;
                if !open.new_lines.is_empty() {
                    if let Err(error) = open.save(&crate::btc_dir(&self.data_dir)) {
                        run.error = Some(error.to_string());
                    }
                }
            }
        }
        Some(run)
    }
}

impl OpenGraph {
    fn save(&mut self, dir: &Path) -> Result<(), UtxoError> {
        self.graph.save(dir)?;
        let list = dir.join(LOADED_FILES);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&list)
            .map_err(io_error(&list))?;
        let mut text = self.new_lines.join("\n");
        text.push('\n');
        std::io::Write::write_all(&mut file, text.as_bytes()).map_err(io_error(&list))?;
        file.sync_all().map_err(io_error(&list))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_writer_at_a_time_and_a_dead_writer_s_lock_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let wait = std::time::Duration::from_millis(300);
        let lock = GraphLock::acquire_within(dir.path(), wait).unwrap();
        let path = dir.path().join(LOCK_FILE);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            std::process::id().to_string()
        );
        match GraphLock::acquire_within(dir.path(), wait) {
            Err(UtxoError::Locked { holder, .. }) => {
                assert_eq!(holder, std::process::id().to_string())
            }
            other => panic!("a second writer got {other:?}"),
        }
        drop(lock);
        assert!(!path.exists());
        // A writer that was killed left its lock: no such process now.
        std::fs::write(&path, "4000000000").unwrap();
        let taken = GraphLock::acquire_within(dir.path(), wait).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            std::process::id().to_string()
        );
        drop(taken);
    }
}
