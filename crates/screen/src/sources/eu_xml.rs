//! The EU financial sanctions file (`export` / `sanctionEntity`, the "FSF" XML): name
//! aliases with a strong flag, birth dates, citizenships, identification documents and
//! the regulation's programme. Data sits mostly in attributes.

use super::xml::{for_each_record, Node};
use crate::entity::{
    BirthDate, Gender, ListEntity, NameStrength, ParseOutput, Quarantined, Schema,
};
use crate::error::Result;

/// Default list name for the EU consolidated financial sanctions list.
pub const EU_LIST: &str = "eu_fsf";

fn alias_name(alias: &Node) -> Option<String> {
    if let Some(whole) = alias.attr("wholeName") {
        return Some(whole.to_string());
    }
    let parts: Vec<&str> = ["firstName", "middleName", "lastName"]
        .iter()
        .filter_map(|a| alias.attr(a))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn birth_date(node: &Node) -> Option<BirthDate> {
    let num = |a: &str| node.attr(a).and_then(|v| v.parse::<i32>().ok());
    let mut date = if let Some(d) = node.attr("birthdate") {
        BirthDate::parse(d)?
    } else if let (Some(from), Some(to)) = (num("yearRangeFrom"), num("yearRangeTo")) {
        BirthDate::range(from, to)
    } else if let Some(y) = num("year") {
        let mut date = BirthDate::year(y);
        date.month = num("monthOfYear")
            .filter(|m| (1..=12).contains(m))
            .map(|m| m as u8);
        date.day = num("dayOfMonth")
            .filter(|d| (1..=31).contains(d) && date.month.is_some())
            .map(|d| d as u8);
        date
    } else {
        return None;
    };
    if node.attr("circa") == Some("true") {
        date.approximate = true;
        date.year_from -= 1;
        date.year_to += 1;
    }
    Some(date)
}

/// Parses an EU financial sanctions XML document.
pub fn parse_eu_xml(data: &[u8], list: &str) -> Result<ParseOutput> {
    let mut out = ParseOutput::default();
    let mut quarantined = Vec::new();
    for_each_record(
        data,
        "EU financial sanctions XML",
        "eu_fsf.xml",
        &["sanctionEntity"],
        &mut quarantined,
        |node, line| {
            let id = node
                .attr("logicalId")
                .or(node.attr("euReferenceNumber"))
                .unwrap_or("")
                .to_string();
            let names: Vec<(String, bool)> = node
                .children_named("nameAlias")
                .filter_map(|a| alias_name(a).map(|n| (n, a.attr("strong") != Some("false"))))
                .collect();
            if names.is_empty() {
                out.quarantined.push(Quarantined::new(
                    "eu_fsf.xml",
                    line,
                    format!("sanctionEntity {id:?} has no nameAlias with a name"),
                    &id,
                ));
                return;
            }
            if id.is_empty() {
                out.quarantined.push(Quarantined::new(
                    "eu_fsf.xml",
                    line,
                    "sanctionEntity has no logicalId",
                    &names[0].0,
                ));
                return;
            }
            let schema = match node
                .child("subjectType")
                .and_then(|s| s.attr("code"))
                .unwrap_or("")
            {
                "person" => Schema::Person,
                "enterprise" => Schema::Organization,
                _ => Schema::LegalEntity,
            };
            let mut entity = ListEntity::new(list, id, schema);
            for (i, (name, strong)) in names.iter().enumerate() {
                let strength = match (i, strong) {
                    (0, _) => NameStrength::Primary,
                    (_, true) => NameStrength::Strong,
                    (_, false) => NameStrength::Weak,
                };
                entity.add_name(name, strength);
            }
            for alias in node.children_named("nameAlias") {
                if let Some(g) = alias.attr("gender").and_then(Gender::parse) {
                    entity.gender = Some(g);
                }
            }
            for regulation in node.children_named("regulation") {
                if let Some(p) = regulation.attr("programme") {
                    entity.add_program(p);
                }
            }
            for c in node.children_named("citizenship") {
                if let Some(country) = c
                    .attr("countryIso2Code")
                    .filter(|c| *c != "00")
                    .or(c.attr("countryDescription"))
                {
                    entity.add_country(country);
                }
            }
            for b in node.children_named("birthdate") {
                if let Some(date) = birth_date(b) {
                    entity.birth_dates.push(date);
                }
            }
            for id in node.children_named("identification") {
                let kind = id
                    .attr("identificationTypeDescription")
                    .or(id.attr("identificationTypeCode"))
                    .unwrap_or("id");
                if let Some(number) = id.attr("number").or(id.attr("latinNumber")) {
                    entity.add_identifier(
                        kind,
                        number,
                        id.attr("countryIso2Code").filter(|c| *c != "00"),
                    );
                }
            }
            out.entities.push(entity);
        },
    )?;
    out.quarantined.extend(quarantined);
    Ok(out)
}
