//! The `chat.*` methods but `chat.postMessage` (see `post`): edits, deletes, ephemeral
//! messages, permalinks, scheduling.

use asym_kit::deadpool_postgres::Transaction;
use serde_json::{Map, Value, json};

use crate::args::{channel_arg, cursor_value, id_page};
use crate::auth::{Caller, caller, caller_with};
use crate::error::{ApiError, ApiResult, reply};
use crate::json::row_object;
use crate::model::content::{
    Content, StreamPart, link_names, markdown_block, parse_blocks, parse_metadata,
    wants_linked_names, with_block_ids,
};
use crate::model::conversation::{Conversation, Naming, channel_filter, resolve, resolve_postable};
use crate::model::message::{
    self, Edit, NewMessage, SystemFields, commit_edit, insert_ephemeral, insert_message,
};
use crate::model::user::is_admin;
use crate::ts::Ts;
use crate::{AppState, Call};

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

/// The caller and the message an edit names (`channel` + `ts`), in a conversation that is
/// not archived.
async fn edit_target(
    state: &AppState,
    call: &Call,
) -> Result<(Caller, Conversation, Ts), ApiError> {
    let caller = caller_with(state, call, &["chat:write"]).await?;
    let channel = channel_arg(call)?;
    let ts = ts_arg(call, "ts")?;
    let conversation = resolve(state, &caller, &channel, Naming::IdOnly).await?;
    if conversation.is_archived {
        return Err(ApiError::new("is_archived"));
    }
    Ok((caller, conversation, ts))
}

/// Whether the message `channel` + `ts` is a stream still open: not stopped, and started
/// less than five minutes ago by the database's clock. Locks the stream's row.
async fn is_streaming(tx: &Transaction<'_>, channel: &str, ts: Ts) -> Result<bool, ApiError> {
    let row = tx
        .query_opt(
            "SELECT 1 FROM streams WHERE channel_id = $1 AND ts = $2::text::numeric
                AND NOT stopped AND created > clock_timestamp() - interval '5 minutes'
             FOR UPDATE",
            &[&channel, &ts.to_string()],
        )
        .await?;
    Ok(row.is_some())
}

/// `chat.update`: edits the caller's own message; arguments not sent keep their value.
pub(crate) async fn update(state: &AppState, call: &Call) -> ApiResult {
    let (caller, conversation, ts) = edit_target(state, call).await?;
    let args = &call.args;
    let mut text = args.text("text")?;
    let mut blocks = args.json("blocks", "invalid_blocks_format")?;
    let attachments = args.json("attachments", "invalid_attachments")?;
    let markdown = args.non_empty("markdown_text").is_some();
    // Validate what was sent the way a post would be.
    if text.is_some() || blocks.is_some() || attachments.is_some() || markdown {
        let content = Content::parse(call).or_else(|err| {
            if err.code() == "no_text" {
                Ok(Content::default())
            } else {
                Err(err)
            }
        })?;
        if markdown {
            // `markdown_text` replaces the text and blocks with its `markdown` block.
            text = Some(content.text);
            blocks = content.blocks;
        }
    }
    let blocks = blocks.map(with_block_ids);

    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let previous = message::find(&tx, &conversation.id, ts, true).await?;
    if !is_authors(&caller, &previous) {
        return Err(ApiError::new("cant_update_message"));
    }
    if is_streaming(&tx, &conversation.id, ts).await? {
        return Err(ApiError::new("streaming_state_conflict"));
    }
    let new_text = match &text {
        Some(text) if wants_linked_names(call) => link_names(&tx, &caller.team_id, text).await?,
        Some(text) => text.clone(),
        None => previous["text"].as_str().unwrap_or_default().to_owned(),
    };
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
    let message = message::find(&tx, &conversation.id, ts, true).await?;
    let edit = Edit::Changed(message.clone());
    commit_edit(
        state,
        tx,
        (&conversation.id, &conversation.kind),
        edit,
        previous,
    )
    .await?;

    reply([
        ("channel", json!(conversation.id)),
        ("ts", json!(ts.to_string())),
        ("text", json!(new_text)),
        ("message", message),
    ])
}

