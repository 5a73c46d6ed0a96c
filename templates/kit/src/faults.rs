//! Faults a test asks a clone for: an answer of its choosing in place of the clone's own (the
//! product's 500, a 503 outage, a 429 with `Retry-After`), a delay before the clone's own
//! answer, or both, for the requests that match, a number of times, until cleared or the
//! clone is reset.
//!
//! - `POST /api/admin/faults` `{"path", "method"?, "status"?, "body"?, "headers"?,
//!   "times"?, "delayMs"?, "disconnect"?}`: 201 with the fault as kept (`id`, `remaining`,
//!   `hits`). `disconnect` closes the connection with no answer at all, as a network failure
//!   does: `"before"` the clone handles the request (nothing happens), `"after"` it has (the
//!   work is done, the answer is lost: what a client's retry with an idempotency key is for);
//!   it takes no status, body or headers.
//!   `path` is the request path as the backend sees it (Slack's `/api/chat.postMessage`,
//!   Stripe's `/v1/customers`; the query is not compared), or a prefix ending in `*`;
//!   `method` any when absent; `body` a JSON value, sent as `application/json`, or a string,
//!   sent as `text/plain` (a `Content-Type` in `headers` wins); `times` 1 (the default) to
//!   1,000,000, or `"always"`; `delayMs` at most 300,000. The first fault added that matches
//!   a request takes it.
//! - `GET /api/admin/faults`: `{"faults": [...]}`; `DELETE /api/admin/faults`: all cleared,
//!   `{"cleared": n}`; `DELETE /api/admin/faults/{id}`: one, 404 `fault_not_found`.
//!
//! Faults live in the backend's memory: a reset clears them (so one test's faults never
//! reach the next), and so does a restart. The admin surface and the health check are never
//! faulted.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asym_contract::wire::{ADMIN_PATH, FAULTS_PATH, HEALTH_PATH, is_admin};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRef, Path, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::errors::admin_error;

/// Most times one fault may be taken (`"always"` has no bound).
const MAX_TIMES: u64 = 1_000_000;
/// Longest delay, in milliseconds.
const MAX_DELAY_MS: u64 = 300_000;

/// The faults of one run of a backend.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    /// Whether any fault is kept: requests skip the lock while there is none.
    any: AtomicBool,
    kept: Mutex<Vec<Fault>>,
    /// The last id handed out.
    issued: AtomicU64,
}

/// A fault as kept and listed.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Fault {
    id: String,
    method: Option<String>,
    path: String,
    status: Option<u16>,
    body: Option<Value>,
    headers: BTreeMap<String, String>,
    /// Times left; `None` for `"always"`.
    remaining: Option<u64>,
    delay_ms: u64,
    disconnect: Option<Disconnect>,
    /// Requests it has taken.
    hits: u64,
}

/// When a fault closes the connection in place of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Disconnect {
    /// Before the clone handles the request.
    Before,
    /// After the clone handled it, in place of its answer.
    After,
}

/// Put on the response of a request whose connection a fault closed (the journal reads it):
/// what the clone answered, if it handled the request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Disconnected(pub(crate) Option<StatusCode>);

/// A fault as asked for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Ask {
    path: String,
    method: Option<String>,
    status: Option<u16>,
    body: Option<Value>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    times: Option<Value>,
    #[serde(default)]
    delay_ms: u64,
    disconnect: Option<Disconnect>,
}

/// What a request that a fault took gets: a delay, then the fault's answer, the clone's, or
/// none.
struct Hit {
    delay: Duration,
    answer: Option<Response>,
    disconnect: Option<Disconnect>,
}

impl Faults {
    /// Forgets every fault; how many there were.
    pub(crate) fn clear(&self) -> usize {
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.any.store(false, Ordering::SeqCst);
        std::mem::take(&mut *kept).len()
    }

