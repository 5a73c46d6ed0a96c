//! Pages: create (in a data source or database, or under a page; with children, icon and
//! cover), retrieve (with `filter_properties`), update (properties, icon, cover, trash,
//! lock), move, and property items.

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::ToSql;
use serde_json::{Map, Value, json};

use crate::blocks::{self, Place};
use crate::content;
use crate::error::{ApiError, ApiResult};
use crate::relations::{self, Rolled};
use crate::request::{Ctx, Version, body_id, path_id};
use crate::rows;
use crate::rows::Meta;
use crate::schema::{self, Schema};
use crate::templates::{self, Template};
use crate::uploads;
use crate::values::{self, Stored};
use crate::webhooks;

/// The columns [`render`] reads, of `pages p`.
pub(crate) const COLUMNS: &str =
    "p.id, p.parent_type, p.parent_id, p.data_source_id, p.database_id,
    p.props::text, p.icon::text, p.cover::text, p.in_trash, p.is_locked,
    nt(p.created_time), nt(p.last_edited_time), p.created_by, p.last_edited_by";

pub(crate) fn json_column(row: &Row, index: usize) -> Value {
    row.get::<_, Option<&str>>(index)
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or(Value::Null)
}

/// How a page is answered: for which version, with which properties.
#[derive(Debug, Clone, Copy)]
pub(crate) struct View<'a> {
    /// The API version.
    pub(crate) version: Version,
    /// Only these property ids or names (`filter_properties`).
    pub(crate) only: Option<&'a [String]>,
    /// The rollup values of the pages answered ([`relations::resolve`]).
    pub(crate) rolled: Option<&'a Rolled>,
}

impl<'a> View<'a> {
    /// The view of `ctx` with all properties.
    pub(crate) fn of(ctx: &'a Ctx) -> Self {
        Self {
            version: ctx.version,
            only: None,
            rolled: None,
        }
    }
}

/// A page's `parent` as `version` answers it.
pub(crate) fn parent(
    version: Version,
    parent_type: &str,
    parent_id: Option<&str>,
    data_source_id: Option<&str>,
    database_id: Option<&str>,
) -> Value {
    match parent_type {
        "data_source_id" if version == Version::V2022 => {
            json!({ "type": "database_id", "database_id": database_id })
        }
        "data_source_id" => {
            json!({ "type": "data_source_id", "data_source_id": data_source_id, "database_id": database_id })
        }
        "workspace" => json!({ "type": "workspace", "workspace": true }),
        other => json!({ "type": other, other: parent_id }),
    }
}

/// The `parent` a page event names for a page row (of [`COLUMNS`]): its database (with the
/// data source), its parent page, or the workspace (`space`).
pub(crate) fn event_parent(row: &Row) -> Value {
    let (parent_type, parent_id): (&str, Option<&str>) = (row.get(1), row.get(2));
    match parent_type {
        "data_source_id" => {
            json!({ "id": row.get::<_, Option<&str>>(4), "type": "database", "data_source_id": row.get::<_, Option<&str>>(3) })
        }
        "workspace" => json!({ "id": crate::workspace::WORKSPACE_ID, "type": "space" }),
        _ => json!({ "id": parent_id, "type": "page" }),
    }
}

/// A page row's (of [`COLUMNS`]) stored property values and its created/edited metadata.
pub(crate) fn props_and_meta(row: &Row) -> (Map<String, Value>, Meta<'_>) {
    let props = match json_column(row, 5) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let meta = rows::meta(row, 10);
    (props, meta)
}

