//! Messages: the message object and the `chat.*` methods.

use asym_kit::tokio_postgres::Row;
use serde_json::{Map, Value, json};

use asym_kit::deadpool_postgres::Transaction;
use asym_kit::tokio_postgres::types::ToSql;

use crate::auth::{Caller, TokenKind, caller};
use crate::conversations::{Conversation, Naming, caller_and_conversation, channel_arg, resolve};
use crate::error::{ApiError, ApiResult};
use crate::events::{channel_type, emit, message_event, message_subscription};
use crate::json;
use crate::ts::Ts;
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
    (SELECT p.user_id FROM messages p
     WHERE p.channel_id = m.channel_id AND p.ts = m.thread_ts AND m.thread_ts <> m.ts),
    r.reply_count, r.latest_reply, r.reply_users,
    m.edited_user, m.edited_ts::text, m.reactions::text, m.files::text, m.upload,
    EXISTS (SELECT 1 FROM pins pn WHERE pn.channel_id = m.channel_id AND pn.ts = m.ts),
    m.channel_id, m.hidden, m.extras::text";

/// The joins [`MESSAGE_COLUMNS`] needs: the bot and the thread's replies (the parent's
/// author is a scalar subquery, so it is always an index lookup).
pub(crate) const MESSAGE_JOINS: &str = "LEFT JOIN bots b ON b.id = m.bot_id
    LEFT JOIN LATERAL (
        SELECT count(*) AS reply_count, max(x.ts)::text AS latest_reply,
               array_agg(x.user_id ORDER BY x.ts) FILTER (WHERE x.user_id IS NOT NULL) AS reply_users
        FROM messages x
        WHERE m.thread_ts = m.ts AND x.channel_id = m.channel_id
          AND x.thread_ts = m.ts AND x.ts <> m.ts
    ) r ON true";

/// A bot's `bot_profile`, as the message object embeds it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct BotProfile<'a> {
    /// `A…`: the bot's app.
    pub(crate) app_id: Option<&'a str>,
    /// The bot's name.
    pub(crate) name: Option<&'a str>,
    /// When the bot last changed (Unix seconds).
    pub(crate) updated: Option<i64>,
    /// Whether the bot was removed.
    pub(crate) deleted: Option<bool>,
}

/// One stored message and what its object shows besides (bot, thread, pin), borrowed from the
/// row it was read from: everything [`MessageRow::write_json`] needs.
#[derive(Debug, Default)]
pub(crate) struct MessageRow<'a> {
    /// `ts`, in wire form.
    pub(crate) ts: &'a str,
    /// The author.
    pub(crate) user: Option<&'a str>,
    /// The posting bot.
    pub(crate) bot_id: Option<&'a str>,
    /// The bot's profile (when `bot_id` is set).
    pub(crate) bot: BotProfile<'a>,
    /// The workspace.
    pub(crate) team: &'a str,
    /// `thread_broadcast`, `tombstone`, `channel_join`, …
    pub(crate) subtype: Option<&'a str>,
    /// The text.
    pub(crate) text: &'a str,
    /// Blocks, as stored JSON text.
    pub(crate) blocks: Option<&'a str>,
    /// Attachments, as stored JSON text.
    pub(crate) attachments: Option<&'a str>,
    /// Metadata, as stored JSON text.
    pub(crate) metadata: Option<&'a str>,
    /// The thread's parent `ts`.
    pub(crate) thread_ts: Option<&'a str>,
    /// Bot-only authorship override.
    pub(crate) username: Option<&'a str>,
    /// Bot-only icon override.
    pub(crate) icon_emoji: Option<&'a str>,
    /// Bot-only icon override.
    pub(crate) icon_url: Option<&'a str>,
    /// For a reply: its parent's author.
    pub(crate) parent_user: Option<&'a str>,
    /// For a parent: how many replies.
    pub(crate) reply_count: Option<i64>,
    /// For a parent: the newest reply's `ts`.
    pub(crate) latest_reply: Option<&'a str>,
    /// For a parent: the repliers, oldest reply first (repeats allowed).
    pub(crate) reply_users: Vec<&'a str>,
    /// Who edited it last.
    pub(crate) edited_user: Option<&'a str>,
    /// When it was edited last.
    pub(crate) edited_ts: Option<&'a str>,
    /// Reactions, as stored JSON text.
    pub(crate) reactions: Option<&'a str>,
    /// Shared files, as stored JSON text.
    pub(crate) files: Option<&'a str>,
    /// Whether the files were uploaded with it.
    pub(crate) upload: bool,
    /// The channel it is pinned in, if pinned.
    pub(crate) pinned_to: Option<&'a str>,
    /// Whether it is hidden (tombstones).
    pub(crate) hidden: bool,
    /// The top-level fields a system message adds (`inviter`, `old_name`, `topic`, …), as
    /// stored JSON object text.
    pub(crate) extras: Option<&'a str>,
}