    fn add(&self, ask: Ask) -> Result<Fault, String> {
        let fault = Fault {
            id: format!("fault_{}", self.issued.fetch_add(1, Ordering::SeqCst) + 1),
            method: ask.method.map(|m| m.to_ascii_uppercase()),
            remaining: times(ask.times.as_ref())?,
            path: ask.path,
            status: ask.status,
            body: ask.body,
            headers: ask.headers,
            delay_ms: ask.delay_ms,
            disconnect: ask.disconnect,
            hits: 0,
        };
        check(&fault)?;
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        kept.push(fault.clone());
        self.any.store(true, Ordering::SeqCst);
        Ok(fault)
    }

    fn list(&self) -> Vec<Fault> {
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn remove(&self, id: &str) -> bool {
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let before = kept.len();
        kept.retain(|f| f.id != id);
        self.any.store(!kept.is_empty(), Ordering::SeqCst);
        kept.len() < before
    }

    /// The first fault matching `method` and `path` takes the request: counted, and dropped
    /// once its times are used up.
    fn take(&self, method: &str, path: &str) -> Option<Hit> {
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let at = kept.iter().position(|f| f.matches(method, path))?;
        let fault = &mut kept[at];
        fault.hits += 1;
        let hit = Hit {
            delay: Duration::from_millis(fault.delay_ms),
            answer: fault.status.map(|status| fault.answer(status)),
            disconnect: fault.disconnect,
        };
        if let Some(left) = &mut fault.remaining {
            *left -= 1;
            if *left == 0 {
                kept.remove(at);
                self.any.store(!kept.is_empty(), Ordering::SeqCst);
            }
        }
        Some(hit)
    }
}

/// `times`: absent is once; a count from 1 to [`MAX_TIMES`]; `"always"` is `None`.
fn times(given: Option<&Value>) -> Result<Option<u64>, String> {
    match given {
        None => Ok(Some(1)),
        Some(Value::String(word)) if word == "always" => Ok(None),
        Some(value) => match value.as_u64() {
            Some(n) if (1..=MAX_TIMES).contains(&n) => Ok(Some(n)),
            _ => Err(format!(
                "times must be a whole number from 1 to {MAX_TIMES}, or \"always\""
            )),
        },
    }
}

/// Refuses a fault that could not be served as asked.
fn check(fault: &Fault) -> Result<(), String> {
    let path = fault.path.strip_suffix('*').unwrap_or(&fault.path);
    if !path.starts_with('/') {
        return Err("path must start with '/' (the request path the backend sees)".into());
    }
    if is_admin(path) || path.starts_with(HEALTH_PATH) {
        return Err(format!("{ADMIN_PATH} and {HEALTH_PATH} are never faulted"));
    }
    if let Some(method) = &fault.method
        && (method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err(format!("method {method:?} is not an HTTP method"));
    }
    let answers = fault.status.is_some() || fault.body.is_some() || !fault.headers.is_empty();
    if fault.disconnect.is_some() && answers {
        return Err("disconnect sends no answer: it takes no status, body or headers".into());
    }
    match fault.status {
        Some(status) if !(200..=599).contains(&status) => {
            return Err(format!("status {status} is not from 200 to 599"));
        }
        None if fault.delay_ms == 0 && fault.disconnect.is_none() => {
            return Err(
                "a fault needs a status, a delayMs, a disconnect, or a status and a delayMs".into(),
            );
        }
        None if fault.body.is_some() || !fault.headers.is_empty() => {
            return Err("body and headers need a status".into());
        }
        _ => {}
    }
    if fault.delay_ms > MAX_DELAY_MS {
        return Err(format!("delayMs must be at most {MAX_DELAY_MS}"));
    }
    for (name, value) in &fault.headers {
        if HeaderName::from_bytes(name.as_bytes()).is_err() || HeaderValue::from_str(value).is_err()
        {
            return Err(format!("header {name:?}: {value:?} is not a valid header"));
        }
    }
    Ok(())
}

impl Fault {
    fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m == method)
            && match self.path.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => path == self.path,
            }
    }

    /// The answer `status` with the fault's body and headers (checked when it was added).
    fn answer(&self, status: u16) -> Response {
        let (kind, bytes) = match &self.body {
            None => (None, Bytes::new()),
            Some(Value::String(text)) => (Some("text/plain; charset=utf-8"), text.clone().into()),
            Some(value) => (Some("application/json"), value.to_string().into()),
        };
        let mut response = Response::new(Body::from(bytes));
        *response.status_mut() =
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        if let Some(kind) = kind {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
        }
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                headers.insert(name, value);
            }
        }
        response
    }
}

