//! CRM imports (`hubspot.crm.imports` / `crm.imports`): `POST /crm/v3/imports` (a
//! `multipart/form-data` body: the `importRequest` JSON and the CSV `files`), processed at
//! once, so an import is `DONE` when its create answers; `GET /crm/v3/imports` (paged),
//! `GET …/{importId}`, `POST …/{importId}/cancel`, `GET …/{importId}/errors`. Scope
//! `crm.import`.

mod csv;
mod model;
mod plan;
mod run;

use asym_kit::Kit;
use asym_kit::body::{self, Limits};
use asym_kit::multipart::{self, Part};
use axum::Router;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::objects::render::page_by_id;
use crate::objects::{commit_with, now};
use crate::request::{Args, Call, LIMITS, after};

/// The scope every imports route needs.
const SCOPE: &str = "crm.import";

/// An upload's bounds: files larger than the JSON routes' bodies, the same JSON limits for
/// its `importRequest`.
const UPLOAD: Limits = Limits {
    max_bytes: 16 << 20,
    ..LIMITS
};

/// The imports routes.
pub(crate) fn routes() -> Router<Kit> {
    Router::new()
        .route("/crm/v3/imports", get(list).post(create))
        .route("/crm/v3/imports/", get(list).post(create))
        .route("/crm/v3/imports/{import_id}", get(read))
        .route("/crm/v3/imports/{import_id}/cancel", post(cancel))
        .route("/crm/v3/imports/{import_id}/errors", get(errors))
}

/// The import the path names.
///
/// # Errors
///
/// 404 for an id that is not a number.
fn import_id(call: &Call) -> Result<i64, ApiError> {
    call.numeric_param("import_id")
}

/// The multipart body's parts.
///
/// # Errors
///
/// 415 for a body that is not `multipart/form-data`; 400 for one that does not parse.
fn parts<'a>(headers: &HeaderMap, bytes: &'a [u8]) -> Result<Vec<Part<'a>>, ApiError> {
    let boundary = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(multipart::boundary)
        .ok_or_else(ApiError::unsupported_media_type)?;
    multipart::parse(bytes, &boundary)
        .ok_or_else(|| ApiError::validation("The multipart/form-data body could not be read"))
}

/// The records of each file `plan` names: the uploaded `files` part of its `fileName`, else
/// the one at its place.
///
/// # Errors
///
/// 400 for a file not uploaded, not UTF-8 (or holding a NUL, which no value can), or whose
/// quoted field is never closed.
fn files(plan: &plan::Plan, parts: &[Part<'_>]) -> Result<Vec<Vec<csv::Record>>, ApiError> {
    let uploads: Vec<&Part<'_>> = parts
        .iter()
        .filter(|part| part.name.as_deref() == Some("files"))
        .collect();
    plan.files
        .iter()
        .enumerate()
        .map(|(index, file)| {
            let upload = uploads
                .iter()
                .find(|part| part.filename.as_deref() == Some(file.name.as_str()))
                .or_else(|| uploads.get(index))
                .ok_or_else(|| {
                    ApiError::validation(format!(
                        "No file was uploaded for {} (a files part of that file name)",
                        file.name
                    ))
                })?;
            let text = std::str::from_utf8(upload.body)
                .ok()
                .filter(|text| !text.contains('\0'))
                .ok_or_else(|| {
                    ApiError::validation(format!(
                        "{} is not a UTF-8 CSV file (or holds a NUL character)",
                        file.name
                    ))
                })?;
            csv::parse(text).map_err(|line| {
                ApiError::validation(format!(
                    "{}: the quoted field on line {line} is never closed",
                    file.name
                ))
            })
        })
        .collect()
}

/// `POST /crm/v3/imports`: reads the request and its files, writes every row it can in one
/// transaction with the import's record, and answers the import, `DONE`.
async fn create(call: Call, headers: HeaderMap, upload: axum::body::Body) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    let bytes = body::read(upload, &UPLOAD).await?;
    let parts = parts(&headers, &bytes)?;
    let request = parts
        .iter()
        .find(|part| part.name.as_deref() == Some("importRequest"))
        .ok_or_else(|| ApiError::unbuilt("ImportRequest", &["importRequest"]))?;
    let request = body::json(request.body, &LIMITS)?;
    let mut client = call.kit.db().await?;
    let plan = plan::read(&client, &request).await?;
    let records = files(&plan, &parts)?;
    let tx = client.transaction().await?;
    let id = model::start(&tx, &plan.name, &request, &plan.type_ids).await?;
    let files: Vec<(Vec<csv::Record>, i64)> = records
        .into_iter()
        .enumerate()
        .map(|(index, records)| (records, model::file_id(id, index)))
        .collect();
    let outcome = run::run(&tx, &plan, &files).await?;
    model::finish(&tx, id, files.len(), &outcome).await?;
    commit_with(&call.kit, tx, &outcome.events).await?;
    Ok(axum::Json(model::get(&client, id).await?).into_response())
}

/// `GET /crm/v3/imports` (`limit` ≤ 100, `after`).
async fn list(call: Call, args: Args) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    let limit = args.limit(100, 100)?;
    let after = after(args.get("after"))?;
    let client = call.kit.db().await?;
    let results = model::list(&client, after, limit + 1).await?;
    let link = format!("{}/crm/v3/imports/", call.kit.config().public_url);
    Ok(axum::Json(page_by_id(results, limit, &link)).into_response())
}

/// `GET /crm/v3/imports/{importId}`.
async fn read(call: Call) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    let id = import_id(&call)?;
    let client = call.kit.db().await?;
    Ok(axum::Json(model::get(&client, id).await?).into_response())
}

/// `POST /crm/v3/imports/{importId}/cancel`: an import is done when created, so there is
/// nothing left to stop: `COMPLETE`, its state as it was.
async fn cancel(call: Call) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    let id = import_id(&call)?;
    let client = call.kit.db().await?;
    let import = model::get(&client, id).await?;
    let at = now();
    let link = format!("{}/crm/v3/imports/{id}", call.kit.config().public_url);
    Ok(axum::Json(json!({
        "status": "COMPLETE",
        "requestedAt": at,
        "startedAt": at,
        "completedAt": import["updatedAt"].as_str().map_or_else(|| at.clone(), str::to_owned),
        "links": { "import": link },
    }))
    .into_response())
}

/// `GET /crm/v3/imports/{importId}/errors` (`limit` ≤ 500, `after`, `includeErrorMessage`,
/// `includeRowData`).
async fn errors(call: Call, args: Args) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    let id = import_id(&call)?;
    let limit = args.limit(100, 500)?;
    let after = after(args.get("after"))?;
    let client = call.kit.db().await?;
    model::get(&client, id).await?;
    let include = (
        args.flag("includeErrorMessage"),
        args.flag("includeRowData"),
    );
    let results = model::errors(&client, id, after, limit + 1, include).await?;
    let link = format!(
        "{}/crm/v3/imports/{id}/errors",
        call.kit.config().public_url
    );
    Ok(axum::Json(page_by_id(results, limit, &link)).into_response())
}
