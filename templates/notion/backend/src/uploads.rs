//! File uploads (`/v1/file_uploads`): create one (`single_part`, `multi_part`,
//! `external_url`), send its bytes (`multipart/form-data`, by part for `multi_part`),
//! complete a multi-part one, retrieve and list them; the bytes served at
//! `/files/{id}/{filename}`; and attaching one (`{"type": "file_upload", "file_upload":
//! {"id"}}`) to a media block, a `files` property, a page icon or cover ([`attach`]).
//!
//! The bytes live in the clone's database (`file_uploads.content`; parts in
//! `file_upload_parts` until completed). An upload expires an hour after it is created
//! unless attached first; attaching clears its `expiry_time`.

use std::collections::HashMap;

use asym_kit::Kit;
use asym_kit::body::{self, BodyError, Limits};
use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::multipart::{self, Part};
use asym_kit::tokio_postgres::Row;
use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult, invalid};
use crate::request::{Ctx, Paging, Path, path_id};
use crate::seek::{Keyed, Order};
use crate::webhooks;

/// Most bytes of a single-part upload, and of one part of a multi-part upload.
const PART_MAX: usize = 20 << 20;
/// Fewest bytes of a part of a multi-part upload other than the last.
const PART_MIN: usize = 5 << 20;
/// Most parts of a multi-part upload.
const MAX_PARTS: i64 = 1_000;
/// Most bytes of a file name.
const MAX_FILENAME: usize = 900;

/// The file types Notion accepts: extension and MIME type (the first extension of a type
/// is the one added to a file name without one).
const TYPES: &[(&str, &str)] = &[
    ("aac", "audio/aac"),
    ("mid", "audio/midi"),
    ("midi", "audio/midi"),
    ("mp3", "audio/mpeg"),
    ("m4a", "audio/mp4"),
    ("ogg", "audio/ogg"),
    ("oga", "audio/ogg"),
    ("wav", "audio/wav"),
    ("wma", "audio/x-ms-wma"),
    ("pdf", "application/pdf"),
    ("txt", "text/plain"),
    ("json", "application/json"),
    ("csv", "text/csv"),
    ("md", "text/markdown"),
    ("html", "text/html"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("ppt", "application/vnd.ms-powerpoint"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("zip", "application/zip"),
    ("gif", "image/gif"),
    ("heic", "image/heic"),
    ("ico", "image/vnd.microsoft.icon"),
    ("jpeg", "image/jpeg"),
    ("jpg", "image/jpeg"),
    ("png", "image/png"),
    ("svg", "image/svg+xml"),
    ("tif", "image/tiff"),
    ("tiff", "image/tiff"),
    ("webp", "image/webp"),
    ("bmp", "image/bmp"),
    ("amv", "video/x-amv"),
    ("asf", "video/x-ms-asf"),
    ("avi", "video/x-msvideo"),
    ("f4v", "video/x-f4v"),
    ("flv", "video/x-flv"),
    ("gifv", "video/mp4"),
    ("m4v", "video/mp4"),
    ("mp4", "video/mp4"),
    ("mkv", "video/x-matroska"),
    ("webm", "video/webm"),
    ("mov", "video/quicktime"),
];

/// The MIME type of `filename`'s extension, when Notion accepts it.
fn type_of_name(filename: &str) -> Option<&'static str> {
    let (_, ext) = filename.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    TYPES.iter().find(|(e, _)| *e == ext).map(|(_, t)| *t)
}

/// `content_type` (parameters dropped), when Notion accepts it.
fn known_type(content_type: &str) -> Option<&'static str> {
    let bare = content_type.split(';').next().unwrap_or("").trim();
    TYPES
        .iter()
        .find(|(_, t)| t.eq_ignore_ascii_case(bare))
        .map(|(_, t)| *t)
}

