//! `unico serve`: the review web application and its JSON API, on the same registry and the
//! same library functions as the command line ([`crate::review::actions`]): no rule is
//! implemented twice.
//!
//! Consumes HTTP requests; produces server-rendered pages in Portuguese (`pages.rs`) and JSON
//! (`api.rs`). A few worker threads each hold their own registry connection; sessions and
//! lock-outs are shared (`auth.rs`). **API Boundary:** the only module that speaks HTTP.
//!
//! **Invariants:**
//! - every page and API call that shows or changes patient data resolves the person first and
//!   goes through `review::actions`, which checks the profile and institutions and audits;
//! - every state-changing request is a POST that carries the session's CSRF token (form field
//!   `csrf`, or header `X-CSRF-Token`), except API calls authenticated by a bearer token, which
//!   browsers never send on their own;
//! - session cookies are HttpOnly and SameSite=Strict; responses forbid framing, sniffing,
//!   caching and inline scripts.

mod api;
pub mod auth;
mod fhir;
mod html;
mod pages;

use std::collections::HashMap;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::access::User;
use crate::error::{Error, Result, UserError};
use crate::matching::Matcher;
use crate::pipeline::DataDir;
use crate::settings::Settings;
use crate::store::Store;
use auth::{same_token, Session, Sessions};

/// Name of the session cookie.
const SESSION_COOKIE: &str = "unico_session";
/// Name of the cookie that protects the sign-in form (double submit).
const LOGIN_COOKIE: &str = "unico_login";
/// Largest request body read.
const MAX_BODY: u64 = 1 << 20;

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Address to listen on (`127.0.0.1:8080`; port 0 picks a free one).
    pub address: String,
    /// Sessions idle for longer end.
    pub idle_timeout: Duration,
    /// Worker threads (each with its own registry connection).
    pub workers: usize,
}

/// A bound server, ready to run.
pub struct Server {
    http: Arc<tiny_http::Server>,
    data_dir: DataDir,
    settings: Arc<Settings>,
    sessions: Arc<Mutex<Sessions>>,
    workers: usize,
}

/// Binds the address and opens the registry (so that a bad data directory fails now).
pub fn bind(data_dir: DataDir, settings: Settings, options: &ServeOptions) -> Result<Server> {
    data_dir.open_store()?;
    let http = tiny_http::Server::http(&options.address)
        .map_err(|e| UserError::Invalid(format!("cannot listen on {}: {e}", options.address)))?;
    Ok(Server {
        http: Arc::new(http),
        data_dir,
        settings: Arc::new(settings),
        sessions: Arc::new(Mutex::new(Sessions::new(options.idle_timeout))),
        workers: options.workers.max(1),
    })
}

impl Server {
    /// The address it listens on.
    pub fn local_address(&self) -> Option<SocketAddr> {
        self.http.server_addr().to_ip()
    }

    /// Serves until the process ends.
    pub fn run(self) -> Result<()> {
        let mut threads = Vec::new();
        // One request at a time touches the registry: the workers overlap only the network. Two
        // connections of one process waiting on each other's SQLite write lock would sleep in
        // its busy handler, which costs far more than taking turns.
        let registry = Arc::new(Mutex::new(()));
        for _ in 0..self.workers {
            let registry = Arc::clone(&registry);
            let (http, sessions, settings) = (
                Arc::clone(&self.http),
                Arc::clone(&self.sessions),
                Arc::clone(&self.settings),
            );
            let data_dir = self.data_dir.clone();
            let mut store = self.data_dir.open_store()?;
            let mut matcher = None;
            threads.push(std::thread::spawn(move || {
                while let Ok(request) = http.recv() {
                    let mut context = Context {
                        store: &mut store,
                        sessions: &sessions,
                        data_dir: &data_dir,
                        settings: &settings,
                        matcher: &mut matcher,
                    };
                    // A bug must cost one request, not the worker.
                    let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        handle(request, &mut context, &registry)
                    }));
                    if handled.is_err() {
                        tracing::error!("a request panicked; its connection was dropped");
                    }
                }
            }));
        }
        for thread in threads {
            thread
                .join()
                .map_err(|_| Error::Internal("a web worker panicked".into()))?;
        }
        Ok(())
    }
}

