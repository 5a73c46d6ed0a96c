//! Conversations: resolving a `channel` argument, `conversations.list`,
//! `conversations.history`.

use asym_kit::cursor;
use asym_kit::tokio_postgres::Row;
use serde_json::{Map, Value, json};

use crate::auth::{Caller, TokenKind, caller};
use crate::chat::{MESSAGE_COLUMNS, MESSAGE_JOINS, message_json};
use crate::error::{ApiError, ApiResult};
use crate::ts::Ts;
use crate::{AppState, Call};

/// The conversation types Slack knows, in `types` spelling.
const TYPES: &[&str] = &["public_channel", "private_channel", "mpim", "im"];

/// The columns [`Conversation::from_row`] reads; `$1` is the team, `$2` the caller.
const CONVERSATION_COLUMNS: &str = "c.id, c.kind, c.name, c.is_general, c.is_archived, c.creator,
    c.created, c.updated, c.topic, c.topic_creator, c.topic_last_set,
    c.purpose, c.purpose_creator, c.purpose_last_set,
    (SELECT count(*) FROM conversation_members m WHERE m.conversation_id = c.id),
    EXISTS (SELECT 1 FROM conversation_members m
            WHERE m.conversation_id = c.id AND m.user_id = $2)";

/// A conversation as the caller sees it.
#[derive(Debug, Clone)]
pub(crate) struct Conversation {
    /// `C…` id.
    pub(crate) id: String,
    /// `public_channel`, `private_channel`, `mpim` or `im`.
    pub(crate) kind: String,
    name: Option<String>,
    is_general: bool,
    /// Whether the conversation is archived.
    pub(crate) is_archived: bool,
    creator: Option<String>,
    created: i64,
    updated: i64,
    topic: (String, String, i64),
    purpose: (String, String, i64),
    num_members: i64,
    /// Whether the caller is a member.
    pub(crate) is_member: bool,
}

impl Conversation {
    fn from_row(row: &Row) -> Self {
        Self {
            id: row.get(0),
            kind: row.get(1),
            name: row.get(2),
            is_general: row.get(3),
            is_archived: row.get(4),
            creator: row.get(5),
            created: row.get(6),
            updated: row.get(7),
            topic: (row.get(8), row.get(9), row.get(10)),
            purpose: (row.get(11), row.get(12), row.get(13)),
            num_members: row.get(14),
            is_member: row.get(15),
        }
    }

    /// Whether the caller may know the conversation exists: every public channel, and the
    /// others it is a member of.
    fn visible(&self) -> bool {
        self.kind == "public_channel" || self.is_member
    }

    /// The scope family (`channels`, `groups`, `mpim`, `im`) this conversation's methods need.
    pub(crate) fn scope_family(&self) -> &'static str {
        scope_family(&self.kind)
    }

    /// The conversation object, as `conversations.list` and `.info` return it.
    pub(crate) fn to_json(&self, team_id: &str) -> Value {
        let is_channel = matches!(self.kind.as_str(), "public_channel" | "private_channel");
        let topic = |(value, creator, last_set): &(String, String, i64)| json!({ "value": value, "creator": creator, "last_set": last_set });
        json!({
            "id": self.id,
            "name": self.name,
            "is_channel": is_channel,
            "is_group": self.kind == "mpim",
            "is_im": self.kind == "im",
            "is_mpim": self.kind == "mpim",
            "is_private": self.kind != "public_channel",
            "created": self.created,
            "is_archived": self.is_archived,
            "is_general": self.is_general,
            "unlinked": 0,
            "name_normalized": self.name,
            "is_shared": false,
            "is_org_shared": false,
            "is_pending_ext_shared": false,
            "pending_shared": [],
            "context_team_id": team_id,
            "updated": self.updated,
            "parent_conversation": null,
            "creator": self.creator.as_deref().unwrap_or_default(),
            "is_ext_shared": false,
            "shared_team_ids": [team_id],
            "pending_connected_team_ids": [],
            "is_member": self.is_member,
            "topic": topic(&self.topic),
            "purpose": topic(&self.purpose),
            "previous_names": [],
            "num_members": self.num_members,
        })
    }
}

fn scope_family(kind: &str) -> &'static str {
    match kind {
        "public_channel" => "channels",
        "private_channel" => "groups",
        "mpim" => "mpim",
        _ => "im",
    }
}

/// How a `channel` argument may name a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Naming {
    /// Only by id (`conversations.*`).
    IdOnly,
    /// By id, `#name` or bare name (`chat.postMessage`).
    IdOrName,
}

