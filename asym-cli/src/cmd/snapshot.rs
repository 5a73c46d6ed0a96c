//! `asym snapshot`.

use asym_engine::{Error, Provider};

/// Save a clone's current database state under a name.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  asym snapshot slack-1a2b3c before_payment")]
pub(crate) struct Args {
    /// Clone id.
    id: String,
    /// Snapshot name (lowercase letters, digits, _).
    name: String,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    provider.snapshot(&args.id, &args.name).await?;
    println!("{} saved as {}", args.id, args.name);
    Ok(())
}
