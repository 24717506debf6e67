//! yente-compatible request and response shapes, so an existing OpenSanctions yente client
//! can point at unmask: `POST /match/{dataset}` ([`MatchRequest`], [`MatchParams`] ->
//! [`MatchResponse`]) and `GET /search/{dataset}?q=` ([`SearchParams`] -> [`SearchResponse`]).
//! Field names follow yente's `yente/data/common.py` and `yente/routers/match.py`; unmask
//! adds `explanations` (one [`Feature`] line per reason) to each scored result.
//!
//! Pure: the HTTP server (crate `unmask-server`) only decodes, calls [`match_example`] or
//! [`search`], and encodes.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::entity::{BirthDate, Gender, ListEntity, Schema};
use crate::error::{Result, ScreenError};
use crate::index::{Match, ScreeningIndex};
use crate::query::{Options, Query, DEFAULT_THRESHOLD};
use crate::score::Feature;

/// Most queries in one `/match` request (yente's `MAX_BATCH`).
pub const MAX_BATCH: usize = 100;
/// Default and largest result count per query (yente's `MATCH_PAGE` and `MAX_MATCHES`).
pub const DEFAULT_LIMIT: usize = 5;
/// Largest `limit` accepted.
pub const MAX_LIMIT: usize = 500;
/// Names per example that are screened (an example may list many aliases).
const MAX_NAMES_PER_EXAMPLE: usize = 10;

/// Property values as yente accepts them: a string or a list of strings (numbers are
/// turned into strings, other values ignored).
fn one_or_many<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<BTreeMap<String, Vec<String>>, D::Error> {
    let raw: BTreeMap<String, serde_json::Value> = BTreeMap::deserialize(deserializer)?;
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    Ok(raw
        .into_iter()
        .map(|(key, value)| {
            let values = match &value {
                serde_json::Value::Array(items) => items.iter().filter_map(text).collect(),
                other => text(other).into_iter().collect(),
            };
            (key, values)
        })
        .collect())
}

/// A FollowTheMoney example entity: what to look for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityExample {
    /// The caller's id for the example, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// FollowTheMoney schema: Person, Organization, Company, LegalEntity, Vessel ...
    pub schema: String,
    /// Properties: `name`, `alias`, `birthDate`, `nationality`, `country`, `idNumber`,
    /// `passportNumber`, `registrationNumber`, `imoNumber`, `publicKey`, `gender` ...
    #[serde(deserialize_with = "one_or_many")]
    pub properties: BTreeMap<String, Vec<String>>,
}

/// Body of `POST /match/{dataset}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchRequest {
    /// Examples by a key the caller chooses; the response uses the same keys.
    pub queries: BTreeMap<String, EntityExample>,
    /// yente's per-feature weights; accepted and ignored (unmask's weights are fixed).
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    /// yente's algorithm configuration; accepted and ignored.
    #[serde(default)]
    pub config: BTreeMap<String, serde_json::Value>,
}

/// Query-string parameters of `POST /match/{dataset}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MatchParams {
    /// Results per query (default 5, at most 500).
    pub limit: Option<usize>,
    /// Score at and above which a result has `match: true` (default 0.7).
    pub threshold: Option<f32>,
    /// Lowest score returned at all (yente's deprecated `cutoff`; default: the threshold).
    pub cutoff: Option<f32>,
    /// yente's algorithm name (`logic-v2`, `name-based` ...); every name gets unmask's matcher.
    pub algorithm: Option<String>,
}

/// `{value, relation}` as yente reports totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotalSpec {
    /// Number of results.
    pub value: usize,
    /// Always `eq`: totals are exact.
    pub relation: String,
}

impl TotalSpec {
    fn exact(value: usize) -> TotalSpec {
        TotalSpec {
            value,
            relation: "eq".into(),
        }
    }
}

/// A list entity as yente returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityResponse {
    /// `{list}:{list id}`, e.g. `us_ofac_sdn:20157` (in unmask's store: `sanction:` + this).
    pub id: String,
    /// Display name.
    pub caption: String,
    /// FollowTheMoney schema.
    pub schema: String,
    /// Properties (see [`crate::props`]).
    pub properties: BTreeMap<String, Vec<String>>,
    /// The list the entity comes from.
    pub datasets: Vec<String>,
    /// Other ids of the same entity: the list's own id.
    pub referents: Vec<String>,
    /// Always true: every list entity is a sanctions target.
    pub target: bool,
}

