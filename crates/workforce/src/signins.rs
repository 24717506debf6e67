//! Every employee's sign-ins, compact and in time order, shared by the detectors of
//! one detect run: loading ten million events once costs seconds, five times would
//! cost a minute. The cache is keyed by the store's folder and its newest record, so
//! an ingest in between invalidates it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use unmask_store::{Store, StoreError};

use crate::roster::Roster;
use crate::rules::{rules, EgressRule};

/// One sign-in, 48 bytes.
#[derive(Debug, Clone, Copy)]
pub struct SignIn {
    pub record_id: i64,
    pub time_ms: i64,
    /// Index into [`Shared::ips`].
    pub ip: u32,
    /// Index into [`Shared::orgs`] (AS organisation, else ISP); 0 = unknown.
    pub org: u32,
    /// Index into the autonomous system numbers of the run; 0 = unknown.
    pub asn: u32,
    pub latitude: f32,
    pub longitude: f32,
    /// Index into [`Shared::countries`]; 0 = unknown.
    pub country: u16,
    pub has_geo: bool,
    pub proxy: bool,
    pub success: bool,
    /// A person signing in (session start, MFA), not a background token refresh or
    /// app SSO of an always-on device.
    pub interactive: bool,
}

/// Whether an event type is a person signing in rather than a device in the
/// background: app SSO and Entra's non-interactive sign-ins are background.
pub fn is_interactive(event_type: &str) -> bool {
    let lowered = event_type.to_ascii_lowercase();
    const BACKGROUND: &[&str] = &[
        "sso",
        "noninteractive",
        "non_interactive",
        "non-interactive",
        "serviceprincipal",
        "managedidentity",
    ];
    !BACKGROUND.iter().any(|kind| lowered.contains(kind))
}

/// What the workforce detectors read, loaded once per store state.
pub struct Shared {
    pub roster: Roster,
    /// Per employee (roster index), sign-ins in time order.
    pub sign_ins: Vec<Vec<SignIn>>,
    pub ips: Vec<String>,
    pub orgs: Vec<String>,
    /// ISO codes; index 0 is "" (unknown).
    pub countries: Vec<String>,
    /// Sign-in events whose user matched no employee.
    pub unmatched: u64,
    /// The egress rule (VPN, hosting, corporate) of each of [`Shared::orgs`],
    /// matched once per organisation rather than once per sign-in.
    org_rules: Vec<Option<&'static EgressRule>>,
    /// The egress rule of each autonomous system number seen, by [`SignIn::asn`]:
    /// for sign-ins whose provider gives a number and no name (Entra).
    asn_rules: Vec<Option<&'static EgressRule>>,
    /// The autonomous system numbers, by [`SignIn::asn`]; index 0 is 0 (unknown).
    asns: Vec<u32>,
}

impl Shared {
    pub fn ip(&self, sign_in: &SignIn) -> &str {
        &self.ips[sign_in.ip as usize]
    }

    pub fn org(&self, sign_in: &SignIn) -> &str {
        &self.orgs[sign_in.org as usize]
    }

    /// The network a sign-in came from, for reasons: its AS organisation or ISP, else
    /// its AS number.
    pub fn network(&self, sign_in: &SignIn) -> String {
        match (self.org(sign_in), self.asns.get(sign_in.asn as usize)) {
            (org, _) if !org.is_empty() => org.to_string(),
            (_, Some(&asn)) if asn != 0 => format!("AS{asn}"),
            _ => "unknown network".to_string(),
        }
    }

    /// The egress rule matching the sign-in's AS organisation or ISP, if any.
    pub fn egress_rule(&self, sign_in: &SignIn) -> Option<&'static EgressRule> {
        self.org_rules
            .get(sign_in.org as usize)
            .copied()
            .flatten()
            .or_else(|| self.asn_rules.get(sign_in.asn as usize).copied().flatten())
    }

    pub fn country(&self, sign_in: &SignIn) -> &str {
        &self.countries[sign_in.country as usize]
    }
}

struct Interner {
    values: Vec<String>,
    index: HashMap<String, u32>,
}

impl Interner {
    fn new() -> Interner {
        Interner {
            values: vec![String::new()],
            index: HashMap::from([(String::new(), 0)]),
        }
    }

    fn intern(&mut self, value: &str) -> u32 {
        if let Some(&id) = self.index.get(value) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(value.to_string());
        self.index.insert(value.to_string(), id);
        id
    }
}

type CacheKey = (PathBuf, i64, i64);

static CACHE: Mutex<Option<(CacheKey, Arc<Shared>)>> = Mutex::new(None);

