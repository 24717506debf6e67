//! Personal attributes as HR systems hold them: names, e-mail addresses,
//! phone numbers and home addresses in the messy formats people type, national
//! ids, device serials and host names. A [`Registry`] keeps the values that
//! must not collide by accident (a shared phone or address is a signal, so it
//! may only appear where the simulator plants it).

use std::collections::HashSet;

use crate::catalog::{self, City, CITIES};
use crate::rng::Rng;

#[derive(Default)]
pub struct Registry {
    phones: HashSet<u64>,
    national_ids: HashSet<String>,
    addresses: HashSet<String>,
    serials: HashSet<String>,
    hostnames: HashSet<String>,
    emails: HashSet<String>,
    accounts: HashSet<String>,
}

/// A street address with its parts kept, so it can be re-rendered in another format.
#[derive(Clone, Debug)]
pub struct Address {
    pub number: u32,
    pub direction: Option<usize>,
    pub street: usize,
    pub suffix: usize,
    pub unit: Option<u32>,
    pub city: usize,
    pub zip: String,
}

impl Address {
    /// Renders the address in one of several formats HR and shipping tools produce.
    pub fn render(&self, style: u64) -> String {
        let c: &City = &CITIES[self.city];
        let street = catalog::STREETS[self.street];
        let (suf_abbr, suf_full) = catalog::STREET_SUFFIXES[self.suffix];
        if c.cc != "US" {
            let unit = self.unit.map(|u| format!("/{u}")).unwrap_or_default();
            return match c.cc {
                "PL" => format!(
                    "ul. {street} {}{unit}, {} {}",
                    self.number, self.zip, c.name
                ),
                "PT" | "BR" => format!(
                    "Rua {street}, {}{unit}, {} {}",
                    self.number, self.zip, c.name
                ),
                "MX" | "AR" => format!(
                    "Calle {street} {}{unit}, {} {}",
                    self.number, self.zip, c.name
                ),
                _ => format!(
                    "{} {street} Road{unit}, {}, {} {}",
                    self.number, c.name, c.state, self.zip
                ),
            };
        }
        let dir = |full: bool| {
            self.direction
                .map(|d| {
                    let (a, f) = catalog::DIRECTIONS[d];
                    format!("{} ", if full { f } else { a })
                })
                .unwrap_or_default()
        };
        match style % 4 {
            0 => {
                let unit = self.unit.map(|u| format!(" Apt {u}")).unwrap_or_default();
                format!(
                    "{} {}{street} {suf_abbr}{unit}, {}, {} {}",
                    self.number,
                    dir(false),
                    c.name,
                    c.state_code,
                    self.zip
                )
            }
            1 => {
                let unit = self.unit.map(|u| format!(", Unit {u}")).unwrap_or_default();
                format!(
                    "{} {}{street} {suf_full}{unit}, {}, {} {}",
                    self.number,
                    dir(true),
                    c.name,
                    c.state_code,
                    self.zip
                )
            }
            2 => {
                let unit = self.unit.map(|u| format!(" #{u}")).unwrap_or_default();
                let dot = if suf_abbr == "Way" { "" } else { "." };
                format!(
                    "{} {}{street} {suf_abbr}{dot}{unit}, {} {} {}",
                    self.number,
                    dir(false).replace(' ', ". "),
                    c.name,
                    c.state_code,
                    self.zip
                )
            }
            _ => {
                let unit = self.unit.map(|u| format!(" Apt. {u}")).unwrap_or_default();
                format!(
                    "{} {}{} {}{unit}, {}, {} {}",
                    self.number,
                    dir(true).to_uppercase(),
                    street.to_uppercase(),
                    suf_full.to_uppercase(),
                    c.name.to_uppercase(),
                    c.state,
                    self.zip
                )
            }
        }
    }

    fn key(&self) -> String {
        format!(
            "{}|{:?}|{}|{}|{:?}|{}",
            self.number, self.direction, self.street, self.suffix, self.unit, self.city
        )
    }
}

/// Lowercase ASCII letters of a name part, for e-mail local parts.
pub fn slug(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

const SERIAL_CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

pub fn random_chars(rng: &mut Rng, alphabet: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| alphabet[rng.index(alphabet.len())] as char)
        .collect()
}

pub fn okta_id(rng: &mut Rng, prefix: &str) -> String {
    format!("{prefix}{}", random_chars(rng, ALNUM, 17))
}

pub fn sha256_hex(rng: &mut Rng) -> String {
    crate::fmt::hex_string(&rng.bytes::<32>())
}

