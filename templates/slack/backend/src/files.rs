//! Files, the current two-step way: `files.getUploadURLExternal` reserves a file and hands
//! out an upload URL served by the clone itself (`POST /upload/v1/<key>`, raw bytes or
//! `multipart/form-data`), `files.completeUploadExternal` names it and shares it into
//! channels; then `files.info`, `files.list`, `files.delete`, and the private download URLs
//! (`GET /files-pri/<team>-<file>/<name>`, bearer token required).

use std::collections::HashMap;

use asym_kit::deadpool_postgres::Transaction;
use asym_kit::tokio_postgres::Row;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use crate::auth::{Caller, caller_with, person};
use crate::error::{ApiError, ApiResult, reply};
use crate::model::conversation::{Conversation, Naming, channel_filter, resolve};
use crate::model::event::{emit, emit_and_commit};
use crate::model::message::{NewMessage, insert_message};
use crate::model::token::reader;
use crate::model::user::is_admin;
use crate::model::{canvas, list, preview};

use crate::{AppState, Call};

/// The upload and download URLs files hand out, outside the Web API.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/upload/v1/{key}", post(upload))
        .route("/files-pri/{id}/{name}", get(download))
        .route("/files-pri/{id}/download/{name}", get(download))
        .route("/files-tmb/{id}/{name}", get(thumbnail))
}

/// Largest file the clone accepts (Slack's limit is 1 GB; a test needs far less).
const MAX_FILE_BYTES: i64 = 64 * 1024 * 1024;

/// The columns [`file_json`] reads over `files f`.
pub(crate) const FILE_COLUMNS: &str =
    "f.id, f.team_id, f.user_id, f.created, f.name, f.title, f.alt_txt,
    f.snippet_type, COALESCE(octet_length(f.content), 0)::bigint, f.deleted, f.completed,
    f.public_url_shared, f.external_id, f.external_url, f.remote_type, f.preview_w,
    f.preview_h, f.preview_type";

/// `(mimetype, filetype, pretty_type)` by file name extension.
fn file_type(name: &str) -> (&'static str, &'static str, &'static str) {
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "txt" | "log" => ("text/plain", "text", "Plain Text"),
        "md" | "markdown" => ("text/plain", "markdown", "Markdown (raw)"),
        "csv" => ("text/csv", "csv", "CSV"),
        "json" => ("application/json", "json", "JSON"),
        "html" | "htm" => ("text/html", "html", "HTML"),
        "py" => ("text/plain", "python", "Python"),
        "rs" => ("text/plain", "rust", "Rust"),
        "js" => ("text/javascript", "javascript", "JavaScript"),
        "png" => ("image/png", "png", "PNG"),
        "jpg" | "jpeg" => ("image/jpeg", "jpg", "JPEG"),
        "gif" => ("image/gif", "gif", "GIF"),
        "pdf" => ("application/pdf", "pdf", "PDF"),
        "zip" => ("application/zip", "zip", "Zip"),
        _ => ("application/octet-stream", "binary", "Binary"),
    }
}

/// Where a file is shared: `(channel id, ts, shared by, kind, channel name)`.
type Share = (String, String, String, String, Option<String>);

