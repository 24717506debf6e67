//! API and UI tests on a small store: every route, the refusals (no credential, wrong
//! role, revoked token, missing CSRF, oversized body, path traversal), injection
//! strings kept as text, and the audit entries each action leaves.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use tower::ServiceExt;

#[path = "support/exports_check.rs"]
mod exports_check;

use unmask_server::accounts::{self, Role};
use unmask_server::investigation::{router, Investigation, InvestigationConfig};

const EMPLOYEES: &str = "employee_id,company_id,full_name,email,phone,home_address,claimed_timezone
E1,acme,Kim Chol,kim.chol@example.com,512-555-0143,1 Main St Austin TX 78701,America/Chicago
E2,acme,Jon Park,jon.park@example.com,512-555-0143,1 Main St Austin TX 78701,America/Chicago
";
const PAYROLL: &str = "employee_id,company_id,pay_date,amount,currency,method,account
E1,acme,2026-01-31,5000.00,USD,bank,US12345678901
E2,acme,2026-01-31,5000.00,USD,bank,US12345678901
";
const INJECTION: &str = "<script>alert('x')</script>' OR 1=1; DROP TABLE cases; --";

struct World {
    _dir: tempfile::TempDir,
    app: Router,
    admin: String,
    analyst: String,
    viewer: String,
    analyst_password: String,
    case_id: i64,
    finding_key: String,
}

fn world_with(config: impl FnOnce(&mut InvestigationConfig)) -> World {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let files = dir.path().join("in");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("employees.csv"), EMPLOYEES).unwrap();
    std::fs::write(files.join("payroll.csv"), PAYROLL).unwrap();
    let mut store = unmask_store::Store::open(&data).unwrap();
    let options = unmask_ingest::IngestOptions {
        format: None,
        org: None,
        progress: false,
        command: "test".into(),
    };
    let report = unmask_ingest::ingest(&mut store, &[files], &options).unwrap();
    assert!(report.total.stored >= 4, "{report:?}");
    let record: i64 = store
        .conn()
        .query_row(
            "SELECT record_id FROM entity_records WHERE entity_id = 'person:acme:E1'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    let run = store.begin_detect(&["shared_identifier"]).unwrap();
    let finding = unmask_model::Finding {
        detector: "shared_identifier".into(),
        subjects: vec!["person:acme:E1".into(), "person:acme:E2".into()],
        severity: unmask_model::Severity::High,
        weight: 0.8,
        reason: "Kim Chol and Jon Park share a phone and a home address".into(),
        evidence: vec![unmask_model::Evidence {
            entity_id: "person:acme:E1".into(),
            note: "employee record".into(),
            record_id: Some(record),
        }],
        key: "shared_identifier:phone:+15125550143".into(),
    };
    let ids = store
        .replace_findings(run, std::slice::from_ref(&finding))
        .unwrap();
    store
        .save_cases(&[unmask_store::NewCase {
            key: "case:test".into(),
            title: "Kim Chol, Jon Park".into(),
            subjects: finding.subjects.clone(),
            score: 0.8,
            finding_ids: ids,
        }])
        .unwrap();
    let case_id: i64 = store
        .conn()
        .query_row("SELECT id FROM cases", [], |row| row.get(0))
        .unwrap();
    let conn = store.conn();
    accounts::add_user(conn, "admin", Role::Admin).unwrap();
    let (_, analyst_password) = accounts::add_user(conn, "ana", Role::Analyst).unwrap();
    accounts::add_user(conn, "vic", Role::Viewer).unwrap();
    let admin = accounts::add_token(conn, "admin", "t").unwrap().1;
    let analyst = accounts::add_token(conn, "ana", "t").unwrap().1;
    let viewer = accounts::add_token(conn, "vic", "t").unwrap().1;
    drop(store);
    let mut settings = InvestigationConfig::new(data);
    settings.max_upload_bytes = 4096;
    config(&mut settings);
    let app = router(Investigation::open(settings, None).unwrap());
    World {
        _dir: dir,
        app,
        admin,
        analyst,
        viewer,
        analyst_password,
        case_id,
        finding_key: finding.key,
    }
}

fn world() -> World {
    world_with(|_| {})
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
    fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or("").to_string()
    }
}

async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn call(
    app: &Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut builder = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
        None => builder.body(Body::empty()).unwrap(),
    };
    send(app, request).await
}

