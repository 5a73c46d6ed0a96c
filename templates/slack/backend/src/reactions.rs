//! Reactions and pins on messages: `reactions.add|remove|get|list`, `pins.add|remove|list`.
//!
//! Reactions are kept on the message row itself (`[{"name","users","count"}]`, in the order
//! first added), so reading history never joins.

use asym_kit::deadpool_postgres::Transaction;
use serde_json::{Value, json};

use crate::args::{OffsetPage, channel_arg};
use crate::auth::{Caller, caller_with};
use crate::error::{ApiError, ApiResult, reply};
use crate::model::conversation::{Conversation, Naming, resolve};
use crate::model::event::emit_and_commit;
use crate::model::message::{self, MESSAGE_COLUMNS, MESSAGE_JOINS, message_json};
use crate::ts::Ts;
use crate::{AppState, Call};

/// Most distinct reactions one message may carry.
const MAX_REACTIONS: usize = 23;

/// The emoji name of a `name` argument: colons and skin-tone spelling kept, checked.
fn emoji_name(call: &Call) -> Result<String, ApiError> {
    let name = call.args.string("name").unwrap_or_default();
    let name = name.trim().trim_matches(':');
    let valid = !name.is_empty()
        && name.len() <= 100
        && name.chars().all(|c| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || matches!(c, '_' | '-' | '+' | '\'' | ':')
        });
    if valid {
        Ok(name.to_owned())
    } else {
        Err(ApiError::new("invalid_name"))
    }
}

/// The message a reaction or pin call names (`channel` + `timestamp`).
async fn target(
    state: &AppState,
    caller: &Caller,
    call: &Call,
) -> Result<(Conversation, Ts), ApiError> {
    if !call.args.has("channel") && !call.args.has("timestamp") {
        return Err(ApiError::new("no_item_specified"));
    }
    let channel = channel_arg(call)?;
    let ts = call.args.non_empty_or("timestamp", "no_item_specified")?;
    let ts = Ts::parse(&ts).ok_or_else(|| ApiError::new("bad_timestamp"))?;
    let conversation = resolve(state, caller, &channel, Naming::IdOnly).await?;
    Ok((conversation, ts))
}

/// Reads a message inside `tx`, locking it.
async fn locked_message(
    tx: &Transaction<'_>,
    channel: &str,
    ts: Ts,
) -> Result<(Value, Vec<Value>), ApiError> {
    let row = tx
        .query_opt(
            "SELECT user_id, reactions::text FROM messages
             WHERE channel_id = $1 AND ts = $2::text::numeric FOR UPDATE",
            &[&channel, &ts.to_string()],
        )
        .await?
        .ok_or_else(|| ApiError::new("message_not_found"))?;
    let user: Option<String> = row.get(0);
    let reactions: Option<String> = row.get(1);
    let reactions = reactions
        .and_then(|text| serde_json::from_str::<Vec<Value>>(&text).ok())
        .unwrap_or_default();
    Ok((json!(user), reactions))
}

/// Adds (`add`) or removes the caller's `name` reaction; the list as it becomes.
fn toggle(reactions: &mut Vec<Value>, name: &str, user: &str, add: bool) -> Result<(), ApiError> {
    let index = reactions.iter().position(|r| r["name"] == name);
    let has_user = |r: &Value| {
        r["users"]
            .as_array()
            .is_some_and(|users| users.iter().any(|u| u == user))
    };
    match (index, add) {
        (Some(i), true) if has_user(&reactions[i]) => Err(ApiError::new("already_reacted")),
        (Some(i), true) => {
            let entry = &mut reactions[i];
            if let Some(users) = entry["users"].as_array_mut() {
                users.push(json!(user));
            }
            let count = entry["count"].as_i64().unwrap_or(0) + 1;
            entry["count"] = json!(count);
            Ok(())
        }
        (None, true) if reactions.len() >= MAX_REACTIONS => Err(ApiError::new("too_many_emoji")),
        (None, true) => {
            reactions.push(json!({ "name": name, "users": [user], "count": 1 }));
            Ok(())
        }
        (Some(i), false) if has_user(&reactions[i]) => {
            let entry = &mut reactions[i];
            if let Some(users) = entry["users"].as_array_mut() {
                users.retain(|u| u != user);
            }
            let count = entry["count"].as_i64().unwrap_or(1) - 1;
            if count <= 0 {
                reactions.remove(i);
            } else {
                entry["count"] = json!(count);
            }
            Ok(())
        }
        (_, false) => Err(ApiError::new("no_reaction")),
    }
}

