//! The journal: the requests a clone answered since its last reset, each with what was sent
//! and what the clone answered, so that a test can assert what its code sent (as a mock's
//! verify would) and a failed test can show what happened.
//!
//! - `GET /api/admin/requests` (`?method=POST&path=/v1/customers`, a path ending in `*` a
//!   prefix, as a fault's): `{"requests": [...], "dropped": n, "epoch": e}`, in the order
//!   they were answered; `dropped` counts the requests the journal no longer keeps (it keeps
//!   the last [`KEPT`]), `epoch` counts the resets that emptied it. `?after=N` lists only
//!   those after `seq` N; with `waitMs` (at most [`MAX_WAIT_MS`]) the answer waits for one
//!   to come, or for a reset when `epoch` (the one the caller knows) is given: what
//!   `asym requests --follow` polls. Listing never waits on a reset in flight.
//! - `DELETE /api/admin/requests`: `{"cleared": n}`.
//!
//! Each request: `seq` (from 1 after a reset), `atMs` (Unix milliseconds), `method`, `path`,
//! `query`, `headers` (credentials shortened to their first characters), `body` and `response`
//! (as text, up to [`TEXT_KEPT`] bytes each, `null` when binary or not buffered; a
//! `…Truncated` flag when cut), `status` and `ms` (time to the answer's head). A request whose
//! connection a fault closed has `disconnected: true`, and `status` is what the clone
//! answered (its answer lost) or 0 when it never handled the request. A request
//! body is buffered before it is served only when its `Content-Length` is at most
//! [`BUFFERED`]; a streamed one (chunked, or longer) reaches the handler as it comes, and the
//! journal keeps the head of what the handler read of it (`null` when it read none). The
//! admin surface and the health check are not journaled. What is kept is copied out of the
//! request (a shared slice would hold its connection's whole read buffer alive), credentials
//! already shortened: a full journal of small requests takes a few MiB.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use asym_contract::wire::{HEALTH_PATH, REQUESTS_PATH, is_admin};
use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::{FromRef, Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing;
use http_body_util::BodyExt;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;

use tokio::sync::Notify;

use crate::faults::Disconnected;

/// How many requests the journal keeps: the oldest go first.
pub(crate) const KEPT: usize = 1_000;
/// How much of a body (sent or answered) is kept as text.
pub(crate) const TEXT_KEPT: usize = 8 * 1024;
/// The largest body buffered to be kept; a larger one passes through unread.
pub(crate) const BUFFERED: usize = 1024 * 1024;
/// Headers whose values are credentials: kept as their first characters (the token's kind).
const SECRET_HEADERS: [&str; 4] = [
    "authorization",
    "cookie",
    "x-api-key",
    "proxy-authorization",
];
/// The longest a listing waits for a request to come.
pub(crate) const MAX_WAIT_MS: u64 = 25_000;
/// How many characters of a credential are kept.
const SECRET_SHOWN: usize = 12;

/// The requests of one run of a backend since its last reset.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    kept: Mutex<Kept>,
    /// Woken when a request is kept or the journal is emptied: listings that wait.
    changed: Notify,
}

#[derive(Debug, Default)]
struct Kept {
    entries: VecDeque<Entry>,
    /// The last `seq` handed out.
    issued: u64,
    /// Entries let go of since the last reset.
    dropped: u64,
    /// How many times the journal was emptied.
    epoch: u64,
}

/// One request and its answer, as kept: copies of what was sent and answered, so that a kept
/// entry holds no connection's buffer alive (listing makes the JSON).
#[derive(Debug)]
struct Entry {
    seq: u64,
    sent: Sent,
    /// What the clone answered: `None` when a fault closed the connection first.
    status: Option<StatusCode>,
    /// Whether a fault closed the connection in place of the answer.
    disconnected: bool,
    response: Option<Head>,
    ms: f64,
}