/// Finds the conversation `channel` names, as the caller sees it.
///
/// # Errors
///
/// `channel_not_found` when nothing visible to the caller matches.
pub(crate) async fn resolve(
    state: &AppState,
    caller: &Caller,
    channel: &str,
    naming: Naming,
) -> Result<Conversation, ApiError> {
    let channel = channel.trim();
    let (by_name, key) = match channel.strip_prefix('#') {
        Some(name) if naming == Naming::IdOrName => (true, name),
        _ => (false, channel),
    };
    let client = state.kit.db().await?;
    let lookup = |column: &str| {
        format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE c.team_id = $1 AND c.{column} = $3"
        )
    };
    let mut row = None;
    if !by_name {
        row = client
            .query_opt(&lookup("id"), &[&caller.team_id, &caller.user_id, &key])
            .await?;
    }
    if row.is_none() && naming == Naming::IdOrName {
        row = client
            .query_opt(&lookup("name"), &[&caller.team_id, &caller.user_id, &key])
            .await?;
    }
    row.map(|row| Conversation::from_row(&row))
        .filter(Conversation::visible)
        .ok_or_else(|| ApiError::new("channel_not_found"))
}

/// The `channel` argument, which every conversation method requires.
///
/// # Errors
///
/// `invalid_arguments` when absent (Slack separates "not passed" from "names nothing");
/// `channel_not_found` when empty.
pub(crate) fn channel_arg(call: &Call) -> Result<String, ApiError> {
    if !call.args.has("channel") {
        return Err(ApiError::invalid_arguments(
            "missing required field: channel",
        ));
    }
    call.args
        .non_empty("channel")
        .ok_or_else(|| ApiError::new("channel_not_found"))
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

/// Reads a cursor whose inner form is `<kind>:<value>`.
fn cursor_value(cursor: Option<String>, kind: &str) -> Result<Option<String>, ApiError> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let inner = cursor::decode(&cursor).map_err(|_| ApiError::new("invalid_cursor"))?;
    match inner.split_once(':') {
        Some((k, value)) if k == kind && !value.is_empty() => Ok(Some(value.to_owned())),
        _ => Err(ApiError::new("invalid_cursor")),
    }
}

fn next_cursor(kind: &str, value: Option<&str>) -> Value {
    json!({ "next_cursor": value.map(|v| cursor::encode(&format!("{kind}:{v}"))).unwrap_or_default() })
}

/// `conversations.list`: the conversations of the requested `types` the caller can see,
/// ordered by id, paged with `limit` (default 100, at most 1000) and `cursor`.
pub(crate) async fn list(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    let types = parse_types(call.args.string("types").as_deref())?;
    for kind in &types {
        caller.require(&[&format!("{}:read", scope_family(kind))])?;
    }
    let exclude_archived = call.args.flag("exclude_archived").unwrap_or(false);
    let limit = call.args.limit(100, 1000)?;
    let after = cursor_value(call.args.string("cursor"), "channel")?;

    let client = state.kit.db().await?;
    let sql = format!(
        "SELECT {CONVERSATION_COLUMNS} FROM conversations c
         WHERE c.team_id = $1 AND c.kind = ANY($3)
           AND (NOT $4 OR NOT c.is_archived)
           AND ($5::text IS NULL OR c.id >= $5)
           AND (c.kind = 'public_channel' OR EXISTS (
                SELECT 1 FROM conversation_members m
                WHERE m.conversation_id = c.id AND m.user_id = $2))
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
            ],
        )
        .await?;
    let mut conversations: Vec<Conversation> = rows.iter().map(Conversation::from_row).collect();
    let next = (conversations.len() > limit as usize)
        .then(|| conversations.pop())
        .flatten();

    let mut body = Map::new();
    body.insert(
        "channels".into(),
        conversations
            .iter()
            .map(|c| c.to_json(&caller.team_id))
            .collect(),
    );
    body.insert(
        "response_metadata".into(),
        next_cursor("channel", next.as_ref().map(|c| c.id.as_str())),
    );
    Ok(body)
}

/// The `oldest`/`latest`/`inclusive` window of a history call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    oldest: Option<Ts>,
    latest: Option<Ts>,
    inclusive: bool,
}

impl Window {
    /// With only `oldest` given, Slack pages forward from it (the messages nearest `oldest`
    /// first); otherwise backward from `latest` (default now).
    fn forward(&self) -> bool {
        self.oldest.is_some() && self.latest.is_none()
    }
}

