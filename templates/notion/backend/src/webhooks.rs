//! Notion's integration webhooks: subscriptions set through the admin surface
//! (`/api/admin/webhooks`), the verification-token handshake, and events enqueued in the
//! outbox inside the write's transaction, signed `X-Notion-Signature: sha256=…` with the
//! subscription's verification token.

use asym_kit::Kit;
use asym_kit::deadpool_postgres::Transaction;
use asym_kit::outbox::{self, Delivery, Signer};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{self, get, post};
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::request::{self, Path};
use crate::workspace::{BOT_ID, WORKSPACE_ID, WORKSPACE_NAME};

/// The admin surface that stands in for the integration's webhook settings.
pub(crate) fn admin_routes() -> Router<Kit> {
    Router::new()
        .route("/api/admin/webhooks", get(list).post(create))
        .route("/api/admin/webhooks/{id}", routing::delete(delete))
        .route("/api/admin/webhooks/{id}/verify", post(verify))
}

/// The API version a subscription's events are rendered in when its creation names none:
/// the data sources era's, whose event types (`data_source.*`) the clone sends.
const API_VERSION: &str = "2025-09-03";

/// The API versions a subscription may be rendered in (Notion's `api_version` of an event).
const API_VERSIONS: [&str; 3] = ["2022-06-28", "2025-09-03", "2026-03-11"];

/// Every event type Notion's webhooks send (`@notionhq/client`'s webhook payload types), the
/// ones a subscription may choose.
const EVENT_TYPES: [&str; 31] = [
    "page.created",
    "page.properties_updated",
    "page.content_updated",
    "page.moved",
    "page.deleted",
    "page.undeleted",
    "page.locked",
    "page.unlocked",
    "page.transcription_block.transcript_deleted",
    "database.created",
    "database.content_updated",
    "database.schema_updated",
    "database.moved",
    "database.deleted",
    "database.undeleted",
    "data_source.created",
    "data_source.content_updated",
    "data_source.schema_updated",
    "data_source.moved",
    "data_source.deleted",
    "data_source.undeleted",
    "comment.created",
    "comment.updated",
    "comment.deleted",
    "file_upload.created",
    "file_upload.completed",
    "file_upload.expired",
    "file_upload.upload_failed",
    "view.created",
    "view.updated",
    "view.deleted",
];

/// The page events that change the content of the data source the page is in (its rows):
/// each also sends `data_source.content_updated`.
const ROW_EVENTS: [&str; 5] = [
    "page.created",
    "page.properties_updated",
    "page.deleted",
    "page.undeleted",
    "page.moved",
];

/// One event to send: its type, its object's id and its `data` (none when null).
type Event = (String, String, Value);

/// The `data_source.content_updated` a page event `event` about page `id` under
/// `data.parent` makes, when the page is a row of a data source: the data source is the
/// entity, its database the parent, the page the updated block.
fn row_change(event: &str, id: &str, data: &Value) -> Option<Event> {
    let parent = &data["parent"];
    let source = parent["data_source_id"].as_str()?;
    ROW_EVENTS.contains(&event).then(|| {
        (
            "data_source.content_updated".to_owned(),
            source.to_owned(),
            json!({
                "parent": { "id": parent["id"], "type": "database" },
                "updated_blocks": [{ "id": id, "type": "page" }],
            }),
        )
    })
}

/// The `data.parent` a database's event names: its page, or the workspace (`space`).
pub(crate) fn database_parent(parent_type: &str, parent_id: Option<String>) -> Value {
    match parent_type {
        "workspace" => json!({ "id": WORKSPACE_ID, "type": "space" }),
        _ => json!({ "id": parent_id, "type": "page" }),
    }
}

