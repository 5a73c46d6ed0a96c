//! The verbs on one clone named by its id: `asym start`, `stop`, `reset`, `snapshot` and
//! `restore`. Each is a call to the provider and a line saying it is done; what each does is
//! said on its variant of the command enum.

use std::fmt::Display;
use std::future::Future;

use asym_engine::{Error, Provider};

use crate::output;

/// A clone's id.
#[derive(Debug, clap::Args)]
pub(crate) struct Id {
    /// Clone id.
    pub(crate) id: String,
}

/// A clone's id and a snapshot's name.
#[derive(Debug, clap::Args)]
pub(crate) struct Snapshot {
    #[command(flatten)]
    pub(crate) clone: Id,
    /// Snapshot name (lowercase letters, digits, _).
    pub(crate) name: String,
}

impl Id {
    /// Waits for `action` on the clone, then prints `<id> <done>`.
    pub(crate) async fn run(
        &self,
        action: impl Future<Output = Result<(), Error>>,
        done: impl Display,
    ) -> Result<(), Error> {
        action.await?;
        println!("{} {done}", self.id);
        Ok(())
    }
}

/// `asym start`: the clone on its saved ports, printed as `spin` prints a new one.
pub(crate) async fn start(provider: &impl Provider, args: Id) -> Result<(), Error> {
    let instance = provider.start(&args.id).await?;
    output::clone_block(&instance, &[]);
    Ok(())
}
