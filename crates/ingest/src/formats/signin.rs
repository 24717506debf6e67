//! What the identity-provider adapters (Okta, Entra, Google Workspace) share: the
//! record a sign-in becomes, and the IP address entity that lets the graph join
//! sign-ins from one egress address (or one /24, or one ASN) across employees.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::OnceLock;

use unmask_model::{AuthEvent, EntityFragment, Event, Parsed};

use crate::{Position, Record};

/// The canonical text of an IP address (IPv6 compressed and lower-case, IPv4-mapped
/// IPv6 as IPv4), or `None` when the text is not one.
pub(crate) fn canonical_ip(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let raw = raw
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(raw);
    let address: IpAddr = raw.parse().ok()?;
    Some(address.to_canonical().to_string())
}

/// The network an address belongs to for farm detection: its /24 (IPv4) or /48 (IPv6).
fn network(address: &str) -> Option<String> {
    match address.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            Some(format!("{a}.{b}.{c}.0/24"))
        }
        IpAddr::V6(v6) => {
            let segments = v6.segments();
            let prefix =
                std::net::Ipv6Addr::new(segments[0], segments[1], segments[2], 0, 0, 0, 0, 0);
            Some(format!("{prefix}/48"))
        }
    }
}

/// The `ip:{address}` entity of a sign-in's source address, with what the provider
/// said about its network and place.
pub(crate) fn ip_entity(event: &AuthEvent) -> Option<EntityFragment> {
    let address = event.source_ip.as_deref()?;
    // Only canonical addresses make ids; anything else stays on the event alone.
    address.parse::<IpAddr>().ok()?;
    let mut entity = EntityFragment::new(format!("ip:{address}"), "IpAddress");
    entity.prop("address", address);
    if let Some(network) = network(address) {
        entity.prop("network", network);
    }
    if let Some(asn) = event.asn {
        entity.prop("asn", asn.to_string());
    }
    for (name, value) in [
        ("asOrg", &event.as_org),
        ("isp", &event.isp),
        ("country", &event.country),
        ("region", &event.region),
        ("city", &event.city),
    ] {
        if let Some(value) = value {
            entity.prop(name, value);
        }
    }
    if event.is_proxy == Some(true) {
        entity.prop("proxy", "true");
    }
    Some(entity)
}

/// The record of one sign-in: the event, and its IP address entity.
pub(crate) fn record(at: Position, identity: Vec<u8>, raw: &str, event: AuthEvent) -> Record {
    let mut parsed = Parsed::default();
    if let Some(ip) = ip_entity(&event) {
        parsed.entities.push(ip);
    }
    parsed.events.push(Event::Auth(event));
    Record {
        at,
        identity,
        raw: Some(raw.to_string()),
        parsed,
    }
}

/// The identity of a record: the source's own event id where it has one, else the
/// raw text, under a per-source prefix.
pub(crate) fn identity(prefix: &str, event_id: Option<&str>, raw: &str) -> Vec<u8> {
    let mut identity = Vec::with_capacity(prefix.len() + 5 + event_id.map_or(raw.len(), str::len));
    identity.extend_from_slice(prefix.as_bytes());
    match event_id {
        Some(id) => {
            identity.push(b':');
            identity.extend_from_slice(id.as_bytes());
        }
        None => {
            identity.extend_from_slice(b"-raw:");
            identity.extend_from_slice(raw.as_bytes());
        }
    }
    identity
}

/// An owned, trimmed, non-empty string, or `None`.
pub(crate) fn owned(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty() && *v != "null")
        .map(str::to_string)
}

/// The ISO 3166-1 alpha-2 code of a country as the providers write it (Okta: `United
/// States`; Entra and Google: `US`), so that sign-ins compare with each other and with
/// the claimed country of HR data. Names not in the table are kept as given.
pub(crate) fn country(value: Option<&str>) -> Option<String> {
    let value = value
        .map(str::trim)
        .filter(|v| !v.is_empty() && *v != "null")?;
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Some(value.to_ascii_uppercase());
    }
    let table = countries();
    let code = table
        .exact
        .get(value)
        .copied()
        .or_else(|| table.folded.get(&value.to_lowercase()).copied());
    Some(code.unwrap_or(value).to_string())
}

struct Countries {
    exact: HashMap<&'static str, &'static str>,
    folded: HashMap<String, &'static str>,
}

/// The table in `countries.tsv`, read once.
fn countries() -> &'static Countries {
    static TABLE: OnceLock<Countries> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut exact = HashMap::new();
        let mut folded = HashMap::new();
        for line in include_str!("countries.tsv").lines() {
            if line.starts_with('#') {
                continue;
            }
            if let Some((name, code)) = line.split_once('\t') {
                exact.insert(name, code);
                folded.insert(name.to_lowercase(), code);
            }
        }
        Countries { exact, folded }
    })
}

/// Joins the non-empty parts with " / " (e.g. device type, OS and browser).
pub(crate) fn describe(parts: &[Option<&str>]) -> Option<String> {
    let mut out = String::new();
    for part in parts.iter().flatten() {
        let part = part.trim();
        if part.is_empty() || part == "null" {
            continue;
        }
        if !out.is_empty() {
            out.push_str(" / ");
        }
        out.push_str(part);
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_spellings_meet() {
        assert_eq!(canonical_ip(" 1.2.3.4 ").as_deref(), Some("1.2.3.4"));
        assert_eq!(canonical_ip("::ffff:1.2.3.4").as_deref(), Some("1.2.3.4"));
        assert_eq!(
            canonical_ip("2600:2600:2600:2600:0000:0000:0000:0001").as_deref(),
            Some("2600:2600:2600:2600::1")
        );
        assert_eq!(
            canonical_ip("[2001:DB8::1]").as_deref(),
            Some("2001:db8::1")
        );
        assert_eq!(canonical_ip("unknown"), None);
    }

    #[test]
    fn countries_become_alpha_2_codes() {
        assert_eq!(country(Some("United States")).as_deref(), Some("US"));
        assert_eq!(country(Some("south korea")).as_deref(), Some("KR"));
        assert_eq!(country(Some("North Korea")).as_deref(), Some("KP"));
        assert_eq!(country(Some("Russia")).as_deref(), Some("RU"));
        assert_eq!(country(Some("cn")).as_deref(), Some("CN"));
        assert_eq!(country(Some("Atlantis")).as_deref(), Some("Atlantis"));
        assert_eq!(country(Some(" ")), None);
        let table = countries();
        assert!(table.exact.len() > 300, "{}", table.exact.len());
        assert!(table.exact.values().all(|code| code.len() == 2));
    }

    #[test]
    fn the_ip_entity_carries_network_and_place() {
        let event = AuthEvent {
            source_ip: Some("2001:db8:abcd:12::1".into()),
            asn: Some(9009),
            as_org: Some("M247".into()),
            country: Some("US".into()),
            is_proxy: Some(true),
            ..AuthEvent::default()
        };
        let entity = ip_entity(&event).unwrap();
        assert_eq!(entity.id, "ip:2001:db8:abcd:12::1");
        assert_eq!(entity.first("network"), Some("2001:db8:abcd::/48"));
        assert_eq!(entity.first("asn"), Some("9009"));
        assert_eq!(entity.first("proxy"), Some("true"));
        let unparsed = AuthEvent {
            source_ip: Some("unknown".into()),
            ..AuthEvent::default()
        };
        assert!(ip_entity(&unparsed).is_none());
    }
}
