//! The registry of input formats: one file per format, one line each in [`all`].

mod csv_table;
mod devices;
mod employees;
mod json_records;
mod okta;
mod payroll;
mod shipments;
mod signin;
mod timestamp;

use crate::Format;

/// Every supported format, in the order `unmask formats` lists them.
pub fn all() -> Vec<&'static dyn Format> {
    vec![
        &employees::EmployeesCsv,
        &payroll::PayrollCsv,
        &shipments::ShipmentsCsv,
        &devices::DevicesCsv,
        &okta::OktaSystemLog,
    ]
}
