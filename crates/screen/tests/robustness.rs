//! Bad input: empty queries, oversized names, arbitrary Unicode and arbitrary bytes must
//! give clear errors or quarantined records, never a panic.

use proptest::prelude::*;
use unmask_screen::sources::{
    parse_eu_xml, parse_ftm, parse_ofac_csv, parse_ofac_xml, parse_un_xml, OfacCsvInput,
};
use unmask_screen::{
    ListEntity, NameStrength, Options, Query, Schema, ScreenError, ScreeningIndex, MAX_NAME_BYTES,
};

fn small_index() -> ScreeningIndex {
    let mut kim = ListEntity::new("us_ofac_sdn", "20157", Schema::Person);
    kim.add_name("KIM, Jong Un", NameStrength::Primary);
    let mut bank = ListEntity::new("un_sc_sanctions", "KPe.025", Schema::Organization);
    bank.add_name(
        "KOREA KWANGSON BANKING CORPORATION (KKBC)",
        NameStrength::Primary,
    );
    ScreeningIndex::build(vec![kim, bank])
}

#[test]
fn empty_query_is_an_error() {
    let index = small_index();
    for q in [
        Query::default(),
        Query::name(""),
        Query::name("   "),
        Query::name("-- ,. !!"),
        Query::address(""),
    ] {
        assert!(
            matches!(
                index.search(&q, &Options::default()),
                Err(ScreenError::EmptyQuery)
            ),
            "{q:?}"
        );
    }
    let message = index
        .search(&Query::default(), &Options::default())
        .unwrap_err()
        .to_string();
    assert!(message.contains("empty query"), "{message}");
}

#[test]
fn a_100_kb_name_is_rejected_clearly() {
    let index = small_index();
    let name = "KIM Jong Un ".repeat(100 * 1024 / 12);
    let err = index
        .search(&Query::name(name), &Options::default())
        .unwrap_err();
    assert!(matches!(
        err,
        ScreenError::NameTooLong {
            max: MAX_NAME_BYTES,
            ..
        }
    ));
    assert!(
        err.to_string()
            .contains("names longer than 1024 bytes are rejected"),
        "{err}"
    );
}

#[test]
fn bad_birth_date_in_query_is_an_error() {
    assert!(matches!(
        Query::name("Kim").with_birth_date("the eighth of never"),
        Err(ScreenError::InvalidQuery(_))
    ));
}

#[test]
fn order_initials_and_suffixes() {
    let index = small_index();
    let opts = Options::default();
    for q in [
        "Jong-Un KIM",
        "kim jongun",
        "KIM JONG-UN",
        "Kim Jŏng-ŭn",
        "Korea Kwangson Banking Corp.",
        "KOREA KWANGSON BANKING CO., LTD.",
    ] {
        let hits = index.search(&Query::name(q), &opts).expect("search");
        assert!(!hits.is_empty(), "{q} should match");
    }
    assert!(index
        .search(&Query::name("KIM Jong Sik"), &opts)
        .expect("search")
        .is_empty());
    assert!(index
        .search(&Query::name("PAK Jong Un"), &opts)
        .expect("search")
        .is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_unicode_query_never_panics(name in "\\PC{0,80}", extra in proptest::collection::vec(any::<char>(), 0..40)) {
        let index = small_index();
        let mut name = name;
        name.extend(extra);
        let _ = index.search(&Query::name(name.clone()), &Options::default());
        let _ = index.search(&Query::address(name.clone()).with_identifier(name), &Options::default());
    }

    #[test]
    fn a_name_and_its_respelling_match(given in prop::sample::select(vec!["Jong Un", "Yong Chol", "Kwang Il", "Song Hui", "Chol Su"]), surname in prop::sample::select(vec![("Ri", "Lee"), ("Pak", "Park"), ("Choe", "Choi"), ("Kim", "Gim"), ("Jong", "Jeong"), ("Rim", "Lim")])) {
        let mut person = ListEntity::new("t", "1", Schema::Person);
        person.add_name(&format!("{}, {given}", surname.0.to_uppercase()), NameStrength::Primary);
        let index = ScreeningIndex::build(vec![person]);
        let joined = given.replace(' ', "").to_lowercase();
        let query = format!("{} {joined}", surname.1);
        let hits = index.search(&Query::name(query), &Options::default()).unwrap();
        prop_assert_eq!(hits.len(), 1);
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = parse_ofac_csv(OfacCsvInput { sdn: &bytes, alt: Some(&bytes), add: Some(&bytes), comments: Some(&bytes) }, "t");
        let _ = parse_ofac_xml(&bytes, "t");
        let _ = parse_un_xml(&bytes, "t");
        let _ = parse_eu_xml(&bytes, "t");
        let _ = parse_ftm(&bytes, "t");
        let _ = unmask_screen::sniff("x", &bytes);
    }

    #[test]
    fn xml_parsers_never_panic_on_mangled_xml(cut in 0usize..2000, junk in "[<>&/a-z\"= ]{0,30}") {
        let base = "<?xml version=\"1.0\"?><CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>RI</FIRST_NAME><REFERENCE_NUMBER>KPi.1</REFERENCE_NUMBER><INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1950</FROM_YEAR><TO_YEAR>x</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>";
        let at = cut.min(base.len());
        let mangled = format!("{}{junk}{}", &base[..at], &base[at..]);
        let _ = parse_un_xml(mangled.as_bytes(), "t");
        let _ = parse_ofac_xml(mangled.as_bytes(), "t");
        let _ = parse_eu_xml(mangled.as_bytes(), "t");
    }
}
