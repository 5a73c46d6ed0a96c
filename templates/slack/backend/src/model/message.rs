//! Messages: the stored message, its object, and inserting one (posts, system messages,
//! due scheduled messages).

use std::sync::LazyLock;

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::ToSql;
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::json;
use crate::model::content::{Content, link_names, wants_linked_names};
use crate::model::event::{
    channel_type, emit, emit_app_mention, message_event, message_subscription,
};
use crate::ts::Ts;
use crate::{AppState, Call};

/// The columns [`MessageRow::from_columns`] reads, in its order: the stored message's own,
/// with the bot's profile (`bot`), the thread parent's author (`parent`), the reply count,
/// newest reply and repliers (`replies`), whether the message is pinned (`pinned`) and its
/// channel (`channel`) in their places. One list for stored, just-inserted and history-page
/// messages, so their positions cannot drift; given only `replies` and `pinned`, the bot and
/// parent come from `bots b` and `messages p` and the channel is the message's.
macro_rules! message_columns {
    ($replies:literal, $pinned:literal) => {
        message_columns!(
            bot: "b.app_id, b.name, b.updated, b.deleted",
            parent: "(SELECT p.user_id FROM messages p
     WHERE p.channel_id = m.channel_id AND p.ts = m.thread_ts AND m.thread_ts <> m.ts)",
            replies: $replies,
            pinned: $pinned,
            channel: "m.channel_id"
        )
    };
    (
        bot: $bot:literal,
        parent: $parent:literal,
        replies: $replies:literal,
        pinned: $pinned:literal,
        channel: $channel:literal
    ) => {
        concat!(
            "m.ts::text, m.user_id, m.bot_id, m.team_id, m.subtype, m.text,
    m.blocks::text, m.attachments::text, m.metadata::text, m.thread_ts::text, m.username,
    m.icon_emoji, m.icon_url, ",
            $bot,
            ",
    ",
            $parent,
            ",
    ",
            $replies,
            ",
    m.edited_user, m.edited_ts::text, m.reactions::text, m.files::text, m.upload,
    ",
            $pinned,
            ", ",
            $channel,
            ", m.hidden, m.extras::text"
        )
    };
}
pub(crate) use message_columns;

/// The columns [`message_json`] reads, over `messages m` joined with [`MESSAGE_JOINS`].
pub(crate) const MESSAGE_COLUMNS: &str = message_columns!(
    "r.reply_count, r.latest_reply, r.reply_users",
    "EXISTS (SELECT 1 FROM pins pn WHERE pn.channel_id = m.channel_id AND pn.ts = m.ts)"
);

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

/// A bot's default icons, by size, as `bot_profile` and `bots.info` show them.
pub(crate) const BOT_ICONS: [(&str, &str); 3] = [
    (
        "image_36",
        "https://a.slack-edge.com/80588/img/plugins/app/bot_36.png",
    ),
    (
        "image_48",
        "https://a.slack-edge.com/80588/img/plugins/app/bot_48.png",
    ),
    (
        "image_72",
        "https://a.slack-edge.com/80588/img/plugins/app/service_72.png",
    ),
];

/// The permalink of message `ts` in `channel` (a reply's carries its thread), under the
/// clone's `public_url`.
pub(crate) fn permalink(
    public_url: &str,
    channel: &str,
    ts: Ts,
    thread_ts: Option<&str>,
) -> String {
    let mut link = format!("{public_url}/archives/{channel}/p{}", ts.to_cursor_digits());
    if let Some(thread_ts) = thread_ts.filter(|t| *t != ts.to_string()) {
        link.push_str(&format!("?thread_ts={thread_ts}&cid={channel}"));
    }
    link
}

/// The permalink of `message`, a message object of `channel`, from its `ts` and `thread_ts`
/// (none when its `ts` is not a timestamp).
pub(crate) fn permalink_of(public_url: &str, channel: &str, message: &Value) -> Option<String> {
    let ts = message["ts"].as_str().and_then(Ts::parse)?;
    Some(permalink(
        public_url,
        channel,
        ts,
        message["thread_ts"].as_str(),
    ))
}