/// `reactions.add` (`add`): the caller reacts to a message with emoji `name`;
/// `reactions.remove`: takes the caller's `name` reaction back.
pub(crate) async fn react(state: &AppState, call: &Call, add: bool) -> ApiResult {
    let caller = caller_with(state, call, &["reactions:write"]).await?;
    let name = emoji_name(call)?;
    let (conversation, ts) = target(state, &caller, call).await?;
    if conversation.is_archived {
        return Err(ApiError::new("is_archived"));
    }
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let (item_user, mut reactions) = locked_message(&tx, &conversation.id, ts).await?;
    toggle(&mut reactions, &name, &caller.user_id, add)?;
    let stored = (!reactions.is_empty()).then(|| Value::Array(reactions).to_string());
    tx.execute(
        "UPDATE messages SET reactions = $3::text::json
         WHERE channel_id = $1 AND ts = $2::text::numeric",
        &[&conversation.id, &ts.to_string(), &stored],
    )
    .await?;
    let event_type = if add {
        "reaction_added"
    } else {
        "reaction_removed"
    };
    let event = json!({
        "type": event_type,
        "user": caller.user_id,
        "reaction": name,
        "item_user": item_user,
        "item": { "type": "message", "channel": conversation.id, "ts": ts.to_string() },
    });
    emit_and_commit(state, tx, Some(&conversation.id), event).await
}

/// `reactions.get`: a message with its reactions.
pub(crate) async fn get(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["reactions:read"]).await?;
    let (conversation, ts) = target(state, &caller, call).await?;
    let mut message = message::find(&state.kit.db().await?, &conversation.id, ts, false).await?;
    message["permalink"] = json!(message::permalink(
        &state.kit.config().public_url,
        &conversation.id,
        ts,
        message["thread_ts"].as_str(),
    ));
    reply([
        ("type", json!("message")),
        ("channel", json!(conversation.id)),
        ("message", message),
    ])
}

/// `reactions.list`: the messages `user` (default the caller) reacted to, among those the
/// caller can see, newest message first; paged with `limit`/`cursor` or `count`/`page`.
pub(crate) async fn list(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["reactions:read"]).await?;
    let user = caller.user_arg(call);
    if user != caller.user_id {
        crate::model::user::find(state, &caller, &user).await?;
    }
    let page = OffsetPage::parse(call)?;
    let client = state.kit.db().await?;
    let rows = client
        .query(
            &format!(
                "SELECT {MESSAGE_COLUMNS}, count(*) OVER ()
                 FROM messages m JOIN conversations c ON c.id = m.channel_id
                 {MESSAGE_JOINS}
                 WHERE c.team_id = $1 AND m.reactions IS NOT NULL
                   AND (c.kind = 'public_channel' OR EXISTS (
                        SELECT 1 FROM conversation_members cm
                        WHERE cm.conversation_id = c.id AND cm.user_id = $2))
                   AND EXISTS (
                        SELECT 1 FROM json_array_elements(m.reactions) r,
                                      json_array_elements_text(r -> 'users') u
                        WHERE u = $3)
                 ORDER BY m.ts DESC, m.channel_id DESC
                 LIMIT $4 OFFSET $5"
            ),
            &[
                &caller.team_id,
                &caller.user_id,
                &user,
                &page.limit,
                &page.offset,
            ],
        )
        .await?;
    let total = message::window_total(&rows);
    let public_url = &state.kit.config().public_url;
    let items: Vec<Value> = rows
        .iter()
        .map(|row| {
            let channel: &str = row.get(27);
            let mut message = message_json(row, false);
            if let Some(link) = message::permalink_of(public_url, channel, &message) {
                message["permalink"] = json!(link);
            }
            json!({ "type": "message", "channel": channel, "message": message })
        })
        .collect();
    let [paging, metadata] = page.answer(items.len(), total);
    reply([("items", Value::Array(items)), paging, metadata])
}

