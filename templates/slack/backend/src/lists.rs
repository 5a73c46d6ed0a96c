//! Slack Lists: `slackLists.create`, `.update`, `slackLists.items.create`, `.list`, `.info`,
//! `.update`, `.delete`, `.deleteMultiple`, `slackLists.download.start` and `.get` (a CSV
//! served at a private file URL), `slackLists.access.set` and `.delete`. The list, its schema
//! and its fields are `model::list`'s.

use asym_kit::deadpool_postgres::GenericClient;
use serde_json::{Map, Value, json};

use crate::args::{cursor_value, grantees, id_page};
use crate::auth::{Caller, caller_with};
use crate::error::{ApiError, ApiResult, reply};
use crate::model::canvas::Access;
use crate::model::list::{self, COLUMN_LIMIT, List, TITLE_LIMIT, metadata_of, schema_of};
use crate::model::list_item::{self, ITEM_COLUMNS, Named, References, item_json};
use crate::model::token::Reader;
use crate::{AppState, Call};

/// The list `id` names, which the caller may at least `needed`.
///
/// # Errors
///
/// `list_not_found` for no such list or one the caller may not see, `denied` (the method's
/// own code) for one it may see but not do this with.
async fn find(
    client: &impl GenericClient,
    caller: &Caller,
    id: &str,
    needed: Access,
    denied: &'static str,
) -> Result<List, ApiError> {
    let reader = Reader {
        team: caller.team_id.clone(),
        user: caller.user_id.clone(),
    };
    let list = List::load(client, &reader, id)
        .await?
        .ok_or_else(|| ApiError::new("list_not_found"))?;
    list.require(needed, denied)?;
    Ok(list)
}

/// The caller, a connection and the list the call's `list_id` names, which the caller may
/// read (`lists:read`).
///
/// # Errors
///
/// As [`caller_with`], then `list_not_found` as [`find`].
async fn readable(
    state: &AppState,
    call: &Call,
) -> Result<(Caller, asym_kit::deadpool_postgres::Object, List), ApiError> {
    let caller = caller_with(state, call, &["lists:read"]).await?;
    let id = call.args.required("list_id")?;
    let db = state.kit.db().await?;
    let list = find(&db, &caller, &id, Access::Read, "list_not_found").await?;
    Ok((caller, db, list))
}

/// The one row `sql` selects with `$1` the `id` the call names and `$2` the list: an item or
/// an export of the list.
///
/// # Errors
///
/// `missing` (the method's own code) when there is none; `internal_error` when Postgres
/// fails.
async fn list_row(
    client: &impl GenericClient,
    sql: &str,
    id: &str,
    list: &List,
    missing: &'static str,
) -> Result<asym_kit::tokio_postgres::Row, ApiError> {
    client
        .query_opt(sql, &[&id, &list.id])
        .await?
        .ok_or_else(|| ApiError::new(missing))
}

/// The `description_blocks` argument: rich text blocks, or `invalid` (the method's code).
fn description(call: &Call, invalid: &'static str) -> Result<Option<Value>, ApiError> {
    let blocks = call.args.json("description_blocks", invalid)?;
    match blocks {
        Some(blocks) if !list::is_rich_text(&blocks) => Err(ApiError::new(invalid)),
        blocks => Ok(blocks),
    }
}

/// A `name` argument checked: not blank, at most [`TITLE_LIMIT`] characters.
fn checked_name(name: String) -> Result<String, ApiError> {
    if name.trim().is_empty() {
        return Err(ApiError::invalid_arguments("missing required field: name"));
    }
    if name.chars().count() > TITLE_LIMIT {
        return Err(ApiError::new("over_title_length_maximum"));
    }
    Ok(name)
}

