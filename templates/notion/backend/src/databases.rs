//! Databases and data sources: create, retrieve, update (title, description, schema:
//! add, rename, remove). In 2025-09-03 a database lists its data sources and the schema
//! lives on each data source; in 2022-06-28 a database answers its (first) data source's
//! schema as its own `properties`.

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::tokio_postgres::Row;
use serde_json::{Map, Value, json};

use crate::ancestry;
use crate::content;
use crate::error::{ApiError, ApiResult, invalid};
use crate::relations;
use crate::request::{Ctx, Version, body_id, path_id};
use crate::richtext;
use crate::rows;
use crate::schema::{self, Schema};
use crate::webhooks;

/// The columns [`render_database`] reads, of `databases db`.
pub(crate) const DB_COLUMNS: &str = "db.id, db.parent_type, db.parent_id, db.title::text, db.description::text,
    db.icon::text, db.cover::text, db.is_inline, db.in_trash, nt(db.created_time), nt(db.last_edited_time),
    db.created_by, db.last_edited_by,
    (SELECT coalesce(json_agg(json_build_object('id', d.id, 'name',
        (SELECT coalesce(string_agg(e->>'plain_text', ''), '') FROM jsonb_array_elements(d.title) e)) ORDER BY d.ord), '[]')::text
     FROM data_sources d WHERE d.database_id = db.id AND NOT d.in_trash),
    (SELECT d.schema::text FROM data_sources d WHERE d.database_id = db.id ORDER BY d.ord LIMIT 1),
    db.is_locked";

/// The columns [`render_data_source`] reads, of `data_sources d JOIN databases db`.
pub(crate) const DS_COLUMNS: &str = "d.id, d.database_id, d.title::text, d.description::text, d.schema::text,
    d.icon::text, d.in_trash, nt(d.created_time), nt(d.last_edited_time), d.created_by, d.last_edited_by,
    db.parent_type, db.parent_id, db.is_inline";

fn json_column(row: &Row, index: usize) -> Value {
    row.get::<_, Option<&str>>(index)
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or(Value::Null)
}

fn container_parent(parent_type: &str, parent_id: Option<String>) -> Value {
    match parent_type {
        "workspace" => json!({ "type": "workspace", "workspace": true }),
        other => json!({ "type": other, other: parent_id }),
    }
}

/// A database row (of [`DB_COLUMNS`]) as `version` answers it.
pub(crate) fn render_database(row: &Row, version: Version) -> Value {
    let id: String = row.get(0);
    let in_trash: bool = row.get(8);
    let mut out = json!({
        "object": "database",
        "id": id,
        "title": json_column(row, 3),
        "description": json_column(row, 4),
        "parent": container_parent(row.get(1), row.get(2)),
        "is_inline": row.get::<_, bool>(7),
        "in_trash": in_trash,
        "archived": in_trash,
        "is_locked": row.get::<_, bool>(15),
        "icon": json_column(row, 5),
        "cover": json_column(row, 6),
        "url": crate::ids::web_url("", &id),
        "public_url": null,
    });
    stamp(&mut out, row, 9);
    match version {
        Version::V2025 => out["data_sources"] = json_column(row, 13),
        Version::V2022 => {
            let schema = row
                .get::<_, Option<&str>>(14)
                .map(schema::load)
                .unwrap_or_default();
            out["properties"] = schema::render(&schema);
        }
    }
    out
}

/// A data source row (of [`DS_COLUMNS`]) as answered.
pub(crate) fn render_data_source(row: &Row) -> Value {
    let id: String = row.get(0);
    let database_id: String = row.get(1);
    let in_trash: bool = row.get(6);
    let mut out = json!({
        "object": "data_source",
        "id": id,
        "title": json_column(row, 2),
        "description": json_column(row, 3),
        "parent": { "type": "database_id", "database_id": database_id },
        "database_parent": container_parent(row.get(11), row.get(12)),
        "is_inline": row.get::<_, bool>(13),
        "in_trash": in_trash,
        "archived": in_trash,
        "properties": schema::render(&schema::load(row.get(4))),
        "icon": json_column(row, 5),
        "cover": null,
        "url": crate::ids::web_url("", &database_id),
        "public_url": null,
    });
    stamp(&mut out, row, 7);
    out
}

