//! `asym start`.

use asym_engine::{Error, Provider};

use crate::output;

/// Start a stopped clone on its saved ports.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  asym start slack-1a2b3c")]
pub(crate) struct Args {
    /// Clone id.
    id: String,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    let instance = provider.start(&args.id).await?;
    output::clone_block(&instance, &[]);
    Ok(())
}