impl<'a> MessageRow<'a> {
    /// Reads a row of [`MESSAGE_COLUMNS`] (or [`INSERTED_COLUMNS`]).
    fn from_columns(row: &'a Row) -> Self {
        let pinned: bool = row.get(26);
        Self {
            ts: row.get(0),
            user: row.get(1),
            bot_id: row.get(2),
            team: row.get(3),
            subtype: row.get(4),
            text: row.get(5),
            blocks: row.get(6),
            attachments: row.get(7),
            metadata: row.get(8),
            thread_ts: row.get(9),
            username: row.get(10),
            icon_emoji: row.get(11),
            icon_url: row.get(12),
            bot: BotProfile {
                app_id: row.get(13),
                name: row.get(14),
                updated: row.get(15),
                deleted: row.get(16),
            },
            parent_user: row.get(17),
            reply_count: row.get(18),
            latest_reply: row.get(19),
            reply_users: row.get::<_, Option<Vec<&str>>>(20).unwrap_or_default(),
            edited_user: row.get(21),
            edited_ts: row.get(22),
            reactions: row.get(23),
            files: row.get(24),
            upload: row.get(25),
            pinned_to: pinned.then(|| row.get(27)),
            hidden: row.get(28),
            extras: row.get(29),
        }
    }

    /// Appends the message object Slack returns from `conversations.history` and
    /// `chat.postMessage`; `metadata` only with `include_metadata`.
    pub(crate) fn write_json(&self, out: &mut Vec<u8>, include_metadata: bool) {
        // Stored JSON is re-serialized (not copied), so hand-written seeds and SQL-built
        // values come out in serde_json's compact form; what does not parse is left out.
        let parse = |text: Option<&str>| -> Option<Value> {
            text.and_then(|raw| serde_json::from_str(raw).ok())
        };
        let mut message = json::Object::new(out);
        if let Some(user) = self.user {
            message.str("user", user);
        }
        message.str("type", "message");
        message.str("ts", self.ts);
        if let Some(subtype) = self.subtype {
            message.str("subtype", subtype);
        }
        if self.bot_id.is_some() {
            message.opt_str("bot_id", self.bot_id);
            message.opt_str("app_id", self.bot.app_id);
        }
        message.str("text", self.text);
        message.str("team", self.team);
        if let Some(Value::Object(extras)) = parse(self.extras) {
            for (key, value) in &extras {
                message.value(key, value);
            }
        }
        if let Some(bot_id) = self.bot_id {
            let mut profile = json::Object::new(message.key("bot_profile"));
            profile.str("id", bot_id);
            profile.bool("deleted", self.bot.deleted.unwrap_or(false));
            profile.opt_str("name", self.bot.name);
            match self.bot.updated {
                Some(updated) => profile.int("updated", updated),
                None => profile.raw("updated", "null"),
            }
            profile.opt_str("app_id", self.bot.app_id);
            profile.str("team_id", self.team);
            profile.end();
        }
        if let Some(username) = self.username {
            message.str("username", username);
        }
        if self.icon_emoji.is_some() || self.icon_url.is_some() {
            let mut icons = json::Object::new(message.key("icons"));
            if let Some(emoji) = self.icon_emoji {
                icons.str("emoji", emoji);
            }
            if let Some(url) = self.icon_url {
                icons.str("image_48", url);
            }
            icons.end();
        }
        if let Some(blocks) = parse(self.blocks) {
            message.value("blocks", &blocks);
        }
        if let Some(files) = parse(self.files) {
            message.value("files", &files);
            message.bool("upload", self.upload);
            message.bool("display_as_bot", false);
        }
        if let Some(edited_user) = self.edited_user {
            let mut edited = json::Object::new(message.key("edited"));
            edited.str("user", edited_user);
            edited.opt_str("ts", self.edited_ts);
            edited.end();
        }
        if self.hidden {
            message.bool("hidden", true);
        }
        if let Some(attachments) = parse(self.attachments) {
            message.value("attachments", &attachments);
        }
        if include_metadata && let Some(metadata) = parse(self.metadata) {
            message.value("metadata", &metadata);
        }
        if let Some(reactions) =
            parse(self.reactions).filter(|r| r.as_array().is_some_and(|a| !a.is_empty()))
        {
            message.value("reactions", &reactions);
        }
        if let Some(channel) = self.pinned_to {
            message.strs("pinned_to", [channel]);
        }
        if let Some(thread_ts) = self.thread_ts {
            message.str("thread_ts", thread_ts);
            if thread_ts == self.ts {
                let mut reply_users = self.reply_users.clone();
                dedupe_in_order(&mut reply_users);
                message.int("reply_count", self.reply_count.unwrap_or(0));
                message.int(
                    "reply_users_count",
                    i64::try_from(reply_users.len()).unwrap_or(i64::MAX),
                );
                message.str("latest_reply", self.latest_reply.unwrap_or(self.ts));
                reply_users.truncate(5);
                message.strs("reply_users", reply_users);
                message.bool("is_locked", false);
                message.bool("subscribed", false);
            } else if let Some(parent_user) = self.parent_user {
                message.str("parent_user_id", parent_user);
            }
        }
        message.end();
    }

