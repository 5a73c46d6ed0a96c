//! `asym webhooks`: the webhooks a clone made since its last reset, and how its receivers
//! answered.

use std::time::Duration;

use asym_engine::{Error, Provider, Webhook, WebhookFilter, redeliver, webhooks};
use serde_json::json;

use crate::cmd::admin::reach;
use crate::output;

/// Show the webhooks a clone made since its last reset (the last 1,000), oldest first: each
/// event, where it went and how the receiver answered; `--json` gives each whole (the exact
/// body, the product's headers, every attempt's outcome).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    asym webhooks stripe-1a2b3c\n  \
    asym webhooks stripe-1a2b3c --event checkout.session.completed --wait 10\n  \
    asym webhooks github-1a2b3c --json\n  \
    asym webhooks stripe-1a2b3c --redeliver 3")]
pub(crate) struct Args {
    /// Clone id.
    id: String,
    /// Only webhooks of this event type.
    #[arg(long)]
    event: Option<String>,
    /// With none of them tried yet, wait up to this many seconds (at most 25) for one to be.
    #[arg(long, value_name = "SECONDS")]
    wait: Option<u64>,
    /// Send the delivery with this id again (same body, signed anew).
    #[arg(long, value_name = "ID", conflicts_with_all = ["event", "wait"])]
    redeliver: Option<i64>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    let (clone, secret) = reach(provider, &args.id).await?;
    if let Some(id) = args.redeliver {
        let new = redeliver(&clone, &secret, id).await?;
        if args.json {
            return output::json(&json!({ "id": new, "redeliveryOf": id }));
        }
        println!("{}: delivery {id} sent again as {new}", args.id);
        return Ok(());
    }
    let filter = WebhookFilter {
        event: args.event.clone(),
        wait: args.wait.map(Duration::from_secs),
        ..WebhookFilter::default()
    };
    let made = webhooks(&clone, &secret, &filter).await?;
    if args.json {
        return output::json(&json!({ "webhooks": made }));
    }
    if made.is_empty() {
        let matching = args
            .event
            .as_ref()
            .map_or(String::new(), |e| format!(" `{e}`"));
        println!("{}: no{matching} webhooks since its last reset", args.id);
        return Ok(());
    }
    let header = ["ID", "EVENT", "URL", "OUTCOME", "AT"];
    output::table(&header, &made.iter().map(row).collect::<Vec<_>>());
    Ok(())
}

/// A delivery as a table row.
fn row(webhook: &Webhook) -> Vec<String> {
    vec![
        webhook.id.to_string(),
        webhook.event.clone(),
        webhook.url.clone(),
        webhook.outcome(),
        webhook.created_at.clone(),
    ]
}
