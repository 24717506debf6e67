//! The normalized list entity: what every parser produces and the index consumes.
//! One shape for OFAC, UN, EU, FollowTheMoney and crypto-address lists, so the matcher
//! never needs to know where an entry came from.

use serde::{Deserialize, Serialize};

/// What kind of thing a list entry is (FollowTheMoney schema names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Schema {
    /// A natural person.
    Person,
    /// An organization that is not (known to be) a company: ministries, armed groups.
    Organization,
    /// A company.
    Company,
    /// Any legal or natural person when the list does not say which.
    LegalEntity,
    /// A ship.
    Vessel,
    /// An aircraft.
    Aircraft,
    /// A crypto wallet known only by its address.
    CryptoWallet,
}

impl Schema {
    /// Parses a FollowTheMoney schema name or a common synonym ("individual", "entity", "vessel").
    pub fn parse(text: &str) -> Option<Schema> {
        let lower = text.trim().to_ascii_lowercase();
        Some(match lower.as_str() {
            "person" | "individual" | "people" => Schema::Person,
            "organization" | "organisation" | "entity" | "enterprise" => Schema::Organization,
            "company" | "business" => Schema::Company,
            "legalentity" | "legal_entity" | "thing" => Schema::LegalEntity,
            "vessel" | "ship" => Schema::Vessel,
            "aircraft" | "airplane" => Schema::Aircraft,
            "cryptowallet" | "crypto_wallet" | "wallet" => Schema::CryptoWallet,
            _ => return None,
        })
    }

    /// The FollowTheMoney schema name.
    pub fn as_str(self) -> &'static str {
        match self {
            Schema::Person => "Person",
            Schema::Organization => "Organization",
            Schema::Company => "Company",
            Schema::LegalEntity => "LegalEntity",
            Schema::Vessel => "Vessel",
            Schema::Aircraft => "Aircraft",
            Schema::CryptoWallet => "CryptoWallet",
        }
    }

    /// Whether a query of schema `self` may match a list entry of schema `other`.
    /// LegalEntity is compatible with persons and organizations; Organization and Company
    /// are interchangeable; vessels, aircraft and wallets only match themselves.
    pub fn compatible(self, other: Schema) -> bool {
        use Schema::*;
        if self == other {
            return true;
        }
        matches!(
            (self, other),
            (LegalEntity, Person | Organization | Company)
                | (Person | Organization | Company, LegalEntity)
                | (Organization, Company)
                | (Company, Organization)
        )
    }
}

impl std::fmt::Display for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much a list trusts a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NameStrength {
    /// The entry's main name.
    Primary,
    /// A strong alias (OFAC "aka" in alt.csv or category strong, UN quality "Good", EU strong).
    Strong,
    /// A weak alias (OFAC weak aka, UN quality "Low"): nicknames and partial names that
    /// alone should not trigger a hit; they score a little lower.
    Weak,
}

/// One name of a list entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityName {
    /// The name as the list writes it.
    pub name: String,
    /// Primary, strong alias or weak alias.
    pub strength: NameStrength,
}

/// A gender as the lists record it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gender {
    /// Male.
    Male,
    /// Female.
    Female,
}

impl Gender {
    /// Parses "Male", "M", "female", "F" ...
    pub fn parse(text: &str) -> Option<Gender> {
        match text.trim().to_ascii_lowercase().as_str() {
            "m" | "male" | "man" => Some(Gender::Male),
            "f" | "female" | "woman" => Some(Gender::Female),
            _ => None,
        }
    }
}

/// A birth date as precise as the list knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BirthDate {
    /// First possible year.
    pub year_from: i32,
    /// Last possible year (equal to `year_from` unless the list gives a range or "circa").
    pub year_to: i32,
    /// Month (1-12), when known and the date is a single year.
    pub month: Option<u8>,
    /// Day of month, when known.
    pub day: Option<u8>,
    /// The list said "circa" / "approximately".
    pub approximate: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

impl BirthDate {
    /// A single full date.
    pub fn full(year: i32, month: u8, day: u8) -> BirthDate {
        BirthDate {
            year_from: year,
            year_to: year,
            month: Some(month),
            day: Some(day),
            approximate: false,
        }
    }

    /// A year only.
    pub fn year(year: i32) -> BirthDate {
        BirthDate {
            year_from: year,
            year_to: year,
            month: None,
            day: None,
            approximate: false,
        }
    }

    /// A range of years (inclusive).
    pub fn range(from: i32, to: i32) -> BirthDate {
        BirthDate {
            year_from: from.min(to),
            year_to: from.max(to),
            month: None,
            day: None,
            approximate: false,
        }
    }

