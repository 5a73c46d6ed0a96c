//! User groups: `usergroups.create`, `.list`, `.update`, `.disable`, `.enable`,
//! `usergroups.users.list` and `.users.update`, with their `subteam_created`,
//! `subteam_updated` and `subteam_members_changed` events.

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::error::SqlState;
use serde_json::{Value, json};

use crate::auth::{Caller, caller_with};
use crate::error::{ApiError, ApiResult, reply};
use crate::model::event::emit;
use crate::{AppState, Call};

/// The columns [`usergroup_json`] reads over `usergroups g`.
const COLUMNS: &str = "g.id, g.team_id, g.name, g.description, g.handle, g.date_create,
    g.date_update, g.date_delete, g.created_by, g.updated_by, g.deleted_by, g.channels,
    ARRAY(SELECT m.user_id FROM usergroup_members m WHERE m.usergroup_id = g.id
          ORDER BY m.user_id) AS users";

/// What a call asks to see of each group besides its own fields.
#[derive(Debug, Clone, Copy)]
struct Detail {
    /// `users`: the members' ids.
    users: bool,
    /// `user_count`: how many members.
    count: bool,
}

impl Detail {
    /// What a method that changes a group answers: its members, and their count with
    /// `include_count`.
    fn of_change(call: &Call) -> Self {
        Self {
            users: true,
            count: call.args.flag("include_count").unwrap_or(false),
        }
    }
}

/// The usergroup object.
fn usergroup_json(row: &Row, detail: Detail) -> Value {
    let users: Vec<String> = row.get(12);
    let mut group = json!({
        "id": row.get::<_, String>(0),
        "team_id": row.get::<_, String>(1),
        "is_usergroup": true,
        "is_subteam": true,
        "name": row.get::<_, String>(2),
        "description": row.get::<_, String>(3),
        "handle": row.get::<_, String>(4),
        "is_external": false,
        "date_create": row.get::<_, i64>(5),
        "date_update": row.get::<_, i64>(6),
        "date_delete": row.get::<_, i64>(7),
        "auto_type": null,
        // Both "required" in Slack's usergroup object reference; a workspace outside an
        // Enterprise Grid has no org-level subteam and provisions no one automatically.
        "auto_provision": false,
        "enterprise_subteam_id": "",
        "created_by": row.get::<_, String>(8),
        "updated_by": row.get::<_, String>(9),
        "deleted_by": row.get::<_, Option<String>>(10),
        "prefs": { "channels": row.get::<_, Vec<String>>(11), "groups": [] },
    });
    if detail.users {
        group["users"] = json!(users);
    }
    if detail.count {
        group["user_count"] = json!(users.len());
    }
    group
}

/// Reads group `id` of the caller's workspace.
async fn find(client: &impl GenericClient, caller: &Caller, id: &str) -> Result<Row, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM usergroups g WHERE g.id = $1 AND g.team_id = $2");
    caller.find_row(client, &sql, id, "no_such_subteam").await
}

/// The caller, holding `usergroups:write`, and the group the call's `usergroup` names.
async fn writable(state: &AppState, call: &Call) -> Result<(Caller, String), ApiError> {
    let caller = caller_with(state, call, &["usergroups:write"]).await?;
    let id = call.args.required("usergroup")?;
    find(&state.kit.db().await?, &caller, &id).await?;
    Ok((caller, id))
}

/// Ends a change to group `id`: queues its `event` (`subteam_created`, `subteam_updated`)
/// with the group as it now is, commits, and answers `{"usergroup": …}`.
async fn finish(
    state: &AppState,
    tx: Transaction<'_>,
    (caller, id): (&Caller, &str),
    detail: Detail,
    event: &str,
) -> ApiResult {
    let row = find(&tx, caller, id).await?;
    let everything = Detail {
        users: true,
        count: true,
    };
    let event = json!({
        "type": event,
        "subteam": usergroup_json(&row, everything),
        "event_ts": crate::ts::event_ts(),
    });
    emit(
        &tx,
        event["type"].as_str().unwrap_or_default(),
        None,
        &event,
    )
    .await?;
    state.commit(tx).await?;
    reply([("usergroup", usergroup_json(&row, detail))])
}

/// A `handle` as Slack keeps it: lower case, without a leading `@`.
fn clean_handle(handle: &str) -> String {
    handle.trim().trim_start_matches('@').to_lowercase()
}

