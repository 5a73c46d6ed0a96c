//! The Events API: a subscription (the app's Request URL, set through the admin surface),
//! a delivery queue in the `event_deliveries` table, and the worker that posts each event
//! as an `event_callback` signed with the app's signing secret, retrying failures the way
//! Slack does (`X-Slack-Retry-Num`, `X-Slack-Retry-Reason`; `X-Slack-No-Retry: 1` in an
//! answer stops retries).
//!
//! Events are queued in the same transaction as the change they describe, only while a
//! subscription exists, and — for channel events — only for conversations the app's bot
//! is a member of (what a bot subscribed to `message.channels` etc. receives).

use std::time::Duration;

use asym_kit::tokio_postgres::Row;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::admin::{AdminResult, invalid, json_body};
use crate::error::ApiError;

/// The Events API's admin routes: the app's subscription and its deliveries.
pub(crate) fn admin_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/admin/events",
            get(get_subscription).post(subscribe).delete(unsubscribe),
        )
        .route("/api/admin/events/deliveries", get(deliveries))
}

/// How often the worker looks for due deliveries and scheduled messages when nothing wakes
/// it.
const POLL: Duration = Duration::from_millis(250);

/// `X-Slack-Signature` for `body` sent at `timestamp`: `v0=` + HMAC-SHA256 of
/// `v0:<timestamp>:<body>`.
pub(crate) fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let base = format!("v0:{timestamp}:{body}");
    format!(
        "v0={}",
        asym_kit::token::hmac_sha256_hex(secret.as_bytes(), base.as_bytes())
    )
}

/// What a subscription request may carry.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SubscribeBody {
    /// The Request URL.
    url: String,
    /// Subscription names (`message.channels`, `reaction_added`, …); empty means all.
    #[serde(default)]
    events: Vec<String>,
    /// Delays before retries 1, 2, 3 (default Slack's: now, 1 min, 5 min).
    #[serde(default)]
    retry_delays_ms: Option<Vec<i32>>,
    /// How long a delivery may take before it counts as `http_timeout` (default 3000).
    #[serde(default)]
    timeout_ms: Option<i32>,
}

/// `POST /api/admin/events` `{"url": "...", "events": [...], "retryDelaysMs": [...],
/// "timeoutMs": 3000}`: verifies the Request URL with a signed `url_verification`
/// challenge, as Slack does when an app's Request URL is saved, then stores the
/// subscription (replacing any earlier one and its queue).
pub(crate) async fn subscribe(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: SubscribeBody = json_body(&body)?;
    let url = request.url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(invalid("url must be an http(s) URL"));
    }
    let delays = request
        .retry_delays_ms
        .unwrap_or_else(|| vec![0, 60_000, 300_000]);
    if delays.len() > 10 || delays.iter().any(|d| *d < 0) {
        return Err(invalid("retryDelaysMs: at most 10 non-negative delays"));
    }
    let timeout_ms = request.timeout_ms.unwrap_or(3000).clamp(1, 60_000);
    let events = &request.events;
    let mut client = state.kit.db().await?;
    let app = app_identity(&client).await?;
    let challenge = asym_kit::token::random_alnum(48);
    let body = json!({
        "token": app.verification_token,
        "challenge": challenge,
        "type": "url_verification",
    })
    .to_string();
    let timeout = Duration::from_millis(u64::try_from(timeout_ms).unwrap_or(3000));
    let outcome = post_signed(&state, &app.signing_secret, url, &body, None, timeout).await;
    let verified = match &outcome {
        Ok((status, text)) if status.is_success() => answers_challenge(text, &challenge),
        _ => false,
    };
    if !verified {
        let detail = match outcome {
            Ok((status, text)) => format!(
                "the URL answered HTTP {} with {:?}, not the challenge",
                status.as_u16(),
                text.chars().take(200).collect::<String>()
            ),
            Err(reason) => format!("the URL could not be reached ({reason})"),
        };
        let refused = ApiError::status(StatusCode::BAD_REQUEST, "url_verification_failed");
        return Err(refused.with("message", detail).into());
    }
    let tx = client.transaction().await?;
    tx.execute("DELETE FROM event_deliveries", &[]).await?;
    tx.execute(
        "INSERT INTO event_subscriptions (id, request_url, event_types, retry_delays_ms,
                                          timeout_ms, created)
         VALUES (1, $1, $2, $3, $4, extract(epoch FROM now())::bigint)
         ON CONFLICT (id) DO UPDATE SET request_url = EXCLUDED.request_url,
             event_types = EXCLUDED.event_types, retry_delays_ms = EXCLUDED.retry_delays_ms,
             timeout_ms = EXCLUDED.timeout_ms, created = EXCLUDED.created",
        &[&url, events, &delays, &timeout_ms],
    )
    .await?;
    tx.commit().await?;
    Ok(Json(json!({
        "ok": true,
        "url": url,
        "events": events,
        "retryDelaysMs": delays,
        "timeoutMs": timeout_ms,
        "verified": true,
    })))
}

