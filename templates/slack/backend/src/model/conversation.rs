//! Conversations: the conversation as a caller sees it, and resolving a `channel` argument.

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::tokio_postgres::Row;
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::{AppState, Call};

/// The columns [`Conversation::from_row`] reads over [`CONVERSATION_FROM`]; `$1` is the
/// team, `$2` the caller.
pub(crate) const CONVERSATION_COLUMNS: &str =
    "c.id, c.kind, c.name, c.is_general, c.is_archived, c.creator,
    c.created, c.updated, c.topic, c.topic_creator, c.topic_last_set,
    c.purpose, c.purpose_creator, c.purpose_last_set,
    (SELECT count(*) FROM conversation_members m WHERE m.conversation_id = c.id) AS num_members,
    me.user_id IS NOT NULL AS is_member, c.previous_names, c.member_key,
    me.last_read::text AS last_read";

/// The conversation joined with the caller's membership.
pub(crate) const CONVERSATION_FROM: &str = "conversations c
    LEFT JOIN conversation_members me ON me.conversation_id = c.id AND me.user_id = $2";

/// A conversation as the caller sees it.
#[derive(Debug, Clone)]
pub(crate) struct Conversation {
    /// `C…`, `G…` or `D…` id.
    pub(crate) id: String,
    /// `public_channel`, `private_channel`, `mpim` or `im`.
    pub(crate) kind: String,
    /// The channel's name (none for an IM).
    pub(crate) name: Option<String>,
    /// Whether it is the workspace's general channel.
    pub(crate) is_general: bool,
    /// Whether the conversation is archived.
    pub(crate) is_archived: bool,
    creator: Option<String>,
    /// When it was created (Unix seconds).
    pub(crate) created: i64,
    updated: i64,
    topic: (String, String, i64),
    purpose: (String, String, i64),
    /// How many members it has.
    pub(crate) num_members: i64,
    /// Whether the caller is a member.
    pub(crate) is_member: bool,
    previous_names: Vec<String>,
    member_key: Option<String>,
    last_read: Option<String>,
}