/// The total `count(*) OVER ()`, the last column of each of `rows`, reports (0 for no rows).
pub(crate) fn window_total(rows: &[Row]) -> i64 {
    rows.first()
        .map_or(0, |row| row.get::<_, i64>(row.len() - 1))
}

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
    /// The thread it starts or replies in.
    pub(crate) thread: Thread<'a>,
    /// Bot-only authorship override.
    pub(crate) username: Option<&'a str>,
    /// Bot-only icon override.
    pub(crate) icon_emoji: Option<&'a str>,
    /// Bot-only icon override.
    pub(crate) icon_url: Option<&'a str>,
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

/// A message's place in a thread, borrowed from the row it was read from.
#[derive(Debug, Default)]
pub(crate) struct Thread<'a> {
    /// The thread's parent `ts` (none outside threads).
    pub(crate) ts: Option<&'a str>,
    /// For a reply: its parent's author.
    pub(crate) parent_user: Option<&'a str>,
    /// For a parent: how many replies.
    pub(crate) reply_count: Option<i64>,
    /// For a parent: the newest reply's `ts`.
    pub(crate) latest_reply: Option<&'a str>,
    /// For a parent: the repliers, oldest reply first (repeats allowed).
    pub(crate) reply_users: Vec<&'a str>,
}

impl Thread<'_> {
    /// Appends the thread fields of message `ts`: `thread_ts`, and for a parent its replies'
    /// summary, for a reply its parent's author.
    fn write_json(&self, message: &mut json::Object<'_>, ts: &str) {
        let Some(thread_ts) = self.ts else {
            return;
        };
        message.str("thread_ts", thread_ts);
        if thread_ts == ts {
            let mut reply_users = self.reply_users.clone();
            dedupe_in_order(&mut reply_users);
            message.int("reply_count", self.reply_count.unwrap_or(0));
            message.int(
                "reply_users_count",
                i64::try_from(reply_users.len()).unwrap_or(i64::MAX),
            );
            message.str("latest_reply", self.latest_reply.unwrap_or(ts));
            reply_users.truncate(5);
            message.strs("reply_users", reply_users);
            message.bool("is_locked", false);
            message.bool("subscribed", false);
        } else if let Some(parent_user) = self.parent_user {
            message.str("parent_user_id", parent_user);
        }
    }
}

impl<'a> MessageRow<'a> {
    /// Reads the columns of [`MESSAGE_COLUMNS`] (or [`INSERTED_COLUMNS`]) that start at
    /// column `start` of `row`.
    pub(crate) fn from_columns(row: &'a Row, start: usize) -> Self {
        let at = |column: usize| start + column;
        let pinned: bool = row.get(at(26));
        Self {
            ts: row.get(at(0)),
            user: row.get(at(1)),
            bot_id: row.get(at(2)),
            team: row.get(at(3)),
            subtype: row.get(at(4)),
            text: row.get(at(5)),
            blocks: row.get(at(6)),
            attachments: row.get(at(7)),
            metadata: row.get(at(8)),
            username: row.get(at(10)),
            icon_emoji: row.get(at(11)),
            icon_url: row.get(at(12)),
            bot: BotProfile {
                app_id: row.get(at(13)),
                name: row.get(at(14)),
                updated: row.get(at(15)),
                deleted: row.get(at(16)),
            },
            thread: Thread {
                ts: row.get(at(9)),
                parent_user: row.get(at(17)),
                reply_count: row.get(at(18)),
                latest_reply: row.get(at(19)),
                reply_users: row.get::<_, Option<Vec<&str>>>(at(20)).unwrap_or_default(),
            },
            edited_user: row.get(at(21)),
            edited_ts: row.get(at(22)),
            reactions: row.get(at(23)),
            files: row.get(at(24)),
            upload: row.get(at(25)),
            pinned_to: pinned.then(|| row.get(at(27))),
            hidden: row.get(at(28)),
            extras: row.get(at(29)),
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
            if let Some(user) = self.user {
                profile.str("user_id", user);
            }
            let mut icons = json::Object::new(profile.key("icons"));
            for (size, url) in BOT_ICONS {
                icons.str(size, url);
            }
            icons.end();
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
        self.thread.write_json(&mut message, self.ts);
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
    MessageRow::from_columns(row, 0).to_value(include_metadata)
}

/// Reads message `ts` of `channel`: its object, with `metadata` only when
/// `include_metadata`.
///
/// # Errors
///
/// `message_not_found`; `internal_error` when Postgres fails.
pub(crate) async fn find(
    client: &impl GenericClient,
    channel: &str,
    ts: Ts,
    include_metadata: bool,
) -> Result<Value, ApiError> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m {MESSAGE_JOINS}
         WHERE m.channel_id = $1 AND m.ts = $2::text::numeric"
    );
    let row = client.query_opt(&sql, &[&channel, &ts.to_string()]).await?;
    row.map(|row| message_json(&row, include_metadata))
        .ok_or_else(|| ApiError::new("message_not_found"))
}