/// What a request was, read before it is served.
#[derive(Debug)]
pub(crate) struct Sent {
    at_ms: u128,
    started: Instant,
    method: Method,
    /// The path, its query after a `?` if it has one, then a line a header (`name: value`,
    /// credentials already shortened): one string, so a request pays one allocation for it.
    head: String,
    body: SentBody,
}

/// A request's body as the journal has it.
#[derive(Debug)]
enum SentBody {
    /// Read before the request was served (`None`: it had none, or it failed mid-way).
    Read(Option<Head>),
    /// Streamed to the handler: what it has read so far, copied on the way.
    Streamed(Arc<Mutex<Streamed>>),
}

/// The head of a streamed body, as its handler reads it.
#[derive(Debug, Default)]
struct Streamed {
    bytes: Vec<u8>,
    /// How many bytes the handler read in all.
    read: usize,
}

impl SentBody {
    /// What is kept of a body read or settled (`None` while it streams).
    fn kept(&self) -> Option<&Head> {
        match self {
            Self::Read(head) => head.as_ref(),
            Self::Streamed(_) => None,
        }
    }

    /// The body as it is kept once the request was answered: a streamed one as far as its
    /// handler read it, `None` when it read nothing.
    fn settled(self) -> Option<Head> {
        match self {
            Self::Read(head) => head,
            Self::Streamed(streamed) => {
                let streamed = std::mem::take(&mut *lock(&streamed));
                (streamed.read > 0).then(|| Head {
                    bytes: streamed.bytes.into_boxed_slice(),
                    truncated: streamed.read > TEXT_KEPT,
                })
            }
        }
    }
}

impl Sent {
    /// The path and the query.
    fn target(&self) -> (&str, Option<&str>) {
        let target = self.head.split('\n').next().unwrap_or_default();
        match target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (target, None),
        }
    }

    /// The headers, by name (a repeated header shows its last value).
    fn headers(&self) -> BTreeMap<&str, &str> {
        self.head
            .split('\n')
            .skip(1)
            .filter_map(|line| line.split_once(": "))
            .collect()
    }
}

/// The head of a body, as kept: a copy of its first [`TEXT_KEPT`] bytes (a request's body is
/// a slice of its connection's buffer, which sharing it would keep alive).
#[derive(Debug)]
struct Head {
    bytes: Box<[u8]>,
    truncated: bool,
}

impl Head {
    fn of(bytes: &[u8]) -> Self {
        Self {
            bytes: bytes[..bytes.len().min(TEXT_KEPT)].into(),
            truncated: bytes.len() > TEXT_KEPT,
        }
    }

    /// As text: `None` when binary. A cut inside a UTF-8 sequence leaves at most three bytes
    /// of it, which are dropped.
    fn text(&self) -> Option<&str> {
        let len = self.bytes.len();
        let ends = if self.truncated { 0..4 } else { 0..1 };
        ends.filter_map(|back| len.checked_sub(back))
            .find_map(|end| std::str::from_utf8(&self.bytes[..end]).ok())
    }
}

/// One request and its answer, as listed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listed<'a> {
    seq: u64,
    at_ms: u128,
    method: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    headers: BTreeMap<&'a str, &'a str>,
    body: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    body_truncated: bool,
    status: u16,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    disconnected: bool,
    response: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    response_truncated: bool,
    ms: f64,
}

impl Entry {
    fn listed(&self) -> Listed<'_> {
        let truncated = |kept: Option<&Head>| kept.is_some_and(|k| k.truncated);
        let (path, query) = self.sent.target();
        Listed {
            seq: self.seq,
            at_ms: self.sent.at_ms,
            method: self.sent.method.as_str(),
            path,
            query,
            headers: self.sent.headers(),
            body: self.sent.body.kept().and_then(Head::text),
            body_truncated: truncated(self.sent.body.kept()),
            status: self.status.map_or(0, |status| status.as_u16()),
            disconnected: self.disconnected,
            response: self.response.as_ref().and_then(Head::text),
            response_truncated: truncated(self.response.as_ref()),
            ms: self.ms,
        }
    }
}

