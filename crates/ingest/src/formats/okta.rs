//! Okta System Log: `LogEvent` JSON, as NDJSON exports, as the JSON array the
//! `/api/v1/logs` API returns, and as Microsoft Sentinel's flattened `Okta_CL` rows.
//!
//! Every event becomes one normalized sign-in ([`AuthEvent`]) whatever its
//! `eventType` (unknown types are kept; detectors choose what they read), with the
//! source address, place and network (`client`, `securityContext`, falling back to
//! `request.ipChain`), and the IP address entity. `uuid` is the event id: the same
//! event from two overlapping exports is one record.
//!
//! This is the hot path of ingest (millions of events), so events are read into
//! borrowed structs that name only the fields used; the rest is skipped unparsed.

use serde::Deserialize;
use unmask_model::AuthEvent;

use super::json_records::{self, has_key, json_error_reason, text, Element, Scalar, Text};
use super::signin;
use crate::{Format, Input, ReadError, Sample, Sink, SinkError};

pub(crate) struct OktaSystemLog;

impl Format for OktaSystemLog {
    fn name(&self) -> &'static str {
        "okta-system-log"
    }

    fn description(&self) -> &'static str {
        "Okta System Log LogEvent JSON (NDJSON export, API JSON array, Sentinel Okta_CL)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        let text = json_records::sniff_text(sample)?;
        let native = has_key(text, "eventType") && has_key(text, "actor");
        let sentinel = has_key(text, "eventType_s")
            && (has_key(text, "actor_alternateId_s") || has_key(text, "uuid_g"));
        if !(native || sentinel) {
            return None;
        }
        let bonus = u8::from(has_key(text, "published") || has_key(text, "published_t"));
        Some(90 + bonus + json_records::name_bonus(sample, &["okta"]))
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        json_records::read(input, sink, &[], read_event)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogEvent<'a> {
    #[serde(borrow)]
    uuid: Option<Text<'a>>,
    #[serde(borrow)]
    published: Option<Scalar<'a>>,
    #[serde(borrow)]
    event_type: Option<Text<'a>>,
    #[serde(borrow)]
    actor: Option<Actor<'a>>,
    #[serde(borrow)]
    client: Option<Client<'a>>,
    /// Okta Verify / device-trust events name the device itself.
    #[serde(borrow)]
    device: Option<Device<'a>>,
    #[serde(borrow)]
    security_context: Option<SecurityContext<'a>>,
    #[serde(borrow)]
    request: Option<Request<'a>>,
    #[serde(borrow)]
    authentication_context: Option<AuthenticationContext<'a>>,
    #[serde(borrow)]
    outcome: Option<Outcome<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Actor<'a> {
    #[serde(borrow)]
    alternate_id: Option<Text<'a>>,
    #[serde(borrow)]
    display_name: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Client<'a> {
    #[serde(borrow)]
    ip_address: Option<Text<'a>>,
    #[serde(borrow)]
    device: Option<Text<'a>>,
    #[serde(borrow)]
    user_agent: Option<UserAgent<'a>>,
    #[serde(borrow)]
    geographical_context: Option<Geo<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserAgent<'a> {
    #[serde(borrow)]
    raw_user_agent: Option<Text<'a>>,
    #[serde(borrow)]
    os: Option<Text<'a>>,
    #[serde(borrow)]
    browser: Option<Text<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Geo<'a> {
    #[serde(borrow)]
    city: Option<Text<'a>>,
    #[serde(borrow)]
    state: Option<Text<'a>>,
    #[serde(borrow)]
    country: Option<Text<'a>>,
    #[serde(borrow)]
    geolocation: Option<GeoPoint<'a>>,
}

#[derive(Deserialize, Default)]
struct GeoPoint<'a> {
    #[serde(borrow)]
    lat: Option<Scalar<'a>>,
    #[serde(borrow)]
    lon: Option<Scalar<'a>>,
}