/// Keeps the first appearance of each item.
fn dedupe_in_order<T: Eq + std::hash::Hash + Clone>(items: &mut Vec<T>) {
    let mut seen = std::collections::HashSet::new();
    items.retain(|item| seen.insert(item.clone()));
}

/// How a bot post may present its author: Slack applies these to bot posts only.
#[derive(Debug, Default)]
pub(crate) struct Authorship {
    /// The name shown instead of the bot's.
    pub(crate) username: Option<String>,
    /// An emoji shown as the icon.
    pub(crate) icon_emoji: Option<String>,
    /// An image shown as the icon.
    pub(crate) icon_url: Option<String>,
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
    pub(crate) authorship: Authorship,
    /// Shared files, as JSON text of the file objects.
    pub(crate) files: Option<String>,
    /// What makes it a system message; posts leave it unset.
    pub(crate) system: Option<SystemFields>,
}

/// What makes a message a system message (`channel_join`, `channel_topic`, …).
#[derive(Debug)]
pub(crate) struct SystemFields {
    /// Its subtype, if it has one (Slackbot's reminders have none).
    pub(crate) subtype: Option<&'static str>,
    /// The top-level fields it adds (`inviter`, `old_name`, `topic`, …), as JSON object text;
    /// none when it adds none.
    pub(crate) extras: Option<String>,
}

impl NewMessage {
    /// The message a posting call asks for, its arguments validated (content, then
    /// `thread_ts`), before knowing who posts it: the author is left empty and the authorship
    /// overrides are kept as sent, for [`NewMessage::by`].
    ///
    /// # Errors
    ///
    /// As [`Content::parse`]; `invalid_thread_ts`.
    pub(crate) fn draft(call: &Call) -> Result<Self, ApiError> {
        let content = Content::parse(call)?;
        let to_text = |value: &Option<Value>| value.as_ref().map(Value::to_string);
        Ok(Self {
            blocks: to_text(&content.blocks),
            attachments: to_text(&content.attachments),
            metadata: to_text(&content.metadata),
            text: content.text,
            thread_ts: call.args.ts("thread_ts", "invalid_thread_ts")?,
            broadcast: call.args.flag("reply_broadcast").unwrap_or(false),
            ..Self::draft_authorship(call)
        })
    }

    /// A draft with only the call's authorship (`username`, `icon_emoji`, `icon_url`) and
    /// `mrkdwn` set, for a caller that fills in the content itself.
    pub(crate) fn draft_authorship(call: &Call) -> Self {
        Self {
            mrkdwn: call.args.flag("mrkdwn").unwrap_or(true),
            authorship: Authorship {
                username: call.args.non_empty("username"),
                icon_emoji: call.args.non_empty("icon_emoji"),
                icon_url: call.args.non_empty("icon_url"),
            },
            ..Self::default()
        }
    }

    /// The draft with its names linked when the call asks (`link_names`, `parse=full`).
    ///
    /// # Errors
    ///
    /// `internal_error` when Postgres fails.
    pub(crate) async fn with_linked_names(
        mut self,
        client: &impl GenericClient,
        call: &Call,
    ) -> Result<Self, ApiError> {
        if wants_linked_names(call) {
            self.text = link_names(client, &self.team_id, &self.text).await?;
        }
        Ok(self)
    }

    /// The draft posted by `caller`: its author, and the authorship overrides only for a bot
    /// token, as Slack applies them.
    pub(crate) fn by(mut self, caller: &Caller) -> Self {
        self.user_id.clone_from(&caller.user_id);
        self.bot_id.clone_from(&caller.bot_id);
        self.team_id.clone_from(&caller.team_id);
        if !caller.is_bot() {
            self.authorship = Authorship::default();
        }
        self
    }
}

