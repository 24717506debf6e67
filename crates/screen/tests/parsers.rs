//! Parser tests: small faithful samples of OFAC SDN XML, EU FSF XML and FollowTheMoney
//! JSON lines written here, the real OFAC 2021 CSV and UN 2026 XML from testdata/, format
//! sniffing, and quarantine of malformed records.

mod common;

use unmask_screen::sources::{
    parse, parse_crypto_list, parse_eu_xml, parse_ftm, parse_ofac_csv, parse_ofac_xml,
    parse_un_xml, OfacCsvInput, EU_LIST, FTM_LIST, OFAC_LIST, UN_LIST,
};
use unmask_screen::{
    sniff, BirthDate, Gender, ListFormat, NameStrength, Options, Query, Schema, ScreeningIndex,
};

const OFAC_XML: &str = r#"<?xml version="1.0" standalone="yes"?>
<sdnList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://tempuri.org/sdnList.xsd">
  <publshInformation>
    <Publish_Date>11/20/2026</Publish_Date>
    <Record_Count>3</Record_Count>
  </publshInformation>
  <sdnEntry>
    <uid>20157</uid>
    <firstName>Jong Un</firstName>
    <lastName>KIM</lastName>
    <title>Chairman of the Workers' Party of Korea</title>
    <sdnType>Individual</sdnType>
    <programList>
      <program>DPRK3</program>
    </programList>
    <idList>
      <id>
        <uid>9001</uid>
        <idType>Gender</idType>
        <idNumber>Male</idNumber>
      </id>
    </idList>
    <akaList>
      <aka>
        <uid>9002</uid>
        <type>a.k.a.</type>
        <category>strong</category>
        <lastName>KIM</lastName>
        <firstName>Jong-un</firstName>
      </aka>
      <aka>
        <uid>9003</uid>
        <type>a.k.a.</type>
        <category>weak</category>
        <lastName>Marshal</lastName>
      </aka>
    </akaList>
    <dateOfBirthList>
      <dateOfBirthItem>
        <uid>9004</uid>
        <dateOfBirth>08 Jan 1984</dateOfBirth>
        <mainEntry>true</mainEntry>
      </dateOfBirthItem>
    </dateOfBirthList>
    <nationalityList>
      <nationality>
        <uid>9005</uid>
        <country>Korea, North</country>
        <mainEntry>true</mainEntry>
      </nationality>
    </nationalityList>
  </sdnEntry>
  <sdnEntry>
    <uid>30001</uid>
    <lastName>LAZARUS WALLET SERVICES</lastName>
    <sdnType>Entity</sdnType>
    <programList>
      <program>DPRK3</program>
      <program>CYBER2</program>
    </programList>
    <idList>
      <id>
        <uid>9010</uid>
        <idType>Digital Currency Address - ETH</idType>
        <idNumber>0x098B716B8Aaf21512996dC57EB0615e2383E2f96</idNumber>
      </id>
      <id>
        <uid>9011</uid>
        <idType>Registration Number</idType>
        <idNumber>KP-2026-0042</idNumber>
        <idCountry>Korea, North</idCountry>
      </id>
    </idList>
  </sdnEntry>
  <sdnEntry>
    <uid>30002</uid>
    <lastName>JI SONG 6</lastName>
    <sdnType>Vessel</sdnType>
    <programList><program>DPRK4</program></programList>
    <idList>
      <id>
        <uid>9020</uid>
        <idType>Vessel Registration Identification</idType>
        <idNumber>IMO 8898740</idNumber>
      </id>
    </idList>
    <vesselInfo>
      <vesselFlag>Korea, North</vesselFlag>
    </vesselInfo>
  </sdnEntry>
  <sdnEntry>
    <uid>30003</uid>
    <sdnType>Entity</sdnType>
  </sdnEntry>
</sdnList>
"#;