    /// Parses the date forms the lists and users write: `1984-01-08`, `1984-01`, `1984`,
    /// `08 Jan 1984`, `Jan 1984`, `circa 1947`, `1947 to 1950`, `1947-1950`, `08/01/1984` (day first).
    pub fn parse(text: &str) -> Option<BirthDate> {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        let (approximate, rest) = match lower
            .strip_prefix("circa ")
            .or_else(|| lower.strip_prefix("approximately "))
            .or_else(|| lower.strip_prefix("approx. "))
            .or_else(|| lower.strip_prefix("c. "))
            .or_else(|| lower.strip_prefix("about "))
        {
            Some(rest) => (true, rest.trim()),
            None => (false, lower.as_str()),
        };
        if let Some((a, b)) = rest.split_once(" to ").or_else(|| rest.split_once(" - ")) {
            let from = BirthDate::parse(a)?;
            let to = BirthDate::parse(b)?;
            return Some(BirthDate {
                approximate,
                ..BirthDate::range(from.year_from, to.year_to)
            });
        }
        let mut date = Self::parse_exact(rest)?;
        if approximate {
            date.approximate = true;
            date.year_from -= 1;
            date.year_to += 1;
        }
        Some(date)
    }

    fn parse_exact(text: &str) -> Option<BirthDate> {
        let year_ok = |y: i32| (1000..=2100).contains(&y);
        let parts: Vec<&str> = text
            .split(['-', '/', ' ', '.'])
            .filter(|p| !p.is_empty())
            .collect();
        let num = |s: &str| s.parse::<i32>().ok();
        let month_name = |s: &str| {
            MONTHS
                .iter()
                .position(|m| s.starts_with(m))
                .map(|i| i as u8 + 1)
        };
        match parts.as_slice() {
            [y] => num(y).filter(|y| year_ok(*y)).map(BirthDate::year),
            [a, b] => {
                // 1984-01, Jan 1984, 1947-1950
                if let (Some(y1), Some(y2)) = (num(a), num(b)) {
                    if year_ok(y1) && year_ok(y2) {
                        return Some(BirthDate::range(y1, y2));
                    }
                    if year_ok(y1) && (1..=12).contains(&y2) {
                        return Some(BirthDate {
                            month: Some(y2 as u8),
                            ..BirthDate::year(y1)
                        });
                    }
                    return None;
                }
                let y = num(b).filter(|y| year_ok(*y))?;
                Some(BirthDate {
                    month: Some(month_name(a)?),
                    ..BirthDate::year(y)
                })
            }
            [a, b, c] => {
                if let (Some(y), Some(m), Some(d)) = (num(a), num(b), num(c)) {
                    if year_ok(y) {
                        return valid(y, m, d);
                    }
                    // day first: 08/01/1984
                    if year_ok(d) {
                        return valid(d, m, y);
                    }
                    return None;
                }
                let d = num(a)?;
                let m = month_name(b)? as i32;
                let y = num(c).filter(|y| year_ok(*y))?;
                valid(y, m, d)
            }
            _ => None,
        }
    }

    /// How well a query date agrees with this list date: `Some(true)` compatible,
    /// `Some(false)` contradicts, with the precision that agreed.
    pub fn compare(&self, query: &BirthDate) -> DateAgreement {
        let overlap = query.year_from <= self.year_to && self.year_from <= query.year_to;
        if !overlap {
            let gap = (query.year_from - self.year_to).max(self.year_from - query.year_to);
            return if gap <= 1 {
                DateAgreement::Near
            } else {
                DateAgreement::Contradicts
            };
        }
        let single = self.year_from == self.year_to && query.year_from == query.year_to;
        if !single {
            return DateAgreement::YearRange;
        }
        match (self.month, query.month) {
            (Some(a), Some(b)) if a != b => return DateAgreement::Near,
            (Some(_), Some(_)) => {}
            _ => return DateAgreement::Year,
        }
        match (self.day, query.day) {
            (Some(a), Some(b)) if a != b => DateAgreement::Near,
            (Some(_), Some(_)) => DateAgreement::Exact,
            _ => DateAgreement::Month,
        }
    }
}

fn valid(y: i32, m: i32, d: i32) -> Option<BirthDate> {
    if (1..=12).contains(&m) && (1..=31).contains(&d) {
        Some(BirthDate::full(y, m as u8, d as u8))
    } else {
        None
    }
}

impl std::fmt::Display for BirthDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.year_from != self.year_to {
            return write!(f, "{}..{}", self.year_from, self.year_to);
        }
        write!(f, "{:04}", self.year_from)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

/// Result of comparing two birth dates, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateAgreement {
    /// Same day.
    Exact,
    /// Same year and month; one side has no day.
    Month,
    /// Same year; one side has no month.
    Year,
    /// The query falls inside the list's range (or circa window).
    YearRange,
    /// Off by a year or a digit: a typo or a different calendar; neither raises nor lowers much.
    Near,
    /// Clearly different.
    Contradicts,
}

