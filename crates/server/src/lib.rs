//! unmask's server: yente-compatible sanctions screening (`POST /match/{dataset}`,
//! `GET /search[/{dataset}]?q=`), so an existing OpenSanctions yente client can point at
//! unmask, `GET /healthz`, and the investigation side.
//!
//! Investigation (accounts, audit log, `/api/v1`, web UI): [`investigation`] holds the
//! store pool and assembles [`api`] (the JSON API with its OpenAPI document), [`ui`]
//! (server-rendered pages: [`screen_page`], [`trace_page`], [`svg`] drawings), [`auth`]
//! (sessions, tokens, CSRF), [`accounts`] and [`admin`] (users, managed by admins),
//! [`audit`], [`queries`] and [`exports`] (STIX, FtM). It is mounted when the state
//! carries one ([`AppState::with_investigation`]).
//!
//! Layout:
//! - [`state`]: [`AppState`], what every handler may read (the screening index);
//! - [`routes`]: one file per group of routes, assembled in [`routes::router`]; every
//!   route is added through a [`listed::ListedRouter`], which keeps the list of what it
//!   routes so a test can hold the OpenAPI document to the router;
//! - [`error`]: every API error from one table (code, HTTP status, type), answered as
//!   JSON `{code, type, message, detail}` (`detail` is what yente clients read).
//!
//! Request bodies are limited to [`MAX_BODY_BYTES`].

pub mod accounts;
pub mod admin;
pub mod api;
pub mod api_error;
pub mod audit;
pub mod auth;
pub mod error;
pub mod exports;
pub mod investigation;
pub mod listed;
pub mod queries;
pub mod routes;
pub mod screen_page;
pub mod state;
pub mod svg;
pub mod trace_page;
pub mod ui;

use std::net::SocketAddr;

pub use error::{ApiError, ErrorCode};
pub use state::AppState;

/// Largest request body accepted (a 100-query yente batch is ~30 KB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Server start-up failures.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The address cannot be bound (in use, no permission, not an address).
    #[error("cannot listen on {bind}: {source}")]
    Bind {
        /// What was asked for.
        bind: String,
        /// Why.
        source: std::io::Error,
    },
    /// The runtime or the server loop failed.
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// Serves on a listener until the process ends. Handlers see the peer address (for
/// the audit log and the per-IP sign-in limit).
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(
        listener,
        routes::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}

/// Binds `bind` and serves on a runtime of its own, blocking; `ready` is told the bound
/// address (useful with port 0).
pub fn run_blocking(
    bind: &str,
    state: AppState,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|source| ServerError::Bind {
                bind: bind.to_string(),
                source,
            })?;
        ready(listener.local_addr()?);
        serve(listener, state).await?;
        Ok(())
    })
}