impl Journal {
    /// Reads `request` for the journal (buffering a body of a known, bounded length), or
    /// `None` for the admin surface and the health check; gives the request back to serve.
    pub(crate) async fn read(&self, request: Request) -> (Request, Option<Sent>) {
        let path = request.uri().path();
        if is_admin(path) || path == HEALTH_PATH {
            return (request, None);
        }
        let (parts, body) = request.into_parts();
        let length = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        let (body, kept) = match length {
            Some(n) if n <= BUFFERED => {
                let (body, kept) = buffered(body).await;
                (body, SentBody::Read(kept))
            }
            // No body and no length (a GET): nothing to copy, so nothing to wrap.
            _ if HttpBody::is_end_stream(&body) => (body, SentBody::Read(None)),
            _ => streamed(body),
        };
        let sent = Sent {
            at_ms: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_millis(),
            started: Instant::now(),
            method: parts.method.clone(),
            head: head(&parts.uri, &parts.headers),
            body: kept,
        };
        (Request::from_parts(parts, body), Some(sent))
    }

    /// Keeps `sent` with `response` (buffering an answer of a known, bounded length); gives
    /// the response back to send.
    pub(crate) async fn keep(&self, sent: Sent, response: Response) -> Response {
        let ms = (sent.started.elapsed().as_secs_f64() * 1e6).round() / 1e3;
        let (parts, body) = response.into_parts();
        let disconnected = parts.extensions.get::<Disconnected>().copied();
        let bounded = HttpBody::size_hint(&body)
            .exact()
            .is_some_and(|n| n <= BUFFERED as u64);
        let (body, answered) = if bounded {
            buffered(body).await
        } else {
            (body, None)
        };
        let body_kept = sent.body.settled();
        let mut kept = self.lock();
        kept.issued += 1;
        let entry = Entry {
            seq: kept.issued,
            sent: Sent {
                body: SentBody::Read(body_kept),
                ..sent
            },
            status: disconnected.map_or(Some(parts.status), |Disconnected(answered)| answered),
            disconnected: disconnected.is_some(),
            response: answered,
            ms,
        };
        if kept.entries.len() == KEPT {
            kept.entries.pop_front();
            kept.dropped += 1;
        }
        kept.entries.push_back(entry);
        drop(kept);
        self.changed.notify_waiters();
        Response::from_parts(parts, body)
    }

    /// Forgets every request (a reset does); how many were kept.
    pub(crate) fn clear(&self) -> usize {
        let mut kept = self.lock();
        let cleared = std::mem::take(&mut kept.entries).len();
        (kept.issued, kept.dropped, kept.epoch) = (0, 0, kept.epoch + 1);
        drop(kept);
        self.changed.notify_waiters();
        cleared
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        lock(&self.kept)
    }
}

/// `mutex` locked (a panic elsewhere while it was held leaves what it holds usable).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `body` passed through to its handler as it comes, its first [`TEXT_KEPT`] bytes copied on
/// the way.
fn streamed(body: Body) -> (Body, SentBody) {
    let seen = Arc::new(Mutex::new(Streamed::default()));
    let copied = Arc::clone(&seen);
    let body = body.map_frame(move |frame| {
        if let Some(data) = frame.data_ref() {
            let mut copied = lock(&copied);
            let room = TEXT_KEPT.saturating_sub(copied.bytes.len());
            copied
                .bytes
                .extend_from_slice(&data[..data.len().min(room)]);
            copied.read += data.len();
        }
        frame
    });
    (Body::new(body), SentBody::Streamed(seen))
}

/// `body` read whole, given back to serve, with what the journal keeps of it; a body that
/// fails mid-way (the client went away) is served empty, as its handler would have failed
/// to read it too.
async fn buffered(body: Body) -> (Body, Option<Head>) {
    match body.collect().await {
        Ok(collected) => {
            let bytes = collected.to_bytes();
            let kept = Head::of(&bytes);
            (Body::from(bytes), Some(kept))
        }
        Err(_) => (Body::empty(), None),
    }
}

