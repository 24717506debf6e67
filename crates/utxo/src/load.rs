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