async fn audit_actions(world: &World) -> Vec<(String, String, String)> {
    let reply = call(
        &world.app,
        Method::GET,
        "/api/v1/audit",
        Some(&world.admin),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_string(),
                e["action"].as_str().unwrap().to_string(),
                e["target"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn every_route(world: &World) -> Vec<(Method, String)> {
    let id = world.case_id;
    vec![
        (Method::GET, "/api/v1/me".into()),
        (Method::GET, "/api/v1/cases".into()),
        (Method::GET, format!("/api/v1/cases/{id}")),
        (Method::POST, format!("/api/v1/cases/{id}/decision")),
        (Method::POST, format!("/api/v1/cases/{id}/notes")),
        (Method::PUT, format!("/api/v1/cases/{id}/assignee")),
        (
            Method::GET,
            format!("/api/v1/cases/{id}/export?format=json"),
        ),
        (Method::GET, "/api/v1/entities?q=kim".into()),
        (Method::GET, "/api/v1/entities/person%3Aacme%3AE1".into()),
        (Method::POST, "/api/v1/ingest?name=a.csv".into()),
        (Method::GET, "/api/v1/audit".into()),
        (Method::GET, "/api/v1/trace?seed=0xab".into()),
        (Method::GET, "/api/v1/users".into()),
        (Method::POST, "/api/v1/users".into()),
        (Method::PUT, "/api/v1/users/vic/role".into()),
        (Method::PUT, "/api/v1/users/vic/disabled".into()),
        (Method::DELETE, "/api/v1/users/vic/tokens".into()),
        (Method::POST, "/api/v1/users/vic/password".into()),
    ]
}

/// The whole server (screening, health, API, pages) over the world's store, with the
/// list of its routes, and a screening index of the UN list.
fn whole_server(world: &World) -> (Router, Vec<unmask_server::listed::Route>) {
    let un = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../screen/testdata/un_consolidated.xml"),
    )
    .unwrap();
    let entities = unmask_screen::sources::parse_un_xml(&un, unmask_screen::sources::UN_LIST)
        .unwrap()
        .entities;
    let screening = unmask_server::AppState::new(unmask_screen::ScreeningIndex::build(entities));
    let settings = InvestigationConfig::new(world._dir.path().join("data"));
    let investigation = Investigation::open(settings, Some(screening.clone())).unwrap();
    unmask_server::routes::listed(screening.with_investigation(investigation)).into_parts()
}

#[tokio::test]
async fn openapi_document_describes_exactly_the_routed_api() {
    use unmask_server::listed::Kind;
    let world = world();
    let (app, routes) = whole_server(&world);
    let reply = call(&app, Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let document = reply.json();
    let mut documented = std::collections::BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.clone(), path.clone()));
        }
    }
    let routed: std::collections::BTreeSet<(String, String)> = routes
        .iter()
        .filter(|route| route.kind == Kind::Api)
        .map(|route| (route.method.as_str().to_string(), route.path.clone()))
        .collect();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty() && unrouted.is_empty(),
        "routed but not in openapi.json: {undocumented:?}; in openapi.json but not routed: {unrouted:?}"
    );
    for path in [
        "/match/{dataset}",
        "/search",
        "/search/{dataset}",
        "/healthz",
        "/api/v1/users",
    ] {
        assert!(
            routed.iter().any(|(_, p)| p == path),
            "{path} is not routed"
        );
    }
    // Pages are routed but stay out of the document.
    let pages: Vec<_> = routes.iter().filter(|r| r.kind == Kind::Page).collect();
    assert!(pages.iter().any(|r| r.path == "/admin/users"));
    assert!(pages
        .iter()
        .all(|r| !documented.contains(&(r.method.as_str().to_string(), r.path.clone()))));
    // The list is the router's own: each listed method and path is answered by its
    // handler (neither the fallback's 404 nor a 405), and an unlisted one is not.
    for route in &routes {
        let uri = route
            .path
            .replace("{id}", &world.case_id.to_string())
            .replace("{name}", "vic")
            .replace("{dataset}", "default")
            .replace("{format}", "json");
        let method = Method::from_bytes(route.method.as_str().to_uppercase().as_bytes()).unwrap();
        let reply = call(&app, method, &uri, None, None).await;
        assert_ne!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{route:?}");
        assert!(
            !(reply.status == StatusCode::NOT_FOUND && reply.json()["message"] == "no such route"),
            "{route:?} fell through to the fallback"
        );
    }
    for uri in ["/api/v1/nope", "/nope"] {
        let unknown = call(&app, Method::GET, uri, Some(&world.admin), None).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(unknown.code(), "not_found");
    }
}