/// A page row (of [`COLUMNS`]) as answered, with `schema` (its data source's, or the title).
pub(crate) fn render(row: &Row, schema: &Schema, view: View<'_>) -> Value {
    let id: String = row.get(0);
    let (props, meta) = props_and_meta(row);
    let url = crate::ids::web_url(&title(schema, &props), &id);
    let in_trash: bool = row.get(8);
    let mut out = Map::with_capacity(17);
    out.insert("object".into(), "page".into());
    out.insert("id".into(), id.clone().into());
    out.insert("created_time".into(), meta.created_time.into());
    out.insert("last_edited_time".into(), meta.last_edited_time.into());
    out.insert(
        "created_by".into(),
        json!({ "object": "user", "id": meta.created_by }),
    );
    out.insert(
        "last_edited_by".into(),
        json!({ "object": "user", "id": meta.last_edited_by }),
    );
    out.insert("cover".into(), json_column(row, 7));
    out.insert("icon".into(), json_column(row, 6));
    out.insert(
        "parent".into(),
        parent(view.version, row.get(1), row.get(2), row.get(3), row.get(4)),
    );
    out.insert("archived".into(), in_trash.into());
    out.insert("in_trash".into(), in_trash.into());
    out.insert("is_archived".into(), in_trash.into());
    out.insert("is_locked".into(), row.get::<_, bool>(9).into());
    out.insert(
        "properties".into(),
        values::render(
            schema,
            props,
            meta,
            view.only,
            view.rolled.and_then(|rolled| rolled.get(&id)),
        ),
    );
    out.insert("url".into(), url.into());
    out.insert("public_url".into(), Value::Null);
    Value::Object(out)
}

/// The rollup values of the page rows `rows` (of [`COLUMNS`]), all of `schema`
/// ([`relations::resolve`]; nothing is read when the schema has no rollup).
///
/// # Errors
///
/// The rollups' statement's error.
pub(crate) async fn rolled_for(
    client: &impl GenericClient,
    schema: &Schema,
    rows: &[&Row],
) -> ApiResult<Rolled> {
    if !schema.values().any(|p| schema::kind(p) == "rollup") {
        return Ok(Rolled::new());
    }
    let pages: Vec<(String, Map<String, Value>)> = rows
        .iter()
        .map(|row| (row.get(0), props_and_meta(row).0))
        .collect();
    relations::resolve(client, schema, &pages).await
}

/// One page row (of [`COLUMNS`]) as answered in `view`, its rollups read through `client`.
///
/// # Errors
///
/// The rollups' statement's error.
pub(crate) async fn answer(
    client: &impl GenericClient,
    row: &Row,
    schema: &Schema,
    view: View<'_>,
) -> ApiResult<Value> {
    let rolled = rolled_for(client, schema, &[row]).await?;
    Ok(render(
        row,
        schema,
        View {
            rolled: Some(&rolled),
            ..view
        },
    ))
}

/// A page with its schema, for reading or (`lock`) changing.
pub(crate) async fn load(
    client: &impl GenericClient,
    id: &str,
    lock: bool,
) -> ApiResult<(Row, Schema)> {
    let sql = format!(
        "SELECT {COLUMNS}, d.schema::text, p.fv::text FROM pages p LEFT JOIN data_sources d ON d.id = p.data_source_id
         WHERE p.id = $1 AND p.shared{}",
        if lock { " FOR UPDATE OF p" } else { "" }
    );
    let row = rows::by_id(client, &sql, "page", id).await?;
    let schema = row
        .get::<_, Option<&str>>(14)
        .map_or_else(schema::title_only, schema::load);
    Ok((row, schema))
}

/// `GET /v1/pages/{id}`.
pub(crate) async fn retrieve(ctx: &Ctx, id: &str, only: &[String]) -> ApiResult<Value> {
    let id = path_id("page_id", id)?;
    let client = ctx.kit.db().await?;
    let (row, schema) = load(&client, &id, false).await?;
    let view = View {
        only: (!only.is_empty()).then_some(only),
        ..View::of(ctx)
    };
    answer(&client, &row, &schema, view).await
}

/// Where a new page goes.
pub(crate) enum Parent {
    /// `data_source_id`.
    DataSource(String),
    /// `database_id` (its first data source).
    Database(String),
    /// `page_id`.
    Page(String),
    /// `workspace: true`.
    Workspace,
}