/// `filename` with the extension of `content_type` added when it has none Notion knows.
fn with_extension(filename: &str, content_type: &str) -> String {
    if type_of_name(filename).is_some() {
        return filename.to_owned();
    }
    match TYPES.iter().find(|(_, t)| *t == content_type) {
        Some((ext, _)) => format!("{filename}.{ext}"),
        None => filename.to_owned(),
    }
}

fn unsupported(what: &str) -> ApiError {
    ApiError::validation(format!(
        "The file type of {what} is not supported for upload. See https://developers.notion.com/docs/working-with-files-and-media#supported-file-types."
    ))
}

/// The columns [`render`] reads; `status` is `expired` once a pending or unattached
/// upload is past its expiry time.
const COLUMNS: &str = "id, mode,
    CASE WHEN status <> 'failed' AND expiry_time <= now() THEN 'expired' ELSE status END AS status,
    filename, content_type, content_length, number_of_parts,
    (SELECT count(*) FROM file_upload_parts WHERE upload_id = u.id),
    nt(created_time), nt(last_edited_time), nt(expiry_time), created_by, import_result::text";

/// A file upload row as answered.
fn render(ctx: &Ctx, row: &Row) -> Value {
    let id: String = row.get(0);
    let mode: &str = row.get(1);
    let status: &str = row.get(2);
    let mut out = Map::new();
    out.insert("object".into(), "file_upload".into());
    out.insert("id".into(), id.clone().into());
    out.insert("created_time".into(), row.get::<_, String>(8).into());
    out.insert(
        "created_by".into(),
        json!({ "id": row.get::<_, String>(11), "type": "bot" }),
    );
    out.insert("last_edited_time".into(), row.get::<_, String>(9).into());
    out.insert("archived".into(), false.into());
    out.insert("in_trash".into(), false.into());
    out.insert(
        "expiry_time".into(),
        row.get::<_, Option<String>>(10).into(),
    );
    out.insert("status".into(), status.into());
    out.insert("filename".into(), row.get::<_, Option<String>>(3).into());
    out.insert(
        "content_type".into(),
        row.get::<_, Option<String>>(4).into(),
    );
    out.insert("content_length".into(), row.get::<_, Option<i64>>(5).into());
    if mode != "external_url" && status == "pending" {
        let base = format!("{}/v1/file_uploads/{id}", ctx.base_url());
        out.insert("upload_url".into(), format!("{base}/send").into());
        if mode == "multi_part" {
            out.insert("complete_url".into(), format!("{base}/complete").into());
        }
    }
    if let Some(result) = row.get::<_, Option<&str>>(12) {
        out.insert(
            "file_import_result".into(),
            serde_json::from_str(result).unwrap_or(Value::Null),
        );
    }
    if mode == "multi_part" {
        let total: Option<i32> = row.get(6);
        out.insert(
            "number_of_parts".into(),
            json!({ "total": total, "sent": row.get::<_, i64>(7) }),
        );
    }
    Value::Object(out)
}

/// The integration's upload `id` as [`render`] reads it (404 when it has none such).
async fn fetch(ctx: &Ctx, client: &impl GenericClient, id: &str) -> ApiResult<Row> {
    read(ctx, client, id, "").await
}

/// [`fetch`], locking the upload until `tx` ends: what send and complete change.
async fn locked(ctx: &Ctx, tx: &Transaction<'_>, id: &str) -> ApiResult<Row> {
    read(ctx, tx, id, "FOR UPDATE OF u").await
}

async fn read(ctx: &Ctx, client: &impl GenericClient, id: &str, lock: &str) -> ApiResult<Row> {
    client
        .query_opt(
            &format!(
                "SELECT {COLUMNS} FROM file_uploads u WHERE id = $1 AND created_by = $2 {lock}"
            ),
            &[&id, &ctx.bot],
        )
        .await?
        .ok_or_else(|| ApiError::not_found("file upload", id))
}

/// An optional string member of the create body.
fn optional<'a>(body: &'a Map<String, Value>, key: &str) -> ApiResult<Option<&'a str>> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(invalid(&format!("body.{key}"), "a string", other)),
    }
}