impl Conversation {
    /// The prefix of its channel events: `channel` (public) or `group` (private).
    pub(crate) fn event_family(&self) -> &'static str {
        if self.kind == "public_channel" {
            "channel"
        } else {
            "group"
        }
    }

    /// Reads a row of [`CONVERSATION_COLUMNS`].
    pub(crate) fn from_row(row: &Row) -> Self {
        Self::from_columns(row, 0)
    }

    /// Reads the columns of [`CONVERSATION_COLUMNS`] that start at column `start` of `row`.
    fn from_columns(row: &Row, start: usize) -> Self {
        let at = |column: usize| start + column;
        Self {
            id: row.get(at(0)),
            kind: row.get(at(1)),
            name: row.get(at(2)),
            is_general: row.get(at(3)),
            is_archived: row.get(at(4)),
            creator: row.get(at(5)),
            created: row.get(at(6)),
            updated: row.get(at(7)),
            topic: (row.get(at(8)), row.get(at(9)), row.get(at(10))),
            purpose: (row.get(at(11)), row.get(at(12)), row.get(at(13))),
            num_members: row.get(at(14)),
            is_member: row.get(at(15)),
            previous_names: row.get(at(16)),
            member_key: row.get(at(17)),
            last_read: row.get(at(18)),
        }
    }

    /// The conversation in the columns of [`CONVERSATION_COLUMNS`] that start at column
    /// `start` of `row` (all NULL when nothing matched), if the caller may know it exists.
    ///
    /// # Errors
    ///
    /// `channel_not_found` otherwise.
    pub(crate) fn visible_at(row: &Row, start: usize) -> Result<Self, ApiError> {
        Some(row)
            .filter(|row| row.get::<_, Option<&str>>(start).is_some())
            .map(|row| Self::from_columns(row, start))
            .filter(Self::visible)
            .ok_or_else(|| ApiError::new("channel_not_found"))
    }

    /// Checks that the caller may post here: not archived, and a member (or, with
    /// `chat:write.public`, any public channel).
    ///
    /// # Errors
    ///
    /// `is_archived`, `not_in_channel`.
    pub(crate) fn check_postable(&self, caller: &Caller) -> Result<(), ApiError> {
        if self.is_archived {
            return Err(ApiError::new("is_archived"));
        }
        let public_post = self.kind == "public_channel" && caller.has("chat:write.public");
        if !self.is_member && !public_post {
            return Err(ApiError::new("not_in_channel"));
        }
        Ok(())
    }

    /// Checks that the conversation is open to changes by its members and the caller is one:
    /// not archived, and a member.
    ///
    /// # Errors
    ///
    /// `is_archived`, `not_in_channel`.
    pub(crate) fn check_member_of_open(&self) -> Result<(), ApiError> {
        if self.is_archived {
            return Err(ApiError::new("is_archived"));
        }
        if !self.is_member {
            return Err(ApiError::new("not_in_channel"));
        }
        Ok(())
    }

    /// Whether the caller may know the conversation exists: every public channel, and the
    /// others it is a member of.
    fn visible(&self) -> bool {
        self.kind == "public_channel" || self.is_member
    }

    /// Whether this is a public or private channel (not a DM or group DM).
    pub(crate) fn is_channel(&self) -> bool {
        matches!(self.kind.as_str(), "public_channel" | "private_channel")
    }

    /// The scope family (`channels`, `groups`, `mpim`, `im`) this conversation's methods need.
    pub(crate) fn scope_family(&self) -> &'static str {
        scope_family(&self.kind)
    }

    /// The conversation object, as `conversations.list` and `.info` return it.
    pub(crate) fn to_json(&self, team_id: &str, caller: &str) -> Value {
        if self.kind == "im" {
            return self.im_json(team_id, caller);
        }
        let topic = |(value, creator, last_set): &(String, String, i64)| json!({ "value": value, "creator": creator, "last_set": last_set });
        let mut object = json!({
            "id": self.id,
            "name": self.name,
            "is_channel": self.is_channel(),
            "is_group": self.kind == "mpim",
            "is_im": false,
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
            "previous_names": self.previous_names,
            "num_members": self.num_members,
        });
        if self.is_member
            && let (Some(last_read), Value::Object(fields)) = (&self.last_read, &mut object)
        {
            fields.insert("last_read".into(), json!(format_last_read(last_read)));
        }
        object
    }

    /// The IM object: the other person in `user`.
    fn im_json(&self, team_id: &str, caller: &str) -> Value {
        let members: Vec<&str> = self
            .member_key
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .collect();
        let user = members
            .iter()
            .find(|m| **m != caller)
            .or_else(|| members.first())
            .copied()
            .unwrap_or_default();
        json!({
            "id": self.id,
            "created": self.created,
            "is_archived": self.is_archived,
            "is_im": true,
            "is_org_shared": false,
            "context_team_id": team_id,
            "updated": self.updated,
            "user": user,
            "last_read": format_last_read(self.last_read.as_deref().unwrap_or("0")),
            "latest": null,
            "unread_count": 0,
            "unread_count_display": 0,
            "is_open": true,
            "priority": 0,
        })
    }
}

/// `0.000000` → Slack's `0000000000.000000`; real `ts` values unchanged.
fn format_last_read(ts: &str) -> String {
    if ts.starts_with("0.") || ts == "0" {
        "0000000000.000000".to_owned()
    } else {
        ts.to_owned()
    }
}

pub(crate) fn scope_family(kind: &str) -> &'static str {
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

