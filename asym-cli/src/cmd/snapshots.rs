//! `asym snapshots`.

use asym_engine::{Error, Provider};

use crate::output;

/// List a clone's snapshots (`baseline` is what `reset` restores).
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  asym snapshots slack-1a2b3c")]
pub(crate) struct Args {
    /// Clone id.
    id: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    let names = provider.snapshots(&args.id).await?;
    if args.json {
        return output::json(&names);
    }
    for name in names {
        println!("{name}");
    }
    Ok(())
}
