//! The support and chat integrations' `attachmentLink…` mutations. The clone has none of
//! these integrations, so those given the URL (`attachmentLinkDiscord`,
//! `attachmentLinkSalesforce`, and `attachmentLinkZendesk` with its `url`) make an
//! attachment of it as `attachmentLinkURL` does (the message, case or ticket ids are not
//! kept), and those that would need the integration to find it (`attachmentLinkIntercom`,
//! `attachmentLinkFront`, `attachmentLinkZendesk` without a `url`) are refused by name.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::error::{self, Result};
use crate::resources::attachment_link;

/// `attachmentLinkDiscord(issueId:, channelId:, messageId:, url:, title:, id:)`.
pub(crate) async fn discord(ctx: &ResolverContext<'_>) -> Result<Value> {
    attachment_link(ctx, &[]).await
}

/// `attachmentLinkSalesforce(issueId:, url:, title:, id:)`.
pub(crate) async fn salesforce(ctx: &ResolverContext<'_>) -> Result<Value> {
    attachment_link(ctx, &[]).await
}

/// `attachmentLinkZendesk(issueId:, ticketId:, url:, title:, id:)`: only with the ticket's
/// `url`.
pub(crate) async fn zendesk(ctx: &ResolverContext<'_>) -> Result<Value> {
    if ctx.args.get("url").is_none_or(|url| url.is_null()) {
        return Err(error::invalid(
            "Argument `url` is required by the asym Linear clone: it has no Zendesk \
             integration to find the ticket",
        ));
    }
    attachment_link(ctx, &[]).await
}

/// `attachmentLinkIntercom` and `attachmentLinkFront`: refused by name.
pub(crate) async fn refused(ctx: &ResolverContext<'_>) -> Result<Value> {
    let field = ctx.field().name();
    let product = field.trim_start_matches("attachmentLink");
    Err(error::invalid(format!(
        "`{field}` is not supported by the asym Linear clone: it has no {product} \
         integration (link the conversation's URL with attachmentLinkURL)"
    )))
}
