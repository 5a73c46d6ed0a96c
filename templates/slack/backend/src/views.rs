//! App views: `views.publish` (a person's Home tab) and `views.update`; `views.open` and
//! `views.push`, which need a `trigger_id` from an interaction the clone never sends, answer
//! Slack's `invalid_trigger_id`.

use asym_kit::tokio_postgres::Row;
use serde_json::{Value, json};

use crate::auth::{Caller, caller};
use crate::error::{ApiError, ApiResult, reply};
use crate::model::blocks::{Surface, validate_on};
use crate::model::content::with_block_ids;
use crate::{AppState, Call};

/// Longest modal title.
const MAX_TITLE: usize = 24;

/// The columns [`view_json`] reads over `views v JOIN bots b`.
const COLUMNS: &str = "v.id, v.team_id, v.type, v.view::text, v.hash, v.external_id, b.app_id,
    v.bot_id";

/// The view object: what the app sent, with Slack's own fields.
fn view_json(row: &Row) -> Value {
    let id: String = row.get(0);
    let sent: Value = serde_json::from_str(row.get(3)).unwrap_or(Value::Null);
    let field = |name: &str, default: Value| sent.get(name).cloned().unwrap_or(default);
    json!({
        "id": id,
        "team_id": row.get::<_, String>(1),
        "type": row.get::<_, String>(2),
        "title": field("title", Value::Null),
        "close": field("close", Value::Null),
        "submit": field("submit", Value::Null),
        "blocks": field("blocks", json!([])),
        "private_metadata": field("private_metadata", json!("")),
        "callback_id": field("callback_id", json!("")),
        "state": { "values": {} },
        "hash": row.get::<_, String>(4),
        "clear_on_close": field("clear_on_close", json!(false)),
        "notify_on_close": field("notify_on_close", json!(false)),
        "root_view_id": id,
        "previous_view_id": null,
        "app_id": row.get::<_, String>(6),
        "external_id": row.get::<_, Option<String>>(5).unwrap_or_default(),
        "app_installed_team_id": row.get::<_, String>(1),
        "bot_id": row.get::<_, String>(7),
    })
}

/// The caller, which must be the app's bot.
async fn bot(state: &AppState, call: &Call) -> Result<(Caller, String), ApiError> {
    let caller = caller(state, call).await?;
    match caller.bot_id.clone() {
        Some(bot_id) => Ok((caller, bot_id)),
        None => Err(ApiError::new("not_allowed_token_type")),
    }
}

/// The call's `view`, checked as Slack checks one (`type` `home` or `modal`, a modal's
/// `title`, the blocks), its blocks given their `block_id`s.
fn view_arg(call: &Call) -> Result<Value, ApiError> {
    let invalid = |message: &str| ApiError::invalid_arguments(message);
    let mut view = match call.args.json("view", "invalid_arguments")? {
        Some(Value::Object(view)) => view,
        Some(_) => return Err(invalid("view must be an object")),
        None => return Err(invalid("missing required field: view")),
    };
    match view.get("type").and_then(Value::as_str) {
        Some("home") => {}
        Some("modal") => {
            let title = view
                .get("title")
                .and_then(|t| t.get("text"))
                .and_then(Value::as_str);
            match title {
                None => return Err(invalid("missing required field: title")),
                Some(text) if text.chars().count() > MAX_TITLE => {
                    return Err(invalid("title must be at most 24 characters"));
                }
                Some(_) => {}
            }
        }
        _ => return Err(invalid("view.type must be home or modal")),
    }
    let blocks = match view.remove("blocks") {
        Some(Value::Array(items)) => items,
        Some(_) => return Err(ApiError::new("invalid_blocks_format")),
        None => return Err(invalid("missing required field: blocks")),
    };
    validate_on(&blocks, Surface::View)?;
    view.insert("blocks".into(), with_block_ids(Value::Array(blocks)));
    Ok(Value::Object(view))
}

/// A new `hash`: the time, then eight random hex digits.
fn new_hash() -> String {
    let random = asym_kit::token::hash(&asym_kit::token::random_alnum(16));
    format!("{}.{}", crate::ts::now_seconds(), &random[..8])
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
             WHERE team_id = $1 AND (id = $2 OR external_id = $3) FOR UPDATE",
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
    let row = tx
        .query_one(
            &format!(
                "WITH v AS (
                   UPDATE views SET view = $2::text::json, hash = $3, bot_id = $4,
                          external_id = $5, updated = extract(epoch FROM now())::bigint
                   WHERE id = $1 RETURNING *)
                 SELECT {COLUMNS} FROM v JOIN bots b ON b.id = v.bot_id"
            ),
            &[
                &current.get::<_, &str>(0),
                &view.to_string(),
                &new_hash(),
                &bot_id,
                &external,
            ],
        )
        .await?;
    state.commit(tx).await?;
    reply([("view", view_json(&row))])
}

/// `views.open` and `views.push`: a modal needs a `trigger_id` from an interaction within
/// the last three seconds; the clone sends no interactions, so none is valid.
pub(crate) async fn open(state: &AppState, call: &Call) -> ApiResult {
    bot(state, call).await?;
    if call.args.non_empty("trigger_id").is_none()
        && call.args.non_empty("interactivity_pointer").is_none()
    {
        return Err(ApiError::invalid_arguments(
            "missing required field: trigger_id",
        ));
    }
    view_arg(call)?;
    Err(ApiError::new("invalid_trigger_id"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_change_every_time() {
        assert_ne!(new_hash(), new_hash());
        assert_eq!(new_hash().split('.').nth(1).unwrap().len(), 8);
    }
}