/// An identifier printed on a document or register: passport, national id, IMO number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifier {
    /// What the list calls it ("Passport", "IMO", "Registration Number").
    pub kind: String,
    /// The value as printed.
    pub value: String,
    /// The issuing country, when given.
    pub country: Option<String>,
}

/// A crypto address attributed to a list entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CryptoAddress {
    /// Ticker as OFAC writes it: XBT, ETH, USDT, XMR ...
    pub chain: String,
    /// The address as published.
    pub address: String,
}

/// One entry of a sanctions list, normalized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEntity {
    /// Short list name, e.g. `us_ofac_sdn`, `un_sc_sanctions`, `eu_fsf`.
    pub list: String,
    /// The list's own id for the entry: OFAC ent_num, UN reference number, EU logical id.
    pub id: String,
    /// What kind of entry.
    pub schema: Schema,
    /// The display name.
    pub caption: String,
    /// All names, primary first.
    pub names: Vec<EntityName>,
    /// Sanctions programs (OFAC program tags, UN list type, EU programme).
    pub programs: Vec<String>,
    /// Birth dates (persons).
    pub birth_dates: Vec<BirthDate>,
    /// Nationalities, citizenships and countries, as ISO 3166 alpha-2 codes where we
    /// could map them, else as written.
    pub countries: Vec<String>,
    /// Gender, when given.
    pub gender: Option<Gender>,
    /// Document and register numbers.
    pub identifiers: Vec<Identifier>,
    /// Crypto addresses.
    pub crypto_addresses: Vec<CryptoAddress>,
}

impl ListEntity {
    /// An empty entity with a list, an id and a schema; parsers fill in the rest.
    pub fn new(list: &str, id: impl Into<String>, schema: Schema) -> ListEntity {
        ListEntity {
            list: list.to_string(),
            id: id.into(),
            schema,
            caption: String::new(),
            names: Vec::new(),
            programs: Vec::new(),
            birth_dates: Vec::new(),
            countries: Vec::new(),
            gender: None,
            identifiers: Vec::new(),
            crypto_addresses: Vec::new(),
        }
    }

    /// Adds a name unless it is blank or already present; the first name becomes the caption.
    pub fn add_name(&mut self, name: &str, strength: NameStrength) {
        let name = collapse_spaces(name);
        if name.is_empty() || self.names.iter().any(|n| n.name == name) {
            return;
        }
        if self.caption.is_empty() {
            self.caption = name.clone();
        }
        self.names.push(EntityName { name, strength });
    }

    /// Adds a country (mapped to ISO alpha-2 where possible) unless present.
    pub fn add_country(&mut self, country: &str) {
        let country = country.trim();
        if country.is_empty() {
            return;
        }
        let code = crate::countries::to_code(country)
            .map(str::to_string)
            .unwrap_or_else(|| country.to_string());
        if !self.countries.contains(&code) {
            self.countries.push(code);
        }
    }

    /// Adds a program unless present.
    pub fn add_program(&mut self, program: &str) {
        let program = program.trim();
        if !program.is_empty() && !self.programs.iter().any(|p| p == program) {
            self.programs.push(program.to_string());
        }
    }

    /// Adds an identifier unless the value is blank.
    pub fn add_identifier(&mut self, kind: &str, value: &str, country: Option<&str>) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        self.identifiers.push(Identifier {
            kind: kind.trim().to_string(),
            value: value.to_string(),
            country: country
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string),
        });
    }

    /// Adds a crypto address unless blank or present.
    pub fn add_crypto(&mut self, chain: &str, address: &str) {
        let address = address.trim();
        if address.is_empty() || self.crypto_addresses.iter().any(|c| c.address == address) {
            return;
        }
        self.crypto_addresses.push(CryptoAddress {
            chain: chain.trim().to_ascii_uppercase(),
            address: address.to_string(),
        });
    }
}

/// A record a parser could not use, kept so an analyst can see what was skipped and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quarantined {
    /// The file (or input) the record came from, e.g. `alt.csv`.
    pub file: String,
    /// 1-based line number in the file where the record starts.
    pub line: u64,
    /// Human-readable reason.
    pub reason: String,
    /// The start of the offending record (at most 200 characters).
    pub excerpt: String,
}

impl Quarantined {
    /// Builds a quarantine record, cutting the excerpt to 200 characters.
    pub fn new(file: &str, line: u64, reason: impl Into<String>, record: &str) -> Quarantined {
        Quarantined {
            file: file.to_string(),
            line,
            reason: reason.into(),
            excerpt: record.chars().take(200).collect(),
        }
    }
}

/// What a parser returns: the usable entities and the quarantined records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseOutput {
    /// Entities in file order.
    pub entities: Vec<ListEntity>,
    /// Records that were skipped, with reasons.
    pub quarantined: Vec<Quarantined>,
}

pub(crate) fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
