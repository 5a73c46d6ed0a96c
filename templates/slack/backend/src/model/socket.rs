//! Socket Mode's state in Postgres: app-level tokens (`xapp-1-…`), the app's Socket Mode
//! switch, the tickets `apps.connections.open` hands out, and the queue of `events_api`
//! envelopes (each sent to a connection, then sent again after its ack timeout and the
//! retry's delay until acked, as Slack retries an unacknowledged event).

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::token::{hash, random_digits, random_hex, random_uuid};
use serde_json::{Value, json};

use crate::error::ApiError;

/// The scope an app-level token needs to open a connection.
pub(crate) const CONNECTIONS_WRITE: &str = "connections:write";

/// An app-level token in Slack's shape: `xapp-1-<app id>-<13 digits>-<64 hex>`.
pub(crate) fn mint_app_token(app_id: &str) -> String {
    format!("xapp-1-{app_id}-{}-{}", random_digits(13), random_hex(64))
}

/// Stores the app-level `token` (its hash) with `scopes`.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn store_app_token(
    client: &impl GenericClient,
    token: &str,
    scopes: &[String],
) -> Result<(), ApiError> {
    client
        .execute(
            "INSERT INTO app_tokens (token_hash, scopes) VALUES ($1, $2)",
            &[&hash(token), &scopes],
        )
        .await?;
    Ok(())
}

/// The scopes of the app-level `token`, if it is one.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn app_token_scopes(
    client: &impl GenericClient,
    token: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    let row = client
        .query_opt(
            "SELECT scopes FROM app_tokens WHERE token_hash = $1",
            &[&hash(token)],
        )
        .await?;
    Ok(row.map(|row| row.get(0)))
}

/// Checks that the call's token is an app-level token holding `scope` (the methods only an
/// app-level token may call: `apps.connections.open`, `apps.event.authorizations.list`).
///
/// # Errors
///
/// `not_authed` without a token; for a bot or user token, `not_allowed_token_type` (or the
/// reason it fails, as `auth::caller` gives it); `invalid_auth` for one the clone does not
/// know; `missing_scope` when it lacks `scope`.
pub(crate) async fn require_app_token(
    state: &crate::AppState,
    call: &crate::Call,
    scope: &'static str,
) -> Result<(), ApiError> {
    let token =
        crate::auth::token(&call.headers, &call.args).ok_or_else(|| ApiError::new("not_authed"))?;
    let client = state.kit.db().await?;
    let Some(scopes) = app_token_scopes(&client, token).await? else {
        drop(client);
        // A bot or user token (Slack's answer to either), or none the clone knows.
        crate::auth::caller(state, call).await?;
        return Err(ApiError::new("not_allowed_token_type"));
    };
    if !scopes.iter().any(|held| held == scope) {
        return Err(ApiError::new("missing_scope")
            .with("needed", scope)
            .with("provided", scopes.join(",")));
    }
    Ok(())
}

/// Whether the app has Socket Mode on.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn enabled(client: &impl GenericClient) -> Result<bool, ApiError> {
    let statement = client
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM socket_mode)")
        .await?;
    Ok(client.query_one(&statement, &[]).await?.get(0))
}

/// Mints a ticket for one connection (what the WebSocket URL carries).
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn mint_ticket(client: &impl GenericClient) -> Result<String, ApiError> {
    let ticket = random_uuid();
    client
        .execute(
            "INSERT INTO socket_tickets (ticket) VALUES ($1)",
            &[&ticket],
        )
        .await?;
    Ok(ticket)
}

/// Uses `ticket` up: whether it was one the clone handed out and not used before.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn use_ticket(
    client: &impl GenericClient,
    ticket: &str,
) -> Result<bool, ApiError> {
    let used = client
        .execute(
            "UPDATE socket_tickets SET used = true WHERE ticket = $1 AND NOT used",
            &[&ticket],
        )
        .await?;
    Ok(used == 1)
}

/// Queues the `event_callback` `payload` of an event of type `event_type` as an `events_api`
/// envelope, in the transaction of the change it tells.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn enqueue(
    tx: &Transaction<'_>,
    event_type: &str,
    payload: &str,
) -> Result<(), ApiError> {
    let statement = tx
        .prepare_cached(
            "INSERT INTO socket_envelopes (envelope_id, event_type, payload) VALUES ($1, $2, $3)",
        )
        .await?;
    tx.execute(&statement, &[&random_uuid(), &event_type, &payload])
        .await?;
    Ok(())
}

/// An envelope due to be sent.
#[derive(Debug)]
pub(crate) struct Due {
    /// Its `envelope_id`.
    pub(crate) envelope_id: String,
    /// The `event_callback` it carries, as JSON text.
    pub(crate) payload: String,
    /// How many times it was sent before this one.
    pub(crate) retry_attempt: i32,
}

