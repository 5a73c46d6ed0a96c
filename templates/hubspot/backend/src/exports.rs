//! CRM exports (`hubspot.crm.exports` / `crm.exports`), scope `crm.export`:
//! `POST /crm/v3/exports/export/async` writes a `VIEW` export (a type's live records, filtered
//! by `publicCrmSearchRequest.filters` as a search's filters are) as CSV at once and answers
//! 202 `{id, links}`; `GET /crm/v3/exports/export/async/tasks/{taskId}/status` answers it
//! `COMPLETE` with `result`, the URL its file is downloaded from (as HubSpot's is a signed URL
//! that needs no token: `GET /api/exports/{taskId}/{secret}/{exportName}.csv`).

use asym_kit::Kit;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::objects::model::ISO;
use crate::objects::search;
use crate::request::{Call, JsonBody, string_field, string_list};
use crate::types;

/// The scope every exports route needs.
const SCOPE: &str = "crm.export";

/// The exports routes.
pub(crate) fn routes() -> Router<Kit> {
    Router::new()
        .route("/crm/v3/exports/export/async", post(start))
        .route(
            "/crm/v3/exports/export/async/tasks/{task_id}/status",
            get(status),
        )
        .route("/api/exports/{task_id}/{secret}/{file}", get(download))
}

/// A field HubSpot's exports do not serve here.
fn not_served(what: &str) -> ApiError {
    ApiError::validation(format!("{what} is not served by this HubSpot clone"))
        .with("subCategory", json!("NOT_IMPLEMENTED"))
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// `POST /crm/v3/exports/export/async` `{exportType: "VIEW", format: "CSV", exportName,
/// objectType, objectProperties, publicCrmSearchRequest?: {filters}}` → 202 `{id, links}`.
async fn start(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    match body.get("exportType").and_then(Value::as_str) {
        Some("VIEW") => {}
        Some("LIST") => return Err(not_served("A LIST export")),
        _ => return Err(ApiError::unbuilt("PublicExportRequest", &["exportType"])),
    }
    match body.get("format").and_then(Value::as_str) {
        Some("CSV") => {}
        Some(other) => return Err(not_served(&format!("The {other} format"))),
        None => return Err(ApiError::unbuilt("PublicExportViewRequest", &["format"])),
    }
    let name = string_field(&body, "exportName")
        .ok_or_else(|| ApiError::unbuilt("PublicExportViewRequest", &["exportName"]))?;
    let named = string_field(&body, "objectType")
        .ok_or_else(|| ApiError::unbuilt("PublicExportViewRequest", &["objectType"]))?;
    let properties = string_list(&body, "objectProperties")?;
    let search_request = &body["publicCrmSearchRequest"];
    if string_field(search_request, "query").is_some_and(|q| !q.is_empty()) {
        return Err(not_served("publicCrmSearchRequest.query"));
    }
    let filters = match search_request.get("filters") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(filters)) => filters.clone(),
        Some(_) => {
            return Err(ApiError::validation(
                "Invalid input JSON: publicCrmSearchRequest.filters must be a list",
            ));
        }
    };
    let mut client = call.kit.db().await?;
    let object_type = match types::lookup(&named) {
        Some(stock) => std::borrow::Cow::Borrowed(stock),
        None => types::resolve(&client, &named).await?,
    };
    let names: Vec<&str> = properties.iter().map(String::as_str).collect();
    let defs = crate::values::definitions(&client, &object_type.name, &names).await?;
    if let Some(unknown) = names.iter().find(|n| !defs.contains_key(**n)) {
        return Err(ApiError::validation(format!(
            "Property \"{unknown}\" does not exist"
        )));
    }
    let labels = client
        .query(
            "SELECT name, label FROM properties WHERE object_type = $1 AND name = ANY($2)",
            &[&object_type.name.as_ref(), &names],
        )
        .await?;
    let label = |name: &str| {
        labels
            .iter()
            .find(|row| row.get::<_, &str>(0) == name)
            .map_or_else(|| name.to_owned(), |row| row.get(1))
    };
    let groups = if filters.is_empty() {
        Vec::new()
    } else {
        vec![json!({ "filters": filters })]
    };
    let mut condition = search::condition(&client, &object_type, &groups).await?;
    let kind = condition.bind(object_type.name.to_string());
    let rows = client
        .query(
            &format!(
                "SELECT o.id, o.properties::text FROM objects o
                 WHERE o.type = {kind} AND NOT o.archived AND {} ORDER BY o.id",
                condition.text
            ),
            &condition.params(),
        )
        .await?;
    let mut csv = std::iter::once("Record ID".to_owned())
        .chain(properties.iter().map(|name| field(&label(name))))
        .collect::<Vec<_>>()
        .join(",");
    csv.push_str("\r\n");
    for row in &rows {
        let id: i64 = row.get(0);
        let values: Value = serde_json::from_str(row.get(1)).unwrap_or_default();
        let line: Vec<String> = std::iter::once(id.to_string())
            .chain(
                properties
                    .iter()
                    .map(|name| field(values[name].as_str().unwrap_or_default())),
            )
            .collect();
        csv.push_str(&line.join(","));
        csv.push_str("\r\n");
    }
    let secret = asym_kit::token::random_hex(16);
    let tx = client.transaction().await?;
    let row = tx
        .query_one(
            "INSERT INTO exports (name, object_type, secret, csv) VALUES ($1, $2, $3, $4)
             RETURNING id",
            &[&name, &object_type.name.as_ref(), &secret, &csv],
        )
        .await?;
    tx.commit().await?;
    let id: i64 = row.get(0);
    let link = format!(
        "{}/crm/v3/exports/export/async/tasks/{id}/status",
        call.kit.config().public_url
    );
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(json!({ "id": id.to_string(), "links": { "status": link } })),
    )
        .into_response())
}

/// `GET /crm/v3/exports/export/async/tasks/{taskId}/status` → `{status: "COMPLETE", result,
/// requestedAt, startedAt, completedAt, numErrors: 0}`.
async fn status(call: Call) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    let id: i64 = call.numeric_param("task_id")?;
    let client = call.kit.db().await?;
    let row = client
        .query_opt(
            &format!(
                "SELECT name, secret, to_char(created_at AT TIME ZONE 'UTC', {ISO})
                 FROM exports WHERE id = $1"
            ),
            &[&id],
        )
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (name, secret, at): (String, String, String) = (row.get(0), row.get(1), row.get(2));
    let file: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let result = format!(
        "{}/api/exports/{id}/{secret}/{file}.csv",
        call.kit.config().public_url
    );
    Ok(axum::Json(json!({
        "status": "COMPLETE",
        "result": result,
        "numErrors": 0,
        "requestedAt": at,
        "startedAt": at,
        "completedAt": at,
        "links": {},
    }))
    .into_response())
}

/// `GET /api/exports/{taskId}/{secret}/{file}`: the export's CSV (`text/csv`), to whoever has
/// the URL, as HubSpot's signed file URLs are.
async fn download(
    State(kit): State<Kit>,
    Path((id, secret, _file)): Path<(String, String, String)>,
) -> ApiResult {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let row = kit
        .db()
        .await?
        .query_opt(
            "SELECT csv, name FROM exports WHERE id = $1 AND secret = $2",
            &[&id, &secret],
        )
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (csv, name): (String, String) = (row.get(0), row.get(1));
    let disposition = format!(
        "attachment; filename=\"{}.csv\"",
        name.replace(['"', '\\', '\r', '\n'], "_")
    );
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, disposition),
        ],
        csv,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_they_must_be() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }
}
