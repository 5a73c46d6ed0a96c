//! The viewer's inbox: `notificationUpdate` (`readAt`, `snoozedUntilAt`),
//! `notificationArchive`/`Unarchive`, and the batch actions over the notifications of one
//! entity (`notificationMarkReadAll`/`MarkUnreadAll`, `SnoozeAll`/`UnsnoozeAll`,
//! `ArchiveAll`). Notifications are made by Postgres triggers on the clone's own writes
//! (`migrations/0040_notifications.sql`), and by `issueReminder` (an `issueReminder`
//! notification of the viewer's, dated when it is due); each is its recipient's alone, so
//! another user's is not found, and one not yet due is in no one's inbox.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::args::{arg_str, context};
use crate::connection::object;
use crate::entity::{self, CTX};
use crate::error::{self, Result, db};
use crate::simple::{self, Archival, Spec};
use crate::write;

/// `notificationUpdate`: when it was read and until when it is snoozed (clearing the snooze
/// stamps `unsnoozedAt`). The project- and initiative-update fields are refused by name: the
/// clone makes no notifications of them.
const NOTIFICATION: Spec = Spec {
    fields: &[("timestamptz", &["readAt", "snoozedUntilAt"])],
    ..Spec::new("Notification", "notifications", "notification")
};

/// The id argument, when it names one of the viewer's notifications.
///
/// # Errors
///
/// `Entity not found: Notification` for another user's or an unknown one.
async fn own(ctx: &ResolverContext<'_>) -> Result<String> {
    let (shared, viewer) = context(ctx)?;
    let id = arg_str(ctx, "id")?;
    let client = shared.kit.db().await.map_err(error::internal)?;
    let sql = "SELECT id FROM notifications WHERE id = $1 AND user_id = $2 AND created_at <= now()";
    let row = write::one(&client, sql, &[&id, &viewer.user_id], "Notification").await?;
    Ok(row.get(0))
}

/// `notification(id:)`: one of the viewer's.
pub(crate) async fn notification(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    entity::get(shared, viewer, "Notification", &own(ctx).await?).await
}

/// `notificationUpdate(id:, input:)`.
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let id = own(ctx).await?;
    let input = write::input(ctx)?;
    simple::update_row(ctx, &NOTIFICATION, &id, &input, &[]).await
}

/// `notificationArchive(id:)`.
pub(crate) async fn archive(ctx: &ResolverContext<'_>) -> Result<Value> {
    let id = own(ctx).await?;
    simple::archival_at(ctx, &NOTIFICATION, &id, Archival::Archive).await
}

/// `notificationUnarchive(id:)`.
pub(crate) async fn unarchive(ctx: &ResolverContext<'_>) -> Result<Value> {
    let id = own(ctx).await?;
    simple::archival_at(ctx, &NOTIFICATION, &id, Archival::Unarchive).await
}

/// The viewer's pending reminder of issue `$2` (not yet due), replaced by a new one.
const UNREMIND: &str = "DELETE FROM notifications WHERE user_id = $1 AND issue_id = $2
     AND type = 'issueReminder' AND created_at > now()";
/// The viewer's reminder of issue `$2`, due at `$3`: in their inbox from then on.
const REMIND: &str =
    "INSERT INTO notifications (user_id, type, category, issue_id, created_at, updated_at)
     VALUES ($1, 'issueReminder', 'reminders', $2, $3::text::timestamptz, $3::text::timestamptz)";

/// `issueReminder(id:, reminderAt:)`: the issue (by id or identifier) comes back to the
/// viewer as an `issueReminder` notification (category `reminders`, no actor) at
/// `reminderAt`, at once if that has passed; a reminder not yet due is replaced by the new
/// one. `IssuePayload`.
pub(crate) async fn remind(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let issue = crate::issues::resolve_id(shared, &arg_str(ctx, "id")?).await?;
    let at = arg_str(ctx, "reminderAt")?;
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    // Rendered first: an unknown issue is `Entity not found: Issue`, not a foreign key's.
    write::render(&tx, shared, viewer, "Issue", &issue).await?;
    tx.execute(UNREMIND, &[&viewer.user_id, &issue])
        .await
        .map_err(db)?;
    tx.execute(REMIND, &[&viewer.user_id, &issue, &at])
        .await
        .map_err(db)?;
    write::answer(shared, viewer, tx, ("Issue", "issue"), &issue, false).await
}

