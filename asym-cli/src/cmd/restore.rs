//! `asym restore`.

use asym_engine::{Error, Provider};

/// Put a clone back to a saved snapshot (and clear its Redis keys).
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  asym restore slack-1a2b3c before_payment")]
pub(crate) struct Args {
    /// Clone id.
    id: String,
    /// Snapshot name (lowercase letters, digits, _).
    name: String,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    provider.restore(&args.id, &args.name).await?;
    println!("{} restored from {}", args.id, args.name);
    Ok(())
}
