//! Who is asking: the [`Principal`] extractor reads a session cookie or an
//! `Authorization: Bearer` API token, and knows the client address for the audit log.
//! Requests authenticated by a session cookie must carry the session's CSRF token
//! (header `X-CSRF-Token` for the API, field `csrf` for forms) to change anything.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;

use crate::accounts::{self, Role, User};
use crate::error::ApiError;
use crate::investigation::Shared;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "unmask_session";
/// Header that carries the CSRF token of a session on API calls.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Name of the pre-session cookie of the sign-in form (login CSRF).
pub const SIGNIN_COOKIE: &str = "unmask_signin";

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    const BLOCK: usize = 64;
    let mut block_key = [0u8; BLOCK];
    if key.len() > BLOCK {
        block_key[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block_key[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block_key.map(|k| k ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// The sign-in form's CSRF token for the nonce in its cookie: a signed double-submit.
/// Before anyone is signed in there is no session to bind a token to, so the form gets
/// a random nonce as a cookie and, as a hidden field, the nonce signed with a key only
/// this server process knows. A cross-site form can neither read the cookie nor sign a
/// nonce of its own, so it cannot sign a victim in to the attacker's account.
pub fn signin_token(key: &[u8], nonce: &str) -> String {
    hex::encode(hmac_sha256(key, format!("signin:{nonce}").as_bytes()))
}

/// Whether a sign-in form's token matches the nonce of its cookie.
pub fn signin_token_valid(key: &[u8], nonce: Option<&str>, token: &str) -> bool {
    match nonce {
        Some(nonce) if nonce.len() == 64 && !token.is_empty() => {
            accounts::constant_time_eq(&signin_token(key, nonce), token)
        }
        _ => false,
    }
}

/// `Set-Cookie` value for a sign-in form's nonce: sent back only to `/signin`, for an hour.
pub fn signin_cookie(nonce: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SIGNIN_COOKIE}={nonce}; Path=/signin; HttpOnly; SameSite=Strict; Max-Age=3600{secure}"
    )
}

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A browser session; state changes need this CSRF token.
    Session { id: String, csrf: String },
    /// An API token; no ambient authority, so no CSRF check.
    Token,
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    pub credential: Credential,
    /// Client address, for the audit log.
    pub ip: String,
    /// The CSRF token sent in the header, if any.
    csrf_header: Option<String>,
}

impl Principal {
    /// Refuses unless the caller's role is at least `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.user.role >= role {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// For a state change: the role, and for a session, the CSRF token (from the
    /// header, or `form_token` when the change came from a form).
    pub fn require_change(&self, role: Role, form_token: Option<&str>) -> Result<(), ApiError> {
        self.require(role)?;
        match &self.credential {
            Credential::Token => Ok(()),
            Credential::Session { csrf, .. } => {
                let sent = form_token.or(self.csrf_header.as_deref()).unwrap_or("");
                if !sent.is_empty() && accounts::constant_time_eq(sent, csrf) {
                    Ok(())
                } else {
                    Err(ApiError::csrf_failed())
                }
            }
        }
    }

    pub fn csrf(&self) -> &str {
        match &self.credential {
            Credential::Session { csrf, .. } => csrf,
            Credential::Token => "",
        }
    }
}

/// The client address: the socket peer (a reverse proxy's header is not trusted).
pub fn client_ip(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "local".to_string(), |info| info.0.ip().to_string())
}

/// The value of a cookie by name.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// `Set-Cookie` value for a new session.
pub fn session_cookie(id: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        accounts::SESSION_TTL_SECS
    )
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}

/// Looks the caller up; `Ok(None)` when no credential was sent.
pub async fn identify(parts: &Parts, state: &Shared) -> Result<Option<Principal>, ApiError> {
    let ip = client_ip(parts);
    let csrf_header = parts
        .headers
        .get(CSRF_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let bearer = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(|token| token.trim().to_string());
    if let Some(token) = bearer {
        let user = state
            .with_store(move |store| Ok(accounts::token_user(store.conn(), &token)?))
            .await?;
        // A wrong or revoked token is refused outright, never downgraded to anonymous.
        let user = user.ok_or_else(ApiError::unauthenticated)?;
        return Ok(Some(Principal {
            user,
            credential: Credential::Token,
            ip,
            csrf_header,
        }));
    }
    let Some(session_id) = cookie(&parts.headers, SESSION_COOKIE).map(str::to_string) else {
        return Ok(None);
    };
    if session_id.is_empty() || session_id.len() > 128 {
        return Ok(None);
    }
    let lookup = session_id.clone();
    let found = state
        .with_store(move |store| Ok(accounts::session(store.conn(), &lookup)?))
        .await?;
    Ok(found.map(|(user, csrf)| Principal {
        user,
        credential: Credential::Session {
            id: session_id,
            csrf,
        },
        ip,
        csrf_header,
    }))
}

impl FromRequestParts<Shared> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, ApiError> {
        identify(parts, state)
            .await?
            .ok_or_else(ApiError::unauthenticated)
    }
}

/// The caller's address, without requiring a sign-in.
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts)))
    }
}

/// Middleware for the screening routes when the server holds accounts: analysts and
/// admins only (by session or token); each call is audited without its body.
pub async fn require_analyst(
    axum::extract::State(state): axum::extract::State<Shared>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (parts, body) = request.into_parts();
    let principal = match identify(&parts, &state).await {
        Ok(Some(principal)) => principal,
        Ok(None) => return ApiError::unauthenticated().into_response(),
        Err(error) => return error.into_response(),
    };
    if let Err(error) = principal.require(Role::Analyst) {
        return error.into_response();
    }
    let path = parts.uri.path().to_string();
    let logged = state
        .with_store(move |store| {
            crate::audit::append(
                store.conn(),
                &principal.user.name,
                "screen.api",
                &path,
                "",
                &principal.ip,
            )?;
            Ok(())
        })
        .await;
    if let Err(error) = logged {
        return error.into_response();
    }
    next.run(axum::extract::Request::from_parts(parts, body))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_test_cases() {
        // RFC 4231, test case 2 and test case 6 (a key longer than the block).
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex::encode(hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn signin_tokens_are_bound_to_the_nonce_and_the_key() {
        let nonce = "ab".repeat(32);
        let token = signin_token(b"key one", &nonce);
        assert!(signin_token_valid(b"key one", Some(&nonce), &token));
        assert!(!signin_token_valid(b"key two", Some(&nonce), &token));
        assert!(!signin_token_valid(
            b"key one",
            Some(&"cd".repeat(32)),
            &token
        ));
        assert!(!signin_token_valid(b"key one", None, &token));
        assert!(!signin_token_valid(b"key one", Some(&nonce), ""));
        // The nonce itself is not a token (plain double-submit would accept it).
        assert!(!signin_token_valid(b"key one", Some(&nonce), &nonce));
    }
}