/// Inserts `message` into `channel` (kind `kind`) and queues its `message` event (and its
/// `app_mention`, when it mentions the app's bot, and its `link_shared`, when it has links
/// the app unfurls); returns the stored message object.
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
    let json = insert(tx, channel, message).await?;
    let event = message_event(&json, channel, kind);
    emit(tx, message_subscription(kind), Some(channel), &event).await?;
    emit_app_mention(tx, channel, &event).await?;
    crate::model::link::emit_link_shared(tx, channel, &event).await?;
    Ok(json)
}

/// Inserts `message` into `channel` in one statement of its own, queueing no event (for a
/// caller that knows no Events API subscription exists); returns the stored message object.
///
/// The message's `ts` is `max(now, latest ts in the channel + 1µs)`, computed while the
/// channel row is locked, so it strictly increases per channel and depends on nothing but
/// the database.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn insert(
    client: &impl GenericClient,
    channel: &str,
    message: &NewMessage,
) -> Result<Value, ApiError> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {INSERTED_COLUMNS}
             FROM slack_post_message($1, $2, $3, $4, $5, $6::text::json, $7::text::json,
                                     $8::text::json, $9::text::numeric, $10, $11, $12, $13,
                                     $14, $15::text::json, $16, $17::text::json) m
             {INSERTED_JOINS}"
        )
    });
    let statement = client.prepare_cached(&SQL).await?;
    let thread_ts = message.thread_ts.map(|ts| ts.to_string());
    let system = message.system.as_ref();
    let subtype = system.and_then(|system| system.subtype);
    let extras = system.and_then(|system| system.extras.as_deref());
    let channel_id = channel.to_owned();
    let params = insert_params(&channel_id, message, &thread_ts, &subtype, &extras);
    let row = client.query_one(&statement, &params).await?;
    Ok(message_json(&row, true))
}

/// The parameters of [`insert`]'s statement (`slack_post_message`, migration 0003): the
/// message's, with its `thread_ts` in wire form and its system subtype and extras.
fn insert_params<'a>(
    channel: &'a String,
    message: &'a NewMessage,
    thread_ts: &'a Option<String>,
    subtype: &'a Option<&'static str>,
    extras: &'a Option<&'a str>,
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
        &message.authorship.username,
        &message.authorship.icon_emoji,
        &message.authorship.icon_url,
        &message.files,
        subtype,
        extras,
    ]
}

/// [`MESSAGE_COLUMNS`] over a just-inserted row (`inserted m`), which has no replies or pins
/// yet but may have a thread parent.
const INSERTED_COLUMNS: &str = message_columns!("0::bigint, NULL::text, NULL::text[]", "false");

/// The joins of [`INSERTED_COLUMNS`].
const INSERTED_JOINS: &str = "LEFT JOIN bots b ON b.id = m.bot_id";

/// What an edit did to a message.
pub(crate) enum Edit {
    /// `chat.update`: the message as it now reads.
    Changed(Value),
    /// `chat.delete`: the message is gone (or a tombstone).
    Deleted(Ts),
}

/// Queues the hidden event of an edit to a message in `conversation` (its id and kind;
/// `message_changed`
/// with the new `message`, or `message_deleted` with the `deleted_ts`), commits, and wakes
/// the delivery worker.
pub(crate) async fn commit_edit(
    state: &AppState,
    tx: Transaction<'_>,
    (channel, kind): (&str, &str),
    edit: Edit,
    previous: Value,
) -> Result<(), ApiError> {
    let (subtype, detail) = match edit {
        Edit::Changed(message) => ("message_changed", ("message", message)),
        Edit::Deleted(ts) => ("message_deleted", ("deleted_ts", json!(ts.to_string()))),
    };
    let event_ts = crate::ts::event_ts();
    let mut event = json!({
        "type": "message",
        "subtype": subtype,
        "hidden": true,
        "channel": channel,
        "ts": event_ts,
    });
    event[detail.0] = detail.1;
    event["previous_message"] = previous;
    event["event_ts"] = json!(event_ts);
    event["channel_type"] = json!(channel_type(kind));
    emit(&tx, message_subscription(kind), Some(channel), &event).await?;
    state.commit(tx).await?;
    Ok(())
}

