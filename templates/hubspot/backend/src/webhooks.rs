//! App webhooks: the events writes raise — batched into JSON arrays of at most 100 events per
//! request and signed with `X-HubSpot-Signature-v3` and, as HubSpot still sends it for webhooks
//! API subscriptions, `X-HubSpot-Signature` (`X-HubSpot-Signature-Version: v1`), through the
//! kit's outbox — for the app's target URL and subscriptions (`subscriptions`), set through
//! HubSpot's webhooks API or the admin surface.
//!
//! Two kinds of subscription hear an object's events: HubSpot's legacy per-type ones
//! (`contact.creation`, for its own types only) and its generic ones (`object.creation` with
//! the `objectTypeId` they listen to, the only ones custom objects have), whose events carry
//! that `objectTypeId` (`fromObjectTypeId`/`toObjectTypeId` for association changes).

use std::time::{SystemTime, UNIX_EPOCH};

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::outbox::{self, Delivery, Signer};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::types::{self, ObjectType, Text};

/// Most events in one webhook request.
const BATCH: usize = 100;

/// The prefix of HubSpot's generic subscription types (`object.creation`).
pub(crate) const GENERIC: &str = "object";

/// What generic subscriptions hear (`object.creation`, …).
pub(crate) const ACTIONS: [&str; 5] = [
    "creation",
    "deletion",
    "propertyChange",
    "associationChange",
    "merge",
];

/// HubSpot's legacy subscription types of the CRM objects the clone serves, by type (the
/// webhooks API's `eventType` values): engagements and custom types have none, products no
/// `associationChange`. (Their `restore` and the contacts' `privacyDeletion` are not served.)
const LEGACY: [(&str, &[&str]); 6] = [
    ("contact", &ACTIONS),
    ("company", &ACTIONS),
    ("deal", &ACTIONS),
    ("ticket", &ACTIONS),
    (
        "product",
        &["creation", "deletion", "propertyChange", "merge"],
    ),
    ("line_item", &ACTIONS),
];

/// Whether `kind.action` (`contact.creation`) is one of HubSpot's legacy subscription types
/// the clone serves.
pub(crate) fn legacy_type(kind: &str, action: &str) -> bool {
    LEGACY
        .iter()
        .any(|(legacy, actions)| *legacy == kind && actions.contains(&action))
}

/// The type of an event's object, as subscriptions name it.
#[derive(Debug, Clone)]
pub(crate) struct Kind {
    /// Its singular (`contact`), which names HubSpot's types in legacy subscription types.
    singular: Text,
    /// Its object type id (`0-1`, `2-1001`), which generic subscriptions listen to.
    type_id: Text,
}

impl Kind {
    /// The kind of `object_type`'s objects.
    pub(crate) fn of(object_type: &ObjectType) -> Self {
        Self {
            singular: object_type.singular.clone(),
            type_id: object_type.type_id.clone(),
        }
    }

    /// Its legacy subscription type for `action` (`contact.creation`), if HubSpot has one:
    /// custom types and engagements have none (HubSpot sends their events to generic
    /// subscriptions only).
    fn legacy(&self, action: &str) -> Option<String> {
        let stock = types::lookup(&self.type_id).is_some();
        (stock && legacy_type(&self.singular, action))
            .then(|| format!("{}.{action}", self.singular))
    }
}

