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
    // With accounts, screening is for analysts (token or session) and audited.
    let screening = match &investigation {
        Some(investigation) => {
            screening::routes().route_layer(axum::middleware::from_fn_with_state(
                investigation.clone(),
                crate::auth::require_analyst,
            ))
        }
        None => screening::routes(),
    };
    let app = Router::new()
        .merge(health::routes())
        .merge(screening)
        .fallback(|| async { ApiError::new(ErrorCode::NotFound, "no such route") })
        .layer(DefaultBodyLimit::max(crate::MAX_BODY_BYTES))
        .with_state(state);
    match investigation {
        Some(investigation) => app.merge(crate::investigation::router(investigation)),
        None => app,
    }
}
