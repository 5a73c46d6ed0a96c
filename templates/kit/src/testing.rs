//! What a backend's tests share (feature `testing`, for `[dev-dependencies]`):
//!
//! - [`offline_kit`] / [`offline_app`]: the full stack (kit router, admin guard, the
//!   product's routes) in-process over a Postgres and Redis that refuse connections, for the
//!   paths that answer before touching a database, sent requests with [`oneshot`];
//!   [`kit_on`]: a kit on a running clone's database;
//! - [`Api`]: one HTTP client per test against a running clone, answering [`Reply`]s that
//!   carry status, headers and JSON, so error cases can be table-driven;
//! - [`Receiver`]: a webhook receiver on the test machine's loopback that records every
//!   request, and can refuse them until told otherwise or answer through a product's own
//!   rule (a handshake, failures first);
//! - [`draws_no_id_during_a_reset`]: a write that draws ids in its own SQL waits for a reset;
//! - [`pluck`], [`assert_prefix`], [`assert_suffix`]: reading lists and identifiers out of
//!   JSON answers.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Request, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::sync::{Mutex, mpsc};

use crate::{Config, Kit};

/// A [`Kit`] whose Postgres and Redis refuse connections (port 1 on loopback), with admin
/// secret `admin-secret`.
pub fn offline_kit(clone_id: &str) -> Kit {
    kit_on(
        clone_id,
        &format!("postgres://postgres:pw@127.0.0.1:1/clone_{clone_id}"),
    )
}

/// A [`Kit`] on the Postgres database at `database_url` (a running clone's, to test what the
/// kit does with real connections), its Redis refusing connections, admin secret
/// `admin-secret`.
///
/// # Panics
///
/// When `database_url` is not a `postgres://` URL.
pub fn kit_on(clone_id: &str, database_url: &str) -> Kit {
    let database_url = database_url.to_owned();
    let prefix = format!("{clone_id}:");
    let lookup = |name: &str| {
        Some(match name {
            "DATABASE_URL" => database_url.clone(),
            "REDIS_URL" => "redis://127.0.0.1:1".to_owned(),
            "ASYM_REDIS_PREFIX" => prefix.clone(),
            "ASYM_ADMIN_SECRET" => "admin-secret".to_owned(),
            "ASYM_JWT_SECRET" => "jwt-secret".to_owned(),
            "ASYM_CLONE_ID" => clone_id.to_owned(),
            _ => return None,
        })
    };
    let config = Config::from_lookup(lookup, crate::DEFAULT_PORT).expect("a postgres:// URL");
    Kit::new(config).expect("a postgres:// URL")
}

/// The full app of a product (`app` builds its router from the kit) over [`offline_kit`].
pub fn offline_app(clone_id: &str, app: impl FnOnce(Kit) -> Router) -> Router {
    let kit = offline_kit(clone_id);
    crate::router(&kit, app(kit.clone()))
}

/// Sends `request` to `app` in-process (no socket) and answers its [`Reply`].
pub async fn oneshot(app: Router, request: Request<Body>) -> Reply {
    use tower::ServiceExt as _;
    let response = match app.oneshot(request).await {
        Ok(response) => response,
        Err(infallible) => match infallible {},
    };
    reply(response).await
}

/// A response as a [`Reply`] (e.g. an error type's `into_response()` in a unit test).
pub async fn reply(response: Response) -> Reply {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    Reply {
        status,
        headers,
        body: json_or_text(&bytes),
    }
}

/// A body as JSON, or as a string when it is not JSON (`Null` when empty).
fn json_or_text(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
    }
}

/// An answer: status, headers and body (JSON when it parses, else `Value::String`).
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body as JSON, or as a string when it is not JSON (`Null` when empty).
    pub body: Value,
}

impl Reply {
    /// Asserts the status and returns the body.
    ///
    /// # Panics
    ///
    /// When the status differs (the message shows the body).
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.body
        );
        self.body
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// One client per test against a clone's API.
#[derive(Debug, Clone)]
pub struct Api {
    client: reqwest::Client,
    base: String,
    headers: Vec<(String, String)>,
}

