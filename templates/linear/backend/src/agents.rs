//! Linear's Agents API. An OAuth app's own user (`actor=app`, the clone's `appToken`) works
//! in agent sessions: `agentSessionCreateOnIssue`, `agentSessionCreateOnComment` (a root
//! comment's thread), `agentSessionUpdate` (`plan`, `externalLink`, `externalUrls`, added or
//! removed ones) and `agentSessionUpdateExternalUrl`; it reports its work as activities,
//! `agentActivityCreate` (a `thought`, `action`, `elicitation`, `response` or `error`, each
//! moving its session's status, see `migrations/0048_agents.sql`). Users reach the agent
//! through comments ([`comment_made`]): mentioning the app starts a session on the thread
//! (`AgentSessionEvent` `created`), a reply in a session's thread is a `prompt` activity
//! (`prompted`). Reads: `agentSession`, `agentActivity` and `Comment.agentSession` here; the
//! lists (`agentSessions`, `agentActivities`, `AgentSession.activities`,
//! `Issue.agentSessions`) in `queries`.

use asym_kit::deadpool_postgres::Transaction;
use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::args::{arg_str, context, parent_str};
use crate::error::{self, Result};
use crate::simple::{self, Spec};
use crate::{Shared, Viewer, entity, hooks, write};

/// An agent session: the app (its creator column) at work on an issue or a comment thread.
const SESSION: Spec = Spec {
    fields: &[
        ("text", &["issueId", "commentId", "externalLink"]),
        ("jsonb", &["externalUrls", "plan"]),
    ],
    creator: Some("app_user_id"),
    ..Spec::new("AgentSession", "agent_sessions", "agentSession")
};

/// An activity the app reports in one of its sessions.
const ACTIVITY: Spec = Spec {
    fields: &[
        ("text", &["id", "agentSessionId", "signal"]),
        ("jsonb", &["content", "signalMetadata"]),
        ("bool", &["ephemeral"]),
    ],
    required: &["agentSessionId", "content"],
    creator: Some("user_id"),
    ..Spec::new("AgentActivity", "agent_activities", "agentActivity")
};

/// The activity types an app may report, each with the content fields it must and may have.
const CONTENT: [(&str, &[&str], &[&str]); 5] = [
    ("thought", &["body"], &[]),
    ("action", &["action", "parameter"], &["result"]),
    ("elicitation", &["body"], &[]),
    ("response", &["body"], &[]),
    ("error", &["body"], &["reasonCode"]),
];

/// `agentSession(id:)`.
pub(crate) async fn session(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    entity::get(shared, viewer, "AgentSession", &arg_str(ctx, "id")?).await
}

/// `agentActivity(id:)`.
pub(crate) async fn activity(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    entity::get(shared, viewer, "AgentActivity", &arg_str(ctx, "id")?).await
}

/// `Comment.agentSession`: the newest session on the comment's thread, if any.
pub(crate) async fn of_comment(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let comment = parent_str(ctx, "id")?;
    let client = shared.kit.db().await.map_err(error::internal)?;
    let found = client
        .query_opt(
            "SELECT id FROM agent_sessions WHERE comment_id = $1
             ORDER BY created_at DESC, id DESC LIMIT 1",
            &[&comment],
        )
        .await
        .map_err(error::db)?;
    match found {
        Some(row) => entity::get(shared, viewer, "AgentSession", row.get(0)).await,
        None => Ok(Value::Null),
    }
}

/// `agentSessionCreateOnIssue(input:)`: the app's session on an issue (by id or identifier).
pub(crate) async fn create_on_issue(ctx: &ResolverContext<'_>) -> Result<Value> {
    let sql = "SELECT id, true FROM issues WHERE id = $1 OR identifier = upper($1)";
    create_on(ctx, "issueId", sql, "Issue").await
}

/// `agentSessionCreateOnComment(input:)`: the app's session on a root comment's thread (and
/// the comment's issue, if it is on one).
pub(crate) async fn create_on_comment(ctx: &ResolverContext<'_>) -> Result<Value> {
    let sql = "SELECT issue_id, parent_id IS NULL FROM comments WHERE id = $1";
    create_on(ctx, "commentId", sql, "Comment").await
}

/// A session of the app (the viewer) on the `entity` the input's `key` names, which `sql`
/// finds by it (`$1`), answering the session's issue and whether it may hold a session (a
/// comment must be a thread's root).
async fn create_on(ctx: &ResolverContext<'_>, key: &str, sql: &str, entity: &str) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    app(shared, viewer, "create agent sessions").await?;
    let mut input = write::input(ctx)?;
    let target = write::text(&input, key)?.unwrap_or_default();
    let row = write::lookup(shared, sql, &target, entity).await?;
    if !row.get::<_, bool>(1) {
        return Err(error::invalid(
            "An agent session can only be created on a root comment.",
        ));
    }
    let issue: Option<String> = row.get(0);
    input.insert("issueId".to_owned(), issue.into());
    Ok(simple::create(ctx, &SESSION, &input, &[], None).await?.0)
}