const EU_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-11-20T10:00:00.000+01:00" globalFileId="123456">
  <sanctionEntity designationDetails="" unitedNationId="KPi.033" euReferenceNumber="EU.2530.58" logicalId="13109">
    <regulation regulationType="regulation" organisationType="commission" publicationDate="2016-04-28" entryIntoForceDate="2016-04-29" numberTitle="2016/682 (OJ L117)" programme="PRK" logicalId="98765"/>
    <subjectType code="person" classificationCode="P"/>
    <nameAlias firstName="Jong Un" middleName="" lastName="Kim" wholeName="Kim Jong Un" function="" gender="M" title="" nameLanguage="" strong="true" regulationLanguage="en" logicalId="111"/>
    <nameAlias firstName="" middleName="" lastName="" wholeName="김정은" function="" gender="M" title="" nameLanguage="KO" strong="true" regulationLanguage="en" logicalId="112"/>
    <nameAlias firstName="" middleName="" lastName="" wholeName="Great Successor" function="" gender="M" title="" nameLanguage="" strong="false" regulationLanguage="en" logicalId="113"/>
    <citizenship region="" countryIso2Code="KP" countryDescription="NORTH KOREA" regulationLanguage="en" logicalId="114"/>
    <birthdate circa="false" calendarType="GREGORIAN" city="" zipCode="" birthdate="1984-01-08" dayOfMonth="8" monthOfYear="1" year="1984" region="" place="" countryIso2Code="KP" countryDescription="NORTH KOREA" regulationLanguage="en" logicalId="115"/>
    <identification diplomatic="false" knownExpired="false" knownFalse="false" reportedLost="false" revokedByIssuer="false" logicalId="116" issuedBy="" issuedDate="" validFrom="" validTo="" latinNumber="" nameOnDocument="" identificationTypeCode="passport" identificationTypeDescription="National passport" region="" number="654410078" countryIso2Code="KP" countryDescription="NORTH KOREA" regulationLanguage="en"/>
  </sanctionEntity>
  <sanctionEntity designationDetails="" unitedNationId="KPe.025" euReferenceNumber="EU.2536.14" logicalId="13120">
    <regulation programme="PRK" logicalId="98766"/>
    <subjectType code="enterprise" classificationCode="E"/>
    <nameAlias wholeName="Korea Kwangson Banking Corp" strong="true" logicalId="121"/>
    <nameAlias wholeName="KKBC" strong="false" logicalId="122"/>
    <address city="Pyongyang" countryIso2Code="KP" countryDescription="NORTH KOREA" logicalId="123"/>
  </sanctionEntity>
  <sanctionEntity logicalId="13999">
    <subjectType code="person" classificationCode="P"/>
    <nameAlias wholeName="" strong="true" logicalId="131"/>
  </sanctionEntity>
</export>
"#;

const FTM: &str = r#"{"id": "NK-abc", "schema": "Person", "caption": "Kim Jong Un", "properties": {"name": ["Kim Jong Un"], "alias": ["Kim Jong-un"], "weakAlias": ["Respected Comrade"], "birthDate": ["1984-01-08"], "nationality": ["kp"], "gender": ["male"], "topics": ["sanction"], "program": ["DPRK3"], "passportNumber": ["PD123456"]}, "datasets": ["us_ofac_sdn"]}
{"id": "NK-ship", "schema": "Vessel", "properties": {"name": ["JI SONG 6"], "imoNumber": ["IMO8898740"], "flag": ["kp"]}, "datasets": ["un_sc_sanctions"]}
{"id": "addr-1", "schema": "Address", "properties": {"full": ["Pyongyang"]}}
{"id": "w-1", "schema": "CryptoWallet", "properties": {"publicKey": ["bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6"], "currency": ["XBT"]}, "datasets": ["us_ofac_sdn"]}
not json at all
{"id": "NK-noname", "schema": "Company", "properties": {}}
"#;

