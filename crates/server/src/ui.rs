//! The web UI: server-rendered pages that work without JavaScript. Sign-in, the case
//! queue, the case page (reasons with evidence and source lines, entity graph,
//! sign-in hours, payroll), entity pages, entity search, exports and the admin's audit
//! page. Every value is escaped; every form that changes something carries the
//! session's CSRF token; responses carry a strict Content-Security-Policy.

use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use std::fmt::Write as _;
use unmask_report::escape;

use crate::accounts::{self, Role, SignIn};
use crate::api::{self, DecisionRequest};
use crate::audit;
use crate::auth::{self, ClientIp, Credential, Principal};
use crate::error::{ApiError, ErrorCode};
use crate::investigation::Shared;
use crate::listed::ListedRouter;
use crate::queries::{self, CaseQuery};
use crate::svg::{self, encode_segment};

pub fn routes() -> ListedRouter<Shared> {
    use crate::admin;
    ListedRouter::pages()
        .get("/", || async { Redirect::to("/cases") })
        .get("/signin", signin_page)
        .post("/signin", signin)
        .post("/signout", signout)
        .get("/cases", queue)
        .get("/cases/{id}", case_page)
        .post("/cases/{id}/decision", decide)
        .post("/cases/{id}/notes", note)
        .post("/cases/{id}/assignee", assign)
        .get("/cases/{id}/export/{format}", export)
        .get("/entities/{id}", entity_page)
        .get("/entities", search_page)
        .get("/admin/audit", audit_page)
        .get("/admin/users", admin::page)
        .post("/admin/users", admin::add)
        .post("/admin/users/{name}/role", admin::change_role)
        .post("/admin/users/{name}/disabled", admin::change_disabled)
        .post("/admin/users/{name}/tokens/revoke", admin::revoke)
        .post("/admin/users/{name}/password", admin::reset)
        .get("/trace", crate::trace_page::trace_page)
        .get("/screen", crate::screen_page::screen_page)
        .get("/static/style.css", stylesheet)
        .map(|router| router.layer(axum::middleware::map_response(security_headers)))
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

const STYLE: &str = include_str!("ui.css");

async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

/// A page error: unauthenticated requests go to the sign-in page, others get an
/// HTML page with the API's code and message.
pub struct UiError(pub ApiError);

impl From<ApiError> for UiError {
    fn from(error: ApiError) -> UiError {
        UiError(error)
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        if self.0.code == ErrorCode::Unauthenticated {
            return Redirect::to("/signin").into_response();
        }
        let body = format!(
            "<h1>{}</h1><p class=\"error\">{}</p><p><a href=\"/cases\">Back to the cases</a></p>",
            self.0.code.describe().1.as_u16(),
            escape(&self.0.message)
        );
        (self.0.code.describe().1, layout("Error", None, &body)).into_response()
    }
}

/// A signed-in user of the UI.
pub struct UiUser(pub Principal);

impl FromRequestParts<Shared> for UiUser {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, UiError> {
        match auth::identify(parts, state).await? {
            Some(principal) => Ok(UiUser(principal)),
            None => Err(UiError(ApiError::unauthenticated())),
        }
    }
}

/// The page frame.
pub fn layout(title: &str, principal: Option<&Principal>, body: &str) -> Html<String> {
    let mut nav = String::new();
    if let Some(principal) = principal {
        nav.push_str(r#"<a href="/cases">Cases</a> <a href="/entities">Search</a> "#);
        if principal.user.role >= Role::Analyst {
            nav.push_str(r#"<a href="/screen">Screening</a> <a href="/trace">Trace</a> "#);
        }
        if principal.user.role >= Role::Admin {
            nav.push_str(
                r#"<a href="/admin/audit">Audit log</a> <a href="/admin/users">Users</a> "#,
            );
        }
        let _ = write!(
            nav,
            r#"<span class="who">{} ({})</span> <form class="inline" method="post" action="/signout"><input type="hidden" name="csrf" value="{}"><button>Sign out</button></form>"#,
            escape(&principal.user.name),
            principal.user.role.as_str(),
            escape(principal.csrf())
        );
    }
    Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{} · unmask</title><link rel="stylesheet" href="/static/style.css"></head><body><header><a class="brand" href="/cases">unmask</a><nav>{nav}</nav></header><main>{body}</main></body></html>"#,
        escape(title)
    ))
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    csrf: String,
    name: String,
    password: String,
}

/// The sign-in page with a fresh pre-session CSRF token: the nonce goes in a cookie,
/// its signature in the form (see [`auth::signin_token`]).
fn signin_response(
    state: &Shared,
    status: StatusCode,
    message: Option<&str>,
) -> Result<Response, UiError> {
    let nonce = accounts::random_secret().map_err(ApiError::from)?;
    let token = auth::signin_token(state.signin_key()?, &nonce);
    let message = message
        .map(|m| format!(r#"<p class="error">{}</p>"#, escape(m)))
        .unwrap_or_default();
    let body = format!(
        r#"<h1>Sign in</h1>{message}<form method="post" action="/signin" class="signin"><input type="hidden" name="csrf" value="{token}"><label>Name <input name="name" autocomplete="username" required></label><label>Password <input name="password" type="password" autocomplete="current-password" required></label><button>Sign in</button></form>"#
    );
    let mut response = (status, layout("Sign in", None, &body)).into_response();
    let cookie = auth::signin_cookie(&nonce, state.config.secure_cookies);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

async fn signin_page(State(state): State<Shared>) -> Result<Response, UiError> {
    signin_response(&state, StatusCode::OK, None)
}

async fn signin(
    State(state): State<Shared>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Result<Response, UiError> {
    let Ok(Form(form)) = form else {
        return Err(UiError(ApiError::invalid_body("the form is incomplete")));
    };
    let nonce = auth::cookie(&headers, auth::SIGNIN_COOKIE);
    if !auth::signin_token_valid(state.signin_key()?, nonce, &form.csrf) {
        // A form posted from another site, or one older than this server process: no
        // password is checked and no failure counted.
        let account: String = form.name.chars().take(64).collect();
        state
            .with_store(move |store| {
                audit::append(store.conn(), "-", "sign_in.csrf_failed", &account, "", &ip)?;
                Ok(())
            })
            .await?;
        return signin_response(
            &state,
            StatusCode::FORBIDDEN,
            Some(
                "The sign-in form expired or did not come from this server. Please sign in again.",
            ),
        );
    }
    let secure = state.config.secure_cookies;
    let outcome = state
        .with_store(move |store| {
            let conn = store.conn();
            let outcome = accounts::sign_in(conn, &form.name, &form.password, &ip)?;
            let account: String = form.name.chars().take(64).collect();
            match &outcome {
                SignIn::Ok(user) => {
                    let session = accounts::create_session(conn, user)?;
                    audit::append(conn, &user.name, "sign_in", &user.name, "ui", &ip)?;
                    Ok(Ok(session))
                }
                SignIn::Refused => {
                    audit::append(conn, "-", "sign_in.refused", &account, "", &ip)?;
                    Ok(Err(false))
                }
                SignIn::RateLimited => {
                    audit::append(conn, "-", "sign_in.rate_limited", &account, "", &ip)?;
                    Ok(Err(true))
                }
            }
        })
        .await?;
    match outcome {
        Ok(session) => {
            let mut response = Redirect::to("/cases").into_response();
            if let Ok(value) = HeaderValue::from_str(&auth::session_cookie(&session.id, secure)) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            // The sign-in nonce has served its purpose.
            let expired = format!(
                "{}=; Path=/signin; HttpOnly; SameSite=Strict; Max-Age=0{}",
                auth::SIGNIN_COOKIE,
                if secure { "; Secure" } else { "" }
            );
            if let Ok(value) = HeaderValue::from_str(&expired) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            Ok(response)
        }
        Err(limited) => {
            let (status, message) = if limited {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many failed sign-ins. Try again later.",
                )
            } else {
                (StatusCode::UNAUTHORIZED, "Name or password not accepted.")
            };
            signin_response(&state, status, Some(message))
        }
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn signout(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Result<Response, UiError> {
    let token = form.map(|Form(f)| f.csrf).unwrap_or_default();
    principal.require_change(Role::Viewer, Some(&token))?;
    let secure = state.config.secure_cookies;
    state
        .with_store(move |store| {
            if let Credential::Session { id, .. } = &principal.credential {
                accounts::end_session(store.conn(), id)?;
            }
            audit::append(
                store.conn(),
                &principal.user.name,
                "sign_out",
                &principal.user.name,
                "ui",
                &principal.ip,
            )?;
            Ok(())
        })
        .await?;
    let mut response = Redirect::to("/signin").into_response();
    if let Ok(value) = HeaderValue::from_str(&auth::clear_cookie(secure)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

fn query_link(query: &CaseQuery, sort: &str) -> String {
    let mut parts = vec![format!("sort={}", encode_segment(sort))];
    if let Some(q) = &query.q {
        parts.push(format!("q={}", encode_segment(q)));
    }
    if let Some(status) = &query.status {
        parts.push(format!("status={}", encode_segment(status)));
    }
    if let Some(min) = query.min_score {
        parts.push(format!("min_score={min}"));
    }
    format!("/cases?{}", parts.join("&amp;"))
}

async fn queue(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    query: Result<Query<CaseQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Html<String>, UiError> {
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let for_store = query.clone();
    let this = std::sync::Arc::clone(&state);
    let list = state
        .with_store(move |store| this.case_list(store, &for_store))
        .await?;
    let mut body = String::from("<h1>Cases</h1>");
    let selected = |value: &str| {
        if query.status.as_deref() == Some(value) {
            " selected"
        } else {
            ""
        }
    };
    let _ = write!(
        body,
        r#"<form method="get" action="/cases" class="filters"><label>Search <input name="q" value="{}"></label><label>Status <select name="status"><option value="">any</option><option{}>open</option><option{}>confirmed</option><option{}>dismissed</option></select></label><label>Min score <input name="min_score" size="4" value="{}"></label><input type="hidden" name="sort" value="{}"><button>Filter</button></form>"#,
        escape(query.q.as_deref().unwrap_or("")),
        selected("open"),
        selected("confirmed"),
        selected("dismissed"),
        query.min_score.map(|m| m.to_string()).unwrap_or_default(),
        escape(query.sort.as_deref().unwrap_or("score"))
    );
    let _ = write!(
        body,
        r#"<p>{} cases</p><table class="queue"><thead><tr><th><a href="{}">Score</a></th><th><a href="{}">Case</a></th><th><a href="{}">Status</a></th><th>Assignee</th><th><a href="{}">Findings</a></th><th>Top reasons</th></tr></thead><tbody>"#,
        list.total,
        query_link(&query, "score"),
        query_link(&query, "title"),
        query_link(&query, "status"),
        query_link(&query, "findings"),
    );
    for case in &list.cases {
        let reasons = case
            .top_reasons
            .iter()
            .map(|r| format!("<li>{}</li>", escape(r)))
            .collect::<String>();
        let _ = write!(
            body,
            r#"<tr><td class="score">{:.2}</td><td><a href="/cases/{}">#{} {}</a></td><td class="status-{}">{}</td><td>{}</td><td>{}</td><td><ul class="reasons">{reasons}</ul></td></tr>"#,
            case.score,
            case.id,
            case.id,
            escape(&case.title),
            escape(&case.status),
            escape(&case.status),
            escape(case.assignee.as_deref().unwrap_or("")),
            case.finding_count
        );
    }
    body.push_str("</tbody></table>");
    let pages = list.total.div_ceil(list.per_page);
    if pages > 1 {
        body.push_str(r#"<p class="pages">"#);
        for page in 1..=pages.min(50) {
            let base = query_link(&query, query.sort.as_deref().unwrap_or("score"));
            let _ = write!(body, r#"<a href="{base}&amp;page={page}">{page}</a> "#);
        }
        body.push_str("</p>");
    }
    Ok(layout("Cases", Some(&principal), &body))
}

pub(crate) fn csrf_field(principal: &Principal) -> String {
    format!(
        r#"<input type="hidden" name="csrf" value="{}">"#,
        escape(principal.csrf())
    )
}

fn decision_form(principal: &Principal, id: i64, finding: Option<&str>, dismissed: bool) -> String {
    if principal.user.role < Role::Analyst {
        return String::new();
    }
    let finding_field = finding
        .map(|key| {
            format!(
                r#"<input type="hidden" name="finding" value="{}">"#,
                escape(key)
            )
        })
        .unwrap_or_default();
    let options = if dismissed {
        r#"<option value="reopened">reopen</option><option value="confirmed">confirm</option>"#
    } else {
        r#"<option value="dismissed">dismiss</option><option value="confirmed">confirm</option><option value="reopened">reopen</option>"#
    };
    format!(
        r#"<form method="post" action="/cases/{id}/decision" class="decision">{}{finding_field}<select name="decision">{options}</select> <input name="reason" placeholder="reason" required maxlength="4000"> <button>Record</button></form>"#,
        csrf_field(principal)
    )
}

async fn case_page(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, UiError> {
    let who = principal.clone();
    let this = std::sync::Arc::clone(&state);
    let (case, users) = state
        .with_store(move |store| {
            let case = this.case(store, id)?;
            let users = accounts::users(store.conn())?;
            audit::append(
                store.conn(),
                &who.user.name,
                "case.view",
                &format!("case:{id}"),
                "ui",
                &who.ip,
            )?;
            Ok((case, users))
        })
        .await?;
    let view = &case.view;
    let graph = &case.graph;
    let mut body = String::new();
    let _ = write!(
        body,
        r#"<h1>Case #{} {}</h1><p class="meta">score <b class="score">{:.2}</b> · status <b>{}</b> · assignee <b>{}</b> · key <code>{}</code></p>"#,
        view.id,
        escape(&view.title),
        view.score,
        escape(&view.status),
        escape(view.assignee.as_deref().unwrap_or("nobody")),
        escape(&view.key)
    );
    let _ = write!(
        body,
        r#"<p class="exports">Export: <a href="/cases/{id}/export/html">HTML report</a> · <a href="/cases/{id}/export/pdf">PDF</a> · <a href="/cases/{id}/export/json">JSON</a> · <a href="/cases/{id}/export/stix">STIX 2.1</a> · <a href="/cases/{id}/export/ftm">FollowTheMoney</a></p>"#
    );
    if principal.user.role >= Role::Analyst {
        body.push_str("<section><h2>Decide the case</h2>");
        body.push_str(&decision_form(
            &principal,
            id,
            None,
            view.status == "dismissed",
        ));
        let options = users
            .iter()
            .map(|u| {
                let selected = if view.assignee.as_deref() == Some(u.name.as_str()) {
                    " selected"
                } else {
                    ""
                };
                format!("<option{selected}>{}</option>", escape(&u.name))
            })
            .collect::<String>();
        let _ = write!(
            body,
            r#"<form method="post" action="/cases/{id}/assignee" class="decision">{}<select name="assignee">{options}</select> <button>Assign</button></form></section>"#,
            csrf_field(&principal)
        );
    }
    body.push_str("<section><h2>Subjects</h2><table><tr><th>Entity</th><th>Name</th><th>Employee id</th><th>Company</th></tr>");
    for subject in &view.subjects {
        let _ = write!(
            body,
            r#"<tr><td><a href="/entities/{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            encode_segment(&subject.id),
            escape(&subject.id),
            escape(&subject.caption),
            escape(subject.employee_id.as_deref().unwrap_or("")),
            escape(subject.company_id.as_deref().unwrap_or(""))
        );
    }
    body.push_str("</table></section>");
    body.push_str(r#"<section><h2>Why this case</h2><ol class="findings">"#);
    for finding in &view.findings {
        let class = if finding.dismissed {
            "finding dismissed"
        } else {
            "finding"
        };
        let _ = write!(
            body,
            r#"<li class="{class}"><p class="reason">{}</p><p class="meta">{} · {} · weight {:.2}{}</p><ul class="evidence">"#,
            escape(&finding.reason),
            escape(&finding.severity),
            escape(&finding.detector),
            finding.weight,
            if finding.dismissed {
                " · dismissed"
            } else {
                ""
            }
        );
        for evidence in &finding.evidence {
            let _ = write!(
                body,
                r#"<li>{} — <a href="/entities/{}">{}</a> <span class="source">{}</span></li>"#,
                escape(&evidence.note),
                encode_segment(&evidence.entity_id),
                escape(&evidence.entity_id),
                escape(evidence.source.as_deref().unwrap_or("no source record"))
            );
        }
        body.push_str("</ul>");
        body.push_str(&decision_form(
            &principal,
            id,
            Some(&finding.key),
            finding.dismissed,
        ));
        body.push_str("</li>");
    }
    body.push_str("</ol></section>");
    body.push_str(r#"<section><h2>Linked entities</h2>"#);
    body.push_str(graph);
    body.push_str("</section>");
    let mut counts = [0u64; 24];
    for (hour, count) in view.sign_in_hours.iter().take(24).enumerate() {
        counts[hour] = *count;
    }
    let _ = write!(
        body,
        r#"<section><h2>Sign-ins</h2><p>{} sign-ins of the subjects.</p>"#,
        counts.iter().sum::<u64>()
    );
    if let Some(start) = svg::busiest_window(&counts) {
        let _ = write!(
            body,
            r#"<p class="signature">Busiest 8 hours: {:02}:00–{:02}:00 UTC, which is {:02}:00–{:02}:00 in Pyongyang (UTC+9) and {:02}:00–{:02}:00 in New York (UTC−5).</p>"#,
            start,
            (start + 8) % 24,
            (start + 9) % 24,
            (start + 17) % 24,
            (start + 19) % 24,
            (start + 3) % 24
        );
    }
    body.push_str(&svg::hour_chart(&counts));
    body.push_str(r#"<details><summary>Latest sign-ins</summary><table><tr><th>Time (UTC)</th><th>User</th><th>Outcome</th><th>IP</th><th>Country</th><th>Network</th></tr>"#);
    for sign_in in view.sign_ins.iter().rev().take(100) {
        let time = chrono::DateTime::from_timestamp_millis(sign_in.time_ms)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let _ = write!(
            body,
            "<tr><td>{time}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&sign_in.user),
            escape(&sign_in.outcome),
            escape(sign_in.source_ip.as_deref().unwrap_or("")),
            escape(sign_in.country.as_deref().unwrap_or("")),
            escape(sign_in.as_org.as_deref().unwrap_or(""))
        );
    }
    body.push_str("</table></details></section>");
    body.push_str(r#"<section><h2>Payroll</h2><table><tr><th>Date</th><th>Beneficiary</th><th>Amount</th><th>Method</th><th>Account</th></tr>"#);
    for payment in &view.payments {
        let _ = write!(
            body,
            r#"<tr><td>{}</td><td>{}</td><td class="num">{} {}</td><td>{}</td><td><a href="/entities/{}">{}</a></td></tr>"#,
            escape(&payment.date),
            escape(&payment.beneficiary),
            escape(&payment.amount),
            escape(&payment.currency),
            escape(&payment.method),
            encode_segment(&payment.account),
            escape(&payment.account)
        );
    }
    body.push_str("</table></section>");
    body.push_str("<section><h2>Notes</h2>");
    for note in &view.notes {
        let _ = write!(
            body,
            r#"<div class="note"><p class="meta">{} · {}</p><p>{}</p></div>"#,
            escape(&note.author),
            escape(&note.created_at),
            escape(&note.body)
        );
    }
    if principal.user.role >= Role::Analyst {
        let _ = write!(
            body,
            r#"<form method="post" action="/cases/{id}/notes">{}<textarea name="body" rows="3" cols="80" required maxlength="16000"></textarea><br><button>Add note</button></form>"#,
            csrf_field(&principal)
        );
    }
    body.push_str("</section><section><h2>Decisions</h2><ul>");
    for decision in &view.decisions {
        let _ = write!(
            body,
            "<li>{} {} {} <code>{}</code> by {}: {}</li>",
            escape(&decision.decided_at),
            escape(&decision.decision),
            escape(&decision.target_kind),
            escape(&decision.target_key),
            escape(&decision.decided_by),
            escape(&decision.reason)
        );
    }
    body.push_str("</ul></section>");
    Ok(layout(
        &format!("Case {}", view.id),
        Some(&principal),
        &body,
    ))
}

/// Subjects and their neighbours (at most 60 nodes) as an SVG graph.
pub(crate) fn case_graph(
    store: &unmask_store::Store,
    view: &api::CaseView,
) -> Result<String, ApiError> {
    let mut nodes: Vec<svg::Node> = Vec::new();
    let mut edges = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for subject in &view.subjects {
        if seen.insert(subject.id.clone()) {
            nodes.push(svg::Node {
                id: subject.id.clone(),
                schema: subject.schema.clone(),
                label: subject.caption.clone(),
                subject: true,
            });
        }
    }
    for subject in &view.subjects {
        let Ok(entity) = store.entity(&subject.id) else {
            continue;
        };
        for (kind, other, direction) in &entity.links {
            // Payments have their own table below; as nodes they would drown the graph.
            if other.starts_with("payment:") || (nodes.len() >= 48 && !seen.contains(other)) {
                continue;
            }
            if seen.insert(other.clone()) {
                let (schema, label) = match store.entity(other) {
                    Ok(e) => (e.schema.clone(), e.caption().to_string()),
                    Err(_) => ("Thing".to_string(), other.clone()),
                };
                nodes.push(svg::Node {
                    id: other.clone(),
                    schema,
                    label,
                    subject: false,
                });
            }
            if direction == "out" {
                edges.push((subject.id.clone(), kind.clone(), other.clone()));
            } else {
                edges.push((other.clone(), kind.clone(), subject.id.clone()));
            }
        }
    }
    Ok(svg::entity_graph(&nodes, &edges))
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    csrf: String,
    finding: Option<String>,
    decision: String,
    reason: String,
}

async fn decide(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    Path(id): Path<i64>,
    form: Result<Form<DecisionForm>, FormRejection>,
) -> Result<Response, UiError> {
    let Form(form) = form.map_err(form_error)?;
    principal.require_change(Role::Analyst, Some(&form.csrf))?;
    let request = DecisionRequest {
        finding: form.finding.filter(|f| !f.is_empty()),
        decision: form.decision,
        reason: form.reason,
    };
    state
        .with_store(move |store| api::apply_decision(store, &principal, id, &request))
        .await?;
    Ok(Redirect::to(&format!("/cases/{id}")).into_response())
}

pub(crate) fn form_error(rejection: FormRejection) -> UiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        UiError(ApiError::payload_too_large())
    } else {
        UiError(ApiError::invalid_body("the form is incomplete"))
    }
}

#[derive(Deserialize)]
struct NoteForm {
    #[serde(default)]
    csrf: String,
    body: String,
}

async fn note(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    Path(id): Path<i64>,
    form: Result<Form<NoteForm>, FormRejection>,
) -> Result<Response, UiError> {
    let Form(form) = form.map_err(form_error)?;
    principal.require_change(Role::Analyst, Some(&form.csrf))?;
    state
        .with_store(move |store| api::apply_note(store, &principal, id, &form.body))
        .await?;
    Ok(Redirect::to(&format!("/cases/{id}")).into_response())
}

#[derive(Deserialize)]
struct AssigneeForm {
    #[serde(default)]
    csrf: String,
    assignee: String,
}

async fn assign(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    Path(id): Path<i64>,
    form: Result<Form<AssigneeForm>, FormRejection>,
) -> Result<Response, UiError> {
    let Form(form) = form.map_err(form_error)?;
    principal.require_change(Role::Analyst, Some(&form.csrf))?;
    state
        .with_store(move |store| api::apply_assignee(store, &principal, id, &form.assignee))
        .await?;
    Ok(Redirect::to(&format!("/cases/{id}")).into_response())
}

async fn export(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    Path((id, format)): Path<(i64, String)>,
) -> Result<Response, UiError> {
    Ok(state
        .with_store(move |store| api::export(store, &principal, id, &format))
        .await?)
}

async fn entity_page(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    Path(id): Path<String>,
) -> Result<Html<String>, UiError> {
    let who = principal.clone();
    let entity = state
        .with_store(move |store| {
            let entity = api::load_entity(store, &id)?;
            audit::append(
                store.conn(),
                &who.user.name,
                "entity.view",
                &format!("entity:{id}"),
                "ui",
                &who.ip,
            )?;
            Ok(entity)
        })
        .await?;
    let mut body = format!(
        "<h1>{} <small>{}</small></h1><p><code>{}</code></p><h2>Properties</h2><table>",
        escape(&entity.caption),
        escape(&entity.schema),
        escape(&entity.id)
    );
    for (prop, values) in &entity.properties {
        let _ = write!(
            body,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(prop),
            values
                .iter()
                .map(|v| escape(v))
                .collect::<Vec<_>>()
                .join("<br>")
        );
    }
    body.push_str(
        "</table><h2>Links</h2><table><tr><th>Kind</th><th>Direction</th><th>Entity</th></tr>",
    );
    for link in entity.links.iter().take(500) {
        let _ = write!(
            body,
            r#"<tr><td>{}</td><td>{}</td><td><a href="/entities/{}">{}</a></td></tr>"#,
            escape(&link.kind),
            escape(&link.direction),
            encode_segment(&link.other),
            escape(&link.other)
        );
    }
    body.push_str("</table><h2>Source records</h2><ul>");
    for record in &entity.records {
        let _ = write!(
            body,
            r#"<li><span class="source">{}</span> ({})</li>"#,
            escape(&record.source),
            escape(&record.format)
        );
    }
    body.push_str("</ul>");
    Ok(layout(&entity.caption, Some(&principal), &body))
}

#[derive(Deserialize)]
struct SearchForm {
    q: Option<String>,
}

async fn search_page(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    Query(form): Query<SearchForm>,
) -> Result<Html<String>, UiError> {
    let text = form.q.unwrap_or_default().trim().to_string();
    let mut body = format!(
        r#"<h1>Search entities</h1><form method="get" action="/entities"><input name="q" value="{}" minlength="2" maxlength="200"> <button>Search</button></form>"#,
        escape(&text)
    );
    if text.chars().count() >= 2 && text.len() <= 200 {
        let who = principal.clone();
        let hits = state
            .with_store(move |store| {
                let hits = queries::search_entities(store, &text, 100)?;
                audit::append(
                    store.conn(),
                    &who.user.name,
                    "entity.search",
                    "entities",
                    &text,
                    &who.ip,
                )?;
                Ok(hits)
            })
            .await?;
        let _ = write!(
            body,
            "<p>{} entities</p><table><tr><th>Entity</th><th>Schema</th><th>Matched</th></tr>",
            hits.len()
        );
        for hit in &hits {
            let _ = write!(
                body,
                r#"<tr><td><a href="/entities/{}">{}</a></td><td>{}</td><td>{}: {}</td></tr>"#,
                encode_segment(&hit.id),
                escape(&hit.id),
                escape(&hit.schema),
                escape(&hit.matched_prop),
                escape(&hit.matched_value)
            );
        }
        body.push_str("</table>");
    }
    Ok(layout("Search", Some(&principal), &body))
}

async fn audit_page(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
) -> Result<Html<String>, UiError> {
    principal.require(Role::Admin)?;
    let who = principal.clone();
    let (entries, users, tokens) = state
        .with_store(move |store| {
            let entries = audit::latest(store.conn(), 500)?;
            let users = accounts::users(store.conn())?;
            let tokens = accounts::tokens(store.conn())?;
            audit::append(
                store.conn(),
                &who.user.name,
                "audit.view",
                "audit_log",
                "ui",
                &who.ip,
            )?;
            Ok((entries, users, tokens))
        })
        .await?;
    let mut body = String::from("<h1>Audit log</h1><p>The latest 500 entries, newest first. The log is append-only; <code>unmask audit</code> reads all of it.</p><table class=\"audit\"><tr><th>When (UTC)</th><th>Who</th><th>Action</th><th>Target</th><th>Detail</th><th>From</th></tr>");
    for entry in &entries {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&entry.at),
            escape(&entry.actor),
            escape(&entry.action),
            escape(&entry.target),
            escape(&entry.detail),
            escape(&entry.source)
        );
    }
    body.push_str("</table><h2>Users</h2><table><tr><th>Name</th><th>Role</th></tr>");
    for user in &users {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td></tr>",
            escape(&user.name),
            user.role.as_str()
        );
    }
    body.push_str("</table><h2>API tokens</h2><table><tr><th>Id</th><th>User</th><th>Label</th><th>Created</th><th>Revoked</th></tr>");
    for token in &tokens {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            token.id,
            escape(&token.user),
            escape(&token.label),
            escape(&token.created_at),
            escape(token.revoked_at.as_deref().unwrap_or(""))
        );
    }
    body.push_str("</table>");
    Ok(layout("Audit log", Some(&principal), &body))
}
