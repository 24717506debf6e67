//! A minimal W3C WebDriver client over a plain loopback TCP connection, enough to
//! drive chromedriver in the browser tests: sessions, navigation, elements, clicks,
//! typing, page source and screenshots. No HTTP or async dependencies.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{json, Value};

pub struct WebDriver {
    port: u16,
    session: String,
}

fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader
        .read_line(&mut status_line)
        .map_err(|e| e.to_string())?;
    let mut length: Option<usize> = None;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse().ok();
        }
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).map_err(|e| e.to_string())?;
            let size = usize::from_str_radix(size.trim(), 16).map_err(|e| e.to_string())?;
            if size == 0 {
                break;
            }
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).map_err(|e| e.to_string())?;
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = length {
        body.resize(length, 0);
        reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    } else {
        reader.read_to_end(&mut body).map_err(|e| e.to_string())?;
    }
    let value: Value = serde_json::from_slice(&body).map_err(|e| format!("{e}: {status_line}"))?;
    if !status_line.contains(" 200") {
        return Err(format!("{status_line}: {value}"));
    }
    Ok(value["value"].clone())
}

impl WebDriver {
    /// Starts a headless Chromium session on a chromedriver listening on `port`.
    pub fn start(port: u16, chromium: &str) -> Result<WebDriver, String> {
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1600"]
            }
        }}});
        let value = http(port, "POST", "/session", Some(&capabilities))?;
        let session = value["sessionId"]
            .as_str()
            .ok_or("no session id")?
            .to_string();
        Ok(WebDriver { port, session })
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let path = format!("/session/{}{path}", self.session);
        let body = (method == "POST").then(|| body.unwrap_or_else(|| json!({})));
        http(self.port, method, &path, body.as_ref())
    }

    pub fn goto(&self, url: &str) -> Result<(), String> {
        self.call("POST", "/url", Some(json!({"url": url})))
            .map(|_| ())
    }

    pub fn find(&self, css: &str) -> Result<String, String> {
        let value = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        )?;
        value
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| format!("no element {css}"))
    }

    pub fn type_into(&self, css: &str, text: &str) -> Result<(), String> {
        let element = self.find(css)?;
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({"text": text})),
        )
        .map(|_| ())
    }

    pub fn click(&self, css: &str) -> Result<(), String> {
        let element = self.find(css)?;
        self.call(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        )
        .map(|_| ())
    }

    pub fn source(&self) -> Result<String, String> {
        self.call("GET", "/source", None)
            .map(|v| v.as_str().unwrap_or_default().to_string())
    }

    pub fn url(&self) -> Result<String, String> {
        self.call("GET", "/url", None)
            .map(|v| v.as_str().unwrap_or_default().to_string())
    }

    /// A PNG screenshot of the viewport, base64-encoded as WebDriver returns it.
    pub fn screenshot_base64(&self) -> Result<String, String> {
        self.call("GET", "/screenshot", None)
            .map(|v| v.as_str().unwrap_or_default().to_string())
    }

    pub fn quit(&self) {
        let _ = http(
            self.port,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
    }
}
