//! `asym stop`.

use asym_engine::{Error, Provider};

/// Stop a clone's containers, keeping its data.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  asym stop slack-1a2b3c")]
pub(crate) struct Args {
    /// Clone id.
    id: String,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    provider.stop(&args.id).await?;
    println!("{} stopped", args.id);
    Ok(())
}