#[derive(Deserialize)]
struct Device<'a> {
    #[serde(borrow)]
    id: Option<Text<'a>>,
    #[serde(borrow)]
    name: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SecurityContext<'a> {
    #[serde(borrow)]
    as_number: Option<Scalar<'a>>,
    #[serde(borrow)]
    as_org: Option<Text<'a>>,
    #[serde(borrow)]
    isp: Option<Text<'a>>,
    #[serde(borrow)]
    is_proxy: Option<Scalar<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request<'a> {
    #[serde(borrow, default)]
    ip_chain: Option<Vec<IpChainEntry<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IpChainEntry<'a> {
    #[serde(borrow)]
    ip: Option<Text<'a>>,
    #[serde(borrow)]
    geographical_context: Option<Geo<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthenticationContext<'a> {
    #[serde(borrow)]
    external_session_id: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct Outcome<'a> {
    #[serde(borrow)]
    result: Option<Text<'a>>,
    #[serde(borrow)]
    reason: Option<Text<'a>>,
}

/// Microsoft Sentinel's `Okta_CL`: one column per leaf, with a type suffix, and
/// numbers and flags as text.
#[derive(Deserialize)]
struct SentinelRow<'a> {
    #[serde(rename = "uuid_g", borrow)]
    uuid: Option<Text<'a>>,
    #[serde(rename = "published_t", borrow)]
    published: Option<Scalar<'a>>,
    #[serde(rename = "TimeGenerated", borrow)]
    time_generated: Option<Scalar<'a>>,
    #[serde(rename = "eventType_s", borrow)]
    event_type: Option<Text<'a>>,
    #[serde(rename = "actor_alternateId_s", borrow)]
    alternate_id: Option<Text<'a>>,
    #[serde(rename = "actor_displayName_s", borrow)]
    display_name: Option<Text<'a>>,
    #[serde(rename = "client_ipAddress_s", borrow)]
    ip_address: Option<Text<'a>>,
    #[serde(rename = "client_device_s", borrow)]
    device: Option<Text<'a>>,
    #[serde(rename = "client_userAgent_rawUserAgent_s", borrow)]
    raw_user_agent: Option<Text<'a>>,
    #[serde(rename = "client_userAgent_os_s", borrow)]
    os: Option<Text<'a>>,
    #[serde(rename = "client_userAgent_browser_s", borrow)]
    browser: Option<Text<'a>>,
    #[serde(rename = "client_geographicalContext_city_s", borrow)]
    city: Option<Text<'a>>,
    #[serde(rename = "client_geographicalContext_state_s", borrow)]
    state: Option<Text<'a>>,
    #[serde(rename = "client_geographicalContext_country_s", borrow)]
    country: Option<Text<'a>>,
    #[serde(rename = "client_geographicalContext_geolocation_lat_d", borrow)]
    lat: Option<Scalar<'a>>,
    #[serde(rename = "client_geographicalContext_geolocation_lon_d", borrow)]
    lon: Option<Scalar<'a>>,
    #[serde(rename = "securityContext_asNumber_d", borrow)]
    as_number: Option<Scalar<'a>>,
    #[serde(rename = "securityContext_asOrg_s", borrow)]
    as_org: Option<Text<'a>>,
    #[serde(rename = "securityContext_isp_s", borrow)]
    isp: Option<Text<'a>>,
    #[serde(rename = "securityContext_isProxy_b", borrow)]
    is_proxy: Option<Scalar<'a>>,
    #[serde(rename = "outcome_result_s", borrow)]
    result: Option<Text<'a>>,
    #[serde(rename = "outcome_reason_s", borrow)]
    reason: Option<Text<'a>>,
    #[serde(rename = "authenticationContext_externalSessionId_s", borrow)]
    session: Option<Text<'a>>,
    /// The `request.ipChain` array, as JSON text.
    #[serde(rename = "request_ipChain_s", borrow)]
    ip_chain: Option<Text<'a>>,
}

