//! The resources the clone stores: for each of Linear's object types, the table holding it
//! and the SQL function that renders a row as that type's JSON object. Reads by id and the
//! paginated lists ([`crate::connection`]) are built from these.

use std::collections::HashMap;
use std::fmt;

use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::ToSql;
use async_graphql::indexmap::IndexMap;
use async_graphql::{Name, Number, Value};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{self, Result};
use crate::{Shared, Viewer};

/// A stored resource.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entity {
    /// Linear's type name.
    pub(crate) name: &'static str,
    /// The table, aliased `t` in every statement.
    pub(crate) table: &'static str,
    /// The JSON rendering of row `t` (with `ctx.base`, `ctx.viewer` in scope).
    pub(crate) doc: &'static str,
}

/// The viewer's favorite of row `t` by the favorites' column `$column` (the first made),
/// else null. The viewer's favorites of that kind are gathered once per statement (an
/// InitPlan: `ctx.viewer` is the statement's parameter) into one `{<id>: <favorite id>}`
/// object, so a page costs one index scan of the viewer's favorites and one lookup in that
/// object a row, rather than a probe of the favorites a row.
macro_rules! viewer_favorite {
    ($column:literal) => {
        concat!(
            "((SELECT jsonb_object_agg(f.",
            $column,
            ", f.id) FROM (SELECT DISTINCT ON (f.",
            $column,
            ") f.",
            $column,
            ", f.id FROM favorites f WHERE f.owner_id = ctx.viewer AND f.",
            $column,
            " IS NOT NULL ORDER BY f.",
            $column,
            ", f.created_at, f.id) f) ->> t.id)"
        )
    };
}

/// An issue's JSON for the viewer, its `favorite` the viewer's.
pub(crate) const ISSUE_DOC: &str =
    concat!("issue_doc(t, ctx.base, ", viewer_favorite!("issue_id"), ")");
/// A project's JSON for the viewer, its `favorite` the viewer's.
const PROJECT_DOC: &str = concat!(
    "project_doc(t, ctx.base, ",
    viewer_favorite!("project_id"),
    ")"
);

/// The JSON of `entity`'s row `t` without the members that are the viewer's own
/// (`favorite`), for a selection that reads none of them: no lookup of the viewer's
/// favorites at all.
pub(crate) fn unviewed(entity: &Entity) -> &'static str {
    match entity.table {
        "issues" => "issue_doc(t, ctx.base)",
        "projects" => "project_doc(t, ctx.base)",
        _ => entity.doc,
    }
}