/// Inserts `message` into `channel` as an ephemeral message only `user` sees (kept in
/// `ephemeral_messages`, never in history), its `ts` after every other in the channel;
/// answers the `ts`. Locks the channel's row.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn insert_ephemeral(
    tx: &Transaction<'_>,
    channel: &str,
    user: &str,
    message: &NewMessage,
) -> Result<String, ApiError> {
    tx.execute(
        "SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE",
        &[&channel],
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
                &channel,
                &user.trim(),
                &message.user_id,
                &message.bot_id,
                &message.text,
                &message.blocks,
                &message.attachments,
                &message.thread_ts.map(|ts| ts.to_string()),
            ],
        )
        .await?;
    Ok(row.get(0))
}

/// The ephemeral message `ts` in `channel` shown to `user`, as a message object.
///
/// # Errors
///
/// `message_not_found`; `internal_error` when Postgres fails.
pub(crate) async fn find_ephemeral(
    client: &impl GenericClient,
    channel: &str,
    ts: &str,
    user: &str,
) -> Result<Value, ApiError> {
    let row = client
        .query_opt(
            "SELECT ts::text, author_id, bot_id, text, blocks::text, attachments::text
             FROM ephemeral_messages
             WHERE channel_id = $1 AND ts = $2::text::numeric AND user_id = $3",
            &[&channel, &ts, &user],
        )
        .await?
        .ok_or_else(|| ApiError::new("message_not_found"))?;
    let parse = |at: usize| {
        row.get::<_, Option<&str>>(at)
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
    };
    let mut message = json!({
        "type": "message",
        "ts": row.get::<_, String>(0),
        "user": row.get::<_, String>(1),
        "text": row.get::<_, String>(3),
    });
    for (field, value) in [
        ("bot_id", row.get::<_, Option<String>>(2).map(Value::String)),
        ("blocks", parse(4)),
        ("attachments", parse(5)),
    ] {
        if let Some(value) = value {
            message[field] = value;
        }
    }
    Ok(message)
}

/// Replaces the content of the ephemeral message `ts` in `channel` shown to `user` with
/// `draft`'s, or deletes it when there is no draft. Answers whether there was one.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn edit_ephemeral(
    client: &impl GenericClient,
    channel: &str,
    ts: &str,
    user: &str,
    draft: Option<&NewMessage>,
) -> Result<bool, ApiError> {
    let changed = match draft {
        None => {
            client
                .execute(
                    "DELETE FROM ephemeral_messages
                     WHERE channel_id = $1 AND ts = $2::text::numeric AND user_id = $3",
                    &[&channel, &ts, &user],
                )
                .await?
        }
        Some(draft) => {
            client
                .execute(
                    "UPDATE ephemeral_messages SET text = $4, blocks = $5::text::json,
                            attachments = $6::text::json
                     WHERE channel_id = $1 AND ts = $2::text::numeric AND user_id = $3",
                    &[
                        &channel,
                        &ts,
                        &user,
                        &draft.text,
                        &draft.blocks,
                        &draft.attachments,
                    ],
                )
                .await?
        }
    };
    Ok(changed > 0)
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
        state.kit.wake_outbox();
    }
    Ok(due.len())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// How many columns a select list has (commas outside parentheses, plus one).
    pub(crate) fn column_count(columns: &str) -> usize {
        let mut depth = 0_i32;
        let mut count = 1;
        for c in columns.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => count += 1,
                _ => {}
            }
        }
        count
    }

    #[test]
    fn stored_and_inserted_messages_have_every_column_from_columns_reads() {
        assert_eq!(column_count(MESSAGE_COLUMNS), 30);
        assert_eq!(column_count(INSERTED_COLUMNS), 30);
    }

    #[test]
    fn reply_users_keep_first_appearance_order() {
        let mut users = vec!["U3".to_owned(), "U1".into(), "U3".into(), "U2".into()];
        dedupe_in_order(&mut users);
        assert_eq!(users, ["U3", "U1", "U2"]);
    }
}
