//! Notification subscriptions: `notificationSubscriptionCreate` (the viewer's, on exactly one
//! custom view, cycle, initiative, issue label, project, team or user), `…Update` (`active`,
//! `notificationSubscriptionTypes`), `…Delete`, and the reads `notificationSubscriptions`
//! (the viewer's own) and `notificationSubscription(id)`. Each is answered as the object type
//! of what it is on (`ProjectNotificationSubscription`, …).

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::args::{arg_str, context};
use crate::error::{self, Result};
use crate::simple::{self, Spec};
use crate::{entity, queries, write};

/// A user's subscription to one entity's notifications.
const SUBSCRIPTION: Spec = Spec {
    fields: &[
        (
            "text",
            &[
                "id",
                "customViewId",
                "cycleId",
                "initiativeId",
                "labelId",
                "projectId",
                "teamId",
                "userId",
                "contextViewType",
                "userContextViewType",
            ],
        ),
        ("text[]", &["notificationSubscriptionTypes"]),
        ("bool", &["active"]),
    ],
    creator: Some("subscriber_id"),
    personal: true,
    ..Spec::new(
        "NotificationSubscription",
        "notification_subscriptions",
        "notificationSubscription",
    )
};

/// `notificationSubscriptionCreate(input:)`: the viewer's. A customer's (`customerId`) is
/// refused by name (an unknown customer is not found): the clone keeps subscriptions of the
/// other kinds only.
pub(crate) async fn create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let mut input = write::input(ctx)?;
    if let Some(customer) = write::text(&input, "customerId")? {
        let (shared, _) = crate::args::context(ctx)?;
        let sql = "SELECT id FROM customers WHERE id = $1";
        write::lookup(shared, sql, &customer, "Customer").await?;
        return Err(error::invalid(
            "Input field `customerId` is not supported by the asym Linear clone",
        ));
    }
    input.remove("customerId");
    Ok(simple::create(ctx, &SUBSCRIPTION, &input, &[], None)
        .await?
        .0)
}

simple::delegate!(
    update => simple::update_plain, SUBSCRIPTION, "notificationSubscriptionUpdate(id:, input:)";
    delete => simple::delete, SUBSCRIPTION, "notificationSubscriptionDelete(id:)";
);

/// `notificationSubscriptions`: the viewer's own.
pub(crate) async fn list(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (_, viewer) = context(ctx)?;
    let subscriber = Some(("t.subscriber_id = {}", vec![viewer.user_id.clone()]));
    queries::scoped(ctx, SUBSCRIPTION.entity, None, subscriber).await
}

/// `notificationSubscription(id:)`: one of the viewer's (another user's is not found).
pub(crate) async fn one(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let id = arg_str(ctx, "id")?;
    let sql = format!(
        "{}SELECT notification_subscription_doc(t)::text FROM ctx, notification_subscriptions t \
         WHERE t.id = $3 AND t.subscriber_id = ctx.viewer",
        entity::CTX
    );
    entity::query(shared, viewer, &sql, &[&id])
        .await?
        .pop()
        .ok_or_else(|| error::not_found(SUBSCRIPTION.entity))
}