/// Whether a `url_verification` answer carries the challenge: as the plain body, as JSON
/// `{"challenge": …}` or as a form `challenge=…`.
fn answers_challenge(body: &str, challenge: &str) -> bool {
    let body = body.trim();
    if body == challenge {
        return true;
    }
    if let Ok(Value::Object(object)) = serde_json::from_str::<Value>(body) {
        return object.get("challenge").and_then(Value::as_str) == Some(challenge);
    }
    asym_kit::form::parse(body.as_bytes())
        .iter()
        .any(|(name, value)| name == "challenge" && value == challenge)
}

/// `DELETE /api/admin/events`: removes the subscription and drops its queue.
pub(crate) async fn unsubscribe(State(state): State<AppState>) -> AdminResult {
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    tx.execute("DELETE FROM event_deliveries", &[]).await?;
    tx.execute("DELETE FROM event_subscriptions", &[]).await?;
    tx.commit().await?;
    Ok(Json(json!({ "ok": true })))
}

/// `GET /api/admin/events`: the subscription, or `{"ok":true,"subscription":null}`.
pub(crate) async fn get_subscription(State(state): State<AppState>) -> AdminResult {
    let client = state.kit.db().await?;
    let row = client
        .query_opt(
            "SELECT request_url, event_types, retry_delays_ms, timeout_ms
             FROM event_subscriptions",
            &[],
        )
        .await?;
    let subscription = row.map_or(Value::Null, |row| {
        json!({
            "url": row.get::<_, String>(0),
            "events": row.get::<_, Vec<String>>(1),
            "retryDelaysMs": row.get::<_, Vec<i32>>(2),
            "timeoutMs": row.get::<_, i32>(3),
        })
    });
    Ok(Json(json!({ "ok": true, "subscription": subscription })))
}

/// `GET /api/admin/events/deliveries`: every queued event with its delivery state, oldest
/// first. Answers once the worker's attempts in progress are recorded, so an event the
/// receiver has answered is listed with that answer.
pub(crate) async fn deliveries(State(state): State<AppState>) -> AdminResult {
    drop(state.delivering.lock().await);
    let client = state.kit.db().await?;
    let rows = client
        .query(
            "SELECT event_id, event_type, payload, attempts, status, last_status, last_error
             FROM event_deliveries ORDER BY created, event_id",
            &[],
        )
        .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|row| {
            json!({
                "eventId": row.get::<_, String>(0),
                "type": row.get::<_, String>(1),
                "event": serde_json::from_str::<Value>(row.get(2)).unwrap_or(Value::Null),
                "attempts": row.get::<_, i32>(3),
                "status": row.get::<_, String>(4),
                "lastStatus": row.get::<_, Option<i32>>(5),
                "lastError": row.get::<_, Option<String>>(6),
            })
        })
        .collect();
    Ok(Json(json!({ "ok": true, "deliveries": items })))
}

/// The installed app, as event envelopes name it.
struct AppIdentity {
    signing_secret: String,
    verification_token: String,
    team_id: String,
    app_id: String,
    bot_user: String,
}

async fn app_identity(
    client: &asym_kit::deadpool_postgres::Object,
) -> Result<AppIdentity, ApiError> {
    let row = client
        .query_one(
            "SELECT COALESCE((SELECT value FROM settings WHERE key = 'signing_secret'), ''),
                    COALESCE((SELECT value FROM settings WHERE key = 'verification_token'), ''),
                    b.team_id, b.app_id, b.user_id
             FROM bots b WHERE NOT b.deleted ORDER BY b.id LIMIT 1",
            &[],
        )
        .await?;
    Ok(AppIdentity {
        signing_secret: row.get(0),
        verification_token: row.get(1),
        team_id: row.get(2),
        app_id: row.get(3),
        bot_user: row.get(4),
    })
}

/// Why a delivery attempt failed, in `X-Slack-Retry-Reason` spelling.
fn failure_reason(err: &reqwest::Error) -> &'static str {
    if err.is_timeout() {
        "http_timeout"
    } else {
        "connection_failed"
    }
}