fn undefined(path: &str) -> ApiError {
    ApiError::validation(format!(
        "body failed validation: {path} should be defined, instead was `undefined`."
    ))
}

/// What a create body asks for, checked.
struct NewUpload {
    mode: &'static str,
    filename: Option<String>,
    content_type: Option<&'static str>,
    parts: Option<i32>,
    external_url: Option<String>,
}

fn new_upload(body: &Map<String, Value>) -> ApiResult<NewUpload> {
    let mode = match body.get("mode") {
        None | Some(Value::Null) => "single_part",
        Some(Value::String(m)) if m == "single_part" => "single_part",
        Some(Value::String(m)) if m == "multi_part" => "multi_part",
        Some(Value::String(m)) if m == "external_url" => "external_url",
        Some(other) => {
            return Err(invalid(
                "body.mode",
                "`\"single_part\"`, `\"multi_part\"`, or `\"external_url\"`",
                other,
            ));
        }
    };
    let content_type = optional(body, "content_type")?
        .map(|t| known_type(t).ok_or_else(|| unsupported(&format!("content type `{t}`"))))
        .transpose()?;
    let filename = optional(body, "filename")?;
    let parts = match (mode, body.get("number_of_parts")) {
        ("multi_part", None | Some(Value::Null)) => return Err(undefined("body.number_of_parts")),
        ("multi_part", Some(n)) => Some(
            n.as_i64()
                .filter(|n| (1..=MAX_PARTS).contains(n))
                .and_then(|n| i32::try_from(n).ok())
                .ok_or_else(|| {
                    invalid(
                        "body.number_of_parts",
                        &format!("an integer between 1 and {MAX_PARTS}"),
                        n,
                    )
                })?,
        ),
        (_, None | Some(Value::Null)) => None,
        (_, Some(_)) => {
            return Err(ApiError::validation(
                "body failed validation: body.number_of_parts should be not present unless body.mode is `\"multi_part\"`.",
            ));
        }
    };
    let external_url = match (mode, optional(body, "external_url")?) {
        ("external_url", None) => return Err(undefined("body.external_url")),
        ("external_url", Some(url)) if !url.starts_with("https://") => {
            return Err(ApiError::validation(format!(
                "body failed validation: body.external_url should be a URL using HTTPS, instead was `\"{url}\"`."
            )));
        }
        ("external_url", Some(url)) => Some(url.to_owned()),
        (_, None) => None,
        (_, Some(_)) => {
            return Err(ApiError::validation(
                "body failed validation: body.external_url should be not present unless body.mode is `\"external_url\"`.",
            ));
        }
    };
    if mode != "single_part" && filename.is_none() {
        return Err(undefined("body.filename"));
    }
    let filename = filename
        .map(|name| name_for(name, content_type))
        .transpose()?;
    let content_type = content_type.or_else(|| filename.as_deref().and_then(type_of_name));
    if mode != "single_part" && content_type.is_none() {
        return Err(unsupported(&format!(
            "`{}`",
            filename.as_deref().unwrap_or_default()
        )));
    }
    Ok(NewUpload {
        mode,
        filename,
        content_type,
        parts,
        external_url,
    })
}

/// A file name as stored: the content type's extension added when it has none; at most
/// 900 bytes; of a type Notion accepts, matching `content_type` when both are known.
fn name_for(name: &str, content_type: Option<&str>) -> ApiResult<String> {
    let name = match content_type {
        Some(t) => with_extension(name, t),
        None => name.to_owned(),
    };
    if name.len() > MAX_FILENAME {
        return Err(ApiError::validation(format!(
            "body failed validation: body.filename.length should be ≤ `{MAX_FILENAME}`, instead was `{}`.",
            name.len()
        )));
    }
    match (type_of_name(&name), content_type) {
        (Some(by_name), Some(given)) if by_name != given => Err(ApiError::validation(format!(
            "The file extension of `{name}` does not match the content type `{given}`."
        ))),
        _ => Ok(name),
    }
}