impl Due {
    /// The `events_api` envelope as Slack sends it over the socket.
    pub(crate) fn message(&self) -> String {
        let reason = if self.retry_attempt > 0 {
            "timeout"
        } else {
            ""
        };
        // The payload is already JSON text: spliced in rather than parsed again.
        format!(
            r#"{{"envelope_id":{},"payload":{},"type":"events_api","accepts_response_payload":false,"retry_attempt":{},"retry_reason":{}}}"#,
            json!(self.envelope_id),
            self.payload,
            self.retry_attempt,
            json!(reason),
        )
    }
}

/// Claims the envelopes due now for one connection (at most `limit`, oldest first): each
/// counts an attempt and is due again once its ack timeout and the next retry's delay have
/// passed, unless acked before. `None` when Socket Mode is off (the connection then ends).
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn claim_due(
    client: &impl GenericClient,
    limit: i64,
) -> Result<Option<Vec<Due>>, ApiError> {
    if !enabled(client).await? {
        return Ok(None);
    }
    let statement = client
        .prepare_cached(
            "WITH mode AS (SELECT retry_delays_ms, ack_timeout_ms FROM socket_mode),
             due AS (SELECT e.seq FROM socket_envelopes e, mode m
                     WHERE NOT e.acked AND e.next_at <= now()
                       AND e.attempts <= cardinality(m.retry_delays_ms)
                     ORDER BY e.seq LIMIT $1 FOR UPDATE OF e SKIP LOCKED)
             UPDATE socket_envelopes e SET attempts = e.attempts + 1,
                 next_at = now() + make_interval(secs => (m.ack_timeout_ms
                     + COALESCE(m.retry_delays_ms[e.attempts + 1], 0)) / 1000.0)
             FROM mode m WHERE e.seq IN (SELECT seq FROM due)
             RETURNING e.envelope_id, e.payload, e.attempts - 1, e.seq",
        )
        .await?;
    let mut rows = client.query(&statement, &[&limit]).await?;
    rows.sort_by_key(|row| row.get::<_, i64>(3));
    Ok(Some(
        rows.iter()
            .map(|row| Due {
                envelope_id: row.get(0),
                payload: row.get(1),
                retry_attempt: row.get(2),
            })
            .collect(),
    ))
}

/// Records the ack of `envelope_id`: it is not sent again.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn ack(client: &impl GenericClient, envelope_id: &str) -> Result<(), ApiError> {
    client
        .execute(
            "UPDATE socket_envelopes SET acked = true WHERE envelope_id = $1",
            &[&envelope_id],
        )
        .await?;
    Ok(())
}

/// Every queued envelope, oldest first, for the admin surface.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn envelopes(client: &impl GenericClient) -> Result<Vec<Value>, ApiError> {
    let rows = client
        .query(
            "SELECT e.envelope_id, e.event_type, e.payload, e.attempts, e.acked,
                    e.attempts > cardinality(m.retry_delays_ms)
             FROM socket_envelopes e LEFT JOIN socket_mode m ON true ORDER BY e.seq",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| {
            let payload: Value = serde_json::from_str(row.get(2)).unwrap_or(Value::Null);
            let status = match (row.get::<_, bool>(4), row.get::<_, Option<bool>>(5)) {
                (true, _) => "acked",
                (false, Some(true)) => "failed",
                (false, _) => "pending",
            };
            json!({
                "envelopeId": row.get::<_, String>(0),
                "type": row.get::<_, String>(1),
                "eventId": payload["event_id"],
                "event": payload["event"],
                "attempts": row.get::<_, i32>(3),
                "status": status,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_tokens_have_slacks_shape() {
        let token = mint_app_token("A0000000001");
        let parts: Vec<&str> = token.split('-').collect();
        assert_eq!(parts[..3], ["xapp", "1", "A0000000001"], "{token}");
        assert_eq!(parts[3].len(), 13, "{token}");
        assert_eq!(parts[4].len(), 64, "{token}");
    }

    #[test]
    fn envelopes_carry_their_payload_and_retry() {
        let due = Due {
            envelope_id: "e-1".into(),
            payload: r#"{"type":"event_callback"}"#.into(),
            retry_attempt: 1,
        };
        let message: Value = serde_json::from_str(&due.message()).expect("JSON");
        assert_eq!(message["type"], "events_api");
        assert_eq!(message["envelope_id"], "e-1");
        assert_eq!(message["payload"]["type"], "event_callback");
        assert_eq!(message["retry_attempt"], 1);
        assert_eq!(message["retry_reason"], "timeout");
    }
}
