//! `chat.postMessage`, the write clients make most: two statements per call.
//!
//! The first resolves the token (the columns of [`auth::CALLER_SQL`]) and the channel as the
//! caller sees it, together; the checks are then made in Slack's order on what it read. The
//! second posts (`slack_post_message`, migration 0003), alone, or in a transaction with the
//! post's event when an Events API subscription exists.
//!
//! Measured per call in the clone's Postgres (single client, least of many runs): the two
//! lookups as one statement cost 32 µs against 55 µs as two; folding the post into the same
//! statement as well costs more than posting apart (195 µs against 140 µs), so the post
//! stays a statement of its own.

use std::sync::LazyLock;

use asym_kit::tokio_postgres::types::ToSql;
use serde_json::json;

use crate::args::channel_arg;
use crate::auth::{self, CALLER_SQL};
use crate::error::{ApiError, ApiResult, reply};
use crate::model::conversation::{
    CONVERSATION_COLUMNS, Conversation, Naming, is_user_id, resolve_postable,
};
use crate::model::message::{NewMessage, insert, insert_message};
use crate::{AppState, Call, remote};

/// Where the conversation's columns start in the row of [`SQL`]; the caller's come before.
const CONVERSATION: usize = 10;

/// The caller and the conversation a `channel` argument names, in one row (the
/// conversation's columns NULL when none matches). `$1` is the token's hash, `$2` the
/// channel's id or name, `$3` whether only a name may match (`#name`); an id wins over a
/// name.
static SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH w AS MATERIALIZED ({CALLER_SQL})
         SELECT w.*, c.* FROM w LEFT JOIN LATERAL (
             SELECT {CONVERSATION_COLUMNS}
             FROM conversations c
             LEFT JOIN conversation_members me
                    ON me.conversation_id = c.id AND me.user_id = w.user_id
             WHERE c.team_id = w.team_id AND ((NOT $3 AND c.id = $2) OR c.name = $2)
             ORDER BY c.id = $2 DESC LIMIT 1) c ON true"
    )
});

/// `chat.postMessage`: posts to a channel (by id, `#name` or name) or a thread in it; to a
/// user id, into the caller's direct message with that person.
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
    let (by_name, key) = Naming::IdOrName.key(channel.as_deref().unwrap_or_default());
    let params: [&(dyn ToSql + Sync); 3] = [&hash, &key, &by_name];
    let client = state.kit.db().await?;
    let statement = client.prepare_cached(&SQL).await?;
    let row = client.query_opt(&statement, &params).await?;
    drop(client);

    let caller = auth::caller_from_row(state, call, row.as_ref()).await?;
    caller.require(&["chat:write"])?;
    let channel = channel?;
    let message = NewMessage::draft(call)?.by(&caller);
    let row = row.ok_or_else(|| ApiError::new("invalid_auth"))?;
    let conversation = match Conversation::visible_at(&row, CONVERSATION) {
        Err(_) if !by_name && is_user_id(&channel) => {
            resolve_postable(state, &caller, &channel).await?
        }
        found => found?,
    };
    conversation.check_postable(&caller)?;

    let mut client = state.kit.db().await?;
    let message = message.with_linked_names(&client, call).await?;
    let shown = remote::shown_files(&message);
    let json = if !shown.is_empty() {
        drop(client);
        remote::post_showing(state, &caller, &conversation, message, &shown).await?
    } else if caller.events {
        let tx = client.transaction().await?;
        let json = insert_message(&tx, &conversation.id, &conversation.kind, &message).await?;
        state.commit(tx).await?;
        json
    } else {
        // Nothing to queue, so one autocommit statement.
        insert(&client, &conversation.id, &message).await?
    };
    reply([
        ("channel", json!(conversation.id)),
        ("ts", json["ts"].clone()),
        ("message", json),
    ])
}
