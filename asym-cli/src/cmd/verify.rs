//! `asym verify`: a clone's fidelity to its product's own API description.

use std::path::PathBuf;
use std::process::ExitCode;

use asym_engine::{CloneInstance, CloneSpec, Error, Provider, SeedSpec};

use crate::output;
use crate::verify::report::{Report, covered};
use crate::verify::scenario::Scenario;
use crate::verify::spec::{Description, Operation};
use crate::verify::{Support, product};

/// Drive a built-in scenario over every route a clone implements and check each answer
/// against the product's OpenAPI description: a score (valid answers / all), violations by
/// kind, and the operations the clone does not implement (each probed once, to see that it
/// answers with the product's error).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Given a template, a clone is spun (seed basic) and destroyed after; given a clone id, that clone is used as it is (the scenario writes to it, and it stays).\n\nExit 0 at or above --min, 1 below it (VERIFY_BELOW_THRESHOLD) or on a named error, 2 on an unexpected one.\n\nExamples:\n  asym verify stripe --spec spec3.json\n  asym verify github --spec api.github.com.json --json | jq .kinds\n  asym verify stripe-1a2b3c --spec spec3.json --api-version 2023-08-16 --min 0.95"
)]
pub(crate) struct Args {
    /// Template to spin, or the id of a running clone.
    target: String,
    /// The product's OpenAPI 3 description (JSON or YAML), repeated for a product described
    /// in several files; without it, `verify` says where to get one.
    #[arg(long, value_name = "FILE")]
    spec: Vec<PathBuf>,
    /// The API version to request (default: the description's `info.version`); `--version`
    /// is the CLI's own.
    #[arg(long, value_name = "VERSION")]
    api_version: Option<String>,
    /// The lowest passing score.
    #[arg(long, default_value_t = 0.99)]
    min: f64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<ExitCode, Error> {
    let (template, existing) = match provider.catalog().get(&args.target) {
        Ok(t) => (t.manifest.name.clone(), None),
        Err(not_template) => match provider.record(&args.target) {
            Ok(record) => (record.template.clone(), Some(record)),
            Err(Error::CloneNotFound { .. }) => return Err(not_template),
            Err(other) => return Err(other),
        },
    };
    let (scenario, source) = match product(&template) {
        Support::Scenario { scenario, source } => (scenario, source),
        Support::NoDescription(why) => return Ok(named("NO_DESCRIPTION", why)),
        Support::NoScenario(what) => {
            return Err(Error::NotImplemented { what: what.into() });
        }
    };
    if args.spec.is_empty() {
        return Ok(named(
            "SPEC_REQUIRED",
            &format!("pass the product's OpenAPI description with --spec FILE; {source}"),
        ));
    }
    let description = match Description::load(&args.spec) {
        Ok(description) => description,
        Err(why) => return Ok(named("SPEC_INVALID", &why)),
    };
    let scenario = Scenario::parse(scenario).map_err(|why| Error::Internal {
        context: format!("the built-in {template} scenario"),
        source: why.into(),
    })?;
    let version = args
        .api_version
        .clone()
        .unwrap_or_else(|| description.version().to_owned());
    let spun = existing.is_none();
    let instance = match existing {
        Some(record) => provider.instance(record).await?,
        None => spin(provider, &template, args.json).await?,
    };
    let (api, tokens) = (&instance.endpoints.api, &instance.record.tokens);
    let drive = async {
        let answers = scenario.run(api, tokens, &description, &version).await?;
        let covered = covered(&description, &answers);
        let rest: Vec<Operation> = description
            .operations()
            .iter()
            .filter(|op| !covered.contains(op))
            .cloned()
            .collect();
        let probes = scenario
            .probe(api, tokens, &description, &rest, &version)
            .await?;
        Ok::<_, String>((answers, probes))
    };
    let run = tokio::select! {
        run = drive => run,
        _ = tokio::signal::ctrl_c() => Err("interrupted (Ctrl-C)".to_owned()),
    };
    if spun {
        provider.destroy(&instance.record.id).await?;
    }
    let (answers, probes) = run.map_err(|why| Error::Internal {
        context: format!("driving the {template} scenario"),
        source: why.into(),
    })?;
    let report = Report::new(&template, &description, &version, args.min, answers, probes);
    if args.json {
        output::json(&report)?;
    } else {
        report.print();
    }
    if report.passed {
        return Ok(ExitCode::SUCCESS);
    }
    Ok(named(
        "VERIFY_BELOW_THRESHOLD",
        &format!(
            "{template} scored {:.3} ({}/{} answers valid), below --min {}",
            report.score, report.valid, report.total, report.min
        ),
    ))
}

/// A clone of `template` seeded `basic`; a Ctrl-C during the spin rolls it back.
async fn spin(
    provider: &impl Provider,
    template: &str,
    json: bool,
) -> Result<CloneInstance, Error> {
    let progress = output::Progress::install(provider, json);
    progress.begin(template);
    let spec = CloneSpec {
        template: template.to_owned(),
        seed: Some(SeedSpec::parse("basic")),
        ..CloneSpec::default()
    };
    tokio::select! {
        created = provider.create(spec) => created,
        _ = tokio::signal::ctrl_c() => {
            provider.abandon_own_spins().await?;
            Err(Error::Internal {
                context: "interrupted; the spin was rolled back".into(),
                source: "Ctrl-C".into(),
            })
        }
    }
}

/// A named failure `verify` adds to the engine's: `asym: CODE: message`, exit 1.
fn named(code: &str, message: &str) -> ExitCode {
    eprintln!("asym: {code}: {message}");
    ExitCode::from(1)
}
