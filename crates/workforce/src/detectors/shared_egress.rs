//! `shared_egress`: one ordinary (not VPN, not corporate) egress IP, or one /24
//! (IPv6: /48) network, from which employees of several companies, who claim
//! different homes, do most of their work: the network signature of a laptop farm.
//! Couples (same home) and co-working spaces (people who also work from their own
//! homes, office hours only) do not qualify. The network grouping catches a farm
//! whose address changes within its provider's block (a new DHCP lease, several
//! lines); it reports only groups that no single IP already explains.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use unmask_detect::{DetectError, Detector};
use unmask_model::{Evidence, Finding, Severity};
use unmask_store::Store;

use super::{egress, percent, Egress, NewFinding};
use crate::signins::{shared, Shared, SignIn};

pub struct SharedEgress;

/// An employee belongs to an IP (or network) when at least this share of their
/// sign-ins use it.
const MEMBER_SHARE: f64 = 0.5;
/// A farm's laptops are on around the clock; an office or co-working space sleeps.
/// Share of the IP's sign-ins in its users' claimed local night (00:00–06:00).
const NIGHT_SHARE: f64 = 0.12;
const MIN_SIGN_INS: usize = 5;
/// In a network group, an address counts as a member's when it carries at least this
/// share of their sign-ins in the network.
const SHARED_ADDRESS_SHARE: f64 = 0.1;

/// The /24 (IPv4) or /48 (IPv6) network of an address.
pub(crate) fn network_of(address: &str) -> Option<String> {
    match address.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            Some(format!("{a}.{b}.{c}.0/24"))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], 0, 0, 0, 0, 0);
            Some(format!("{prefix}/48"))
        }
    }
}

/// Employees (roster index, sign-ins there, first record) who do most of their
/// sign-ins at one place (an IP or a network).
type Members = Vec<(usize, usize, i64)>;

/// Where a group of employees meets: one IP, or one network.
#[derive(Clone, Copy)]
enum Place<'a> {
    Ip(u32),
    Network { text: &'a str, ips: &'a [u32] },
}

impl Place<'_> {
    fn holds(&self, sign_in: &SignIn, network_of_ip: &[u32], network: u32) -> bool {
        match self {
            Place::Ip(ip) => sign_in.ip == *ip,
            Place::Network { .. } => network_of_ip[sign_in.ip as usize] == network,
        }
    }
}