pub(crate) fn parse_parent(value: Option<&Value>) -> ApiResult<Parent> {
    let object = value.and_then(Value::as_object).ok_or_else(|| {
        ApiError::validation(
            "body failed validation: body.parent should be an object, instead was `undefined`.",
        )
    })?;
    if let Some(id) = object.get("data_source_id") {
        return Ok(Parent::DataSource(body_id(
            "body.parent.data_source_id",
            Some(id),
        )?));
    }
    if let Some(id) = object.get("database_id") {
        return Ok(Parent::Database(body_id(
            "body.parent.database_id",
            Some(id),
        )?));
    }
    if let Some(id) = object.get("page_id") {
        return Ok(Parent::Page(body_id("body.parent.page_id", Some(id))?));
    }
    if object.get("workspace") == Some(&Value::Bool(true)) {
        return Ok(Parent::Workspace);
    }
    Err(ApiError::validation(
        "body failed validation: body.parent should define one of `page_id`, `database_id`, `data_source_id` or `workspace`.",
    ))
}

/// Attaches the file uploads a page's icon, cover and `files` values name
/// ([`crate::uploads::attach`]); answers the icon and cover as stored.
async fn attach_uploads(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    decorations: [Option<&mut Value>; 2],
    stored: &mut Stored,
) -> ApiResult<[Option<String>; 2]> {
    let [mut icon, mut cover] = decorations;
    let values = stored.props.values_mut();
    uploads::attach(
        tx,
        ctx,
        icon.iter_mut()
            .chain(cover.iter_mut())
            .map(|v| &mut **v)
            .chain(values),
    )
    .await?;
    Ok([icon.map(|v| v.to_string()), cover.map(|v| v.to_string())])
}

/// A data source (or, `by_database`, a database's first one): its id, its database and its
/// schema. A trashed data source is found only when `trashed_too`.
pub(crate) async fn data_source(
    client: &impl GenericClient,
    id: &str,
    by_database: bool,
    trashed_too: bool,
) -> ApiResult<(String, String, Schema)> {
    let sql = if by_database {
        "SELECT d.id, d.database_id, d.schema::text FROM data_sources d JOIN databases db ON db.id = d.database_id
         WHERE d.database_id = $1 AND db.shared AND ($2 OR NOT d.in_trash) ORDER BY d.ord LIMIT 1"
    } else {
        "SELECT d.id, d.database_id, d.schema::text FROM data_sources d JOIN databases db ON db.id = d.database_id
         WHERE d.id = $1 AND db.shared AND ($2 OR NOT d.in_trash)"
    };
    let statement = client.prepare_cached(sql).await?;
    let row = client
        .query_opt(&statement, &[&id, &trashed_too])
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                if by_database {
                    "database"
                } else {
                    "data source"
                },
                id,
            )
        })?;
    Ok((row.get(0), row.get(1), schema::load(row.get(2))))
}

/// Where a page lives: its parent columns and the schema its properties follow.
pub(crate) struct Placement {
    /// `page_id`, `data_source_id` or `workspace`.
    pub(crate) parent_type: &'static str,
    /// The parent page or data source.
    pub(crate) parent_id: Option<String>,
    /// The data source, for a row.
    pub(crate) data_source_id: Option<String>,
    /// The data source's database, for a row.
    pub(crate) database_id: Option<String>,
    /// The properties' schema (a page's is its title only).
    pub(crate) schema: Schema,
}

impl Placement {
    /// At the top of the workspace.
    pub(crate) fn workspace() -> Self {
        Self {
            parent_type: "workspace",
            parent_id: None,
            data_source_id: None,
            database_id: None,
            schema: schema::title_only(),
        }
    }

    /// Under the page `id`.
    pub(crate) fn page(id: &str) -> Self {
        Self {
            parent_type: "page_id",
            parent_id: Some(id.to_owned()),
            ..Self::workspace()
        }
    }

    /// In the data source `id` (or, `by_database`, the database's first), which must not be
    /// in the trash.
    pub(crate) async fn data_source(
        client: &impl GenericClient,
        id: &str,
        by_database: bool,
    ) -> ApiResult<Self> {
        let (ds, db, schema) = data_source(client, id, by_database, false).await?;
        Ok(Self {
            parent_type: "data_source_id",
            parent_id: Some(ds.clone()),
            data_source_id: Some(ds),
            database_id: Some(db),
            schema,
        })
    }
}