/// `slackLists.create`: a list owned by the caller, with `schema` (one text column without),
/// or a copy of `copy_from_list_id`'s schema (and its items with
/// `include_copied_list_records`); the to-do columns with `todo_mode`.
pub(crate) async fn create(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["lists:write"]).await?;
    let name = checked_name(call.args.required("name")?)?;
    let columns = call.args.json("schema", "invalid_schema")?;
    let source = call.args.non_empty("copy_from_list_id");
    if columns.is_some() && source.is_some() {
        return Err(ApiError::new("invalid_copy_and_schema_args"));
    }
    if call.args.has("include_copied_list_records") && source.is_none() {
        return Err(ApiError::new("missing_arg_copy_from_list_id"));
    }
    let with_items = call.args.flag("include_copied_list_records") == Some(true);
    let todo_mode = call.args.flag("todo_mode") == Some(true);
    let blocks = description(call, "invalid_arguments")?.unwrap_or_else(|| json!([]));
    let mut db = state.kit.db().await?;
    let tx = db.transaction().await?;
    let (schema, source) = match source {
        Some(source) => {
            let copied = find(&tx, &caller, &source, Access::Read, "list_not_found").await?;
            let mut schema = copied.schema;
            if todo_mode {
                list::add_todo_columns(&mut schema);
            }
            (schema, Some(copied.id))
        }
        None => (schema_of(columns.as_ref(), todo_mode)?, None),
    };
    let row = tx
        .query_one(
            "INSERT INTO lists (team_id, owner, name, description_blocks, todo_mode, schema,
                                copied_from, created, updated, last_editor)
             VALUES ($1, $2, $3, $4::text::jsonb, $5, $6::text::jsonb, $7, extract(epoch FROM now())::bigint,
                     extract(epoch FROM now())::bigint, $2)
             RETURNING id, created",
            &[
                &caller.team_id,
                &caller.user_id,
                &name,
                &blocks.to_string(),
                &todo_mode,
                &json!(schema).to_string(),
                &source,
            ],
        )
        .await?;
    let (id, created): (String, i64) = (row.get(0), row.get(1));
    if let (Some(source), true) = (&source, with_items) {
        tx.execute(
            "INSERT INTO list_items (list_id, fields, created_by, updated_by, date_created, updated)
             SELECT $1, fields, $2, $2, extract(epoch FROM now())::bigint,
                    extract(epoch FROM clock_timestamp())::numeric(16, 6)
             FROM list_items WHERE list_id = $3 AND NOT deleted AND parent_id IS NULL ORDER BY id",
            &[&id, &caller.user_id, source],
        )
        .await?;
    }
    state.commit(tx).await?;
    reply([
        ("list_id", json!(id)),
        (
            "list_metadata",
            metadata_of(&id, &schema, &caller.user_id, created),
        ),
    ])
}

/// `slackLists.update`: the list's `name`, `description_blocks` and `todo_mode` (turning it
/// on adds the to-do columns it lacks).
pub(crate) async fn update(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["lists:write"]).await?;
    let id = call.args.required("id")?;
    let name = call.args.string("name").map(checked_name).transpose()?;
    let blocks = description(call, "unexpected_description_blocks_arg")?;
    let todo_mode = call.args.flag("todo_mode");
    if name.is_none() && blocks.is_none() && todo_mode.is_none() {
        return Err(ApiError::new("missing_arguments"));
    }
    let mut db = state.kit.db().await?;
    let tx = db.transaction().await?;
    let list = find(&tx, &caller, &id, Access::Write, "permission_denied").await?;
    let mut schema = list.schema;
    if todo_mode == Some(true) {
        list::add_todo_columns(&mut schema);
        if schema.len() > COLUMN_LIMIT {
            return Err(ApiError::new("over_column_maximum"));
        }
    }
    tx.execute(
        "UPDATE lists SET name = COALESCE($2, name),
             description_blocks = COALESCE($3::text::jsonb, description_blocks),
             todo_mode = COALESCE($4, todo_mode), schema = $5::text::jsonb, last_editor = $6,
             updated = extract(epoch FROM now())::bigint
         WHERE id = $1",
        &[
            &list.id,
            &name,
            &blocks.map(|blocks| blocks.to_string()),
            &todo_mode,
            &json!(schema).to_string(),
            &caller.user_id,
        ],
    )
    .await?;
    state.commit(tx).await?;
    Ok(Map::new())
}

