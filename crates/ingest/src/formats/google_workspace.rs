//! Google Workspace audit activities (Admin SDK Reports API `activities`), chiefly the
//! `login` application: an `{"items":[...]}` response, one activity a line, or the
//! flattened one-event-per-record shape that SIEM exports (Panther, Sentinel) write.
//!
//! An activity holds one or more `events[]`; each event becomes its own record and
//! [`AuthEvent`] (`event_type` is the event name, e.g. `login_success`), since the
//! store keeps one sign-in per record. Events of other applications (`saml`,
//! `token`, `user_accounts`, ...) are kept the same way. The event id is
//! `id.uniqueQualifier`; with `id.time`, the application and the event name it
//! identifies the record, so overlapping exports deduplicate.

use serde::Deserialize;
use serde_json::Value;
use unmask_model::AuthEvent;

use super::json_records::{self, has_key, json_error_reason, Element};
use super::signin;
use crate::{Format, Input, ReadError, Sample, Sink, SinkError};

pub(crate) struct GoogleWorkspaceReports;

impl Format for GoogleWorkspaceReports {
    fn name(&self) -> &'static str {
        "google-workspace-reports"
    }

    fn description(&self) -> &'static str {
        "Google Workspace Reports API activities JSON (login audit; items response or one activity a line)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        let text = json_records::sniff_text(sample)?;
        if !has_key(text, "applicationName") {
            return None;
        }
        if !(has_key(text, "uniqueQualifier") || has_key(text, "kind") || has_key(text, "actor")) {
            return None;
        }
        let bonus = u8::from(text.contains("admin#reports#activit"));
        Some(
            89 + bonus
                + json_records::name_bonus(
                    sample,
                    &["google", "gworkspace", "gsuite", "workspace"],
                ),
        )
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        json_records::read(input, sink, &["items"], read_activity)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Activity {
    id: Option<ActivityId>,
    actor: Option<Actor>,
    ip_address: Option<String>,
    network_info: Option<NetworkInfo>,
    events: Option<Vec<ActivityEvent>>,
    /// The flattened export shape: one event's fields at the top level.
    name: Option<String>,
    parameters: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ActivityId {
    time: Option<Value>,
    unique_qualifier: Option<Value>,
    application_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Actor {
    email: Option<String>,
    profile_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NetworkInfo {
    #[serde(default)]
    ip_asn: Vec<Value>,
    region_code: Option<String>,
    subdivision_code: Option<String>,
}

#[derive(Deserialize)]
struct ActivityEvent {
    name: Option<String>,
    parameters: Option<Value>,
}

fn read_activity(element: &Element<'_>, sink: &mut dyn Sink) -> Result<(), SinkError> {
    let at = element.at;
    let raw = element.text;
    let activity: Activity = match serde_json::from_str(raw) {
        Ok(activity) => activity,
        Err(error) => {
            return sink.quarantine(at, &json_error_reason(at.line, &error), raw.as_bytes())
        }
    };
    let time_ms = match time(&activity) {
        Ok(time_ms) => time_ms,
        Err(reason) => {
            return sink.quarantine(at, &format!("line {}: {reason}", at.line), raw.as_bytes())
        }
    };
    let id = activity.id.as_ref();
    let application = id
        .and_then(|id| id.application_name.as_deref())
        .unwrap_or("unknown");
    let qualifier = id
        .and_then(|id| id.unique_qualifier.as_ref())
        .map(value_text)
        .filter(|q| !q.is_empty());
    let events: Vec<(Option<&str>, Option<&Value>)> = match &activity.events {
        Some(events) if !events.is_empty() => events
            .iter()
            .map(|event| (event.name.as_deref(), event.parameters.as_ref()))
            .collect(),
        _ => vec![(activity.name.as_deref(), activity.parameters.as_ref())],
    };
    let mut seen_names: Vec<&str> = Vec::with_capacity(events.len());
    for (index, (name, parameters)) in events.iter().enumerate() {
        let name = name.unwrap_or(application);
        let repeat = seen_names.iter().filter(|seen| **seen == name).count();
        seen_names.push(name);
        let event_id = qualifier.as_ref().map(|qualifier| {
            // The parsed time, so that exports spelling it differently still meet.
            let mut id = format!("{application}:{time_ms}:{qualifier}:{name}");
            if repeat > 0 {
                id.push_str(&format!("#{repeat}"));
            }
            id
        });
        let identity = match &event_id {
            Some(id) => signin::identity("google", Some(id), raw),
            None => {
                let mut identity = signin::identity("google", None, raw);
                identity.extend_from_slice(format!("#{index}").as_bytes());
                identity
            }
        };
        let auth = normalize(&activity, time_ms, qualifier.as_deref(), name, *parameters);
        sink.record(signin::record(at, identity, raw, auth))?;
    }
    Ok(())
}

fn time(activity: &Activity) -> Result<i64, String> {
    let value = activity
        .id
        .as_ref()
        .and_then(|id| id.time.as_ref())
        .ok_or("id.time is missing")?;
    let parsed = match value {
        Value::String(text) => super::timestamp::parse(text),
        Value::Number(number) => number.as_f64().and_then(super::timestamp::epoch),
        _ => None,
    };
    parsed.ok_or_else(|| {
        format!(
            "id.time {} is not a timestamp",
            crate::text::excerpt(value.to_string().as_bytes(), 40)
        )
    })
}

fn normalize(
    activity: &Activity,
    time_ms: i64,
    qualifier: Option<&str>,
    name: &str,
    parameters: Option<&Value>,
) -> AuthEvent {
    let actor = activity.actor.as_ref();
    let user = actor
        .and_then(|a| signin::owned(a.email.as_deref()))
        .or_else(|| actor.and_then(|a| signin::owned(a.profile_id.as_deref())))
        .unwrap_or_default()
        .to_lowercase();
    let network = activity.network_info.as_ref();
    let (outcome, outcome_reason) = outcome(name, parameters);
    let source_ip = signin::owned(activity.ip_address.as_deref())
        .map(|ip| signin::canonical_ip(&ip).unwrap_or(ip));
    AuthEvent {
        provider: "google".to_string(),
        event_id: qualifier.unwrap_or_default().to_string(),
        time_ms,
        user,
        user_display_name: None,
        event_type: name.to_string(),
        outcome: outcome.to_string(),
        outcome_reason,
        source_ip,
        country: signin::country(network.and_then(|n| n.region_code.as_deref())),
        region: network.and_then(|n| signin::owned(n.subdivision_code.as_deref())),
        city: None,
        latitude: None,
        longitude: None,
        asn: network
            .and_then(|n| n.ip_asn.first())
            .and_then(|asn| value_text(asn).parse().ok()),
        as_org: None,
        isp: None,
        is_proxy: None,
        device: None,
        user_agent: None,
        session_id: None,
    }
}

/// Outcome of a login event by its name, and for challenges by their status.
fn outcome(name: &str, parameters: Option<&Value>) -> (&'static str, Option<String>) {
    match name {
        "login_success" | "logout" => ("success", None),
        "login_failure" => (
            "failure",
            parameter(parameters, "login_failure_type")
                .or_else(|| parameter(parameters, "login_type")),
        ),
        "login_challenge" | "login_verification" => {
            match parameter(parameters, "login_challenge_status") {
                Some(status) if status.eq_ignore_ascii_case("passed") => ("success", None),
                Some(status) if status.to_ascii_lowercase().contains("fail") => {
                    ("failure", Some(status))
                }
                status => ("unknown", status),
            }
        }
        _ => ("unknown", None),
    }
}

/// A parameter's value, from the Reports API list (`[{name, value|boolValue|
/// intValue|multiValue}]`) or the flattened object that exports write.
fn parameter(parameters: Option<&Value>, wanted: &str) -> Option<String> {
    let value = match parameters? {
        Value::Array(list) => {
            let entry = list
                .iter()
                .find(|entry| entry.get("name").and_then(Value::as_str) == Some(wanted))?;
            [
                "value",
                "boolValue",
                "intValue",
                "multiValue",
                "multiIntValue",
            ]
            .iter()
            .find_map(|key| entry.get(*key))?
        }
        Value::Object(map) => map.get(wanted)?,
        _ => return None,
    };
    let text = match value {
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(","),
        other => value_text(other),
    };
    (!text.is_empty()).then_some(text)
}

/// A scalar as text (strings without their quotes).
fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.trim().to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySink;

    fn read(text: &[u8]) -> MemorySink {
        MemorySink::read(&GoogleWorkspaceReports, "login.json", text).unwrap()
    }

    fn auths(sink: &MemorySink) -> Vec<&AuthEvent> {
        sink.auth_events()
    }

    const SENTINEL: &[u8] = include_bytes!(
        "../../testdata/logs/google_workspace/azure_sentinel_GWorkspace_ReportsAPI_login_CL.json"
    );
    const PANTHER: &[u8] = include_bytes!(
        "../../testdata/logs/google_workspace/panther_gsuite_activityevent_identity_tests.ndjson"
    );

    const RESPONSE: &str = r#"{"kind":"admin#reports#activities","etag":"\"x\"","items":[{"kind":"admin#reports#activity","id":{"time":"2024-06-03T01:02:03.456Z","uniqueQualifier":"-4217","applicationName":"login","customerId":"C01"},"actor":{"email":"Kim@Acme.com","profileId":"1"},"ipAddress":"2001:db8::5","networkInfo":{"ipAsn":[4837],"regionCode":"CN","subdivisionCode":"CN-LN"},"events":[{"type":"login","name":"login_verification","parameters":[{"name":"login_challenge_status","value":"passed"}]},{"type":"login","name":"login_success","parameters":[{"name":"login_type","value":"google_password"}]}]},{"kind":"admin#reports#activity","id":{"time":"2024-06-03T02:00:00Z","uniqueQualifier":"99","applicationName":"login"},"actor":{"email":"kim@acme.com"},"ipAddress":"203.0.113.7","events":[{"type":"login","name":"login_failure","parameters":[{"name":"login_failure_type","value":"login_failure_invalid_password"}]}]}],"nextPageToken":"abc"}"#;

    #[test]
    fn an_items_response_gives_one_record_per_event() {
        let sink = read(RESPONSE.as_bytes());
        assert!(sink.quarantined.is_empty(), "{:?}", sink.quarantined);
        let events = auths(&sink);
        assert_eq!(events.len(), 3);
        let verification = events[0];
        assert_eq!(verification.provider, "google");
        assert_eq!(verification.time_ms, 1_717_376_523_456);
        assert_eq!(verification.user, "kim@acme.com");
        assert_eq!(verification.event_type, "login_verification");
        assert_eq!(verification.outcome, "success");
        assert_eq!(verification.source_ip.as_deref(), Some("2001:db8::5"));
        assert_eq!(verification.country.as_deref(), Some("CN"));
        assert_eq!(verification.region.as_deref(), Some("CN-LN"));
        assert_eq!(verification.asn, Some(4837));
        assert_eq!(events[1].event_type, "login_success");
        assert_ne!(sink.records[0].identity, sink.records[1].identity);
        assert_eq!(sink.records[0].at, sink.records[1].at);
        let failure = events[2];
        assert_eq!(failure.outcome, "failure");
        assert_eq!(
            failure.outcome_reason.as_deref(),
            Some("login_failure_invalid_password")
        );
        assert_eq!(failure.country, None, "no networkInfo: no geo");
        assert_eq!(
            sink.records[2].identity,
            b"google:login:1717380000000:99:login_failure"
        );
    }

    #[test]
    fn one_activity_a_line_gives_the_same_identities() {
        let response: Value = serde_json::from_str(RESPONSE).unwrap();
        let lines: String = response["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| format!("{item}\n"))
            .collect();
        let from_lines = read(lines.as_bytes());
        let from_response = read(RESPONSE.as_bytes());
        let identities = |sink: &MemorySink| -> Vec<Vec<u8>> {
            sink.records.iter().map(|r| r.identity.clone()).collect()
        };
        assert_eq!(identities(&from_lines), identities(&from_response));
        assert_eq!(from_lines.records[2].at.line, 2);
    }

    #[test]
    fn the_same_event_with_another_time_spelling_is_the_same_record() {
        let iso = r#"{"id":{"time":"2022-12-29T22:42:44.467Z","uniqueQualifier":"5175","applicationName":"login"},"name":"login_success"}"#;
        let panther = iso.replace("2022-12-29T22:42:44.467Z", "2022-12-29 22:42:44.467000000");
        assert_eq!(
            read(iso.as_bytes()).records[0].identity,
            read(panther.as_bytes()).records[0].identity
        );
    }

    #[test]
    fn the_sentinel_sample_is_read() {
        let sink = read(SENTINEL);
        assert!(sink.quarantined.is_empty(), "{:?}", sink.quarantined);
        let events = auths(&sink);
        assert_eq!(events.len(), 3);
        assert_eq!(events[0].time_ms, 1_604_962_055_492);
        assert_eq!(events[0].event_type, "login_success");
        assert_eq!(events[0].outcome, "success");
        assert_eq!(events[1].event_type, "login_verification");
        assert_eq!(events[1].outcome, "success");
        assert_eq!(events[0].source_ip.as_deref(), Some("52.52.52.52"));
        // Same time and uniqueQualifier, different events: different records.
        assert_ne!(sink.records[0].identity, sink.records[1].identity);
        assert_eq!(sink.records[1].at.line, 48);
    }

    #[test]
    fn the_flattened_panther_shape_is_read_and_partial_tests_explained() {
        let sink = read(PANTHER);
        assert_eq!(sink.records.len() + sink.quarantined.len(), 30);
        assert!(
            sink.quarantined
                .iter()
                .all(|(_, reason)| reason.ends_with("id.time is missing")),
            "{:?}",
            sink.quarantined
        );
        let events = auths(&sink);
        let first = events[0];
        assert_eq!(first.event_type, "recovery_email_edit");
        assert_eq!(first.outcome, "unknown");
        assert_eq!(first.time_ms, 1_672_353_764_467);
        assert_eq!(
            first.source_ip.as_deref(),
            Some("2600:2600:2600:2600:2600:2600:2600:2600")
        );
        // The first two lines are the same event twice: one identity.
        assert_eq!(sink.records[0].identity, sink.records[1].identity);
    }

    #[test]
    fn sniffing_tells_google_from_the_others() {
        let sample = |head: &'static [u8]| Sample {
            path: std::path::Path::new("x.json"),
            head,
        };
        assert_eq!(GoogleWorkspaceReports.sniff(&sample(SENTINEL)), Some(90));
        assert_eq!(GoogleWorkspaceReports.sniff(&sample(PANTHER)), Some(90));
        assert_eq!(
            GoogleWorkspaceReports.sniff(&sample(RESPONSE.as_bytes())),
            Some(90)
        );
        for other in [
            &br#"{"eventType":"user.session.start","actor":{}}"#[..],
            br#"{"id":"1","createdDateTime":"2021-06-30T16:34:32Z","userPrincipalName":"a@b.c"}"#,
            b"applicationName,actor\n",
        ] {
            assert_eq!(GoogleWorkspaceReports.sniff(&sample(other)), None);
        }
    }
}