/// The file object.
fn file_json(row: &Row, shares: &[Share], public_url: &str) -> Value {
    let id: String = row.get(0);
    let team: String = row.get(1);
    let name: String = row.get(4);
    let title: String = row.get(5);
    let alt_txt: Option<String> = row.get(6);
    let snippet_type: Option<String> = row.get(7);
    let (mimetype, filetype, pretty_type) = file_type(&name);
    // The name as a path segment: a file called `a b/c?.txt` must not break its URLs.
    let segment = asym_kit::form::encode(&name);
    let url = format!("{public_url}/files-pri/{team}-{id}/{segment}");
    let mut public = Map::new();
    let mut private = Map::new();
    let (mut channels, mut groups, mut ims) = (Vec::new(), Vec::new(), Vec::new());
    for (channel, ts, by, kind, channel_name) in shares {
        let share = json!({
            "reply_users": [], "reply_users_count": 0, "reply_count": 0, "ts": ts,
            "channel_name": channel_name.as_deref().unwrap_or_default(), "team_id": team,
            "share_user_id": by, "source": "UNKNOWN",
        });
        let (map, list) = match kind.as_str() {
            "public_channel" => (&mut public, &mut channels),
            "im" => (&mut private, &mut ims),
            _ => (&mut private, &mut groups),
        };
        if let Value::Array(items) = map.entry(channel.clone()).or_insert_with(|| json!([])) {
            items.push(share);
        }
        if !list.contains(channel) {
            list.push(channel.clone());
        }
    }
    let mut shares_json = Map::new();
    if !public.is_empty() {
        shares_json.insert("public".into(), Value::Object(public));
    }
    if !private.is_empty() {
        shares_json.insert("private".into(), Value::Object(private));
    }
    let mut file = json!({
        "id": id,
        "created": row.get::<_, i64>(3),
        "timestamp": row.get::<_, i64>(3),
        "name": name,
        "title": if title.is_empty() { name.clone() } else { title },
        "mimetype": mimetype,
        "filetype": snippet_type.clone().unwrap_or_else(|| filetype.to_owned()),
        "pretty_type": pretty_type,
        "user": row.get::<_, String>(2),
        "user_team": team,
        "editable": snippet_type.is_some(),
        "size": row.get::<_, i64>(8),
        "mode": if snippet_type.is_some() { "snippet" } else { "hosted" },
        "is_external": false,
        "external_type": "",
        "is_public": !channels.is_empty(),
        "public_url_shared": row.get::<_, bool>(11),
        "display_as_bot": false,
        "username": "",
        "url_private": url,
        "url_private_download": format!("{public_url}/files-pri/{team}-{id}/download/{segment}"),
        "permalink": format!("{public_url}/files/{}/{id}/{segment}", row.get::<_, String>(2)),
        "permalink_public": format!("{public_url}/{team}-{id}-{}", &asym_kit::token::hash(&id)[..10]),
        "comments_count": 0,
        "is_starred": false,
        "shares": shares_json,
        "channels": channels,
        "groups": groups,
        "ims": ims,
        "has_rich_preview": false,
        "file_access": "visible",
    });
    if let (Some(alt), Value::Object(fields)) = (alt_txt, &mut file) {
        fields.insert("alt_txt".into(), json!(alt));
    }
    if let (Some(external_id), Value::Object(fields)) =
        (row.get::<_, Option<String>>(12), &mut file)
    {
        remote_fields(fields, row, &external_id, public_url);
    }
    file
}

/// Turns the file object of a remote file (`files.remote.add`) into what Slack answers for
/// one: no bytes of its own (`size` 0, `mode` `external`), `url_private` its `external_url`
/// (no download or public URLs), `external_type` `app`; with a preview image, its thumbnails
/// (served by [`thumbnail`]).
fn remote_fields(fields: &mut Map<String, Value>, row: &Row, external_id: &str, public_url: &str) {
    let external_url: String = row.get::<_, Option<String>>(13).unwrap_or_default();
    let filetype = row.get::<_, Option<String>>(14);
    let title = fields["title"].clone();
    let slug = asym_kit::form::encode(&title.as_str().unwrap_or_default().to_lowercase());
    let permalink = fields["permalink"].as_str().unwrap_or_default();
    let permalink = format!(
        "{}/{slug}",
        permalink.rsplit_once('/').map_or("", |(base, _)| base)
    );
    for gone in ["url_private_download", "permalink_public", "alt_txt"] {
        fields.remove(gone);
    }
    for (key, value) in [
        ("name", title),
        ("mimetype", json!("application/vnd.slack-remote")),
        ("filetype", json!(filetype.as_deref().unwrap_or("remote"))),
        ("pretty_type", json!("Remote")),
        ("editable", json!(false)),
        ("size", json!(0)),
        ("mode", json!("external")),
        ("is_external", json!(true)),
        ("external_type", json!("app")),
        ("url_private", json!(external_url)),
        ("media_display_type", json!("unknown")),
        ("permalink", json!(permalink)),
        ("has_more_shares", json!(false)),
        ("external_id", json!(external_id)),
        ("external_url", json!(external_url)),
    ] {
        fields.insert(key.into(), value);
    }
    if let (Some(width), Some(height), Some(kind)) = (row.get(15), row.get(16), row.get(17)) {
        let (id, team): (&str, &str) = (row.get(0), row.get(1));
        let key = &asym_kit::token::hash(id)[..10];
        let base = format!("{public_url}/files-tmb/{team}-{id}-{key}/{slug}");
        preview::thumb_fields(fields, &base, (width, height, kind));
    }
}

