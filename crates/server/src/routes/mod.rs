//! The routes, one file per group; [`router`] assembles them with the body limit and the
//! JSON 404. Add a group: one file here, one `.merge` line.

pub(crate) mod health;
pub(crate) mod screening;
mod screening_doc;

use axum::extract::DefaultBodyLimit;
use axum::Router;

use crate::error::{ApiError, ErrorCode};
use crate::listed::ListedRouter;
use crate::state::AppState;

/// Every route of the API.
pub fn router(state: AppState) -> Router {
    listed(state).into_parts().0
}

/// [`router`] with the list of its routes (see [`crate::listed`]).
pub fn listed(state: AppState) -> ListedRouter<()> {
    let investigation = state.investigation().cloned();
    // With accounts, screening is for analysts (token or session) and audited.
    let screening = match &investigation {
        Some(investigation) => {
            let investigation = investigation.clone();
            screening::routes().map(|router| {
                router.route_layer(axum::middleware::from_fn_with_state(
                    investigation,
                    crate::auth::require_analyst,
                ))
            })
        }
        None => screening::routes(),
    };
    let app = ListedRouter::api()
        .merge(health::routes())
        .merge(screening)
        .map(|router| {
            router
                .fallback(|| async { ApiError::new(ErrorCode::NotFound, "no such route") })
                .layer(DefaultBodyLimit::max(crate::MAX_BODY_BYTES))
        })
        .with_state(state);
    match investigation {
        Some(investigation) => app.merge(crate::investigation::listed_router(investigation)),
        None => app,
    }
}
