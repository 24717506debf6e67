//! The whole pipeline on the simulator's tiny world: ingest reconciles and is
//! idempotent, and detection finds the DPRK operation and none of the look-alikes.

use std::path::Path;
use std::process::{Command, Output};

fn unmask(data: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_unmask"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("run unmask");
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "unmask {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn json_file(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("JSON output")
}

#[test]
fn tiny_world_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("w");
    let data = dir.path().join("data");
    let world_arg = world.to_str().unwrap();
    unmask(
        &data,
        &[
            "simulate", "--scale", "tiny", "--seed", "7", "--out", world_arg,
        ],
    );
    assert!(world.join("truth.json").exists());

    // First ingest: every record accounted for, nothing from truth.json.
    let first = json(&unmask(&data, &["ingest", "--json", world_arg]));
    let total = &first["total"];
    let read = total["read"].as_u64().unwrap();
    let parts = ["stored", "duplicates", "quarantined"].map(|k| total[k].as_u64().unwrap());
    assert!(read > 1_000, "{total}");
    assert_eq!(read, parts.iter().sum::<u64>(), "{total}");
    let files = first["files"].as_array().unwrap();
    assert!(files
        .iter()
        .all(|f| !f["path"].as_str().unwrap().ends_with("truth.json")));
    let hr: Vec<_> = files
        .iter()
        .filter(|f| f["path"].as_str().unwrap().contains("/hr/"))
        .collect();
    assert_eq!(
        hr.len(),
        5,
        "employees, applicants, payroll, shipments, devices"
    );
    for file in hr {
        assert_eq!(file["outcome"], "ingested", "{file}");
        assert_eq!(file["counts"]["quarantined"], 0, "{file}");
    }

    // Second ingest: nothing new.
    let second = json(&unmask(&data, &["ingest", "--json", world_arg]));
    assert_eq!(second["total"]["stored"], 0, "{}", second["total"]);
    assert_eq!(
        second["total"]["duplicates"],
        first["total"]["read"].as_u64().unwrap() - parts[2]
    );

    // Detection against the truth.
    unmask(&data, &["detect"]);
    let truth = world.join("truth.json");
    let quality = json(&unmask(
        &data,
        &["evaluate", "--json", truth.to_str().unwrap()],
    ));
    assert_eq!(quality["recall"], 1.0, "{quality:#}");
    assert!(quality["precision"].as_f64().unwrap() >= 0.9, "{quality:#}");
    assert_eq!(
        quality["farms_found_whole"],
        quality["farms"].as_array().unwrap().len(),
        "{quality:#}"
    );
    for (kind, flagged) in quality["lookalikes_flagged"].as_object().unwrap() {
        assert!(
            flagged.as_array().unwrap().is_empty(),
            "look-alike {kind} flagged: {flagged}"
        );
    }
    assert!(
        quality["thin_explanations"].as_array().unwrap().is_empty(),
        "{quality:#}"
    );
    // The operators' further applications under other names are caught with them;
    // honest candidates who applied twice as themselves are not.
    let applicants = quality["dprk_applicants"].as_u64().unwrap();
    assert!(applicants > 0, "{quality:#}");
    assert_eq!(
        quality["dprk_applicants_flagged"], applicants,
        "{quality:#}"
    );
    assert!(quality["lookalikes_flagged"]["reapplicant"]
        .as_array()
        .is_some_and(|flagged| flagged.is_empty()));

    // The top case explains itself with evidence and sources.
    let cases = json(&unmask(&data, &["cases", "--json"]));
    let top = &cases[0];
    assert!(top["score"].as_f64().unwrap() >= 0.9, "{top:#}");
    let reasons: Vec<&str> = top["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("Possible laptop farm")),
        "{reasons:?}"
    );
    let sourced = top["findings"][0]["evidence"][0]["source"]
        .as_str()
        .unwrap();
    assert!(
        [".csv:", ".ndjson:", ".json:"]
            .iter()
            .any(|kind| sourced.contains(kind)),
        "{sourced}"
    );
    // The workers' designated payout wallets are caught by sanctions screening, in
    // cases above the threshold.
    let wallets = json_file(&truth)["sanctioned_wallets"].clone();
    assert!(!wallets.as_array().unwrap().is_empty());
    let screened: Vec<&str> = cases
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|case| case["findings"].as_array().unwrap())
        .filter(|f| f["detector"] == "sanctions_screening")
        .map(|f| f["reason"].as_str().unwrap())
        .collect();
    for wallet in wallets.as_array().unwrap() {
        let address = wallet["address"].as_str().unwrap();
        let entry = wallet["list_id"].as_str().unwrap();
        assert!(
            screened
                .iter()
                .any(|r| r.contains(address) && r.contains(entry)),
            "{address} not screened: {screened:#?}"
        );
    }
    let subjects = top["subjects"].as_array().unwrap();
    assert!(subjects
        .iter()
        .any(|s| s["employee_id"].is_string() && s["company_id"].is_string()));

    // Dismissing the top finding lowers the score on the next detect.
    let case_id = top["id"].as_i64().unwrap().to_string();
    let key = top["findings"][0]["key"].as_str().unwrap();
    unmask(
        &data,
        &[
            "case",
            &case_id,
            "--dismiss",
            "--finding",
            key,
            "--reason",
            "test",
            "--by",
            "tester",
        ],
    );
    unmask(&data, &["detect"]);
    let after = json(&unmask(&data, &["case", &case_id, "--json"]));
    let dismissed = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key)
        .unwrap();
    assert_eq!(dismissed["dismissed"], true);
    assert_eq!(after["decisions"][0]["decided_by"], "tester");
}

#[test]
fn demo_runs_and_writes_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let output = Command::new(env!("CARGO_BIN_EXE_unmask"))
        .args(["demo", "--dir", demo.to_str().unwrap(), "--scale", "tiny"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("[reconciled]"), "{stdout}");
    assert!(stdout.contains("Possible laptop farm"), "{stdout}");
    let report = std::fs::read_to_string(demo.join("report.html")).unwrap();
    assert!(report.contains("Possible laptop farm"));
    assert!(
        report.contains("hr/shipments.csv:"),
        "evidence cites its source lines"
    );
    assert!(!report.contains("<script"));
}
