//! Behaviour tests of the simulated world: determinism, exact export
//! formats, and consistency between `truth.json` and the files it describes.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use unmask_simulate::{simulate, Scale, SimOptions, SimSummary};

fn generate(dir: &Path, seed: u64) -> SimSummary {
    simulate(&SimOptions {
        out: dir.to_path_buf(),
        seed,
        scale: Scale::Tiny,
    })
    .expect("simulation succeeds")
}

fn tiny(seed: u64) -> (tempfile::TempDir, SimSummary) {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = generate(dir.path(), seed);
    (dir, summary)
}

fn truth(dir: &Path) -> Value {
    serde_json::from_slice(&fs::read(dir.join("truth.json")).expect("truth.json"))
        .expect("truth parses")
}

/// CSV rows as header-keyed maps.
fn csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("csv opens");
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("csv record");
            headers
                .iter()
                .map(String::from)
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn header_line(path: &Path) -> String {
    fs::read_to_string(path)
        .expect("file")
        .lines()
        .next()
        .expect("header")
        .to_string()
}

fn json_lines(path: &Path) -> Vec<Value> {
    fs::read_to_string(path)
        .expect("file")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}: {l}", path.display())))
        .collect()
}

fn files_under(dir: &Path, sub: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir.join(sub))
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_str().expect("string").to_string())
        .collect()
}

fn emp_key(v: &Value) -> (String, String) {
    (
        v["company_id"].as_str().unwrap().to_string(),
        v["employee_id"].as_str().unwrap().to_string(),
    )
}

#[test]
fn same_seed_gives_identical_bytes_and_other_seeds_differ() {
    let (a, sa) = tiny(42);
    let (b, _) = tiny(42);
    let (c, _) = tiny(43);
    assert!(sa.files.len() >= 12);
    for file in &sa.files {
        let rel = file.strip_prefix(a.path()).expect("under out");
        let left = fs::read(file).expect("read");
        let right = fs::read(b.path().join(rel)).expect("same file in second run");
        assert!(
            left == right,
            "{} differs between runs with one seed",
            rel.display()
        );
    }
    for rel in [
        "hr/employees.csv",
        "chain/eth/transactions.csv",
        "idp/okta/system_log-0000.ndjson",
    ] {
        assert_ne!(
            fs::read(a.path().join(rel)).unwrap(),
            fs::read(c.path().join(rel)).unwrap(),
            "{rel} did not change with the seed"
        );
    }
}

#[test]
fn summary_counts_fit_the_tiny_scale() {
    let (dir, s) = tiny(1);
    assert_eq!(s.companies, 3);
    assert!((60..=130).contains(&s.employees), "{}", s.employees);
    assert!(
        (7_000..=16_000).contains(&s.sign_in_events),
        "{}",
        s.sign_in_events
    );
    assert!(
        (3_500..=9_000).contains(&s.chain_transfers),
        "{}",
        s.chain_transfers
    );
    assert!(s.dprk_workers >= 4);
    let t = truth(dir.path());
    assert_eq!(
        t["counts"]["sign_in_events"].as_u64().unwrap(),
        s.sign_in_events
    );
    let rendered = s.to_string();
    assert!(rendered.contains("sign-in events"));
}

#[test]
fn csv_headers_are_exact() {
    let (dir, _) = tiny(2);
    let d = dir.path();
    assert_eq!(
        header_line(&d.join("hr/employees.csv")),
        "employee_id,company_id,full_name,email,phone,date_of_birth,national_id,claimed_country,claimed_city,claimed_timezone,home_address,hire_date,role,photo_sha256,resume_sha256"
    );
    assert_eq!(
        header_line(&d.join("hr/payroll.csv")),
        "employee_id,company_id,pay_date,amount,currency,method,account,account_country"
    );
    assert_eq!(
        header_line(&d.join("hr/shipments.csv")),
        "shipment_id,company_id,employee_id,device_serial,ship_date,recipient_name,address"
    );
    assert_eq!(
        header_line(&d.join("hr/devices.csv")),
        "device_serial,company_id,employee_id,hostname,os"
    );
    // ethereum-etl's 15 transaction columns in schema order, then the receipt fields.
    let tx = header_line(&d.join("chain/eth/transactions.csv"));
    assert!(tx.starts_with("hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp,max_fee_per_gas,max_priority_fee_per_gas,transaction_type,"));
    assert!(tx.contains("receipt_status"));
    assert_eq!(
        header_line(&d.join("chain/eth/token_transfers.csv")),
        "token_address,from_address,to_address,value,transaction_hash,log_index,block_number"
    );
    for row in csv_rows(&d.join("hr/payroll.csv")) {
        assert!(["bank", "paypal", "payoneer", "wise", "crypto", "other"]
            .contains(&row["method"].as_str()));
    }
}