impl Detector for SharedEgress {
    fn id(&self) -> &'static str {
        "shared_egress"
    }

    fn description(&self) -> &'static str {
        "One residential egress IP serving most sign-ins of employees of several companies who claim different homes"
    }

    fn forms_clusters(&self) -> bool {
        true
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let shared = shared(store)?;
        // Each IP's network, interned: index 0 = none (not a canonical address).
        let mut networks: Vec<String> = vec![String::new()];
        let mut network_ids: HashMap<String, u32> = HashMap::new();
        let network_of_ip: Vec<u32> = shared
            .ips
            .iter()
            .map(|ip| match network_of(ip) {
                Some(net) => *network_ids.entry(net.clone()).or_insert_with(|| {
                    networks.push(net);
                    (networks.len() - 1) as u32
                }),
                None => 0,
            })
            .collect();
        let mut by_ip: HashMap<u32, Members> = HashMap::new();
        let mut by_network: HashMap<u32, Members> = HashMap::new();
        for (index, sign_ins) in shared.sign_ins.iter().enumerate() {
            if sign_ins.len() < MIN_SIGN_INS {
                continue;
            }
            let mut per_ip: HashMap<u32, (usize, i64)> = HashMap::new();
            let mut per_network: HashMap<u32, (usize, i64)> = HashMap::new();
            for s in sign_ins {
                if s.ip == 0 || s.proxy || egress(&shared, s).0 != Egress::Plain {
                    continue;
                }
                let entry = per_ip.entry(s.ip).or_insert((0, s.record_id));
                entry.0 += 1;
                let network = network_of_ip[s.ip as usize];
                if network != 0 {
                    let entry = per_network.entry(network).or_insert((0, s.record_id));
                    entry.0 += 1;
                }
            }
            let threshold = MEMBER_SHARE * sign_ins.len() as f64;
            for (ip, (count, record)) in per_ip {
                if count as f64 >= threshold {
                    by_ip.entry(ip).or_default().push((index, count, record));
                }
            }
            for (network, (count, record)) in per_network {
                if count as f64 >= threshold {
                    by_network
                        .entry(network)
                        .or_default()
                        .push((index, count, record));
                }
            }
        }
        let mut findings = Vec::new();
        // Employees already explained by one IP's finding.
        let mut explained: Vec<BTreeSet<usize>> = Vec::new();
        let mut ips: Vec<_> = by_ip.into_iter().filter(|(_, m)| m.len() >= 2).collect();
        ips.sort_by_key(|(ip, _)| *ip);
        for (ip, group) in ips {
            if let Some(finding) = self.judge(&shared, Place::Ip(ip), &group, &network_of_ip, 0) {
                explained.push(group.iter().map(|(i, _, _)| *i).collect());
                findings.push(finding);
            }
        }
        let mut nets: Vec<_> = by_network
            .into_iter()
            .filter(|(_, m)| m.len() >= 2)
            .collect();
        nets.sort_by_key(|(network, _)| *network);
        for (network, mut group) in nets {
            // Neighbours on one provider block each have their own address; a farm's
            // laptops share theirs, whichever it is this week. Keep the members who
            // use, for a real part of their sign-ins, an address another member also
            // uses that way.
            let mut users_of: BTreeMap<u32, BTreeSet<usize>> = BTreeMap::new();
            for (index, in_network, _) in &group {
                let mut per_ip: HashMap<u32, usize> = HashMap::new();
                for s in shared.sign_ins[*index]
                    .iter()
                    .filter(|s| network_of_ip[s.ip as usize] == network)
                {
                    *per_ip.entry(s.ip).or_default() += 1;
                }
                for (ip, count) in per_ip {
                    if count as f64 >= SHARED_ADDRESS_SHARE * *in_network as f64 {
                        users_of.entry(ip).or_default().insert(*index);
                    }
                }
            }
            // A group that moved together shares two addresses or more; one shared
            // address is a home (a couple) or a farm that one IP's finding reports.
            let mut shared_addresses: BTreeMap<usize, usize> = BTreeMap::new();
            for users in users_of.values().filter(|users| users.len() >= 2) {
                for user in users {
                    *shared_addresses.entry(*user).or_default() += 1;
                }
            }
            let together: BTreeSet<usize> = shared_addresses
                .into_iter()
                .filter(|(_, addresses)| *addresses >= 2)
                .map(|(user, _)| user)
                .collect();
            let used: Vec<u32> = users_of
                .iter()
                .filter(|(_, users)| users.intersection(&together).count() >= 2)
                .map(|(ip, _)| *ip)
                .collect();
            group.retain(|(index, _, _)| together.contains(index));
            if group.len() < 2
                || explained
                    .iter()
                    .any(|ip_group| together.is_subset(ip_group))
            {
                continue;
            }
            group.sort_unstable();
            let place = Place::Network {
                text: &networks[network as usize],
                ips: &used,
            };
            if let Some(finding) = self.judge(&shared, place, &group, &network_of_ip, network) {
                findings.push(finding);
            }
        }
        Ok(findings)
    }
}

