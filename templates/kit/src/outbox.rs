//! A durable webhook outbox: deliveries are rows of `asym_outbox`, written in the same
//! transaction as the change they announce, sent by one worker per backend, signed with the
//! product's scheme at send time, retried with back-off, and resumed when the backend
//! restarts (nothing is held in process memory).
//!
//! A handler enqueues inside its transaction, commits, then wakes the worker:
//!
//! ```no_run
//! # async fn handler(kit: asym_kit::Kit) -> Result<(), Box<dyn std::error::Error>> {
//! use asym_kit::outbox::{self, Delivery, Signer};
//! let mut client = kit.db().await?;
//! let tx = client.transaction().await?;
//! // … the product's own writes …
//! outbox::enqueue(&tx, &Delivery::new("hook:1", "push", "http://127.0.0.1:9000/hook", Signer::GitHub, "s3cret", "{}")
//!     .header("X-GitHub-Event", "push")).await?;
//! tx.commit().await?;
//! kit.wake_outbox();
//! # Ok(()) }
//! ```
//!
//! A worker claims due rows (`FOR UPDATE SKIP LOCKED`, autocommit: no transaction stays open
//! while a receiver answers), sends them (one request at a time per URL, in order), and
//! records the outcome. An answer in 2xx is delivered; anything else is retried after 1 s,
//! 2 s, 4 s, … (at most 60 s), or after a product's own delays, until `max_attempts`. A
//! product's retries may carry their number and cause (Slack's `X-Slack-Retry-Num`), and its
//! receivers may stop them (`X-Slack-No-Retry: 1`). A reset that empties the table stops
//! pending retries; a restarted backend sends everything still pending at once.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use deadpool_postgres::GenericClient;
use serde::Serialize;
use serde_json::Value;

use asym_contract::wire::OUTBOX_PATH;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing;
use serde_json::json;

use crate::cursor::base64;
use crate::errors::{admin_error, error_chain};
use crate::journal::MAX_WAIT_MS;
use crate::kit::{BackendError, Kit};
use crate::token::hmac_sha256;

/// How long one delivery attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait between two attempts of one delivery.
const MAX_BACKOFF_SECS: i32 = 60;
/// Most deliveries one pass of the worker claims.
const BATCH: i64 = 32;
/// Longest the idle worker sleeps before looking again (it is woken on every enqueue).
const IDLE_POLL: Duration = Duration::from_secs(2);
/// How long a claimed row stays invisible to other passes while its attempt runs.
const CLAIM_SECS: f64 = 30.0;

/// How a product signs its webhook requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Signer {
    /// Unsigned.
    None,
    /// Slack: `X-Slack-Request-Timestamp: <unix>`,
    /// `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<unix>:<body>">`.
    Slack,
    /// Stripe: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<unix>.<body>">`.
    Stripe,
    /// GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`.
    GitHub,
    /// Linear: `Linear-Signature: <hex HMAC-SHA256 of the body>`.
    Linear,
    /// Notion: `X-Notion-Signature: sha256=<hex HMAC-SHA256 of the body>`, keyed by the
    /// subscription's verification token.
    Notion,
    /// HubSpot v3: `X-HubSpot-Request-Timestamp: <unix ms>`, `X-HubSpot-Signature-v3:
    /// <base64 HMAC-SHA256 of "<METHOD><url><body><timestamp>">` keyed by the app secret.
    HubSpotV3,
}

impl Signer {
    /// Every signer, for parsing.
    const ALL: [Self; 7] = [
        Self::None,
        Self::Slack,
        Self::Stripe,
        Self::GitHub,
        Self::Linear,
        Self::Notion,
        Self::HubSpotV3,
    ];

