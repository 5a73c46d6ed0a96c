//! The lists model: list definitions in Postgres (`lists`), read into [`List`] (with their
//! sizes from `list_memberships`) and rendered in HubSpot's shapes. Memberships are
//! `members`'.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::ToSql;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::objects::model::ISO;

/// One list definition with its size and last membership changes.
#[derive(Debug, Clone)]
pub(crate) struct List {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) object_type_id: String,
    pub(crate) processing_type: String,
    pub(crate) filter_branch: Option<Value>,
    version: i32,
    list_permissions: Value,
    membership_settings: Value,
    created_at: String,
    updated_at: String,
    filters_updated_at: String,
    pub(crate) deleted_at: Option<String>,
    size: i64,
    last_added_ms: Option<i64>,
    last_removed_ms: Option<i64>,
}

/// The columns [`List::from_row`] reads, of `lists l`.
fn columns() -> String {
    format!(
        "l.id, l.name, l.object_type_id, l.processing_type, l.version,
         l.list_permissions::text, l.membership_settings::text,
         to_char(l.created_at AT TIME ZONE 'UTC', {ISO}),
         to_char(l.updated_at AT TIME ZONE 'UTC', {ISO}),
         to_char(l.filters_updated_at AT TIME ZONE 'UTC', {ISO}),
         to_char(l.deleted_at AT TIME ZONE 'UTC', {ISO}),
         (SELECT count(*) FROM list_memberships m WHERE m.list_id = l.id),
         (extract(epoch FROM l.last_added_at) * 1000)::bigint,
         (extract(epoch FROM l.last_removed_at) * 1000)::bigint,
         l.filter_branch::text"
    )
}

impl List {
    fn from_row(row: &Row) -> Self {
        let json = |index: usize| serde_json::from_str(row.get(index)).unwrap_or(Value::Null);
        Self {
            id: row.get(0),
            name: row.get(1),
            object_type_id: row.get(2),
            processing_type: row.get(3),
            version: row.get(4),
            list_permissions: json(5),
            membership_settings: json(6),
            created_at: row.get(7),
            updated_at: row.get(8),
            filters_updated_at: row.get(9),
            deleted_at: row.get(10),
            size: row.get(11),
            last_added_ms: row.get(12),
            last_removed_ms: row.get(13),
            filter_branch: row
                .get::<_, Option<&str>>(14)
                .and_then(|text| serde_json::from_str(text).ok()),
        }
    }

    /// The fields a list definition and a search result share.
    fn common(&self) -> Map<String, Value> {
        let mut body = Map::new();
        let mut put = |key: &str, value: Value| {
            body.insert(key.to_owned(), value);
        };
        put("listId", json!(self.id.to_string()));
        put("listVersion", json!(self.version));
        put("name", json!(self.name));
        put("objectTypeId", json!(self.object_type_id));
        put("processingType", json!(self.processing_type));
        put("processingStatus", json!("COMPLETE"));
        put("createdAt", json!(self.created_at));
        put("updatedAt", json!(self.updated_at));
        put("filtersUpdatedAt", json!(self.filters_updated_at));
        if let Some(deleted_at) = &self.deleted_at {
            put("deletedAt", json!(deleted_at));
        }
        body
    }

    /// HubSpot's `PublicObjectList`, with its `filterBranch` when `filters` (and it has one).
    pub(crate) fn render(&self, filters: bool) -> Value {
        let mut body = self.common();
        if let Some(branch) = self.filter_branch.as_ref().filter(|_| filters) {
            body.insert("filterBranch".to_owned(), branch.clone());
        }
        body.insert("size".to_owned(), json!(self.size));
        body.insert("listPermissions".to_owned(), self.list_permissions.clone());
        body.insert(
            "membershipSettings".to_owned(),
            self.membership_settings.clone(),
        );
        Value::Object(body)
    }

    /// HubSpot's `PublicObjectListSearchResult`: the definition without its size, and
    /// `additionalProperties` holding the default list properties plus those `extra` names
    /// that the list has (`hs_list_size`, `hs_last_record_added_at`,
    /// `hs_last_record_removed_at`, `hs_list_reference_count`; empty ones left out).
    pub(crate) fn render_found(&self) -> Value {
        let mut properties = Map::new();
        properties.insert("hs_list_size".to_owned(), json!(self.size.to_string()));
        properties.insert("hs_list_reference_count".to_owned(), json!("0"));
        for (name, ms) in [
            ("hs_last_record_added_at", self.last_added_ms),
            ("hs_last_record_removed_at", self.last_removed_ms),
        ] {
            if let Some(ms) = ms {
                properties.insert(name.to_owned(), json!(ms.to_string()));
            }
        }
        let mut body = self.common();
        body.insert("additionalProperties".to_owned(), Value::Object(properties));
        Value::Object(body)
    }
}

