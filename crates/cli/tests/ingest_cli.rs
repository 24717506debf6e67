//! The real binary on hand-written and broken files, and an ingest killed with SIGKILL.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

fn unmask(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unmask"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("run unmask")
}

fn stats(data: &Path) -> serde_json::Value {
    let output = unmask(data, &["stats", "--json"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn broken_files_are_named_with_their_line_and_the_rest_is_ingested() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("garbage.bin"), [0u8, 1, 2, 255, 254, 0, 7]).unwrap();
    std::fs::write(
        input.join("semicolon.csv"),
        "employee_id;company_id;full_name\nE1;acme;Jane\n",
    )
    .unwrap();
    std::fs::write(
        input.join("employees.csv"),
        "employee_id,company_id,full_name\nE1,acme,Jane Roe\nE2,acme\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    let output = unmask(&data, &["ingest", input.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("garbage.bin: unknown format"), "{stderr}");
    assert!(
        stderr.contains("semicolon.csv:1: the header is separated by ';'"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stdout.contains("read 2 = stored 1 + duplicates 0 + quarantined 1  [reconciled]"),
        "{stdout}"
    );
    let quarantine = unmask(&data, &["quarantine"]);
    let listed = String::from_utf8_lossy(&quarantine.stdout);
    assert!(
        listed.contains("employees.csv:3: row has 2 fields but the header has 3"),
        "{listed}"
    );
}

#[test]
fn an_unknown_forced_format_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = unmask(dir.path(), &["ingest", "--format", "nope", "x.csv"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown format \"nope\""), "{stderr}");
}

/// Kills `unmask ingest` part way with SIGKILL, re-runs it, and checks the store
/// ends exactly as after an uninterrupted run.
#[test]
#[cfg(unix)]
fn sigkill_mid_ingest_then_rerun_gives_the_uninterrupted_result() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("employees.csv");
    let mut text = String::from("employee_id,company_id,full_name,phone,home_address\n");
    for i in 0..200_000 {
        text.push_str(&format!(
            "E{i},acme,Person {i},512555{:04},{i} Oak St\n",
            i % 10_000
        ));
    }
    std::fs::write(&file, text).unwrap();
    let file_arg = file.to_str().unwrap();

    let reference = dir.path().join("reference");
    let output = unmask(&reference, &["ingest", file_arg]);
    assert!(output.status.success());
    let expected = stats(&reference);
    assert_eq!(expected["records"], 200_000);

    // Kill as soon as the store shows committed records while the ingest is still
    // running: whatever the machine's speed, the kill lands part way.
    let data = dir.path().join("data");
    let mut interrupted = false;
    for _attempt in 0..5 {
        let _ = std::fs::remove_dir_all(&data);
        let mut child = Command::new(env!("CARGO_BIN_EXE_unmask"))
            .arg("--data-dir")
            .arg(&data)
            .args(["ingest", file_arg])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut partial = 0;
        while child.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_millis(10));
            if !data.join("unmask.sqlite").exists() {
                continue;
            }
            let records = stats(&data)["records"].as_u64().unwrap_or(0);
            if records > 0 && records < 200_000 {
                partial = records;
                break;
            }
        }
        let _ = child.kill(); // SIGKILL on unix
        let _ = child.wait();
        if partial > 0 && stats(&data)["records"].as_u64().unwrap() < 200_000 {
            interrupted = true;
            break;
        }
    }
    assert!(interrupted, "could not kill the ingest part way");

    let output = unmask(&data, &["ingest", file_arg]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("[reconciled]"), "{stdout}");
    let after = stats(&data);
    for key in [
        "records",
        "entities",
        "entity_properties",
        "links",
        "quarantined",
    ] {
        assert_eq!(after[key], expected[key], "{key} differs after resuming");
    }
    // And the file now counts as complete: a third run stores nothing.
    let again = unmask(&data, &["ingest", file_arg]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        stdout.contains("read 200000 = stored 0 + duplicates 200000"),
        "{stdout}"
    );
}

#[test]
fn truncated_json_keeps_the_whole_records_and_quarantines_the_cut_one() {
    let dir = tempfile::tempdir().unwrap();
    let event = |uuid: &str, minute: u32| {
        format!(
            r#"{{"uuid":"{uuid}","published":"2026-10-05T14:{minute:02}:00.000Z","eventType":"user.session.start","actor":{{"id":"00u1","type":"User","alternateId":"jane@example.com","displayName":"Jane Roe"}},"client":{{"ipAddress":"73.12.90.90"}},"outcome":{{"result":"SUCCESS"}}}}"#
        )
    };
    let mut text = format!("{}\n{}\n", event("a-1", 1), event("a-2", 2));
    let cut = event("a-3", 3);
    text.push_str(&cut[..cut.len() / 2]);
    let file = dir.path().join("okta.ndjson");
    std::fs::write(&file, text).unwrap();
    let data = dir.path().join("data");
    let output = unmask(&data, &["ingest", file.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("okta-system-log"), "{stdout}");
    assert!(
        stdout.contains("read 3 = stored 2 + duplicates 0 + quarantined 1"),
        "{stdout}"
    );
    let listed = unmask(&data, &["quarantine"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains("okta.ndjson:3:") && listed.contains("truncated JSON"),
        "{listed}"
    );
}
