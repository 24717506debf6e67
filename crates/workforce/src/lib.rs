//! Workforce fraud detectors: DPRK IT workers and the laptop farms that host their
//! company laptops, found in identity-provider sign-ins, endpoint inventories and
//! payroll, joined to HR records on the employee.
//!
//! The detectors read the store through [`roster`] (who the employees are and what
//! they claim) and [`signins`] (each employee's sign-ins, compact and in time order,
//! loaded once per detect run and shared). Lists analysts edit — remote-access
//! tools, VPN operators, IP-KVM USB identities, time zones, countries — are data
//! files under `data/`, checked by [`rules::check`].

pub mod detectors;
pub mod quality;
pub mod roster;
pub mod rules;
pub mod signins;

use unmask_detect::Detector;

/// Every workforce detector, for the binary's registry.
pub fn detectors() -> Vec<&'static dyn Detector> {
    vec![
        &detectors::VpnEgress,
        &detectors::ForeignEgress,
        &detectors::ImpossibleTravel,
        &detectors::WorkingHours,
        &detectors::SharedEgress,
        &detectors::RemoteAccess,
        &detectors::IpKvm,
        &detectors::PayrollChanges,
    ]
}
