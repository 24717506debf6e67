//! `employees.csv`: one row per employee (or applicant) of an organisation.
//!
//! Each row becomes a Person, an Employment linking them to the Organization, and
//! the identifiers that join records across systems (home Address, Phone, Email,
//! national id, photo and resume hashes) as entities of their own, linked to the
//! person, so that two employees sharing one of them meet in the identity graph.

use unmask_model::{normalize, short_hash, EntityFragment, LinkFragment, Parsed};

use super::csv_table::{self, Row, TableSpec};
use crate::{Format, Input, ReadError, Sample, Sink};

pub(crate) struct EmployeesCsv;

const SPEC: TableSpec = TableSpec {
    format: "employees-csv",
    identifying: &["employee_id", "full_name"],
    known: &[
        "employee_id",
        "company_id",
        "full_name",
        "email",
        "phone",
        "date_of_birth",
        "national_id",
        "claimed_country",
        "claimed_city",
        "claimed_timezone",
        "home_address",
        "hire_date",
        "role",
        "photo_sha256",
        "resume_sha256",
    ],
};

impl Format for EmployeesCsv {
    fn name(&self) -> &'static str {
        SPEC.format
    }

    fn description(&self) -> &'static str {
        "HR export: employees.csv (employee_id, full_name, email, phone, national_id, home_address, ...)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        csv_table::sniff(&SPEC, sample)
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        csv_table::read(&SPEC, input, sink, parse)
    }
}

/// The id of an employee's Person entity: the organisation's own identifiers.
pub(crate) fn person_id(company: &str, employee: &str) -> String {
    format!("person:{company}:{employee}")
}

/// The id of an Address entity, from its canonical form.
pub(crate) fn address_entity(raw: &str) -> Option<EntityFragment> {
    let canonical = normalize::address(raw)?;
    let mut address = EntityFragment::new(format!("address:{}", short_hash(&canonical)), "Address");
    address.prop("full", raw).prop("normalized", &canonical);
    Some(address)
}

fn parse(row: &Row<'_>) -> Result<Parsed, String> {
    let employee_id = row.require("employee_id")?;
    let company = row.company()?;
    let person_id = person_id(company, employee_id);
    let mut parsed = Parsed::default();

    let mut person = person_entity(
        row,
        &person_id,
        &[("claimed_timezone", "timezone"), ("role", "position")],
    )?;
    person.prop("employeeId", employee_id);
    let org = org_entity(company);
    let org_id = org.id.clone();

    let mut employment =
        EntityFragment::new(format!("employment:{company}:{employee_id}"), "Employment");
    employment
        .prop("employee", &person_id)
        .prop("employer", &org_id);
    if let Some(hired) = row.get("hire_date") {
        let hired = csv_table::date("hire_date", hired)?;
        employment.prop("startDate", &hired);
        person.prop("hireDate", &hired);
    }
    if let Some(role) = row.get("role") {
        employment.prop("role", role);
    }
    parsed
        .links
        .push(LinkFragment::new(&person_id, &org_id, "employed_by"));

    link_identifiers(row, &person_id, &mut parsed);
    parsed.entities.push(person);
    parsed.entities.push(org);
    parsed.entities.push(employment);
    Ok(parsed)
}

/// The Person of an HR or applicant row: name, company, birth date, where they claim
/// to live, their identifiers as properties, the table's own `columns` (column,
/// property), and any unknown column as it is. Shared by employees.csv and
/// applicants.csv.
pub(crate) fn person_entity(
    row: &Row<'_>,
    person_id: &str,
    columns: &[(&str, &str)],
) -> Result<EntityFragment, String> {
    let mut person = EntityFragment::new(person_id, "Person");
    person
        .prop("name", row.require("full_name")?)
        .prop("companyId", row.company()?);
    if let Some(birth) = row.get("date_of_birth") {
        person.prop("birthDate", csv_table::date("date_of_birth", birth)?);
    }
    const SHARED: &[(&str, &str)] = &[
        ("claimed_country", "country"),
        ("claimed_city", "city"),
        ("email", "email"),
        ("phone", "phone"),
        ("national_id", "idNumber"),
        ("home_address", "address"),
        ("photo_sha256", "photoSha256"),
        ("resume_sha256", "resumeSha256"),
    ];
    for (column, prop) in SHARED.iter().chain(columns) {
        if let Some(value) = row.get(column) {
            person.prop(prop, value);
        }
    }
    for (column, value) in row.extras() {
        person.prop(column, value);
    }
    Ok(person)
}

/// The employer's (or the recruiting company's) Organization.
pub(crate) fn org_entity(company: &str) -> EntityFragment {
    let mut org = EntityFragment::new(format!("org:{company}"), "Organization");
    org.prop("companyId", company);
    org
}

