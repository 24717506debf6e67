//! What every handler can read. Cheap to clone (an `Arc` inside); built once at start.

use std::collections::BTreeSet;
use std::sync::Arc;

use unmask_screen::ScreeningIndex;

use crate::error::{ApiError, ErrorCode};

/// Shared, read-only application state.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
    /// Accounts, cases, UI: present when serving a store (`unmask serve`).
    investigation: Option<crate::investigation::Shared>,
}

struct Inner {
    index: ScreeningIndex,
    lists: BTreeSet<String>,
}

/// `{dataset}` names that mean "every list", as yente's collections do.
pub const ALL_LISTS: &[&str] = &["default", "sanctions", "all", "unmask"];

impl AppState {
    /// State around a screening index.
    pub fn new(index: ScreeningIndex) -> AppState {
        let lists = index.entities().iter().map(|e| e.list.clone()).collect();
        AppState {
            inner: Arc::new(Inner { index, lists }),
            investigation: None,
        }
    }

    /// The same state, also serving the investigation routes (API, UI, sign-in).
    pub fn with_investigation(mut self, investigation: crate::investigation::Shared) -> AppState {
        self.investigation = Some(investigation);
        self
    }

    /// The investigation side, when mounted.
    pub fn investigation(&self) -> Option<&crate::investigation::Shared> {
        self.investigation.as_ref()
    }

    /// The screening index.
    pub fn index(&self) -> &ScreeningIndex {
        &self.inner.index
    }

    /// The `{dataset}` path segment as a list filter: `None` for every list, `Some(list)`
    /// for one; a name that is neither is a `dataset_not_found` error.
    pub fn dataset(&self, dataset: &str) -> Result<Option<String>, ApiError> {
        if ALL_LISTS.contains(&dataset) {
            Ok(None)
        } else if self.inner.lists.contains(dataset) {
            Ok(Some(dataset.to_string()))
        } else {
            Err(ApiError::new(
                ErrorCode::DatasetNotFound,
                format!(
                    "no dataset {dataset:?}: use one of {ALL_LISTS:?} or a list name ({})",
                    self.lists().collect::<Vec<_>>().join(", ")
                ),
            ))
        }
    }

    /// The lists loaded.
    pub fn lists(&self) -> impl Iterator<Item = &str> {
        self.inner.lists.iter().map(String::as_str)
    }
}
