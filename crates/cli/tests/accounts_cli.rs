//! `unmask user`, `token`, `audit` and `report --format` through the real binary:
//! one-time passwords, tokens shown once and revocable, every change and export in the
//! audit log, STIX and FtM exports of a demo case.

use std::process::{Command, Output};

#[path = "../../server/tests/support/exports_check.rs"]
mod exports_check;

use exports_check::{check_ftm, check_stix};

fn unmask(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unmask"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn users_tokens_and_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let added = stdout(&unmask(&data, &["user", "add", "alice", "--role", "admin"]));
    assert!(added.contains("one-time password: "), "{added}");
    assert!(!unmask(&data, &["user", "add", "alice"]).status.success());
    assert!(!unmask(&data, &["user", "add", "bob", "--role", "root"])
        .status
        .success());
    let listed = stdout(&unmask(&data, &["user", "list"]));
    assert!(listed.contains("alice") && listed.contains("admin"));
    // Role changes and disabling keep one enabled admin.
    stdout(&unmask(&data, &["user", "add", "carl", "--role", "viewer"]));
    let refused = unmask(&data, &["user", "role", "alice", "viewer"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("last enabled admin"));
    assert!(!unmask(&data, &["user", "disable", "alice"])
        .status
        .success());
    assert_eq!(
        stdout(&unmask(&data, &["user", "role", "carl", "analyst"])).trim(),
        "carl: viewer -> analyst"
    );
    stdout(&unmask(&data, &["user", "disable", "carl"]));
    let listed = stdout(&unmask(&data, &["user", "list"]));
    let carl = listed.lines().find(|l| l.starts_with("carl ")).unwrap();
    assert!(
        carl.contains("analyst")
            && carl.contains("disabled")
            && carl.contains("last sign-in never"),
        "{carl}"
    );
    stdout(&unmask(&data, &["user", "enable", "carl"]));
    assert!(stdout(&unmask(&data, &["user", "list"]))
        .lines()
        .any(|l| l.starts_with("carl ") && l.contains("active")));
    let token = stdout(&unmask(&data, &["token", "add", "alice", "--label", "ci"]));
    let secret = token
        .split_whitespace()
        .find(|word| word.starts_with("umk_"))
        .unwrap()
        .to_string();
    let tokens = stdout(&unmask(&data, &["token", "list"]));
    assert!(tokens.contains("ci") && tokens.contains("active"));
    assert!(!tokens.contains(&secret), "a token secret was listed");
    stdout(&unmask(&data, &["token", "revoke", "1"]));
    assert!(stdout(&unmask(&data, &["token", "list"])).contains("revoked"));
    assert!(!unmask(&data, &["token", "revoke", "99"]).status.success());
    let audit = stdout(&unmask(&data, &["audit", "--json"]));
    let actions: Vec<String> = audit
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            value["action"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(
        actions,
        [
            "user.add",
            "user.add",
            "user.role",
            "user.disable",
            "user.enable",
            "token.add",
            "token.revoke"
        ]
    );
    assert!(!audit.contains(&secret), "a token secret in the audit log");
    assert!(stdout(&unmask(&data, &["audit", "--since", "2999"])).is_empty());
}

#[test]
fn report_formats_export_a_case_and_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let built = Command::new(env!("CARGO_BIN_EXE_unmask"))
        .args(["demo", "--dir", demo.to_str().unwrap(), "--scale", "tiny"])
        .output()
        .unwrap();
    assert!(built.status.success());
    let data = demo.join("data");
    let stix = stdout(&unmask(&data, &["report", "1", "--format", "stix"]));
    let bundle: serde_json::Value = serde_json::from_str(&stix).unwrap();
    check_stix(&bundle);
    let objects = bundle["objects"].as_array().unwrap();
    assert!(objects.iter().any(|o| o["type"] == "identity"));
    assert!(objects.iter().any(|o| o["type"] == "report"));
    // The peel-chain case: its wallets as the custom SCO, with the extension definition.
    let stix = stdout(&unmask(&data, &["report", "3", "--format", "stix"]));
    let bundle: serde_json::Value = serde_json::from_str(&stix).unwrap();
    check_stix(&bundle);
    let objects = bundle["objects"].as_array().unwrap();
    let wallets: Vec<&serde_json::Value> = objects
        .iter()
        .filter(|o| o["type"] == "x-unmask-crypto-wallet")
        .collect();
    assert!(wallets.len() >= 4, "{stix}");
    for wallet in &wallets {
        let address = wallet["address"].as_str().unwrap();
        let pattern = format!("[x-unmask-crypto-wallet:address = '{address}']");
        assert!(
            objects
                .iter()
                .any(|o| o["type"] == "indicator" && o["pattern"] == pattern),
            "no indicator for {address}"
        );
    }
    assert_eq!(
        objects
            .iter()
            .filter(|o| o["type"] == "extension-definition")
            .count(),
        1
    );
    // Two laptop-farm cases (people, their homes, payroll, employers) and a peel chain
    // (wallets seen only in transfers).
    for (case, expected) in [
        (
            "1",
            &["Person", "Address", "Payment", "Organization", "Employment"][..],
        ),
        ("2", &["Person", "Address", "Payment", "Organization"][..]),
        ("3", &["CryptoWallet"][..]),
    ] {
        let ftm = stdout(&unmask(&data, &["report", case, "--format", "ftm"]));
        let schemata = check_ftm(&ftm);
        for schema in expected {
            assert!(
                schemata.contains(*schema),
                "case {case}: no {schema} in {schemata:?}"
            );
        }
        let again = stdout(&unmask(&data, &["report", case, "--format", "ftm"]));
        assert_eq!(ftm, again, "FtM ids and lines are stable");
    }
    let json = stdout(&unmask(&data, &["report", "1", "--format", "json"]));
    assert!(serde_json::from_str::<serde_json::Value>(&json).unwrap()["findings"].is_array());
    assert!(!unmask(&data, &["report", "1", "--format", "docx"])
        .status
        .success());
    if unmask_server::exports::chromium().is_some() {
        let pdf = dir.path().join("case.pdf");
        stdout(&unmask(
            &data,
            &[
                "report",
                "1",
                "--format",
                "pdf",
                "--out",
                pdf.to_str().unwrap(),
            ],
        ));
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(
            bytes.starts_with(b"%PDF") && bytes.len() > 5_000,
            "not a PDF"
        );
    } else {
        eprintln!("SKIPPED the PDF check: chromium is not installed");
    }
    let out = dir.path().join("case.html");
    stdout(&unmask(
        &data,
        &["report", "1", "--out", out.to_str().unwrap()],
    ));
    assert!(std::fs::read_to_string(&out).unwrap().contains("<html"));
    stdout(&unmask(&data, &["case", "1", "--json"]));
    stdout(&unmask(
        &data,
        &["case", "1", "--dismiss", "--reason", "checked with HR"],
    ));
    let audit = stdout(&unmask(&data, &["audit"]));
    for action in ["case.view", "case.dismissed"] {
        assert!(audit.contains(action), "{action} missing:\n{audit}");
    }
    for action in ["export.stix", "export.ftm", "export.json", "export.html"] {
        // export.pdf is checked only where Chromium printed one.
        assert!(audit.contains(action), "{action} missing:\n{audit}");
    }
}