/// The shares of `ids`, by file.
async fn shares_of(
    client: &asym_kit::deadpool_postgres::Object,
    ids: &[String],
) -> Result<HashMap<String, Vec<Share>>, ApiError> {
    let rows = client
        .query(
            "SELECT fs.file_id, fs.channel_id, fs.ts::text, fs.shared_by, c.kind, c.name
             FROM file_shares fs JOIN conversations c ON c.id = fs.channel_id
             WHERE fs.file_id = ANY($1) ORDER BY fs.ts",
            &[&ids],
        )
        .await?;
    let mut map: HashMap<String, Vec<Share>> = HashMap::new();
    for row in &rows {
        map.entry(row.get(0)).or_default().push((
            row.get(1),
            row.get(2),
            row.get(3),
            row.get(4),
            row.get(5),
        ));
    }
    Ok(map)
}

/// The file object of a row of [`FILE_COLUMNS`], with its shares from [`shares_of`].
fn shared_file_json(row: &Row, shares: &HashMap<String, Vec<Share>>, public_url: &str) -> Value {
    let id: &str = row.get(0);
    file_json(row, shares.get(id).map_or(&[], Vec::as_slice), public_url)
}

/// `files.getUploadURLExternal`: reserves a file of `length` bytes named `filename`.
pub(crate) async fn get_upload_url(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["files:write"]).await?;
    let filename = call.args.required("filename")?;
    let length = call
        .args
        .int("length")?
        .ok_or_else(|| ApiError::invalid_arguments("missing required field: length"))?;
    if length < 1 {
        return Err(ApiError::invalid_arguments(
            "invalid value for length: must be at least 1",
        ));
    }
    if length > MAX_FILE_BYTES {
        return Err(ApiError::new("file_too_large"));
    }
    let alt = call
        .args
        .non_empty("alt_txt")
        .or_else(|| call.args.non_empty("alt_text"));
    let key = asym_kit::token::random_alnum(40);
    let client = state.kit.db().await?;
    let row = client
        .query_one(
            "INSERT INTO files (team_id, user_id, bot_id, created, name, alt_txt, snippet_type,
                                length, upload_key)
             VALUES ($1, $2, $3, extract(epoch FROM now())::bigint, $4, $5, $6, $7, $8)
             RETURNING id",
            &[
                &caller.team_id,
                &caller.user_id,
                &caller.bot_id,
                &filename,
                &alt,
                &call.args.non_empty("snippet_type"),
                &length,
                &key,
            ],
        )
        .await?;
    let upload_url = format!("{}/upload/v1/{key}", state.kit.config().public_url);
    reply([
        ("upload_url", json!(upload_url)),
        ("file_id", json!(row.get::<_, String>(0))),
    ])
}