/// A scored result of `/match`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredEntityResponse {
    /// The entity.
    #[serde(flatten)]
    pub entity: EntityResponse,
    /// Score in [0, 1].
    pub score: f32,
    /// Feature id -> the feature's own value, as yente reports `features`.
    pub features: BTreeMap<String, f32>,
    /// `score >= threshold`.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// unmask's addition: one line per reason, with weight and contribution.
    pub explanations: Vec<Feature>,
    /// unmask's addition: the list name (primary or alias) that matched best.
    pub matched_name: String,
}

/// The answer for one example.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityMatches {
    /// 200.
    pub status: u16,
    /// Best first.
    pub results: Vec<ScoredEntityResponse>,
    /// How many results.
    pub total: TotalSpec,
    /// The example as understood.
    pub query: EntityExample,
}

/// One feature's documentation in `matcher`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureDoc {
    /// What it measures.
    pub description: String,
    /// Largest share of the score it can move.
    pub coefficient: f32,
    /// Where to read more.
    pub url: Option<String>,
}

/// Body of the `/match` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchResponse {
    /// One answer per example key.
    pub responses: BTreeMap<String, EntityMatches>,
    /// Feature documentation.
    pub matcher: BTreeMap<String, FeatureDoc>,
    /// The limit applied.
    pub limit: usize,
}

/// Query-string parameters of `GET /search`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchParams {
    /// The text to look for: a name, an identifier or a crypto address.
    #[serde(default)]
    pub q: String,
    /// Restrict to a schema.
    pub schema: Option<String>,
    /// Results (default 10, at most 500).
    pub limit: Option<usize>,
    /// Skip this many results.
    pub offset: Option<usize>,
}

/// Body of the `/search` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResponse {
    /// Limit applied.
    pub limit: usize,
    /// Offset applied.
    pub offset: usize,
    /// How many results there were before the offset and limit.
    pub total: TotalSpec,
    /// Entities, best first.
    pub results: Vec<EntityResponse>,
    /// Always empty: no facets are computed.
    pub facets: BTreeMap<String, serde_json::Value>,
}

/// Lowest score `/search` returns: looser than matching, as a search box should be.
pub const SEARCH_THRESHOLD: f32 = 0.5;

const NAME_PROPS: &[&str] = &["name", "alias", "previousName", "weakAlias", "abbreviation"];
const ID_PROPS: &[&str] = &[
    "idNumber",
    "passportNumber",
    "registrationNumber",
    "imoNumber",
    "taxNumber",
    "innCode",
    "ogrnCode",
    "swiftBic",
    "leiCode",
    "vatCode",
    "mmsi",
];
const COUNTRY_PROPS: &[&str] = &["nationality", "citizenship", "country", "jurisdiction"];

impl EntityExample {
    /// The example as one query per name (qualifiers shared), at least one query.
    /// Errors: an unknown schema, an unreadable birth date or nothing to match on.
    pub fn to_queries(&self) -> Result<Vec<Query>> {
        let schema = Schema::parse(&self.schema).ok_or_else(|| {
            ScreenError::InvalidQuery(format!("unknown schema {:?}", self.schema))
        })?;
        let values = |props: &[&str]| -> Vec<String> {
            props
                .iter()
                .flat_map(|p| self.properties.get(*p).into_iter().flatten())
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect()
        };
        let mut base = Query {
            schema: Some(schema),
            countries: values(COUNTRY_PROPS),
            identifiers: values(ID_PROPS),
            crypto_addresses: values(&["publicKey", "cryptoAddress"]),
            ..Query::default()
        };
        if let Some(date) = values(&["birthDate"]).first() {
            base.birth_date = Some(BirthDate::parse(date).ok_or_else(|| {
                ScreenError::InvalidQuery(format!("cannot read birthDate {date:?}"))
            })?);
        }
        base.gender = values(&["gender"]).first().and_then(|g| Gender::parse(g));
        let names = values(NAME_PROPS);
        if names.is_empty() {
            return Ok(vec![base]);
        }
        Ok(names
            .into_iter()
            .take(MAX_NAMES_PER_EXAMPLE)
            .enumerate()
            .map(|(i, name)| {
                let mut query = base.clone();
                query.name = Some(name);
                // Identifiers and addresses are exact: look them up once.
                if i > 0 {
                    query.identifiers.clear();
                    query.crypto_addresses.clear();
                }
                query
            })
            .collect())
    }
}

