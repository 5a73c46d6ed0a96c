//! Conversations: resolving a `channel` argument, and the `conversations.*` methods (plus
//! `users.conversations`).

use asym_kit::deadpool_postgres::GenericClient;
use serde_json::{Map, Value, json};

use crate::args::{Window, channel_arg, cursor_value, next_cursor, next_page};
use crate::auth::{Caller, TokenKind, caller};
use crate::error::{ApiError, ApiResult, reply};
use crate::model::conversation::{
    CONVERSATION_COLUMNS, CONVERSATION_FROM, Conversation, Naming, open_direct, resolve,
    scope_family,
};
use crate::model::event::emit;
use crate::model::message::{MESSAGE_COLUMNS, MESSAGE_JOINS, message_json};
use crate::model::system::{self, Change};
use crate::ts::Ts;
use crate::{AppState, Call};

/// The conversation types Slack knows, in `types` spelling.
const TYPES: &[&str] = &["public_channel", "private_channel", "mpim", "im"];

/// Longest channel name Slack accepts.
const MAX_NAME: usize = 80;
/// Longest topic or purpose Slack accepts, in characters.
const MAX_TOPIC: usize = 250;
/// Most people one `conversations.open` may name.
const MAX_MPIM_USERS: usize = 8;

/// The write scope a conversation method needs on a conversation of `kind`: bots manage
/// public channels with `channels:manage`, people with `channels:write`.
fn require_write(caller: &Caller, kind: &str) -> Result<(), ApiError> {
    match kind {
        "public_channel" => caller.require_kind("channels:manage", "channels:write"),
        "private_channel" => caller.require(&["groups:write"]),
        "mpim" => caller.require(&["mpim:write"]),
        _ => caller.require(&["im:write"]),
    }
}

/// Resolves the call's `channel` argument by id.
async fn resolve_arg(
    state: &AppState,
    caller: &Caller,
    call: &Call,
) -> Result<Conversation, ApiError> {
    let channel = channel_arg(call)?;
    resolve(state, caller, &channel, Naming::IdOnly).await
}

/// The caller and the conversation of the call's `channel` argument, which the caller may
/// read (the `…:read` scope of the conversation's family), checked in Slack's order.
async fn readable(state: &AppState, call: &Call) -> Result<(Caller, Conversation), ApiError> {
    let caller = caller(state, call).await?;
    let conversation = resolve_arg(state, &caller, call).await?;
    caller.require(&[&format!("{}:read", conversation.scope_family())])?;
    Ok((caller, conversation))
}

/// The caller and the conversation of the call's `channel` argument, which the caller may
/// write to ([`require_write`]), checked in Slack's order.
async fn writable(state: &AppState, call: &Call) -> Result<(Caller, Conversation), ApiError> {
    let caller = caller(state, call).await?;
    let conversation = resolve_arg(state, &caller, call).await?;
    require_write(&caller, &conversation.kind)?;
    Ok((caller, conversation))
}

/// Parses a `types` argument: comma-separated, empty or absent meaning `public_channel`.
fn parse_types(types: Option<&str>) -> Result<Vec<String>, ApiError> {
    let mut wanted: Vec<String> = Vec::new();
    for item in types
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if !TYPES.contains(&item) {
            return Err(ApiError::new("invalid_types"));
        }
        if !wanted.iter().any(|w| w == item) {
            wanted.push(item.to_owned());
        }
    }
    if wanted.is_empty() {
        wanted.push("public_channel".to_owned());
    }
    Ok(wanted)
}