/// `pins.add` (`pin`): pins a message to its channel; `pins.remove`: unpins it.
pub(crate) async fn set_pin(state: &AppState, call: &Call, pin: bool) -> ApiResult {
    let caller = caller_with(state, call, &["pins:write"]).await?;
    let (conversation, ts) = target(state, &caller, call).await?;
    conversation.check_member_of_open()?;
    let message = message::find(&state.kit.db().await?, &conversation.id, ts, false).await?;
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let changed = if pin {
        tx.execute(
            "INSERT INTO pins (channel_id, ts, created_by, created)
             VALUES ($1, $2::text::numeric, $3, extract(epoch FROM now())::bigint)
             ON CONFLICT DO NOTHING",
            &[&conversation.id, &ts.to_string(), &caller.user_id],
        )
        .await?
    } else {
        tx.execute(
            "DELETE FROM pins WHERE channel_id = $1 AND ts = $2::text::numeric",
            &[&conversation.id, &ts.to_string()],
        )
        .await?
    };
    if changed == 0 {
        return Err(ApiError::new(if pin { "already_pinned" } else { "no_pin" }));
    }
    let event_type = if pin { "pin_added" } else { "pin_removed" };
    let event = json!({
        "type": event_type,
        "user": caller.user_id,
        "channel_id": conversation.id,
        "item": {
            "type": "message",
            "created": crate::ts::now_seconds(),
            "created_by": caller.user_id,
            "channel": conversation.id,
            "message": message,
        },
        "has_pins": pin,
    });
    emit_and_commit(state, tx, Some(&conversation.id), event).await
}

/// `pins.list`: a channel's pinned messages, most recently pinned first.
pub(crate) async fn pins_list(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["pins:read"]).await?;
    let channel = channel_arg(call)?;
    let conversation = resolve(state, &caller, &channel, Naming::IdOnly).await?;
    let client = state.kit.db().await?;
    let rows = client
        .query(
            &format!(
                "SELECT {MESSAGE_COLUMNS}, pin.created, pin.created_by
                 FROM pins pin JOIN messages m ON m.channel_id = pin.channel_id AND m.ts = pin.ts
                 {MESSAGE_JOINS}
                 WHERE pin.channel_id = $1 ORDER BY pin.created DESC, pin.ts DESC"
            ),
            &[&conversation.id],
        )
        .await?;
    let columns = rows.first().map_or(0, |row| row.len());
    let items: Vec<Value> = rows
        .iter()
        .map(|row| {
            json!({
                "type": "message",
                "created": row.get::<_, i64>(columns - 2),
                "created_by": row.get::<_, String>(columns - 1),
                "channel": conversation.id,
                "message": message_json(row, false),
            })
        })
        .collect();
    reply([("items", Value::Array(items))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reactions_count_users_and_vanish_at_zero() {
        let mut list = Vec::new();
        toggle(&mut list, "tada", "U1", true).unwrap();
        toggle(&mut list, "tada", "U2", true).unwrap();
        toggle(&mut list, "eyes", "U1", true).unwrap();
        assert_eq!(
            list,
            [
                json!({"name": "tada", "users": ["U1", "U2"], "count": 2}),
                json!({"name": "eyes", "users": ["U1"], "count": 1}),
            ]
        );
        assert_eq!(
            toggle(&mut list, "tada", "U1", true).unwrap_err().code(),
            "already_reacted"
        );
        toggle(&mut list, "eyes", "U1", false).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(
            toggle(&mut list, "eyes", "U1", false).unwrap_err().code(),
            "no_reaction"
        );
    }
}