impl Faults {
    /// Serves `request`: by the first fault that matches it, if any (never the admin surface
    /// or the health check), otherwise by `next`. Called by the reset gate every request
    /// passes, so that a request held by a reset sees the faults the reset left (none).
    pub(crate) async fn serve(&self, request: Request, next: Next) -> Response {
        if !self.any.load(Ordering::SeqCst) {
            return next.run(request).await;
        }
        let path = request.uri().path();
        if is_admin(path) || path == HEALTH_PATH {
            return next.run(request).await;
        }
        let Some(hit) = self.take(request.method().as_str(), path) else {
            return next.run(request).await;
        };
        if !hit.delay.is_zero() {
            tokio::time::sleep(hit.delay).await;
        }
        match (hit.answer, hit.disconnect) {
            (Some(answer), _) => answer,
            (None, None) => next.run(request).await,
            (None, Some(Disconnect::Before)) => disconnected(None),
            (None, Some(Disconnect::After)) => {
                let answered = next.run(request).await;
                disconnected(Some(answered.status()))
            }
        }
    }
}

/// A response that closes its connection with no answer sent (hyper drops a connection
/// whose body fails before its first byte: the client reads no status line at all).
fn disconnected(answered: Option<StatusCode>) -> Response {
    let failed = futures_util::stream::once(async {
        Err::<Bytes, _>(std::io::Error::other(
            "asym: the connection is closed, as a fault asked",
        ))
    });
    let mut response = Response::new(Body::from_stream(failed));
    response.extensions_mut().insert(Disconnected(answered));
    response
}

/// The admin routes: add, list, clear, remove.
pub(crate) fn admin_routes<S>() -> Router<S>
where
    Arc<Faults>: FromRef<S>,
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route(FAULTS_PATH, routing::post(add).get(list).delete(clear_all))
        .route(&format!("{FAULTS_PATH}/{{id}}"), routing::delete(remove))
}

async fn add(State(faults): State<Arc<Faults>>, body: Bytes) -> Response {
    let ask = match serde_json::from_slice::<Value>(&body) {
        Ok(value @ Value::Object(_)) => serde_json::from_value::<Ask>(value),
        _ => {
            let why = "the body must be a JSON object: {\"path\", \"status\", …}";
            return admin_error(StatusCode::BAD_REQUEST, "invalid_fault", why);
        }
    };
    let added = ask
        .map_err(|e| e.to_string())
        .and_then(|ask| faults.add(ask));
    match added {
        Ok(fault) => (StatusCode::CREATED, axum::Json(fault)).into_response(),
        Err(why) => admin_error(StatusCode::BAD_REQUEST, "invalid_fault", &why),
    }
}

async fn list(State(faults): State<Arc<Faults>>) -> Response {
    axum::Json(json!({ "faults": faults.list() })).into_response()
}

async fn clear_all(State(faults): State<Arc<Faults>>) -> Response {
    axum::Json(json!({ "cleared": faults.clear() })).into_response()
}

