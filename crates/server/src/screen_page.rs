//! The screening page: type a name (and optionally a birth date and country), see the
//! scored list entries with the matcher's explanation for each. It reads the same
//! screening index as the yente-compatible routes. Analysts only; each screen is audited.

use std::fmt::Write as _;

use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;
use unmask_report::escape;
use unmask_screen::{Options, Query as ScreenQuery};

use crate::accounts::Role;
use crate::audit;
use crate::error::ApiError;
use crate::investigation::Shared;
use crate::ui::{layout, UiError, UiUser};

#[derive(Debug, Deserialize, Default)]
pub struct ScreenForm {
    name: Option<String>,
    birth_date: Option<String>,
    country: Option<String>,
}

pub async fn screen_page(
    State(state): State<Shared>,
    UiUser(principal): UiUser,
    Query(form): Query<ScreenForm>,
) -> Result<Html<String>, UiError> {
    principal.require(Role::Analyst)?;
    let name = form.name.clone().unwrap_or_default().trim().to_string();
    let birth_date = form
        .birth_date
        .clone()
        .unwrap_or_default()
        .trim()
        .to_string();
    let country = form.country.clone().unwrap_or_default().trim().to_string();
    let mut body = format!(
        r#"<h1>Screen a name</h1><form method="get" action="/screen" class="screen"><label>Name <input name="name" size="40" value="{}" required maxlength="300"></label> <label>Birth date <input name="birth_date" size="10" placeholder="YYYY-MM-DD" value="{}"></label> <label>Country <input name="country" size="4" placeholder="KP" value="{}"></label> <button>Screen</button></form>"#,
        escape(&name),
        escape(&birth_date),
        escape(&country)
    );
    let Some(screening) = state.screening.clone() else {
        body.push_str(r#"<p class="error">No sanctions list is loaded: ingest one (OFAC, UN, EU, FtM) and restart the server.</p>"#);
        return Ok(layout("Screening", Some(&principal), &body));
    };
    if name.is_empty() {
        return Ok(layout("Screening", Some(&principal), &body));
    }
    let mut query = ScreenQuery::name(name.clone());
    if !birth_date.is_empty() {
        query = query.with_birth_date(&birth_date).map_err(|_| {
            UiError(ApiError::invalid_parameters(
                "birth date must be YYYY, YYYY-MM or YYYY-MM-DD",
            ))
        })?;
    }
    if !country.is_empty() {
        query = query.with_country(country.clone());
    }
    let options = Options {
        threshold: 0.5,
        limit: 20,
        ..Options::default()
    };
    let who = principal.clone();
    let audit_name = name.clone();
    let found = tokio::task::spawn_blocking(move || {
        let index = screening.index();
        index.search(&query, &options).map(|matches| {
            matches
                .into_iter()
                .map(|m| (index.entity(m.entity).clone(), m))
                .collect::<Vec<_>>()
        })
    })
    .await
    .map_err(|_| UiError(ApiError::internal()))?
    .map_err(|_| UiError(ApiError::invalid_parameters("the name cannot be screened")))?;
    let count = found.len();
    state
        .with_store(move |store| {
            audit::append(
                store.conn(),
                &who.user.name,
                "screen",
                "screening",
                &format!("{audit_name} ({count} candidates)"),
                &who.ip,
            )?;
            Ok(())
        })
        .await?;
    let _ = write!(
        body,
        r#"<p>{count} candidates at or above 0.50 (a match from 0.70).</p><ol class="candidates">"#
    );
    for (entity, found) in &found {
        let verdict = if found.score >= unmask_screen::DEFAULT_THRESHOLD {
            "match"
        } else {
            "possible"
        };
        let _ = write!(
            body,
            r#"<li class="candidate {verdict}"><p><b class="score">{:.2}</b> <b>{}</b> · {} · {} <code>{}</code> · matched “{}”</p><p class="meta">{}{}</p><ul class="features">"#,
            found.score,
            escape(&entity.caption),
            escape(&format!("{:?}", entity.schema)),
            escape(&entity.list),
            escape(&entity.id),
            escape(&found.matched_name),
            escape(&entity.programs.join(", ")),
            if entity.countries.is_empty() {
                String::new()
            } else {
                format!(" · {}", escape(&entity.countries.join(", ")))
            }
        );
        for feature in &found.features {
            let _ = write!(
                body,
                "<li>{:+.2} {}</li>",
                feature.contribution,
                escape(&feature.text)
            );
        }
        body.push_str("</ul></li>");
    }
    body.push_str("</ol>");
    Ok(layout("Screening", Some(&principal), &body))
}
