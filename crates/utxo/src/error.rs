//! The crate's errors. [`ParseError`] is the input's fault (which record, what was
//! expected); [`UtxoError`] covers the stores and files this crate keeps.

use std::path::PathBuf;

/// A record that cannot be read; the caller quarantines it with this reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("field `{field}`: {message}")]
    Field {
        field: &'static str,
        message: String,
    },
    #[error("missing field `{0}`")]
    Missing(&'static str),
    #[error("{0}")]
    Other(String),
}

impl ParseError {
    pub(crate) fn field(field: &'static str, message: impl Into<String>) -> Self {
        ParseError::Field {
            field,
            message: message.into(),
        }
    }
}

/// Errors of the on-disk state this crate keeps (cluster store, bench inputs).
#[derive(Debug, thiserror::Error)]
pub enum UtxoError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is damaged: {message}")]
    Corrupt { path: PathBuf, message: String },
    #[error("{path}: another process ({holder}) is writing the Bitcoin graph; try again when it is done, or remove the file if no unmask runs")]
    Locked { path: PathBuf, holder: String },
    #[error("more than {0} addresses; ids are 31-bit in this build")]
    Full(u64),
    #[error(transparent)]
    Parse(#[from] ParseError),
}

pub(crate) fn io_error(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> UtxoError + '_ {
    move |source| UtxoError::Io {
        path: path.to_path_buf(),
        source,
    }
}
