//! `asym destroy`.

use asym_engine::{Error, Provider};

/// Remove a clone: containers, database, Redis keys, ports and record.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  asym destroy slack-1a2b3c\n  asym destroy --all")]
pub(crate) struct Args {
    /// Clone id.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    id: Option<String>,
    /// Destroy every clone.
    #[arg(long)]
    all: bool,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    let gone = match args.id {
        Some(id) => {
            provider.destroy(&id).await?;
            vec![id]
        }
        None => provider.destroy_all().await?,
    };
    for id in gone {
        println!("{id} destroyed");
    }
    Ok(())
}
