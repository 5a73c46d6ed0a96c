//! Lists v3 (segments): `MANUAL`, `SNAPSHOT` and `DYNAMIC` lists of one object type, fetched
//! by id, name or several ids, searched, renamed, deleted and restored, and their memberships
//! (add, remove, both, add from another list, clear, paged by record id or join order, and the
//! lists a record is in). A `SNAPSHOT` list's `filterBranch` is applied once, when it is
//! created; a `DYNAMIC` list's before every read of lists or memberships (HubSpot processes
//! them in the background; a record joins when a read first finds it matching). Filters are
//! evaluated by the object search's operators, in the part of the filter language `filters`
//! translates; the rest is refused as not implemented. Lists are kept in folders (`folders`,
//! `tree`), and contact lists are known by their legacy v1 ids too (`mapping`).

mod filters;
mod folders;
mod mapping;
mod members;
mod memberships;
pub(crate) mod model;
mod tree;

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, put};
use serde_json::{Value, json};

use self::model::{List, NewList, Search};
use crate::error::{ApiError, ApiResult};
use crate::request::{self, Args, Call, JsonBody, optional_text, string_list};
use crate::types;

const READ: &str = "crm.lists.read";
const WRITE: &str = "crm.lists.write";

/// The lists routes.
pub(crate) fn routes() -> Router<Kit> {
    Router::new()
        .route("/crm/v3/lists", post(create).get(get_many))
        .route("/crm/v3/lists/", post(create).get(get_many))
        .route("/crm/v3/lists/search", post(search))
        .route(
            "/crm/v3/lists/object-type-id/{object_type_id}/name/{name}",
            get(by_name),
        )
        .route("/crm/v3/lists/{list_id}", get(by_id).delete(remove))
        .route("/crm/v3/lists/{list_id}/restore", put(restore))
        .route("/crm/v3/lists/{list_id}/update-list-name", put(rename))
        .route(
            "/crm/v3/lists/{list_id}/update-list-filters",
            put(update_filters),
        )
        .merge(memberships::routes())
        .merge(folders::routes())
        .merge(mapping::routes())
        .route(
            "/crm/v3/lists/{list_id}/schedule-conversion",
            any(not_served),
        )
}

/// List conversions: 404 naming them as not implemented (rather than a list id's
/// `INVALID_INT_ID`).
async fn not_served(uri: axum::http::Uri) -> ApiError {
    ApiError::missing(format!(
        "{} is not implemented by this HubSpot clone (list conversions are not served).",
        uri.path()
    ))
    .with("subCategory", json!("NOT_IMPLEMENTED"))
}

/// The processing types HubSpot's lists take.
const PROCESSING_TYPES: [&str; 3] = ["MANUAL", "SNAPSHOT", "DYNAMIC"];

/// A list id (an ILS id): 400 `INVALID_INT_ID` when it is not a number.
fn list_id(raw: &str) -> Result<i64, ApiError> {
    int_id(raw, "list", 1)
}

/// A folder id, `0` for the root: 400 `INVALID_INT_ID` when it is not a number.
fn folder_id(raw: &str) -> Result<i64, ApiError> {
    int_id(raw, "folder", tree::ROOT)
}

/// The id of a `what` (a list, a folder), at least `least`: 400 `INVALID_INT_ID` when it is
/// not such a number (as HubSpot answers a list id that is not one).
fn int_id(raw: &str, what: &str, least: i64) -> Result<i64, ApiError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id >= least)
        .ok_or_else(|| {
            ApiError::validation(format!("Invalid {what} id: {raw}"))
                .with("subCategory", json!("INVALID_INT_ID"))
        })
}

/// 404 for a list id that names no list (the text is the clone's).
fn no_list(id: i64) -> ApiError {
    ApiError::missing(format!("List {id} does not exist."))
}

/// Brings every live DYNAMIC list's members up to date with its filters (what HubSpot's
/// background processing does), before a read.
///
/// # Errors
///
/// The statements' errors, and a filter's refusal (a property since archived).
async fn process(client: &impl GenericClient) -> Result<(), ApiError> {
    for (id, object_type_id, branch) in model::dynamic(client).await? {
        // A list of a custom type archived since is left as it is.
        let Some(object_type) = types::find(client, &object_type_id).await? else {
            continue;
        };
        let groups = filters::filter_groups(&branch)?;
        members::apply_filters(client, id, &object_type, &groups, true).await?;
    }
    Ok(())
}

