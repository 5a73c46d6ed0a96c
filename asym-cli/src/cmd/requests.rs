//! `asym requests`: what a clone was sent since its last reset, and what it answered.

use std::io::Write as _;
use std::time::Duration;

use asym_engine::{
    CloneInstance, Error, Journal, Provider, RequestFilter, SeenRequest, clear_requests, requests,
};
use serde_json::json;

use crate::cmd::admin::reach;
use crate::output;

/// How long one poll of `--follow` waits for a request before asking again.
const FOLLOW_WAIT: Duration = Duration::from_secs(20);
/// How much of each answer the table shows.
const ANSWER_SHOWN: usize = 60;

/// Show the requests a clone answered since its last reset (the last 1,000), oldest first,
/// each with the start of its answer; `--json` gives each whole (headers, bodies up to 8 KiB).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    asym requests slack-1a2b3c\n  \
    asym requests stripe-1a2b3c --method POST --path '/v1/*' --last 5\n  \
    asym requests stripe-1a2b3c --json\n  \
    asym requests slack-1a2b3c --follow\n  \
    asym requests slack-1a2b3c --clear")]
pub(crate) struct Args {
    /// Clone id.
    id: String,
    /// Only requests of this method.
    #[arg(long)]
    method: Option<String>,
    /// Only requests on this path (ending in `*`: a prefix; the query is not compared).
    #[arg(long)]
    path: Option<String>,
    /// Only the last N of them.
    #[arg(long)]
    last: Option<usize>,
    /// Keep printing the requests it answers, as they come, until interrupted (with
    /// `--json`: a JSON object a line).
    #[arg(long)]
    follow: bool,
    /// Forget the requests kept so far.
    #[arg(long, conflicts_with_all = ["method", "path", "last", "follow"])]
    clear: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    let (clone, secret) = reach(provider, &args.id).await?;
    if args.clear {
        let cleared = clear_requests(&clone, &secret).await?;
        if args.json {
            return output::json(&json!({ "cleared": cleared }));
        }
        println!("{}: {cleared} requests forgotten", args.id);
        return Ok(());
    }
    let filter = RequestFilter {
        method: args.method.clone(),
        path: args.path.clone(),
        ..RequestFilter::default()
    };
    let mut journal = requests(&clone, &secret, &filter).await?;
    let from = journal
        .requests
        .len()
        .saturating_sub(args.last.unwrap_or(usize::MAX));
    if args.follow {
        journal.requests.drain(..from);
        return follow(&clone, &secret, filter, journal, args.json).await;
    }
    let shown = &journal.requests[from..];
    if args.json {
        return output::json(&json!({ "requests": shown, "dropped": journal.dropped }));
    }
    if shown.is_empty() {
        let matching = if args.method.is_some() || args.path.is_some() {
            " matching"
        } else {
            ""
        };
        println!("{}: no{matching} requests since its last reset", args.id);
        return Ok(());
    }
    let header = ["#", "METHOD", "PATH", "STATUS", "MS", "ANSWER"];
    output::table(&header, &shown.iter().map(row).collect::<Vec<_>>());
    if journal.dropped > 0 {
        println!("({} earlier requests are no longer kept)", journal.dropped);
    }
    Ok(())
}

/// Prints the requests of `journal`, then each one the clone answers after them, as it comes
/// (a line each, or a JSON object a line), until interrupted or the reader goes away; a
/// reset is said on stderr.
async fn follow(
    clone: &CloneInstance,
    secret: &str,
    mut filter: RequestFilter,
    mut journal: Journal,
    json: bool,
) -> Result<(), Error> {
    loop {
        for request in &journal.requests {
            let line = if json {
                serde_json::to_string(request).unwrap_or_default()
            } else {
                row(request).join("  ")
            };
            // A reader that went away (`| head`) ends it.
            if writeln!(std::io::stdout(), "{line}").is_err() {
                return Ok(());
            }
            filter.after = Some(request.seq);
        }
        let epoch = journal.epoch;
        filter.epoch = Some(epoch);
        filter.wait = Some(FOLLOW_WAIT);
        journal = requests(clone, secret, &filter).await?;
        if journal.epoch != epoch {
            eprintln!("asym: {} was reset", clone.record.id);
            // What came after the reset, from its first request.
            filter.after = None;
            filter.wait = None;
            journal = requests(clone, secret, &filter).await?;
        }
    }
}

/// A request as a table row.
fn row(request: &SeenRequest) -> Vec<String> {
    vec![
        request.seq.to_string(),
        request.method.clone(),
        request.target(),
        request.outcome(),
        format!("{:.1}", request.ms),
        request.answer_start(ANSWER_SHOWN),
    ]
}