#[test]
fn ofac_xml_sample() {
    let out = parse_ofac_xml(OFAC_XML.as_bytes(), OFAC_LIST).expect("parses");
    assert_eq!(out.entities.len(), 3);
    let kim = &out.entities[0];
    assert_eq!(kim.caption, "KIM, Jong Un");
    assert_eq!(kim.schema, Schema::Person);
    assert_eq!(kim.gender, Some(Gender::Male));
    assert_eq!(kim.birth_dates, vec![BirthDate::full(1984, 1, 8)]);
    assert_eq!(kim.countries, vec!["KP".to_string()]);
    assert_eq!(kim.names[1].strength, NameStrength::Strong);
    assert_eq!(kim.names[2].strength, NameStrength::Weak);
    let wallet = &out.entities[1];
    assert_eq!(
        wallet.programs,
        vec!["DPRK3".to_string(), "CYBER2".to_string()]
    );
    assert_eq!(wallet.crypto_addresses[0].chain, "ETH");
    assert_eq!(wallet.identifiers[0].value, "KP-2026-0042");
    assert_eq!(out.entities[2].schema, Schema::Vessel);
    assert_eq!(out.entities[2].identifiers[0].value, "8898740");
    assert_eq!(out.quarantined.len(), 1);
    assert!(
        out.quarantined[0].reason.contains("no name"),
        "{:?}",
        out.quarantined
    );

    let index = ScreeningIndex::build(out.entities);
    let by_address = index
        .search(
            &Query::address("0x098b716b8aaf21512996dc57eb0615e2383e2f96"),
            &Options::default(),
        )
        .expect("search");
    assert_eq!(index.entity(by_address[0].entity).id, "30001");
    let by_imo = index
        .search(
            &Query::default().with_identifier("IMO 8898740"),
            &Options::default(),
        )
        .expect("search");
    assert_eq!(index.entity(by_imo[0].entity).id, "30002");
    let by_reg = index
        .search(
            &Query::default().with_identifier("kp 2026 0042"),
            &Options::default(),
        )
        .expect("search");
    assert_eq!(index.entity(by_reg[0].entity).id, "30001");
}

#[test]
fn eu_xml_sample() {
    let out = parse_eu_xml(EU_XML.as_bytes(), EU_LIST).expect("parses");
    assert_eq!(out.entities.len(), 2);
    let kim = &out.entities[0];
    assert_eq!(kim.id, "13109");
    assert_eq!(kim.schema, Schema::Person);
    assert_eq!(kim.programs, vec!["PRK".to_string()]);
    assert_eq!(kim.birth_dates, vec![BirthDate::full(1984, 1, 8)]);
    assert_eq!(kim.identifiers[0].value, "654410078");
    assert_eq!(kim.names.len(), 3);
    assert_eq!(kim.names[2].strength, NameStrength::Weak);
    assert_eq!(out.entities[1].schema, Schema::Organization);
    assert_eq!(out.quarantined.len(), 1);
    let index = ScreeningIndex::build(out.entities);
    // The Hangul alias is romanized at index time; a Latin query in another system finds it.
    for q in ["Gim Jeong-eun", "김정은", "KIM Jong Un"] {
        let hits = index
            .search(&Query::name(q), &Options::default())
            .expect("search");
        assert_eq!(index.entity(hits[0].entity).id, "13109", "{q}");
    }
}

#[test]
fn ftm_json_lines() {
    let out = parse_ftm(FTM.as_bytes(), FTM_LIST);
    assert_eq!(out.entities.len(), 3, "{:?}", out.quarantined);
    let kim = &out.entities[0];
    assert_eq!(kim.list, "us_ofac_sdn");
    assert_eq!(kim.names.len(), 3);
    assert_eq!(kim.countries, vec!["KP".to_string()]);
    assert_eq!(kim.identifiers[0].kind, "Passport");
    assert_eq!(out.entities[1].identifiers[0].kind, "IMO");
    assert_eq!(out.entities[2].crypto_addresses[0].chain, "XBT");
    let reasons: Vec<&str> = out.quarantined.iter().map(|q| q.reason.as_str()).collect();
    assert_eq!(out.quarantined.len(), 2, "{reasons:?}");
    assert_eq!(out.quarantined[0].line, 5);
    assert!(out.quarantined[1].reason.contains("no name"));
}