/// Every stored resource.
const ENTITIES: [Entity; 56] = [
    Entity {
        name: "Issue",
        table: "issues",
        doc: ISSUE_DOC,
    },
    Entity {
        name: "IssueSearchResult",
        table: "issues",
        doc: ISSUE_DOC,
    },
    Entity {
        name: "User",
        table: "users",
        doc: "user_doc(t, ctx.base, ctx.viewer)",
    },
    Entity {
        name: "Team",
        table: "teams",
        doc: "team_doc(t, ctx.base, ctx.viewer)",
    },
    Entity {
        name: "WorkflowState",
        table: "workflow_states",
        doc: "state_doc(t)",
    },
    Entity {
        name: "IssueLabel",
        table: "issue_labels",
        doc: "label_doc(t)",
    },
    Entity {
        name: "Project",
        table: "projects",
        doc: PROJECT_DOC,
    },
    Entity {
        name: "ProjectSearchResult",
        table: "projects",
        doc: PROJECT_DOC,
    },
    Entity {
        name: "CustomView",
        table: "custom_views",
        doc: "custom_view_doc(t)",
    },
    Entity {
        name: "Cycle",
        table: "cycles",
        doc: "cycle_doc(t)",
    },
    Entity {
        name: "Comment",
        table: "comments",
        doc: "comment_doc(t, ctx.base)",
    },
    Entity {
        name: "Attachment",
        table: "attachments",
        doc: "attachment_doc(t)",
    },
    Entity {
        name: "Reaction",
        table: "reactions",
        doc: "reaction_doc(t)",
    },
    Entity {
        name: "Webhook",
        table: "webhooks",
        doc: "webhook_doc(t)",
    },
    Entity {
        name: "IssueHistory",
        table: "issue_history",
        doc: "history_doc(t)",
    },
    Entity {
        name: "IssueStateSpan",
        table: "issue_state_spans",
        doc: "state_span_doc(t)",
    },
    Entity {
        name: "TeamMembership",
        table: "team_members",
        doc: "membership_doc(t)",
    },
    Entity {
        name: "Notification",
        table: "notifications",
        doc: "notification_doc(t)",
    },
    Entity {
        name: "NotificationSubscription",
        table: "notification_subscriptions",
        doc: "notification_subscription_doc(t)",
    },
    Entity {
        name: "Organization",
        table: "organization",
        doc: "organization_doc(t, ctx.base)",
    },
    Entity {
        name: "UserSettings",
        table: "user_settings_all",
        doc: "user_settings_doc(t)",
    },
    Entity {
        name: "Favorite",
        table: "favorites",
        doc: "favorite_doc(t, ctx.base)",
    },
    Entity {
        name: "EmailIntakeAddress",
        table: "email_intake_addresses",
        doc: "email_intake_address_doc(t)",
    },
    Entity {
        name: "EntityExternalLink",
        table: "entity_external_links",
        doc: "entity_external_link_doc(t)",
    },
    Entity {
        name: "ExternalUser",
        table: "external_users",
        doc: "external_user_doc(t)",
    },
    Entity {
        name: "InitiativeLabel",
        table: "initiative_labels",
        doc: "initiative_label_doc(t)",
    },
    Entity {
        name: "ProjectLabel",
        table: "project_labels",
        doc: "project_label_doc(t)",
    },
    Entity {
        name: "Emoji",
        table: "emojis",
        doc: "emoji_doc(t)",
    },
    Entity {
        name: "ProjectRelation",
        table: "project_relations",
        doc: "project_relation_doc(t)",
    },
    Entity {
        name: "TriageResponsibility",
        table: "triage_responsibilities",
        doc: "triage_responsibility_doc(t)",
    },
    Entity {
        name: "IssueRelation",
        table: "issue_relations",
        doc: "relation_doc(t)",
    },
    Entity {
        name: "ProjectMilestone",
        table: "project_milestones",
        doc: "milestone_doc(t)",
    },
    Entity {
        name: "ProjectStatus",
        table: "project_statuses",
        doc: "project_status_doc(t)",
    },
    Entity {
        name: "Template",
        table: "templates",
        doc: "template_doc(t)",
    },
    Entity {
        name: "Document",
        table: "documents",
        doc: "document_doc(t, ctx.base)",
    },
    Entity {
        name: "DocumentSearchResult",
        table: "documents",
        doc: "document_doc(t, ctx.base)",
    },
    Entity {
        name: "ProjectUpdate",
        table: "project_updates",
        doc: "project_update_doc(t, ctx.base)",
    },
    Entity {
        name: "InitiativeUpdate",
        table: "initiative_updates",
        doc: "initiative_update_doc(t, ctx.base)",
    },
    Entity {
        name: "InitiativeRelation",
        table: "initiative_relations",
        doc: "initiative_relation_doc(t)",
    },
    Entity {
        name: "Initiative",
        table: "initiatives",
        doc: "initiative_doc(t, ctx.base)",
    },
    Entity {
        name: "AgentSession",
        table: "agent_sessions",
        doc: "agent_session_doc(t, ctx.base)",
    },
    Entity {
        name: "AgentActivity",
        table: "agent_activities",
        doc: "agent_activity_doc(t)",
    },
    Entity {
        name: "Customer",
        table: "customers",
        doc: "customer_doc(t, ctx.base)",
    },
    Entity {
        name: "CustomerNeed",
        table: "customer_needs",
        doc: "customer_need_doc(t)",
    },
    Entity {
        name: "CustomerStatus",
        table: "customer_statuses",
        doc: "customer_status_doc(t)",
    },
    Entity {
        name: "CustomerTier",
        table: "customer_tiers",
        doc: "customer_tier_doc(t)",
    },
    Entity {
        name: "ReleasePipeline",
        table: "release_pipelines",
        doc: "release_pipeline_doc(t, ctx.base)",
    },
    Entity {
        name: "ReleaseStage",
        table: "release_stages",
        doc: "release_stage_doc(t)",
    },
    Entity {
        name: "Release",
        table: "releases",
        doc: "release_doc(t, ctx.base)",
    },
    Entity {
        name: "ReleaseNote",
        table: "release_notes",
        doc: "release_note_doc(t, ctx.base)",
    },
    Entity {
        name: "OrganizationInvite",
        table: "organization_invites",
        doc: "organization_invite_doc(t)",
    },
    Entity {
        name: "TimeSchedule",
        table: "time_schedules",
        doc: "time_schedule_doc(t)",
    },
    Entity {
        name: "Roadmap",
        table: "roadmaps",
        doc: "roadmap_doc(t, ctx.base)",
    },
    Entity {
        name: "RoadmapToProject",
        table: "roadmap_to_projects",
        doc: "roadmap_to_project_doc(t)",
    },
    Entity {
        name: "IssueToRelease",
        table: "issue_to_releases",
        doc: "issue_to_release_doc(t)",
    },
    Entity {
        name: "InitiativeToProject",
        table: "initiative_to_projects",
        doc: "initiative_to_project_doc(t)",
    },
];

