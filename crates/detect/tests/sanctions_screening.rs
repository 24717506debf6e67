//! The screening detector on an organisation's HR and payroll exports plus the real OFAC
//! lists: a payroll wallet on OFAC's crypto list, and an employee with a listed person's
//! name and birth date, become findings naming both sides; a look-alike does not.

use std::path::Path;

use unmask_detect::detectors::SanctionsScreening;
use unmask_detect::Detector;
use unmask_ingest::{ingest, IngestOptions};
use unmask_store::Store;

fn testdata(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../screen/testdata")
        .join(rel)
}

#[test]
fn payroll_wallet_on_the_ofac_list_and_a_listed_employee_are_findings() {
    let dir = tempfile::tempdir().unwrap();
    let hr = dir.path().join("hr");
    let lists = dir.path().join("lists");
    std::fs::create_dir_all(&hr).unwrap();
    std::fs::create_dir_all(lists.join("ofac")).unwrap();
    for name in ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"] {
        std::fs::copy(
            testdata(&format!("ofac_sdn_2021/{name}")),
            lists.join("ofac").join(name),
        )
        .unwrap();
    }
    std::fs::copy(
        testdata("ofac_crypto_addresses/sanctioned_addresses_ETH.txt"),
        lists.join("sanctioned_addresses_ETH.txt"),
    )
    .unwrap();
    std::fs::write(
        hr.join("employees.csv"),
        "employee_id,company_id,full_name,date_of_birth,claimed_country\n\
         E1,acme,Jong-un Kim,1984-01-08,US\n\
         E2,acme,Jane Miller,1990-02-03,US\n\
         E3,acme,Kim Jong Sik,1970-05-05,US\n",
    )
    .unwrap();
    std::fs::write(
        hr.join("payroll.csv"),
        "employee_id,company_id,pay_date,amount,currency,method,account,account_country\n\
         E2,acme,2026-01-31,5000.00,USD,crypto,0x01E2919679362DFBC9EE1644BA9C6DA6D6245BB1,US\n",
    )
    .unwrap();
    let mut store = Store::open(&dir.path().join("store")).unwrap();
    let report = ingest(
        &mut store,
        &[hr, lists],
        &IngestOptions {
            format: None,
            org: None,
            progress: false,
            command: "test".into(),
        },
    )
    .unwrap();
    assert_eq!(report.failed(), 0, "{:#?}", report.files);

    let findings = SanctionsScreening.run(&store).unwrap();
    let wallet = "wallet:0x01e2919679362dfbc9ee1644ba9c6da6d6245bb1";
    let hit = findings
        .iter()
        .find(|f| f.subjects[0] == wallet)
        .expect("payroll wallet screened");
    assert!(
        hit.subjects
            .iter()
            .any(|s| s.starts_with("sanction:us_ofac_crypto:ETH:")),
        "{hit:?}"
    );
    assert!(hit.subjects.contains(&"person:acme:E2".to_string()));
    assert_eq!(hit.weight, 0.9);
    assert!(hit.evidence[0].record_id.is_some());

    let kim = findings
        .iter()
        .find(|f| f.subjects[0] == "person:acme:E1")
        .expect("listed employee screened");
    assert_eq!(kim.subjects[1], "sanction:us_ofac_sdn:20157");
    assert!(kim.weight >= 0.75, "{kim:?}");
    assert!(
        kim.evidence[0].note.contains("birth_date"),
        "{}",
        kim.evidence[0].note
    );

    let sik: Vec<_> = findings
        .iter()
        .filter(|f| f.subjects[0] == "person:acme:E3")
        .flat_map(|f| f.subjects.clone())
        .collect();
    assert!(
        !sik.contains(&"sanction:us_ofac_sdn:20157".to_string()),
        "{sik:?}"
    );
    assert!(!findings.iter().any(|f| f.subjects[0] == "person:acme:E2"));
}
