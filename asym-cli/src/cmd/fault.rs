//! `asym fault`: ask a clone for the product's own failure by name, or an answer of one's own.

use std::time::Duration;

use asym_engine::{Error, Fault, Provider, add_fault, clear_faults, list_faults};
use serde_json::Value;

use crate::cmd::admin::{body, reach};
use crate::output;

/// Make a clone fail as its product does: its template's presets by name (`server_error`,
/// `rate_limited`: `asym ls --templates` lists them) or a status of your own, on the requests
/// that match, a number of times; a reset forgets every fault. Without a kind, lists the
/// faults the clone keeps.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    asym fault stripe-1a2b3c server_error --method POST --path /v1/customers --times 2\n  \
    asym fault slack-1a2b3c rate_limited --times always\n  \
    asym fault notion-1a2b3c 503 --path '/v1/*' --body '{\"object\": \"error\"}'\n  \
    asym fault github-1a2b3c --delay-ms 3000 --path /repos/acme/hello-world/issues\n  \
    asym fault stripe-1a2b3c --disconnect after --method POST --path /v1/charges\n  \
    asym fault stripe-1a2b3c\n  \
    asym fault stripe-1a2b3c --clear")]
pub(crate) struct Args {
    /// Clone id.
    id: String,
    /// A preset of the clone's template, or a status (200-599) answered as given.
    kind: Option<String>,
    /// Only requests of this method.
    #[arg(long)]
    method: Option<String>,
    /// Only requests on this path (ending in `*`: a prefix; the query is not compared).
    #[arg(long)]
    path: Option<String>,
    /// How many matching requests it takes (default 1), or `always`.
    #[arg(long, value_parser = times)]
    times: Option<Times>,
    /// Answer this many milliseconds late (alone: the clone's own answer, late).
    #[arg(long)]
    delay_ms: Option<u64>,
    /// The body answered: JSON, or `@FILE` holding it.
    #[arg(long, value_parser = body)]
    body: Option<Value>,
    /// No answer at all: close the connection `before` the clone handles the request, or
    /// `after` it has (the work done, the answer lost).
    #[arg(long, value_enum, conflicts_with_all = ["kind", "body", "headers"])]
    disconnect: Option<When>,
    /// A header answered, `NAME: VALUE` (repeatable).
    #[arg(long = "header", value_parser = header)]
    headers: Vec<(String, String)>,
    /// Forget every fault the clone keeps.
    #[arg(long, conflicts_with_all = ["kind", "method", "path", "times", "delay_ms", "body", "headers", "disconnect"])]
    clear: bool,
    /// Accepted as by every data verb: the answer is JSON either way.
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    let (clone, secret) = reach(provider, &args.id).await?;
    let answer = if args.clear {
        clear_faults(&clone, &secret).await?
    } else {
        match fault(&args) {
            None => list_faults(&clone, &secret).await?,
            Some(fault) => add_fault(provider.catalog(), &clone, &secret, &fault).await?,
        }
    };
    output::json(&answer)
}

/// When `--disconnect` closes the connection.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum When {
    Before,
    After,
}

/// How many requests a fault takes.
#[derive(Debug, Clone, Copy)]
enum Times {
    Count(u64),
    Always,
}

/// `--times`: a whole number from 1, or `always`.
fn times(given: &str) -> Result<Times, String> {
    match given {
        "always" => Ok(Times::Always),
        count => match count.parse() {
            Ok(n) if n >= 1 => Ok(Times::Count(n)),
            _ => Err(format!(
                "{count:?} is not a whole number from 1, or `always`"
            )),
        },
    }
}

/// The fault the arguments describe: none without a kind or a delay.
fn fault(args: &Args) -> Option<Fault> {
    let answer = match (&args.kind, args.disconnect) {
        (Some(kind), _) => Some(match kind.parse::<u16>() {
            Ok(status) => Fault::status(status),
            Err(_) => Fault::preset(kind),
        }),
        (None, Some(When::Before)) => Some(Fault::disconnect()),
        (None, Some(When::After)) => Some(Fault::lose_answer()),
        (None, None) => None,
    };
    let mut fault = match (answer, args.delay_ms.map(Duration::from_millis)) {
        (Some(fault), Some(delay)) => fault.after(delay),
        (Some(fault), None) => fault,
        (None, Some(delay)) => Fault::slow(delay),
        (None, None) => return None,
    };
    if let Some(path) = &args.path {
        fault = fault.path(path);
    }
    if let Some(method) = &args.method {
        fault = fault.method(method);
    }
    match args.times {
        None => {}
        Some(Times::Always) => fault = fault.always(),
        Some(Times::Count(n)) => fault = fault.times(n),
    }
    if let Some(body) = &args.body {
        fault = fault.body(body.clone());
    }
    for (name, value) in &args.headers {
        fault = fault.header(name, value);
    }
    Some(fault)
}

/// `--header NAME: VALUE`.
fn header(given: &str) -> Result<(String, String), String> {
    given
        .split_once(':')
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .filter(|(name, _)| !name.is_empty())
        .ok_or_else(|| format!("{given:?} is not `NAME: VALUE`"))
}
