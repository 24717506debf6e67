//! The crate's one error type. Variants say who is at fault: the caller's input
//! (`EmptyQuery`, `NameTooLong`, `InvalidQuery`), a list file that cannot be read
//! at all (`Malformed`), or a bug in our own bundled data (`BadDataFile`).

use thiserror::Error;

/// Everything that can go wrong in `unmask-screen`.
///
/// Bad *records* inside a list never become an error: they are quarantined with a
/// reason (see [`crate::Quarantined`]). An error means the whole input or query is unusable.
#[derive(Debug, Error)]
pub enum ScreenError {
    /// The query has no name, no identifier and no crypto address.
    #[error("empty query: give a name, an identifier or a crypto address to screen")]
    EmptyQuery,
    /// The query name is longer than [`crate::MAX_NAME_BYTES`].
    #[error("query name is {len} bytes long; names longer than {max} bytes are rejected")]
    NameTooLong {
        /// Length of the rejected name in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A query field is present but unusable (for example a birth date we cannot read).
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// A list file cannot be read at all (not XML, truncated, wrong format).
    #[error("{format} input is unreadable: {message}")]
    Malformed {
        /// The list format that was expected.
        format: &'static str,
        /// What is wrong, with a line number where we have one.
        message: String,
    },
    /// Reading the input failed.
    #[error("reading list input: {0}")]
    Io(#[from] std::io::Error),
    /// One of the crate's bundled data files (under `data/`) is invalid: a bug on our side.
    #[error("internal: bundled data file {file} line {line}: {message}")]
    BadDataFile {
        /// The data file name.
        file: &'static str,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Short alias used throughout the crate.
pub type Result<T> = std::result::Result<T, ScreenError>;