    /// The message object as a [`Value`] (for responses and events built as values).
    pub(crate) fn to_value(&self, include_metadata: bool) -> Value {
        let mut out = Vec::with_capacity(512);
        self.write_json(&mut out, include_metadata);
        serde_json::from_slice(&out).unwrap_or(Value::Null)
    }
}

/// The message object Slack returns from `conversations.history` and `chat.postMessage`,
/// from a row of [`MESSAGE_COLUMNS`].
pub(crate) fn message_json(row: &Row, include_metadata: bool) -> Value {
    MessageRow::from_columns(row).to_value(include_metadata)
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

fn dedupe_in_order<T: Eq + std::hash::Hash + Clone>(items: &mut Vec<T>) {
    let mut seen = std::collections::HashSet::new();
    items.retain(|item| seen.insert(item.clone()));
}

/// The content arguments of a post, validated.
#[derive(Debug, Default, PartialEq)]
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

/// A message about to be inserted.
#[derive(Debug, Default)]
pub(crate) struct NewMessage {
    /// Author (for a bot, its bot user).
    pub(crate) user_id: String,
    /// The bot, for bot posts.
    pub(crate) bot_id: Option<String>,
    /// The workspace.
    pub(crate) team_id: String,
    /// `text`, `blocks`, `attachments`, `metadata`.
    pub(crate) text: String,
    /// Blocks, as JSON text.
    pub(crate) blocks: Option<String>,
    /// Attachments, as JSON text.
    pub(crate) attachments: Option<String>,
    /// Metadata, as JSON text.
    pub(crate) metadata: Option<String>,
    /// The thread it replies in (parent's or any reply's `ts`).
    pub(crate) thread_ts: Option<Ts>,
    /// Also show a reply in the channel.
    pub(crate) broadcast: bool,
    /// Whether `text` is mrkdwn.
    pub(crate) mrkdwn: bool,
    /// Bot-only authorship overrides.
    pub(crate) username: Option<String>,
    /// Bot-only icon override.
    pub(crate) icon_emoji: Option<String>,
    /// Bot-only icon override.
    pub(crate) icon_url: Option<String>,
    /// Shared files, as JSON text of the file objects.
    pub(crate) files: Option<String>,
    /// A system message's subtype (`channel_join`, …); posts leave it unset.
    pub(crate) subtype: Option<String>,
    /// A system message's extra top-level fields, as JSON object text.
    pub(crate) extras: Option<String>,
}

/// Inserts `message` into `channel` (kind `kind`) and queues its `message` event; returns
/// the stored message object.
///
/// The message's `ts` is `max(now, latest ts in the channel + 1µs)`, computed while the
/// channel row is locked, so it strictly increases per channel and depends on nothing but
/// the database.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn insert_message(
    tx: &Transaction<'_>,
    channel: &str,
    kind: &str,
    message: &NewMessage,
) -> Result<Value, ApiError> {
    let statement = tx.prepare_cached(&insert_sql()).await?;
    let thread_ts = message.thread_ts.map(|ts| ts.to_string());
    let channel_id = channel.to_owned();
    let row = tx
        .query_one(&statement, &insert_params(&channel_id, message, &thread_ts))
        .await?;
    let json = message_json(&row, true);
    emit(
        tx,
        message_subscription(kind),
        Some(channel),
        &message_event(&json, channel, kind),
    )
    .await?;
    Ok(json)
}

/// One statement that posts a message (`slack_post_message`, see migration 0003) and reads
/// it back as [`message_json`] expects.
fn insert_sql() -> String {
    format!(
        "SELECT {INSERTED_COLUMNS}
         FROM slack_post_message($1, $2, $3, $4, $5, $6::text::json, $7::text::json,
                                 $8::text::json, $9::text::numeric, $10, $11, $12, $13, $14,
                                 $15::text::json, $16, $17::text::json) m
         {INSERTED_JOINS}"
    )
}

