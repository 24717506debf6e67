//! Every employee's sign-ins, compact and in time order, shared by the detectors of
//! one detect run: loading ten million events once costs seconds, five times would
//! cost a minute. The cache is keyed by the store's folder and its newest record, so
//! an ingest in between invalidates it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use unmask_store::{Store, StoreError};

use crate::roster::Roster;
use crate::rules::rules;

/// One sign-in, 40 bytes.
#[derive(Debug, Clone, Copy)]
pub struct SignIn {
    pub record_id: i64,
    pub time_ms: i64,
    /// Index into [`Shared::ips`].
    pub ip: u32,
    /// Index into [`Shared::orgs`] (AS organisation, else ISP); 0 = unknown.
    pub org: u32,
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
}

impl Shared {
    pub fn ip(&self, sign_in: &SignIn) -> &str {
        &self.ips[sign_in.ip as usize]
    }

    pub fn org(&self, sign_in: &SignIn) -> &str {
        &self.orgs[sign_in.org as usize]
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

fn load(store: &Store) -> Result<Shared, StoreError> {
    let roster = Roster::load(store)?;
    let rules = rules();
    let mut sign_ins: Vec<Vec<SignIn>> = vec![Vec::new(); roster.employees.len()];
    let mut ips = Interner::new();
    let mut orgs = Interner::new();
    let mut countries = Interner::new();
    let mut country_codes: HashMap<String, u32> = HashMap::new();
    let mut user_index: HashMap<String, Option<usize>> = HashMap::new();
    let mut unmatched = 0u64;
    let mut statement = store.conn().prepare(
        "SELECT record_id, user, time_ms, source_ip, country, latitude, longitude,
                COALESCE(as_org, isp), is_proxy, outcome, event_type
         FROM auth_events",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let user: String = row.get(1)?;
        let employee = match user_index.get(&user) {
            Some(found) => *found,
            None => {
                let found = roster.by_sign_in(&user);
                user_index.insert(user.clone(), found);
                found
            }
        };
        let Some(employee) = employee else {
            unmatched += 1;
            continue;
        };
        let ip: Option<String> = row.get(3)?;
        let country: Option<String> = row.get(4)?;
        let latitude: Option<f64> = row.get(5)?;
        let longitude: Option<f64> = row.get(6)?;
        let org: Option<String> = row.get(7)?;
        let proxy: Option<bool> = row.get(8)?;
        let outcome: String = row.get(9)?;
        let event_type: String = row.get(10)?;
        let country = match country {
            Some(text) => match country_codes.get(&text) {
                Some(&id) => id,
                None => {
                    let code = rules
                        .country_code(&text)
                        .unwrap_or_else(|| text.to_uppercase());
                    let id = countries.intern(&code);
                    country_codes.insert(text, id);
                    id
                }
            },
            None => 0,
        };
        sign_ins[employee].push(SignIn {
            record_id: row.get(0)?,
            time_ms: row.get(2)?,
            ip: ips.intern(ip.as_deref().unwrap_or("")),
            org: orgs.intern(&org.unwrap_or_default().to_lowercase()),
            latitude: latitude.unwrap_or(0.0) as f32,
            longitude: longitude.unwrap_or(0.0) as f32,
            country: country as u16,
            has_geo: latitude.is_some() && longitude.is_some(),
            proxy: proxy.unwrap_or(false),
            success: outcome == "success",
            interactive: is_interactive(&event_type),
        });
    }
    drop(rows);
    for list in &mut sign_ins {
        list.sort_by_key(|s| (s.time_ms, s.record_id));
    }
    Ok(Shared {
        roster,
        sign_ins,
        ips: ips.values,
        orgs: orgs.values,
        countries: countries.values,
        unmatched,
    })
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
