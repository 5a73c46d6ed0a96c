//! The memberships routes: add, remove, both, add from another list, clear, pages by record
//! id or join order, and the lists a record is in.

use std::collections::HashMap;

use asym_kit::Kit;
use asym_kit::cursor;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use serde_json::{Map, Value, json};

use super::members::{self, Member, Order};
use super::{READ, list_id, manual_members, model, no_list, object_type_id, path_list, process};
use crate::error::{ApiError, ApiResult};
use crate::request::{Args, Call, JsonBody, object, string_list, strings};

/// The memberships routes.
pub(super) fn routes() -> Router<Kit> {
    Router::new()
        .route(
            "/crm/v3/lists/{list_id}/memberships",
            get(members).delete(clear),
        )
        .route(
            "/crm/v3/lists/{list_id}/memberships/join-order",
            get(joined),
        )
        .route("/crm/v3/lists/{list_id}/memberships/add", put(add))
        .route(
            "/crm/v3/lists/{list_id}/memberships/remove",
            put(remove_members),
        )
        .route(
            "/crm/v3/lists/{list_id}/memberships/add-and-remove",
            put(add_and_remove),
        )
        .route(
            "/crm/v3/lists/{list_id}/memberships/add-from/{source_list_id}",
            put(add_from),
        )
        .route(
            "/crm/v3/lists/records/{object_type_id}/{record_id}/memberships",
            get(record_lists),
        )
        .route(
            "/crm/v3/lists/records/memberships/batch/read",
            post(records_lists),
        )
}

/// Applies a membership change to the writable list the path names:
/// `{recordIdsRemoved, recordsIdsAdded, recordIdsMissing}`. The change (ids to add, ids to
/// remove) is read from the body by `read` once the list is found, so an unknown list answers
/// its 404 before a malformed body's 400.
async fn change(
    call: &Call,
    read: impl FnOnce() -> Result<(Vec<String>, Vec<String>), ApiError>,
) -> ApiResult {
    let list = manual_members(call).await?;
    let (add, remove) = read()?;
    let (add, remove) = (add.as_slice(), remove.as_slice());
    let object_type = call.resolve(&list.object_type_id).await?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    let change = members::change(&tx, list.id, &object_type.name, add, remove).await?;
    tx.commit().await?;
    Ok(axum::Json(change.render()).into_response())
}

/// `PUT /crm/v3/lists/{listId}/memberships/add` `["recordId", …]`.
async fn add(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    change(&call, || Ok((strings(&body, "the body")?, Vec::new()))).await
}

/// `PUT /crm/v3/lists/{listId}/memberships/remove` `["recordId", …]`.
async fn remove_members(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    change(&call, || Ok((Vec::new(), strings(&body, "the body")?))).await
}

/// `PUT /crm/v3/lists/{listId}/memberships/add-and-remove` `{recordIdsToAdd,
/// recordIdsToRemove}`.
async fn add_and_remove(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    change(&call, || {
        object(&body)?;
        Ok((
            string_list(&body, "recordIdsToAdd")?,
            string_list(&body, "recordIdsToRemove")?,
        ))
    })
    .await
}

