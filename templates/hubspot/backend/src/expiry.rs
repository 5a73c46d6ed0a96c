//! When OAuth credentials stop working, on the clone's clock (Postgres's `now()`): access
//! tokens the token endpoint issues live [`ACCESS_TOKEN`] seconds (their `expires_in`), as
//! HubSpot's do, and authorization codes [`CODE`] seconds. Credentials without an expiry
//! (the private app tokens) never expire. `POST /api/admin/oauth/advance` moves every expiry
//! earlier, as time passing would, for tests that cannot wait half an hour (the route is
//! `oauth`'s).

use asym_kit::deadpool_postgres::GenericClient;
use axum::http::StatusCode;
use serde_json::json;

use crate::error::ApiError;

/// The name the token endpoint's access tokens carry in the credential store (the only
/// access tokens that expire).
pub(crate) const ISSUED: &str = "oauth_access_token";

/// Seconds an OAuth access token lives: HubSpot's 30 minutes.
pub(crate) const ACCESS_TOKEN: i64 = 1800;

/// Seconds an authorization code lives (the clone's figure: HubSpot documents only "a short
/// window"; RFC 6749 recommends at most ten minutes).
pub(crate) const CODE: i64 = 600;

/// Records that `token` expires `seconds` from now.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn set(
    client: &impl GenericClient,
    token: &str,
    seconds: i64,
) -> Result<(), ApiError> {
    client
        .execute(
            "INSERT INTO oauth_expiry (token_hash, expires_at)
             VALUES ($1, now() + make_interval(secs => $2::bigint))",
            &[&asym_kit::token::hash(token), &seconds],
        )
        .await?;
    Ok(())
}

/// How long `token` has left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Left {
    /// It never expires.
    Forever,
    /// It expires in this many seconds (rounded up).
    Seconds(i64),
    /// It expired this many seconds ago (rounded down), at this instant (ISO).
    Expired(i64, String),
}

/// How long `token` has left.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn left(client: &impl GenericClient, token: &str) -> Result<Left, ApiError> {
    let statement = client
        .prepare_cached(
            "SELECT ceil(extract(epoch FROM expires_at - now()))::bigint,
                    to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')
             FROM oauth_expiry WHERE token_hash = $1",
        )
        .await?;
    let row = client
        .query_opt(&statement, &[&asym_kit::token::hash(token)])
        .await?;
    Ok(match row {
        None => Left::Forever,
        Some(row) => match row.get::<_, i64>(0) {
            seconds if seconds > 0 => Left::Seconds(seconds),
            seconds => Left::Expired(-seconds, row.get(1)),
        },
    })
}

/// HubSpot's 401 for an expired OAuth access token (`The OAuth token used to make this call
/// expired 5 hour(s) ago.`, category `EXPIRED_AUTHENTICATION`, `context["expire time"]`).
pub(crate) fn expired(ago: i64, at: &str) -> ApiError {
    let (count, unit) = if ago < 60 {
        (ago, "second")
    } else if ago < 3600 {
        (ago / 60, "minute")
    } else if ago < 86_400 {
        (ago / 3600, "hour")
    } else {
        (ago / 86_400, "day")
    };
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "EXPIRED_AUTHENTICATION",
        format!("The OAuth token used to make this call expired {count} {unit}(s) ago."),
    )
    .with("context", json!({ "expire time": [at] }))
}

/// Moves every expiry `seconds` earlier, as if that much time had passed for the
/// credentials; how many it moved.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn advance(client: &impl GenericClient, seconds: i64) -> Result<u64, ApiError> {
    Ok(client
        .execute(
            "UPDATE oauth_expiry SET expires_at = expires_at - make_interval(secs => $1::bigint)",
            &[&seconds],
        )
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_messages_count_in_hubspots_units() {
        for (ago, text) in [
            (0, "expired 0 second(s) ago."),
            (59, "expired 59 second(s) ago."),
            (61, "expired 1 minute(s) ago."),
            (7_300, "expired 2 hour(s) ago."),
            (200_000, "expired 2 day(s) ago."),
        ] {
            let err = expired(ago, "2026-01-01T00:00:00.000Z");
            assert!(err.message().ends_with(text), "{ago}: {}", err.message());
            assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
        }
    }
}
