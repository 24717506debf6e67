//! `GET /healthz`: the process answers and how many list entries it serves.

use axum::extract::State;
use axum::Json;

use crate::listed::ListedRouter;
use crate::state::AppState;

pub(super) fn routes() -> ListedRouter<AppState> {
    ListedRouter::api().get("/healthz", health)
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
    /// Screening-list entries loaded.
    pub entities: usize,
    /// The lists loaded.
    pub datasets: Vec<String>,
}

#[utoipa::path(get, path = "/healthz", security(()), tag = "health", responses(
    (status = 200, body = Health, description = "the process answers")))]
pub(crate) async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        entities: state.index().entities().len(),
        datasets: state.lists().map(str::to_string).collect(),
    })
}
