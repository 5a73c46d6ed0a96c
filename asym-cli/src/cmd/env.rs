//! `asym env`: environments of clones spun together.

use std::path::PathBuf;
use std::process::ExitCode;

use asym_engine::{Error, Provider};

use crate::output;

/// Spin, inspect, reset and destroy environments (groups of clones).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: EnvCommand,
}

#[derive(Debug, clap::Subcommand)]
enum EnvCommand {
    /// Spin every clone of an environment file, in order.
    #[command(
        after_help = "File format:\n  name: checkout\n  clones:\n    - template: slack\n      seed: basic\n      name: alerts\n\nExample:\n  asym env spin checkout.env.yaml"
    )]
    Spin {
        /// The environment file.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show environments and their state.
    #[command(alias = "ls", after_help = "Example:\n  asym env status --json")]
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Reset every clone of an environment.
    #[command(after_help = "Example:\n  asym env reset checkout")]
    Reset {
        /// Environment name.
        name: String,
    },
    /// Destroy every clone of an environment, and the environment.
    #[command(after_help = "Example:\n  asym env destroy checkout")]
    Destroy {
        /// Environment name.
        name: String,
    },
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<ExitCode, Error> {
    match args.command {
        EnvCommand::Spin { file, json } => {
            output::Progress::install(provider, json).begin(&file.display().to_string());
            let spun = provider.env_spin(&file).await?;
            let failed = spun.clones.iter().any(Result::is_err);
            if json {
                let clones: Vec<serde_json::Value> = spun
                    .clones
                    .iter()
                    .map(|c| match c {
                        Ok(instance) => serde_json::to_value(instance).unwrap_or_default(),
                        Err(error) => serde_json::json!({ "error": error }),
                    })
                    .collect();
                output::json(
                    &serde_json::json!({ "environment": spun.environment, "clones": clones }),
                )?;
            } else {
                println!(
                    "environment {} ({})",
                    spun.environment.name, spun.environment.state
                );
                for clone in &spun.clones {
                    match clone {
                        Ok(instance) => output::clone_block(instance, &[]),
                        Err(error) => println!("failed: {error}"),
                    }
                }
            }
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        EnvCommand::Status { json } => {
            let environments = provider.environments()?;
            output::listing(
                json,
                &environments,
                &["ENV", "STATE", "MEMBERS", "AGE"],
                |e| {
                    vec![
                        e.name.clone(),
                        e.state.clone(),
                        e.members.join(","),
                        output::age(e.created_at),
                    ]
                },
            )?;
            Ok(ExitCode::SUCCESS)
        }
        EnvCommand::Reset { name } => {
            let members = provider.env_reset(&name).await?;
            println!("{name}: reset {}", members.join(", "));
            Ok(ExitCode::SUCCESS)
        }
        EnvCommand::Destroy { name } => {
            let members = provider.env_destroy(&name).await?;
            println!("{name}: destroyed {}", members.join(", "));
            Ok(ExitCode::SUCCESS)
        }
    }
}