/// Property names of a component schema of the OpenAPI document: (all, required).
fn schema_fields(document: &Value, name: &str) -> (Vec<String>, Vec<String>) {
    let schema = &document["components"]["schemas"][name];
    let all = schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no schema {name}"))
        .keys()
        .cloned()
        .collect();
    let required = schema["required"]
        .as_array()
        .map(|r| r.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default();
    (all, required)
}

fn assert_described(document: &Value, name: &str, answer: &Value) {
    let (all, required) = schema_fields(document, name);
    let keys: Vec<String> = answer.as_object().unwrap().keys().cloned().collect();
    for key in &keys {
        assert!(
            all.contains(key),
            "{name}: field {key} of the answer is not described"
        );
    }
    for key in &required {
        assert!(
            keys.contains(key),
            "{name}: required field {key} is not in the answer"
        );
    }
}

#[tokio::test]
async fn the_yente_answers_have_the_fields_the_document_describes() {
    let world = world();
    let (app, _) = whole_server(&world);
    let document = call(&app, Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json();
    let body =
        json!({"queries": {"q1": {"schema": "Person", "properties": {"name": ["Kim Kwang Il"]}}}});
    let answer = call(
        &app,
        Method::POST,
        "/match/default",
        Some(&world.analyst),
        Some(body),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let answer = answer.json();
    assert_described(&document, "YenteMatchResponse", &answer);
    let matches = &answer["responses"]["q1"];
    assert_described(&document, "YenteEntityMatches", matches);
    assert_described(&document, "YenteEntityExample", &matches["query"]);
    let best = &matches["results"][0];
    assert!(
        best["caption"].as_str().unwrap().contains("KIM KWANG"),
        "{best}"
    );
    assert_described(&document, "YenteScoredEntity", best);
    assert_described(&document, "YenteExplanation", &best["explanations"][0]);
    assert_described(&document, "YenteTotal", &matches["total"]);
    let feature = answer["matcher"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap();
    assert_described(&document, "YenteFeatureDoc", feature);
    let search = call(
        &app,
        Method::GET,
        "/search?q=KIM%20KWANG%20IL",
        Some(&world.analyst),
        None,
    )
    .await;
    assert_eq!(search.status, StatusCode::OK, "{}", search.text);
    assert_described(&document, "YenteSearchResponse", &search.json());
    assert!(
        search.json()["total"]["value"].as_u64().unwrap() > 0,
        "{}",
        search.text
    );
    assert_described(&document, "YenteEntity", &search.json()["results"][0]);
    let health = call(&app, Method::GET, "/healthz", None, None).await;
    assert_described(&document, "Health", &health.json());
}

#[tokio::test]
async fn every_route_refuses_without_credentials_and_with_a_revoked_token() {
    let world = world();
    let conn_dir = world._dir.path().join("data");
    let store = unmask_store::Store::open(&conn_dir).unwrap();
    let (id, revoked) = accounts::add_token(store.conn(), "admin", "old").unwrap();
    accounts::revoke_token(store.conn(), id).unwrap();
    for (method, uri) in every_route(&world) {
        let reply = call(&world.app, method.clone(), &uri, None, Some(json!({}))).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{method} {uri}");
        assert_eq!(reply.code(), "unauthenticated");
        let reply = call(
            &world.app,
            method.clone(),
            &uri,
            Some(&revoked),
            Some(json!({})),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{method} {uri} revoked"
        );
        let reply = call(&world.app, method.clone(), &uri, Some("umk_forged"), None).await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{method} {uri} forged"
        );
    }
}

#[tokio::test]
async fn a_viewer_reads_but_cannot_decide_note_assign_ingest_or_read_the_audit() {
    let world = world();
    let id = world.case_id;
    let ok = call(
        &world.app,
        Method::GET,
        "/api/v1/cases",
        Some(&world.viewer),
        None,
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.json()["total"], 1);
    assert_eq!(
        ok.json()["cases"][0]["top_reasons"][0],
        "Kim Chol and Jon Park share a phone and a home address"
    );
    let refusals = [
        (
            Method::POST,
            format!("/api/v1/cases/{id}/decision"),
            json!({"decision": "dismissed", "reason": "x"}),
        ),
        (
            Method::POST,
            format!("/api/v1/cases/{id}/notes"),
            json!({"body": "x"}),
        ),
        (
            Method::PUT,
            format!("/api/v1/cases/{id}/assignee"),
            json!({"assignee": "vic"}),
        ),
        (
            Method::POST,
            "/api/v1/ingest?name=a.csv".to_string(),
            json!({}),
        ),
        (Method::GET, "/api/v1/audit".to_string(), json!({})),
        (
            Method::GET,
            "/api/v1/trace?seed=0xab".to_string(),
            json!({}),
        ),
    ];
    for (method, uri, body) in refusals {
        let reply = call(
            &world.app,
            method.clone(),
            &uri,
            Some(&world.viewer),
            Some(body),
        )
        .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {uri}");
        assert_eq!(reply.code(), "forbidden");
    }
    let analyst_audit = call(
        &world.app,
        Method::GET,
        "/api/v1/audit",
        Some(&world.analyst),
        None,
    )
    .await;
    assert_eq!(analyst_audit.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_analyst_works_a_case_and_the_audit_log_has_each_step() {
    let world = world();
    let id = world.case_id;
    let app = &world.app;
    let token = Some(world.analyst.as_str());
    let case = call(
        app,
        Method::GET,
        &format!("/api/v1/cases/{id}"),
        token,
        None,
    )
    .await;
    assert_eq!(case.status, StatusCode::OK, "{}", case.text);
    let case = case.json();
    let source = case["findings"][0]["evidence"][0]["source"]
        .as_str()
        .unwrap();
    assert!(source.ends_with("employees.csv:2"), "{source}");
    assert_eq!(case["payments"].as_array().unwrap().len(), 2);
    let dismiss = call(
        app,
        Method::POST,
        &format!("/api/v1/cases/{id}/decision"),
        token,
        Some(
            json!({"finding": world.finding_key, "decision": "dismissed", "reason": "same family"}),
        ),
    )
    .await;
    assert_eq!(dismiss.status, StatusCode::OK, "{}", dismiss.text);
    let wrong_finding = call(
        app,
        Method::POST,
        &format!("/api/v1/cases/{id}/decision"),
        token,
        Some(json!({"finding": "nope", "decision": "dismissed", "reason": "x"})),
    )
    .await;
    assert_eq!(wrong_finding.status, StatusCode::NOT_FOUND);
    let bad_decision = call(
        app,
        Method::POST,
        &format!("/api/v1/cases/{id}/decision"),
        token,
        Some(json!({"decision": "deleted", "reason": "x"})),
    )
    .await;
    assert_eq!(bad_decision.status, StatusCode::BAD_REQUEST);
    let confirm = call(
        app,
        Method::POST,
        &format!("/api/v1/cases/{id}/decision"),
        token,
        Some(json!({"decision": "confirmed", "reason": "farm"})),
    )
    .await;
    assert_eq!(confirm.json()["status"], "confirmed");
    let note = call(
        app,
        Method::POST,
        &format!("/api/v1/cases/{id}/notes"),
        token,
        Some(json!({"body": INJECTION})),
    )
    .await;
    assert_eq!(note.status, StatusCode::OK);
    assert_eq!(note.json()["body"], INJECTION);
    let assign = call(
        app,
        Method::PUT,
        &format!("/api/v1/cases/{id}/assignee"),
        token,
        Some(json!({"assignee": "ana"})),
    )
    .await;
    assert_eq!(assign.status, StatusCode::OK);
    let unknown_user = call(
        app,
        Method::PUT,
        &format!("/api/v1/cases/{id}/assignee"),
        token,
        Some(json!({"assignee": INJECTION})),
    )
    .await;
    assert_eq!(unknown_user.status, StatusCode::BAD_REQUEST);
    assert!(!unknown_user.text.contains("script"));
    let after = call(
        app,
        Method::GET,
        &format!("/api/v1/cases/{id}"),
        token,
        None,
    )
    .await
    .json();
    assert_eq!(after["findings"][0]["dismissed"], true);
    assert_eq!(after["status"], "confirmed");
    assert_eq!(after["assignee"], "ana");
    assert_eq!(after["notes"][0]["body"], INJECTION);
    let list = call(
        app,
        Method::GET,
        "/api/v1/cases?status=confirmed&assignee=ana",
        token,
        None,
    )
    .await;
    assert_eq!(list.json()["total"], 1);
    let none = call(app, Method::GET, "/api/v1/cases?status=open", token, None).await;
    assert_eq!(none.json()["total"], 0);
    let search = call(app, Method::GET, "/api/v1/entities?q=kim.chol", token, None).await;
    assert!(search.json()["entities"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["id"] == "person:acme:E1"));
    let injection_search = call(
        app,
        Method::GET,
        "/api/v1/entities?q=%25%27%20OR%201%3D1%20--",
        token,
        None,
    )
    .await;
    assert_eq!(injection_search.status, StatusCode::OK);
    assert!(injection_search.json()["entities"]
        .as_array()
        .unwrap()
        .is_empty());
    let entity = call(
        app,
        Method::GET,
        "/api/v1/entities/person%3Aacme%3AE1",
        token,
        None,
    )
    .await;
    assert_eq!(entity.status, StatusCode::OK);
    assert!(entity.json()["links"].as_array().unwrap().len() >= 3);
    let missing = call(
        app,
        Method::GET,
        "/api/v1/entities/person%3Aacme%3ASECRET99",
        token,
        None,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        !missing.text.contains("SECRET99"),
        "personal data in an error"
    );
    for format in ["json", "stix", "ftm", "html"] {
        let export = call(
            app,
            Method::GET,
            &format!("/api/v1/cases/{id}/export?format={format}"),
            token,
            None,
        )
        .await;
        assert_eq!(export.status, StatusCode::OK, "{format}");
        match format {
            "stix" => {
                let bundle: Value = serde_json::from_str(&export.text).unwrap();
                exports_check::check_stix(&bundle);
                let objects = bundle["objects"].as_array().unwrap();
                assert!(
                    objects
                        .iter()
                        .any(|o| o["pattern"] == "[email-addr:value = 'kim.chol@example.com']"),
                    "{}",
                    export.text
                );
                assert!(objects
                    .iter()
                    .any(|o| o["type"] == "identity" && o["identity_class"] == "individual"));
                assert!(objects.iter().any(|o| o["type"] == "report"));
            }
            "ftm" => {
                let schemata = exports_check::check_ftm(&export.text);
                for schema in ["Person", "Address", "BankAccount", "Payment", "Ownership"] {
                    assert!(schemata.contains(schema), "no {schema} in {schemata:?}");
                }
                let lines: Vec<Value> = export
                    .text
                    .lines()
                    .map(|l| serde_json::from_str(l).unwrap())
                    .collect();
                let kim = lines
                    .iter()
                    .find(|l| l["id"] == "person:acme:E1")
                    .unwrap_or_else(|| panic!("{}", export.text));
                assert_eq!(kim["schema"], "Person");
                assert_eq!(kim["properties"]["name"], json!(["Kim Chol"]));
                assert_eq!(kim["properties"]["email"], json!(["kim.chol@example.com"]));
                assert!(kim["properties"].get("employeeId").is_none());
                let account = lines
                    .iter()
                    .find(|l| l["schema"] == "BankAccount")
                    .unwrap_or_else(|| panic!("{}", export.text));
                assert_eq!(
                    account["properties"]["accountNumber"],
                    json!(["US12345678901"])
                );
                assert!(lines.iter().any(|l| l["schema"] == "Payment"
                    && l["properties"]["beneficiary"] == json!(["person:acme:E1"])));
            }
            "html" => assert!(export.text.contains("Kim Chol")),
            _ => {}
        }
    }
    if unmask_server::exports::chromium().is_some() {
        let pdf = call(
            app,
            Method::GET,
            &format!("/api/v1/cases/{id}/export?format=pdf"),
            token,
            None,
        )
        .await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    }
    let no_chain = call(
        app,
        Method::GET,
        "/api/v1/trace?seed=0x00000000000000000000000000000000000000ab",
        token,
        None,
    )
    .await;
    assert_eq!(no_chain.status, StatusCode::NOT_FOUND);
    assert_eq!(no_chain.code(), "not_found");
    let bad_model = call(
        app,
        Method::GET,
        "/api/v1/trace?seed=0xab&model=magic",
        token,
        None,
    )
    .await;
    assert_eq!(bad_model.status, StatusCode::BAD_REQUEST);
    let bad_format = call(
        app,
        Method::GET,
        &format!("/api/v1/cases/{id}/export?format=exe"),
        token,
        None,
    )
    .await;
    assert_eq!(bad_format.status, StatusCode::BAD_REQUEST);
    let actions = audit_actions(&world).await;
    for expected in [
        "case.view",
        "finding.dismissed",
        "case.confirmed",
        "case.note",
        "case.assign",
        "entity.search",
        "entity.view",
        "export.stix",
        "export.ftm",
        "export.json",
        "export.html",
    ] {
        assert!(
            actions
                .iter()
                .any(|(actor, action, _)| actor == "ana" && action == expected),
            "{expected} missing from {actions:?}"
        );
    }
}

#[tokio::test]
async fn uploads_are_streamed_limited_and_refuse_paths() {
    let world = world();
    let app = &world.app;
    let upload = |name: &str, body: Vec<u8>| {
        Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/ingest?name={name}"))
            .header(header::AUTHORIZATION, format!("Bearer {}", world.analyst))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(body))
            .unwrap()
    };
    for name in [
        "..%2F..%2Fetc%2Fpasswd",
        "a%2Fb.csv",
        "..",
        ".hidden",
        "a%5Cb.csv",
        "x%00.csv",
        "",
    ] {
        let reply = send(app, upload(name, b"x".to_vec())).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}");
        assert_eq!(reply.code(), "invalid_parameters");
    }
    let too_big = send(app, upload("big.csv", vec![b'a'; 5000])).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_big.code(), "payload_too_large");
    // Streamed without a length: the limit holds while reading.
    let stream =
        futures_util::stream::iter((0..10).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 1000])));
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/ingest?name=stream.csv")
        .header(header::AUTHORIZATION, format!("Bearer {}", world.analyst))
        .body(Body::from_stream(stream))
        .unwrap();
    let streamed = send(app, request).await;
    assert_eq!(streamed.status, StatusCode::PAYLOAD_TOO_LARGE);
    let extra = "employee_id,company_id,full_name,email\nE9,acme,Ri Song,ri.song@example.com\n";
    let ok = send(app, upload("new-hires.csv", extra.as_bytes().to_vec())).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.json()["total"]["stored"], 1);
    let uploads = world._dir.path().join("data").join("uploads");
    let names: Vec<String> = std::fs::read_dir(&uploads)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "partial files are removed: {names:?}");
    assert!(names[0].ends_with("-new-hires.csv"));
    assert!(audit_actions(&world)
        .await
        .iter()
        .any(|(actor, action, target)| actor == "ana"
            && action == "ingest"
            && target == "upload:new-hires.csv"));
}

