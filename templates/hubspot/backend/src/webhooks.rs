//! App webhooks: the app's target URL and subscriptions (set through the admin surface), and
//! the events writes raise — batched into JSON arrays of at most 100 events per request and
//! signed with `X-HubSpot-Signature-v3`, as HubSpot sends them, through the kit's outbox.

use std::time::{SystemTime, UNIX_EPOCH};

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::outbox::{self, Delivery, Signer};
use asym_kit::tokio_postgres::Row;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::request::{JsonBody, string_field};
use crate::types::{self, Text};

/// Most events in one webhook request.
const BATCH: usize = 100;

/// Something a write did that subscriptions may want to hear about.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    /// An object was created.
    Creation {
        /// Its type's singular (`contact`).
        kind: Text,
        /// Its id.
        id: i64,
    },
    /// A property of an object changed to `value`.
    PropertyChange {
        /// The type's singular.
        kind: Text,
        /// The object.
        id: i64,
        /// The property.
        name: String,
        /// Its new value (empty when cleared).
        value: String,
    },
    /// An object was archived or deleted.
    Deletion {
        /// The type's singular.
        kind: Text,
        /// The object.
        id: i64,
    },
    /// An association was added or removed.
    Association {
        /// The source type's singular.
        kind: Text,
        /// The target type's singular.
        to_kind: Text,
        /// The source object.
        from: i64,
        /// The target object.
        to: i64,
        /// The association type id.
        type_id: i32,
        /// Its category.
        category: String,
        /// Whether it was removed.
        removed: bool,
    },
}

impl Event {
    /// The subscription type it matches (`contact.creation`).
    fn subscription_type(&self) -> String {
        match self {
            Self::Creation { kind, .. } => format!("{kind}.creation"),
            Self::PropertyChange { kind, .. } => format!("{kind}.propertyChange"),
            Self::Deletion { kind, .. } => format!("{kind}.deletion"),
            Self::Association { kind, .. } => format!("{kind}.associationChange"),
        }
    }

    /// Its fields beside the common ones.
    fn fields(&self) -> Value {
        match self {
            Self::Creation { id, .. } => json!({ "objectId": id, "changeFlag": "NEW" }),
            Self::PropertyChange {
                id, name, value, ..
            } => json!({ "objectId": id, "propertyName": name, "propertyValue": value }),
            Self::Deletion { id, .. } => json!({ "objectId": id, "changeFlag": "DELETED" }),
            Self::Association {
                kind,
                to_kind,
                from,
                to,
                type_id,
                category,
                removed,
            } => json!({
                "associationType": format!("{kind}_TO_{to_kind}").to_uppercase(),
                "fromObjectId": from,
                "toObjectId": to,
                "associationRemoved": removed,
                "isPrimaryAssociation": false,
                "associationCategory": category,
                "associationTypeId": type_id,
            }),
        }
    }
}

/// Whether any active subscription listens to an event type of `kind` (the type's singular)
/// — so a write nobody listens to can skip its transaction.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn listened(client: &impl GenericClient, kind: &str) -> Result<bool, ApiError> {
    let statement = client
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM webhook_subscriptions
                            WHERE active AND split_part(event_type, '.', 1) = $1)",
        )
        .await?;
    Ok(client.query_one(&statement, &[&kind]).await?.get(0))
}

/// Enqueues `events` for every active subscription they match, inside the caller's
/// transaction. Returns whether anything was enqueued (then call [`Kit::wake_outbox`] after
/// committing).
///
/// # Errors
///
/// The statements' errors.
pub(crate) async fn emit(client: &impl GenericClient, events: &[Event]) -> Result<bool, ApiError> {
    if events.is_empty() {
        return Ok(false);
    }
    let kinds: Vec<String> = events.iter().map(Event::subscription_type).collect();
    let statement = client
        .prepare_cached(
            "SELECT s.id, s.event_type, s.property_name, w.app_id, w.target_url, w.secret,
                    (SELECT id FROM portal LIMIT 1)
             FROM webhook_subscriptions s CROSS JOIN webhook_settings w
             WHERE s.active AND s.event_type = ANY($1) ORDER BY s.id",
        )
        .await?;
    let subscriptions = client.query(&statement, &[&kinds]).await?;
    let Some(first) = subscriptions.first() else {
        return Ok(false);
    };
    let (app_id, url, secret, portal): (i64, String, String, i64) =
        (first.get(3), first.get(4), first.get(5), first.get(6));
    let occurred_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let mut bodies = Vec::new();
    for (event, kind) in events.iter().zip(&kinds) {
        for sub in &subscriptions {
            let (sub_id, event_type, property): (i64, String, Option<String>) =
                (sub.get(0), sub.get(1), sub.get(2));
            let wanted = &event_type == kind
                && match (event, &property) {
                    (Event::PropertyChange { name, .. }, Some(property)) => property == name,
                    _ => true,
                };
            if !wanted {
                continue;
            }
            let mut body = json!({
                "subscriptionId": sub_id,
                "portalId": portal,
                "appId": app_id,
                "occurredAt": occurred_at,
                "subscriptionType": kind,
                "attemptNumber": 0,
                "changeSource": "INTEGRATION",
                "sourceId": format!("{app_id}"),
            });
            if let (Some(target), Value::Object(fields)) = (body.as_object_mut(), event.fields()) {
                target.extend(fields);
            }
            bodies.push(body);
        }
    }
    if bodies.is_empty() {
        return Ok(false);
    }
    let ids = client
        .query_one(
            "SELECT setval('webhook_event_ids', nextval('webhook_event_ids') + $1 - 1)",
            &[&i64::try_from(bodies.len()).unwrap_or(1)],
        )
        .await?
        .get::<_, i64>(0);
    let base = ids - i64::try_from(bodies.len()).unwrap_or(1) + 1;
    for (offset, body) in bodies.iter_mut().enumerate() {
        if let Some(body) = body.as_object_mut() {
            body.insert("eventId".to_owned(), json!(base + offset as i64));
        }
    }
    for chunk in bodies.chunks(BATCH) {
        let event = chunk
            .first()
            .and_then(|b| b["subscriptionType"].as_str())
            .unwrap_or("batch")
            .to_owned();
        let delivery = Delivery::new(
            format!("app:{app_id}"),
            event,
            url.clone(),
            Signer::HubSpotV3,
            secret.clone(),
            Value::Array(chunk.to_vec()).to_string(),
        );
        outbox::enqueue(client, &delivery).await?;
    }
    Ok(true)
}

