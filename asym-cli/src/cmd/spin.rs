//! `asym spin`: create clones.

use std::time::Instant;

use asym_engine::{CloneSpec, Error, PortRange, Provider, SeedSpec};

use crate::output;

/// Spin up one clone per template, ready to use (healthy, provisioned, seeded).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  asym spin slack --seed basic\n  asym spin slack --group checkout --name alerts\n  asym spin slack --json | jq -r '.[0].tokens.bot'"
)]
pub(crate) struct Args {
    /// Templates to spin (`asym ls --templates` lists them).
    #[arg(required = true)]
    templates: Vec<String>,
    /// Seed fixture name, or path to a .sql file.
    #[arg(long)]
    seed: Option<String>,
    /// Mode (default: the template's first).
    #[arg(long)]
    mode: Option<String>,
    /// Environment to join (created if new).
    #[arg(long)]
    group: Option<String>,
    /// A name for the clone.
    #[arg(long)]
    name: Option<String>,
    /// Bind all interfaces instead of 127.0.0.1.
    #[arg(long)]
    expose: bool,
    /// Host port range, e.g. 4000-4099 (default 3000-3999).
    #[arg(long, value_name = "A-B")]
    port_range: Option<String>,
    /// Print a JSON array of clone instances.
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    let port_range = args
        .port_range
        .as_deref()
        .map(str::parse::<PortRange>)
        .transpose()?;
    let progress = output::Progress::install(provider, args.json);
    let mut spun = Vec::new();
    for template in &args.templates {
        let spec = CloneSpec {
            template: template.clone(),
            mode: args.mode.clone(),
            name: args.name.clone(),
            group: args.group.clone(),
            seed: args.seed.as_deref().map(SeedSpec::parse),
            port_range,
            expose: args.expose,
            ..CloneSpec::default()
        };
        progress.begin(template);
        let started = Instant::now();
        let created = tokio::select! {
            created = provider.create(spec) => created,
            _ = tokio::signal::ctrl_c() => {
                provider.abandon_own_spins().await?;
                return Err(Error::Internal {
                    context: "interrupted; the spin was rolled back".into(),
                    source: "Ctrl-C".into(),
                });
            }
        };
        let instance = created?;
        if !args.json {
            let mut extra = vec![(
                "ready in",
                format!("{:.2} s", started.elapsed().as_secs_f64()),
            )];
            if let Some(group) = &args.group {
                extra.push(("environment", group.clone()));
            }
            output::clone_block(&instance, &extra);
        }
        spun.push(instance);
    }
    if args.json {
        output::json(&spun)?;
    }
    Ok(())
}
