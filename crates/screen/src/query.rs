//! What a caller asks: [`Query`] (name and qualifiers, identifiers, crypto addresses) and
//! [`Options`] (threshold, result limit), validated into a prepared form once per search.

use serde::{Deserialize, Serialize};

use crate::entity::{BirthDate, Gender, Schema};
use crate::error::{Result, ScreenError};
use crate::names::{analyze, AnalyzedName};

/// Names longer than this are rejected: no real name is, and scoring cost grows with length.
pub const MAX_NAME_BYTES: usize = 1024;

/// The score at and above which a candidate is reported as a match.
///
/// 0.7: the same name in any romanization, order or hyphenation scores 0.95-1.0; a
/// Korean name with one different given-name syllable scores at most ~0.65, a different
/// family name with the same given name 0.45. A non-Korean name with one of three tokens
/// missing scores 0.8. Measured figures: docs/screening-quality.md.
pub const DEFAULT_THRESHOLD: f32 = 0.7;

/// One screening question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Query {
    /// A person's, company's, vessel's or aircraft's name, in any script.
    pub name: Option<String>,
    /// What the query is; list entries of an incompatible schema lose 0.4, so even an
    /// identical name of a person stays under the threshold for a vessel query.
    pub schema: Option<Schema>,
    /// Date of birth (persons).
    pub birth_date: Option<BirthDate>,
    /// Nationalities or countries, as names or ISO codes.
    pub countries: Vec<String>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Document or register numbers (passport, IMO, registration); matched exactly after
    /// removing spaces and punctuation.
    pub identifiers: Vec<String>,
    /// Crypto addresses, matched exactly with per-encoding case rules.
    pub crypto_addresses: Vec<String>,
}

impl Query {
    /// A query for a name.
    pub fn name(name: impl Into<String>) -> Query {
        Query {
            name: Some(name.into()),
            ..Query::default()
        }
    }

    /// A query for a crypto address.
    pub fn address(address: impl Into<String>) -> Query {
        Query {
            crypto_addresses: vec![address.into()],
            ..Query::default()
        }
    }

    /// Adds a schema.
    pub fn with_schema(mut self, schema: Schema) -> Query {
        self.schema = Some(schema);
        self
    }

    /// Adds a birth date given as text (`1984-01-08`, `1984`, `08 Jan 1984`).
    pub fn with_birth_date(mut self, date: &str) -> Result<Query> {
        self.birth_date = Some(BirthDate::parse(date).ok_or_else(|| {
            ScreenError::InvalidQuery(format!("cannot read birth date {date:?}"))
        })?);
        Ok(self)
    }

    /// Adds a country.
    pub fn with_country(mut self, country: impl Into<String>) -> Query {
        self.countries.push(country.into());
        self
    }

    /// Adds an identifier.
    pub fn with_identifier(mut self, id: impl Into<String>) -> Query {
        self.identifiers.push(id.into());
        self
    }

    /// Adds a gender.
    pub fn with_gender(mut self, gender: Gender) -> Query {
        self.gender = Some(gender);
        self
    }
}

/// Search options.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Options {
    /// Lowest score reported; default [`DEFAULT_THRESHOLD`].
    pub threshold: f32,
    /// Most matches returned; default 10.
    pub limit: usize,
    /// Most index names scored in full per query; default 128. Raising it trades speed
    /// for recall on very common names.
    pub candidates: usize,
    /// Build the human-readable explanation lines; default true.
    pub explain: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            threshold: DEFAULT_THRESHOLD,
            limit: 10,
            candidates: 128,
            explain: true,
        }
    }
}

/// A validated query with its name analyzed and its keys normalized.
#[derive(Debug, Clone)]
pub(crate) struct PreparedQuery {
    pub names: Vec<AnalyzedName>,
    pub schema: Option<Schema>,
    pub birth_date: Option<BirthDate>,
    pub countries: Vec<String>,
    pub gender: Option<Gender>,
    pub identifiers: Vec<String>,
    pub crypto_addresses: Vec<String>,
}

/// Normalizes an identifier for exact lookup: letters and digits only, uppercase, and an
/// `IMO` prefix removed from IMO numbers.
pub fn normalize_identifier(id: &str) -> String {
    let norm: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    match norm.strip_prefix("IMO") {
        Some(rest) if rest.len() == 7 && rest.bytes().all(|b| b.is_ascii_digit()) => {
            rest.to_string()
        }
        _ => norm,
    }
}

impl PreparedQuery {
    pub fn new(query: &Query) -> Result<PreparedQuery> {
        let mut names = Vec::new();
        if let Some(name) = &query.name {
            if name.len() > MAX_NAME_BYTES {
                return Err(ScreenError::NameTooLong {
                    len: name.len(),
                    max: MAX_NAME_BYTES,
                });
            }
            names = analyze(name);
        }
        let identifiers: Vec<String> = query
            .identifiers
            .iter()
            .map(|i| normalize_identifier(i))
            .filter(|i| i.len() >= 4)
            .collect();
        let mut crypto_addresses: Vec<String> = query
            .crypto_addresses
            .iter()
            .filter(|a| a.len() <= 256)
            .map(|a| crate::crypto::normalize_address(a))
            .filter(|a| !a.is_empty())
            .collect();
        // A batch row often puts a wallet in the name column: look it up as an address too.
        if let Some(name) = query.name.as_deref().map(str::trim) {
            let has_digit = name.bytes().any(|b| b.is_ascii_digit());
            if name.len() >= 25 && has_digit && crate::crypto::looks_like_address(name) {
                crypto_addresses.push(crate::crypto::normalize_address(name));
            }
        }
        if names.is_empty() && identifiers.is_empty() && crypto_addresses.is_empty() {
            return Err(ScreenError::EmptyQuery);
        }
        let countries = query
            .countries
            .iter()
            .map(|c| {
                crate::countries::to_code(c)
                    .map(str::to_string)
                    .unwrap_or_else(|| c.trim().to_string())
            })
            .filter(|c| !c.is_empty())
            .collect();
        Ok(PreparedQuery {
            names,
            schema: query.schema,
            birth_date: query.birth_date,
            countries,
            gender: query.gender,
            identifiers,
            crypto_addresses,
        })
    }
}