/// The `channels` argument: channel ids of the caller's workspace.
async fn channels_arg(
    client: &impl GenericClient,
    caller: &Caller,
    call: &Call,
) -> Result<Option<Vec<String>>, ApiError> {
    if !call.args.has("channels") {
        return Ok(None);
    }
    let channels = call.args.list("channels");
    let known = client
        .query_one(
            "SELECT count(*) FROM conversations
             WHERE team_id = $1 AND id = ANY($2) AND kind IN ('public_channel', 'private_channel')",
            &[&caller.team_id, &channels],
        )
        .await?;
    if usize::try_from(known.get::<_, i64>(0)).unwrap_or(0) != channels.len() {
        return Err(ApiError::new("channel_not_found"));
    }
    Ok(Some(channels))
}

/// Answers a name or handle that another group (or, for a handle, a person or channel)
/// already has.
async fn check_unique(
    client: &impl GenericClient,
    caller: &Caller,
    id: Option<&str>,
    name: Option<&str>,
    handle: Option<&str>,
) -> Result<(), ApiError> {
    let row = client
        .query_one(
            "SELECT
               EXISTS (SELECT 1 FROM usergroups WHERE team_id = $1 AND id IS DISTINCT FROM $2
                       AND lower(name) = lower($3)),
               EXISTS (SELECT 1 FROM usergroups WHERE team_id = $1 AND id IS DISTINCT FROM $2
                       AND lower(handle) = $4)
               OR EXISTS (SELECT 1 FROM users WHERE team_id = $1 AND lower(name) = $4)
               OR EXISTS (SELECT 1 FROM conversations WHERE team_id = $1 AND name = $4)",
            &[&caller.team_id, &id, &name, &handle],
        )
        .await?;
    if row.get::<_, Option<bool>>(0) == Some(true) {
        return Err(ApiError::new("name_already_exists"));
    }
    if row.get::<_, Option<bool>>(1) == Some(true) {
        return Err(ApiError::new("handle_already_exists"));
    }
    Ok(())
}

/// A unique index caught what [`check_unique`] did not (a concurrent create).
fn taken(err: asym_kit::tokio_postgres::Error) -> ApiError {
    if err.code() == Some(&SqlState::UNIQUE_VIOLATION) {
        ApiError::new("name_already_exists")
    } else {
        ApiError::from(err)
    }
}

/// `usergroups.create`: a group named `name`, with `handle` (default from the name),
/// `description` and default `channels`; no members yet.
pub(crate) async fn create(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["usergroups:write"]).await?;
    let name = call.args.required("name")?;
    let name = name.trim();
    let handle = call.args.non_empty("handle").map_or_else(
        || name.to_lowercase().replace(' ', "-"),
        |h| clean_handle(&h),
    );
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let channels = channels_arg(&tx, &caller, call).await?.unwrap_or_default();
    check_unique(&tx, &caller, None, Some(name), Some(&handle)).await?;
    let row = tx
        .query_one(
            "INSERT INTO usergroups (team_id, name, handle, description, channels, date_create,
                                     date_update, created_by, updated_by)
             VALUES ($1, $2, $3, $4, $5, extract(epoch FROM now())::bigint,
                     extract(epoch FROM now())::bigint, $6, $6)
             RETURNING id",
            &[
                &caller.team_id,
                &name,
                &handle,
                &call.args.string("description").unwrap_or_default(),
                &channels,
                &caller.user_id,
            ],
        )
        .await
        .map_err(taken)?;
    let id: String = row.get(0);
    let detail = Detail::of_change(call);
    finish(state, tx, (&caller, &id), detail, "subteam_created").await
}

/// `usergroups.list`: the workspace's groups by name; disabled ones with
/// `include_disabled`, members with `include_users`, counts with `include_count`.
pub(crate) async fn list(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["usergroups:read"]).await?;
    let include_disabled = call.args.flag("include_disabled").unwrap_or(false);
    let detail = Detail {
        users: call.args.flag("include_users").unwrap_or(false),
        count: call.args.flag("include_count").unwrap_or(false),
    };
    let client = state.kit.db().await?;
    let rows = client
        .query(
            &format!(
                "SELECT {COLUMNS} FROM usergroups g
                 WHERE g.team_id = $1 AND ($2 OR g.date_delete = 0)
                 ORDER BY lower(g.name), g.id"
            ),
            &[&caller.team_id, &include_disabled],
        )
        .await?;
    let groups = rows.iter().map(|row| usergroup_json(row, detail)).collect();
    reply([("usergroups", Value::Array(groups))])
}

