//! Entra sign-ins name no network operator, only its autonomous system number: a
//! hosting provider listed by ASN in egress.tsv (M247, AS9009) is still recognised
//! as VPN/hosting egress; an unlisted residential ASN is not.

use std::fmt::Write as _;
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
fn entra_sign_ins_through_a_hosting_asn_are_vpn_egress() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(
        input.join("employees.csv"),
        "employee_id,company_id,full_name,email,claimed_country\n\
         E1,acme,Jane Roe,jane@acme.example,US\n\
         E2,acme,John Poe,john@acme.example,US\n",
    )
    .unwrap();
    let mut log = String::new();
    for n in 0..10 {
        for (user, ip, asn) in [
            ("jane@acme.example", "5.8.10.20", 9009),
            ("john@acme.example", "99.33.1.2", 7018),
        ] {
            writeln!(
                log,
                r#"{{"id":"{user}-{n}","createdDateTime":"2026-10-0{}T1{n}:00:00Z","userPrincipalName":"{user}","ipAddress":"{ip}","autonomousSystemNumber":{asn},"status":{{"errorCode":0}},"location":{{"city":"Dallas","countryOrRegion":"US"}},"isInteractive":true}}"#,
                1 + n % 5
            )
            .unwrap();
        }
    }
    std::fs::write(input.join("signins.json"), log).unwrap();
    let data = dir.path().join("data");
    let ingest = run(&data, &["ingest", input.to_str().unwrap()]);
    assert!(ingest.contains("entra-signins"), "{ingest}");
    run(&data, &["detect"]);
    let cases: serde_json::Value =
        serde_json::from_str(&run(&data, &["cases", "--all", "--json"])).unwrap();
    let mut vpn = Vec::new();
    for case in cases.as_array().unwrap() {
        let detail: serde_json::Value =
            serde_json::from_str(&run(&data, &["case", &case["id"].to_string(), "--json"]))
                .unwrap();
        for finding in detail["findings"].as_array().unwrap() {
            if finding["detector"] == "vpn_egress" {
                vpn.push(finding.clone());
            }
        }
    }
    assert_eq!(vpn.len(), 1, "{vpn:#?}");
    let finding = &vpn[0];
    assert_eq!(finding["key"], "vpn_egress:vpn:person:acme:E1");
    let reason = finding["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("100% of Jane Roe (acme/E1)'s sign-ins"),
        "{reason}"
    );
    assert!(reason.contains("(M247)"), "{reason}");
    let note = finding["evidence"][0]["note"].as_str().unwrap();
    assert!(note.contains("from 5.8.10.20 (AS9009)"), "{note}");
}
