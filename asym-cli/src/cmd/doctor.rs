//! `asym doctor`.

use std::process::ExitCode;

use asym_engine::{Error, Provider};

use crate::output;

/// Check Docker, shared infra, images, the registry, clones' data and the port range.
///
/// A corrupt registry is always rebuilt from the containers' labels. With `--fix`, stopped
/// shared containers are started, missing ones recreated, clones whose database is gone are
/// built again in place (same id and ports, their seed, new credentials) and clones' Redis
/// users lost to a Redis restart are restored; each repair is printed.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  asym doctor\n  asym doctor --fix")]
pub(crate) struct Args {
    /// Repair what the checks find: shared infra, lost databases, lost Redis users.
    #[arg(long)]
    fix: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<ExitCode, Error> {
    let report = provider.doctor(args.fix).await?;
    let healthy = report.checks.iter().all(|c| c.ok) || !report.fixed.is_empty();
    if args.json {
        output::json(&report)?;
    } else {
        for check in &report.checks {
            println!(
                "{} {:<22} {}",
                if check.ok { "ok  " } else { "FAIL" },
                check.name,
                check.detail
            );
        }
        for fix in &report.fixed {
            println!("fixed: {fix}");
        }
    }
    Ok(if healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
