//! Linear's rate limits: requests and complexity points per credential per hour. Off by
//! default (the headers then report the full allowance); `POST /api/admin/rate-limit`
//! switches enforcement on, after which each request is counted in `rate_windows` and one
//! past the limit answers HTTP 429 with Linear's `RATELIMITED` error. `rateLimitStatus`
//! reports the same allowances as the headers.

use std::time::{SystemTime, UNIX_EPOCH};

use asym_kit::body::{self, Limits as BodyLimits};
use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::{self, Kind};
use crate::{App, Shared};

/// What the headers report for one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Whether this request is counted.
    pub(crate) enforced: bool,
    /// Requests allowed per hour.
    pub(crate) requests: i64,
    /// Requests left in this hour.
    pub(crate) remaining: i64,
    /// Complexity points allowed per hour.
    pub(crate) complexity: u64,
    /// Points left before this request.
    pub(crate) complexity_remaining: u64,
}

/// Counts the request against `credential` when enforcement is on.
///
/// # Errors
///
/// The 429 answer when the hour's allowance is spent; 500 when Postgres fails.
pub(crate) async fn admit(shared: &Shared, credential: &str) -> Result<Limits, Response> {
    let client = shared.kit.db().await.map_err(error::unavailable)?;
    let statement = client
        .prepare_cached(
            "WITH s AS (SELECT enforce_rate_limit, requests_limit, complexity_limit FROM settings),
                  counted AS (
                    INSERT INTO rate_windows (subject, window_at, requests)
                    SELECT $1, date_trunc('hour', now()), 1 FROM s WHERE s.enforce_rate_limit
                    ON CONFLICT (subject, window_at) DO UPDATE SET requests = rate_windows.requests + 1
                    RETURNING requests, complexity)
             SELECT s.enforce_rate_limit, s.requests_limit, s.complexity_limit,
                    coalesce((SELECT requests FROM counted), 0),
                    coalesce((SELECT complexity FROM counted), 0)
             FROM s",
        )
        .await
        .map_err(error::unavailable)?;
    let row = client
        .query_one(&statement, &[&credential])
        .await
        .map_err(error::unavailable)?;
    let (enforced, requests, complexity): (bool, i32, i32) = (row.get(0), row.get(1), row.get(2));
    let (used, spent): (i32, i64) = (row.get(3), row.get(4));
    let limits = Limits {
        enforced,
        requests: i64::from(requests),
        remaining: i64::from(requests - used).max(0),
        complexity: u64::try_from(complexity).unwrap_or(0),
        complexity_remaining: u64::try_from(i64::from(complexity) - spent).unwrap_or(0),
    };
    if enforced && (used > requests || spent >= i64::from(complexity)) {
        let mut response = error::response(
            Kind::Ratelimited,
            "Rate limit exceeded",
            "You have exceeded the rate limit. Please try again later.",
        );
        let headers = response.headers_mut();
        let (now, reset) = window();
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from(reset.div_ceil(1000) - now / 1000),
        );
        stamp(headers, &limits, 0);
        return Err(response);
    }
    Ok(limits)
}

/// The length of a window, in milliseconds.
const PERIOD_MS: u64 = 3_600_000;

/// `rateLimitStatus`: the allowances of this request's credential as its headers report
/// them, one `RateLimitResultPayload` each for requests (this one requests 1) and complexity
/// points (requested 0: a request's complexity is charged after it is answered), each
/// replenished at the end of the hour's window; `identifier` is the viewer's id, `kind`
/// `api` (the clone's words: Linear's values are not documented).
///
/// # Errors
///
/// Internal when the request carries no limits (it always does through `POST /graphql`).
pub(crate) async fn status(ctx: &ResolverContext<'_>) -> crate::error::Result<Value> {
    let limits = ctx
        .data_opt::<Limits>()
        .copied()
        .ok_or_else(|| error::internal("the request carries no rate limits"))?;
    let (_, viewer) = crate::args::context(ctx)?;
    let (_, reset) = window();
    let limit = |kind: &str, allowed: u64, remaining: u64, requested: u64| {
        json!({
            "type": kind, "allowedAmount": allowed, "remainingAmount": remaining,
            "requestedAmount": requested, "period": PERIOD_MS, "reset": reset,
        })
    };
    let payload = json!({
        "identifier": viewer.user_id,
        "kind": "api",
        "limits": [
            limit("requests", limits.requests.unsigned_abs(), limits.remaining.unsigned_abs(), 1),
            limit("complexity", limits.complexity, limits.complexity_remaining, 0),
        ],
    });
    Value::from_json(payload).map_err(error::internal)
}