/// The parameters of [`insert_sql`].
fn insert_params<'a>(
    channel: &'a String,
    message: &'a NewMessage,
    thread_ts: &'a Option<String>,
) -> [&'a (dyn ToSql + Sync); 17] {
    [
        channel,
        &message.user_id,
        &message.bot_id,
        &message.team_id,
        &message.text,
        &message.blocks,
        &message.attachments,
        &message.metadata,
        thread_ts,
        &message.broadcast,
        &message.mrkdwn,
        &message.username,
        &message.icon_emoji,
        &message.icon_url,
        &message.files,
        &message.subtype,
        &message.extras,
    ]
}

/// [`MESSAGE_COLUMNS`] over a just-inserted row (`inserted m`), which has no replies or pins
/// yet but may have a thread parent.
const INSERTED_COLUMNS: &str = "m.ts::text, m.user_id, m.bot_id, m.team_id, m.subtype, m.text,
    m.blocks::text, m.attachments::text, m.metadata::text, m.thread_ts::text, m.username,
    m.icon_emoji, m.icon_url, b.app_id, b.name, b.updated, b.deleted,
    (SELECT p.user_id FROM messages p
     WHERE p.channel_id = m.channel_id AND p.ts = m.thread_ts AND m.thread_ts <> m.ts),
    0::bigint, NULL::text, NULL::text[],
    m.edited_user, m.edited_ts::text, m.reactions::text, m.files::text, m.upload,
    false, m.channel_id, m.hidden, m.extras::text";

/// The joins of [`INSERTED_COLUMNS`].
const INSERTED_JOINS: &str = "LEFT JOIN bots b ON b.id = m.bot_id";

/// The post arguments every posting method shares, validated, for `caller`.
fn new_message(caller: &Caller, call: &Call, content: Content) -> Result<NewMessage, ApiError> {
    let is_bot = caller.kind == TokenKind::Bot;
    // Custom authorship applies to bot posts only, as in Slack.
    let authorship = |name: &str| {
        if is_bot {
            call.args.non_empty(name)
        } else {
            None
        }
    };
    let to_text = |value: &Option<Value>| value.as_ref().map(Value::to_string);
    Ok(NewMessage {
        user_id: caller.user_id.clone(),
        bot_id: caller.bot_id.clone(),
        team_id: caller.team_id.clone(),
        blocks: to_text(&content.blocks),
        attachments: to_text(&content.attachments),
        metadata: to_text(&content.metadata),
        text: content.text,
        thread_ts: call.args.ts("thread_ts", "invalid_thread_ts")?,
        broadcast: call.args.flag("reply_broadcast").unwrap_or(false),
        mrkdwn: call.args.flag("mrkdwn").unwrap_or(true),
        username: authorship("username"),
        icon_emoji: authorship("icon_emoji"),
        icon_url: authorship("icon_url"),
        ..NewMessage::default()
    })
}

/// Checks that the caller may post into `conversation`.
fn check_postable(caller: &Caller, conversation: &Conversation) -> Result<(), ApiError> {
    if conversation.is_archived {
        return Err(ApiError::new("is_archived"));
    }
    let public_post = conversation.kind == "public_channel" && caller.has("chat:write.public");
    if !conversation.is_member && !public_post {
        return Err(ApiError::new("not_in_channel"));
    }
    Ok(())
}

/// `chat.postMessage`: posts to a channel (by id, `#name` or name) or a thread in it.
pub(crate) async fn post_message(state: &AppState, call: &Call) -> ApiResult {
    let channel = channel_arg(call);
    let (caller, conversation) = match &channel {
        Ok(channel) => {
            let (caller, conversation) =
                caller_and_conversation(state, call, channel, Naming::IdOrName).await?;
            (caller, Some(conversation))
        }
        Err(_) => (caller(state, call).await?, None),
    };
    caller.require(&["chat:write"])?;
    channel?;
    let content = Content::parse(call)?;
    let message = new_message(&caller, call, content)?;
    let conversation = conversation.ok_or_else(|| ApiError::new("channel_not_found"))??;
    check_postable(&caller, &conversation)?;

    let mut client = state.kit.db().await?;
    let json = if caller.events {
        let tx = client.transaction().await?;
        let json = insert_message(&tx, &conversation.id, &conversation.kind, &message).await?;
        tx.commit().await?;
        state.wake.notify_one();
        json
    } else {
        // No Events API subscription: nothing to queue, so one autocommit statement.
        let statement = client.prepare_cached(&insert_sql()).await?;
        let thread_ts = message.thread_ts.map(|ts| ts.to_string());
        let row = client
            .query_one(
                &statement,
                &insert_params(&conversation.id, &message, &thread_ts),
            )
            .await?;
        message_json(&row, true)
    };

    let mut body = Map::new();
    body.insert("channel".into(), json!(conversation.id));
    body.insert("ts".into(), json["ts"].clone());
    body.insert("message".into(), json);
    Ok(body)
}

