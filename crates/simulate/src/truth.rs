//! `truth.json`: the ground truth of the simulated world, everything a
//! detector test needs to compute recall and precision: the DPRK workers and
//! what was planted on each, stolen identities, laptop farms, shared payout
//! accounts, the honest look-alikes, the heist with its exits and a
//! reconciliation of every wei, and the network infrastructure involved.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::catalog::{CITIES, ISPS};
use crate::chain::{self, addr_string, heist::HeistTruth, ChainOutput, EXCHANGES};
use crate::fmt::{date_string, ipv4_string};
use crate::output::Output;
use crate::world::{IdentityKind, Persona, World, WINDOW_END, WINDOW_START, WINDOW_START_DAY};
use crate::{SimError, SimOptions, SimSummary};

#[derive(Serialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct EmployeeRef {
    pub company_id: String,
    pub employee_id: String,
}

#[derive(Serialize)]
pub struct CompanyTruth {
    pub company_id: String,
    pub name: String,
    pub domain: String,
    pub idp: &'static str,
    pub employees: usize,
}

#[derive(Serialize)]
pub struct WorkerTruth {
    pub company_id: String,
    pub employee_id: String,
    pub full_name: String,
    pub identity: &'static str,
    pub farm_id: String,
    pub device_serial: String,
    pub hostname: String,
    pub operator_utc_offset_hours: i64,
    pub reasons_planted: Vec<&'static str>,
}

#[derive(Serialize)]
pub struct StolenIdentity {
    pub national_id: String,
    pub employees: Vec<EmployeeRef>,
}

#[derive(Serialize)]
pub struct FarmTruth {
    pub farm_id: String,
    pub facilitator_name: String,
    pub city: String,
    pub state: String,
    /// The farm address in canonical form.
    pub address: String,
    /// Every rendering of the address that appears in `hr/shipments.csv`.
    pub address_as_shipped: Vec<String>,
    pub egress_ip: String,
    pub egress_isp: String,
    pub egress_asn: u32,
    pub workers: Vec<EmployeeRef>,
    pub companies: Vec<String>,
    pub device_serials: Vec<String>,
}

#[derive(Serialize)]
pub struct SharedAccount {
    pub account: String,
    pub method: &'static str,
    pub employees: Vec<EmployeeRef>,
}

/// A DPRK operator's application that reuses a hired worker's identifiers under
/// another name.
#[derive(Serialize)]
pub struct DprkApplicant {
    /// `employee_id` is `applicant:{applicant_id}`: the Person id unmask gives it.
    pub applicant: EmployeeRef,
    pub full_name: String,
    pub worker: EmployeeRef,
    pub reused: Vec<&'static str>,
}

/// A payout wallet of DPRK workers on the simulated sanctions list.
#[derive(Serialize)]
pub struct SanctionedWallet {
    pub address: String,
    pub list_id: String,
    pub paid: Vec<EmployeeRef>,
}

#[derive(Serialize)]
pub struct Lookalike {
    pub kind: &'static str,
    pub employees: Vec<EmployeeRef>,
    pub addresses: Vec<String>,
    pub ips: Vec<String>,
    pub note: String,
}

#[derive(Serialize)]
pub struct Infrastructure {
    pub astrill_ips: Vec<String>,
    pub china_ips: Vec<String>,
    pub russia_ips: Vec<String>,
    pub farm_ips: Vec<String>,
    pub corporate_vpn_ips: Vec<String>,
    pub coworking_ips: Vec<String>,
}

#[derive(Serialize)]
pub struct ExchangeTruth {
    pub name: &'static str,
    pub hot_wallets: Vec<String>,
    pub heist_deposit_addresses: Vec<String>,
}

#[derive(Serialize)]
pub struct ChainTruth {
    pub eth_transactions: u64,
    pub token_transfers: u64,
    pub btc_transactions: u64,
    pub first_block: u64,
    pub exchanges: Vec<ExchangeTruth>,
    pub labels_file: &'static str,
    pub exchange_fanout: chain::eth::FanoutTruth,
}

