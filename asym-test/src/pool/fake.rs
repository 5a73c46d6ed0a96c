//! A provider that runs nothing: clones are records in memory, resets are counters. The pool's
//! logic (leases, caps, held-out clones, settling deferred resets, reaping, retiring) is tested on it
//! without Docker; it is also the proof that the harness needs only the provider traits.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use asym_engine::{
    Catalog, CloneInstance, CloneProvider, CloneRecord, CloneSpec, CloneState, CloneStatus,
    Endpoints, Error, Home, LogLine, LogOptions, PoolMember, PoolProvider, ProviderKind, Result,
    SeedResult, SeedSpec, Timestamp,
};
use futures_util::stream::BoxStream;

/// What a fake clone went through.
#[derive(Debug, Default)]
pub(super) struct Calls {
    pub(super) created: Vec<String>,
    pub(super) destroyed: Vec<String>,
    /// Full resets (`reset_record`).
    pub(super) resets: usize,
    /// Deferred resets started, and settled (the tokens asked about).
    pub(super) deferred: usize,
    pub(super) settled: Vec<String>,
}

/// In-memory clones under a home of its own.
pub(super) struct Fake {
    home: Home,
    catalog: Catalog,
    clones: Mutex<Vec<CloneRecord>>,
    pub(super) calls: Mutex<Calls>,
    /// Whether a deferred reset reports settled.
    settles: bool,
    /// Clones whose resets fail (their containers vanished).
    pub(super) broken: Mutex<BTreeSet<String>>,
    /// How many times the templates' images were rebuilt: each build has its own digest.
    pub(super) builds: Mutex<u8>,
    _dir: tempfile::TempDir,
}

impl Fake {
    pub(super) fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary home");
        let home = Home::at(dir.path());
        home.ensure().expect("the home's folders");
        Self {
            home,
            catalog: Catalog::load(&[]).expect("the built-in templates"),
            clones: Mutex::new(Vec::new()),
            calls: Mutex::new(Calls::default()),
            settles: true,
            broken: Mutex::new(BTreeSet::new()),
            builds: Mutex::new(0),
            _dir: dir,
        }
    }

    /// A fake whose deferred resets never report settled.
    pub(super) fn unsettled() -> Self {
        Self {
            settles: false,
            ..Self::new()
        }
    }

    fn not_here(what: &str) -> Error {
        Error::NotImplemented {
            what: format!("{what} on the fake provider"),
        }
    }

    /// Records a new running clone.
    fn add(&self, spec: CloneSpec) -> CloneRecord {
        let mut clones = self.clones.lock().unwrap();
        let mut calls = self.calls.lock().unwrap();
        let id = format!("{}-{}", spec.template, calls.created.len() + 1);
        let now = Timestamp::now();
        let record = CloneRecord {
            compose_project: format!("asym-{id}"),
            database: format!("clone_{id}"),
            redis_prefix: format!("{id}:"),
            template: spec.template,
            mode: spec.mode.unwrap_or_default(),
            name: spec.name,
            ports: BTreeMap::new(),
            state: CloneState::Running,
            seed: spec.seed,
            expose: false,
            image: String::new(),
            image_digest: spec.image.unwrap_or_default(),
            tokens: BTreeMap::new(),
            network: String::new(),
            pool_key: spec.pool_key,
            last_leased_at: None,
            snapshots: Vec::new(),
            created_at: now,
            updated_at: now,
            id: id.clone(),
        };
        clones.push(record.clone());
        calls.created.push(id);
        record
    }

    fn check(&self, record: &CloneRecord) -> Result<()> {
        if self.broken.lock().unwrap().contains(&record.id) {
            return Err(Error::CloneNotFound {
                id: record.id.clone(),
            });
        }
        Ok(())
    }
}

