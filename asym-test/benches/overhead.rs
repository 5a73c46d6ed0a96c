//! Harness overhead per test: lease + reset + handles around an empty body, on a warm pool.
//!
//! `cargo bench -p asym-test --bench overhead` (images built, Docker running). Prints p50/p99 for
//! tests in one process (`cargo test`) and for a fresh process per test (`cargo nextest`).

use std::time::{Duration, Instant};

use asym::__private::{Request, Test, run_async};

const SLACK: &[Request] = &[Request {
    template: "slack",
    seed: Some("basic"),
    mode: None,
}];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<52} n={:<4} p50={:>7.2} ms  p99={:>7.2} ms  min={:>7.2} ms  max={:>7.2} ms",
        samples.len(),
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.99)),
        ms(samples[0]),
        ms(samples[samples.len() - 1]),
    );
}

/// One empty test; returns the time from `start` to the body and from the body to the end.
fn one_test(start: Instant) -> (Duration, Duration) {
    let mut to_body = Duration::ZERO;
    let mut body_at = start;
    run_async(
        Test {
            name: "bench::empty",
            manifest_dir: env!("CARGO_MANIFEST_DIR"),
            should_panic: None,
        },
        SLACK,
        |mut clones| {
            let clone: asym::Slack = clones.next();
            to_body = start.elapsed();
            body_at = Instant::now();
            async move {
                assert!(clone.bot_token().starts_with("xoxb-"));
            }
        },
    );
    (to_body, body_at.elapsed())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    if args.iter().any(|a| a == "--one") {
        let (to_body, after) = one_test(Instant::now());
        println!("{} {}", to_body.as_nanos(), after.as_nanos());
        return;
    }
    let n: usize = std::env::var("ASYM_BENCH_TESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    one_test(Instant::now()); // warm: pool spun, engine connected
    let mut samples = Vec::new();
    for _ in 0..n {
        let started = Instant::now();
        let _ = one_test(started);
        samples.push(started.elapsed());
    }
    report("warm overhead, same process (cargo test)", samples);

    let exe = std::env::current_exe().expect("bench path");
    let mut samples = Vec::new();
    for _ in 0..30 {
        let out = std::process::Command::new(&exe)
            .arg("--one")
            .output()
            .expect("spawn");
        let text = String::from_utf8_lossy(&out.stdout);
        let mut parts = text
            .split_whitespace()
            .filter_map(|p| p.parse::<u64>().ok());
        if let (Some(to_body), Some(after)) = (parts.next(), parts.next()) {
            samples.push(Duration::from_nanos(to_body + after));
        }
    }
    report("warm overhead, fresh process per test (nextest)", samples);
}