/// Something a write did that subscriptions may want to hear about.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    /// An object was created.
    Creation {
        /// Its type.
        kind: Kind,
        /// Its id.
        id: i64,
    },
    /// A property of an object changed to `value`.
    PropertyChange {
        /// The type.
        kind: Kind,
        /// The object.
        id: i64,
        /// The property.
        name: String,
        /// Its new value (empty when cleared).
        value: String,
    },
    /// An object was archived or deleted.
    Deletion {
        /// The type.
        kind: Kind,
        /// The object.
        id: i64,
    },
    /// Objects were merged into one (`primary`, which keeps its id).
    Merge {
        /// The type.
        kind: Kind,
        /// The object kept.
        primary: i64,
        /// The objects merged into it.
        merged: Vec<i64>,
        /// How many of their property values filled the primary's blanks.
        moved: usize,
    },
    /// An association was added or removed.
    Association {
        /// The source type.
        kind: Kind,
        /// The target type.
        to_kind: Kind,
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
    /// Its object's type and what happened to it (`creation`, `propertyChange`, …).
    fn action(&self) -> (&Kind, &'static str) {
        match self {
            Self::Creation { kind, .. } => (kind, "creation"),
            Self::PropertyChange { kind, .. } => (kind, "propertyChange"),
            Self::Deletion { kind, .. } => (kind, "deletion"),
            Self::Merge { kind, .. } => (kind, "merge"),
            Self::Association { kind, .. } => (kind, "associationChange"),
        }
    }

    /// The subscription types it may match: its type's legacy one (`contact.creation`)
    /// and the generic one (`object.creation`, matched on its object type id).
    fn subscription_types(&self) -> impl Iterator<Item = String> {
        let (kind, action) = self.action();
        kind.legacy(action)
            .into_iter()
            .chain([format!("{GENERIC}.{action}")])
    }

    /// Whether the subscription of `event_type`, listening to `object_type_id` (generic
    /// ones) and `property` (property changes), hears it.
    fn heard_by(
        &self,
        event_type: &str,
        object_type_id: Option<&str>,
        property: Option<&str>,
    ) -> bool {
        let (kind, action) = self.action();
        let typed = match event_type
            .strip_prefix(GENERIC)
            .and_then(|a| a.strip_prefix('.'))
        {
            Some(generic) => generic == action && object_type_id == Some(kind.type_id.as_ref()),
            None => kind.legacy(action).as_deref() == Some(event_type),
        };
        typed
            && match (self, property) {
                (Self::PropertyChange { name, .. }, Some(property)) => property == name,
                _ => true,
            }
    }

    /// The object type ids a generic subscription's event names.
    fn type_ids(&self) -> Value {
        match self {
            Self::Association { kind, to_kind, .. } => json!({
                "fromObjectTypeId": kind.type_id, "toObjectTypeId": to_kind.type_id,
            }),
            Self::Creation { kind, .. }
            | Self::PropertyChange { kind, .. }
            | Self::Deletion { kind, .. }
            | Self::Merge { kind, .. } => json!({ "objectTypeId": kind.type_id }),
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
            // The merge fields of HubSpot's changelog entry that added merge subscriptions.
            Self::Merge {
                primary,
                merged,
                moved,
                ..
            } => json!({
                "objectId": primary,
                "primaryObjectId": primary,
                "mergedObjectIds": merged,
                "newObjectId": primary,
                "numberOfPropertiesMoved": moved,
            }),
            Self::Association {
                kind,
                to_kind,
                from,
                to,
                type_id,
                category,
                removed,
            } => json!({
                "associationType": format!("{}_TO_{}", kind.singular, to_kind.singular).to_uppercase(),
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

/// Whether any active subscription listens to `object_type`'s objects (a legacy one of its
/// singular or a generic one of its object type id) — so a write nobody listens to can skip
/// its transaction.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn listened(
    client: &impl GenericClient,
    object_type: &ObjectType,
) -> Result<bool, ApiError> {
    let statement = client
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM webhook_subscriptions
                            WHERE active AND (split_part(event_type, '.', 1) = $1
                                              OR object_type_id = $2))",
        )
        .await?;
    let (singular, type_id): (&str, &str) = (&object_type.singular, &object_type.type_id);
    Ok(client
        .query_one(&statement, &[&singular, &type_id])
        .await?
        .get(0))
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
    let mut kinds: Vec<String> = events.iter().flat_map(Event::subscription_types).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let statement = client
        .prepare_cached(
            "SELECT s.id, s.event_type, s.property_name, w.app_id, w.target_url, w.secret,
                    (SELECT id FROM portal LIMIT 1), s.object_type_id
             FROM webhook_subscriptions s CROSS JOIN webhook_settings w
             WHERE s.active AND s.event_type = ANY($1) AND w.target_url IS NOT NULL
             ORDER BY s.id",
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
    for event in events {
        for sub in &subscriptions {
            let (sub_id, event_type, property, object_type_id): (
                i64,
                String,
                Option<String>,
                Option<String>,
            ) = (sub.get(0), sub.get(1), sub.get(2), sub.get(7));
            if !event.heard_by(&event_type, object_type_id.as_deref(), property.as_deref()) {
                continue;
            }
            let mut body = json!({
                "subscriptionId": sub_id,
                "portalId": portal,
                "appId": app_id,
                "occurredAt": occurred_at,
                "subscriptionType": event_type,
                "attemptNumber": 0,
                "changeSource": "INTEGRATION",
                "sourceId": format!("{app_id}"),
            });
            let generic = object_type_id.is_some().then(|| event.type_ids());
            for fields in generic.into_iter().chain([event.fields()]) {
                if let (Some(target), Value::Object(fields)) = (body.as_object_mut(), fields) {
                    target.extend(fields);
                }
            }
            bodies.push(body);
        }
    }
    if bodies.is_empty() {
        return Ok(false);
    }
    // The events' ids are drawn in this statement.
    asym_kit::hold_writers(client).await?;
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
        let body = Value::Array(chunk.to_vec()).to_string();
        // HubSpot's v1 signature, which requests for webhooks API subscriptions still carry
        // beside v3: the SHA-256 of the client secret followed by the body, in hex.
        let v1 = asym_kit::token::hash(&format!("{secret}{body}"));
        let delivery = Delivery::new(
            format!("app:{app_id}"),
            event,
            url.clone(),
            Signer::HubSpotV3,
            secret.clone(),
            body,
        )
        .header("X-HubSpot-Signature", v1)
        .header("X-HubSpot-Signature-Version", "v1");
        outbox::enqueue(client, &delivery).await?;
    }
    Ok(true)
}