/// Reads one message of a channel.
async fn find_message(
    client: &Transaction<'_>,
    channel: &str,
    ts: Ts,
) -> Result<Option<Value>, ApiError> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m {MESSAGE_JOINS}
         WHERE m.channel_id = $1 AND m.ts = $2::text::numeric"
    );
    let row = client.query_opt(&sql, &[&channel, &ts.to_string()]).await?;
    Ok(row.map(|row| message_json(&row, true)))
}

/// Whether `message` was written by the caller (a bot's by that bot).
fn is_authors(caller: &Caller, message: &Value) -> bool {
    match &caller.bot_id {
        Some(bot_id) => message["bot_id"].as_str() == Some(bot_id.as_str()),
        None => {
            message["user"].as_str() == Some(caller.user_id.as_str())
                && message.get("bot_id").is_none()
        }
    }
}

/// The required `ts` of an edit.
fn ts_arg(call: &Call, name: &str) -> Result<Ts, ApiError> {
    match call.args.non_empty(name) {
        None => Err(ApiError::new("message_not_found")),
        Some(text) => Ts::parse(&text).ok_or_else(|| ApiError::new("message_not_found")),
    }
}

/// `chat.update`: edits the caller's own message; arguments not sent keep their value.
pub(crate) async fn update(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    caller.require(&["chat:write"])?;
    let channel = channel_arg(call)?;
    let ts = ts_arg(call, "ts")?;
    let conversation = resolve(state, &caller, &channel, Naming::IdOnly).await?;
    if conversation.is_archived {
        return Err(ApiError::new("is_archived"));
    }
    let args = &call.args;
    let text = args.string("text");
    let blocks = args.json("blocks", "invalid_blocks_format")?;
    let attachments = args.json("attachments", "invalid_attachments")?;
    // Validate what was sent the way a post would be.
    if text.is_some() || blocks.is_some() || attachments.is_some() {
        Content::parse(call).or_else(|err| {
            if err.code() == "no_text" {
                Ok(Content::default())
            } else {
                Err(err)
            }
        })?;
    }
    let blocks = blocks.map(with_block_ids);

    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let previous = find_message(&tx, &conversation.id, ts)
        .await?
        .ok_or_else(|| ApiError::new("message_not_found"))?;
    if !is_authors(&caller, &previous) {
        return Err(ApiError::new("cant_update_message"));
    }
    let new_text = text
        .clone()
        .unwrap_or_else(|| previous["text"].as_str().unwrap_or_default().to_owned());
    let keep = |value: Option<Value>, field: &str| -> Option<String> {
        match value {
            Some(Value::Array(items)) if items.is_empty() => None,
            Some(value) => Some(value.to_string()),
            None => previous.get(field).map(Value::to_string),
        }
    };
    let new_blocks = keep(blocks, "blocks");
    let new_attachments = keep(attachments, "attachments");
    if new_text.trim().is_empty()
        && new_blocks.is_none()
        && new_attachments.is_none()
        && previous.get("files").is_none()
    {
        return Err(ApiError::new("no_text"));
    }
    tx.execute(
        "UPDATE messages SET text = $3, blocks = $4::text::json, attachments = $5::text::json,
                edited_user = $6, edited_ts = round(extract(epoch FROM clock_timestamp()), 6)
         WHERE channel_id = $1 AND ts = $2::text::numeric",
        &[
            &conversation.id,
            &ts.to_string(),
            &new_text,
            &new_blocks,
            &new_attachments,
            &caller.user_id,
        ],
    )
    .await?;
    let message = find_message(&tx, &conversation.id, ts)
        .await?
        .ok_or_else(|| ApiError::new("message_not_found"))?;
    let event_ts = crate::ts::event_ts();
    let event = json!({
        "type": "message",
        "subtype": "message_changed",
        "hidden": true,
        "channel": conversation.id,
        "ts": event_ts,
        "message": message,
        "previous_message": previous,
        "event_ts": event_ts,
        "channel_type": channel_type(&conversation.kind),
    });
    emit(
        &tx,
        message_subscription(&conversation.kind),
        Some(&conversation.id),
        &event,
    )
    .await?;
    tx.commit().await?;
    state.wake.notify_one();

    let mut body = Map::new();
    body.insert("channel".into(), json!(conversation.id));
    body.insert("ts".into(), json!(ts.to_string()));
    body.insert("text".into(), json!(new_text));
    body.insert("message".into(), message);
    Ok(body)
}

