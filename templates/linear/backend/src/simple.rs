//! Create, update, archive and delete for the resources whose writes are plain column
//! assignments (comments, labels, projects, cycles, attachments, webhooks, workflow states):
//! each is described by a [`Spec`] in [`crate::resources`], and written here in one
//! transaction that also renders it and queues its webhooks.

use asym_kit::deadpool_postgres::Transaction;
use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::args::{arg_str, context};
use crate::case::column;
use crate::connection::Where;
use crate::error::{self, Result, db};
use crate::hooks::{self, Event};
use crate::write::{self, Rule};
use crate::{Shared, Viewer};

/// A resource written by plain column assignments.
#[derive(Debug)]
pub(crate) struct Spec {
    /// Linear's type name (and the entity rendered).
    pub(crate) entity: &'static str,
    /// The table.
    pub(crate) table: &'static str,
    /// The payload's key for the object (`comment`, `issueLabel`, …).
    pub(crate) key: &'static str,
    /// The webhook resource type, when changes are announced.
    pub(crate) hook: Option<&'static str>,
    /// Input fields by SQL type; each is written to its [`column()`].
    pub(crate) fields: &'static [(&'static str, &'static [&'static str])],
    /// Input fields the resolver links itself (`teamIds`), not columns of the table.
    pub(crate) linked: &'static [&'static str],
    /// Fields a create must have.
    pub(crate) required: &'static [&'static str],
    /// The column set to the viewer on create.
    pub(crate) creator: Option<&'static str>,
    /// Whether a row is its creator's alone (a favorite, a notification subscription): to
    /// anyone else, an update or a delete finds no such row.
    pub(crate) personal: bool,
    /// The team of row `$1`, for webhook routing.
    pub(crate) team: Option<&'static str>,
    /// An `ON CONFLICT` clause making a create an upsert.
    pub(crate) upsert: Option<&'static str>,
    /// Statements (the id as `$1`) that let go of a row before it is deleted.
    pub(crate) unlink: &'static [&'static str],
    /// What Linear's validators hold fields to, on create and update alike.
    pub(crate) rules: &'static [(&'static str, Rule)],
}

type Input = Map<String, serde_json::Value>;

impl Spec {
    /// The resource `entity` in `table`, answered under `key`, with no fields, no creator,
    /// no team, no webhooks, no upsert and nothing to unlink: each spec sets what it has.
    pub(crate) const fn new(entity: &'static str, table: &'static str, key: &'static str) -> Self {
        Self {
            entity,
            table,
            key,
            hook: None,
            fields: &[],
            linked: &[],
            required: &[],
            creator: None,
            personal: false,
            team: None,
            upsert: None,
            unlink: &[],
            rules: &[],
        }
    }

    /// The retirement of the label `label` describes, as `…Retire` and `…Restore` write it:
    /// its one field `retiredById` (never taken from a client's input), no rule, nothing to
    /// unlink; its table, payload and webhooks are the label's.
    pub(crate) const fn retirement(label: Self) -> Self {
        Self {
            fields: &[("text", &["retiredById"])],
            required: &[],
            rules: &[],
            unlink: &[],
            ..label
        }
    }

    fn supported(&self) -> Vec<&'static str> {
        self.columns()
            .map(|(field, _)| field)
            .chain(self.linked.iter().copied())
            .collect()
    }

    /// Each column field with its SQL type.
    fn columns(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        self.fields
            .iter()
            .flat_map(|(ty, fields)| fields.iter().map(move |field| (*field, *ty)))
    }
}

/// Resolvers that each hand their context and one target (a [`Spec`], or what holds one) to
/// a writer: `name => writer, TARGET, "the mutation, for the docs";`.
macro_rules! delegate {
    ($($name:ident => $write:path, $target:ident, $mutation:literal;)*) => {$(
        #[doc = concat!("`", $mutation, "`.")]
        pub(crate) async fn $name(ctx: &ResolverContext<'_>) -> Result<Value> {
            $write(ctx, &$target).await
        }
    )*};
}
pub(crate) use delegate;

/// The [`Spec::unlink`] of a label in table `labels` that the rows of table `owners` carry in
/// their `label_ids`: its owners lose it; its children stay, at the top level.
macro_rules! label_unlink {
    ($owners:literal, $labels:literal) => {
        &[
            concat!(
                "UPDATE ",
                $owners,
                " SET label_ids = array_remove(label_ids, $1) WHERE $1 = ANY(label_ids)"
            ),
            concat!(
                "UPDATE ",
                $labels,
                " SET parent_id = NULL WHERE parent_id = $1"
            ),
        ]
    };
}
pub(crate) use label_unlink;

