//! The investigation side of the server: its configuration, a small pool of store
//! connections, and the router that joins the API (`/api/v1`), the web UI and the
//! sign-in pages. Blocking store work runs on tokio's blocking threads, never on the
//! async workers.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use unmask_store::{Store, StoreError};

use crate::error::ApiError;

/// Settings of the investigation routes.
#[derive(Debug, Clone)]
pub struct InvestigationConfig {
    pub data_dir: PathBuf,
    /// Mark session cookies `Secure`. Turn off only for plain HTTP on loopback.
    pub secure_cookies: bool,
    /// Largest upload accepted by `POST /api/v1/ingest`.
    pub max_upload_bytes: u64,
    /// Largest JSON or form body.
    pub max_body_bytes: usize,
    /// Store connections kept open (SQLite in WAL mode serves readers in parallel).
    pub connections: usize,
}

impl InvestigationConfig {
    pub fn new(data_dir: PathBuf) -> InvestigationConfig {
        InvestigationConfig {
            data_dir,
            secure_cookies: true,
            max_upload_bytes: 256 * 1024 * 1024,
            max_body_bytes: 64 * 1024,
            connections: 4,
        }
    }
}

/// Shared state of the investigation routes.
pub struct Investigation {
    pub config: InvestigationConfig,
    /// The screening index the yente routes serve, for the screening page.
    pub screening: Option<crate::state::AppState>,
    pool: Vec<Mutex<Store>>,
    next: AtomicUsize,
    /// Signs the sign-in form's CSRF tokens; random per process, so a restart only
    /// asks a user with an open sign-in form to load it again.
    signin_key: std::sync::OnceLock<[u8; 32]>,
    /// The case queue as last loaded, with the store version it was loaded at.
    queue: Mutex<Option<(String, Arc<Vec<crate::queries::QueueEntry>>)>>,
    /// Case views with their graph, by case id, with the store version they were built at.
    cases: Mutex<std::collections::HashMap<i64, (String, Arc<CachedCase>)>>,
}

/// A case as shown, built once per store version.
pub struct CachedCase {
    pub view: crate::api::CaseView,
    /// The linked-entity graph, as inline SVG.
    pub graph: String,
}

/// Most case views kept.
const CACHED_CASES: usize = 256;

pub type Shared = Arc<Investigation>;

impl Investigation {
    pub fn open(
        config: InvestigationConfig,
        screening: Option<crate::state::AppState>,
    ) -> Result<Shared, StoreError> {
        let mut pool = Vec::new();
        for _ in 0..config.connections.max(1) {
            pool.push(Mutex::new(Store::open(&config.data_dir)?));
        }
        Ok(Arc::new(Investigation {
            config,
            screening,
            pool,
            next: AtomicUsize::new(0),
            signin_key: std::sync::OnceLock::new(),
            queue: Mutex::new(None),
            cases: Mutex::new(std::collections::HashMap::new()),
        }))
    }

    /// Runs `work` with a store connection on a blocking thread.
    pub async fn with_store<T, F>(self: &Arc<Self>, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
    {
        let this = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let start = this.next.fetch_add(1, Ordering::Relaxed);
            let count = this.pool.len();
            // Take a free connection if there is one, else wait for ours in turn.
            for offset in 0..count {
                if let Ok(mut store) = this.pool[(start + offset) % count].try_lock() {
                    return work(&mut store);
                }
            }
            let mut store = this.pool[start % count]
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut store)
        })
        .await
        .map_err(|_| ApiError::internal())?
    }
}

impl Investigation {
    /// The key that signs sign-in forms' CSRF tokens, drawn on first use.
    pub fn signin_key(&self) -> Result<&[u8; 32], ApiError> {
        if let Some(key) = self.signin_key.get() {
            return Ok(key);
        }
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|_| ApiError::internal())?;
        Ok(self.signin_key.get_or_init(|| key))
    }

    /// One case for display, rebuilt only when the store changed since (a decision, a
    /// detect run, an assignment, a note). Viewing is still audited by the caller.
    pub fn case(&self, store: &Store, id: i64) -> Result<Arc<CachedCase>, ApiError> {
        let version = format!(
            "{}/{}",
            crate::queries::queue_version(store)?,
            crate::queries::notes_version(store)?
        );
        let mut cases = self
            .cases
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((at, case)) = cases.get(&id) {
            if *at == version {
                return Ok(Arc::clone(case));
            }
        }
        drop(cases);
        let (view, _) = crate::api::load_case(store, id)?;
        let graph = crate::ui::case_graph(store, &view)?;
        let case = Arc::new(CachedCase { view, graph });
        cases = self
            .cases
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if cases.len() >= CACHED_CASES {
            cases.clear();
        }
        cases.insert(id, (version, Arc::clone(&case)));
        Ok(case)
    }

    /// The case queue, filtered and paged; the unfiltered queue is cached until the
    /// store's queue version changes (a decision, a detect run, an assignment).
    pub fn case_list(
        &self,
        store: &Store,
        query: &crate::queries::CaseQuery,
    ) -> Result<crate::queries::CaseList, ApiError> {
        let version = crate::queries::queue_version(store)?;
        let cached = self
            .queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_ref()
            .filter(|(at, _)| *at == version)
            .map(|(_, entries)| Arc::clone(entries));
        let entries = match cached {
            Some(entries) => entries,
            None => {
                let entries = Arc::new(crate::queries::load_queue(store)?);
                *self
                    .queue
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) =
                    Some((version, Arc::clone(&entries)));
                entries
            }
        };
        Ok(crate::queries::filter_queue(&entries, query))
    }
}

/// The API, the web UI and the sign-in pages, with their state applied.
pub fn router(state: Shared) -> Router {
    listed_router(state).into_parts().0
}

/// [`router`] with the list of its routes.
pub fn listed_router(state: Shared) -> crate::listed::ListedRouter<()> {
    let body_limit = state.config.max_body_bytes;
    crate::listed::ListedRouter::api()
        .nest("/api/v1", crate::api::routes())
        .merge(crate::ui::routes())
        .map(|router| router.layer(axum::extract::DefaultBodyLimit::max(body_limit)))
        .with_state(state)
}