/// `object` with the edit stamps of `row`'s columns from `first` ([`rows::stamps`]).
fn stamp(object: &mut Value, row: &Row, first: usize) {
    if let Some(map) = object.as_object_mut() {
        map.extend(rows::stamps(row, first));
    }
}

/// The two resources that hold a schema and its pages: a database (`/v1/databases`, the
/// container; in 2022-06-28 it holds the schema itself) and a data source
/// (`/v1/data_sources`, 2025-09-03's holder of the schema). Each is created, retrieved,
/// updated and queried the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    /// `/v1/databases`.
    Database,
    /// `/v1/data_sources`.
    DataSource,
}

impl Container {
    /// Both, in route order.
    pub(crate) const ALL: [Self; 2] = [Self::Database, Self::DataSource];

    /// Its collection's path.
    pub(crate) fn path(self) -> &'static str {
        match self {
            Self::Database => "/v1/databases",
            Self::DataSource => "/v1/data_sources",
        }
    }

    /// One shared object by id, or its 404.
    async fn fetch(self, client: &impl GenericClient, id: &str) -> ApiResult<Row> {
        let (sql, kind) = match self {
            Self::Database => (
                format!("SELECT {DB_COLUMNS} FROM databases db WHERE db.id = $1 AND db.shared"),
                "database",
            ),
            Self::DataSource => (
                format!(
                    "SELECT {DS_COLUMNS} FROM data_sources d JOIN databases db ON db.id = d.database_id WHERE d.id = $1 AND db.shared"
                ),
                "data source",
            ),
        };
        rows::by_id(client, &sql, kind, id).await
    }

    /// A [`fetch`](Self::fetch)ed row as the request's API version answers it.
    fn render(self, row: &Row, ctx: &Ctx) -> Value {
        match self {
            Self::Database => render_database(row, ctx.version),
            Self::DataSource => render_data_source(row),
        }
    }

    /// `POST {path}`.
    pub(crate) async fn create(self, ctx: &Ctx, body: &Map<String, Value>) -> ApiResult<Value> {
        match self {
            Self::Database => create_database(ctx, body).await,
            Self::DataSource => create_data_source(ctx, body).await,
        }
    }

    /// `GET {path}/{id}`.
    pub(crate) async fn retrieve(self, ctx: &Ctx, id: &str) -> ApiResult<Value> {
        let field = match self {
            Self::Database => "database_id",
            Self::DataSource => "data_source_id",
        };
        let id = path_id(field, id)?;
        let client = ctx.kit.db().await?;
        Ok(self.render(&self.fetch(&client, &id).await?, ctx))
    }

    /// `PATCH {path}/{id}`.
    pub(crate) async fn update(
        self,
        ctx: &Ctx,
        id: &str,
        body: &Map<String, Value>,
    ) -> ApiResult<Value> {
        match self {
            Self::Database => update_database(ctx, id, body).await,
            Self::DataSource => update_data_source(ctx, id, body).await,
        }
    }
}

/// A rich-text field of a body (`title`, `description`), absent as `None`.
fn text_field(body: &Map<String, Value>, field: &str) -> ApiResult<Option<String>> {
    body.get(field)
        .map(|value| richtext::normalize(value, &format!("body.{field}")).map(|v| v.to_string()))
        .transpose()
}

/// The body's `icon` or `cover` (`field`) checked as a page's are, as its column takes it
/// (`"null"` clears it).
fn decoration(body: &Map<String, Value>, field: &str) -> ApiResult<Option<String>> {
    let Some(value) = body.get(field) else {
        return Ok(None);
    };
    let checked = content::decoration(value, field)?;
    Ok(Some(checked.unwrap_or(Value::Null).to_string()))
}

/// A database's parent from a body's `parent`: `{page_id}` (`("page_id", Some(id))`) or
/// `{workspace: true}` (`("workspace", None)`).
fn database_parent(parent: Option<&Value>) -> ApiResult<(&'static str, Option<String>)> {
    let parent = parent.and_then(Value::as_object).ok_or_else(|| {
        ApiError::validation(
            "body failed validation: body.parent should be an object, instead was `undefined`.",
        )
    })?;
    Ok(if parent.get("workspace") == Some(&Value::Bool(true)) {
        ("workspace", None)
    } else {
        (
            "page_id",
            Some(body_id("body.parent.page_id", parent.get("page_id"))?),
        )
    })
}

