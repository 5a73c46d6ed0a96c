//! `asym status`: clones, checked against Docker.

use asym_engine::{Error, Provider};

use crate::output;

/// Show one clone, or all of them, as Docker sees them.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  asym status\n  asym status slack-1a2b3c --json")]
pub(crate) struct Args {
    /// Clone id (all clones when absent).
    id: Option<String>,
    /// Print JSON (credentials redacted; `asym tokens` prints them).
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    let ids: Vec<String> = match args.id {
        Some(id) => vec![id],
        None => provider.records()?.into_iter().map(|r| r.id).collect(),
    };
    let mut statuses = Vec::new();
    for id in ids {
        let mut status = provider.status(&id).await?;
        status.instance = output::redacted(status.instance);
        statuses.push(status);
    }
    if args.json {
        return output::json(&statuses);
    }
    if statuses.is_empty() {
        println!("no clones; spin one with `asym spin slack`");
        return Ok(());
    }
    let environments = provider.environments()?;
    let rows: Vec<Vec<String>> = statuses
        .iter()
        .map(|s| {
            let r = &s.instance.record;
            let containers = s
                .services
                .iter()
                .map(|c| c.state.as_str())
                .collect::<Vec<_>>()
                .join(",");
            vec![
                r.id.clone(),
                r.template.clone(),
                r.mode.clone(),
                if s.problem.is_some() {
                    format!("{} (dead)", r.state)
                } else {
                    r.state.to_string()
                },
                containers,
                s.instance.endpoints.api.clone(),
                output::env_of(&environments, &r.id),
                output::age(r.created_at),
            ]
        })
        .collect();
    output::table(
        &[
            "ID",
            "TEMPLATE",
            "MODE",
            "STATE",
            "CONTAINERS",
            "API",
            "ENV",
            "AGE",
        ],
        &rows,
    );
    Ok(())
}
