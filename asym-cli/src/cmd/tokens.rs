//! `asym tokens`.

use asym_engine::{Error, Provider};

use crate::output;

/// Print a clone's credentials; --reprovision mints new ones and revokes the old.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  asym tokens slack-1a2b3c\n  asym tokens slack-1a2b3c --reprovision --json\n  asym tokens github-1a2b3c appPrivateKey > app.pem"
)]
pub(crate) struct Args {
    /// Clone id.
    id: String,
    /// Print only this credential, as it is (a key of several lines whole).
    name: Option<String>,
    /// Mint new credentials; the old ones stop working.
    #[arg(long)]
    reprovision: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    let tokens = provider.tokens(&args.id, args.reprovision).await?;
    if let Some(name) = &args.name {
        let Some(value) = tokens.get(name) else {
            return Err(Error::TokenNotFound {
                id: args.id,
                name: name.clone(),
                names: tokens.keys().cloned().collect(),
            });
        };
        println!("{}", value.trim_end());
        return Ok(());
    }
    if args.json {
        return output::json(&tokens);
    }
    for (name, value) in &tokens {
        println!("{name:<13} {}", output::token_shown(&args.id, name, value));
    }
    Ok(())
}