/// The identifiers of a person's row (home address, phone, e-mail, national id,
/// photo and résumé hashes) as entities of their own, linked to the person: where
/// two people meet in the identity graph. Shared by employees.csv and applicants.csv.
pub(crate) fn link_identifiers(row: &Row<'_>, person_id: &str, parsed: &mut Parsed) {
    let mut identifier = |entity: EntityFragment, kind: &str| {
        parsed
            .links
            .push(LinkFragment::new(person_id, &entity.id, kind));
        parsed.entities.push(entity);
    };
    if let Some(address) = row.get("home_address").and_then(address_entity) {
        identifier(address, "home_address");
    }
    if let Some(phone) = row.get("phone").and_then(normalize::phone) {
        let mut entity = EntityFragment::new(format!("phone:{phone}"), "Phone");
        entity.prop("number", &phone);
        identifier(entity, "phone");
    }
    if let Some(email) = row.get("email").and_then(normalize::email) {
        let mut entity = EntityFragment::new(format!("email:{email}"), "Email");
        entity.prop("address", &email);
        identifier(entity, "email");
    }
    if let Some(national) = row.get("national_id").and_then(normalize::national_id) {
        let mut entity =
            EntityFragment::new(format!("identification:{national}"), "Identification");
        entity.prop("number", &national).prop("type", "national_id");
        identifier(entity, "national_id");
    }
    for (column, kind) in [("photo_sha256", "photo"), ("resume_sha256", "resume")] {
        if let Some(hash) = row.get(column) {
            let hash = hash.to_lowercase();
            let mut entity = EntityFragment::new(format!("document:{hash}"), "Document");
            entity.prop("fileHash", &hash).prop("type", kind);
            identifier(entity, kind);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySink;

    fn read(text: &str, org: Option<&str>) -> Result<MemorySink, ReadError> {
        let mut sink = MemorySink::default();
        let mut reader = text.as_bytes();
        let mut input = Input {
            path: "employees.csv",
            reader: &mut reader,
            org,
        };
        EmployeesCsv.read(&mut input, &mut sink)?;
        Ok(sink)
    }

    #[test]
    fn a_row_becomes_a_person_with_linked_identifiers() {
        let sink = read(
            "employee_id,company_id,full_name,phone,home_address,national_id,badge\n\
             E1,acme,Jane Roe,(512) 555-0143,12 Oak Street Apt 4,123-45-6789,blue\n",
            None,
        )
        .unwrap();
        assert_eq!(sink.records.len(), 1);
        assert_eq!(sink.records[0].at.line, 2);
        let person = sink.entities().find(|e| e.schema == "Person").unwrap();
        assert_eq!(person.id, "person:acme:E1");
        assert_eq!(person.first("name"), Some("Jane Roe"));
        assert_eq!(
            person.first("badge"),
            Some("blue"),
            "unknown columns are kept"
        );
        let kinds: Vec<&str> = sink.links().map(|l| l.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["employed_by", "home_address", "phone", "national_id"]
        );
        assert!(sink.entities().any(|e| e.id == "phone:+15125550143"));
        assert!(sink.entities().any(|e| e.id == "identification:123456789"));
    }

    #[test]
    fn org_fills_a_missing_company_column() {
        let sink = read("employee_id,full_name\nE1,Jane Roe\n", Some("globex")).unwrap();
        assert_eq!(
            sink.entities().next().map(|e| e.id.as_str()),
            Some("person:globex:E1")
        );
        let error = read("employee_id,full_name\nE1,Jane Roe\n", None).unwrap_err();
        assert!(error.to_string().contains("--org"), "{error}");
    }

    #[test]
    fn bad_rows_are_quarantined_with_reasons() {
        let sink = read(
            "employee_id,company_id,full_name,hire_date\n\
             E1,acme,Jane Roe,2024-02-01\n\
             E2,acme\n\
             ,acme,No Id,2024-01-01\n\
             E4,acme,Bad Date,yesterday\n",
            None,
        )
        .unwrap();
        assert_eq!(sink.records.len(), 1);
        let reasons: Vec<(u64, &str)> = sink
            .quarantined
            .iter()
            .map(|(at, reason)| (at.line, reason.as_str()))
            .collect();
        assert_eq!(reasons[0], (3, "row has 2 fields but the header has 4"));
        assert_eq!(reasons[1], (4, "required column employee_id is empty"));
        assert_eq!(reasons[2].0, 5);
        assert!(reasons[2].1.contains("hire_date"), "{}", reasons[2].1);
    }

    #[test]
    fn semicolon_files_are_refused_with_the_reason() {
        let error = read("employee_id;company_id;full_name\nE1;acme;Jane\n", None).unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("employees.csv:1:"), "{message}");
        assert!(message.contains("';'"), "{message}");
    }
}