/// `chat.startStream`: starts a message that `chat.appendStream` grows and `chat.stopStream`
/// ends, in a thread (`thread_ts`); it is in history (and its `message` event out) from now
/// on, with its text in one `markdown` block.
///
/// # Errors
///
/// `not_allowed_token_type` for a user token; `invalid_arguments` without `thread_ts`; `invalid_thread_ts`; `invalid_chunks`,
/// `msg_too_long`; the channel's (`channel_not_found`, `is_archived`, `not_in_channel`);
/// `missing_recipient_team_id`, `missing_recipient_user_id` when streaming into a
/// conversation other than a direct message without them.
pub(crate) async fn start_stream(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["chat:write"]).await?;
    if caller.bot_id.is_none() {
        return Err(ApiError::new("not_allowed_token_type"));
    }
    let channel = channel_arg(call)?;
    let thread_ts = call
        .args
        .ts("thread_ts", "invalid_thread_ts")?
        .ok_or_else(|| ApiError::new("invalid_arguments"))?;
    let part = StreamPart::parse(call)?;
    let conversation = resolve_postable(state, &caller, &channel).await?;
    conversation.check_postable(&caller)?;
    if conversation.kind != "im" {
        for (name, code) in [
            ("recipient_team_id", "missing_recipient_team_id"),
            ("recipient_user_id", "missing_recipient_user_id"),
        ] {
            call.args.non_empty_or(name, code)?;
        }
    }
    let mut draft = NewMessage::draft_authorship(call);
    let mut blocks = markdown_block(&part.markdown);
    if let Value::Array(all) = &mut blocks {
        all.extend(part.blocks);
    }
    draft.blocks = Some(with_block_ids(blocks).to_string());
    draft.text = part.markdown;
    draft.thread_ts = Some(thread_ts);
    let message = draft.by(&caller);

    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let posted = insert_message(&tx, &conversation.id, &conversation.kind, &message).await?;
    tx.execute(
        "INSERT INTO streams (channel_id, ts) VALUES ($1, $2::text::numeric)",
        &[&conversation.id, &posted["ts"].as_str().unwrap_or_default()],
    )
    .await?;
    state.commit(tx).await?;
    reply([
        ("channel", json!(conversation.id)),
        ("ts", posted["ts"].clone()),
    ])
}

/// `chat.appendStream`: adds markdown to the end of a streaming message.
///
/// # Errors
///
/// As [`grow_stream`].
pub(crate) async fn append_stream(state: &AppState, call: &Call) -> ApiResult {
    let (conversation, message) = grow_stream(state, call, false).await?;
    reply([
        ("channel", json!(conversation)),
        ("ts", message["ts"].clone()),
    ])
}

/// `chat.stopStream`: adds the last markdown (and `blocks`, `metadata`) and ends the stream;
/// answers the final message.
///
/// # Errors
///
/// As [`grow_stream`]; `invalid_blocks`, `invalid_blocks_format`, `invalid_metadata_format`.
pub(crate) async fn stop_stream(state: &AppState, call: &Call) -> ApiResult {
    let (conversation, message) = grow_stream(state, call, true).await?;
    reply([
        ("channel", json!(conversation)),
        ("ts", message["ts"].clone()),
        ("message", message),
    ])
}

