//! Engine benchmark: reset, spin, and the drop/re-migrate/restart alternative, on real Docker.
//!
//! `cargo bench -p asym-engine --bench engine` (images built, Docker running). Prints medians,
//! p99 and spread; run it twice to see the machine's noise. `ASYM_BENCH_TEMPLATE` picks the
//! template (default `slack`, seeded `basic`). The reset is measured after what a test writes
//! — the requests of the template's `bench-writes.json`, one or more through every route
//! family, sent to the clone's API before each reset — and with every table rewritten (as
//! after restoring another snapshot: the upper bound). Slack also measures one table written
//! by SQL.

use std::path::PathBuf;
use std::time::Instant;

use asym_engine::{
    CloneInstance, CloneProvider, CloneSpec, LocalDockerProvider, PoolProvider, SeedSpec,
};
use serde::Deserialize;
use serde_json::Value;

#[path = "support/summary.rs"]
mod summary;

use summary::report;

fn template() -> String {
    std::env::var("ASYM_BENCH_TEMPLATE").unwrap_or_else(|_| "slack".to_owned())
}

/// A template's `bench-writes.json`: what a test writes, replayed before each timed reset.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Writes {
    /// Headers sent with every request; `{name}` in a value is the clone's token `name`.
    headers: std::collections::BTreeMap<String, String>,
    /// The requests, in order; each must answer 2xx.
    requests: Vec<WriteRequest>,
}

/// One request of a [`Writes`] file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WriteRequest {
    /// The route family it writes through (printed as the count of families).
    family: String,
    method: String,
    /// Appended to the clone's `endpoints.api`.
    path: String,
    /// Headers of this request alone, over the file's (`{name}` as there).
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
    /// A JSON body.
    #[serde(default)]
    json: Option<Value>,
    /// A form body (`application/x-www-form-urlencoded`).
    #[serde(default)]
    form: Option<std::collections::BTreeMap<String, String>>,
}

impl Writes {
    /// The template's file, if it has one.
    fn of(template: &str) -> Option<Self> {
        let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "templates", template]
            .iter()
            .collect::<PathBuf>()
            .join("bench-writes.json");
        let text = std::fs::read_to_string(&path).ok()?;
        Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    }

    fn families(&self) -> usize {
        let mut families: Vec<&str> = self.requests.iter().map(|r| r.family.as_str()).collect();
        families.sort_unstable();
        families.dedup();
        families.len()
    }

    /// Sends every request to `clone`, panicking on a failed one (a bench timing resets after
    /// failed writes would measure nothing): not 2xx, Slack's `"ok": false`, or GraphQL
    /// `errors`.
    async fn send(&self, http: &reqwest::Client, clone: &CloneInstance) {
        for request in &self.requests {
            let method = reqwest::Method::from_bytes(request.method.as_bytes())
                .unwrap_or_else(|_| panic!("bad method {}", request.method));
            let mut call = http.request(method, format!("{}{}", clone.endpoints.api, request.path));
            let mut headers = self.headers.clone();
            headers.extend(request.headers.clone());
            for (name, value) in headers {
                let mut value = value;
                for (token, secret) in &clone.record.tokens {
                    value = value.replace(&format!("{{{token}}}"), secret);
                }
                call = call.header(name, value);
            }
            if let Some(json) = &request.json {
                call = call.json(json);
            }
            if let Some(form) = &request.form {
                call = call.form(form);
            }
            let response = call.send().await.expect("the clone answers");
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            let parsed: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            let refused = parsed["ok"] == Value::Bool(false)
                || parsed["errors"].as_array().is_some_and(|e| !e.is_empty());
            assert!(
                status.is_success() && !refused,
                "{} {}: {status} {body}",
                request.method,
                request.path
            );
        }
    }
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
    if let Some(writes) = Writes::of(&template) {
        let http = reqwest::Client::new();
        let mut samples = Vec::new();
        for _ in 0..resets {
            writes.send(&http, &warm).await;
            let started = Instant::now();
            provider.reset(&id).await?;
            samples.push(started.elapsed());
        }
        report(
            &format!(
                "reset after {} writes, {} route families ({template})",
                writes.requests.len(),
                writes.families()
            ),
            samples,
        );
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
