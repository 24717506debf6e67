//! The simulated population: companies, their employees, the DPRK operation
//! hidden among them (laptop farms, stolen and synthetic identities, shared
//! payout accounts) and the honest look-alikes a good detector must leave
//! alone. Everything here is in memory; the writers in `hr`, `signin` and
//! `endpoint` render it into export formats, and `truth` describes it.

use std::collections::{BTreeMap, HashSet};

use crate::catalog::{self, Region, CITIES, ISPS};
use crate::people::{self, Address, Registry};
use crate::rng::Rng;
use crate::Scale;

/// 2026-10-04, a Sunday: the first day of the sign-in window.
pub const WINDOW_START_DAY: i64 = 20_730;
/// Four full weeks, enough for time-zone inference over two or more weeks.
pub const WINDOW_DAYS: i64 = 28;
pub const WINDOW_START: i64 = WINDOW_START_DAY * 86_400;
pub const WINDOW_END: i64 = WINDOW_START + WINDOW_DAYS * 86_400;
/// Payroll history starts four months before the window.
const PAYROLL_START_DAY: i64 = WINDOW_START_DAY - 120;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idp {
    Okta,
    Entra,
}

impl Idp {
    pub fn name(self) -> &'static str {
        match self {
            Idp::Okta => "okta",
            Idp::Entra => "entra",
        }
    }
}

/// One egress point: an IPv4 address, its ISP and the city it geolocates to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Net {
    pub ip: u32,
    pub isp: u16,
    pub city: u16,
}

pub struct Company {
    pub id: String,
    pub name: String,
    pub domain: String,
    pub idp: Idp,
    pub host_prefix: String,
    pub hostname_style: u8,
    pub email_style: u8,
    pub id_style: u8,
    pub semimonthly: bool,
    pub mac_percent: u64,
    /// Egress points of the corporate VPN, when the company runs one.
    pub vpn: Vec<Net>,
    pub size: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persona {
    Normal,
    KoreanAmerican,
    Dprk(usize),
    Couple(usize),
    Cowork(usize),
    Traveller,
    CorpVpn,
    ItRemote,
    WiseContractor,
}

pub struct Trip {
    pub city: usize,
    /// Window day index of the first day abroad.
    pub first_day: i64,
    pub days: i64,
    pub net: Net,
}

pub struct PaySegment {
    pub from_day: i64,
    pub method: &'static str,
    pub account: String,
    pub account_country: String,
}

pub struct Employee {
    pub company: usize,
    pub id: String,
    pub first: String,
    pub last: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub dob_day: i64,
    pub national_id: String,
    pub city: usize,
    pub zone: usize,
    pub home_address: String,
    pub hire_day: i64,
    pub role: &'static str,
    pub photo: String,
    pub resume: String,
    pub persona: Persona,
    pub home_net: Net,
    pub mobile_isp: usize,
    pub phone_agent: usize,
    pub serial: String,
    pub hostname: String,
    pub os: &'static str,
    pub mac: bool,
    pub laptop_agent: usize,
    pub device_uuid: String,
    pub idp_user_id: String,
    pub shipment_id: String,
    pub ship_day: i64,
    pub ship_address: String,
    pub ship_recipient: String,
    pub payroll: Vec<PaySegment>,
    pub salary_dollars: u64,
    pub trip: Option<Trip>,
    pub vpn_net: Option<Net>,
    pub cowork: Option<usize>,
    pub remote_tool: Option<usize>,
    pub jiggler: Option<usize>,
    pub kvm: Option<usize>,
}

pub struct Farm {
    pub id: String,
    pub facilitator: String,
    pub city: usize,
    pub address: Address,
    pub net: Net,
    pub workers: Vec<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityKind {
    Stolen,
    Synthetic,
}

/// Behaviours that can be planted on a DPRK worker; truth lists them per worker.
pub mod behaviour {
    pub const STOLEN_IDENTITY: &str = "stolen_identity";
    pub const SYNTHETIC_IDENTITY: &str = "synthetic_identity";
    pub const REUSED_IDENTITY: &str = "reused_identity_across_companies";
    pub const SHARED_PHONE: &str = "shared_phone";
    pub const REUSED_PHOTO: &str = "reused_photo";
    pub const REUSED_RESUME: &str = "reused_resume";
    pub const FARM_SHIPPING: &str = "laptop_shipped_to_farm";
    pub const FACILITATOR_RECIPIENT: &str = "shipment_recipient_is_facilitator";
    pub const FARM_EGRESS: &str = "farm_residential_egress_ip";
    pub const ALWAYS_ON: &str = "always_on_sessions";
    pub const ASIA_HOURS: &str = "asia_working_hours";
    pub const ASTRILL: &str = "astrill_vpn";
    pub const CHINA: &str = "china_egress";
    pub const RUSSIA: &str = "russia_egress";
    pub const IPKVM: &str = "ipkvm_usb_device";
    pub const REMOTE_TOOL: &str = "remote_access_tool";
    pub const JIGGLER: &str = "mouse_jiggler";
    pub const SHARED_PAYOUT: &str = "shared_payout_account";
    pub const PAYOUT_SWITCH: &str = "payout_switch_after_hire";
    pub const FREQUENT_CHANGES: &str = "frequent_payout_account_changes";
    pub const PAYOUT_COUNTRY: &str = "payout_country_mismatch";

