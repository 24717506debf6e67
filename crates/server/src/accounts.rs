//! Accounts, roles, API tokens, sessions and the sign-in rate limit.
//!
//! Everything lives in the store (tables `users`, `api_tokens`, `sessions`,
//! `sign_in_failures`, from migration 3). Passwords are argon2id hashes (PHC strings).
//! API tokens and session ids are 256-bit random secrets: only their SHA-256 is stored,
//! so a copy of the database lets no one in. There is no default account: the first
//! admin comes from `unmask user add NAME --role admin`, which prints a one-time
//! password.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

/// Failed sign-ins counted per account and per IP in this window.
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;
/// Failures of one account within the window after which it is locked until they age out.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failures from one IP (over all accounts) within the window before it is refused.
pub const MAX_FAILURES_PER_IP: i64 = 20;
/// How long a session lives.
pub const SESSION_TTL_SECS: i64 = 12 * 3600;
/// Prefix of every API token, so that secret scanners can spot leaked ones.
pub const TOKEN_PREFIX: &str = "umk_";

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("accounts: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("unknown role {0:?} (viewer, analyst or admin)")]
    UnknownRole(String),
    #[error("a user named {0:?} already exists")]
    UserExists(String),
    #[error("no user named {0:?}")]
    NoSuchUser(String),
    #[error("no API token with id {0}")]
    NoSuchToken(i64),
    #[error("user names are 1 to 64 letters, digits, '.', '_', '-' or '@'")]
    BadName,
    #[error("the operating system's random source failed")]
    Random,
    #[error("password hashing failed")]
    Hash,
    /// The change would leave no enabled admin.
    #[error("the last enabled admin cannot be disabled or lose the admin role")]
    LastAdmin,
}

pub type Result<T, E = AccountError> = std::result::Result<T, E>;

/// What a user may do; each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads cases, entities and reports.
    Viewer,
    /// Works cases (decisions, notes, assignees), ingests, screens, traces.
    Analyst,
    /// Manages users and tokens, reads the audit log.
    Admin,
}

impl Role {
    pub fn parse(text: &str) -> Result<Role> {
        match text {
            "viewer" => Ok(Role::Viewer),
            "analyst" => Ok(Role::Analyst),
            "admin" => Ok(Role::Admin),
            other => Err(AccountError::UnknownRole(other.to_string())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }
}

/// A signed-in (or token-holding) user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// An API token as listed (never with its secret).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub user: String,
    pub label: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// A user as an admin sees them: role, dates and state (never a secret).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct UserInfo {
    pub name: String,
    /// viewer, analyst or admin.
    pub role: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// The latest browser sign-in (from the audit log), if any.
    pub last_sign_in: Option<String>,
    /// A disabled user's sessions and tokens are refused.
    pub disabled: bool,
    /// API tokens not revoked.
    pub active_tokens: i64,
}

/// Outcome of a sign-in attempt. The caller shows the same message for every refusal,
/// so that nobody learns which user names exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    Ok(User),
    Refused,
    RateLimited,
}

/// A new session: the cookie value (secret) and the CSRF token bound to it.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub csrf: String,
}

fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// 32 random bytes, hex-encoded.
pub fn random_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| AccountError::Random)?;
    Ok(hex::encode(bytes))
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|_| AccountError::Random)?;
    let salt = SaltString::encode_b64(&salt).map_err(|_| AccountError::Hash)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| AccountError::Hash)
}

fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

fn user_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, String)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
}

fn to_user((id, name, role): (i64, String, String)) -> Option<User> {
    Role::parse(&role).ok().map(|role| User { id, name, role })
}

/// Creates a user with a random one-time password, which is returned (and shown once).
pub fn add_user(conn: &Connection, name: &str, role: Role) -> Result<(User, String)> {
    if !valid_name(name) {
        return Err(AccountError::BadName);
    }
    let exists: Option<i64> = conn
        .query_row("SELECT id FROM users WHERE name = ?1", [name], |row| {
            row.get(0)
        })
        .optional()?;
    if exists.is_some() {
        return Err(AccountError::UserExists(name.to_string()));
    }
    // 20 hex characters: 80 bits, easy to type once and change.
    let password = random_secret()?[..20].to_string();
    let hash = hash_password(&password)?;
    conn.execute(
        "INSERT INTO users (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        (name, role.as_str(), &hash, now_text()),
    )?;
    let user = User {
        id: conn.last_insert_rowid(),
        name: name.to_string(),
        role,
    };
    Ok((user, password))
}

