//! The applicant tracking system's export, `hr/applicants.csv`: every hire's own
//! application, honest candidates who were not hired, honest candidates who applied
//! to two companies (a look-alike: one person, one name, the same phone and
//! résumé), and DPRK operators' further applications that reuse a hired worker's
//! photo, résumé or phone under another name.
//!
//! Drawn from its own random stream, so adding applicants changes nothing else in
//! the world.

use std::collections::HashSet;

use crate::catalog::{CITIES, ENGINEERING_ROLES, FIRST_NAMES, LAST_NAMES};
use crate::people::{digits_only, sha256_hex};
use crate::rng::Rng;
use crate::world::World;

pub const APPLICANTS_HEADER: &str = "applicant_id,company_id,full_name,email,phone,claimed_country,claimed_city,position,applied_date,status,employee_id,photo_sha256,resume_sha256";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The application of someone who was hired (`employee_id` set).
    Hired(usize),
    Honest,
    /// An honest candidate's second application, to another company.
    Reapplied,
    /// A DPRK operator's application reusing identifiers of this worker (employee index).
    Dprk(usize),
}

pub struct Applicant {
    pub id: String,
    pub company: usize,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub city: usize,
    pub position: &'static str,
    pub applied_day: i64,
    pub status: &'static str,
    pub photo: String,
    pub resume: String,
    pub kind: Kind,
    /// For DPRK applications: which of the worker's identifiers are reused.
    pub reused: Vec<&'static str>,
}

/// Every application, in file order.
pub fn plan(world: &World, seed: u64) -> Vec<Applicant> {
    let mut rng = Rng::stream(seed, "applicants", 0);
    let mut phones: HashSet<String> = world.employees.iter().map(|e| last_ten(&e.phone)).collect();
    let us: Vec<usize> = (0..CITIES.len())
        .filter(|&c| CITIES[c].cc == "US" && !CITIES[c].area_codes.is_empty())
        .collect();
    let mut applicants = Vec::new();
    let mut next_id = 0u64;
    let mut new_id = |rng: &mut Rng| {
        next_id += 1;
        format!("A{:07}", next_id * 7 + rng.below(7))
    };
    for (index, e) in world.employees.iter().enumerate() {
        applicants.push(Applicant {
            id: new_id(&mut rng),
            company: e.company,
            full_name: e.full_name.clone(),
            email: e.email.clone(),
            phone: e.phone.clone(),
            city: e.city,
            position: e.role,
            applied_day: e.hire_day - rng.range(20, 90) as i64,
            status: "hired",
            photo: e.photo.clone(),
            resume: e.resume.clone(),
            kind: Kind::Hired(index),
            reused: Vec::new(),
        });
    }
    let mut fresh_phone = |rng: &mut Rng, city: usize| loop {
        let area = u64::from(*rng.pick(CITIES[city].area_codes));
        let number = format!("{area}{}{:04}", rng.range(201, 1000), rng.below(10_000));
        if phones.insert(last_ten(&number)) {
            return format!("({}) {}-{}", &number[..3], &number[3..6], &number[6..]);
        }
    };
    let honest = world.employees.len() / 2;
    for n in 0..honest {
        let first = *rng.pick(FIRST_NAMES);
        let last = *rng.pick(LAST_NAMES);
        let city = *rng.pick(&us);
        let company = rng.index(world.companies.len());
        let applicant = Applicant {
            id: new_id(&mut rng),
            company,
            full_name: format!("{first} {last}"),
            email: format!(
                "{}.{}{n}@{}",
                first.to_lowercase(),
                last.to_lowercase(),
                rng.pick(&["gmail.com", "outlook.com", "yahoo.com", "proton.me"])
            ),
            phone: fresh_phone(&mut rng, city),
            city,
            position: ENGINEERING_ROLES[rng.index(ENGINEERING_ROLES.len())],
            applied_day: world_day(&mut rng),
            status: one_of(
                &mut rng,
                &["rejected", "rejected", "withdrawn", "interviewing"],
            ),
            photo: sha256_hex(&mut rng),
            resume: sha256_hex(&mut rng),
            kind: Kind::Honest,
            reused: Vec::new(),
        };
        // One in fifty also applies elsewhere, as themselves.
        let again = (world.companies.len() > 1 && rng.chance(0.02)).then(|| Applicant {
            id: new_id(&mut rng),
            company: (company + 1 + rng.index(world.companies.len() - 1)) % world.companies.len(),
            applied_day: applicant.applied_day + rng.range(1, 60) as i64,
            status: "rejected",
            kind: Kind::Reapplied,
            full_name: applicant.full_name.clone(),
            email: applicant.email.clone(),
            phone: applicant.phone.clone(),
            photo: applicant.photo.clone(),
            resume: applicant.resume.clone(),
            ..applicant_like(&applicant)
        });
        applicants.push(applicant);
        applicants.extend(again);
    }
    for worker in &world.workers {
        if world.companies.len() < 2 || !rng.chance(0.5) {
            continue;
        }
        let e = &world.employees[worker.emp];
        for _ in 0..rng.range(1, 3) {
            let mut reused = Vec::new();
            if rng.chance(0.7) {
                reused.push("photo");
            }
            if rng.chance(0.5) {
                reused.push("resume");
            }
            if reused.is_empty() || rng.chance(0.2) {
                reused.push("phone");
            }
            let first = *rng.pick(FIRST_NAMES);
            let last = *rng.pick(LAST_NAMES);
            let city = *rng.pick(&us);
            let company =
                (e.company + 1 + rng.index(world.companies.len() - 1)) % world.companies.len();
            let n = applicants.len();
            applicants.push(Applicant {
                id: new_id(&mut rng),
                company,
                full_name: format!("{first} {last}"),
                email: format!(
                    "{}{}{n}@{}",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    rng.pick(&["gmail.com", "outlook.com"])
                ),
                phone: if reused.contains(&"phone") {
                    e.phone.clone()
                } else {
                    fresh_phone(&mut rng, city)
                },
                city,
                position: ENGINEERING_ROLES[rng.index(ENGINEERING_ROLES.len())],
                applied_day: e.hire_day + rng.range(10, 200) as i64,
                status: one_of(&mut rng, &["rejected", "interviewing", "offer_declined"]),
                photo: if reused.contains(&"photo") {
                    e.photo.clone()
                } else {
                    sha256_hex(&mut rng)
                },
                resume: if reused.contains(&"resume") {
                    e.resume.clone()
                } else {
                    sha256_hex(&mut rng)
                },
                kind: Kind::Dprk(worker.emp),
                reused,
            });
        }
    }
    applicants
}