fn read_event(element: &Element<'_>, sink: &mut dyn Sink) -> Result<(), SinkError> {
    let at = element.at;
    let raw = element.text;
    let event: LogEvent<'_> = match serde_json::from_str(raw) {
        Ok(event) => event,
        Err(error) => {
            return sink.quarantine(at, &json_error_reason(at.line, &error), raw.as_bytes())
        }
    };
    let normalized = if event.event_type.is_none() && has_key(raw, "eventType_s") {
        match serde_json::from_str::<SentinelRow<'_>>(raw) {
            Ok(row) => from_sentinel(&row),
            Err(error) => Err(json_error_reason(at.line, &error)),
        }
    } else {
        from_log_event(&event)
    };
    match normalized {
        Ok(auth) => {
            let identity = signin::identity(
                "okta",
                (!auth.event_id.is_empty()).then_some(&auth.event_id),
                raw,
            );
            sink.record(signin::record(at, identity, raw, auth))
        }
        Err(reason) if reason.starts_with("line ") => sink.quarantine(at, &reason, raw.as_bytes()),
        Err(reason) => sink.quarantine(at, &format!("line {}: {reason}", at.line), raw.as_bytes()),
    }
}

fn from_log_event(event: &LogEvent<'_>) -> Result<AuthEvent, String> {
    let event_type = text(&event.event_type).ok_or("not an Okta LogEvent: eventType is missing")?;
    let time_ms = published(event.published.as_ref())?;
    let actor = event.actor.as_ref();
    let client = event.client.as_ref();
    let security = event.security_context.as_ref();
    let first_hop = event
        .request
        .as_ref()
        .and_then(|request| request.ip_chain.as_deref())
        .and_then(<[IpChainEntry<'_>]>::first);
    let client_ip = client.and_then(|c| text(&c.ip_address));
    let (source_ip, geo) = match client_ip {
        Some(ip) => (
            Some(ip),
            client.and_then(|c| c.geographical_context.as_ref()),
        ),
        None => (
            first_hop.and_then(|hop| text(&hop.ip)),
            first_hop.and_then(|hop| hop.geographical_context.as_ref()),
        ),
    };
    // An empty client geo (unknown location) falls back to the first hop's.
    let geo = geo
        .filter(|g| text(&g.country).is_some() || text(&g.city).is_some())
        .or_else(|| first_hop.and_then(|hop| hop.geographical_context.as_ref()));
    let user_agent = client.and_then(|c| c.user_agent.as_ref());
    let named_device = event
        .device
        .as_ref()
        .and_then(|d| text(&d.name).or(text(&d.id)));
    let device = match named_device {
        Some(name) => Some(name.to_string()),
        None => signin::describe(&[
            client.and_then(|c| text(&c.device)),
            user_agent.and_then(|ua| text(&ua.os)),
            user_agent.and_then(|ua| text(&ua.browser)),
        ]),
    };
    let (outcome, outcome_reason) = outcome(
        event.outcome.as_ref().and_then(|o| text(&o.result)),
        event.outcome.as_ref().and_then(|o| text(&o.reason)),
    );
    let point = geo.and_then(|g| g.geolocation.as_ref());
    Ok(AuthEvent {
        provider: "okta".to_string(),
        event_id: text(&event.uuid).unwrap_or_default().to_string(),
        time_ms,
        user: actor
            .and_then(|a| text(&a.alternate_id))
            .unwrap_or_default()
            .to_lowercase(),
        user_display_name: signin::owned(actor.and_then(|a| text(&a.display_name))),
        event_type: event_type.to_string(),
        outcome: outcome.to_string(),
        outcome_reason,
        source_ip: source_ip.map(|ip| signin::canonical_ip(ip).unwrap_or_else(|| ip.to_string())),
        country: signin::country(geo.and_then(|g| text(&g.country))),
        region: signin::owned(geo.and_then(|g| text(&g.state))),
        city: signin::owned(geo.and_then(|g| text(&g.city))),
        latitude: point.and_then(|p| p.lat.as_ref()).and_then(Scalar::as_f64),
        longitude: point.and_then(|p| p.lon.as_ref()).and_then(Scalar::as_f64),
        asn: security
            .and_then(|s| s.as_number.as_ref())
            .and_then(Scalar::as_i64)
            .and_then(|n| u32::try_from(n).ok()),
        as_org: signin::owned(security.and_then(|s| text(&s.as_org))),
        isp: signin::owned(security.and_then(|s| text(&s.isp))),
        is_proxy: security
            .and_then(|s| s.is_proxy.as_ref())
            .and_then(Scalar::as_bool),
        device,
        user_agent: signin::owned(user_agent.and_then(|ua| text(&ua.raw_user_agent))),
        session_id: signin::owned(
            event
                .authentication_context
                .as_ref()
                .and_then(|a| text(&a.external_session_id)),
        ),
    })
}

fn from_sentinel(row: &SentinelRow<'_>) -> Result<AuthEvent, String> {
    let event_type = text(&row.event_type).ok_or("not an Okta_CL row: eventType_s is empty")?;
    let time_ms = published(row.published.as_ref().or(row.time_generated.as_ref()))?;
    let chain: Vec<IpChainEntry<'_>> = text(&row.ip_chain)
        .and_then(|chain| serde_json::from_str(chain).ok())
        .unwrap_or_default();
    let first_hop = chain.first();
    let client_ip = text(&row.ip_address);
    let source_ip = client_ip.or_else(|| first_hop.and_then(|hop| text(&hop.ip)));
    let hop_geo = first_hop.and_then(|hop| hop.geographical_context.as_ref());
    let client_has_geo = text(&row.country).is_some() || text(&row.city).is_some();
    let pick = |own: &Option<Text<'_>>, hop: fn(&Geo<'_>) -> Option<String>| {
        if client_has_geo {
            signin::owned(text(own))
        } else {
            hop_geo.and_then(hop)
        }
    };
    let (outcome, outcome_reason) = outcome(text(&row.result), text(&row.reason));
    let number = |value: &Option<Scalar<'_>>| value.as_ref().and_then(Scalar::as_f64);
    Ok(AuthEvent {
        provider: "okta".to_string(),
        event_id: text(&row.uuid).unwrap_or_default().to_string(),
        time_ms,
        user: text(&row.alternate_id).unwrap_or_default().to_lowercase(),
        user_display_name: signin::owned(text(&row.display_name)),
        event_type: event_type.to_string(),
        outcome: outcome.to_string(),
        outcome_reason,
        source_ip: source_ip.map(|ip| signin::canonical_ip(ip).unwrap_or_else(|| ip.to_string())),
        country: pick(&row.country, |g| signin::owned(text(&g.country)))
            .and_then(|c| signin::country(Some(&c))),
        region: pick(&row.state, |g| signin::owned(text(&g.state))),
        city: pick(&row.city, |g| signin::owned(text(&g.city))),
        latitude: if client_has_geo {
            number(&row.lat)
        } else {
            None
        },
        longitude: if client_has_geo {
            number(&row.lon)
        } else {
            None
        },
        asn: row
            .as_number
            .as_ref()
            .and_then(Scalar::as_f64)
            .filter(|n| *n >= 0.0 && *n <= f64::from(u32::MAX))
            .map(|n| n as u32),
        as_org: signin::owned(text(&row.as_org)),
        isp: signin::owned(text(&row.isp)),
        is_proxy: row.is_proxy.as_ref().and_then(Scalar::as_bool),
        device: signin::describe(&[text(&row.device), text(&row.os), text(&row.browser)]),
        user_agent: signin::owned(text(&row.raw_user_agent)),
        session_id: signin::owned(text(&row.session)),
    })
}

fn published(value: Option<&Scalar<'_>>) -> Result<i64, String> {
    let value = value.ok_or("published is missing")?;
    value.as_time_ms().ok_or_else(|| {
        format!(
            "published {} is not a timestamp",
            crate::text::excerpt(value.to_text().as_bytes(), 40)
        )
    })
}

/// Okta's `outcome.result` as `success`/`failure`/`unknown`; for results that are
/// neither (CHALLENGE, SKIPPED, UNKNOWN) the result itself is kept as the reason.
fn outcome(result: Option<&str>, reason: Option<&str>) -> (&'static str, Option<String>) {
    let normalized = match result {
        Some(r) if r.eq_ignore_ascii_case("SUCCESS") || r.eq_ignore_ascii_case("ALLOW") => {
            "success"
        }
        Some(r) if r.eq_ignore_ascii_case("FAILURE") || r.eq_ignore_ascii_case("DENY") => "failure",
        _ => "unknown",
    };
    let reason = match (reason, result) {
        (Some(reason), _) => Some(reason.to_string()),
        (None, Some(result)) if normalized == "unknown" => Some(result.to_string()),
        _ => None,
    };
    (normalized, reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MemorySink, Position};

    fn read(text: &[u8]) -> MemorySink {
        MemorySink::read(&OktaSystemLog, "okta.ndjson", text).unwrap()
    }

    fn auths(sink: &MemorySink) -> Vec<&AuthEvent> {
        sink.auth_events()
    }

    fn sample(name: &'static str) -> Sample<'static> {
        Sample {
            path: std::path::Path::new(name),
            head: b"",
        }
    }

    const FULL: &str = r#"{"uuid":"2a992f80-d1ad-4f62-900e-8c68bb72a21b","published":"2024-03-04T14:02:11.123Z","eventType":"user.session.start","actor":{"id":"00u1","type":"User","alternateId":"Jane.Roe@Acme.com","displayName":"Jane Roe"},"client":{"device":"Computer","ipAddress":"2001:DB8::7","userAgent":{"rawUserAgent":"Mozilla/5.0 \"quoted\"","os":"Mac OS X","browser":"CHROME"},"geographicalContext":{"city":"Dallas","state":"Texas","country":"United States","postalCode":"75201","geolocation":{"lat":32.78,"lon":-96.8}}},"securityContext":{"asNumber":9009,"asOrg":"m247 europe srl","isp":"m247 ltd","domain":"m247.com","isProxy":true},"authenticationContext":{"externalSessionId":"102abc"},"outcome":{"result":"SUCCESS"},"debugContext":{"debugData":{"requestUri":"/idp/idx/identify","behaviors":"{New IP=POSITIVE}"}},"request":{"ipChain":[{"ip":"2001:db8::7","version":"V6"}]}}"#;

    #[test]
    fn a_sign_in_is_normalized_with_its_network() {
        let sink = read(FULL.as_bytes());
        assert!(sink.quarantined.is_empty(), "{:?}", sink.quarantined);
        let record = &sink.records[0];
        assert_eq!(
            record.identity,
            b"okta:2a992f80-d1ad-4f62-900e-8c68bb72a21b"
        );
        assert_eq!(record.raw.as_deref(), Some(FULL));
        let auth = auths(&sink)[0];
        assert_eq!(auth.provider, "okta");
        assert_eq!(auth.time_ms, 1_709_560_931_123);
        assert_eq!(auth.user, "jane.roe@acme.com");
        assert_eq!(auth.user_display_name.as_deref(), Some("Jane Roe"));
        assert_eq!(auth.event_type, "user.session.start");
        assert_eq!(auth.outcome, "success");
        assert_eq!(auth.source_ip.as_deref(), Some("2001:db8::7"));
        assert_eq!(auth.country.as_deref(), Some("US"), "United States");
        assert_eq!(auth.region.as_deref(), Some("Texas"));
        assert_eq!(auth.latitude, Some(32.78));
        assert_eq!(auth.asn, Some(9009));
        assert_eq!(auth.as_org.as_deref(), Some("m247 europe srl"));
        assert_eq!(auth.is_proxy, Some(true));
        assert_eq!(auth.device.as_deref(), Some("Computer / Mac OS X / CHROME"));
        assert_eq!(auth.user_agent.as_deref(), Some("Mozilla/5.0 \"quoted\""));
        assert_eq!(auth.session_id.as_deref(), Some("102abc"));
        let ip = sink.entities().next().unwrap();
        assert_eq!(ip.id, "ip:2001:db8::7");
        assert_eq!(ip.first("asn"), Some("9009"));
    }

    #[test]
    fn missing_geo_and_client_fall_back_to_the_ip_chain() {
        let line = r#"{"uuid":"u1","published":"2024-03-04T14:02:11Z","eventType":"user.authentication.sso","actor":{"alternateId":"a@b.co"},"client":{"ipAddress":null,"geographicalContext":null},"request":{"ipChain":[{"ip":"203.0.113.9","geographicalContext":{"country":"Japan","city":"Tokyo"}}]},"outcome":{"result":"CHALLENGE"}}"#;
        let sink = read(line.as_bytes());
        let auth = auths(&sink)[0];
        assert_eq!(auth.source_ip.as_deref(), Some("203.0.113.9"));
        assert_eq!(auth.country.as_deref(), Some("JP"), "Japan");
        assert_eq!(auth.outcome, "unknown");
        assert_eq!(auth.outcome_reason.as_deref(), Some("CHALLENGE"));
        assert_eq!((auth.asn, auth.is_proxy, auth.latitude), (None, None, None));

        let bare = r#"{"uuid":"u2","published":"1709560931","eventType":"user.session.start"}"#;
        let sink = read(bare.as_bytes());
        let auth = auths(&sink)[0];
        assert_eq!(auth.time_ms, 1_709_560_931_000);
        assert_eq!((auth.user.as_str(), auth.source_ip.as_deref()), ("", None));
        assert_eq!(sink.entities().count(), 0);
    }

    #[test]
    fn unknown_event_types_are_kept() {
        let line = r#"{"uuid":"u3","published":1709560931123,"eventType":"brand.new.thing","actor":{"alternateId":"x@y.io"}}"#;
        let sink = read(line.as_bytes());
        assert_eq!(auths(&sink)[0].event_type, "brand.new.thing");
        assert_eq!(auths(&sink)[0].time_ms, 1_709_560_931_123);
    }

    #[test]
    fn the_api_array_and_ndjson_give_the_same_records() {
        let ndjson = format!("{FULL}\n{}\n", FULL.replace("2a992f80", "3b992f80"));
        let array = format!(
            "[\n  {FULL},\n  {}\n]\n",
            FULL.replace("2a992f80", "3b992f80")
        );
        let from_lines = read(ndjson.as_bytes());
        let from_array = read(array.as_bytes());
        assert_eq!(auths(&from_lines), auths(&from_array));
        assert_eq!(from_array.records[1].at.line, 3);
        assert_eq!(
            from_array.records[1].at.byte_offset as usize,
            array.find("{\"uuid\":\"3b99").unwrap()
        );
    }

    #[test]
    fn duplicated_events_share_an_identity() {
        let sink = read(format!("{FULL}\n{FULL}\n").as_bytes());
        assert_eq!(sink.records.len(), 2);
        assert_eq!(sink.records[0].identity, sink.records[1].identity);
        assert_eq!(
            sink.records[1].at,
            Position {
                line: 2,
                byte_offset: FULL.len() as u64 + 1
            }
        );
    }

    #[test]
    fn a_truncated_last_line_is_quarantined() {
        let text = format!("{FULL}\n{}", &FULL[..200]);
        let sink = read(text.as_bytes());
        assert_eq!(sink.records.len(), 1);
        assert_eq!(sink.quarantined.len(), 1);
        let (at, reason) = &sink.quarantined[0];
        assert_eq!(at.line, 2);
        assert!(
            reason.starts_with("line 2: truncated JSON (EOF while parsing"),
            "{reason}"
        );
    }

    #[test]
    fn a_truncated_array_keeps_the_elements_before_the_break() {
        let text = format!("[{FULL},\n{}", &FULL[..300]);
        let sink = read(text.as_bytes());
        assert_eq!(sink.records.len(), 1);
        assert_eq!(sink.quarantined.len(), 1);
        assert!(sink.quarantined[0].1.starts_with("line 2: truncated JSON"));
    }

    #[test]
    fn events_without_time_or_type_are_quarantined_with_the_reason() {
        let text = "{\"uuid\":\"a\",\"eventType\":\"x\"}\n{\"uuid\":\"b\",\"published\":\"soon\",\"eventType\":\"x\"}\n{\"uuid\":\"c\",\"published\":\"2024-01-01T00:00:00Z\"}\n[1]\n";
        let sink = read(text.as_bytes());
        let reasons: Vec<&str> = sink.quarantined.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(reasons[0], "line 1: published is missing");
        assert_eq!(reasons[1], "line 2: published \"soon\" is not a timestamp");
        assert_eq!(
            reasons[2],
            "line 3: not an Okta LogEvent: eventType is missing"
        );
        assert_eq!(
            reasons[3],
            "line 4: not a JSON object (starts with \"[1]\")"
        );
    }

    #[test]
    fn sentinel_okta_cl_rows_are_read() {
        let sink = read(include_bytes!(
            "../../testdata/logs/okta/azure_sentinel_Okta_CL_first3.json"
        ));
        assert!(sink.quarantined.is_empty(), "{:?}", sink.quarantined);
        let events = auths(&sink);
        assert_eq!(events.len(), 3);
        let first = events[0];
        assert_eq!(first.event_id, "62c3328c-9f9e-11ea-86e9-e5b0d2d0f179");
        assert_eq!(first.event_type, "policy.evaluate_sign_on");
        assert_eq!(first.user, "sanitized@sanitized.com");
        assert_eq!(first.time_ms, 1_590_531_319_883);
        assert_eq!(first.asn, Some(10993));
        assert_eq!(first.is_proxy, Some(false));
        assert_eq!(first.outcome, "unknown");
        assert!(sink.records[0].identity.starts_with(b"okta:62c3328c"));
    }

    #[test]
    fn panther_samples_are_read_and_partial_tests_explained() {
        let sink = read(include_bytes!(
            "../../testdata/logs/okta/panther_okta_systemlog_tests.ndjson"
        ));
        assert_eq!(sink.records.len() + sink.quarantined.len(), 21);
        // Hand-written tests: three have no `published`, four have it "redacted".
        let reasons: Vec<&str> = sink.quarantined.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(reasons.len(), 7, "{reasons:?}");
        assert_eq!(
            reasons[0],
            "line 14: published \"redacted\" is not a timestamp"
        );
        assert_eq!(reasons[6], "line 21: published is missing");
        let events = auths(&sink);
        assert!(events.iter().any(|a| a.time_ms == 1_647_958_913_225));
    }

    #[test]
    fn sniffing_tells_okta_from_the_others() {
        let native = Sample {
            head: FULL.as_bytes(),
            ..sample("x.json")
        };
        assert_eq!(OktaSystemLog.sniff(&native), Some(91));
        let sentinel = Sample {
            head: include_bytes!("../../testdata/logs/okta/azure_sentinel_Okta_CL_first3.json"),
            ..sample("okta.json")
        };
        assert_eq!(OktaSystemLog.sniff(&sentinel), Some(96));
        for other in [
            &b"employee_id,full_name,eventType,actor\n"[..],
            br#"{"id":"1","createdDateTime":"2021-06-30T16:34:32Z","userPrincipalName":"a@b.c"}"#,
            br#"{"name":"x","hostIdentifier":"h","columns":{"cmdline":"\"eventType\": \"actor\":"}}"#,
        ] {
            assert_eq!(OktaSystemLog.sniff(&Sample { head: other, ..sample("x") }), None);
        }
    }
}
