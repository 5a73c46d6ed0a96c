//! Saved items, formerly stars: `stars.add`, `stars.remove`, `stars.list`.
//!
//! User tokens only (`stars:write`, `stars:read`), as Slack grants these scopes to people
//! alone: a bot token answers `not_allowed_token_type`. A person saves a message (`channel` +
//! `timestamp`), a file (`file`) or a conversation (`channel` alone), and lists what they
//! saved, newest first. File comments, which Slack retired in 2018, do not exist:
//! `file_comment` answers `file_comment_not_found`.

use serde_json::{Map, Value, json};

use crate::args::OffsetPage;
use crate::auth::{Caller, person};
use crate::error::{ApiError, ApiResult, reply};
use crate::files::{FILE_COLUMNS, VISIBLE, answered_rows};
use crate::model::conversation::{Naming, resolve};
use crate::model::message;
use crate::ts::Ts;
use crate::{AppState, Call};

/// What a call saves or unsaves.
#[derive(Debug)]
enum Item {
    /// A message: its conversation and `ts`.
    Message(String, Ts),
    /// A file.
    File(String),
    /// A conversation, with its type as `stars.list` names it (`channel`, `group`, `im`).
    Conversation(String, &'static str),
}

/// What the arguments name, unchecked: `file_comment`, else `file`, else `channel` (with
/// `timestamp`, a message in it).
enum Named {
    FileComment,
    File(String),
    Message(String, String),
    Conversation(String),
}

/// Reads the item arguments.
///
/// # Errors
///
/// `no_item_specified` when none names an item (a `timestamp` alone names none).
fn named(call: &Call) -> Result<Named, ApiError> {
    if call.args.non_empty("file_comment").is_some() {
        return Ok(Named::FileComment);
    }
    if let Some(file) = call.args.non_empty("file") {
        return Ok(Named::File(file));
    }
    match (
        call.args.non_empty("channel"),
        call.args.non_empty("timestamp"),
    ) {
        (Some(channel), Some(ts)) => Ok(Named::Message(channel, ts)),
        (Some(channel), None) => Ok(Named::Conversation(channel)),
        (None, _) => Err(ApiError::new("no_item_specified")),
    }
}

/// The item the call names, checked against what the caller can see.
///
/// # Errors
///
/// `no_item_specified`, `file_comment_not_found`, `file_not_found`, `bad_timestamp`,
/// `channel_not_found`, `message_not_found`.
async fn item(state: &AppState, caller: &Caller, call: &Call) -> Result<Item, ApiError> {
    match named(call)? {
        Named::FileComment => Err(ApiError::new("file_comment_not_found")),
        Named::File(id) => {
            let client = state.kit.db().await?;
            let visible = client
                .query_opt(
                    &format!(
                        "SELECT 1 FROM files f WHERE f.id = $3 AND NOT f.deleted AND {VISIBLE}"
                    ),
                    &[&caller.team_id, &caller.user_id, &id.trim()],
                )
                .await?;
            match visible {
                Some(_) => Ok(Item::File(id.trim().to_owned())),
                None => Err(ApiError::new("file_not_found")),
            }
        }
        Named::Message(channel, ts) => {
            let ts = Ts::parse(&ts).ok_or_else(|| ApiError::new("bad_timestamp"))?;
            let conversation = resolve(state, caller, &channel, Naming::IdOnly).await?;
            message::find(&state.kit.db().await?, &conversation.id, ts, false).await?;
            Ok(Item::Message(conversation.id, ts))
        }
        Named::Conversation(channel) => {
            let conversation = resolve(state, caller, &channel, Naming::IdOnly).await?;
            let kind = match conversation.kind.as_str() {
                "public_channel" => "channel",
                "im" => "im",
                _ => "group",
            };
            Ok(Item::Conversation(conversation.id, kind))
        }
    }
}

impl Item {
    /// The stored row's `item`, `channel_id`, `ts` and `file_id`.
    fn columns(&self) -> (&str, Option<&String>, Option<String>, Option<&String>) {
        match self {
            Self::Message(channel, ts) => ("message", Some(channel), Some(ts.to_string()), None),
            Self::File(file) => ("file", None, None, Some(file)),
            Self::Conversation(channel, kind) => (*kind, Some(channel), None, None),
        }
    }
}

/// Runs `sql` (the caller, then the item's `item`, `channel_id`, `ts`, `file_id`) on the
/// item the call names; `unchanged` when it touched no row.
async fn change(state: &AppState, call: &Call, sql: &str, unchanged: &'static str) -> ApiResult {
    let caller = person(state, call, "stars:write").await?;
    let item = item(state, &caller, call).await?;
    let (kind, channel, ts, file) = item.columns();
    let changed = state
        .kit
        .db()
        .await?
        .execute(sql, &[&caller.user_id, &kind, &channel, &ts, &file])
        .await?;
    if changed == 0 {
        return Err(ApiError::new(unchanged));
    }
    Ok(Map::new())
}

/// `stars.add`: saves a message, file or conversation for the caller; `already_starred` when
/// it is saved already.
pub(crate) async fn add(state: &AppState, call: &Call) -> ApiResult {
    let sql = "INSERT INTO stars (user_id, item, channel_id, ts, file_id, date_create)
               VALUES ($1, $2, $3, $4::text::numeric, $5, extract(epoch FROM now())::bigint)
               ON CONFLICT DO NOTHING";
    change(state, call, sql, "already_starred").await
}

/// `stars.remove`: unsaves an item; `not_starred` when the caller had not saved it.
pub(crate) async fn remove(state: &AppState, call: &Call) -> ApiResult {
    let sql = "DELETE FROM stars WHERE user_id = $1 AND item = $2
                 AND channel_id IS NOT DISTINCT FROM $3
                 AND ts IS NOT DISTINCT FROM $4::text::numeric
                 AND file_id IS NOT DISTINCT FROM $5";
    change(state, call, sql, "not_starred").await
}

/// `stars.list`: the caller's saved items, newest saved first, each with its `date_create`;
/// a message or file since deleted drops out. Paged with `count`/`page` or `limit`/`cursor`.
pub(crate) async fn list(state: &AppState, call: &Call) -> ApiResult {
    let caller = person(state, call, "stars:read").await?;
    let page = OffsetPage::parse(call)?;
    let client = state.kit.db().await?;
    let rows = client
        .query(
            "SELECT s.item, s.channel_id, s.ts::text, s.file_id, s.date_create, count(*) OVER ()
             FROM stars s
             WHERE s.user_id = $1
               AND (s.file_id IS NULL OR EXISTS (
                    SELECT 1 FROM files f WHERE f.id = s.file_id AND NOT f.deleted))
               AND (s.ts IS NULL OR EXISTS (
                    SELECT 1 FROM messages m WHERE m.channel_id = s.channel_id AND m.ts = s.ts))
             ORDER BY s.seq DESC
             LIMIT $2 OFFSET $3",
            &[&caller.user_id, &page.limit, &page.offset],
        )
        .await?;
    let total = rows.first().map_or(0, |row| row.get::<_, i64>(5));
    let file_ids: Vec<String> = rows.iter().filter_map(|row| row.get(3)).collect();
    let file_rows = client
        .query(
            &format!("SELECT {FILE_COLUMNS} FROM files f WHERE f.id = ANY($1)"),
            &[&file_ids],
        )
        .await?;
    let files = answered_rows(state, &client, &file_rows.iter().collect::<Vec<_>>()).await?;
    let public_url = &state.kit.config().public_url;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        let kind: String = row.get(0);
        let channel: Option<String> = row.get(1);
        let date_create: i64 = row.get(4);
        let item = match (kind.as_str(), channel) {
            ("message", Some(channel)) => {
                let ts = row
                    .get::<_, Option<String>>(2)
                    .as_deref()
                    .and_then(Ts::parse)
                    .ok_or_else(|| ApiError::new("internal_error"))?;
                let mut message = message::find(&client, &channel, ts, false).await?;
                if let Some(link) = message::permalink_of(public_url, &channel, &message) {
                    message["permalink"] = json!(link);
                }
                json!({ "type": "message", "channel": channel, "message": message, "date_create": date_create })
            }
            ("file", _) => {
                let id: Option<String> = row.get(3);
                let file = files
                    .iter()
                    .find(|file| file["id"].as_str() == id.as_deref())
                    .cloned()
                    .unwrap_or(Value::Null);
                json!({ "type": "file", "file": file, "date_create": date_create })
            }
            (kind, channel) => {
                json!({ "type": kind, "channel": channel, "date_create": date_create })
            }
        };
        items.push(item);
    }
    let [(_, mut paging), metadata] = page.answer(items.len(), total);
    // Slack's example pages this list with `per_page` and `spill` where others say `count`.
    if let Some(fields) = paging.as_object_mut() {
        let per_page = fields.remove("count").unwrap_or(Value::Null);
        fields.insert("per_page".to_owned(), per_page);
        fields.insert("spill".to_owned(), json!(0));
    }
    reply([("items", Value::Array(items)), ("paging", paging), metadata])
}