/// Appends a streaming call's markdown to the stream `channel` + `ts` (on `stop`, also its
/// `blocks` after the markdown and its `metadata`, and ends the stream); queues the
/// `message_changed` event; answers the conversation's id and the message as it now reads.
///
/// # Errors
///
/// `message_not_found`; `cant_update_message` on another's; `message_not_in_streaming_state`
/// once stopped or five minutes after its start; `invalid_chunks`, `msg_too_long`.
async fn grow_stream(
    state: &AppState,
    call: &Call,
    stop: bool,
) -> Result<(String, Value), ApiError> {
    let (caller, conversation, ts) = edit_target(state, call).await?;
    let part = StreamPart::parse(call)?;
    let (blocks, metadata) = if stop {
        (parse_blocks(call)?, parse_metadata(call)?)
    } else {
        (None, None)
    };
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let previous = message::find(&tx, &conversation.id, ts, true).await?;
    if !is_authors(&caller, &previous) {
        return Err(ApiError::new("cant_update_message"));
    }
    if !is_streaming(&tx, &conversation.id, ts).await? {
        return Err(ApiError::new("message_not_in_streaming_state"));
    }
    let text = format!(
        "{}{}",
        previous["text"].as_str().unwrap_or_default(),
        part.markdown
    );
    // The markdown block (first, keeping its id) grows; blocks sent come after the others.
    let mut all = match &previous["blocks"] {
        Value::Array(blocks) if !blocks.is_empty() => blocks.clone(),
        _ => vec![json!({"type": "markdown"})],
    };
    all[0]["text"] = json!(text);
    all.extend(part.blocks);
    if let Some(Value::Array(extra)) = blocks {
        all.extend(extra);
    }
    let all_blocks = Value::Array(all);
    let all_blocks = with_block_ids(all_blocks).to_string();
    tx.execute(
        "UPDATE messages SET text = $3, blocks = $4::text::json,
                metadata = COALESCE($5::text::json, metadata)
         WHERE channel_id = $1 AND ts = $2::text::numeric",
        &[
            &conversation.id,
            &ts.to_string(),
            &text,
            &all_blocks,
            &metadata.map(|m| m.to_string()),
        ],
    )
    .await?;
    tx.execute(
        "UPDATE streams SET stopped = $3 WHERE channel_id = $1 AND ts = $2::text::numeric",
        &[&conversation.id, &ts.to_string(), &stop],
    )
    .await?;
    let message = message::find(&tx, &conversation.id, ts, true).await?;
    let edit = Edit::Changed(message.clone());
    let target = (conversation.id.as_str(), conversation.kind.as_str());
    commit_edit(state, tx, target, edit, previous).await?;
    Ok((conversation.id, message))
}

/// `chat.delete`: deletes the caller's own message (an admin's user token may delete
/// anyone's). A thread parent with replies becomes a tombstone.
pub(crate) async fn delete(state: &AppState, call: &Call) -> ApiResult {
    let (caller, conversation, ts) = edit_target(state, call).await?;
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let previous = message::find(&tx, &conversation.id, ts, true).await?;
    if previous["subtype"] == "tombstone" {
        return Err(ApiError::new("message_not_found"));
    }
    // An open stream cannot be deleted (observed: `cant_delete_message`).
    if (!is_authors(&caller, &previous) && !is_admin(&tx, &caller).await?)
        || is_streaming(&tx, &conversation.id, ts).await?
    {
        return Err(ApiError::new("cant_delete_message"));
    }
    let has_replies = previous["reply_count"].as_i64().unwrap_or(0) > 0;
    let sql = if has_replies {
        "UPDATE messages SET subtype = 'tombstone', text = 'This message was deleted.',
                user_id = 'USLACKBOT', bot_id = NULL, blocks = NULL, attachments = NULL,
                files = NULL, reactions = NULL, hidden = true, edited_user = NULL
         WHERE channel_id = $1 AND ts = $2::text::numeric
           AND subtype IS DISTINCT FROM 'tombstone'"
    } else {
        "DELETE FROM messages WHERE channel_id = $1 AND ts = $2::text::numeric"
    };
    // Of two deletes at once, the one that waited on the row finds it gone.
    if tx
        .execute(sql, &[&conversation.id, &ts.to_string()])
        .await?
        == 0
    {
        return Err(ApiError::new("message_not_found"));
    }
    commit_edit(
        state,
        tx,
        (&conversation.id, &conversation.kind),
        Edit::Deleted(ts),
        previous,
    )
    .await?;

    reply([
        ("channel", json!(conversation.id)),
        ("ts", json!(ts.to_string())),
    ])
}

