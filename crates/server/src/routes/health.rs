//! `GET /healthz`: the process answers and how many list entries it serves.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(health))
}

async fn health(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "status": "ok",
        "entities": state.index().entities().len(),
        "datasets": state.lists().collect::<Vec<_>>(),
    }))
}
