//! osquery result logs (the filesystem logger's `osqueryd.results.log`, Fleet and
//! Kolide exports): NDJSON, one query result a line, in the three shapes osquery
//! writes: the event format (`action` added/removed/snapshot with one row under
//! `columns`), the snapshot format (`"snapshot": [rows]`) and batched differentials
//! (`"diffResults": {"added": [rows], "removed": [rows]}`).
//!
//! Each line is one record; each row in it becomes an [`EndpointRow`] of that record
//! with the table it describes (`usb_devices`, `programs`, `processes`,
//! `system_info`, ... inferred from the query name, e.g.
//! `pack_inventory_usb_devices` or `pack/Global/All USB devices`, else from the
//! columns; other queries keep their own name). A `system_info` row with a hardware
//! serial also gives the `device:{SERIAL}` entity, the same id as the device
//! inventory and shipments use, so endpoint data joins them through the host name.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use unmask_model::{normalize, EndpointRow, EntityFragment, Event, Parsed};

use super::json_records::{self, has_key, json_error_reason, text, Element, Scalar, Text};
use super::shipments::device_id;
use super::signin;
use crate::{Format, Input, ReadError, Record, Sample, Sink, SinkError};

pub(crate) struct OsqueryResults;

impl Format for OsqueryResults {
    fn name(&self) -> &'static str {
        "osquery-results"
    }

    fn description(&self) -> &'static str {
        "osquery result log NDJSON (event, snapshot and diffResults formats): usb_devices, programs, processes, system_info, ..."
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        let text = json_records::sniff_text(sample)?;
        let bonus = json_records::name_bonus(sample, &["osquery"]);
        if has_key(text, "hostIdentifier") || has_key(text, "calendarTime") {
            return Some(90 + bonus);
        }
        let rows =
            has_key(text, "columns") || has_key(text, "snapshot") || has_key(text, "diffResults");
        (has_key(text, "name") && rows).then_some(75 + bonus)
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        json_records::read(input, sink, &[], read_result)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResultLine<'a> {
    #[serde(borrow)]
    name: Option<Text<'a>>,
    #[serde(borrow)]
    host_identifier: Option<Text<'a>>,
    #[serde(borrow)]
    calendar_time: Option<Text<'a>>,
    #[serde(borrow)]
    unix_time: Option<Scalar<'a>>,
    #[serde(borrow)]
    action: Option<Text<'a>>,
    columns: Option<Columns>,
    snapshot: Option<Vec<Columns>>,
    diff_results: Option<DiffResults>,
    #[serde(borrow)]
    decorations: Option<Decorations<'a>>,
    /// Status log lines (`osqueryd.INFO` as JSON) have these instead of rows.
    #[serde(borrow)]
    message: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct DiffResults {
    #[serde(default)]
    added: Vec<Columns>,
    #[serde(default)]
    removed: Vec<Columns>,
}

#[derive(Deserialize)]
struct Decorations<'a> {
    #[serde(borrow)]
    hostname: Option<Text<'a>>,
    #[serde(borrow)]
    host_uuid: Option<Text<'a>>,
}

/// A row: column names and values in the order given, values as text whatever
/// their JSON type (osquery writes strings unless `numerics` is on).
struct Columns(Vec<(String, String)>);

impl<'de> Deserialize<'de> for Columns {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RowVisitor;
        impl<'de> Visitor<'de> for RowVisitor {
            type Value = Columns;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of column values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Columns, A::Error> {
                let mut columns = Vec::with_capacity(map.size_hint().unwrap_or(12));
                while let Some(name) = map.next_key::<String>()? {
                    let value: CellText = map.next_value()?;
                    columns.push((name, value.0));
                }
                Ok(Columns(columns))
            }
        }
        deserializer.deserialize_map(RowVisitor)
    }
}

/// One cell as text: strings as they are, numbers and booleans written out, `null`
/// empty, nested values as JSON text.
struct CellText(String);

