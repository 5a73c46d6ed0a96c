//! App views (`V…`): Home tabs and modals. A modal belongs to the person it was opened for
//! and sits in a stack (`root_view_id`, `previous_view_id`) of at most three; the top open
//! view of a stack is what the person sees.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::model::blocks::{Surface, validate_on};
use crate::model::content::with_block_ids;

/// Longest modal title.
const MAX_TITLE: usize = 24;

/// Most views a modal stack holds (`push_limit_reached` past it).
pub(crate) const MAX_STACK: i64 = 3;

/// The columns [`view_json`] reads over `views v JOIN bots b`.
pub(crate) const COLUMNS: &str = "v.id, v.team_id, v.type, v.view::text, v.hash, v.external_id,
    b.app_id, v.bot_id, v.root_view_id, v.previous_view_id, v.state::text";

/// The view object: what the app sent, with Slack's own fields.
pub(crate) fn view_json(row: &Row) -> Value {
    let id: String = row.get(0);
    let sent: Value = serde_json::from_str(row.get(3)).unwrap_or(Value::Null);
    let field = |name: &str, default: Value| sent.get(name).cloned().unwrap_or(default);
    let state = row
        .get::<_, Option<&str>>(10)
        .and_then(|state| serde_json::from_str(state).ok())
        .unwrap_or_else(|| json!({ "values": {} }));
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
        "state": state,
        "hash": row.get::<_, String>(4),
        "clear_on_close": field("clear_on_close", json!(false)),
        "notify_on_close": field("notify_on_close", json!(false)),
        "root_view_id": row.get::<_, Option<String>>(8).unwrap_or_else(|| id.clone()),
        "previous_view_id": row.get::<_, Option<String>>(9),
        "app_id": row.get::<_, String>(6),
        "external_id": row.get::<_, Option<String>>(5).unwrap_or_default(),
        "app_installed_team_id": row.get::<_, String>(1),
        "bot_id": row.get::<_, String>(7),
    })
}

/// `view`, checked as Slack checks one (`type` `home` or `modal`, a modal's `title`, the
/// blocks), its blocks given their `block_id`s.
///
/// # Errors
///
/// `invalid_arguments` naming the problem; `invalid_blocks_format`, `invalid_blocks`.
pub(crate) fn checked(view: Value) -> Result<Value, ApiError> {
    let invalid = |message: &str| ApiError::invalid_arguments(message);
    let Value::Object(mut view) = view else {
        return Err(invalid("view must be an object"));
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
pub(crate) fn new_hash() -> String {
    let random = asym_kit::token::hash(&asym_kit::token::random_alnum(16));
    format!("{}.{}", crate::ts::now_seconds(), &random[..8])
}

/// Who a modal is opened for, by which bot, and where in a stack.
pub(crate) struct Placement<'a> {
    /// The workspace.
    pub(crate) team_id: &'a str,
    /// The person who sees it.
    pub(crate) user_id: &'a str,
    /// The app's bot.
    pub(crate) bot_id: &'a str,
    /// The view it is pushed onto; `None` opens a new stack (closing the person's others).
    pub(crate) onto: Option<&'a str>,
}

/// Opens the modal `view` (checked) as `placement` says: a new stack, or pushed onto a view
/// (`push_limit_reached` when its stack holds [`MAX_STACK`] open views).
///
/// # Errors
///
/// `push_limit_reached`; `internal_error` when Postgres fails.
pub(crate) async fn open_modal(
    client: &impl GenericClient,
    placement: &Placement<'_>,
    view: &Value,
) -> Result<Value, ApiError> {
    let root = match placement.onto {
        Some(onto) => {
            let row = client
                .query_one(
                    "SELECT COALESCE(v.root_view_id, v.id),
                            (SELECT count(*) FROM views s
                             WHERE NOT s.closed
                               AND COALESCE(s.root_view_id, s.id)
                                   = COALESCE(v.root_view_id, v.id))
                     FROM views v WHERE v.id = $1",
                    &[&onto],
                )
                .await?;
            if row.get::<_, i64>(1) >= MAX_STACK {
                return Err(ApiError::new("push_limit_reached"));
            }
            Some(row.get::<_, String>(0))
        }
        None => {
            client
                .execute(
                    "UPDATE views SET closed = true
                     WHERE user_id = $1 AND type = 'modal' AND NOT closed",
                    &[&placement.user_id],
                )
                .await?;
            None
        }
    };
    let row = client
        .query_one(
            &format!(
                "WITH v AS (
                   INSERT INTO views (team_id, user_id, bot_id, type, view, hash, external_id,
                                      updated, root_view_id, previous_view_id)
                   VALUES ($1, $2, $3, 'modal', $4::text::json, $5, $6,
                           extract(epoch FROM now())::bigint, $7, $8)
                   RETURNING *)
                 SELECT {COLUMNS} FROM v JOIN bots b ON b.id = v.bot_id"
            ),
            &[
                &placement.team_id,
                &placement.user_id,
                &placement.bot_id,
                &view.to_string(),
                &new_hash(),
                &view.get("external_id").and_then(Value::as_str),
                &root,
                &placement.onto,
            ],
        )
        .await?;
    Ok(view_json(&row))
}