/// Binds `value` as SQL of type `ty`.
fn bind(binder: &mut Where, field: &str, ty: &str, value: &serde_json::Value) -> Result<String> {
    let wrong = || error::invalid(format!("`{field}` has the wrong type"));
    Ok(match (ty, value) {
        (_, serde_json::Value::Null) => "NULL".to_owned(),
        ("text[]", serde_json::Value::Array(items)) => {
            let texts = items
                .iter()
                .map(|item| item.as_str().map(str::to_owned).ok_or_else(wrong))
                .collect::<Result<Vec<_>>>()?;
            format!("{}::text[]", binder.param(texts))
        }
        ("jsonb", value) => format!("{}::text::jsonb", binder.param(value.to_string())),
        ("bool", serde_json::Value::Bool(flag)) => format!("{}::bool", binder.param(*flag)),
        ("float8" | "int", serde_json::Value::Number(n)) => {
            let placeholder = binder.param(n.as_f64().ok_or_else(wrong)?);
            if ty == "int" {
                format!("{placeholder}::float8::int")
            } else {
                format!("{placeholder}::float8")
            }
        }
        ("text" | "date" | "timestamptz", serde_json::Value::String(text)) => {
            format!("{}::text::{ty}", binder.param(text.clone()))
        }
        _ => return Err(wrong()),
    })
}

/// Renders row `id`, queues its webhook (an update's with `updated_from`), commits; answers
/// the `{success, lastSyncId, key}` payload.
pub(crate) async fn finish(
    spec: &Spec,
    shared: &Shared,
    viewer: &Viewer,
    tx: Transaction<'_>,
    id: &str,
    change: (&'static str, Option<serde_json::Value>),
) -> Result<Value> {
    let (object, json, sync) = write::render(&tx, shared, viewer, spec.entity, id).await?;
    let queued = announce(spec, &tx, viewer, id, change, &json).await?;
    write::commit(shared, tx, queued).await?;
    Ok(write::payload(spec.key, object, sync))
}

/// Queues `spec` row `id`'s webhook of `action` (an update's with `updated_from`), its JSON
/// `json`; answers whether any delivery was queued.
///
/// # Errors
///
/// Postgres errors.
pub(crate) async fn announce(
    spec: &Spec,
    tx: &Transaction<'_>,
    viewer: &Viewer,
    id: &str,
    (action, updated_from): (&'static str, Option<serde_json::Value>),
    json: &serde_json::Value,
) -> Result<bool> {
    let Some(resource) = spec.hook else {
        return Ok(false);
    };
    let team: Option<String> = match spec.team {
        Some(sql) => tx
            .query_opt(sql, &[&id])
            .await
            .map_err(db)?
            .and_then(|row| row.get(0)),
        None => None,
    };
    let event = Event {
        resource,
        action,
        team: team.as_deref(),
        data: json,
        updated_from,
    };
    hooks::emit(tx, viewer, event).await
}

/// Creates a `spec` row from `input` plus `extra` column values (constant SQL); answers the
/// payload. `link` (a statement taking the new id as `$1` and a list as `$2`) runs inside
/// the same transaction.
pub(crate) async fn create(
    ctx: &ResolverContext<'_>,
    spec: &Spec,
    input: &Input,
    extra: &[(&str, String)],
    link: Option<(&str, Vec<String>)>,
) -> Result<(Value, String)> {
    let (shared, viewer) = context(ctx)?;
    write::only(input, &spec.supported())?;
    write::check_id(input)?;
    write::check(input, spec.rules)?;
    for field in spec.required {
        if input.get(*field).is_none_or(serde_json::Value::is_null) {
            return Err(error::invalid(format!(
                "Argument Validation Error: `{field}` is required"
            )));
        }
    }
    let mut binder = Where::after(0);
    let (mut columns, mut values) = (Vec::new(), Vec::new());
    for (field, ty) in spec.columns() {
        if let Some(value) = input.get(field).filter(|v| !v.is_null()) {
            columns.push(column(field));
            values.push(bind(&mut binder, field, ty, value)?);
        }
    }
    if let Some(creator) = spec.creator {
        columns.push(creator.to_owned());
        values.push(binder.param(viewer.user_id.clone()));
    }
    for (column, value) in extra {
        columns.push((*column).to_owned());
        values.push(value.clone());
    }
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({}) {} RETURNING id",
        spec.table,
        columns.join(", "),
        values.join(", "),
        spec.upsert.unwrap_or("")
    );
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let row = tx.query_one(&sql, &binder.params()).await.map_err(db)?;
    let id: String = row.get(0);
    if let Some((statement, list)) = link {
        tx.execute(statement, &[&id, &list]).await.map_err(db)?;
    }
    let payload = finish(spec, shared, viewer, tx, &id, ("create", None)).await?;
    Ok((payload, id))
}

/// The resolver's context and the row its `id` argument names.
pub(crate) fn target<'a>(ctx: &'a ResolverContext<'_>) -> Result<(&'a Shared, &'a Viewer, String)> {
    let (shared, viewer) = context(ctx)?;
    Ok((shared, viewer, arg_str(ctx, "id")?))
}

