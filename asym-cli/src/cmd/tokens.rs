//! `asym tokens`.

use asym_engine::{Error, Provider};

use crate::output;

/// Print a clone's credentials; --reprovision mints new ones and revokes the old.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  asym tokens slack-1a2b3c\n  asym tokens slack-1a2b3c --reprovision --json"
)]
pub(crate) struct Args {
    /// Clone id.
    id: String,
    /// Mint new credentials; the old ones stop working.
    #[arg(long)]
    reprovision: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    let tokens = provider.tokens(&args.id, args.reprovision).await?;
    if args.json {
        return output::json(&tokens);
    }
    for (name, value) in &tokens {
        println!("{name:<13} {value}");
    }
    Ok(())
}