impl Api {
    /// A client for `base` (no trailing slash), sending no credentials.
    pub fn new(base: impl Into<String>) -> Self {
        Self {
            client: reqwest::Client::new(),
            base: base.into().trim_end_matches('/').to_owned(),
            headers: Vec::new(),
        }
    }

    /// The same client sending `name: value` on every request, in place of any value it sent
    /// under that name (header names compared without case), so `api.bearer(other)` changes
    /// the token instead of sending two.
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.headers
            .retain(|(held, _)| !held.eq_ignore_ascii_case(&name));
        self.headers.push((name, value.into()));
        self
    }

    /// The same client answering a redirect as it came (its 3xx and `Location`) rather than
    /// following it.
    #[must_use]
    pub fn without_redirects(mut self) -> Self {
        #[allow(
            clippy::expect_used,
            reason = "a test helper: a client that cannot be built fails the test"
        )]
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client without redirects");
        self.client = client;
        self
    }

    /// The same client sending `Authorization: Bearer <token>`.
    #[must_use]
    pub fn bearer(self, token: &str) -> Self {
        self.with_header("Authorization", format!("Bearer {token}"))
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends `method path` with a JSON body (when given).
    ///
    /// # Panics
    ///
    /// When the clone does not answer at all.
    pub async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        self.finish(request).await
    }

    /// Sends `method path` with a raw body and content type.
    ///
    /// # Panics
    ///
    /// When the clone does not answer at all.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Reply {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("Content-Type", content_type)
            .body(body);
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        self.finish(request).await
    }

    async fn finish(&self, request: reqwest::RequestBuilder) -> Reply {
        #[allow(
            clippy::expect_used,
            reason = "a test helper: no answer fails the test"
        )]
        let response = request.send().await.expect("the clone answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap_or_default();
        Reply {
            status,
            headers,
            body: json_or_text(&bytes),
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(Method::POST, path, Some(body)).await
    }

    /// `PATCH path` with a JSON body.
    pub async fn patch(&self, path: &str, body: &Value) -> Reply {
        self.send(Method::PATCH, path, Some(body)).await
    }

    /// `PUT path` with a JSON body.
    pub async fn put(&self, path: &str, body: &Value) -> Reply {
        self.send(Method::PUT, path, Some(body)).await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None).await
    }
}

/// A request a [`Receiver`] got.
#[derive(Debug, Clone)]
pub struct Received {
    /// Method.
    pub method: Method,
    /// Path and query.
    pub uri: Uri,
    /// Headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
}

impl Received {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts header `name` carries `sha256=` and the hex HMAC-SHA256 of the body under
    /// `secret` (GitHub's `X-Hub-Signature-256`, Notion's `X-Notion-Signature`).
    ///
    /// # Panics
    ///
    /// When it does not.
    #[track_caller]
    pub fn assert_sha256_signature(&self, name: &str, secret: &str) {
        let expected = format!(
            "sha256={}",
            crate::token::hmac_sha256_hex(secret.as_bytes(), &self.body)
        );
        assert_eq!(self.header(name), Some(expected.as_str()), "{name}");
    }

    /// The body as JSON.
    ///
    /// # Panics
    ///
    /// When it is not JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        #[allow(clippy::expect_used, reason = "a test helper")]
        serde_json::from_slice(&self.body).expect("a JSON webhook body")
    }
}

/// How a [`Receiver`] answers a request it recorded: status and body.
pub type Responder = dyn Fn(&Received) -> (u16, String) + Send + Sync;

/// A webhook receiver on `127.0.0.1`: records every request and answers with the status set
/// by [`Receiver::answer`] (200 at first), or as [`Receiver::respond_with`] says.
pub struct Receiver {
    url: String,
    answers: Arc<Answers>,
    got: Mutex<mpsc::UnboundedReceiver<Received>>,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver").field("url", &self.url).finish()
    }
}

/// What a receiver answers: a fixed status, unless a responder is set.
struct Answers {
    status: AtomicU16,
    responder: RwLock<Option<Box<Responder>>>,
}

impl Answers {
    fn answer(&self, received: &Received) -> (u16, String) {
        #[allow(
            clippy::unwrap_used,
            reason = "a responder that panicked fails its test anyway"
        )]
        match self.responder.read().unwrap().as_ref() {
            Some(respond) => respond(received),
            None => (self.status.load(Ordering::SeqCst), String::new()),
        }
    }
}

