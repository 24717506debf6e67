//! Ingest of the real sanctions lists (crates/screen/testdata: OFAC SDN 2021 legacy CSV,
//! UN consolidated list 2026, OFAC crypto-address lists): entity counts, reconciliation of
//! every row, quarantine reasons, and list entries meeting payroll on one wallet entity.

use std::path::{Path, PathBuf};

use unmask_ingest::{ingest, IngestOptions};
use unmask_store::Store;

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../screen/testdata")
        .join(rel)
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn options() -> IngestOptions<'static> {
    IngestOptions {
        format: None,
        org: None,
        progress: false,
        command: "test".into(),
    }
}

#[test]
fn ofac_release_and_un_list_load_with_every_row_accounted_for() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let report = ingest(
        &mut store,
        &[testdata("ofac_sdn_2021"), testdata("un_consolidated.xml")],
        &options(),
    )
    .unwrap();
    assert_eq!(report.failed(), 0, "{:#?}", report.files);
    for file in &report.files {
        assert!(file.counts.reconciles(), "{file:?}");
    }
    let format_of = |name: &str| {
        report
            .files
            .iter()
            .find(|f| f.path.ends_with(name))
            .and_then(|f| f.format.clone())
    };
    assert_eq!(format_of("/sdn.csv").as_deref(), Some("ofac-sdn-csv"));
    assert_eq!(format_of("alt.csv").as_deref(), Some("ofac-sdn-csv-part"));
    assert_eq!(
        format_of("un_consolidated.xml").as_deref(),
        Some("un-consolidated-xml")
    );
    // Every row of the four files was read: 8,976 + 11,910 + 13,837 + 5 lines.
    let read: u64 = report
        .files
        .iter()
        .filter(|f| f.path.contains("ofac_sdn_2021"))
        .map(|f| f.counts.read)
        .sum();
    assert!(read >= 34_000, "{read}");
    let ofac = count(
        &store,
        "SELECT COUNT(*) FROM entities WHERE id LIKE 'sanction:us_ofac_sdn:%'",
    );
    assert!((8_900..=8_976).contains(&ofac), "{ofac}");
    let un = count(
        &store,
        "SELECT COUNT(*) FROM entities WHERE id LIKE 'sanction:un_sc_sanctions:%'",
    );
    assert_eq!(un, 1003);
    let kim = store.entity("sanction:us_ofac_sdn:20157").unwrap();
    assert_eq!(kim.schema, "Person");
    assert_eq!(kim.first("name"), Some("KIM, Jong Un"));
    assert!(kim.properties["birthDate"].contains(&"1984-01-08".to_string()));
    // An alias row of alt.csv is a record of its own file pointing at its entry.
    let alt_records = count(
        &store,
        "SELECT COUNT(*) FROM records r JOIN source_files f ON f.id = r.file_id WHERE f.path LIKE '%alt.csv'",
    );
    assert!(alt_records > 11_000, "{alt_records}");
    // DPRK entries of the UN list keep their KPi./KPe. references and programs.
    let dprk_un = count(
        &store,
        "SELECT COUNT(*) FROM entities WHERE id LIKE 'sanction:un_sc_sanctions:KP%'",
    );
    assert_eq!(dprk_un, 155);
}

#[test]
fn malformed_list_rows_are_quarantined_with_file_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let lists = dir.path().join("lists");
    std::fs::create_dir(&lists).unwrap();
    let sdn = std::fs::read_to_string(testdata("ofac_sdn_2021/sdn.csv")).unwrap();
    let mut head: String = sdn.lines().take(50).collect::<Vec<_>>().join("\n");
    head.push_str("\n12345,\"BROKEN, Row\",\"individual\"\n");
    std::fs::write(lists.join("sdn.csv"), head).unwrap();
    std::fs::write(
        lists.join("un.xml"),
        "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><REFERENCE_NUMBER>KPi.999</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n",
    )
    .unwrap();
    let mut store = Store::open(&dir.path().join("store")).unwrap();
    let report = ingest(&mut store, &[lists], &options()).unwrap();
    assert_eq!(report.failed(), 0, "{:#?}", report.files);
    let quarantined = store.quarantine(10).unwrap();
    let sdn_row = quarantined
        .iter()
        .find(|q| q.path.ends_with("sdn.csv"))
        .expect("sdn.csv row quarantined");
    assert_eq!(sdn_row.line, 51);
    assert!(
        sdn_row.reason.contains("expected 12 columns, found 3"),
        "{}",
        sdn_row.reason
    );
    let un_row = quarantined
        .iter()
        .find(|q| q.path.ends_with("un.xml"))
        .expect("UN record quarantined");
    assert!(un_row.reason.contains("name"), "{}", un_row.reason);
}