/// Checks that `page` is a page a database can go under (shared, not a data source's row).
async fn holding_page(tx: &Transaction<'_>, page: &str) -> ApiResult<()> {
    let target = crate::blocks::locate(tx, page, "page").await?.writable()?;
    if target.parent_type != "page_id" {
        return Err(ApiError::not_found("page", page));
    }
    Ok(())
}

/// Adds database `id`'s `child_database` block (titled from the rich text `title`, JSON)
/// at the end of page `page`.
async fn child_database_block(
    tx: &Transaction<'_>,
    (id, page): (&str, &str),
    title: &str,
    author: &str,
) -> ApiResult<()> {
    let plain = richtext::plain(&serde_json::from_str(title).unwrap_or(Value::Null));
    tx.execute(
        "INSERT INTO blocks (id, parent_type, parent_id, page_id, pos, type, content, created_by, last_edited_by)
         SELECT $1, 'page_id', $2, $2, coalesce(max(pos), 0) + 1, 'child_database', jsonb_build_object('title', $3::text), $4, $4
         FROM blocks WHERE parent_id = $2",
        &[&id, &page, &plain, &author],
    )
    .await?;
    Ok(())
}

/// Moves database `id` (its row `before`, of [`DB_COLUMNS`]) under the body's `parent`,
/// a page or the workspace: its `child_database` block leaves the old page and ends the
/// new one. Announces `database.moved` (naming the new parent) when the parent changes.
async fn move_database(
    tx: &Transaction<'_>,
    (id, before): (&str, &Row),
    parent: &Value,
    author: &str,
) -> ApiResult<bool> {
    let (parent_type, parent_id) = database_parent(Some(parent))?;
    if parent_type == before.get::<_, &str>(1) && parent_id == before.get::<_, Option<String>>(2) {
        return Ok(false);
    }
    if let Some(page) = &parent_id {
        holding_page(tx, page).await?;
        ancestry::refuse_cycle(tx, ("page_id", page), ("database_id", id), "database").await?;
    }
    tx.execute(
        "UPDATE databases SET parent_type = $2, parent_id = $3 WHERE id = $1",
        &[&id, &parent_type, &parent_id],
    )
    .await?;
    tx.execute(
        "DELETE FROM blocks WHERE id = $1 AND type = 'child_database'",
        &[&id],
    )
    .await?;
    if let Some(page) = &parent_id {
        child_database_block(tx, (id, page), before.get(3), author).await?;
    }
    let data = json!({ "parent": webhooks::database_parent(parent_type, parent_id) });
    webhooks::emit(tx, "database.moved", id, data, author).await
}

/// `POST /v1/databases`: a database under a page with one data source (2025:
/// `initial_data_source.properties`; 2022: `properties`).
async fn create_database(ctx: &Ctx, body: &Map<String, Value>) -> ApiResult<Value> {
    let (parent_type, parent_id) = database_parent(body.get("parent"))?;
    let properties = match (ctx.version, body.get("initial_data_source")) {
        (Version::V2025, None | Some(Value::Null)) => None,
        (Version::V2025, Some(Value::Object(source))) => source.get("properties"),
        (Version::V2025, Some(other)) => {
            return Err(invalid("body.initial_data_source", "an object", other));
        }
        (Version::V2022, _) => body.get("properties"),
    };
    let path = match ctx.version {
        Version::V2025 => "body.initial_data_source.properties",
        Version::V2022 => "body.properties",
    };
    let mut schema = match properties {
        Some(properties) => schema::create(Some(properties), path)?,
        None => schema::create(Some(&json!({ "Name": { "title": {} } })), path)?,
    };
    let title = text_field(body, "title")?.unwrap_or_else(|| "[]".into());
    let description = text_field(body, "description")?.unwrap_or_else(|| "[]".into());
    let is_inline = body
        .get("is_inline")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let icon = decoration(body, "icon")?;
    let cover = decoration(body, "cover")?;
    let id = crate::ids::new_uuid();
    let ds = crate::ids::new_uuid();
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    if let Some(page) = &parent_id {
        holding_page(&tx, page).await?;
    }
    tx.execute(
        "INSERT INTO databases (id, parent_type, parent_id, title, description, icon, cover, is_inline, created_by, last_edited_by)
         VALUES ($1, $2, $3, $4::text::jsonb, $5::text::jsonb, $6::text::jsonb, $7::text::jsonb, $8, $9, $9)",
        &[&id, &parent_type, &parent_id, &title, &description, &icon, &cover, &is_inline, &ctx.bot],
    )
    .await?;
    relations::complete(&tx, (&ds, &id), &Schema::new(), &mut schema).await?;
    tx.execute(
        "INSERT INTO data_sources (id, database_id, title, schema, created_by, last_edited_by)
         VALUES ($1, $2, $3::text::jsonb, $4::text::jsonb, $5, $5)",
        &[
            &ds,
            &id,
            &title,
            &Value::Object(schema).to_string(),
            &ctx.bot,
        ],
    )
    .await?;
    if let Some(page) = &parent_id {
        child_database_block(&tx, (&id, page), &title, &ctx.bot).await?;
    }
    let wake = webhooks::emit(&tx, "database.created", &id, json!({}), &ctx.bot).await?;
    let row = Container::Database.fetch(&tx, &id).await?;
    ctx.commit(tx, wake).await?;
    Ok(Container::Database.render(&row, ctx))
}

