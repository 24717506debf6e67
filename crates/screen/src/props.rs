//! A [`ListEntity`] as FollowTheMoney-style properties and back: how list entries are kept
//! in a property store (unmask's `entity_props`) and served in yente-shaped responses.
//!
//! `to_props` and `from_props` are inverses for everything the matcher uses: names with
//! their strength (`name`, `alias`, `weakAlias`), `birthDate` (written so
//! [`BirthDate::parse`] reads it back, ranges as `1947 to 1950`), `nationality` (persons)
//! or `country`, `gender`, `program`, identifiers (`passportNumber`, `imoNumber`,
//! `idNumber`) and `cryptoAddress` (`CHAIN address`, or the address alone).

use crate::entity::{BirthDate, Gender, ListEntity, NameStrength, Schema};

/// The property names [`to_props`] writes, for readers that select by name.
pub const PROPS: &[&str] = &[
    "name",
    "alias",
    "weakAlias",
    "program",
    "birthDate",
    "nationality",
    "country",
    "gender",
    "idNumber",
    "passportNumber",
    "imoNumber",
    "cryptoAddress",
];

/// A birth date as text that [`BirthDate::parse`] reads back to the same years, month and day.
pub fn birth_date_text(date: &BirthDate) -> String {
    if date.year_from != date.year_to {
        format!("{} to {}", date.year_from, date.year_to)
    } else {
        date.to_string()
    }
}

fn identifier_prop(kind: &str) -> &'static str {
    let lower = kind.to_ascii_lowercase();
    if lower.contains("passport") {
        "passportNumber"
    } else if lower.contains("imo") {
        "imoNumber"
    } else {
        "idNumber"
    }
}

/// The entity's properties, in a stable order; values are never empty.
pub fn to_props(entity: &ListEntity) -> Vec<(&'static str, String)> {
    let mut props: Vec<(&'static str, String)> = Vec::new();
    for name in &entity.names {
        let prop = match name.strength {
            NameStrength::Primary => "name",
            NameStrength::Strong => "alias",
            NameStrength::Weak => "weakAlias",
        };
        props.push((prop, name.name.clone()));
    }
    for program in &entity.programs {
        props.push(("program", program.clone()));
    }
    for date in &entity.birth_dates {
        props.push(("birthDate", birth_date_text(date)));
    }
    let country_prop = if entity.schema == Schema::Person {
        "nationality"
    } else {
        "country"
    };
    for country in &entity.countries {
        props.push((country_prop, country.clone()));
    }
    if let Some(gender) = entity.gender {
        let text = match gender {
            Gender::Male => "male",
            Gender::Female => "female",
        };
        props.push(("gender", text.to_string()));
    }
    for id in &entity.identifiers {
        props.push((identifier_prop(&id.kind), id.value.clone()));
    }
    for address in &entity.crypto_addresses {
        let value = if address.chain.is_empty() {
            address.address.clone()
        } else {
            format!("{} {}", address.chain, address.address)
        };
        props.push(("cryptoAddress", value));
    }
    props
}

/// Rebuilds a list entity from stored properties. Unknown properties are ignored; the
/// first `name` becomes the caption (a store returns values sorted, so a list entry with
/// several primary names may get another caption than the list's own).
pub fn from_props<'a>(
    list: &str,
    id: &str,
    schema: Schema,
    props: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> ListEntity {
    let mut entity = ListEntity::new(list, id, schema);
    let mut aliases = Vec::new();
    for (prop, value) in props {
        match prop {
            "name" => entity.add_name(value, NameStrength::Primary),
            "alias" => aliases.push((value, NameStrength::Strong)),
            "weakAlias" => aliases.push((value, NameStrength::Weak)),
            "program" => entity.add_program(value),
            "birthDate" => {
                if let Some(date) = BirthDate::parse(value) {
                    if !entity.birth_dates.contains(&date) {
                        entity.birth_dates.push(date);
                    }
                }
            }
            "nationality" | "country" => entity.add_country(value),
            "gender" => entity.gender = Gender::parse(value),
            "idNumber" => entity.add_identifier("Identification Number", value, None),
            "passportNumber" => entity.add_identifier("Passport", value, None),
            "imoNumber" => entity.add_identifier("IMO", value, None),
            "cryptoAddress" => match value.split_once(' ') {
                Some((chain, address)) => entity.add_crypto(chain, address),
                None => entity.add_crypto("", value),
            },
            _ => {}
        }
    }
    // Primary names first, then strong aliases, whatever order the store gave.
    aliases.sort_by_key(|(_, strength)| *strength == NameStrength::Weak);
    for (alias, strength) in aliases {
        entity.add_name(alias, strength);
    }
    entity
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_what_the_matcher_uses() {
        let mut kim = ListEntity::new("us_ofac_sdn", "20157", Schema::Person);
        kim.add_name("KIM, Jong Un", NameStrength::Primary);
        kim.add_name("Kim Jong-un", NameStrength::Strong);
        kim.add_name("Jong Un", NameStrength::Weak);
        kim.add_program("DPRK3");
        kim.birth_dates.push(BirthDate::full(1984, 1, 8));
        kim.birth_dates.push(BirthDate::range(1982, 1984));
        kim.add_country("Korea, North");
        kim.gender = Some(Gender::Male);
        kim.add_identifier("Passport", "PD 123", Some("KP"));
        kim.add_crypto("ETH", "0xAbC0000000000000000000000000000000000001");
        let props = to_props(&kim);
        let back = from_props(
            "us_ofac_sdn",
            "20157",
            Schema::Person,
            props.iter().rev().map(|(p, v)| (*p, v.as_str())),
        );
        assert_eq!(back.caption, "KIM, Jong Un");
        assert_eq!(back.names, kim.names);
        assert_eq!(back.programs, kim.programs);
        assert_eq!(back.countries, vec!["KP".to_string()]);
        assert_eq!(back.gender, Some(Gender::Male));
        let mut dates = back.birth_dates.clone();
        dates.reverse();
        assert_eq!(dates, kim.birth_dates);
        assert_eq!(back.identifiers[0].kind, "Passport");
        assert_eq!(back.identifiers[0].value, "PD 123");
        assert_eq!(back.crypto_addresses, kim.crypto_addresses);
    }
}