#[test]
fn json_lines_parse_and_carry_the_export_fields() {
    let (dir, _) = tiny(3);
    let d = dir.path();
    let hostnames: HashMap<String, String> = csv_rows(&d.join("hr/devices.csv"))
        .into_iter()
        .map(|r| (r["hostname"].clone(), r["device_serial"].clone()))
        .collect();
    let mut last_published = String::new();
    for f in files_under(d, "idp/okta") {
        for e in json_lines(&f) {
            for key in [
                "uuid",
                "published",
                "eventType",
                "displayMessage",
                "severity",
                "version",
                "legacyEventType",
            ] {
                assert!(e[key].is_string(), "okta {key}");
            }
            let published = e["published"].as_str().unwrap().to_string();
            assert!(published.ends_with('Z'));
            assert!(published >= last_published, "okta export is chronological");
            last_published = published;
            assert_eq!(e["actor"]["type"], "User");
            assert!(e["actor"]["alternateId"].as_str().unwrap().contains('@'));
            assert!(e["client"]["ipAddress"].is_string());
            assert!(e["client"]["geographicalContext"]["geolocation"]["lat"].is_number());
            assert!(e["securityContext"]["asNumber"].is_number());
            assert!(e["securityContext"]["isProxy"].is_boolean());
            assert!(e["outcome"]["result"].is_string());
            assert!(e["request"]["ipChain"].is_array());
            assert!(e["target"].is_array());
            assert!(e["debugContext"]["debugData"]["requestId"].is_string());
            assert!(e["authenticationContext"]["externalSessionId"].is_string());
        }
    }
    for f in files_under(d, "idp/entra") {
        for e in json_lines(&f) {
            for key in [
                "id",
                "createdDateTime",
                "userPrincipalName",
                "userId",
                "appId",
                "ipAddress",
                "correlationId",
            ] {
                assert!(e[key].is_string(), "entra {key}");
            }
            assert!(e["isInteractive"].is_boolean());
            assert!(e["status"]["errorCode"].is_number());
            assert!(e["location"]["countryOrRegion"].is_string());
            assert!(e["autonomousSystemNumber"].is_number());
            assert!(e["deviceDetail"]["isManaged"].is_boolean());
        }
    }
    let mut names = BTreeSet::new();
    for f in files_under(d, "endpoint") {
        for e in json_lines(&f) {
            let name = e["name"].as_str().unwrap().to_string();
            let host = e["hostIdentifier"].as_str().unwrap();
            assert!(
                hostnames.contains_key(host),
                "osquery host {host} not in devices.csv"
            );
            assert_eq!(e["decorations"]["hostname"], host);
            assert_eq!(e["numerics"], false);
            let rows: Vec<&Value> = match e["action"].as_str().unwrap() {
                "snapshot" => e["snapshot"]
                    .as_array()
                    .expect("snapshot rows")
                    .iter()
                    .collect(),
                "added" => vec![&e["columns"]],
                other => panic!("unexpected action {other}"),
            };
            for row in &rows {
                assert!(
                    row.as_object().unwrap().values().all(Value::is_string),
                    "osquery values are strings"
                );
            }
            if name == "system_info" {
                assert_eq!(
                    rows[0]["hardware_serial"].as_str().unwrap(),
                    hostnames[host]
                );
            }
            names.insert(name);
        }
    }
    for q in [
        "system_info",
        "pack_inventory_usb_devices",
        "pack_inventory_programs",
        "pack_inventory_processes",
    ] {
        assert!(names.contains(q), "{q} missing");
    }
    for tx in json_lines(&d.join("chain/btc/transactions.json")) {
        let inputs: u64 = tx["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["value"].as_u64().unwrap())
            .sum();
        let outputs: u64 = tx["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["value"].as_u64().unwrap())
            .sum();
        assert_eq!(tx["output_value"].as_u64().unwrap(), outputs);
        if !tx["is_coinbase"].as_bool().unwrap() {
            assert_eq!(tx["fee"].as_u64().unwrap(), inputs - outputs);
        }
    }
}

#[test]
fn tiny_world_plants_every_behaviour_and_every_look_alike() {
    let (dir, _) = tiny(4);
    let t = truth(dir.path());
    let kinds: BTreeMap<String, usize> = t["lookalikes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let n =
                l["employees"].as_array().unwrap().len() + l["addresses"].as_array().unwrap().len();
            (l["kind"].as_str().unwrap().to_string(), n)
        })
        .collect();
    for k in [
        "couple",
        "coworking",
        "traveller",
        "corporate_vpn",
        "it_remote_tools",
        "wise_contractor",
        "exchange_fanout",
    ] {
        assert!(
            kinds.get(k).copied().unwrap_or(0) > 0,
            "look-alike {k} missing"
        );
    }
    let planted: BTreeSet<String> = t["dprk_workers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| strs(&w["reasons_planted"]))
        .collect();
    for b in [
        "stolen_identity",
        "synthetic_identity",
        "reused_identity_across_companies",
        "shared_phone",
        "reused_photo",
        "reused_resume",
        "laptop_shipped_to_farm",
        "shipment_recipient_is_facilitator",
        "farm_residential_egress_ip",
        "always_on_sessions",
        "asia_working_hours",
        "astrill_vpn",
        "china_egress",
        "russia_egress",
        "ipkvm_usb_device",
        "remote_access_tool",
        "mouse_jiggler",
        "shared_payout_account",
        "payout_switch_after_hire",
        "frequent_payout_account_changes",
        "payout_country_mismatch",
    ] {
        assert!(planted.contains(b), "behaviour {b} not planted");
    }
    assert!(t["stolen_identities"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["employees"].as_array().unwrap().len() >= 2));
    assert!(!t["shared_payout_accounts"].as_array().unwrap().is_empty());
    let companies: Vec<&str> = t["companies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["idp"].as_str().unwrap())
        .collect();
    assert!(companies.contains(&"okta") && companies.contains(&"entra"));
}

#[test]
fn truth_matches_hr_files_and_farms_span_companies() {
    let (dir, _) = tiny(5);
    let d = dir.path();
    let t = truth(d);
    let employees: HashMap<(String, String), HashMap<String, String>> =
        csv_rows(&d.join("hr/employees.csv"))
            .into_iter()
            .map(|r| ((r["company_id"].clone(), r["employee_id"].clone()), r))
            .collect();
    let shipments: HashMap<(String, String), HashMap<String, String>> =
        csv_rows(&d.join("hr/shipments.csv"))
            .into_iter()
            .map(|r| ((r["company_id"].clone(), r["employee_id"].clone()), r))
            .collect();
    for w in t["dprk_workers"].as_array().unwrap() {
        let key = emp_key(w);
        let e = employees
            .get(&key)
            .unwrap_or_else(|| panic!("worker {key:?} missing from employees.csv"));
        assert_eq!(e["full_name"], w["full_name"].as_str().unwrap());
    }
    for farm in t["laptop_farms"].as_array().unwrap() {
        let companies: HashSet<String> = farm["workers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| emp_key(w).0)
            .collect();
        assert!(
            companies.len() >= 2,
            "farm {} hosts one company only",
            farm["farm_id"]
        );
        let shipped = strs(&farm["address_as_shipped"]);
        for w in farm["workers"].as_array().unwrap() {
            let key = emp_key(w);
            let s = &shipments[&key];
            assert!(
                shipped.contains(&s["address"]),
                "farm address not on the shipment of {key:?}"
            );
            assert_ne!(
                s["address"], employees[&key]["home_address"],
                "laptop went to the claimed home"
            );
        }
        for serial in strs(&farm["device_serials"]) {
            assert!(shipments.values().any(|s| s["device_serial"] == serial));
        }
    }
    for s in t["stolen_identities"].as_array().unwrap() {
        for e in s["employees"].as_array().unwrap() {
            assert_eq!(
                employees[&emp_key(e)]["national_id"],
                s["national_id"].as_str().unwrap()
            );
        }
    }
    let payroll = csv_rows(&d.join("hr/payroll.csv"));
    for a in t["shared_payout_accounts"].as_array().unwrap() {
        let account = a["account"].as_str().unwrap();
        let users: HashSet<(String, String)> = payroll
            .iter()
            .filter(|r| r["account"] == account)
            .map(|r| (r["company_id"].clone(), r["employee_id"].clone()))
            .collect();
        assert!(
            users.len() >= 2,
            "shared account {account} used by {users:?}"
        );
    }
    // Honest Korean-American employees are not DPRK workers.
    let dprk: HashSet<(String, String)> = t["dprk_workers"]
        .as_array()
        .unwrap()
        .iter()
        .map(emp_key)
        .collect();
    for l in t["lookalikes"].as_array().unwrap() {
        for e in l["employees"].as_array().unwrap() {
            assert!(
                !dprk.contains(&emp_key(e)),
                "look-alike {} is a DPRK worker",
                l["kind"]
            );
        }
    }
}

#[test]
fn sign_ins_show_the_planted_network_behaviour() {
    let (dir, _) = tiny(6);
    let d = dir.path();
    let t = truth(d);
    let emails: HashMap<(String, String), String> = csv_rows(&d.join("hr/employees.csv"))
        .into_iter()
        .map(|r| {
            (
                (r["company_id"].clone(), r["employee_id"].clone()),
                r["email"].clone(),
            )
        })
        .collect();
    // (user, ip) -> (count, hours of day UTC), from both IdPs.
    let mut by_user: HashMap<String, Vec<(String, u32, bool)>> = HashMap::new();
    for f in files_under(d, "idp/okta") {
        for e in json_lines(&f) {
            let hour: u32 = e["published"].as_str().unwrap()[11..13].parse().unwrap();
            by_user
                .entry(e["actor"]["alternateId"].as_str().unwrap().to_string())
                .or_default()
                .push((
                    e["client"]["ipAddress"].as_str().unwrap().to_string(),
                    hour,
                    e["eventType"] == "user.session.start",
                ));
        }
    }
    for f in files_under(d, "idp/entra") {
        for e in json_lines(&f) {
            let hour: u32 = e["createdDateTime"].as_str().unwrap()[11..13]
                .parse()
                .unwrap();
            by_user
                .entry(e["userPrincipalName"].as_str().unwrap().to_string())
                .or_default()
                .push((
                    e["ipAddress"].as_str().unwrap().to_string(),
                    hour,
                    e["isInteractive"] == true && e["appDisplayName"] == "OfficeHome",
                ));
        }
    }
    let farm_ips: HashMap<String, String> = t["laptop_farms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["farm_id"].as_str().unwrap().to_string(),
                f["egress_ip"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let astrill: HashSet<String> = strs(&t["infrastructure"]["astrill_ips"])
        .into_iter()
        .collect();
    let china: HashSet<String> = strs(&t["infrastructure"]["china_ips"])
        .into_iter()
        .collect();
    for w in t["dprk_workers"].as_array().unwrap() {
        let email = &emails[&emp_key(w)];
        let events = &by_user[email];
        let reasons = strs(&w["reasons_planted"]);
        let farm_ip = &farm_ips[w["farm_id"].as_str().unwrap()];
        assert!(
            events.iter().any(|(ip, _, _)| ip == farm_ip),
            "{email} never signs in from its farm"
        );
        if reasons.iter().any(|r| r == "astrill_vpn") {
            assert!(
                events.iter().any(|(ip, _, _)| astrill.contains(ip)),
                "{email}: no Astrill sign-in"
            );
        }
        if reasons.iter().any(|r| r == "china_egress") {
            assert!(
                events.iter().any(|(ip, _, _)| china.contains(ip)),
                "{email}: no China sign-in"
            );
        }
        if reasons.iter().any(|r| r == "asia_working_hours") {
            // Starting 08:30-09:30 in UTC+8/+9 is 23:30-01:30 UTC; the working day ends by 11:00 UTC.
            let starts: Vec<u32> = events
                .iter()
                .filter(|e| e.2 && e.0 == *farm_ip)
                .map(|e| e.1)
                .collect();
            let asian = starts.iter().filter(|&&h| h >= 22 || h <= 10).count();
            assert!(
                asian * 10 >= starts.len() * 8,
                "{email}: session starts {starts:?}"
            );
        }
        if reasons.iter().any(|r| r == "always_on_sessions") {
            let hours: HashSet<u32> = events
                .iter()
                .filter(|e| e.0 == *farm_ip)
                .map(|e| e.1)
                .collect();
            assert!(
                hours.len() >= 20,
                "{email}: farm laptop active in only {} hours",
                hours.len()
            );
        }
    }
    // No honest employee ever appears on a farm IP.
    let dprk_emails: HashSet<&String> = t["dprk_workers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| &emails[&emp_key(w)])
        .collect();
    let farm_set: HashSet<&String> = farm_ips.values().collect();
    for (user, events) in &by_user {
        if !dprk_emails.contains(user) {
            assert!(
                events.iter().all(|(ip, _, _)| !farm_set.contains(ip)),
                "{user} uses a farm IP"
            );
        }
    }
    // Couples share their home IP.
    for l in t["lookalikes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == "couple")
    {
        let ip = l["ips"][0].as_str().unwrap();
        for e in l["employees"].as_array().unwrap() {
            let email = &emails[&emp_key(e)];
            assert!(
                by_user[email].iter().any(|(i, _, _)| i == ip),
                "{email} never at the shared home"
            );
        }
    }
}

#[test]
fn endpoint_shows_ipkvm_and_remote_tools_on_farm_laptops() {
    let (dir, _) = tiny(7);
    let d = dir.path();
    let t = truth(d);
    let mut usb_vendors: HashMap<String, HashSet<String>> = HashMap::new();
    let mut programs: HashMap<String, HashSet<String>> = HashMap::new();
    for f in files_under(d, "endpoint") {
        for e in json_lines(&f) {
            let host = e["hostIdentifier"].as_str().unwrap().to_string();
            let rows: Vec<Value> = if e["action"] == "snapshot" {
                e["snapshot"].as_array().unwrap().clone()
            } else {
                vec![e["columns"].clone()]
            };
            for r in rows {
                match e["name"].as_str().unwrap() {
                    "pack_inventory_usb_devices" => {
                        usb_vendors.entry(host.clone()).or_default().insert(format!(
                            "{}:{}",
                            r["vendor_id"].as_str().unwrap(),
                            r["model_id"].as_str().unwrap()
                        ));
                    }
                    "pack_inventory_programs" => {
                        programs
                            .entry(host.clone())
                            .or_default()
                            .insert(r["name"].as_str().unwrap().to_string());
                    }
                    _ => {}
                }
            }
        }
    }
    let remote = [
        "AnyDesk",
        "Chrome Remote Desktop Host",
        "RustDesk",
        "TeamViewer",
    ];
    for w in t["dprk_workers"].as_array().unwrap() {
        let host = w["hostname"].as_str().unwrap();
        let reasons = strs(&w["reasons_planted"]);
        if reasons.iter().any(|r| r == "ipkvm_usb_device") {
            assert!(
                usb_vendors[host].contains("1d6b:0104"),
                "{host}: no IP-KVM gadget"
            );
        }
        if reasons.iter().any(|r| r == "remote_access_tool") {
            assert!(
                programs[host].iter().any(|p| remote.contains(&p.as_str())),
                "{host}: no remote tool"
            );
        }
    }
    let it = t["lookalikes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "it_remote_tools")
        .unwrap();
    assert!(!it["employees"].as_array().unwrap().is_empty());
}

struct Tx {
    hash: String,
    from: String,
    to: String,
    value: u128,
    fee: u128,
    ok: bool,
}

fn eth_transactions(d: &Path) -> Vec<Tx> {
    csv_rows(&d.join("chain/eth/transactions.csv"))
        .into_iter()
        .map(|r| Tx {
            hash: r["hash"].clone(),
            from: r["from_address"].clone(),
            to: r["to_address"].clone(),
            value: r["value"].parse().unwrap(),
            fee: r["receipt_gas_used"].parse::<u128>().unwrap()
                * r["gas_price"].parse::<u128>().unwrap(),
            ok: r["receipt_status"] == "1",
        })
        .collect()
}

#[test]
fn heist_reconciles_exactly_from_the_exported_transactions() {
    let (dir, _) = tiny(8);
    let d = dir.path();
    let t = truth(d);
    let h = &t["heist"];
    let txs = eth_transactions(d);
    let laundering: HashSet<String> = strs(&h["laundering_addresses"]).into_iter().collect();
    let stolen: u128 = h["stolen_amount"].as_str().unwrap().parse().unwrap();

    // Balances of launderer addresses, rebuilt from the file.
    let mut balance: HashMap<String, i128> = HashMap::new();
    let mut fees: u128 = 0;
    let mut delivered: HashMap<String, u128> = HashMap::new();
    for tx in &txs {
        if laundering.contains(&tx.from) {
            fees += tx.fee;
            *balance.entry(tx.from.clone()).or_default() -= tx.fee as i128;
            if tx.ok {
                *balance.entry(tx.from.clone()).or_default() -= tx.value as i128;
                if !laundering.contains(&tx.to) {
                    *delivered.entry(tx.to.clone()).or_default() += tx.value;
                }
            }
        }
        if tx.ok && laundering.contains(&tx.to) {
            *balance.entry(tx.to.clone()).or_default() += tx.value as i128;
        }
    }
    assert!(
        balance.values().all(|&b| b >= 0),
        "a launderer address went negative"
    );
    let seeds = strs(&h["seed_addresses"]);
    let received_by_seeds: u128 = txs
        .iter()
        .filter(|t| t.ok && seeds.contains(&t.to))
        .map(|t| t.value)
        .sum();
    assert_eq!(received_by_seeds, stolen);

    let exits = h["exits"].as_array().unwrap();
    let mut exit_total = 0u128;
    let all_hashes: HashSet<&str> = txs.iter().map(|t| t.hash.as_str()).collect();
    for e in exits {
        let address = e["address"].as_str().unwrap();
        let amount: u128 = e["amount"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            delivered.get(address).copied().unwrap_or(0),
            amount,
            "exit {address}"
        );
        assert!(
            txs.iter().any(|t| t.to == address),
            "exit {address} absent from transactions.csv"
        );
        for hash in strs(&e["tx_hashes"]) {
            assert!(all_hashes.contains(hash.as_str()));
        }
        exit_total += amount;
    }
    let holdings: u128 = h["remaining_holdings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["amount"].as_str().unwrap().parse::<u128>().unwrap())
        .sum();
    let file_holdings: i128 = balance.values().sum();
    assert_eq!(file_holdings as u128, holdings);
    assert_eq!(
        fees,
        h["fees_paid"].as_str().unwrap().parse::<u128>().unwrap()
    );
    assert_eq!(
        exit_total + holdings + fees,
        stolen,
        "stolen = exits + holdings + fees"
    );

    // Traps for tracers: a reverted transfer and a zero-value contract call.
    for hash in strs(&h["failed_tx_hashes"]) {
        let tx = txs.iter().find(|t| t.hash == hash).unwrap();
        assert!(!tx.ok && tx.value > 0);
    }
    for hash in strs(&h["zero_value_tx_hashes"]) {
        let tx = txs.iter().find(|t| t.hash == hash).unwrap();
        assert!(tx.ok && tx.value == 0);
    }

    // Deposit addresses are unlabelled but forward to a labelled hot wallet.
    let tagpack = fs::read_to_string(d.join("labels/tagpack.yaml")).unwrap();
    let labelled: HashSet<String> = tagpack
        .lines()
        .filter_map(|l| l.strip_prefix("- address: '"))
        .map(|l| l.trim_end_matches('\'').to_string())
        .collect();
    assert!(labelled.contains(h["mixer_address"].as_str().unwrap()));
    assert!(labelled.contains(h["bridge_address"].as_str().unwrap()));
    for e in exits.iter().filter(|e| e["kind"] == "exchange_deposit") {
        let dep = e["address"].as_str().unwrap();
        assert!(
            !labelled.contains(dep),
            "deposit {dep} must not be labelled"
        );
        assert!(
            txs.iter()
                .any(|t| t.from == dep && labelled.contains(&t.to)),
            "deposit {dep} never swept to a hot wallet"
        );
    }

    // The router hop continues on bitcoin.
    let hop = &h["btc_hop"];
    let btc = json_lines(&d.join("chain/btc/transactions.json"));
    let payout = btc
        .iter()
        .find(|x| x["hash"] == hop["btc_txid"])
        .expect("btc payout");
    let first = hop["btc_addresses"][0].as_str().unwrap();
    assert!(hop["memo"].as_str().unwrap().ends_with(first));
    assert!(payout["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["addresses"][0] == first && o["value"] == hop["amount_sat"]));
    assert!(all_hashes.contains(hop["eth_bridge_deposit_tx"].as_str().unwrap()));
}

#[test]
fn nonces_are_consecutive_per_sender() {
    let (dir, _) = tiny(9);
    let rows = csv_rows(&dir.path().join("chain/eth/transactions.csv"));
    let mut next: HashMap<String, u64> = HashMap::new();
    for r in rows {
        let nonce: u64 = r["nonce"].parse().unwrap();
        if let Some(expected) = next.get(&r["from_address"]) {
            assert_eq!(nonce, *expected, "nonce gap for {}", r["from_address"]);
        }
        next.insert(r["from_address"].clone(), nonce + 1);
    }
}