/// `chat.postEphemeral`: a message only `user` sees (kept in `ephemeral_messages`, never in
/// history).
pub(crate) async fn post_ephemeral(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["chat:write"]).await?;
    let channel = channel_arg(call)?;
    let user = call.args.non_empty_or("user", "user_not_found")?;
    let message = NewMessage::draft(call)?.by(&caller);
    let conversation = resolve(state, &caller, &channel, Naming::IdOrName).await?;
    conversation.check_postable(&caller)?;
    crate::model::user::find(state, &caller, &user).await?;

    let mut client = state.kit.db().await?;
    let message = message.with_linked_names(&client, call).await?;
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
    let ts = insert_ephemeral(&tx, &conversation.id, &user, &message).await?;
    tx.commit().await?;
    reply([("message_ts", json!(ts))])
}

/// `chat.meMessage`: a `/me` message (subtype `me_message`) from the caller into a channel
/// it may post to (or, for a user id, its direct message with that person).
pub(crate) async fn me_message(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["chat:write"]).await?;
    let channel = channel_arg(call)?;
    let text = call
        .args
        .text("text")?
        .filter(|text| !text.trim().is_empty())
        .ok_or_else(|| ApiError::new("no_text"))?;
    let conversation = resolve_postable(state, &caller, &channel).await?;
    conversation.check_postable(&caller)?;
    let message = NewMessage {
        text,
        mrkdwn: true,
        system: Some(SystemFields {
            subtype: Some("me_message"),
            extras: None,
        }),
        ..NewMessage::default()
    }
    .by(&caller);
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let posted = insert_message(&tx, &conversation.id, &conversation.kind, &message).await?;
    state.commit(tx).await?;
    reply([
        ("channel", json!(conversation.id)),
        ("ts", posted["ts"].clone()),
    ])
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
    let permalink = message::permalink(
        &state.kit.config().public_url,
        &conversation.id,
        ts,
        thread_ts.as_deref(),
    );
    reply([
        ("channel", json!(conversation.id)),
        ("permalink", json!(permalink)),
    ])
}

/// Longest Slack lets a message be scheduled ahead: 120 days.
const MAX_SCHEDULE_AHEAD: i64 = 120 * 24 * 3600;

/// `chat.scheduleMessage`: queues a post for `post_at` (Unix seconds); the worker posts it
/// when due.
pub(crate) async fn schedule_message(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["chat:write"]).await?;
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
    let message = NewMessage::draft(call)?.by(&caller);
    let now = crate::ts::now_seconds();
    if post_at < now {
        return Err(ApiError::new("time_in_past"));
    }
    if post_at > now + MAX_SCHEDULE_AHEAD {
        return Err(ApiError::new("time_too_far"));
    }
    let conversation = resolve_postable(state, &caller, &channel).await?;
    conversation.check_postable(&caller)?;
    let client = state.kit.db().await?;
    let message = message.with_linked_names(&client, call).await?;
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
    for (key, stored) in [
        ("blocks", &message.blocks),
        ("attachments", &message.attachments),
    ] {
        if let Some(value) = stored
            .as_deref()
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
        {
            preview.insert(key.into(), value);
        }
    }
    reply([
        ("channel", json!(conversation.id)),
        ("scheduled_message_id", json!(row.get::<_, String>(0))),
        ("post_at", json!(post_at)),
        ("message", Value::Object(preview)),
    ])
}

/// `chat.scheduledMessages.list`: the caller's pending scheduled messages (optionally of one
/// `channel`, within `oldest`/`latest` post times), soonest first.
pub(crate) async fn scheduled_list(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    let channel = channel_filter(state, &caller, call).await?;
    let oldest = call.args.seconds("oldest", "invalid_arguments")?;
    let latest = call.args.seconds("latest", "invalid_arguments")?;
    let limit = call.args.limit(100, 1000)?;
    let after = cursor_value(call.args.string("cursor"), "scheduled")?;
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
    let mut items: Vec<Value> = rows.iter().map(row_object).collect();
    let metadata = id_page(&mut items, limit, "scheduled");
    reply([
        ("scheduled_messages", Value::Array(items)),
        ("response_metadata", metadata),
    ])
}

/// `chat.deleteScheduledMessage`: cancels one of the caller's scheduled messages.
pub(crate) async fn delete_scheduled(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["chat:write"]).await?;
    let channel = channel_arg(call)?;
    let id = call
        .args
        .non_empty_or("scheduled_message_id", "invalid_scheduled_message_id")?;
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