/// `POST /upload/v1/<key>`: the file's bytes, raw or as the file part of a
/// `multipart/form-data` body. Answers `OK - <bytes>` as Slack's upload host does.
pub(crate) async fn upload(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let content: &[u8] = match asym_kit::multipart::boundary(content_type) {
        Some(boundary) => match asym_kit::multipart::parse(&body, &boundary) {
            Some(parts) => {
                let file = parts
                    .iter()
                    .find(|part| part.filename.is_some())
                    .or_else(|| parts.first());
                match file {
                    Some(part) => part.body,
                    None => return (StatusCode::BAD_REQUEST, "no file part").into_response(),
                }
            }
            None => return (StatusCode::BAD_REQUEST, "malformed multipart body").into_response(),
        },
        None => &body,
    };
    let result: Result<u64, ApiError> = async {
        let client = state.kit.db().await?;
        Ok(client
            .execute(
                "UPDATE files SET content = $2 WHERE upload_key = $1 AND NOT completed",
                &[&key, &content],
            )
            .await?)
    }
    .await;
    match result {
        Ok(0) => (
            StatusCode::NOT_FOUND,
            "upload URL not found or already used",
        )
            .into_response(),
        Ok(_) => (StatusCode::OK, format!("OK - {}", content.len())).into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response(),
    }
}

/// `files.completeUploadExternal`: names uploaded files (`files=[{"id","title"}]`) and
/// shares them into `channel_id` (or `channels`), in one message with `initial_comment`.
pub(crate) async fn complete_upload(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["files:write"]).await?;
    let items = match call.args.json("files", "invalid_arguments")? {
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(_) => {
            return Err(ApiError::invalid_arguments(
                "files must be a non-empty array",
            ));
        }
        None => return Err(ApiError::invalid_arguments("missing required field: files")),
    };
    let mut wanted: Vec<(String, Option<String>)> = Vec::new();
    for item in &items {
        let id = item["id"]
            .as_str()
            .ok_or_else(|| ApiError::invalid_arguments("every file needs an id"))?;
        wanted.push((id.to_owned(), item["title"].as_str().map(str::to_owned)));
    }
    let mut channels: Vec<String> = call.args.list("channels");
    if let Some(channel) = call.args.non_empty("channel_id") {
        channels.insert(0, channel);
    }
    let mut conversations = Vec::new();
    for channel in &channels {
        let conversation = resolve(state, &caller, channel, Naming::IdOnly).await?;
        conversation.check_member_of_open()?;
        conversations.push(conversation);
    }
    let thread_ts = call.args.ts("thread_ts", "invalid_thread_ts")?;
    let comment = call.args.string("initial_comment").unwrap_or_default();
    let blocks = call.args.json("blocks", "invalid_blocks_format")?;
    match &blocks {
        Some(Value::Array(items)) => crate::model::blocks::validate(items)?,
        Some(_) => return Err(ApiError::new("invalid_blocks_format")),
        None => {}
    }

    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let ids: Vec<String> = wanted.iter().map(|(id, _)| id.clone()).collect();
    for (id, title) in &wanted {
        let updated = tx
            .execute(
                "UPDATE files SET completed = true, title = COALESCE($3, title)
                 WHERE id = $1 AND user_id = $2 AND NOT completed AND NOT deleted
                   AND content IS NOT NULL",
                &[id, &caller.user_id, title],
            )
            .await?;
        if updated == 0 {
            return Err(ApiError::new("file_not_found"));
        }
    }
    let rows = tx
        .query(
            &format!("SELECT {FILE_COLUMNS} FROM files f WHERE f.id = ANY($1) ORDER BY f.id"),
            &[&ids],
        )
        .await?;
    let public_url = &state.kit.config().public_url;
    let bare: Vec<Value> = ids
        .iter()
        .filter_map(|id| rows.iter().find(|row| row.get::<_, &str>(0) == id))
        .map(|row| file_json(row, &[], public_url))
        .collect();
    for conversation in &conversations {
        let message = NewMessage {
            text: comment.clone(),
            blocks: blocks.as_ref().map(Value::to_string),
            thread_ts,
            ..NewMessage::default()
        };
        share(&tx, &caller, conversation, &bare, message).await?;
    }
    state.commit(tx).await?;
    let shares = shares_of(&client, &ids).await?;
    let files: Vec<Value> = ids
        .iter()
        .filter_map(|id| rows.iter().find(|row| row.get::<_, &str>(0) == id))
        .map(|row| shared_file_json(row, &shares, public_url))
        .collect();
    let mut body = Map::new();
    body.insert("files".into(), Value::Array(files));
    Ok(body)
}

