//! `asym verify`: a clone's fidelity to its product's own API description.

use std::path::PathBuf;
use std::process::ExitCode;

use asym_engine::{CloneInstance, CloneRecord, CloneSpec, Error, Provider, SeedSpec};

use crate::output;
use crate::verify::graphql::{self, Inputs};
use crate::verify::report::{Answers, covered};
use crate::verify::scenario::Scenario;
use crate::verify::score::{Detail, Report};
use crate::verify::spec::{Description, Operation};
use crate::verify::{Support, errata, fuzz_scenario, product};

/// Score a clone's fidelity to its product's own API description
///
/// OpenAPI products: drive a built-in scenario over every route the clone implements and
/// check each answer against the description: a score (valid answers / all), violations by
/// kind, and the operations the clone does not implement (each probed once, to see that it
/// answers with the product's error). GraphQL products (linear): compare the schema the
/// clone serves with the product's over every (type, field) the SDK's documents select and
/// every input field their variables reach (score: matching pairs / all), and validate each
/// document against the clone's schema.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Given a template, a clone is spun (seed basic) and destroyed after; given a clone id, that clone is used as it is (the scenario writes to it, and it stays; a schema comparison only reads it).\n\nLinear: --spec takes Linear's schema, packages/sdk/src/schema.graphql in github.com/linear/linear; --documents the documents @linear/sdk sends, packages/sdk/src/_generated_documents.graphql beside it (take both from the release of the SDK version you use).\n\nExit 0 at or above --min, 1 below it (VERIFY_BELOW_THRESHOLD) or on a named error, 2 on an unexpected one.\n\nExamples:\n  asym verify stripe --spec spec3.json\n  asym verify github --spec api.github.com.json --json | jq .kinds\n  asym verify stripe-1a2b3c --spec spec3.json --api-version 2023-08-16 --min 0.95\n  asym verify linear --spec schema.graphql --documents _generated_documents.graphql\n  asym verify github --fuzz"
)]
pub(crate) struct Args {
    /// Template to spin, or the id of a running clone.
    target: String,
    /// The product's OpenAPI 3 description (JSON or YAML), or a GraphQL product's schema
    /// (SDL), repeated for a product described in several files; without it, `verify` says
    /// where to get one.
    #[arg(long, value_name = "FILE")]
    spec: Vec<PathBuf>,
    /// A GraphQL product's SDK documents (operations and fragments, `.graphql`), repeated for
    /// several files: what the comparison walks.
    #[arg(long, value_name = "FILE")]
    documents: Vec<PathBuf>,
    /// The API version to request of an OpenAPI product (default: the description's
    /// `info.version`); `--version` is the CLI's own.
    #[arg(long, value_name = "VERSION")]
    api_version: Option<String>,
    /// The lowest passing score.
    #[arg(long, default_value_t = 0.99)]
    min: f64,
    /// Check against the description exactly as published, without the errata `verify`
    /// knows for it (corrections where the product answers otherwise, each with evidence;
    /// the report lists those it applied).
    #[arg(long)]
    no_errata: bool,
    /// Instead of a score: drive the scenario with each request gone wrong first (fields of
    /// the wrong type, too long or holding a NUL, bodies that are not JSON, odd ids in the
    /// path) and list every answer that is a 5xx or none; needs no --spec.
    #[arg(long, conflicts_with_all = ["spec", "documents", "no_errata"])]
    fuzz: bool,
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
    if args.fuzz {
        return match fuzz_scenario(&template) {
            Some(scenario) => fuzz(provider, &args, &template, existing, scenario).await,
            None => Err(Error::NotImplemented {
                what: format!(
                    "--fuzz for {template} (it drives a built-in scenario of REST requests; a \
                     GraphQL clone's schema checks each argument's type before any resolver runs)"
                ),
            }),
        };
    }
    let (scenario, source) = match product(&template) {
        Support::Scenario { scenario, source } => (scenario, source),
        Support::Schema { sdl, source } => {
            return schema(provider, &args, &template, existing, (sdl, source)).await;
        }
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
    if !args.documents.is_empty() {
        return Ok(named(
            "SPEC_INVALID",
            &format!("--documents is for GraphQL products; {template} is verified with --spec"),
        ));
    }
    let errata = if args.no_errata {
        Vec::new()
    } else {
        errata::builtin(&template)
    };
    let (description, errata) = match Description::load(&args.spec, &errata) {
        Ok(loaded) => loaded,
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
    let instance = acquire(provider, &template, existing, args.json).await?;
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
    let mut report = Answers::report(&template, &description, &version, args.min, answers, probes);
    report.detail.errata = errata;
    finish(&report, args.json)
}

/// `verify --fuzz`: the built-in `scenario` with each request gone wrong first; exit 1
/// (`VERIFY_FUZZ_FAILED`) when any answer is a 5xx or none.
async fn fuzz(
    provider: &impl Provider,
    args: &Args,
    template: &str,
    existing: Option<CloneRecord>,
    scenario: &str,
) -> Result<ExitCode, Error> {
    let scenario = Scenario::parse(scenario).map_err(|why| Error::Internal {
        context: format!("the built-in {template} scenario"),
        source: why.into(),
    })?;
    let version = args.api_version.clone().unwrap_or_default();
    let spun = existing.is_none();
    let instance = acquire(provider, template, existing, args.json).await?;
    let (api, tokens) = (&instance.endpoints.api, &instance.record.tokens);
    let run = tokio::select! {
        run = scenario.fuzz(template, api, tokens, &version) => run,
        _ = tokio::signal::ctrl_c() => Err("interrupted (Ctrl-C)".to_owned()),
    };
    if spun {
        provider.destroy(&instance.record.id).await?;
    }
    let fuzzed = run.map_err(|why| Error::Internal {
        context: format!("fuzzing the {template} scenario"),
        source: why.into(),
    })?;
    if args.json {
        output::json(&fuzzed)?;
    } else {
        fuzzed.print();
    }
    Ok(if fuzzed.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        named(
            "VERIFY_FUZZ_FAILED",
            &format!(
                "{} of {} requests were answered with a 5xx or not at all",
                fuzzed.failures.len(),
                fuzzed.requests
            ),
        )
    })
}

/// `verify` for a GraphQL product: the schema its clone serves at `sdl` (under the API
/// address) compared with the product's, `source` saying where to get the inputs.
async fn schema(
    provider: &impl Provider,
    args: &Args,
    template: &str,
    existing: Option<CloneRecord>,
    (sdl, source): (&str, &str),
) -> Result<ExitCode, Error> {
    if args.spec.is_empty() || args.documents.is_empty() {
        return Ok(named(
            "SPEC_REQUIRED",
            &format!(
                "pass the product's schema with --spec FILE and its SDK's documents with \
                 --documents FILE; {source}"
            ),
        ));
    }
    let inputs = match Inputs::load(&args.spec, &args.documents) {
        Ok(inputs) => inputs,
        Err(why) => return Ok(named("SPEC_INVALID", &why)),
    };
    let spun = existing.is_none();
    let instance = acquire(provider, template, existing, args.json).await?;
    let url = format!("{}{sdl}", instance.endpoints.api.trim_end_matches('/'));
    let served = tokio::select! {
        served = graphql::served(&url) => served,
        _ = tokio::signal::ctrl_c() => Err("interrupted (Ctrl-C)".to_owned()),
    };
    if spun {
        provider.destroy(&instance.record.id).await?;
    }
    let report = served
        .and_then(|sdl| inputs.verify(template, &sdl, args.min))
        .map_err(|why| Error::Internal {
            context: format!("reading the {template} clone's schema"),
            source: why.into(),
        })?;
    finish(&report, args.json)
}

/// The clone `existing` names, or a new one of `template`.
async fn acquire(
    provider: &impl Provider,
    template: &str,
    existing: Option<CloneRecord>,
    json: bool,
) -> Result<CloneInstance, Error> {
    match existing {
        Some(record) => provider.instance(record).await,
        None => spin(provider, template, json).await,
    }
}

/// Prints `report` (as JSON with `json`); exit 0 when it passed, else
/// `VERIFY_BELOW_THRESHOLD` saying by how much.
fn finish(report: &Report<impl Detail>, json: bool) -> Result<ExitCode, Error> {
    if json {
        output::json(report)?;
    } else {
        report.print();
    }
    Ok(match report.shortfall() {
        None => ExitCode::SUCCESS,
        Some(why) => named("VERIFY_BELOW_THRESHOLD", &why),
    })
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
