//! `asym db`.

use asym_engine::{Error, Provider};
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
    host: String,
    port: u16,
    user: String,
    database: String,
}

impl Facts {
    /// The parts of a `postgres://user:password@host:port/database` URL.
    fn of(url: String) -> Option<Self> {
        let rest = url.strip_prefix("postgres://")?;
        let (login, place) = rest.rsplit_once('@')?;
        let user = login.split(':').next()?.to_owned();
        let (address, database) = place.split_once('/')?;
        let (host, port) = address.rsplit_once(':')?;
        Some(Self {
            host: host.to_owned(),
            port: port.parse().ok()?,
            user,
            database: database.to_owned(),
            url,
        })
    }
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    let instance = provider.instance(provider.record(&args.id)?).await?;
    let facts = Facts::of(instance.database_url).ok_or_else(|| Error::Internal {
        context: "reading the clone's database URL".into(),
        source: "not a postgres:// URL with user, host, port and database".into(),
    })?;
    if args.json {
        return output::json(&facts);
    }
    println!("psql \"{}\"", facts.url);
    Ok(())
}
