//! The ingest pipeline against a real store: reconciliation, idempotent re-ingest,
//! resuming an interrupted file, and every kind of broken input.

use std::path::{Path, PathBuf};

use unmask_ingest::{ingest, FileOutcome, IngestOptions, IngestReport};
use unmask_store::Store;

const EMPLOYEES: &str = "employee_id,company_id,full_name,email,phone,national_id,home_address\n\
E1,acme,Jane Roe,jane@example.com,(512) 555-0143,123-45-6789,12 Oak St Apt 4\n\
E2,acme,John Poe,john@example.com,512-555-0199,987-65-4321,1 Main Street\n\
E2,acme,John Poe,john@example.com,512-555-0199,987-65-4321,1 Main Street\n\
E3,acme,Broken Row\n";

fn options() -> IngestOptions<'static> {
    IngestOptions {
        format: None,
        org: None,
        progress: false,
        command: "test".to_string(),
    }
}

fn run(store: &mut Store, paths: &[PathBuf]) -> IngestReport {
    ingest(store, paths, &options()).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn counts_reconcile_and_reingest_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "employees.csv", EMPLOYEES.as_bytes());
    let mut store = Store::open(&dir.path().join("data")).unwrap();

    let first = run(&mut store, std::slice::from_ref(&file));
    assert_eq!(first.total.read, 4);
    assert_eq!(first.total.stored, 2);
    assert_eq!(first.total.duplicates, 1, "the repeated row is a duplicate");
    assert_eq!(first.total.quarantined, 1);
    assert!(first.total.reconciles());
    let stats = store.stats().unwrap();
    assert_eq!(stats.records, 2);
    assert_eq!(stats.schemas["Person"], 2);
    let quarantined = store.quarantine(10).unwrap();
    assert_eq!(quarantined.len(), 1);
    assert_eq!(quarantined[0].line, 5);
    assert_eq!(
        quarantined[0].reason,
        "row has 3 fields but the header has 7"
    );
    assert!(quarantined[0].path.ends_with("employees.csv"));

    let second = run(&mut store, &[file]);
    assert_eq!(second.total.stored, 0);
    assert_eq!(second.total.duplicates, 4);
    assert!(
        matches!(second.files[0].outcome, FileOutcome::AlreadyIngested { run_id } if run_id == first.run_id)
    );
    let after = store.stats().unwrap();
    assert_eq!(after.ingest_runs, stats.ingest_runs + 1);
    assert_eq!(
        unmask_store::StoreStats {
            ingest_runs: stats.ingest_runs,
            ..after
        },
        stats,
        "nothing new in the store"
    );
}

#[test]
fn same_records_in_another_file_are_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.csv", EMPLOYEES.as_bytes());
    let mut copy = EMPLOYEES.to_string();
    copy.push_str("E4,acme,New Person,new@example.com,,,\n");
    let b = write(dir.path(), "b.csv", copy.as_bytes());
    let mut store = Store::open(&dir.path().join("data")).unwrap();
    let report = run(&mut store, &[a, b]);
    assert_eq!(report.files[1].counts.stored, 1);
    assert_eq!(report.files[1].counts.duplicates, 3);
    assert!(report.total.reconciles());
    assert_eq!(store.stats().unwrap().schemas["Person"], 3);
}

