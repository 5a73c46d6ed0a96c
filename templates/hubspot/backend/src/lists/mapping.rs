//! The v1 → v3 list id mapping (`hubspot.crm.lists.mapping_api` / `crm.lists.mappingApi`): a
//! contact list's legacy id, the one the v1 contact lists API knew it by, translated into its
//! `listId`, one at a time or up to 10,000 at once. Lists of other types, and deleted lists,
//! have no mapping (as HubSpot's migration guide says, a missing mapping means the list no
//! longer exists).

use std::collections::{HashMap, HashSet};

use asym_kit::Kit;
use axum::Router;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::json;

use super::{READ, model};
use crate::error::{ApiError, ApiResult};
use crate::request::{Args, Call, JsonBody, strings};

/// How many legacy ids one batch translates, as HubSpot's reference says.
const BATCH: usize = 10_000;

/// The id mapping routes.
pub(super) fn routes() -> Router<Kit> {
    Router::new().route(
        "/crm/v3/lists/idmapping",
        get(translate).post(translate_batch),
    )
}

/// The `(legacy id, list id)` pairs of the live lists whose legacy ids `legacy_ids` name
/// (ids that are not numbers name none).
async fn mapping(call: &Call, legacy_ids: &[String]) -> Result<HashMap<String, i64>, ApiError> {
    let numbers: Vec<i64> = legacy_ids
        .iter()
        .filter_map(|raw| raw.trim().parse().ok())
        .collect();
    let client = call.kit.db().await?;
    let found = model::by_legacy_ids(&client, &numbers).await?;
    let by_number: HashMap<i64, i64> = found.into_iter().collect();
    Ok(legacy_ids
        .iter()
        .filter_map(|raw| {
            let number: i64 = raw.trim().parse().ok()?;
            Some((raw.clone(), *by_number.get(&number)?))
        })
        .collect())
}

/// `GET /crm/v3/lists/idmapping?legacyListId=` → `{legacyListId, listId}`.
async fn translate(call: Call, args: Args) -> ApiResult {
    call.authorize(&[READ]).await?;
    let legacy_id = args
        .get("legacyListId")
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| ApiError::validation("legacyListId is required"))?
        .to_owned();
    let found = mapping(&call, std::slice::from_ref(&legacy_id)).await?;
    let list_id = found
        .get(&legacy_id)
        .ok_or_else(|| ApiError::missing(format!("No list has the legacy list id {legacy_id}.")))?;
    Ok(
        axum::Json(json!({ "legacyListId": legacy_id, "listId": list_id.to_string() }))
            .into_response(),
    )
}

/// `POST /crm/v3/lists/idmapping` `["legacy id", …]` (≤ 10,000) →
/// `{legacyListIdsToIdsMapping: [{legacyListId, listId}], missingLegacyListIds}`, each id
/// once, in the order given.
async fn translate_batch(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[READ]).await?;
    let legacy_ids = strings(&body, "the body")?;
    if legacy_ids.len() > BATCH {
        return Err(ApiError::validation(format!(
            "At most {BATCH} legacy list ids can be translated at once, got {}.",
            legacy_ids.len()
        )));
    }
    let found = mapping(&call, &legacy_ids).await?;
    let mut seen = HashSet::new();
    let (mut mapped, mut missing) = (Vec::new(), Vec::new());
    for legacy_id in legacy_ids.iter().filter(|id| seen.insert(id.as_str())) {
        match found.get(legacy_id) {
            Some(list_id) => {
                mapped.push(json!({ "legacyListId": legacy_id, "listId": list_id.to_string() }))
            }
            None => missing.push(legacy_id),
        }
    }
    Ok(axum::Json(json!({
        "legacyListIdsToIdsMapping": mapped,
        "missingLegacyListIds": missing,
    }))
    .into_response())
}
