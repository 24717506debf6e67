//! The UN Security Council consolidated list (`CONSOLIDATED_LIST`): individuals and
//! entities, reference numbers such as `KPi.001` (DPRK individual) and `KPe.001` (entity),
//! aliases with quality Good (strong) or Low (weak), dates of birth of every type
//! (EXACT, APPROXIMATELY, BETWEEN, year only), nationalities and documents.

use super::xml::{for_each_record, Node};
use crate::entity::{
    BirthDate, Gender, ListEntity, NameStrength, ParseOutput, Quarantined, Schema,
};
use crate::error::Result;

/// Default list name for the UN consolidated list.
pub const UN_LIST: &str = "un_sc_sanctions";

fn birth_date(node: &Node) -> Option<BirthDate> {
    let kind = node
        .text_of("TYPE_OF_DATE")
        .unwrap_or("EXACT")
        .to_ascii_uppercase();
    let year = |name: &str| node.text_of(name).and_then(|y| y.parse::<i32>().ok());
    let mut date = if let Some(d) = node.text_of("DATE") {
        BirthDate::parse(d)?
    } else if let Some(y) = year("YEAR") {
        BirthDate::year(y)
    } else if let (Some(from), Some(to)) = (year("FROM_YEAR"), year("TO_YEAR")) {
        BirthDate::range(from, to)
    } else {
        return None;
    };
    if kind.starts_with("APPROX") {
        date.approximate = true;
        date.year_from -= 1;
        date.year_to += 1;
    }
    Some(date)
}

/// Parses a UN consolidated list XML document.
pub fn parse_un_xml(data: &[u8], list: &str) -> Result<ParseOutput> {
    let mut out = ParseOutput::default();
    let mut quarantined = Vec::new();
    for_each_record(
        data,
        "UN consolidated list XML",
        "consolidated.xml",
        &["INDIVIDUAL", "ENTITY"],
        &mut quarantined,
        |node, line| {
            let individual = node.name.eq_ignore_ascii_case("INDIVIDUAL");
            let reference = node
                .text_of("REFERENCE_NUMBER")
                .or(node.text_of("DATAID"))
                .unwrap_or("")
                .to_string();
            let name = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
                .iter()
                .filter_map(|f| node.text_of(f))
                .collect::<Vec<_>>()
                .join(" ");
            if name.trim().is_empty() {
                let what = if individual { "INDIVIDUAL" } else { "ENTITY" };
                out.quarantined.push(Quarantined::new(
                    "consolidated.xml",
                    line,
                    format!("{what} record {reference:?} has no name"),
                    &reference,
                ));
                return;
            }
            if reference.is_empty() {
                out.quarantined.push(Quarantined::new(
                    "consolidated.xml",
                    line,
                    "record has no REFERENCE_NUMBER or DATAID",
                    &name,
                ));
                return;
            }
            let schema = if individual {
                Schema::Person
            } else {
                Schema::Organization
            };
            let mut entity = ListEntity::new(list, reference, schema);
            entity.add_name(&name, NameStrength::Primary);
            if let Some(original) = node.text_of("NAME_ORIGINAL_SCRIPT") {
                entity.add_name(original, NameStrength::Strong);
            }
            if let Some(program) = node.text_of("UN_LIST_TYPE") {
                entity.add_program(program);
            }
            let alias_tag = if individual {
                "INDIVIDUAL_ALIAS"
            } else {
                "ENTITY_ALIAS"
            };
            for alias in node.children_named(alias_tag) {
                let Some(alias_name) = alias.text_of("ALIAS_NAME") else {
                    continue;
                };
                let strength = match alias
                    .text_of("QUALITY")
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                {
                    Some("low") => NameStrength::Weak,
                    _ => NameStrength::Strong,
                };
                entity.add_name(alias_name, strength);
            }
            for nat in node.children_named("NATIONALITY") {
                for v in nat.children_named("VALUE") {
                    if let Some(c) = v.own_text() {
                        entity.add_country(c);
                    }
                }
            }
            if let Some(g) = node.text_of("GENDER") {
                entity.gender = Gender::parse(g);
            }
            for dob in node.children_named("INDIVIDUAL_DATE_OF_BIRTH") {
                if let Some(date) = birth_date(dob) {
                    entity.birth_dates.push(date);
                }
            }
            for doc in node.children_named("INDIVIDUAL_DOCUMENT") {
                let kind = doc.text_of("TYPE_OF_DOCUMENT").unwrap_or("Document");
                if let Some(number) = doc.text_of("NUMBER") {
                    let country = doc
                        .text_of("ISSUING_COUNTRY")
                        .or(doc.text_of("COUNTRY_OF_ISSUE"));
                    entity.add_identifier(kind, number, country);
                }
            }
            let address_tag = if individual {
                "INDIVIDUAL_ADDRESS"
            } else {
                "ENTITY_ADDRESS"
            };
            for address in node.children_named(address_tag) {
                if let Some(c) = address.text_of("COUNTRY") {
                    entity.add_country(c);
                }
            }
            out.entities.push(entity);
        },
    )?;
    out.quarantined.extend(quarantined);
    Ok(out)
}
