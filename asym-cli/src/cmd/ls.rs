//! `asym ls`: clones from the registry, or the templates.

use std::collections::BTreeMap;

use asym_engine::{Error, Provider};
use serde::Serialize;

use crate::output;

/// List clones (from the registry, without asking Docker) or, with --templates, templates.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  asym ls\n  asym ls --templates --json")]
pub(crate) struct Args {
    /// List templates instead of clones.
    #[arg(long)]
    templates: bool,
    /// Print JSON (credentials redacted).
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TemplateRow {
    name: String,
    display_name: String,
    modes: Vec<String>,
    images: Vec<String>,
    /// Fault presets (`asym fault <id> <preset>`), each with what it is.
    faults: BTreeMap<String, String>,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    if args.templates {
        let rows: Vec<TemplateRow> = provider
            .catalog()
            .templates()?
            .into_iter()
            .map(|t| TemplateRow {
                name: t.manifest.name.clone(),
                display_name: t.manifest.display_name.clone(),
                modes: t.manifest.modes.keys().map(str::to_owned).collect(),
                images: t
                    .manifest
                    .services
                    .0
                    .iter()
                    .map(|(_, s)| s.image.clone())
                    .collect(),
                faults: t
                    .manifest
                    .faults
                    .0
                    .iter()
                    .map(|(name, preset)| (name.clone(), preset.description.clone()))
                    .collect(),
            })
            .collect();
        return output::listing(
            args.json,
            &rows,
            &["TEMPLATE", "PRODUCT", "MODES", "IMAGES", "FAULTS"],
            |r| {
                vec![
                    r.name.clone(),
                    r.display_name.clone(),
                    r.modes.join(","),
                    r.images.join(","),
                    r.faults.keys().cloned().collect::<Vec<_>>().join(","),
                ]
            },
        );
    }
    let records = provider.records()?;
    let environments = provider.environments()?;
    if args.json {
        let mut out = Vec::new();
        for record in records {
            out.push(output::redacted(provider.instance(record).await?));
        }
        return output::json(&out);
    }
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                r.template.clone(),
                r.mode.clone(),
                r.state.to_string(),
                output::ports(r),
                output::env_of(&environments, &r.id),
                output::age(r.created_at),
            ]
        })
        .collect();
    output::table(
        &["ID", "TEMPLATE", "MODE", "STATE", "PORTS", "ENV", "AGE"],
        &rows,
    );
    Ok(())
}