/// `POST /v1/file_uploads`.
pub(crate) async fn create(ctx: &Ctx, body: &Map<String, Value>) -> ApiResult<Value> {
    let new = new_upload(body)?;
    let (status, result) = if new.mode == "external_url" {
        // The clone makes no outbound HTTPS requests: the import fails as Notion records a
        // failed one, saying why.
        let result = json!({
            "imported_time": chrono::Utc::now().format("%Y-%m-%dT%H:%M:00.000Z").to_string(),
            "type": "error",
            "error": {
                "type": "download_error",
                "code": "not_implemented",
                "message": "The asym clone does not download external files: send the file's bytes with mode single_part or multi_part instead.",
                "parameter": "external_url",
                "status_code": null,
            },
        });
        ("failed", Some(result.to_string()))
    } else {
        ("pending", None)
    };
    let id = crate::ids::new_uuid();
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    tx
        .execute(
            "INSERT INTO file_uploads (id, mode, status, filename, content_type, number_of_parts, external_url, import_result, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9)",
            &[
                &id,
                &new.mode,
                &status,
                &new.filename,
                &new.content_type,
                &new.parts,
                &new.external_url,
                &result,
                &ctx.bot,
            ],
        )
        .await?;
    let mut wake = webhooks::emit(&tx, "file_upload.created", &id, Value::Null, &ctx.bot).await?;
    if let Some(result) = &result {
        // An import that failed: Notion's `file_upload.upload_failed` carries its result.
        let result: Value = serde_json::from_str(result).unwrap_or(Value::Null);
        let data = json!({ "file_import_result": result });
        wake |= webhooks::emit(&tx, "file_upload.upload_failed", &id, data, &ctx.bot).await?;
    }
    let row = fetch(ctx, &tx, &id).await?;
    ctx.commit(tx, wake).await?;
    Ok(render(ctx, &row))
}

/// Announces that upload `id` holds its file (`file_upload.completed`).
async fn completed(ctx: &Ctx, tx: &Transaction<'_>, id: &str) -> ApiResult<bool> {
    webhooks::emit(tx, "file_upload.completed", id, Value::Null, &ctx.bot).await
}

/// Sends `file_upload.expired` for every upload whose `expiry_time` has passed (on the
/// clone's clock, Postgres's) unattached — pending, or uploaded and never attached
/// (attaching clears the expiry) — and was not announced yet. The clone runs nothing on its
/// own: this runs before uploads are retrieved or listed, and when the admin surface
/// expires one.
async fn announce_expired(kit: &Kit) -> ApiResult<()> {
    let mut client = kit.db().await?;
    let tx = client.transaction().await?;
    let rows = tx
        .query(
            "UPDATE file_uploads SET expiry_announced = true
             WHERE NOT expiry_announced AND status <> 'failed' AND expiry_time <= now()
             RETURNING id, created_by",
            &[],
        )
        .await?;
    let mut wake = false;
    for row in &rows {
        let (id, author): (&str, &str) = (row.get(0), row.get(1));
        wake |= webhooks::emit(&tx, "file_upload.expired", id, Value::Null, author).await?;
    }
    tx.commit().await?;
    if wake {
        kit.wake_outbox();
    }
    Ok(())
}

/// `POST /api/admin/file_uploads/{id}/expire`: upload `id`'s hour is up now (a test cannot
/// wait it out): a pending or unattached upload answers `expired` from then on, and
/// `file_upload.expired` is sent. 404 for an upload that is attached, failed or unknown.
pub(crate) async fn admin_expire(State(kit): State<Kit>, Path(id): Path<String>) -> Response {
    let result = async {
        let moved = kit
            .db()
            .await?
            .execute(
                "UPDATE file_uploads SET expiry_time = now()
                 WHERE id = $1 AND expiry_time IS NOT NULL AND status <> 'failed'",
                &[&id],
            )
            .await?;
        if moved == 0 {
            return Err(ApiError::not_found("file upload", &id));
        }
        announce_expired(&kit).await?;
        Ok(json!({ "id": id, "status": "expired" }))
    }
    .await;
    match result {
        Ok(body) => axum::Json(body).into_response(),
        Err(err) => err.into_response(),
    }
}

