//! `asym logs`.

use asym_engine::{Error, LogOptions, Provider};
use futures_util::StreamExt;

/// Print a clone's container logs.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  asym logs slack-1a2b3c --tail 50 --follow")]
pub(crate) struct Args {
    /// Clone id.
    id: String,
    /// Keep printing new lines.
    #[arg(long, short)]
    follow: bool,
    /// Only the last N lines.
    #[arg(long)]
    tail: Option<usize>,
    /// Only this service.
    #[arg(long)]
    service: Option<String>,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    let options = LogOptions {
        follow: args.follow,
        tail: args.tail,
        service: args.service,
    };
    let mut lines = provider.logs(&args.id, options).await?;
    while let Some(line) = lines.next().await {
        let line = line?;
        println!("{} | {}", line.service, line.line);
    }
    Ok(())
}
