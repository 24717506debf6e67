//! The API over real HTTP on 127.0.0.1 (random port), with a plain HTTP/1.1 client on a
//! TcpStream: a yente-shaped `/match` request against the real OFAC 2021 and UN lists gets
//! yente's response shape with the expected entity first; `/search`, `/healthz`, and JSON
//! errors from the table (bad body, unknown dataset, oversized body, unknown route).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::OnceLock;

use unmask_screen::sources::{parse_ofac_csv, parse_un_xml, OfacCsvInput, OFAC_LIST, UN_LIST};
use unmask_screen::ScreeningIndex;
use unmask_server::{run_blocking, AppState};

fn testdata(rel: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../screen/testdata")
            .join(rel),
    )
    .unwrap()
}

fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let sdn = testdata("ofac_sdn_2021/sdn.csv");
        let alt = testdata("ofac_sdn_2021/alt.csv");
        let mut entities = parse_ofac_csv(
            OfacCsvInput {
                sdn: &sdn,
                alt: Some(&alt),
                ..Default::default()
            },
            OFAC_LIST,
        )
        .entities;
        entities.extend(
            parse_un_xml(&testdata("un_consolidated.xml"), UN_LIST)
                .unwrap()
                .entities,
        );
        let state = AppState::new(ScreeningIndex::build(entities));
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            run_blocking("127.0.0.1:0", state, |addr| tx.send(addr).unwrap()).unwrap();
        });
        rx.recv().unwrap()
    })
}

/// (status, JSON body) of one request.
fn request(method: &str, path: &str, body: &[u8]) -> (u16, serde_json::Value) {
    let mut stream = TcpStream::connect(server()).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    // A server may answer (413) before reading a large body: ignore a reset while writing.
    let _ = stream.write_all(body);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text.split_once("\r\n\r\n").expect("HTTP response");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        // One chunk is enough for these answers: size line, data, terminator.
        body.split_once("\r\n")
            .map(|(_, rest)| rest)
            .unwrap_or(body)
            .rsplit_once("\r\n0\r\n")
            .map(|(data, _)| data)
            .unwrap_or(body)
            .to_string()
    } else {
        body.to_string()
    };
    (
        status,
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
    )
}

#[test]
fn yente_match_request_gets_a_yente_response() {
    let body = br#"{
        "queries": {
            "kim": {"schema": "Person", "properties": {"name": ["Kim Jong-un"], "birthDate": ["1984-01-08"], "nationality": ["kp"]}},
            "bank": {"schema": "Company", "properties": {"name": "Korea Kwangson Banking Corporation"}}
        }
    }"#;
    let (status, json) = request("POST", "/match/default?algorithm=logic-v2&limit=3", body);
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["limit"], 3);
    let kim = &json["responses"]["kim"];
    assert_eq!(kim["status"], 200);
    assert_eq!(kim["results"][0]["id"], "us_ofac_sdn:20157");
    assert_eq!(kim["results"][0]["match"], true);
    assert_eq!(kim["results"][0]["schema"], "Person");
    assert_eq!(kim["results"][0]["datasets"][0], "us_ofac_sdn");
    assert!(kim["results"][0]["properties"]["name"].is_array());
    assert!(kim["results"][0]["features"].is_object());
    assert!(kim["results"][0]["explanations"].is_array());
    assert_eq!(kim["total"]["relation"], "eq");
    assert_eq!(kim["query"]["schema"], "Person");
    let bank = &json["responses"]["bank"]["results"][0];
    assert!(
        bank["caption"]
            .as_str()
            .unwrap()
            .to_uppercase()
            .contains("KWANGSON"),
        "{bank}"
    );
    assert!(json["matcher"]["name_korean"]["description"].is_string());

    // One list only.
    let (status, json) = request("POST", "/match/un_sc_sanctions", body);
    assert_eq!(status, 200, "{json}");
    for result in json["responses"]["bank"]["results"].as_array().unwrap() {
        assert_eq!(result["datasets"][0], "un_sc_sanctions");
    }
}

#[test]
fn search_and_health() {
    let (status, json) = request("GET", "/search?q=Ri%20Je%20Son&limit=5", b"");
    assert_eq!(status, 200, "{json}");
    assert!(json["total"]["value"].as_u64().unwrap() >= 1);
    assert!(json["results"][0]["caption"]
        .as_str()
        .unwrap()
        .to_uppercase()
        .contains("RI"));
    let (status, json) = request("GET", "/healthz", b"");
    assert_eq!(status, 200);
    assert!(json["entities"].as_u64().unwrap() > 9000);
}

#[test]
fn errors_are_json_from_the_table() {
    let (status, json) = request("POST", "/match/default", b"{not json");
    assert_eq!(status, 400);
    assert_eq!(json["code"], "invalid_body");
    assert!(json["detail"].is_string());

    let (status, json) = request(
        "POST",
        "/match/default",
        br#"{"queries": {"q": {"schema": "Person", "properties": {"name": [""]}}}}"#,
    );
    assert_eq!(status, 400);
    assert_eq!(json["code"], "invalid_query");

    let (status, json) = request("POST", "/match/nope", br#"{"queries": {}}"#);
    assert_eq!(status, 404);
    assert_eq!(json["code"], "dataset_not_found");

    let big = vec![b' '; 2 * unmask_server::MAX_BODY_BYTES];
    let (status, json) = request("POST", "/match/default", &big);
    assert_eq!(status, 413);
    assert_eq!(json["code"], "payload_too_large");

    let (status, json) = request("GET", "/nowhere", b"");
    assert_eq!(status, 404);
    assert_eq!(json["code"], "not_found");

    let (status, json) = request("GET", "/search", b"");
    assert_eq!(status, 400);
    assert_eq!(json["code"], "invalid_query");
}