/// Records that `user` edited list `id` now.
async fn touch(
    tx: &asym_kit::deadpool_postgres::Transaction<'_>,
    id: &str,
    user: &str,
) -> Result<(), ApiError> {
    tx.execute(
        "UPDATE lists SET last_editor = $2, updated = extract(epoch FROM now())::bigint
         WHERE id = $1",
        &[&id, &user],
    )
    .await?;
    Ok(())
}

/// An item-creating error as `slackLists.items.create` names it: a malformed value is
/// `invalid_args` there (`items.update` names each kind).
fn as_create_error(err: ApiError) -> ApiError {
    match err.code() {
        "invalid_blocks"
        | "invalid_date"
        | "invalid_email"
        | "invalid_phone_number"
        | "invalid_link" => ApiError::new("invalid_args"),
        _ => err,
    }
}

/// `slackLists.items.create`: a new item with `initial_fields` (over a copy of
/// `duplicated_item_id`'s fields), a subtask of `parent_item_id` when given.
pub(crate) async fn items_create(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["lists:write"]).await?;
    let id = call.args.required("list_id")?;
    let initial = match call.args.json("initial_fields", "invalid_args")? {
        None => Vec::new(),
        Some(Value::Array(cells)) => cells,
        Some(_) => return Err(ApiError::new("invalid_args")),
    };
    let mut db = state.kit.db().await?;
    let tx = db.transaction().await?;
    let list = find(&tx, &caller, &id, Access::Write, "permission_denied").await?;
    if list.is_full() {
        return Err(ApiError::new("over_row_maximum"));
    }
    let mut fields = Map::new();
    if let Some(duplicated) = call.args.non_empty("duplicated_item_id") {
        let sql =
            "SELECT fields::text FROM list_items WHERE id = $1 AND list_id = $2 AND NOT deleted";
        let row = list_row(&tx, sql, &duplicated, &list, "duplicated_item_not_found").await?;
        if let Ok(Value::Object(copied)) = serde_json::from_str(row.get(0)) {
            fields = copied;
        }
    }
    let parent = call.args.non_empty("parent_item_id");
    if let Some(parent) = &parent {
        let sql = "SELECT 1 FROM list_items WHERE id = $1 AND list_id = $2 AND NOT deleted";
        list_row(&tx, sql, parent, &list, "invalid_args").await?;
    }
    let mut refs = References::default();
    for cell in &initial {
        let column_id = cell["column_id"].as_str().unwrap_or_default();
        let column = list
            .column(column_id)
            .ok_or_else(|| ApiError::new("invalid_column_id"))?;
        let stored = list_item::field(column, cell, &mut refs).map_err(as_create_error)?;
        fields.insert(column_id.to_owned(), stored);
    }
    refs.check(&tx, &caller.team_id).await?;
    let row = tx
        .query_one(
            &format!(
                "INSERT INTO list_items (list_id, parent_id, fields, created_by, updated_by,
                                         date_created, updated)
                 VALUES ($1, $2, $3::text::jsonb, $4, $4, extract(epoch FROM now())::bigint,
                         extract(epoch FROM clock_timestamp())::numeric(16, 6))
                 RETURNING {ITEM_COLUMNS}"
            ),
            &[
                &list.id,
                &parent,
                &Value::Object(fields).to_string(),
                &caller.user_id,
            ],
        )
        .await?;
    touch(&tx, &list.id, &caller.user_id).await?;
    state.commit(tx).await?;
    reply([("item", item_json(&list.schema, &row))])
}

