//! `shared_egress` on hand-made Okta logs: a farm whose address moves within its
//! provider's /24 is found as one network case; a farm on one IP is reported once
//! (by its IP, not again by its network); neighbours in one /24 who work office
//! hours from their own homes are not a farm, nor is a neighbour on the farm's own
//! block who works around the clock from an address of their own, nor a couple there
//! sharing their home's one address.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

fn run(data: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_unmask"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "unmask {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// One Okta `LogEvent` line.
fn event(log: &mut String, id: usize, user: &str, ip: &str, at: chrono::DateTime<chrono::Utc>) {
    writeln!(
        log,
        r#"{{"uuid":"ev-{id}","published":"{}","eventType":"user.session.start","actor":{{"alternateId":"{user}","displayName":"x"}},"client":{{"ipAddress":"{ip}","geographicalContext":{{"country":"United States","city":"Phoenix","geolocation":{{"lat":33.4,"lon":-112.0}}}}}},"securityContext":{{"asOrg":"example residential isp","isProxy":false}},"outcome":{{"result":"SUCCESS"}}}}"#,
        at.format("%Y-%m-%dT%H:%M:%S%.3fZ")
    )
    .unwrap();
}

#[test]
fn a_farm_moving_within_its_network_is_one_case_and_neighbours_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let people = [
        // A farm whose lease changes every five days within 203.0.113.0/24.
        ("F1", "acme", "1 Oak St, Phoenix, AZ 85001"),
        ("F2", "bolt", "2 Elm St, Austin, TX 73301"),
        ("F3", "cobalt", "3 Pine St, Denver, CO 80201"),
        ("F4", "acme", "4 Ash St, Tampa, FL 33601"),
        // A farm on one address.
        ("S1", "bolt", "5 Fir St, Reno, NV 89501"),
        ("S2", "cobalt", "6 Yew St, Boise, ID 83701"),
        // Neighbours: one provider block, their own addresses, office hours.
        ("N1", "acme", "7 Bay St, Mesa, AZ 85201"),
        ("N2", "bolt", "8 Elm Ct, Mesa, AZ 85203"),
        // A night owl on the farm's block, at home on an address of their own.
        ("O1", "cobalt", "9 Owl Rd, Mesa, AZ 85205"),
        // A couple on the farm's block: one home, one address, around the clock.
        ("C1", "acme", "10 Duo St, Mesa, AZ 85207"),
        ("C2", "bolt", "10 Duo St, Mesa, AZ 85207"),
    ];
    let mut employees = String::from(
        "employee_id,company_id,full_name,email,claimed_country,claimed_timezone,home_address\n",
    );
    for (id, company, home) in people {
        writeln!(
            employees,
            "{id},{company},Person {id},{}@{company}.example,US,America/Phoenix,\"{home}\"",
            id.to_lowercase()
        )
        .unwrap();
    }
    std::fs::write(input.join("employees.csv"), employees).unwrap();

    let start = chrono::DateTime::parse_from_rfc3339("2026-10-05T00:00:00Z")
        .unwrap()
        .to_utc();
    let mut log = String::new();
    let mut id = 0;
    for day in 0..15i64 {
        for hour in (0..24).step_by(2) {
            let at = start + chrono::Duration::days(day) + chrono::Duration::hours(hour);
            for (n, person) in ["F1", "F2", "F3", "F4"].iter().enumerate() {
                id += 1;
                let ip = format!("203.0.113.{}", 20 + day / 5);
                let at = at + chrono::Duration::minutes(n as i64);
                event(
                    &mut log,
                    id,
                    &format!("{}@x", person.to_lowercase()),
                    &ip,
                    at,
                );
            }
            id += 1;
            event(&mut log, id, "o1@x", "203.0.113.99", at);
            for person in ["c1@x", "c2@x"] {
                id += 1;
                event(&mut log, id, person, "203.0.113.50", at);
            }
            for person in ["S1", "S2"] {
                id += 1;
                event(
                    &mut log,
                    id,
                    &format!("{}@x", person.to_lowercase()),
                    "192.0.2.50",
                    at,
                );
            }
            // Phoenix is UTC-7: 16:00–24:00 UTC is 09:00–17:00 local.
            if (16..24).contains(&hour) {
                for (person, ip) in [("N1", "198.51.100.5"), ("N2", "198.51.100.77")] {
                    id += 1;
                    event(
                        &mut log,
                        id,
                        &format!("{}@x", person.to_lowercase()),
                        ip,
                        at,
                    );
                }
            }
        }
    }
    // The sign-in users are the e-mail addresses of employees.csv.
    let log = log
        .replace("f1@x", "f1@acme.example")
        .replace("f2@x", "f2@bolt.example")
        .replace("f3@x", "f3@cobalt.example")
        .replace("f4@x", "f4@acme.example")
        .replace("s1@x", "s1@bolt.example")
        .replace("s2@x", "s2@cobalt.example")
        .replace("n1@x", "n1@acme.example")
        .replace("n2@x", "n2@bolt.example")
        .replace("o1@x", "o1@cobalt.example")
        .replace("c1@x", "c1@acme.example")
        .replace("c2@x", "c2@bolt.example");
    std::fs::write(input.join("okta.ndjson"), log).unwrap();

    let data = dir.path().join("data");
    run(&data, &["ingest", input.to_str().unwrap()]);
    run(&data, &["detect"]);
    let cases: serde_json::Value =
        serde_json::from_str(&run(&data, &["cases", "--all", "--json"])).unwrap();
    let mut egress = Vec::new();
    for case in cases.as_array().unwrap() {
        let id = case["id"].to_string();
        let detail: serde_json::Value =
            serde_json::from_str(&run(&data, &["case", &id, "--json"])).unwrap();
        for finding in detail["findings"].as_array().unwrap() {
            if finding["detector"] == "shared_egress" {
                let people: Vec<String> = finding["evidence"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["entity_id"].as_str().unwrap().to_string())
                    .collect();
                egress.push((
                    finding["key"].as_str().unwrap().to_string(),
                    finding["reason"].as_str().unwrap().to_string(),
                    people,
                ));
            }
        }
    }
    egress.sort();
    assert_eq!(egress.len(), 2, "{egress:#?}");

    let (key, reason, people) = &egress[0];
    assert_eq!(key, "shared_egress:ip:192.0.2.50");
    assert_eq!(people.len(), 2, "{people:?}");
    assert!(reason.contains("one IP, 192.0.2.50"), "{reason}");

    let (key, reason, people) = &egress[1];
    assert_eq!(key, "shared_egress:net:203.0.113.0/24");
    assert_eq!(people.len(), 4, "{people:?}");
    for person in ["F1", "F2", "F3", "F4"] {
        assert!(
            people.iter().any(|p| p.ends_with(&format!(":{person}"))),
            "{people:?}"
        );
    }
    assert!(
        reason.contains("4 employees of 3 companies with 4 different homes"),
        "{reason}"
    );
    assert!(
        reason.contains("203.0.113.0/24 (3 addresses: 203.0.113.20, 203.0.113.21, 203.0.113.22)"),
        "{reason}"
    );
    // Around the clock: a quarter of every two-hourly sign-in falls in 00:00–06:00.
    assert!(reason.contains("(25% in their local night)"), "{reason}");
}