async fn remove(State(faults): State<Arc<Faults>>, Path(id): Path<String>) -> Response {
    if faults.remove(&id) {
        axum::Json(json!({ "deleted": id })).into_response()
    } else {
        admin_error(
            StatusCode::NOT_FOUND,
            "fault_not_found",
            &format!("no fault {id} (taken its times, cleared, or reset)"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::Kit;
    use crate::server::tests::{offline_kit, send};
    use asym_contract::wire::REQUESTS_PATH;
    use axum::http::Request as HttpRequest;

    fn app(kit: &Kit) -> Router {
        let product = Router::new().route(
            "/v1/customers",
            routing::get(|| async { "listed" }).post(|| async { "created" }),
        );
        crate::router(kit, product)
    }

    fn admin(method: &str, path: &str, body: Value) -> HttpRequest<Body> {
        HttpRequest::builder()
            .method(method)
            .uri(path)
            .header("X-Asym-Admin-Secret", "s3cret")
            .body(Body::from(body.to_string()))
            .unwrap()
    }

    fn call(method: &str) -> HttpRequest<Body> {
        HttpRequest::builder()
            .method(method)
            .uri("/v1/customers?limit=3")
            .body(Body::empty())
            .unwrap()
    }

    #[tokio::test]
    async fn a_fault_answers_its_times_then_the_clone_answers_again() {
        let kit = offline_kit();
        let ask = json!({"method": "post", "path": "/v1/customers", "status": 500, "times": 2,
            "body": {"error": {"type": "api_error"}}, "headers": {"Retry-After": "1"}});
        let (status, body) = send(app(&kit), admin("POST", FAULTS_PATH, ask)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert!(body.contains(r#""remaining":2"#), "{body}");

        let response = tower::ServiceExt::oneshot(app(&kit), call("POST"))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()["retry-after"], "1");
        assert_eq!(response.headers()["content-type"], "application/json");
        let body = axum::body::to_bytes(response.into_body(), 1 << 10)
            .await
            .unwrap();
        assert_eq!(&body[..], br#"{"error":{"type":"api_error"}}"#);
        // Another method is not taken.
        assert_eq!(
            send(app(&kit), call("GET")).await,
            (StatusCode::OK, "listed".into())
        );
        assert_eq!(
            send(app(&kit), call("POST")).await.0,
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            send(app(&kit), call("POST")).await,
            (StatusCode::OK, "created".into())
        );
        let (_, listed) = send(app(&kit), admin("GET", FAULTS_PATH, Value::Null)).await;
        assert_eq!(listed, r#"{"faults":[]}"#);
    }

    #[tokio::test]
    async fn prefixes_always_clear_and_remove() {
        let kit = offline_kit();
        let ask = json!({"path": "/v1/*", "status": 503, "times": "always", "body": "down"});
        let (_, body) = send(app(&kit), admin("POST", FAULTS_PATH, ask)).await;
        let id = serde_json::from_str::<Value>(&body).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        for _ in 0..3 {
            assert_eq!(
                send(app(&kit), call("GET")).await,
                (StatusCode::SERVICE_UNAVAILABLE, "down".into())
            );
        }
        let gone = format!("{FAULTS_PATH}/{id}");
        assert_eq!(
            send(app(&kit), admin("DELETE", &gone, Value::Null)).await.0,
            StatusCode::OK
        );
        assert_eq!(
            send(app(&kit), admin("DELETE", &gone, Value::Null)).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(send(app(&kit), call("GET")).await.0, StatusCode::OK);

        let ask = json!({"path": "/v1/customers", "status": 429});
        send(app(&kit), admin("POST", FAULTS_PATH, ask)).await;
        let (_, cleared) = send(app(&kit), admin("DELETE", FAULTS_PATH, Value::Null)).await;
        assert_eq!(cleared, r#"{"cleared":1}"#);
        assert_eq!(send(app(&kit), call("POST")).await.0, StatusCode::OK);
    }

    #[tokio::test]
    async fn a_delay_alone_lets_the_clone_answer_late() {
        let kit = offline_kit();
        let ask = json!({"path": "/v1/customers", "delayMs": 50});
        send(app(&kit), admin("POST", FAULTS_PATH, ask)).await;
        let started = std::time::Instant::now();
        assert_eq!(
            send(app(&kit), call("GET")).await,
            (StatusCode::OK, "listed".into())
        );
        assert!(started.elapsed() >= Duration::from_millis(50));
    }

    #[tokio::test]
    async fn a_disconnect_sends_no_answer_before_or_after_the_clone_handled_the_request() {
        let kit = offline_kit();
        let handled = Arc::new(AtomicU64::new(0));
        let product = Router::new().route(
            "/v1/customers",
            routing::post({
                let handled = handled.clone();
                async move || {
                    handled.fetch_add(1, Ordering::SeqCst);
                    (StatusCode::CREATED, "created")
                }
            }),
        );
        let app = crate::router(&kit, product);
        for when in ["before", "after"] {
            let ask = json!({"path": "/v1/customers", "disconnect": when});
            let (status, body) = send(app.clone(), admin("POST", FAULTS_PATH, ask)).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            let response = tower::ServiceExt::oneshot(app.clone(), call("POST"))
                .await
                .unwrap();
            // The body fails before its first byte: hyper closes the connection unanswered.
            assert!(
                axum::body::to_bytes(response.into_body(), 1 << 10)
                    .await
                    .is_err()
            );
        }
        assert_eq!(handled.load(Ordering::SeqCst), 1, "handled only after");
        let (_, listed) = send(app.clone(), admin("GET", REQUESTS_PATH, Value::Null)).await;
        let listed: Value = serde_json::from_str(&listed).unwrap();
        let seen: Vec<(&Value, &Value)> = listed["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (&r["status"], &r["disconnected"]))
            .collect();
        assert_eq!(
            seen,
            [(&json!(0), &json!(true)), (&json!(201), &json!(true))]
        );
        assert_eq!(send(app, call("POST")).await.0, StatusCode::CREATED);
    }

    #[tokio::test]
    async fn bad_faults_are_refused_by_name_and_the_admin_surface_is_never_faulted() {
        let kit = offline_kit();
        for (ask, says) in [
            (json!({"path": "v1", "status": 500}), "must start with '/'"),
            (
                json!({"path": "/api/admin/*", "status": 500}),
                "never faulted",
            ),
            (
                json!({"path": "/api/health", "status": 500}),
                "never faulted",
            ),
            (json!({"path": "/x", "status": 99}), "not from 200 to 599"),
            (json!({"path": "/x"}), "needs a status, a delayMs"),
            (
                json!({"path": "/x", "delayMs": 5, "body": {}}),
                "need a status",
            ),
            (
                json!({"path": "/x", "status": 500, "times": 0}),
                "times must be",
            ),
            (
                json!({"path": "/x", "status": 500, "times": "often"}),
                "times must be",
            ),
            (
                json!({"path": "/x", "status": 500, "delayMs": 300_001}),
                "at most",
            ),
            (
                json!({"path": "/x", "status": 500, "method": "GE T"}),
                "not an HTTP method",
            ),
            (
                json!({"path": "/x", "status": 500, "headers": {"a b": "1"}}),
                "not a valid header",
            ),
            (
                json!({"path": "/x", "status": 500, "disconnect": "after"}),
                "takes no status",
            ),
            (
                json!({"path": "/x", "disconnect": "sometimes"}),
                "unknown variant",
            ),
            (
                json!({"path": "/x", "status": 500, "colour": 1}),
                "unknown field",
            ),
            (json!([]), "must be a JSON object"),
        ] {
            let (status, body) = send(app(&kit), admin("POST", FAULTS_PATH, ask.clone())).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{ask}: {body}");
            assert!(
                body.contains("invalid_fault") && body.contains(says),
                "{ask}: {body}"
            );
        }
        let (_, listed) = send(app(&kit), admin("GET", FAULTS_PATH, Value::Null)).await;
        assert_eq!(listed, r#"{"faults":[]}"#);
    }
}
