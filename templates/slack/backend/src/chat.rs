//! Messages: the message object, and `chat.postMessage`.

use asym_kit::tokio_postgres::Row;
use serde_json::{Map, Value, json};

use crate::auth::{TokenKind, caller};
use crate::conversations::{Naming, channel_arg, resolve};
use crate::error::{ApiError, ApiResult};
use crate::{AppState, Call};

/// Longest `text` Slack accepts, in characters.
const MAX_TEXT_CHARS: usize = 40_000;
/// Most blocks one message may carry.
const MAX_BLOCKS: usize = 50;
/// Most attachments one message may carry.
const MAX_ATTACHMENTS: usize = 100;

/// The columns [`message_json`] reads, over `messages m` joined with [`MESSAGE_JOINS`].
pub(crate) const MESSAGE_COLUMNS: &str =
    "m.ts::text, m.user_id, m.bot_id, m.team_id, m.subtype, m.text,
    m.blocks::text, m.attachments::text, m.metadata::text, m.thread_ts::text, m.username,
    m.icon_emoji, m.icon_url, b.app_id, b.name, b.updated, b.deleted,
    p.user_id, r.reply_count, r.latest_reply, r.reply_users";

/// The joins [`MESSAGE_COLUMNS`] needs: the bot, the thread parent, the thread's replies.
pub(crate) const MESSAGE_JOINS: &str = "LEFT JOIN bots b ON b.id = m.bot_id
    LEFT JOIN messages p ON p.channel_id = m.channel_id AND p.ts = m.thread_ts AND m.thread_ts <> m.ts
    LEFT JOIN LATERAL (
        SELECT count(*) AS reply_count, max(x.ts)::text AS latest_reply,
               array_agg(x.user_id ORDER BY x.ts) FILTER (WHERE x.user_id IS NOT NULL) AS reply_users
        FROM messages x
        WHERE m.thread_ts = m.ts AND x.channel_id = m.channel_id
          AND x.thread_ts = m.ts AND x.ts <> m.ts
    ) r ON true";

/// The message object Slack returns from `conversations.history` and `chat.postMessage`.
pub(crate) fn message_json(row: &Row, include_metadata: bool) -> Value {
    let ts: String = row.get(0);
    let user: Option<String> = row.get(1);
    let bot_id: Option<String> = row.get(2);
    let team: String = row.get(3);
    let subtype: Option<String> = row.get(4);
    let text: String = row.get(5);
    let parse = |index: usize| -> Option<Value> {
        row.get::<_, Option<String>>(index)
            .and_then(|raw| serde_json::from_str(&raw).ok())
    };
    let thread_ts: Option<String> = row.get(9);
    let username: Option<String> = row.get(10);
    let icon_emoji: Option<String> = row.get(11);
    let icon_url: Option<String> = row.get(12);

    let mut message = Map::new();
    if let Some(user) = &user {
        message.insert("user".into(), json!(user));
    }
    message.insert("type".into(), json!("message"));
    message.insert("ts".into(), json!(ts));
    if let Some(subtype) = subtype {
        message.insert("subtype".into(), json!(subtype));
    }
    if let Some(bot_id) = &bot_id {
        let app_id: Option<String> = row.get(13);
        message.insert("bot_id".into(), json!(bot_id));
        message.insert("app_id".into(), json!(app_id));
    }
    message.insert("text".into(), json!(text));
    message.insert("team".into(), json!(team));
    if let Some(bot_id) = &bot_id {
        let app_id: Option<String> = row.get(13);
        let name: Option<String> = row.get(14);
        let updated: Option<i64> = row.get(15);
        let deleted: Option<bool> = row.get(16);
        message.insert(
            "bot_profile".into(),
            json!({
                "id": bot_id,
                "deleted": deleted.unwrap_or(false),
                "name": name,
                "updated": updated,
                "app_id": app_id,
                "team_id": team,
            }),
        );
    }
    if let Some(username) = username {
        message.insert("username".into(), json!(username));
    }
    if icon_emoji.is_some() || icon_url.is_some() {
        let mut icons = Map::new();
        if let Some(emoji) = icon_emoji {
            icons.insert("emoji".into(), json!(emoji));
        }
        if let Some(url) = icon_url {
            icons.insert("image_48".into(), json!(url));
        }
        message.insert("icons".into(), Value::Object(icons));
    }
    if let Some(blocks) = parse(6) {
        message.insert("blocks".into(), blocks);
    }
    if let Some(attachments) = parse(7) {
        message.insert("attachments".into(), attachments);
    }
    if include_metadata && let Some(metadata) = parse(8) {
        message.insert("metadata".into(), metadata);
    }
    if let Some(thread_ts) = thread_ts {
        let is_parent = thread_ts == ts;
        message.insert("thread_ts".into(), json!(thread_ts));
        if is_parent {
            let reply_count: i64 = row.get::<_, Option<i64>>(18).unwrap_or(0);
            let latest_reply: Option<String> = row.get(19);
            let mut reply_users: Vec<String> =
                row.get::<_, Option<Vec<String>>>(20).unwrap_or_default();
            dedupe_in_order(&mut reply_users);
            message.insert("reply_count".into(), json!(reply_count));
            message.insert("reply_users_count".into(), json!(reply_users.len()));
            message.insert(
                "latest_reply".into(),
                json!(latest_reply.unwrap_or_else(|| ts.clone())),
            );
            reply_users.truncate(5);
            message.insert("reply_users".into(), json!(reply_users));
            message.insert("is_locked".into(), json!(false));
            message.insert("subscribed".into(), json!(false));
        } else {
            let parent_user: Option<String> = row.get(17);
            if let Some(parent_user) = parent_user {
                message.insert("parent_user_id".into(), json!(parent_user));
            }
        }
    }
    Value::Object(message)
}