impl Naming {
    /// What a `channel` argument looks up: whether only a name may match (`#name`), and the
    /// id or name itself.
    pub(crate) fn key(self, channel: &str) -> (bool, &str) {
        let channel = channel.trim();
        match channel.strip_prefix('#') {
            Some(name) if self == Self::IdOrName => (true, name),
            _ => (false, channel),
        }
    }
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
    let (by_name, key) = naming.key(channel);
    let client = state.kit.db().await?;
    let lookup = |column: &str| {
        format!(
            "SELECT {CONVERSATION_COLUMNS} FROM {CONVERSATION_FROM}
             WHERE c.team_id = $1 AND c.{column} = $3"
        )
    };
    let mut row = None;
    if !by_name {
        let statement = client.prepare_cached(&lookup("id")).await?;
        row = client
            .query_opt(&statement, &[&caller.team_id, &caller.user_id, &key])
            .await?;
    }
    if row.is_none() && naming == Naming::IdOrName {
        let statement = client.prepare_cached(&lookup("name")).await?;
        row = client
            .query_opt(&statement, &[&caller.team_id, &caller.user_id, &key])
            .await?;
    }
    match row {
        Some(row) => Conversation::visible_at(&row, 0),
        None => Err(ApiError::new("channel_not_found")),
    }
}

/// The id of the conversation an optional `channel` filter names (by id), `None` when the
/// call sends none.
///
/// # Errors
///
/// As [`resolve`].
pub(crate) async fn channel_filter(
    state: &AppState,
    caller: &Caller,
    call: &Call,
) -> Result<Option<String>, ApiError> {
    match call.args.non_empty("channel") {
        None => Ok(None),
        Some(channel) => Ok(Some(
            resolve(state, caller, &channel, Naming::IdOnly).await?.id,
        )),
    }
}

/// The IM (two people) or group DM (more) of `users` — sorted, deduplicated, the caller
/// among them — created unless it exists or `prevent_creation`; its id, and whether it
/// existed and was open to the caller (one the caller closed is opened again).
///
/// # Errors
///
/// `user_not_found` when a user is not in the workspace, `user_disabled` when one is
/// deactivated, `channel_not_found` when none exists and `prevent_creation`.
pub(crate) async fn open_direct(
    client: &mut asym_kit::deadpool_postgres::Object,
    caller: &Caller,
    users: &[String],
    prevent_creation: bool,
) -> Result<(String, bool), ApiError> {
    let known = client
        .query(
            "SELECT id, name, deleted FROM users WHERE team_id = $1 AND id = ANY($2) ORDER BY name",
            &[&caller.team_id, &users],
        )
        .await?;
    if known.len() != users.len() {
        return Err(ApiError::new("user_not_found"));
    }
    if known.iter().any(|row| row.get::<_, bool>(2)) {
        return Err(ApiError::new("user_disabled"));
    }
    let member_key = users.join(",");
    if let Some(id) = find_direct(&*client, &caller.team_id, &member_key).await? {
        // Opening a conversation its caller closed shows it again.
        let reopened = client
            .execute(
                "UPDATE conversation_members SET is_open = true
                 WHERE conversation_id = $1 AND user_id = $2 AND NOT is_open",
                &[&id, &caller.user_id],
            )
            .await?;
        return Ok((id, reopened == 0));
    }
    if prevent_creation {
        return Err(ApiError::new("channel_not_found"));
    }
    let name = (users.len() > 2).then(|| {
        let names: Vec<&str> = known.iter().map(|row| row.get::<_, &str>(1)).collect();
        format!("mpdm-{}-1", names.join("--"))
    });
    let tx = client.transaction().await?;
    let id = create_direct(&tx, &caller.team_id, &caller.user_id, users, name).await?;
    tx.commit().await?;
    Ok((id, false))
}

/// The id of the IM or group DM whose sorted members are `member_key` (`U1,U2`), if any.
async fn find_direct(
    client: &impl GenericClient,
    team_id: &str,
    member_key: &str,
) -> Result<Option<String>, ApiError> {
    let row = client
        .query_opt(
            "SELECT id FROM conversations WHERE team_id = $1 AND member_key = $2",
            &[&team_id, &member_key],
        )
        .await?;
    Ok(row.map(|row| row.get(0)))
}

