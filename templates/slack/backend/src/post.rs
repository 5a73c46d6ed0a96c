//! `chat.postMessage`, the write clients make most: one statement and one round trip per
//! call.
//!
//! The statement resolves the token (the columns of [`auth::CALLER_SQL`]) and the channel as
//! the caller sees it, and posts the message (`slack_post_message`, migration 0005) when
//! the call may post: its arguments are valid, the token holds `chat:write`, the channel is
//! not archived and the caller is in it (or it is public and the token holds
//! `chat:write.public`), so the same conditions [`Conversation::check_postable`] checks.
//! The checks are then made in Slack's order on what the statement read, so a call answers
//! exactly what it would if each were looked up in turn, and a refused call has written
//! nothing.
//!
//! Two things the statement leaves to a transaction of its own: an Events API subscription
//! (the post's event is queued in the same transaction) and rate limits (counted before
//! posting). With either, the statement only reads, and the post follows.

use std::sync::LazyLock;

use asym_kit::tokio_postgres::types::ToSql;
use serde_json::json;

use crate::args::channel_arg;
use crate::auth::{self, CALLER_SQL};
use crate::error::{ApiError, ApiResult, reply};
use crate::model::conversation::{CONVERSATION_COLUMNS, Conversation, Naming};
use crate::model::message::{
    INSERTED_COLUMNS, INSERTED_JOINS, MessageRow, NewMessage, insert_message,
};
use crate::{AppState, Call};

/// Where the conversation's columns start in the row of [`SQL`]; the caller's come before.
const CONVERSATION: usize = 10;
/// Where the posted message's columns start.
const MESSAGE: usize = CONVERSATION + 19;

/// The statement of a call. `$1` is the token's hash, `$2` the channel's id or name, `$3`
/// whether only a name may match (`#name`), `$4` whether the arguments are valid (else
/// nothing is posted); then the message: `$5` text, `$6` blocks, `$7` attachments, `$8`
/// metadata, `$9` thread_ts, `$10` reply_broadcast, `$11` mrkdwn, `$12` username, `$13`
/// icon_emoji, `$14` icon_url (applied for bot tokens only, as [`NewMessage::by`] applies
/// them).
static SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH w AS MATERIALIZED ({CALLER_SQL}),
         c AS MATERIALIZED (
             SELECT {CONVERSATION_COLUMNS}
             FROM w JOIN conversations c ON c.team_id = w.team_id
             LEFT JOIN conversation_members me
                    ON me.conversation_id = c.id AND me.user_id = w.user_id
             WHERE (NOT $3 AND c.id = $2) OR c.name = $2
             ORDER BY c.id = $2 DESC LIMIT 1),
         m AS MATERIALIZED (
             SELECT m.* FROM w CROSS JOIN c
             CROSS JOIN LATERAL slack_post_message(
                 c.id, w.user_id, w.bot_id, w.team_id, $5, $6::text::json, $7::text::json,
                 $8::text::json, $9::text::numeric, $10, $11,
                 CASE WHEN w.kind = 'bot' THEN $12 END, CASE WHEN w.kind = 'bot' THEN $13 END,
                 CASE WHEN w.kind = 'bot' THEN $14 END, NULL, NULL, NULL) m
             WHERE $4 AND NOT w.deleted AND w.rate_limits IS NULL AND NOT w.events
               AND 'chat:write' = ANY(w.scopes) AND NOT c.is_archived
               AND (c.is_member
                    OR (c.kind = 'public_channel' AND 'chat:write.public' = ANY(w.scopes))))
         SELECT w.*, c.*, {INSERTED_COLUMNS}
         FROM w LEFT JOIN c ON true LEFT JOIN m ON true {INSERTED_JOINS}"
    )
});

/// `chat.postMessage`: posts to a channel (by id, `#name` or name) or a thread in it.
///
/// # Errors
///
/// Slack's, in Slack's order: `not_authed`, `invalid_auth`, `account_inactive`,
/// `ratelimited`; `missing_scope`; `invalid_arguments` without a `channel`; the content's
/// (`no_text`, `msg_too_long`, …) and `invalid_thread_ts`; `channel_not_found`;
/// `is_archived`, `not_in_channel`.
pub(crate) async fn post_message(state: &AppState, call: &Call) -> ApiResult {
    let token =
        auth::token(&call.headers, &call.args).ok_or_else(|| ApiError::new("not_authed"))?;
    let hash = asym_kit::token::hash(token);
    let channel = channel_arg(call);
    let draft = NewMessage::draft(call);
    let (by_name, key) = Naming::IdOrName.key(channel.as_deref().unwrap_or_default());
    let valid = channel.is_ok() && draft.is_ok();
    let empty = NewMessage::default();
    let message = draft.as_ref().unwrap_or(&empty);
    let thread_ts = message.thread_ts.map(|ts| ts.to_string());
    let params: [&(dyn ToSql + Sync); 14] = [
        &hash,
        &key,
        &by_name,
        &valid,
        &message.text,
        &message.blocks,
        &message.attachments,
        &message.metadata,
        &thread_ts,
        &message.broadcast,
        &message.mrkdwn,
        &message.authorship.username,
        &message.authorship.icon_emoji,
        &message.authorship.icon_url,
    ];
    let client = state.kit.db().await?;
    let statement = client.prepare_cached(&SQL).await?;
    let row = client.query_opt(&statement, &params).await?;
    drop(client);

    let caller = auth::caller_from_row(state, call, row.as_ref()).await?;
    caller.require(&["chat:write"])?;
    channel?;
    let message = draft?.by(&caller);
    let row = row.ok_or_else(|| ApiError::new("invalid_auth"))?;
    let conversation = Conversation::visible_at(&row, CONVERSATION)?;
    conversation.check_postable(&caller)?;

    let json = if row.get::<_, Option<&str>>(MESSAGE).is_some() {
        MessageRow::from_columns(&row, MESSAGE).to_value(true)
    } else {
        // Not posted by the statement: events to queue, or rate limits counted first.
        let mut client = state.kit.db().await?;
        let tx = client.transaction().await?;
        let json = insert_message(&tx, &conversation.id, &conversation.kind, &message).await?;
        state.commit(tx).await?;
        json
    };
    reply([
        ("channel", json!(conversation.id)),
        ("ts", json["ts"].clone()),
        ("message", json),
    ])
}