/// `agentSessionUpdate(id:, input:)` and `agentSessionUpdateExternalUrl(id:, input:)`: the
/// app's own session. `externalUrls` replaces the session's links (and `addedExternalUrls`
/// and `removedExternalUrls` are then ignored, as Linear's schema says); otherwise the
/// removed URLs go and the added links are appended, each URL once.
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let id = arg_str(ctx, "id")?;
    let current = own_session(shared, viewer, &id, "update agent sessions").await?;
    let mut input = write::input(ctx)?;
    let added = input.remove("addedExternalUrls");
    let removed = write::texts(&input, "removedExternalUrls")?;
    input.remove("removedExternalUrls");
    if input
        .get("externalUrls")
        .is_none_or(serde_json::Value::is_null)
        && (added.is_some() || removed.is_some())
    {
        let links = merged_links(current, added, &removed.unwrap_or_default());
        input.insert("externalUrls".to_owned(), links.into());
    }
    simple::update_row(ctx, &SESSION, &id, &input, &[]).await
}

/// `links` less those whose URL is `removed`, then each of `added` (replacing a link to the
/// same URL).
fn merged_links(
    links: serde_json::Value,
    added: Option<serde_json::Value>,
    removed: &[String],
) -> Vec<serde_json::Value> {
    let url =
        |link: &serde_json::Value| link.get("url").and_then(|u| u.as_str()).map(str::to_owned);
    let added = match added {
        Some(serde_json::Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let dropped: Vec<String> = added
        .iter()
        .filter_map(url)
        .chain(removed.iter().cloned())
        .collect();
    let mut kept: Vec<serde_json::Value> = match links {
        serde_json::Value::Array(items) => items
            .into_iter()
            .filter(|link| url(link).is_none_or(|u| !dropped.contains(&u)))
            .collect(),
        _ => Vec::new(),
    };
    kept.extend(added);
    kept
}

/// `agentActivityCreate(input:)`: an activity of the app in its own session, its content
/// checked by type; only a `thought` or an `action` may be `ephemeral`.
pub(crate) async fn activity_create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let mut input = write::input(ctx)?;
    let session = write::text(&input, "agentSessionId")?.unwrap_or_default();
    own_session(shared, viewer, &session, "create agent activities").await?;
    let ephemeral = input.get("ephemeral").and_then(serde_json::Value::as_bool) == Some(true);
    let content = checked_content(input.get("content"), ephemeral)?;
    input.insert("content".to_owned(), content);
    Ok(simple::create(ctx, &ACTIVITY, &input, &[], None).await?.0)
}

/// An activity's `content` as stored: its `type` and the fields that type has, each a
/// string; a missing or blank required one, or another type, is refused as class-validator
/// refuses a property.
fn checked_content(
    content: Option<&serde_json::Value>,
    ephemeral: bool,
) -> Result<serde_json::Value> {
    let fields = content.and_then(serde_json::Value::as_object);
    let kind = fields
        .and_then(|f| f.get("type"))
        .and_then(serde_json::Value::as_str);
    let Some((kind, required, optional)) = CONTENT.iter().find(|(name, ..)| Some(*name) == kind)
    else {
        let names: Vec<&str> = CONTENT.iter().map(|(name, ..)| *name).collect();
        return Err(refusal(
            "content",
            "isEnum",
            format!(
                "type must be one of the following values: {}",
                names.join(", ")
            ),
        ));
    };
    let mut stored = Map::from_iter([("type".to_owned(), (*kind).into())]);
    for (field, needed) in required
        .iter()
        .map(|f| (f, true))
        .chain(optional.iter().map(|f| (f, false)))
    {
        match fields.and_then(|f| f.get(*field)) {
            Some(serde_json::Value::String(text)) if !needed || !text.trim().is_empty() => {
                stored.insert((*field).to_owned(), text.clone().into());
            }
            None | Some(serde_json::Value::Null) if !needed => {}
            _ => {
                return Err(refusal(
                    "content",
                    "isNotEmpty",
                    format!("{field} should not be empty"),
                ));
            }
        }
    }
    if ephemeral && !matches!(*kind, "thought" | "action") {
        return Err(refusal(
            "ephemeral",
            "isEphemeralAllowed",
            "Only thought and action activities can be ephemeral.".to_owned(),
        ));
    }
    Ok(stored.into())
}

/// `Argument Validation Error` for one property.
fn refusal(property: &str, constraint: &'static str, message: String) -> async_graphql::Error {
    error::refused(&[error::Refusal {
        property: property.to_owned(),
        constraint,
        message,
    }])
}

/// Refuses a viewer that is not an app's own user (`Invalid actor: app required`) what only
/// an app may `act`.
async fn app(shared: &Shared, viewer: &Viewer, act: &str) -> Result<()> {
    let refusal = error::app_required(&format!("Only an app can {act}."));
    write::viewer_must_be(shared, viewer, "app", refusal).await
}

/// The external links of session `id` when it is the viewer's (an app's); another app's is
/// not found.
async fn own_session(
    shared: &Shared,
    viewer: &Viewer,
    id: &str,
    act: &str,
) -> Result<serde_json::Value> {
    app(shared, viewer, act).await?;
    let client = shared.kit.db().await.map_err(error::internal)?;
    let sql = "SELECT external_urls::text FROM agent_sessions WHERE id = $1 AND app_user_id = $2";
    let row = write::one(&client, sql, &[&id, &viewer.user_id], "AgentSession").await?;
    serde_json::from_str(row.get(0)).map_err(error::internal)
}

/// What a new comment tells an agent, after it is written. A reply (by anyone but an app)
/// in the thread of a session is a `prompt` activity of its author in that session, sent to
/// the app as `AgentSessionEvent` `prompted`; otherwise a comment mentioning an app (by
/// `@displayName` or its profile link) starts that app's session on the thread (the
/// comment's own, or its parent's for a reply, which is then the session's
/// `sourceComment`), its creator the comment's author, sent as `created`.
///
/// # Errors
///
/// Postgres errors.
pub(crate) async fn comment_made(shared: &Shared, viewer: &Viewer, comment: &str) -> Result<()> {
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let found = tx
        .query_opt(
            "SELECT (SELECT s.id FROM agent_sessions s WHERE s.comment_id = c.parent_id
                     ORDER BY s.created_at DESC, s.id DESC LIMIT 1),
                    (SELECT u.id FROM users u
                     WHERE u.app AND u.id IN (SELECT mentioned_users(c.body)) ORDER BY u.id LIMIT 1)
             FROM comments c JOIN users author ON author.id = c.user_id
             WHERE c.id = $1 AND c.issue_id IS NOT NULL AND NOT author.app",
            &[&comment],
        )
        .await
        .map_err(error::db)?;
    let Some(row) = found else {
        return Ok(());
    };
    let (session, mentioned): (Option<String>, Option<String>) = (row.get(0), row.get(1));
    let (session, activity, action) = match (session, mentioned) {
        (Some(session), _) => {
            let row = tx
                .query_one(
                    "INSERT INTO agent_activities (agent_session_id, user_id, content, source_comment_id)
                     SELECT $1, c.user_id, jsonb_build_object('type', 'prompt', 'body', c.body), c.id
                     FROM comments c WHERE c.id = $2 RETURNING id",
                    &[&session, &comment],
                )
                .await
                .map_err(error::db)?;
            (session, Some(row.get::<_, String>(0)), "prompted")
        }
        (None, Some(app)) => {
            let row = tx
                .query_one(
                    "INSERT INTO agent_sessions (app_user_id, creator_id, issue_id, comment_id, source_comment_id)
                     SELECT $1, c.user_id, c.issue_id, coalesce(c.parent_id, c.id),
                            CASE WHEN c.parent_id IS NOT NULL THEN c.id END
                     FROM comments c WHERE c.id = $2 RETURNING id",
                    &[&app, &comment],
                )
                .await
                .map_err(error::db)?;
            (row.get(0), None, "created")
        }
        (None, None) => return Ok(()),
    };
    let queued = announce(&tx, shared, viewer, &session, activity.as_deref(), action).await?;
    write::commit(shared, tx, queued).await
}