/// The last ten digits of a phone number: its key for uniqueness.
fn last_ten(phone: &str) -> String {
    let digits = digits_only(phone);
    digits[digits.len().saturating_sub(10)..].to_string()
}

/// Writes `hr/applicants.csv`.
pub fn write(
    world: &World,
    applicants: &[Applicant],
    root: &std::path::Path,
) -> Result<std::path::PathBuf, crate::SimError> {
    let mut out = crate::output::Output::create(root.join("hr").join("applicants.csv"))?;
    out.write(APPLICANTS_HEADER.as_bytes())?;
    out.write(b"\n")?;
    let mut line = Vec::with_capacity(512);
    for a in applicants {
        let city = &CITIES[a.city];
        let employee = match a.kind {
            Kind::Hired(e) => world.employees[e].id.as_str(),
            _ => "",
        };
        line.clear();
        crate::fmt::push_csv_row(
            &mut line,
            &[
                &a.id,
                &world.companies[a.company].id,
                &a.full_name,
                &a.email,
                &a.phone,
                city.cc,
                city.name,
                a.position,
                &crate::fmt::date_string(a.applied_day),
                a.status,
                employee,
                &a.photo,
                &a.resume,
            ],
        );
        out.write(&line)?;
    }
    out.finish()
}

fn applicant_like(a: &Applicant) -> Applicant {
    Applicant {
        id: String::new(),
        company: a.company,
        full_name: String::new(),
        email: String::new(),
        phone: String::new(),
        city: a.city,
        position: a.position,
        applied_day: a.applied_day,
        status: a.status,
        photo: String::new(),
        resume: String::new(),
        kind: a.kind,
        reused: Vec::new(),
    }
}

fn one_of(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    items[rng.index(items.len())]
}

/// A day in the year before the simulated window ends.
fn world_day(rng: &mut Rng) -> i64 {
    crate::world::WINDOW_START_DAY - rng.range(0, 365) as i64
}
