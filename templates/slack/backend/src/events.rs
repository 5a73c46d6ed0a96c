//! The Events API: a subscription (the app's Request URL, set through the admin surface,
//! verified with Slack's signed `url_verification` challenge) and its deliveries.
//!
//! Events are queued in the kit's outbox in the same transaction as the change they
//! describe (see [`crate::model::event`]), only while a subscription exists, and — for
//! channel events — only for conversations the app's bot is a member of (what a bot
//! subscribed to `message.channels` etc. receives). The outbox posts each as an
//! `event_callback` signed with the app's signing secret and retries failures the way Slack
//! does (`X-Slack-Retry-Num`, `X-Slack-Retry-Reason`; `X-Slack-No-Retry: 1` in an answer
//! stops retries), on the subscription's delays.
//!
//! Also here: `apps.event.authorizations.list`, and the background worker that posts
//! scheduled messages and reminders when due.

use std::time::Duration;

use asym_kit::outbox;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::admin::{AdminResult, delivery_schedule, invalid, json_body};
use crate::error::{ApiError, ApiResult, reply};
use crate::model::event::{TOPIC, app_identity, context_team};
use crate::model::interaction::post_signed;
use crate::model::socket::require_app_token;
use crate::{AppState, Call};

/// The Events API's admin routes: the app's subscription and its deliveries.
pub(crate) fn admin_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/admin/events",
            get(get_subscription).post(subscribe).delete(unsubscribe),
        )
        .route("/api/admin/events/deliveries", get(deliveries))
}

/// How often the worker looks for due scheduled messages and reminders.
const POLL: Duration = Duration::from_millis(250);

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
    let (delays, timeout_ms) = delivery_schedule(request.retry_delays_ms, request.timeout_ms)?;
    let events = &request.events;
    // No pooled connection is held while the URL answers (it may call the clone first).
    let app = app_identity(&state.kit.db().await?).await?;
    let challenge = asym_kit::token::random_alnum(48);
    let body = json!({
        "token": app.verification_token,
        "challenge": challenge,
        "type": "url_verification",
    })
    .to_string();
    let timeout = Duration::from_millis(u64::try_from(timeout_ms).unwrap_or(3000));
    let json = "application/json";
    let outcome = post_signed(&state, &app.signing_secret, url, json, &body, timeout).await;
    let verified = match &outcome {
        Ok(answer) => answer.acknowledged() && answers_challenge(&answer.body, &challenge),
        Err(_) => false,
    };
    if !verified {
        let detail = match outcome {
            Ok(answer) => format!(
                "the URL answered HTTP {} with {:?}, not the challenge",
                answer.status.as_u16(),
                answer.body.chars().take(200).collect::<String>()
            ),
            Err(reason) => format!("the URL could not be reached ({reason})"),
        };
        let refused = ApiError::status(StatusCode::BAD_REQUEST, "url_verification_failed");
        return Err(refused.with("message", detail).into());
    }
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    tx.execute(DROP_QUEUE, &[&TOPIC]).await?;
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

/// Drops the events still queued for an earlier subscription.
const DROP_QUEUE: &str = "DELETE FROM asym_outbox WHERE topic = $1";

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
    tx.execute(DROP_QUEUE, &[&TOPIC]).await?;
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
/// first. Answers once the outbox's attempts in progress are recorded, so an event the
/// receiver has answered is listed with that answer.
pub(crate) async fn deliveries(State(state): State<AppState>) -> AdminResult {
    state.kit.outbox_settled().await;
    let client = state.kit.db().await?;
    let records = outbox::list(&client, Some(TOPIC), i64::MAX).await?;
    let items: Vec<Value> = records
        .iter()
        .rev()
        .map(|record| {
            let envelope: Value = serde_json::from_str(&record.body).unwrap_or(Value::Null);
            let status = if record.delivered {
                "delivered"
            } else if record.attempts >= record.max_attempts {
                "failed"
            } else {
                "pending"
            };
            json!({
                "eventId": envelope["event_id"],
                "type": record.event,
                "event": envelope["event"],
                "attempts": record.attempts,
                "status": status,
                "lastStatus": record.last_status,
                "lastError": record.last_error,
            })
        })
        .collect();
    Ok(Json(json!({ "ok": true, "deliveries": items })))
}

