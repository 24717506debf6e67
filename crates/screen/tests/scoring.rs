//! Scoring behaviour: qualifiers raise or lower a score, other scripts are transliterated,
//! initials and a dropped middle name still match, explanations name their features.

use unmask_screen::{
    BirthDate, Gender, ListEntity, NameStrength, Options, Query, Schema, ScreeningIndex,
    DEFAULT_THRESHOLD,
};

fn person(
    id: &str,
    name: &str,
    dob: Option<BirthDate>,
    country: &str,
    gender: Option<Gender>,
) -> ListEntity {
    let mut e = ListEntity::new("t", id, Schema::Person);
    e.add_name(name, NameStrength::Primary);
    e.birth_dates.extend(dob);
    e.add_country(country);
    e.gender = gender;
    e
}

fn index() -> ScreeningIndex {
    ScreeningIndex::build(vec![
        person(
            "kju",
            "KIM, Jong Un",
            Some(BirthDate::full(1984, 1, 8)),
            "Korea, North",
            Some(Gender::Male),
        ),
        person(
            "putin",
            "PUTIN, Vladimir Vladimirovich",
            Some(BirthDate::full(1952, 10, 7)),
            "Russia",
            Some(Gender::Male),
        ),
        person("mak", "KHORASHADIZADEH, Mohammad Ali", None, "Iran", None),
        {
            let mut v = ListEntity::new("t", "ship", Schema::Vessel);
            v.add_name("CHON MA SAN", NameStrength::Primary);
            v
        },
    ])
}

fn score(index: &ScreeningIndex, query: &Query) -> f32 {
    let options = Options {
        threshold: 0.0,
        ..Options::default()
    };
    index
        .search(query, &options)
        .expect("search")
        .first()
        .map(|m| m.score)
        .unwrap_or(0.0)
}

#[test]
fn birth_date_country_gender_and_schema_move_the_score() {
    let index = index();
    let base = score(&index, &Query::name("Kim Jung Un"));
    let with_dob = score(
        &index,
        &Query::name("Kim Jung Un")
            .with_birth_date("1984-01-08")
            .unwrap(),
    );
    assert!(with_dob > base, "{with_dob} > {base}");
    let exact = score(&index, &Query::name("KIM Jong Un"));
    let wrong_dob = score(
        &index,
        &Query::name("KIM Jong Un")
            .with_birth_date("1990-05-05")
            .unwrap(),
    );
    assert!(
        wrong_dob < DEFAULT_THRESHOLD + 0.11 && wrong_dob < exact,
        "{wrong_dob}"
    );
    let year_only = score(
        &index,
        &Query::name("KIM Jong Un").with_birth_date("1984").unwrap(),
    );
    assert!(year_only >= exact);
    let other_country = score(&index, &Query::name("KIM Jong Un").with_country("France"));
    let same_country = score(&index, &Query::name("Kim Jung Un").with_country("DPRK"));
    assert!(other_country < exact && same_country > base);
    let female = score(
        &index,
        &Query::name("KIM Jong Un").with_gender(Gender::Female),
    );
    assert!(female < exact);
    let as_vessel = score(
        &index,
        &Query::name("KIM Jong Un").with_schema(Schema::Vessel),
    );
    assert!(as_vessel < DEFAULT_THRESHOLD);
}

#[test]
fn other_scripts_are_transliterated() {
    let index = index();
    let hits = index
        .search(&Query::name("Владимир Путин"), &Options::default())
        .unwrap();
    assert_eq!(index.entity(hits[0].entity).id, "putin");
    let hits = index
        .search(&Query::name("김정은"), &Options::default())
        .unwrap();
    assert_eq!(index.entity(hits[0].entity).id, "kju");
}

#[test]
fn initials_and_a_dropped_middle_name() {
    let index = index();
    let hits = index
        .search(
            &Query::name("Mohammad Khorashadizadeh"),
            &Options::default(),
        )
        .unwrap();
    assert_eq!(index.entity(hits[0].entity).id, "mak");
    let hits = index
        .search(
            &Query::name("M. A. Khorashadizadeh"),
            &Options {
                threshold: 0.6,
                ..Options::default()
            },
        )
        .unwrap();
    assert_eq!(index.entity(hits[0].entity).id, "mak");
    assert!(index
        .search(&Query::name("Ali Khamenei"), &Options::default())
        .unwrap()
        .is_empty());
}

#[test]
fn explanations_name_each_feature() {
    let index = index();
    let hits = index
        .search(
            &Query::name("Kim Jŏng-ŭn")
                .with_birth_date("08 Jan 1984")
                .unwrap()
                .with_country("KP"),
            &Options::default(),
        )
        .unwrap();
    let features: Vec<&str> = hits[0]
        .features
        .iter()
        .map(|f| f.feature.as_str())
        .collect();
    assert_eq!(features, ["name_korean", "birth_date", "country"]);
    assert!(
        hits[0].features[0].text.contains("surname group 'kim'"),
        "{}",
        hits[0].features[0].text
    );
    assert_eq!(hits[0].matched_name, "KIM, Jong Un");
    let quiet = index
        .search(
            &Query::name("Kim Jong Un"),
            &Options {
                explain: false,
                ..Options::default()
            },
        )
        .unwrap();
    assert!(quiet[0].features.is_empty());
}

#[test]
fn korean_vessel_names_use_token_matching() {
    let index = index();
    let hits = index
        .search(
            &Query::name("Chon Ma San").with_schema(Schema::Vessel),
            &Options::default(),
        )
        .unwrap();
    assert_eq!(index.entity(hits[0].entity).id, "ship");
    assert!(index
        .search(
            &Query::name("Chon Ma").with_schema(Schema::Vessel),
            &Options::default()
        )
        .unwrap()
        .iter()
        .all(|h| h.score < 1.0));
}