/// A new list's definition.
#[derive(Debug)]
pub(crate) struct NewList<'a> {
    pub(crate) name: &'a str,
    pub(crate) object_type_id: &'a str,
    pub(crate) processing_type: &'a str,
    pub(crate) filter_branch: Option<&'a Value>,
    pub(crate) list_permissions: Value,
    pub(crate) membership_settings: Value,
    /// The folder it is created in; `None` for the root.
    pub(crate) folder_id: Option<i64>,
}

/// Whether `err` is the unique index refusing a name a live list holds.
fn taken_name(err: &asym_kit::tokio_postgres::Error) -> bool {
    err.as_db_error()
        .is_some_and(|db| db.constraint() == Some("lists_name"))
}

/// HubSpot's refusal of a name another live list holds (the text is the clone's).
pub(crate) fn name_taken(name: &str) -> ApiError {
    ApiError::validation(format!("A list with the name \"{name}\" already exists."))
}

/// Inserts `list`; `None` when a live list already holds its name. A contact list is given
/// the next legacy (v1) list id.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn insert(
    client: &impl GenericClient,
    list: &NewList<'_>,
) -> Result<Option<List>, ApiError> {
    let sql = format!(
        "WITH l AS (
           INSERT INTO lists (id, name, object_type_id, processing_type, list_permissions,
                              membership_settings, filter_branch, created_at, updated_at,
                              filters_updated_at, folder_id, legacy_id)
           VALUES (nextval('list_ids'), $1, $2, $3, $4::text::jsonb, $5::text::jsonb,
                   $6::text::jsonb, now(), now(), now(), $7,
                   CASE WHEN $2 = '0-1' THEN nextval('list_legacy_ids') END)
           RETURNING *)
         SELECT {} FROM l",
        columns()
    );
    let result = client
        .query_one(
            &sql,
            &[
                &list.name,
                &list.object_type_id,
                &list.processing_type,
                &list.list_permissions.to_string(),
                &list.membership_settings.to_string(),
                &list.filter_branch.map(Value::to_string),
                &list.folder_id,
            ],
        )
        .await;
    match result {
        Ok(row) => Ok(Some(List::from_row(&row))),
        Err(err) if taken_name(&err) => Ok(None),
        Err(err) => Err(err.into()),
    }
}

/// The lists `condition` (over `lists l`, with `params`, its `ORDER BY` included) selects.
async fn select(
    client: &impl GenericClient,
    condition: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<List>, ApiError> {
    let sql = format!("SELECT {} FROM lists l WHERE {condition}", columns());
    let rows = client.query(&sql, params).await?;
    Ok(rows.iter().map(List::from_row).collect())
}

/// The list `id`, deleted or not.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn get(client: &impl GenericClient, id: i64) -> Result<Option<List>, ApiError> {
    Ok(select(client, "l.id = $1", &[&id]).await?.pop())
}

/// The live lists among `ids`, in id order.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn get_many(
    client: &impl GenericClient,
    ids: &[i64],
) -> Result<Vec<List>, ApiError> {
    select(
        client,
        "l.id = ANY($1) AND l.deleted_at IS NULL ORDER BY l.id",
        &[&ids],
    )
    .await
}

/// The live list of `object_type_id` named `name` (any case).
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn by_name(
    client: &impl GenericClient,
    object_type_id: &str,
    name: &str,
) -> Result<Option<List>, ApiError> {
    Ok(select(
        client,
        "lower(l.name) = lower($1) AND l.object_type_id = $2 AND l.deleted_at IS NULL",
        &[&name, &object_type_id],
    )
    .await?
    .pop())
}

/// A search over live lists: name substring, processing types, ids and object type (each
/// when given).
#[derive(Debug, Default)]
pub(crate) struct Search {
    pub(crate) query: Option<String>,
    pub(crate) processing_types: Vec<String>,
    pub(crate) ids: Vec<i64>,
    pub(crate) object_type_id: Option<String>,
    /// A fixed `ORDER BY` clause (chosen from a closed set, never from the request's text).
    pub(crate) order: &'static str,
    pub(crate) offset: i64,
    pub(crate) count: i64,
}

/// The page of lists `search` finds, and how many it finds in all.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn search(
    client: &impl GenericClient,
    search: &Search,
) -> Result<(Vec<List>, i64), ApiError> {
    let condition = "l.deleted_at IS NULL
         AND ($1::text IS NULL OR strpos(lower(l.name), lower($1)) > 0)
         AND (cardinality($2::text[]) = 0 OR l.processing_type = ANY($2))
         AND (cardinality($3::bigint[]) = 0 OR l.id = ANY($3))
         AND ($4::text IS NULL OR l.object_type_id = $4)";
    let params: [&(dyn ToSql + Sync); 4] = [
        &search.query,
        &search.processing_types,
        &search.ids,
        &search.object_type_id,
    ];
    let total: i64 = client
        .query_one(
            &format!("SELECT count(*) FROM lists l WHERE {condition}"),
            &params,
        )
        .await?
        .get(0);
    let page = format!(
        "{condition} ORDER BY {} OFFSET {} LIMIT {}",
        search.order, search.offset, search.count
    );
    Ok((select(client, &page, &params).await?, total))
}

