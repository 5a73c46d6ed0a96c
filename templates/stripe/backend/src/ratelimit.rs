//! Stripe's request rate limits: off by default, switched per clone through
//! `POST /api/admin/rate-limit`. The limits live on the API keys (the request's key lookup
//! reads them, so a clone without limits pays nothing; reprovisioning mints keys without
//! them), the counters under the clone's Redis prefix, one per kind of request and second.
//! A request past its limit answers 429 `rate_limit` before it reads or writes anything.

use std::time::{SystemTime, UNIX_EPOCH};

use asym_kit::Kit;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};

/// Stripe's test-mode limits: 25 reads and 25 writes a second.
const TEST_MODE: i32 = 25;

/// Counts this request against `limit` (none: no limit) for its kind, `write` or read.
pub(crate) async fn check(kit: &Kit, write: bool, limit: Option<i32>) -> ApiResult<()> {
    let Some(limit) = limit else {
        return Ok(());
    };
    let second = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let kind = if write { "write" } else { "read" };
    let key = kit.redis_key(&format!("ratelimit:{kind}:{second}"));
    let mut redis = kit.redis().await?;
    let (count,): (i64,) = asym_kit::redis::pipe()
        .incr(&key, 1)
        .expire(&key, 2)
        .ignore()
        .query_async(&mut redis)
        .await
        .map_err(|err| ApiError::internal(&err.to_string()))?;
    if count > i64::from(limit) {
        return Err(ApiError::rate_limited());
    }
    Ok(())
}

/// `POST /api/admin/rate-limit` `{"enabled": bool, "reads"?: n, "writes"?: n}`: turns the
/// limits on (Stripe's test-mode 25 a second unless given) or off; answers the state.
pub(crate) async fn set(State(kit): State<Kit>, body: Bytes) -> Response {
    match set_inner(&kit, &body).await {
        Ok(state) => axum::Json(state).into_response(),
        Err(err) => err.into_response(),
    }
}

async fn set_inner(kit: &Kit, body: &[u8]) -> ApiResult<Value> {
    const USAGE: &str =
        r#"the body must be {"enabled": true|false, "reads"?: n, "writes"?: n} with n > 0"#;
    let body: Value = serde_json::from_slice(body).map_err(|_| ApiError::invalid(USAGE))?;
    let enabled = body["enabled"]
        .as_bool()
        .ok_or_else(|| ApiError::invalid(USAGE))?;
    let limit = |name: &str| match &body[name] {
        Value::Null => Ok(TEST_MODE),
        value => value
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| ApiError::invalid(USAGE)),
    };
    let limits = enabled.then_some((limit("reads")?, limit("writes")?));
    let (reads, writes) = (limits.map(|(r, _)| r), limits.map(|(_, w)| w));
    kit.db()
        .await?
        .execute(
            "UPDATE api_keys SET rate_reads = $1, rate_writes = $2",
            &[&reads, &writes],
        )
        .await?;
    Ok(match limits {
        Some((reads, writes)) => json!({ "enabled": true, "reads": reads, "writes": writes }),
        None => json!({ "enabled": false }),
    })
}
