//! `asym`: drive local clones of Slack, Stripe, Notion, HubSpot, GitHub and Linear by hand.

use std::process::ExitCode;

use asym_engine::{Error, LocalDockerProvider};
use clap::{Parser, Subcommand};

mod cmd;
mod output;

/// Stateful local clones of SaaS APIs, for tests and by hand.
#[derive(Debug, Parser)]
#[command(name = "asym", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Spin(cmd::spin::Args),
    Status(cmd::status::Args),
    Reset(cmd::reset::Args),
    Stop(cmd::stop::Args),
    Start(cmd::start::Args),
    Destroy(cmd::destroy::Args),
    Logs(cmd::logs::Args),
    Images(cmd::images::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("asym: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => output::fail(&err),
    }
}

async fn run(cli: Cli) -> Result<(), Error> {
    let provider = LocalDockerProvider::new()?;
    match cli.command {
        Command::Spin(args) => cmd::spin::run(&provider, args).await,
        Command::Status(args) => cmd::status::run(&provider, args).await,
        Command::Reset(args) => cmd::reset::run(&provider, args).await,
        Command::Stop(args) => cmd::stop::run(&provider, args).await,
        Command::Start(args) => cmd::start::run(&provider, args).await,
        Command::Destroy(args) => cmd::destroy::run(&provider, args).await,
        Command::Logs(args) => cmd::logs::run(&provider, args).await,
        Command::Images(args) => cmd::images::run(&provider, args).await,
    }
}
