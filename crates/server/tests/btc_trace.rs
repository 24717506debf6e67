//! Bitcoin traces on the server: the trace API and the trace page take Bitcoin
//! seeds (addresses, `txid:vout`) and run the Bitcoin tracer on the graph that
//! ingest filled, with the same options and the same JSON result as Ethereum
//! traces; seeds mixing the two chains are refused; with no Bitcoin graph the
//! answer says so. The amounts are worked out by hand below.
//!
//! The data (bitcoin-etl JSON lines, plain export), as in the CLI's
//! `btc_ingest_trace` test: tx 1 (coinbase) pays THIEF 100,000 sat; tx 2
//! (coinbase) pays CLEAN 60,000; tx 3 spends both into MULE 90,000 and EXCHANGE
//! 60,000 (fee 10,000); tx 4 spends MULE's output into HOLD 50,000 and MULE2
//! 39,000 (fee 1,000). EXCHANGE is labelled an exchange.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use tower::ServiceExt;

use unmask_model::{sha256_hex, EntityFragment, Parsed};
use unmask_server::accounts::{self, Role};
use unmask_server::investigation::{router, Investigation, InvestigationConfig};
use unmask_store::RecordInsert;

#[path = "../../utxo/tests/support/etl_lines.rs"]
mod etl_lines;
use etl_lines::{line, txid};

const THIEF: &str = "bc1qthief000000000000000000";
const CLEAN: &str = "bc1qclean000000000000000000";
const MULE: &str = "bc1qmule0000000000000000000";
const EXCHANGE: &str = "bc1qexchange000000000000000";
const HOLD: &str = "bc1qhold0000000000000000000";
const MULE2: &str = "bc1qmule2000000000000000000";
const ETH: &str = "0x00000000000000000000000000000000000000ab";

struct World {
    _dir: tempfile::TempDir,
    data: std::path::PathBuf,
    app: Router,
    admin: String,
    analyst: String,
}

/// A store with an analyst and an admin; with `bitcoin`, the four transactions
/// ingested into the Bitcoin graph and EXCHANGE labelled.
fn world(bitcoin: bool) -> World {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut store = unmask_store::Store::open(&data).unwrap();
    if bitcoin {
        let files = dir.path().join("in");
        std::fs::create_dir_all(&files).unwrap();
        let text = line(1, 100, &[], &[(100_000, THIEF)])
            + &line(2, 100, &[], &[(60_000, CLEAN)])
            + &line(
                3,
                101,
                &[(1, 0), (2, 0)],
                &[(90_000, MULE), (60_000, EXCHANGE)],
            )
            + &line(4, 102, &[(3, 0)], &[(50_000, HOLD), (39_000, MULE2)]);
        std::fs::write(files.join("btc.json"), text).unwrap();
        let options = unmask_ingest::IngestOptions {
            format: None,
            org: None,
            progress: false,
            command: "test".into(),
        };
        unmask_ingest::ingest(&mut store, &[files], &options).unwrap();
        assert!(unmask_utxo::btc_dir(&data).join("graph.bin").exists());
        label_exchange(&mut store);
    }
    let conn = store.conn();
    accounts::add_user(conn, "admin", Role::Admin).unwrap();
    accounts::add_user(conn, "ana", Role::Analyst).unwrap();
    let admin = accounts::add_token(conn, "admin", "t").unwrap().1;
    let analyst = accounts::add_token(conn, "ana", "t").unwrap().1;
    drop(store);
    let app = router(Investigation::open(InvestigationConfig::new(data.clone()), None).unwrap());
    World {
        _dir: dir,
        data,
        app,
        admin,
        analyst,
    }
}

/// EXCHANGE labelled an exchange, stored as `unmask label add` stores it.
fn label_exchange(store: &mut unmask_store::Store) {
    let mut wallet = EntityFragment::new(format!("wallet:{EXCHANGE}"), "CryptoWallet");
    wallet
        .prop("category", "exchange")
        .prop("label", "Some Exchange")
        .prop("labelSource", "user");
    let hash = sha256_hex(b"test label");
    let run = store.begin_run("test label").unwrap();
    let file = store
        .register_file(&hash, "test label", "user-label", 0, run)
        .unwrap();
    let mut batch = store.batch(file, run).unwrap();
    batch
        .record(
            &RecordInsert {
                record_hash: hash.as_bytes(),
                line: 1,
                byte_offset: 0,
                raw: Some("label"),
            },
            &Parsed {
                entities: vec![wallet],
                ..Parsed::default()
            },
        )
        .unwrap();
    let counts = batch.finish(true).unwrap();
    store.finish_run(run, &counts, 0).unwrap();
}