impl Receiver {
    /// Starts one on a free port.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound.
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    /// Starts one on `port` (0: any free port), e.g. to bring a receiver up at an address
    /// handed out while it was down.
    ///
    /// # Panics
    ///
    /// When the port cannot be bound.
    pub async fn start_on(port: u16) -> Self {
        #[allow(clippy::expect_used, reason = "a test helper")]
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("a loopback port");
        #[allow(clippy::expect_used, reason = "a test helper")]
        let addr = listener.local_addr().expect("its address");
        let (tx, rx) = mpsc::unbounded_channel();
        let answers = Arc::new(Answers {
            status: AtomicU16::new(200),
            responder: RwLock::new(None),
        });
        let app = Router::new()
            .fallback(record)
            .with_state((tx, Arc::clone(&answers)));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            url: format!("http://{addr}"),
            answers,
            got: Mutex::new(rx),
        }
    }

    /// Its base URL (`http://127.0.0.1:<port>`); any path is accepted.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Answers every later request with `status` (e.g. 500 to make deliveries fail).
    pub fn answer(&self, status: u16) {
        self.answers.status.store(status, Ordering::SeqCst);
    }

    /// Answers every later request as `respond` says, e.g. echoing a verification challenge
    /// or failing the first deliveries; replaces [`Receiver::answer`]'s status.
    ///
    /// # Panics
    ///
    /// When an earlier responder panicked while answering.
    pub fn respond_with(
        &self,
        respond: impl Fn(&Received) -> (u16, String) + Send + Sync + 'static,
    ) {
        #[allow(clippy::unwrap_used, reason = "a test helper")]
        let mut responder = self.answers.responder.write().unwrap();
        *responder = Some(Box::new(respond));
    }

    /// The next request, which must come within 10 seconds.
    ///
    /// # Panics
    ///
    /// When none does.
    pub async fn delivery(&self) -> Received {
        #[allow(clippy::expect_used, reason = "a test helper")]
        self.next(Duration::from_secs(10))
            .await
            .expect("a delivery within 10 s")
    }

    /// The next request, waiting at most `timeout`.
    pub async fn next(&self, timeout: Duration) -> Option<Received> {
        let mut got = self.got.lock().await;
        tokio::time::timeout(timeout, got.recv())
            .await
            .ok()
            .flatten()
    }
}

type ReceiverState = (mpsc::UnboundedSender<Received>, Arc<Answers>);

