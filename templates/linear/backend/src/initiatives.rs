//! Initiatives: `initiativeCreate`, `initiativeUpdate` (`trashed: true` to the trash, null or
//! false out of it), `initiativeArchive`/`initiativeUnarchive`, `initiativeDelete` (to the
//! trash, as Linear does, answered as a `DeletePayload`), and the projects they group
//! (`initiativeToProjectCreate`/`Update`/`Delete`).

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::connection::object;
use crate::error::{self, Result};
use crate::simple::{self, Archival, Spec};
use crate::write;

const INITIATIVE: Spec = Spec {
    hook: Some("Initiative"),
    fields: &[
        (
            "text",
            &[
                "id",
                "name",
                "description",
                "content",
                "icon",
                "color",
                "status",
                "ownerId",
                "leadTeamId",
                "targetDateResolution",
                "frequencyResolution",
                "updateRemindersDay",
            ],
        ),
        ("int", &["priority"]),
        (
            "float8",
            &[
                "sortOrder",
                "prioritySortOrder",
                "updateReminderFrequency",
                "updateReminderFrequencyInWeeks",
                "updateRemindersHour",
            ],
        ),
        ("date", &["targetDate"]),
    ],
    linked: &["trashed"],
    required: &["name"],
    creator: Some("creator_id"),
    team: Some("SELECT lead_team_id FROM initiatives WHERE id = $1"),
    ..Spec::new("Initiative", "initiatives", "initiative")
};

/// A project's place in an initiative.
const INITIATIVE_TO_PROJECT: Spec = Spec {
    fields: &[
        ("text", &["id", "initiativeId", "projectId"]),
        ("float8", &["sortOrder"]),
    ],
    required: &["initiativeId", "projectId"],
    ..Spec::new(
        "InitiativeToProject",
        "initiative_to_projects",
        "initiativeToProject",
    )
};

/// `initiativeCreate(input:)`.
pub(crate) async fn create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let input = write::input(ctx)?;
    Ok(simple::create(ctx, &INITIATIVE, &input, &[], None).await?.0)
}

/// `initiativeUpdate(id:, input:)`.
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let input = write::input(ctx)?;
    let extra: Vec<&str> = Archival::of_trashed(&input)
        .map(Archival::sets)
        .into_iter()
        .collect();
    simple::update_from(ctx, &INITIATIVE, &input, &extra).await
}

/// `initiativeArchive(id:)`.
pub(crate) async fn archive(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::archival_of(ctx, &INITIATIVE, Archival::Archive).await
}

/// `initiativeUnarchive(id:)`: out of the archive and the trash.
pub(crate) async fn unarchive(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::archival_of(ctx, &INITIATIVE, Archival::Restore).await
}

/// `initiativeDelete(id:)`: Linear trashes the initiative and answers `{success,
/// lastSyncId, entityId}`.
pub(crate) async fn delete(ctx: &ResolverContext<'_>) -> Result<Value> {
    let Value::Object(payload) = simple::archival_of(ctx, &INITIATIVE, Archival::Trash).await?
    else {
        return Err(error::internal("an archive payload is an object"));
    };
    let id = match payload.get("entity") {
        Some(Value::Object(entity)) => entity.get("id").cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    };
    Ok(object([
        ("success", Value::Boolean(true)),
        (
            "lastSyncId",
            payload.get("lastSyncId").cloned().unwrap_or(Value::Null),
        ),
        ("entityId", id),
    ]))
}

/// `initiativeToProjectCreate(input:)`: a project joins an initiative (once).
pub(crate) async fn link_create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let input = write::input(ctx)?;
    Ok(
        simple::create(ctx, &INITIATIVE_TO_PROJECT, &input, &[], None)
            .await?
            .0,
    )
}

/// `initiativeToProjectUpdate(id:, input:)`.
pub(crate) async fn link_update(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::update(ctx, &INITIATIVE_TO_PROJECT, &[]).await
}

/// `initiativeToProjectDelete(id:)`: the project leaves the initiative.
pub(crate) async fn link_delete(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::delete(ctx, &INITIATIVE_TO_PROJECT).await
}
