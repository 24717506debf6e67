//! The investigation HTTP API under `/api/v1`: cases (queue, detail, decisions, notes,
//! assignee, exports), entities (one with its links, search), ingest (streamed upload),
//! tracing (a trace's addresses, exits and flow graph) and the audit log. Each handler is annotated for utoipa, and [`ApiDoc`] collects
//! them, so `/api/v1/openapi.json` is generated from the same code that routes.
//!
//! Reading a case or an entity (personal data), exporting, and every change append to
//! the audit log.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use unmask_store::Store;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::accounts::Role;
use crate::api_error::ErrorBody;
use crate::audit;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorCode};
use crate::investigation::Shared;
use crate::listed::ListedRouter;
use crate::queries::{self, CaseList, CaseQuery, EntityHit, Note, PaymentRow, SignInRow};

pub fn routes() -> ListedRouter<Shared> {
    use crate::admin;
    ListedRouter::api()
        .get("/openapi.json", openapi)
        .get("/me", me)
        .get("/cases", list_cases)
        .get("/cases/{id}", get_case)
        .post("/cases/{id}/decision", decide)
        .post("/cases/{id}/notes", add_note)
        .put("/cases/{id}/assignee", set_assignee)
        .get("/cases/{id}/export", export_case)
        .get("/entities", search_entities)
        .get("/entities/{id}", get_entity)
        .post("/ingest", ingest)
        .get("/audit", read_audit)
        .get("/trace", trace)
        .get("/users", admin::list_users)
        .post("/users", admin::add_user)
        .put("/users/{name}/role", admin::set_role)
        .put("/users/{name}/disabled", admin::set_disabled)
        .delete("/users/{name}/tokens", admin::revoke_tokens)
        .post("/users/{name}/password", admin::reset_password)
        .map(|router| router.fallback(no_route))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "unmask investigation API",
        description = "Cases, evidence, entities, ingest, tracing, users and the audit log under /api/v1; yente-compatible screening (/match/{dataset}, /search) and /healthz at the root. Authenticate with `Authorization: Bearer umk_…` (from `unmask token add`) or a browser session plus `X-CSRF-Token` on changes."
    ),
    paths(
        openapi,
        crate::routes::health::health,
        crate::routes::screening::match_entities,
        crate::routes::screening::search_all,
        crate::routes::screening::search_dataset,
        me,
        list_cases,
        get_case,
        decide,
        add_note,
        set_assignee,
        export_case,
        search_entities,
        get_entity,
        ingest,
        read_audit,
        trace,
        crate::admin::list_users,
        crate::admin::add_user,
        crate::admin::set_role,
        crate::admin::set_disabled,
        crate::admin::revoke_tokens,
        crate::admin::reset_password
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerScheme)
)]
pub struct ApiDoc;

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "token",
            Vec::<String>::new(),
        )]);
    }
}

/// The OpenAPI document, with paths prefixed by `/api/v1`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

#[utoipa::path(get, path = "/api/v1/openapi.json", security(()), responses(
    (status = 200, description = "this document (OpenAPI 3.1)", content_type = "application/json")))]
async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi_document())
}

async fn no_route() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no such route")
}

/// A JSON body whose rejections (too large, malformed) are `{code, message}` errors.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::payload_too_large(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
                    ErrorCode::UnsupportedMediaType,
                    "send the body as application/json",
                ),
                _ => ApiError::invalid_body("the JSON body does not have the expected fields"),
            }),
        }
    }
}

/// Who is calling.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub name: String,
    /// viewer, analyst or admin.
    pub role: String,
}

#[utoipa::path(get, path = "/api/v1/me", responses(
    (status = 200, body = Me), (status = 401, body = ErrorBody)))]
async fn me(principal: Principal) -> Json<Me> {
    Json(Me {
        name: principal.user.name.clone(),
        role: principal.user.role.as_str().to_string(),
    })
}

#[utoipa::path(get, path = "/api/v1/cases", params(CaseQuery), responses(
    (status = 200, body = CaseList), (status = 401, body = ErrorBody)))]
async fn list_cases(
    State(state): State<Shared>,
    principal: Principal,
    Query(query): Query<CaseQuery>,
) -> Result<Json<CaseList>, ApiError> {
    principal.require(Role::Viewer)?;
    let this = std::sync::Arc::clone(&state);
    let list = state
        .with_store(move |store| this.case_list(store, &query))
        .await?;
    Ok(Json(list))
}