/// How often the worker refreshes planner statistics of tables that grew.
const ANALYZE_EVERY: Duration = Duration::from_secs(1);

/// Whether a scheduled message, and whether a reminder, is due: one cheap indexed look of
/// each per tick, so an idle clone (a test pool keeps many) costs its Postgres one prepared
/// statement every [`POLL`].
const DUE_SQL: &str = "SELECT
    EXISTS (SELECT 1 FROM scheduled_messages WHERE post_at <= extract(epoch FROM now())),
    EXISTS (SELECT 1 FROM reminders WHERE next_at <= extract(epoch FROM now()))";

/// Whether a scheduled message, and whether a reminder, is due.
async fn due(state: &AppState) -> Result<(bool, bool), ApiError> {
    let client = state.kit.db().await?;
    let statement = client.prepare_cached(DUE_SQL).await?;
    let row = client.query_one(&statement, &[]).await?;
    Ok((row.get(0), row.get(1)))
}

/// The background worker: posts due scheduled messages and reminders, forever; and keeps
/// planner statistics fresh (see [`analyze_grown`]).
pub(crate) async fn worker(state: AppState) {
    let mut last_analyze = tokio::time::Instant::now();
    loop {
        if last_analyze.elapsed() >= ANALYZE_EVERY {
            last_analyze = tokio::time::Instant::now();
            let _ = analyze_grown(&state).await;
        }
        // When the look fails, try: its own errors are as harmless.
        let (messages, reminders) = due(&state).await.unwrap_or((true, true));
        if messages {
            let _ = crate::model::message::post_due_scheduled(&state).await;
        }
        if reminders {
            let _ = crate::model::reminder::post_due(&state, None).await;
        }
        tokio::time::sleep(POLL).await;
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

/// `apps.event.authorizations.list` (an app-level token holding `authorizations:read`): the
/// installations an event, named by the `event_context` of its envelope, is visible to. A
/// clone's app is installed once, by its bot, so the list is that one authorization (as the
/// envelope's `authorizations` holds it), on one page: a `cursor` is one the clone never
/// handed out (`invalid_cursor`). An `event_context` that is not one the clone's events carry,
/// or names another workspace, is `invalid_event_context`; without one, `invalid_arguments`.
pub(crate) async fn authorizations_list(state: &AppState, call: &Call) -> ApiResult {
    require_app_token(state, call, "authorizations:read").await?;
    let context = call.args.required("event_context")?;
    if call.args.non_empty("cursor").is_some() {
        return Err(ApiError::new("invalid_cursor"));
    }
    call.args.limit(100, 1000)?;
    let client = state.kit.db().await?;
    let app = app_identity(&client).await?;
    if context_team(&context).as_deref() != Some(app.team_id.as_str()) {
        return Err(ApiError::new("invalid_event_context"));
    }
    reply([
        (
            "authorizations",
            json!([{
                "enterprise_id": null,
                "team_id": app.team_id,
                "user_id": app.bot_user,
                "is_bot": true,
                "is_enterprise_install": false,
            }]),
        ),
        ("response_metadata", json!({ "next_cursor": "" })),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_read_in_every_shape() {
        assert!(answers_challenge("abc", "abc"));
        assert!(answers_challenge(r#"{"challenge":"abc"}"#, "abc"));
        assert!(answers_challenge("challenge=abc", "abc"));
        assert!(!answers_challenge(r#"{"challenge":"abd"}"#, "abc"));
        assert!(!answers_challenge("", "abc"));
    }
}
