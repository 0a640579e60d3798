//! A small W3C WebDriver client for Debian's `chromedriver` and a headless Chromium, and a
//! running `unico serve`: what the browser tests drive.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The key under which WebDriver returns an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn find_program(env: &str, candidates: &[&str]) -> Option<String> {
    if let Ok(path) = std::env::var(env) {
        return Some(path);
    }
    candidates.iter().find(|p| Path::new(p).exists()).map(|p| p.to_string())
}

/// A headless Chromium driven through chromedriver.
pub struct Browser {
    driver: Child,
    endpoint: String,
    session: String,
}

impl Browser {
    /// Starts chromedriver and a browser session. Panics (the test fails, it does not skip) when
    /// the browser is not installed: `.ci/run` installs Debian's `chromium` and `chromium-driver`.
    pub fn start() -> Browser {
        let driver_path = find_program(
            "UNICO_CHROMEDRIVER",
            &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
        )
        .expect("chromedriver not found: install Debian's chromium and chromium-driver (bash .ci/run does)");
        let browser_path = find_program("UNICO_CHROMIUM", &["/usr/bin/chromium", "/usr/bin/chromium-browser"])
            .expect("chromium not found: install Debian's chromium and chromium-driver (bash .ci/run does)");
        let port = free_port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver");
        let endpoint = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while ureq::get(&format!("{endpoint}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": browser_path,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,1000", "--lang=pt-PT"],
            },
        }}});
        let mut browser = Browser {
            driver,
            endpoint,
            session: String::new(),
        };
        let created = browser.call("POST", "/session", Some(capabilities));
        browser.session = created["sessionId"].as_str().expect("a session id").to_string();
        browser
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.endpoint);
        let response = match body {
            Some(body) => ureq::request(method, &url).send_json(body),
            None => ureq::request(method, &url).call(),
        };
        let text = match response {
            Ok(r) => r.into_string().expect("a WebDriver answer"),
            Err(ureq::Error::Status(_, r)) => r.into_string().expect("a WebDriver error"),
            Err(e) => panic!("WebDriver {method} {path}: {e}"),
        };
        let value: Value = serde_json::from_str(&text).expect("WebDriver answers JSON");
        value["value"].clone()
    }

    fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    /// Opens a URL and waits for the page.
    pub fn goto(&self, url: &str) {
        self.session_call("POST", "/url", Some(json!({ "url": url })));
    }

    /// The current URL.
    pub fn url(&self) -> String {
        self.session_call("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The page's HTML.
    pub fn source(&self) -> String {
        self.session_call("GET", "/source", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits (up to 10 s) until the page's HTML contains `text`; fails the test otherwise.
    pub fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let source = self.source();
            if source.contains(text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{text:?} never appeared on {}:\n{source}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The element matching a CSS selector, if any.
    pub fn try_find(&self, css: &str) -> Option<String> {
        let found = self.session_call("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        found.get(ELEMENT).and_then(Value::as_str).map(str::to_string)
    }

    /// The element matching a CSS selector; fails the test with the page when there is none.
    pub fn find(&self, css: &str) -> String {
        self.try_find(css)
            .unwrap_or_else(|| panic!("no element {css:?} on {}:\n{}", self.url(), self.source()))
    }

    /// Clicks an element.
    pub fn click(&self, css: &str) {
        let element = self.find(css);
        self.session_call("POST", &format!("/element/{element}/click"), Some(json!({})));
    }

    /// Types into a field.
    pub fn fill(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.session_call("POST", &format!("/element/{element}/clear"), Some(json!({})));
        self.session_call(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// The visible text of an element.
    pub fn text(&self, css: &str) -> String {
        let element = self.find(css);
        self.session_call("GET", &format!("/element/{element}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// A cookie's value.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let cookie = self.session_call("GET", &format!("/cookie/{name}"), None);
        cookie.get("value").and_then(Value::as_str).map(str::to_string)
    }

    /// Forgets every cookie (a fresh visitor).
    pub fn clear_cookies(&self) {
        self.session_call("DELETE", "/cookie", None);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = ureq::delete(&format!("{}/session/{}", self.endpoint, self.session)).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A running `unico serve` on a free port.
pub struct Served {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Served {
    /// Starts the server on `data_dir` and waits for its address.
    pub fn start(data_dir: &Path) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_unico"))
            .args(["serve", "--address", "127.0.0.1:0", "--workers", "2"])
            .env("UNICO_DATA_DIR", data_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting unico serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the server's first line");
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim_end_matches('/')
            .to_string();
        Served { child, base }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
