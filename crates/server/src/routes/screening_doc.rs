//! The yente shapes of `POST /match/{dataset}` and `GET /search`, described for the
//! OpenAPI document. The types that are read and written live in `unmask_screen::yente`
//! (a crate without utoipa); these mirror them field for field, and a test checks a real
//! answer's fields against this description (tests/investigation.rs).

#![allow(dead_code)] // read by utoipa's derive only

use std::collections::BTreeMap;

use utoipa::ToSchema;

/// An entity to screen, in FollowTheMoney's shape.
#[derive(ToSchema)]
#[schema(as = YenteEntityExample)]
pub struct EntityExample {
    id: Option<String>,
    /// FollowTheMoney schema: `Person`, `Organization`, `Company`, `LegalEntity`,
    /// `Vessel`, `CryptoWallet`...
    schema: String,
    /// `name`, `alias`, `birthDate`, `nationality`, `country`, `idNumber`,
    /// `passportNumber`, `registrationNumber`, `publicKey`, `gender`...: a value or a list.
    properties: BTreeMap<String, Vec<String>>,
}

/// Body of `POST /match/{dataset}`.
#[derive(ToSchema)]
#[schema(as = YenteMatchRequest)]
pub struct MatchRequest {
    /// Examples by a key the caller chooses; the response uses the same keys.
    queries: BTreeMap<String, EntityExample>,
    /// yente's per-feature weights; accepted and ignored.
    weights: Option<BTreeMap<String, f64>>,
    /// yente's algorithm configuration; accepted and ignored.
    #[schema(value_type = Option<Object>)]
    config: Option<BTreeMap<String, serde_json::Value>>,
}

/// `{value, relation}`.
#[derive(ToSchema)]
#[schema(as = YenteTotal)]
pub struct Total {
    value: usize,
    /// Always `eq`.
    relation: String,
}

/// A list entity.
#[derive(ToSchema)]
#[schema(as = YenteEntity)]
pub struct Entity {
    /// `{list}:{list id}`.
    id: String,
    caption: String,
    schema: String,
    properties: BTreeMap<String, Vec<String>>,
    datasets: Vec<String>,
    referents: Vec<String>,
    target: bool,
}

/// One reason of a score.
#[derive(ToSchema)]
#[schema(as = YenteExplanation)]
pub struct Explanation {
    /// `name_korean`, `name_tokens`, `weak_alias`, `birth_date`, `country`, `gender`,
    /// `schema`, `identifier`, `crypto_address`.
    feature: String,
    weight: f32,
    value: f32,
    contribution: f32,
    text: String,
}

/// A scored list entity: the entity's fields and the score's.
#[derive(ToSchema)]
#[schema(as = YenteScoredEntity)]
pub struct ScoredEntity {
    id: String,
    caption: String,
    schema: String,
    properties: BTreeMap<String, Vec<String>>,
    datasets: Vec<String>,
    referents: Vec<String>,
    target: bool,
    /// In [0, 1].
    score: f32,
    features: BTreeMap<String, f32>,
    /// `score >= threshold`.
    #[schema(rename = "match")]
    is_match: bool,
    explanations: Vec<Explanation>,
    matched_name: String,
}

/// The answer for one example.
#[derive(ToSchema)]
#[schema(as = YenteEntityMatches)]
pub struct EntityMatches {
    status: u16,
    results: Vec<ScoredEntity>,
    total: Total,
    query: EntityExample,
}

#[derive(ToSchema)]
#[schema(as = YenteFeatureDoc)]
pub struct FeatureDoc {
    description: String,
    coefficient: f32,
    url: Option<String>,
}

/// Body of the `/match` response.
#[derive(ToSchema)]
#[schema(as = YenteMatchResponse)]
pub struct MatchResponse {
    responses: BTreeMap<String, EntityMatches>,
    matcher: BTreeMap<String, FeatureDoc>,
    limit: usize,
}

/// Body of the `/search` response.
#[derive(ToSchema)]
#[schema(as = YenteSearchResponse)]
pub struct SearchResponse {
    limit: usize,
    offset: usize,
    total: Total,
    results: Vec<Entity>,
    /// Always empty.
    #[schema(value_type = Object)]
    facets: BTreeMap<String, serde_json::Value>,
}