/// `event` as a subscription on API version `version` hears it: on `2022-06-28` a data
/// source's content and schema events are its database's deprecated
/// `database.content_updated` / `database.schema_updated` (the database the entity, its
/// parent the parent), and the other `data_source.*` events are not sent (that version has
/// no data sources), nor are `view.*` (views came with the data sources' API: their routes
/// are `2025-09-03`'s, their events name the view's `data_source_id`); later versions hear
/// every event as it is.
async fn in_version(
    tx: &Transaction<'_>,
    version: &str,
    (event, id, data): &Event,
) -> ApiResult<Option<Event>> {
    if version != "2022-06-28" {
        return Ok(Some((event.clone(), id.clone(), data.clone())));
    }
    if event.starts_with("view.") {
        return Ok(None);
    }
    let Some(what) = event.strip_prefix("data_source.") else {
        return Ok(Some((event.clone(), id.clone(), data.clone())));
    };
    if !matches!(what, "content_updated" | "schema_updated") {
        return Ok(None);
    }
    let database = data["parent"]["id"].as_str().unwrap_or_default();
    let row = tx
        .query_opt(
            "SELECT parent_type, parent_id FROM databases WHERE id = $1",
            &[&database],
        )
        .await?;
    let mut data = data.clone();
    if let Some(row) = row {
        data["parent"] = database_parent(row.get(0), row.get(1));
    }
    Ok(Some((
        format!("database.{what}"),
        database.to_owned(),
        data,
    )))
}

/// Enqueues `event` about object `id` (with `data`, none when it is null) for every
/// verified subscription that hears it, in the subscription's API version (a page event
/// about a data source's row also sends `data_source.content_updated`); returns whether any
/// was enqueued (then call `kit.wake_outbox()` after commit). The event names its object's
/// type before the dot (`page.moved` is about a page, `data_source.created` a data source),
/// which is the entity type Notion sends.
pub(crate) async fn emit(
    tx: &Transaction<'_>,
    event: &str,
    id: &str,
    data: Value,
    author: &str,
) -> ApiResult<bool> {
    let statement = tx
        .prepare_cached(
            "SELECT id, url, verification_token, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),
                    api_version, event_types
             FROM webhook_subscriptions WHERE verified ORDER BY created_at",
        )
        .await?;
    let rows = tx.query(&statement, &[]).await?;
    let mut events = Vec::from_iter(row_change(event, id, &data));
    events.insert(0, (event.to_owned(), id.to_owned(), data));
    let mut sent = false;
    for row in &rows {
        let version: String = row.get(4);
        let heard: Option<Vec<String>> = row.get(5);
        for event in &events {
            let Some((event, id, data)) = in_version(tx, &version, event).await? else {
                continue;
            };
            if heard.as_ref().is_some_and(|types| !types.contains(&event)) {
                continue;
            }
            let (kind, _) = event.split_once('.').unwrap_or((&event, ""));
            let subscription: String = row.get(0);
            let mut body = json!({
                "id": ids::new_uuid(),
                "timestamp": row.get::<_, String>(3),
                "workspace_id": WORKSPACE_ID,
                "workspace_name": WORKSPACE_NAME,
                "subscription_id": subscription,
                "integration_id": BOT_ID,
                "type": event,
                "authors": [{ "id": author, "type": "bot" }],
                "accessible_by": [{ "id": BOT_ID, "type": "bot" }],
                "attempt_number": 1,
                "api_version": version,
                "entity": { "id": id, "type": kind },
            });
            if !data.is_null() {
                body["data"] = data;
            }
            let delivery = Delivery::new(
                format!("subscription:{subscription}"),
                &event,
                row.get::<_, String>(1),
                Signer::Notion,
                row.get::<_, String>(2),
                body.to_string(),
            );
            outbox::enqueue(tx, &delivery).await?;
            sent = true;
        }
    }
    Ok(sent)
}

fn subscription(row: &asym_kit::tokio_postgres::Row) -> Value {
    json!({
        "id": row.get::<_, String>(0),
        "url": row.get::<_, String>(1),
        "verified": row.get::<_, bool>(2),
        "created_at": row.get::<_, String>(3),
        "api_version": row.get::<_, String>(4),
        "event_types": row.get::<_, Option<Vec<String>>>(5),
    })
}

const COLUMNS: &str = "id, url, verified, nt(created_at), api_version, event_types";

/// A subscription's `api_version` (one Notion renders events in; absent: `2025-09-03`) and
/// `event_types` (Notion's event types; absent: every type) from its creation's body.
fn choices(body: &serde_json::Map<String, Value>) -> ApiResult<(String, Option<Vec<String>>)> {
    let version = match body.get("api_version") {
        None => API_VERSION,
        Some(v) => v
            .as_str()
            .filter(|v| API_VERSIONS.contains(v))
            .ok_or_else(|| {
                ApiError::validation(format!(
                    "body.api_version should be one of {}, instead was `{v}`.",
                    API_VERSIONS.join(", ")
                ))
            })?,
    };
    let types = match body.get("event_types") {
        None => None,
        Some(Value::Array(types)) if !types.is_empty() => Some(
            types
                .iter()
                .map(|t| {
                    t.as_str()
                        .filter(|t| EVENT_TYPES.contains(t))
                        .map(str::to_owned)
                        .ok_or_else(|| {
                            ApiError::validation(format!(
                                "body.event_types should hold Notion's event types (such as `page.created`), instead held `{t}`."
                            ))
                        })
                })
                .collect::<ApiResult<Vec<_>>>()?,
        ),
        Some(other) => {
            return Err(ApiError::validation(format!(
                "body.event_types should be a non-empty array of event types, instead was `{other}`."
            )));
        }
    };
    Ok((version.to_owned(), types))
}