/// Checks a channel name the way Slack does; returns it as stored.
fn validate_name(name: Option<String>) -> Result<String, ApiError> {
    let name = name.unwrap_or_default();
    let name = name.trim().trim_start_matches('#');
    if name.is_empty() {
        return Err(ApiError::new("invalid_name_required"));
    }
    if name.chars().count() > MAX_NAME {
        return Err(ApiError::new("invalid_name_maxlength"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(ApiError::new("invalid_name_specials"));
    }
    if name.chars().all(|c| c == '-' || c == '_') {
        return Err(ApiError::new("invalid_name_punctuation"));
    }
    Ok(name.to_owned())
}

/// Lists conversations of `types` visible to the caller, optionally only those `member`
/// belongs to; the body of `conversations.list` and `users.conversations`.
async fn list_conversations(
    state: &AppState,
    call: &Call,
    caller: &Caller,
    member: Option<&str>,
) -> ApiResult {
    let types = parse_types(call.args.string("types").as_deref())?;
    for kind in &types {
        caller.require(&[&format!("{}:read", scope_family(kind))])?;
    }
    let exclude_archived = call.args.flag("exclude_archived").unwrap_or(false);
    let limit = call.args.limit(100, 1000)?;
    let after = cursor_value(call.args.string("cursor"), "channel")?;

    let client = state.kit.db().await?;
    let sql = format!(
        "SELECT {CONVERSATION_COLUMNS} FROM {CONVERSATION_FROM}
         WHERE c.team_id = $1 AND c.kind = ANY($3)
           AND (NOT $4 OR NOT c.is_archived)
           AND ($5::text IS NULL OR c.id >= $5)
           AND (c.kind = 'public_channel' OR me.user_id IS NOT NULL)
           AND ($7::text IS NULL OR EXISTS (
                SELECT 1 FROM conversation_members t
                WHERE t.conversation_id = c.id AND t.user_id = $7))
         ORDER BY c.id
         LIMIT $6"
    );
    let rows = client
        .query(
            &sql,
            &[
                &caller.team_id,
                &caller.user_id,
                &types,
                &exclude_archived,
                &after,
                &(limit + 1),
                &member,
            ],
        )
        .await?;
    let mut conversations: Vec<Conversation> = rows.iter().map(Conversation::from_row).collect();
    let next = next_page(&mut conversations, limit);
    let channels = conversations
        .iter()
        .map(|c| c.to_json(&caller.team_id, &caller.user_id))
        .collect();
    reply([
        ("channels", channels),
        (
            "response_metadata",
            next_cursor("channel", next.as_ref().map(|c| c.id.as_str())),
        ),
    ])
}

/// `conversations.list`: the conversations of the requested `types` the caller can see,
/// ordered by id, paged with `limit` (default 100, at most 1000) and `cursor`.
pub(crate) async fn list(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    list_conversations(state, call, &caller, None).await
}

/// `users.conversations`: the conversations `user` (default the caller) is a member of,
/// among those the caller can see.
pub(crate) async fn user_conversations(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    let user = caller.user_arg(call);
    if user != caller.user_id {
        crate::model::user::find(state, &caller, &user).await?;
    }
    list_conversations(state, call, &caller, Some(&user)).await
}

/// `conversations.info`: one conversation; `num_members` with `include_num_members`.
pub(crate) async fn info(state: &AppState, call: &Call) -> ApiResult {
    let (caller, conversation) = readable(state, call).await?;
    let mut channel = conversation.to_json(&caller.team_id, &caller.user_id);
    if let Value::Object(fields) = &mut channel {
        if !call.args.flag("include_num_members").unwrap_or(false) {
            fields.remove("num_members");
        }
        if call.args.flag("include_locale").unwrap_or(false) {
            fields.insert("locale".into(), json!("en-US"));
        }
    }
    reply([("channel", channel)])
}

/// A `member_joined_channel` or `member_left_channel` event for `user`.
fn member_event(kind: &str, conversation: &Conversation, team: &str, user: &str) -> Value {
    json!({
        "type": kind,
        "user": user,
        "channel": conversation.id,
        "channel_type": if conversation.kind == "public_channel" { "C" } else { "G" },
        "team": team,
        "event_ts": crate::ts::event_ts(),
    })
}

/// Queues `event`, if any (under its own `type`), and posts the system message for
/// `change` by `user` into a conversation, inside `tx`.
async fn post_change(
    tx: &asym_kit::deadpool_postgres::Transaction<'_>,
    conversation: &Conversation,
    (team, user): (&str, &str),
    event: Option<&Value>,
    change: Change<'_>,
) -> Result<(), ApiError> {
    if let Some(event) = event {
        let event_type = event["type"].as_str().unwrap_or_default();
        emit(tx, event_type, Some(&conversation.id), event).await?;
    }
    system::post(tx, &conversation.id, &conversation.kind, team, user, change).await
}

/// Adds `user` to a conversation, queues `member_joined_channel` and, in a channel, posts
/// its `channel_join` message; `false` when already a member.
async fn add_member(
    tx: &asym_kit::deadpool_postgres::Transaction<'_>,
    conversation: &Conversation,
    team: &str,
    user: &str,
    inviter: Option<&str>,
) -> Result<bool, ApiError> {
    let added = tx
        .execute(
            "INSERT INTO conversation_members (conversation_id, user_id, joined)
             VALUES ($1, $2, extract(epoch FROM now())::bigint) ON CONFLICT DO NOTHING",
            &[&conversation.id, &user],
        )
        .await?
        == 1;
    if added && conversation.is_channel() {
        let mut event = member_event("member_joined_channel", conversation, team, user);
        if let (Some(inviter), Value::Object(fields)) = (inviter, &mut event) {
            fields.insert("inviter".into(), json!(inviter));
        }
        let change = Change::Joined { inviter };
        post_change(tx, conversation, (team, user), Some(&event), change).await?;
    }
    Ok(added)
}

/// Removes `user` from a conversation, queues `member_left_channel` and, in a channel, posts
/// its `channel_leave` message; `false` when not a member.
async fn remove_member(
    tx: &asym_kit::deadpool_postgres::Transaction<'_>,
    conversation: &Conversation,
    team: &str,
    user: &str,
) -> Result<bool, ApiError> {
    let event = member_event("member_left_channel", conversation, team, user);
    // Queued first, so a bot leaving hears of its own departure.
    emit(tx, "member_left_channel", Some(&conversation.id), &event).await?;
    let removed = tx
        .execute(
            "DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2",
            &[&conversation.id, &user],
        )
        .await?
        == 1;
    if removed && conversation.is_channel() {
        // Posted once they are out, so someone leaving is not sent their own departure.
        post_change(tx, conversation, (team, user), None, Change::Left).await?;
    }
    Ok(removed)
}

/// Re-reads a conversation after a change, as the caller now sees it.
async fn reread(client: &impl GenericClient, caller: &Caller, id: &str) -> Result<Value, ApiError> {
    let row = client
        .query_one(
            &format!("SELECT {CONVERSATION_COLUMNS} FROM {CONVERSATION_FROM} WHERE c.team_id = $1 AND c.id = $3"),
            &[&caller.team_id, &caller.user_id, &id],
        )
        .await?;
    Ok(Conversation::from_row(&row).to_json(&caller.team_id, &caller.user_id))
}

/// The `{"channel": …}` body of a method that changes a conversation: conversation `id`
/// as [`reread`] finds it on `client` (the connection the change was made on: taking a second
/// one from the pool while holding it starves the pool under concurrent calls).
async fn channel_body(client: &impl GenericClient, caller: &Caller, id: &str) -> ApiResult {
    let channel = reread(client, caller, id).await?;
    Ok(Map::from_iter([("channel".to_owned(), channel)]))
}

/// `conversations.create`: a public (or, with `is_private`, private) channel, its creator
/// its first member (with the `channel_join` message Slack posts for them).
pub(crate) async fn create(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    let is_private = call.args.flag("is_private").unwrap_or(false);
    let kind = if is_private {
        "private_channel"
    } else {
        "public_channel"
    };
    require_write(&caller, kind)?;
    let name = validate_name(call.args.string("name"))?;
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let row = tx
        .query_opt(
            "INSERT INTO conversations (team_id, kind, name, creator, created, updated)
             VALUES ($1, $2, $3, $4, extract(epoch FROM now())::bigint,
                     (extract(epoch FROM now()) * 1000)::bigint)
             ON CONFLICT (team_id, name) DO NOTHING
             RETURNING id, created",
            &[&caller.team_id, &kind, &name, &caller.user_id],
        )
        .await?
        .ok_or_else(|| ApiError::new("name_taken"))?;
    let id: String = row.get(0);
    let created: i64 = row.get(1);
    tx.execute(
        "INSERT INTO conversation_members (conversation_id, user_id, joined) VALUES ($1, $2, $3)",
        &[&id, &caller.user_id, &created],
    )
    .await?;
    if !is_private {
        let event = json!({
            "type": "channel_created",
            "channel": {
                "id": id, "name": name, "created": created, "creator": caller.user_id,
                "is_channel": true, "is_private": false, "context_team_id": caller.team_id,
            },
            "event_ts": crate::ts::event_ts(),
        });
        emit(&tx, "channel_created", None, &event).await?;
    }
    system::post(
        &tx,
        &id,
        kind,
        &caller.team_id,
        &caller.user_id,
        Change::Joined { inviter: None },
    )
    .await?;
    state.commit(tx).await?;
    channel_body(&client, &caller, &id).await
}

/// `conversations.join`: the caller joins a public channel (a warning if already in).
pub(crate) async fn join(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    caller.require_kind("channels:join", "channels:write")?;
    let conversation = resolve_arg(state, &caller, call).await?;
    if conversation.kind != "public_channel" {
        return Err(ApiError::new("method_not_supported_for_channel_type"));
    }
    if conversation.is_archived {
        return Err(ApiError::new("is_archived"));
    }
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let added = add_member(&tx, &conversation, &caller.team_id, &caller.user_id, None).await?;
    state.commit(tx).await?;
    let mut body = channel_body(&client, &caller, &conversation.id).await?;
    if !added {
        body.insert("warning".into(), json!("already_in_channel"));
        body.insert(
            "response_metadata".into(),
            json!({ "warnings": ["already_in_channel"] }),
        );
    }
    Ok(body)
}

/// `conversations.leave`: the caller leaves a channel (`not_in_channel: true` if it was
/// not in it).
pub(crate) async fn leave(state: &AppState, call: &Call) -> ApiResult {
    let (caller, conversation) = writable(state, call).await?;
    if conversation.kind == "im" {
        return Err(ApiError::new("method_not_supported_for_channel_type"));
    }
    if conversation.is_general {
        return Err(ApiError::new("cant_leave_general"));
    }
    if conversation.is_archived {
        return Err(ApiError::new("is_archived"));
    }
    if !conversation.is_member {
        return reply([("not_in_channel", json!(true))]);
    }
    if conversation.kind == "private_channel" && conversation.num_members <= 1 {
        return Err(ApiError::new("last_member"));
    }
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    remove_member(&tx, &conversation, &caller.team_id, &caller.user_id).await?;
    state.commit(tx).await?;
    Ok(Map::new())
}

/// `conversations.invite`: adds `users` (comma-separated ids) to a channel the caller is in.
pub(crate) async fn invite(state: &AppState, call: &Call) -> ApiResult {
    let (caller, conversation) = writable(state, call).await?;
    let users = call.args.list("users");
    if users.is_empty() {
        return Err(ApiError::new("no_user"));
    }
    if !conversation.is_channel() {
        return Err(ApiError::new("method_not_supported_for_channel_type"));
    }
    conversation.check_member_of_open()?;
    if users.contains(&caller.user_id) {
        return Err(ApiError::new("cant_invite_self"));
    }
    if users.len() > 1000 {
        return Err(ApiError::new("too_many_users"));
    }
    let mut client = state.kit.db().await?;
    let known = client
        .query(
            "SELECT u.id, u.deleted, EXISTS (SELECT 1 FROM conversation_members m
                                   WHERE m.conversation_id = $2 AND m.user_id = u.id)
             FROM users u WHERE u.team_id = $1 AND u.id = ANY($3)",
            &[&caller.team_id, &conversation.id, &users],
        )
        .await?;
    let mut errors = Vec::new();
    for user in &users {
        match known.iter().find(|row| row.get::<_, &str>(0) == user) {
            None => errors.push((user, "user_not_found")),
            Some(row) if row.get::<_, bool>(1) => errors.push((user, "user_is_deleted")),
            Some(row) if row.get::<_, bool>(2) => errors.push((user, "already_in_channel")),
            Some(_) => {}
        }
    }
    if let Some((_, first)) = errors.first() {
        let details: Vec<Value> = errors
            .iter()
            .map(|(user, code)| json!({ "user": user, "ok": false, "error": code }))
            .collect();
        return Err(ApiError::new(first).with("errors", details));
    }
    let tx = client.transaction().await?;
    for user in &users {
        add_member(
            &tx,
            &conversation,
            &caller.team_id,
            user,
            Some(&caller.user_id),
        )
        .await?;
    }
    state.commit(tx).await?;
    channel_body(&client, &caller, &conversation.id).await
}

/// `conversations.kick`: removes `user` from a channel.
pub(crate) async fn kick(state: &AppState, call: &Call) -> ApiResult {
    let (caller, conversation) = writable(state, call).await?;
    let user = call.args.non_empty_or("user", "user_not_found")?;
    if !conversation.is_channel() {
        return Err(ApiError::new("method_not_supported_for_channel_type"));
    }
    if user == caller.user_id {
        return Err(ApiError::new("cant_kick_self"));
    }
    if conversation.is_general {
        return Err(ApiError::new("cant_kick_from_general"));
    }
    if !conversation.is_member {
        return Err(ApiError::new("not_in_channel"));
    }
    crate::model::user::find(state, &caller, &user).await?;
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let removed = remove_member(&tx, &conversation, &caller.team_id, &user).await?;
    if !removed {
        return Err(ApiError::new("not_in_channel"));
    }
    state.commit(tx).await?;
    Ok(Map::new())
}

/// `conversations.archive` (`archive`) and `conversations.unarchive`: queues
/// `channel_archive`/`group_archive` (or the `unarchive` pair) and posts the
/// `channel_archive` (`channel_unarchive`) message.
pub(crate) async fn set_archived(state: &AppState, call: &Call, archive: bool) -> ApiResult {
    let (caller, conversation) = writable(state, call).await?;
    if !conversation.is_channel() {
        return Err(ApiError::new("method_not_supported_for_channel_type"));
    }
    if archive && conversation.is_general {
        return Err(ApiError::new("cant_archive_general"));
    }
    if archive && conversation.is_archived {
        return Err(ApiError::new("already_archived"));
    }
    if !archive && !conversation.is_archived {
        return Err(ApiError::new("not_archived"));
    }
    if caller.is_bot() && !conversation.is_member {
        return Err(ApiError::new("not_in_channel"));
    }
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    // Only the call that flips the flag goes on: of two at once, the other finds it done.
    let flipped = tx
        .execute(
            "UPDATE conversations SET is_archived = $2,
                    updated = (extract(epoch FROM now()) * 1000)::bigint
             WHERE id = $1 AND is_archived <> $2",
            &[&conversation.id, &archive],
        )
        .await?;
    if flipped == 0 {
        let code = if archive {
            "already_archived"
        } else {
            "not_archived"
        };
        return Err(ApiError::new(code));
    }
    let family = conversation.event_family();
    let kind = if archive { "archive" } else { "unarchive" };
    let event_type = format!("{family}_{kind}");
    let event = json!({
        "type": event_type,
        "channel": conversation.id,
        "user": caller.user_id,
        "is_moved": 0,
        "event_ts": crate::ts::event_ts(),
    });
    let change = if archive {
        Change::Archived
    } else {
        Change::Unarchived
    };
    post_change(&tx, &conversation, caller.actor(), Some(&event), change).await?;
    state.commit(tx).await?;
    Ok(Map::new())
}

/// `conversations.rename`: a new `name`; the old one goes to `previous_names`, and a
/// `channel_name` message says so.
pub(crate) async fn rename(state: &AppState, call: &Call) -> ApiResult {
    let (caller, conversation) = writable(state, call).await?;
    if !conversation.is_channel() {
        return Err(ApiError::new("method_not_supported_for_channel_type"));
    }
    conversation.check_member_of_open()?;
    let name = validate_name(call.args.string("name"))?;
    let mut client = state.kit.db().await?;
    if conversation.name.as_deref() != Some(name.as_str()) {
        let tx = client.transaction().await?;
        let renamed = tx
            .execute(
                "UPDATE conversations
                 SET previous_names = array_prepend(name, previous_names), name = $2,
                     updated = (extract(epoch FROM now()) * 1000)::bigint
                 WHERE id = $1
                   AND NOT EXISTS (SELECT 1 FROM conversations o
                                   WHERE o.team_id = conversations.team_id AND o.name = $2)",
                &[&conversation.id, &name],
            )
            .await?;
        if renamed == 0 {
            return Err(ApiError::new("name_taken"));
        }
        let family = conversation.event_family();
        let event_type = format!("{family}_rename");
        let event = json!({
            "type": event_type,
            "channel": { "id": conversation.id, "name": name, "created": conversation.created },
            "event_ts": crate::ts::event_ts(),
        });
        let change = Change::Renamed {
            from: conversation.name.as_deref().unwrap_or_default(),
            to: &name,
        };
        post_change(&tx, &conversation, caller.actor(), Some(&event), change).await?;
        state.commit(tx).await?;
    }
    channel_body(&client, &caller, &conversation.id).await
}

/// `conversations.setTopic` and `conversations.setPurpose` (`field` is `topic` or
/// `purpose`); in a channel, posts the `channel_topic` (`channel_purpose`) message.
pub(crate) async fn set_text(state: &AppState, call: &Call, field: &'static str) -> ApiResult {
    let (caller, conversation) = writable(state, call).await?;
    conversation.check_member_of_open()?;
    let value = call.args.string(field).unwrap_or_default();
    if value.chars().count() > MAX_TOPIC {
        return Err(ApiError::new("too_long"));
    }
    let sql = if field == "topic" {
        "UPDATE conversations SET topic = $2, topic_creator = $3,
                topic_last_set = extract(epoch FROM now())::bigint WHERE id = $1"
    } else {
        "UPDATE conversations SET purpose = $2, purpose_creator = $3,
                purpose_last_set = extract(epoch FROM now())::bigint WHERE id = $1"
    };
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    tx.execute(sql, &[&conversation.id, &value, &caller.user_id])
        .await?;
    if conversation.is_channel() {
        let change = if field == "topic" {
            Change::Topic(&value)
        } else {
            Change::Purpose(&value)
        };
        post_change(&tx, &conversation, caller.actor(), None, change).await?;
    }
    state.commit(tx).await?;
    channel_body(&client, &caller, &conversation.id).await
}

/// `conversations.members`: member ids, paged with `limit` (default 100) and `cursor`.
pub(crate) async fn members(state: &AppState, call: &Call) -> ApiResult {
    let (_, conversation) = readable(state, call).await?;
    let limit = call.args.limit(100, 1000)?;
    let after = cursor_value(call.args.string("cursor"), "user")?;
    let client = state.kit.db().await?;
    let rows = client
        .query(
            "SELECT user_id FROM conversation_members
             WHERE conversation_id = $1 AND ($2::text IS NULL OR user_id >= $2)
             ORDER BY user_id LIMIT $3",
            &[&conversation.id, &after, &(limit + 1)],
        )
        .await?;
    let mut members: Vec<String> = rows.iter().map(|row| row.get(0)).collect();
    let next = next_page(&mut members, limit);
    reply([
        ("members", json!(members)),
        ("response_metadata", next_cursor("user", next.as_deref())),
    ])
}

/// `conversations.open`: the IM with one person or the group DM with several (the caller
/// included), created unless it exists (or `prevent_creation`); or an existing one by
/// `channel`.
pub(crate) async fn open(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    let return_im = call.args.flag("return_im").unwrap_or(false);
    if let Some(channel) = call.args.non_empty("channel") {
        let conversation = resolve(state, &caller, &channel, Naming::IdOnly).await?;
        if conversation.is_channel() {
            return Err(ApiError::new("method_not_supported_for_channel_type"));
        }
        require_write(&caller, &conversation.kind)?;
        let mut body = Map::new();
        let channel = if return_im || conversation.kind == "mpim" {
            conversation.to_json(&caller.team_id, &caller.user_id)
        } else {
            json!({ "id": conversation.id })
        };
        body.insert("no_op".into(), json!(true));
        body.insert("already_open".into(), json!(true));
        body.insert("channel".into(), channel);
        return Ok(body);
    }
    let mut users = call.args.list("users");
    if users.is_empty() {
        return Err(ApiError::new("users_list_not_supplied"));
    }
    if users.len() > MAX_MPIM_USERS {
        return Err(ApiError::new("too_many_users"));
    }
    users.push(caller.user_id.clone());
    users.sort();
    users.dedup();
    let kind = if users.len() <= 2 { "im" } else { "mpim" };
    require_write(&caller, kind)?;
    let prevent_creation = call.args.flag("prevent_creation").unwrap_or(false);
    let mut client = state.kit.db().await?;
    let (id, already) = open_direct(&mut client, &caller, &users, prevent_creation).await?;
    let mut body = Map::new();
    if already {
        body.insert("no_op".into(), json!(true));
        body.insert("already_open".into(), json!(true));
    }
    let channel = if return_im || kind == "mpim" {
        reread(&client, &caller, &id).await?
    } else {
        json!({ "id": id })
    };
    body.insert("channel".into(), channel);
    Ok(body)
}

/// `conversations.close`: hides a direct message (or group DM) from the caller's sidebar
/// until it is opened again; `no_op` and `already_closed` when it was closed.
pub(crate) async fn close(state: &AppState, call: &Call) -> ApiResult {
    let (caller, conversation) = writable(state, call).await?;
    if conversation.is_channel() {
        return Err(ApiError::new("method_not_supported_for_channel_type"));
    }
    let client = state.kit.db().await?;
    let closed = client
        .execute(
            "UPDATE conversation_members SET is_open = false
             WHERE conversation_id = $1 AND user_id = $2 AND is_open",
            &[&conversation.id, &caller.user_id],
        )
        .await?;
    let mut body = Map::new();
    if closed == 0 {
        body.insert("no_op".into(), json!(true));
        body.insert("already_closed".into(), json!(true));
    }
    Ok(body)
}

/// `conversations.mark`: moves the caller's read cursor to `ts`.
pub(crate) async fn mark(state: &AppState, call: &Call) -> ApiResult {
    let (caller, conversation) = writable(state, call).await?;
    let ts = call
        .args
        .ts("ts", "invalid_timestamp")?
        .ok_or_else(|| ApiError::new("invalid_timestamp"))?;
    if !conversation.is_member {
        return Err(ApiError::new("not_in_channel"));
    }
    let client = state.kit.db().await?;
    client
        .execute(
            "UPDATE conversation_members SET last_read = $3::text::numeric
             WHERE conversation_id = $1 AND user_id = $2",
            &[&conversation.id, &caller.user_id, &ts.to_string()],
        )
        .await?;
    Ok(Map::new())
}

/// `conversations.replies`: a thread (named by its parent's or any reply's `ts`), parent
/// first then replies oldest first, within `oldest`/`latest`, paged with `limit` (default
/// 1000, the parent counted on the first page) and `cursor`.
pub(crate) async fn replies(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    let channel = channel_arg(call)?;
    let conversation = resolve(state, &caller, &channel, Naming::IdOnly).await?;
    caller.require(&[&format!("{}:history", conversation.scope_family())])?;
    if caller.kind == TokenKind::Bot && !conversation.is_member {
        return Err(ApiError::new("not_in_channel"));
    }
    let ts = call
        .args
        .ts("ts", "thread_not_found")?
        .ok_or_else(|| ApiError::invalid_arguments("missing required field: ts"))?;
    let window = Window::parse(call, 1000, 1000)?;

    let client = state.kit.db().await?;
    let root = client
        .query_opt(
            "SELECT COALESCE(thread_ts, ts)::text FROM messages
             WHERE channel_id = $1 AND ts = $2::text::numeric",
            &[&conversation.id, &ts.to_string()],
        )
        .await?
        .ok_or_else(|| ApiError::new("thread_not_found"))?;
    let root: String = root.get(0);
    let (lower, upper) = if window.inclusive {
        (">=", "<=")
    } else {
        (">", "<")
    };
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m {MESSAGE_JOINS}
         WHERE m.channel_id = $1
           AND (m.ts = $2::text::numeric OR (
                m.thread_ts = $2::text::numeric
                AND ($3::text IS NULL OR m.ts {lower} $3::text::numeric)
                AND ($4::text IS NULL OR m.ts {upper} $4::text::numeric)))
           AND ($5::text IS NULL OR m.ts = $2::text::numeric OR m.ts >= $5::text::numeric)
         ORDER BY m.ts ASC"
    );
    let text = |ts: Option<Ts>| ts.map(|ts| ts.to_string());
    let rows = client
        .query(
            &sql,
            &[
                &conversation.id,
                &root,
                &text(window.oldest),
                &text(window.latest),
                &text(window.cursor),
            ],
        )
        .await?;
    let mut messages: Vec<Value> = Vec::new();
    let mut next = None;
    let limit = usize::try_from(window.limit).unwrap_or(usize::MAX);
    for row in &rows {
        let message = message_json(row, window.include_metadata);
        let is_root = message["ts"].as_str() == Some(root.as_str());
        if is_root && window.cursor.is_some() {
            // The parent leads the first page only.
            continue;
        }
        if messages.len() >= limit.max(1) {
            next = message["ts"].as_str().and_then(Ts::parse);
            break;
        }
        messages.push(message);
    }
    reply([
        ("messages", Value::Array(messages)),
        ("has_more", Value::Bool(next.is_some())),
        (
            "response_metadata",
            next_cursor("next_ts", next.map(Ts::to_cursor_digits).as_deref()),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_default_dedupe_and_reject_unknowns() {
        assert_eq!(parse_types(None).unwrap(), ["public_channel"]);
        assert_eq!(parse_types(Some(" ")).unwrap(), ["public_channel"]);
        assert_eq!(
            parse_types(Some("public_channel, private_channel,public_channel")).unwrap(),
            ["public_channel", "private_channel"]
        );
        assert_eq!(parse_types(Some("im,mpim")).unwrap(), ["im", "mpim"]);
        assert_eq!(
            parse_types(Some("public,dm")).unwrap_err().code(),
            "invalid_types"
        );
    }
}