/// Creates the IM (two people) or group DM `name` (more) of `users`, sorted and
/// deduplicated, opened by `creator` (or finds it, when another writer created it first);
/// its id.
async fn create_direct(
    tx: &Transaction<'_>,
    team_id: &str,
    creator: &str,
    users: &[String],
    name: Option<String>,
) -> Result<String, ApiError> {
    asym_kit::hold_writers(tx).await?;
    let (kind, prefix) = if users.len() <= 2 {
        ("im", "D")
    } else {
        ("mpim", "G")
    };
    let row = tx
        .query_one(
            "INSERT INTO conversations (id, team_id, kind, name, creator, created,
                                        updated, member_key)
             VALUES (slack_id($1, nextval('conversation_id_seq')), $2, $3, $4, $5,
                     extract(epoch FROM now())::bigint,
                     (extract(epoch FROM now()) * 1000)::bigint, $6)
             ON CONFLICT (team_id, member_key) WHERE member_key IS NOT NULL
             DO UPDATE SET member_key = EXCLUDED.member_key
             RETURNING id",
            &[&prefix, &team_id, &kind, &name, &creator, &users.join(",")],
        )
        .await?;
    let id: String = row.get(0);
    tx.execute(
        "INSERT INTO conversation_members (conversation_id, user_id, joined)
         SELECT $1, u, extract(epoch FROM now())::bigint FROM unnest($2::text[]) u
         ON CONFLICT DO NOTHING",
        &[&id, &users],
    )
    .await?;
    Ok(id)
}

/// The id of `user`'s IM with Slackbot (`USLACKBOT`), where Slackbot posts to them, created
/// in `tx` if need be.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn slackbot_dm(
    tx: &Transaction<'_>,
    team_id: &str,
    user: &str,
) -> Result<String, ApiError> {
    let users = members_of_im(user, SLACKBOT);
    if let Some(id) = find_direct(tx, team_id, &users.join(",")).await? {
        return Ok(id);
    }
    create_direct(tx, team_id, user, &users, None).await
}

/// The members of the IM of `one` and `other`, sorted as its `member_key` lists them (one,
/// for a person's IM with themselves).
fn members_of_im(one: &str, other: &str) -> Vec<String> {
    let mut users = vec![one.to_owned(), other.to_owned()];
    users.sort();
    users.dedup();
    users
}

/// Slackbot's user id.
pub(crate) const SLACKBOT: &str = "USLACKBOT";

/// Whether a `channel` argument is a user id (`U…`, `W…`), which posting methods take as
/// the caller's direct message with that person.
pub(crate) fn is_user_id(channel: &str) -> bool {
    let channel = channel.trim();
    channel.len() > 1
        && (channel.starts_with('U') || channel.starts_with('W'))
        && channel[1..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// The conversation a posting method's `channel` names: a conversation by id or name, or,
/// for a user id, the caller's direct message with that person, opened if need be (as Slack
/// posts a bot's message to a user id into the app's DM with them).
///
/// # Errors
///
/// `channel_not_found` when nothing visible matches, or the user id names nobody.
pub(crate) async fn resolve_postable(
    state: &AppState,
    caller: &Caller,
    channel: &str,
) -> Result<Conversation, ApiError> {
    match resolve(state, caller, channel, Naming::IdOrName).await {
        Err(err) if err.code() == "channel_not_found" && is_user_id(channel) => {
            let id = dm_with(state, caller, channel.trim()).await?;
            resolve(state, caller, &id, Naming::IdOnly).await
        }
        other => other,
    }
}

/// The id of the caller's IM with `user`, opened if need be.
///
/// # Errors
///
/// `channel_not_found` when `user` is nobody in the workspace.
pub(crate) async fn dm_with(
    state: &AppState,
    caller: &Caller,
    user: &str,
) -> Result<String, ApiError> {
    let users = members_of_im(&caller.user_id, user);
    let mut client = state.kit.db().await?;
    match open_direct(&mut client, caller, &users, false).await {
        Ok((id, _)) => Ok(id),
        Err(err) if err.code() == "user_not_found" => Err(ApiError::new("channel_not_found")),
        Err(err) => Err(err),
    }
}
