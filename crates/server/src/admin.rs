//! Admins manage users from the server: the `/api/v1/users` routes and the
//! `/admin/users` page. List users (role, created, last sign-in, disabled, live tokens),
//! add one (its one-time password is shown once), change a role, disable or enable
//! (a disabled user's sessions end and tokens are refused at once), revoke a user's
//! tokens, issue a new one-time password. Admins only; every form carries the session's
//! CSRF token; every change is appended to the audit log; the last enabled admin can
//! neither be disabled nor lose the role (checked in the same SQL statement as the
//! change).

use std::fmt::Write as _;

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::{Deserialize, Serialize};
use unmask_report::escape;
use unmask_store::Store;
use utoipa::ToSchema;

use crate::accounts::{self, Role, UserInfo};
use crate::api::ApiJson;
use crate::api_error::ErrorBody;
use crate::audit;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::investigation::Shared;
use crate::svg::encode_segment;
use crate::ui::{csrf_field, form_error, layout, UiError, UiUser};

/// Every user, disabled ones included.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserList {
    pub users: Vec<UserInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NewUserRequest {
    /// 1 to 64 letters, digits, `.`, `_`, `-` or `@`.
    pub name: String,
    /// viewer, analyst or admin.
    pub role: String,
}

/// A new user or a reset password: the one-time password is shown this once, never
/// stored in clear.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OneTimePassword {
    pub user: UserInfo,
    pub one_time_password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RoleRequest {
    /// viewer, analyst or admin.
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DisabledRequest {
    pub disabled: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokensRevoked {
    pub user: String,
    /// Tokens revoked by this call (already revoked ones are not counted).
    pub revoked: usize,
}

fn audit_change(
    store: &Store,
    principal: &Principal,
    action: &str,
    user: &str,
    detail: &str,
) -> Result<(), ApiError> {
    audit::append(
        store.conn(),
        &principal.user.name,
        action,
        &format!("user:{user}"),
        detail,
        &principal.ip,
    )?;
    Ok(())
}

/// Creates a user; shared by the API and the page.
pub fn apply_add_user(
    store: &Store,
    principal: &Principal,
    name: &str,
    role: &str,
) -> Result<OneTimePassword, ApiError> {
    let role = Role::parse(role)?;
    let (user, password) = accounts::add_user(store.conn(), name, role)?;
    audit_change(store, principal, "user.add", &user.name, role.as_str())?;
    Ok(OneTimePassword {
        user: accounts::user_info(store.conn(), &user.name)?,
        one_time_password: password,
    })
}

/// Changes a role; shared by the API and the page.
pub fn apply_role(
    store: &Store,
    principal: &Principal,
    name: &str,
    role: &str,
) -> Result<UserInfo, ApiError> {
    let role = Role::parse(role)?;
    let before = accounts::set_role(store.conn(), name, role)?;
    audit_change(
        store,
        principal,
        "user.role",
        name,
        &format!("{} -> {}", before.as_str(), role.as_str()),
    )?;
    Ok(accounts::user_info(store.conn(), name)?)
}

/// Disables or enables a user; shared by the API and the page.
pub fn apply_disabled(
    store: &Store,
    principal: &Principal,
    name: &str,
    disabled: bool,
) -> Result<UserInfo, ApiError> {
    accounts::set_disabled(store.conn(), name, disabled)?;
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    audit_change(store, principal, action, name, "")?;
    Ok(accounts::user_info(store.conn(), name)?)
}

/// Revokes a user's live tokens; shared by the API and the page.
pub fn apply_revoke_tokens(
    store: &Store,
    principal: &Principal,
    name: &str,
) -> Result<TokensRevoked, ApiError> {
    let revoked = accounts::revoke_user_tokens(store.conn(), name)?;
    audit_change(
        store,
        principal,
        "user.tokens_revoked",
        name,
        &format!("{revoked} tokens"),
    )?;
    Ok(TokensRevoked {
        user: name.to_string(),
        revoked,
    })
}

/// Issues a new one-time password and ends the user's sessions.
pub fn apply_reset(
    store: &Store,
    principal: &Principal,
    name: &str,
) -> Result<OneTimePassword, ApiError> {
    let password = accounts::reset_password(store.conn(), name)?;
    audit_change(store, principal, "user.reset", name, "")?;
    Ok(OneTimePassword {
        user: accounts::user_info(store.conn(), name)?,
        one_time_password: password,
    })
}

/// Secrets in a response must not be kept by caches or the browser's history.
fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[utoipa::path(get, path = "/api/v1/users", responses(
    (status = 200, body = UserList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_users(
    State(state): State<Shared>,
    principal: Principal,
) -> Result<Json<UserList>, ApiError> {
    principal.require(Role::Admin)?;
    let users = state
        .with_store(|store| Ok(accounts::user_list(store.conn())?))
        .await?;
    Ok(Json(UserList { users }))
}

#[utoipa::path(post, path = "/api/v1/users", request_body = NewUserRequest, responses(
    (status = 201, body = OneTimePassword, description = "the user and a one-time password, shown once"),
    (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "the name is taken")))]
pub async fn add_user(
    State(state): State<Shared>,
    principal: Principal,
    ApiJson(request): ApiJson<NewUserRequest>,
) -> Result<Response, ApiError> {
    principal.require_change(Role::Admin, None)?;
    let created = state
        .with_store(move |store| apply_add_user(store, &principal, &request.name, &request.role))
        .await?;
    Ok(no_store(
        (StatusCode::CREATED, Json(created)).into_response(),
    ))
}

#[utoipa::path(put, path = "/api/v1/users/{name}/role", params(("name" = String, Path)),
    request_body = RoleRequest, responses(
    (status = 200, body = UserInfo), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "the last enabled admin keeps the role")))]