    /// Behaviours drawn at random (each forced onto someone if the draw missed it).
    pub const OPTIONAL: &[(&str, f64)] = &[
        (FACILITATOR_RECIPIENT, 0.35),
        (ALWAYS_ON, 0.85),
        (ASIA_HOURS, 0.85),
        (ASTRILL, 0.6),
        (CHINA, 0.3),
        (RUSSIA, 0.15),
        (IPKVM, 0.6),
        (REMOTE_TOOL, 0.7),
        (JIGGLER, 0.4),
        (PAYOUT_SWITCH, 0.7),
        (FREQUENT_CHANGES, 0.4),
    ];
}

pub struct Worker {
    pub emp: usize,
    pub farm: usize,
    pub identity: IdentityKind,
    /// The operator's real UTC offset in hours (China +8, DPRK +9).
    pub asia_offset_h: i64,
    pub behaviours: Vec<&'static str>,
    pub astrill: Vec<Net>,
    pub china: Option<Net>,
    pub russia: Option<Net>,
}

impl Worker {
    pub fn has(&self, b: &str) -> bool {
        self.behaviours.contains(&b)
    }
}

pub struct Cowork {
    pub name: String,
    pub city: usize,
    pub net: Net,
    pub members: Vec<usize>,
}

pub struct Couple {
    pub a: usize,
    pub b: usize,
    pub joint_account: bool,
}

pub struct World {
    pub companies: Vec<Company>,
    pub employees: Vec<Employee>,
    pub farms: Vec<Farm>,
    pub workers: Vec<Worker>,
    pub coworks: Vec<Cowork>,
    pub couples: Vec<Couple>,
    /// National id -> the employees using it (stolen identities only).
    pub stolen: BTreeMap<String, Vec<usize>>,
    /// Payout accounts used by several DPRK workers: account -> (method, employees).
    pub shared_accounts: BTreeMap<String, (&'static str, Vec<usize>)>,
}

/// Sizes of the people side of the world per scale.
pub struct PeopleSize {
    pub companies: usize,
    pub employees: usize,
}

pub fn people_size(scale: Scale) -> PeopleSize {
    match scale {
        Scale::Tiny => PeopleSize {
            companies: 3,
            employees: 100,
        },
        Scale::Small => PeopleSize {
            companies: 10,
            employees: 1_500,
        },
        Scale::Medium => PeopleSize {
            companies: 50,
            employees: 15_000,
        },
        Scale::Large => PeopleSize {
            companies: 200,
            employees: 100_000,
        },
    }
}

/// A bijection on 16-bit values, so consecutive allocations look scattered.
fn permute16(x: u32) -> u32 {
    let mut x = x & 0xffff;
    x = x.wrapping_mul(40_503) & 0xffff;
    x ^= x >> 7;
    x = x.wrapping_mul(0x2c1b) & 0xffff;
    x ^ (x >> 5)
}

/// Allocates unique IPv4 addresses inside each ISP's blocks.
#[derive(Default)]
struct IpAllocator {
    next: Vec<u32>,
}

impl IpAllocator {
    fn net(&mut self, isp: usize, city: usize) -> Net {
        if self.next.is_empty() {
            self.next = vec![0; ISPS.len()];
        }
        let blocks = ISPS[isp].blocks;
        loop {
            let i = self.next[isp];
            self.next[isp] += 1;
            let (a, b) = blocks[i as usize % blocks.len()];
            let n = i / blocks.len() as u32;
            let host = permute16(n.wrapping_add(u32::from(a) * 7919 + u32::from(b) * 104_729));
            // Skip network and broadcast-looking host parts.
            if !matches!(host & 0xff, 0 | 255) {
                return Net {
                    ip: (u32::from(a) << 24) | (u32::from(b) << 16) | host,
                    isp: isp as u16,
                    city: city as u16,
                };
            }
        }
    }

    fn residential(&mut self, rng: &mut Rng, city: usize) -> Net {
        let isp = *rng.pick(CITIES[city].isps);
        self.net(isp, city)
    }
}

/// Free slots of each company, handed out at random.
struct Slots {
    personas: Vec<Vec<Persona>>,
    free: Vec<Vec<usize>>,
}

impl Slots {
    fn take(&mut self, company: usize, persona: Persona) -> Option<usize> {
        let slot = self.free[company].pop()?;
        self.personas[company][slot] = persona;
        Some(slot)
    }

