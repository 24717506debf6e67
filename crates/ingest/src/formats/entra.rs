//! Microsoft Entra ID (Azure AD) sign-in logs, in the three shapes they are exported:
//! - Microsoft Graph `signIn` resources (camelCase), as a `{"value":[...]}` response
//!   or one object per line;
//! - Azure Monitor diagnostic records (`time`, `category`, `resultType`,
//!   `callerIpAddress`, the `signIn` under `properties`), one a line or wrapped in
//!   `{"records":[...]}`;
//! - Log Analytics `SigninLogs` / `AADNonInteractiveUserSignInLogs` rows
//!   (PascalCase: `UserPrincipalName`, `IPAddress`, `LocationDetails`, ...), whose
//!   dynamic columns may arrive as JSON text.
//!
//! Each sign-in becomes one [`AuthEvent`]: `event_type` is the sign-in kind
//! (`interactiveUser`, `nonInteractiveUser`, ...), the outcome comes from
//! `status.errorCode` or `resultType` (0 is success), and an `anonymizedIPAddress`
//! risk marks the address as a proxy. The sign-in `id` is the event id.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use unmask_model::AuthEvent;

use super::json_records::{self, has_key, json_error_reason, text, Element, Scalar, Text};
use super::signin;
use crate::{Format, Input, ReadError, Sample, Sink, SinkError};

pub(crate) struct EntraSignIns;

impl Format for EntraSignIns {
    fn name(&self) -> &'static str {
        "entra-signins"
    }

    fn description(&self) -> &'static str {
        "Microsoft Entra sign-in logs (Graph signIn JSON, Azure Monitor diagnostic export, Log Analytics SigninLogs)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        let text = json_records::sniff_text(sample)?;
        if has_key(text, "eventType") || has_key(text, "eventType_s") {
            return None; // Okta
        }
        let graph = has_key(text, "userPrincipalName") || has_key(text, "createdDateTime");
        let analytics = has_key(text, "UserPrincipalName");
        let diagnostic = has_key(text, "category") && text.contains("SignInLogs");
        if !(graph || analytics || diagnostic) {
            return None;
        }
        let bonus = u8::from(text.contains("signIns") || diagnostic);
        Some(88 + bonus + json_records::name_bonus(sample, &["entra", "signin", "azure", "aad"]))
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        json_records::read(input, sink, &["value", "records"], read_sign_in)
    }
}

