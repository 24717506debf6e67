//! `applicants.csv`: one row per job application (the applicant tracking system's
//! export).
//!
//! An applicant becomes a Person with the same identifier entities as an employee
//! (home address, phone, e-mail, national id, photo and résumé hashes), so that an
//! applicant who reuses a worker's photo, résumé or phone under another name meets
//! that worker in the identity graph. A row with an `employee_id` (the applicant was
//! hired) adds to that employee's Person instead of making a second one: a person
//! does not "share" their own phone with themselves.

use unmask_model::{LinkFragment, Parsed};

use super::csv_table::{self, Row, TableSpec};
use super::employees::{link_identifiers, org_entity, person_entity, person_id};
use crate::{Format, Input, ReadError, Sample, Sink};

pub(crate) struct ApplicantsCsv;

const SPEC: TableSpec = TableSpec {
    format: "applicants-csv",
    identifying: &["applicant_id", "full_name"],
    known: &[
        "applicant_id",
        "company_id",
        "full_name",
        "email",
        "phone",
        "date_of_birth",
        "national_id",
        "claimed_country",
        "claimed_city",
        "home_address",
        "position",
        "applied_date",
        "status",
        "employee_id",
        "photo_sha256",
        "resume_sha256",
    ],
};

impl Format for ApplicantsCsv {
    fn name(&self) -> &'static str {
        SPEC.format
    }

    fn description(&self) -> &'static str {
        "Applicant tracking export: applicants.csv (applicant_id, full_name, email, phone, photo/resume hashes, status, ...)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        // An `applicant_id` column outranks employees.csv, whose columns a hired
        // applicant's row also has.
        csv_table::sniff(&SPEC, sample).map(|confidence| confidence.saturating_add(10))
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        csv_table::read(&SPEC, input, sink, parse)
    }
}

/// The id of an applicant who was not (or not yet) hired.
pub(crate) fn applicant_id(company: &str, applicant: &str) -> String {
    format!("person:{company}:applicant:{applicant}")
}

fn parse(row: &Row<'_>) -> Result<Parsed, String> {
    let applicant = row.require("applicant_id")?;
    let company = row.company()?;
    let person_id = match row.get("employee_id") {
        Some(employee) => person_id(company, employee),
        None => applicant_id(company, applicant),
    };
    let mut parsed = Parsed::default();
    let mut person = person_entity(
        row,
        &person_id,
        &[
            ("position", "appliedPosition"),
            ("status", "applicationStatus"),
        ],
    )?;
    person.prop("applicantId", applicant);
    if let Some(applied) = row.get("applied_date") {
        person.prop("appliedDate", csv_table::date("applied_date", applied)?);
    }
    let org = org_entity(company);
    let org_id = org.id.clone();
    parsed
        .links
        .push(LinkFragment::new(&person_id, &org_id, "applied_to"));
    link_identifiers(row, &person_id, &mut parsed);
    parsed.entities.push(person);
    parsed.entities.push(org);
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySink;

    fn read(text: &str) -> Result<MemorySink, ReadError> {
        let mut sink = MemorySink::default();
        let mut reader = text.as_bytes();
        let mut input = Input {
            path: "applicants.csv",
            reader: &mut reader,
            org: None,
        };
        ApplicantsCsv.read(&mut input, &mut sink)?;
        Ok(sink)
    }

    #[test]
    fn an_applicant_is_a_person_with_linked_identifiers() {
        let sink = read(
            "applicant_id,company_id,full_name,phone,photo_sha256,status,applied_date\n\
             A7,acme,Jin Park,(512) 555-0143,ABCDEF01,rejected,2026-03-02\n",
        )
        .unwrap();
        assert_eq!(sink.records.len(), 1);
        let person = sink.entities().find(|e| e.schema == "Person").unwrap();
        assert_eq!(person.id, "person:acme:applicant:A7");
        assert_eq!(person.first("applicantId"), Some("A7"));
        assert_eq!(person.first("applicationStatus"), Some("rejected"));
        assert_eq!(person.first("appliedDate"), Some("2026-03-02"));
        let links: Vec<(&str, &str)> = sink
            .links()
            .map(|l| (l.kind.as_str(), l.target.as_str()))
            .collect();
        assert_eq!(
            links,
            [
                ("applied_to", "org:acme"),
                ("phone", "phone:+15125550143"),
                ("photo", "document:abcdef01"),
            ]
        );
    }

    #[test]
    fn a_hired_applicant_is_the_employee() {
        let sink = read(
            "applicant_id,company_id,full_name,employee_id,email\n\
             A8,acme,Jane Roe,E1,jane@example.com\n",
        )
        .unwrap();
        let person = sink.entities().find(|e| e.schema == "Person").unwrap();
        assert_eq!(person.id, "person:acme:E1");
        assert!(sink.links().all(|l| l.source == "person:acme:E1"));
    }

    #[test]
    fn a_row_without_an_applicant_id_is_quarantined_with_its_line() {
        let sink =
            read("applicant_id,company_id,full_name\n,acme,Jane Roe\nA2,acme,Ann Lee\n").unwrap();
        assert_eq!(sink.records.len(), 1);
        assert_eq!(sink.quarantined.len(), 1);
        assert!(
            sink.quarantined[0].1.contains("applicant_id"),
            "{:?}",
            sink.quarantined
        );
    }
}
