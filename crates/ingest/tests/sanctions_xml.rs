//! OFAC SDN XML and EU financial sanctions XML through the ingest pipeline: one record per
//! entry at its element's line, with the element as raw text, and the entities screening
//! reads back. Samples: the hand-written ones of crates/screen/tests/parsers.rs (real
//! designations, values from the published lists).

use unmask_ingest::{ingest, IngestOptions};
use unmask_store::Store;

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

fn load(name: &str, text: &str) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let mut store = Store::open(&dir.path().join("store")).unwrap();
    let report = ingest(
        &mut store,
        &[path],
        &IngestOptions {
            format: None,
            org: None,
            progress: false,
            command: "test".into(),
        },
    )
    .unwrap();
    assert_eq!(report.failed(), 0, "{:#?}", report.files);
    assert!(report.total.reconciles());
    (dir, store)
}

#[test]
fn ofac_xml_entries_are_records_at_their_element() {
    let (_dir, store) = load("sdn.xml", OFAC_XML);
    let kim = store.entity("sanction:us_ofac_sdn:20157").unwrap();
    assert_eq!(kim.schema, "Person");
    assert!(kim.properties["program"].contains(&"DPRK3".to_string()));
    let record = store.record(kim.record_ids[0]).unwrap();
    assert_eq!(record.format, "ofac-sdn-xml");
    let line = OFAC_XML
        .lines()
        .position(|l| l.contains("<sdnEntry>"))
        .unwrap() as u64
        + 1;
    assert_eq!(record.line, line);
    let raw = record.raw.unwrap();
    assert!(
        raw.starts_with("<sdnEntry>") && raw.ends_with("</sdnEntry>"),
        "{raw}"
    );
    assert!(raw.contains("<uid>20157</uid>"));
}

#[test]
fn eu_xml_entries_are_records_at_their_element() {
    let (_dir, store) = load("eu.xml", EU_XML);
    let kim = store.entity("sanction:eu_fsf:13109").unwrap();
    assert_eq!(kim.schema, "Person");
    let names: Vec<&String> = kim.properties.values().flatten().collect();
    assert!(names.iter().any(|n| n.contains("Kim Jong Un")), "{names:?}");
    let record = store.record(kim.record_ids[0]).unwrap();
    assert_eq!(record.format, "eu-sanctions-xml");
    assert!(record.raw.unwrap().starts_with("<sanctionEntity"));
}
