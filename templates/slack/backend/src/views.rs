//! App views: `views.publish` (a person's Home tab), `views.open` and `views.push` (a modal,
//! with a `trigger_id` the clone minted for a command or an interaction within the last three
//! seconds), and `views.update`.

use serde_json::Value;

use crate::auth::{Caller, caller};
use crate::error::{ApiError, ApiResult, reply};
use crate::model::interaction::exchange_trigger;
use crate::model::view::{COLUMNS, Placement, checked, new_hash, open_modal, replace, view_json};
use crate::{AppState, Call};

/// The caller, which must be the app's bot.
async fn bot(state: &AppState, call: &Call) -> Result<(Caller, String), ApiError> {
    let caller = caller(state, call).await?;
    match caller.bot_id.clone() {
        Some(bot_id) => Ok((caller, bot_id)),
        None => Err(ApiError::new("not_allowed_token_type")),
    }
}

/// The call's `view`, [`checked`].
fn view_arg(call: &Call) -> Result<Value, ApiError> {
    match call.args.json("view", "invalid_arguments")? {
        Some(view) => checked(view),
        None => Err(ApiError::invalid_arguments("missing required field: view")),
    }
}

/// Fails with `hash_conflict` when the call sends a `hash` other than `current`.
fn check_hash(call: &Call, current: Option<&str>) -> Result<(), ApiError> {
    match (call.args.non_empty("hash"), current) {
        (Some(sent), Some(current)) if sent != current => Err(ApiError::new("hash_conflict")),
        _ => Ok(()),
    }
}

/// `views.publish`: sets `user_id`'s Home tab to `view` (of type `home`), keeping its id.
pub(crate) async fn publish(state: &AppState, call: &Call) -> ApiResult {
    let (caller, bot_id) = bot(state, call).await?;
    let user = call.args.required("user_id")?;
    let view = view_arg(call)?;
    if view["type"] != "home" {
        return Err(ApiError::invalid_arguments(
            "views.publish takes a home view",
        ));
    }
    crate::model::user::find(state, &caller, &user).await?;
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let current = tx
        .query_opt(
            "SELECT hash FROM views WHERE user_id = $1 AND type = 'home' FOR UPDATE",
            &[&user.trim()],
        )
        .await?;
    check_hash(call, current.as_ref().map(|row| row.get(0)))?;
    let row = tx
        .query_one(
            &format!(
                "WITH v AS (
                   INSERT INTO views (team_id, user_id, bot_id, type, view, hash, external_id,
                                      updated)
                   VALUES ($1, $2, $3, 'home', $4::text::json, $5, $6,
                           extract(epoch FROM now())::bigint)
                   ON CONFLICT (user_id) WHERE type = 'home'
                   DO UPDATE SET view = EXCLUDED.view, hash = EXCLUDED.hash,
                                 external_id = EXCLUDED.external_id, updated = EXCLUDED.updated,
                                 bot_id = EXCLUDED.bot_id
                   RETURNING *)
                 SELECT {COLUMNS} FROM v JOIN bots b ON b.id = v.bot_id"
            ),
            &[
                &caller.team_id,
                &user.trim(),
                &bot_id,
                &view.to_string(),
                &new_hash(),
                &view.get("external_id").and_then(Value::as_str),
            ],
        )
        .await?;
    state.commit(tx).await?;
    reply([("view", view_json(&row))])
}

/// `views.update`: replaces the view `view_id` (or the one with `external_id`) with `view`.
pub(crate) async fn update(state: &AppState, call: &Call) -> ApiResult {
    let (caller, bot_id) = bot(state, call).await?;
    let view_id = call.args.non_empty("view_id");
    let external_id = call.args.non_empty("external_id");
    if view_id.is_none() && external_id.is_none() {
        return Err(ApiError::invalid_arguments(
            "missing required field: view_id or external_id",
        ));
    }
    let view = view_arg(call)?;
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let current = tx
        .query_opt(
            "SELECT id, hash, type FROM views
             WHERE team_id = $1 AND (id = $2 OR external_id = $3) AND NOT closed FOR UPDATE",
            &[&caller.team_id, &view_id, &external_id],
        )
        .await?
        .ok_or_else(|| ApiError::new("not_found"))?;
    check_hash(call, Some(current.get(1)))?;
    if view["type"].as_str() != Some(current.get::<_, &str>(2)) {
        return Err(ApiError::invalid_arguments("a view keeps its type"));
    }
    let external = view
        .get("external_id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or(external_id);
    let id: &str = current.get(0);
    let view = replace(&tx, id, &view, &bot_id, external.as_deref()).await?;
    state.commit(tx).await?;
    reply([("view", view)])
}

/// `views.open` and `views.push`: a modal for the person whose command or interaction
/// minted the `trigger_id` (three seconds, once). `views.push` puts it on top of the modal
/// the interaction came from (or the person's open one), at most three deep.
pub(crate) async fn open(state: &AppState, call: &Call) -> ApiResult {
    let (caller, bot_id) = bot(state, call).await?;
    let trigger = call
        .args
        .non_empty("trigger_id")
        .or_else(|| call.args.non_empty("interactivity_pointer"))
        .ok_or_else(|| ApiError::invalid_arguments("missing required field: trigger_id"))?;
    let view = view_arg(call)?;
    if view["type"] != "modal" {
        return Err(ApiError::invalid_arguments(
            "views.open and views.push take a modal view",
        ));
    }
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let trigger = exchange_trigger(&tx, &trigger).await?;
    let onto = if call.method == "views.push" {
        match trigger.view_id {
            Some(id) => Some(id),
            None => tx
                .query_opt(
                    "SELECT id FROM views WHERE user_id = $1 AND type = 'modal' AND NOT closed
                     ORDER BY id DESC LIMIT 1",
                    &[&trigger.user_id],
                )
                .await?
                .map(|row| row.get(0)),
        }
    } else {
        None
    };
    let placement = Placement {
        team_id: &caller.team_id,
        user_id: &trigger.user_id,
        bot_id: &bot_id,
        onto: onto.as_deref(),
    };
    let view = open_modal(&tx, &placement, &view).await?;
    state.commit(tx).await?;
    reply([("view", view)])
}