#[test]
fn un_consolidated_list() {
    let out = common::un();
    assert_eq!(out.entities.len(), 1003);
    assert!(out.quarantined.is_empty());
    let dprk_persons = out
        .entities
        .iter()
        .filter(|e| e.id.starts_with("KPi"))
        .count();
    let dprk_entities = out
        .entities
        .iter()
        .filter(|e| e.id.starts_with("KPe"))
        .count();
    assert_eq!((dprk_persons, dprk_entities), (80, 75));
    let yun = out
        .entities
        .iter()
        .find(|e| e.id == "KPi.001")
        .expect("KPi.001");
    assert_eq!(yun.caption, "YUN HO-JIN");
    assert_eq!(yun.birth_dates, vec![BirthDate::full(1944, 10, 13)]);
    assert!(yun.names.iter().any(|n| n.name == "Yun Ho-chin"));
    assert_eq!(yun.countries[0], "KP");
    // BETWEEN dates become ranges.
    assert!(out
        .entities
        .iter()
        .flat_map(|e| &e.birth_dates)
        .any(|d| d.year_to > d.year_from));
}

#[test]
fn un_record_without_a_name_is_quarantined() {
    let xml = br#"<?xml version="1.0"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>1</DATAID>
      <FIRST_NAME>RI</FIRST_NAME>
      <SECOND_NAME>JE-SON</SECOND_NAME>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
      <REFERENCE_NUMBER>KPi.002</REFERENCE_NUMBER>
      <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Ri Che-son</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1938</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
    </INDIVIDUAL>
    <INDIVIDUAL>
      <DATAID>2</DATAID>
      <FIRST_NAME/>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
      <REFERENCE_NUMBER>KPi.999</REFERENCE_NUMBER>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES>
    <ENTITY>
      <DATAID>3</DATAID>
      <FIRST_NAME>KOREA MINING DEVELOPMENT TRADING CORPORATION</FIRST_NAME>
      <REFERENCE_NUMBER>KPe.001</REFERENCE_NUMBER>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
      <ENTITY_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>KOMID</ALIAS_NAME></ENTITY_ALIAS>
    </ENTITY>
  </ENTITIES>
</CONSOLIDATED_LIST>"#;
    let out = parse_un_xml(xml, UN_LIST).expect("parses");
    assert_eq!(out.entities.len(), 2);
    assert_eq!(out.entities[0].names[1].strength, NameStrength::Weak);
    assert_eq!(
        (
            out.entities[0].birth_dates[0].year_from,
            out.entities[0].birth_dates[0].year_to
        ),
        (1937, 1939)
    );
    assert_eq!(out.entities[1].schema, Schema::Organization);
    assert_eq!(out.quarantined.len(), 1);
    assert_eq!(out.quarantined[0].line, 13);
    assert!(
        out.quarantined[0].reason.contains("KPi.999")
            && out.quarantined[0].reason.contains("no name")
    );
}

#[test]
fn truncated_xml_is_quarantined_not_a_panic() {
    let second = OFAC_XML
        .match_indices("<sdnEntry>")
        .nth(1)
        .map(|(i, _)| i)
        .unwrap_or(0);
    let cut = &OFAC_XML.as_bytes()[..second + 40];
    let out =
        parse_ofac_xml(cut, OFAC_LIST).expect("partial file still yields its complete records");
    assert!(!out.entities.is_empty());
    assert!(!out.quarantined.is_empty());
    assert!(
        parse_un_xml(b"this is not xml <<<", UN_LIST).is_err()
            || parse_un_xml(b"this is not xml <<<", UN_LIST)
                .map(|o| o.entities.is_empty())
                .unwrap_or(true)
    );
}