/// Name–value pairs of a query string or a form body.
#[derive(Clone, Debug, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    fn parse(text: &str) -> Params {
        Params(
            text.split('&')
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (percent_decode(name), percent_decode(value))
                })
                .collect(),
        )
    }

    /// The first value of `name`, trimmed, if not empty.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Every non-empty value of `name`.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect()
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(high), Some(low)) => {
                        out.push((high * 16 + low) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A request, read whole.
pub(crate) struct Request {
    pub(crate) method: tiny_http::Method,
    pub(crate) path: String,
    pub(crate) query: Params,
    pub(crate) body: Vec<u8>,
    cookies: HashMap<String, String>,
    bearer: Option<String>,
    csrf_header: Option<String>,
}

impl Request {
    /// The body as a form.
    pub(crate) fn form(&self) -> Params {
        Params::parse(&String::from_utf8_lossy(&self.body))
    }

    pub(crate) fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    pub(crate) fn is_post(&self) -> bool {
        self.method == tiny_http::Method::Post
    }
}

/// A response to send.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
    pub(crate) headers: Vec<(String, String)>,
}

impl Response {
    pub(crate) fn html(status: u16, body: String) -> Response {
        Response {
            status,
            content_type: "text/html; charset=utf-8",
            body: body.into_bytes(),
            headers: Vec::new(),
        }
    }

    pub(crate) fn json(status: u16, value: &serde_json::Value) -> Response {
        Response {
            status,
            content_type: "application/json",
            body: value.to_string().into_bytes(),
            headers: Vec::new(),
        }
    }

    pub(crate) fn redirect(location: &str) -> Response {
        Response {
            status: 303,
            content_type: "text/plain; charset=utf-8",
            body: Vec::new(),
            headers: vec![("Location".into(), location.to_string())],
        }
    }

    pub(crate) fn with_cookie(mut self, name: &str, value: &str, max_age: Option<u64>) -> Response {
        let age = max_age.map(|a| format!("; Max-Age={a}")).unwrap_or_default();
        self.headers.push((
            "Set-Cookie".into(),
            format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict{age}"),
        ));
        self
    }
}

/// The person behind a request, with their session.
pub(crate) struct Signed {
    pub(crate) user: User,
    pub(crate) session: Session,
    pub(crate) token: String,
    /// Authenticated by a bearer token (API clients): no CSRF token needed.
    pub(crate) bearer: bool,
}

impl Signed {
    /// True when a state-changing request carries the session's CSRF token (or a bearer token).
    pub(crate) fn csrf_ok(&self, request: &Request, form: &Params) -> bool {
        self.bearer
            || form
                .get("csrf")
                .or(request.csrf_header.as_deref())
                .is_some_and(|token| same_token(token, &self.session.csrf))
    }
}

/// Shared state a handler may use.
pub(crate) struct Context<'a> {
    pub(crate) store: &'a mut Store,
    pub(crate) sessions: &'a Mutex<Sessions>,
    pub(crate) data_dir: &'a DataDir,
    pub(crate) settings: &'a Settings,
    /// This worker's open index and model, with the registry state they were opened at.
    matcher: &'a mut Option<((i64, i64), Matcher)>,
}

impl Context<'_> {
    /// Runs `lookup` with this worker's index and model, opened again when the registry or its
    /// scan changed since (`Store::freshness`).
    pub(crate) fn with_matcher<T>(&mut self, lookup: impl FnOnce(&mut Store, &Matcher) -> Result<T>) -> Result<T> {
        let now = self.store.freshness()?;
        let (at, matcher) = match self.matcher.take() {
            Some((at, matcher)) if at == now => (at, matcher),
            _ => {
                let matcher = Matcher::open(self.store, self.data_dir, self.settings)?;
                // Opening may have brought the index up to date: the state it reflects is now.
                (self.store.freshness()?, matcher)
            }
        };
        let result = lookup(self.store, &matcher);
        *self.matcher = Some((at, matcher));
        result
    }

    /// The signed-in, enabled user of the request, if any.
    pub(crate) fn signed(&mut self, request: &Request) -> Option<Signed> {
        let (token, bearer) = match (&request.bearer, request.cookie(SESSION_COOKIE)) {
            (Some(token), _) => (token.clone(), true),
            (None, Some(token)) => (token.to_string(), false),
            (None, None) => return None,
        };
        let session = self.sessions.lock().ok()?.get(&token)?;
        let user = self.store.user(&session.username).ok()??;
        if user.disabled {
            return None;
        }
        Some(Signed {
            user,
            session,
            token,
            bearer,
        })
    }

    /// Checks a username and password; starts a session. The error is what to tell the person.
    pub(crate) fn sign_in(&mut self, username: &str, password: &str) -> std::result::Result<String, String> {
        let internal = |_| "Erro interno: tente de novo.".to_string();
        if let Some(minutes) = self.sessions.lock().map_err(internal)?.locked(username) {
            return Err(format!(
                "Conta bloqueada temporariamente após várias tentativas falhadas: tente de novo dentro de {minutes} min."
            ));
        }
        // The slow password check runs without holding the sessions, and takes as long for an
        // unknown username as for a known one.
        let user = self.store.user(username).ok().flatten();
        let hash = self.store.user_password_hash(username).ok().flatten();
        let valid = match (&user, &hash) {
            (Some(user), Some(hash)) => crate::access::verify_password(password, hash) && !user.disabled,
            _ => {
                crate::access::verify_password(password, dummy_hash());
                false
            }
        };
        let mut sessions = self.sessions.lock().map_err(internal)?;
        if !valid {
            let locked = sessions.failed(username);
            return Err(if locked {
                format!(
                    "Utilizador ou senha inválidos. A conta fica bloqueada durante {} min.",
                    auth::LOCKOUT.as_secs() / 60
                )
            } else {
                "Utilizador ou senha inválidos.".to_string()
            });
        }
        sessions.start(username).map_err(|e| e.to_string())
    }

    pub(crate) fn sign_out(&mut self, token: &str) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.end(token);
        }
    }
}

