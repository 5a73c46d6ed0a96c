//! Templates: `templateCreate`, `templateUpdate`, `templateDelete`, and what
//! `issueCreate(input: {templateId})` takes from an issue template. Linear answers
//! `templateData` as a JSON-encoded string and takes it as JSON or as such a string.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::args::context;
use crate::error::{self, Result};
use crate::simple::{self, Spec};
use crate::write::{self, Rule};
use crate::{Shared, Viewer};

type Input = Map<String, serde_json::Value>;

/// `lastUpdatedById` is never a client's: the resolvers set it to the viewer.
const TEMPLATE: Spec = Spec {
    fields: &[
        (
            "text",
            &[
                "id",
                "name",
                "description",
                "type",
                "color",
                "icon",
                "teamId",
                "lastUpdatedById",
            ],
        ),
        ("jsonb", &["templateData"]),
        ("float8", &["sortOrder"]),
    ],
    required: &["name", "type", "templateData"],
    rules: &[("name", Rule::NotBlank), ("color", Rule::HexColor)],
    creator: Some("creator_id"),
    ..Spec::new("Template", "templates", "template")
};

/// The `IssueCreateInput` fields an issue template's data may fill.
const ISSUE_FIELDS: [&str; 12] = [
    "title",
    "description",
    "priority",
    "estimate",
    "stateId",
    "assigneeId",
    "labelIds",
    "projectId",
    "projectMilestoneId",
    "cycleId",
    "dueDate",
    "parentId",
];

/// `templateCreate(input:)`.
pub(crate) async fn create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let input = prepare(shared, viewer, write::input(ctx)?).await?;
    if write::text(&input, "type")?.as_deref() == Some("releaseNote") {
        return Err(error::invalid(
            "Release note templates are not supported by the asym Linear clone",
        ));
    }
    Ok(simple::create(ctx, &TEMPLATE, &input, &[], None).await?.0)
}

/// `templateUpdate(id:, input:)`: `teamId: null` shares it with every team.
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let input = prepare(shared, viewer, write::input(ctx)?).await?;
    simple::update_from(ctx, &TEMPLATE, &input, &[]).await
}

/// `templateDelete(id:)`.
pub(crate) async fn delete(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::delete(ctx, &TEMPLATE).await
}

/// A create or update input as stored: `templateData` given as a JSON-encoded string parsed,
/// `teamId` given as a team key resolved to the team's id, the viewer as `lastUpdatedBy`.
async fn prepare(shared: &Shared, viewer: &Viewer, mut input: Input) -> Result<Input> {
    if let Some(serde_json::Value::String(text)) = input.get("templateData") {
        let parsed: serde_json::Value = serde_json::from_str(text).map_err(|_| {
            error::invalid("Argument Validation Error: templateData must be valid JSON")
        })?;
        input.insert("templateData".to_owned(), parsed);
    }
    if let Some(team) = write::text(&input, "teamId")? {
        let row = write::lookup(
            shared,
            "SELECT id FROM teams WHERE id = $1 OR key = $1",
            &team,
            "Team",
        )
        .await?;
        input.insert("teamId".to_owned(), row.get::<_, String>(0).into());
    }
    input.insert("lastUpdatedById".to_owned(), viewer.user_id.clone().into());
    Ok(input)
}

/// Takes `templateId` out of an `IssueCreateInput`.
///
/// # Errors
///
/// Invalid input when it is not a string.
pub(crate) fn take_id(input: &mut Input) -> Result<Option<String>> {
    let id = write::text(input, "templateId")?;
    input.remove("templateId");
    Ok(id)
}

/// `input` with issue template `id`'s data under it, as Linear applies a template: a field
/// the input gives wins (its `description` also over the template's `descriptionData`), the
/// labels of both are kept, the template's `teamId` yields to the input's.
///
/// # Errors
///
/// `Entity not found: Template` for an unknown or archived template; invalid input when it
/// is not an issue template or its data holds a field the clone cannot apply.
pub(crate) async fn apply(shared: &Shared, id: &str, mut input: Input) -> Result<Input> {
    let row = write::lookup(
        shared,
        "SELECT type, template_data::text FROM templates WHERE id = $1 AND archived_at IS NULL",
        id,
        "Template",
    )
    .await?;
    if row.get::<_, &str>(0) != "issue" {
        return Err(error::invalid(
            "Argument Validation Error: templateId must be an issue template",
        ));
    }
    let data: serde_json::Value = serde_json::from_str(row.get(1)).map_err(error::internal)?;
    let serde_json::Value::Object(data) = data else {
        return Err(error::invalid(
            "Argument Validation Error: the template's data is not an object of issue fields",
        ));
    };
    for (key, value) in data {
        let given = input.contains_key(&key)
            || (key == "descriptionData" && input.contains_key("description"));
        if value.is_null() || key == "teamId" || (given && key != "labelIds") {
            continue;
        }
        if !ISSUE_FIELDS.contains(&key.as_str()) {
            return Err(error::invalid(format!(
                "Template data field `{key}` is not supported by the asym Linear clone"
            )));
        }
        if key == "labelIds" {
            let ours: Vec<String> = serde_json::from_value(value).map_err(|_| {
                error::invalid("Argument Validation Error: the template's labelIds are not ids")
            })?;
            let mut labels = write::texts(&input, "labelIds")?.unwrap_or_default();
            for label in ours {
                if !labels.contains(&label) {
                    labels.push(label);
                }
            }
            input.insert(key, labels.into());
        } else {
            input.insert(key, value);
        }
    }
    Ok(input)
}

/// Records that template `id` was just applied (`lastAppliedAt`).
///
/// # Errors
///
/// Postgres errors.
pub(crate) async fn applied(shared: &Shared, id: &str) -> Result<()> {
    let client = shared.kit.db().await.map_err(error::internal)?;
    client
        .execute(
            "UPDATE templates SET last_applied_at = now() WHERE id = $1",
            &[&id],
        )
        .await
        .map_err(error::db)?;
    Ok(())
}
