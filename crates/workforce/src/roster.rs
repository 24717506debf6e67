//! Who the employees are and what they claim: name, employer, claimed country and
//! time zone, role, home addresses, hire date, and the keys that join them to other
//! systems (sign-in e-mail, device hostnames).

use std::collections::HashMap;

use unmask_model::normalize;
use unmask_store::{Store, StoreError};

#[derive(Debug, Clone, Default)]
pub struct Employee {
    pub id: String,
    pub name: String,
    pub company: String,
    pub employee_id: String,
    pub country: Option<String>,
    pub timezone: Option<String>,
    pub role: Option<String>,
    pub hire_date: Option<String>,
    pub homes: Vec<String>,
}

impl Employee {
    /// "Jane Roe (acme/E17)"
    pub fn label(&self) -> String {
        format!("{} ({}/{})", self.name, self.company, self.employee_id)
    }

    /// IT staff legitimately run remote-access tools.
    pub fn is_it_staff(&self) -> bool {
        let Some(role) = &self.role else { return false };
        let role = role.to_lowercase();
        [
            "it support",
            "it admin",
            "help desk",
            "helpdesk",
            "service desk",
            "desktop support",
            "system administrator",
            "sysadmin",
            "it technician",
            "it specialist",
            "it operations",
            "it manager",
        ]
        .iter()
        .any(|needle| role.contains(needle))
    }
}

pub struct Roster {
    pub employees: Vec<Employee>,
    by_id: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
    by_hostname: HashMap<String, usize>,
}

impl Roster {
    pub fn load(store: &Store) -> Result<Roster, StoreError> {
        let conn = store.conn();
        let mut employees: Vec<Employee> = Vec::new();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut emails: Vec<(String, usize)> = Vec::new();
        let mut statement = conn.prepare(
            "SELECT p.entity_id, p.prop, p.value FROM entity_props p
             JOIN entities e ON e.id = p.entity_id WHERE e.schema = 'Person'
             ORDER BY p.entity_id",
        )?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let prop: String = row.get(1)?;
            let value: String = row.get(2)?;
            let index = *by_id.entry(id.clone()).or_insert_with(|| {
                employees.push(Employee {
                    id: id.clone(),
                    ..Employee::default()
                });
                employees.len() - 1
            });
            let employee = &mut employees[index];
            match prop.as_str() {
                "name" => employee.name = value,
                "companyId" => employee.company = value,
                "employeeId" => employee.employee_id = value,
                "country" => employee.country = Some(value.to_uppercase()),
                "timezone" => employee.timezone = Some(value),
                "position" => employee.role = Some(value),
                "hireDate" => employee.hire_date = Some(value),
                "email" => {
                    if let Some(key) = normalize::email(&value) {
                        emails.push((key, index));
                    }
                }
                _ => {}
            }
        }
        drop(rows);
        for (person, address, _) in store.links_of_kind("home_address")? {
            if let Some(&index) = by_id.get(&person) {
                employees[index].homes.push(address);
            }
        }
        let by_email = emails.into_iter().collect();
        let mut by_hostname = HashMap::new();
        let mut hosts = conn.prepare(
            "SELECT p.value, l.target FROM entity_props p
             JOIN links l ON l.source = p.entity_id AND l.kind = 'assigned_to'
             WHERE p.prop = 'hostname'",
        )?;
        let mut rows = hosts.query([])?;
        while let Some(row) = rows.next()? {
            let host: String = row.get(0)?;
            let person: String = row.get(1)?;
            if let Some(&index) = by_id.get(&person) {
                by_hostname.insert(host.to_lowercase(), index);
            }
        }
        drop(rows);
        Ok(Roster {
            employees,
            by_id,
            by_email,
            by_hostname,
        })
    }

    pub fn get(&self, id: &str) -> Option<&Employee> {
        self.by_id.get(id).map(|&i| &self.employees[i])
    }

    /// The employee a sign-in name (e-mail or UPN) belongs to.
    pub fn by_sign_in(&self, user: &str) -> Option<usize> {
        normalize::email(user).and_then(|key| self.by_email.get(&key).copied())
    }

    /// The employee a device hostname is assigned to.
    pub fn by_hostname(&self, host: &str) -> Option<usize> {
        self.by_hostname.get(&host.to_lowercase()).copied()
    }
}