/// Now and the end of the hour's window, in epoch milliseconds.
fn window() -> (u64, u64) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let millis = u64::try_from(now.as_millis()).unwrap_or(u64::MAX);
    (millis, (now.as_secs() / 3600 + 1) * PERIOD_MS)
}

/// Linear's headers on every answer, a refused one too (`RatelimitedLinearError` reads them
/// from the 429): the request and complexity allowances, what is left after this request of
/// `complexity` points, and when the window resets (epoch milliseconds).
pub(crate) fn stamp(headers: &mut HeaderMap, limits: &Limits, complexity: u64) {
    let (_, reset) = window();
    for (name, value) in [
        ("x-complexity", complexity),
        ("x-ratelimit-requests-limit", limits.requests.unsigned_abs()),
        (
            "x-ratelimit-requests-remaining",
            limits.remaining.unsigned_abs(),
        ),
        ("x-ratelimit-requests-reset", reset),
        ("x-ratelimit-complexity-limit", limits.complexity),
        (
            "x-ratelimit-complexity-remaining",
            limits.complexity_remaining.saturating_sub(complexity),
        ),
        ("x-ratelimit-complexity-reset", reset),
    ] {
        headers.insert(name, HeaderValue::from(value));
    }
}

/// Adds a request's complexity to `credential`'s hour (when enforcing).
pub(crate) async fn charge(shared: &Shared, limits: &Limits, credential: &str, complexity: u64) {
    if !limits.enforced {
        return;
    }
    let Ok(client) = shared.kit.db().await else {
        return;
    };
    let points = i64::try_from(complexity).unwrap_or(i64::MAX);
    let _ = client
        .execute(
            "UPDATE rate_windows SET complexity = complexity + $2
             WHERE subject = $1 AND window_at = date_trunc('hour', now())",
            &[&credential, &points],
        )
        .await;
}

/// `POST /api/admin/rate-limit` `{"enforce": bool, "requestsLimit": n, "complexityLimit": n}`:
/// answers the settings in force.
pub(crate) async fn configure(State(app): State<App>, body: Bytes) -> Response {
    let limits = BodyLimits {
        max_bytes: 4096,
        max_depth: 4,
        max_keys: 16,
    };
    let value = match body::json(&body, &limits) {
        Ok(value) if value.is_object() => value,
        _ => return admin_error("body must be a JSON object"),
    };
    let enforce = value.get("enforce").and_then(serde_json::Value::as_bool);
    let number = |key: &str| {
        value
            .get(key)
            .and_then(serde_json::Value::as_i64)
            .and_then(|n| i32::try_from(n).ok())
    };
    let (requests, complexity) = (number("requestsLimit"), number("complexityLimit"));
    if requests.is_some_and(|n| n < 1) || complexity.is_some_and(|n| n < 1) {
        return admin_error("limits must be positive");
    }
    let result = async {
        let client = app.shared.kit.db().await.map_err(|e| e.to_string())?;
        client
            .query_one(
                "WITH cleared AS (DELETE FROM rate_windows)
                 UPDATE settings SET enforce_rate_limit = coalesce($1, enforce_rate_limit),
                     requests_limit = coalesce($2, requests_limit),
                     complexity_limit = coalesce($3, complexity_limit)
                 RETURNING enforce_rate_limit, requests_limit, complexity_limit",
                &[&enforce, &requests, &complexity],
            )
            .await
            .map_err(|e| e.to_string())
    }
    .await;
    match result {
        Ok(row) => axum::Json(json!({
            "enforce": row.get::<_, bool>(0),
            "requestsLimit": row.get::<_, i32>(1),
            "complexityLimit": row.get::<_, i32>(2),
        }))
        .into_response(),
        Err(message) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"error": message})),
        )
            .into_response(),
    }
}

fn admin_error(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({ "error": "invalid_body", "message": message })),
    )
        .into_response()
}