/// Replaces the content of view `id` with `view` (checked), by `bot_id`, keeping its place
/// and its `state`; a new `hash`.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn replace(
    client: &impl GenericClient,
    id: &str,
    view: &Value,
    bot_id: &str,
    external_id: Option<&str>,
) -> Result<Value, ApiError> {
    let row = client
        .query_one(
            &format!(
                "WITH v AS (
                   UPDATE views SET view = $2::text::json, hash = $3, bot_id = $4,
                          external_id = $5, updated = extract(epoch FROM now())::bigint
                   WHERE id = $1 RETURNING *)
                 SELECT {COLUMNS} FROM v JOIN bots b ON b.id = v.bot_id"
            ),
            &[&id, &view.to_string(), &new_hash(), &bot_id, &external_id],
        )
        .await?;
    Ok(view_json(&row))
}

/// The view `id` shown to `user` (their Home tab, or a modal of theirs still open), as its
/// view object, locked for the change to come.
///
/// # Errors
///
/// 404 `view_not_found` when there is none; `internal_error` when Postgres fails.
pub(crate) async fn find_shown(
    client: &impl GenericClient,
    id: &str,
    user: &str,
) -> Result<Value, ApiError> {
    let row = client
        .query_opt(
            &format!(
                "SELECT {COLUMNS} FROM views v JOIN bots b ON b.id = v.bot_id
                 WHERE v.id = $1 AND v.user_id = $2 AND NOT v.closed
                 FOR UPDATE OF v"
            ),
            &[&id, &user],
        )
        .await?;
    row.map(|row| view_json(&row))
        .ok_or_else(|| view_not_found(id, user))
}

/// 404 `view_not_found`: `user` is shown no view `id`.
pub(crate) fn view_not_found(id: &str, user: &str) -> ApiError {
    ApiError::status(axum::http::StatusCode::NOT_FOUND, "view_not_found")
        .with("message", format!("{user} is shown no view {id}"))
}

/// The open modal `id` shown to `user`, as [`find_shown`] finds it.
///
/// # Errors
///
/// 404 `view_not_found` when `user` has no such modal open.
pub(crate) async fn find_open_modal(
    client: &impl GenericClient,
    id: &str,
    user: &str,
) -> Result<Value, ApiError> {
    let view = find_shown(client, id, user).await?;
    if view["type"] == "modal" {
        Ok(view)
    } else {
        Err(view_not_found(id, user))
    }
}

/// Keeps `state` (`{"values": …}`) as what view `id` was last submitted with.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn set_state(
    client: &impl GenericClient,
    id: &str,
    state: &Value,
) -> Result<(), ApiError> {
    client
        .execute(
            "UPDATE views SET state = $2::text::json WHERE id = $1",
            &[&id, &state.to_string()],
        )
        .await?;
    Ok(())
}

/// Closes view `id`, or with `whole_stack` every view of its stack.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn close(
    client: &impl GenericClient,
    id: &str,
    whole_stack: bool,
) -> Result<(), ApiError> {
    client
        .execute(
            "UPDATE views s SET closed = true FROM views v
             WHERE v.id = $1 AND (s.id = v.id OR ($2 AND COALESCE(s.root_view_id, s.id)
                                                    = COALESCE(v.root_view_id, v.id)))",
            &[&id, &whole_stack],
        )
        .await?;
    Ok(())
}

/// The open modals of `user`'s stack, bottom first.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn open_modals(
    client: &impl GenericClient,
    user: &str,
) -> Result<Vec<Value>, ApiError> {
    let rows = client
        .query(
            &format!(
                "SELECT {COLUMNS} FROM views v JOIN bots b ON b.id = v.bot_id
                 WHERE v.user_id = $1 AND v.type = 'modal' AND NOT v.closed
                 ORDER BY v.id"
            ),
            &[&user],
        )
        .await?;
    Ok(rows.iter().map(view_json).collect())
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