pub async fn set_role(
    State(state): State<Shared>,
    principal: Principal,
    Path(name): Path<String>,
    ApiJson(request): ApiJson<RoleRequest>,
) -> Result<Json<UserInfo>, ApiError> {
    principal.require_change(Role::Admin, None)?;
    let user = state
        .with_store(move |store| apply_role(store, &principal, &name, &request.role))
        .await?;
    Ok(Json(user))
}

#[utoipa::path(put, path = "/api/v1/users/{name}/disabled", params(("name" = String, Path)),
    request_body = DisabledRequest, responses(
    (status = 200, body = UserInfo), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "the last enabled admin cannot be disabled")))]
pub async fn set_disabled(
    State(state): State<Shared>,
    principal: Principal,
    Path(name): Path<String>,
    ApiJson(request): ApiJson<DisabledRequest>,
) -> Result<Json<UserInfo>, ApiError> {
    principal.require_change(Role::Admin, None)?;
    let user = state
        .with_store(move |store| apply_disabled(store, &principal, &name, request.disabled))
        .await?;
    Ok(Json(user))
}

#[utoipa::path(delete, path = "/api/v1/users/{name}/tokens", params(("name" = String, Path)), responses(
    (status = 200, body = TokensRevoked), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_tokens(
    State(state): State<Shared>,
    principal: Principal,
    Path(name): Path<String>,
) -> Result<Json<TokensRevoked>, ApiError> {
    principal.require_change(Role::Admin, None)?;
    let revoked = state
        .with_store(move |store| apply_revoke_tokens(store, &principal, &name))
        .await?;
    Ok(Json(revoked))
}

#[utoipa::path(post, path = "/api/v1/users/{name}/password", params(("name" = String, Path)), responses(
    (status = 200, body = OneTimePassword, description = "a new one-time password, shown once; the user's sessions end"),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<Shared>,
    principal: Principal,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    principal.require_change(Role::Admin, None)?;
    let reset = state
        .with_store(move |store| apply_reset(store, &principal, &name))
        .await?;
    Ok(no_store(Json(reset).into_response()))
}

// ---- the page ----

fn role_options(current: &str) -> String {
    ["viewer", "analyst", "admin"]
        .iter()
        .map(|role| {
            let selected = if *role == current { " selected" } else { "" };
            format!("<option{selected}>{role}</option>")
        })
        .collect()
}