/// One piece of evidence with its source record.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EvidenceItem {
    pub entity_id: String,
    pub note: String,
    /// `path:line` of the source record.
    pub source: Option<String>,
    pub format: Option<String>,
    pub record_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FindingItem {
    pub key: String,
    pub detector: String,
    pub severity: String,
    pub weight: f64,
    /// The reason in plain words.
    pub reason: String,
    pub dismissed: bool,
    pub evidence: Vec<EvidenceItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubjectItem {
    pub id: String,
    pub schema: String,
    pub caption: String,
    pub employee_id: Option<String>,
    pub company_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DecisionItem {
    pub target_kind: String,
    pub target_key: String,
    pub decision: String,
    pub reason: String,
    pub decided_by: String,
    pub decided_at: String,
}

/// A case with its findings, evidence, decisions, notes, sign-ins and payroll.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseView {
    pub id: i64,
    pub key: String,
    pub title: String,
    pub score: f64,
    pub status: String,
    pub assignee: Option<String>,
    pub subjects: Vec<SubjectItem>,
    pub findings: Vec<FindingItem>,
    pub decisions: Vec<DecisionItem>,
    pub notes: Vec<Note>,
    /// The subjects' sign-ins per UTC hour of day (24 counts, all of their history):
    /// the time-zone signature.
    pub sign_in_hours: Vec<u64>,
    /// The latest 200 sign-ins of the subjects, oldest first.
    pub sign_ins: Vec<SignInRow>,
    pub payments: Vec<PaymentRow>,
}

/// Loads a case for display (no audit entry: callers add it).
pub fn load_case(
    store: &Store,
    id: i64,
) -> Result<(CaseView, unmask_report::CaseDetail), ApiError> {
    let row = store.case(id)?;
    let detail = unmask_report::case_detail(store, &row)?;
    let subject_ids: Vec<String> = detail.subjects.iter().map(|s| s.id.clone()).collect();
    let view = CaseView {
        id: detail.id,
        key: detail.key.clone(),
        title: detail.title.clone(),
        score: detail.score,
        status: detail.status.clone(),
        assignee: queries::assignee(store, &detail.key)?,
        subjects: detail
            .subjects
            .iter()
            .map(|s| SubjectItem {
                id: s.id.clone(),
                schema: s.schema.clone(),
                caption: s.caption.clone(),
                employee_id: s.employee_id.clone(),
                company_id: s.company_id.clone(),
            })
            .collect(),
        findings: detail
            .findings
            .iter()
            .map(|f| FindingItem {
                key: f.key.clone(),
                detector: f.detector.clone(),
                severity: f.severity.clone(),
                weight: f.weight,
                reason: f.reason.clone(),
                dismissed: f.dismissed,
                evidence: f
                    .evidence
                    .iter()
                    .map(|e| EvidenceItem {
                        entity_id: e.entity_id.clone(),
                        note: e.note.clone(),
                        source: e.source.clone(),
                        format: e.format.clone(),
                        record_id: e.record_id,
                    })
                    .collect(),
            })
            .collect(),
        decisions: detail
            .decisions
            .iter()
            .map(|d| DecisionItem {
                target_kind: d.target_kind.clone(),
                target_key: d.target_key.clone(),
                decision: d.decision.clone(),
                reason: d.reason.clone(),
                decided_by: d.decided_by.clone(),
                decided_at: d.decided_at.clone(),
            })
            .collect(),
        notes: queries::notes(store, &detail.key)?,
        sign_in_hours: queries::sign_in_hours(store, &subject_ids)?,
        sign_ins: queries::sign_ins(store, &subject_ids, 200)?,
        payments: queries::payments(store, &subject_ids)?,
    };
    Ok((view, detail))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = i64, Path)), responses(
    (status = 200, body = CaseView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_case(
    State(state): State<Shared>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Json<CaseView>, ApiError> {
    principal.require(Role::Viewer)?;
    let this = std::sync::Arc::clone(&state);
    let case = state
        .with_store(move |store| {
            let case = this.case(store, id)?;
            audit::append(
                store.conn(),
                &principal.user.name,
                "case.view",
                &format!("case:{id}"),
                "api",
                &principal.ip,
            )?;
            Ok(case)
        })
        .await?;
    Ok(Json(case.view.clone()))
}

/// A decision on the case or on one of its findings.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DecisionRequest {
    /// Key of one of the case's findings; absent for the case itself.
    pub finding: Option<String>,
    /// `dismissed`, `confirmed` or `reopened`.
    pub decision: String,
    /// Why; kept with the decision and in the audit log.
    pub reason: String,
}

/// The outcome of a change.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Changed {
    pub ok: bool,
    /// The case's status after the change.
    pub status: String,
}

/// Records a decision; shared by the API and the UI's forms.
pub fn apply_decision(
    store: &Store,
    principal: &Principal,
    id: i64,
    request: &DecisionRequest,
) -> Result<Changed, ApiError> {
    if !matches!(
        request.decision.as_str(),
        "dismissed" | "confirmed" | "reopened"
    ) {
        return Err(ApiError::invalid_body(
            "decision must be dismissed, confirmed or reopened",
        ));
    }
    if request.reason.trim().is_empty() || request.reason.len() > 4000 {
        return Err(ApiError::invalid_body(
            "a reason of 1 to 4000 bytes is required",
        ));
    }
    let row = store.case(id)?;
    let (kind, key) = match &request.finding {
        Some(finding) => {
            if !row.findings.iter().any(|f| &f.key == finding) {
                return Err(ApiError::new(
                    ErrorCode::NotFound,
                    "the case has no finding with this key",
                ));
            }
            ("finding", finding.clone())
        }
        None => ("case", row.summary.key.clone()),
    };
    store.decide(
        kind,
        &key,
        &request.decision,
        &request.reason,
        &principal.user.name,
    )?;
    audit::append(
        store.conn(),
        &principal.user.name,
        &format!("{kind}.{}", request.decision),
        &format!("case:{id}/{kind}:{key}"),
        &request.reason,
        &principal.ip,
    )?;
    let status = store.case(id)?.summary.status;
    Ok(Changed { ok: true, status })
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/decision", params(("id" = i64, Path)),
    request_body = DecisionRequest, responses(
    (status = 200, body = Changed), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn decide(
    State(state): State<Shared>,
    principal: Principal,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<DecisionRequest>,
) -> Result<Json<Changed>, ApiError> {
    principal.require_change(Role::Analyst, None)?;
    let changed = state
        .with_store(move |store| apply_decision(store, &principal, id, &request))
        .await?;
    Ok(Json(changed))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NoteRequest {
    pub body: String,
}

/// Adds a note; shared by the API and the UI.
pub fn apply_note(
    store: &Store,
    principal: &Principal,
    id: i64,
    body: &str,
) -> Result<Note, ApiError> {
    if body.trim().is_empty() || body.len() > 16_000 {
        return Err(ApiError::invalid_body(
            "a note of 1 to 16000 bytes is required",
        ));
    }
    let key = store.case_key(id)?;
    let note_id = queries::add_note(store, &key, &principal.user.name, body)?;
    audit::append(
        store.conn(),
        &principal.user.name,
        "case.note",
        &format!("case:{id}"),
        &format!("note {note_id}"),
        &principal.ip,
    )?;
    queries::notes(store, &key)?
        .into_iter()
        .find(|n| n.id == note_id)
        .ok_or_else(ApiError::internal)
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", params(("id" = i64, Path)),
    request_body = NoteRequest, responses(
    (status = 200, body = Note), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn add_note(
    State(state): State<Shared>,
    principal: Principal,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<NoteRequest>,
) -> Result<Json<Note>, ApiError> {
    principal.require_change(Role::Analyst, None)?;
    let note = state
        .with_store(move |store| apply_note(store, &principal, id, &request.body))
        .await?;
    Ok(Json(note))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssigneeRequest {
    /// Name of an existing user.
    pub assignee: String,
}

/// Assigns a case; shared by the API and the UI.
pub fn apply_assignee(
    store: &Store,
    principal: &Principal,
    id: i64,
    assignee: &str,
) -> Result<Changed, ApiError> {
    if crate::accounts::user_by_name(store.conn(), assignee)?.is_none() {
        return Err(ApiError::invalid_body(
            "the assignee must be an existing user",
        ));
    }
    let row = store.case(id)?;
    queries::set_assignee(store, &row.summary.key, assignee, &principal.user.name)?;
    audit::append(
        store.conn(),
        &principal.user.name,
        "case.assign",
        &format!("case:{id}"),
        assignee,
        &principal.ip,
    )?;
    Ok(Changed {
        ok: true,
        status: row.summary.status,
    })
}

#[utoipa::path(put, path = "/api/v1/cases/{id}/assignee", params(("id" = i64, Path)),
    request_body = AssigneeRequest, responses(
    (status = 200, body = Changed), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn set_assignee(
    State(state): State<Shared>,
    principal: Principal,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<AssigneeRequest>,
) -> Result<Json<Changed>, ApiError> {
    principal.require_change(Role::Analyst, None)?;
    let changed = state
        .with_store(move |store| apply_assignee(store, &principal, id, &request.assignee))
        .await?;
    Ok(Json(changed))
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `json`, `stix` (STIX 2.1 bundle), `ftm` (FollowTheMoney JSON lines), `html` or
    /// `pdf` (the HTML report printed by headless Chromium).
    pub format: String,
}

/// Renders an export of a case and records it in the audit log.
pub fn export(
    store: &Store,
    principal: &Principal,
    id: i64,
    format: &str,
) -> Result<Response, ApiError> {
    let (view, detail) = load_case(store, id)?;
    let (content_type, extension, body) = match format {
        "json" => (
            "application/json",
            "json",
            serde_json::to_string_pretty(&view).map_err(|_| ApiError::internal())?,
        ),
        "stix" => (
            "application/stix+json;version=2.1",
            "stix.json",
            crate::exports::stix_bundle(store, &detail)?,
        ),
        "ftm" => (
            "application/x-ndjson",
            "ftm.jsonl",
            crate::exports::ftm_lines(store, &detail)?,
        ),
        "html" => (
            "text/html; charset=utf-8",
            "html",
            unmask_report::html(
                &format!("unmask case {}", detail.id),
                &chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                std::slice::from_ref(&detail),
            ),
        ),
        "pdf" => {
            let html = unmask_report::html(
                &format!("unmask case {}", detail.id),
                &chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                std::slice::from_ref(&detail),
            );
            let pdf = crate::exports::html_to_pdf(&html).map_err(|error| {
                tracing::error!("pdf export: {error}");
                ApiError::new(
                    crate::error::ErrorCode::Internal,
                    "PDF export needs Chromium on the server; use the HTML report",
                )
            })?;
            audit::append(
                store.conn(),
                &principal.user.name,
                "export.pdf",
                &format!("case:{id}"),
                "",
                &principal.ip,
            )?;
            let disposition = format!("attachment; filename=\"unmask-case-{id}.pdf\"");
            return Ok((
                [
                    (header::CONTENT_TYPE, "application/pdf".to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                pdf,
            )
                .into_response());
        }
        _ => {
            return Err(ApiError::invalid_parameters(
                "format must be json, stix, ftm, html or pdf",
            ))
        }
    };
    audit::append(
        store.conn(),
        &principal.user.name,
        &format!("export.{format}"),
        &format!("case:{id}"),
        "",
        &principal.ip,
    )?;
    let disposition = format!("attachment; filename=\"unmask-case-{id}.{extension}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/export", params(("id" = i64, Path), ExportQuery), responses(
    (status = 200, description = "the export as an attachment"), (status = 400, body = ErrorBody),
    (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn export_case(
    State(state): State<Shared>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    principal.require(Role::Viewer)?;
    state
        .with_store(move |store| export(store, &principal, id, &query.format))
        .await
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Text in an entity's id or any property value (at least 2 characters).
    pub q: String,
    /// At most this many entities (1 to 200, default 50).
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SearchResult {
    pub entities: Vec<EntityHit>,
}

#[utoipa::path(get, path = "/api/v1/entities", params(SearchQuery), responses(
    (status = 200, body = SearchResult), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn search_entities(
    State(state): State<Shared>,
    principal: Principal,
    Query(query): Query<SearchQuery>,
) -> Result<Json<SearchResult>, ApiError> {
    principal.require(Role::Viewer)?;
    let text = query.q.trim().to_string();
    if text.chars().count() < 2 || text.len() > 200 {
        return Err(ApiError::invalid_parameters(
            "q must be 2 to 200 characters",
        ));
    }
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let entities = state
        .with_store(move |store| {
            let hits = queries::search_entities(store, &text, limit)?;
            audit::append(
                store.conn(),
                &principal.user.name,
                "entity.search",
                "entities",
                &text,
                &principal.ip,
            )?;
            Ok(hits)
        })
        .await?;
    Ok(Json(SearchResult { entities }))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LinkItem {
    pub kind: String,
    /// The entity at the other end.
    pub other: String,
    /// `out` (this entity is the source) or `in`.
    pub direction: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecordRef {
    pub record_id: i64,
    /// `path:line`.
    pub source: String,
    pub format: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EntityItem {
    pub id: String,
    pub schema: String,
    pub caption: String,
    pub properties: BTreeMap<String, Vec<String>>,
    pub links: Vec<LinkItem>,
    pub records: Vec<RecordRef>,
}

pub fn load_entity(store: &Store, id: &str) -> Result<EntityItem, ApiError> {
    let entity = store.entity(id)?;
    let mut records = Vec::new();
    for record_id in entity.record_ids.iter().take(200) {
        let record = store.record(*record_id)?;
        records.push(RecordRef {
            record_id: *record_id,
            source: format!("{}:{}", record.path, record.line),
            format: record.format,
        });
    }
    Ok(EntityItem {
        caption: entity.caption().to_string(),
        id: entity.id.clone(),
        schema: entity.schema.clone(),
        properties: entity.properties.clone(),
        links: entity
            .links
            .iter()
            .map(|(kind, other, direction)| LinkItem {
                kind: kind.clone(),
                other: other.clone(),
                direction: direction.clone(),
            })
            .collect(),
        records,
    })
}

#[utoipa::path(get, path = "/api/v1/entities/{id}", params(("id" = String, Path, description = "entity id, URL-encoded")), responses(
    (status = 200, body = EntityItem), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_entity(
    State(state): State<Shared>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<EntityItem>, ApiError> {
    principal.require(Role::Viewer)?;
    let entity = state
        .with_store(move |store| {
            let entity = load_entity(store, &id)?;
            audit::append(
                store.conn(),
                &principal.user.name,
                "entity.view",
                &format!("entity:{id}"),
                "api",
                &principal.ip,
            )?;
            Ok(entity)
        })
        .await?;
    Ok(Json(entity))
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IngestQuery {
    /// File name to keep with the records' provenance: letters, digits, `.`, `_`, `-`;
    /// no path.
    pub name: String,
    /// Force this input format instead of detecting it.
    pub format: Option<String>,
    /// Organisation id for files without a company_id column.
    pub org: Option<String>,
}

/// A file name safe to create in the uploads folder, or `None`.
pub fn safe_upload_name(name: &str) -> Option<&str> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && !name.contains("..")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    ok.then_some(name)
}

#[utoipa::path(post, path = "/api/v1/ingest", params(IngestQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "the file, streamed"),
    responses(
    (status = 200, description = "the reconciliation: read = stored + duplicates + quarantined, per file"),
    (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 413, body = ErrorBody)))]
async fn ingest(
    State(state): State<Shared>,
    principal: Principal,
    Query(query): Query<IngestQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    principal.require_change(Role::Analyst, None)?;
    let Some(name) = safe_upload_name(&query.name).map(str::to_string) else {
        return Err(ApiError::invalid_parameters(
            "name must be a plain file name (letters, digits, '.', '_', '-'), not a path",
        ));
    };
    if let Some(format) = &query.format {
        if unmask_ingest::by_name(format).is_none() {
            return Err(ApiError::invalid_parameters(
                "unknown format; see `unmask formats`",
            ));
        }
    }
    let limit = state.config.max_upload_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(ApiError::payload_too_large());
    }
    let uploads = state.config.data_dir.join("uploads");
    tokio::fs::create_dir_all(&uploads)
        .await
        .map_err(|_| ApiError::internal())?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    let unique = &crate::accounts::random_secret()?[..8];
    let partial = uploads.join(format!(".partial-{unique}"));
    let final_path = uploads.join(format!("{stamp}-{unique}-{name}"));
    if let Err(error) = stream_to_file(body, &partial, limit).await {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(error);
    }
    tokio::fs::rename(&partial, &final_path)
        .await
        .map_err(|_| ApiError::internal())?;
    let report = state
        .with_store(move |store| {
            let options = unmask_ingest::IngestOptions {
                format: query.format.as_deref(),
                org: query.org.as_deref(),
                progress: false,
                command: format!("serve: upload {name} by {}", principal.user.name),
            };
            let report = unmask_ingest::ingest(store, &[final_path], &options)?;
            audit::append(
                store.conn(),
                &principal.user.name,
                "ingest",
                &format!("upload:{name}"),
                &format!(
                    "run {} read {} stored {} duplicates {} quarantined {}",
                    report.run_id,
                    report.total.read,
                    report.total.stored,
                    report.total.duplicates,
                    report.total.quarantined
                ),
                &principal.ip,
            )?;
            serde_json::to_value(&report).map_err(|_| ApiError::internal())
        })
        .await?;
    Ok(Json(report).into_response())
}

async fn stream_to_file(body: Body, path: &std::path::Path, limit: u64) -> Result<(), ApiError> {
    use futures_util::StreamExt;
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|_| ApiError::internal())?;
    let mut stream = body.into_data_stream();
    let mut written: u64 = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ApiError::invalid_body("the upload was interrupted"))?;
        written += chunk.len() as u64;
        if written > limit {
            return Err(ApiError::payload_too_large());
        }
        file.write_all(&chunk)
            .await
            .map_err(|_| ApiError::internal())?;
    }
    file.flush().await.map_err(|_| ApiError::internal())?;
    Ok(())
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// RFC 3339 time or date prefix, e.g. `2026-11-25`.
    pub since: Option<String>,
    pub actor: Option<String>,
    /// At most this many entries (default 1000, at most 10000).
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditList {
    pub entries: Vec<AuditItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditItem {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub source: String,
}

#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery), responses(
    (status = 200, body = AuditList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn read_audit(
    State(state): State<Shared>,
    principal: Principal,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditList>, ApiError> {
    principal.require(Role::Admin)?;
    let limit = query.limit.unwrap_or(1000).clamp(1, 10_000);
    let entries = state
        .with_store(move |store| {
            let entries = audit::entries(
                store.conn(),
                query.since.as_deref(),
                query.actor.as_deref(),
                limit,
            )?;
            audit::append(
                store.conn(),
                &principal.user.name,
                "audit.view",
                "audit_log",
                "api",
                &principal.ip,
            )?;
            Ok(entries)
        })
        .await?;
    Ok(Json(AuditList {
        entries: entries
            .into_iter()
            .map(|e| AuditItem {
                id: e.id,
                at: e.at,
                actor: e.actor,
                action: e.action,
                target: e.target,
                detail: e.detail,
                source: e.source,
            })
            .collect(),
    }))
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TraceQuery {
    /// Where to start: a 0x Ethereum address, or Bitcoin addresses (base58, bech32)
    /// and outputs (`txid:vout`); several separated by commas, all of one chain.
    pub seed: String,
    /// `haircut` (default), `poison` or `fifo`.
    pub model: Option<String>,
    /// Where the seed's funds came from instead of where they went.
    pub backward: Option<bool>,
    /// 1 to 50, default 10.
    pub max_hops: Option<u32>,
    /// Labelled services where taint exits, comma-separated (`exchange`, `bridge`,
    /// `mixer`, `dex`, `otc`, `sanctioned`; `none` for none). Default
    /// `exchange,bridge,mixer`.
    pub stop_at: Option<String>,
    /// Taint below this fraction of what left the seeds is dust, not followed to new
    /// addresses (counted in the books). Default 0.000001; 0 follows everything.
    pub dust_floor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/trace", params(TraceQuery), responses(
    (status = 200, description = "the trace (Ethereum or Bitcoin seeds): tainted addresses, exits, flows (the flow graph: from, to, asset, amount) and the reconciliation"),
    (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)))]
async fn trace(
    State(state): State<Shared>,
    principal: Principal,
    Query(query): Query<TraceQuery>,
) -> Result<Response, ApiError> {
    principal.require(Role::Analyst)?;
    let model = query.model.unwrap_or_else(|| "haircut".to_string());
    let options = crate::trace_page::trace_options(
        &model,
        query.backward.unwrap_or(false),
        query.max_hops,
        query.stop_at.as_deref(),
        query.dust_floor.as_deref(),
    )?;
    let seeds = crate::trace_page::split_seeds(&query.seed);
    crate::trace_page::run_trace(&state, &principal, seeds, &model, options)
        .await?
        .map(|result| Json(result).into_response())
}