/// The list the path's `list_id` names (deleted ones included), after checking `scope` and
/// [`process`]ing the DYNAMIC lists.
async fn path_list(call: &Call, scope: &str) -> Result<List, ApiError> {
    call.authorize(&[scope]).await?;
    let id = list_id(call.param("list_id"))?;
    let client = call.kit.db().await?;
    process(&client).await?;
    model::get(&client, id).await?.ok_or_else(|| no_list(id))
}

/// The live list the path names.
async fn writable(call: &Call) -> Result<List, ApiError> {
    let list = path_list(call, WRITE).await?;
    if list.deleted_at.is_some() {
        return Err(no_list(list.id));
    }
    Ok(list)
}

/// The live list the path names, whose memberships can be written: `MANUAL` or `SNAPSHOT`
/// (a DYNAMIC list's are its filters'; the text of the refusal is the clone's).
async fn manual_members(call: &Call) -> Result<List, ApiError> {
    let list = writable(call).await?;
    if list.processing_type == "DYNAMIC" {
        return Err(ApiError::validation(format!(
            "List {} is a DYNAMIC list: its memberships follow its filters and cannot be \
             written. Only MANUAL and SNAPSHOT lists take membership changes.",
            list.id
        )));
    }
    Ok(list)
}

/// An object type id as lists name them (`0-1`, `2-1001`; names accepted too).
async fn object_type_id(call: &Call, raw: &str) -> Result<String, ApiError> {
    Ok(call.resolve(raw).await?.type_id.to_string())
}

/// `{list}` (create, fetch) or `{updatedList}` (rename), with its filters when `filters`.
fn wrapped(key: &str, list: &List, filters: bool) -> Response {
    axum::Json(json!({ key: list.render(filters) })).into_response()
}

/// A JSON object field, or `default` when absent.
fn object_or(body: &Value, name: &str, default: Value) -> Result<Value, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(default),
        Some(value @ Value::Object(_)) => Ok(value.clone()),
        Some(_) => Err(ApiError::validation(format!("{name} must be an object"))),
    }
}

/// A required non-empty string field.
fn required<'a>(body: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    body[name]
        .as_str()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::validation(format!("{name} is required")))
}

/// `POST /crm/v3/lists/` `{name, objectTypeId, processingType, filterBranch?, listFolderId?,
/// …}` → `{list}`, in the folder `listFolderId` names (the root when absent).
async fn create(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    let name = required(&body, "name")?;
    let object_type = call.resolve(required(&body, "objectTypeId")?).await?;
    let processing_type = required(&body, "processingType")?;
    if !PROCESSING_TYPES.contains(&processing_type) {
        return Err(ApiError::validation(format!(
            "processingType must be one of MANUAL, SNAPSHOT, DYNAMIC, got {processing_type}"
        )));
    }
    let branch = body.get("filterBranch").filter(|b| !b.is_null());
    let groups = match (processing_type, branch) {
        ("MANUAL", Some(_)) => {
            return Err(ApiError::validation(
                "A MANUAL list takes no filterBranch: its members are added and removed \
                 through the API.",
            ));
        }
        ("DYNAMIC", None) => {
            return Err(ApiError::validation(
                "filterBranch is required for a DYNAMIC list",
            ));
        }
        (_, Some(branch)) => Some(filters::filter_groups(branch)?),
        (_, None) => None,
    };
    let answered = branch.map(filters::answered);
    let folder = optional_text(&body, "listFolderId")?
        .map(|raw| folder_id(&raw))
        .transpose()?
        .unwrap_or(tree::ROOT);
    let list = NewList {
        name,
        object_type_id: &object_type.type_id,
        processing_type,
        filter_branch: answered.as_ref(),
        list_permissions: object_or(
            &body,
            "listPermissions",
            json!({ "teamsWithEditAccess": [], "usersWithEditAccess": [] }),
        )?,
        membership_settings: object_or(
            &body,
            "membershipSettings",
            json!({ "membershipTeamId": null, "includeUnassigned": null }),
        )?,
        folder_id: tree::stored(folder),
    };
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    if folder != tree::ROOT {
        tree::locked(&tx, folder).await?;
        tree::touch(&tx, &[folder]).await?;
    }
    // The list's id is drawn in the insert's own SQL.
    asym_kit::hold_writers(&tx).await?;
    let created = model::insert(&tx, &list)
        .await?
        .ok_or_else(|| model::name_taken(name))?;
    let Some(groups) = groups else {
        tx.commit().await?;
        return Ok(wrapped("list", &created, false));
    };
    filter_and_answer(tx, created.id, &object_type, &groups, false, "list").await
}