/// `chat.delete`: deletes the caller's own message (an admin's user token may delete
/// anyone's). A thread parent with replies becomes a tombstone.
pub(crate) async fn delete(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    caller.require(&["chat:write"])?;
    let channel = channel_arg(call)?;
    let ts = ts_arg(call, "ts")?;
    let conversation = resolve(state, &caller, &channel, Naming::IdOnly).await?;
    if conversation.is_archived {
        return Err(ApiError::new("is_archived"));
    }
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let previous = find_message(&tx, &conversation.id, ts)
        .await?
        .ok_or_else(|| ApiError::new("message_not_found"))?;
    if previous["subtype"] == "tombstone" {
        return Err(ApiError::new("message_not_found"));
    }
    if !is_authors(&caller, &previous) {
        let is_admin = caller.kind == TokenKind::User
            && tx
                .query_one(
                    "SELECT is_admin OR is_owner FROM users WHERE id = $1",
                    &[&caller.user_id],
                )
                .await?
                .get::<_, bool>(0);
        if !is_admin {
            return Err(ApiError::new("cant_delete_message"));
        }
    }
    let has_replies = previous["reply_count"].as_i64().unwrap_or(0) > 0;
    if has_replies {
        tx.execute(
            "UPDATE messages SET subtype = 'tombstone', text = 'This message was deleted.',
                    user_id = 'USLACKBOT', bot_id = NULL, blocks = NULL, attachments = NULL,
                    files = NULL, reactions = NULL, hidden = true, edited_user = NULL
             WHERE channel_id = $1 AND ts = $2::text::numeric",
            &[&conversation.id, &ts.to_string()],
        )
        .await?;
    } else {
        tx.execute(
            "DELETE FROM messages WHERE channel_id = $1 AND ts = $2::text::numeric",
            &[&conversation.id, &ts.to_string()],
        )
        .await?;
    }
    let event_ts = crate::ts::event_ts();
    let event = json!({
        "type": "message",
        "subtype": "message_deleted",
        "hidden": true,
        "channel": conversation.id,
        "ts": event_ts,
        "deleted_ts": ts.to_string(),
        "previous_message": previous,
        "event_ts": event_ts,
        "channel_type": channel_type(&conversation.kind),
    });
    emit(
        &tx,
        message_subscription(&conversation.kind),
        Some(&conversation.id),
        &event,
    )
    .await?;
    tx.commit().await?;
    state.wake.notify_one();

    let mut body = Map::new();
    body.insert("channel".into(), json!(conversation.id));
    body.insert("ts".into(), json!(ts.to_string()));
    Ok(body)
}

/// `chat.postEphemeral`: a message only `user` sees (kept in `ephemeral_messages`, never in
/// history).
pub(crate) async fn post_ephemeral(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    caller.require(&["chat:write"])?;
    let channel = channel_arg(call)?;
    let user = call
        .args
        .non_empty("user")
        .ok_or_else(|| ApiError::new("user_not_found"))?;
    let content = Content::parse(call)?;
    let message = new_message(&caller, call, content)?;
    let conversation = resolve(state, &caller, &channel, Naming::IdOrName).await?;
    check_postable(&caller, &conversation)?;
    crate::users::find(state, &caller, &user).await?;

    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let member = tx
        .query_opt(
            "SELECT 1 FROM conversation_members WHERE conversation_id = $1 AND user_id = $2",
            &[&conversation.id, &user.trim()],
        )
        .await?;
    if member.is_none() {
        return Err(ApiError::new("user_not_in_channel"));
    }
    tx.execute(
        "SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE",
        &[&conversation.id],
    )
    .await?;
    let row = tx
        .query_one(
            "INSERT INTO ephemeral_messages (channel_id, ts, user_id, author_id, bot_id, text,
                                             blocks, attachments, thread_ts)
             SELECT $1,
                    GREATEST(round(extract(epoch FROM clock_timestamp()), 6),
                             COALESCE((SELECT max(ts) FROM messages WHERE channel_id = $1), 0)
                                 + 0.000001,
                             COALESCE((SELECT max(ts) FROM ephemeral_messages
                                       WHERE channel_id = $1), 0) + 0.000001),
                    $2, $3, $4, $5, $6::text::json, $7::text::json, $8::text::numeric
             RETURNING ts::text",
            &[
                &conversation.id,
                &user.trim(),
                &caller.user_id,
                &caller.bot_id,
                &message.text,
                &message.blocks,
                &message.attachments,
                &message.thread_ts.map(|ts| ts.to_string()),
            ],
        )
        .await?;
    tx.commit().await?;
    let mut body = Map::new();
    body.insert("message_ts".into(), json!(row.get::<_, String>(0)));
    Ok(body)
}

