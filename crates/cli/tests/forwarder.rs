//! A laptop shipped to a package forwarder is a finding of its own (medium), and the
//! reason names the forwarder; a laptop shipped to another ordinary address stays a
//! weak one.

use std::path::Path;
use std::process::Command;

fn run(data: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_unmask"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "unmask {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_device_shipped_to_a_forwarder_is_named_and_weighs_more() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(
        input.join("employees.csv"),
        "employee_id,company_id,full_name,home_address\n\
         E1,acme,Jane Roe,\"1 Oak St, Austin, TX 73301\"\n\
         E2,acme,John Poe,\"2 Elm St, Denver, CO 80201\"\n",
    )
    .unwrap();
    std::fs::write(
        input.join("shipments.csv"),
        "shipment_id,company_id,employee_id,device_serial,ship_date,recipient_name,address\n\
         S1,acme,E1,SN1,2026-03-01,Jane Roe,\"c/o Shipito, 1101 Example Ave Suite SH-4432, Torrance, CA 90501\"\n\
         S2,acme,E2,SN2,2026-03-01,John Poe,\"9 Birch Rd, Boulder, CO 80301\"\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    run(&data, &["ingest", input.to_str().unwrap()]);
    run(&data, &["detect"]);
    let cases: serde_json::Value =
        serde_json::from_str(&run(&data, &["cases", "--all", "--json"])).unwrap();
    // A weak finding is shown in the case of each of its subjects: count it once.
    let mut shipping = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for case in cases.as_array().unwrap() {
        let detail: serde_json::Value =
            serde_json::from_str(&run(&data, &["case", &case["id"].to_string(), "--json"]))
                .unwrap();
        for finding in detail["findings"].as_array().unwrap() {
            if finding["detector"] == "shipping_address"
                && seen.insert(finding["key"].as_str().unwrap().to_string())
            {
                shipping.push((
                    finding["weight"].as_f64().unwrap(),
                    finding["severity"].as_str().unwrap().to_string(),
                    finding["reason"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    shipping.sort_by(|a, b| b.0.total_cmp(&a.0));
    assert_eq!(shipping.len(), 2, "{shipping:#?}");
    let (weight, severity, reason) = &shipping[0];
    assert_eq!((*weight, severity.as_str()), (0.35, "medium"));
    assert!(reason.starts_with("The device of Jane Roe"), "{reason}");
    assert!(
        reason.contains("a package or freight forwarder (Shipito)"),
        "{reason}"
    );
    let (weight, severity, reason) = &shipping[1];
    assert_eq!((*weight, severity.as_str()), (0.2, "low"));
    assert!(!reason.contains("forwarder"), "{reason}");
}