/// Posts `files` (file objects) into `conversation` as the caller, in `message` (its text,
/// blocks and thread), and records each file's share there with a `file_shared` event;
/// answers the message posted.
///
/// # Errors
///
/// As [`insert_message`]; `internal_error` when Postgres fails.
pub(crate) async fn share(
    tx: &Transaction<'_>,
    caller: &Caller,
    conversation: &Conversation,
    files: &[Value],
    message: NewMessage,
) -> Result<Value, ApiError> {
    // As the message shows them: public once shared into a public channel.
    let mut shown = files.to_vec();
    for file in &mut shown {
        file["is_public"] = json!(conversation.kind == "public_channel");
    }
    let message = NewMessage {
        user_id: caller.user_id.clone(),
        bot_id: caller.bot_id.clone(),
        team_id: caller.team_id.clone(),
        mrkdwn: true,
        files: Some(Value::Array(shown).to_string()),
        ..message
    };
    let posted = insert_message(tx, &conversation.id, &conversation.kind, &message).await?;
    let ts = posted["ts"].as_str().unwrap_or_default().to_owned();
    for file in files {
        let id = file["id"].as_str().unwrap_or_default();
        tx.execute(
            "INSERT INTO file_shares (file_id, channel_id, ts, shared_by)
             VALUES ($1, $2, $3::text::numeric, $4)",
            &[&id, &conversation.id, &ts, &caller.user_id],
        )
        .await?;
        let event = json!({
            "type": "file_shared",
            "file_id": id,
            "user_id": caller.user_id,
            "file": { "id": id },
            "channel_id": conversation.id,
            "event_ts": crate::ts::event_ts(),
        });
        emit(tx, "file_shared", Some(&conversation.id), &event).await?;
    }
    Ok(posted)
}

/// Files the caller may see: its own, and those shared where it can read (`$1` the team,
/// `$2` the caller).
pub(crate) const VISIBLE: &str = "f.completed AND f.team_id = $1 AND (f.user_id = $2 OR EXISTS (
        SELECT 1 FROM file_shares fs JOIN conversations c ON c.id = fs.channel_id
        WHERE fs.file_id = f.id AND (c.kind = 'public_channel' OR EXISTS (
            SELECT 1 FROM conversation_members cm
            WHERE cm.conversation_id = c.id AND cm.user_id = $2))))";

async fn visible_file(state: &AppState, caller: &Caller, id: &str) -> Result<Row, ApiError> {
    let client = state.kit.db().await?;
    let row = client
        .query_opt(
            &format!("SELECT {FILE_COLUMNS} FROM files f WHERE f.id = $3 AND {VISIBLE}"),
            &[&caller.team_id, &caller.user_id, &id.trim()],
        )
        .await?
        .ok_or_else(|| ApiError::new("file_not_found"))?;
    if row.get::<_, bool>(9) {
        return Err(ApiError::new("file_deleted"));
    }
    Ok(row)
}

/// The file the call's `file` argument names, as the caller may see it.
async fn file_arg(
    state: &AppState,
    caller: &Caller,
    call: &Call,
) -> Result<(String, Row), ApiError> {
    let id = call.args.non_empty_or("file", "file_not_found")?;
    let row = visible_file(state, caller, &id).await?;
    Ok((id, row))
}