/// One checked `slackLists.items.update` cell: its row, its column and the field to store
/// (`None` clears it).
fn cell_change(
    list: &List,
    cell: &Value,
    refs: &mut References,
) -> Result<(String, String, Option<Value>), ApiError> {
    if cell.get("row_id_to_create").is_some() || cell.get("column_id_to_create").is_some() {
        return Err(ApiError::invalid_arguments(
            "row_id_to_create and column_id_to_create are not supported",
        ));
    }
    let row = cell["row_id"]
        .as_str()
        .ok_or_else(|| ApiError::new("row_id_not_provided"))?;
    let column_id = cell["column_id"]
        .as_str()
        .ok_or_else(|| ApiError::new("column_id_not_provided"))?;
    if !row.starts_with("Rec") {
        return Err(ApiError::new("invalid_row_id"));
    }
    if !column_id.starts_with("Col") {
        return Err(ApiError::new("invalid_column_id"));
    }
    let column = list
        .column(column_id)
        .ok_or_else(|| ApiError::new("column_not_found"))?;
    let stored = list_item::field(column, cell, refs)?;
    let empty = stored
        .as_object()
        .and_then(|field| field.values().next())
        .is_some_and(|value| value.as_array().is_some_and(Vec::is_empty));
    Ok((
        row.to_owned(),
        column_id.to_owned(),
        (!empty).then_some(stored),
    ))
}

/// `slackLists.items.update`: sets each of `cells` (`row_id`, `column_id` and the value under
/// the column type's key; an empty list of values clears the field), all or none.
pub(crate) async fn items_update(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["lists:write"]).await?;
    let id = call.args.required("list_id")?;
    let cells = match call.args.json("cells", "invalid_arguments")? {
        Some(Value::Array(cells)) if !cells.is_empty() => cells,
        _ => return Err(ApiError::invalid_arguments("missing required field: cells")),
    };
    let mut db = state.kit.db().await?;
    let tx = db.transaction().await?;
    let list = find(&tx, &caller, &id, Access::Write, "permission_denied").await?;
    let mut refs = References::default();
    let changes: Vec<_> = cells
        .iter()
        .map(|cell| cell_change(&list, cell, &mut refs))
        .collect::<Result<_, _>>()?;
    let mut rows: Vec<&str> = changes.iter().map(|(row, _, _)| row.as_str()).collect();
    rows.sort_unstable();
    rows.dedup();
    let live: i64 = tx
        .query_one(
            "SELECT count(*) FROM list_items WHERE list_id = $1 AND id = ANY($2) AND NOT deleted",
            &[&list.id, &rows],
        )
        .await?
        .get(0);
    if usize::try_from(live).ok() != Some(rows.len()) {
        return Err(ApiError::new("row_not_found"));
    }
    refs.check(&tx, &caller.team_id).await?;
    for (row, column, field) in &changes {
        tx.execute(
            "UPDATE list_items SET
                 fields = CASE WHEN $3::text IS NULL THEN fields - $2
                               ELSE fields || jsonb_build_object($2::text, $3::text::jsonb) END,
                 updated_by = $4,
                 updated = extract(epoch FROM clock_timestamp())::numeric(16, 6)
             WHERE id = $1",
            &[
                row,
                column,
                &field.as_ref().map(Value::to_string),
                &caller.user_id,
            ],
        )
        .await?;
    }
    touch(&tx, &list.id, &caller.user_id).await?;
    state.commit(tx).await?;
    Ok(Map::new())
}

/// `slackLists.items.list`: the list's items (subtasks too), oldest first, paged with `limit`
/// (default 100, at most 1,000) and `cursor`. No item is ever archived, so `archived=true`
/// answers none.
pub(crate) async fn items_list(state: &AppState, call: &Call) -> ApiResult {
    let (_, db, list) = readable(state, call).await?;
    let limit = call.args.limit(100, 1000)?;
    let after = cursor_value(call.args.string("cursor"), "item")?;
    let archived = call.args.flag("archived") == Some(true);
    let rows = db
        .query(
            &format!(
                "SELECT {ITEM_COLUMNS} FROM list_items
                 WHERE list_id = $1 AND NOT deleted AND NOT $4 AND ($2::text IS NULL OR id >= $2)
                 ORDER BY id LIMIT $3"
            ),
            &[&list.id, &after, &(limit + 1), &archived],
        )
        .await?;
    let mut items: Vec<Value> = rows
        .iter()
        .map(|row| item_json(&list.schema, row))
        .collect();
    let metadata = id_page(&mut items, limit, "item");
    reply([("items", json!(items)), ("response_metadata", metadata)])
}