async fn record(
    State((tx, answers)): State<ReceiverState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let received = Received {
        method,
        uri,
        headers,
        body,
    };
    let (status, body) = answers.answer(&received);
    let _ = tx.send(received);
    (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response()
}

/// Runs `write` while the test holds the writers' lock as a reset does, asserts that it waits
/// for the lock without drawing from `sequence`, then releases the lock and answers what
/// `write` answered. A write that draws ids in its own SQL (`nextval(…)`) must draw them under
/// that lock: a reset between the draw and the insert rewinds the sequence under ids the
/// write still holds, and a later create collides with them (a duplicate key, a 500).
///
/// # Panics
///
/// When the database cannot be reached, when `write` has not waited for the lock within ten
/// seconds, or when it drew from `sequence` meanwhile.
pub async fn draws_no_id_during_a_reset<T: Send + 'static>(
    database_url: &str,
    sequence: &str,
    write: impl Future<Output = T> + Send + 'static,
) -> T {
    let (db, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls)
        .await
        .expect("the clone's database accepts the test");
    tokio::spawn(connection);
    // Both columns: a sequence's first draw sets `is_called` and leaves `last_value` as it was.
    let drawn = format!("SELECT last_value, is_called FROM {sequence}");
    let state = async || {
        let row = db
            .query_one(&drawn, &[])
            .await
            .expect("the sequence exists");
        (row.get::<_, i64>(0), row.get::<_, bool>(1))
    };
    let lock = format!(
        "BEGIN; SELECT pg_advisory_xact_lock({})",
        crate::WRITERS_LOCK
    );
    db.batch_execute(&lock).await.expect("the writers' lock");
    let before = state().await;
    let write = tokio::spawn(write);
    let waiting = "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                   WHERE l.locktype = 'advisory' AND NOT l.granted
                     AND a.datname = current_database()";
    tokio::time::timeout(Duration::from_secs(10), async {
        while db
            .query_one(waiting, &[])
            .await
            .expect("pg_locks")
            .get::<_, i64>(0)
            == 0
        {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the write waits for the reset's lock");
    assert_eq!(state().await, before, "the write drew an id during a reset");
    db.batch_execute("COMMIT").await.expect("the lock released");
    write.await.expect("the write did not panic")
}

/// The string `field` of each element of the JSON array `list`, in order.
///
/// # Panics
///
/// When `list` is not an array or an element's `field` is not a string.
#[track_caller]
pub fn pluck(list: &Value, field: &str) -> Vec<String> {
    let Some(items) = list.as_array() else {
        panic!("not a list: {list}");
    };
    items
        .iter()
        .map(|item| match item[field].as_str() {
            Some(text) => text.to_owned(),
            None => panic!("no string {field:?} in {item}"),
        })
        .collect()
}

/// Asserts `value` is a string that starts with `prefix` (an id's or token's form).
///
/// # Panics
///
/// When it is not.
#[track_caller]
pub fn assert_prefix(value: &Value, prefix: &str) {
    assert!(
        value.as_str().is_some_and(|text| text.starts_with(prefix)),
        "expected a string starting with {prefix:?}, got {value}"
    );
}

/// Asserts `value` is a string that holds `fragment` (an error message's words).
///
/// # Panics
///
/// When it is not.
#[track_caller]
pub fn assert_contains(value: &Value, fragment: &str) {
    assert!(
        value.as_str().is_some_and(|text| text.contains(fragment)),
        "expected a string containing {fragment:?}, got {value}"
    );
}

/// Asserts `value` is a string that ends with `suffix` (a URL's path).
///
/// # Panics
///
/// When it is not.
#[track_caller]
pub fn assert_suffix(value: &Value, suffix: &str) {
    assert!(
        value.as_str().is_some_and(|text| text.ends_with(suffix)),
        "expected a string ending with {suffix:?}, got {value}"
    );
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn pluck_reads_one_field_of_each_element() {
        let list = json!([{"id": "C1"}, {"id": "C2", "name": "x"}]);
        assert_eq!(pluck(&list, "id"), ["C1", "C2"]);
    }

    #[test]
    #[should_panic(expected = "no string \"name\"")]
    fn pluck_names_the_element_without_the_field() {
        pluck(&json!([{"name": "a"}, {"id": 1}]), "name");
    }

    #[test]
    fn prefixes_suffixes_and_fragments_are_checked() {
        assert_prefix(&json!("xoxb-1"), "xoxb-");
        assert_suffix(&json!("https://x/pulls/2"), "/pulls/2");
        assert_contains(&json!("Property x does not exist"), "does not");
        let wrong = std::panic::catch_unwind(|| assert_prefix(&json!(7), "xoxb-"));
        assert!(wrong.is_err());
        let absent = std::panic::catch_unwind(|| assert_contains(&json!("abc"), "z"));
        assert!(absent.is_err());
    }

    #[test]
    fn a_header_set_again_replaces_the_first() {
        let api = Api::new("http://x").bearer("one").bearer("two");
        assert_eq!(api.headers, [("Authorization".into(), "Bearer two".into())]);
        let both = Api::new("http://x")
            .with_header("authorization", "Basic a")
            .with_header("Notion-Version", "2022-06-28")
            .bearer("t");
        assert_eq!(both.headers.len(), 2, "{:?}", both.headers);
        assert_eq!(both.headers[1].1, "Bearer t");
    }

    #[tokio::test]
    async fn a_responder_answers_what_it_recorded() {
        let receiver = Receiver::start().await;
        receiver.respond_with(|received| (202, format!("saw {}", received.uri.path())));
        let answer = reqwest::Client::new()
            .post(format!("{}/hook", receiver.url()))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 202);
        assert_eq!(answer.text().await.unwrap(), "saw /hook");
        assert_eq!(receiver.delivery().await.uri.path(), "/hook");
    }
}
