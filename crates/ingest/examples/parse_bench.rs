//! Parse rate of the Okta System Log adapter: generates N synthetic NDJSON events in
//! memory (about 1.7 KB each, shaped like real `user.session.start` events), parses
//! them through the format into a sink that only counts, and prints events/s, by
//! the wall clock and by the thread's on-CPU time (which other load does not skew).
//!
//! `cargo run --release -p unmask-ingest --example parse_bench -- [N]` (default 500000).

use std::time::Instant;

use unmask_ingest::{by_name, Input, Position, Record, Sink, SinkError};
use unmask_model::Event;

#[derive(Default)]
struct CountingSink {
    records: u64,
    sign_ins: u64,
    quarantined: u64,
}

impl Sink for CountingSink {
    fn record(&mut self, record: Record) -> Result<(), SinkError> {
        self.records += 1;
        self.sign_ins += record
            .parsed
            .events
            .iter()
            .filter(|e| matches!(e, Event::Auth(_)))
            .count() as u64;
        Ok(())
    }

    fn quarantine(&mut self, _at: Position, _reason: &str, _raw: &[u8]) -> Result<(), SinkError> {
        self.quarantined += 1;
        Ok(())
    }
}

fn synthetic_okta(count: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(count * 1500);
    for index in 0..count {
        let user = index % 5000;
        let octet = index % 250;
        let second = index % 60;
        let millis = index % 1000;
        let line = format!(
            concat!(
                r#"{{"actor":{{"id":"00u{user:06}abcdEFGH","type":"User","alternateId":"user{user}@example.com","displayName":"User {user}","detailEntry":null}},"#,
                r#""client":{{"userAgent":{{"rawUserAgent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36","os":"Mac OS X","browser":"CHROME"}},"zone":"null","device":"Computer","id":null,"ipAddress":"198.51.{octet}.{user_octet}","#,
                r#""geographicalContext":{{"city":"Dallas","state":"Texas","country":"United States","postalCode":"75201","geolocation":{{"lat":32.7831,"lon":-96.8067}}}}}},"#,
                r#""device":null,"authenticationContext":{{"authenticationProvider":null,"credentialProvider":null,"credentialType":null,"issuer":null,"interface":null,"authenticationStep":0,"externalSessionId":"102{index:020}"}},"#,
                r#""displayMessage":"User login to Okta","eventType":"user.session.start","outcome":{{"result":"SUCCESS","reason":null}},"published":"2024-03-04T14:{minute:02}:{second:02}.{millis:03}Z","#,
                r#""securityContext":{{"asNumber":7922,"asOrg":"comcast cable communications  llc","isp":"comcast cable communications  llc","domain":"comcast.net","isProxy":false}},"severity":"INFO","#,
                r#""debugContext":{{"debugData":{{"requestId":"Zf{index:020}","dtHash":"6c1f0c1a8e2e4b6f","requestUri":"/idp/idx/authenticate","threatSuspected":"false","url":"/idp/idx/authenticate?"}}}},"#,
                r#""legacyEventType":"core.user_auth.login_success","transaction":{{"type":"WEB","id":"Zf{index:020}","detail":{{}}}},"uuid":"{index:08x}-1c2d-11ef-9a3b-{index:012x}","version":"0","#,
                r#""request":{{"ipChain":[{{"ip":"198.51.{octet}.{user_octet}","geographicalContext":{{"city":"Dallas","state":"Texas","country":"United States","postalCode":"75201","geolocation":{{"lat":32.7831,"lon":-96.8067}}}},"version":"V4","source":null}}]}},"target":null}}"#,
                "\n"
            ),
            user = user,
            user_octet = user % 250,
            octet = octet,
            index = index,
            minute = (index / 60) % 60,
            second = second,
            millis = millis,
        );
        out.extend_from_slice(line.as_bytes());
    }
    out
}

/// The same events as the JSON array the System Log API returns.
fn as_array(ndjson: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ndjson.len() + 16);
    out.extend_from_slice(b"[\n");
    for (index, line) in ndjson
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        if index > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(line);
    }
    out.extend_from_slice(b"\n]\n");
    out
}

/// Nanoseconds this thread has spent on a CPU (Linux), so that the rate does not
/// depend on what else the machine runs; `None` elsewhere.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Parses `data` three times and prints the best rate.
fn measure(label: &str, data: &[u8], count: usize) {
    let format = by_name("okta-system-log").expect("the okta format is registered");
    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    let mut sink = CountingSink::default();
    for _ in 0..3 {
        sink = CountingSink::default();
        let mut reader = data;
        let mut input = Input {
            path: "bench",
            reader: &mut reader,
            org: None,
        };
        let cpu_start = thread_cpu_ns();
        let start = Instant::now();
        format.read(&mut input, &mut sink).expect("parse");
        best = best.min(start.elapsed().as_secs_f64());
        if let (Some(before), Some(after)) = (cpu_start, thread_cpu_ns()) {
            best_cpu = best_cpu.min((after - before) as f64 / 1e9);
        }
    }
    assert_eq!(sink.records, count as u64, "every event is a record");
    assert_eq!(sink.sign_ins, count as u64, "every event parsed");
    assert_eq!(sink.quarantined, 0);
    println!(
        "okta-system-log {label}: {count} events, {:.1} MB, best of 3: {:.3} s wall, {:.0} events/s, {:.0} MB/s (one thread)",
        data.len() as f64 / 1e6,
        best,
        count as f64 / best,
        data.len() as f64 / 1e6 / best
    );
    if best_cpu < f64::MAX {
        println!(
            "    on-CPU time: {best_cpu:.3} s, {:.0} events per CPU-second",
            count as f64 / best_cpu
        );
    }
}

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(500_000);
    let ndjson = synthetic_okta(count);
    measure("NDJSON", &ndjson, count);
    let array = as_array(&ndjson);
    drop(ndjson);
    measure("JSON array", &array, count);
}