/// `GET /v1/file_uploads/{id}`.
pub(crate) async fn retrieve(ctx: &Ctx, id: &str) -> ApiResult<Value> {
    let id = path_id("file_upload_id", id)?;
    announce_expired(&ctx.kit).await?;
    let client = ctx.kit.db().await?;
    Ok(render(ctx, &fetch(ctx, &client, &id).await?))
}

/// `GET /v1/file_uploads?status=…`, newest first.
pub(crate) async fn list(ctx: &Ctx, status: Option<&str>, paging: Paging) -> ApiResult<Value> {
    if let Some(s) = status.filter(|s| !matches!(*s, "pending" | "uploaded" | "expired" | "failed"))
    {
        return Err(ApiError::validation(format!(
            "query failed validation: query.status should be `\"pending\"`, `\"uploaded\"`, `\"expired\"`, or `\"failed\"`, instead was `\"{s}\"`."
        )));
    }
    announce_expired(&ctx.kit).await?;
    let client = ctx.kit.db().await?;
    let list = Keyed {
        order: Order::new("u.id").by("u.created_time", true),
        select: &|seek, order| {
            format!(
                "SELECT * FROM (SELECT {COLUMNS} FROM file_uploads u WHERE created_by = $1 AND {seek}
                   ORDER BY {order}) l
                 WHERE $2::text IS NULL OR l.status = $2 LIMIT $3"
            )
        },
        start: "FROM file_uploads u WHERE u.id = $4 AND u.created_by = $1",
        exists: "SELECT 1 FROM file_uploads WHERE id = $1 AND created_by = $2",
    };
    let limit = paging.limit();
    let rows = paging
        .keyed(&client, &list, vec![&ctx.bot, &status, &limit], &[&ctx.bot])
        .await?;
    let results = rows.iter().map(|row| render(ctx, row)).collect();
    Ok(paging.list(results, "file_upload"))
}

/// A send body's fields: the file part and `part_number`.
struct Sent<'a> {
    file: Part<'a>,
    part_number: Option<&'a str>,
}

fn form<'a>(headers: &HeaderMap, bytes: &'a [u8]) -> ApiResult<Sent<'a>> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let parts = multipart::boundary(content_type)
        .and_then(|boundary| multipart::parse(bytes, &boundary))
        .ok_or_else(|| {
            ApiError::validation(
                "Content-Type header failed validation: the request should be multipart/form-data with a boundary.",
            )
        })?;
    let mut file = None;
    let mut part_number = None;
    for part in parts {
        match part.name.as_deref() {
            Some("file") => file = Some(part),
            Some("part_number") => part_number = std::str::from_utf8(part.body).ok(),
            _ => {}
        }
    }
    let file = file.ok_or_else(|| {
        ApiError::validation(
            "body failed validation: body.file should be defined, instead was `undefined`.",
        )
    })?;
    Ok(Sent { file, part_number })
}

fn too_large(size: usize) -> ApiError {
    ApiError::validation(format!(
        "The file is too large: a single-part upload or one part of a multi-part upload holds at most {PART_MAX} bytes, instead was {size}. Use mode multi_part for larger files."
    ))
}