/// Runs `sql`, a write on `pages AS p`, returning the page's [`COLUMNS`].
pub(crate) async fn returning(
    client: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> ApiResult<Row> {
    let statement = client
        .prepare_cached(&format!("{sql} RETURNING {COLUMNS}"))
        .await?;
    Ok(client.query_one(&statement, params).await?)
}

async fn save_schema(tx: &Transaction<'_>, data_source_id: &str, schema: &Schema) -> ApiResult<()> {
    tx.execute(
        "UPDATE data_sources SET schema = $2::text::jsonb WHERE id = $1",
        &[&data_source_id, &Value::Object(schema.clone()).to_string()],
    )
    .await?;
    Ok(())
}

/// `POST /v1/pages`.
pub(crate) async fn create(ctx: &Ctx, body: &Map<String, Value>) -> ApiResult<Value> {
    let parent = parse_parent(body.get("parent"))?;
    let template = templates::choice(body)?;
    let (place, after) = position(body, &parent)?;
    let (children, heading) = page_content(body)?;
    if template.is_some() && (!children.is_empty() || heading.is_some()) {
        return Err(ApiError::validation(
            "body failed validation: body.children, body.content and body.markdown should be not present when body.template applies a template.",
        ));
    }
    let mut icon = body
        .get("icon")
        .map(|v| content::decoration(v, "icon"))
        .transpose()?
        .flatten();
    let mut cover = body
        .get("cover")
        .map(|v| content::decoration(v, "cover"))
        .transpose()?
        .flatten();
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    let placement = match &parent {
        Parent::DataSource(id) | Parent::Database(id) => {
            Placement::data_source(&tx, id, matches!(parent, Parent::Database(_))).await?
        }
        Parent::Page(id) => {
            let target = blocks::locate(&tx, id, "page").await?.writable()?;
            if target.parent_type != "page_id" {
                return Err(ApiError::not_found("page", id));
            }
            Placement::page(id)
        }
        Parent::Workspace => Placement::workspace(),
    };
    let Placement {
        parent_type,
        parent_id,
        data_source_id,
        database_id,
        mut schema,
    } = placement;
    let template = Template::for_page(&tx, template, data_source_id.as_deref()).await?;
    let with_template = template
        .as_ref()
        .map(|t| t.under(&schema, body.get("properties")));
    let mut stored = Stored::default();
    let with_title = heading.map(|h| titled(body.get("properties"), &schema, h));
    let given = with_title.as_ref().or(with_template.as_ref());
    let schema_changed = match given.or(body.get("properties")) {
        Some(given) => values::apply(&mut schema, &mut stored, given)?,
        None => false,
    };
    if let Some(ds) = &data_source_id {
        for (id, prop) in schema
            .iter()
            .filter(|(_, p)| schema::kind(p) == "unique_id")
        {
            let statement = tx
                .prepare_cached("UPDATE data_sources SET next_unique = next_unique + 1 WHERE id = $1 RETURNING next_unique - 1")
                .await?;
            let number: i64 = tx.query_one(&statement, &[ds]).await?.get(0);
            stored.props.insert(
                id.clone(),
                json!({ "prefix": prop["unique_id"]["prefix"], "number": number }),
            );
            stored.fv.insert(id.clone(), number.into());
        }
        if schema_changed {
            save_schema(&tx, ds, &schema).await?;
        }
    }
    name_mentions(&tx, &schema, &mut stored).await?;
    let [icon, cover] =
        attach_uploads(&tx, ctx, [icon.as_mut(), cover.as_mut()], &mut stored).await?;
    let title = title_of(&schema, &stored);
    let id = crate::ids::new_uuid();
    relations::sync_duals(&tx, &id, &schema, &Map::new(), &stored.fv).await?;
    let row = returning(
        &tx,
        "INSERT INTO pages AS p (id, parent_type, parent_id, data_source_id, database_id, props, fv, title, icon, cover, created_by, last_edited_by)
         VALUES ($1, $2, $3, $4, $5, $6::text::json, $7::text::jsonb, $8, $9::text::jsonb, $10::text::jsonb, $11, $11)",
        &[
            &id,
            &parent_type,
            &parent_id,
            &data_source_id,
            &database_id,
            &Value::Object(stored.props).to_string(),
            &Value::Object(stored.fv).to_string(),
            &title,
            &icon,
            &cover,
            &ctx.bot,
        ],
    )
    .await?;
    if let Parent::Page(parent_page) = &parent {
        let place = match &after {
            Some(block) => Place::After(block),
            None => place,
        };
        child_page_block(&tx, parent_page, &id, &title, &ctx.bot, place).await?;
    }
    if !children.is_empty() {
        blocks::insert(&tx, ("page_id", &id), &id, &children, Place::End, ctx).await?;
    }
    let parent_ref = match &parent {
        Parent::DataSource(_) | Parent::Database(_) => {
            json!({ "id": database_id, "type": "database", "data_source_id": data_source_id })
        }
        Parent::Page(page) => json!({ "id": page, "type": "page" }),
        Parent::Workspace => json!({ "id": crate::workspace::WORKSPACE_ID, "type": "space" }),
    };
    let mut wake = webhooks::emit(
        &tx,
        "page.created",
        &id,
        json!({ "parent": parent_ref }),
        &ctx.bot,
    )
    .await?;
    if let Some(template) = template.filter(|t| !t.blocks.is_empty()) {
        let ids = template.add_blocks(&tx, &id, ctx).await?;
        wake |= blocks::content_updated(&tx, &id, &ids, &ctx.bot).await?;
    }
    let page = answer(&tx, &row, &schema, View::of(ctx)).await?;
    ctx.commit(tx, wake).await?;
    Ok(page)
}

/// Names the mentions in a page's values ([`crate::richtext::name_mentions`]); the filter
/// forms of its text values follow.
async fn name_mentions(
    tx: &Transaction<'_>,
    schema: &Schema,
    stored: &mut Stored,
) -> ApiResult<()> {
    crate::richtext::name_mentions(tx, stored.props.values_mut()).await?;
    for (id, prop) in schema {
        if let ("title" | "rich_text", Some(value)) = (schema::kind(prop), stored.props.get(id)) {
            stored
                .fv
                .insert(id.clone(), crate::richtext::plain(value).into());
        }
    }
    Ok(())
}

/// The plain title of a page's answered values.
fn title(schema: &Schema, props: &Map<String, Value>) -> String {
    schema
        .iter()
        .find(|(_, p)| schema::kind(p) == "title")
        .and_then(|(id, _)| props.get(id))
        .map(crate::richtext::plain)
        .unwrap_or_default()
}

/// The plain title of a page's stored values.
fn title_of(schema: &Schema, stored: &Stored) -> String {
    schema
        .iter()
        .find(|(_, p)| schema::kind(p) == "title")
        .and_then(|(id, _)| stored.fv.get(id))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A body's boolean `key` (false when absent or null).
/// A boolean member `key` of `body` to change, `None` when absent or null.
pub(crate) fn optional_flag(body: &Map<String, Value>, key: &str) -> ApiResult<Option<bool>> {
    body.get(key)
        .filter(|l| !l.is_null())
        .map(|_| flag(body, key))
        .transpose()
}

fn flag(body: &Map<String, Value>, key: &str) -> ApiResult<bool> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(flag)) => Ok(*flag),
        Some(other) => Err(crate::error::invalid(
            &format!("body.{key}"),
            "a boolean",
            other,
        )),
    }
}