/// What assigning issue `issue` to `assignee` tells an agent, after the write: when the
/// assignee is an app's own user, that app's session on the issue starts (its creator the
/// viewer, who assigned it), sent as `AgentSessionEvent` `created`. Assigning to a person
/// writes nothing here.
///
/// # Errors
///
/// Postgres errors.
pub(crate) async fn assigned(
    shared: &Shared,
    viewer: &Viewer,
    issue: &str,
    assignee: &str,
) -> Result<()> {
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let started = tx
        .query_opt(
            "INSERT INTO agent_sessions (app_user_id, creator_id, issue_id)
             SELECT u.id, $2, $3 FROM users u WHERE u.id = $1 AND u.app RETURNING id",
            &[&assignee, &viewer.user_id, &issue],
        )
        .await
        .map_err(error::db)?;
    let Some(row) = started else {
        return Ok(());
    };
    let session: String = row.get(0);
    let queued = announce(&tx, shared, viewer, &session, None, "created").await?;
    write::commit(shared, tx, queued).await
}

/// Queues `AgentSessionEvent` `action` of `session` (and its new `activity`, if any).
async fn announce(
    tx: &Transaction<'_>,
    shared: &Shared,
    viewer: &Viewer,
    session: &str,
    activity: Option<&str>,
    action: &'static str,
) -> Result<bool> {
    let sql = format!(
        "{}SELECT agent_session_event(s, ctx.base, $4)::text, i.team_id
         FROM ctx, agent_sessions s LEFT JOIN issues i ON i.id = s.issue_id WHERE s.id = $3",
        entity::CTX
    );
    let row = tx
        .query_one(&sql, &[&shared.base, &viewer.user_id, &session, &activity])
        .await
        .map_err(error::db)?;
    let fields: serde_json::Value =
        serde_json::from_str(row.get::<_, &str>(0)).map_err(error::internal)?;
    let team: Option<String> = row.get(1);
    hooks::emit_agent_event(tx, viewer, team.as_deref(), action, &fields).await
}