/// Screens an example: every name of it, qualifiers shared; each entity keeps its best
/// match. `list` restricts results to one list (`None`: all lists).
pub fn match_example(
    index: &ScreeningIndex,
    example: &EntityExample,
    options: &Options,
    list: Option<&str>,
) -> Result<Vec<Match>> {
    let mut best: BTreeMap<u32, Match> = BTreeMap::new();
    // A list filter is applied after ranking: ask for more so the filter leaves enough.
    let wide = Options {
        limit: if list.is_some() {
            options.limit.saturating_mul(4).max(50)
        } else {
            options.limit
        },
        ..*options
    };
    for query in example.to_queries()? {
        for m in index.search(&query, &wide)? {
            if list.is_some_and(|l| index.entity(m.entity).list != l) {
                continue;
            }
            match best.get(&m.entity.0) {
                Some(seen) if seen.score >= m.score => {}
                _ => {
                    best.insert(m.entity.0, m);
                }
            }
        }
    }
    let mut matches: Vec<Match> = best.into_values().collect();
    matches.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entity.cmp(&b.entity)));
    matches.truncate(options.limit);
    Ok(matches)
}

/// A list entity in yente's shape.
pub fn entity_response(entity: &ListEntity) -> EntityResponse {
    let mut properties: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (prop, value) in crate::props::to_props(entity) {
        properties.entry(prop.to_string()).or_default().push(value);
    }
    if !entity.programs.is_empty() {
        // yente's topics: every list entity here is a sanctioned party.
        properties.insert("topics".into(), vec!["sanction".into()]);
    }
    EntityResponse {
        id: format!("{}:{}", entity.list, entity.id),
        caption: entity.caption.clone(),
        schema: entity.schema.as_str().to_string(),
        properties,
        datasets: vec![entity.list.clone()],
        referents: vec![entity.id.clone()],
        target: true,
    }
}

/// A match in yente's shape.
pub fn scored_response(index: &ScreeningIndex, m: &Match, threshold: f32) -> ScoredEntityResponse {
    let mut features = BTreeMap::new();
    for f in &m.features {
        features.insert(f.feature.clone(), f.value);
    }
    ScoredEntityResponse {
        entity: entity_response(index.entity(m.entity)),
        score: m.score,
        features,
        is_match: m.score >= threshold,
        explanations: m.features.clone(),
        matched_name: m.matched_name.clone(),
    }
}

/// Documentation of the features unmask reports.
pub fn matcher_docs() -> BTreeMap<String, FeatureDoc> {
    let doc = |description: &str, coefficient: f32| FeatureDoc {
        description: description.to_string(),
        coefficient,
        url: None,
    };
    BTreeMap::from([
        ("name_korean".into(), doc("Korean name read as family name + given syllables, any romanization (McCune-Reischauer, Revised, DPRK), order or hyphenation; surname groups (Ri/Lee/Yi, Pak/Park, Choe/Choi ...)", 1.0)),
        ("name_tokens".into(), doc("Token-based name similarity after transliteration, folding, honorific and company-suffix removal; order-free, initials and a dropped middle token tolerated", 1.0)),
        ("weak_alias".into(), doc("The name matched is a weak alias of the list entry and scores a little lower", 0.1)),
        ("birth_date".into(), doc("Birth date agreement raises, contradiction lowers the score", 0.2)),
        ("country".into(), doc("Nationality or country agreement raises, contradiction lowers the score", 0.05)),
        ("gender".into(), doc("Gender contradiction lowers the score", 0.1)),
        ("schema".into(), doc("An incompatible schema (a vessel for a person) lowers the score", 0.4)),
        ("identifier".into(), doc("Passport, IMO or registration number equal after normalization", 1.0)),
        ("crypto_address".into(), doc("Crypto address equal with per-encoding case rules", 1.0)),
    ])
}

/// Answers a `/match` request. `list`: the `{dataset}` path segment when it names one list,
/// else `None`. Errors: too many queries, none, or an example that cannot be read; the
/// error names the example's key.
pub fn answer_match(
    index: &ScreeningIndex,
    request: &MatchRequest,
    params: &MatchParams,
    list: Option<&str>,
) -> Result<MatchResponse> {
    if request.queries.is_empty() {
        return Err(ScreenError::InvalidQuery("no queries provided".into()));
    }
    if request.queries.len() > MAX_BATCH {
        return Err(ScreenError::InvalidQuery(format!(
            "too many queries in one batch: {} (limit: {MAX_BATCH})",
            request.queries.len()
        )));
    }
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let threshold = params.threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.0..=1.0).contains(&threshold) {
        return Err(ScreenError::InvalidQuery(format!(
            "threshold {threshold} is not between 0 and 1"
        )));
    }
    let cutoff = params.cutoff.unwrap_or(threshold).min(threshold).max(0.0);
    let options = Options {
        threshold: cutoff,
        limit,
        ..Options::default()
    };
    let mut responses = BTreeMap::new();
    for (key, example) in &request.queries {
        let matches = match_example(index, example, &options, list).map_err(|e| match e {
            ScreenError::InvalidQuery(message) => {
                ScreenError::InvalidQuery(format!("query {key:?}: {message}"))
            }
            ScreenError::EmptyQuery => ScreenError::InvalidQuery(format!(
                "query {key:?}: give a name, an identifier or a crypto address"
            )),
            other => other,
        })?;
        let results: Vec<ScoredEntityResponse> = matches
            .iter()
            .map(|m| scored_response(index, m, threshold))
            .collect();
        responses.insert(
            key.clone(),
            EntityMatches {
                status: 200,
                total: TotalSpec::exact(results.len()),
                results,
                query: example.clone(),
            },
        );
    }
    Ok(MatchResponse {
        responses,
        matcher: matcher_docs(),
        limit,
    })
}