/// Replaces a user's password with a new random one-time password, and ends their sessions.
pub fn reset_password(conn: &Connection, name: &str) -> Result<String> {
    let (id, _) = user_id_any(conn, name)?;
    let password = random_secret()?[..20].to_string();
    conn.execute(
        "UPDATE users SET password_hash = ?1 WHERE id = ?2",
        (hash_password(&password)?, id),
    )?;
    conn.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
    Ok(password)
}

pub fn user_by_name(conn: &Connection, name: &str) -> Result<Option<User>> {
    Ok(conn
        .query_row(
            "SELECT id, name, role FROM users WHERE name = ?1 AND disabled = 0",
            [name],
            user_row,
        )
        .optional()?
        .and_then(to_user))
}

pub fn users(conn: &Connection) -> Result<Vec<User>> {
    let mut statement =
        conn.prepare("SELECT id, name, role FROM users WHERE disabled = 0 ORDER BY name")?;
    let rows = statement.query_map([], user_row)?;
    let mut users = Vec::new();
    for row in rows {
        users.extend(to_user(row?));
    }
    Ok(users)
}

/// Every user, disabled ones included, with their latest sign-in and live token count.
pub fn user_list(conn: &Connection) -> Result<Vec<UserInfo>> {
    // One pass over the audit log's sign-ins rather than one per user.
    let mut last_sign_in = std::collections::HashMap::new();
    let mut statement = conn
        .prepare("SELECT actor, MAX(at) FROM audit_log WHERE action = 'sign_in' GROUP BY actor")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (actor, at) = row?;
        last_sign_in.insert(actor, at);
    }
    let mut statement = conn.prepare(
        "SELECT u.name, u.role, u.created_at, u.disabled,
                (SELECT COUNT(*) FROM api_tokens t WHERE t.user_id = u.id AND t.revoked_at IS NULL)
         FROM users u ORDER BY u.name",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(UserInfo {
            name: row.get(0)?,
            role: row.get(1)?,
            created_at: row.get(2)?,
            last_sign_in: None,
            disabled: row.get::<_, i64>(3)? != 0,
            active_tokens: row.get(4)?,
        })
    })?;
    let mut users = Vec::new();
    for row in rows {
        let mut user = row?;
        user.last_sign_in = last_sign_in.remove(&user.name);
        users.push(user);
    }
    Ok(users)
}

/// One user as [`user_list`] shows them, disabled or not.
pub fn user_info(conn: &Connection, name: &str) -> Result<UserInfo> {
    user_list(conn)?
        .into_iter()
        .find(|user| user.name == name)
        .ok_or_else(|| AccountError::NoSuchUser(name.to_string()))
}

fn user_id_any(conn: &Connection, name: &str) -> Result<(i64, String)> {
    conn.query_row(
        "SELECT id, role FROM users WHERE name = ?1",
        [name],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .optional()?
    .ok_or_else(|| AccountError::NoSuchUser(name.to_string()))
}

/// Condition, for an UPDATE of user `?1`, that another enabled admin remains. Checked in
/// the same statement as the change, so two admins demoting each other at once cannot
/// both succeed.
const ANOTHER_ADMIN_REMAINS: &str = "(SELECT COUNT(*) FROM users o
     WHERE o.role = 'admin' AND o.disabled = 0 AND o.id != ?1) > 0";

