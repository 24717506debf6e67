//! `devices.csv`: the organisation's device inventory (serial, owner, hostname, OS).
//!
//! Each row becomes a Device assigned to the employee's Person. The hostname joins
//! the device to endpoint telemetry (osquery's `hostIdentifier`).

use unmask_model::{normalize, EntityFragment, LinkFragment, Parsed};

use super::csv_table::{self, Row, TableSpec};
use super::employees::person_id;
use super::shipments::device_id;
use crate::{Format, Input, ReadError, Sample, Sink};

pub(crate) struct DevicesCsv;

const SPEC: TableSpec = TableSpec {
    format: "devices-csv",
    identifying: &["device_serial", "hostname"],
    known: &[
        "device_serial",
        "company_id",
        "employee_id",
        "hostname",
        "os",
    ],
};

impl Format for DevicesCsv {
    fn name(&self) -> &'static str {
        SPEC.format
    }

    fn description(&self) -> &'static str {
        "IT export: devices.csv (device_serial, employee_id, hostname, os)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        csv_table::sniff(&SPEC, sample)
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        csv_table::read(&SPEC, input, sink, parse)
    }
}

fn parse(row: &Row<'_>) -> Result<Parsed, String> {
    let serial = row.require("device_serial")?;
    let company = row.company()?;
    let device_id = device_id(serial).ok_or("device_serial is empty")?;
    let mut parsed = Parsed::default();
    let mut device = EntityFragment::new(&device_id, "Device");
    device
        .prop("serial", normalize::serial(serial).unwrap_or_default())
        .prop("companyId", company);
    if let Some(hostname) = row.get("hostname") {
        device.prop("hostname", hostname.to_lowercase());
    }
    if let Some(os) = row.get("os") {
        device.prop("os", os);
    }
    for (column, value) in row.extras() {
        device.prop(column, value);
    }
    if let Some(employee_id) = row.get("employee_id") {
        let person_id = person_id(company, employee_id);
        parsed
            .links
            .push(LinkFragment::new(&device_id, &person_id, "assigned_to"));
        let mut person = EntityFragment::new(&person_id, "Person");
        person
            .prop("employeeId", employee_id)
            .prop("companyId", company);
        parsed.entities.push(person);
    }
    parsed.entities.push(device);
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{detect, formats, MemorySink};
    use std::path::Path;

    #[test]
    fn devices_are_assigned_to_people() {
        let text =
            "device_serial,company_id,employee_id,hostname,os\nSN1,acme,E1,ACME-LT-001,macOS 14\n";
        let mut sink = MemorySink::default();
        let mut reader = text.as_bytes();
        let mut input = Input {
            path: "devices.csv",
            reader: &mut reader,
            org: None,
        };
        DevicesCsv.read(&mut input, &mut sink).unwrap();
        let device = sink.entities().find(|e| e.schema == "Device").unwrap();
        assert_eq!(device.first("hostname"), Some("acme-lt-001"));
        assert_eq!(sink.links().next().unwrap().target, "person:acme:E1");
    }

    #[test]
    fn each_hr_table_is_told_apart_by_its_header() {
        let cases = [
            ("employee_id,company_id,full_name,email\n", "employees-csv"),
            ("employee_id,pay_date,amount,method\n", "payroll-csv"),
            (
                "shipment_id,employee_id,device_serial,address\n",
                "shipments-csv",
            ),
            ("device_serial,employee_id,hostname,os\n", "devices-csv"),
        ];
        let all = formats::all();
        for (header, expected) in cases {
            // The file name says nothing: content decides.
            let sample = crate::Sample {
                path: Path::new("export.txt"),
                head: header.as_bytes(),
            };
            assert_eq!(detect(&all, &sample).unwrap().name(), expected, "{header}");
        }
    }
}