/// `usergroups.update`: a new `name`, `handle`, `description` or default `channels`.
pub(crate) async fn update(state: &AppState, call: &Call) -> ApiResult {
    let (caller, id) = writable(state, call).await?;
    let name = call.args.non_empty("name").map(|n| n.trim().to_owned());
    let handle = call.args.non_empty("handle").map(|h| clean_handle(&h));
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let channels = channels_arg(&tx, &caller, call).await?;
    check_unique(&tx, &caller, Some(&id), name.as_deref(), handle.as_deref()).await?;
    tx.execute(
        "UPDATE usergroups SET name = COALESCE($2, name), handle = COALESCE($3, handle),
                    description = COALESCE($4, description), channels = COALESCE($5, channels),
                    updated_by = $6, date_update = extract(epoch FROM now())::bigint
             WHERE id = $1",
        &[
            &id,
            &name,
            &handle,
            &call.args.string("description"),
            &channels,
            &caller.user_id,
        ],
    )
    .await
    .map_err(taken)?;
    let detail = Detail::of_change(call);
    finish(state, tx, (&caller, &id), detail, "subteam_updated").await
}

/// `usergroups.disable` (`disable`) and `usergroups.enable`.
pub(crate) async fn set_enabled(state: &AppState, call: &Call, disable: bool) -> ApiResult {
    let (caller, id) = writable(state, call).await?;
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    tx.execute(
        "UPDATE usergroups
             SET date_delete = CASE WHEN $2 THEN extract(epoch FROM now())::bigint ELSE 0 END,
                 deleted_by = CASE WHEN $2 THEN $3 END,
                 updated_by = $3, date_update = extract(epoch FROM now())::bigint
             WHERE id = $1",
        &[&id, &disable, &caller.user_id],
    )
    .await?;
    let detail = Detail::of_change(call);
    finish(state, tx, (&caller, &id), detail, "subteam_updated").await
}

/// `usergroups.users.list`: a group's members (of a disabled group only with
/// `include_disabled`).
pub(crate) async fn users_list(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["usergroups:read"]).await?;
    let id = call.args.required("usergroup")?;
    let row = find(&state.kit.db().await?, &caller, &id).await?;
    if row.get::<_, i64>(7) != 0 && !call.args.flag("include_disabled").unwrap_or(false) {
        return Err(ApiError::new("no_such_subteam"));
    }
    reply([("users", json!(row.get::<_, Vec<String>>(12)))])
}

/// `usergroups.users.update`: replaces a group's members with `users`.
pub(crate) async fn users_update(state: &AppState, call: &Call) -> ApiResult {
    let (caller, id) = writable(state, call).await?;
    let mut users = call.args.list("users");
    users.sort();
    users.dedup();
    if users.is_empty() {
        return Err(ApiError::new("no_users_provided"));
    }
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let known = tx
        .query_one(
            "SELECT count(*) FROM users WHERE team_id = $1 AND id = ANY($2) AND NOT deleted",
            &[&caller.team_id, &users],
        )
        .await?;
    if usize::try_from(known.get::<_, i64>(0)).unwrap_or(0) != users.len() {
        return Err(ApiError::new("invalid_users"));
    }
    // Two replacements at once take turns: the second reads the members the first left.
    tx.execute("SELECT 1 FROM usergroups WHERE id = $1 FOR UPDATE", &[&id])
        .await?;
    let before = find(&tx, &caller, &id).await?;
    let previous: Vec<String> = before.get(12);
    tx.execute(
        "DELETE FROM usergroup_members WHERE usergroup_id = $1",
        &[&id],
    )
    .await?;
    tx.execute(
        "INSERT INTO usergroup_members (usergroup_id, user_id)
         SELECT $1, u FROM unnest($2::text[]) u",
        &[&id, &users],
    )
    .await?;
    tx.execute(
        "UPDATE usergroups SET updated_by = $2, date_update = extract(epoch FROM now())::bigint
         WHERE id = $1",
        &[&id, &caller.user_id],
    )
    .await?;
    let added: Vec<&String> = users.iter().filter(|u| !previous.contains(u)).collect();
    let removed: Vec<&String> = previous.iter().filter(|u| !users.contains(u)).collect();
    let changed = json!({
        "type": "subteam_members_changed",
        "subteam_id": id,
        "team_id": caller.team_id,
        "date_previous_update": before.get::<_, i64>(6),
        "date_update": crate::ts::now_seconds(),
        "added_users": added,
        "added_users_count": added.len().to_string(),
        "removed_users": removed,
        "removed_users_count": removed.len().to_string(),
        "event_ts": crate::ts::event_ts(),
    });
    emit(&tx, "subteam_members_changed", None, &changed).await?;
    let detail = Detail::of_change(call);
    finish(state, tx, (&caller, &id), detail, "subteam_updated").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_lose_their_at_sign_and_case() {
        assert_eq!(clean_handle(" @On-Call "), "on-call");
    }
}