/// Updates `spec` row `id` (argument `id`) from the `input` argument.
pub(crate) async fn update(
    ctx: &ResolverContext<'_>,
    spec: &Spec,
    extra: &[&str],
) -> Result<Value> {
    update_from(ctx, spec, &write::input(ctx)?, extra).await
}

/// `create(input:)` of `spec`, the input as given.
pub(crate) async fn create_plain(ctx: &ResolverContext<'_>, spec: &Spec) -> Result<Value> {
    let input = write::input(ctx)?;
    Ok(create(ctx, spec, &input, &[], None).await?.0)
}

/// `…Retire(id:)` of a label's retirement `spec` (its one field `retiredById`): retired now,
/// by the viewer.
pub(crate) async fn retire(ctx: &ResolverContext<'_>, spec: &Spec) -> Result<Value> {
    let (_, viewer, id) = target(ctx)?;
    let input = Map::from_iter([("retiredById".to_owned(), viewer.user_id.clone().into())]);
    update_row(ctx, spec, &id, &input, &["retired_at = now()"]).await
}

/// `…Restore(id:)` of a label's retirement `spec`: no longer retired.
pub(crate) async fn restore(ctx: &ResolverContext<'_>, spec: &Spec) -> Result<Value> {
    let (_, _, id) = target(ctx)?;
    let input = Map::from_iter([("retiredById".to_owned(), serde_json::Value::Null)]);
    update_row(ctx, spec, &id, &input, &["retired_at = NULL"]).await
}

/// The plain write a mutation's name says (`…Create`, `…Update`, `…Delete`, `…Archive`,
/// `…Unarchive`) of the one of `specs` it names (`roadmapToProjectCreate`: the
/// `RoadmapToProject` create).
pub(crate) async fn by_name(ctx: &ResolverContext<'_>, specs: &[&Spec]) -> Result<Value> {
    let field = ctx.field().name();
    for spec in specs {
        let (first, rest) = spec.entity.split_at(1);
        let Some(write) = field.strip_prefix(&format!("{}{rest}", first.to_lowercase())) else {
            continue;
        };
        return match write {
            "Create" => create_plain(ctx, spec).await,
            "Update" => update_plain(ctx, spec).await,
            "Delete" => delete(ctx, spec).await,
            "Archive" => archive(ctx, spec).await,
            "Unarchive" => unarchive(ctx, spec).await,
            _ => continue,
        };
    }
    Err(error::internal(format!("no plain write named {field}")))
}

/// `update(id:, input:)` of `spec`, whose `trashed` input field moves the row to the trash
/// (`true`) or out of it (`false`, null).
pub(crate) async fn update_trashable(ctx: &ResolverContext<'_>, spec: &Spec) -> Result<Value> {
    let input = write::input(ctx)?;
    let extra: Vec<&str> = Archival::of_trashed(&input)
        .map(Archival::sets)
        .into_iter()
        .collect();
    update_from(ctx, spec, &input, &extra).await
}

/// `…Delete(id:)` of `spec` that moves the row to the trash (archived and `trashed`).
pub(crate) async fn trash(ctx: &ResolverContext<'_>, spec: &Spec) -> Result<Value> {
    archival_of(ctx, spec, Archival::Trash).await
}

/// `…Unarchive(id:)` of `spec`, whose rows have a trash: out of the archive and the trash.
pub(crate) async fn untrash(ctx: &ResolverContext<'_>, spec: &Spec) -> Result<Value> {
    archival_of(ctx, spec, Archival::Restore).await
}

