//! Harness overhead per test: lease + reset + handles around an empty body, on a warm pool,
//! and where that time goes, step by step.
//!
//! `cargo bench -p asym-test --bench overhead` (images built, Docker running); add
//! `--profile dev` to measure the unoptimised build that `cargo test` and nextest run. Prints
//! p50/p99 for tests in one process (`cargo test`) and for a fresh process per test
//! (`cargo nextest`), each followed by the median of every step.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use asym::__private::{Request, Test, record_steps, run_async, take_steps};

const SLACK: &[Request] = &[Request {
    template: "slack",
    seed: Some("basic"),
    mode: None,
}];

/// The parent's clock when it spawned a `--one` child, in nanoseconds since the epoch.
const SPAWNED: &str = "ASYM_BENCH_SPAWNED_NS";

#[path = "../../asym-engine/benches/support/summary.rs"]
mod summary;

use summary::{ms, percentile, report};

/// Per step, in the order first seen: the median over runs (a run that skipped a step counts
/// zero for it).
fn report_steps(runs: &[Vec<(String, Duration)>]) {
    let mut order: Vec<String> = Vec::new();
    let mut by_step: BTreeMap<String, Vec<Duration>> = BTreeMap::new();
    for run in runs {
        for (step, took) in run {
            if !order.contains(step) {
                order.push(step.clone());
            }
            by_step.entry(step.clone()).or_default().push(*took);
        }
    }
    for step in order {
        let mut samples = by_step.remove(&step).unwrap_or_default();
        samples.resize(runs.len(), Duration::ZERO);
        samples.sort();
        println!(
            "    {step:<44} p50={:>7.3} ms  p99={:>7.3} ms",
            ms(percentile(&samples, 0.5)),
            ms(percentile(&samples, 0.99))
        );
    }
}

/// One empty test, its steps recorded from `start`.
fn one_test(start: Instant) -> Vec<(String, Duration)> {
    record_steps(start);
    run_async(
        Test {
            name: "bench::empty",
            manifest_dir: env!("CARGO_MANIFEST_DIR"),
            should_panic: None,
        },
        SLACK,
        |mut clones| {
            let clone: asym::Slack = clones.next();
            async move {
                assert!(clone.bot_token().starts_with("xoxb-"));
            }
        },
    );
    take_steps()
        .into_iter()
        .map(|(step, took)| (step.to_owned(), took))
        .collect()
}

fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

fn main() {
    let started = Instant::now();
    let started_ns = now_ns();
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    if args.iter().any(|a| a == "--one") {
        let spawned: u128 = std::env::var(SPAWNED)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(started_ns);
        println!(
            "process start (exec, loading, std init)\t{}",
            started_ns.saturating_sub(spawned)
        );
        for (step, took) in one_test(started) {
            println!("{step}\t{}", took.as_nanos());
        }
        return;
    }
    let n: usize = std::env::var("ASYM_BENCH_TESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    one_test(Instant::now()); // warm: pool spun, engine connected
    let mut samples = Vec::new();
    let mut runs = Vec::new();
    for _ in 0..n {
        let started = Instant::now();
        runs.push(one_test(started));
        samples.push(started.elapsed());
    }
    report("warm overhead, same process (cargo test)", samples);
    report_steps(&runs);

    let exe = std::env::current_exe().expect("bench path");
    let size = std::fs::metadata(&exe).map_or(0, |m| m.len());
    let mut samples = Vec::new();
    let mut runs = Vec::new();
    for _ in 0..30 {
        let spawned = Instant::now();
        let out = std::process::Command::new(&exe)
            .arg("--one")
            .env(SPAWNED, now_ns().to_string())
            .output()
            .expect("spawn");
        samples.push(spawned.elapsed());
        let run: Vec<(String, Duration)> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|line| {
                let (step, ns) = line.split_once('\t')?;
                Some((step.to_owned(), Duration::from_nanos(ns.parse().ok()?)))
            })
            .collect();
        runs.push(run);
    }
    report("warm overhead, fresh process per test (nextest)", samples);
    println!(
        "    (the whole process, spawn to exit; binary {:.1} MB)",
        size as f64 / 1e6
    );
    report_steps(&runs);
}