/// `POST /v1/file_uploads/{id}/send`: `multipart/form-data` with `file` (and
/// `part_number` for a multi-part upload).
pub(crate) async fn send(ctx: &Ctx, id: &str, headers: &HeaderMap, raw: Body) -> ApiResult<Value> {
    let id = path_id("file_upload_id", id)?;
    let limits = Limits {
        max_bytes: PART_MAX + (64 << 10),
        ..Default::default()
    };
    let bytes = body::read(raw, &limits).await.map_err(|err| match err {
        BodyError::TooLarge { .. } => too_large(PART_MAX + 1),
        other => ApiError::from(other),
    })?;
    let sent = form(headers, &bytes)?;
    if sent.file.body.len() > PART_MAX {
        return Err(too_large(sent.file.body.len()));
    }
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    let row = locked(ctx, &tx, &id).await?;
    let mode: &str = row.get(1);
    let status: &str = row.get(2);
    if mode == "external_url" {
        return Err(ApiError::validation(
            "File upload with mode `external_url` cannot be sent: Notion imports it from its URL.",
        ));
    }
    if status != "pending" {
        return Err(ApiError::validation(format!(
            "File upload {id} is `{status}`: only a pending upload can be sent."
        )));
    }
    let content_type = sent_type(&row, &sent.file)?;
    let mut wake = false;
    if mode == "multi_part" {
        let total: i32 = row.get(6);
        let number = sent
            .part_number
            .and_then(|n| n.trim().parse::<i32>().ok())
            .filter(|n| (1..=total).contains(n))
            .ok_or_else(|| {
                ApiError::validation(format!(
                    "body failed validation: body.part_number should be an integer between 1 and {total} (the upload's number_of_parts), instead was `{}`.",
                    sent.part_number.map_or("undefined".to_owned(), |n| format!("\"{n}\""))
                ))
            })?;
        if number < total && sent.file.body.len() < PART_MIN {
            return Err(ApiError::validation(format!(
                "Part {number} is {} bytes: every part but the last holds at least {PART_MIN} bytes (5 MiB).",
                sent.file.body.len()
            )));
        }
        tx.execute(
            "INSERT INTO file_upload_parts (upload_id, part_number, content) VALUES ($1, $2, $3)
             ON CONFLICT (upload_id, part_number) DO UPDATE SET content = EXCLUDED.content",
            &[&id, &number, &sent.file.body],
        )
        .await?;
        tx.execute(
            "UPDATE file_uploads SET last_edited_time = now() WHERE id = $1",
            &[&id],
        )
        .await?;
    } else {
        let filename = match (row.get::<_, Option<String>>(3), &sent.file.filename) {
            (Some(name), _) => name,
            (None, Some(name)) => name_for(name, Some(content_type))?,
            (None, None) => with_extension("file", content_type),
        };
        let length = sent.file.body.len() as i64;
        tx.execute(
            "UPDATE file_uploads SET status = 'uploaded', content = $2, content_length = $3,
                filename = $4, content_type = $5, last_edited_time = now()
             WHERE id = $1",
            &[&id, &sent.file.body, &length, &filename, &content_type],
        )
        .await?;
        wake = completed(ctx, &tx, &id).await?;
    }
    let row = fetch(ctx, &tx, &id).await?;
    ctx.commit(tx, wake).await?;
    Ok(render(ctx, &row))
}