/// `POST /v1/data_sources` `{parent: {database_id}, title, properties}`.
async fn create_data_source(ctx: &Ctx, body: &Map<String, Value>) -> ApiResult<Value> {
    let database = body_id(
        "body.parent.database_id",
        body.get("parent").and_then(|p| p.get("database_id")),
    )?;
    let mut schema = schema::create(body.get("properties"), "body.properties")?;
    let title = text_field(body, "title")?.unwrap_or_else(|| "[]".into());
    let id = crate::ids::new_uuid();
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    Container::Database.fetch(&tx, &database).await?;
    relations::complete(&tx, (&id, &database), &Schema::new(), &mut schema).await?;
    tx.execute(
        "INSERT INTO data_sources (id, database_id, title, schema, created_by, last_edited_by, ord)
         SELECT $1, $2, $3::text::jsonb, $4::text::jsonb, $5, $5, coalesce(max(ord), 0) + 1 FROM data_sources WHERE database_id = $2",
        &[&id, &database, &title, &Value::Object(schema).to_string(), &ctx.bot],
    )
    .await?;
    let wake = webhooks::emit(
        &tx,
        "data_source.created",
        &id,
        json!({ "parent": { "id": database, "type": "database" } }),
        &ctx.bot,
    )
    .await?;
    let row = Container::DataSource.fetch(&tx, &id).await?;
    ctx.commit(tx, wake).await?;
    Ok(Container::DataSource.render(&row, ctx))
}

/// Applies `properties` to data source `id`'s schema and announces
/// `data_source.schema_updated`; returns whether an event was queued.
async fn update_schema(
    tx: &Transaction<'_>,
    id: &str,
    database: &str,
    properties: &Value,
    author: &str,
) -> ApiResult<bool> {
    let row = tx
        .query_one(
            "SELECT schema::text FROM data_sources WHERE id = $1 FOR UPDATE",
            &[&id],
        )
        .await?;
    let mut schema: Schema = schema::load(row.get(0));
    let before: Vec<(String, String)> = schema
        .iter()
        .map(|(k, v)| (k.clone(), v["name"].as_str().unwrap_or_default().to_owned()))
        .collect();
    let kinds_before: Schema = schema.clone();
    schema::apply(&mut schema, properties, "body.properties")?;
    relations::unlink(tx, id, &kinds_before, &mut schema).await?;
    relations::complete(tx, (id, database), &kinds_before, &mut schema).await?;
    tx.execute(
        "UPDATE data_sources SET schema = $2::text::jsonb, last_edited_time = now(), last_edited_by = $3 WHERE id = $1",
        &[&id, &Value::Object(schema.clone()).to_string(), &author],
    )
    .await?;
    // Values of removed properties, and of properties whose type changed, are dropped from
    // the data source's pages (a value of the old type would not fit the new one).
    let removed: Vec<String> = before
        .iter()
        .filter(|(k, _)| !schema.contains_key(k))
        .map(|(k, _)| k.clone())
        .collect();
    let retyped = schema.iter().filter(|(k, v)| {
        kinds_before
            .get(*k)
            .is_some_and(|old| schema::kind(old) != schema::kind(v))
    });
    let dropped: Vec<String> = removed
        .iter()
        .cloned()
        .chain(retyped.map(|(k, _)| k.clone()))
        .collect();
    if !dropped.is_empty() {
        tx.execute(
            "UPDATE pages SET props = (props::jsonb - $2::text[])::json, fv = fv - $2::text[] WHERE data_source_id = $1",
            &[&id, &dropped],
        )
        .await?;
    }
    let updated: Vec<Value> = schema
        .iter()
        .filter(|(k, v)| before.iter().all(|(bk, bn)| bk != *k || v["name"] != bn.as_str()))
        .map(|(k, v)| json!({ "id": k, "name": v["name"], "action": if before.iter().any(|(bk, _)| bk == k) { "updated" } else { "created" } }))
        .chain(removed.iter().map(|k| json!({ "id": k, "action": "deleted" })))
        .collect();
    webhooks::emit(
        tx,
        "data_source.schema_updated",
        id,
        json!({ "parent": { "id": database, "type": "database" }, "updated_properties": updated }),
        author,
    )
    .await
}