/// `PUT /crm/v3/lists/{listId}/memberships/add-from/{sourceListId}` (204): every member of the
/// source list, which must hold the same object type.
async fn add_from(call: Call) -> ApiResult {
    let list = manual_members(&call).await?;
    let source_id = list_id(call.param("source_list_id"))?;
    let client = call.kit.db().await?;
    let source = model::get(&client, source_id)
        .await?
        .filter(|s| s.deleted_at.is_none())
        .ok_or_else(|| no_list(source_id))?;
    if source.object_type_id != list.object_type_id {
        return Err(ApiError::validation(format!(
            "List {source_id} holds objects of type {}, list {} of type {}.",
            source.object_type_id, list.id, list.object_type_id
        )));
    }
    members::add_from(&client, list.id, source.id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /crm/v3/lists/{listId}/memberships` (204): every member removed.
async fn clear(call: Call) -> ApiResult {
    let list = manual_members(&call).await?;
    let client = call.kit.db().await?;
    members::clear(&client, list.id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A page cursor as a number: a record id (`Order::Record`) or, opaque, a join position.
fn decode_key(order: Order, raw: Option<&str>) -> Result<Option<i64>, ApiError> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let text = match order {
        Order::Record => Some(raw.to_owned()),
        Order::Joined => cursor::decode(raw).ok(),
    };
    text.and_then(|t| t.parse().ok())
        .map(Some)
        .ok_or_else(|| ApiError::validation(format!("{raw} is not a valid paging token")))
}

fn encode_key(order: Order, member: &Member) -> String {
    match order {
        Order::Record => member.record_id.to_string(),
        Order::Joined => cursor::encode(&member.key.to_string()),
    }
}

/// A page of the members of the list the path names, `after`/`before` its cursors
/// (`after` first), `limit` ≤ 250 (100 by default): `{results: [{recordId,
/// membershipTimestamp}], total, paging: {next: {after}, prev: {before}}}`. A page after a
/// cursor is ascending, one before it descending, as HubSpot documents.
async fn page(call: Call, args: Args, order: Order) -> ApiResult {
    let list = path_list(&call, READ).await?;
    if list.deleted_at.is_some() {
        return Err(no_list(list.id));
    }
    let limit = args.limit(100, 250)?;
    let after = decode_key(order, args.get("after"))?;
    let before = decode_key(order, args.get("before"))?;
    let backwards = after.is_none() && before.is_some();
    let client = call.kit.db().await?;
    let mut found =
        members::members(&client, list.id, order, after.or(before), backwards, limit).await?;
    let more = found.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let total = members::size(&client, list.id).await?;
    let (first, last) = (found.first(), found.last());
    // Ascending: more after the last kept; something before the first when a cursor was
    // given. Descending: the reverse.
    let (next, prev) = if backwards {
        (first, last.filter(|_| more))
    } else {
        (last.filter(|_| more), first.filter(|_| after.is_some()))
    };
    let mut paging = Map::new();
    if let Some(member) = next {
        paging.insert(
            "next".to_owned(),
            json!({ "after": encode_key(order, member) }),
        );
    }
    if let Some(member) = prev {
        paging.insert(
            "prev".to_owned(),
            json!({ "before": encode_key(order, member) }),
        );
    }
    let results: Vec<Value> = found
        .iter()
        .map(|m| json!({ "recordId": m.record_id.to_string(), "membershipTimestamp": m.joined_at }))
        .collect();
    let mut body = json!({ "results": results, "total": total });
    if !paging.is_empty() {
        body["paging"] = Value::Object(paging);
    }
    Ok(axum::Json(body).into_response())
}

/// `GET /crm/v3/lists/{listId}/memberships`: by record id.
async fn members(call: Call, args: Args) -> ApiResult {
    page(call, args, Order::Record).await
}

/// `GET /crm/v3/lists/{listId}/memberships/join-order`: by when each record joined.
async fn joined(call: Call, args: Args) -> ApiResult {
    page(call, args, Order::Joined).await
}

/// `GET /crm/v3/lists/records/{objectTypeId}/{recordId}/memberships` → `{results: [{listId,
/// listVersion, firstAddedTimestamp, lastAddedTimestamp, isPublicList}], total}`.
async fn record_lists(call: Call) -> ApiResult {
    call.authorize(&[READ]).await?;
    let object_type_id = object_type_id(&call, call.param("object_type_id")).await?;
    let record = record_number(call.param("record_id"))?;
    let client = call.kit.db().await?;
    process(&client).await?;
    let results = members::of_record(&client, &object_type_id, record).await?;
    let total = results.len();
    Ok(axum::Json(json!({ "results": results, "total": total })).into_response())
}

/// A record id, a number.
fn record_number(raw: &str) -> Result<i64, ApiError> {
    raw.trim()
        .parse()
        .map_err(|_| ApiError::validation(format!("Invalid record id: {raw}")))
}

/// The most inputs a [`records_lists`] batch takes (the clone's bound; HubSpot documents none).
const BATCH_INPUTS: usize = 100;

/// `POST /crm/v3/lists/records/memberships/batch/read` `{inputs: [{objectTypeId, recordId}]}`
/// (≤ 100) → `{status: "COMPLETE", results: [{objectTypeId, recordId, recordListMemberships}],
/// startedAt, completedAt}`: each input's lists as the single read answers them, in one
/// statement (none for a record in no list, or one that does not exist, as the single read).
async fn records_lists(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[READ]).await?;
    let started_at = crate::objects::now();
    let inputs = body["inputs"]
        .as_array()
        .ok_or_else(|| ApiError::validation("inputs must be an array"))?;
    if inputs.len() > BATCH_INPUTS {
        return Err(ApiError::validation(format!(
            "At most {BATCH_INPUTS} inputs are read in one batch, got {}",
            inputs.len()
        )));
    }
    let mut type_ids: HashMap<&str, String> = HashMap::new();
    let mut records = Vec::with_capacity(inputs.len());
    for input in inputs {
        let raw_type = input["objectTypeId"].as_str().unwrap_or_default();
        if !type_ids.contains_key(raw_type) {
            type_ids.insert(raw_type, object_type_id(&call, raw_type).await?);
        }
        let record = match &input["recordId"] {
            Value::Number(n) => n.to_string(),
            other => other.as_str().unwrap_or_default().to_owned(),
        };
        records.push((type_ids[raw_type].clone(), record_number(&record)?));
    }
    let client = call.kit.db().await?;
    process(&client).await?;
    let lists = members::of_records(&client, &records).await?;
    let results: Vec<Value> = records
        .iter()
        .zip(lists)
        .map(|((type_id, record), lists)| {
            json!({"objectTypeId": type_id, "recordId": record.to_string(),
                   "recordListMemberships": lists})
        })
        .collect();
    Ok(axum::Json(json!({
        "status": "COMPLETE",
        "results": results,
        "startedAt": started_at,
        "completedAt": crate::objects::now(),
    }))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_order_cursors_are_opaque_and_round_trip() {
        let member = Member {
            key: 42,
            record_id: 201,
            joined_at: String::new(),
        };
        let token = encode_key(Order::Joined, &member);
        assert_ne!(token, "42");
        assert_eq!(decode_key(Order::Joined, Some(&token)).ok(), Some(Some(42)));
        assert_eq!(decode_key(Order::Record, Some("201")).ok(), Some(Some(201)));
        assert!(decode_key(Order::Record, Some("x")).is_err());
    }
}