#[tokio::test]
async fn oversized_and_malformed_json_bodies_are_refused_with_json_errors() {
    let world = world();
    let id = world.case_id;
    let big = "x".repeat(100 * 1024);
    let reply = call(
        &world.app,
        Method::POST,
        &format!("/api/v1/cases/{id}/notes"),
        Some(&world.analyst),
        Some(json!({"body": big})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.code(), "payload_too_large");
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/cases/{id}/notes"))
        .header(header::AUTHORIZATION, format!("Bearer {}", world.analyst))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    let reply = send(&world.app, request).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "invalid_body");
}

fn form(uri: &str, cookie: Option<&str>, body: &str) -> Request<Body> {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder.body(Body::from(body.to_string())).unwrap()
}

fn page(uri: &str, cookie: &str) -> Request<Body> {
    Request::builder()
        .uri(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap()
}

fn urlencode(text: &str) -> String {
    unmask_server::svg::encode_segment(text)
}

/// The sign-in form's nonce cookie (`unmask_signin=…`) and its CSRF token.
async fn signin_form(app: &Router) -> (String, String) {
    let page = send(
        app,
        Request::builder()
            .uri("/signin")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let set_cookie = page.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set_cookie.starts_with("unmask_signin="), "{set_cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/signin"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    (cookie, csrf_of(&page.text))
}

async fn sign_in(world: &World, name: &str, password: &str) -> Reply {
    let (cookie, csrf) = signin_form(&world.app).await;
    send(
        &world.app,
        form(
            "/signin",
            Some(&cookie),
            &format!(
                "csrf={csrf}&name={}&password={}",
                urlencode(name),
                urlencode(password)
            ),
        ),
    )
    .await
}

#[tokio::test]
async fn a_sign_in_form_without_its_own_csrf_token_is_refused() {
    let world = world();
    let app = &world.app;
    let (cookie, csrf) = signin_form(app).await;
    let (other_cookie, other_csrf) = signin_form(app).await;
    assert_ne!(csrf, other_csrf);
    let credentials = format!("name=ana&password={}", urlencode(&world.analyst_password));
    // What a cross-site form can send: no cookie (SameSite=Strict), or a token it
    // cannot have; a nonce without its signature; another form's token.
    let attempts = [
        (None, credentials.clone()),
        (None, format!("csrf={csrf}&{credentials}")),
        (Some(cookie.clone()), credentials.clone()),
        (Some(cookie.clone()), format!("csrf=&{credentials}")),
        (
            Some(cookie.clone()),
            format!("csrf={}&{credentials}", &cookie["unmask_signin=".len()..]),
        ),
        (
            Some(cookie.clone()),
            format!("csrf={other_csrf}&{credentials}"),
        ),
        (
            Some(other_cookie.clone()),
            format!("csrf={csrf}&{credentials}"),
        ),
    ];
    for (cookie, body) in &attempts {
        let reply = send(app, form("/signin", cookie.as_deref(), body)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{cookie:?} {body}");
        assert!(reply.text.contains("did not come from this server"));
        let set_cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
        assert!(
            set_cookie.starts_with("unmask_signin="),
            "a refusal starts no session: {set_cookie}"
        );
    }
    // Refusals check no password, so they do not count toward the account's lock.
    assert!(attempts.len() as i64 > accounts::MAX_FAILURES_PER_ACCOUNT);
    let ok = send(
        app,
        form(
            "/signin",
            Some(&cookie),
            &format!("csrf={csrf}&{credentials}"),
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    let cookies: Vec<&str> = ok
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(cookies[0].starts_with("unmask_session="));
    assert!(cookies
        .iter()
        .any(|c| c.starts_with("unmask_signin=;") && c.contains("Max-Age=0")));
    let actions = audit_actions(&world).await;
    let refused = actions
        .iter()
        .filter(|(actor, action, target)| {
            actor == "-" && action == "sign_in.csrf_failed" && target == "ana"
        })
        .count();
    assert_eq!(refused, attempts.len());
    assert!(!actions
        .iter()
        .any(|(_, action, _)| action == "sign_in.refused"));
}

fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker).unwrap() + marker.len();
    html[start..start + 64].to_string()
}

#[tokio::test]
async fn browser_session_sign_in_csrf_and_escaping() {
    let world = world();
    let app = &world.app;
    let unauthenticated = send(
        app,
        Request::builder()
            .uri("/cases")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(unauthenticated.status, StatusCode::SEE_OTHER);
    assert_eq!(unauthenticated.headers[header::LOCATION], "/signin");
    let wrong = sign_in(&world, "ana", "wrong").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.text.contains("Name or password not accepted"));
    let ok = sign_in(&world, "ana", &world.analyst_password).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let set_cookie = ok.headers[header::SET_COOKIE].to_str().unwrap().to_string();
    for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    let queue = send(app, page("/cases", &cookie)).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.text.contains("Kim Chol and Jon Park share a phone"));
    assert!(queue.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    let id = world.case_id;
    let case = send(app, page(&format!("/cases/{id}"), &cookie)).await;
    assert_eq!(case.status, StatusCode::OK);
    assert!(case.text.contains("<svg class=\"graph\""));
    assert!(case.text.contains("employees.csv:2"));
    let csrf = csrf_of(&case.text);
    // A state change without the CSRF token is refused, by form and by API.
    let refused = send(
        app,
        form(&format!("/cases/{id}/notes"), Some(&cookie), "body=hello"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = send(
        app,
        form(
            &format!("/cases/{id}/notes"),
            Some(&cookie),
            "csrf=0000&body=hello",
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let api = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/cases/{id}/notes"))
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"body": "x"}).to_string()))
        .unwrap();
    let refused = send(app, api).await;
    assert_eq!(refused.code(), "csrf_failed");
    let api = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/cases/{id}/notes"))
        .header(header::COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"body": "via api"}).to_string()))
        .unwrap();
    assert_eq!(send(app, api).await.status, StatusCode::OK);
    let note = send(
        app,
        form(
            &format!("/cases/{id}/notes"),
            Some(&cookie),
            &format!("csrf={csrf}&body={}", urlencode(INJECTION)),
        ),
    )
    .await;
    assert_eq!(note.status, StatusCode::SEE_OTHER);
    let dismiss = send(
        app,
        form(
            &format!("/cases/{id}/decision"),
            Some(&cookie),
            &format!(
                "csrf={csrf}&finding={}&decision=dismissed&reason={}",
                urlencode(&world.finding_key),
                urlencode(INJECTION)
            ),
        ),
    )
    .await;
    assert_eq!(dismiss.status, StatusCode::SEE_OTHER);
    let case = send(app, page(&format!("/cases/{id}"), &cookie)).await;
    assert!(!case.text.contains("<script>"), "script injected");
    assert!(
        case.text
            .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
            || case.text.contains("&lt;script&gt;")
    );
    assert!(case.text.contains("finding dismissed"));
    let signout = send(
        app,
        form("/signout", Some(&cookie), &format!("csrf={csrf}")),
    )
    .await;
    assert_eq!(signout.status, StatusCode::SEE_OTHER);
    let after = send(app, page("/cases", &cookie)).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "the session ended");
    let actions = audit_actions(&world).await;
    for (actor, action) in [
        ("-", "sign_in.refused"),
        ("ana", "sign_in"),
        ("ana", "case.view"),
        ("ana", "case.note"),
        ("ana", "finding.dismissed"),
        ("ana", "sign_out"),
    ] {
        assert!(
            actions.iter().any(|(a, b, _)| a == actor && b == action),
            "{actor} {action} missing"
        );
    }
}