impl SharedEgress {
    /// A finding for a group of employees who meet at one place, if they look like
    /// a farm: several homes, several companies (or three or more people), and
    /// sign-ins around the clock.
    fn judge(
        &self,
        shared: &Shared,
        place: Place<'_>,
        group: &Members,
        network_of_ip: &[u32],
        network: u32,
    ) -> Option<Finding> {
        let employees: Vec<_> = group
            .iter()
            .map(|(i, _, _)| &shared.roster.employees[*i])
            .collect();
        let companies: BTreeSet<&str> = employees.iter().map(|e| e.company.as_str()).collect();
        // Employees with no home on file count as a home of their own.
        let mut homes: BTreeMap<String, usize> = BTreeMap::new();
        for employee in &employees {
            let home = employee
                .homes
                .first()
                .cloned()
                .unwrap_or_else(|| employee.id.clone());
            *homes.entry(home).or_default() += 1;
        }
        if homes.len() < 2 || (companies.len() < 2 && employees.len() < 3) {
            return None;
        }
        let (mut night, mut total) = (0usize, 0usize);
        for (index, _, _) in group {
            let employee = &shared.roster.employees[*index];
            let offset = employee
                .timezone
                .as_deref()
                .and_then(|zone| crate::rules::rules().timezones.get(zone))
                .copied()
                .unwrap_or(0.0);
            for s in shared.sign_ins[*index]
                .iter()
                .filter(|s| place.holds(s, network_of_ip, network))
            {
                let local = ((s.time_ms.rem_euclid(86_400_000)) as f64 / 3_600_000.0 + offset)
                    .rem_euclid(24.0);
                total += 1;
                if local < 6.0 {
                    night += 1;
                }
            }
        }
        let night_share = night as f64 / total.max(1) as f64;
        if night_share < NIGHT_SHARE {
            // Office hours only: an office or a co-working space, not a farm.
            return None;
        }
        let sample = shared.sign_ins[group[0].0]
            .iter()
            .find(|s| place.holds(s, network_of_ip, network));
        let org = sample.map(|s| shared.org(s)).unwrap_or("");
        let (key, where_, subject, base) = match place {
            Place::Ip(ip) => {
                let text = &shared.ips[ip as usize];
                (
                    format!("ip:{text}"),
                    format!("one IP, {text}"),
                    format!("ip:{text}"),
                    0.45,
                )
            }
            Place::Network { text, ips } => (
                format!("net:{text}"),
                format!(
                    "one network, {text} ({} addresses: {})",
                    ips.len(),
                    ips.iter()
                        .take(6)
                        .map(|ip| shared.ips[*ip as usize].as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                format!("net:{text}"),
                // Neighbours share a provider's block more often than an address.
                0.4,
            ),
        };
        let weight =
            (base + 0.1 * companies.len() as f64 + 0.05 * employees.len() as f64).min(0.85);
        let severity = if companies.len() >= 2 {
            Severity::Critical
        } else {
            Severity::High
        };
        let who: Vec<String> = group
            .iter()
            .map(|(i, count, _)| {
                let employee = &shared.roster.employees[*i];
                format!(
                    "{} {:.0}%",
                    employee.label(),
                    percent(*count, shared.sign_ins[*i].len())
                )
            })
            .collect();
        let place_text = match place {
            Place::Ip(ip) => shared.ips[ip as usize].clone(),
            Place::Network { text, .. } => text.to_string(),
        };
        let evidence = group
            .iter()
            .map(|(i, count, record)| {
                let employee = &shared.roster.employees[*i];
                Evidence {
                    entity_id: employee.id.clone(),
                    note: format!(
                        "{} of {}'s sign-ins came from {place_text}",
                        count,
                        employee.label()
                    ),
                    record_id: Some(*record),
                }
            })
            .collect();
        let mut subjects = vec![subject];
        subjects.extend(employees.iter().map(|e| e.id.clone()));
        Some(
            NewFinding {
                detector: self.id(),
                key,
                subjects,
                severity,
                weight,
                reason: format!(
                    "Possible laptop farm: {} employees of {} compan{} with {} different homes do most of their sign-ins from {where_}{}, around the clock ({:.0}% in their local night): {}",
                    employees.len(),
                    companies.len(),
                    if companies.len() == 1 { "y" } else { "ies" },
                    homes.len(),
                    if org.is_empty() { String::new() } else { format!(" ({org})") },
                    100.0 * night_share,
                    who.join(", ")
                ),
                evidence,
            }
            .into(),
        )
    }
}
