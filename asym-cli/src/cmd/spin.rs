//! `asym spin`: create clones.

use std::time::Instant;

use asym_engine::{CloneProvider, CloneSpec, Error, LocalDockerProvider, PortRange, SeedSpec};

use crate::output;

/// Spin up one clone per template, ready to use.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  asym spin slack --seed basic\n  asym spin slack --json | jq -r '.[0].tokens.bot'"
)]
pub(crate) struct Args {
    /// Templates to spin (`slack`, …).
    #[arg(required = true)]
    templates: Vec<String>,
    /// Seed fixture name, or path to a .sql file.
    #[arg(long)]
    seed: Option<String>,
    /// Mode (default: the template's first).
    #[arg(long)]
    mode: Option<String>,
    /// Host port range, e.g. 4000-4099.
    #[arg(long)]
    port_range: Option<String>,
    /// Bind all interfaces instead of 127.0.0.1.
    #[arg(long)]
    expose: bool,
    /// Print a JSON array of clone instances.
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(provider: &LocalDockerProvider, args: Args) -> Result<(), Error> {
    let port_range = args
        .port_range
        .as_deref()
        .map(str::parse::<PortRange>)
        .transpose()?;
    let mut spun = Vec::new();
    for template in &args.templates {
        let spec = CloneSpec {
            template: template.clone(),
            mode: args.mode.clone(),
            seed: args.seed.as_deref().map(SeedSpec::parse),
            port_range,
            expose: args.expose,
            ..CloneSpec::default()
        };
        let started = Instant::now();
        let created = tokio::select! {
            created = provider.create(spec) => created,
            _ = tokio::signal::ctrl_c() => {
                provider.abandon_own_spins().await?;
                return Err(Error::Internal { context: "interrupted; the spin was rolled back".into(), source: "Ctrl-C".into() });
            }
        };
        let instance = created?;
        if !args.json {
            let ready = format!("{:.2} s", started.elapsed().as_secs_f64());
            output::clone_block(&instance, &[("ready in", ready)]);
        }
        spun.push(instance);
    }
    if args.json {
        output::json(&spun)?;
    }
    Ok(())
}
