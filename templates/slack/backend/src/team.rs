//! The workspace and its app: `team.info`, `team.profile.get`, `bots.info`.

use serde_json::json;

use crate::auth::caller_with;
use crate::error::{ApiError, ApiResult, reply};
use crate::json::row_object;
use crate::model::message::BOT_ICONS;
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
    let icon = json!({
        "image_34": "https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-34.png",
        "image_44": "https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-44.png",
        "image_68": "https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-68.png",
        "image_88": "https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-88.png",
        "image_102": "https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-102.png",
        "image_132": "https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-132.png",
        "image_230": "https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-230.png",
        "image_default": true,
    });
    reply([(
        "team",
        json!({
            "id": row.get::<_, String>(0),
            "name": row.get::<_, String>(1),
            "url": format!("{}/", state.kit.config().public_url),
            "domain": domain,
            "email_domain": format!("{domain}.test"),
            "icon": icon,
            "avatar_base_url": "https://ca.slack-edge.com/",
            "is_verified": false,
            "lob_sales_home_enabled": false,
            "is_sfdc_auto_slack": false,
        }),
    )])
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