impl Registry {
    pub fn address(&mut self, rng: &mut Rng, city: usize) -> Address {
        loop {
            let c = &CITIES[city];
            let zip = if c.cc == "US" {
                let base: u32 = c.postal.parse().unwrap_or(10001);
                format!("{:05}", base + rng.below(40) as u32)
            } else {
                c.postal.to_string()
            };
            let addr = Address {
                number: if rng.chance(0.5) {
                    rng.range(100, 9999) as u32
                } else {
                    rng.range(10, 999) as u32
                },
                direction: if rng.chance(0.2) {
                    Some(rng.index(catalog::DIRECTIONS.len()))
                } else {
                    None
                },
                street: rng.index(catalog::STREETS.len()),
                suffix: rng.index(catalog::STREET_SUFFIXES.len()),
                unit: if rng.chance(0.3) {
                    Some(rng.range(1, 40) as u32)
                } else {
                    None
                },
                city,
                zip,
            };
            if self.addresses.insert(addr.key()) {
                return addr;
            }
        }
    }

    /// A phone number unique in the world, rendered in a random common format.
    pub fn phone(&mut self, rng: &mut Rng, city: &City) -> String {
        loop {
            if city.cc == "US" {
                let area = u64::from(*rng.pick(city.area_codes));
                let mut exchange = rng.range(201, 1000);
                if exchange % 100 == 11 {
                    exchange += 1;
                }
                let line = rng.below(10_000);
                let key = area * 10_000_000 + exchange * 10_000 + line;
                if !self.phones.insert(key) {
                    continue;
                }
                return match rng.below(6) {
                    0 => format!("({area}) {exchange}-{line:04}"),
                    1 => format!("+1 {area}-{exchange}-{line:04}"),
                    2 => format!("{area}.{exchange}.{line:04}"),
                    3 => format!("{area}{exchange}{line:04}"),
                    4 => format!("+1{area}{exchange}{line:04}"),
                    _ => format!("{area}-{exchange}-{line:04}"),
                };
            }
            let (prefix, digits) = match city.cc {
                "PL" => (48u64, 9u32),
                "PT" => (351, 9),
                "MX" => (52, 10),
                "PH" => (63, 10),
                "AR" => (54, 10),
                "BR" => (55, 11),
                _ => (91, 10),
            };
            let number = rng.range(10u64.pow(digits - 1) * 5, 10u64.pow(digits));
            let key = prefix * 100_000_000_000 + number;
            if !self.phones.insert(key) {
                continue;
            }
            return if rng.chance(0.5) {
                format!("+{prefix} {number}")
            } else {
                format!("+{prefix}{number}")
            };
        }
    }

    /// A VoIP-style US number (several DPRK personas share one).
    pub fn voip_phone(&mut self, rng: &mut Rng) -> String {
        let us = catalog::cities_in(catalog::Region::UsHome);
        let city = &CITIES[*rng.pick(&us)];
        self.phone(rng, city)
    }

    pub fn national_id(&mut self, rng: &mut Rng, cc: &str) -> String {
        loop {
            let id = match cc {
                "US" => {
                    let mut area = rng.range(1, 900);
                    if area == 666 {
                        area = 667;
                    }
                    let group = rng.range(1, 100);
                    let serial = rng.range(1, 10_000);
                    if rng.chance(0.85) {
                        format!("{area:03}-{group:02}-{serial:04}")
                    } else {
                        format!("{area:03}{group:02}{serial:04}")
                    }
                }
                "PL" => format!("{:011}", rng.below(100_000_000_000)),
                "PT" => format!("{:09}", rng.range(100_000_000, 300_000_000)),
                "BR" => {
                    let n = rng.below(1_000_000_000);
                    format!(
                        "{:03}.{:03}.{:03}-{:02}",
                        n / 1_000_000,
                        n / 1000 % 1000,
                        n % 1000,
                        rng.below(100)
                    )
                }
                "AR" => format!("{:08}", rng.range(20_000_000, 45_000_000)),
                "PH" => format!(
                    "{:03}-{:03}-{:03}-000",
                    rng.below(1000),
                    rng.below(1000),
                    rng.below(1000)
                ),
                "MX" => format!(
                    "{}{:06}{}{:02}",
                    random_chars(rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4),
                    rng.below(1_000_000),
                    random_chars(rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 6),
                    rng.below(100)
                ),
                _ => format!(
                    "{}{:04}{}",
                    random_chars(rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 5),
                    rng.below(10_000),
                    random_chars(rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1)
                ),
            };
            if self.national_ids.insert(digits_only(&id)) {
                return id;
            }
        }
    }