/// `POST /api/admin/webhooks` `{"url", "api_version"?, "event_types"?}`: creates a subscription and sends its verification
/// request (`{"verification_token": "secret_…"}`, unsigned) to the URL, as Notion does.
async fn create(State(kit): State<Kit>, body: Bytes) -> Response {
    respond(create_inner(&kit, &body).await, StatusCode::CREATED)
}

async fn create_inner(kit: &Kit, body: &[u8]) -> ApiResult<Value> {
    let body = crate::body::object(body)?;
    let url = body
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .ok_or_else(|| ApiError::validation("body.url should be an http(s) URL."))?;
    let (version, types) = choices(&body)?;
    let id = ids::new_uuid();
    let token = format!("secret_{}", asym_kit::token::random_alnum(43));
    let mut client = kit.db().await?;
    let tx = client.transaction().await?;
    let row = tx
        .query_one(
            &format!("INSERT INTO webhook_subscriptions (id, url, verification_token, api_version, event_types) VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}"),
            &[&id, &url, &token, &version, &types],
        )
        .await?;
    let payload = json!({ "verification_token": token }).to_string();
    outbox::enqueue(
        &tx,
        &Delivery::new(
            format!("subscription:{id}"),
            "verification",
            url,
            Signer::None,
            "",
            payload,
        ),
    )
    .await?;
    tx.commit().await?;
    kit.wake_outbox();
    Ok(subscription(&row))
}

/// `POST /api/admin/webhooks/{id}/verify` `{"verification_token"}`: the token the
/// receiver got; events flow once it matches.
async fn verify(State(kit): State<Kit>, Path(id): Path<String>, body: Bytes) -> Response {
    respond(verify_inner(&kit, &id, &body).await, StatusCode::OK)
}

async fn verify_inner(kit: &Kit, id: &str, body: &[u8]) -> ApiResult<Value> {
    let id = request::path_id("subscription_id", id)?;
    let body = crate::body::object(body)?;
    let token = body
        .get("verification_token")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let client = kit.db().await?;
    let row = client
        .query_opt(
            &format!("UPDATE webhook_subscriptions SET verified = true WHERE id = $1 AND verification_token = $2 RETURNING {COLUMNS}"),
            &[&id, &token],
        )
        .await?;
    row.map(|row| subscription(&row)).ok_or_else(|| {
        ApiError::validation("The verification token does not match this subscription.")
    })
}

/// `GET /api/admin/webhooks`: every subscription.
async fn list(State(kit): State<Kit>) -> Response {
    let result = async {
        let client = kit.db().await?;
        let rows = client
            .query(
                &format!("SELECT {COLUMNS} FROM webhook_subscriptions ORDER BY created_at"),
                &[],
            )
            .await?;
        Ok(json!({ "subscriptions": rows.iter().map(subscription).collect::<Vec<_>>() }))
    }
    .await;
    respond(result, StatusCode::OK)
}

/// `DELETE /api/admin/webhooks/{id}`.
async fn delete(State(kit): State<Kit>, Path(id): Path<String>) -> Response {
    let result = async {
        let id = request::path_id("subscription_id", &id)?;
        let client = kit.db().await?;
        let n = client
            .execute("DELETE FROM webhook_subscriptions WHERE id = $1", &[&id])
            .await?;
        if n == 0 {
            return Err(ApiError::not_found("webhook subscription", &id));
        }
        Ok(json!({ "deleted": true }))
    }
    .await;
    respond(result, StatusCode::OK)
}

fn respond(result: ApiResult<Value>, status: StatusCode) -> Response {
    match result {
        Ok(body) => (status, axum::Json(body)).into_response(),
        Err(err) => err.into_response(),
    }
}
