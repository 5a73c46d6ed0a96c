//! GitHub's primary rate limit: every call is counted per caller and resource (`core`,
//! `search`) in an hourly window under the clone's Redis prefix, and reported in the
//! `x-ratelimit-*` headers and `GET /rate_limit`. Enforcement is off by default; the admin
//! route `PUT /api/admin/rate-limit {"limit": n}` turns it on with `n` calls per window
//! (403 with `retry-after` past it, as GitHub answers), `{"limit": null}` turns it off. A
//! reset clears the counters and the switch.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::req::Raw;
use asym_kit::Kit;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::req::Body;
use crate::viewer::Viewer;

/// The window (GitHub's is an hour).
const WINDOW_SECS: u64 = 3600;

/// One caller's standing in one resource.
#[derive(Debug, Clone)]
pub(crate) struct Rate {
    /// Calls allowed per window.
    pub(crate) limit: u64,
    /// Calls made in this window.
    pub(crate) used: u64,
    /// When the window ends (Unix seconds).
    pub(crate) reset: u64,
    /// `core` or `search`.
    pub(crate) resource: &'static str,
    /// Whether the limit is enforced.
    enforced: bool,
}

impl Rate {
    /// Calls left.
    pub(crate) fn remaining(&self) -> u64 {
        self.limit.saturating_sub(self.used)
    }

    /// Whether this call went past an enforced limit.
    pub(crate) fn exceeded(&self) -> bool {
        self.enforced && self.used > self.limit
    }

    /// As `GET /rate_limit` shows it.
    pub(crate) fn json(&self) -> Value {
        json!({
            "limit": self.limit,
            "used": self.used,
            "remaining": self.remaining(),
            "reset": self.reset,
        })
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn resource_of(path: &str) -> &'static str {
    if path.starts_with("/search/") {
        "search"
    } else {
        "core"
    }
}

fn default_limit(viewer: Option<&Viewer>, resource: &str) -> u64 {
    match (viewer.is_some(), resource) {
        (true, "search") => 30,
        (false, "search") => 10,
        (true, _) => 5000,
        (false, _) => 60,
    }
}

fn key(kit: &Kit, viewer: Option<&Viewer>, resource: &str, window: u64) -> String {
    let who = viewer.map_or_else(|| "anonymous".to_owned(), |v| v.user_id.to_string());
    kit.redis_key(&format!("rl:{resource}:{who}:{window}"))
}

/// Counts one call at `path`; `None` when Redis does not answer (the call goes through).
pub(crate) async fn hit(kit: &Kit, viewer: Option<&Viewer>, path: &str) -> Option<Rate> {
    count(kit, viewer, resource_of(path), 1).await
}

/// The caller's standing in `resource` without counting a call.
pub(crate) async fn peek(kit: &Kit, viewer: Option<&Viewer>, resource: &'static str) -> Rate {
    count(kit, viewer, resource, 0).await.unwrap_or_else(|| {
        let window = now() / WINDOW_SECS * WINDOW_SECS;
        Rate {
            limit: default_limit(viewer, resource),
            used: 0,
            reset: window + WINDOW_SECS,
            resource,
            enforced: false,
        }
    })
}

async fn count(
    kit: &Kit,
    viewer: Option<&Viewer>,
    resource: &'static str,
    by: u64,
) -> Option<Rate> {
    let window = now() / WINDOW_SECS * WINDOW_SECS;
    let key = key(kit, viewer, resource, window);
    let mut conn = kit.redis().await.ok()?;
    let (used, _, enforced): (u64, i64, Option<u64>) = redis::pipe()
        .cmd("INCRBY")
        .arg(&key)
        .arg(by)
        .cmd("EXPIRE")
        .arg(&key)
        .arg(WINDOW_SECS)
        .cmd("GET")
        .arg(kit.redis_key("rl:enforce"))
        .query_async(&mut conn)
        .await
        .ok()?;
    Some(Rate {
        limit: enforced.unwrap_or_else(|| default_limit(viewer, resource)),
        used,
        reset: window + WINDOW_SECS,
        resource,
        enforced: enforced.is_some(),
    })
}

/// GitHub's answer past the primary limit.
pub(crate) fn exceeded(rate: &Rate, viewer: Option<&Viewer>) -> ApiError {
    let who = viewer.map_or_else(
        || "your IP address".to_owned(),
        |v| format!("user ID {}", v.user_id),
    );
    ApiError::forbidden(format!(
        "API rate limit exceeded for {who}. If you reach out to GitHub Support for help, please include the request ID."
    ))
    .retry_after(rate.reset.saturating_sub(now()).max(1))
}

/// `PUT /api/admin/rate-limit`: `{"limit": n}` enforces `n` calls per window, `null` stops.
pub(crate) async fn set(State(kit): State<Kit>, Raw(bytes): Raw) -> ApiResult {
    let body = Body::parse(&bytes)?;
    let limit = body.int("limit")?;
    let mut conn = kit.redis().await?;
    let key = kit.redis_key("rl:enforce");
    let result: Result<(), redis::RedisError> = match limit {
        Some(n) if n >= 0 => {
            redis::cmd("SET")
                .arg(&key)
                .arg(n)
                .query_async(&mut conn)
                .await
        }
        Some(_) => return Err(ApiError::validation("RateLimit", "limit", "invalid")),
        None => redis::cmd("DEL").arg(&key).query_async(&mut conn).await,
    };
    result.map_err(asym_kit::BackendError::from)?;
    Ok((StatusCode::OK, axum::Json(json!({ "limit": limit }))).into_response())
}

/// `GET /rate_limit`.
pub(crate) async fn show(State(kit): State<Kit>, caller: crate::viewer::Caller) -> Response {
    let viewer = caller.0.as_ref();
    let core = peek(&kit, viewer, "core").await;
    let search = peek(&kit, viewer, "search").await;
    let body = json!({
        "resources": {
            "core": core.json(),
            "search": search.json(),
            "graphql": { "limit": 5000, "used": 0, "remaining": 5000, "reset": core.reset },
            "integration_manifest": { "limit": 5000, "used": 0, "remaining": 5000, "reset": core.reset },
        },
        "rate": core.json(),
    });
    axum::Json(body).into_response()
}