/// A sign-in in any of the three shapes: Graph and diagnostic field names, with the
/// Log Analytics column names as aliases. A diagnostic record carries the Graph
/// sign-in under `properties`; its own fields are the fallback.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignIn<'a> {
    #[serde(alias = "Id", borrow)]
    id: Option<Text<'a>>,
    #[serde(alias = "CreatedDateTime", borrow)]
    created_date_time: Option<Scalar<'a>>,
    /// Diagnostic record time.
    #[serde(borrow)]
    time: Option<Scalar<'a>>,
    #[serde(rename = "TimeGenerated", borrow)]
    time_generated: Option<Scalar<'a>>,
    #[serde(alias = "UserPrincipalName", borrow)]
    user_principal_name: Option<Text<'a>>,
    #[serde(alias = "UserDisplayName", borrow)]
    user_display_name: Option<Text<'a>>,
    #[serde(alias = "UserId", borrow)]
    user_id: Option<Text<'a>>,
    #[serde(alias = "IPAddress", borrow)]
    ip_address: Option<Text<'a>>,
    #[serde(borrow)]
    caller_ip_address: Option<Text<'a>>,
    #[serde(alias = "UserAgent", borrow)]
    user_agent: Option<Text<'a>>,
    #[serde(alias = "Status", default)]
    status: Nested<Status>,
    #[serde(alias = "ResultType", borrow)]
    result_type: Option<Scalar<'a>>,
    #[serde(alias = "ResultDescription", borrow)]
    result_description: Option<Text<'a>>,
    #[serde(alias = "DeviceDetail", default)]
    device_detail: Nested<DeviceDetail>,
    #[serde(alias = "LocationDetails", default)]
    location: Nested<Location>,
    #[serde(alias = "AutonomousSystemNumber", borrow)]
    autonomous_system_number: Option<Scalar<'a>>,
    #[serde(alias = "SessionId", borrow)]
    session_id: Option<Text<'a>>,
    #[serde(alias = "IsInteractive", borrow)]
    is_interactive: Option<Scalar<'a>>,
    #[serde(default)]
    sign_in_event_types: Nested<Vec<String>>,
    #[serde(alias = "Category", borrow)]
    category: Option<Text<'a>>,
    /// The Log Analytics table, e.g. `SigninLogs`.
    #[serde(rename = "Type", borrow)]
    table: Option<Text<'a>>,
    #[serde(alias = "OperationName", borrow)]
    operation_name: Option<Text<'a>>,
    #[serde(alias = "RiskEventTypes", default)]
    risk_event_types: Nested<Vec<String>>,
    #[serde(rename = "riskEventTypes_v2", alias = "RiskEventTypes_V2", default)]
    risk_event_types_v2: Nested<Vec<String>>,
    #[serde(borrow)]
    properties: Option<Box<SignIn<'a>>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Status {
    error_code: Option<serde_json::Value>,
    failure_reason: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct DeviceDetail {
    device_id: Option<String>,
    display_name: Option<String>,
    operating_system: Option<String>,
    browser: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Location {
    city: Option<String>,
    state: Option<String>,
    country_or_region: Option<String>,
    geo_coordinates: Option<GeoCoordinates>,
}

#[derive(Deserialize, Default)]
struct GeoCoordinates {
    latitude: Option<serde_json::Value>,
    longitude: Option<serde_json::Value>,
}

/// A nested value that may arrive as JSON, as JSON text (Log Analytics dynamic
/// columns exported to CSV or Sentinel samples), or as plain text (the diagnostic
/// record's top-level `location` is a bare country code).
#[derive(Default)]
enum Nested<T> {
    #[default]
    Absent,
    Value(T),
    Text(String),
}

impl<T> Nested<T> {
    fn value(&self) -> Option<&T> {
        match self {
            Nested::Value(value) => Some(value),
            _ => None,
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Nested<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        match value {
            serde_json::Value::Null => Ok(Nested::Absent),
            serde_json::Value::String(text) => {
                let trimmed = text.trim();
                if trimmed.is_empty() {
                    return Ok(Nested::Absent);
                }
                if trimmed.starts_with('{') || trimmed.starts_with('[') {
                    if let Ok(value) = serde_json::from_str(trimmed) {
                        return Ok(Nested::Value(value));
                    }
                }
                Ok(Nested::Text(text))
            }
            other => T::deserialize(other)
                .map(Nested::Value)
                .map_err(serde::de::Error::custom),
        }
    }
}

fn read_sign_in(element: &Element<'_>, sink: &mut dyn Sink) -> Result<(), SinkError> {
    let at = element.at;
    let raw = element.text;
    let row: SignIn<'_> = match serde_json::from_str(raw) {
        Ok(row) => row,
        Err(error) => {
            return sink.quarantine(at, &json_error_reason(at.line, &error), raw.as_bytes())
        }
    };
    match normalize(&row) {
        Ok(auth) => {
            let event_id = (!auth.event_id.is_empty()).then_some(auth.event_id.as_str());
            let identity = signin::identity("entra", event_id, raw);
            sink.record(signin::record(at, identity, raw, auth))
        }
        Err(reason) => sink.quarantine(at, &format!("line {}: {reason}", at.line), raw.as_bytes()),
    }
}

fn normalize(outer: &SignIn<'_>) -> Result<AuthEvent, String> {
    let inner = outer.properties.as_deref().unwrap_or(outer);
    let pick =
        |get: for<'s> fn(&'s SignIn<'_>) -> Option<&'s str>| get(inner).or_else(|| get(outer));
    let time = inner
        .created_date_time
        .as_ref()
        .or(outer.created_date_time.as_ref())
        .or(outer.time.as_ref())
        .or(outer.time_generated.as_ref())
        .ok_or("no createdDateTime, time or TimeGenerated")?;
    let time_ms = time.as_time_ms().ok_or_else(|| {
        format!(
            "time {} is not a timestamp",
            crate::text::excerpt(time.to_text().as_bytes(), 40)
        )
    })?;
    let user = pick(|s| text(&s.user_principal_name))
        .or_else(|| pick(|s| text(&s.user_id)))
        .unwrap_or_default()
        .to_lowercase();
    let source_ip = pick(|s| text(&s.ip_address)).or_else(|| text(&outer.caller_ip_address));
    let status = inner.status.value().or(outer.status.value());
    let result_type = inner.result_type.as_ref().or(outer.result_type.as_ref());
    let description = pick(|s| text(&s.result_description));
    let (outcome, outcome_reason) = outcome(status, result_type, description);
    let location = inner.location.value().or(outer.location.value());
    // A diagnostic record's top-level `location` is the country code alone.
    let bare_country = match (&inner.location, &outer.location) {
        (Nested::Text(code), _) | (_, Nested::Text(code)) => Some(code.as_str()),
        _ => None,
    };
    let coordinates = location.and_then(|l| l.geo_coordinates.as_ref());
    let device = inner.device_detail.value().or(outer.device_detail.value());
    let risks = [inner, outer].into_iter().flat_map(|s| {
        [&s.risk_event_types, &s.risk_event_types_v2]
            .into_iter()
            .filter_map(Nested::value)
            .flatten()
    });
    let anonymized = risks
        .map(String::as_str)
        .any(|risk| risk.eq_ignore_ascii_case("anonymizedIPAddress"));
    Ok(AuthEvent {
        provider: "entra".to_string(),
        event_id: pick(|s| text(&s.id)).unwrap_or_default().to_string(),
        time_ms,
        user,
        user_display_name: signin::owned(pick(|s| text(&s.user_display_name))),
        event_type: event_type(inner, outer),
        outcome: outcome.to_string(),
        outcome_reason,
        source_ip: source_ip.map(|ip| signin::canonical_ip(ip).unwrap_or_else(|| ip.to_string())),
        country: signin::country(
            location
                .and_then(|l| l.country_or_region.as_deref())
                .or(bare_country),
        ),
        region: signin::owned(location.and_then(|l| l.state.as_deref())),
        city: signin::owned(location.and_then(|l| l.city.as_deref())),
        latitude: coordinates.and_then(|c| number(c.latitude.as_ref()?)),
        longitude: coordinates.and_then(|c| number(c.longitude.as_ref()?)),
        asn: inner
            .autonomous_system_number
            .as_ref()
            .or(outer.autonomous_system_number.as_ref())
            .and_then(Scalar::as_i64)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0),
        as_org: None,
        isp: None,
        // Entra has no proxy flag; its "anonymized IP address" risk is the nearest.
        is_proxy: anonymized.then_some(true),
        device: device.and_then(|d| {
            signin::owned(d.display_name.as_deref())
                .or_else(|| signin::owned(d.device_id.as_deref()))
                .or_else(|| {
                    signin::describe(&[d.operating_system.as_deref(), d.browser.as_deref()])
                })
        }),
        user_agent: signin::owned(pick(|s| text(&s.user_agent))),
        session_id: signin::owned(pick(|s| text(&s.session_id))),
    })
}

