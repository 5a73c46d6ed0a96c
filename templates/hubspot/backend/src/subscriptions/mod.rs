//! The app's webhook settings and subscriptions (rows of `webhook_settings` and
//! `webhook_subscriptions`), as both HubSpot's webhooks API (`api`) and the admin surface
//! (`admin`) read and write them: one app per clone, the provisioned one until the admin
//! surface replaces it. The events they hear are raised in `webhooks`.

pub(crate) mod admin;
pub(crate) mod api;

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::objects::model::ISO;
use crate::request::string_field;
use crate::types;
use crate::webhooks::{ACTIONS, GENERIC, legacy_type};

/// The id of the app provisioning sets up (its client secret signs its events).
pub(crate) const APP_ID: i64 = 1_000_001;

/// The app's settings.
#[derive(Debug)]
pub(crate) struct Settings {
    /// The app's id.
    pub(crate) app_id: i64,
    /// Where its events go (none until set, or once cleared).
    pub(crate) target_url: Option<String>,
    /// The client secret that signs them.
    pub(crate) secret: String,
    /// Its throttling's `maxConcurrentRequests`.
    pub(crate) max_concurrent_requests: i32,
    /// When its target was set (RFC 3339).
    pub(crate) created_at: String,
    /// When its settings last changed (RFC 3339).
    pub(crate) updated_at: String,
}

/// The columns [`Settings::from_row`] reads.
fn settings_columns() -> String {
    format!(
        "app_id, target_url, secret, max_concurrent_requests,
         to_char(created_at AT TIME ZONE 'UTC', {ISO}), to_char(updated_at AT TIME ZONE 'UTC', {ISO})"
    )
}

impl Settings {
    fn from_row(row: &Row) -> Self {
        Self {
            app_id: row.get(0),
            target_url: row.get(1),
            secret: row.get(2),
            max_concurrent_requests: row.get(3),
            created_at: row.get(4),
            updated_at: row.get(5),
        }
    }
}

/// The app's settings, if an app is set up.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn settings(client: &impl GenericClient) -> Result<Option<Settings>, ApiError> {
    let row = client
        .query_opt(
            &format!("SELECT {} FROM webhook_settings", settings_columns()),
            &[],
        )
        .await?;
    Ok(row.as_ref().map(Settings::from_row))
}

/// Replaces the app with app `app_id`, its target `url` and client `secret` (provisioning's
/// app, without a target; the admin surface's settings).
///
/// # Errors
///
/// The statements' errors.
pub(crate) async fn replace(
    client: &impl GenericClient,
    app_id: i64,
    url: Option<&str>,
    secret: &str,
) -> Result<(), asym_kit::tokio_postgres::Error> {
    client.execute("DELETE FROM webhook_settings", &[]).await?;
    client
        .execute(
            "INSERT INTO webhook_settings (app_id, target_url, secret) VALUES ($1, $2, $3)",
            &[&app_id, &url, &secret],
        )
        .await?;
    Ok(())
}

/// Sets (or, with `None`, clears) app `app_id`'s target URL and throttling; `None` when the
/// clone's app is not `app_id`.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn configure(
    client: &impl GenericClient,
    app_id: i64,
    target: Option<(&str, i32)>,
) -> Result<Option<Settings>, ApiError> {
    let (url, max) = target.map_or((None, 0), |(url, max)| (Some(url), max));
    let row = client
        .query_opt(
            &format!(
                "UPDATE webhook_settings SET target_url = $2, max_concurrent_requests = $3,
                     created_at = CASE WHEN target_url IS NULL THEN now() ELSE created_at END,
                     updated_at = now()
                 WHERE app_id = $1 RETURNING {}",
                settings_columns()
            ),
            &[&app_id, &url, &max],
        )
        .await?;
    Ok(row.as_ref().map(Settings::from_row))
}

/// Whether `event_type` is a subscription type HubSpot offers for the CRM objects this clone
/// serves and the clone serves: a legacy one (`contact.creation`) or a generic one
/// (`object.creation`).
fn valid_event_type(event_type: &str) -> bool {
    let Some((kind, action)) = event_type.split_once('.') else {
        return false;
    };
    (kind == GENERIC && ACTIONS.contains(&action)) || legacy_type(kind, action)
}

/// The object type id a subscription of `event_type` listens to: a generic one needs
/// `objectTypeId` (any name of one of HubSpot's types, or a live custom type's object type
/// id, fully qualified or short-hand name); a legacy one (`contact.creation`) names its own,
/// so `objectTypeId` may only repeat it.
///
/// # Errors
///
/// 400 naming what is missing, unknown or another type than the legacy type's.
async fn listened_type(
    client: &impl GenericClient,
    event_type: &str,
    object_type_id: Option<String>,
) -> Result<Option<String>, ApiError> {
    let Some(name) = object_type_id else {
        if event_type.starts_with(GENERIC) {
            return Err(ApiError::validation(format!(
                "objectTypeId is required for {event_type} subscriptions"
            )));
        }
        return Ok(None);
    };
    let named = types::resolve(client, &name).await?;
    if event_type.starts_with(GENERIC) {
        return Ok(Some(named.type_id.to_string()));
    }
    if event_type.split_once('.').map(|(kind, _)| kind) == Some(named.singular.as_ref()) {
        return Ok(None);
    }
    Err(ApiError::validation(format!(
        "objectTypeId {name} is not the object type {event_type} names"
    )))
}