/// The request's target and headers as [`Sent`] keeps them: names lower-case, credentials
/// shortened.
fn head(uri: &Uri, headers: &HeaderMap) -> String {
    let target = uri.path_and_query().map_or("/", |target| target.as_str());
    let mut head = String::with_capacity(target.len() + 64 * headers.len());
    head.push_str(target);
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes());
        let value = if SECRET_HEADERS.contains(&name.as_str()) {
            std::borrow::Cow::Owned(shortened(&value))
        } else {
            value
        };
        for part in ["\n", name.as_str(), ": ", &value] {
            head.push_str(part);
        }
    }
    head
}

/// A credential's first characters (`Bearer xoxb-1234567…`): enough to tell which token.
fn shortened(value: &str) -> String {
    let (scheme, secret) = value.split_once(' ').unwrap_or(("", value));
    let shown: String = secret.chars().take(SECRET_SHOWN).collect();
    let cut = if shown.len() < secret.len() {
        "…"
    } else {
        ""
    };
    if scheme.is_empty() {
        format!("{shown}{cut}")
    } else {
        format!("{scheme} {shown}{cut}")
    }
}

/// Which requests a listing shows.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Filter {
    method: Option<String>,
    path: Option<String>,
    after: Option<u64>,
    epoch: Option<u64>,
    wait_ms: Option<u64>,
}

impl Filter {
    fn shows(&self, entry: &Entry) -> bool {
        if self.after.is_some_and(|after| entry.seq <= after) {
            return false;
        }
        let method = self
            .method
            .as_ref()
            .is_none_or(|m| m.eq_ignore_ascii_case(entry.sent.method.as_str()));
        let (path, _) = entry.sent.target();
        let path = self
            .path
            .as_ref()
            .is_none_or(|p| match p.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => p == path,
            });
        method && path
    }
}

/// The admin routes: list and clear.
pub(crate) fn admin_routes<S>() -> Router<S>
where
    Arc<Journal>: FromRef<S>,
    S: Clone + Send + Sync + 'static,
{
    Router::new().route(REQUESTS_PATH, routing::get(list).delete(clear_all))
}

async fn list(State(journal): State<Arc<Journal>>, Query(filter): Query<Filter>) -> Response {
    let wait = Duration::from_millis(filter.wait_ms.unwrap_or(0).min(MAX_WAIT_MS));
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        // Registered before looking, so that a request kept in between still wakes it.
        let changed = journal.changed.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        {
            let kept = journal.lock();
            let requests: Vec<Listed<'_>> = kept
                .entries
                .iter()
                .filter(|e| filter.shows(e))
                .map(Entry::listed)
                .collect();
            let reset = filter.epoch.is_some_and(|epoch| epoch != kept.epoch);
            if !requests.is_empty() || reset || tokio::time::Instant::now() >= deadline {
                let body =
                    json!({ "requests": requests, "dropped": kept.dropped, "epoch": kept.epoch });
                return axum::Json(body).into_response();
            }
        }
        // Woken or timed out, it looks once more (and answers then, past the deadline).
        let _ = tokio::time::timeout_at(deadline, changed).await;
    }
}

