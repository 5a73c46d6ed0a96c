//! `asym destroy`.

use asym_engine::{CloneProvider, Error, LocalDockerProvider};

/// Remove a clone: containers, database, Redis keys, ports and record.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  asym destroy slack-1a2b3c")]
pub(crate) struct Args {
    /// Clone id.
    id: String,
}

pub(crate) async fn run(provider: &LocalDockerProvider, args: Args) -> Result<(), Error> {
    provider.destroy(&args.id).await?;
    println!("{} destroyed", args.id);
    Ok(())
}