#[test]
fn ofac_csv_wrong_column_count_is_quarantined_with_line() {
    let sdn =
        b"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n\
173,\"ANGLO-CARIBBEAN CO., LTD.\",-0- ,\"CUBA\"\n\
x1,\"BAD NUMBER\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n";
    let out = parse_ofac_csv(
        OfacCsvInput {
            sdn,
            ..Default::default()
        },
        OFAC_LIST,
    );
    assert_eq!(out.entities.len(), 1);
    assert_eq!(out.quarantined.len(), 2);
    assert_eq!(out.quarantined[0].line, 2);
    assert_eq!(out.quarantined[0].file, "sdn.csv");
    assert!(out.quarantined[0]
        .reason
        .contains("expected 12 columns, found 4"));
    assert_eq!(out.quarantined[1].line, 3);
}

#[test]
fn real_ofac_2021_release() {
    let out = common::ofac();
    assert_eq!(out.entities.len(), 8976);
    assert!(
        out.quarantined.is_empty(),
        "{:?}",
        &out.quarantined[..out.quarantined.len().min(3)]
    );
    let dprk = out
        .entities
        .iter()
        .filter(|e| e.programs.iter().any(|p| p.contains("DPRK")))
        .count();
    assert_eq!(dprk, 414);
    let kim = out
        .entities
        .iter()
        .find(|e| e.id == "20157")
        .expect("Kim Jong Un");
    assert_eq!(kim.birth_dates, vec![BirthDate::full(1984, 1, 8)]);
    // sdn_comments.csv continues the remarks of entry 28264 (Lazarus-linked launderer).
    let continued = out
        .entities
        .iter()
        .find(|e| e.id == "28264")
        .expect("28264");
    assert!(
        continued.names.iter().any(|n| n.name == "khaleesi"),
        "{:?}",
        continued.names
    );
    assert!(continued
        .identifiers
        .iter()
        .any(|i| i.value == "210302198701102136"));
}

#[test]
fn crypto_list_from_file_name() {
    let out = parse_crypto_list(
        b"0x098B716B8Aaf21512996dC57EB0615e2383E2f96\n\nnot an address\n",
        "ETH",
        "us_ofac_crypto",
    );
    assert_eq!(out.entities.len(), 1);
    assert_eq!(out.quarantined[0].line, 3);
}

#[test]
fn sniffing() {
    assert_eq!(
        sniff("x.xml", OFAC_XML.as_bytes()),
        Some(ListFormat::OfacXml)
    );
    assert_eq!(sniff("x.xml", EU_XML.as_bytes()), Some(ListFormat::EuXml));
    assert_eq!(
        sniff(
            "consolidated.xml",
            &common::testdata("un_consolidated.xml")[..4096]
        ),
        Some(ListFormat::UnXml)
    );
    assert_eq!(
        sniff("entities.ftm.json", FTM.as_bytes()),
        Some(ListFormat::FtmJson)
    );
    assert_eq!(
        sniff("sdn.csv", b"36,\"AEROCARIBBEAN AIRLINES\""),
        Some(ListFormat::OfacSdnCsv)
    );
    assert_eq!(
        sniff("data/alt.csv", b"36,12,\"aka\""),
        Some(ListFormat::OfacAltCsv)
    );
    assert_eq!(
        sniff(
            "some.csv",
            &common::testdata("ofac_sdn_2021/sdn.csv")[..2000]
        ),
        Some(ListFormat::OfacSdnCsv)
    );
    assert_eq!(
        sniff(
            "sanctioned_addresses_ETH.txt",
            &common::testdata("ofac_crypto_addresses/sanctioned_addresses_ETH.txt")
        ),
        Some(ListFormat::CryptoAddresses {
            chain: Some("ETH".into())
        })
    );
    assert_eq!(sniff("notes.txt", b"hello world\nthis is prose"), None);
    let format = sniff(
        "sanctioned_addresses_XMR.txt",
        &common::testdata("ofac_crypto_addresses/sanctioned_addresses_XMR.txt"),
    )
    .expect("sniffed");
    let out = parse(
        &format,
        &common::testdata("ofac_crypto_addresses/sanctioned_addresses_XMR.txt"),
        "us_ofac_crypto",
    )
    .expect("parses");
    assert_eq!(out.entities[0].crypto_addresses[0].chain, "XMR");
}