/// Gives every block without a `block_id` one, as Slack does: five characters, derived here
/// from the block and its position so a replayed post stores the same message, and unique
/// within the message.
fn with_block_ids(blocks: Value) -> Value {
    let Value::Array(mut items) = blocks else {
        return blocks;
    };
    let mut taken: std::collections::HashSet<String> = items
        .iter()
        .filter_map(|block| block.get("block_id")?.as_str().map(str::to_owned))
        .collect();
    for (index, block) in items.iter_mut().enumerate() {
        let Value::Object(fields) = block else {
            continue;
        };
        if fields.contains_key("block_id") {
            continue;
        }
        let seed = Value::Object(fields.clone()).to_string();
        let id = (0u32..)
            .map(|salt| asym_kit::token::hash(&format!("{index}:{salt}:{seed}"))[..5].to_owned())
            .find(|id| !taken.contains(id))
            .unwrap_or_default();
        taken.insert(id.clone());
        fields.insert("block_id".into(), Value::String(id));
    }
    Value::Array(items)
}

fn dedupe_in_order(items: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    items.retain(|item| seen.insert(item.clone()));
}

/// The content arguments of a post, validated.
#[derive(Debug, PartialEq)]
struct Content {
    text: String,
    blocks: Option<Value>,
    attachments: Option<Value>,
    metadata: Option<Value>,
}