impl<'de> Deserialize<'de> for CellText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CellVisitor;
        impl<'de> Visitor<'de> for CellVisitor {
            type Value = CellText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a column value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CellText, E> {
                Ok(CellText(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<CellText, E> {
                Ok(CellText(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CellText, E> {
                Ok(CellText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CellText, E> {
                Ok(CellText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<CellText, E> {
                Ok(CellText(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<CellText, E> {
                Ok(CellText(if v { "1" } else { "0" }.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<CellText, E> {
                Ok(CellText(String::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CellText, A::Error> {
                let value =
                    serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(CellText(value.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<CellText, A::Error> {
                let value =
                    serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(CellText(value.to_string()))
            }
        }
        deserializer.deserialize_any(CellVisitor)
    }
}

fn read_result(element: &Element<'_>, sink: &mut dyn Sink) -> Result<(), SinkError> {
    let at = element.at;
    let raw = element.text;
    let line: ResultLine<'_> = match serde_json::from_str(raw) {
        Ok(line) => line,
        Err(error) => {
            return sink.quarantine(at, &json_error_reason(at.line, &error), raw.as_bytes())
        }
    };
    match parse(line) {
        Ok(parsed) => sink.record(Record {
            at,
            identity: signin::identity("osquery", None, raw),
            raw: Some(raw.to_string()),
            parsed,
        }),
        Err(reason) => sink.quarantine(at, &format!("line {}: {reason}", at.line), raw.as_bytes()),
    }
}

fn parse(line: ResultLine<'_>) -> Result<Parsed, String> {
    let has_rows = line.columns.is_some() || line.snapshot.is_some() || line.diff_results.is_some();
    if !has_rows {
        if line.message.is_some() {
            return Err("an osquery status log line (message), not a query result".to_string());
        }
        return Err("not an osquery result: no columns, snapshot or diffResults".to_string());
    }
    let time_ms = match (&line.unix_time, text(&line.calendar_time)) {
        (Some(unix), _) if unix.as_time_ms().is_some() => unix.as_time_ms().unwrap_or_default(),
        (_, Some(calendar)) => super::timestamp::parse(calendar)
            .ok_or_else(|| format!("calendarTime {calendar:?} is not a timestamp"))?,
        (Some(unix), None) => {
            return Err(format!(
                "unixTime {} is not a timestamp",
                crate::text::excerpt(unix.to_text().as_bytes(), 30)
            ))
        }
        (None, None) => return Err("no unixTime or calendarTime".to_string()),
    };
    let decorations = line.decorations.as_ref();
    let host = text(&line.host_identifier)
        .or_else(|| decorations.and_then(|d| text(&d.hostname)))
        .or_else(|| decorations.and_then(|d| text(&d.host_uuid)))
        .unwrap_or_default()
        .to_lowercase();
    let query = text(&line.name).unwrap_or_default().to_string();
    let action = text(&line.action).unwrap_or("added").to_ascii_lowercase();

    let mut rows: Vec<(String, Columns)> = Vec::new();
    if let Some(columns) = line.columns {
        rows.push((action.clone(), columns));
    }
    for columns in line.snapshot.into_iter().flatten() {
        rows.push(("snapshot".to_string(), columns));
    }
    if let Some(diff) = line.diff_results {
        rows.extend(diff.added.into_iter().map(|c| ("added".to_string(), c)));
        rows.extend(diff.removed.into_iter().map(|c| ("removed".to_string(), c)));
    }
    let mut parsed = Parsed::default();
    for (action, Columns(columns)) in rows {
        let table = table(&query, &columns);
        let row = EndpointRow {
            host: host.clone(),
            time_ms,
            table,
            action,
            query: query.clone(),
            columns,
        };
        if row.table == "system_info" && row.action != "removed" {
            if let Some(device) = device(&row) {
                if !parsed.entities.iter().any(|e| e.id == device.id) {
                    parsed.entities.push(device);
                }
            }
        }
        parsed.events.push(Event::Endpoint(row));
    }
    Ok(parsed)
}

/// The `device:{SERIAL}` entity of a `system_info` row with a real serial.
fn device(row: &EndpointRow) -> Option<EntityFragment> {
    let serial = row.column("hardware_serial")?.trim();
    if is_placeholder_serial(serial) {
        return None;
    }
    let id = device_id(serial)?;
    let mut device = EntityFragment::new(id, "Device");
    device.prop("serial", normalize::serial(serial).unwrap_or_default());
    device.prop("host", &row.host);
    for (column, prop) in [
        ("hostname", "hostname"),
        ("computer_name", "computerName"),
        ("hardware_vendor", "hardwareVendor"),
        ("hardware_model", "hardwareModel"),
        ("uuid", "hardwareUuid"),
    ] {
        if let Some(value) = row.column(column) {
            device.prop(prop, value);
        }
    }
    Some(device)
}

/// Serials that firmware writes when it has none: joining on them would merge
/// unrelated machines.
fn is_placeholder_serial(serial: &str) -> bool {
    const PLACEHOLDERS: &[&str] = &[
        "",
        "0",
        "none",
        "n/a",
        "na",
        "unknown",
        "not specified",
        "not applicable",
        "default string",
        "to be filled by o.e.m.",
        "system serial number",
        "chassis serial number",
        "0123456789",
        "123456789",
    ];
    let lower = serial.to_ascii_lowercase();
    PLACEHOLDERS.contains(&lower.as_str()) || lower.chars().all(|c| c == '0' || c == ' ')
}

/// osquery tables recognised in query names, longest first so that
/// `logged_in_users` wins over `users`.
const TABLES: &[&str] = &[
    "windows_security_center",
    "process_open_sockets",
    "interface_addresses",
    "kernel_extensions",
    "homebrew_packages",
    "chrome_extensions",
    "interface_details",
    "disk_encryption",
    "firefox_addons",
    "logged_in_users",
    "osquery_schedule",
    "python_packages",
    "scheduled_tasks",
    "authorized_keys",
    "listening_ports",
    "kernel_modules",
    "osquery_events",
    "startup_items",
    "platform_info",
    "dns_resolvers",
    "wifi_networks",
    "shell_history",
    "osquery_packs",
    "osquery_info",
    "deb_packages",
    "rpm_packages",
    "npm_packages",
    "certificates",
    "usb_devices",
    "system_info",
    "known_hosts",
    "acpi_tables",
    "os_version",
    "processes",
    "etc_hosts",
    "programs",
    "services",
    "crontab",
    "launchd",
    "patches",
    "sudoers",
    "uptime",
    "groups",
    "mounts",
    "users",
    "apps",
    "last",
    "alf",
];

/// Column sets that identify a table when the query name does not.
const TABLE_COLUMNS: &[(&str, &[&str])] = &[
    ("usb_devices", &["vendor_id", "model_id"]),
    ("system_info", &["hardware_serial"]),
    ("system_info", &["cpu_brand", "physical_memory"]),
    ("programs", &["install_location", "publisher"]),
    ("programs", &["identifying_number", "uninstall_string"]),
    ("apps", &["bundle_identifier", "bundle_name"]),
    ("chrome_extensions", &["identifier", "permissions"]),
    ("processes", &["pid", "cmdline", "parent"]),
    ("deb_packages", &["arch", "revision", "source"]),
    ("rpm_packages", &["release", "package_group"]),
];

/// The table a row describes: from the query name, else from its columns, else the
/// query name itself.
fn table(query: &str, columns: &[(String, String)]) -> String {
    let normalized: String = query
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let by_name = TABLES.iter().find(|table| {
        normalized == **table
            || normalized
                .strip_suffix(**table)
                .is_some_and(|head| head.ends_with('_'))
    });
    if let Some(table) = by_name {
        return (*table).to_string();
    }
    let has = |name: &str| columns.iter().any(|(column, _)| column == name);
    if let Some((table, _)) = TABLE_COLUMNS
        .iter()
        .find(|(_, needed)| needed.iter().all(|column| has(column)))
    {
        return (*table).to_string();
    }
    if normalized.is_empty() {
        "unknown".to_string()
    } else {
        normalized
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySink;

    fn read(text: &[u8]) -> MemorySink {
        MemorySink::read(&OsqueryResults, "osqueryd.results.log", text).unwrap()
    }

    fn rows(sink: &MemorySink) -> Vec<&EndpointRow> {
        sink.endpoint_rows()
    }

    const FLEET: &[u8] = include_bytes!(
        "../../testdata/logs/osquery/fleet_usb_devices_snapshot_and_event_format.ndjson"
    );
    const RESULTS: &[u8] =
        include_bytes!("../../testdata/logs/osquery/msticpy_osqueryd.results.log");
    const SNAPSHOTS: &[u8] =
        include_bytes!("../../testdata/logs/osquery/msticpy_osqueryd.snapshots.log");
    const PANTHER: &[u8] =
        include_bytes!("../../testdata/logs/osquery/panther_osquery_differential_tests.ndjson");

    #[test]
    fn snapshot_and_event_formats_give_the_same_rows() {
        let sink = read(FLEET);
        assert!(sink.quarantined.is_empty(), "{:?}", sink.quarantined);
        assert_eq!(sink.records.len(), 3, "one record a line");
        let rows = rows(&sink);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].table, "usb_devices");
        assert_eq!(rows[0].action, "snapshot");
        assert_eq!(rows[0].host, "f5b29579-e946-46a2-bb0f-7a8d1e304940");
        assert_eq!(rows[0].time_ms, 1_738_189_037_000);
        assert_eq!(rows[0].query, "pack/Global/All USB devices");
        assert_eq!(rows[0].column("vendor_id"), Some("05ac"));
        assert_eq!(rows[0].columns, rows[2].columns);
        assert_eq!(rows[2].time_ms, 1_738_153_974_000);
    }

    #[test]
    fn batched_diff_results_are_split_into_rows() {
        let line = r#"{"name":"pack_inventory_usb_devices","hostIdentifier":"LAPTOP-7","calendarTime":"Tue Mar  5 10:00:00 2024 UTC","unixTime":"1709632800","epoch":0,"counter":3,"numerics":true,"diffResults":{"added":[{"vendor_id":"1d6b","model_id":"0104","model":"PiKVM Composite Device","serial":"CAFEBABE","removable":1}],"removed":[{"vendor_id":"046d","model_id":"c52b"}]}}"#;
        let sink = read(line.as_bytes());
        let rows = rows(&sink);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].action.as_str(), rows[1].action.as_str()),
            ("added", "removed")
        );
        assert_eq!(rows[0].host, "laptop-7");
        assert_eq!(rows[0].time_ms, 1_709_632_800_000);
        assert_eq!(rows[0].column("removable"), Some("1"), "numerics as text");
        assert_eq!(rows[0].column("model"), Some("PiKVM Composite Device"));
        assert_eq!(rows[1].table, "usb_devices");
    }

    #[test]
    fn system_info_gives_the_device_entity() {
        let line = r#"{"name":"pack_inventory_system_info","hostIdentifier":"Jane-MBP","unixTime":1709632800,"action":"snapshot","snapshot":[{"hostname":"Jane-MBP.local","hardware_serial":" c02xk1abcd12 ","hardware_vendor":"Apple Inc.","hardware_model":"MacBookPro18,3","uuid":"U-1"}]}"#;
        let sink = read(line.as_bytes());
        let device = sink.entities().next().unwrap();
        assert_eq!(device.id, "device:C02XK1ABCD12");
        assert_eq!(device.schema, "Device");
        assert_eq!(device.first("host"), Some("jane-mbp"));
        assert_eq!(device.first("hostname"), Some("Jane-MBP.local"));
        assert_eq!(device.first("hardwareModel"), Some("MacBookPro18,3"));
        let placeholder = line.replace(" c02xk1abcd12 ", "To Be Filled By O.E.M.");
        assert_eq!(read(placeholder.as_bytes()).entities().count(), 0);
    }

    #[test]
    fn tables_come_from_query_names_then_columns() {
        let cols = |names: &[&str]| -> Vec<(String, String)> {
            names
                .iter()
                .map(|n| (n.to_string(), String::new()))
                .collect()
        };
        assert_eq!(table("pack_inventory_usb_devices", &[]), "usb_devices");
        assert_eq!(table("usb_devices", &[]), "usb_devices");
        assert_eq!(table("pack/Global/All USB devices", &[]), "usb_devices");
        assert_eq!(
            table("pack_osquery-custom-pack_processes", &[]),
            "processes"
        );
        assert_eq!(
            table("pack_incident-response_logged_in_users", &[]),
            "logged_in_users"
        );
        assert_eq!(
            table(
                "software",
                &cols(&["name", "install_location", "publisher"])
            ),
            "programs"
        );
        assert_eq!(
            table("hw", &cols(&["hardware_serial", "hostname"])),
            "system_info"
        );
        assert_eq!(
            table("Keyboard_Event_Taps", &cols(&["a"])),
            "keyboard_event_taps"
        );
        assert_eq!(
            table("pack_incident-response_process_memory", &[]),
            "pack_incident_response_process_memory"
        );
    }

    #[test]
    fn the_msticpy_logs_are_read_whole() {
        let results = read(RESULTS);
        assert!(results.quarantined.is_empty(), "{:?}", results.quarantined);
        assert_eq!(results.records.len(), 266);
        let rows = rows(&results);
        assert_eq!(rows.iter().filter(|r| r.table == "processes").count(), 21);
        assert!(rows
            .iter()
            .all(|r| r.host == "jumpvm" && r.time_ms > 1_600_000_000_000));
        let snapshots = read(SNAPSHOTS);
        assert!(snapshots.quarantined.is_empty());
        assert_eq!(rows_of(&snapshots, "python_packages"), 40);
    }

    fn rows_of(sink: &MemorySink, table: &str) -> usize {
        rows(sink).iter().filter(|r| r.table == table).count()
    }

    #[test]
    fn panther_partial_tests_are_explained() {
        let sink = read(PANTHER);
        assert_eq!(sink.records.len() + sink.quarantined.len(), 37);
        assert!(
            sink.quarantined
                .iter()
                .all(|(_, reason)| reason.ends_with("no unixTime or calendarTime")),
            "{:?}",
            sink.quarantined
        );
        let rows = rows(&sink);
        // "2020-04-10 23:26:11.000000000" and a unixTime given as text both read.
        assert!(rows.iter().any(|r| r.time_ms == 1_586_561_171_000));
        assert!(rows.iter().any(|r| r.time_ms == 1_536_682_461_000));
    }

    #[test]
    fn lines_that_are_not_results_are_quarantined_with_the_reason() {
        let text = b"{\"hostIdentifier\":\"h\",\"calendarTime\":\"Tue Mar  5 10:00:00 2024 UTC\",\"severity\":0,\"message\":\"osqueryd started\"}\n{\"name\":\"x\",\"columns\":{\"a\":\"1\"},\"unixTime\":\"soon\"}\n{\"name\":\"x\",\"columns\":{\"a\":\"1\"},\"unixTime\":1709632800\n";
        let sink = read(text);
        let reasons: Vec<&str> = sink.quarantined.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(
            reasons[0],
            "line 1: an osquery status log line (message), not a query result"
        );
        assert_eq!(reasons[1], "line 2: unixTime \"soon\" is not a timestamp");
        assert!(
            reasons[2].starts_with("line 3: truncated JSON (EOF while parsing"),
            "{}",
            reasons[2]
        );
    }

    #[test]
    fn sniffing_tells_osquery_from_the_others() {
        let sample = |head: &'static [u8]| Sample {
            path: std::path::Path::new("x.log"),
            head,
        };
        assert_eq!(OsqueryResults.sniff(&sample(FLEET)), Some(90));
        assert_eq!(OsqueryResults.sniff(&sample(PANTHER)), Some(90));
        let bare = br#"{"name":"pack_x","action":"added","columns":{"a":"1"}}"#;
        assert_eq!(OsqueryResults.sniff(&sample(bare)), Some(75));
        for other in [
            &br#"{"eventType":"user.session.start","actor":{}}"#[..],
            br#"{"kind":"admin#reports#activity","id":{"applicationName":"login"},"name":"x"}"#,
            b"name,columns,snapshot\n",
        ] {
            assert_eq!(OsqueryResults.sniff(&sample(other)), None);
        }
    }
}
