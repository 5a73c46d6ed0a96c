//! Engine benchmark: reset, spin, and the drop/re-migrate/restart alternative, on real Docker.
//!
//! `cargo bench -p asym-engine --bench engine` (images built, Docker running). Prints medians,
//! p99 and spread; run it twice to see the machine's noise. `ASYM_BENCH_TEMPLATE` picks the
//! template (default `slack`, seeded `basic`); for templates other than Slack the reset is
//! measured with every table rewritten (the upper bound of a test that wrote through every
//! route family), not with one table written.

use std::time::{Duration, Instant};

use asym_engine::{CloneProvider, CloneSpec, LocalDockerProvider, PoolProvider, SeedSpec};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<48} n={:<4} p50={:>8.2} ms  p99={:>8.2} ms  min={:>8.2} ms  max={:>8.2} ms",
        samples.len(),
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.99)),
        ms(samples[0]),
        ms(samples[samples.len() - 1]),
    );
}

fn template() -> String {
    std::env::var("ASYM_BENCH_TEMPLATE").unwrap_or_else(|_| "slack".to_owned())
}

fn spec() -> CloneSpec {
    CloneSpec {
        seed: Some(SeedSpec::Fixture("basic".into())),
        ..CloneSpec::new(template())
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> asym_engine::Result<()> {
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    let resets: usize = std::env::var("ASYM_BENCH_RESETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let spins: usize = std::env::var("ASYM_BENCH_SPINS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let provider = LocalDockerProvider::new()?;
    // Warm up: shared infra up, image digest resolved and its /clone files cached.
    let warm = provider.create(spec()).await?;
    let id = warm.record.id.clone();

    let template = template();
    if template == "slack" {
        let mut samples = Vec::new();
        for i in 0..resets {
            // Dirty the clone the way a test would: new rows in the biggest tables.
            provider
                .query(
                    &warm.record.database,
                    &format!("INSERT INTO messages (channel_id, ts, user_id, team_id, text) \
                         SELECT channel_id, ts + 1000 + {i}, user_id, team_id, text FROM messages LIMIT 3"),
                )
                .await?;
            let started = Instant::now();
            provider.reset(&id).await?;
            samples.push(started.elapsed());
        }
        report("reset, one table written (slack, basic seed)", samples);
    }
    let mut samples = Vec::new();
    for _ in 0..resets {
        // As after restoring another snapshot: every table is rewritten.
        provider
            .query(
                &warm.record.database,
                "UPDATE asym_track.state SET current = NULL",
            )
            .await?;
        let started = Instant::now();
        provider.reset(&id).await?;
        samples.push(started.elapsed());
    }
    report(
        &format!("reset, every table rewritten ({template}, basic seed)"),
        samples,
    );

    let mut samples = Vec::new();
    let mut alt = Vec::new();
    for _ in 0..spins {
        let started = Instant::now();
        let clone = provider.create(spec()).await?;
        samples.push(started.elapsed());
        // The alternative to an in-place reset: drop the database, re-migrate, restart.
        let started = Instant::now();
        provider.destroy(&clone.record.id).await?;
        let again = provider.create(spec()).await?;
        alt.push(started.elapsed());
        provider.destroy(&again.record.id).await?;
    }
    report("spin to healthy+provisioned+seeded (infra up)", samples);
    report("drop db + re-migrate + restart (destroy+spin)", alt);

    let stats = std::process::Command::new("docker")
        .args([
            "stats",
            "--no-stream",
            "--format",
            "{{.MemUsage}}",
            &format!("asym-{id}-backend"),
        ])
        .output();
    if let Ok(out) = stats {
        println!(
            "idle backend container memory: {}",
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
    let size = std::process::Command::new("docker")
        .args([
            "image",
            "inspect",
            "--format",
            "{{.Size}}",
            &warm.record.image,
        ])
        .output();
    if let Ok(out) = size {
        let bytes: f64 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or(0.0);
        println!("backend image size: {:.1} MB", bytes / 1e6);
    }
    provider.destroy(&id).await?;
    Ok(())
}