#[tokio::test]
async fn viewers_see_no_forms_and_admins_see_the_audit_page() {
    let world = world();
    let store = unmask_store::Store::open(&world._dir.path().join("data")).unwrap();
    let viewer_password = accounts::reset_password(store.conn(), "vic").unwrap();
    let admin_password = accounts::reset_password(store.conn(), "admin").unwrap();
    drop(store);
    let viewer = sign_in(&world, "vic", &viewer_password).await;
    let cookie = viewer.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let case = send(
        &world.app,
        page(&format!("/cases/{}", world.case_id), &cookie),
    )
    .await;
    assert_eq!(case.status, StatusCode::OK);
    assert!(!case.text.contains("action=\"/cases/1/decision\""));
    let audit = send(&world.app, page("/admin/audit", &cookie)).await;
    assert_eq!(audit.status, StatusCode::FORBIDDEN);
    let admin = sign_in(&world, "admin", &admin_password).await;
    let cookie = admin.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let audit = send(&world.app, page("/admin/audit", &cookie)).await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.text.contains("case.view"));
    let search = send(&world.app, page("/entities?q=Park", &cookie)).await;
    assert!(search.text.contains("person:acme:E2"));
    let entity = send(&world.app, page("/entities/person%3Aacme%3AE1", &cookie)).await;
    assert!(entity.text.contains("Kim Chol"));
}