/// The reminder to post an update: `$1` the recipient, `$2` the sender, `$3` the type,
/// `$4` the project, `$5` the initiative (one of them).
const PROMPT: &str = "INSERT INTO notifications (user_id, actor_id, type, category, project_id,
         initiative_id) VALUES ($1, $2, $3, 'postsAndUpdates', $4, $5)";

/// What an update reminder is about: the entity, the argument naming it, its table's owner
/// column (who is reminded by default) and the notification's type.
struct Prompt(&'static str, &'static str, &'static str, &'static str);

/// `createProjectUpdateReminder(projectId:, userId:)`: a `projectUpdatePrompt`
/// `ProjectNotification` to `userId`, else the project's lead.
pub(crate) async fn project_prompt(ctx: &ResolverContext<'_>) -> Result<Value> {
    let prompt = Prompt("Project", "projectId", "lead_id", "projectUpdatePrompt");
    prompt_update(ctx, &prompt).await
}

/// `createInitiativeUpdateReminder(initiativeId:, userId:)`: an `initiativeUpdatePrompt`
/// `InitiativeNotification` to `userId`, else the initiative's owner.
pub(crate) async fn initiative_prompt(ctx: &ResolverContext<'_>) -> Result<Value> {
    let prompt = Prompt(
        "Initiative",
        "initiativeId",
        "owner_id",
        "initiativeUpdatePrompt",
    );
    prompt_update(ctx, &prompt).await
}

/// Sends `prompt`'s reminder (the entity by id or `slugId`) to `userId`, else the entity's
/// owner: `{success, lastSyncId}`.
///
/// # Errors
///
/// `Entity not found` of the entity or the user; `INPUT_ERROR` when no one is named and the
/// entity has no owner to remind.
async fn prompt_update(ctx: &ResolverContext<'_>, prompt: &Prompt) -> Result<Value> {
    let Prompt(entity, argument, owner, kind) = *prompt;
    let (shared, viewer) = context(ctx)?;
    let id = write::id_or_slug(shared, entity, &arg_str(ctx, argument)?).await?;
    let recipient = match ctx.args.get("userId").filter(|v| !v.is_null()) {
        Some(user) => user.string()?.to_owned(),
        None => {
            let table = entity::by_name(entity)
                .ok_or_else(|| error::internal("unknown entity"))?
                .table;
            let sql = format!("SELECT {} FROM {table} WHERE id = $1", owner);
            let row = write::lookup(shared, &sql, &id, entity).await?;
            row.get::<_, Option<String>>(0).ok_or_else(|| {
                error::invalid(format!(
                    "The {} has no {} to remind: name a userId.",
                    entity.to_lowercase(),
                    if owner == "lead_id" { "lead" } else { "owner" }
                ))
            })?
        }
    };
    let (project, initiative) = match entity {
        "Project" => (Some(&id), None),
        _ => (None, Some(&id)),
    };
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let params: [&(dyn asym_kit::tokio_postgres::types::ToSql + Sync); 5] =
        [&recipient, &viewer.user_id, &kind, &project, &initiative];
    tx.execute(PROMPT, &params).await.map_err(db)?;
    settle(shared, tx, Vec::new()).await
}