/// Renames the live list `id` (its version moves on); `false` when there is none.
///
/// # Errors
///
/// The statement's error, or [`name_taken`].
pub(crate) async fn rename(
    client: &impl GenericClient,
    id: i64,
    name: &str,
) -> Result<bool, ApiError> {
    let result = client
        .execute(
            "UPDATE lists SET name = $2, version = version + 1, updated_at = now()
             WHERE id = $1 AND deleted_at IS NULL",
            &[&id, &name],
        )
        .await;
    match result {
        Ok(rows) => Ok(rows > 0),
        Err(err) if taken_name(&err) => Err(name_taken(name)),
        Err(err) => Err(err.into()),
    }
}

/// Deletes (`true`) or restores the list `id`; `false` when it was not live (deleting) or
/// not deleted (restoring).
///
/// # Errors
///
/// The statement's error, or [`name_taken`] when a live list took a restored list's name.
pub(crate) async fn set_deleted(
    client: &impl GenericClient,
    id: i64,
    deleted: bool,
) -> Result<bool, ApiError> {
    let result = client
        .query_opt(
            "UPDATE lists SET deleted_at = CASE WHEN $2 THEN now() END, updated_at = now()
             WHERE id = $1 AND (deleted_at IS NULL) = $2 RETURNING name",
            &[&id, &deleted],
        )
        .await;
    match result {
        Ok(row) => Ok(row.is_some()),
        Err(err) if taken_name(&err) => {
            let name = get(client, id).await?.map(|l| l.name).unwrap_or_default();
            Err(name_taken(&name))
        }
        Err(err) => Err(err.into()),
    }
}

/// Sets the filters of the DYNAMIC list `id` (its version moves on); `false` when there is no
/// such live list.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn set_filters(
    client: &impl GenericClient,
    id: i64,
    branch: &Value,
) -> Result<bool, ApiError> {
    let rows = client
        .execute(
            "UPDATE lists SET filter_branch = $2::text::jsonb, version = version + 1,
                    filters_updated_at = now(), updated_at = now()
             WHERE id = $1 AND deleted_at IS NULL",
            &[&id, &branch.to_string()],
        )
        .await?;
    Ok(rows > 0)
}

/// The live DYNAMIC lists with their filters: `(id, object type id, filterBranch)`.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn dynamic(
    client: &impl GenericClient,
) -> Result<Vec<(i64, String, Value)>, ApiError> {
    let rows = client
        .query(
            "SELECT id, object_type_id, filter_branch::text FROM lists
             WHERE processing_type = 'DYNAMIC' AND deleted_at IS NULL
               AND filter_branch IS NOT NULL ORDER BY id",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| {
            let branch: &str = row.get(2);
            (
                row.get(0),
                row.get(1),
                serde_json::from_str(branch).unwrap_or(Value::Null),
            )
        })
        .collect())
}

/// The ids of the live lists in the folder `folder` (`None`: the root), in id order.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn in_folder(
    client: &impl GenericClient,
    folder: Option<i64>,
) -> Result<Vec<i64>, ApiError> {
    let rows = client
        .query(
            "SELECT id FROM lists
             WHERE folder_id IS NOT DISTINCT FROM $1 AND deleted_at IS NULL ORDER BY id",
            &[&folder],
        )
        .await?;
    Ok(rows.iter().map(|row| row.get(0)).collect())
}

/// Moves the live list `id` into the folder `folder` (`None`: the root); the folder it was
/// in (`Some(None)` for the root), or `None` when there is no such live list.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn set_folder(
    client: &impl GenericClient,
    id: i64,
    folder: Option<i64>,
) -> Result<Option<Option<i64>>, ApiError> {
    let row = client
        .query_opt(
            "UPDATE lists l SET folder_id = $2
             FROM (SELECT id, folder_id FROM lists
                   WHERE id = $1 AND deleted_at IS NULL FOR UPDATE) old
             WHERE l.id = old.id RETURNING old.folder_id",
            &[&id, &folder],
        )
        .await?;
    Ok(row.map(|row| row.get(0)))
}

/// The live lists whose legacy (v1) ids are among `legacy_ids`: `(legacy id, list id)`.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn by_legacy_ids(
    client: &impl GenericClient,
    legacy_ids: &[i64],
) -> Result<Vec<(i64, i64)>, ApiError> {
    let rows = client
        .query(
            "SELECT legacy_id, id FROM lists
             WHERE legacy_id = ANY($1) AND deleted_at IS NULL",
            &[&legacy_ids],
        )
        .await?;
    Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
}