/// What a person is told about an error: in Portuguese, and nothing of the machine's insides.
pub(crate) fn message_of(error: &Error) -> String {
    match error {
        Error::User(UserError::UnknownRecord(nnu)) if nnu.is_empty() => "Página inexistente.".into(),
        Error::User(UserError::UnknownRecord(nnu)) => format!("Não existe utente com o NNU {nnu}."),
        Error::User(UserError::UnknownUser(user)) => format!("Não existe o utilizador {user}."),
        Error::User(
            UserError::Refused(message)
            | UserError::Invalid(message)
            | UserError::NotReady(message)
            | UserError::Settings(message),
        ) => message.clone(),
        Error::User(UserError::BadFile { .. }) => error.to_string(),
        _ => {
            tracing::error!(%error, "request failed");
            "Erro interno: tente de novo; se persistir, contacte o suporte.".into()
        }
    }
}

/// A password hash that matches nothing, checked when the username is unknown.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| crate::access::hash_password("não é uma palavra-passe").unwrap_or_default())
}

/// The HTTP status of an error.
pub(crate) fn status_of(error: &Error) -> u16 {
    match error {
        Error::User(UserError::Refused(_)) => 403,
        Error::User(UserError::UnknownRecord(_) | UserError::UnknownUser(_)) => 404,
        Error::User(UserError::NotReady(_)) => 409,
        Error::User(_) => 400,
        _ => 500,
    }
}

fn read(mut raw: tiny_http::Request) -> (tiny_http::Request, Request) {
    let url = raw.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let header = |name: &str| {
        raw.headers()
            .iter()
            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str().to_string())
    };
    let cookies = header("Cookie")
        .map(|c| {
            c.split(';')
                .filter_map(|kv| kv.trim().split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .unwrap_or_default();
    let bearer = header("Authorization").and_then(|a| a.strip_prefix("Bearer ").map(|t| t.trim().to_string()));
    let csrf_header = header("X-CSRF-Token");
    let mut body = Vec::new();
    let _ = raw.as_reader().take(MAX_BODY).read_to_end(&mut body);
    let request = Request {
        method: raw.method().clone(),
        path: percent_decode(path),
        query: Params::parse(query),
        body,
        cookies,
        bearer,
        csrf_header,
    };
    (raw, request)
}

fn handle(raw: tiny_http::Request, context: &mut Context, registry: &Mutex<()>) {
    let (raw, request) = read(raw);
    let turn = registry.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let response = if request.path.starts_with("/api/") {
        api::route(context, &request)
    } else if request.path.starts_with("/fhir/") {
        fhir::route(context, &request)
    } else {
        pages::route(context, &request)
    };
    drop(turn);
    let mut http = tiny_http::Response::from_data(response.body).with_status_code(response.status);
    let mut headers = vec![
        ("Content-Type".to_string(), response.content_type.to_string()),
        ("Cache-Control".into(), "no-store".into()),
        ("X-Frame-Options".into(), "DENY".into()),
        ("X-Content-Type-Options".into(), "nosniff".into()),
        ("Referrer-Policy".into(), "no-referrer".into()),
        (
            "Content-Security-Policy".into(),
            "default-src 'self'; script-src 'none'; style-src 'self'; frame-ancestors 'none'; form-action 'self'"
                .into(),
        ),
    ];
    headers.extend(response.headers);
    for (name, value) in headers {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            http.add_header(header);
        }
    }
    let _ = raw.respond(http);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode() {
        let params = Params::parse("nome=Jo%C3%A3o+Silva&x=&excluir=1&excluir=2&bad=%zz%4");
        assert_eq!(params.get("nome"), Some("João Silva"));
        assert_eq!(params.get("x"), None);
        assert_eq!(params.all("excluir"), ["1", "2"]);
        assert_eq!(params.get("bad"), Some("%zz%4"));
    }
}