/// Draws the next `lastSyncId` in `tx` and commits: `{success, lastSyncId}` and `more`.
async fn settle(
    shared: &crate::Shared,
    tx: asym_kit::deadpool_postgres::Transaction<'_>,
    more: Vec<(&'static str, Value)>,
) -> Result<Value> {
    let sync: i64 = tx
        .query_one("SELECT nextval('sync_id_seq')", &[])
        .await
        .map_err(db)?
        .get(0);
    write::commit(shared, tx, false).await?;
    let mut answer = object([
        ("success", Value::Boolean(true)),
        ("lastSyncId", Value::from(sync as f64)),
    ]);
    if let Value::Object(fields) = &mut answer {
        for (key, value) in more {
            fields.insert(async_graphql::Name::new(key), value);
        }
    }
    Ok(answer)
}

/// A batch action: the assignments it makes (the time argument, if any, as `$3`) and which
/// of the entity's notifications it changes.
struct Batch {
    /// The time argument (`readAt`, …), bound as `$3`.
    at: Option<&'static str>,
    sets: &'static str,
    which: &'static str,
}

/// The batch actions: `name => time argument, assignments, which ones, "the mutation";`.
macro_rules! batches {
    ($($name:ident => $at:expr, $sets:literal, $which:literal, $doc:literal;)*) => {$(
        #[doc = $doc]
        pub(crate) async fn $name(ctx: &ResolverContext<'_>) -> Result<Value> {
            let batch = Batch { at: $at, sets: $sets, which: $which };
            apply(ctx, &batch).await
        }
    )*};
}
batches!(
    mark_read_all => Some("readAt"), "read_at = $3::text::timestamptz", "read_at IS NULL",
        "`notificationMarkReadAll(input:, readAt:)`: the unread ones, read at `readAt`.";
    mark_unread_all => None, "read_at = NULL", "read_at IS NOT NULL",
        "`notificationMarkUnreadAll(input:)`: the read ones, unread again.";
    snooze_all => Some("snoozedUntilAt"), "snoozed_until_at = $3::text::timestamptz",
        "archived_at IS NULL",
        "`notificationSnoozeAll(input:, snoozedUntilAt:)`: those not archived, snoozed until then.";
    unsnooze_all => Some("unsnoozedAt"),
        "snoozed_until_at = NULL, unsnoozed_at = $3::text::timestamptz",
        "snoozed_until_at IS NOT NULL",
        "`notificationUnsnoozeAll(input:, unsnoozedAt:)`: the snoozed ones, unsnoozed then.";
    archive_all => None, "archived_at = now()", "archived_at IS NULL",
        "`notificationArchiveAll(input:)`: those not archived, archived now.";
);

/// The `NotificationEntityInput` fields. The clone's notifications are of issues, projects
/// and initiatives, so those naming an update or an OAuth approval match none.
const ENTITY_FIELDS: [&str; 7] = [
    "id",
    "issueId",
    "projectId",
    "projectUpdateId",
    "initiativeId",
    "initiativeUpdateId",
    "oauthClientApprovalId",
];

/// The condition on rows `t` (its value as `$2`) that `input` names: exactly one field.
///
/// # Errors
///
/// `Argument Validation Error` when none or several are given; `Entity not found: Issue`.
async fn entity_of(ctx: &ResolverContext<'_>) -> Result<(&'static str, String)> {
    let (shared, _) = context(ctx)?;
    let input = write::input(ctx)?;
    let mut given = Vec::new();
    for field in ENTITY_FIELDS {
        if let Some(value) = write::text(&input, field)? {
            given.push((field, value));
        }
    }
    let [(field, value)] = given.as_slice() else {
        return Err(error::validation(
            "Exactly one of id, issueId, projectId, projectUpdateId, initiativeId, \
             initiativeUpdateId or oauthClientApprovalId must be defined.",
        ));
    };
    Ok(match *field {
        "id" => ("t.id = $2", value.clone()),
        "issueId" => (
            "t.issue_id = $2",
            crate::issues::resolve_id(shared, value).await?,
        ),
        "projectId" => ("t.project_id = $2", value.clone()),
        "initiativeId" => ("t.initiative_id = $2", value.clone()),
        _ => ("$2::text IS NULL", value.clone()),
    })
}

/// Applies `batch` to the viewer's notifications of the input's entity, in one transaction:
/// `{success, lastSyncId, notifications}` (those it changed, newest first).
async fn apply(ctx: &ResolverContext<'_>, batch: &Batch) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let (condition, value) = entity_of(ctx).await?;
    let at = batch.at.map(|name| arg_str(ctx, name)).transpose()?;
    let sql = format!(
        "UPDATE notifications t SET {}, updated_at = now() WHERE t.user_id = $1 AND {condition} \
         AND {} AND t.created_at <= now() RETURNING t.id",
        batch.sets, batch.which
    );
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let rows = match &at {
        Some(at) => tx.query(&sql, &[&viewer.user_id, &value, at]).await,
        None => tx.query(&sql, &[&viewer.user_id, &value]).await,
    }
    .map_err(db)?;
    let ids: Vec<String> = rows.iter().map(|row| row.get(0)).collect();
    let render = format!(
        "{CTX}SELECT notification_doc(t)::text FROM ctx, notifications t WHERE t.id = ANY($3) \
         ORDER BY t.created_at DESC, t.id DESC"
    );
    let rendered = tx
        .query(&render, &[&shared.base, &viewer.user_id, &ids])
        .await
        .map_err(db)?;
    let notifications = entity::parse_all(rendered.iter().map(|row| row.get(0)))?;
    settle(
        shared,
        tx,
        vec![("notifications", Value::List(notifications))],
    )
    .await
}
