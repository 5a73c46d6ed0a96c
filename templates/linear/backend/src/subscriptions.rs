//! `issueSubscribe` and `issueUnsubscribe`: who follows an issue (`Issue.subscribers`).
//! An issue's creator, assignees and commenters follow it without asking
//! (`issue_subscriber_ids`, `migrations/0007_subscriptions.sql`); these record anyone's
//! explicit choice, the viewer's by default, which overrides that.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::args::{arg_str, context};
use crate::error::{self, Result, db};
use crate::write;

/// Subscribes a user (`userId`, `userEmail`, else the viewer) to issue `id`.
const SUBSCRIBE: &str = "INSERT INTO issue_subscribers (issue_id, user_id, subscribed)
     VALUES ($1, $2, true) ON CONFLICT (issue_id, user_id) DO UPDATE SET subscribed = true";
/// The user `userId` (`$1`) names, else `userEmail` (`$2`), else the viewer (`$3`).
const USER: &str = "SELECT id FROM users WHERE CASE WHEN $1::text IS NOT NULL THEN id = $1
     WHEN $2::text IS NOT NULL THEN lower(email) = lower($2) ELSE id = $3 END";
/// Unsubscribes a user from issue `id`.
const UNSUBSCRIBE: &str = "INSERT INTO issue_subscribers (issue_id, user_id, subscribed)
     VALUES ($1, $2, false) ON CONFLICT (issue_id, user_id) DO UPDATE SET subscribed = false";

/// `issueSubscribe(id:, userId:, userEmail:)`: `IssuePayload`.
pub(crate) async fn subscribe(ctx: &ResolverContext<'_>) -> Result<Value> {
    change(ctx, SUBSCRIBE).await
}

/// `issueUnsubscribe(id:, userId:, userEmail:)`: `IssuePayload`.
pub(crate) async fn unsubscribe(ctx: &ResolverContext<'_>) -> Result<Value> {
    change(ctx, UNSUBSCRIBE).await
}

/// Runs `statement` (issue `$1`, user `$2`) for the issue and user the arguments name, and
/// answers the issue.
async fn change(ctx: &ResolverContext<'_>, statement: &str) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let issue = crate::issues::resolve_id(shared, &arg_str(ctx, "id")?).await?;
    let given = |name: &str| ctx.args.get(name).and_then(|v| v.string().ok());
    let (by_id, by_email) = (given("userId"), given("userEmail"));
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let user: String = write::one(&tx, USER, &[&by_id, &by_email, &viewer.user_id], "User")
        .await?
        .get(0);
    tx.execute(statement, &[&issue, &user]).await.map_err(db)?;
    write::answer(shared, viewer, tx, ("Issue", "issue"), &issue, false).await
}