/// Answers a `/search` request: the text as a name (and as an identifier and address),
/// scored at [`SEARCH_THRESHOLD`].
pub fn search(
    index: &ScreeningIndex,
    params: &SearchParams,
    list: Option<&str>,
) -> Result<SearchResponse> {
    let limit = params.limit.unwrap_or(10).clamp(1, MAX_LIMIT);
    let offset = params.offset.unwrap_or(0).min(MAX_LIMIT);
    let q = params.q.trim();
    let mut query = Query::name(q);
    if q.len() >= 4 && !q.contains(' ') {
        query.identifiers.push(q.to_string());
    }
    if let Some(schema) = params.schema.as_deref().filter(|s| !s.is_empty()) {
        query.schema = Some(
            Schema::parse(schema)
                .ok_or_else(|| ScreenError::InvalidQuery(format!("unknown schema {schema:?}")))?,
        );
    }
    let options = Options {
        threshold: SEARCH_THRESHOLD,
        limit: (offset + limit) * if list.is_some() { 4 } else { 1 },
        explain: false,
        ..Options::default()
    };
    let matches: Vec<Match> = index
        .search(&query, &options)?
        .into_iter()
        .filter(|m| list.map_or(true, |l| index.entity(m.entity).list == l))
        .collect();
    Ok(SearchResponse {
        limit,
        offset,
        total: TotalSpec::exact(matches.len()),
        results: matches
            .iter()
            .skip(offset)
            .take(limit)
            .map(|m| entity_response(index.entity(m.entity)))
            .collect(),
        facets: BTreeMap::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::NameStrength;

    fn index() -> ScreeningIndex {
        let mut kim = ListEntity::new("us_ofac_sdn", "20157", Schema::Person);
        kim.add_name("KIM, Jong Un", NameStrength::Primary);
        kim.birth_dates.push(BirthDate::full(1984, 1, 8));
        let mut bank = ListEntity::new("un_sc_sanctions", "KPe.047", Schema::Organization);
        bank.add_name("Korea Kwangson Banking Corp", NameStrength::Primary);
        ScreeningIndex::build(vec![kim, bank])
    }

    #[test]
    fn yente_request_gets_yente_response() {
        let request: MatchRequest = serde_json::from_str(
            r#"{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Kim Jong-un"], "birthDate": "1984-01-08", "nationality": ["kp"]}},
                "q2": {"schema": "Company", "properties": {"name": "Korea Kwangson Banking Corporation"}}}}"#,
        )
        .unwrap();
        let answer = answer_match(&index(), &request, &MatchParams::default(), None).unwrap();
        let json = serde_json::to_value(&answer).unwrap();
        let first = &json["responses"]["q1"]["results"][0];
        assert_eq!(first["id"], "us_ofac_sdn:20157");
        assert_eq!(first["match"], true);
        assert_eq!(first["datasets"][0], "us_ofac_sdn");
        assert!(first["features"]["birth_date"].as_f64().unwrap() > 0.0);
        assert_eq!(json["responses"]["q1"]["total"]["relation"], "eq");
        assert_eq!(
            json["responses"]["q2"]["results"][0]["schema"],
            "Organization"
        );
        assert_eq!(json["limit"], 5);
    }

    #[test]
    fn bad_examples_are_named() {
        let request: MatchRequest =
            serde_json::from_str(r#"{"queries": {"x": {"schema": "Planet", "properties": {}}}}"#)
                .unwrap();
        let err = answer_match(&index(), &request, &MatchParams::default(), None).unwrap_err();
        assert!(err.to_string().contains("Planet"), "{err}");
        let empty: MatchRequest = serde_json::from_str(r#"{"queries": {}}"#).unwrap();
        assert!(answer_match(&index(), &empty, &MatchParams::default(), None).is_err());
    }

    #[test]
    fn search_finds_by_name() {
        let params = SearchParams {
            q: "kim jong un".into(),
            ..SearchParams::default()
        };
        let found = search(&index(), &params, None).unwrap();
        assert_eq!(found.results[0].referents, vec!["20157".to_string()]);
    }
}
