//! `asym status`: clones and their containers.

use asym_engine::{CloneProvider, Error, LocalDockerProvider};

use crate::output;

/// Show one clone, or all of them.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  asym status\n  asym status slack-1a2b3c --json")]
pub(crate) struct Args {
    /// Clone id (all clones when absent).
    id: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(provider: &LocalDockerProvider, args: Args) -> Result<(), Error> {
    let ids: Vec<String> = match args.id {
        Some(id) => vec![id],
        None => provider.records()?.into_iter().map(|r| r.id).collect(),
    };
    let mut statuses = Vec::new();
    for id in ids {
        statuses.push(provider.status(&id).await?);
    }
    if args.json {
        return output::json(&statuses);
    }
    if statuses.is_empty() {
        println!("no clones; spin one with `asym spin slack`");
    }
    for status in &statuses {
        let services = status
            .services
            .iter()
            .map(|s| format!("{}:{} ({})", s.service, s.port, s.state))
            .collect::<Vec<_>>()
            .join(", ");
        output::clone_block(&status.instance, &[("services", services)]);
    }
    Ok(())
}