    /// The name stored in `asym_outbox.signer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Slack => "slack",
            Self::Stripe => "stripe",
            Self::GitHub => "github",
            Self::Linear => "linear",
            Self::Notion => "notion",
            Self::HubSpotV3 => "hubspot-v3",
        }
    }

    /// The signer stored as `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|signer| signer.as_str() == name)
    }

    /// The headers a retry carries: Slack numbers its retries from 1 and says why the attempt
    /// before failed (`http_error`, `http_timeout`, `connection_failed`).
    fn retry_headers(self, retry: i32, previous: &Failure) -> Vec<(&'static str, String)> {
        match self {
            Self::Slack if retry > 0 => vec![
                ("X-Slack-Retry-Num", retry.to_string()),
                ("X-Slack-Retry-Reason", previous.slack_reason().to_owned()),
            ],
            _ => Vec::new(),
        }
    }

    /// Whether an answer asks for no retry (Slack: `X-Slack-No-Retry: 1`).
    fn refuses_retries(self, answer: &reqwest::header::HeaderMap) -> bool {
        self == Self::Slack
            && answer
                .get("x-slack-no-retry")
                .is_some_and(|value| value.as_bytes() == b"1")
    }

    /// The headers that sign a `POST` of `body` to `url` with `secret` at `now`.
    pub fn headers(
        self,
        secret: &str,
        url: &str,
        body: &str,
        now: SystemTime,
    ) -> Vec<(&'static str, String)> {
        let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default();
        let unix = since_epoch.as_secs();
        let mac = |message: &[u8]| hmac_sha256(secret.as_bytes(), message);
        match self {
            Self::None => Vec::new(),
            Self::Slack => {
                let base = format!("v0:{unix}:{body}");
                vec![
                    ("X-Slack-Request-Timestamp", unix.to_string()),
                    (
                        "X-Slack-Signature",
                        format!("v0={}", hex::encode(mac(base.as_bytes()))),
                    ),
                ]
            }
            Self::Stripe => {
                let base = format!("{unix}.{body}");
                vec![(
                    "Stripe-Signature",
                    format!("t={unix},v1={}", hex::encode(mac(base.as_bytes()))),
                )]
            }
            Self::GitHub => vec![(
                "X-Hub-Signature-256",
                format!("sha256={}", hex::encode(mac(body.as_bytes()))),
            )],
            Self::Linear => vec![("Linear-Signature", hex::encode(mac(body.as_bytes())))],
            Self::Notion => vec![(
                "X-Notion-Signature",
                format!("sha256={}", hex::encode(mac(body.as_bytes()))),
            )],
            Self::HubSpotV3 => {
                let millis = since_epoch.as_millis().to_string();
                let base = format!("POST{url}{body}{millis}");
                vec![
                    ("X-HubSpot-Request-Timestamp", millis),
                    ("X-HubSpot-Signature-v3", base64(&mac(base.as_bytes()))),
                ]
            }
        }
    }
}

/// A delivery to enqueue.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// What it belongs to, for listing (`hook:12`, `endpoint:we_…`, `subscription`).
    pub topic: String,
    /// The event type (`push`, `invoice.paid`, …).
    pub event: String,
    /// Where it is POSTed.
    pub url: String,
    /// How it is signed.
    pub signer: Signer,
    /// The signing secret.
    pub secret: String,
    /// Further headers (`X-GitHub-Event`, `Linear-Delivery`, …); `Content-Type` is
    /// `application/json` unless given here.
    pub headers: Vec<(String, String)>,
    /// The exact body.
    pub body: String,
    /// Attempts before it is given up (default 8).
    pub max_attempts: i32,
    /// The wait before each retry in ms, one retry per entry (default: doubling from 1 s).
    pub retry_delays_ms: Option<Vec<i32>>,
    /// How long one attempt may take (default 10 s).
    pub timeout: Option<Duration>,
}

impl Delivery {
    /// A delivery of `body` to `url`, signed by `signer` with `secret`.
    pub fn new(
        topic: impl Into<String>,
        event: impl Into<String>,
        url: impl Into<String>,
        signer: Signer,
        secret: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        Self {
            topic: topic.into(),
            event: event.into(),
            url: url.into(),
            signer,
            secret: secret.into(),
            headers: Vec::new(),
            body: body.into(),
            max_attempts: 8,
            retry_delays_ms: None,
            timeout: None,
        }
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets how many attempts are made before giving up.
    #[must_use]
    pub fn max_attempts(mut self, attempts: i32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Retries once after each of `delays` (ms, in order), then gives up.
    #[must_use]
    pub fn retry_delays_ms(mut self, delays: Vec<i32>) -> Self {
        self.max_attempts = i32::try_from(delays.len()).map_or(i32::MAX, |n| n.saturating_add(1));
        self.retry_delays_ms = Some(delays);
        self
    }

    /// Sets how long one attempt may take.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// Stores `delivery` through `client` (the caller's transaction) and returns its id. Call
/// [`Kit::wake_outbox`] after committing.
///
/// # Errors
///
/// The statement's error.
pub async fn enqueue(
    client: &impl GenericClient,
    delivery: &Delivery,
) -> Result<i64, tokio_postgres::Error> {
    let headers = Value::Array(
        delivery
            .headers
            .iter()
            .map(|(name, value)| serde_json::json!([name, value]))
            .collect(),
    )
    .to_string();
    let timeout_ms = delivery
        .timeout
        .map(|timeout| i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX));
    let row = client
        .query_one(
            "INSERT INTO asym_outbox (topic, event, url, signer, secret, headers, body, max_attempts,
                                      retry_delays_ms, timeout_ms)
             VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8, $9, $10) RETURNING id",
            &[
                &delivery.topic,
                &delivery.event,
                &delivery.url,
                &delivery.signer.as_str(),
                &delivery.secret,
                &headers,
                &delivery.body,
                &delivery.max_attempts,
                &delivery.retry_delays_ms,
                &timeout_ms,
            ],
        )
        .await?;
    Ok(row.get(0))
}

