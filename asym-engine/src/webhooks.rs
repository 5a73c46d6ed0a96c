//! What a clone sent out: its webhook deliveries (the kit's outbox, `GET /api/admin/outbox`),
//! read by [`webhooks`] (the harness's `AnyClone::webhooks` and `webhook_sent`, `asym
//! webhooks`) so that a test can see which events reached its receiver and what the receiver
//! answered, and wait for one.

use std::time::Duration;

pub use asym_contract::webhook::Webhook;
use asym_contract::wire::{ADMIN_PATH, OUTBOX_PATH};

use crate::admin::with_query;
use crate::{CloneInstance, Error, Result, admin_call};

/// The longest one listing may wait for a delivery to be tried (the clone's bound).
pub const MAX_WEBHOOK_WAIT: Duration = Duration::from_secs(25);

/// Which of a clone's deliveries [`webhooks`] reads; the default is the last 1,000, at once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WebhookFilter {
    /// Only those of this event type.
    pub event: Option<String>,
    /// Only those of this topic.
    pub topic: Option<String>,
    /// Only those after this [`Webhook::id`].
    pub after: Option<i64>,
    /// With none of them tried yet, wait this long (at most [`MAX_WEBHOOK_WAIT`]) for one to
    /// be.
    pub wait: Option<Duration>,
}

/// The deliveries `clone` (its admin `secret`) made since its last reset that `filter` lets
/// through, oldest first (the last 1,000 of them).
///
/// # Errors
/// `ADMIN_REFUSED` or `INTERNAL`, as [`admin_call`].
pub async fn webhooks(
    clone: &CloneInstance,
    secret: &str,
    filter: &WebhookFilter,
) -> Result<Vec<Webhook>> {
    let wait = filter
        .wait
        .map(|w| w.min(MAX_WEBHOOK_WAIT).as_millis().to_string());
    let route = with_query(
        route(),
        &[
            ("limit", Some("1000".to_owned())),
            ("event", filter.event.clone()),
            ("topic", filter.topic.clone()),
            ("after", filter.after.map(|id| id.to_string())),
            ("waitMs", wait),
        ],
    );
    let answer = admin_call(clone, secret, "GET", &route, None).await?;
    let mut listed: Vec<Webhook> = serde_json::from_value(answer["deliveries"].clone())
        .map_err(|e| Error::internal(format!("reading clone {}'s webhooks", clone.record.id), e))?;
    listed.reverse();
    Ok(listed)
}

/// Sends delivery `id` again (same body and headers, signed anew); answers the new
/// delivery's id.
///
/// # Errors
/// `ADMIN_REFUSED` (404 `delivery_not_found`) or `INTERNAL`, as [`admin_call`].
pub async fn redeliver(clone: &CloneInstance, secret: &str, id: i64) -> Result<i64> {
    let answer = admin_call(
        clone,
        secret,
        "POST",
        &format!("{}/{id}/redeliver", route()),
        None,
    )
    .await?;
    Ok(answer["id"].as_i64().unwrap_or_default())
}

/// The outbox's route under the admin surface (`outbox`).
fn route() -> &'static str {
    OUTBOX_PATH.trim_start_matches(ADMIN_PATH)
}