    /// Laptop serial in the maker's style; unique.
    pub fn serial(&mut self, rng: &mut Rng, mac: bool) -> String {
        loop {
            let s = if mac {
                random_chars(rng, SERIAL_CHARS, 10)
            } else {
                match rng.below(3) {
                    0 => random_chars(rng, SERIAL_CHARS, 7),
                    1 => format!("PF{}", random_chars(rng, SERIAL_CHARS, 6)),
                    _ => format!("5CG{}", random_chars(rng, SERIAL_CHARS, 7)),
                }
            };
            if self.serials.insert(s.clone()) {
                return s;
            }
        }
    }

    /// Host name as MDM tools or the OS defaults name laptops; unique.
    pub fn hostname(
        &mut self,
        rng: &mut Rng,
        style: u8,
        prefix: &str,
        first: &str,
        serial: &str,
        mac: bool,
    ) -> String {
        let base = match (style, mac) {
            (0, _) => format!("{prefix}-{serial}"),
            (1, true) => format!("{}s-MacBook-Pro", first.replace([' ', '\'', '-'], "")),
            (1, false) => format!("DESKTOP-{}", random_chars(rng, SERIAL_CHARS, 7)),
            (_, true) => format!("{}-MBP-{}", prefix, &serial[serial.len() - 5..]),
            (_, false) => format!("{}-LT-{}", prefix, &serial[serial.len() - 5..]),
        };
        let mut name = base.clone();
        let mut n = 2;
        while !self.hostnames.insert(name.to_ascii_lowercase()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        name
    }

    /// Reserves an e-mail address, appending a number when the first choice is taken.
    pub fn email(&mut self, local: &str, domain: &str) -> String {
        let mut candidate = format!("{local}@{domain}");
        let mut n = 2;
        while !self.emails.insert(candidate.clone()) {
            candidate = format!("{local}{n}@{domain}");
            n += 1;
        }
        candidate
    }

    /// A personal e-mail for payment services; unique.
    pub fn personal_email(&mut self, rng: &mut Rng, first: &str, last: &str) -> String {
        const DOMAINS: &[&str] = &[
            "gmail.com",
            "outlook.com",
            "yahoo.com",
            "proton.me",
            "icloud.com",
        ];
        let local = match rng.below(3) {
            0 => format!("{}.{}{}", slug(first), slug(last), rng.range(70, 100)),
            1 => format!("{}{}{}", slug(first), slug(last), rng.range(1, 999)),
            _ => format!("{}_{}", slug(first), slug(last)),
        };
        let domain = *rng.pick(DOMAINS);
        self.email(&local, domain)
    }

    /// A US bank account as payroll exports show it: routing and account number.
    pub fn bank_account(&mut self, rng: &mut Rng) -> String {
        const ROUTING: &[&str] = &[
            "021000021",
            "026009593",
            "121000248",
            "111000025",
            "322271627",
            "071000013",
            "091000019",
            "031176110",
            "044000037",
            "122105155",
        ];
        loop {
            let acct = format!(
                "{}-{}",
                rng.pick(ROUTING),
                rng.range(1_000_000_000, 10_000_000_000)
            );
            if self.accounts.insert(acct.clone()) {
                return acct;
            }
        }
    }

    /// An IBAN-shaped account number for country `cc`.
    pub fn iban(&mut self, rng: &mut Rng, cc: &str) -> String {
        loop {
            let body: String = (0..5)
                .map(|_| format!("{:04}", rng.below(10_000)))
                .collect::<Vec<_>>()
                .join(" ");
            let acct = format!("{cc}{:02} {body}", rng.range(10, 99));
            if self.accounts.insert(acct.clone()) {
                return acct;
            }
        }
    }

    pub fn wallet(&mut self, rng: &mut Rng) -> String {
        format!("0x{}", crate::fmt::hex_string(&rng.bytes::<20>()))
    }
}

pub fn digits_only(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_render_in_several_styles() {
        let mut reg = Registry::default();
        let mut rng = Rng::new(1);
        let city = catalog::city_index("Austin", catalog::Region::UsHome);
        let a = reg.address(&mut rng, city);
        let styles: HashSet<String> = (0..4).map(|s| a.render(s)).collect();
        assert_eq!(styles.len(), 4);
        assert!(styles.iter().all(|s| s.contains(&a.number.to_string())));
    }

    #[test]
    fn phones_are_unique() {
        let mut reg = Registry::default();
        let mut rng = Rng::new(2);
        let city = &CITIES[0];
        let phones: HashSet<String> = (0..500)
            .map(|_| digits_only(&reg.phone(&mut rng, city)))
            .map(|p| p.trim_start_matches('1').to_string())
            .collect();
        assert_eq!(phones.len(), 500);
    }
}
