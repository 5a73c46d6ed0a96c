//! `asym seed`.

use std::process::ExitCode;

use asym_engine::{Error, Provider, SeedSpec};

use crate::output;

/// Apply a seed to a running clone; it becomes the baseline `reset` returns to.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  asym seed slack-1a2b3c --fixture basic\n  asym seed slack-1a2b3c --file tests/seed.sql"
)]
pub(crate) struct Args {
    /// Clone id.
    id: String,
    /// A fixture shipped in the template.
    #[arg(long, conflicts_with = "file")]
    fixture: Option<String>,
    /// Your own SQL file.
    #[arg(long)]
    file: Option<std::path::PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<ExitCode, Error> {
    let seed = match (args.fixture, args.file) {
        (Some(name), _) => SeedSpec::Fixture(name),
        (None, Some(path)) => SeedSpec::File(path),
        (None, None) => {
            return Ok(output::usage(
                "nothing to seed: pass --fixture NAME or --file PATH",
            ));
        }
    };
    let result = provider.seed(&args.id, seed).await?;
    if args.json {
        output::json(&result)?;
    } else {
        println!(
            "{}: {} rows written; reset now returns here",
            args.id, result.rows_written
        );
    }
    Ok(ExitCode::SUCCESS)
}