/// Applies `groups` to the list `id` in `tx` ([`members::apply_filters`]), commits, and answers
/// the list under `key` with its filters.
async fn filter_and_answer(
    tx: asym_kit::deadpool_postgres::Transaction<'_>,
    id: i64,
    object_type: &types::ObjectType,
    groups: &[Value],
    remove_others: bool,
    key: &str,
) -> ApiResult {
    members::apply_filters(&tx, id, object_type, groups, remove_others).await?;
    let list = model::get(&tx, id).await?.ok_or_else(|| no_list(id))?;
    tx.commit().await?;
    Ok(wrapped(key, &list, true))
}

/// `GET /crm/v3/lists/{listId}` (`includeFilters`) → `{list}`, deleted lists included (with
/// `deletedAt`).
async fn by_id(call: Call, args: Args) -> ApiResult {
    let list = path_list(&call, READ).await?;
    Ok(wrapped("list", &list, args.flag("includeFilters")))
}

/// `GET /crm/v3/lists/object-type-id/{objectTypeId}/name/{listName}`: a live list by name, any
/// case.
async fn by_name(call: Call, args: Args) -> ApiResult {
    call.authorize(&[READ]).await?;
    let object_type_id = object_type_id(&call, call.param("object_type_id")).await?;
    let name = call.param("name");
    let client = call.kit.db().await?;
    process(&client).await?;
    let list = model::by_name(&client, &object_type_id, name)
        .await?
        .ok_or_else(|| ApiError::missing(format!("List with name {name} does not exist.")))?;
    Ok(wrapped("list", &list, args.flag("includeFilters")))
}

/// `GET /crm/v3/lists/?listIds=…` (repeated or comma-separated) → `{lists}`: the live lists
/// among them, unknown ids left out.
async fn get_many(call: Call, args: Args) -> ApiResult {
    call.authorize(&[READ]).await?;
    let ids = args
        .list("listIds")
        .iter()
        .map(|raw| list_id(raw))
        .collect::<Result<Vec<i64>, ApiError>>()?;
    let client = call.kit.db().await?;
    process(&client).await?;
    let lists = model::get_many(&client, &ids).await?;
    let filters = args.flag("includeFilters");
    let rendered: Vec<Value> = lists.iter().map(|l| l.render(filters)).collect();
    Ok(axum::Json(json!({ "lists": rendered })).into_response())
}

/// The `ORDER BY` a search's `sort` asks for: `name`, `createdAt`, `updatedAt` or `listId`,
/// `-` first for descending; by id when absent.
fn search_order(sort: Option<&str>) -> Result<&'static str, ApiError> {
    Ok(match sort.unwrap_or("listId") {
        "" | "listId" => "l.id",
        "-listId" => "l.id DESC",
        "name" => "lower(l.name), l.id",
        "-name" => "lower(l.name) DESC, l.id",
        "createdAt" => "l.created_at, l.id",
        "-createdAt" => "l.created_at DESC, l.id",
        "updatedAt" => "l.updated_at, l.id",
        "-updatedAt" => "l.updated_at DESC, l.id",
        other => {
            return Err(ApiError::validation(format!(
                "sort must be one of listId, name, createdAt, updatedAt (- first for \
                 descending), got {other}"
            )));
        }
    })
}

/// A non-negative integer field of a JSON body: `default` when absent, at most `max`.
fn count_field(body: &Value, name: &str, default: i64, max: i64) -> Result<i64, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(default),
        Some(value) => value
            .as_i64()
            .filter(|n| (0..=max).contains(n))
            .ok_or_else(|| {
                ApiError::validation(format!("{name} must be between 0 and {max}, got {value}"))
            }),
    }
}

