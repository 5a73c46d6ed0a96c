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

/// The API version events are rendered in (`api_version`): the data sources era's, whose
/// event types (`data_source.*`) the clone sends.
const API_VERSION: &str = "2025-09-03";

/// Enqueues `event` about object `id` (with `data`, none when it is null) for every
/// verified subscription; returns whether any
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
    let (kind, _) = event.split_once('.').unwrap_or((event, ""));
    let statement = tx
        .prepare_cached(
            "SELECT id, url, verification_token, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')
             FROM webhook_subscriptions WHERE verified ORDER BY created_at",
        )
        .await?;
    let rows = tx.query(&statement, &[]).await?;
    for row in &rows {
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
            "api_version": API_VERSION,
            "entity": { "id": id, "type": kind },
        });
        if !data.is_null() {
            body["data"] = data.clone();
        }
        let delivery = Delivery::new(
            format!("subscription:{subscription}"),
            event,
            row.get::<_, String>(1),
            Signer::Notion,
            row.get::<_, String>(2),
            body.to_string(),
        );
        outbox::enqueue(tx, &delivery).await?;
    }
    Ok(!rows.is_empty())
}

fn subscription(row: &asym_kit::tokio_postgres::Row) -> Value {
    json!({
        "id": row.get::<_, String>(0),
        "url": row.get::<_, String>(1),
        "verified": row.get::<_, bool>(2),
        "created_at": row.get::<_, String>(3),
    })
}

const COLUMNS: &str = "id, url, verified, nt(created_at)";

/// `POST /api/admin/webhooks` `{"url"}`: creates a subscription and sends its verification
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
    let id = ids::new_uuid();
    let token = format!("secret_{}", asym_kit::token::random_alnum(43));
    let mut client = kit.db().await?;
    let tx = client.transaction().await?;
    let row = tx
        .query_one(
            &format!("INSERT INTO webhook_subscriptions (id, url, verification_token) VALUES ($1, $2, $3) RETURNING {COLUMNS}"),
            &[&id, &url, &token],
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