/// `slackLists.items.info`: the list (as its file), the item `id` (`record`; with
/// `is_subscribed` on `include_is_subscribed`) and its subtasks.
pub(crate) async fn items_info(state: &AppState, call: &Call) -> ApiResult {
    let (_, db, list) = readable(state, call).await?;
    let item = call.args.required("id")?;
    let sql =
        format!("SELECT {ITEM_COLUMNS}, deleted FROM list_items WHERE id = $1 AND list_id = $2");
    let row = list_row(&db, &sql, &item, &list, "record_not_found").await?;
    if row.get::<_, bool>(8) {
        return Err(ApiError::new("record_deleted"));
    }
    let mut record = item_json(&list.schema, &row);
    if call.args.flag("include_is_subscribed") == Some(true) {
        record["is_subscribed"] = json!(false);
    }
    let subtasks = db
        .query(
            &format!(
                "SELECT {ITEM_COLUMNS} FROM list_items WHERE list_id = $1 AND parent_id = $2
                   AND NOT deleted ORDER BY id"
            ),
            &[&list.id, &item],
        )
        .await?;
    let subtasks: Vec<Value> = subtasks
        .iter()
        .map(|row| item_json(&list.schema, row))
        .collect();
    reply([
        ("list", list.file(&state.kit.config().public_url)),
        ("record", record),
        ("subtasks", json!(subtasks)),
    ])
}

/// Deletes the items `ids` reads from the call, of the list `list_id` names (and their
/// subtasks): all or none.
async fn delete_items(
    state: &AppState,
    call: &Call,
    ids: fn(&Call) -> Result<Vec<String>, ApiError>,
) -> ApiResult {
    let caller = caller_with(state, call, &["lists:write"]).await?;
    let id = call.args.required("list_id")?;
    let mut ids = ids(call)?;
    let mut db = state.kit.db().await?;
    let tx = db.transaction().await?;
    let list = find(&tx, &caller, &id, Access::Write, "permission_denied").await?;
    ids.sort_unstable();
    ids.dedup();
    let deleted = tx
        .execute(
            "UPDATE list_items SET deleted = true
             WHERE list_id = $1 AND id = ANY($2) AND NOT deleted",
            &[&list.id, &ids],
        )
        .await?;
    if usize::try_from(deleted).ok() != Some(ids.len()) {
        return Err(ApiError::new("record_not_found"));
    }
    tx.execute(
        "UPDATE list_items SET deleted = true WHERE list_id = $1 AND parent_id = ANY($2)",
        &[&list.id, &ids],
    )
    .await?;
    touch(&tx, &list.id, &caller.user_id).await?;
    state.commit(tx).await?;
    Ok(Map::new())
}

/// `slackLists.items.delete`: the item `id`.
pub(crate) async fn items_delete(state: &AppState, call: &Call) -> ApiResult {
    delete_items(state, call, |call| Ok(vec![call.args.required("id")?])).await
}

/// `slackLists.items.deleteMultiple`: the items `ids`.
pub(crate) async fn items_delete_multiple(state: &AppState, call: &Call) -> ApiResult {
    delete_items(state, call, |call| {
        let ids = call.args.list("ids");
        if ids.is_empty() {
            return Err(ApiError::invalid_arguments("missing required field: ids"));
        }
        Ok(ids)
    })
    .await
}