/// Changes a user's role; returns the previous one. The last enabled admin keeps the
/// admin role.
pub fn set_role(conn: &Connection, name: &str, role: Role) -> Result<Role> {
    let (id, before) = user_id_any(conn, name)?;
    let before = Role::parse(&before)?;
    if before == role {
        return Ok(before);
    }
    let sql = format!(
        "UPDATE users SET role = ?2 WHERE id = ?1
         AND (role != 'admin' OR disabled = 1 OR {ANOTHER_ADMIN_REMAINS})"
    );
    if conn.execute(&sql, (id, role.as_str()))? == 0 {
        return Err(AccountError::LastAdmin);
    }
    Ok(before)
}

/// Disables or enables a user. Disabling ends their sessions at once (their tokens are
/// refused while disabled; they work again if the user is enabled, unless revoked). The
/// last enabled admin cannot be disabled.
pub fn set_disabled(conn: &Connection, name: &str, disabled: bool) -> Result<()> {
    let (id, _) = user_id_any(conn, name)?;
    if disabled {
        let sql = format!(
            "UPDATE users SET disabled = 1 WHERE id = ?1
             AND (role != 'admin' OR disabled = 1 OR {ANOTHER_ADMIN_REMAINS})"
        );
        if conn.execute(&sql, [id])? == 0 {
            return Err(AccountError::LastAdmin);
        }
        conn.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
    } else {
        conn.execute("UPDATE users SET disabled = 0 WHERE id = ?1", [id])?;
    }
    Ok(())
}

/// Revokes every live API token of a user; returns how many.
pub fn revoke_user_tokens(conn: &Connection, name: &str) -> Result<usize> {
    let (id, _) = user_id_any(conn, name)?;
    Ok(conn.execute(
        "UPDATE api_tokens SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL",
        (now_text(), id),
    )?)
}

fn recent_failures(conn: &Connection, column: &str, value: &str, now: i64) -> Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM sign_in_failures WHERE {column} = ?1 AND at > ?2");
    Ok(conn.query_row(&sql, (value, now - FAILURE_WINDOW_SECS), |row| row.get(0))?)
}

/// Checks a name and password from `ip`, counting failures per account and per IP.
/// While either limit is reached, even the right password is refused.
pub fn sign_in(conn: &Connection, name: &str, password: &str, ip: &str) -> Result<SignIn> {
    let now = now_secs();
    // Unknown names count against themselves too, so probing them is limited alike.
    let account = name.chars().take(64).collect::<String>();
    if recent_failures(conn, "account", &account, now)? >= MAX_FAILURES_PER_ACCOUNT
        || recent_failures(conn, "ip", ip, now)? >= MAX_FAILURES_PER_IP
    {
        return Ok(SignIn::RateLimited);
    }
    let row: Option<(i64, String, String, String)> = conn
        .query_row(
            "SELECT id, name, role, password_hash FROM users WHERE name = ?1 AND disabled = 0",
            [&account],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let user = match row {
        Some((id, name, role, hash)) if password_matches(password, &hash) => {
            to_user((id, name, role))
        }
        _ => None,
    };
    match user {
        Some(user) => {
            conn.execute(
                "DELETE FROM sign_in_failures WHERE account = ?1",
                [&account],
            )?;
            Ok(SignIn::Ok(user))
        }
        None => {
            conn.execute(
                "INSERT INTO sign_in_failures (account, ip, at) VALUES (?1, ?2, ?3)",
                (&account, ip, now),
            )?;
            Ok(SignIn::Refused)
        }
    }
}

/// Starts a session for `user`; the caller sets `id` as the cookie value.
pub fn create_session(conn: &Connection, user: &User) -> Result<NewSession> {
    let id = random_secret()?;
    let csrf = random_secret()?;
    let now = now_secs();
    conn.execute("DELETE FROM sessions WHERE expires_at < ?1", [now])?;
    conn.execute(
        "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        (
            sha256_hex(&id),
            user.id,
            &csrf,
            now_text(),
            now + SESSION_TTL_SECS,
        ),
    )?;
    Ok(NewSession { id, csrf })
}