impl CloneProvider for Fake {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Local
    }

    fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    fn home(&self) -> &Home {
        &self.home
    }

    fn record(&self, id: &str) -> Result<CloneRecord> {
        self.clones
            .lock()
            .unwrap()
            .iter()
            .find(|r| r.id == id)
            .cloned()
            .ok_or_else(|| Error::CloneNotFound { id: id.to_owned() })
    }

    fn records(&self) -> Result<Vec<CloneRecord>> {
        Ok(self.clones.lock().unwrap().clone())
    }

    async fn instance(&self, record: CloneRecord) -> Result<CloneInstance> {
        Ok(CloneInstance {
            endpoints: Endpoints {
                api: format!("http://127.0.0.1:1/{}", record.id),
                web: None,
            },
            database_url: format!("postgres://fake/{}", record.database),
            record,
        })
    }

    async fn resolve_image(&self, template: &str) -> Result<String> {
        let build = *self.builds.lock().unwrap();
        Ok(format!("sha256:{build:02x}{:0>62}", template.len()))
    }

    async fn create(&self, spec: CloneSpec) -> Result<CloneInstance> {
        let record = self.add(spec);
        self.instance(record).await
    }

    async fn start(&self, _id: &str) -> Result<CloneInstance> {
        Err(Self::not_here("start"))
    }

    async fn stop(&self, _id: &str) -> Result<()> {
        Err(Self::not_here("stop"))
    }

    async fn destroy(&self, id: &str) -> Result<()> {
        self.clones.lock().unwrap().retain(|r| r.id != id);
        self.calls.lock().unwrap().destroyed.push(id.to_owned());
        Ok(())
    }

    async fn status(&self, _id: &str) -> Result<CloneStatus> {
        Err(Self::not_here("status"))
    }

    async fn list(&self) -> Result<Vec<CloneInstance>> {
        Err(Self::not_here("list"))
    }

    async fn logs(
        &self,
        _id: &str,
        _options: LogOptions,
    ) -> Result<BoxStream<'static, Result<LogLine>>> {
        Err(Self::not_here("logs"))
    }

    async fn seed(&self, _id: &str, _seed: SeedSpec) -> Result<SeedResult> {
        Err(Self::not_here("seed"))
    }

    async fn reset(&self, id: &str) -> Result<()> {
        let record = self.record(id)?;
        self.reset_record(&record, "").await
    }

    async fn snapshot(&self, _id: &str, _name: &str) -> Result<()> {
        Err(Self::not_here("snapshot"))
    }

    async fn restore(&self, _id: &str, _name: &str) -> Result<()> {
        Err(Self::not_here("restore"))
    }
}

impl PoolProvider for Fake {
    fn pool_members(&self, key: &str) -> Result<Vec<PoolMember>> {
        Ok(self
            .records()?
            .into_iter()
            .filter(|r| r.pool_key.as_deref() == Some(key))
            .map(|record| PoolMember {
                admin_secret: format!("secret-{}", record.id),
                record,
            })
            .collect())
    }

    fn admin_secret(&self, id: &str) -> Result<String> {
        Ok(format!("secret-{id}"))
    }

    async fn reset_record(&self, record: &CloneRecord, _admin_secret: &str) -> Result<()> {
        self.check(record)?;
        self.calls.lock().unwrap().resets += 1;
        Ok(())
    }

    async fn reset_deferred(
        &self,
        record: &CloneRecord,
        _admin_secret: &str,
    ) -> Result<Option<String>> {
        let mut calls = self.calls.lock().unwrap();
        calls.deferred += 1;
        Ok(Some(format!("{}-{}", record.id, calls.deferred)))
    }

    async fn reset_settled(
        &self,
        record: &CloneRecord,
        _admin_secret: &str,
        pending: &str,
    ) -> Result<bool> {
        self.check(record)?;
        self.calls.lock().unwrap().settled.push(pending.to_owned());
        Ok(self.settles)
    }

    async fn query(&self, _database: &str, _sql: &str) -> Result<Vec<tokio_postgres::Row>> {
        Err(Self::not_here("query"))
    }
}
