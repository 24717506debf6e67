//! FollowTheMoney entities as JSON lines (OpenSanctions `entities.ftm.json`): one JSON
//! object per line with `id`, `schema`, `properties` (arrays of strings) and `datasets`.
//! Only schemas that can be screened are kept (persons, organizations, companies, legal
//! entities, vessels, aircraft, crypto wallets); others (addresses, sanctions) are skipped.

use serde_json::Value;

use crate::entity::{
    BirthDate, Gender, ListEntity, NameStrength, ParseOutput, Quarantined, Schema,
};

/// Default list name for FollowTheMoney input without `datasets`.
pub const FTM_LIST: &str = "opensanctions";

const ID_PROPERTIES: [(&str, &str); 12] = [
    ("idNumber", "ID number"),
    ("passportNumber", "Passport"),
    ("imoNumber", "IMO"),
    ("registrationNumber", "Registration Number"),
    ("taxNumber", "Tax Number"),
    ("innCode", "INN"),
    ("ogrnCode", "OGRN"),
    ("swiftBic", "SWIFT/BIC"),
    ("leiCode", "LEI"),
    ("mmsi", "MMSI"),
    ("serialNumber", "Serial Number"),
    ("registrationNumbers", "Registration Number"),
];

fn strings<'a>(props: &'a Value, key: &str) -> impl Iterator<Item = &'a str> + 'a {
    props
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// Parses FollowTheMoney JSON lines. `list` is used when an entity names no dataset.
pub fn parse_ftm(data: &[u8], list: &str) -> ParseOutput {
    let mut out = ParseOutput::default();
    for (i, raw) in data.split(|b| *b == b'\n').enumerate() {
        let line = i as u64 + 1;
        let text = String::from_utf8_lossy(raw);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                out.quarantined.push(Quarantined::new(
                    "entities.ftm.json",
                    line,
                    format!("not a JSON object: {e}"),
                    text,
                ));
                continue;
            }
        };
        let Some(schema_name) = value.get("schema").and_then(Value::as_str) else {
            out.quarantined.push(Quarantined::new(
                "entities.ftm.json",
                line,
                "entity has no schema",
                text,
            ));
            continue;
        };
        let Some(schema) = Schema::parse(schema_name) else {
            continue;
        };
        let Some(id) = value
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        else {
            out.quarantined.push(Quarantined::new(
                "entities.ftm.json",
                line,
                "entity has no id",
                text,
            ));
            continue;
        };
        let empty = Value::Null;
        let props = value.get("properties").unwrap_or(&empty);
        let dataset = value
            .get("datasets")
            .and_then(Value::as_array)
            .and_then(|d| d.first())
            .and_then(Value::as_str)
            .unwrap_or(list);
        let mut entity = ListEntity::new(dataset, id, schema);
        if let Some(caption) = value.get("caption").and_then(Value::as_str) {
            entity.add_name(caption, NameStrength::Primary);
        }
        for n in strings(props, "name") {
            entity.add_name(n, NameStrength::Primary);
        }
        for key in ["alias", "previousName", "abbreviation"] {
            for n in strings(props, key) {
                entity.add_name(n, NameStrength::Strong);
            }
        }
        for n in strings(props, "weakAlias") {
            entity.add_name(n, NameStrength::Weak);
        }
        if schema == Schema::CryptoWallet {
            let chain = strings(props, "currency").next().unwrap_or("");
            for key in strings(props, "publicKey") {
                entity.add_crypto(chain, key);
                if entity.names.is_empty() {
                    entity.add_name(key, NameStrength::Primary);
                }
            }
        }
        if entity.names.is_empty() {
            out.quarantined.push(Quarantined::new(
                "entities.ftm.json",
                line,
                format!("entity {id:?} has no name"),
                text,
            ));
            continue;
        }
        for key in ["program", "programId"] {
            for p in strings(props, key) {
                entity.add_program(p);
            }
        }
        for d in strings(props, "birthDate") {
            if let Some(date) = BirthDate::parse(d) {
                entity.birth_dates.push(date);
            }
        }
        for key in [
            "nationality",
            "citizenship",
            "country",
            "jurisdiction",
            "flag",
        ] {
            for c in strings(props, key) {
                entity.add_country(c);
            }
        }
        entity.gender = strings(props, "gender").find_map(Gender::parse);
        for (key, kind) in ID_PROPERTIES {
            for v in strings(props, key) {
                entity.add_identifier(kind, v, None);
            }
        }
        out.entities.push(entity);
    }
    out
}