/// What a `PATCH` of a database and of a data source both take: title, description, trash
/// and icon, each absent as `None`.
struct Edits {
    title: Option<String>,
    description: Option<String>,
    trash: Option<bool>,
    icon: Option<String>,
}

impl Edits {
    fn read(body: &Map<String, Value>) -> ApiResult<Self> {
        Ok(Self {
            title: text_field(body, "title")?,
            description: text_field(body, "description")?,
            trash: crate::blocks::trash_flag(body)?,
            icon: decoration(body, "icon")?,
        })
    }
}

impl Edits {
    /// Announces a change of trash state (`<kind>.deleted` / `<kind>.undeleted`, `kind`
    /// `database` or `data_source`) of `id`, under `parent`, when the edit makes one.
    async fn announce_trash(
        &self,
        tx: &Transaction<'_>,
        (kind, id, parent): (&str, &str, Value),
        was: bool,
        author: &str,
    ) -> ApiResult<bool> {
        let Some(trash) = self.trash.filter(|t| *t != was) else {
            return Ok(false);
        };
        let event = format!("{kind}.{}", if trash { "deleted" } else { "undeleted" });
        webhooks::emit(tx, &event, id, json!({ "parent": parent }), author).await
    }
}

/// Moves data source `id` from database `from` to database `to` (after its data sources),
/// with its pages and views; a database's only data source stays (a database holds at
/// least one). Announces `data_source.moved` (naming the new database) when it moves.
async fn move_data_source(
    tx: &Transaction<'_>,
    id: &str,
    (from, to): (&str, &str),
    author: &str,
) -> ApiResult<bool> {
    if from == to {
        return Ok(false);
    }
    Container::Database.fetch(tx, to).await?;
    ancestry::refuse_cycle(
        tx,
        ("database_id", to),
        ("data_source_id", id),
        "data source",
    )
    .await?;
    let row = tx
        .query_one(
            "SELECT count(*) FROM data_sources WHERE database_id = $1",
            &[&from],
        )
        .await?;
    if row.get::<_, i64>(0) < 2 {
        return Err(ApiError::validation(
            "A database's only data source cannot be moved: a database holds at least one.",
        ));
    }
    tx.execute(
        "UPDATE data_sources SET database_id = $2,
            ord = (SELECT coalesce(max(ord), 0) + 1 FROM data_sources WHERE database_id = $2)
         WHERE id = $1",
        &[&id, &to],
    )
    .await?;
    for table in ["pages", "views"] {
        tx.execute(
            &format!("UPDATE {table} SET database_id = $2 WHERE data_source_id = $1"),
            &[&id, &to],
        )
        .await?;
    }
    let data = json!({ "parent": { "id": to, "type": "database" } });
    webhooks::emit(tx, "data_source.moved", id, data, author).await
}

