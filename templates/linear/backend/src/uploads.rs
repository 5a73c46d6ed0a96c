//! File uploads, as Linear takes them: `fileUpload(contentType:, filename:, size:,
//! makePublic:, metaData:)` declares a file and answers where to PUT it (`uploadUrl`, signed
//! by a token of its own, with the `headers` to send) and where it will be read
//! (`assetUrl`); `PUT /uploads/{id}?token=…` takes the bytes (at most the size declared, of
//! the type declared), and `GET /files/{id}/{filename}` serves them: to any request when the
//! file was made public, else only with the API's credentials (`Authorization`), as Linear's
//! file storage asks. Nothing is fetched from elsewhere (`imageUploadFromUrl` is not served).

use asym_kit::body::{self, Limits};
use asym_kit::deadpool_postgres::Client;
use asym_kit::tokio_postgres::Row;
use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::App;
use crate::args::{arg_str, context};
use crate::connection::object;
use crate::error::{self, Result, db};

/// The largest file the clone takes (the clone's limit; Linear's is larger).
const MAX_SIZE: i32 = 8 << 20;

/// Declares a file; `$1` token, then name, type, size, public, metadata, uploader.
const DECLARE: &str = "INSERT INTO uploads (token, filename, content_type, size, make_public,
         meta_data, uploader_id) VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7)
     RETURNING id, nextval('sync_id_seq')";

/// `fileUpload(...)`: `UploadPayload {success, lastSyncId, uploadFile}`.
pub(crate) async fn file_upload(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let (filename, content_type) = (arg_str(ctx, "filename")?, arg_str(ctx, "contentType")?);
    let size = ctx.args.try_get("size")?.i64()?;
    let size = i32::try_from(size)
        .ok()
        .filter(|size| (1..=MAX_SIZE).contains(size))
        .ok_or_else(|| {
            error::validation(&format!("size must be between 1 and {MAX_SIZE} bytes."))
        })?;
    if filename.trim().is_empty() || filename.contains('/') {
        return Err(error::validation("filename must be a file's name."));
    }
    let public = ctx.args.get("makePublic").and_then(|v| v.boolean().ok()) == Some(true);
    let meta = match ctx.args.get("metaData").filter(|v| !v.is_null()) {
        Some(value) => Some(
            value
                .as_value()
                .clone()
                .into_json()
                .map_err(error::internal)?,
        ),
        None => None,
    };
    let meta_text = meta.as_ref().map(serde_json::Value::to_string);
    let token = asym_kit::token::random_hex(32);
    let client = shared.kit.db().await.map_err(error::internal)?;
    let row = client
        .query_one(
            DECLARE,
            &[
                &token,
                &filename,
                &content_type,
                &size,
                &public,
                &meta_text,
                &viewer.user_id,
            ],
        )
        .await
        .map_err(db)?;
    let (id, sync): (String, i64) = (row.get(0), row.get(1));
    let headers = [
        (
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", filename.replace('"', "")),
        ),
        ("x-goog-content-length-range", format!("0,{size}")),
    ];
    let headers = headers
        .into_iter()
        .map(|(key, value)| object([("key", Value::from(key)), ("value", Value::from(value))]));
    let file = object([
        ("filename", Value::from(filename.as_str())),
        ("contentType", Value::from(content_type)),
        ("size", Value::from(size)),
        (
            "uploadUrl",
            Value::from(format!("{}/uploads/{id}?token={token}", shared.base)),
        ),
        (
            "assetUrl",
            Value::from(asset_url(&shared.base, &id, &filename)),
        ),
        ("headers", Value::List(headers.collect())),
        (
            "metaData",
            meta.map_or(Ok(Value::Null), Value::from_json)
                .map_err(error::internal)?,
        ),
    ]);
    Ok(object([
        ("success", Value::Boolean(true)),
        ("lastSyncId", Value::from(sync as f64)),
        ("uploadFile", file),
    ]))
}

/// Where file `id` named `filename` is read.
fn asset_url(base: &str, id: &str, filename: &str) -> String {
    let name: String = filename
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("{base}/files/{id}/{name}")
}

/// The signature of an upload URL.
#[derive(Debug, Deserialize)]
pub(crate) struct Signed {
    #[serde(default)]
    token: String,
}

/// A plain-text answer of `status`.
fn refuse(status: StatusCode, message: &str) -> Response {
    (status, message.to_owned()).into_response()
}

/// The row `found` (an upload by id, `$1`) reads of upload `id`, and the connection.
///
/// # Errors
///
/// 404 when `id` is no upload's (not a UUID, or none), 503 when Postgres does not answer.
async fn lookup(app: &App, id: &str, found: &str) -> std::result::Result<(Client, Row), Response> {
    let unavailable = || refuse(StatusCode::SERVICE_UNAVAILABLE, "Try again");
    if !asym_kit::token::is_uuid(id) {
        return Err(refuse(StatusCode::NOT_FOUND, "Not found"));
    }
    let client = app.shared.kit.db().await.map_err(|_| unavailable())?;
    match client.query_opt(found, &[&id]).await {
        Ok(Some(row)) => Ok((client, row)),
        Ok(None) => Err(refuse(StatusCode::NOT_FOUND, "Not found")),
        Err(_) => Err(unavailable()),
    }
}

/// `PUT /uploads/{id}?token=…`: the declared file's bytes.
pub(crate) async fn put(
    State(app): State<App>,
    Path(id): Path<String>,
    Query(signed): Query<Signed>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let found = "SELECT token, content_type, size FROM uploads WHERE id = $1";
    let (client, row) = match lookup(&app, &id, found).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let (token, declared, size): (String, String, i32) = (row.get(0), row.get(1), row.get(2));
    if !asym_kit::token::constant_time_eq(&token, &signed.token) {
        return refuse(
            StatusCode::FORBIDDEN,
            "The upload URL's signature does not match",
        );
    }
    let sent = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if sent.is_some_and(|sent| sent != declared) {
        return refuse(
            StatusCode::FORBIDDEN,
            "The Content-Type is not the one declared to fileUpload",
        );
    }
    let limits = Limits {
        max_bytes: usize::try_from(size).unwrap_or_default(),
        ..Limits::default()
    };
    let Ok(bytes) = body::read(body, &limits).await else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "The upload is larger than the size declared to fileUpload",
        );
    };
    let store = "UPDATE uploads SET content = $2, uploaded_at = now() WHERE id = $1";
    match client.execute(store, &[&id, &bytes.as_ref()]).await {
        Ok(_) => StatusCode::OK.into_response(),
        Err(_) => refuse(StatusCode::SERVICE_UNAVAILABLE, "Try again"),
    }
}

/// `GET /files/{id}/{filename}`: the uploaded bytes, with the declared type.
pub(crate) async fn get(
    State(app): State<App>,
    Path((id, _name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let found = "SELECT make_public, content_type, content FROM uploads
                 WHERE id = $1 AND content IS NOT NULL";
    let (client, row) = match lookup(&app, &id, found).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let (public, content_type, content): (bool, String, Vec<u8>) =
        (row.get(0), row.get(1), row.get(2));
    drop(client);
    if !public && let Err(refused) = crate::http::authenticate(&app, &headers).await {
        return refused;
    }
    ([(header::CONTENT_TYPE, content_type)], content).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_urls_escape_the_name() {
        assert_eq!(
            asset_url("http://x", "1", "screen shot é.png"),
            "http://x/files/1/screen%20shot%20%C3%A9.png"
        );
    }
}