/// `chat.getPermalink`: the link to a message (replies carry their thread).
pub(crate) async fn get_permalink(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    let channel = channel_arg(call)?;
    let ts = call
        .args
        .non_empty("message_ts")
        .and_then(|text| Ts::parse(&text))
        .ok_or_else(|| ApiError::new("message_not_found"))?;
    let conversation = resolve(state, &caller, &channel, Naming::IdOnly).await?;
    let client = state.kit.db().await?;
    let row = client
        .query_opt(
            "SELECT thread_ts::text FROM messages WHERE channel_id = $1 AND ts = $2::text::numeric",
            &[&conversation.id, &ts.to_string()],
        )
        .await?
        .ok_or_else(|| ApiError::new("message_not_found"))?;
    let thread_ts: Option<String> = row.get(0);
    let mut permalink = format!(
        "{}/archives/{}/p{}",
        state.kit.config().public_url,
        conversation.id,
        ts.to_cursor_digits()
    );
    if let Some(thread_ts) = thread_ts.filter(|t| *t != ts.to_string()) {
        permalink.push_str(&format!("?thread_ts={thread_ts}&cid={}", conversation.id));
    }
    let mut body = Map::new();
    body.insert("channel".into(), json!(conversation.id));
    body.insert("permalink".into(), json!(permalink));
    Ok(body)
}

/// Longest Slack lets a message be scheduled ahead: 120 days.
const MAX_SCHEDULE_AHEAD: i64 = 120 * 24 * 3600;

/// `chat.scheduleMessage`: queues a post for `post_at` (Unix seconds); the worker posts it
/// when due.
pub(crate) async fn schedule_message(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    caller.require(&["chat:write"])?;
    let channel = channel_arg(call)?;
    let post_at = match call.args.non_empty("post_at") {
        None => return Err(ApiError::new("invalid_time")),
        Some(text) => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
            .map(|v| v as i64)
            .ok_or_else(|| ApiError::new("invalid_time"))?,
    };
    let content = Content::parse(call)?;
    let message = new_message(&caller, call, content)?;
    let now = crate::ts::now_seconds();
    if post_at < now {
        return Err(ApiError::new("time_in_past"));
    }
    if post_at > now + MAX_SCHEDULE_AHEAD {
        return Err(ApiError::new("time_too_far"));
    }
    let conversation = resolve(state, &caller, &channel, Naming::IdOrName).await?;
    check_postable(&caller, &conversation)?;
    let client = state.kit.db().await?;
    let row = client
        .query_one(
            "INSERT INTO scheduled_messages (channel_id, user_id, bot_id, team_id, post_at,
                                             date_created, text, blocks, attachments, metadata,
                                             thread_ts, reply_broadcast, mrkdwn)
             VALUES ($1, $2, $3, $4, $5, extract(epoch FROM now())::bigint, $6,
                     $7::text::json, $8::text::json, $9::text::json, $10::text::numeric,
                     $11, $12)
             RETURNING id",
            &[
                &conversation.id,
                &message.user_id,
                &message.bot_id,
                &message.team_id,
                &post_at,
                &message.text,
                &message.blocks,
                &message.attachments,
                &message.metadata,
                &message.thread_ts.map(|ts| ts.to_string()),
                &message.broadcast,
                &message.mrkdwn,
            ],
        )
        .await?;
    let mut preview = Map::new();
    if let Some(bot_id) = &message.bot_id {
        preview.insert("bot_id".into(), json!(bot_id));
    }
    preview.insert("type".into(), json!("delayed_message"));
    preview.insert("text".into(), json!(message.text));
    preview.insert("user".into(), json!(message.user_id));
    preview.insert("team".into(), json!(message.team_id));
    if let Some(blocks) = message
        .blocks
        .as_deref()
        .and_then(|b| serde_json::from_str::<Value>(b).ok())
    {
        preview.insert("blocks".into(), blocks);
    }
    if let Some(attachments) = message
        .attachments
        .as_deref()
        .and_then(|b| serde_json::from_str::<Value>(b).ok())
    {
        preview.insert("attachments".into(), attachments);
    }
    let mut body = Map::new();
    body.insert("channel".into(), json!(conversation.id));
    body.insert(
        "scheduled_message_id".into(),
        json!(row.get::<_, String>(0)),
    );
    body.insert("post_at".into(), json!(post_at));
    body.insert("message".into(), Value::Object(preview));
    Ok(body)
}

