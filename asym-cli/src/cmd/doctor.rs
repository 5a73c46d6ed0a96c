//! `asym doctor`.

use std::process::ExitCode;

use asym_engine::{Error, Provider};

use crate::output;

/// Check Docker, shared infra, images, the registry and the port range; repair what it can.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  asym doctor")]
pub(crate) struct Args {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<ExitCode, Error> {
    let report = provider.doctor().await?;
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