/// `POST /crm/v3/lists/search` `{query?, processingTypes?, listIds?, objectTypeId?, offset?,
/// count? (20, ≤ 500), sort?, additionalProperties?}` → `{lists, total, offset, hasMore}`
/// (live lists only; `offset` is the next page's).
async fn search(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[READ]).await?;
    request::object(&body)?;
    let ids = string_list(&body, "listIds")?
        .iter()
        .map(|raw| list_id(raw))
        .collect::<Result<Vec<i64>, ApiError>>()?;
    let object_type_id = match body["objectTypeId"].as_str() {
        Some(raw) => Some(object_type_id(&call, raw).await?),
        None => None,
    };
    let query = optional_text(&body, "query")?
        .filter(|q| !q.trim().is_empty())
        .map(|q| q.trim().to_owned());
    let search = Search {
        query,
        processing_types: string_list(&body, "processingTypes")?,
        ids,
        object_type_id,
        order: search_order(body["sort"].as_str())?,
        offset: count_field(&body, "offset", 0, i64::from(i32::MAX))?,
        count: count_field(&body, "count", 20, 500)?,
    };
    let client = call.kit.db().await?;
    process(&client).await?;
    let (lists, total) = model::search(&client, &search).await?;
    let next = search.offset + i64::try_from(lists.len()).unwrap_or(0);
    let rendered: Vec<Value> = lists.iter().map(List::render_found).collect();
    Ok(axum::Json(json!({
        "lists": rendered, "total": total, "offset": next, "hasMore": next < total,
    }))
    .into_response())
}

/// `PUT /crm/v3/lists/{listId}/update-list-name?listName=…` → `{updatedList}`.
async fn rename(call: Call, args: Args) -> ApiResult {
    let list = writable(&call).await?;
    let name = args
        .get("listName")
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::validation("listName is required"))?;
    let client = call.kit.db().await?;
    if !model::rename(&client, list.id, name).await? {
        return Err(no_list(list.id));
    }
    let renamed = model::get(&client, list.id)
        .await?
        .ok_or_else(|| no_list(list.id))?;
    Ok(wrapped(
        "updatedList",
        &renamed,
        args.flag("includeFilters"),
    ))
}

/// `PUT /crm/v3/lists/{listId}/update-list-filters` `{filterBranch}` → `{updatedList}` (with
/// its filters): a DYNAMIC list's new filters, its members brought up to date.
async fn update_filters(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let list = writable(&call).await?;
    if list.processing_type != "DYNAMIC" {
        return Err(ApiError::validation(format!(
            "List {} is a {} list: only a DYNAMIC list's filters can be updated.",
            list.id, list.processing_type
        )));
    }
    let branch = body
        .get("filterBranch")
        .filter(|b| !b.is_null())
        .ok_or_else(|| ApiError::validation("filterBranch is required"))?;
    let groups = filters::filter_groups(branch)?;
    let object_type = call.resolve(&list.object_type_id).await?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    if !model::set_filters(&tx, list.id, &filters::answered(branch)).await? {
        return Err(no_list(list.id));
    }
    filter_and_answer(tx, list.id, &object_type, &groups, true, "updatedList").await
}

/// `DELETE /crm/v3/lists/{listId}` (204): restorable afterwards.
async fn remove(call: Call) -> ApiResult {
    let list = writable(&call).await?;
    let client = call.kit.db().await?;
    if !model::set_deleted(&client, list.id, true).await? {
        return Err(no_list(list.id));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PUT /crm/v3/lists/{listId}/restore` (204): a deleted list back, its memberships kept.
async fn restore(call: Call) -> ApiResult {
    let list = path_list(&call, WRITE).await?;
    if list.deleted_at.is_none() {
        return Err(ApiError::validation(format!(
            "List {} is not deleted.",
            list.id
        )));
    }
    let client = call.kit.db().await?;
    model::set_deleted(&client, list.id, false).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_ids_are_numbers() {
        assert_eq!(list_id(" 12 ").ok(), Some(12));
        let refused = list_id("abc").unwrap_err();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        assert!(list_id("0").is_err());
    }
}
