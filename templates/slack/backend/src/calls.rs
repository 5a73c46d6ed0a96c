//! The Calls API: `calls.add`, `calls.info`, `calls.update`, `calls.end`,
//! `calls.participants.add`, `calls.participants.remove`.
//!
//! A call lives in the app's service; Slack keeps what the app registers (`R…` id, join
//! URLs, title, start and end, participants) to show it. Bot or user tokens, `calls:write`
//! (`calls:read` for `calls.info`). Participants are Slack users (`{"slack_id"}`) or
//! external ones (`{"external_id", "display_name", "avatar_url"?}`).

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use serde_json::{Map, Value, json};

use crate::auth::{Caller, caller_with};
use crate::error::{ApiError, ApiResult, reply};
use crate::{AppState, Call};

/// The columns a call is read with.
const CALL_COLUMNS: &str = "id, date_start, date_end, external_unique_id, join_url,
    desktop_app_join_url, external_display_id, title, users::text";

/// The call object of a row of [`CALL_COLUMNS`], as Slack answers it (`date_end` once
/// ended; the optional fields only when set).
fn call_json(row: &Row) -> Value {
    let mut call = json!({
        "id": row.get::<_, String>(0),
        "date_start": row.get::<_, i64>(1),
        "external_unique_id": row.get::<_, String>(3),
        "join_url": row.get::<_, String>(4),
        "users": stored_users(row.get(8)),
    });
    let optional = [
        ("desktop_app_join_url", 5),
        ("external_display_id", 6),
        ("title", 7),
    ];
    for (name, column) in optional {
        if let Some(value) = row.get::<_, Option<String>>(column) {
            call[name] = json!(value);
        }
    }
    if let Some(end) = row.get::<_, Option<i64>>(2) {
        call["date_end"] = json!(end);
    }
    call
}

/// The participants as stored (a JSON array's text).
fn stored_users(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| json!([]))
}

/// The participants `users` names, checked: each `{"slack_id"}` a person of the workspace,
/// each `{"external_id", "display_name", "avatar_url"?}` kept as sent.
///
/// # Errors
///
/// `invalid_arguments` for a list that is not one of those objects; `user_not_found` for a
/// `slack_id` the workspace does not have.
async fn participants(
    client: &impl GenericClient,
    caller: &Caller,
    users: Value,
) -> Result<Vec<Value>, ApiError> {
    let invalid = || ApiError::invalid_arguments("users must be a list of participants");
    let Value::Array(users) = users else {
        return Err(invalid());
    };
    let mut checked = Vec::with_capacity(users.len());
    for user in users {
        let text = |name: &str| user.get(name).and_then(Value::as_str).map(str::to_owned);
        let participant = match (text("slack_id"), text("external_id")) {
            (Some(id), None) => {
                let known = client
                    .query_opt(
                        "SELECT 1 FROM users WHERE id = $1 AND team_id = $2",
                        &[&id, &caller.team_id],
                    )
                    .await?;
                if known.is_none() {
                    return Err(ApiError::new("user_not_found"));
                }
                json!({ "slack_id": id })
            }
            (None, Some(id)) => {
                let mut external = json!({
                    "external_id": id,
                    "display_name": text("display_name").ok_or_else(invalid)?,
                });
                if let Some(avatar) = text("avatar_url") {
                    external["avatar_url"] = json!(avatar);
                }
                external
            }
            _ => return Err(invalid()),
        };
        checked.push(participant);
    }
    Ok(checked)
}

/// Who a participant is: its `slack_id` or its `external_id`.
fn identity(participant: &Value) -> (&str, &str) {
    match participant["slack_id"].as_str() {
        Some(id) => ("slack_id", id),
        None => (
            "external_id",
            participant["external_id"].as_str().unwrap_or(""),
        ),
    }
}

/// `calls.add`: registers a call (`external_unique_id`, `join_url` required), answering it.
///
/// # Errors
///
/// `invalid_arguments` without `external_unique_id` or `join_url`; `invalid_created_by` for
/// a `created_by` the workspace does not have, or none from a bot token (a user token's
/// call is its person's); `invalid_start_time` for a `date_start` that is not a Unix time;
/// as [`participants`].
pub(crate) async fn add(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["calls:write"]).await?;
    let external_unique_id = call.args.required("external_unique_id")?;
    let join_url = call.args.required("join_url")?;
    let client = state.kit.db().await?;
    let created_by = match call.args.non_empty("created_by") {
        Some(id) => {
            let sql = "SELECT 1 FROM users WHERE id = $1 AND team_id = $2";
            caller
                .find_row(&client, sql, &id, "invalid_created_by")
                .await?;
            id.trim().to_owned()
        }
        None if caller.is_bot() => return Err(ApiError::new("invalid_created_by")),
        None => caller.user_id.clone(),
    };
    let date_start = match call.args.int("date_start") {
        Ok(Some(start)) if start > 0 => start,
        Ok(None) => crate::ts::now_seconds(),
        _ => return Err(ApiError::new("invalid_start_time")),
    };
    let users = match call.args.json("users", "invalid_arguments")? {
        Some(users) => participants(&client, &caller, users).await?,
        None => Vec::new(),
    };
    let row = client
        .query_one(
            &format!(
                "INSERT INTO calls (team_id, external_unique_id, join_url, desktop_app_join_url,
                                    external_display_id, title, date_start, created_by, users)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb)
                 RETURNING {CALL_COLUMNS}"
            ),
            &[
                &caller.team_id,
                &external_unique_id,
                &join_url,
                &call.args.non_empty("desktop_app_join_url"),
                &call.args.non_empty("external_display_id"),
                &call.args.non_empty("title"),
                &date_start,
                &created_by,
                &Value::Array(users).to_string(),
            ],
        )
        .await?;
    reply([("call", call_json(&row))])
}

