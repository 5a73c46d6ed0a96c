//! HubSpot's API limits for private apps: every CRM answer carries the
//! `X-HubSpot-RateLimit-*` headers, counted under the clone's Redis prefix (a ten-second
//! window and a daily one). Enforcement (HTTP 429 `RATE_LIMITS`) is off by default and
//! switched on per clone through `POST /api/admin/rate-limits`; the switch lives in Redis
//! too, so a reset turns it off and clears the counters.

use std::time::{SystemTime, UNIX_EPOCH};

use asym_kit::Kit;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::request::JsonBody;

/// Requests per ten seconds (a Professional portal's private app).
const TEN_SECONDLY: i64 = 190;
/// Requests per day.
const DAILY: i64 = 625_000;
const CONFIG_KEY: &str = "ratelimit:config";

/// The limits in force.
#[derive(Debug, Clone, Copy)]
struct Limits {
    enforced: bool,
    ten_secondly: i64,
    daily: i64,
}

/// Counts the request, refuses it past a limit when enforcement is on, and adds the headers.
pub(crate) async fn layer(State(kit): State<Kit>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/crm/") {
        return next.run(request).await;
    }
    let counted = count(&kit).await;
    if let Some((limits, window, day)) = counted
        && limits.enforced
        && (window > limits.ten_secondly || day > limits.daily)
    {
        let (policy, name) = if day > limits.daily {
            ("DAILY", "daily")
        } else {
            ("TEN_SECONDLY_ROLLING", "ten_secondly_rolling")
        };
        let mut response = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITS",
            format!("You have reached your {name} limit."),
        )
        .with("errorType", json!("RATE_LIMIT"))
        .with("policyName", json!(policy))
        .into_response();
        headers(&mut response, limits, window, day);
        return response;
    }
    let mut response = next.run(request).await;
    if let Some((limits, window, day)) = counted {
        headers(&mut response, limits, window, day);
    }
    response
}

/// The limits and this request's place in the current windows; `None` when Redis fails
/// (the request is then served without the headers).
async fn count(kit: &Kit) -> Option<(Limits, i64, i64)> {
    let mut conn = kit.redis().await.ok()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    let window_key = kit.redis_key(&format!("ratelimit:10s:{}", now / 10));
    let day_key = kit.redis_key(&format!("ratelimit:day:{}", now / 86_400));
    let (config, window, day): (Vec<Option<i64>>, i64, i64) = asym_kit::redis::pipe()
        .cmd("HMGET")
        .arg(kit.redis_key(CONFIG_KEY))
        .arg("enforced")
        .arg("tenSecondly")
        .arg("daily")
        .cmd("INCR")
        .arg(&window_key)
        .cmd("EXPIRE")
        .arg(&window_key)
        .arg(20)
        .ignore()
        .cmd("INCR")
        .arg(&day_key)
        .cmd("EXPIRE")
        .arg(&day_key)
        .arg(90_000)
        .ignore()
        .query_async(&mut conn)
        .await
        .ok()?;
    let limits = Limits {
        enforced: config.first().copied().flatten() == Some(1),
        ten_secondly: config.get(1).copied().flatten().unwrap_or(TEN_SECONDLY),
        daily: config.get(2).copied().flatten().unwrap_or(DAILY),
    };
    Some((limits, window, day))
}

fn headers(response: &mut Response, limits: Limits, window: i64, day: i64) {
    let values = [
        ("x-hubspot-ratelimit-daily", limits.daily),
        (
            "x-hubspot-ratelimit-daily-remaining",
            (limits.daily - day).max(0),
        ),
        ("x-hubspot-ratelimit-interval-milliseconds", 10_000),
        ("x-hubspot-ratelimit-max", limits.ten_secondly),
        (
            "x-hubspot-ratelimit-remaining",
            (limits.ten_secondly - window).max(0),
        ),
        ("x-hubspot-ratelimit-secondly", limits.ten_secondly / 10),
        (
            "x-hubspot-ratelimit-secondly-remaining",
            (limits.ten_secondly / 10 - window / 10).max(0),
        ),
    ];
    for (name, value) in values {
        response
            .headers_mut()
            .insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
}

/// `POST /api/admin/rate-limits` `{enforced, tenSecondly?, daily?}`.
pub(crate) async fn configure(
    State(kit): State<Kit>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let enforced = body["enforced"]
        .as_bool()
        .ok_or_else(|| ApiError::validation("enforced must be true or false"))?;
    let positive = |name: &str, default: i64| -> Result<i64, ApiError> {
        match &body[name] {
            Value::Null => Ok(default),
            value => value
                .as_i64()
                .filter(|n| *n > 0)
                .ok_or_else(|| ApiError::validation(format!("{name} must be a positive integer"))),
        }
    };
    let (ten_secondly, daily) = (
        positive("tenSecondly", TEN_SECONDLY)?,
        positive("daily", DAILY)?,
    );
    let mut conn = kit.redis().await?;
    let () = asym_kit::redis::cmd("HSET")
        .arg(kit.redis_key(CONFIG_KEY))
        .arg("enforced")
        .arg(i64::from(enforced))
        .arg("tenSecondly")
        .arg(ten_secondly)
        .arg("daily")
        .arg(daily)
        .query_async(&mut conn)
        .await
        .map_err(|err| ApiError::internal(&err.into()))?;
    Ok(
        axum::Json(json!({ "enforced": enforced, "tenSecondly": ten_secondly, "daily": daily }))
            .into_response(),
    )
}