/// The content type of a sent file: the upload's own, else the part's, else its name's.
/// A part whose type differs from the upload's is refused.
fn sent_type(row: &Row, file: &Part<'_>) -> ApiResult<&'static str> {
    let declared: Option<&str> = row.get(4);
    let given = file
        .content_type
        .as_deref()
        .filter(|t| !t.starts_with("application/octet-stream"));
    let by_part = given.and_then(known_type);
    if let (Some(declared), Some(given)) = (declared, given)
        && by_part != Some(declared)
    {
        return Err(ApiError::validation(format!(
            "The content type of the sent file, `{given}`, does not match the file upload's content type, `{declared}`."
        )));
    }
    declared
        .and_then(known_type)
        .or(by_part)
        .or_else(|| file.filename.as_deref().and_then(type_of_name))
        .or_else(|| row.get::<_, Option<&str>>(3).and_then(type_of_name))
        .ok_or_else(|| {
            unsupported(&format!(
                "`{}`",
                given
                    .or(file.filename.as_deref())
                    .unwrap_or("the sent file")
            ))
        })
}

/// `POST /v1/file_uploads/{id}/complete`: joins a multi-part upload's parts once every
/// one was sent.
pub(crate) async fn complete(ctx: &Ctx, id: &str, _body: &Map<String, Value>) -> ApiResult<Value> {
    let id = path_id("file_upload_id", id)?;
    let mut client = ctx.kit.db().await?;
    let tx = client.transaction().await?;
    let row = locked(ctx, &tx, &id).await?;
    let mode: &str = row.get(1);
    let status: &str = row.get(2);
    if mode != "multi_part" {
        return Err(ApiError::validation(format!(
            "File upload {id} has mode `{mode}`: only a multi_part upload is completed."
        )));
    }
    if status != "pending" {
        return Err(ApiError::validation(format!(
            "File upload {id} is `{status}`: only a pending upload can be completed."
        )));
    }
    let (total, sent): (i32, i64) = (row.get(6), row.get(7));
    if sent < i64::from(total) {
        return Err(ApiError::validation(format!(
            "File upload {id} expects {total} parts, but {sent} were sent."
        )));
    }
    tx.execute(
        "UPDATE file_uploads SET status = 'uploaded', last_edited_time = now(),
            content = (SELECT string_agg(content, ''::bytea ORDER BY part_number) FROM file_upload_parts WHERE upload_id = $1),
            content_length = (SELECT sum(length(content)) FROM file_upload_parts WHERE upload_id = $1)
         WHERE id = $1",
        &[&id],
    )
    .await?;
    tx.execute("DELETE FROM file_upload_parts WHERE upload_id = $1", &[&id])
        .await?;
    let wake = completed(ctx, &tx, &id).await?;
    let row = fetch(ctx, &tx, &id).await?;
    ctx.commit(tx, wake).await?;
    Ok(render(ctx, &row))
}

/// `GET /files/{id}/{filename}`: an uploaded file's bytes, for the `url` of the file
/// objects it is attached as (no token, as Notion's signed URLs need none).
pub(crate) async fn download(
    State(kit): State<asym_kit::Kit>,
    Path((id, _name)): Path<(String, String)>,
) -> Response {
    let found = async {
        let client = kit.db().await?;
        let row = client
            .query_opt(
                "SELECT content, content_type, filename FROM file_uploads
                 WHERE id = $1 AND status = 'uploaded' AND content IS NOT NULL",
                &[&id],
            )
            .await?;
        Ok::<_, ApiError>(row)
    }
    .await;
    match found {
        Ok(Some(row)) => {
            let content: Vec<u8> = row.get(0);
            let kind: Option<String> = row.get(1);
            let name: Option<String> = row.get(2);
            let disposition = format!(
                "inline; filename=\"{}\"",
                name.unwrap_or_default().replace('"', "")
            );
            (
                [
                    (
                        CONTENT_TYPE,
                        kind.unwrap_or_else(|| "application/octet-stream".into()),
                    ),
                    (CONTENT_DISPOSITION, disposition),
                ],
                content,
            )
                .into_response()
        }
        Ok(None) => (StatusCode::NOT_FOUND, "NoSuchKey").into_response(),
        Err(err) => err.into_response(),
    }
}

/// Turns every `{"type": "file_upload", "file_upload": {"id"}}` among `values` (each a
/// file object, or an array of them) into the Notion-hosted file object it stands for,
/// `{"type": "file", "file": {"url", "expiry_time"}}` (a `null` `name` becomes the file's
/// name, a `null` `category` its comment-attachment category), and marks those uploads attached. Only uploads of the integration that are
/// `uploaded` and not expired may be attached. Nothing is read when no value holds one.
pub(crate) async fn attach<'a>(
    client: &impl GenericClient,
    ctx: &Ctx,
    values: impl IntoIterator<Item = &'a mut Value>,
) -> ApiResult<()> {
    let mut found: Vec<&mut Map<String, Value>> = Vec::new();
    for value in values {
        match value {
            Value::Object(object) if is_upload(object) => found.push(object),
            Value::Array(items) => found.extend(items.iter_mut().filter_map(|item| match item {
                Value::Object(object) if is_upload(object) => Some(object),
                _ => None,
            })),
            _ => {}
        }
    }
    if found.is_empty() {
        return Ok(());
    }
    let ids = found
        .iter()
        .map(|object| upload_id(object))
        .collect::<ApiResult<Vec<String>>>()?;
    let rows = client
        .query(
            "SELECT id, filename,
                CASE WHEN status <> 'failed' AND expiry_time <= now() THEN 'expired' ELSE status END,
                coalesce(content_type, '')
             FROM file_uploads WHERE id = ANY($1) AND created_by = $2 FOR UPDATE",
            &[&ids, &ctx.bot],
        )
        .await?;
    let uploads: HashMap<String, (Option<String>, String, String)> = rows
        .iter()
        .map(|row| (row.get(0), (row.get(1), row.get(2), row.get(3))))
        .collect();
    let expiry = (chrono::Utc::now() + chrono::Duration::hours(1))
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    for (object, id) in found.into_iter().zip(&ids) {
        let (filename, status, content_type) = uploads.get(id).ok_or_else(|| {
            ApiError::validation(format!(
                "Could not find file upload with ID: {id}. Make sure the file upload was created by this integration."
            ))
        })?;
        if status != "uploaded" {
            return Err(ApiError::validation(format!(
                "File upload with ID {id} is `{status}`: only an uploaded file upload can be attached."
            )));
        }
        let filename = filename.clone().unwrap_or_default();
        let url = format!(
            "{}/files/{id}/{}",
            ctx.base_url(),
            asym_kit::form::encode(&filename)
        );
        object.remove("file_upload");
        object.insert("type".into(), "file".into());
        object.insert("file".into(), json!({ "url": url, "expiry_time": expiry }));
        if object.get("name").is_some_and(Value::is_null) {
            object.insert("name".into(), filename.into());
        }
        if object.get("category").is_some_and(Value::is_null) {
            object.insert("category".into(), category(content_type).into());
        }
    }
    client
        .execute(
            "UPDATE file_uploads SET expiry_time = NULL, last_edited_time = now() WHERE id = ANY($1)",
            &[&ids],
        )
        .await?;
    Ok(())
}