/// The columns [`subscription_json`] reads.
fn subscription_columns() -> String {
    format!(
        "id, event_type, property_name, active, object_type_id,
         to_char(created_at AT TIME ZONE 'UTC', {ISO}), to_char(updated_at AT TIME ZONE 'UTC', {ISO})"
    )
}

/// A subscription row in HubSpot's `SubscriptionResponse` shape (`objectTypeId` for generic
/// ones, `propertyName` for property changes).
fn subscription_json(row: &Row) -> Value {
    let mut subscription = json!({
        "id": row.get::<_, i64>(0).to_string(),
        "eventType": row.get::<_, String>(1),
        "active": row.get::<_, bool>(3),
        "createdAt": row.get::<_, String>(5),
        "updatedAt": row.get::<_, String>(6),
    });
    for (column, field) in [(2, "propertyName"), (4, "objectTypeId")] {
        if let Some(value) = row.get::<_, Option<String>>(column) {
            subscription[field] = json!(value);
        }
    }
    subscription
}

/// Checks and adds the subscription `body` asks for (`{eventType, objectTypeId?,
/// propertyName?, active?}`, `active` being `default_active` when absent); its
/// `SubscriptionResponse`.
///
/// # Errors
///
/// 400 for an event type HubSpot does not offer, a property change without `propertyName`, or
/// [`listened_type`]'s refusals.
pub(crate) async fn subscribe(
    client: &impl GenericClient,
    body: &Value,
    default_active: bool,
) -> Result<Value, ApiError> {
    let event_type = string_field(body, "eventType")
        .filter(|e| valid_event_type(e))
        .ok_or_else(|| {
            ApiError::validation(
                "eventType must be one of HubSpot's legacy subscription types for contact, company, deal, ticket, product or line_item (.creation, .deletion, .propertyChange, .associationChange, .merge; restore and privacyDeletion are not served by this clone) or object.creation, .deletion, .propertyChange, .associationChange or .merge with objectTypeId",
            )
        })?;
    let property = string_field(body, "propertyName");
    if event_type.ends_with(".propertyChange") && property.is_none() {
        return Err(ApiError::validation(
            "propertyName is required for propertyChange subscriptions",
        ));
    }
    let active = body["active"].as_bool().unwrap_or(default_active);
    let object_type_id =
        listened_type(client, &event_type, string_field(body, "objectTypeId")).await?;
    let row = client
        .query_one(
            &format!(
                "INSERT INTO webhook_subscriptions (event_type, property_name, active, object_type_id)
                 VALUES ($1, $2, $3, $4) RETURNING {}",
                subscription_columns()
            ),
            &[&event_type, &property, &active, &object_type_id],
        )
        .await?;
    Ok(subscription_json(&row))
}

/// Every subscription, in creation order.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn subscriptions(client: &impl GenericClient) -> Result<Vec<Value>, ApiError> {
    let rows = client
        .query(
            &format!(
                "SELECT {} FROM webhook_subscriptions ORDER BY id",
                subscription_columns()
            ),
            &[],
        )
        .await?;
    Ok(rows.iter().map(subscription_json).collect())
}

/// The subscription `id` names (a path's text).
///
/// # Errors
///
/// 404 when there is none.
pub(crate) async fn subscription(client: &impl GenericClient, id: &str) -> Result<Value, ApiError> {
    let row = client
        .query_opt(
            &format!(
                "SELECT {} FROM webhook_subscriptions WHERE id = $1",
                subscription_columns()
            ),
            &[&subscription_id(id)?],
        )
        .await?;
    row.as_ref()
        .map(subscription_json)
        .ok_or_else(|| unknown_subscription(id))
}

/// Activates or pauses the subscriptions `changes` name (`(id, active)`); the ones found,
/// changed.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn set_active(
    client: &impl GenericClient,
    changes: &[(i64, bool)],
) -> Result<Vec<Value>, ApiError> {
    let (ids, active): (Vec<i64>, Vec<bool>) = changes.iter().copied().unzip();
    let rows = client
        .query(
            &format!(
                "UPDATE webhook_subscriptions SET active = c.turned_on, updated_at = now()
                 FROM unnest($1::bigint[], $2::boolean[]) AS c (subscription, turned_on)
                 WHERE id = c.subscription RETURNING {}",
                subscription_columns()
            ),
            &[&ids, &active],
        )
        .await?;
    Ok(rows.iter().map(subscription_json).collect())
}

/// Deletes the subscription `id` names (a path's text).
///
/// # Errors
///
/// 404 when there is none.
pub(crate) async fn unsubscribe(client: &impl GenericClient, id: &str) -> Result<(), ApiError> {
    let n = client
        .execute(
            "DELETE FROM webhook_subscriptions WHERE id = $1",
            &[&subscription_id(id)?],
        )
        .await?;
    if n == 0 {
        return Err(unknown_subscription(id));
    }
    Ok(())
}

/// A subscription id a path names.
fn subscription_id(id: &str) -> Result<i64, ApiError> {
    id.parse().map_err(|_| unknown_subscription(id))
}

/// 404 for a subscription that does not exist.
pub(crate) fn unknown_subscription(id: impl std::fmt::Display) -> ApiError {
    ApiError::missing(format!("Subscription {id} does not exist."))
}