/// One delivery as recorded, for the admin surface and products' delivery APIs: the
/// contract's type, which the engine reads back.
pub use asym_contract::webhook::Webhook as Record;

const RECORD_COLUMNS: &str = "id, topic, event, url, body, headers::text, attempts, max_attempts,
    delivered_at IS NOT NULL, last_status, last_error, duration_ms, redelivery_of,
    to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
    to_char(last_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

fn record(row: &tokio_postgres::Row) -> Record {
    let headers: Value = serde_json::from_str(row.get(5)).unwrap_or(Value::Null);
    let headers = headers
        .as_array()
        .map(|pairs| {
            pairs
                .iter()
                .filter_map(|pair| {
                    let name = pair.get(0)?.as_str()?;
                    let value = pair.get(1)?.as_str()?;
                    Some((name.to_owned(), value.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default();
    Record {
        id: row.get(0),
        topic: row.get(1),
        event: row.get(2),
        url: row.get(3),
        body: row.get(4),
        headers,
        attempts: row.get(6),
        max_attempts: row.get(7),
        delivered: row.get(8),
        last_status: row.get(9),
        last_error: row.get(10),
        duration_ms: row.get(11),
        redelivery_of: row.get(12),
        created_at: row.get(13),
        last_attempt_at: row.get(14),
    }
}

/// Deliveries, newest first: of `topic` when given, at most `limit`.
///
/// # Errors
///
/// The statement's error.
pub async fn list(
    client: &impl GenericClient,
    topic: Option<&str>,
    limit: i64,
) -> Result<Vec<Record>, tokio_postgres::Error> {
    let which = Selection {
        topic,
        ..Selection::default()
    };
    select(client, &which, limit).await
}

/// Which deliveries a listing shows.
#[derive(Debug, Default)]
struct Selection<'a> {
    topic: Option<&'a str>,
    event: Option<&'a str>,
    /// Only those enqueued after this id.
    after: i64,
}

/// The deliveries `which` names, newest first, at most `limit`.
async fn select(
    client: &impl GenericClient,
    which: &Selection<'_>,
    limit: i64,
) -> Result<Vec<Record>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT {RECORD_COLUMNS} FROM asym_outbox
         WHERE ($1::text IS NULL OR topic = $1) AND ($2::text IS NULL OR event = $2) AND id > $3
         ORDER BY id DESC LIMIT $4"
    );
    let params: [&(dyn tokio_postgres::types::ToSql + Sync); 4] =
        [&which.topic, &which.event, &which.after, &limit];
    let rows = client.query(&sql, &params).await?;
    Ok(rows.iter().map(record).collect())
}

/// One delivery by id.
///
/// # Errors
///
/// The statement's error.
pub async fn get(
    client: &impl GenericClient,
    id: i64,
) -> Result<Option<Record>, tokio_postgres::Error> {
    let sql = format!("SELECT {RECORD_COLUMNS} FROM asym_outbox WHERE id = $1");
    Ok(client.query_opt(&sql, &[&id]).await?.as_ref().map(record))
}

/// Enqueues a fresh copy of delivery `id` (same URL, headers, body; signed anew at send
/// time) and returns the new id, or `None` when `id` does not exist. Call
/// [`Kit::wake_outbox`] after committing.
///
/// # Errors
///
/// The statement's error.
pub async fn redeliver(
    client: &impl GenericClient,
    id: i64,
) -> Result<Option<i64>, tokio_postgres::Error> {
    let row = client
        .query_opt(
            "INSERT INTO asym_outbox (topic, event, url, signer, secret, headers, body, max_attempts,
                                      retry_delays_ms, timeout_ms, redelivery_of)
             SELECT topic, event, url, signer, secret, headers, body, max_attempts,
                    retry_delays_ms, timeout_ms, id
             FROM asym_outbox WHERE id = $1 RETURNING id",
            &[&id],
        )
        .await?;
    Ok(row.map(|row| row.get(0)))
}

/// `GET /api/admin/outbox` and `POST /api/admin/outbox/{id}/redeliver`.
///
/// The listing takes `?topic=`, `?event=`, `?after=` (an id: only later deliveries) and
/// `?limit=` (up to 1,000, default 100), newest first; with `?waitMs=` (at most
/// [`MAX_WAIT_MS`]) it answers once one of them has been tried (its receiver answered, or
/// the attempt failed), or when the time is up: what a test waiting for a webhook asks.
pub(crate) fn admin_routes() -> Router<Kit> {
    Router::new()
        .route(OUTBOX_PATH, routing::get(outbox_list))
        .route(
            &format!("{OUTBOX_PATH}/{{id}}/redeliver"),
            routing::post(outbox_redeliver),
        )
}

async fn outbox_list(
    State(kit): State<Kit>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    let pairs = crate::form::parse(query.unwrap_or_default().as_bytes());
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    // A bad number is refused by name, with the range it must be in.
    let number =
        |name: &'static str, range: std::ops::RangeInclusive<i64>, default: i64| match param(name)
            .map(str::parse::<i64>)
        {
            None => Ok(default),
            Some(Ok(n)) if range.contains(&n) => Ok(n),
            Some(_) => Err((name, range)),
        };
    let max_wait = i64::try_from(MAX_WAIT_MS).unwrap_or(i64::MAX);
    let (limit, after, wait_ms) = match (
        number("limit", 1..=1000, 100),
        number("after", 0..=i64::MAX, 0),
        number("waitMs", 0..=max_wait, 0),
    ) {
        (Ok(limit), Ok(after), Ok(wait_ms)) => (limit, after, wait_ms),
        (Err((name, range)), _, _) | (_, Err((name, range)), _) | (_, _, Err((name, range))) => {
            return admin_error(
                StatusCode::BAD_REQUEST,
                &format!("invalid_{name}"),
                &format!(
                    "{name} must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            );
        }
    };
    let which = Selection {
        topic: param("topic"),
        event: param("event"),
        after,
    };
    let deadline = tokio::time::Instant::now() + Duration::from_millis(wait_ms.unsigned_abs());
    loop {
        // Registered before looking, so that an attempt recorded in between still wakes it.
        let tried = kit.outbox_tried().notified();
        tokio::pin!(tried);
        tried.as_mut().enable();
        kit.outbox_settled().await;
        let listed = on_db(&kit, async |client| select(client, &which, limit).await).await;
        let deliveries = match listed {
            Ok(deliveries) => deliveries,
            Err(err) => return unavailable(&err),
        };
        let answered = wait_ms == 0 || deliveries.iter().any(Record::tried);
        if answered || tokio::time::Instant::now() >= deadline {
            return axum::Json(json!({ "deliveries": deliveries })).into_response();
        }
        // Woken or timed out, it looks once more (and answers then, past the deadline).
        let _ = tokio::time::timeout_at(deadline, tried).await;
    }
}

async fn outbox_redeliver(
    State(kit): State<Kit>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return admin_error(
            StatusCode::NOT_FOUND,
            "delivery_not_found",
            "no such delivery",
        );
    };
    match on_db(&kit, async |client| redeliver(client, id).await).await {
        Ok(Some(new_id)) => {
            kit.wake_outbox();
            (StatusCode::ACCEPTED, axum::Json(json!({ "id": new_id }))).into_response()
        }
        Ok(None) => admin_error(
            StatusCode::NOT_FOUND,
            "delivery_not_found",
            "no such delivery",
        ),
        Err(err) => unavailable(&err),
    }
}

/// Runs `query` on a pooled connection; either failure as a [`BackendError`].
async fn on_db<T>(
    kit: &Kit,
    query: impl AsyncFnOnce(&deadpool_postgres::Object) -> Result<T, tokio_postgres::Error>,
) -> Result<T, BackendError> {
    let client = kit.db().await?;
    Ok(query(&client).await?)
}

fn unavailable(err: &BackendError) -> Response {
    admin_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "internal_error",
        &error_chain(err),
    )
}

/// A claimed delivery.
struct Due {
    id: i64,
    url: String,
    signer: String,
    secret: String,
    headers: Value,
    body: String,
    /// Attempts made, this one included.
    attempts: i32,
    retry_delays_ms: Option<Vec<i32>>,
    timeout_ms: Option<i32>,
    /// How the attempt before this one ended.
    previous: Failure,
}

impl Due {
    /// The wait before the next attempt, after this one failed.
    fn backoff_secs(&self) -> f64 {
        let index = usize::try_from(self.attempts - 1).unwrap_or_default();
        match &self.retry_delays_ms {
            Some(delays) => f64::from(delays.get(index).copied().unwrap_or(0).max(0)) / 1000.0,
            None => f64::from((1i32 << (self.attempts - 1).clamp(0, 6)).min(MAX_BACKOFF_SECS)),
        }
    }
}

/// How an attempt failed, as recorded: an answer's status, or the error before one.
struct Failure {
    status: Option<i32>,
    error: Option<String>,
}

impl Failure {
    /// Slack's `X-Slack-Retry-Reason` for it.
    fn slack_reason(&self) -> &'static str {
        match (self.status, self.error.as_deref()) {
            (None, Some(TIMED_OUT)) => "http_timeout",
            (None, _) => "connection_failed",
            (Some(_), _) => "http_error",
        }
    }
}

/// The worker: runs for the life of the backend.
pub(crate) async fn worker(kit: Kit) {
    // A restart is a natural moment to retry: everything pending is due now.
    let mut resumed = false;
    loop {
        if !resumed {
            resumed = resume(&kit).await.is_ok();
        }
        let wait = match pass(&kit).await {
            Ok(wait) => wait,
            Err(_) => Duration::from_secs(1),
        };
        tokio::select! {
            () = kit.outbox_notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

async fn resume(kit: &Kit) -> Result<(), BackendError> {
    // Only written when something is pending: a statement that touches no row still marks
    // the table written for the next reset.
    if next_due(kit).await?.is_some() {
        let client = kit.db().await?;
        client
            .execute(
                "UPDATE asym_outbox SET next_attempt_at = now()
                 WHERE delivered_at IS NULL AND attempts < max_attempts AND next_attempt_at > now()",
                &[],
            )
            .await?;
    }
    Ok(())
}

/// Seconds until the next pending delivery falls due (negative: overdue), if any.
async fn next_due(kit: &Kit) -> Result<Option<f64>, BackendError> {
    let client = kit.db().await?;
    let statement = client
        .prepare_cached(
            "SELECT extract(epoch FROM min(next_attempt_at) - now())::float8 FROM asym_outbox
             WHERE delivered_at IS NULL AND attempts < max_attempts",
        )
        .await?;
    Ok(client.query_one(&statement, &[]).await?.get(0))
}

/// Sends everything due; returns how long to sleep before the next one falls due. Reads
/// first and claims only when something is due, so an idle clone's outbox is never written.
async fn pass(kit: &Kit) -> Result<Duration, BackendError> {
    loop {
        if !next_due(kit).await?.is_some_and(|secs| secs <= 0.0) {
            break;
        }
        let _sending = kit.outbox_sending().await;
        let due = claim(kit).await?;
        if due.is_empty() {
            break;
        }
        let mut by_url: BTreeMap<String, Vec<Due>> = BTreeMap::new();
        for delivery in due {
            by_url
                .entry(delivery.url.clone())
                .or_default()
                .push(delivery);
        }
        let sends = by_url.into_values().map(|deliveries| {
            let kit = kit.clone();
            async move {
                for delivery in deliveries {
                    send(&kit, delivery).await;
                }
            }
        });
        futures_util::future::join_all(sends).await;
    }
    Ok(match next_due(kit).await? {
        Some(secs) if secs <= 0.0 => Duration::from_millis(10),
        Some(secs) => Duration::from_secs_f64(secs).min(IDLE_POLL),
        None => IDLE_POLL,
    })
}

async fn claim(kit: &Kit) -> Result<Vec<Due>, BackendError> {
    let client = kit.db().await?;
    let statement = client
        .prepare_cached(
            "UPDATE asym_outbox SET attempts = attempts + 1,
                    next_attempt_at = now() + make_interval(secs => $2)
             WHERE id IN (SELECT id FROM asym_outbox
                          WHERE delivered_at IS NULL AND attempts < max_attempts
                            AND next_attempt_at <= now()
                          ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
             RETURNING id, url, signer, secret, headers::text, body, attempts, retry_delays_ms,
                       timeout_ms, last_status, last_error",
        )
        .await?;
    let rows = client.query(&statement, &[&BATCH, &CLAIM_SECS]).await?;
    let mut due: Vec<Due> = rows
        .iter()
        .map(|row| Due {
            id: row.get(0),
            url: row.get(1),
            signer: row.get(2),
            secret: row.get(3),
            headers: serde_json::from_str(row.get(4)).unwrap_or(Value::Null),
            body: row.get(5),
            attempts: row.get(6),
            retry_delays_ms: row.get(7),
            timeout_ms: row.get(8),
            previous: Failure {
                status: row.get(9),
                error: row.get(10),
            },
        })
        .collect();
    due.sort_by_key(|d| d.id);
    Ok(due)
}

async fn send(kit: &Kit, delivery: Due) {
    let signer = Signer::parse(&delivery.signer).unwrap_or(Signer::None);
    let timeout = delivery
        .timeout_ms
        .and_then(|ms| u64::try_from(ms).ok())
        .map_or(ATTEMPT_TIMEOUT, Duration::from_millis);
    let mut request = kit
        .http()
        .post(&delivery.url)
        .timeout(timeout)
        .body(delivery.body.clone());
    let (mut has_content_type, mut has_user_agent) = (false, false);
    for pair in delivery.headers.as_array().into_iter().flatten() {
        if let (Some(name), Some(value)) = (
            pair.get(0).and_then(Value::as_str),
            pair.get(1).and_then(Value::as_str),
        ) {
            has_content_type |= name.eq_ignore_ascii_case("content-type");
            has_user_agent |= name.eq_ignore_ascii_case("user-agent");
            request = request.header(name, value);
        }
    }
    if !has_content_type {
        request = request.header("Content-Type", "application/json");
    }
    if !has_user_agent {
        request = request.header("User-Agent", "asym-clone-webhooks/1");
    }
    let signature = signer.headers(
        &delivery.secret,
        &delivery.url,
        &delivery.body,
        SystemTime::now(),
    );
    let retry = signer.retry_headers(delivery.attempts - 1, &delivery.previous);
    for (name, value) in signature.into_iter().chain(retry) {
        request = request.header(name, value);
    }
    let started = Instant::now();
    let outcome = request.send().await;
    let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
    let (status, error, give_up) = match outcome {
        Ok(response) => {
            let status = response.status();
            let error = (!status.is_success()).then(|| format!("receiver answered {status}"));
            let give_up = error.is_some() && signer.refuses_retries(response.headers());
            (Some(i32::from(status.as_u16())), error, give_up)
        }
        Err(err) => (None, Some(failure_reason(&err).to_owned()), false),
    };
    let backoff = delivery.backoff_secs();
    let Ok(client) = kit.db().await else {
        return;
    };
    // Conditioned on the attempt count: if a reset emptied the table meanwhile, or a
    // redelivery replaced the row, nothing is written.
    let _ = client
        .execute(
            "UPDATE asym_outbox SET last_status = $3, last_error = $4, duration_ms = $5,
                    last_attempt_at = now(),
                    delivered_at = CASE WHEN $4::text IS NULL THEN now() END,
                    next_attempt_at = now() + make_interval(secs => $6),
                    max_attempts = CASE WHEN $7 THEN attempts ELSE max_attempts END
             WHERE id = $1 AND attempts = $2",
            &[
                &delivery.id,
                &delivery.attempts,
                &status,
                &error,
                &duration_ms,
                &backoff,
                &give_up,
            ],
        )
        .await;
    kit.outbox_tried().notify_waiters();
}

/// What an attempt that timed out records as its error.
const TIMED_OUT: &str = "timed out";

fn failure_reason(err: &reqwest::Error) -> &'static str {
    if err.is_timeout() {
        TIMED_OUT
    } else if err.is_connect() {
        "connection refused"
    } else {
        "request failed"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(unix: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(unix)
    }

    #[test]
    fn slack_signature_matches_slacks_documented_example() {
        // https://api.slack.com/authentication/verifying-requests-from-slack
        let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        let headers = Signer::Slack.headers(
            "8f742231b10e8888abcd99yyyzzz85a5",
            "",
            body,
            at(1_531_420_618),
        );
        assert_eq!(
            headers[1],
            (
                "X-Slack-Signature",
                "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503".to_owned()
            )
        );
    }

    #[test]
    fn github_signature_matches_githubs_documented_example() {
        // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
        let headers =
            Signer::GitHub.headers("It's a Secret to Everybody", "", "Hello, World!", at(0));
        assert_eq!(
            headers,
            vec![(
                "X-Hub-Signature-256",
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn stripe_and_hubspot_sign_timestamp_and_body() {
        let stripe = Signer::Stripe.headers("whsec_x", "", "{}", at(1_700_000_000));
        let expected = hex::encode(hmac_sha256(b"whsec_x", b"1700000000.{}"));
        assert_eq!(stripe[0].1, format!("t=1700000000,v1={expected}"));

        let url = "http://127.0.0.1:9/hook";
        let hubspot = Signer::HubSpotV3.headers("secret", url, "[]", at(1_700_000_000));
        assert_eq!(
            hubspot[0],
            ("X-HubSpot-Request-Timestamp", "1700000000000".to_owned())
        );
        let expected = base64(&hmac_sha256(
            b"secret",
            b"POSThttp://127.0.0.1:9/hook[]1700000000000",
        ));
        assert_eq!(hubspot[1].1, expected);
    }

    #[test]
    fn signers_round_trip_their_names() {
        for signer in Signer::ALL {
            assert_eq!(Signer::parse(signer.as_str()), Some(signer));
        }
        assert_eq!(Signer::parse("sha1"), None);
    }

    fn due(attempts: i32, delays: Option<Vec<i32>>, status: Option<i32>, error: &str) -> Due {
        Due {
            id: 1,
            url: String::new(),
            signer: "slack".to_owned(),
            secret: String::new(),
            headers: Value::Null,
            body: String::new(),
            attempts,
            retry_delays_ms: delays,
            timeout_ms: None,
            previous: Failure {
                status,
                error: Some(error.to_owned()),
            },
        }
    }

    #[test]
    fn slack_retries_carry_their_number_and_the_cause_before() {
        let first = due(1, None, None, "");
        assert!(Signer::Slack.retry_headers(0, &first.previous).is_empty());
        let cases = [
            (Some(500), "receiver answered 500", "http_error"),
            (None, TIMED_OUT, "http_timeout"),
            (None, "connection refused", "connection_failed"),
        ];
        for (status, error, reason) in cases {
            let retry = due(3, None, status, error);
            assert_eq!(
                Signer::Slack.retry_headers(2, &retry.previous),
                [
                    ("X-Slack-Retry-Num", "2".to_owned()),
                    ("X-Slack-Retry-Reason", reason.to_owned())
                ]
            );
            assert!(Signer::GitHub.retry_headers(2, &retry.previous).is_empty());
        }
    }

    #[test]
    fn retries_wait_the_products_delays_or_double() {
        let slack = |attempts| due(attempts, Some(vec![0, 60_000, 300_000]), None, "");
        assert!((slack(1).backoff_secs() - 0.0).abs() < f64::EPSILON);
        assert!((slack(2).backoff_secs() - 60.0).abs() < f64::EPSILON);
        assert!((slack(3).backoff_secs() - 300.0).abs() < f64::EPSILON);
        let doubling = |attempts| due(attempts, None, None, "").backoff_secs();
        assert_eq!([doubling(1), doubling(2), doubling(3)], [1.0, 2.0, 4.0]);
        assert!((doubling(9) - 60.0).abs() < f64::EPSILON);
        let delivery =
            Delivery::new("t", "e", "u", Signer::Slack, "s", "{}").retry_delays_ms(vec![50, 50]);
        assert_eq!(delivery.max_attempts, 3);
    }

    #[test]
    fn only_slack_answers_stop_retries() {
        let mut answer = reqwest::header::HeaderMap::new();
        answer.insert("x-slack-no-retry", "1".parse().unwrap());
        assert!(Signer::Slack.refuses_retries(&answer));
        assert!(!Signer::GitHub.refuses_retries(&answer));
        assert!(!Signer::Slack.refuses_retries(&reqwest::header::HeaderMap::new()));
    }
}
