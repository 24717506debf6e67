//! yente-compatible screening: `POST /match/{dataset}` and `GET /search[/{dataset}]`.
//! Decoding and encoding only; the answers come from `unmask_screen::yente`. Scoring runs
//! on the blocking pool so a 100-query batch never stalls other requests.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use unmask_screen::yente::{
    self, MatchParams, MatchRequest, MatchResponse, SearchParams, SearchResponse,
};

use crate::api_error::ErrorBody;
use crate::error::{ApiError, ErrorCode};
use crate::listed::ListedRouter;
use crate::state::AppState;

pub(super) fn routes() -> ListedRouter<AppState> {
    ListedRouter::api()
        .post("/match/{dataset}", match_entities)
        .get("/search", search_all)
        .get("/search/{dataset}", search_dataset)
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

#[utoipa::path(post, path = "/match/{dataset}", tag = "screening",
    description = "yente-compatible screening of up to 100 entities. With accounts (`unmask serve`), an analyst's token or session is needed and each call is audited.",
    params(
        ("dataset" = String, Path, description = "`default`, `sanctions`, `all`, `unmask`, or one list's name"),
        ("limit" = Option<usize>, Query, description = "results per query (default 5, at most 500)"),
        ("threshold" = Option<f32>, Query, description = "score at and above which a result has `match: true` (default 0.7)"),
        ("cutoff" = Option<f32>, Query, description = "lowest score returned (default: the threshold)"),
        ("algorithm" = Option<String>, Query, description = "accepted for yente clients; unmask's matcher answers"),
    ),
    request_body = super::screening_doc::MatchRequest,
    responses(
        (status = 200, body = super::screening_doc::MatchResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such dataset"), (status = 413, body = ErrorBody)))]
pub(crate) async fn match_entities(
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

#[utoipa::path(get, path = "/search", tag = "screening",
    description = "yente-compatible search over every list. With accounts, an analyst's token or session is needed and each call is audited.",
    params(
        ("q" = String, Query, description = "a name, an identifier or a crypto address"),
        ("schema" = Option<String>, Query, description = "only this FollowTheMoney schema"),
        ("limit" = Option<usize>, Query, description = "results (default 10, at most 500)"),
        ("offset" = Option<usize>, Query, description = "skip this many results"),
    ),
    responses(
        (status = 200, body = super::screening_doc::SearchResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn search_all(
    State(state): State<AppState>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<SearchResponse>, ApiError> {
    search(state, "default", params).await
}

#[utoipa::path(get, path = "/search/{dataset}", tag = "screening",
    description = "yente-compatible search over one dataset.",
    params(
        ("dataset" = String, Path, description = "`default`, `sanctions`, `all`, `unmask`, or one list's name"),
        ("q" = String, Query, description = "a name, an identifier or a crypto address"),
        ("schema" = Option<String>, Query, description = "only this FollowTheMoney schema"),
        ("limit" = Option<usize>, Query, description = "results (default 10, at most 500)"),
        ("offset" = Option<usize>, Query, description = "skip this many results"),
    ),
    responses(
        (status = 200, body = super::screening_doc::SearchResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such dataset")))]
pub(crate) async fn search_dataset(
    State(state): State<AppState>,
    Path(dataset): Path<String>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<SearchResponse>, ApiError> {
    search(state, &dataset, params).await
}
