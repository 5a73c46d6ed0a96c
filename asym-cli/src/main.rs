//! `asym`: drive local clones of Slack, Stripe, Notion, HubSpot, GitHub and Linear by hand.

use std::process::ExitCode;

use asym_engine::{Error, LocalDockerProvider, Provider};
use clap::{CommandFactory as _, Parser, Subcommand};

mod cmd;
mod output;
mod verify;

/// Stateful local clones of SaaS APIs, for tests and by hand.
#[derive(Debug, Parser)]
#[command(
    name = "asym",
    version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("ASYM_COMMIT"), ")"),
    about,
    propagate_version = true,
    after_help = "Start with:\n  asym spin slack --seed basic\n  asym status\n\nState lives in $ASYM_HOME (default ~/.asymmetric)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Spin(cmd::spin::Args),
    Status(cmd::status::Args),
    Ls(cmd::ls::Args),
    Logs(cmd::logs::Args),
    /// Start a stopped clone on its saved ports.
    #[command(after_help = "Example:\n  asym start slack-1a2b3c")]
    Start(cmd::clone::Id),
    /// Stop a clone's containers, keeping its data.
    #[command(after_help = "Example:\n  asym stop slack-1a2b3c")]
    Stop(cmd::clone::Id),
    /// Put a clone back to its baseline (post-provision, post-seed) state.
    #[command(after_help = "Example:\n  asym reset slack-1a2b3c")]
    Reset(cmd::clone::Id),
    Destroy(cmd::destroy::Args),
    Seed(cmd::seed::Args),
    Tokens(cmd::tokens::Args),
    Admin(cmd::admin::Args),
    Fault(cmd::fault::Args),
    Requests(cmd::requests::Args),
    Webhooks(cmd::webhooks::Args),
    Query(cmd::query::Args),
    Db(cmd::db::Args),
    /// Save a clone's current database state under a name.
    #[command(after_help = "Example:\n  asym snapshot slack-1a2b3c before_payment")]
    Snapshot(cmd::clone::Snapshot),
    /// Put a clone back to a saved snapshot (and clear its Redis keys).
    #[command(after_help = "Example:\n  asym restore slack-1a2b3c before_payment")]
    Restore(cmd::clone::Snapshot),
    Snapshots(cmd::snapshots::Args),
    Env(cmd::env::Args),
    Prune(cmd::prune::Args),
    Doctor(cmd::doctor::Args),
    Pin(cmd::pin::Args),
    Images(cmd::images::Args),
    Verify(cmd::verify::Args),
    Completions(cmd::completions::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Completions(args) = &cli.command {
        cmd::completions::run(args, &mut Cli::command());
        return ExitCode::SUCCESS;
    }
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
        Ok(code) => code,
        Err(err) => output::fail(&err),
    }
}

/// Where clones run: this machine's Docker (the one place a provider is chosen).
async fn run(cli: Cli) -> Result<ExitCode, Error> {
    run_on(&LocalDockerProvider::new()?, cli).await
}

async fn run_on(p: &impl Provider, cli: Cli) -> Result<ExitCode, Error> {
    let ok = |r: Result<(), Error>| r.map(|()| ExitCode::SUCCESS);
    match cli.command {
        Command::Spin(args) => ok(cmd::spin::run(p, args).await),
        Command::Status(args) => ok(cmd::status::run(p, args).await),
        Command::Ls(args) => ok(cmd::ls::run(p, args).await),
        Command::Logs(args) => ok(cmd::logs::run(p, args).await),
        Command::Start(args) => ok(cmd::clone::start(p, args).await),
        Command::Stop(c) => ok(c.run(p.stop(&c.id), "stopped").await),
        Command::Reset(c) => ok(c.run(p.reset(&c.id), "reset").await),
        Command::Destroy(args) => ok(cmd::destroy::run(p, args).await),
        Command::Seed(args) => cmd::seed::run(p, args).await,
        Command::Tokens(args) => ok(cmd::tokens::run(p, args).await),
        Command::Admin(args) => ok(cmd::admin::run(p, args).await),
        Command::Fault(args) => ok(cmd::fault::run(p, args).await),
        Command::Requests(args) => ok(cmd::requests::run(p, args).await),
        Command::Webhooks(args) => ok(cmd::webhooks::run(p, args).await),
        Command::Query(args) => cmd::query::run(p, args).await,
        Command::Db(args) => ok(cmd::db::run(p, args).await),
        Command::Snapshot(s) => {
            let done = format!("saved as {}", s.name);
            ok(s.clone.run(p.snapshot(&s.clone.id, &s.name), done).await)
        }
        Command::Restore(s) => {
            let done = format!("restored from {}", s.name);
            ok(s.clone.run(p.restore(&s.clone.id, &s.name), done).await)
        }
        Command::Snapshots(args) => ok(cmd::snapshots::run(p, args).await),
        Command::Env(args) => cmd::env::run(p, args).await,
        Command::Prune(args) => ok(cmd::prune::run(p, args).await),
        Command::Doctor(args) => cmd::doctor::run(p, args).await,
        Command::Pin(args) => ok(cmd::pin::run(p, args).await),
        Command::Images(args) => ok(cmd::images::run(p, args).await),
        Command::Verify(args) => cmd::verify::run(p, args).await,
        Command::Completions(_) => Ok(ExitCode::SUCCESS),
    }
}