async fn clear_all(State(journal): State<Arc<Journal>>) -> Response {
    axum::Json(json!({ "cleared": journal.clear() })).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::tests::{offline_kit, send};
    use axum::http::{Request as HttpRequest, StatusCode};
    use serde_json::Value;
    use tower::ServiceExt;

    fn app(kit: &crate::Kit) -> Router {
        let product = Router::new().route(
            "/v1/customers",
            routing::post(|body: String| async move {
                (StatusCode::CREATED, format!(r#"{{"echo":"{body}"}}"#))
            }),
        );
        crate::router(kit, product)
    }

    fn request(method: &str, uri: &str, body: &str) -> HttpRequest<Body> {
        HttpRequest::builder()
            .method(method)
            .uri(uri)
            .header("X-Asym-Admin-Secret", "s3cret")
            .header("Authorization", "Bearer sk_test_0123456789abcdef")
            .header("Content-Length", body.len())
            .body(Body::from(body.to_owned()))
            .unwrap()
    }

    async fn listed(kit: &crate::Kit, query: &str) -> Value {
        let uri = format!("{REQUESTS_PATH}{query}");
        let (status, body) = send(app(kit), request("GET", &uri, "")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    #[tokio::test]
    async fn requests_are_kept_with_their_answers_until_cleared() {
        let kit = offline_kit();
        let (status, body) = send(
            app(&kit),
            request("POST", "/v1/customers?expand=x", "name=Ada"),
        )
        .await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::CREATED, r#"{"echo":"name=Ada"}"#)
        );
        send(app(&kit), request("GET", "/v1/nowhere", "")).await;
        // The admin surface itself is not journaled: listing twice lists the same two.
        listed(&kit, "").await;
        let all = listed(&kit, "").await;
        assert_eq!(all["dropped"], 0);
        let requests = all["requests"].as_array().unwrap();
        assert_eq!(requests.len(), 2, "{all:#}");
        let created = &requests[0];
        assert_eq!(created["seq"], 1);
        assert_eq!(created["method"], "POST");
        assert_eq!(created["path"], "/v1/customers");
        assert_eq!(created["query"], "expand=x");
        assert_eq!(created["body"], "name=Ada");
        assert_eq!(created["status"], 201);
        assert_eq!(created["response"], r#"{"echo":"name=Ada"}"#);
        assert_eq!(created["headers"]["authorization"], "Bearer sk_test_0123…");
        assert_eq!(requests[1]["status"], 404);
        assert_eq!(requests[1]["seq"], 2);

        let only = listed(&kit, "?method=get&path=/v1/*").await;
        assert_eq!(only["requests"].as_array().unwrap().len(), 1, "{only:#}");
        assert_eq!(only["requests"][0]["path"], "/v1/nowhere");

        let (_, cleared) = send(app(&kit), request("DELETE", REQUESTS_PATH, "")).await;
        assert_eq!(cleared, r#"{"cleared":2}"#);
        assert_eq!(listed(&kit, "").await["requests"], json!([]));
    }

    #[tokio::test]
    async fn a_streamed_body_is_kept_as_far_as_its_handler_read_it() {
        let kit = offline_kit();
        // Chunked (no Content-Length): the handler reads it as it comes.
        let chunks = || futures_util::stream::iter(["name=", "Ada"].map(Ok::<_, std::io::Error>));
        let chunked = HttpRequest::post("/v1/customers")
            .body(Body::from_stream(chunks()))
            .unwrap();
        let (status, body) = send(app(&kit), chunked).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::CREATED, r#"{"echo":"name=Ada"}"#)
        );
        // Longer than is buffered: served as it comes, its head kept and marked cut.
        let long = "x".repeat(BUFFERED + 1);
        let echoed = app(&kit)
            .oneshot(request("POST", "/v1/customers", &long))
            .await
            .unwrap();
        assert_eq!(echoed.status(), StatusCode::CREATED);
        // Never read by a handler (no route): nothing to show.
        let unread = HttpRequest::post("/v1/nowhere")
            .body(Body::from_stream(chunks()))
            .unwrap();
        send(app(&kit), unread).await;
        // No body and no length, as a GET comes: passed through, and shown as no body.
        send(
            app(&kit),
            HttpRequest::get("/v1/nowhere").body(Body::empty()).unwrap(),
        )
        .await;

        let all = listed(&kit, "").await;
        let requests = all["requests"].as_array().unwrap();
        assert_eq!(requests[0]["body"], "name=Ada", "{all:#}");
        assert_eq!(requests[0]["bodyTruncated"], json!(null));
        assert_eq!(requests[1]["body"], "x".repeat(TEXT_KEPT));
        assert_eq!(requests[1]["bodyTruncated"], true);
        assert_eq!(
            (&requests[2]["status"], &requests[2]["body"]),
            (&json!(404), &json!(null))
        );
        assert_eq!(
            (&requests[3]["method"], &requests[3]["body"]),
            (&json!("GET"), &json!(null))
        );
    }

    #[tokio::test]
    async fn a_waiting_listing_answers_when_a_request_comes_or_the_journal_is_emptied() {
        let kit = offline_kit();
        send(app(&kit), request("GET", "/v1/first", "")).await;
        let first = listed(&kit, "").await;
        assert_eq!(
            (&first["epoch"], &first["requests"][0]["seq"]),
            (&json!(0), &json!(1))
        );
        // Nothing after seq 1 yet: it waits, and the next request answers it.
        let waiting = tokio::spawn({
            let kit = kit.clone();
            async move { listed(&kit, "?after=1&epoch=0&waitMs=20000").await }
        });
        tokio::task::yield_now().await;
        send(app(&kit), request("GET", "/v1/second", "")).await;
        let woken = waiting.await.unwrap();
        assert_eq!(woken["requests"].as_array().unwrap().len(), 1, "{woken:#}");
        assert_eq!(woken["requests"][0]["path"], "/v1/second");
        // Emptied (as a reset empties it): a caller that knew epoch 0 is told at once.
        let waiting = tokio::spawn({
            let kit = kit.clone();
            async move { listed(&kit, "?after=2&epoch=0&waitMs=20000").await }
        });
        tokio::task::yield_now().await;
        kit.journal().clear();
        let reset = waiting.await.unwrap();
        assert_eq!(
            (&reset["epoch"], &reset["requests"]),
            (&json!(1), &json!([]))
        );
        // With nothing to wait for, an empty answer comes once the wait is over.
        let empty = listed(&kit, "?after=0&epoch=1&waitMs=10").await;
        assert_eq!(empty["requests"], json!([]));
    }

    #[tokio::test]
    async fn the_journal_keeps_the_last_requests_and_counts_the_rest() {
        let kit = offline_kit();
        for _ in 0..KEPT + 3 {
            send(app(&kit), request("GET", "/v1/nowhere", "")).await;
        }
        let all = listed(&kit, "").await;
        assert_eq!(all["dropped"], 3);
        assert_eq!(all["requests"].as_array().unwrap().len(), KEPT);
        assert_eq!(all["requests"][0]["seq"], 4);
    }

    #[test]
    fn text_is_kept_whole_cut_on_a_character_or_not_at_all() {
        let whole = Head::of(b"channel=C1&text=h%C3%A9");
        assert_eq!(whole.text(), Some("channel=C1&text=h%C3%A9"));
        assert!(!whole.truncated);
        // 'é' is two bytes: a cut between them keeps the text before it.
        let mut long = "a".repeat(TEXT_KEPT - 1);
        long.push('é');
        let cut = Head::of(long.as_bytes());
        assert_eq!(cut.text(), Some(&long[..TEXT_KEPT - 1]));
        assert!(cut.truncated);
        let binary = Head::of(&[0xff, 0xfe, 0x00, 0x81, 0x82]);
        assert_eq!(binary.text(), None);
    }

    #[test]
    fn credentials_show_only_which_token() {
        assert_eq!(
            shortened("Bearer xoxb-123456789012-secret"),
            "Bearer xoxb-1234567…"
        );
        assert_eq!(shortened("short"), "short");
        let mut headers = HeaderMap::new();
        headers.insert(
            "authorization",
            "Basic c2tfdGVzdF9hYmNkZWY6".parse().unwrap(),
        );
        headers.insert("content-type", "application/json".parse().unwrap());
        let sent = Sent {
            at_ms: 0,
            started: Instant::now(),
            method: Method::POST,
            head: head(&"/v1/customers?expand=x".parse().unwrap(), &headers),
            body: SentBody::Read(None),
        };
        assert_eq!(sent.target(), ("/v1/customers", Some("expand=x")));
        let shown = sent.headers();
        assert_eq!(shown["authorization"], "Basic c2tfdGVzdF9h…");
        assert_eq!(shown["content-type"], "application/json");
    }
}
