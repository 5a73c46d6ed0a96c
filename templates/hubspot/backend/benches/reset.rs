//! How a HubSpot clone's reset scales: the engine's `reset` (what the harness runs before each
//! test, without the CLI's process start) timed after what a test writes, over the `basic`
//! seed and over a baseline of 10,000 more contacts.
//!
//! `cargo bench -p hubspot-backend --bench reset` (image built, Docker running). For each
//! baseline it prints p50/p99 of `ASYM_BENCH_RESETS` resets (default 100) after one contact
//! create, after a batch create of 100 contacts, and with every table rewritten (as after
//! restoring another snapshot: the cost the recording of written rows avoids), each with the
//! 1-minute load average.

use std::time::{Duration, Instant};

use asym_engine::{CloneProvider, CloneSpec, LocalDockerProvider, PoolProvider, SeedSpec};
use serde_json::{Value, json};

/// The 10,000 contacts `bench.sh` searches, a quarter of them leads, a minute apart.
const CONTACTS: &str = include_str!("contacts.sql");

/// What a test writes before the timed reset.
#[derive(Clone, Copy)]
enum Write {
    /// `POST /crm/v3/objects/contacts`.
    OneContact,
    /// `POST /crm/v3/objects/contacts/batch/create` with 100 inputs.
    HundredContacts,
    /// Nothing through the API; every table marked for rewriting.
    EveryTable,
}

impl Write {
    fn label(self) -> &'static str {
        match self {
            Self::OneContact => "after one contact create",
            Self::HundredContacts => "after a batch create of 100 contacts",
            Self::EveryTable => "every table rewritten",
        }
    }
}

/// One clone and a client for its API.
struct Bench {
    provider: LocalDockerProvider,
    id: String,
    database: String,
    api: String,
    token: String,
    http: reqwest::Client,
    resets: usize,
}

impl Bench {
    async fn post(&self, path: &str, body: &Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.api))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .expect("the clone answers");
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
    }

    async fn write(&self, write: Write) -> asym_engine::Result<()> {
        match write {
            Write::OneContact => {
                let body = json!({ "properties": { "firstname": "Dirty" } });
                self.post("/crm/v3/objects/contacts", &body).await;
            }
            Write::HundredContacts => {
                let inputs: Vec<Value> = (0..100)
                    .map(|i| json!({ "properties": { "firstname": format!("Dirty {i}") } }))
                    .collect();
                let body = json!({ "inputs": inputs });
                self.post("/crm/v3/objects/contacts/batch/create", &body)
                    .await;
            }
            Write::EveryTable => {
                self.provider
                    .query(&self.database, "UPDATE asym_track.state SET current = NULL")
                    .await?;
            }
        }
        Ok(())
    }

    async fn measure(&self, baseline: &str, write: Write) -> asym_engine::Result<()> {
        let mut samples = Vec::with_capacity(self.resets);
        for _ in 0..self.resets {
            self.write(write).await?;
            let started = Instant::now();
            self.provider.reset(&self.id).await?;
            samples.push(started.elapsed());
        }
        report(&format!("reset {} ({baseline})", write.label()), samples);
        Ok(())
    }

    async fn all(&self, baseline: &str) -> asym_engine::Result<()> {
        for write in [Write::OneContact, Write::HundredContacts, Write::EveryTable] {
            self.measure(baseline, write).await?;
        }
        Ok(())
    }
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |p: f64| ms(samples[((samples.len() - 1) as f64 * p).round() as usize]);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "{name:<66} n={:<4} p50={:>7.2} ms  p99={:>7.2} ms  load {}",
        samples.len(),
        at(0.5),
        at(0.99),
        load.split_whitespace().next().unwrap_or("?"),
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> asym_engine::Result<()> {
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    let resets = std::env::var("ASYM_BENCH_RESETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let provider = LocalDockerProvider::new()?;
    let clone = provider
        .create(CloneSpec {
            seed: Some(SeedSpec::Fixture("basic".into())),
            ..CloneSpec::new("hubspot")
        })
        .await?;
    let bench = Bench {
        id: clone.record.id.clone(),
        database: clone.record.database.clone(),
        api: clone.endpoints.api.clone(),
        token: clone
            .record
            .tokens
            .get("token")
            .cloned()
            .unwrap_or_default(),
        http: reqwest::Client::new(),
        provider,
        resets,
    };
    let outcome = async {
        bench.all("basic").await?;
        let file = std::env::temp_dir().join(format!("asym-hubspot-{}.sql", bench.id));
        std::fs::write(&file, CONTACTS).expect("the temp dir is writable");
        let seeded = bench
            .provider
            .seed(&bench.id, SeedSpec::File(file.clone()))
            .await;
        let _ = std::fs::remove_file(&file);
        seeded?;
        bench.all("basic + 10,000 contacts").await
    }
    .await;
    bench.provider.destroy(&bench.id).await?;
    outcome
}