    fn free_count(&self, company: usize) -> usize {
        self.free[company].len()
    }
}

fn weighted_company(rng: &mut Rng, companies: &[Company], exclude: Option<usize>) -> usize {
    let weights: Vec<u32> = companies
        .iter()
        .enumerate()
        .map(|(i, c)| if Some(i) == exclude { 0 } else { c.size as u32 })
        .collect();
    rng.weighted(&weights)
}

fn pick_role(rng: &mut Rng) -> &'static str {
    if rng.chance(0.55) {
        rng.pick::<&str>(catalog::ENGINEERING_ROLES)
    } else {
        rng.pick::<&str>(catalog::OTHER_ROLES)
    }
}

fn salary(rng: &mut Rng, role: &str, persona: Persona) -> u64 {
    let (lo, hi) = if persona == Persona::WiseContractor {
        (48_000, 95_000)
    } else if catalog::IT_ROLES.contains(&role) {
        (65_000, 115_000)
    } else if catalog::ENGINEERING_ROLES.contains(&role) {
        (115_000, 215_000)
    } else {
        (68_000, 165_000)
    };
    rng.range(lo, hi) / 500 * 500
}

fn make_companies(rng: &mut Rng, size: &PeopleSize) -> Vec<Company> {
    let mut names = HashSet::new();
    let mut companies = Vec::with_capacity(size.companies);
    // Heavy-tailed company sizes: a few large employers and many small ones.
    let raw: Vec<f64> = (0..size.companies)
        .map(|_| {
            let u = rng.unit();
            0.25 + u * u * u * 4.0
        })
        .collect();
    let total: f64 = raw.iter().sum();
    let mut assigned = 0usize;
    for (i, r) in raw.iter().enumerate() {
        let (prefix, noun) = loop {
            let p = *rng.pick(catalog::COMPANY_PREFIXES);
            let n = *rng.pick(catalog::COMPANY_NOUNS);
            if names.insert((p, n)) {
                break (p, n);
            }
        };
        let suffix = *rng.pick(catalog::COMPANY_SUFFIXES);
        let name = if suffix.is_empty() {
            format!("{prefix} {noun}")
        } else {
            format!("{prefix} {noun} {suffix}")
        };
        let id = format!("{}-{:04x}", people::slug(prefix), rng.below(0x10000));
        let tld = *rng.pick(&["com", "com", "io", "co", "net"]);
        let domain = format!("{}{}.{tld}", people::slug(prefix), people::slug(noun));
        let mut n = ((size.employees as f64) * r / total).round() as usize;
        if i + 1 == size.companies {
            n = size.employees.saturating_sub(assigned);
        }
        let n = n.max(12);
        assigned += n;
        let host_prefix: String = prefix.chars().take(4).collect::<String>().to_uppercase();
        companies.push(Company {
            id,
            name,
            domain,
            // Entra tenants outnumber Okta orgs; Entra events are also smaller on disk.
            idp: if i % 3 == 0 { Idp::Okta } else { Idp::Entra },
            host_prefix,
            hostname_style: rng.below(3) as u8,
            email_style: rng.below(4) as u8,
            id_style: rng.below(4) as u8,
            semimonthly: rng.chance(0.5),
            mac_percent: rng.range(20, 90),
            vpn: Vec::new(),
            size: n,
        });
    }
    companies
}

/// What was decided about a DPRK worker before the employee record exists.
struct WorkerPlan {
    company: usize,
    slot: usize,
    farm: usize,
    identity: IdentityKind,
    first: String,
    last: String,
    dob_day: i64,
    national_id: Option<String>,
    phone: Option<String>,
    photo: Option<String>,
    resume: Option<String>,
    behaviours: Vec<&'static str>,
    /// Shared account index into `shared_plan`, if any.
    shared: Option<usize>,
}

struct SharedPlan {
    method: &'static str,
    account: String,
    country: &'static str,
}

const PAYOUT_COUNTRIES: &[&str] = &["HK", "CN", "AE", "SG", "LT", "PH"];

impl World {
    pub fn generate(seed: u64, scale: Scale) -> World {
        let size = people_size(scale);
        let mut rng = Rng::stream(seed, "world", 0);
        let mut reg = Registry::default();
        let mut ips = IpAllocator::default();
        let mut companies = make_companies(&mut rng, &size);
        let n_companies = companies.len();
        let total: usize = companies.iter().map(|c| c.size).sum();

        let mut slots = Slots {
            personas: companies
                .iter()
                .map(|c| vec![Persona::Normal; c.size])
                .collect(),
            free: companies
                .iter()
                .map(|c| {
                    let mut v: Vec<usize> = (0..c.size).collect();
                    rng.shuffle(&mut v);
                    v
                })
                .collect(),
        };

        // --- DPRK workers and their farms -------------------------------------------------
        let n_workers = (total * 3 / 100).max(5);
        let n_farms = (n_workers / 12).max(2);
        let us_cities = catalog::cities_in(Region::UsHome);
        let mut farms: Vec<Farm> = (0..n_farms)
            .map(|f| {
                let city = *rng.pick(&us_cities);
                let first = *rng.pick(catalog::FIRST_NAMES);
                let last = *rng.pick(catalog::LAST_NAMES);
                Farm {
                    id: format!("farm-{:02}", f + 1),
                    facilitator: format!("{first} {last}"),
                    city,
                    address: reg.address(&mut rng, city),
                    net: ips.residential(&mut rng, city),
                    workers: Vec::new(),
                }
            })
            .collect();
        let mut farm_first_company: Vec<Option<usize>> = vec![None; n_farms];
        let mut plans: Vec<WorkerPlan> = Vec::with_capacity(n_workers);
        for j in 0..n_workers {
            let farm = j % n_farms;
            let exclude = if n_companies > 1 {
                farm_first_company[farm]
            } else {
                None
            };
            let second = j / n_farms == 1;
            let mut company =
                weighted_company(&mut rng, &companies, if second { exclude } else { None });
            while slots.free_count(company) < 3 {
                company = (company + 1) % n_companies;
            }
            if farm_first_company[farm].is_none() {
                farm_first_company[farm] = Some(company);
            }
            let slot = slots
                .take(company, Persona::Dprk(j))
                .expect("free slot checked");
            plans.push(WorkerPlan {
                company,
                slot,
                farm,
                identity: IdentityKind::Stolen,
                first: rng.pick(catalog::FIRST_NAMES).to_string(),
                last: rng.pick(catalog::LAST_NAMES).to_string(),
                dob_day: WINDOW_START_DAY - 365 * rng.range(23, 45) as i64 - rng.below(365) as i64,
                national_id: None,
                phone: None,
                photo: None,
                resume: None,
                behaviours: Vec::new(),
                shared: None,
            });
        }
        let shared_plan = plan_dprk_identities(&mut rng, &mut reg, &mut plans, &farms);

        // --- honest look-alikes -----------------------------------------------------------
        let n_couples = (total / 400).max(1);
        let mut couple_slots = Vec::new();
        for k in 0..n_couples {
            let a = weighted_company(&mut rng, &companies, None);
            let b = if n_companies > 1 {
                weighted_company(&mut rng, &companies, Some(a))
            } else {
                a
            };
            if let (Some(sa), Some(sb)) = (
                slots.take(a, Persona::Couple(k)),
                slots.take(b, Persona::Couple(k)),
            ) {
                couple_slots.push(((a, sa), (b, sb)));
            }
        }
        let n_spaces = (total / 1500).max(1);
        let mut space_members: Vec<Vec<(usize, usize)>> = Vec::new();
        for k in 0..n_spaces {
            let m = rng.range(4, 11) as usize;
            let mut members = Vec::new();
            let mut first_company = None;
            for i in 0..m {
                let exclude = if i == 1 { first_company } else { None };
                let c = weighted_company(&mut rng, &companies, exclude);
                first_company.get_or_insert(c);
                if let Some(s) = slots.take(c, Persona::Cowork(k)) {
                    members.push((c, s));
                }
            }
            space_members.push(members);
        }
        for _ in 0..(total / 300).max(1) {
            let c = weighted_company(&mut rng, &companies, None);
            slots.take(c, Persona::Traveller);
        }
        for _ in 0..(total / 100).max(2) {
            let c = weighted_company(&mut rng, &companies, None);
            slots.take(c, Persona::WiseContractor);
        }
        for _ in 0..(total / 150).max(2) {
            let c = weighted_company(&mut rng, &companies, None);
            slots.take(c, Persona::KoreanAmerican);
        }
        for (c, company) in companies.iter().enumerate() {
            for _ in 0..(company.size / 60).max(1) {
                slots.take(c, Persona::ItRemote);
            }
        }
        let mut order: Vec<usize> = (0..n_companies).collect();
        rng.shuffle(&mut order);
        let dc_cities = catalog::cities_in(Region::Datacenter);
        for &c in order.iter().take((n_companies / 5).max(1)) {
            let isp = if rng.chance(0.6) {
                catalog::ISP_ZSCALER
            } else {
                catalog::ISP_PRISMA
            };
            companies[c].vpn = (0..rng.range(2, 4))
                .map(|_| ips.net(isp, *rng.pick(&dc_cities)))
                .collect();
            let n = slots.free_count(c) / 2;
            for _ in 0..n {
                slots.take(c, Persona::CorpVpn);
            }
        }

        // --- shared places -----------------------------------------------------------------
        let couple_homes: Vec<(usize, Address, Net, bool)> = couple_slots
            .iter()
            .map(|_| {
                let city = *rng.pick(&us_cities);
                (
                    city,
                    reg.address(&mut rng, city),
                    ips.residential(&mut rng, city),
                    rng.chance(0.5),
                )
            })
            .collect();
        let mut coworks: Vec<Cowork> = space_members
            .iter()
            .enumerate()
            .map(|(k, _)| {
                let city = *rng.pick(&us_cities);
                let isp = if rng.chance(0.5) {
                    catalog::ISP_COGENT
                } else {
                    catalog::ISP_LUMEN
                };
                const BRANDS: &[&str] =
                    &["Commons", "Hive", "Foundry", "Loft", "Exchange", "Workshop"];
                Cowork {
                    name: format!("{} {} #{}", CITIES[city].name, rng.pick(BRANDS), k + 1),
                    city,
                    net: ips.net(isp, city),
                    members: Vec::new(),
                }
            })
            .collect();
        let astrill: Vec<Net> = (0..(n_workers / 8).max(4))
            .map(|_| ips.net(catalog::ISP_ASTRILL, *rng.pick(&dc_cities)))
            .collect();
        let dprk_cities = catalog::cities_in(Region::Dprk);
        let china: Vec<Net> = (0..(n_workers / 15).max(3))
            .map(|i| {
                let city = dprk_cities[i % 2];
                ips.net(catalog::ISP_CHINA_UNICOM, city)
            })
            .collect();
        let russia: Vec<Net> = (0..(n_workers / 40).max(2))
            .map(|_| ips.net(catalog::ISP_TRANSTELECOM, dprk_cities[2]))
            .collect();

        // --- employees -----------------------------------------------------------------------
        let mut offsets = Vec::with_capacity(n_companies);
        let mut acc = 0;
        for c in &companies {
            offsets.push(acc);
            acc += c.size;
        }
        let mut employees: Vec<Employee> = Vec::with_capacity(acc);
        let abroad = catalog::cities_in(Region::Abroad);
        let travel = catalog::cities_in(Region::Travel);
        for (c, company) in companies.iter().enumerate() {
            let mut number = rng.range(1000, 40_000);
            for slot in 0..company.size {
                let persona = slots.personas[c][slot];
                let mut prng =
                    Rng::stream(rng.next_u64(), "employee", (c * 1_000_000 + slot) as u64);
                let r = &mut prng;
                let plan = match persona {
                    Persona::Dprk(j) => Some(&plans[j]),
                    _ => None,
                };
                // Where the person says they live.
                let (city, home, home_net) = match persona {
                    Persona::Couple(k) => {
                        let (city, addr, net, _) = &couple_homes[k];
                        (*city, addr.clone(), *net)
                    }
                    Persona::Cowork(k) => {
                        let city = coworks[k].city;
                        (city, reg.address(r, city), ips.residential(r, city))
                    }
                    Persona::WiseContractor => {
                        let city = *r.pick(&abroad);
                        (city, reg.address(r, city), ips.residential(r, city))
                    }
                    Persona::Dprk(j) => {
                        let farm_city = farms[plans[j].farm].city;
                        let mut city = *r.pick(&us_cities);
                        while city == farm_city {
                            city = *r.pick(&us_cities);
                        }
                        // The claimed home never sees the laptop; its "net" is unused.
                        (city, reg.address(r, city), ips.residential(r, city))
                    }
                    _ => {
                        let city = *r.pick(&us_cities);
                        (city, reg.address(r, city), ips.residential(r, city))
                    }
                };
                let cc = CITIES[city].cc;
                let (first, last) = match (persona, plan) {
                    (_, Some(p)) => (p.first.clone(), p.last.clone()),
                    (Persona::KoreanAmerican, _) => (
                        r.pick(catalog::KOREAN_FIRST_NAMES).to_string(),
                        r.pick(catalog::KOREAN_LAST_NAMES).to_string(),
                    ),
                    (Persona::WiseContractor, _) => {
                        let (f, l) = catalog::local_names(cc);
                        (r.pick(f).to_string(), r.pick(l).to_string())
                    }
                    _ => (
                        r.pick(catalog::FIRST_NAMES).to_string(),
                        r.pick(catalog::LAST_NAMES).to_string(),
                    ),
                };
                let full_name = format!("{first} {last}");
                let local = match company.email_style {
                    0 => format!("{}.{}", people::slug(&first), people::slug(&last)),
                    1 => format!("{}{}", &people::slug(&first)[..1], people::slug(&last)),
                    2 => format!("{}{}", people::slug(&first), &people::slug(&last)[..1]),
                    _ => format!("{}_{}", people::slug(&first), people::slug(&last)),
                };
                let email = reg.email(&local, &company.domain);
                let phone = match plan.and_then(|p| p.phone.clone()) {
                    Some(p) => p,
                    None => reg.phone(r, &CITIES[city]),
                };
                let national_id = match plan.and_then(|p| p.national_id.clone()) {
                    Some(n) => n,
                    None => reg.national_id(r, cc),
                };
                let dob_day = match plan {
                    Some(p) => p.dob_day,
                    None => WINDOW_START_DAY - 365 * r.range(22, 63) as i64 - r.below(365) as i64,
                };
                let role = match persona {
                    Persona::ItRemote => *r.pick(catalog::IT_ROLES),
                    Persona::Dprk(_) => *r.pick(catalog::ENGINEERING_ROLES),
                    _ => pick_role(r),
                };
                let hire_day = match persona {
                    Persona::Dprk(_) => WINDOW_START_DAY - r.range(30, 200) as i64,
                    Persona::WiseContractor => WINDOW_START_DAY - r.range(45, 900) as i64,
                    _ => WINDOW_START_DAY - r.range(30, 3000) as i64,
                };
                let id = match company.id_style {
                    0 => format!("E{number:06}"),
                    1 => format!("EMP-{number:05}"),
                    2 => format!("{}", 100_000 + number),
                    _ => format!("{}{number:05}", company.host_prefix),
                };
                number += r.range(1, 4);
                let mac = r.below(100) < company.mac_percent;
                let serial = reg.serial(r, mac);
                let hostname = reg.hostname(
                    r,
                    company.hostname_style,
                    &company.host_prefix,
                    &first,
                    &serial,
                    mac,
                );
                let os = if mac {
                    *r.pick(&[
                        "macOS 15.1.1",
                        "macOS 14.7.1",
                        "macOS 15.0.1",
                        "macOS 14.6.1",
                    ])
                } else {
                    *r.pick(&[
                        "Windows 11 Enterprise 23H2",
                        "Windows 11 Pro 24H2",
                        "Windows 10 Enterprise 22H2",
                    ])
                };
                let laptop_agent = if mac {
                    catalog::AGENT_MAC
                } else if company.idp == Idp::Entra && r.chance(0.6) {
                    catalog::AGENT_WINDOWS_EDGE
                } else {
                    catalog::AGENT_WINDOWS
                };
                let emp_index = offsets[c] + slot;
                let home_address = home.render(r.below(4));
                let (ship_address, ship_recipient, ship_day) = match persona {
                    Persona::Dprk(j) => {
                        let farm = &farms[plans[j].farm];
                        let recipient = if plans[j]
                            .behaviours
                            .contains(&behaviour::FACILITATOR_RECIPIENT)
                        {
                            farm.facilitator.clone()
                        } else {
                            full_name.clone()
                        };
                        // Each company's shipping tool renders the farm address its own way.
                        (
                            farm.address.render(c as u64),
                            recipient,
                            hire_day - r.range(3, 8) as i64,
                        )
                    }
                    _ => {
                        let addr = if r.chance(0.25) {
                            home.render(r.below(4))
                        } else {
                            home_address.clone()
                        };
                        let day = if hire_day > WINDOW_START_DAY - 700 {
                            hire_day - r.range(2, 10) as i64
                        } else {
                            WINDOW_START_DAY - r.range(30, 700) as i64
                        };
                        (addr, full_name.clone(), day)
                    }
                };
                let salary_dollars = salary(r, role, persona);
                let payroll = match persona {
                    Persona::Dprk(j) => dprk_payroll(
                        r,
                        &mut reg,
                        &plans[j],
                        &shared_plan,
                        &first,
                        &last,
                        hire_day,
                    ),
                    Persona::WiseContractor => vec![PaySegment {
                        from_day: hire_day,
                        method: "wise",
                        account: reg.iban(r, cc),
                        account_country: cc.to_string(),
                    }],
                    _ => vec![PaySegment {
                        from_day: hire_day,
                        method: "bank",
                        account: reg.bank_account(r),
                        account_country: "US".to_string(),
                    }],
                };
                let trip = if persona == Persona::Traveller {
                    let dest = *r.pick(&travel);
                    let isp = CITIES[dest].isps[0];
                    Some(Trip {
                        city: dest,
                        first_day: r.range(7, 16) as i64,
                        days: r.range(5, 9) as i64,
                        net: ips.net(isp, dest),
                    })
                } else {
                    None
                };
                let vpn_net = if persona == Persona::CorpVpn {
                    Some(*r.pick(&company.vpn))
                } else {
                    None
                };
                let (remote_tool, jiggler, kvm) = match (persona, plan) {
                    (Persona::ItRemote, _) => (Some(if r.chance(0.5) { 3 } else { 0 }), None, None),
                    (_, Some(p)) => (
                        p.behaviours
                            .contains(&behaviour::REMOTE_TOOL)
                            .then(|| r.index(catalog::REMOTE_TOOLS.len())),
                        p.behaviours
                            .contains(&behaviour::JIGGLER)
                            .then(|| r.index(catalog::JIGGLERS.len())),
                        p.behaviours
                            .contains(&behaviour::IPKVM)
                            .then(|| r.index(catalog::IPKVM_USB.len())),
                    ),
                    _ => (None, None, None),
                };
                let idp_user_id = match company.idp {
                    Idp::Okta => people::okta_id(r, "00u"),
                    Idp::Entra => crate::fmt::uuid_string(r.next_u64(), r.next_u64()),
                };
                let mobile_isp = if cc == "US" {
                    if r.chance(0.5) {
                        catalog::ISP_TMOBILE
                    } else {
                        catalog::ISP_VERIZON_WIRELESS
                    }
                } else {
                    home_net.isp as usize
                };
                employees.push(Employee {
                    company: c,
                    id,
                    first: first.clone(),
                    last: last.clone(),
                    full_name,
                    email,
                    phone,
                    dob_day,
                    national_id,
                    city,
                    zone: catalog::zone_index(CITIES[city].zone),
                    home_address,
                    hire_day,
                    role,
                    photo: plan
                        .and_then(|p| p.photo.clone())
                        .unwrap_or_else(|| people::sha256_hex(r)),
                    resume: plan
                        .and_then(|p| p.resume.clone())
                        .unwrap_or_else(|| people::sha256_hex(r)),
                    persona,
                    home_net,
                    mobile_isp,
                    phone_agent: if r.chance(0.6) {
                        catalog::AGENT_IPHONE
                    } else {
                        catalog::AGENT_ANDROID
                    },
                    serial,
                    hostname,
                    os,
                    mac,
                    laptop_agent,
                    device_uuid: crate::fmt::uuid_string(r.next_u64(), r.next_u64()).to_uppercase(),
                    idp_user_id,
                    shipment_id: format!("SHP{:09}", r.below(1_000_000_000)),
                    ship_day,
                    ship_address,
                    ship_recipient,
                    payroll,
                    salary_dollars,
                    trip,
                    vpn_net,
                    cowork: match persona {
                        Persona::Cowork(k) => Some(k),
                        _ => None,
                    },
                    remote_tool,
                    jiggler,
                    kvm,
                });
                debug_assert_eq!(employees.len(), emp_index + 1);
            }
        }

        // --- tie the groups to employee indices --------------------------------------------
        let mut workers = Vec::with_capacity(plans.len());
        for (j, p) in plans.iter().enumerate() {
            let emp = offsets[p.company] + p.slot;
            farms[p.farm].workers.push(emp);
            let mut wr = Rng::stream(seed, "worker", j as u64);
            let behaviours = p.behaviours.clone();
            workers.push(Worker {
                emp,
                farm: p.farm,
                identity: p.identity,
                asia_offset_h: if wr.chance(0.6) { 8 } else { 9 },
                astrill: (0..wr.range(1, 3)).map(|_| *wr.pick(&astrill)).collect(),
                china: behaviours
                    .contains(&behaviour::CHINA)
                    .then(|| *wr.pick(&china)),
                russia: behaviours
                    .contains(&behaviour::RUSSIA)
                    .then(|| *wr.pick(&russia)),
                behaviours,
            });
        }
        for (k, members) in space_members.iter().enumerate() {
            coworks[k].members = members.iter().map(|&(c, s)| offsets[c] + s).collect();
        }
        let couples = couple_slots
            .iter()
            .zip(&couple_homes)
            .map(|(&((a, sa), (b, sb)), home)| Couple {
                a: offsets[a] + sa,
                b: offsets[b] + sb,
                joint_account: home.3,
            })
            .collect::<Vec<_>>();
        for couple in &couples {
            if couple.joint_account {
                let account = employees[couple.a].payroll[0].account.clone();
                employees[couple.b].payroll[0].account = account;
            }
        }
        let mut stolen: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for w in &workers {
            if w.identity == IdentityKind::Stolen {
                stolen
                    .entry(employees[w.emp].national_id.clone())
                    .or_default()
                    .push(w.emp);
            }
        }
        let mut shared_accounts: BTreeMap<String, (&'static str, Vec<usize>)> = BTreeMap::new();
        for w in &workers {
            for seg in &employees[w.emp].payroll {
                if shared_plan.iter().any(|s| s.account == seg.account) {
                    let entry = shared_accounts
                        .entry(seg.account.clone())
                        .or_insert((seg.method, Vec::new()));
                    if !entry.1.contains(&w.emp) {
                        entry.1.push(w.emp);
                    }
                }
            }
        }
        shared_accounts.retain(|_, (_, emps)| emps.len() >= 2);
        for w in &mut workers {
            let in_shared = shared_accounts.values().any(|(_, e)| e.contains(&w.emp));
            w.behaviours.retain(|b| *b != behaviour::SHARED_PAYOUT);
            if in_shared {
                w.behaviours.push(behaviour::SHARED_PAYOUT);
            }
            let claimed = CITIES[employees[w.emp].city].cc;
            if employees[w.emp]
                .payroll
                .iter()
                .any(|s| s.account_country != claimed)
            {
                w.behaviours.push(behaviour::PAYOUT_COUNTRY);
            }
            w.behaviours.sort_unstable();
            w.behaviours.dedup();
        }

        World {
            companies,
            employees,
            farms,
            workers,
            coworks,
            couples,
            stolen,
            shared_accounts,
        }
    }

    /// Pay dates of a company between `from_day` and the end of the window.
    pub fn pay_days(&self, company: usize, from_day: i64) -> Vec<i64> {
        let semimonthly = self.companies[company].semimonthly;
        let start = from_day.max(PAYROLL_START_DAY);
        let end = WINDOW_START_DAY + WINDOW_DAYS;
        let mut days = Vec::new();
        if semimonthly {
            let (mut y, mut m, _) = crate::fmt::civil_from_days(start);
            loop {
                let fifteenth = crate::fmt::days_from_civil(y, m, 15);
                let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                let last = crate::fmt::days_from_civil(ny, nm, 1) - 1;
                for d in [fifteenth, last] {
                    if d >= start && d < end {
                        days.push(d);
                    }
                }
                if last >= end {
                    break;
                }
                (y, m) = (ny, nm);
            }
        } else {
            // Every other Friday, anchored on 2026-01-02.
            let anchor = crate::fmt::days_from_civil(2026, 1, 2);
            let mut d = anchor + ((start - anchor).max(0) + 13) / 14 * 14;
            while d < end {
                days.push(d);
                d += 14;
            }
        }
        days
    }
}

/// Decides identities, shared phones/photos/resumes, behaviours and shared
/// payout accounts for the planned DPRK workers.
fn plan_dprk_identities(
    rng: &mut Rng,
    reg: &mut Registry,
    plans: &mut [WorkerPlan],
    farms: &[Farm],
) -> Vec<SharedPlan> {
    use behaviour as b;
    let n = plans.len();
    for (j, p) in plans.iter_mut().enumerate() {
        p.identity = match j {
            0 => IdentityKind::Stolen,
            1 => IdentityKind::Synthetic,
            _ if rng.chance(0.6) => IdentityKind::Stolen,
            _ => IdentityKind::Synthetic,
        };
        p.behaviours.push(b::FARM_SHIPPING);
        p.behaviours.push(b::FARM_EGRESS);
        p.behaviours.push(if p.identity == IdentityKind::Stolen {
            b::STOLEN_IDENTITY
        } else {
            b::SYNTHETIC_IDENTITY
        });
        for &(name, prob) in b::OPTIONAL {
            if rng.chance(prob) {
                p.behaviours.push(name);
            }
        }
    }
    // Any optional behaviour the draw missed is planted on someone.
    for &(name, _) in b::OPTIONAL {
        if !plans.iter().any(|p| p.behaviours.contains(&name)) {
            let j = rng.index(n);
            plans[j].behaviours.push(name);
        }
    }
    // A job at the same company as an earlier worker is never the reuse partner.
    let stolen: Vec<usize> = (0..n)
        .filter(|&j| plans[j].identity == IdentityKind::Stolen)
        .collect();
    for &j in &stolen {
        plans[j].national_id = Some(reg.national_id(rng, "US"));
    }
    // Reused stolen identities: the same SSN at two companies, sometimes under another name.
    let mut reused_any = false;
    let mut used = vec![false; n];
    for (i, &a) in stolen.iter().enumerate() {
        if used[a] {
            continue;
        }
        let want = !reused_any || rng.chance(0.35);
        if !want {
            continue;
        }
        if let Some(&partner) = stolen[i + 1..]
            .iter()
            .find(|&&x| !used[x] && plans[x].company != plans[a].company)
        {
            used[a] = true;
            used[partner] = true;
            reused_any = true;
            let id = plans[a].national_id.clone();
            plans[partner].national_id = id;
            plans[partner].dob_day = plans[a].dob_day;
            if rng.chance(0.5) {
                plans[partner].first = plans[a].first.clone();
                plans[partner].last = plans[a].last.clone();
            }
            for j in [a, partner] {
                plans[j].behaviours.push(b::REUSED_IDENTITY);
            }
        }
    }
    // Synthetic personas share VoIP numbers.
    let synthetic: Vec<usize> = (0..n)
        .filter(|&j| plans[j].identity == IdentityKind::Synthetic)
        .collect();
    for (g, group) in synthetic.chunks(3).enumerate() {
        if group.len() >= 2 && (g == 0 || rng.chance(0.5)) {
            let phone = reg.voip_phone(rng);
            for &j in group {
                plans[j].phone = Some(phone.clone());
                plans[j].behaviours.push(b::SHARED_PHONE);
            }
        }
    }
    // Reused headshots and resumes across personas.
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    for (g, pair) in order.chunks(2).enumerate() {
        if pair.len() == 2 && (g == 0 || rng.chance(0.3)) {
            let photo = people::sha256_hex(rng);
            for &j in pair {
                plans[j].photo = Some(photo.clone());
                plans[j].behaviours.push(b::REUSED_PHOTO);
            }
        }
    }
    rng.shuffle(&mut order);
    for (g, group) in order.chunks(3).enumerate() {
        if group.len() >= 2 && (g == 0 || rng.chance(0.3)) {
            let resume = people::sha256_hex(rng);
            for &j in group {
                plans[j].resume = Some(resume.clone());
                plans[j].behaviours.push(b::REUSED_RESUME);
            }
        }
    }
    // Shared payout accounts: the facilitator's bank account per farm, and
    // Payoneer/Wise/crypto accounts shared across farms.
    let mut shared = Vec::new();
    for (f, farm) in farms.iter().enumerate() {
        let members: Vec<usize> = (0..n).filter(|&j| plans[j].farm == f).collect();
        if members.len() >= 2 && (f == 0 || rng.chance(0.5)) {
            let idx = shared.len();
            shared.push(SharedPlan {
                method: "bank",
                account: reg.bank_account(rng),
                country: "US",
            });
            let _ = &farm.facilitator;
            for &j in members
                .iter()
                .take(rng.range(2, members.len() as u64 + 1) as usize)
            {
                plans[j].shared = Some(idx);
            }
        }
    }
    rng.shuffle(&mut order);
    for group in order.chunks(4) {
        if group.len() < 2 || !rng.chance(0.4) {
            continue;
        }
        let method = *rng.pick(&["payoneer", "wise", "crypto"]);
        let account = match method {
            "crypto" => reg.wallet(rng),
            _ => {
                let first = *rng.pick(catalog::FIRST_NAMES);
                let last = *rng.pick(catalog::LAST_NAMES);
                reg.personal_email(rng, first, last)
            }
        };
        let idx = shared.len();
        shared.push(SharedPlan {
            method,
            account,
            country: rng.pick::<&str>(PAYOUT_COUNTRIES),
        });
        for &j in group {
            if plans[j].shared.is_none() {
                plans[j].shared = Some(idx);
            }
        }
    }
    for p in plans.iter_mut() {
        p.behaviours.sort_unstable();
        p.behaviours.dedup();
    }
    shared
}

/// Payout history of a DPRK worker: a US account first, then (often within a
/// pay period or two) Payoneer/Wise/crypto accounts abroad, changed often.
fn dprk_payroll(
    r: &mut Rng,
    reg: &mut Registry,
    plan: &WorkerPlan,
    shared: &[SharedPlan],
    first: &str,
    last: &str,
    hire_day: i64,
) -> Vec<PaySegment> {
    let shared_plan = plan.shared.map(|i| &shared[i]);
    let mut segments = Vec::new();
    match shared_plan {
        Some(s) if s.method == "bank" => segments.push(PaySegment {
            from_day: hire_day,
            method: "bank",
            account: s.account.clone(),
            account_country: s.country.to_string(),
        }),
        _ => segments.push(PaySegment {
            from_day: hire_day,
            method: "bank",
            account: reg.bank_account(r),
            account_country: "US".to_string(),
        }),
    }
    let switch = plan.behaviours.contains(&behaviour::PAYOUT_SWITCH)
        || shared_plan.is_some_and(|s| s.method != "bank");
    if !switch {
        return segments;
    }
    let mut day = hire_day + r.range(12, 32) as i64;
    let changes = if plan.behaviours.contains(&behaviour::FREQUENT_CHANGES) {
        r.range(3, 5)
    } else {
        1
    };
    for i in 0..changes {
        let use_shared = shared_plan.filter(|s| s.method != "bank" && i == 0);
        let seg = match use_shared {
            Some(s) => PaySegment {
                from_day: day,
                method: s.method,
                account: s.account.clone(),
                account_country: s.country.to_string(),
            },
            None => {
                let method = *r.pick(&["payoneer", "wise", "crypto", "paypal"]);
                let country = r.pick(PAYOUT_COUNTRIES).to_string();
                let account = match method {
                    "crypto" => reg.wallet(r),
                    "wise" if r.chance(0.5) => reg.iban(r, "BE"),
                    _ => reg.personal_email(r, first, last),
                };
                PaySegment {
                    from_day: day,
                    method,
                    account,
                    account_country: country,
                }
            }
        };
        segments.push(seg);
        day += r.range(14, 35) as i64;
    }
    segments
}

/// Offset in seconds of the employee's claimed zone at `unix_s`.
pub fn zone_offset(zone: usize, unix_s: i64) -> i64 {
    catalog::ZONES[zone].offset_secs(unix_s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_world_has_every_persona() {
        let w = World::generate(1, Scale::Tiny);
        let has = |p: fn(&Persona) -> bool| w.employees.iter().any(|e| p(&e.persona));
        assert!(has(|p| matches!(p, Persona::Couple(_))));
        assert!(has(|p| matches!(p, Persona::Cowork(_))));
        assert!(has(|p| *p == Persona::Traveller));
        assert!(has(|p| *p == Persona::CorpVpn));
        assert!(has(|p| *p == Persona::ItRemote));
        assert!(has(|p| *p == Persona::WiseContractor));
        assert!(has(|p| *p == Persona::KoreanAmerican));
        assert!(w.workers.len() >= 5);
    }

    #[test]
    fn pay_days_fall_in_range() {
        let w = World::generate(3, Scale::Tiny);
        let days = w.pay_days(0, WINDOW_START_DAY - 60);
        assert!(days.len() >= 4);
        assert!(days.windows(2).all(|p| p[0] < p[1]));
    }
}