/// A number, or a number written as text.
fn number(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(number) => number.as_f64(),
        serde_json::Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// The sign-in kind: Graph's `signInEventTypes`, else what the diagnostic category
/// or Log Analytics table says, else `isInteractive`.
fn event_type(inner: &SignIn<'_>, outer: &SignIn<'_>) -> String {
    if let Some(kind) = inner
        .sign_in_event_types
        .value()
        .and_then(|kinds| kinds.first())
    {
        return kind.clone();
    }
    let container = text(&outer.category).or(text(&outer.table));
    if let Some(container) = container {
        let kind = match container.to_ascii_lowercase().as_str() {
            "signinlogs" => "interactiveUser",
            "noninteractiveusersigninlogs" | "aadnoninteractiveusersigninlogs" => {
                "nonInteractiveUser"
            }
            "serviceprincipalsigninlogs" | "aadserviceprincipalsigninlogs" => "servicePrincipal",
            "managedidentitysigninlogs" | "aadmanagedidentitysigninlogs" => "managedIdentity",
            _ => container,
        };
        return kind.to_string();
    }
    let interactive = inner
        .is_interactive
        .as_ref()
        .or(outer.is_interactive.as_ref())
        .and_then(Scalar::as_bool);
    match interactive {
        Some(true) => "interactiveUser".to_string(),
        Some(false) => "nonInteractiveUser".to_string(),
        None => text(&outer.operation_name).unwrap_or("signIn").to_string(),
    }
}

/// `status.errorCode` (0 is success), else `resultType` (`0`, an error code, or the
/// words `Success`/`Failure` in diagnostic records).
fn outcome(
    status: Option<&Status>,
    result_type: Option<&Scalar<'_>>,
    description: Option<&str>,
) -> (&'static str, Option<String>) {
    let failure_reason = status.and_then(|s| signin::owned(s.failure_reason.as_deref()));
    let code = status
        .and_then(|s| s.error_code.as_ref())
        .and_then(number)
        .map(|code| code as i64)
        .or_else(|| result_type.and_then(Scalar::as_i64));
    if let Some(code) = code {
        if code == 0 {
            return ("success", None);
        }
        let reason = failure_reason
            .or_else(|| signin::owned(description))
            .map_or_else(
                || format!("error {code}"),
                |r| format!("{r} (error {code})"),
            );
        return ("failure", Some(reason));
    }
    let word = result_type.map(Scalar::to_text);
    match word.as_deref().map(str::trim) {
        Some(w) if w.eq_ignore_ascii_case("success") => ("success", None),
        Some(w) if w.eq_ignore_ascii_case("failure") => (
            "failure",
            failure_reason.or_else(|| signin::owned(description)),
        ),
        _ => (
            "unknown",
            failure_reason.or_else(|| signin::owned(description)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySink;

    fn read(text: &[u8]) -> MemorySink {
        MemorySink::read(&EntraSignIns, "signins.json", text).unwrap()
    }

    fn auths(sink: &MemorySink) -> Vec<&AuthEvent> {
        sink.auth_events()
    }

    const GRAPH_LIST: &[u8] =
        include_bytes!("../../testdata/logs/entra/msgraph_docs_beta_signin_list_example1.json");
    const DIAGNOSTIC: &[u8] =
        include_bytes!("../../testdata/logs/entra/panther_azure_signinlogs_diag_tests.ndjson");

    #[test]
    fn a_graph_list_response_is_unwrapped() {
        let sink = read(GRAPH_LIST);
        assert!(sink.quarantined.is_empty(), "{:?}", sink.quarantined);
        let auth = auths(&sink)[0];
        assert_eq!(auth.event_id, "1691d37b-8579-43a7-966a-0f35583c1300");
        assert_eq!(auth.time_ms, 1_625_070_872_000);
        assert_eq!(auth.user, "testaccount1@contoso.com");
        assert_eq!(auth.user_display_name.as_deref(), Some("Test contoso"));
        assert_eq!(auth.event_type, "interactiveUser");
        assert_eq!(auth.outcome, "failure");
        assert_eq!(
            auth.outcome_reason.as_deref(),
            Some("Error validating credentials due to invalid username or password. (error 50126)")
        );
        assert_eq!(auth.source_ip.as_deref(), Some("131.107.159.37"));
        assert_eq!(
            (
                auth.city.as_deref(),
                auth.region.as_deref(),
                auth.country.as_deref()
            ),
            (Some("Redmond"), Some("Washington"), Some("US"))
        );
        assert_eq!(auth.latitude, None, "empty geoCoordinates");
        assert_eq!(auth.asn, Some(3598));
        assert_eq!(auth.device.as_deref(), Some("Windows 10 / Edge 91.0.864"));
        assert_eq!(sink.records[0].at.line, 4);
        assert_eq!(
            sink.records[0].identity,
            b"entra:1691d37b-8579-43a7-966a-0f35583c1300"
        );
    }

    #[test]
    fn diagnostic_records_use_properties_then_their_own_fields() {
        let sink = read(DIAGNOSTIC);
        assert!(sink.quarantined.is_empty(), "{:?}", sink.quarantined);
        let events = auths(&sink);
        assert_eq!(events.len(), 16);
        let first = events[0];
        assert_eq!(first.time_ms, 1_736_933_445_123);
        assert_eq!(first.user, "aragorn@lotr.com");
        assert_eq!(first.outcome, "success");
        assert_eq!(first.event_type, "interactiveUser");
        assert_eq!(first.device.as_deref(), Some("device-attacker-456"));
        let locked = events[2];
        assert_eq!(locked.outcome, "failure");
        assert_eq!(locked.country.as_deref(), Some("RU"));
        assert_eq!(locked.asn, Some(12345));
        let anonymized = events[8];
        assert_eq!(anonymized.is_proxy, Some(true));
        assert_eq!(anonymized.latitude, Some(55.7558));
        assert_eq!(events[6].event_type, "nonInteractiveUser");
        assert_eq!(events[13].outcome, "failure");
        // No sign-in id in these: the record's text is its identity.
        assert!(sink.records[0].identity.starts_with(b"entra-raw:{"));
    }

    #[test]
    fn log_analytics_rows_with_dynamic_columns_as_text() {
        let row = r#"{"TimeGenerated":"2024-05-01T08:00:00Z","CreatedDateTime":"2024-05-01T07:59:58.1234567Z","Id":"abc-1","UserPrincipalName":"Kim@Acme.com","IPAddress":"2001:db8::1","ResultType":"0","LocationDetails":"{\"city\":\"Shenyang\",\"state\":\"Liaoning\",\"countryOrRegion\":\"CN\",\"geoCoordinates\":{\"latitude\":41.8,\"longitude\":123.4}}","DeviceDetail":{"deviceId":"","displayName":"KIM-LAPTOP","operatingSystem":"Windows10"},"AutonomousSystemNumber":4837,"RiskEventTypes_V2":"[\"anonymizedIPAddress\"]","Type":"SigninLogs","SessionId":"s-1"}"#;
        let sink = read(row.as_bytes());
        assert!(sink.quarantined.is_empty(), "{:?}", sink.quarantined);
        let auth = auths(&sink)[0];
        assert_eq!(auth.time_ms, 1_714_550_398_123);
        assert_eq!(auth.user, "kim@acme.com");
        assert_eq!(auth.source_ip.as_deref(), Some("2001:db8::1"));
        assert_eq!(auth.country.as_deref(), Some("CN"));
        assert_eq!(auth.longitude, Some(123.4));
        assert_eq!(auth.asn, Some(4837));
        assert_eq!(auth.is_proxy, Some(true));
        assert_eq!(auth.device.as_deref(), Some("KIM-LAPTOP"));
        assert_eq!(auth.event_type, "interactiveUser");
        assert_eq!(auth.session_id.as_deref(), Some("s-1"));
        assert_eq!(auth.outcome, "success");
        let failed = row.replace(
            r#""ResultType":"0""#,
            r#""ResultType":"50126","ResultDescription":"Invalid username or password""#,
        );
        let sink = read(failed.as_bytes());
        assert_eq!(
            auths(&sink)[0].outcome_reason.as_deref(),
            Some("Invalid username or password (error 50126)")
        );
    }

    #[test]
    fn one_object_per_line_and_records_wrappers() {
        let one = r#"{"id":"a","createdDateTime":"2024-05-01T07:59:58Z","userPrincipalName":"a@b.co","ipAddress":"10.0.0.1","status":{"errorCode":0}}"#;
        let lines = format!("{one}\n{}\n{one}\n", one.replace("\"a\"", "\"b\""));
        let sink = read(lines.as_bytes());
        assert_eq!(sink.records.len(), 3);
        assert_eq!(
            sink.records[0].identity, sink.records[2].identity,
            "the same sign-in twice is one identity"
        );
        let wrapped = format!("{{\"records\":[{one},\n{one}]}}");
        let sink = read(wrapped.as_bytes());
        assert_eq!(sink.records.len(), 2);
        assert_eq!(sink.records[1].at.line, 2);
    }

    #[test]
    fn sign_ins_without_time_are_quarantined() {
        let sink = read(br#"{"id":"x","userPrincipalName":"a@b.co"}"#);
        assert_eq!(
            sink.quarantined[0].1,
            "line 1: no createdDateTime, time or TimeGenerated"
        );
    }

    #[test]
    fn sniffing_tells_entra_from_the_others() {
        let sample = |head: &'static [u8]| Sample {
            path: std::path::Path::new("x.json"),
            head,
        };
        assert_eq!(EntraSignIns.sniff(&sample(GRAPH_LIST)), Some(89));
        assert_eq!(EntraSignIns.sniff(&sample(DIAGNOSTIC)), Some(89));
        assert_eq!(
            EntraSignIns.sniff(&sample(br#"{"TimeGenerated":"x","UserPrincipalName":"a"}"#)),
            Some(88)
        );
        for other in [
            &br#"{"eventType":"user.session.start","actor":{},"userPrincipalName":"x"}"#[..],
            b"employee_id,full_name,userPrincipalName\n",
            br#"{"kind":"admin#reports#activity","id":{"applicationName":"login"}}"#,
        ] {
            assert_eq!(EntraSignIns.sniff(&sample(other)), None);
        }
    }
}