/// The users page; `notice` is shown above the table (a one-time password, once).
fn users_page(principal: &Principal, users: &[UserInfo], notice: &str) -> Html<String> {
    let csrf = csrf_field(principal);
    let mut body = String::from("<h1>Users</h1>");
    body.push_str(notice);
    let _ = write!(
        body,
        r#"<section><h2>Add a user</h2><form method="post" action="/admin/users" class="add-user">{csrf}<label>Name <input name="name" required maxlength="64" pattern="[A-Za-z0-9._@-]+"></label> <label>Role <select name="role">{}</select></label> <button>Add</button></form><p class="meta">The new user's one-time password is shown once, here.</p></section>"#,
        role_options("viewer")
    );
    body.push_str(r#"<section><h2>Accounts</h2><table class="users"><tr><th>Name</th><th>Role</th><th>Created (UTC)</th><th>Last sign-in (UTC)</th><th>State</th><th>Live tokens</th><th>Actions</th></tr>"#);
    for user in users {
        let path = format!("/admin/users/{}", encode_segment(&user.name));
        let (state, toggle, label) = if user.disabled {
            ("disabled", "0", "Enable")
        } else {
            ("active", "1", "Disable")
        };
        let revoke = if user.active_tokens > 0 {
            format!(
                r#"<form class="inline" method="post" action="{path}/tokens/revoke">{csrf}<button>Revoke tokens</button></form> "#
            )
        } else {
            String::new()
        };
        let _ = write!(
            body,
            r#"<tr class="user-{state}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{state}</td><td class="num">{}</td><td><form class="inline" method="post" action="{path}/role">{csrf}<select name="role">{}</select> <button>Set role</button></form> <form class="inline" method="post" action="{path}/disabled">{csrf}<input type="hidden" name="disabled" value="{toggle}"><button>{label}</button></form> {revoke}<form class="inline" method="post" action="{path}/password">{csrf}<button>New password</button></form></td></tr>"#,
            escape(&user.name),
            escape(&user.role),
            escape(&user.created_at),
            escape(user.last_sign_in.as_deref().unwrap_or("never")),
            user.active_tokens,
            role_options(&user.role),
        );
    }
    body.push_str("</table></section><p>API tokens are issued with <code>unmask token add</code>; the <a href=\"/admin/audit\">audit log</a> lists every change made here.</p>");
    layout("Users", Some(principal), &body)
}

async fn load_users(state: &Shared) -> Result<Vec<UserInfo>, ApiError> {
    state
        .with_store(|store| Ok(accounts::user_list(store.conn())?))
        .await
}

pub async fn page(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
) -> Result<Html<String>, UiError> {
    principal.require(Role::Admin)?;
    let users = load_users(&state).await?;
    Ok(users_page(&principal, &users, ""))
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    csrf: String,
    name: String,
    role: String,
}

/// Shows a one-time password on the page, this once.
async fn show_password(
    state: &Shared,
    principal: &Principal,
    status: StatusCode,
    what: &str,
    issued: &OneTimePassword,
) -> Result<Response, UiError> {
    let users = load_users(state).await?;
    let notice = format!(
        r#"<p class="notice">{what} <b>{}</b>. One-time password: <code class="secret">{}</code> — shown once; hand it over privately.</p>"#,
        escape(&issued.user.name),
        escape(&issued.one_time_password)
    );
    Ok(no_store(
        (status, users_page(principal, &users, &notice)).into_response(),
    ))
}

pub async fn add(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    form: Result<Form<AddForm>, FormRejection>,
) -> Result<Response, UiError> {
    let Form(form) = form.map_err(form_error)?;
    principal.require_change(Role::Admin, Some(&form.csrf))?;
    let who = principal.clone();
    let created = state
        .with_store(move |store| apply_add_user(store, &who, form.name.trim(), &form.role))
        .await?;
    show_password(&state, &principal, StatusCode::CREATED, "Added", &created).await
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    csrf: String,
    role: String,
}

pub async fn change_role(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    Path(name): Path<String>,
    form: Result<Form<RoleForm>, FormRejection>,
) -> Result<Response, UiError> {
    let Form(form) = form.map_err(form_error)?;
    principal.require_change(Role::Admin, Some(&form.csrf))?;
    state
        .with_store(move |store| apply_role(store, &principal, &name, &form.role))
        .await?;
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(Deserialize)]
pub struct DisabledForm {
    #[serde(default)]
    csrf: String,
    /// `1` to disable, `0` to enable.
    disabled: String,
}

pub async fn change_disabled(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    Path(name): Path<String>,
    form: Result<Form<DisabledForm>, FormRejection>,
) -> Result<Response, UiError> {
    let Form(form) = form.map_err(form_error)?;
    principal.require_change(Role::Admin, Some(&form.csrf))?;
    let disabled = match form.disabled.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(UiError(ApiError::invalid_body("disabled must be 1 or 0"))),
    };
    state
        .with_store(move |store| apply_disabled(store, &principal, &name, disabled))
        .await?;
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn revoke(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    Path(name): Path<String>,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Result<Response, UiError> {
    let Form(form) = form.map_err(form_error)?;
    principal.require_change(Role::Admin, Some(&form.csrf))?;
    state
        .with_store(move |store| apply_revoke_tokens(store, &principal, &name))
        .await?;
    Ok(Redirect::to("/admin/users").into_response())
}

pub async fn reset(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    Path(name): Path<String>,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Result<Response, UiError> {
    let Form(form) = form.map_err(form_error)?;
    principal.require_change(Role::Admin, Some(&form.csrf))?;
    let who = principal.clone();
    let reset = state
        .with_store(move |store| apply_reset(store, &who, &name))
        .await?;
    show_password(
        &state,
        &principal,
        StatusCode::OK,
        "New password for",
        &reset,
    )
    .await
}
