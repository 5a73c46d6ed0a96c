//! `asym reset`.

use asym_engine::{Error, Provider};

/// Put a clone back to its baseline (post-provision, post-seed) state.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  asym reset slack-1a2b3c")]
pub(crate) struct Args {
    /// Clone id.
    id: String,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    provider.reset(&args.id).await?;
    println!("{} reset", args.id);
    Ok(())
}