/// A new page's content: `children` (or its alias `content`), or `markdown`
/// ([`crate::markdown`]; exclusive), and the rich text of the markdown's first `# ` heading when it leads.
fn page_content(body: &Map<String, Value>) -> ApiResult<(Vec<content::NewBlock>, Option<Value>)> {
    let given = |key| body.get(key).filter(|v: &&Value| !v.is_null());
    let (blocks, key) = match (given("children"), given("content")) {
        (Some(_), Some(_)) => {
            return Err(ApiError::validation(
                "body failed validation: body.content should be not present when body.children is.",
            ));
        }
        (None, Some(content)) => (Some(content), "content"),
        (children, None) => (children, "children"),
    };
    match (blocks, given("markdown")) {
        (Some(_), Some(_)) => Err(ApiError::validation(format!(
            "body failed validation: body.markdown should be not present when body.{key} is."
        ))),
        (Some(children), None) => Ok((
            content::request_blocks(children, &format!("body.{key}"), 2)?,
            None,
        )),
        (None, Some(Value::String(text))) => {
            crate::markdown::version(body.get("markdown_version"), "body.markdown_version")?;
            let mut parsed = crate::markdown::parse(text)?;
            let heading = (parsed.first().is_some_and(|b| b["type"] == "heading_1"))
                .then(|| parsed.remove(0)["heading_1"]["rich_text"].take());
            Ok((content::tree(&parsed, "body.markdown")?, heading))
        }
        (None, Some(other)) => Err(crate::error::invalid("body.markdown", "a string", other)),
        (None, None) => Ok((Vec::new(), None)),
    }
}

