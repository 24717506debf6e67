//! Shared loaders for the integration tests: the real lists under `testdata/`.
#![allow(dead_code)]

pub mod generate;

use unmask_screen::sources::{
    chain_from_file_name, parse_crypto_list, parse_ofac_csv, parse_un_xml, OfacCsvInput,
    CRYPTO_LIST, OFAC_LIST, UN_LIST,
};
use unmask_screen::{ListEntity, ParseOutput, ScreeningIndex};

pub fn testdata(path: &str) -> Vec<u8> {
    let full = format!("{}/testdata/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("reading {full}: {e}"))
}

pub fn ofac() -> ParseOutput {
    let sdn = testdata("ofac_sdn_2021/sdn.csv");
    let alt = testdata("ofac_sdn_2021/alt.csv");
    let add = testdata("ofac_sdn_2021/add.csv");
    let comments = testdata("ofac_sdn_2021/sdn_comments.csv");
    parse_ofac_csv(
        OfacCsvInput {
            sdn: &sdn,
            alt: Some(&alt),
            add: Some(&add),
            comments: Some(&comments),
        },
        OFAC_LIST,
    )
}

pub fn un() -> ParseOutput {
    parse_un_xml(&testdata("un_consolidated.xml"), UN_LIST).expect("UN list parses")
}

pub fn crypto_files() -> Vec<(String, Vec<u8>)> {
    let dir = format!(
        "{}/testdata/ofac_crypto_addresses",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("crypto dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("sanctioned_addresses_"))
        .map(|n| {
            let data = std::fs::read(format!("{dir}/{n}")).expect("read");
            (n, data)
        })
        .collect();
    files.sort();
    files
}

pub fn crypto() -> Vec<ListEntity> {
    let mut out = Vec::new();
    for (name, data) in crypto_files() {
        let chain = chain_from_file_name(&name).expect("chain in file name");
        out.extend(parse_crypto_list(&data, &chain, CRYPTO_LIST).entities);
    }
    out
}

pub fn all_entities() -> Vec<ListEntity> {
    let mut all = ofac().entities;
    all.extend(un().entities);
    all.extend(crypto());
    all
}

pub fn index() -> ScreeningIndex {
    ScreeningIndex::build(all_entities())
}

pub fn is_dprk(e: &ListEntity) -> bool {
    e.programs.iter().any(|p| p.contains("DPRK"))
        || e.id.starts_with("KPi")
        || e.id.starts_with("KPe")
}
