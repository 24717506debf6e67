//! The routes, one file per group; [`router`] assembles them with the body limit and the
//! JSON 404. Add a group: one file here, one `.merge` line.

mod health;
mod screening;

use axum::extract::DefaultBodyLimit;
use axum::Router;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// Every route of the API.
pub fn router(state: AppState) -> Router {
    let investigation = state.investigation().cloned();
    let app = Router::new()
        .merge(health::routes())
        .merge(screening::routes())
        .fallback(|| async { ApiError::new(ErrorCode::NotFound, "no such route") })
        .layer(DefaultBodyLimit::max(crate::MAX_BODY_BYTES))
        .with_state(state);
    match investigation {
        Some(investigation) => app.merge(crate::investigation::router(investigation)),
        None => app,
    }
}