/// The entity named `name`.
pub(crate) fn by_name(name: &str) -> Option<Entity> {
    ENTITIES.iter().find(|e| e.name == name).copied()
}

/// Whether `name` is a type the clone stores (so a `{"id"}` reference to it can be loaded).
pub(crate) fn is_entity(name: &str) -> bool {
    by_name(name).is_some()
}

/// The statement prefix that binds `$1` (the clone's public URL) and `$2` (the viewer) as
/// `ctx`: `ctx.base` is the workspace's URL (`<public URL>/<url key>`), computed once.
pub(crate) const CTX: &str = "WITH ctx AS (SELECT $1::text || '/' || coalesce((SELECT url_key FROM organization LIMIT 1), '') AS base, $2::text AS viewer) ";

/// Runs `sql` (which selects one JSON text column and uses [`CTX`]) with `params` after the
/// base URL and viewer, and parses each row.
///
/// # Errors
///
/// Postgres errors as [`rows`] maps them.
pub(crate) async fn query(
    shared: &Shared,
    viewer: &Viewer,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Value>> {
    let rows = rows(shared, viewer, sql, params).await?;
    parse_all(rows.iter().map(|row| row.get(0)))
}

/// Most parameters one statement may bind (Postgres's protocol counts them in 16 bits).
const MAX_PARAMS: usize = u16::MAX as usize;
/// The longest statement a connection keeps prepared (the bench's list is ~2 KiB).
const MAX_CACHED_SQL: usize = 16 * 1024;

/// Runs `sql` as [`query`] does, answering the rows unparsed.
///
/// # Errors
///
/// Invalid input when a filter needs more parameters than Postgres takes; Postgres errors
/// as [`error::db`] maps them (a value Postgres cannot take, such as a date that does
/// not exist in a filter, is invalid input).
pub(crate) async fn rows(
    shared: &Shared,
    viewer: &Viewer,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Row>> {
    if params.len() + 2 > MAX_PARAMS {
        return Err(error::invalid(
            "Argument Validation Error: the filter has too many values; simplify it",
        ));
    }
    let client = shared.kit.db().await.map_err(error::internal)?;
    // A connection keeps what it prepared until it holds the kit's MAX_CACHED_STATEMENTS: a
    // one-off giant filter would weigh on it (and on Postgres) until then, so it is not kept.
    let statement = if sql.len() <= MAX_CACHED_SQL {
        client.prepare_cached(sql).await
    } else {
        client.prepare(sql).await
    }
    .map_err(error::internal)?;
    let mut all: Vec<&(dyn ToSql + Sync)> = vec![&shared.base, &viewer.user_id];
    all.extend_from_slice(params);
    client.query(&statement, &all).await.map_err(error::db)
}

/// Parses the documents one statement rendered, sharing their keys.
///
/// # Errors
///
/// An internal error when a text is not JSON (a bug in a document function).
pub(crate) fn parse_all<'a>(texts: impl Iterator<Item = &'a str>) -> Result<Vec<Value>> {
    let mut keys = Keys::default();
    texts.map(|text| keys.parse(text)).collect()
}

/// The keys of the documents one statement rendered. Its rows repeat the same field names,
/// so each is allocated once and shared by every row's object, instead of once a row.
#[derive(Debug, Default)]
struct Keys(HashMap<String, Name>);

impl Keys {
    /// Parses one document, as [`parse`] does.
    fn parse(&mut self, text: &str) -> Result<Value> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let value = Document(self)
            .deserialize(&mut deserializer)
            .map_err(error::internal)?;
        deserializer.end().map_err(error::internal)?;
        Ok(value)
    }

    fn name(&mut self, key: &str) -> Name {
        if let Some(name) = self.0.get(key) {
            return name.clone();
        }
        let name = Name::new(key);
        self.0.insert(key.to_owned(), name.clone());
        name
    }
}