/// `files.info`: one file (a canvas too, as the file it is).
pub(crate) async fn info(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["files:read"]).await?;
    let id = call.args.non_empty_or("file", "file_not_found")?;
    let public_url = &state.kit.config().public_url;
    let client = state.kit.db().await?;
    let canvas = canvas::file(&client, (&caller.team_id, &caller.user_id), &id, public_url);
    if let Some(canvas) = canvas.await? {
        return reply([
            ("file", canvas),
            ("comments", json!([])),
            ("response_metadata", json!({ "next_cursor": "" })),
        ]);
    }
    let (id, row) = file_arg(state, &caller, call).await?;
    let file = answered(state, &id, &row).await?;
    reply([
        ("file", file),
        ("comments", json!([])),
        ("response_metadata", json!({ "next_cursor": "" })),
    ])
}

/// The file objects of `rows` (of [`FILE_COLUMNS`]), with their shares.
pub(crate) async fn answered_rows(
    state: &AppState,
    client: &asym_kit::deadpool_postgres::Object,
    rows: &[&Row],
) -> Result<Vec<Value>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|row| row.get(0)).collect();
    let shares = shares_of(client, &ids).await?;
    let public_url = &state.kit.config().public_url;
    Ok(rows
        .iter()
        .map(|row| shared_file_json(row, &shares, public_url))
        .collect())
}

/// The file object of `row` (file `id`), with its shares.
async fn answered(state: &AppState, id: &str, row: &Row) -> Result<Value, ApiError> {
    let client = state.kit.db().await?;
    let shares = shares_of(&client, &[id.to_owned()]).await?;
    Ok(shared_file_json(
        row,
        &shares,
        &state.kit.config().public_url,
    ))
}

/// `files.sharedPublicURL` (user tokens only: `not_allowed_token_type` for a bot's) and
/// `files.revokePublicURL` (`shared: false`; bot or user tokens): turns the file's public
/// link on or off, answering the file (`public_url_shared`, `permalink_public`). Only the
/// file's owner may (another's file is `not_allowed`, as for a workspace where public
/// sharing is off); a file the caller cannot see is `file_not_found`.
pub(crate) async fn public_url(state: &AppState, call: &Call, shared: bool) -> ApiResult {
    let caller = if shared {
        person(state, call, "files:write").await?
    } else {
        caller_with(state, call, &["files:write"]).await?
    };
    let (id, row) = file_arg(state, &caller, call).await?;
    if row.get::<_, String>(2) != caller.user_id {
        return Err(ApiError::new("not_allowed"));
    }
    let client = state.kit.db().await?;
    client
        .execute(
            "UPDATE files SET public_url_shared = $2 WHERE id = $1",
            &[&id.trim(), &shared],
        )
        .await?;
    let row = visible_file(state, &caller, &id).await?;
    reply([("file", answered(state, &id, &row).await?)])
}