/// `properties` with the title taken from `heading` (a page created from markdown) when
/// they give none.
fn titled(properties: Option<&Value>, schema: &Map<String, Value>, heading: Value) -> Value {
    let title = schema
        .iter()
        .find(|(_, p)| schema::kind(p) == "title")
        .map(|(id, p)| (id.clone(), p["name"].as_str().unwrap_or("title").to_owned()));
    let mut out = properties.cloned().unwrap_or_else(|| json!({}));
    if let (Some((id, name)), Some(map)) = (title, out.as_object_mut())
        && !map.contains_key(&name)
        && !map.contains_key(&id)
        && !map.contains_key("title")
    {
        map.insert(name, json!({ "title": heading }));
    }
    out
}

/// The `child_page` block standing for page `id` under page `parent`, at `place`.
pub(crate) async fn child_page_block(
    tx: &Transaction<'_>,
    parent: &str,
    id: &str,
    title: &str,
    author: &str,
    place: Place<'_>,
) -> ApiResult<()> {
    // At the end (the usual case) one statement; elsewhere room is made first.
    let pos: Option<i64> = match place {
        Place::End => None,
        place => Some(blocks::make_room(tx, parent, place, 1).await?),
    };
    let statement = tx
        .prepare_cached(
            "INSERT INTO blocks (id, parent_type, parent_id, page_id, pos, type, content, created_by, last_edited_by)
             SELECT $1, 'page_id', $2, $2, coalesce($5, max(pos) + 1, 1), 'child_page', jsonb_build_object('title', $3::text), $4, $4
             FROM blocks WHERE parent_id = $2",
        )
        .await?;
    tx.execute(&statement, &[&id, &parent, &title, &author, &pos])
        .await?;
    Ok(())
}

/// Where a new page goes among its parent page's blocks: `position` (`page_start`,
/// `page_end`, `after_block`), the end by default; a page with another parent takes none.
fn position<'b>(
    body: &'b Map<String, Value>,
    parent: &Parent,
) -> ApiResult<(Place<'b>, Option<String>)> {
    let Some(position) = body.get("position").filter(|p| !p.is_null()) else {
        return Ok((Place::End, None));
    };
    if !matches!(parent, Parent::Page(_)) {
        return Err(ApiError::validation(
            "body failed validation: body.position is only valid for a page whose parent is a page.",
        ));
    }
    match position.get("type").and_then(Value::as_str) {
        Some("page_start") => Ok((Place::Start, None)),
        Some("page_end") => Ok((Place::End, None)),
        Some("after_block") => {
            let id = body_id(
                "body.position.after_block.id",
                position.get("after_block").and_then(|a| a.get("id")),
            )?;
            Ok((Place::End, Some(id)))
        }
        _ => Err(crate::error::invalid(
            "body.position.type",
            "`page_start`, `page_end` or `after_block`",
            position.get("type").unwrap_or(&Value::Null),
        )),
    }
}

