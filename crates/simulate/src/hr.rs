//! HR exports: `hr/employees.csv`, `hr/payroll.csv`, `hr/shipments.csv` and
//! `hr/devices.csv`, one file each for all companies, as an HRIS, a payroll
//! provider, an IT asset-shipping tool and an MDM would export them.

use std::path::{Path, PathBuf};

use crate::catalog::{CITIES, ZONES};
use crate::fmt::{date_string, push_csv_row};
use crate::output::Output;
use crate::world::World;
use crate::SimError;

pub const EMPLOYEES_HEADER: &str = "employee_id,company_id,full_name,email,phone,date_of_birth,national_id,claimed_country,claimed_city,claimed_timezone,home_address,hire_date,role,photo_sha256,resume_sha256";
pub const PAYROLL_HEADER: &str =
    "employee_id,company_id,pay_date,amount,currency,method,account,account_country";
pub const SHIPMENTS_HEADER: &str =
    "shipment_id,company_id,employee_id,device_serial,ship_date,recipient_name,address";
pub const DEVICES_HEADER: &str = "device_serial,company_id,employee_id,hostname,os";

fn open(dir: &Path, name: &str, header: &str) -> Result<Output, SimError> {
    let mut out = Output::create(dir.join(name))?;
    out.write(header.as_bytes())?;
    out.write(b"\n")?;
    Ok(out)
}

pub fn write_hr(world: &World, root: &Path) -> Result<Vec<PathBuf>, SimError> {
    let dir = root.join("hr");
    let mut employees = open(&dir, "employees.csv", EMPLOYEES_HEADER)?;
    let mut payroll = open(&dir, "payroll.csv", PAYROLL_HEADER)?;
    let mut shipments = open(&dir, "shipments.csv", SHIPMENTS_HEADER)?;
    let mut devices = open(&dir, "devices.csv", DEVICES_HEADER)?;
    let mut line = Vec::with_capacity(1024);
    for e in &world.employees {
        let company = &world.companies[e.company].id;
        let city = &CITIES[e.city];
        line.clear();
        push_csv_row(
            &mut line,
            &[
                &e.id,
                company,
                &e.full_name,
                &e.email,
                &e.phone,
                &date_string(e.dob_day),
                &e.national_id,
                city.cc,
                city.name,
                ZONES[e.zone].name,
                &e.home_address,
                &date_string(e.hire_day),
                e.role,
                &e.photo,
                &e.resume,
            ],
        );
        employees.write(&line)?;

        let per_year = if world.companies[e.company].semimonthly {
            24
        } else {
            26
        };
        let cents = e.salary_dollars * 100 / per_year;
        for day in world.pay_days(e.company, e.hire_day) {
            let seg = e
                .payroll
                .iter()
                .rev()
                .find(|s| s.from_day <= day)
                .unwrap_or(&e.payroll[0]);
            let amount = format!("{}.{:02}", cents / 100, cents % 100);
            line.clear();
            push_csv_row(
                &mut line,
                &[
                    &e.id,
                    company,
                    &date_string(day),
                    &amount,
                    "USD",
                    seg.method,
                    &seg.account,
                    &seg.account_country,
                ],
            );
            payroll.write(&line)?;
        }

        line.clear();
        push_csv_row(
            &mut line,
            &[
                &e.shipment_id,
                company,
                &e.id,
                &e.serial,
                &date_string(e.ship_day),
                &e.ship_recipient,
                &e.ship_address,
            ],
        );
        shipments.write(&line)?;

        line.clear();
        push_csv_row(&mut line, &[&e.serial, company, &e.id, &e.hostname, e.os]);
        devices.write(&line)?;
    }
    Ok(vec![
        employees.finish()?,
        payroll.finish()?,
        shipments.finish()?,
        devices.finish()?,
    ])
}
