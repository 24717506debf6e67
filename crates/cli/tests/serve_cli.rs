//! `unmask serve` end to end: lists ingested into a data dir, the binary listening on a
//! random port, a yente-shaped `/match` request answered from the store's lists.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};

#[test]
fn serve_answers_a_yente_request_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let un = Path::new(env!("CARGO_MANIFEST_DIR")).join("../screen/testdata/un_consolidated.xml");
    let ingest = Command::new(env!("CARGO_BIN_EXE_unmask"))
        .arg("--data-dir")
        .arg(&data)
        .arg("ingest")
        .arg(&un)
        .output()
        .unwrap();
    assert!(
        ingest.status.success(),
        "{}",
        String::from_utf8_lossy(&ingest.stderr)
    );

    // Screening is for analysts once the server holds accounts.
    let unmask = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_unmask"))
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success());
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    unmask(&["user", "add", "screener", "--role", "analyst"]);
    let token = unmask(&["token", "add", "screener"])
        .split_whitespace()
        .find(|word| word.starts_with("umk_"))
        .unwrap()
        .to_string();

    let mut server = Command::new(env!("CARGO_BIN_EXE_unmask"))
        .arg("--data-dir")
        .arg(&data)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    BufReader::new(server.stderr.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let addr = banner
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {banner:?}"))
        .to_string();

    let body = r#"{"queries": {"q": {"schema": "Person", "properties": {"name": ["Ri Je Son"]}}}}"#;
    let mut stream = TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "POST /match/default HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let _ = server.kill();
    let _ = server.wait();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"un_sc_sanctions:KPi."), "{response}");
    assert!(response.contains("\"match\":true"), "{response}");
}