/// `slackLists.download.start`: exports the list's items as CSV now; the export's `job_id`.
pub(crate) async fn download_start(state: &AppState, call: &Call) -> ApiResult {
    let (caller, db, list) = readable(state, call).await?;
    let rows = db
        .query(
            &format!(
                "SELECT {ITEM_COLUMNS} FROM list_items WHERE list_id = $1 AND NOT deleted
                 ORDER BY id"
            ),
            &[&list.id],
        )
        .await?;
    let csv = list_item::csv(&list.schema, &rows);
    let job: String = db
        .query_one(
            "INSERT INTO list_exports (list_id, team_id, name, csv) VALUES ($1, $2, $3, $4)
             RETURNING id",
            &[&list.id, &caller.team_id, &list.name, &csv],
        )
        .await?
        .get(0);
    reply([("job_id", json!(job))])
}

/// `slackLists.download.get`: export `job_id` of the list, `completed`, with the URL of its
/// CSV (a private file URL: a token of the workspace whose holder may read the list).
pub(crate) async fn download_get(state: &AppState, call: &Call) -> ApiResult {
    let (caller, db, list) = readable(state, call).await?;
    let job = call.args.required("job_id")?;
    let sql = "SELECT name FROM list_exports WHERE id = $1 AND list_id = $2";
    let row = list_row(&db, sql, &job, &list, "job_not_found").await?;
    let public_url = &state.kit.config().public_url;
    let team = &caller.team_id;
    let slug = list::slug(row.get(0));
    reply([
        ("status", json!("completed")),
        (
            "download_url",
            json!(format!(
                "{public_url}/files-pri/{team}-{job}/download/{slug}.csv"
            )),
        ),
    ])
}

/// The people or channels an `access.*` call names, checked against the workspace; whether
/// they are channels.
async fn checked_grantees(
    client: &impl GenericClient,
    caller: &Caller,
    call: &Call,
) -> Result<(Vec<String>, bool), ApiError> {
    let (named, channels) = grantees(call).ok_or_else(|| ApiError::new("invalid_parameters"))?;
    let kind = if channels {
        Named::Channel
    } else {
        Named::User
    };
    let refs = References::of(kind, &named);
    refs.check(client, &caller.team_id).await?;
    Ok((named, channels))
}

/// `slackLists.access.set`: grants `access_level` (`read`, `write`, `owner`; `owner` only to
/// people) to the people or the channels named.
pub(crate) async fn access_set(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["lists:write"]).await?;
    let id = call.args.required("list_id")?;
    let level = call.args.required("access_level")?;
    if !["read", "write", "owner"].contains(&level.as_str()) {
        return Err(ApiError::invalid_arguments(
            "access_level must be read, write or owner",
        ));
    }
    let db = state.kit.db().await?;
    let (named, channels) = checked_grantees(&db, &caller, call).await?;
    if channels && level == "owner" {
        return Err(ApiError::invalid_arguments("only users can be owners"));
    }
    let list = find(&db, &caller, &id, Access::Owner, "restricted_action").await?;
    db.execute(
        "INSERT INTO list_access (list_id, principal, level)
         SELECT $1, p, $3 FROM unnest($2::text[]) p
         ON CONFLICT (list_id, principal) DO UPDATE SET level = EXCLUDED.level",
        &[&list.id, &named, &level],
    )
    .await?;
    Ok(Map::new())
}

/// `slackLists.access.delete`: takes back the grants of the people or channels named.
pub(crate) async fn access_delete(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["lists:write"]).await?;
    let id = call.args.required("list_id")?;
    let db = state.kit.db().await?;
    let (named, _) = checked_grantees(&db, &caller, call).await?;
    let list = find(&db, &caller, &id, Access::Owner, "restricted_action").await?;
    db.execute(
        "DELETE FROM list_access WHERE list_id = $1 AND principal = ANY($2)",
        &[&list.id, &named],
    )
    .await?;
    Ok(Map::new())
}