/// `files.list`: visible files, newest first, filtered by `channel`, `user`, `ts_from`,
/// `ts_to` and `types`, paged with `count` (default 100) and `page`.
pub(crate) async fn list(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["files:read"]).await?;
    let channel = channel_filter(state, &caller, call).await?;
    let user = call.args.non_empty("user");
    let ts_from = call.args.seconds("ts_from", "invalid_ts")?;
    let ts_to = call.args.seconds("ts_to", "invalid_ts")?;
    let types = call.args.list("types");
    let count = call
        .args
        .int("count")?
        .filter(|c| *c > 0)
        .unwrap_or(100)
        .min(1000);
    let page = call.args.int("page")?.filter(|p| *p > 0).unwrap_or(1);
    let client = state.kit.db().await?;
    let rows = client
        .query(
            &format!(
                "SELECT {FILE_COLUMNS} FROM files f
                 WHERE {VISIBLE} AND NOT f.deleted
                   AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM file_shares s
                        WHERE s.file_id = f.id AND s.channel_id = $3))
                   AND ($4::text IS NULL OR f.user_id = $4)
                   AND ($5::bigint IS NULL OR f.created >= $5)
                   AND ($6::bigint IS NULL OR f.created <= $6)
                 ORDER BY f.created DESC, f.id DESC"
            ),
            &[
                &caller.team_id,
                &caller.user_id,
                &channel,
                &user,
                &ts_from,
                &ts_to,
            ],
        )
        .await?;
    let wanted = |row: &&Row| -> bool {
        if types.is_empty() || types.iter().any(|t| t == "all") {
            return true;
        }
        let name: String = row.get(4);
        let (mimetype, filetype, _) = file_type(&name);
        let snippet = row.get::<_, Option<String>>(7).is_some();
        types.iter().any(|t| match t.as_str() {
            "images" => mimetype.starts_with("image/"),
            "pdfs" => filetype == "pdf",
            "zips" => filetype == "zip",
            "snippets" => snippet,
            "spaces" | "gdocs" => false,
            _ => false,
        })
    };
    let matching: Vec<&Row> = rows.iter().filter(wanted).collect();
    let per_page = usize::try_from(count).unwrap_or(100);
    let start = usize::try_from(page - 1)
        .unwrap_or(0)
        .saturating_mul(per_page);
    let (total, files) = if types.iter().any(|t| t == "canvas") {
        // Canvases are files: `types=canvas` lists them with the others, newest first.
        let filters = (channel.as_deref(), user.as_deref(), ts_from, ts_to);
        let mut all = answered_rows(state, &client, &matching).await?;
        let public_url = &state.kit.config().public_url;
        let viewer = (caller.team_id.as_str(), caller.user_id.as_str());
        all.extend(canvas::files(&client, viewer, filters, public_url).await?);
        all.sort_by_key(|file| std::cmp::Reverse(file["created"].as_i64()));
        let total = all.len();
        (total, all.into_iter().skip(start).take(per_page).collect())
    } else {
        let total = matching.len();
        let page_rows: Vec<&Row> = matching.into_iter().skip(start).take(per_page).collect();
        (total, answered_rows(state, &client, &page_rows).await?)
    };
    let mut body = Map::new();
    body.insert("files".into(), Value::Array(files));
    body.insert(
        "paging".into(),
        json!({
            "count": count,
            "total": total,
            "page": page,
            "pages": total.div_ceil(per_page.max(1)).max(1),
        }),
    );
    Ok(body)
}

/// `files.delete`: the caller's own file (an admin's user token may delete anyone's).
pub(crate) async fn delete(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["files:write"]).await?;
    let (id, row) = file_arg(state, &caller, call).await?;
    let owner: String = row.get(2);
    let mut client = state.kit.db().await?;
    if owner != caller.user_id && !is_admin(&client, &caller).await? {
        return Err(ApiError::new("cant_delete_file"));
    }
    let tx = client.transaction().await?;
    // Of two deletes at once, the one that waited on the row finds it deleted.
    let deleted = tx
        .execute(
            "UPDATE files SET deleted = true, content = NULL WHERE id = $1 AND NOT deleted",
            &[&id.trim()],
        )
        .await?;
    if deleted == 0 {
        return Err(ApiError::new("file_deleted"));
    }
    let event = tombstone(&tx, id.trim()).await?;
    emit_and_commit(state, tx, None, event).await
}

/// Turns deleted file `id` into a tombstone in the messages it was shared in, answering its
/// `file_deleted` event (with the channels it was shared in).
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn tombstone(tx: &Transaction<'_>, id: &str) -> Result<Value, ApiError> {
    tx.execute(
        "UPDATE messages SET files = (
             SELECT json_agg(CASE WHEN f->>'id' = $1
                                  THEN json_build_object('id', $1::text, 'mode', 'tombstone')
                                  ELSE f END)
             FROM json_array_elements(messages.files) f)
         WHERE (channel_id, ts) IN (SELECT channel_id, ts FROM file_shares WHERE file_id = $1)",
        &[&id],
    )
    .await?;
    let channels: Vec<String> = tx
        .query(
            "SELECT DISTINCT channel_id FROM file_shares WHERE file_id = $1",
            &[&id],
        )
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect();
    Ok(json!({
        "type": "file_deleted",
        "file_id": id,
        "channel_ids": channels,
    }))
}

