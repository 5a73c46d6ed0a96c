//! Do Not Disturb: `dnd.info`, `dnd.teamInfo`, `dnd.setSnooze`, `dnd.endSnooze`,
//! `dnd.endDnd`. People snooze notifications for a while; scheduled DND hours are not kept
//! (the API cannot set them), so `dnd_enabled` is false and the next DND window is Slack's
//! "none" (`1`).

use serde_json::{Map, Value, json};

use crate::auth::{Caller, caller_with, person};
use crate::error::{ApiError, ApiResult};
use crate::{AppState, Call};

/// Longest snooze the clone takes: a week (Slack documents no bound).
const MAX_SNOOZE_MINUTES: i64 = 7 * 24 * 60;

/// A person's DND status with no scheduled DND hours.
fn schedule() -> Map<String, Value> {
    Map::from_iter([
        ("dnd_enabled".to_owned(), json!(false)),
        ("next_dnd_start_ts".to_owned(), json!(1)),
        ("next_dnd_end_ts".to_owned(), json!(1)),
    ])
}

/// Adds the snooze fields of a snooze ending at `endtime` (Unix seconds) to `body`.
fn with_snooze(mut body: Map<String, Value>, endtime: i64) -> Map<String, Value> {
    let remaining = endtime - crate::ts::now_seconds();
    body.insert("snooze_enabled".into(), json!(remaining > 0));
    if remaining > 0 {
        body.insert("snooze_endtime".into(), json!(endtime));
        body.insert("snooze_remaining".into(), json!(remaining));
    }
    body.insert("snooze_is_indefinite".into(), json!(false));
    body
}

/// Sets the caller's snooze to end at `endtime` (0 ends it); the end it had.
async fn set_snooze(state: &AppState, caller: &Caller, endtime: i64) -> Result<i64, ApiError> {
    let client = state.kit.db().await?;
    let row = client
        .query_one(
            "UPDATE users u SET snooze_endtime = $2
             FROM users old WHERE u.id = $1 AND old.id = u.id
             RETURNING old.snooze_endtime",
            &[&caller.user_id, &endtime],
        )
        .await?;
    Ok(row.get(0))
}

/// `dnd.info`: `user`'s (default the caller's) status; the snooze only for the caller.
pub(crate) async fn info(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["dnd:read"]).await?;
    let user = caller.user_arg(call);
    if user != caller.user_id {
        crate::model::user::find(state, &caller, &user).await?;
        return Ok(schedule());
    }
    let client = state.kit.db().await?;
    let snooze = client
        .query_one(
            "SELECT snooze_endtime FROM users WHERE id = $1",
            &[&caller.user_id],
        )
        .await?;
    Ok(with_snooze(schedule(), snooze.get(0)))
}

/// `dnd.teamInfo`: the status of each of `users` (comma-separated ids).
pub(crate) async fn team_info(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["dnd:read"]).await?;
    let users = call.args.list("users");
    if users.is_empty() {
        return Err(ApiError::invalid_arguments("missing required field: users"));
    }
    let client = state.kit.db().await?;
    let rows = client
        .query(
            "SELECT id FROM users WHERE team_id = $1 AND id = ANY($2) ORDER BY id",
            &[&caller.team_id, &users],
        )
        .await?;
    let statuses: Map<String, Value> = rows
        .iter()
        .map(|row| (row.get::<_, String>(0), Value::Object(schedule())))
        .collect();
    Ok(Map::from_iter([(
        "users".to_owned(),
        Value::Object(statuses),
    )]))
}

/// `dnd.setSnooze`: snoozes the caller's notifications for `num_minutes`.
pub(crate) async fn set(state: &AppState, call: &Call) -> ApiResult {
    let caller = person(state, call, "dnd:write").await?;
    let minutes = call
        .args
        .int("num_minutes")?
        .ok_or_else(|| ApiError::invalid_arguments("missing required field: num_minutes"))?;
    if !(1..=MAX_SNOOZE_MINUTES).contains(&minutes) {
        return Err(ApiError::invalid_arguments("invalid value for num_minutes"));
    }
    let endtime = crate::ts::now_seconds() + minutes * 60;
    set_snooze(state, &caller, endtime).await?;
    Ok(with_snooze(Map::new(), endtime))
}

/// `dnd.endSnooze`: ends the caller's snooze.
pub(crate) async fn end_snooze(state: &AppState, call: &Call) -> ApiResult {
    let caller = person(state, call, "dnd:write").await?;
    let previous = set_snooze(state, &caller, 0).await?;
    if previous <= crate::ts::now_seconds() {
        return Err(ApiError::new("snooze_not_active"));
    }
    Ok(with_snooze(schedule(), 0))
}

/// `dnd.endDnd`: ends the caller's current DND session (its snooze).
pub(crate) async fn end_dnd(state: &AppState, call: &Call) -> ApiResult {
    let caller = person(state, call, "dnd:write").await?;
    set_snooze(state, &caller, 0).await?;
    Ok(Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snooze_fields_follow_the_snooze() {
        let ended = with_snooze(Map::new(), 0);
        assert_eq!(ended["snooze_enabled"], false);
        assert!(!ended.contains_key("snooze_endtime"));
        let running = with_snooze(Map::new(), crate::ts::now_seconds() + 600);
        assert_eq!(running["snooze_enabled"], true);
        assert!(running["snooze_remaining"].as_i64().unwrap() > 590);
    }
}