/// `…Unarchive(id:)` of `spec`, whose rows have no trash.
pub(crate) async fn unarchive(ctx: &ResolverContext<'_>, spec: &Spec) -> Result<Value> {
    archival_of(ctx, spec, Archival::Unarchive).await
}

/// `update(id:, input:)` of `spec`, with no rule of its own.
pub(crate) async fn update_plain(ctx: &ResolverContext<'_>, spec: &Spec) -> Result<Value> {
    update(ctx, spec, &[]).await
}

/// Updates `spec` row `id` (argument `id`) from `input` (the `input` argument as the
/// resolver amended it).
pub(crate) async fn update_from(
    ctx: &ResolverContext<'_>,
    spec: &Spec,
    input: &Input,
    extra: &[&str],
) -> Result<Value> {
    let id = arg_str(ctx, "id")?;
    update_row(ctx, spec, &id, input, extra).await
}

/// Updates `spec` row `id` from `input`, with `extra` assignments (constant SQL).
pub(crate) async fn update_row(
    ctx: &ResolverContext<'_>,
    spec: &Spec,
    id: &str,
    input: &Input,
    extra: &[&str],
) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    write::only(input, &spec.supported())?;
    write::check(input, spec.rules)?;
    let mut binder = Where::after(0);
    let mut sets: Vec<String> = extra.iter().map(|set| (*set).to_owned()).collect();
    for (field, ty) in spec.columns() {
        if let Some(value) = input.get(field) {
            if value.is_null() && spec.required.contains(&field) {
                continue;
            }
            let value = bind(&mut binder, field, ty, value)?;
            sets.push(format!("{} = {value}", column(field)));
        }
    }
    let target = binder.param(id.to_owned());
    let owner = match (spec.personal, spec.creator) {
        (true, Some(creator)) => {
            format!(" AND {creator} = {}", binder.param(viewer.user_id.clone()))
        }
        _ => String::new(),
    };
    sets.push("updated_at = now()".to_owned());
    let sql = format!(
        "UPDATE {} SET {} WHERE id = {target}{owner}",
        spec.table,
        sets.join(", ")
    );
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    // What a webhook's `updatedFrom` compares: the row before and after.
    let before = match spec.hook {
        Some(_) => Some(row_of(&tx, spec, id).await?),
        None => None,
    };
    if tx.execute(&sql, &binder.params()).await.map_err(db)? == 0 {
        return Err(error::not_found(spec.entity));
    }
    let updated_from = match before {
        Some(before) => Some(changed(&before, &row_of(&tx, spec, id).await?)),
        None => None,
    };
    finish(spec, shared, viewer, tx, id, ("update", updated_from)).await
}

/// Row `id` of `spec` as Postgres's JSON of its columns, locked for the update.
pub(crate) async fn row_of(
    tx: &Transaction<'_>,
    spec: &Spec,
    id: &str,
) -> Result<serde_json::Value> {
    let sql = format!(
        "SELECT to_jsonb(t)::text FROM {} t WHERE t.id = $1 FOR UPDATE",
        spec.table
    );
    let row = write::one(tx, &sql, &[&id], spec.entity).await?;
    serde_json::from_str(row.get(0)).map_err(error::internal)
}

/// Linear's `updatedFrom`: the previous value of each column an update changed, by its
/// field name (`updatedAt` always).
pub(crate) fn changed(before: &serde_json::Value, after: &serde_json::Value) -> serde_json::Value {
    let mut previous = Map::new();
    if let (serde_json::Value::Object(before), serde_json::Value::Object(after)) = (before, after) {
        for (key, was) in before {
            if key == "updated_at" || after.get(key) != Some(was) {
                previous.insert(crate::case::camel(key), write::previous(was));
            }
        }
    }
    serde_json::Value::Object(previous)
}

/// What an archive payload's write does to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Archival {
    /// Archived (`remove` webhook).
    Archive,
    /// Archived and in the trash (`remove` webhook).
    Trash,
    /// Out of the archive and the trash (`update` webhook).
    Restore,
    /// Out of the archive, for rows that have no trash (`update` webhook).
    Unarchive,
}

impl Archival {
    /// What an update's `trashed` input field asks: `true` the trash, `false` or null out of
    /// the trash (and the archive); absent, nothing.
    pub(crate) fn of_trashed(input: &Input) -> Option<Self> {
        match input.get("trashed")? {
            serde_json::Value::Bool(true) => Some(Self::Trash),
            _ => Some(Self::Restore),
        }
    }

