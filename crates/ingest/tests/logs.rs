//! The log adapters (Okta, Entra, Google Workspace, osquery) through the real pipeline
//! and store: overlapping exports deduplicate by the source's event id, broken lines
//! are quarantined with their line, and bulk facts land in their tables.

use std::path::{Path, PathBuf};

use unmask_ingest::{ingest, IngestOptions, IngestReport};
use unmask_store::Store;

fn run(store: &mut Store, paths: &[PathBuf]) -> IngestReport {
    let options = IngestOptions {
        format: None,
        org: None,
        progress: false,
        command: "test".to_string(),
    };
    ingest(store, paths, &options).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |row| row.get(0)).unwrap()
}

fn okta_event(index: u32) -> String {
    format!(
        r#"{{"uuid":"00000000-0000-4000-8000-{index:012}","published":"2024-03-04T14:{minute:02}:00.000Z","eventType":"user.session.start","actor":{{"alternateId":"user{index}@acme.com","displayName":"User {index}"}},"client":{{"ipAddress":"198.51.100.{index}","geographicalContext":{{"country":"United States","city":"Austin"}}}},"securityContext":{{"asNumber":7922,"asOrg":"comcast","isProxy":false}},"outcome":{{"result":"SUCCESS"}}}}"#,
        minute = index % 60
    )
}

#[test]
fn overlapping_okta_exports_store_each_event_once() {
    let dir = tempfile::tempdir().unwrap();
    let ndjson: String = (1..=5).map(|i| okta_event(i) + "\n").collect();
    let array = format!(
        "[\n{}\n]\n",
        (4..=8).map(okta_event).collect::<Vec<_>>().join(",\n")
    );
    let first = write(dir.path(), "system_log-0001.ndjson", ndjson.as_bytes());
    let second = write(dir.path(), "logs-api-page.json", array.as_bytes());
    let mut store = Store::open(&dir.path().join("data")).unwrap();

    let report = run(&mut store, &[first, second]);
    assert!(report.total.reconciles());
    assert_eq!(report.total.read, 10);
    assert_eq!(report.total.stored, 8);
    assert_eq!(
        report.total.duplicates, 2,
        "events 4 and 5 are in both exports"
    );
    assert!(report
        .files
        .iter()
        .all(|file| file.format.as_deref() == Some("okta-system-log")));
    assert_eq!(count(&store, "SELECT COUNT(*) FROM auth_events"), 8);
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM auth_events WHERE provider = 'okta' AND country = 'US' AND asn = 7922"
        ),
        8
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM entities WHERE schema = 'IpAddress'"
        ),
        8
    );
}

#[test]
fn broken_lines_are_quarantined_with_their_line_and_the_rest_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = Vec::new();
    bytes.extend_from_slice(okta_event(1).as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(b"{\"uuid\":\"bad\",\"eventType\":\"x\",\"published\":\"\xff\"}\n");
    bytes.extend_from_slice(&vec![b'x'; 2 * 1024 * 1024]);
    bytes.push(b'\n');
    bytes.extend_from_slice(okta_event(2).as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(&okta_event(3).as_bytes()[..120]);
    let file = write(dir.path(), "system_log-0002.ndjson", &bytes);
    let mut store = Store::open(&dir.path().join("data")).unwrap();

    let report = run(&mut store, &[file]);
    assert!(report.total.reconciles());
    assert_eq!(report.total.stored, 2);
    assert_eq!(report.total.quarantined, 3);
    let quarantined = store.quarantine(10).unwrap();
    let reasons: Vec<(u64, &str)> = quarantined
        .iter()
        .map(|q| (q.line, q.reason.as_str()))
        .collect();
    assert_eq!(reasons[0].0, 2);
    assert!(
        reasons[0].1.starts_with("line 2: not valid UTF-8"),
        "{reasons:?}"
    );
    assert_eq!(
        reasons[1],
        (
            3,
            "line 3: line is 2097152 bytes, over the 1048576 byte limit"
        )
    );
    assert_eq!(reasons[2].0, 5);
    assert!(
        reasons[2]
            .1
            .starts_with("line 5: truncated JSON (EOF while parsing"),
        "{reasons:?}"
    );
}

#[test]
fn endpoint_rows_and_sign_ins_of_every_source_land_in_their_tables() {
    let dir = tempfile::tempdir().unwrap();
    let osquery = concat!(
        r#"{"name":"pack_inventory_system_info","hostIdentifier":"KIM-LAPTOP","unixTime":1709632800,"action":"snapshot","snapshot":[{"hostname":"KIM-LAPTOP","hardware_serial":"PF3ABC12"}]}"#,
        "\n",
        r#"{"name":"pack_inventory_usb_devices","hostIdentifier":"KIM-LAPTOP","unixTime":1709632800,"diffResults":{"added":[{"vendor_id":"1d6b","model_id":"0104","model":"PiKVM Composite Device"}],"removed":[]}}"#,
        "\n"
    );
    let entra = r#"{"id":"e-1","createdDateTime":"2024-05-01T07:59:58Z","userPrincipalName":"kim@acme.com","ipAddress":"2001:db8::1","status":{"errorCode":0},"location":{"countryOrRegion":"CN"}}"#;
    let google = r#"{"kind":"admin#reports#activities","items":[{"id":{"time":"2024-06-03T01:02:03Z","uniqueQualifier":"1","applicationName":"login"},"actor":{"email":"kim@acme.com"},"ipAddress":"203.0.113.7","events":[{"name":"login_success"}]}]}"#;
    let paths = [
        write(dir.path(), "osquery-0000.log", osquery.as_bytes()),
        write(dir.path(), "signins-0000.json", entra.as_bytes()),
        write(dir.path(), "login.json", google.as_bytes()),
    ];
    let mut store = Store::open(&dir.path().join("data")).unwrap();
    let report = run(&mut store, &paths);
    assert!(report.total.reconciles());
    assert_eq!(report.total.quarantined, 0);
    let formats: Vec<&str> = report
        .files
        .iter()
        .filter_map(|f| f.format.as_deref())
        .collect();
    assert_eq!(
        formats,
        [
            "osquery-results",
            "entra-signins",
            "google-workspace-reports"
        ]
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM endpoint_rows WHERE host = 'kim-laptop' AND query_table = 'usb_devices' AND action = 'added'"
        ),
        1
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM entities WHERE id = 'device:PF3ABC12'"
        ),
        1
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(DISTINCT provider) FROM auth_events WHERE user = 'kim@acme.com'"
        ),
        2
    );
}
