//! OFAC's classic SDN XML (`sdnList` / `sdnEntry`, the `sdn.xml` schema): names, aka list
//! with strong/weak category, programs, id list (documents, IMO numbers, gender and
//! `Digital Currency Address - XXX`), dates of birth, nationalities and citizenships.

use super::xml::{for_each_record, Node};
use crate::entity::{
    BirthDate, Gender, ListEntity, NameStrength, ParseOutput, Quarantined, Schema,
};
use crate::error::Result;

fn full_name(node: &Node) -> Option<String> {
    let last = node.text_of("lastName");
    let first = node.text_of("firstName");
    match (last, first) {
        (Some(l), Some(f)) => Some(format!("{l}, {f}")),
        (Some(l), None) => Some(l.to_string()),
        (None, Some(f)) => Some(f.to_string()),
        (None, None) => None,
    }
}

/// Parses an OFAC `sdn.xml` document.
pub fn parse_ofac_xml(data: &[u8], list: &str) -> Result<ParseOutput> {
    let mut out = ParseOutput::default();
    let mut quarantined = Vec::new();
    for_each_record(
        data,
        "OFAC SDN XML",
        "sdn.xml",
        &["sdnEntry"],
        &mut quarantined,
        |node, line| {
            let uid = node.text_of("uid").unwrap_or("").to_string();
            let Some(name) = full_name(&node) else {
                out.quarantined.push(Quarantined::new(
                    "sdn.xml",
                    line,
                    format!("sdnEntry uid {uid:?} has no name"),
                    &uid,
                ));
                return;
            };
            if uid.is_empty() {
                out.quarantined.push(Quarantined::new(
                    "sdn.xml",
                    line,
                    "sdnEntry has no uid",
                    &name,
                ));
                return;
            }
            let schema = match node
                .text_of("sdnType")
                .unwrap_or("")
                .to_ascii_lowercase()
                .as_str()
            {
                "individual" => Schema::Person,
                "vessel" => Schema::Vessel,
                "aircraft" => Schema::Aircraft,
                _ => Schema::Organization,
            };
            let mut entity = ListEntity::new(list, uid, schema);
            entity.add_name(&name, NameStrength::Primary);
            if let Some(programs) = node.child("programList") {
                for p in programs.children_named("program") {
                    entity.add_program(p.own_text().unwrap_or(""));
                }
            }
            if let Some(akas) = node.child("akaList") {
                for aka in akas.children_named("aka") {
                    let strength = match aka
                        .text_of("category")
                        .map(str::to_ascii_lowercase)
                        .as_deref()
                    {
                        Some("weak") => NameStrength::Weak,
                        _ => NameStrength::Strong,
                    };
                    if let Some(n) = full_name(aka) {
                        entity.add_name(&n, strength);
                    }
                }
            }
            if let Some(ids) = node.child("idList") {
                for id in ids.children_named("id") {
                    let kind = id.text_of("idType").unwrap_or("");
                    let number = id.text_of("idNumber").unwrap_or("");
                    if let Some(chain) = kind.strip_prefix("Digital Currency Address - ") {
                        entity.add_crypto(chain, number);
                    } else if kind.eq_ignore_ascii_case("Gender") {
                        entity.gender = Gender::parse(number);
                    } else if kind.eq_ignore_ascii_case("Vessel Registration Identification") {
                        entity.add_identifier("IMO", number.trim_start_matches("IMO").trim(), None);
                    } else if !kind.is_empty() {
                        entity.add_identifier(kind, number, id.text_of("idCountry"));
                    }
                }
            }
            if let Some(dobs) = node.child("dateOfBirthList") {
                for item in dobs.children_named("dateOfBirthItem") {
                    if let Some(date) = item.text_of("dateOfBirth").and_then(BirthDate::parse) {
                        entity.birth_dates.push(date);
                    }
                }
            }
            for list_name in ["nationalityList", "citizenshipList"] {
                if let Some(nats) = node.child(list_name) {
                    for n in &nats.children {
                        if let Some(country) = n.text_of("country") {
                            entity.add_country(country);
                        }
                    }
                }
            }
            if let Some(vessel) = node.child("vesselInfo") {
                if let Some(flag) = vessel.text_of("vesselFlag") {
                    entity.add_country(flag);
                }
            }
            out.entities.push(entity);
        },
    )?;
    out.quarantined.extend(quarantined);
    Ok(out)
}
