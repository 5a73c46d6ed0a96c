//! `asym admin`: a call to a clone's admin surface, with its secret.

use asym_engine::{CloneInstance, Error, Provider, admin_call};
use serde_json::Value;

use crate::output;

/// The methods the admin surface takes.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

/// Call a clone's admin surface (`/api/admin/<path>`: event subscriptions, rate limits, extra
/// tokens, interactions; each template's README lists its routes) and print the JSON it answers.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    asym admin slack-1a2b3c get events\n  \
    asym admin slack-1a2b3c post commands --data '{\"command\": \"/deploy\", \"url\": \"http://127.0.0.1:9000/slack/commands\"}'\n  \
    asym admin slack-1a2b3c post interactions/command --data @run.json\n  \
    asym admin slack-1a2b3c --secret")]
pub(crate) struct Args {
    /// Clone id.
    id: String,
    /// The method (with a path).
    #[arg(value_enum, requires = "path", required_unless_present = "secret")]
    method: Option<Method>,
    /// The route under `/api/admin/` (`events`, `rate-limits`, …).
    path: Option<String>,
    /// The JSON body, or `@FILE` to read it from a file.
    #[arg(long, requires = "path", value_parser = body)]
    data: Option<Value>,
    /// Accepted as by every data verb: the answer is JSON either way.
    #[arg(long)]
    json: bool,
    /// Print the clone's admin secret (the `X-Asym-Admin-Secret` header) instead of calling.
    #[arg(long, conflicts_with_all = ["method", "data"])]
    secret: bool,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    // clap takes a call without a method only with `--secret`.
    let Some(method) = args.method else {
        println!("{}", provider.admin_secret(&args.id)?);
        return Ok(());
    };
    let (clone, secret) = reach(provider, &args.id).await?;
    let method = format!("{method:?}");
    let path = args.path.unwrap_or_default();
    let answer = admin_call(&clone, &secret, &method, &path, args.data.as_ref()).await?;
    output::json(&answer)
}

/// Clone `id` as running, and its admin secret: what a call to its admin surface needs.
///
/// # Errors
/// `CLONE_NOT_FOUND`, or the provider's error reaching the clone.
pub(crate) async fn reach(
    provider: &impl Provider,
    id: &str,
) -> Result<(CloneInstance, String), Error> {
    let secret = provider.admin_secret(id)?;
    Ok((provider.instance(provider.record(id)?).await?, secret))
}

/// `--data`: JSON, or `@FILE` holding it.
pub(crate) fn body(data: &str) -> Result<Value, String> {
    let text = match data.strip_prefix('@') {
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?
        }
        None => data.to_owned(),
    };
    serde_json::from_str(&text).map_err(|e| format!("not JSON ({e})"))
}