impl Content {
    /// Validates `text`, `blocks`, `attachments` and `metadata` the way Slack does.
    fn parse(call: &Call) -> Result<Self, ApiError> {
        let args = &call.args;
        let text = args.string("text").unwrap_or_default();
        let blocks = args.json("blocks", "invalid_blocks_format")?;
        if let Some(blocks) = &blocks {
            let Value::Array(items) = blocks else {
                return Err(ApiError::new("invalid_blocks_format"));
            };
            let well_formed = items
                .iter()
                .all(|block| block.get("type").is_some_and(Value::is_string));
            if items.len() > MAX_BLOCKS || !well_formed {
                return Err(ApiError::new("invalid_blocks"));
            }
        }
        let attachments = args.json("attachments", "invalid_attachments")?;
        if let Some(attachments) = &attachments {
            let Value::Array(items) = attachments else {
                return Err(ApiError::new("invalid_attachments"));
            };
            if items.len() > MAX_ATTACHMENTS {
                return Err(ApiError::new("too_many_attachments"));
            }
            if !items.iter().all(Value::is_object) {
                return Err(ApiError::new("invalid_attachments"));
            }
        }
        let metadata = args.json("metadata", "invalid_metadata_format")?;
        if metadata.as_ref().is_some_and(|m| !m.is_object()) {
            return Err(ApiError::new("invalid_metadata_format"));
        }
        let blocks = blocks
            .filter(|b| b.as_array().is_some_and(|a| !a.is_empty()))
            .map(with_block_ids);
        let attachments = attachments.filter(|a| a.as_array().is_some_and(|a| !a.is_empty()));
        if text.trim().is_empty() && blocks.is_none() && attachments.is_none() {
            return Err(ApiError::new("no_text"));
        }
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(ApiError::new("msg_too_long"));
        }
        Ok(Self {
            text,
            blocks,
            attachments,
            metadata,
        })
    }
}

