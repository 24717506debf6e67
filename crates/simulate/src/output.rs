//! Output files: buffered writers whose errors name the path, and a writer
//! that splits a record stream into numbered files (`system_log-0000.ndjson`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::SimError;

const BUFFER_BYTES: usize = 1 << 22;

pub fn create_dir(path: &Path) -> Result<(), SimError> {
    std::fs::create_dir_all(path).map_err(|source| SimError::CreateDir {
        path: path.to_path_buf(),
        source,
    })
}

/// A large buffered file writer that remembers its path for error messages.
pub struct Output {
    path: PathBuf,
    inner: BufWriter<File>,
    pub bytes: u64,
}

impl Output {
    pub fn create(path: PathBuf) -> Result<Self, SimError> {
        if let Some(parent) = path.parent() {
            create_dir(parent)?;
        }
        let file = File::create(&path).map_err(|source| SimError::Write {
            path: path.clone(),
            source,
        })?;
        Ok(Output {
            path,
            inner: BufWriter::with_capacity(BUFFER_BYTES, file),
            bytes: 0,
        })
    }

    pub fn write(&mut self, data: &[u8]) -> Result<(), SimError> {
        self.bytes += data.len() as u64;
        self.inner
            .write_all(data)
            .map_err(|source| SimError::Write {
                path: self.path.clone(),
                source,
            })
    }

    pub fn finish(mut self) -> Result<PathBuf, SimError> {
        self.inner.flush().map_err(|source| SimError::Write {
            path: self.path.clone(),
            source,
        })?;
        Ok(self.path)
    }
}

/// Writes records into `dir/prefix-NNNN.ext`, starting a new file every
/// `per_file` records so no single export grows unmanageable.
pub struct SplitOutput {
    dir: PathBuf,
    prefix: &'static str,
    ext: &'static str,
    per_file: u64,
    in_file: u64,
    current: Option<Output>,
    pub files: Vec<PathBuf>,
    pub records: u64,
}

impl SplitOutput {
    pub fn new(dir: PathBuf, prefix: &'static str, ext: &'static str, per_file: u64) -> Self {
        SplitOutput {
            dir,
            prefix,
            ext,
            per_file,
            in_file: 0,
            current: None,
            files: Vec::new(),
            records: 0,
        }
    }

    /// Writes one complete record (the caller includes the trailing newline).
    pub fn record(&mut self, line: &[u8]) -> Result<(), SimError> {
        if self.current.is_none() || self.in_file >= self.per_file {
            if let Some(done) = self.current.take() {
                self.files.push(done.finish()?);
            }
            let name = format!("{}-{:04}.{}", self.prefix, self.files.len(), self.ext);
            self.current = Some(Output::create(self.dir.join(name))?);
            self.in_file = 0;
        }
        self.in_file += 1;
        self.records += 1;
        self.current.as_mut().expect("opened above").write(line)
    }

    /// Flushes; a stream that received no records still leaves one empty file
    /// so that readers always find the expected path.
    pub fn finish(mut self) -> Result<(Vec<PathBuf>, u64), SimError> {
        if self.current.is_none() && self.files.is_empty() {
            let name = format!("{}-0000.{}", self.prefix, self.ext);
            self.current = Some(Output::create(self.dir.join(name))?);
        }
        if let Some(done) = self.current.take() {
            self.files.push(done.finish()?);
        }
        Ok((self.files, self.records))
    }
}