/// A comment attachment's `category` for a file of `content_type`.
fn category(content_type: &str) -> &'static str {
    match content_type.split('/').next().unwrap_or_default() {
        "image" => "image",
        "audio" => "audio",
        "video" => "video",
        _ if content_type == "application/pdf" => "pdf",
        _ => "productivity",
    }
}

fn is_upload(object: &Map<String, Value>) -> bool {
    object.get("type").and_then(Value::as_str) == Some("file_upload")
}

fn upload_id(object: &Map<String, Value>) -> ApiResult<String> {
    let id = object.get("file_upload").and_then(|f| f.get("id"));
    crate::request::body_id("body.file_upload.id", id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_types() {
        assert_eq!(type_of_name("a.PNG"), Some("image/png"));
        assert_eq!(type_of_name("a.exe"), None);
        assert_eq!(known_type("text/plain; charset=utf-8"), Some("text/plain"));
        assert_eq!(with_extension("notes", "text/plain"), "notes.txt");
        assert_eq!(with_extension("notes.md", "text/plain"), "notes.md");
        assert!(name_for("a.png", Some("application/pdf")).is_err());
        let body = json!({ "mode": "multi_part", "filename": "x.mp4" });
        assert!(new_upload(body.as_object().unwrap()).is_err());
        let body = json!({ "mode": "multi_part", "filename": "x.mp4", "number_of_parts": 2 });
        let new = new_upload(body.as_object().unwrap()).unwrap();
        assert_eq!((new.content_type, new.parts), (Some("video/mp4"), Some(2)));
    }
}