/// `conversations.history`: a channel's top-level messages (and thread broadcasts), newest
/// first, within `oldest`/`latest`, paged with `limit` (default 100, at most 999) and `cursor`.
pub(crate) async fn history(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    let channel = channel_arg(call)?;
    let conversation = resolve(state, &caller, &channel, Naming::IdOnly).await?;
    caller.require(&[&format!("{}:history", conversation.scope_family())])?;
    if caller.kind == TokenKind::Bot && !conversation.is_member {
        return Err(ApiError::new("not_in_channel"));
    }
    let window = Window {
        oldest: call.args.ts("oldest", "invalid_ts_oldest")?,
        latest: call.args.ts("latest", "invalid_ts_latest")?,
        inclusive: call.args.flag("inclusive").unwrap_or(false),
    };
    let limit = call.args.limit(100, 999)?;
    let from = cursor_value(call.args.string("cursor"), "next_ts")?
        .map(|digits| {
            Ts::from_cursor_digits(&digits).ok_or_else(|| ApiError::new("invalid_cursor"))
        })
        .transpose()?;
    let include_metadata = call.args.flag("include_all_metadata").unwrap_or(false);

    let forward = window.forward();
    let (lower, upper) = if window.inclusive {
        (">=", "<=")
    } else {
        (">", "<")
    };
    let (cursor_op, order) = if forward {
        (">=", "ASC")
    } else {
        ("<=", "DESC")
    };
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m {MESSAGE_JOINS}
         WHERE m.channel_id = $1
           AND (m.thread_ts IS NULL OR m.thread_ts = m.ts OR m.subtype = 'thread_broadcast')
           AND ($2::text IS NULL OR m.ts {lower} $2::text::numeric)
           AND ($3::text IS NULL OR m.ts {upper} $3::text::numeric)
           AND ($4::text IS NULL OR m.ts {cursor_op} $4::text::numeric)
         ORDER BY m.ts {order}
         LIMIT $5"
    );
    let text = |ts: Option<Ts>| ts.map(|ts| ts.to_string());
    let client = state.kit.db().await?;
    let rows = client
        .query(
            &sql,
            &[
                &conversation.id,
                &text(window.oldest),
                &text(window.latest),
                &text(from),
                &(limit + 1),
            ],
        )
        .await?;
    let mut messages: Vec<Value> = rows
        .iter()
        .map(|row| message_json(row, include_metadata))
        .collect();
    let next = if messages.len() > limit as usize {
        messages
            .pop()
            .and_then(|m| m["ts"].as_str().and_then(Ts::parse))
    } else {
        None
    };
    if forward {
        messages.reverse();
    }

    let mut body = Map::new();
    body.insert("messages".into(), Value::Array(messages));
    body.insert("has_more".into(), Value::Bool(next.is_some()));
    body.insert("pin_count".into(), json!(0));
    body.insert("channel_actions_ts".into(), Value::Null);
    body.insert("channel_actions_count".into(), json!(0));
    body.insert(
        "response_metadata".into(),
        next_cursor("next_ts", next.map(Ts::to_cursor_digits).as_deref()),
    );
    Ok(body)
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

    #[test]
    fn cursors_carry_their_kind() {
        let cursor = cursor::encode("channel:C0000000002");
        assert_eq!(
            cursor_value(Some(cursor.clone()), "channel")
                .unwrap()
                .as_deref(),
            Some("C0000000002")
        );
        assert_eq!(cursor_value(None, "channel").unwrap(), None);
        assert_eq!(cursor_value(Some(String::new()), "channel").unwrap(), None);
        for bad in [cursor, "bm9wZQ==".to_owned(), "%%%".to_owned()] {
            assert_eq!(
                cursor_value(Some(bad), "next_ts").unwrap_err().code(),
                "invalid_cursor"
            );
        }
    }

    #[test]
    fn the_last_page_has_an_empty_next_cursor() {
        assert_eq!(next_cursor("channel", None), json!({"next_cursor": ""}));
        assert_eq!(
            next_cursor("next_ts", Some("1512085861000543")),
            json!({"next_cursor": "bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz"})
        );
    }

    #[test]
    fn only_an_oldest_bound_pages_forward() {
        let ts = Ts::parse("1700000000");
        let window = |oldest, latest| Window {
            oldest,
            latest,
            inclusive: false,
        };
        assert!(window(ts, None).forward());
        assert!(!window(ts, ts).forward());
        assert!(!window(None, ts).forward());
        assert!(!window(None, None).forward());
    }
}