#[derive(Serialize)]
pub struct Counts {
    pub companies: usize,
    pub employees: usize,
    pub dprk_workers: usize,
    pub sign_in_events: u64,
    pub osquery_rows: u64,
    pub chain_transfers: u64,
}

#[derive(Serialize)]
pub struct Truth {
    pub generator: &'static str,
    pub seed: u64,
    pub scale: String,
    pub window_start: String,
    pub window_end: String,
    pub counts: Counts,
    pub companies: Vec<CompanyTruth>,
    pub dprk_workers: Vec<WorkerTruth>,
    pub stolen_identities: Vec<StolenIdentity>,
    pub laptop_farms: Vec<FarmTruth>,
    pub shared_payout_accounts: Vec<SharedAccount>,
    pub dprk_applicants: Vec<DprkApplicant>,
    /// The wallets `sanctions/designations.ftm.json` designates.
    pub sanctioned_wallets: Vec<SanctionedWallet>,
    pub lookalikes: Vec<Lookalike>,
    pub infrastructure: Infrastructure,
    pub heist: HeistTruth,
    pub chain: ChainTruth,
}

fn iso(unix: i64) -> String {
    let mut v = Vec::new();
    crate::fmt::push_iso_secs(&mut v, unix);
    String::from_utf8(v).expect("ascii")
}