/// The user and CSRF token of a live session.
pub fn session(conn: &Connection, id: &str) -> Result<Option<(User, String)>> {
    let row: Option<(i64, String, String, String)> = conn
        .query_row(
            "SELECT u.id, u.name, u.role, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.id_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0",
            (sha256_hex(id), now_secs()),
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    Ok(row.and_then(|(id, name, role, csrf)| to_user((id, name, role)).map(|u| (u, csrf))))
}

pub fn end_session(conn: &Connection, id: &str) -> Result<()> {
    conn.execute("DELETE FROM sessions WHERE id_hash = ?1", [sha256_hex(id)])?;
    Ok(())
}

/// Issues an API token for `user_name`; the secret is returned once and stored hashed.
pub fn add_token(conn: &Connection, user_name: &str, label: &str) -> Result<(i64, String)> {
    let user = user_by_name(conn, user_name)?
        .ok_or_else(|| AccountError::NoSuchUser(user_name.to_string()))?;
    let secret = format!("{TOKEN_PREFIX}{}", random_secret()?);
    conn.execute(
        "INSERT INTO api_tokens (user_id, label, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        (user.id, label, sha256_hex(&secret), now_text()),
    )?;
    Ok((conn.last_insert_rowid(), secret))
}

pub fn revoke_token(conn: &Connection, id: i64) -> Result<()> {
    let changed = conn.execute(
        "UPDATE api_tokens SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
        (now_text(), id),
    )?;
    let exists: Option<i64> = conn
        .query_row("SELECT id FROM api_tokens WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .optional()?;
    if changed == 0 && exists.is_none() {
        return Err(AccountError::NoSuchToken(id));
    }
    Ok(())
}

pub fn tokens(conn: &Connection) -> Result<Vec<TokenInfo>> {
    let mut statement = conn.prepare(
        "SELECT t.id, u.name, t.label, t.created_at, t.revoked_at
         FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(TokenInfo {
            id: row.get(0)?,
            user: row.get(1)?,
            label: row.get(2)?,
            created_at: row.get(3)?,
            revoked_at: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The user a live (not revoked) API token belongs to.
pub fn token_user(conn: &Connection, secret: &str) -> Result<Option<User>> {
    if !secret.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    Ok(conn
        .query_row(
            "SELECT u.id, u.name, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND u.disabled = 0",
            [sha256_hex(secret)],
            user_row,
        )
        .optional()?
        .and_then(to_user))
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, unmask_store::Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = unmask_store::Store::open(dir.path()).unwrap();
        (dir, store)
    }

    #[test]
    fn one_time_password_signs_in_and_wrong_one_does_not() {
        let (_dir, store) = store();
        let conn = store.conn();
        let (user, password) = add_user(conn, "ada", Role::Admin).unwrap();
        assert_eq!(password.len(), 20);
        assert_eq!(
            sign_in(conn, "ada", &password, "127.0.0.1").unwrap(),
            SignIn::Ok(user)
        );
        assert_eq!(
            sign_in(conn, "ada", "nope", "127.0.0.1").unwrap(),
            SignIn::Refused
        );
        let stored: String = conn
            .query_row("SELECT password_hash FROM users", [], |r| r.get(0))
            .unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(matches!(
            add_user(conn, "ada", Role::Viewer),
            Err(AccountError::UserExists(_))
        ));
        assert!(matches!(
            add_user(conn, "x' OR 1=1 --", Role::Viewer),
            Err(AccountError::BadName)
        ));
    }

    #[test]
    fn failed_sign_ins_lock_the_account_even_for_the_right_password() {
        let (_dir, store) = store();
        let conn = store.conn();
        let (_, password) = add_user(conn, "bo", Role::Viewer).unwrap();
        for _ in 0..MAX_FAILURES_PER_ACCOUNT {
            assert_eq!(
                sign_in(conn, "bo", "bad", "10.0.0.1").unwrap(),
                SignIn::Refused
            );
        }
        assert_eq!(
            sign_in(conn, "bo", &password, "10.0.0.2").unwrap(),
            SignIn::RateLimited
        );
    }

    #[test]
    fn one_ip_is_limited_across_accounts() {
        let (_dir, store) = store();
        let conn = store.conn();
        let (_, password) = add_user(conn, "cy", Role::Viewer).unwrap();
        for n in 0..MAX_FAILURES_PER_IP {
            sign_in(conn, &format!("guess{n}"), "bad", "10.9.9.9").unwrap();
        }
        assert_eq!(
            sign_in(conn, "cy", &password, "10.9.9.9").unwrap(),
            SignIn::RateLimited
        );
        assert!(matches!(
            sign_in(conn, "cy", &password, "10.9.9.8").unwrap(),
            SignIn::Ok(_)
        ));
    }

    #[test]
    fn tokens_are_stored_hashed_and_revocable() {
        let (_dir, store) = store();
        let conn = store.conn();
        add_user(conn, "dee", Role::Analyst).unwrap();
        let (id, secret) = add_token(conn, "dee", "script").unwrap();
        assert!(secret.starts_with(TOKEN_PREFIX));
        assert_eq!(token_user(conn, &secret).unwrap().unwrap().name, "dee");
        let stored: String = conn
            .query_row("SELECT token_hash FROM api_tokens", [], |r| r.get(0))
            .unwrap();
        assert_ne!(stored, secret);
        revoke_token(conn, id).unwrap();
        assert!(token_user(conn, &secret).unwrap().is_none());
        assert!(matches!(
            revoke_token(conn, 999),
            Err(AccountError::NoSuchToken(999))
        ));
    }

    #[test]
    fn the_last_enabled_admin_keeps_the_role_and_cannot_be_disabled() {
        let (_dir, store) = store();
        let conn = store.conn();
        add_user(conn, "root", Role::Admin).unwrap();
        add_user(conn, "ops", Role::Admin).unwrap();
        let (viewer, _) = add_user(conn, "val", Role::Viewer).unwrap();
        let (_, secret) = add_token(conn, "val", "x").unwrap();
        assert_eq!(set_role(conn, "ops", Role::Analyst).unwrap(), Role::Admin);
        assert!(matches!(
            set_role(conn, "root", Role::Viewer),
            Err(AccountError::LastAdmin)
        ));
        assert!(matches!(
            set_disabled(conn, "root", true),
            Err(AccountError::LastAdmin)
        ));
        assert_eq!(user_info(conn, "root").unwrap().role, "admin");
        // A second admin again: now root may go.
        set_role(conn, "ops", Role::Admin).unwrap();
        set_disabled(conn, "root", true).unwrap();
        assert!(matches!(
            set_disabled(conn, "ops", true),
            Err(AccountError::LastAdmin)
        ));
        // Disabling ends sessions and refuses tokens at once; enabling lets tokens back.
        let session_row = create_session(conn, &viewer).unwrap();
        set_disabled(conn, "val", true).unwrap();
        assert!(session(conn, &session_row.id).unwrap().is_none());
        assert!(token_user(conn, &secret).unwrap().is_none());
        let listed = user_list(conn).unwrap();
        let names: Vec<_> = listed
            .iter()
            .map(|u| (u.name.as_str(), u.disabled))
            .collect();
        assert_eq!(names, [("ops", false), ("root", true), ("val", true)]);
        set_disabled(conn, "val", false).unwrap();
        assert!(token_user(conn, &secret).unwrap().is_some());
        assert_eq!(revoke_user_tokens(conn, "val").unwrap(), 1);
        assert!(token_user(conn, &secret).unwrap().is_none());
        assert_eq!(user_info(conn, "val").unwrap().active_tokens, 0);
        assert!(matches!(
            set_role(conn, "nobody", Role::Viewer),
            Err(AccountError::NoSuchUser(_))
        ));
    }

    #[test]
    fn sessions_carry_csrf_and_end() {
        let (_dir, store) = store();
        let conn = store.conn();
        let (user, _) = add_user(conn, "eve", Role::Viewer).unwrap();
        let session_row = create_session(conn, &user).unwrap();
        let (found, csrf) = session(conn, &session_row.id).unwrap().unwrap();
        assert_eq!(found, user);
        assert!(constant_time_eq(&csrf, &session_row.csrf));
        end_session(conn, &session_row.id).unwrap();
        assert!(session(conn, &session_row.id).unwrap().is_none());
    }
}