/// A JSON value read into a GraphQL value with shared keys.
struct Document<'k>(&'k mut Keys);

impl<'de> DeserializeSeed<'de> for Document<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Document<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON document")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Boolean(v))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> std::result::Result<Value, A::Error> {
        let mut list = Vec::new();
        while let Some(item) = items.next_element_seed(Document(&mut *self.0))? {
            list.push(item);
        }
        Ok(Value::List(list))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> std::result::Result<Value, A::Error> {
        let mut object = IndexMap::new();
        while let Some(key) = entries.next_key_seed(Key(&mut *self.0))? {
            let value = entries.next_value_seed(Document(&mut *self.0))?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// An object key, shared through [`Keys`].
struct Key<'k>(&'k mut Keys);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = Name;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Name, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = Name;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Name, E> {
        Ok(self.0.name(v))
    }
}

/// Parses one JSON document Postgres rendered.
///
/// # Errors
///
/// An internal error when the text is not JSON (a bug in a document function).
pub(crate) fn parse(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(error::internal)
}

/// The entity `name` with id `id`, archived or not.
///
/// # Errors
///
/// Postgres errors.
pub(crate) async fn load(
    shared: &Shared,
    viewer: &Viewer,
    name: &str,
    id: &str,
) -> Result<Option<Value>> {
    let Some(entity) = by_name(name) else {
        return Ok(None);
    };
    let sql = format!(
        "{CTX}SELECT {}::text FROM ctx, {} t WHERE t.id = $3",
        entity.doc, entity.table
    );
    Ok(query(shared, viewer, &sql, &[&id]).await?.pop())
}

/// Like [`load`], but a missing entity is Linear's "Entity not found" error.
///
/// # Errors
///
/// [`error::not_found`] or Postgres errors.
pub(crate) async fn get(shared: &Shared, viewer: &Viewer, name: &str, id: &str) -> Result<Value> {
    load(shared, viewer, name, id)
        .await?
        .ok_or_else(|| error::not_found(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_with_shared_keys_read_as_plain_parsing_does() {
        let rows = [
            r#"{"id": "a", "n": 1, "big": 18446744073709551615, "f": 1.5, "neg": -2,
                "ok": true, "none": null, "list": [1, "x", {"id": "b"}],
                "team": {"id": "t"}, "esc\"aped": "é\n", "id": "dup"}"#,
            r#"{"id": "c", "n": 2, "list": [], "team": null}"#,
        ];
        let mut keys = Keys::default();
        for row in rows {
            assert_eq!(keys.parse(row).unwrap(), parse(row).unwrap());
        }
        assert!(keys.parse("{} trailing").is_err());
    }
}