fn sorted_unique(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

/// Builds the truth document for a generated world.
pub fn build(
    world: &World,
    opts: &SimOptions,
    chain_out: &ChainOutput,
    summary: &SimSummary,
    applicants: &[crate::applicants::Applicant],
) -> Truth {
    let r = |e: usize| EmployeeRef {
        company_id: world.companies[world.employees[e].company].id.clone(),
        employee_id: world.employees[e].id.clone(),
    };
    let refs = |v: &[usize]| v.iter().map(|&e| r(e)).collect::<Vec<_>>();
    let ip = |n: &crate::world::Net| ipv4_string(n.ip);

    let companies = world
        .companies
        .iter()
        .map(|c| CompanyTruth {
            company_id: c.id.clone(),
            name: c.name.clone(),
            domain: c.domain.clone(),
            idp: c.idp.name(),
            employees: c.size,
        })
        .collect();
    let dprk_workers = world
        .workers
        .iter()
        .map(|w| {
            let e = &world.employees[w.emp];
            WorkerTruth {
                company_id: world.companies[e.company].id.clone(),
                employee_id: e.id.clone(),
                full_name: e.full_name.clone(),
                identity: match w.identity {
                    IdentityKind::Stolen => "stolen",
                    IdentityKind::Synthetic => "synthetic",
                },
                farm_id: world.farms[w.farm].id.clone(),
                device_serial: e.serial.clone(),
                hostname: e.hostname.clone(),
                operator_utc_offset_hours: w.asia_offset_h,
                reasons_planted: w.behaviours.clone(),
            }
        })
        .collect();
    let stolen_identities = world
        .stolen
        .iter()
        .map(|(id, emps)| StolenIdentity {
            national_id: id.clone(),
            employees: refs(emps),
        })
        .collect();
    let laptop_farms = world
        .farms
        .iter()
        .map(|f| {
            let city = &CITIES[f.city];
            FarmTruth {
                farm_id: f.id.clone(),
                facilitator_name: f.facilitator.clone(),
                city: city.name.to_string(),
                state: city.state_code.to_string(),
                address: f.address.render(0),
                address_as_shipped: sorted_unique(
                    f.workers
                        .iter()
                        .map(|&e| world.employees[e].ship_address.clone())
                        .collect(),
                ),
                egress_ip: ip(&f.net),
                egress_isp: ISPS[f.net.isp as usize].isp.to_string(),
                egress_asn: ISPS[f.net.isp as usize].asn,
                workers: refs(&f.workers),
                companies: sorted_unique(
                    f.workers
                        .iter()
                        .map(|&e| world.companies[world.employees[e].company].id.clone())
                        .collect(),
                ),
                device_serials: f
                    .workers
                    .iter()
                    .map(|&e| world.employees[e].serial.clone())
                    .collect(),
            }
        })
        .collect();
    let shared_payout_accounts = world
        .shared_accounts
        .iter()
        .map(|(account, (method, emps))| SharedAccount {
            account: account.clone(),
            method,
            employees: refs(emps),
        })
        .collect();

    let mut lookalikes = Vec::new();
    for c in &world.couples {
        let a = &world.employees[c.a];
        lookalikes.push(Lookalike {
            kind: "couple",
            employees: refs(&[c.a, c.b]),
            addresses: sorted_unique(vec![a.home_address.clone(), world.employees[c.b].home_address.clone()]),
            ips: vec![ip(&a.home_net)],
            note: format!(
                "partners working for different companies from one home in {} (same residential IP, US hours){}",
                CITIES[a.city].name,
                if c.joint_account { "; paid into one joint bank account" } else { "" }
            ),
        });
    }
    for s in &world.coworks {
        lookalikes.push(Lookalike {
            kind: "coworking",
            employees: refs(&s.members),
            addresses: Vec::new(),
            ips: vec![ip(&s.net)],
            note: format!(
                "{}: shared business egress, own homes and shipping addresses, normal hours",
                s.name
            ),
        });
    }
    for (e, emp) in world.employees.iter().enumerate() {
        if let (Persona::Traveller, Some(t)) = (emp.persona, &emp.trip) {
            lookalikes.push(Lookalike {
                kind: "traveller",
                employees: refs(&[e]),
                addresses: Vec::new(),
                ips: vec![ip(&t.net)],
                note: format!(
                    "in {} ({}) from {} for {} days, working local hours",
                    CITIES[t.city].name,
                    CITIES[t.city].cc,
                    date_string(WINDOW_START_DAY + t.first_day),
                    t.days
                ),
            });
        }
    }
    for c in world
        .companies
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.vpn.is_empty())
    {
        let (ci, company) = c;
        let members: Vec<usize> = (0..world.employees.len())
            .filter(|&e| {
                world.employees[e].company == ci && world.employees[e].persona == Persona::CorpVpn
            })
            .collect();
        lookalikes.push(Lookalike {
            kind: "corporate_vpn",
            employees: refs(&members),
            addresses: Vec::new(),
            ips: company.vpn.iter().map(ip).collect(),
            note: format!(
                "{} staff egress through {} (corporate VPN/SSE)",
                company.name, ISPS[company.vpn[0].isp as usize].isp
            ),
        });
    }
    let by_persona = |p: Persona| {
        (0..world.employees.len())
            .filter(|&e| world.employees[e].persona == p)
            .collect::<Vec<_>>()
    };
    lookalikes.push(Lookalike {
        kind: "it_remote_tools",
        employees: refs(&by_persona(Persona::ItRemote)),
        addresses: Vec::new(),
        ips: Vec::new(),
        note:
            "IT support staff with TeamViewer/AnyDesk installed and running; home IPs and US hours"
                .into(),
    });
    lookalikes.push(Lookalike {
        kind: "wise_contractor",
        employees: refs(&by_persona(Persona::WiseContractor)),
        addresses: Vec::new(),
        ips: Vec::new(),
        note: "non-US contractors paid through Wise; claimed country = Wise account country = sign-in geo".into(),
    });
    lookalikes.push(Lookalike {
        kind: "korean_american",
        employees: refs(&by_persona(Persona::KoreanAmerican)),
        addresses: Vec::new(),
        ips: Vec::new(),
        note: "honest employees with Korean names; everything else ordinary".into(),
    });
    lookalikes.push(Lookalike {
        kind: "exchange_fanout",
        employees: Vec::new(),
        addresses: chain_out.fanout.hot_wallets.clone(),
        ips: Vec::new(),
        note: format!(
            "exchange hot wallets paying out {} batch withdrawals ({} transactions) plus routine withdrawals",
            chain_out.fanout.batches, chain_out.fanout.batch_transactions
        ),
    });

    let sanctioned_wallets = crate::sanctions::designated(world)
        .into_iter()
        .enumerate()
        .map(|(n, (address, paid))| SanctionedWallet {
            address,
            list_id: format!("sim-dprk-itw-wallet-{}", n + 1),
            paid: refs(&paid),
        })
        .collect();
    use crate::applicants::Kind;
    let applicant_ref = |a: &crate::applicants::Applicant| EmployeeRef {
        company_id: world.companies[a.company].id.clone(),
        employee_id: format!("applicant:{}", a.id),
    };
    let dprk_applicants: Vec<DprkApplicant> = applicants
        .iter()
        .filter_map(|a| match a.kind {
            Kind::Dprk(worker) => Some(DprkApplicant {
                applicant: applicant_ref(a),
                full_name: a.full_name.clone(),
                worker: r(worker),
                reused: a.reused.clone(),
            }),
            _ => None,
        })
        .collect();
    // Both applications of each honest candidate who applied twice.
    let mut reapplicants = Vec::new();
    for (i, a) in applicants.iter().enumerate() {
        if a.kind == Kind::Reapplied {
            reapplicants.push(applicant_ref(&applicants[i - 1]));
            reapplicants.push(applicant_ref(a));
        }
    }
    lookalikes.push(Lookalike {
        kind: "reapplicant",
        employees: reapplicants,
        addresses: Vec::new(),
        ips: Vec::new(),
        note: "honest candidates who applied to two companies as themselves: one name, the same phone, e-mail, photo and résumé".into(),
    });

    let mut astrill = Vec::new();
    let mut china = Vec::new();
    let mut russia = Vec::new();
    for w in &world.workers {
        astrill.extend(
            w.astrill
                .iter()
                .filter(|_| w.has(crate::world::behaviour::ASTRILL))
                .map(ip),
        );
        china.extend(w.china.iter().map(ip));
        russia.extend(w.russia.iter().map(ip));
    }
    let infrastructure = Infrastructure {
        astrill_ips: sorted_unique(astrill),
        china_ips: sorted_unique(china),
        russia_ips: sorted_unique(russia),
        farm_ips: world.farms.iter().map(|f| ip(&f.net)).collect(),
        corporate_vpn_ips: sorted_unique(
            world
                .companies
                .iter()
                .flat_map(|c| c.vpn.iter().map(ip))
                .collect(),
        ),
        coworking_ips: world.coworks.iter().map(|s| ip(&s.net)).collect(),
    };

    let exchanges = EXCHANGES
        .iter()
        .enumerate()
        .map(|(e, (name, _))| ExchangeTruth {
            name,
            hot_wallets: chain_out.services.hot_wallets[e]
                .iter()
                .map(addr_string)
                .collect(),
            heist_deposit_addresses: chain_out
                .heist_deposits
                .iter()
                .filter(|(ex, _)| *ex == e)
                .map(|(_, a)| addr_string(a))
                .collect(),
        })
        .collect();

    Truth {
        generator: concat!("unmask-simulate ", env!("CARGO_PKG_VERSION")),
        seed: opts.seed,
        scale: opts.scale.to_string(),
        window_start: iso(WINDOW_START),
        window_end: iso(WINDOW_END),
        counts: Counts {
            companies: summary.companies,
            employees: summary.employees,
            dprk_workers: summary.dprk_workers,
            sign_in_events: summary.sign_in_events,
            osquery_rows: summary.osquery_rows,
            chain_transfers: summary.chain_transfers,
        },
        companies,
        dprk_workers,
        stolen_identities,
        laptop_farms,
        shared_payout_accounts,
        dprk_applicants,
        sanctioned_wallets,
        lookalikes,
        infrastructure,
        heist: chain_out.heist.clone(),
        chain: ChainTruth {
            eth_transactions: chain_out.eth_transactions,
            token_transfers: chain_out.token_transfers,
            btc_transactions: chain_out.btc_transactions,
            first_block: chain::START_BLOCK,
            exchanges,
            labels_file: "labels/tagpack.yaml",
            exchange_fanout: chain_out.fanout.clone(),
        },
    }
}

pub fn write_truth(truth: &Truth, root: &Path) -> Result<PathBuf, SimError> {
    let json = serde_json::to_vec_pretty(truth).map_err(|source| SimError::Serialise {
        what: "truth.json",
        source,
    })?;
    let mut out = Output::create(root.join("truth.json"))?;
    out.write(&json)?;
    out.write(b"\n")?;
    out.finish()
}
