//! Initiatives: `initiativeCreate`, `initiativeUpdate` (`trashed: true` to the trash, null or
//! false out of it), `initiativeArchive`/`initiativeUnarchive`, `initiativeDelete` (to the
//! trash, as Linear does, answered as a `DeletePayload`), the projects they group
//! (`initiativeToProjectCreate`/`Update`/`Delete`) and their sub-initiatives
//! (`initiativeRelationCreate`/`Update`/`Delete`).

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::connection::object;
use crate::error::{self, Result};
use crate::simple::{self, Archival, Spec};
use crate::write::Rule;

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
        ("text[]", &["labelIds"]),
    ],
    linked: &["trashed"],
    required: &["name"],
    rules: &[("name", Rule::NotBlank), ("color", Rule::HexColor)],
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

/// A sub-initiative's place under its parent.
const RELATION: Spec = Spec {
    fields: &[
        ("text", &["id", "initiativeId", "relatedInitiativeId"]),
        ("float8", &["sortOrder"]),
    ],
    required: &["initiativeId", "relatedInitiativeId"],
    creator: Some("user_id"),
    ..Spec::new(
        "InitiativeRelation",
        "initiative_relations",
        "initiativeRelation",
    )
};

/// `initiativeUpdate(id:, input:)`.
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::update_trashable(ctx, &INITIATIVE).await
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

// A project joins an initiative once, an initiative has one parent (constraints of the
// tables): the rest is plain.
simple::delegate!(
    create => simple::create_plain, INITIATIVE, "initiativeCreate(input:)";
    link_create => simple::create_plain, INITIATIVE_TO_PROJECT, "initiativeToProjectCreate(input:)";
    link_update => simple::update_plain, INITIATIVE_TO_PROJECT, "initiativeToProjectUpdate(id:, input:)";
    link_delete => simple::delete, INITIATIVE_TO_PROJECT, "initiativeToProjectDelete(id:)";
    relation_create => simple::create_plain, RELATION, "initiativeRelationCreate(input:)";
    relation_update => simple::update_plain, RELATION, "initiativeRelationUpdate(id:, input:)";
    relation_delete => simple::delete, RELATION, "initiativeRelationDelete(id:)";
);
