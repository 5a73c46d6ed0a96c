//! `asym db`.

use asym_engine::{Error, LocalDockerProvider};
use serde::Serialize;

use crate::output;

/// How to open a psql shell on a clone's database.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  asym db slack-1a2b3c\n  psql \"$(asym db slack-1a2b3c --json | jq -r .url)\""
)]
pub(crate) struct Args {
    /// Clone id.
    id: String,
    /// Print the connection facts as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Facts {
    url: String,
    host: &'static str,
    port: u16,
    user: &'static str,
    database: String,
}

pub(crate) async fn run(provider: &LocalDockerProvider, args: Args) -> Result<(), Error> {
    let record = provider.record(&args.id)?;
    let infra = provider.infra().await?;
    let facts = Facts {
        url: infra.database_url(&record.database),
        host: "127.0.0.1",
        port: infra.postgres_port,
        user: "postgres",
        database: record.database,
    };
    if args.json {
        return output::json(&facts);
    }
    println!("psql \"{}\"", facts.url);
    Ok(())
}