/// POSTs a signed JSON body; `retry` is `(number, reason)` of a retry.
async fn post_signed(
    state: &AppState,
    secret: &str,
    url: &str,
    body: &str,
    retry: Option<(i32, &str)>,
    timeout: Duration,
) -> Result<(StatusCode, String), &'static str> {
    let timestamp = crate::ts::now_seconds();
    let mut request = state
        .http
        .post(url)
        .timeout(timeout)
        .header("content-type", "application/json")
        .header("user-agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
        .header("x-slack-request-timestamp", timestamp.to_string())
        .header("x-slack-signature", signature(secret, timestamp, body))
        .body(body.to_owned());
    if let Some((number, reason)) = retry {
        request = request
            .header("x-slack-retry-num", number.to_string())
            .header("x-slack-retry-reason", reason);
    }
    let response = request.send().await.map_err(|e| failure_reason(&e))?;
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap_or(StatusCode::OK);
    let no_retry = response
        .headers()
        .get("x-slack-no-retry")
        .is_some_and(|v| v.as_bytes() == b"1");
    let text = response.text().await.unwrap_or_default();
    if no_retry && !status.is_success() {
        return Err("no_retry");
    }
    Ok((status, text))
}

/// How often the worker refreshes planner statistics of tables that grew.
const ANALYZE_EVERY: Duration = Duration::from_secs(1);

/// Whether an event delivery, and whether a scheduled message, is due: one cheap indexed
/// look per tick, so an idle clone (a test pool keeps many) costs its Postgres one prepared
/// statement every [`POLL`].
const DUE_SQL: &str = "SELECT
    EXISTS (SELECT 1 FROM event_deliveries
            WHERE status = 'pending' AND next_attempt <= clock_timestamp()),
    EXISTS (SELECT 1 FROM scheduled_messages WHERE post_at <= extract(epoch FROM now()))";

/// `(events due, scheduled messages due)`.
async fn due(state: &AppState) -> Result<(bool, bool), ApiError> {
    let client = state.kit.db().await?;
    let statement = client.prepare_cached(DUE_SQL).await?;
    let row = client.query_one(&statement, &[]).await?;
    Ok((row.get(0), row.get(1)))
}

/// The background worker: delivers due events and posts due scheduled messages, forever;
/// and keeps planner statistics fresh (see [`analyze_grown`]).
pub(crate) async fn worker(state: AppState) {
    let mut last_analyze = tokio::time::Instant::now();
    loop {
        if last_analyze.elapsed() >= ANALYZE_EVERY {
            last_analyze = tokio::time::Instant::now();
            let _ = analyze_grown(&state).await;
        }
        // When the look fails, try both: their own errors are as harmless.
        let (events_due, scheduled_due) = due(&state).await.unwrap_or((true, true));
        let busy = events_due && {
            let _delivering = state.delivering.lock().await;
            deliver_due(&state).await.is_ok_and(|n| n > 0)
        };
        if scheduled_due {
            let _ = crate::model::message::post_due_scheduled(&state).await;
        }
        if !busy {
            tokio::select! {
                () = tokio::time::sleep(POLL) => {}
                () = state.wake.notified() => {}
            }
        }
    }
}

/// Runs `ANALYZE` on tables that changed a lot since their statistics were taken.
///
/// A channel that grows by thousands of posts between autovacuum runs (a minute apart) still
/// looks empty to the planner, which then reads whole tables where an index walk would stop
/// after a page; refreshing statistics as the clone's own tables grow keeps every query on
/// its index.
async fn analyze_grown(state: &AppState) -> Result<(), ApiError> {
    let client = state.kit.db().await?;
    let statement = client
        .prepare_cached(
            "SELECT quote_ident(relname) FROM pg_stat_user_tables
             WHERE schemaname = 'public'
               AND n_mod_since_analyze > GREATEST(500, n_live_tup / 5)",
        )
        .await?;
    let grown = client.query(&statement, &[]).await?;
    for row in &grown {
        let table: String = row.get(0);
        client
            .batch_execute(&format!("ANALYZE public.{table}"))
            .await?;
    }
    Ok(())
}

/// A delivery the worker claimed: its event, where it goes and how it is retried.
struct Due {
    event_id: String,
    /// The event, as JSON.
    payload: String,
    /// Attempts made before this one.
    attempts: i32,
    /// When the event was queued (Unix seconds): the envelope's `event_time`.
    event_time: i64,
    /// The subscription's Request URL.
    url: String,
    /// The wait before each retry, in ms: one retry per entry.
    delays: Vec<i32>,
    /// How long an answer may take, in ms.
    timeout_ms: i32,
    /// Why the previous attempt failed: the next one's `X-Slack-Retry-Reason`.
    last_reason: Option<String>,
    /// When the event was queued: deliveries go out in this order.
    created: std::time::SystemTime,
}

impl Due {
    /// Reads a row that the claim in [`deliver_due`] returns.
    fn from_row(row: &Row) -> Self {
        Self {
            event_id: row.get(0),
            payload: row.get(1),
            attempts: row.get(2),
            event_time: row.get(3),
            url: row.get(4),
            delays: row.get(5),
            timeout_ms: row.get(6),
            last_reason: row.get(7),
            created: row.get(8),
        }
    }

