//! `unmask screen` on the real lists (OFAC SDN 2021 legacy CSV, UN 2026, OFAC ETH address
//! list from crates/screen/testdata), through the binary: ranking, address lookup in
//! another letter case, batch output, and clear errors for unusable queries.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn unmask(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unmask"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../screen/testdata")
        .join(rel)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn screening_the_real_lists_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let ofac = testdata("ofac_sdn_2021");
    let un = testdata("un_consolidated.xml");
    let eth = testdata("ofac_crypto_addresses/sanctioned_addresses_ETH.txt");
    let ingest = unmask(
        &data,
        &[
            "ingest",
            ofac.to_str().unwrap(),
            un.to_str().unwrap(),
            eth.to_str().unwrap(),
        ],
    );
    assert!(ingest.status.success(), "{}", text(&ingest.stderr));

    // KIM Jong Un with his birth date: the OFAC entry first, at most one other above 0.7.
    let out = unmask(
        &data,
        &[
            "screen",
            "KIM Jong Un",
            "--birth-date",
            "1984-01-08",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = json["results"].as_array().unwrap();
    assert_eq!(results[0]["id"], "sanction:us_ofac_sdn:20157");
    assert_eq!(results[0]["list"], "us_ofac_sdn");
    assert!(results[0]["programs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p.as_str().unwrap().starts_with("DPRK")));
    assert!(results[0]["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["feature"] == "birth_date"));
    assert!(results.len() <= 2, "{results:#?}");

    // An OFAC wallet written in upper case is found (EVM addresses ignore case).
    let out = unmask(
        &data,
        &[
            "screen",
            "--address",
            "0X01E2919679362DFBC9EE1644BA9C6DA6D6245BB1",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["results"][0]["id"],
        "sanction:us_ofac_crypto:ETH:0x01e2919679362dFBC9ee1644Ba9C6da6D6245BB1"
    );
    assert_eq!(json["results"][0]["score"], 1.0);

    // Batch: one JSON line per row, in order, errors inline.
    let csv = dir.path().join("batch.csv");
    std::fs::write(
        &csv,
        "id,name,schema,birth_date,country\n1,Ri Je Son,Person,,\n2,Jane Q Public,Person,,US\n3,Kim Jong Un,Person,not a date,\n",
    )
    .unwrap();
    let out = unmask(&data, &["screen", "--batch", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], "1");
    assert!(!lines[0]["results"].as_array().unwrap().is_empty());
    assert!(lines[1]["results"].as_array().unwrap().is_empty());
    assert!(lines[2]["error"].as_str().unwrap().contains("birth date"));

    // Nothing found: exit 1, no error.
    let out = unmask(&data, &["screen", "Zzyzx Qwerty"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}

#[test]
fn unusable_queries_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = unmask(&data, &["screen", ""]);
    assert_eq!(out.status.code(), Some(2));
    let huge = "A".repeat(100 * 1024);
    let out = unmask(&data, &["screen", &huge]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("names longer than"),
        "{}",
        text(&out.stderr)
    );
    // No list ingested: say so.
    let out = unmask(&data, &["screen", "Kim Jong Un"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no sanctions list"),
        "{}",
        text(&out.stderr)
    );
}