/// The call `id` names in the caller's workspace.
///
/// # Errors
///
/// `invalid_call_id` when there is none.
async fn find(client: &impl GenericClient, caller: &Caller, id: &str) -> Result<Row, ApiError> {
    let sql = format!("SELECT {CALL_COLUMNS} FROM calls WHERE id = $1 AND team_id = $2");
    caller.find_row(client, &sql, id, "invalid_call_id").await
}

/// `calls.info`: one call.
pub(crate) async fn info(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["calls:read"]).await?;
    let id = call.args.non_empty_or("id", "invalid_call_id")?;
    let row = find(&state.kit.db().await?, &caller, &id).await?;
    reply([("call", call_json(&row))])
}

/// `calls.update`: changes a call's `title`, `join_url` or `desktop_app_join_url` (those
/// sent), answering the call.
pub(crate) async fn update(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["calls:write"]).await?;
    let id = call.args.non_empty_or("id", "invalid_call_id")?;
    let row = state
        .kit
        .db()
        .await?
        .query_opt(
            &format!(
                "UPDATE calls SET title = COALESCE($3, title), join_url = COALESCE($4, join_url),
                     desktop_app_join_url = COALESCE($5, desktop_app_join_url)
                 WHERE id = $1 AND team_id = $2 RETURNING {CALL_COLUMNS}"
            ),
            &[
                &id.trim(),
                &caller.team_id,
                &call.args.non_empty("title"),
                &call.args.non_empty("join_url"),
                &call.args.non_empty("desktop_app_join_url"),
            ],
        )
        .await?
        .ok_or_else(|| ApiError::new("invalid_call_id"))?;
    reply([("call", call_json(&row))])
}

/// `calls.end`: ends a call, `duration` seconds after its start (now without one).
///
/// # Errors
///
/// `invalid_call_id`; `inactive_call` when it has ended already; `invalid_arguments` for a
/// `duration` that is not a number of seconds.
pub(crate) async fn end(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["calls:write"]).await?;
    let id = call.args.non_empty_or("id", "invalid_call_id")?;
    let duration = call.args.int("duration")?;
    if duration.is_some_and(|seconds| seconds < 0) {
        return Err(ApiError::invalid_arguments(
            "invalid value for duration: must be a number of seconds",
        ));
    }
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let row = tx
        .query_opt(
            "SELECT date_end IS NOT NULL FROM calls WHERE id = $1 AND team_id = $2 FOR UPDATE",
            &[&id.trim(), &caller.team_id],
        )
        .await?
        .ok_or_else(|| ApiError::new("invalid_call_id"))?;
    if row.get::<_, bool>(0) {
        return Err(ApiError::new("inactive_call"));
    }
    tx.execute(
        "UPDATE calls SET date_end = COALESCE(date_start + $2, extract(epoch FROM now())::bigint)
         WHERE id = $1",
        &[&id.trim(), &duration],
    )
    .await?;
    tx.commit().await?;
    Ok(Map::new())
}

/// `calls.participants.add` (`add`) registers participants who joined a call;
/// `calls.participants.remove` those who left.
///
/// # Errors
///
/// `missing_argument` without `id` or `users`; `invalid_call_id`; `inactive_call` once
/// the call ended; as [`participants`]; `bad_users` when one added is in the call already
/// (or one removed is not), and then nothing changes.
pub(crate) async fn set_participants(state: &AppState, call: &Call, add: bool) -> ApiResult {
    let caller = caller_with(state, call, &["calls:write"]).await?;
    let id = call.args.non_empty_or("id", "missing_argument")?;
    let users = call
        .args
        .json("users", "invalid_arguments")?
        .ok_or_else(|| ApiError::new("missing_argument"))?;
    let mut client = state.kit.db().await?;
    let named = participants(&client, &caller, users).await?;
    let tx = client.transaction().await?;
    let row = tx
        .query_opt(
            "SELECT date_end IS NOT NULL, users::text FROM calls
             WHERE id = $1 AND team_id = $2 FOR UPDATE",
            &[&id.trim(), &caller.team_id],
        )
        .await?
        .ok_or_else(|| ApiError::new("invalid_call_id"))?;
    if row.get::<_, bool>(0) {
        return Err(ApiError::new("inactive_call"));
    }
    let Value::Array(mut current) = stored_users(row.get(1)) else {
        return Err(ApiError::new("internal_error"));
    };
    for participant in &named {
        let at = current
            .iter()
            .position(|present| identity(present) == identity(participant));
        match (at, add) {
            (None, true) => current.push(participant.clone()),
            (Some(at), false) => {
                current.remove(at);
            }
            _ => return Err(ApiError::new("bad_users")),
        }
    }
    tx.execute(
        "UPDATE calls SET users = $2::text::jsonb WHERE id = $1",
        &[&id.trim(), &Value::Array(current).to_string()],
    )
    .await?;
    tx.commit().await?;
    Ok(Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn participants_are_known_by_their_slack_or_external_id() {
        assert_eq!(identity(&json!({"slack_id": "U1"})), ("slack_id", "U1"));
        assert_eq!(
            identity(&json!({"external_id": "e1", "display_name": "E"})),
            ("external_id", "e1")
        );
    }
}