    /// The `event_callback` envelope Slack posts for this event on behalf of `app`.
    fn envelope(&self, app: &AppIdentity) -> String {
        let event: Value = serde_json::from_str(&self.payload).unwrap_or(Value::Null);
        let event_id = &self.event_id;
        json!({
            "token": app.verification_token,
            "team_id": app.team_id,
            "context_team_id": app.team_id,
            "context_enterprise_id": null,
            "api_app_id": app.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": self.event_time,
            "authorizations": [{
                "enterprise_id": null,
                "team_id": app.team_id,
                "user_id": app.bot_user,
                "is_bot": true,
                "is_enterprise_install": false,
            }],
            "is_ext_shared_channel": false,
            "event_context": format!("4-{}", asym_kit::cursor::encode(&format!("{}:{event_id}", app.team_id))),
        })
        .to_string()
    }
}

/// Claims and delivers up to 20 due events, in order. Returns how many were attempted.
async fn deliver_due(state: &AppState) -> Result<usize, ApiError> {
    let client = state.kit.db().await?;
    let claimed = client
        .query(
            "UPDATE event_deliveries d
             SET next_attempt = clock_timestamp() + make_interval(secs => s.timeout_ms / 1000.0 + 10)
             FROM event_subscriptions s
             WHERE d.event_id IN (
                 SELECT event_id FROM event_deliveries
                 WHERE status = 'pending' AND next_attempt <= clock_timestamp()
                 ORDER BY created, event_id LIMIT 20 FOR UPDATE SKIP LOCKED)
             RETURNING d.event_id, d.payload, d.attempts, extract(epoch FROM d.created)::bigint,
                       s.request_url, s.retry_delays_ms, s.timeout_ms, d.last_error, d.created",
            &[],
        )
        .await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    let app = app_identity(&client).await?;
    let mut due: Vec<Due> = claimed.iter().map(Due::from_row).collect();
    due.sort_by(|a, b| (a.created, &a.event_id).cmp(&(b.created, &b.event_id)));
    for delivery in &due {
        let envelope = delivery.envelope(&app);
        let attempts = delivery.attempts;
        let retry = (attempts > 0).then(|| {
            (
                attempts,
                delivery.last_reason.as_deref().unwrap_or("http_error"),
            )
        });
        let timeout = Duration::from_millis(u64::try_from(delivery.timeout_ms).unwrap_or(3000));
        let outcome = post_signed(
            state,
            &app.signing_secret,
            &delivery.url,
            &envelope,
            retry,
            timeout,
        )
        .await;
        let (delivered, last_status, reason): (bool, Option<i32>, Option<&str>) = match &outcome {
            Ok((status, _)) if status.is_success() => {
                (true, Some(i32::from(status.as_u16())), None)
            }
            Ok((status, _)) => (false, Some(i32::from(status.as_u16())), Some("http_error")),
            Err(reason) => (false, None, Some(reason)),
        };
        let attempts = attempts + 1;
        let give_up = reason == Some("no_retry")
            || usize::try_from(attempts).unwrap_or(usize::MAX) > delivery.delays.len();
        let (status, delay_ms) = if delivered {
            ("delivered", 0)
        } else if give_up {
            ("failed", 0)
        } else {
            let index = usize::try_from(attempts - 1).unwrap_or_default();
            ("pending", delivery.delays.get(index).copied().unwrap_or(0))
        };
        let reason = reason.map(|r| if r == "no_retry" { "http_error" } else { r });
        client
            .execute(
                "UPDATE event_deliveries
                 SET attempts = $2, status = $3, last_status = $4, last_error = $5,
                     next_attempt = clock_timestamp() + $6::int * interval '1 millisecond'
                 WHERE event_id = $1",
                &[
                    &delivery.event_id,
                    &attempts,
                    &status,
                    &last_status,
                    &reason,
                    &delay_ms,
                ],
            )
            .await?;
    }
    Ok(due.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_slacks_documented_example() {
        // From Slack's "Verifying requests from Slack" guide.
        let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        assert_eq!(
            signature("8f742231b10e8888abcd99yyyzzz85a5", 1_531_420_618, body),
            "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
        );
    }

    #[test]
    fn challenges_are_read_in_every_shape() {
        assert!(answers_challenge("abc", "abc"));
        assert!(answers_challenge(r#"{"challenge":"abc"}"#, "abc"));
        assert!(answers_challenge("challenge=abc", "abc"));
        assert!(!answers_challenge(r#"{"challenge":"abd"}"#, "abc"));
        assert!(!answers_challenge("", "abc"));
    }
}
