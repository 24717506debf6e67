//! The real lsusb captures of IP-KVMs (JetKVM, GL.iNet Comet), written as osquery
//! `usb_devices` result rows from two corporate laptops, are ingested with the
//! device inventory and flagged by `ip_kvm` on the right employees.

use std::path::Path;
use std::process::Command;

/// The device descriptor of an `lsusb -v` capture as osquery `usb_devices` columns.
fn usb_columns(lsusb: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut columns = serde_json::Map::new();
    for line in lsusb.lines() {
        let mut words = line.split_whitespace();
        let (Some(key), Some(second)) = (words.next(), words.next()) else {
            continue;
        };
        let rest = words.collect::<Vec<_>>().join(" ");
        let (name, value) = match key {
            "idVendor" => ("vendor_id", second.trim_start_matches("0x").to_string()),
            "idProduct" => ("model_id", second.trim_start_matches("0x").to_string()),
            "iManufacturer" => ("vendor", rest),
            "iProduct" => ("model", rest),
            "iSerial" => ("serial", rest),
            _ => continue,
        };
        columns.entry(name).or_insert(value.into());
    }
    columns.insert("usb_address".into(), "3".into());
    columns.insert("usb_port".into(), "1".into());
    columns.insert("removable".into(), "1".into());
    columns
}

fn run(data: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_unmask"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn real_ipkvm_captures_as_osquery_rows_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(
        input.join("employees.csv"),
        "employee_id,company_id,full_name,email,role\n\
         E1,acme,Jane Roe,jane@acme.example,Backend Engineer\n\
         E2,acme,John Poe,john@acme.example,Data Engineer\n\
         E3,acme,Ann Lee,ann@acme.example,Designer\n",
    )
    .unwrap();
    std::fs::write(
        input.join("devices.csv"),
        "device_serial,company_id,employee_id,hostname,os\n\
         SN1,acme,E1,jane-mbp,macOS 14\nSN2,acme,E2,john-lt,Windows 11\nSN3,acme,E3,ann-mbp,macOS 14\n",
    )
    .unwrap();
    let captures = [
        (
            "jane-mbp",
            include_str!("../../workforce/testdata/ipkvm-watch/jetkvm_lsusb.txt"),
        ),
        (
            "john-lt",
            include_str!("../../workforce/testdata/ipkvm-watch/comet_lsusb.txt"),
        ),
    ];
    let mut log = String::new();
    for (counter, (host, capture)) in captures.iter().enumerate() {
        let row = serde_json::json!({
            "name": "pack_inventory_usb_devices",
            "hostIdentifier": host,
            "calendarTime": "Mon Oct  5 10:00:00 2026 UTC",
            "unixTime": 1791194400 + counter as i64,
            "epoch": 0,
            "counter": counter,
            "numerics": false,
            "decorations": {"host_uuid": format!("uuid-{host}"), "hostname": host},
            "columns": usb_columns(capture),
            "action": "added"
        });
        log.push_str(&row.to_string());
        log.push('\n');
    }
    // An ordinary webcam on the third laptop.
    log.push_str(r#"{"name":"pack_inventory_usb_devices","hostIdentifier":"ann-mbp","calendarTime":"Mon Oct  5 10:00:00 2026 UTC","unixTime":1791194500,"epoch":0,"counter":5,"numerics":false,"columns":{"vendor":"Logitech","vendor_id":"046d","model":"HD Pro Webcam C920","model_id":"082d","serial":"A1B2","usb_address":"2","usb_port":"1","removable":"1"},"action":"added"}"#);
    log.push('\n');
    std::fs::write(input.join("osquery.log"), log).unwrap();

    let data = dir.path().join("data");
    let ingested = run(&data, &["ingest", input.to_str().unwrap()]);
    assert!(ingested.contains("osquery"), "{ingested}");
    assert!(ingested.contains("[reconciled]"), "{ingested}");
    run(&data, &["detect"]);
    let cases: serde_json::Value =
        serde_json::from_str(&run(&data, &["cases", "--all", "--json"])).unwrap();
    let kvm_reasons: Vec<(String, String)> = cases
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|case| case["findings"].as_array().unwrap().iter())
        .filter(|f| f["detector"] == "ip_kvm")
        .map(|f| {
            (
                f["evidence"][0]["entity_id"].as_str().unwrap().to_string(),
                f["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(kvm_reasons.len(), 2, "{kvm_reasons:?}");
    assert!(
        kvm_reasons
            .iter()
            .any(|(who, why)| who == "person:acme:E1" && why.ends_with("JetKVM")),
        "{kvm_reasons:?}"
    );
    assert!(
        kvm_reasons
            .iter()
            .any(|(who, why)| who == "person:acme:E2" && why.ends_with("GL.iNet Comet")),
        "{kvm_reasons:?}"
    );
}