/// `chat.postMessage`: posts to a channel (by id, `#name` or name) or a thread in it.
///
/// The message's `ts` is `max(now, latest ts in the channel + 1µs)`, computed in the same
/// statement that inserts it while the channel row is locked, so it strictly increases per
/// channel and depends on nothing but the database.
pub(crate) async fn post_message(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    caller.require(&["chat:write"])?;
    let channel = channel_arg(call)?;
    let content = Content::parse(call)?;
    let thread_ts = call.args.ts("thread_ts", "invalid_thread_ts")?;
    let broadcast = thread_ts.is_some() && call.args.flag("reply_broadcast").unwrap_or(false);
    let mrkdwn = call.args.flag("mrkdwn").unwrap_or(true);
    let is_bot = caller.kind == TokenKind::Bot;
    // Custom authorship applies to bot posts only, as in Slack.
    let authorship = |name: &str| {
        if is_bot {
            call.args.non_empty(name)
        } else {
            None
        }
    };

    let conversation = resolve(state, &caller, &channel, Naming::IdOrName).await?;
    if conversation.is_archived {
        return Err(ApiError::new("is_archived"));
    }
    if !conversation.is_member {
        return Err(ApiError::new("not_in_channel"));
    }

    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    tx.execute(
        "SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE",
        &[&conversation.id],
    )
    .await?;
    // A reply names its thread by the parent's ts; a reply's own ts is mapped to its parent.
    let thread_ts = match thread_ts {
        None => None,
        Some(ts) => {
            let parent = tx
                .query_opt(
                    "SELECT COALESCE(thread_ts, ts)::text FROM messages
                     WHERE channel_id = $1 AND ts = $2::text::numeric",
                    &[&conversation.id, &ts.to_string()],
                )
                .await?;
            let parent_ts: String = parent.map_or_else(|| ts.to_string(), |row| row.get(0));
            tx.execute(
                "UPDATE messages SET thread_ts = ts
                 WHERE channel_id = $1 AND ts = $2::text::numeric AND thread_ts IS NULL",
                &[&conversation.id, &parent_ts],
            )
            .await?;
            Some(parent_ts)
        }
    };
    let to_text = |value: &Option<Value>| value.as_ref().map(Value::to_string);
    let row = tx
        .query_one(
            "INSERT INTO messages (channel_id, ts, user_id, bot_id, team_id, subtype, text,
                                   blocks, attachments, metadata, thread_ts, reply_broadcast,
                                   mrkdwn, username, icon_emoji, icon_url)
             SELECT $1,
                    GREATEST(round(extract(epoch FROM clock_timestamp()), 6),
                             COALESCE((SELECT max(ts) FROM messages WHERE channel_id = $1), 0)
                                 + 0.000001),
                    $2, $3, $4, $5, $6, $7::text::json, $8::text::json, $9::text::json,
                    $10::text::numeric, $11, $12, $13, $14, $15
             RETURNING ts::text",
            &[
                &conversation.id,
                &caller.user_id,
                &caller.bot_id,
                &caller.team_id,
                &broadcast.then_some("thread_broadcast"),
                &content.text,
                &to_text(&content.blocks),
                &to_text(&content.attachments),
                &to_text(&content.metadata),
                &thread_ts,
                &broadcast,
                &mrkdwn,
                &authorship("username"),
                &authorship("icon_emoji"),
                &authorship("icon_url"),
            ],
        )
        .await?;
    let ts: String = row.get(0);
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m {MESSAGE_JOINS}
         WHERE m.channel_id = $1 AND m.ts = $2::text::numeric"
    );
    let row = tx.query_one(&sql, &[&conversation.id, &ts]).await?;
    tx.commit().await?;

    let mut body = Map::new();
    body.insert("channel".into(), json!(conversation.id));
    body.insert("ts".into(), json!(ts));
    body.insert("message".into(), message_json(&row, true));
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::Args;
    use axum::http::HeaderMap;

    fn call(body: &str) -> Call {
        Call {
            headers: HeaderMap::new(),
            args: Args::parse(Some("application/json"), None, body.as_bytes()).unwrap(),
        }
    }

    fn error(body: &str) -> String {
        Content::parse(&call(body)).unwrap_err().code().to_owned()
    }

    #[test]
    fn text_blocks_or_attachments_are_required() {
        assert_eq!(error(r#"{"channel":"C1"}"#), "no_text");
        assert_eq!(error(r#"{"text":"  "}"#), "no_text");
        assert_eq!(error(r#"{"text":"","blocks":[]}"#), "no_text");
        assert!(Content::parse(&call(r#"{"blocks":[{"type":"divider"}]}"#)).is_ok());
        assert!(Content::parse(&call(r#"{"attachments":"[{\"text\":\"hi\"}]"}"#)).is_ok());
    }

    #[test]
    fn text_over_forty_thousand_characters_is_too_long() {
        let ok = format!(r#"{{"text":"{}"}}"#, "é".repeat(MAX_TEXT_CHARS));
        assert!(Content::parse(&call(&ok)).is_ok());
        let long = format!(r#"{{"text":"{}"}}"#, "a".repeat(MAX_TEXT_CHARS + 1));
        assert_eq!(error(&long), "msg_too_long");
    }

    #[test]
    fn malformed_blocks_attachments_and_metadata_are_named() {
        assert_eq!(
            error(r#"{"text":"x","blocks":"[oops"}"#),
            "invalid_blocks_format"
        );
        assert_eq!(
            error(r#"{"text":"x","blocks":{"type":"divider"}}"#),
            "invalid_blocks_format"
        );
        assert_eq!(
            error(r#"{"text":"x","blocks":[{"text":"no type"}]}"#),
            "invalid_blocks"
        );
        assert_eq!(
            error(r#"{"text":"x","attachments":"nope"}"#),
            "invalid_attachments"
        );
        assert_eq!(
            error(r#"{"text":"x","attachments":[1]}"#),
            "invalid_attachments"
        );
        assert_eq!(
            error(r#"{"text":"x","metadata":"[]"}"#),
            "invalid_metadata_format"
        );
    }

    #[test]
    fn blocks_get_stable_unique_block_ids_and_keep_their_own() {
        let blocks = json!([
            {"type": "divider"},
            {"type": "divider"},
            {"type": "section", "block_id": "mine", "text": {"type": "mrkdwn", "text": "x"}}
        ]);
        let first = with_block_ids(blocks.clone());
        assert_eq!(first, with_block_ids(blocks));
        let ids: Vec<&str> = first
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["block_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids[0].len(), 5);
        assert_ne!(ids[0], ids[1]);
        assert_eq!(ids[2], "mine");
        let keys: Vec<&String> = first[2].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["type", "block_id", "text"]);
    }

    #[test]
    fn reply_users_keep_first_appearance_order() {
        let mut users = vec!["U3".to_owned(), "U1".into(), "U3".into(), "U2".into()];
        dedupe_in_order(&mut users);
        assert_eq!(users, ["U3", "U1", "U2"]);
    }
}