#[tokio::test]
async fn sign_ins_are_rate_limited_and_cookies_can_be_plain_on_loopback() {
    let world = world_with(|config| config.secure_cookies = false);
    for _ in 0..accounts::MAX_FAILURES_PER_ACCOUNT {
        assert_eq!(
            sign_in(&world, "ana", "bad").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = sign_in(&world, "ana", &world.analyst_password).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let other = world_with(|config| config.secure_cookies = false);
    let ok = sign_in(&other, "ana", &other.analyst_password).await;
    assert!(!ok.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Secure"));
}

#[tokio::test]
async fn screening_routes_need_an_analyst_when_accounts_are_on() {
    let world = world();
    let data = world._dir.path().join("data");
    let screening = unmask_server::AppState::new(unmask_screen::ScreeningIndex::build(Vec::new()));
    let mut settings = InvestigationConfig::new(data);
    settings.secure_cookies = false;
    let investigation = Investigation::open(settings, Some(screening.clone())).unwrap();
    let app = unmask_server::routes::router(screening.with_investigation(investigation));
    let body =
        json!({"queries": {"q1": {"schema": "Person", "properties": {"name": ["Kim Kwang Il"]}}}});
    let anonymous = call(
        &app,
        Method::POST,
        "/match/default",
        None,
        Some(body.clone()),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let viewer = call(
        &app,
        Method::POST,
        "/match/default",
        Some(&world.viewer),
        Some(body.clone()),
    )
    .await;
    assert_eq!(viewer.status, StatusCode::FORBIDDEN);
    let analyst = call(
        &app,
        Method::POST,
        "/match/default",
        Some(&world.analyst),
        Some(body),
    )
    .await;
    assert_eq!(analyst.status, StatusCode::OK, "{}", analyst.text);
    let search = call(&app, Method::GET, "/search?q=KIM%20KWANG%20IL", None, None).await;
    assert_eq!(search.status, StatusCode::UNAUTHORIZED);
    let health = call(&app, Method::GET, "/healthz", None, None).await;
    assert_eq!(health.status, StatusCode::OK);
    // The investigation routes are mounted on the same router.
    let cases = call(
        &app,
        Method::GET,
        "/api/v1/cases",
        Some(&world.viewer),
        None,
    )
    .await;
    assert_eq!(cases.status, StatusCode::OK);
    let actions = audit_actions(&world).await;
    assert!(actions.iter().any(|(actor, action, target)| actor == "ana"
        && action == "screen.api"
        && target == "/match/default"));
}

fn session_cookie(reply: &Reply) -> String {
    reply.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

async fn me(world: &World, token: &str) -> Reply {
    call(&world.app, Method::GET, "/api/v1/me", Some(token), None).await
}

#[tokio::test]
async fn admins_manage_users_by_api_and_each_change_is_audited() {
    let world = world();
    let app = &world.app;
    let admin = Some(world.admin.as_str());
    let listed = call(app, Method::GET, "/api/v1/users", admin, None).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    let users = listed.json()["users"].as_array().unwrap().clone();
    let summary: Vec<(String, String, bool, i64)> = users
        .iter()
        .map(|u| {
            (
                u["name"].as_str().unwrap().to_string(),
                u["role"].as_str().unwrap().to_string(),
                u["disabled"].as_bool().unwrap(),
                u["active_tokens"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("admin".into(), "admin".into(), false, 1),
            ("ana".into(), "analyst".into(), false, 1),
            ("vic".into(), "viewer".into(), false, 1),
        ]
    );
    assert!(users.iter().all(|u| u["last_sign_in"].is_null()));
    assert!(users[0]["created_at"].as_str().unwrap().starts_with("20"));

    // Add: 201 with a one-time password that signs in, not cached.
    let added = call(
        app,
        Method::POST,
        "/api/v1/users",
        admin,
        Some(json!({"name": "nia", "role": "analyst"})),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    assert_eq!(added.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(added.json()["user"]["role"], "analyst");
    let password = added.json()["one_time_password"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(password.len(), 20);
    assert_eq!(
        sign_in(&world, "nia", &password).await.status,
        StatusCode::SEE_OTHER
    );
    let listed = call(app, Method::GET, "/api/v1/users", admin, None).await;
    let nia = listed.json()["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "nia")
        .cloned()
        .unwrap();
    assert!(nia["last_sign_in"].as_str().unwrap().starts_with("20"));
    for (body, status, code) in [
        (json!({"name": "nia", "role": "viewer"}), 409, "conflict"),
        (
            json!({"name": INJECTION, "role": "viewer"}),
            400,
            "invalid_body",
        ),
        (json!({"name": "ok", "role": "root"}), 400, "invalid_body"),
    ] {
        let reply = call(app, Method::POST, "/api/v1/users", admin, Some(body)).await;
        assert_eq!(reply.status.as_u16(), status, "{}", reply.text);
        assert_eq!(reply.code(), code);
        assert!(!reply.text.contains("<script>"), "input echoed back");
    }

    // Role change takes effect on the next request of the user's token.
    let promoted = call(
        app,
        Method::PUT,
        "/api/v1/users/vic/role",
        admin,
        Some(json!({"role": "analyst"})),
    )
    .await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.text);
    assert_eq!(promoted.json()["role"], "analyst");
    assert_eq!(me(&world, &world.viewer).await.json()["role"], "analyst");

    // Disable: the session and the token stop working at once; enable lets the token back.
    let session = sign_in(&world, "ana", &world.analyst_password).await;
    let cookie = session_cookie(&session);
    assert_eq!(
        send(app, page("/cases", &cookie)).await.status,
        StatusCode::OK
    );
    let disabled = call(
        app,
        Method::PUT,
        "/api/v1/users/ana/disabled",
        admin,
        Some(json!({"disabled": true})),
    )
    .await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.text);
    assert_eq!(disabled.json()["disabled"], true);
    assert_eq!(
        me(&world, &world.analyst).await.status,
        StatusCode::UNAUTHORIZED
    );
    let after = send(app, page("/cases", &cookie)).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.headers[header::LOCATION], "/signin");
    assert_eq!(
        sign_in(&world, "ana", &world.analyst_password).await.status,
        StatusCode::UNAUTHORIZED
    );
    let enabled = call(
        app,
        Method::PUT,
        "/api/v1/users/ana/disabled",
        admin,
        Some(json!({"disabled": false})),
    )
    .await;
    assert_eq!(enabled.json()["disabled"], false);
    assert_eq!(me(&world, &world.analyst).await.status, StatusCode::OK);

    // Revoke the user's tokens.
    let revoked = call(app, Method::DELETE, "/api/v1/users/ana/tokens", admin, None).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text);
    assert_eq!(revoked.json()["revoked"], 1);
    assert_eq!(
        me(&world, &world.analyst).await.status,
        StatusCode::UNAUTHORIZED
    );

    // A new one-time password replaces the old one.
    let reset = call(app, Method::POST, "/api/v1/users/nia/password", admin, None).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);
    let new_password = reset.json()["one_time_password"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new_password, password);
    assert_eq!(
        sign_in(&world, "nia", &password).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&world, "nia", &new_password).await.status,
        StatusCode::SEE_OTHER
    );

    // The last enabled admin keeps the role and stays enabled.
    for (method, uri, body) in [
        (
            Method::PUT,
            "/api/v1/users/admin/role",
            json!({"role": "viewer"}),
        ),
        (
            Method::PUT,
            "/api/v1/users/admin/disabled",
            json!({"disabled": true}),
        ),
    ] {
        let reply = call(app, method, uri, admin, Some(body)).await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{uri}: {}", reply.text);
        assert_eq!(reply.code(), "conflict");
    }
    assert_eq!(me(&world, &world.admin).await.json()["role"], "admin");
    // With a second admin, the first may step down.
    call(
        app,
        Method::PUT,
        "/api/v1/users/nia/role",
        admin,
        Some(json!({"role": "admin"})),
    )
    .await;
    let stepped = call(
        app,
        Method::PUT,
        "/api/v1/users/admin/role",
        admin,
        Some(json!({"role": "analyst"})),
    )
    .await;
    assert_eq!(stepped.status, StatusCode::OK, "{}", stepped.text);
    assert_eq!(
        call(app, Method::GET, "/api/v1/users", admin, None)
            .await
            .status,
        StatusCode::FORBIDDEN,
        "no longer an admin"
    );
    let missing = call(
        app,
        Method::PUT,
        "/api/v1/users/nobody/role",
        Some(&world.viewer),
        Some(json!({"role": "viewer"})),
    )
    .await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN, "vic is an analyst");

    let store = unmask_store::Store::open(&world._dir.path().join("data")).unwrap();
    let entries = unmask_server::audit::entries(store.conn(), None, Some("admin"), 1000).unwrap();
    let changes: Vec<(String, String, String)> = entries
        .into_iter()
        .filter(|e| e.action.starts_with("user."))
        .map(|e| (e.action, e.target, e.detail))
        .collect();
    let expected = [
        ("user.add", "user:nia", "analyst"),
        ("user.role", "user:vic", "viewer -> analyst"),
        ("user.disable", "user:ana", ""),
        ("user.enable", "user:ana", ""),
        ("user.tokens_revoked", "user:ana", "1 tokens"),
        ("user.reset", "user:nia", ""),
        ("user.role", "user:nia", "analyst -> admin"),
        ("user.role", "user:admin", "admin -> analyst"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, t, d)| (a.to_string(), t.to_string(), d.to_string()))
        .collect();
    assert_eq!(changes, expected);
}

#[tokio::test]
async fn only_admins_manage_users_and_sessions_need_the_csrf_token() {
    let world = world();
    let app = &world.app;
    let routes = [
        (Method::GET, "/api/v1/users", None),
        (
            Method::POST,
            "/api/v1/users",
            Some(json!({"name": "x", "role": "admin"})),
        ),
        (
            Method::PUT,
            "/api/v1/users/admin/role",
            Some(json!({"role": "viewer"})),
        ),
        (
            Method::PUT,
            "/api/v1/users/admin/disabled",
            Some(json!({"disabled": true})),
        ),
        (Method::DELETE, "/api/v1/users/admin/tokens", None),
        (Method::POST, "/api/v1/users/admin/password", None),
    ];
    for token in [&world.viewer, &world.analyst] {
        for (method, uri, body) in routes.clone() {
            let reply = call(app, method.clone(), uri, Some(token), body).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {uri}");
            assert_eq!(reply.code(), "forbidden");
        }
    }
    // An admin's browser session: API changes need X-CSRF-Token.
    let store = unmask_store::Store::open(&world._dir.path().join("data")).unwrap();
    let admin_password = accounts::reset_password(store.conn(), "admin").unwrap();
    let viewer_password = accounts::reset_password(store.conn(), "vic").unwrap();
    drop(store);
    let cookie = session_cookie(&sign_in(&world, "admin", &admin_password).await);
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/users")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"name": "x", "role": "admin"}).to_string(),
        ))
        .unwrap();
    let refused = send(app, request).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "csrf_failed");

    // The page: forms carry the CSRF token; without it, nothing changes.
    let users_page = send(app, page("/admin/users", &cookie)).await;
    assert_eq!(users_page.status, StatusCode::OK);
    assert!(users_page.text.contains("<table class=\"users\">"));
    assert!(users_page.text.contains(">vic</td><td>viewer</td>"));
    assert!(users_page
        .text
        .contains("action=\"/admin/users/vic/disabled\""));
    assert!(users_page
        .text
        .contains("action=\"/admin/users/vic/tokens/revoke\""));
    let csrf = csrf_of(&users_page.text);
    for (uri, body) in [
        ("/admin/users", "name=x&role=admin".to_string()),
        ("/admin/users/vic/role", "role=admin".to_string()),
        ("/admin/users/vic/disabled", "disabled=1".to_string()),
        ("/admin/users/vic/tokens/revoke", String::new()),
        ("/admin/users/vic/password", String::new()),
        ("/admin/users", "csrf=0000&name=x&role=admin".to_string()),
    ] {
        let reply = send(app, form(uri, Some(&cookie), &body)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri} {body}");
    }
    let added = send(
        app,
        form(
            "/admin/users",
            Some(&cookie),
            &format!("csrf={csrf}&name=wes&role=viewer"),
        ),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    assert_eq!(added.headers[header::CACHE_CONTROL], "no-store");
    let marker = "<code class=\"secret\">";
    let start = added.text.find(marker).unwrap() + marker.len();
    let wes_password = added.text[start..start + 20].to_string();
    assert_eq!(
        sign_in(&world, "wes", &wes_password).await.status,
        StatusCode::SEE_OTHER
    );
    let disabled = send(
        app,
        form(
            "/admin/users/wes/disabled",
            Some(&cookie),
            &format!("csrf={csrf}&disabled=1"),
        ),
    )
    .await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    let role = send(
        app,
        form(
            "/admin/users/vic/role",
            Some(&cookie),
            &format!("csrf={csrf}&role=analyst"),
        ),
    )
    .await;
    assert_eq!(role.status, StatusCode::SEE_OTHER);
    let revoke = send(
        app,
        form(
            "/admin/users/vic/tokens/revoke",
            Some(&cookie),
            &format!("csrf={csrf}"),
        ),
    )
    .await;
    assert_eq!(revoke.status, StatusCode::SEE_OTHER);
    assert_eq!(
        me(&world, &world.viewer).await.status,
        StatusCode::UNAUTHORIZED
    );
    let last_admin = send(
        app,
        form(
            "/admin/users/admin/disabled",
            Some(&cookie),
            &format!("csrf={csrf}&disabled=1"),
        ),
    )
    .await;
    assert_eq!(last_admin.status, StatusCode::CONFLICT);
    assert!(last_admin.text.contains("last enabled admin"));
    let listed = send(app, page("/admin/users", &cookie)).await;
    assert!(listed
        .text
        .contains("<tr class=\"user-disabled\"><td>wes</td>"));
    assert!(listed.text.contains(">vic</td><td>analyst</td>"));
    assert!(
        !listed
            .text
            .contains("action=\"/admin/users/vic/tokens/revoke\""),
        "no revoke button without live tokens"
    );

    // A non-admin (vic, now an analyst) is refused the page.
    let viewer = session_cookie(&sign_in(&world, "vic", &viewer_password).await);
    assert_eq!(
        send(app, page("/admin/users", &viewer)).await.status,
        StatusCode::FORBIDDEN
    );
}
