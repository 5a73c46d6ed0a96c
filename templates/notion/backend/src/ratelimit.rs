//! Notion's request limit (an average of three requests per second per integration, bursts
//! allowed): off by default, switched per clone through `POST /api/admin/rate-limit`. The
//! switch and the counters live under the clone's Redis prefix, so a reset turns it off.

use asym_kit::Kit;
use asym_kit::redis::{AsyncCommands, Script};
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};

/// Requests allowed per window.
const PER_WINDOW: i64 = 30;
/// The window, in seconds (30 per 10 s: three a second on average).
const WINDOW_SECS: i64 = 10;

/// Answers 429 `rate_limited` when the limit is on and `subject` is past it.
pub(crate) async fn check(kit: &Kit, subject: &str) -> ApiResult<()> {
    let mut redis = kit.redis().await?;
    let script = Script::new(
        r"if redis.call('GET', KEYS[1]) ~= '1' then return {0, 0} end
          local n = redis.call('INCR', KEYS[2])
          if n == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
          return {n, redis.call('TTL', KEYS[2])}",
    );
    let (count, ttl): (i64, i64) = script
        .key(kit.redis_key("ratelimit:on"))
        .key(kit.redis_key(&format!("ratelimit:{subject}")))
        .arg(WINDOW_SECS)
        .invoke_async(&mut redis)
        .await
        .map_err(|err| ApiError::internal(&err.to_string()))?;
    if count > PER_WINDOW {
        return Err(ApiError::rate_limited(ttl.max(1).unsigned_abs()));
    }
    Ok(())
}

/// `POST /api/admin/rate-limit` `{"enabled": bool}`: switches the limit; answers the state.
pub(crate) async fn set(State(kit): State<Kit>, body: Bytes) -> Response {
    match set_inner(&kit, &body).await {
        Ok(enabled) => axum::Json(json!({ "enabled": enabled, "per_second": 3 })).into_response(),
        Err(err) => err.into_response(),
    }
}

async fn set_inner(kit: &Kit, body: &[u8]) -> ApiResult<bool> {
    let body = crate::body::object(body)?;
    let enabled = body
        .get("enabled")
        .and_then(Value::as_bool)
        .ok_or_else(|| ApiError::validation("body.enabled should be a boolean."))?;
    let mut redis = kit.redis().await?;
    let key = kit.redis_key("ratelimit:on");
    let result: Result<(), _> = if enabled {
        redis.set(key, "1").await
    } else {
        redis.del(key).await
    };
    result.map_err(|err| ApiError::internal(&err.to_string()))?;
    Ok(enabled)
}
