//! Email intake addresses: `emailIntakeAddressCreate`/`Update`/`Delete`,
//! `emailIntakeAddressRotate` (a new local part, the settings kept) and
//! `emailIntakeAddressRefreshSesDomainStatus` (refused: the clone keeps no custom sending
//! domain, so `sesDomainIdentity` is null). An address is a team's (`type` `team`, one per
//! team) or a template's (`template`, one per template); the Asks types are refused by
//! name. The clone receives no email: an address is its settings. Linear sends no webhook
//! for them. `emailIntakeAddress(id:)` is in `queries`.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::args::arg_str;
use crate::error::{self, Result};
use crate::simple::{self, Spec};
use crate::write;

/// The settings of an address; its `address` is drawn by the table's trigger.
const ADDRESS: Spec = Spec {
    fields: &[
        (
            "text",
            &[
                "id",
                "type",
                "teamId",
                "templateId",
                "forwardingEmailAddress",
                "senderName",
                "issueCreatedAutoReply",
                "issueCompletedAutoReply",
                "issueCanceledAutoReply",
            ],
        ),
        (
            "bool",
            &[
                "enabled",
                "repliesEnabled",
                "customerRequestsEnabled",
                "reopenOnReply",
                "useUserNamesInReplies",
                "issueCreatedAutoReplyEnabled",
                "issueCompletedAutoReplyEnabled",
                "issueCanceledAutoReplyEnabled",
            ],
        ),
    ],
    creator: Some("creator_id"),
    ..Spec::new(
        "EmailIntakeAddress",
        "email_intake_addresses",
        "emailIntakeAddress",
    )
};

/// `emailIntakeAddressCreate(input:)`: `type` as given, else `team` with a `teamId` and
/// `template` without.
pub(crate) async fn create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let mut input = write::input(ctx)?;
    let kind = match write::text(&input, "type")? {
        Some(kind) => kind,
        None if input.get("teamId").is_some_and(|v| !v.is_null()) => "team".to_owned(),
        None => "template".to_owned(),
    };
    if kind.starts_with("asks") {
        return Err(error::invalid(format!(
            "Type `{kind}` is not supported by the asym Linear clone: it has no Asks integration"
        )));
    }
    input.insert("type".to_owned(), kind.into());
    Ok(simple::create(ctx, &ADDRESS, &input, &[], None).await?.0)
}

simple::delegate!(
    update => simple::update_plain, ADDRESS, "emailIntakeAddressUpdate(id:, input:)";
    delete => simple::delete, ADDRESS, "emailIntakeAddressDelete(id:)";
);

/// `emailIntakeAddressRotate(id:)`: a new local part (`address`), the old one no longer the
/// address's.
pub(crate) async fn rotate(ctx: &ResolverContext<'_>) -> Result<Value> {
    let id = arg_str(ctx, "id")?;
    let fresh = ["address = email_intake_local_part(team_id)"];
    simple::update_row(ctx, &ADDRESS, &id, &Map::new(), &fresh).await
}

/// `emailIntakeAddressRefreshSesDomainStatus(id:)`: `INPUT_ERROR` "The email intake address
/// has no custom sending domain." (the clone's wording) for an address that exists.
pub(crate) async fn refresh(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = crate::args::context(ctx)?;
    let found = "SELECT id FROM email_intake_addresses WHERE id = $1";
    write::lookup(shared, found, &arg_str(ctx, "id")?, "EmailIntakeAddress").await?;
    Err(error::invalid(
        "The email intake address has no custom sending domain.",
    ))
}