/// The shared data for this store, from the cache when the store has not changed.
pub fn shared(store: &Store) -> Result<Arc<Shared>, StoreError> {
    let (max_record, decisions): (i64, i64) = store.conn().query_row(
        "SELECT COALESCE(MAX(id), 0), (SELECT COUNT(*) FROM decisions) FROM records",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let key = (store.dir().to_path_buf(), max_record, decisions);
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((cached_key, shared)) = cache.as_ref() {
        if *cached_key == key {
            return Ok(Arc::clone(shared));
        }
    }
    let loaded = Arc::new(load(store)?);
    *cache = Some((key, Arc::clone(&loaded)));
    Ok(loaded)
}

/// Rows per loading thread below which one thread does it all.
const PARALLEL_FROM: i64 = 200_000;

fn load(store: &Store) -> Result<Shared, StoreError> {
    let roster = Roster::load(store)?;
    let (low, high, count): (i64, i64, i64) = store.conn().query_row(
        "SELECT COALESCE(MIN(record_id), 0), COALESCE(MAX(record_id), -1), COUNT(*)
         FROM auth_events",
        [],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    // Two halves of the table by record id, the second on its own connection: SQLite
    // decodes rows on one core per connection, and this is most of a detect run.
    let parts = if count >= 2 * PARALLEL_FROM {
        let middle = low + (high - low) / 2;
        let dir = store.dir().to_path_buf();
        let roster = &roster;
        std::thread::scope(|scope| {
            let second = scope.spawn(move || {
                let other = Store::open(&dir)?;
                load_range(&other, roster, middle + 1, high)
            });
            let first = load_range(store, roster, low, middle);
            let second = second
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Ok::<_, StoreError>(vec![first?, second?])
        })?
    } else {
        vec![load_range(store, &roster, low, high)?]
    };
    let mut parts = parts.into_iter();
    let mut merged = parts.next().expect("at least one part");
    for part in parts {
        merged.absorb(part);
    }
    let mut sign_ins = merged.sign_ins;
    for list in &mut sign_ins {
        list.sort_by_key(|s| (s.time_ms, s.record_id));
    }
    let rules = rules();
    let org_rules = merged
        .orgs
        .values
        .iter()
        .map(|org| rules.egress_class(org))
        .collect();
    let asn_rules = merged
        .asns
        .values
        .iter()
        .map(|&asn| (asn != 0).then(|| rules.egress_class_by_asn(asn)).flatten())
        .collect();
    Ok(Shared {
        roster,
        sign_ins,
        org_rules,
        asn_rules,
        asns: merged.asns.values,
        ips: merged.ips.values,
        orgs: merged.orgs.values,
        countries: merged.countries.values,
        unmatched: merged.unmatched,
    })
}

/// The sign-ins of one record-id range, with its own interned values.
struct Part {
    sign_ins: Vec<Vec<SignIn>>,
    ips: Interner,
    orgs: Interner,
    countries: Interner,
    asns: Numbers,
    unmatched: u64,
}

/// Autonomous system numbers, interned: index 0 is "unknown".
struct Numbers {
    values: Vec<u32>,
    index: HashMap<u32, u32>,
}

impl Numbers {
    fn new() -> Numbers {
        Numbers {
            values: vec![0],
            index: HashMap::from([(0, 0)]),
        }
    }

    fn intern(&mut self, value: u32) -> u32 {
        let next = self.values.len() as u32;
        let id = *self.index.entry(value).or_insert(next);
        if id == next {
            self.values.push(value);
        }
        id
    }
}

impl Part {
    /// Appends another part's sign-ins, renumbering its interned values into ours.
    fn absorb(&mut self, other: Part) {
        let remap = |ours: &mut Interner, theirs: &Interner| -> Vec<u32> {
            theirs.values.iter().map(|v| ours.intern(v)).collect()
        };
        let ips = remap(&mut self.ips, &other.ips);
        let orgs = remap(&mut self.orgs, &other.orgs);
        let countries = remap(&mut self.countries, &other.countries);
        let asns: Vec<u32> = other
            .asns
            .values
            .iter()
            .map(|&asn| self.asns.intern(asn))
            .collect();
        for (ours, theirs) in self.sign_ins.iter_mut().zip(other.sign_ins) {
            ours.extend(theirs.into_iter().map(|mut s| {
                s.ip = ips[s.ip as usize];
                s.org = orgs[s.org as usize];
                s.country = countries[s.country as usize] as u16;
                s.asn = asns[s.asn as usize];
                s
            }));
        }
        self.unmatched += other.unmatched;
    }
}

/// A text column, borrowed from the row.
fn text<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> Result<Option<&'r str>, StoreError> {
    row.get_ref(index)?.as_str_or_null().map_err(|error| {
        StoreError::Sql(rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            Box::new(error),
        ))
    })
}