/// `chat.scheduledMessages.list`: the caller's pending scheduled messages (optionally of one
/// `channel`, within `oldest`/`latest` post times), soonest first.
pub(crate) async fn scheduled_list(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    let channel = match call.args.non_empty("channel") {
        None => None,
        Some(channel) => Some(resolve(state, &caller, &channel, Naming::IdOnly).await?.id),
    };
    let bound = |name: &str| -> Result<Option<i64>, ApiError> {
        Ok(call.args.ts(name, "invalid_arguments")?.map(|ts| {
            ts.to_string()
                .split('.')
                .next()
                .unwrap_or("0")
                .parse()
                .unwrap_or(0)
        }))
    };
    let oldest = bound("oldest")?;
    let latest = bound("latest")?;
    let limit = call.args.limit(100, 1000)?;
    let after = crate::conversations::cursor_value(call.args.string("cursor"), "scheduled")?;
    let client = state.kit.db().await?;
    let rows = client
        .query(
            "SELECT id, channel_id, post_at, date_created, text FROM scheduled_messages
             WHERE user_id = $1 AND ($2::text IS NULL OR channel_id = $2)
               AND ($3::bigint IS NULL OR post_at >= $3) AND ($4::bigint IS NULL OR post_at <= $4)
               AND ($5::text IS NULL OR (post_at, id) >= (
                    SELECT post_at, id FROM scheduled_messages WHERE id = $5))
             ORDER BY post_at, id LIMIT $6",
            &[
                &caller.user_id,
                &channel,
                &oldest,
                &latest,
                &after,
                &(limit + 1),
            ],
        )
        .await?;
    let mut items: Vec<Value> = rows
        .iter()
        .map(|row| {
            json!({
                "id": row.get::<_, String>(0),
                "channel_id": row.get::<_, String>(1),
                "post_at": row.get::<_, i64>(2),
                "date_created": row.get::<_, i64>(3),
                "text": row.get::<_, String>(4),
            })
        })
        .collect();
    let next = if items.len() > usize::try_from(limit).unwrap_or(usize::MAX) {
        items
            .pop()
            .and_then(|item| item["id"].as_str().map(str::to_owned))
    } else {
        None
    };
    let mut body = Map::new();
    body.insert("scheduled_messages".into(), Value::Array(items));
    body.insert(
        "response_metadata".into(),
        crate::conversations::next_cursor("scheduled", next.as_deref()),
    );
    Ok(body)
}

/// `chat.deleteScheduledMessage`: cancels one of the caller's scheduled messages.
pub(crate) async fn delete_scheduled(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    caller.require(&["chat:write"])?;
    let channel = channel_arg(call)?;
    let id = call
        .args
        .non_empty("scheduled_message_id")
        .ok_or_else(|| ApiError::new("invalid_scheduled_message_id"))?;
    let conversation = resolve(state, &caller, &channel, Naming::IdOnly).await?;
    let client = state.kit.db().await?;
    let deleted = client
        .execute(
            "DELETE FROM scheduled_messages WHERE id = $1 AND channel_id = $2 AND user_id = $3",
            &[&id.trim(), &conversation.id, &caller.user_id],
        )
        .await?;
    if deleted == 0 {
        return Err(ApiError::new("invalid_scheduled_message_id"));
    }
    Ok(Map::new())
}

/// Posts every scheduled message that is due (the worker calls this). Returns how many.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn post_due_scheduled(state: &AppState) -> Result<usize, ApiError> {
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let due = tx
        .query(
            "SELECT s.id, s.channel_id, c.kind, s.user_id, s.bot_id, s.team_id, s.text,
                    s.blocks::text, s.attachments::text, s.metadata::text, s.thread_ts::text,
                    s.reply_broadcast, s.mrkdwn
             FROM scheduled_messages s JOIN conversations c ON c.id = s.channel_id
             WHERE s.post_at <= extract(epoch FROM now())
             ORDER BY s.post_at, s.id LIMIT 20 FOR UPDATE OF s SKIP LOCKED",
            &[],
        )
        .await?;
    for row in &due {
        let id: String = row.get(0);
        let channel: String = row.get(1);
        let kind: String = row.get(2);
        let message = NewMessage {
            user_id: row.get(3),
            bot_id: row.get(4),
            team_id: row.get(5),
            text: row.get(6),
            blocks: row.get(7),
            attachments: row.get(8),
            metadata: row.get(9),
            thread_ts: row.get::<_, Option<String>>(10).and_then(|t| Ts::parse(&t)),
            broadcast: row.get(11),
            mrkdwn: row.get(12),
            ..NewMessage::default()
        };
        insert_message(&tx, &channel, &kind, &message).await?;
        tx.execute("DELETE FROM scheduled_messages WHERE id = $1", &[&id])
            .await?;
    }
    tx.commit().await?;
    if !due.is_empty() {
        state.wake.notify_one();
    }
    Ok(due.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::Args;
    use axum::http::HeaderMap;

    fn call(body: &str) -> Call {
        Call {
            method: "chat.postMessage".into(),
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