/// `GET /files-pri/<team>-<file>/<name>` (and `/download/<name>`): the file's bytes, for a
/// request bearing a valid token, as Slack's private URLs require; a canvas's HTML for a
/// token whose holder may read it.
pub(crate) async fn download(
    State(state): State<AppState>,
    Path(params): Path<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let id = path_param(&params, "id");
    let Some((team, file)) = id.split_once('-') else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let token = bearer(&headers);
    // The bytes and their type.
    let result: Result<Option<(Vec<u8>, &'static str)>, ApiError> = async {
        let client = state.kit.db().await?;
        let hash = asym_kit::token::hash(token);
        let Some(reader) = reader(&client, team, &hash).await? else {
            return Ok(None);
        };
        if let Some(html) = canvas::download(&client, &reader, file).await? {
            return Ok(Some((html.into_bytes(), "text/html; charset=utf-8")));
        }
        if let Some(csv) = list::export(&client, &reader, file).await? {
            return Ok(Some((csv.into_bytes(), "text/csv; charset=utf-8")));
        }
        let row = client
            .query_opt(
                "SELECT f.content, f.name FROM files f
                 WHERE f.id = $1 AND f.team_id = $2 AND NOT f.deleted AND f.completed",
                &[&file, &team],
            )
            .await?;
        Ok(row.map(|row| {
            let (mimetype, _, _) = file_type(row.get(1));
            (
                row.get::<_, Option<Vec<u8>>>(0).unwrap_or_default(),
                mimetype,
            )
        }))
    }
    .await;
    served(result)
}

/// `GET /files-tmb/<team>-<file>-<key>/<name>_<n>.<kind>`: a remote file's preview image,
/// at each of its thumbnail URLs, for a request bearing a token of the file's workspace (as
/// Slack's thumbnails, like its private URLs, want one); 404 for anything else.
pub(crate) async fn thumbnail(
    State(state): State<AppState>,
    Path(params): Path<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let id = path_param(&params, "id");
    let mut ids = id.splitn(3, '-');
    let (Some(team), Some(file), Some(key)) = (ids.next(), ids.next(), ids.next()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if asym_kit::token::hash(file).get(..10) != Some(key) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let hash = asym_kit::token::hash(bearer(&headers));
    let found = async {
        let client = state.kit.db().await?;
        let row = client
            .query_opt(
                "SELECT f.preview, f.preview_type FROM files f
                 WHERE f.id = $1 AND f.team_id = $2 AND NOT f.deleted
                   AND f.preview IS NOT NULL
                   AND EXISTS (SELECT 1 FROM tokens t
                               WHERE t.token_hash = $3 AND t.team_id = $2)",
                &[&file, &team, &hash],
            )
            .await?;
        Ok(row.map(|row| {
            let kind: &str = row.get(1);
            let mimetype = if kind == "png" {
                "image/png"
            } else {
                "image/jpeg"
            };
            (row.get::<_, Vec<u8>>(0), mimetype)
        }))
    }
    .await;
    served(found)
}

/// A file's bytes under their type; 404 when there are none to serve, 503 when Postgres
/// failed.
pub(crate) fn served(found: Result<Option<(Vec<u8>, &'static str)>, ApiError>) -> Response {
    match found {
        Ok(Some((content, mimetype))) => ([(CONTENT_TYPE, mimetype)], content).into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// The path parameter `name` (empty when absent).
fn path_param<'a>(params: &'a [(String, String)], name: &str) -> &'a str {
    params
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

/// The bearer token of a request's `Authorization` header (empty without one).
fn bearer(headers: &HeaderMap) -> &str {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_follow_the_extension() {
        assert_eq!(file_type("report.PDF"), ("application/pdf", "pdf", "PDF"));
        assert_eq!(file_type("notes.txt").1, "text");
        assert_eq!(file_type("noext").1, "binary");
    }
}
