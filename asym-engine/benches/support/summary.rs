//! The timing summary the engine's and the harness's benchmarks print, one format for both
//! (the harness's bench takes this file by `#[path]`).

use std::time::Duration;

/// The sample at quantile `p` (0 to 1) of `sorted`, nearest rank.
pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// `d` in milliseconds.
pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Prints `name` with the count, median, p99, minimum and maximum of `samples`.
pub(crate) fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name:<52} n={:<4} p50={:>8.2} ms  p99={:>8.2} ms  min={:>8.2} ms  max={:>8.2} ms",
        samples.len(),
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.99)),
        ms(samples[0]),
        ms(samples[samples.len() - 1]),
    );
}