/// `PATCH /v1/data_sources/{id}`: title, description, icon, trash, schema, parent (a move).
async fn update_data_source(ctx: &Ctx, id: &str, body: &Map<String, Value>) -> ApiResult<Value> {
    let id = path_id("data_source_id", id)?;
    let edits = Edits::read(body)?;
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    let row = Container::DataSource.fetch(&tx, &id).await?;
    let database: String = row.get(1);
    tx.execute(
        "UPDATE data_sources SET title = coalesce($2::text::jsonb, title), description = coalesce($3::text::jsonb, description),
            in_trash = coalesce($4, in_trash), icon = coalesce($5::text::jsonb, icon), last_edited_time = now(), last_edited_by = $6
         WHERE id = $1",
        &[&id, &edits.title, &edits.description, &edits.trash, &edits.icon, &ctx.bot],
    )
    .await?;
    let mut wake = match body.get("properties") {
        Some(properties) => update_schema(&tx, &id, &database, properties, &ctx.bot).await?,
        None => false,
    };
    let database = match body.get("parent") {
        Some(parent) => {
            let to = body_id("body.parent.database_id", parent.get("database_id"))?;
            wake |= move_data_source(&tx, &id, (&database, &to), &ctx.bot).await?;
            to
        }
        None => database,
    };
    let parent = json!({ "id": database, "type": "database" });
    let target = ("data_source", id.as_str(), parent);
    wake |= edits
        .announce_trash(&tx, target, row.get(6), &ctx.bot)
        .await?;
    let row = Container::DataSource.fetch(&tx, &id).await?;
    ctx.commit(tx, wake).await?;
    Ok(Container::DataSource.render(&row, ctx))
}

/// `PATCH /v1/databases/{id}`: title, description, icon, cover, inline, trash, lock, parent
/// (a move); in 2022 also
/// `properties` (the first data source's schema).
async fn update_database(ctx: &Ctx, id: &str, body: &Map<String, Value>) -> ApiResult<Value> {
    let id = path_id("database_id", id)?;
    let edits = Edits::read(body)?;
    let inline = body.get("is_inline").and_then(Value::as_bool);
    let locked = crate::pages::optional_flag(body, "is_locked")?;
    let cover = decoration(body, "cover")?;
    if ctx.version == Version::V2025 && body.contains_key("properties") {
        return Err(ApiError::validation(
            "body failed validation: body.properties should be not present: in 2025-09-03 a schema is updated through its data source (PATCH /v1/data_sources/{id}).",
        ));
    }
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    let before = Container::Database.fetch(&tx, &id).await?;
    let mut wake = match body.get("parent") {
        Some(parent) => move_database(&tx, (&id, &before), parent, &ctx.bot).await?,
        None => false,
    };
    tx.execute(
        "UPDATE databases SET title = coalesce($2::text::jsonb, title), description = coalesce($3::text::jsonb, description),
            in_trash = coalesce($4, in_trash), is_inline = coalesce($5, is_inline), icon = coalesce($6::text::jsonb, icon),
            cover = coalesce($7::text::jsonb, cover), last_edited_time = now(), last_edited_by = $8,
            is_locked = coalesce($9, is_locked)
         WHERE id = $1",
        &[
            &id,
            &edits.title,
            &edits.description,
            &edits.trash,
            &inline,
            &edits.icon,
            &cover,
            &ctx.bot,
            &locked,
        ],
    )
    .await?;
    if let Some(title) = &edits.title {
        let plain = richtext::plain(&serde_json::from_str(title).unwrap_or(Value::Null));
        tx.execute(
            "UPDATE blocks SET content = jsonb_build_object('title', $2::text) WHERE id = $1 AND type = 'child_database'",
            &[&id, &plain],
        )
        .await?;
    }
    if let Some(properties) = body.get("properties") {
        let ds: String = tx
            .query_opt(
                "SELECT id FROM data_sources WHERE database_id = $1 ORDER BY ord LIMIT 1",
                &[&id],
            )
            .await?
            .ok_or_else(|| ApiError::not_found("data source", &id))?
            .get(0);
        wake |= update_schema(&tx, &ds, &id, properties, &ctx.bot).await?;
    }
    let parent = webhooks::database_parent(before.get(1), before.get(2));
    wake |= edits
        .announce_trash(
            &tx,
            ("database", id.as_str(), parent),
            before.get(8),
            &ctx.bot,
        )
        .await?;
    let row = Container::Database.fetch(&tx, &id).await?;
    ctx.commit(tx, wake).await?;
    Ok(Container::Database.render(&row, ctx))
}