fn load_range(store: &Store, roster: &Roster, low: i64, high: i64) -> Result<Part, StoreError> {
    let rules = rules();
    let mut part = Part {
        sign_ins: vec![Vec::new(); roster.employees.len()],
        ips: Interner::new(),
        orgs: Interner::new(),
        countries: Interner::new(),
        asns: Numbers::new(),
        unmatched: 0,
    };
    let mut country_codes: HashMap<String, u32> = HashMap::new();
    let mut user_index: HashMap<String, Option<usize>> = HashMap::new();
    let mut kinds: HashMap<String, bool> = HashMap::new();
    let mut lowered = String::new();
    let mut statement = store.conn().prepare(
        "SELECT record_id, user, time_ms, source_ip, country, latitude, longitude,
                COALESCE(as_org, isp), is_proxy, outcome, event_type, asn
         FROM auth_events WHERE record_id BETWEEN ?1 AND ?2",
    )?;
    let mut rows = statement.query([low, high])?;
    while let Some(row) = rows.next()? {
        // Borrowed text: no allocation per row for values seen before.
        let user = text(row, 1)?.unwrap_or_default();
        let employee = match user_index.get(user) {
            Some(found) => *found,
            None => {
                let found = roster.by_sign_in(user);
                user_index.insert(user.to_string(), found);
                found
            }
        };
        let Some(employee) = employee else {
            part.unmatched += 1;
            continue;
        };
        let record_id: i64 = row.get(0)?;
        let time_ms: i64 = row.get(2)?;
        let latitude: Option<f64> = row.get(5)?;
        let longitude: Option<f64> = row.get(6)?;
        let proxy: Option<bool> = row.get(8)?;
        let ip = part.ips.intern(text(row, 3)?.unwrap_or(""));
        let country = match text(row, 4)? {
            Some(text) => match country_codes.get(text) {
                Some(&id) => id,
                None => {
                    let code = rules
                        .country_code(text)
                        .unwrap_or_else(|| text.to_uppercase());
                    let id = part.countries.intern(&code);
                    country_codes.insert(text.to_string(), id);
                    id
                }
            },
            None => 0,
        };
        let org = match text(row, 7)? {
            Some(text) if text.bytes().any(|b| b.is_ascii_uppercase()) || !text.is_ascii() => {
                lowered.clear();
                lowered.push_str(&text.to_lowercase());
                part.orgs.intern(&lowered)
            }
            Some(text) => part.orgs.intern(text),
            None => 0,
        };
        let success = text(row, 9)? == Some("success");
        let asn: Option<i64> = row.get(11)?;
        let asn = part
            .asns
            .intern(asn.and_then(|a| u32::try_from(a).ok()).unwrap_or(0));
        let event_type = text(row, 10)?.unwrap_or_default();
        let interactive = match kinds.get(event_type) {
            Some(&known) => known,
            None => {
                let known = is_interactive(event_type);
                kinds.insert(event_type.to_string(), known);
                known
            }
        };
        part.sign_ins[employee].push(SignIn {
            record_id,
            time_ms,
            ip,
            org,
            asn,
            latitude: latitude.unwrap_or(0.0) as f32,
            longitude: longitude.unwrap_or(0.0) as f32,
            country: country as u16,
            has_geo: latitude.is_some() && longitude.is_some(),
            proxy: proxy.unwrap_or(false),
            success,
            interactive,
        });
    }
    Ok(part)
}

/// Great-circle distance in kilometres.
pub fn distance_km(a: &SignIn, b: &SignIn) -> f64 {
    let (lat1, lon1) = (
        (a.latitude as f64).to_radians(),
        (a.longitude as f64).to_radians(),
    );
    let (lat2, lon2) = (
        (b.latitude as f64).to_radians(),
        (b.longitude as f64).to_radians(),
    );
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    #[test]
    fn background_sign_ins_are_not_interactive() {
        for kind in [
            "user.authentication.sso",
            "nonInteractiveUser",
            "servicePrincipal",
            "managedIdentity",
        ] {
            assert!(!super::is_interactive(kind), "{kind}");
        }
        for kind in [
            "user.session.start",
            "user.authentication.auth_via_mfa",
            "interactiveUser",
        ] {
            assert!(super::is_interactive(kind), "{kind}");
        }
    }
}
