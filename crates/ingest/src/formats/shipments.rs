//! `shipments.csv`: one row per corporate device shipped to an employee.
//!
//! Each row becomes a Shipment linking the Device, the employee's Person and the
//! Address it went to. An address that receives the laptops of several employees,
//! or one that is not the employee's home, is what a laptop-farm detector looks for.

use unmask_model::{normalize, EntityFragment, LinkFragment, Parsed};

use super::csv_table::{self, Row, TableSpec};
use super::employees::{address_entity, person_id};
use crate::{Format, Input, ReadError, Sample, Sink};

pub(crate) struct ShipmentsCsv;

const SPEC: TableSpec = TableSpec {
    format: "shipments-csv",
    identifying: &["shipment_id", "device_serial"],
    known: &[
        "shipment_id",
        "company_id",
        "employee_id",
        "device_serial",
        "ship_date",
        "recipient_name",
        "address",
    ],
};

impl Format for ShipmentsCsv {
    fn name(&self) -> &'static str {
        SPEC.format
    }

    fn description(&self) -> &'static str {
        "HR/IT export: shipments.csv (shipment_id, employee_id, device_serial, ship_date, recipient_name, address)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        csv_table::sniff(&SPEC, sample)
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        csv_table::read(&SPEC, input, sink, parse)
    }
}

/// The id of a Device entity: its normalized serial number.
pub(crate) fn device_id(serial: &str) -> Option<String> {
    normalize::serial(serial).map(|serial| format!("device:{serial}"))
}

fn parse(row: &Row<'_>) -> Result<Parsed, String> {
    let shipment_id = row.require("shipment_id")?;
    let company = row.company()?;
    let serial = row.require("device_serial")?;
    let device_id = device_id(serial).ok_or("device_serial is empty")?;
    let address_raw = row.require("address")?;
    let address = address_entity(address_raw)
        .ok_or_else(|| format!("address {address_raw:?} has no letters or digits"))?;
    let shipment_key = format!("shipment:{company}:{shipment_id}");
    let mut parsed = Parsed::default();

    let mut shipment = EntityFragment::new(&shipment_key, "Shipment");
    shipment
        .prop("companyId", company)
        .prop("shipmentId", shipment_id)
        .prop("serial", serial)
        .prop("address", address_raw);
    if let Some(date) = row.get("ship_date") {
        shipment.prop("date", csv_table::date("ship_date", date)?);
    }
    if let Some(recipient) = row.get("recipient_name") {
        shipment.prop("recipientName", recipient);
    }
    for (column, value) in row.extras() {
        shipment.prop(column, value);
    }
    let mut device = EntityFragment::new(&device_id, "Device");
    device.prop("serial", normalize::serial(serial).unwrap_or_default());
    parsed
        .links
        .push(LinkFragment::new(&shipment_key, &device_id, "ships"));
    parsed
        .links
        .push(LinkFragment::new(&shipment_key, &address.id, "shipped_to"));
    parsed
        .links
        .push(LinkFragment::new(&device_id, &address.id, "shipped_to"));
    if let Some(employee_id) = row.get("employee_id") {
        let person_id = person_id(company, employee_id);
        shipment.prop("employeeId", employee_id);
        parsed
            .links
            .push(LinkFragment::new(&shipment_key, &person_id, "for_employee"));
        parsed
            .links
            .push(LinkFragment::new(&device_id, &person_id, "assigned_to"));
        let mut person = EntityFragment::new(&person_id, "Person");
        person
            .prop("employeeId", employee_id)
            .prop("companyId", company);
        parsed.entities.push(person);
    }
    parsed.entities.push(shipment);
    parsed.entities.push(device);
    parsed.entities.push(address);
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySink;

    #[test]
    fn shipment_links_device_person_and_address() {
        let text =
            "shipment_id,company_id,employee_id,device_serial,ship_date,recipient_name,address\n\
                    S1,acme,E1,c02x 1234,2024-01-05,Jane Roe,\"12 Oak St, Apt 4\"\n\
                    S2,acme,E2,,2024-01-05,John Doe,1 Main St\n";
        let mut sink = MemorySink::default();
        let mut reader = text.as_bytes();
        let mut input = Input {
            path: "shipments.csv",
            reader: &mut reader,
            org: None,
        };
        ShipmentsCsv.read(&mut input, &mut sink).unwrap();
        assert_eq!(sink.records.len(), 1);
        assert_eq!(
            sink.quarantined[0].1,
            "required column device_serial is empty"
        );
        let links: Vec<(&str, &str)> = sink
            .links()
            .map(|l| (l.kind.as_str(), l.target.as_str()))
            .collect();
        assert!(links.contains(&("assigned_to", "person:acme:E1")));
        assert!(links.contains(&("ships", "device:C02X1234")));
        let address = sink.entities().find(|e| e.schema == "Address").unwrap();
        assert_eq!(address.first("normalized"), Some("12 OAK ST UNIT 4"));
    }
}
