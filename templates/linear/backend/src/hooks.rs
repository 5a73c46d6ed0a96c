//! Webhook deliveries: when an Issue, Comment, Attachment, Reaction, IssueLabel, Project,
//! Cycle, Document, Initiative, ProjectUpdate, InitiativeUpdate, ProjectLabel or User is
//! created, updated or removed (the data-change webhooks Linear sends; teams, workflow states,
//! custom views, memberships, relations, milestones, templates, initiative labels and project
//! statuses have none),
//! every enabled webhook subscribed to that resource type (and to its team, or to all public
//! teams) gets Linear's payload — `{action, actor, createdAt, data, url, type, organizationId, webhookTimestamp,
//! webhookId, updatedFrom}` — queued in the write's own transaction on the kit's outbox,
//! signed `Linear-Signature` (HMAC-SHA256 of the body with the webhook's secret) with
//! `Linear-Delivery` and `Linear-Event` headers. An installed app's `AgentSessionEvent`s
//! (`created`, `prompted`) go the same way to the webhooks subscribed to that type
//! ([`emit_agent_event`]).
use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::outbox::{self, Delivery, Signer};
use asym_kit::tokio_postgres::Row;
use serde_json::{Value, json};

use crate::Viewer;
use crate::error::{self, Result};

/// One change to announce.
#[derive(Debug)]
pub(crate) struct Event<'a> {
    /// Linear's resource type: `Issue`, `Comment`, `Project`, `Document`, `ProjectUpdate`, ….
    pub(crate) resource: &'static str,
    /// `create`, `update` or `remove`.
    pub(crate) action: &'static str,
    /// The team it belongs to, if any (webhooks of other teams do not hear it).
    pub(crate) team: Option<&'a str>,
    /// The object as written.
    pub(crate) data: &'a Value,
    /// For updates: the changed fields' previous values.
    pub(crate) updated_from: Option<Value>,
}

/// The webhooks that hear about one resource type and team, looked up before the write.
#[derive(Debug)]
pub(crate) struct Subscribers(Vec<Row>);

/// Queues `event` for every subscribed webhook; answers whether any delivery was queued.
///
/// # Errors
///
/// Postgres errors.
pub(crate) async fn emit(tx: &Transaction<'_>, viewer: &Viewer, event: Event<'_>) -> Result<bool> {
    subscribed(tx, viewer, event.resource, event.team)
        .await?
        .emit(tx, viewer, event)
        .await
}

/// The enabled webhooks subscribed to `resource` in `team` (or to all public teams), with
/// the organization, the actor's name and the time (Postgres's clock, as every other
/// timestamp of the clone) their payloads carry.
///
/// # Errors
///
/// Postgres errors.
pub(crate) async fn subscribed(
    tx: &impl GenericClient,
    viewer: &Viewer,
    resource: &str,
    team: Option<&str>,
) -> Result<Subscribers> {
    let statement = tx
        .prepare_cached(
            "SELECT w.id, w.url, w.secret, (SELECT id FROM organization LIMIT 1),
                    (SELECT name FROM users WHERE id = $3), iso(c.at),
                    floor(extract(epoch FROM c.at) * 1000)::bigint
             FROM webhooks w, (SELECT clock_timestamp() AS at) c
             WHERE w.enabled AND w.archived_at IS NULL AND $1 = ANY(w.resource_types)
               AND (w.all_public_teams OR w.team_id IS NULL OR w.team_id = $2)",
        )
        .await
        .map_err(error::internal)?;
    let hooks = tx
        .query(&statement, &[&resource, &team, &viewer.user_id])
        .await
        .map_err(error::internal)?;
    Ok(Subscribers(hooks))
}

impl Subscribers {
    /// Whether no webhook hears about the change (so a one-statement write needs no
    /// transaction).
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Queues `event` for each of these webhooks; answers whether any delivery was queued.
    ///
    /// # Errors
    ///
    /// Postgres errors.
    pub(crate) async fn emit(
        &self,
        tx: &Transaction<'_>,
        viewer: &Viewer,
        event: Event<'_>,
    ) -> Result<bool> {
        for hook in &self.0 {
            let actor: Option<String> = hook.get(4);
            let mut body = json!({
                "action": event.action,
                "actor": { "id": viewer.user_id, "name": actor, "type": "user" },
                "data": unviewed(event.data),
                "url": event.data.get("url").cloned().unwrap_or(Value::Null),
                "type": event.resource,
            });
            if let Some(previous) = &event.updated_from {
                body["updatedFrom"] = previous.clone();
            }
            queue(tx, hook, event.resource, event.action, body).await?;
        }
        Ok(!self.0.is_empty())
    }
}

/// Queues an `AgentSessionEvent` (`action` `created` or `prompted`) for every webhook
/// subscribed to that resource type in `team`: `fields` (the session, its activity or
/// prompt context, as `agent_session_event` renders them) with Linear's `type`, `action`,
/// `createdAt`, `organizationId`, `oauthClientId`, `webhookTimestamp` and `webhookId`.
/// Answers whether any delivery was queued.
///
/// # Errors
///
/// Postgres errors.
pub(crate) async fn emit_agent_event(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    team: Option<&str>,
    action: &'static str,
    fields: &Value,
) -> Result<bool> {
    const RESOURCE: &str = "AgentSessionEvent";
    let subscribers = subscribed(tx, viewer, RESOURCE, team).await?;
    for hook in &subscribers.0 {
        let mut body = fields.clone();
        body["type"] = RESOURCE.into();
        body["action"] = action.into();
        body["oauthClientId"] = crate::OAUTH_CLIENT_ID.into();
        queue(tx, hook, RESOURCE, action, body).await?;
    }
    Ok(!subscribers.is_empty())
}

/// Queues `body` for webhook `hook` (a row of [`subscribed`]), with the members every
/// payload carries (`createdAt`, `organizationId`, `webhookTimestamp`, `webhookId`), signed
/// `Linear-Signature` and sent with Linear's headers.
async fn queue(
    tx: &Transaction<'_>,
    hook: &Row,
    resource: &str,
    action: &str,
    mut body: Value,
) -> Result<()> {
    let (id, url, secret): (String, String, String) = (hook.get(0), hook.get(1), hook.get(2));
    let organization: Option<String> = hook.get(3);
    let (created, timestamp): (String, i64) = (hook.get(5), hook.get(6));
    body["createdAt"] = created.into();
    body["organizationId"] = organization.into();
    body["webhookTimestamp"] = timestamp.into();
    body["webhookId"] = id.clone().into();
    let delivery = Delivery::new(
        format!("webhook:{id}"),
        format!("{resource}.{action}"),
        url,
        Signer::Linear,
        secret,
        body.to_string(),
    )
    .header("Linear-Delivery", asym_kit::token::random_hex(32))
    .header("Linear-Event", resource)
    .header("User-Agent", "Linear-Webhook");
    outbox::enqueue(tx, &delivery)
        .await
        .map_err(error::internal)?;
    Ok(())
}

/// The object as a webhook carries it: without `favorite`, the viewer's own favorite of it
/// (a webhook's receiver is nobody's viewer).
fn unviewed(data: &Value) -> Value {
    let mut data = data.clone();
    if let Some(fields) = data.as_object_mut() {
        fields.remove("favorite");
    }
    data
}