/// The admin surface that stands in for the developer portal: the app's webhook settings
/// and its subscriptions.
pub(crate) fn admin_routes() -> Router<Kit> {
    Router::new()
        .route(
            "/api/admin/webhooks/settings",
            get(get_settings).put(put_settings),
        )
        .route(
            "/api/admin/webhooks/subscriptions",
            get(subscriptions).post(subscribe),
        )
        .route(
            "/api/admin/webhooks/subscriptions/{id}",
            axum::routing::delete(unsubscribe),
        )
}

/// `GET /api/admin/webhooks/settings`.
async fn get_settings(State(kit): State<Kit>) -> ApiResult {
    let client = kit.db().await?;
    let row = client
        .query_opt(
            "SELECT app_id, target_url, secret FROM webhook_settings",
            &[],
        )
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(settings_json(row.get(0), row.get(1), row.get(2))).into_response())
}

fn settings_json(app_id: i64, url: String, secret: String) -> Value {
    json!({ "appId": app_id, "targetUrl": url, "clientSecret": secret })
}

/// `PUT /api/admin/webhooks/settings` `{targetUrl, clientSecret?, appId?}`: where the app's
/// events go and the secret that signs them (minted when not given).
async fn put_settings(State(kit): State<Kit>, JsonBody(body): JsonBody) -> ApiResult {
    let url = string_field(&body, "targetUrl")
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .ok_or_else(|| ApiError::validation("targetUrl must be an http(s) URL"))?;
    let secret =
        string_field(&body, "clientSecret").unwrap_or_else(|| asym_kit::token::random_hex(32));
    let app_id = body["appId"].as_i64().unwrap_or(1_000_001);
    let mut client = kit.db().await?;
    let tx = client.transaction().await?;
    tx.execute("DELETE FROM webhook_settings", &[]).await?;
    tx.execute(
        "INSERT INTO webhook_settings (app_id, target_url, secret) VALUES ($1, $2, $3)",
        &[&app_id, &url, &secret],
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(settings_json(app_id, url, secret)).into_response())
}

/// The subscription types HubSpot offers for the CRM objects this clone serves.
fn valid_event_type(event_type: &str) -> bool {
    let Some((kind, action)) = event_type.split_once('.') else {
        return false;
    };
    types::TYPES.iter().any(|t| t.singular == kind)
        && matches!(
            action,
            "creation" | "deletion" | "propertyChange" | "associationChange"
        )
}

/// `POST /api/admin/webhooks/subscriptions` `{eventType, propertyName?, active?}`.
async fn subscribe(State(kit): State<Kit>, JsonBody(body): JsonBody) -> ApiResult {
    let event_type = string_field(&body, "eventType")
        .filter(|e| valid_event_type(e))
        .ok_or_else(|| {
            ApiError::validation(
                "eventType must be <object>.creation, .deletion, .propertyChange or .associationChange",
            )
        })?;
    let property = string_field(&body, "propertyName");
    if event_type.ends_with(".propertyChange") && property.is_none() {
        return Err(ApiError::validation(
            "propertyName is required for propertyChange subscriptions",
        ));
    }
    let active = body["active"].as_bool().unwrap_or(true);
    let client = kit.db().await?;
    let row = client
        .query_one(
            &format!(
                "INSERT INTO webhook_subscriptions (event_type, property_name, active)
                 VALUES ($1, $2, $3) RETURNING {SUBSCRIPTION_COLUMNS}"
            ),
            &[&event_type, &property, &active],
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(subscription_json(&row))).into_response())
}

/// The columns [`subscription_json`] reads.
const SUBSCRIPTION_COLUMNS: &str = "id, event_type, property_name, active";

/// A subscription row (of [`SUBSCRIPTION_COLUMNS`]) as the admin API answers it.
fn subscription_json(row: &Row) -> Value {
    json!({
        "id": row.get::<_, i64>(0).to_string(),
        "eventType": row.get::<_, String>(1),
        "propertyName": row.get::<_, Option<String>>(2),
        "active": row.get::<_, bool>(3),
    })
}

/// `GET /api/admin/webhooks/subscriptions`.
async fn subscriptions(State(kit): State<Kit>) -> ApiResult {
    let client = kit.db().await?;
    let rows = client
        .query(
            &format!("SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions ORDER BY id"),
            &[],
        )
        .await?;
    let results: Vec<Value> = rows.iter().map(subscription_json).collect();
    Ok(axum::Json(json!({ "results": results })).into_response())
}

/// `DELETE /api/admin/webhooks/subscriptions/{id}`.
async fn unsubscribe(State(kit): State<Kit>, Path(id): Path<String>) -> ApiResult {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let client = kit.db().await?;
    let n = client
        .execute("DELETE FROM webhook_subscriptions WHERE id = $1", &[&id])
        .await?;
    if n == 0 {
        return Err(ApiError::not_found());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
