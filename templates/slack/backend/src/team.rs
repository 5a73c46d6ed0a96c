//! The workspace and its app: `team.info`, `team.profile.get`, `team.preferences.list`,
//! `team.billableInfo`, `team.billing.info`, `bots.info`, `auth.teams.list`.

use serde_json::{Value, json};

use crate::args::{cursor_value, next_cursor, next_page};
use crate::auth::{caller, caller_with, person};
use crate::error::{ApiError, ApiResult, reply};
use crate::json::row_object;
use crate::model::message::BOT_ICONS;
use crate::model::user::team_icon;
use crate::{AppState, Call};

/// `team.info`: the caller's workspace (`team` may name it; any other id is
/// `team_not_found`).
pub(crate) async fn info(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["team:read"]).await?;
    if let Some(team) = call.args.non_empty("team")
        && team != caller.team_id
    {
        return Err(ApiError::new("team_not_found"));
    }
    let client = state.kit.db().await?;
    let row = client
        .query_one(
            "SELECT id, name, domain FROM teams WHERE id = $1",
            &[&caller.team_id],
        )
        .await?;
    let domain: String = row.get(2);
    reply([(
        "team",
        json!({
            "id": row.get::<_, String>(0),
            "name": row.get::<_, String>(1),
            "url": format!("{}/", state.kit.config().public_url),
            "domain": domain,
            "email_domain": format!("{domain}.test"),
            "icon": icon(),
            "avatar_base_url": "https://ca.slack-edge.com/",
            "is_verified": false,
            "lob_sales_home_enabled": false,
            "is_sfdc_auto_slack": false,
        }),
    )])
}

/// A workspace's icon (the default one: the clone's workspaces upload none).
fn icon() -> Value {
    let mut icon: serde_json::Map<String, Value> = [34, 44, 68, 88, 102, 132, 230]
        .iter()
        .map(|size| (format!("image_{size}"), json!(team_icon(*size))))
        .collect();
    icon.insert("image_default".into(), json!(true));
    Value::Object(icon)
}

/// `auth.teams.list`: the workspaces the token may act in, `{id, name}` (with `icon` given
/// `include_icon`). An org-wide app lists each workspace of its org; a clone's app is
/// installed in one workspace, so the list holds it alone, on one page (`limit` and
/// `cursor` are taken and change nothing). Any token may ask; no scope is needed.
pub(crate) async fn teams_list(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    let mut team = json!({ "id": caller.team_id, "name": caller.team_name });
    if call.args.flag("include_icon") == Some(true) {
        team["icon"] = icon();
    }
    reply([
        ("teams", json!([team])),
        ("response_metadata", json!({ "next_cursor": "" })),
    ])
}

/// `bots.info`: a bot by id (`bot`), e.g. the `bot_id` of a message.
pub(crate) async fn bots_info(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["users:read"]).await?;
    let bot = call.args.non_empty_or("bot", "bot_not_found")?;
    let client = state.kit.db().await?;
    let row = client
        .query_opt(
            "SELECT id, deleted, name, updated, app_id, user_id FROM bots
             WHERE id = $1 AND team_id = $2",
            &[&bot, &caller.team_id],
        )
        .await?
        .ok_or_else(|| ApiError::new("bot_not_found"))?;
    let mut bot = row_object(&row);
    bot["icons"] = BOT_ICONS
        .iter()
        .map(|(size, url)| ((*size).to_owned(), json!(url)))
        .collect::<serde_json::Map<_, _>>()
        .into();
    reply([("bot", bot)])
}

/// `team.profile.get`: the workspace's custom profile fields. The clone's workspaces define
/// none (users' profiles carry `fields: null`), so the list is empty.
pub(crate) async fn profile_get(state: &AppState, call: &Call) -> ApiResult {
    caller_with(state, call, &["users.profile:read"]).await?;
    reply([("profile", json!({ "fields": [] }))])
}

/// `team.preferences.list` (`team.preferences:read`): the workspace preferences Slack answers,
/// at Slack's defaults, which the clone's workspaces keep (no method changes them): messages
/// editable any time (`msg_edit_window_mins: -1`), display names shown rather than real
/// names, file uploads allowed, and anyone may post in #general. `allow_message_deletion` is
/// not answered: Slack deprecated it in August 2025.
pub(crate) async fn preferences_list(state: &AppState, call: &Call) -> ApiResult {
    caller_with(state, call, &["team.preferences:read"]).await?;
    reply([
        ("msg_edit_window_mins", json!(-1)),
        ("display_real_names", json!(false)),
        ("disable_file_uploads", json!("allow_all")),
        ("who_can_post_general", json!("everyone")),
    ])
}

/// `team.billing.info` (`team.billing:read`, bot or user tokens): the workspace's plan. The
/// clone's workspaces are on Pro (`std`), the plan whose features they have (user groups,
/// standalone canvases); plan limits such as the free plan's history are not modelled.
pub(crate) async fn billing_info(state: &AppState, call: &Call) -> ApiResult {
    caller_with(state, call, &["team.billing:read"]).await?;
    reply([("plan", json!("std"))])
}

/// `team.billableInfo` (user tokens holding `admin`): `billable_info`, each user's
/// `billing_active` under Slack's Fair Billing policy, by user id: true for an active person,
/// false for a deactivated one, a bot or Slackbot (never billed). All of the workspace's users
/// (as `users.list` lists them), by id, paged with `limit` (at most 1,000) and `cursor`; or
/// the one `user` names (`user_not_found` when the workspace has no such user). The clone
/// keeps no activity, so no active person counts as inactive for billing.
pub(crate) async fn billable_info(state: &AppState, call: &Call) -> ApiResult {
    let caller = person(state, call, "admin").await?;
    let user = call.args.non_empty("user");
    let after = cursor_value(call.args.non_empty("cursor"), "user")?;
    let limit = call.args.limit(1000, 1000)?;
    let client = state.kit.db().await?;
    let mut rows = client
        .query(
            "SELECT id, NOT (is_bot OR deleted OR id = 'USLACKBOT') FROM users
             WHERE team_id = $1 AND ($2::text IS NULL OR id = $2)
               AND ($3::text IS NULL OR id >= $3)
             ORDER BY id LIMIT $4",
            &[&caller.team_id, &user, &after, &(limit + 1)],
        )
        .await?;
    if user.is_some() && rows.is_empty() {
        return Err(ApiError::new("user_not_found"));
    }
    let next = next_page(&mut rows, limit).map(|row| row.get::<_, String>(0));
    let info: serde_json::Map<String, Value> = rows
        .iter()
        .map(|row| {
            let active: bool = row.get(1);
            (row.get(0), json!({ "billing_active": active }))
        })
        .collect();
    reply([
        ("billable_info", Value::Object(info)),
        ("response_metadata", next_cursor("user", next.as_deref())),
    ])
}