struct Reply {
    status: StatusCode,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

async fn get(app: &Router, uri: &str, token: &str) -> Reply {
    let request = Request::builder()
        .method(Method::GET)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
        .await
        .unwrap();
    Reply {
        status,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn address<'v>(result: &'v Value, address: &str) -> &'v Value {
    result["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["address"] == address)
        .unwrap_or_else(|| panic!("{address} not in {result:#}"))
}

fn sat(value: &Value) -> u64 {
    value["BTC"].as_str().unwrap_or("0").parse().unwrap()
}

async fn audit(world: &World) -> Vec<(String, String, String)> {
    let reply = get(&world.app, "/api/v1/audit", &world.admin).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["target"].as_str().unwrap().to_string(),
                e["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_api_traces_bitcoin_seeds_with_the_ethereum_options_and_result() {
    let world = world(true);
    // Haircut: tx 3 passes 100,000 / 160,000 of each output on: MULE 56,250,
    // EXCHANGE 37,500 (an exit), fee 6,250; tx 4 passes 56,250 / 90,000: HOLD
    // 31,250, MULE2 24,375, fee 625.
    let reply = get(
        &world.app,
        &format!("/api/v1/trace?seed={THIEF}"),
        &world.analyst,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let result = reply.json();
    assert_eq!(result["model"], "haircut");
    assert_eq!(result["direction"], "forward");
    assert_eq!(result["seeds"][0], THIEF);
    assert!(address(&result, THIEF)["is_seed"].as_bool().unwrap());
    assert_eq!(sat(&address(&result, MULE)["tainted_received"]), 56_250);
    assert_eq!(address(&result, MULE)["hop"], 1);
    assert_eq!(sat(&address(&result, HOLD)["tainted_held"]), 31_250);
    assert_eq!(sat(&address(&result, MULE2)["tainted_held"]), 24_375);
    let exits = result["exits"].as_array().unwrap();
    assert_eq!(exits.len(), 1, "{result:#}");
    assert_eq!(exits[0]["address"], EXCHANGE);
    assert_eq!(exits[0]["kind"], "exchange");
    assert_eq!(exits[0]["label"], "Some Exchange");
    assert_eq!(sat(&exits[0]["amounts"]), 37_500);
    assert_eq!(exits[0]["transactions"][0], txid(3));
    let books = &result["reconciliation"]["BTC"];
    assert_eq!(books["left_seeds"], "100000");
    assert_eq!(books["held"], "55625");
    assert_eq!(books["exits"], "37500");
    assert_eq!(books["fees"], "6875");
    assert_eq!(books["difference"], "0");
    assert!(result["flows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["from"] == THIEF
            && f["to"] == MULE
            && f["asset"] == "BTC"
            && f["amount"] == "56250"));

    // FIFO from the output seed: THIEF's 100,000 are the first satoshis of tx 3:
    // MULE's 90,000 and 10,000 of EXCHANGE's; tx 4 is then wholly tainted.
    let fifo = get(
        &world.app,
        &format!("/api/v1/trace?seed={}:0&model=fifo", txid(1)),
        &world.analyst,
    )
    .await
    .json();
    assert_eq!(
        sat(&address(&fifo, HOLD)["tainted_held"]),
        50_000,
        "{fifo:#}"
    );
    assert_eq!(sat(&address(&fifo, MULE2)["tainted_held"]), 39_000);
    assert_eq!(sat(&fifo["exits"][0]["amounts"]), 10_000);
    assert_eq!(fifo["reconciliation"]["BTC"]["fees"], "1000");

    // A hop limit of 1 stops at MULE.
    let limited = get(
        &world.app,
        &format!("/api/v1/trace?seed={THIEF}&max_hops=1"),
        &world.analyst,
    )
    .await
    .json();
    assert_eq!(address(&limited, MULE)["at_hop_limit"], true, "{limited:#}");
    assert!(limited["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["address"] != HOLD));

    // Stopping nowhere: the exchange is an ordinary tainted address, not an exit.
    let through = get(
        &world.app,
        &format!("/api/v1/trace?seed={THIEF}&stop_at=none&dust_floor=0"),
        &world.analyst,
    )
    .await;
    assert_eq!(through.status, StatusCode::OK, "{}", through.text);
    let through = through.json();
    assert!(
        through["exits"].as_array().unwrap().is_empty(),
        "{through:#}"
    );
    assert_eq!(
        sat(&address(&through, EXCHANGE)["tainted_received"]),
        37_500
    );
    assert_eq!(through["reconciliation"]["BTC"]["dust_floor"], "0");
    assert_eq!(through["reconciliation"]["BTC"]["difference"], "0");
    for (query, message) in [
        ("stop_at=casino", "stop_at lists services"),
        ("dust_floor=2", "dust_floor is a fraction from 0 to 1"),
    ] {
        let refused = get(
            &world.app,
            &format!("/api/v1/trace?seed={THIEF}&{query}"),
            &world.analyst,
        )
        .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(refused.text.contains(message), "{query}: {}", refused.text);
    }

    // Backward from HOLD: its 50,000 came through MULE from THIEF and CLEAN
    // (haircut: 100,000 / 160,000 of it from THIEF, 60,000 / 160,000 from CLEAN).
    let back = get(
        &world.app,
        &format!("/api/v1/trace?seed={HOLD}&backward=true"),
        &world.analyst,
    )
    .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.text);
    let back = back.json();
    assert_eq!(back["direction"], "backward");
    assert_eq!(sat(&address(&back, MULE)["tainted_received"]), 50_000);
    assert_eq!(sat(&address(&back, THIEF)["tainted_received"]), 31_250);
    assert_eq!(sat(&address(&back, CLEAN)["tainted_received"]), 18_750);
    assert_eq!(address(&back, THIEF)["hop"], 2);

    // Two Bitcoin seeds in one trace, separated by a comma.
    let both = get(
        &world.app,
        &format!("/api/v1/trace?seed={THIEF},{CLEAN}"),
        &world.analyst,
    )
    .await;
    assert_eq!(both.status, StatusCode::OK, "{}", both.text);
    let both = both.json();
    assert_eq!(both["seeds"].as_array().unwrap().len(), 2);
    assert_eq!(both["reconciliation"]["BTC"]["left_seeds"], "160000");
    assert_eq!(sat(&both["exits"][0]["amounts"]), 60_000);

    // An address the graph does not hold: 404 with a message naming no seed.
    let unknown = get(
        &world.app,
        "/api/v1/trace?seed=bc1qnobody00000000000000000",
        &world.analyst,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.text);
    assert_eq!(unknown.json()["code"], "not_found");
    let message = unknown.json()["message"].as_str().unwrap().to_string();
    assert!(message.contains("Bitcoin graph"), "{message}");
    assert!(!message.contains("nobody"), "{message}");

    let entries = audit(&world).await;
    assert!(
        entries.contains(&(
            "trace".to_string(),
            format!("wallet:{THIEF}"),
            "haircut, 1 exits, Bitcoin".to_string()
        )),
        "{entries:?}"
    );
    assert!(
        entries.contains(&(
            "trace".to_string(),
            format!("wallet:{THIEF}, wallet:{CLEAN}"),
            "haircut, 1 exits, Bitcoin".to_string()
        )),
        "{entries:?}"
    );
    assert!(
        !entries.iter().any(|e| e.1.contains("nobody")),
        "a refused trace is not audited: {entries:?}"
    );
}

#[tokio::test]
async fn the_page_draws_a_bitcoin_trace_with_its_exits_in_btc() {
    let world = world(true);
    let page = get(
        &world.app,
        &format!("/trace?seed={THIEF}&model=haircut"),
        &world.analyst,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let html = &page.text;
    assert!(html.contains(r#"<svg class="flow""#), "{html}");
    // The flow THIEF → MULE, 56,250 sat, in BTC.
    assert!(html.contains("0.0005625 BTC"), "{html}");
    let exits = &html[html.find(r#"<table class="exits">"#).expect("exits table")..];
    assert!(exits.contains(EXCHANGE), "{exits}");
    assert!(exits.contains("Some Exchange"), "{exits}");
    assert!(exits.contains("0.000375 BTC"), "{exits}");
    assert!(exits.contains("<td>exchange</td>"), "{exits}");
    assert!(
        html.contains("5 addresses reached, 1 exits, 4 flows."),
        "{html}"
    );
}

#[tokio::test]
async fn mixed_seeds_are_refused_and_a_missing_graph_is_explained() {
    let world = world(true);
    let mixed = get(
        &world.app,
        &format!("/api/v1/trace?seed={ETH},{THIEF}"),
        &world.analyst,
    )
    .await;
    assert_eq!(mixed.status, StatusCode::BAD_REQUEST, "{}", mixed.text);
    let body = mixed.json();
    assert_eq!(body["code"], "invalid_parameters");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("mix Ethereum and Bitcoin"), "{message}");
    assert!(
        !message.contains(THIEF) && !message.contains(ETH),
        "{message}"
    );
    let page = get(
        &world.app,
        &format!("/trace?seed={ETH}+{THIEF}"),
        &world.analyst,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text
            .contains(r#"<p class="error">The seeds mix Ethereum and Bitcoin"#),
        "{}",
        page.text
    );
    let too_many = get(
        &world.app,
        &format!("/api/v1/trace?seed={}", vec![THIEF; 21].join(",")),
        &world.analyst,
    )
    .await;
    assert_eq!(too_many.status, StatusCode::BAD_REQUEST);
    assert!(too_many.json()["message"]
        .as_str()
        .unwrap()
        .contains("at most 20 seeds"));

    // No Bitcoin graph: a 404 that says so, and the page says it too.
    let bare = world_without_bitcoin();
    let none = get(
        &bare.app,
        &format!("/api/v1/trace?seed={THIEF}"),
        &bare.analyst,
    )
    .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND, "{}", none.text);
    assert_eq!(none.json()["code"], "not_found");
    assert_eq!(
        none.json()["message"],
        "There is no Bitcoin graph in the store yet: ingest bitcoin-etl or getblock files first."
    );
    let page = get(&bare.app, &format!("/trace?seed={THIEF}"), &bare.analyst).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text
            .contains("There is no Bitcoin graph in the store yet"),
        "{}",
        page.text
    );
    // A seed of neither shape with no Bitcoin graph: looked up in the (Ethereum)
    // chain store as before there were Bitcoin traces.
    let neither = get(&bare.app, "/api/v1/trace?seed=hello", &bare.analyst).await;
    assert_eq!(neither.status, StatusCode::NOT_FOUND);
    assert_eq!(
        neither.json()["message"],
        "The seed is not a 0x address that appears in the chain data."
    );
    assert!(audit(&bare).await.iter().all(|e| e.0 != "trace"));
}

#[tokio::test]
async fn a_trace_after_ingest_sees_the_new_transactions() {
    const NEXT: &str = "bc1qnext0000000000000000000";
    let world = world(true);
    let before = get(
        &world.app,
        &format!("/api/v1/trace?seed={THIEF}"),
        &world.analyst,
    )
    .await
    .json();
    assert_eq!(sat(&address(&before, HOLD)["tainted_held"]), 31_250);
    // Tx 5 spends HOLD's output into NEXT 49,000 (fee 1,000): haircut passes
    // 31,250 / 50,000 of it on, 30,625 to NEXT.
    let files = world.data.parent().unwrap().join("later");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(
        files.join("c.json"),
        line(5, 103, &[(4, 0)], &[(49_000, NEXT)]),
    )
    .unwrap();
    let mut store = unmask_store::Store::open(&world.data).unwrap();
    let options = unmask_ingest::IngestOptions {
        format: None,
        org: None,
        progress: false,
        command: "test".into(),
    };
    unmask_ingest::ingest(&mut store, &[files], &options).unwrap();
    drop(store);
    let after = get(
        &world.app,
        &format!("/api/v1/trace?seed={THIEF}"),
        &world.analyst,
    )
    .await
    .json();
    assert_eq!(sat(&address(&after, HOLD)["tainted_held"]), 0, "{after:#}");
    assert_eq!(sat(&address(&after, NEXT)["tainted_held"]), 30_625);
    assert_eq!(address(&after, NEXT)["hop"], 3);
}

fn world_without_bitcoin() -> World {
    world(false)
}