    /// The `SET` assignments.
    pub(crate) fn sets(self) -> &'static str {
        match self {
            Self::Archive => "archived_at = coalesce(archived_at, now())",
            Self::Trash => "archived_at = coalesce(archived_at, now()), trashed = true",
            Self::Restore => "archived_at = NULL, trashed = NULL",
            Self::Unarchive => "archived_at = NULL",
        }
    }

    fn action(self) -> &'static str {
        match self {
            Self::Archive | Self::Trash => "remove",
            Self::Restore | Self::Unarchive => "update",
        }
    }
}

/// Archives `spec` row `id` (argument `id`), to the trash with `trash: true`: `{success,
/// lastSyncId, entity}`.
pub(crate) async fn archive(ctx: &ResolverContext<'_>, spec: &Spec) -> Result<Value> {
    let trash = ctx.args.get("trash").and_then(|v| v.boolean().ok()) == Some(true);
    let archival = if trash {
        Archival::Trash
    } else {
        Archival::Archive
    };
    archival_of(ctx, spec, archival).await
}

/// Applies `archival` to `spec` row `id` (argument `id`): `{success, lastSyncId, entity}`.
pub(crate) async fn archival_of(
    ctx: &ResolverContext<'_>,
    spec: &Spec,
    archival: Archival,
) -> Result<Value> {
    archival_at(ctx, spec, &arg_str(ctx, "id")?, archival).await
}

/// Applies `archival` to `spec` row `id`: `{success, lastSyncId, entity}`.
pub(crate) async fn archival_at(
    ctx: &ResolverContext<'_>,
    spec: &Spec,
    id: &str,
    archival: Archival,
) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    archive_in(ctx, spec, tx, id, false, archival).await
}

/// Applies `archival` to `spec` row `id` inside `tx` (where the caller may have let go of
/// what the row held, `queued` saying whether that queued deliveries) and commits:
/// `{success, lastSyncId, entity}`.
pub(crate) async fn archive_in(
    ctx: &ResolverContext<'_>,
    spec: &Spec,
    tx: Transaction<'_>,
    id: &str,
    queued: bool,
    archival: Archival,
) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let sql = format!(
        "UPDATE {} SET {}, updated_at = now() WHERE id = $1",
        spec.table,
        archival.sets()
    );
    if tx.execute(&sql, &[&id]).await.map_err(db)? == 0 {
        return Err(error::not_found(spec.entity));
    }
    let (object, json, sync) = write::render(&tx, shared, viewer, spec.entity, id).await?;
    let announced = announce(spec, &tx, viewer, id, (archival.action(), None), &json).await?;
    write::commit(shared, tx, queued || announced).await?;
    Ok(write::payload("entity", object, sync))
}

/// Deletes `spec` row `id` (argument `id`): `DeletePayload {success, lastSyncId, entityId}`.
/// The spec's `unlink` statements run first.
pub(crate) async fn delete(ctx: &ResolverContext<'_>, spec: &Spec) -> Result<Value> {
    delete_row(ctx, spec, &arg_str(ctx, "id")?).await
}

/// Deletes `spec` row `id`, as [`delete`] does.
pub(crate) async fn delete_row(ctx: &ResolverContext<'_>, spec: &Spec, id: &str) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let id = id.to_owned();
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    if let (true, Some(creator)) = (spec.personal, spec.creator) {
        let mine = format!(
            "SELECT 1 FROM {} WHERE id = $1 AND {creator} = $2",
            spec.table
        );
        if tx
            .query_opt(&mine, &[&id, &viewer.user_id])
            .await
            .map_err(db)?
            .is_none()
        {
            return Err(error::not_found(spec.entity));
        }
    }
    let (_, json, sync) = write::render(&tx, shared, viewer, spec.entity, &id).await?;
    let queued = announce(spec, &tx, viewer, &id, ("remove", None), &json).await?;
    for statement in spec.unlink {
        tx.execute(*statement, &[&id]).await.map_err(db)?;
    }
    tx.execute(&format!("DELETE FROM {} WHERE id = $1", spec.table), &[&id])
        .await
        .map_err(db)?;
    write::commit(shared, tx, queued).await?;
    Ok(crate::connection::object([
        ("success", Value::Boolean(true)),
        ("lastSyncId", Value::from(sync as f64)),
        ("entityId", Value::from(id)),
    ]))
}
