//! Browser tests in headless Chromium: build a tiny demo world, ingest the UN list,
//! create an analyst, run `unmask serve`, and through chromedriver sign in, open the top
//! case, see its reasons and graph, dismiss a finding, trace the heist and see its exits,
//! screen a name; then sign out, sign in as an admin, add a user on the users page (its
//! one-time password shown once) and disable them; then check the screenshots and that
//! the audit log recorded each action. Skips, saying why, only when Chromium or
//! chromedriver is not installed (`.ci/run` installs them).

#[path = "support/webdriver.rs"]
mod webdriver;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use webdriver::WebDriver;

fn unmask() -> Command {
    Command::new(env!("CARGO_BIN_EXE_unmask"))
}

fn which(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "nothing listens on port {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Kills a child process when the test ends, passed or not.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

/// Saves a screenshot and checks it is a PNG with real content (a blank page
/// compresses to a few kilobytes).
fn screenshot(driver: &WebDriver, dir: &Path, name: &str) {
    let png = decode_base64(&driver.screenshot_base64().unwrap());
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name} is not a PNG");
    assert!(
        png.len() > 15_000,
        "{name} looks blank ({} bytes)",
        png.len()
    );
    std::fs::write(dir.join(format!("{name}.png")), &png).unwrap();
}

/// The page source once it contains `needle` (form posts navigate after the click
/// returns), or the last source seen after 20 seconds.
fn wait_for(driver: &WebDriver, needle: &str) -> String {
    let start = Instant::now();
    loop {
        let source = driver.source().unwrap_or_default();
        if source.contains(needle) || start.elapsed() > Duration::from_secs(20) {
            return source;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn analyst_works_the_top_case_in_chromium() {
    let Some(chromium) = which(&["chromium", "chromium-browser", "google-chrome"]) else {
        eprintln!(
            "SKIPPED: chromium is not installed (apt-get install -y chromium chromium-driver)"
        );
        return;
    };
    let Some(chromedriver) = which(&["chromedriver"]) else {
        eprintln!("SKIPPED: chromedriver is not installed (apt-get install -y chromium-driver)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let built = unmask()
        .args(["demo", "--dir", demo.to_str().unwrap(), "--scale", "tiny"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(built.success());
    let data = demo.join("data");
    let added = unmask()
        .arg("--data-dir")
        .arg(&data)
        .args(["user", "add", "ana", "--role", "analyst"])
        .output()
        .unwrap();
    assert!(added.status.success());
    let text = String::from_utf8_lossy(&added.stdout);
    let password = text
        .lines()
        .find_map(|line| line.strip_prefix("one-time password: "))
        .expect("a one-time password")
        .trim()
        .to_string();

    let added = unmask()
        .arg("--data-dir")
        .arg(&data)
        .args(["user", "add", "root", "--role", "admin"])
        .output()
        .unwrap();
    assert!(added.status.success());
    let admin_password = String::from_utf8_lossy(&added.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("one-time password: "))
        .expect("a one-time password")
        .trim()
        .to_string();

    let un_list =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../screen/testdata/un_consolidated.xml");
    let ingested = unmask()
        .arg("--data-dir")
        .arg(&data)
        .arg("ingest")
        .arg(&un_list)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(ingested.success());
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(demo.join("world/truth.json")).unwrap())
            .unwrap();
    let heist_seed = truth["heist"]["seed_addresses"][0]
        .as_str()
        .unwrap()
        .to_string();

    let port = free_port();
    let _server = Guard(
        unmask()
            .arg("--data-dir")
            .arg(&data)
            .args([
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--insecure-cookies",
            ])
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let driver_port = free_port();
    let _driver = Guard(
        Command::new(&chromedriver)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(port);
    wait_for_port(driver_port);
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let driver = WebDriver::start(driver_port, chromium.to_str().unwrap()).unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        driver.goto(&format!("{base}/cases")).unwrap();
        assert!(
            driver.url().unwrap().ends_with("/signin"),
            "not redirected to sign in"
        );
        driver.type_into("input[name=name]", "ana").unwrap();
        driver.type_into("input[name=password]", &password).unwrap();
        driver.click("form.signin button").unwrap();
        let queue = wait_for(&driver, "<table class=\"queue\"");
        assert!(driver.url().unwrap().ends_with("/cases"));
        assert!(queue.contains("<table class=\"queue\""), "{queue}");
        screenshot(&driver, &shots, "1-queue");

        driver.click("table.queue tbody tr:first-child a").unwrap();
        let case = wait_for(&driver, "Why this case");
        assert!(case.contains("Why this case"));
        assert!(case.contains("class=\"reason\""));
        assert!(case.contains("<svg class=\"graph\""));
        assert!(case.contains("class=\"source\""));
        screenshot(&driver, &shots, "2-case");

        driver
            .type_into(
                "li.finding form.decision input[name=reason]",
                "checked with HR: a relative",
            )
            .unwrap();
        driver.click("li.finding form.decision button").unwrap();
        let after = wait_for(&driver, "finding dismissed");
        assert!(after.contains("finding dismissed"), "no dismissed finding");
        assert!(after.contains("checked with HR: a relative"));
        screenshot(&driver, &shots, "3-dismissed");

        driver.goto(&format!("{base}/trace")).unwrap();
        driver.type_into("input[name=seed]", &heist_seed).unwrap();
        driver.click("form.trace button").unwrap();
        let traced = wait_for(&driver, "<table class=\"exits\">");
        assert!(traced.contains("<svg class=\"flow\""), "no flow diagram");
        assert!(traced.contains("<table class=\"exits\">"));
        assert!(
            traced.matches("<tr><td><a href=\"/entities/wallet").count() >= 3,
            "too few exits"
        );
        screenshot(&driver, &shots, "4-trace");

        driver.goto(&format!("{base}/screen")).unwrap();
        driver
            .type_into("input[name=name]", "Kim Kwang Il")
            .unwrap();
        driver.click("form.screen button").unwrap();
        let screened = wait_for(&driver, "class=\"candidates\"");
        assert!(screened.contains("class=\"candidates\""), "{screened}");
        assert!(
            screened.contains("KIM KWANG"),
            "the UN entry is not among the candidates"
        );
        screenshot(&driver, &shots, "5-screen");

        // An admin adds a user from the users page and disables them again.
        driver.click("header form button").unwrap();
        wait_for(&driver, "class=\"signin\"");
        assert!(driver.url().unwrap().ends_with("/signin"), "not signed out");
        driver.type_into("input[name=name]", "root").unwrap();
        driver
            .type_into("input[name=password]", &admin_password)
            .unwrap();
        driver.click("form.signin button").unwrap();
        wait_for(&driver, "<table class=\"queue\"");
        driver.goto(&format!("{base}/admin/users")).unwrap();
        let users = wait_for(&driver, "<table class=\"users\">");
        assert!(users.contains(">ana</td><td>analyst</td>"), "{users}");
        driver
            .type_into("form.add-user input[name=name]", "carol")
            .unwrap();
        driver.click("form.add-user button").unwrap();
        let added = wait_for(&driver, "class=\"secret\"");
        assert!(added.contains("Added <b>carol</b>"), "{added}");
        let marker = "<code class=\"secret\">";
        let start = added.find(marker).expect("a one-time password") + marker.len();
        assert_eq!(
            added[start..].find('<'),
            Some(20),
            "a 20-character password"
        );
        assert!(added.contains(">carol</td><td>viewer</td>"));
        screenshot(&driver, &shots, "6-users");
        driver
            .click("form[action=\"/admin/users/carol/disabled\"] button")
            .unwrap();
        let disabled = wait_for(&driver, "<tr class=\"user-disabled\"><td>carol</td>");
        assert!(
            disabled.contains("<tr class=\"user-disabled\"><td>carol</td>"),
            "carol not disabled"
        );
    }));
    driver.quit();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }

    let audit = unmask()
        .arg("--data-dir")
        .arg(&data)
        .args(["audit", "--json", "--actor", "ana"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&audit.stdout);
    let admin_audit = unmask()
        .arg("--data-dir")
        .arg(&data)
        .args(["audit", "--json", "--actor", "root"])
        .output()
        .unwrap();
    let admin_log = String::from_utf8_lossy(&admin_audit.stdout);
    for action in ["\"user.add\"", "\"user.disable\""] {
        assert!(
            admin_log.contains(action) && admin_log.contains("user:carol"),
            "{action} missing from the audit log:\n{admin_log}"
        );
    }
    for action in [
        "\"sign_in\"",
        "\"case.view\"",
        "\"finding.dismissed\"",
        "\"trace\"",
        "\"screen\"",
    ] {
        assert!(
            log.contains(action),
            "{action} missing from the audit log:\n{log}"
        );
    }
}
