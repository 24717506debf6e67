//! yente-compatible screening: `POST /match/{dataset}` and `GET /search[/{dataset}]`.
//! Decoding and encoding only; the answers come from `unmask_screen::yente`. Scoring runs
//! on the blocking pool so a 100-query batch never stalls other requests.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use unmask_screen::yente::{
    self, MatchParams, MatchRequest, MatchResponse, SearchParams, SearchResponse,
};

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/match/{dataset}", post(match_entities))
        .route("/search", get(search_all))
        .route("/search/{dataset}", get(search_dataset))
}

fn body_error(rejection: JsonRejection) -> ApiError {
    let code = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ErrorCode::PayloadTooLarge
    } else {
        ErrorCode::InvalidBody
    };
    ApiError::new(code, rejection.body_text())
}

fn params_error(rejection: QueryRejection) -> ApiError {
    ApiError::new(ErrorCode::InvalidParameters, rejection.body_text())
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("screening task failed: {e}")))?
}

async fn match_entities(
    State(state): State<AppState>,
    Path(dataset): Path<String>,
    params: Result<Query<MatchParams>, QueryRejection>,
    body: Result<Json<MatchRequest>, JsonRejection>,
) -> Result<Json<MatchResponse>, ApiError> {
    let list = state.dataset(&dataset)?;
    let Query(params) = params.map_err(params_error)?;
    let Json(request) = body.map_err(body_error)?;
    let answer = blocking(move || {
        Ok(yente::answer_match(
            state.index(),
            &request,
            &params,
            list.as_deref(),
        )?)
    })
    .await?;
    Ok(Json(answer))
}

async fn search(
    state: AppState,
    dataset: &str,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<SearchResponse>, ApiError> {
    let list = state.dataset(dataset)?;
    let Query(params) = params.map_err(params_error)?;
    if params.q.trim().is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidQuery,
            "give a search text: ?q=...",
        ));
    }
    let answer =
        blocking(move || Ok(yente::search(state.index(), &params, list.as_deref())?)).await?;
    Ok(Json(answer))
}

async fn search_all(
    State(state): State<AppState>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<SearchResponse>, ApiError> {
    search(state, "default", params).await
}

async fn search_dataset(
    State(state): State<AppState>,
    Path(dataset): Path<String>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<SearchResponse>, ApiError> {
    search(state, &dataset, params).await
}
