//! `asym prune`.

use asym_engine::{Error, Provider, parse_duration};

use crate::output;

/// Remove what nobody uses: pooled clones idle past a TTL, dead spins, orphan containers,
/// stale leases.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  asym prune --dry-run\n  asym prune --idle 10m\n  asym prune --all"
)]
pub(crate) struct Args {
    /// Idle time after which a pooled (test harness) clone goes: 90s, 30m, 2h.
    #[arg(long, default_value = "30m", value_parser = duration)]
    idle: std::time::Duration,
    /// Remove every clone that is not leased right now, pooled or not.
    #[arg(long)]
    all: bool,
    /// Only say what would be removed.
    #[arg(long)]
    dry_run: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn duration(text: &str) -> Result<std::time::Duration, String> {
    parse_duration(text).ok_or_else(|| format!("\"{text}\" is not a duration like 90s, 30m or 2h"))
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    let report = provider.prune(args.idle, args.all, args.dry_run).await?;
    if args.json {
        return output::json(&report);
    }
    let verb = if args.dry_run {
        "would remove"
    } else {
        "removed"
    };
    let groups = [
        ("clones", &report.clones),
        ("abandoned spins", &report.abandoned_spins),
        ("orphan containers", &report.orphan_containers),
        ("stale leases", &report.stale_leases),
    ];
    let mut any = false;
    for (what, items) in groups {
        if !items.is_empty() {
            any = true;
            println!("{verb} {what}: {}", items.join(", "));
        }
    }
    if !any {
        println!("nothing to prune");
    }
    Ok(())
}