#[test]
fn broken_files_are_explained_and_do_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    let mut garbage = vec![0u8, 159, 146, 150];
    garbage.extend((0..4000u32).map(|i| (i * 7919 % 251) as u8));
    write(&input, "a_garbage.bin", &garbage);
    write(&input, "b_empty.csv", b"");
    write(
        &input,
        "c_header_only.csv",
        b"employee_id,company_id,full_name\n",
    );
    write(
        &input,
        "d_semicolons.csv",
        b"employee_id;company_id;full_name\nE1;acme;Jane\n",
    );
    let mut bad_utf8 =
        b"employee_id,company_id,full_name\nE1,acme,Jane\nE2,acme,J\xffne\n".to_vec();
    bad_utf8.extend_from_slice(b"E3,acme,Joe\n");
    write(&input, "e_bad_utf8.csv", &bad_utf8);
    let mut huge = b"employee_id,company_id,full_name\nE1,acme,".to_vec();
    huge.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    huge.extend_from_slice(b"\nE2,acme,Short Name\n");
    write(&input, "f_huge_line.csv", &huge);
    write(&input, "g_good.csv", EMPLOYEES.as_bytes());
    let missing = dir.path().join("does-not-exist.csv");

    let mut store = Store::open(&dir.path().join("data")).unwrap();
    let report = run(&mut store, &[input.clone(), missing]);
    let by_name = |name: &str| {
        report
            .files
            .iter()
            .find(|f| f.path.ends_with(name))
            .unwrap_or_else(|| panic!("{name} not in report"))
    };
    let failure = |name: &str| match &by_name(name).outcome {
        FileOutcome::Failed { message } => message.clone(),
        other => panic!("{name}: expected failure, got {other:?}"),
    };
    let garbage_message = failure("a_garbage.bin");
    assert!(
        garbage_message.contains("a_garbage.bin") && garbage_message.contains("binary"),
        "{garbage_message}"
    );
    assert_eq!(by_name("b_empty.csv").outcome, FileOutcome::Empty);
    assert_eq!(by_name("c_header_only.csv").outcome, FileOutcome::Empty);
    let semicolons = failure("d_semicolons.csv");
    assert!(
        semicolons.contains("d_semicolons.csv:1:") && semicolons.contains("';'"),
        "{semicolons}"
    );
    let utf8 = by_name("e_bad_utf8.csv");
    assert_eq!((utf8.counts.stored, utf8.counts.quarantined), (2, 1));
    let huge = by_name("f_huge_line.csv");
    assert_eq!((huge.counts.stored, huge.counts.quarantined), (1, 1));
    assert_eq!(by_name("g_good.csv").counts.stored, 2);
    let missing = failure("does-not-exist.csv");
    assert!(missing.contains("does-not-exist.csv"), "{missing}");
    assert_eq!(report.failed(), 3);
    assert!(report.total.reconciles());

    let reasons: Vec<(String, u64, String)> = store
        .quarantine(100)
        .unwrap()
        .into_iter()
        .map(|q| {
            (
                q.path.rsplit('/').next().unwrap().to_string(),
                q.line,
                q.reason,
            )
        })
        .collect();
    assert!(
        reasons.contains(&(
            "e_bad_utf8.csv".into(),
            3,
            "column full_name is not valid UTF-8 (bad byte at position 1)".into()
        )),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|(file, line, reason)| file == "f_huge_line.csv"
                && *line == 2
                && reason.contains("over the 1048576 byte limit")),
        "{reasons:?}"
    );
}

#[test]
fn records_of_an_earlier_partial_export_are_not_stored_twice() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("employee_id,company_id,full_name\n");
    for i in 0..50_000 {
        text.push_str(&format!("E{i},acme,Person {i}\n"));
    }
    let file = write(dir.path(), "employees.csv", text.as_bytes());

    // Uninterrupted reference.
    let mut reference = Store::open(&dir.path().join("ref")).unwrap();
    run(&mut reference, std::slice::from_ref(&file));
    let expected = reference.stats().unwrap();

    // An earlier export held the first half of the same rows. (The SIGKILL test of
    // the binary covers resuming the very same file.)
    let partial = dir.path().join("partial.csv");
    let cut = text.match_indices('\n').nth(25_000).unwrap().0 + 1;
    std::fs::write(&partial, &text[..cut]).unwrap();
    let mut store = Store::open(&dir.path().join("data")).unwrap();
    {
        let options = IngestOptions {
            format: Some("employees-csv"),
            ..options()
        };
        ingest(&mut store, &[partial], &options).unwrap();
    }
    let resumed = run(&mut store, &[file]);
    assert_eq!(resumed.total.stored, 25_000);
    assert_eq!(resumed.total.duplicates, 25_000);
    let after = store.stats().unwrap();
    assert_eq!(after.records, expected.records);
    assert_eq!(after.entities, expected.entities);
    assert_eq!(after.links, expected.links);
}