/// `PATCH /v1/pages/{id}`.
pub(crate) async fn update(ctx: &Ctx, id: &str, body: &Map<String, Value>) -> ApiResult<Value> {
    let id = path_id("page_id", id)?;
    let template = templates::choice(body)?;
    let erase = flag(body, "erase_content")?;
    let trash = blocks::trash_flag(body)?;
    let mut icon = body
        .get("icon")
        .map(|v| content::decoration(v, "icon"))
        .transpose()?;
    let mut cover = body
        .get("cover")
        .map(|v| content::decoration(v, "cover"))
        .transpose()?;
    let locked = optional_flag(body, "is_locked")?;
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    let (row, mut schema) = load(&tx, &id, true).await?;
    let (was_trashed, was_locked): (bool, bool) = (row.get(8), row.get(9));
    let mut stored = Stored {
        props: match json_column(&row, 5) {
            Value::Object(m) => m,
            _ => Map::new(),
        },
        fv: match json_column(&row, 15) {
            Value::Object(m) => m,
            _ => Map::new(),
        },
    };
    let ds: Option<String> = row.get(3);
    let template = Template::for_page(&tx, template, ds.as_deref()).await?;
    let given = body.get("properties").filter(|p| !p.is_null());
    let with_template = template.as_ref().map(|t| t.under(&schema, given));
    let properties = with_template.as_ref().or(given);
    if was_trashed
        && trash != Some(false)
        && (properties.is_some() || icon.is_some() || cover.is_some() || erase)
    {
        return Err(ApiError::archived());
    }
    let mut updated = Vec::new();
    if let Some(given) = properties {
        let before = stored.fv.clone();
        let schema_changed = values::apply(&mut schema, &mut stored, given)?;
        relations::sync_duals(&tx, &id, &schema, &before, &stored.fv).await?;
        name_mentions(&tx, &schema, &mut stored).await?;
        if schema_changed && let Some(ds) = &ds {
            save_schema(&tx, ds, &schema).await?;
        }
        updated = given
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(key, _)| {
                schema::find(&schema, key).map(|(id, _)| Value::String(id.to_owned()))
            })
            .collect();
    }
    let decorations = [
        icon.as_mut().and_then(Option::as_mut),
        cover.as_mut().and_then(Option::as_mut),
    ];
    let [icon_text, cover_text] = attach_uploads(&tx, ctx, decorations, &mut stored).await?;
    let title = title_of(&schema, &stored);
    let row = returning(
        &tx,
        "UPDATE pages AS p SET props = $2::text::json, fv = $3::text::jsonb, title = $4,
            icon = CASE WHEN $5 THEN $6::text::jsonb ELSE icon END,
            cover = CASE WHEN $7 THEN $8::text::jsonb ELSE cover END,
            in_trash = coalesce($9, in_trash), is_locked = coalesce($10, is_locked),
            last_edited_time = now(), last_edited_by = $11
         WHERE id = $1",
        &[
            &id,
            &Value::Object(stored.props).to_string(),
            &Value::Object(stored.fv).to_string(),
            &title,
            &icon.is_some(),
            &icon_text,
            &cover.is_some(),
            &cover_text,
            &trash,
            &locked,
            &ctx.bot,
        ],
    )
    .await?;
    tx.execute(
        "UPDATE blocks SET content = jsonb_build_object('title', $2::text), in_trash = coalesce($3, in_trash) WHERE id = $1 AND type = 'child_page'",
        &[&id, &title, &trash],
    )
    .await?;
    let mut wake = false;
    let mut changed = Vec::new();
    if erase {
        let top = tx
            .query(
                "SELECT id FROM blocks WHERE parent_id = $1 AND NOT in_trash",
                &[&id],
            )
            .await?;
        changed = top.iter().map(|r| r.get(0)).collect();
        blocks::trash_all(&tx, &changed, &ctx.bot).await?;
    }
    if let Some(template) = &template {
        changed.extend(template.add_blocks(&tx, &id, ctx).await?);
    }
    if !changed.is_empty() {
        wake |= blocks::content_updated(&tx, &id, &changed, &ctx.bot).await?;
    }
    if !updated.is_empty() {
        let data = json!({ "parent": event_parent(&row), "updated_properties": updated });
        wake |= webhooks::emit(&tx, "page.properties_updated", &id, data, &ctx.bot).await?;
    }
    // Trashing and locking, each announced when it changes.
    for (now, was, on, off) in [
        (trash, was_trashed, "page.deleted", "page.undeleted"),
        (locked, was_locked, "page.locked", "page.unlocked"),
    ] {
        if let Some(now) = now.filter(|now| *now != was) {
            let event = if now { on } else { off };
            let data = json!({ "parent": event_parent(&row) });
            wake |= webhooks::emit(&tx, event, &id, data, &ctx.bot).await?;
        }
    }
    let page = answer(&tx, &row, &schema, View::of(ctx)).await?;
    ctx.commit(tx, wake).await?;
    Ok(page)
}
