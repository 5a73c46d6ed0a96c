//! `LocalDockerProvider`: clones as containers on this machine's Docker.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bollard::models::{ContainerCreateBody, HostConfig, PortBinding};
use bollard::query_parameters::LogsOptions;
use futures_util::stream::{self, BoxStream, StreamExt};
use tokio::sync::{Mutex, OnceCell};
use tokio_postgres::Client;

use crate::catalog::{Catalog, ServiceManifest, Template};
use crate::docker::{Docker, MANAGED_LABEL};
use crate::error::{Error, Result};
use crate::home::{Config, Home};
use crate::ids;
use crate::infra::{self, Infra, NetworkMode};
use crate::model::{
    CloneInstance, CloneRecord, CloneSpec, CloneState, CloneStatus, Endpoints, LogLine, LogOptions,
    ProviderKind, SeedResult, SeedSpec, ServiceStatus, SpinStep,
};
use crate::provider::CloneProvider;
use crate::registry::{Entry, Registry, Secrets};
use crate::reset::{self, BASELINE};
use crate::time::Timestamp;

/// Runs clones in the local Docker engine, with shared Postgres and Redis containers.
#[derive(Debug)]
pub struct LocalDockerProvider {
    home: Home,
    config: Config,
    catalog: Catalog,
    pub(crate) registry: Registry,
    docker: OnceCell<Docker>,
    infra: Mutex<Option<Infra>>,
    clients: Mutex<HashMap<String, Arc<Client>>>,
    redis: OnceCell<redis::aio::MultiplexedConnection>,
    http: reqwest::Client,
    progress: std::sync::OnceLock<ProgressSink>,
}

/// Where spin steps are reported (see [`LocalDockerProvider::on_spin_step`]).
struct ProgressSink(Box<dyn Fn(&SpinStep) + Send + Sync>);

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressSink")
    }
}

/// A service of a clone being brought up.
struct Planned {
    name: String,
    manifest: ServiceManifest,
    digest: String,
    port: u16,
}

impl LocalDockerProvider {
    /// A provider over `$ASYM_HOME` (default `~/.asymmetric`). Connects to nothing yet.
    ///
    /// # Errors
    /// `Internal` when the home cannot be created or its config/templates do not parse;
    /// `PORT_RANGE_INVALID` for a bad `ASYM_PORT_RANGE`.
    pub fn new() -> Result<Self> {
        Self::with_home(Home::from_env())
    }

    /// A provider over the given home.
    ///
    /// # Errors
    /// As [`LocalDockerProvider::new`].
    pub fn with_home(home: Home) -> Result<Self> {
        home.ensure()?;
        let config = home.config()?;
        let catalog = Catalog::load(&config.template_path)?;
        let registry = Registry::new(&home);
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| Error::internal("building the HTTP client", e))?;
        Ok(Self {
            home,
            config,
            catalog,
            registry,
            docker: OnceCell::new(),
            infra: Mutex::new(None),
            clients: Mutex::new(HashMap::new()),
            redis: OnceCell::new(),
            http,
            progress: std::sync::OnceLock::new(),
        })
    }

    /// Reports each step of this provider's spins to `report` as it begins (`asym spin` on a
    /// terminal). Set once; later calls are ignored.
    pub fn on_spin_step(&self, report: impl Fn(&SpinStep) + Send + Sync + 'static) {
        let _ = self.progress.set(ProgressSink(Box::new(report)));
    }

    fn report(&self, step: SpinStep) {
        if let Some(sink) = self.progress.get() {
            (sink.0)(&step);
        }
    }

    /// The templates this provider can spin.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The state directory.
    pub fn home(&self) -> &Home {
        &self.home
    }

    /// The effective configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) async fn docker(&self) -> Result<&Docker> {
        self.docker.get_or_try_init(Docker::connect).await
    }

    /// The shared infrastructure, started or adopted on first use. A warm process takes it from
    /// `infra.json` after a cheap reachability check, without asking Docker.
    ///
    /// # Errors
    /// `DOCKER_UNAVAILABLE`, `IMAGE_UNAVAILABLE` for missing infra images, `Internal` otherwise.
    pub async fn infra(&self) -> Result<Infra> {
        let mut slot = self.infra.lock().await;
        if let Some(infra) = slot.as_ref() {
            return Ok(infra.clone());
        }
        let infra = match Infra::cached(&self.home).await {
            Some(infra) => infra,
            None => {
                self.report(SpinStep::Infra);
                infra::ensure(self.docker().await?, &self.home, &self.config).await?
            }
        };
        *slot = Some(infra.clone());
        Ok(infra)
    }

    /// The infra facts for building URLs: what this process knows, else `infra.json` without a
    /// reachability check (a test process that just reset a clone through its backend needs no
    /// connection of its own), else [`Self::infra`].
    async fn infra_facts(&self) -> Result<Infra> {
        if let Some(infra) = self.infra.lock().await.as_ref() {
            return Ok(infra.clone());
        }
        match Infra::load(&self.home) {
            Some(infra) => Ok(infra),
            None => self.infra().await,
        }
    }

    /// Forgets the infra facts and asks Docker again (after the infra was recreated elsewhere).
    async fn refresh_infra(&self) -> Result<Infra> {
        let infra = infra::ensure(self.docker().await?, &self.home, &self.config).await?;
        *self.infra.lock().await = Some(infra.clone());
        Ok(infra)
    }

    /// A cached connection to database `db` (reconnects when the old one dropped).
    pub(crate) async fn client(&self, db: &str) -> Result<Arc<Client>> {
        let mut clients = self.clients.lock().await;
        if let Some(client) = clients.get(db).filter(|c| !c.is_closed()) {
            return Ok(client.clone());
        }
        let client = Arc::new(self.fresh_client(db).await?);
        clients.insert(db.to_owned(), client.clone());
        Ok(client)
    }

    async fn forget_client(&self, db: &str) {
        self.clients.lock().await.remove(db);
    }

    pub(crate) async fn redis(&self) -> Result<redis::aio::MultiplexedConnection> {
        let infra = self.infra().await?;
        self.redis
            .get_or_try_init(|| async {
                let client = redis::Client::open(infra.redis_url())
                    .map_err(|e| Error::internal("opening Redis", e))?;
                client
                    .get_multiplexed_async_connection()
                    .await
                    .map_err(|e| Error::internal("connecting to Redis", e))
            })
            .await
            .cloned()
    }

    pub(crate) fn entry(&self, id: &str) -> Result<Entry> {
        self.registry.read()?.get(id).cloned()
    }

    /// The record of clone `id`, straight from the registry (no Docker needed).
    ///
    /// # Errors
    /// `CLONE_NOT_FOUND`, `REGISTRY_CORRUPT`.
    pub fn record(&self, id: &str) -> Result<CloneRecord> {
        Ok(self.entry(id)?.record)
    }

    /// Every record in the registry (no Docker needed).
    ///
    /// # Errors
    /// `REGISTRY_CORRUPT`.
    pub fn records(&self) -> Result<Vec<CloneRecord>> {
        Ok(self
            .registry
            .read()?
            .clones
            .into_iter()
            .map(|e| e.record)
            .collect())
    }

    /// Resolves a record into an instance with endpoints and its database URL (from the infra
    /// facts this process or `infra.json` holds; nothing is probed).
    ///
    /// # Errors
    /// As [`LocalDockerProvider::infra`] when no infra facts are known yet.
    pub async fn instance(&self, record: CloneRecord) -> Result<CloneInstance> {
        let infra = self.infra_facts().await?;
        let template = self.catalog.get(&record.template)?;
        let endpoint = |e: &crate::catalog::EndpointManifest| {
            let port = record.ports.get(&e.service).copied().unwrap_or_default();
            format!("http://127.0.0.1:{port}{}", e.path)
        };
        let endpoints = Endpoints {
            api: endpoint(&template.manifest.endpoints.api),
            web: template.manifest.endpoints.web.as_ref().map(endpoint),
        };
        let database_url = infra.database_url(&record.database);
        Ok(CloneInstance {
            record,
            endpoints,
            database_url,
        })
    }

    /// Clone files (`/clone`: manifest, migrations, fixtures) of an image, cached per digest.
    async fn clone_files(&self, digest: &str) -> Result<PathBuf> {
        let dir = self.home.cache_dir().join(digest.replace(':', "-"));
        let files = dir.join("clone");
        if files.is_dir() {
            return Ok(files);
        }
        let staging = self
            .home
            .cache_dir()
            .join(format!(".staging-{}", ids::random_hex(6)));
        let docker = self.docker().await?;
        docker.extract(digest, "/clone", &staging).await?;
        // Another process may have cached it meanwhile; either copy is the same bytes.
        if std::fs::rename(&staging, &dir).is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        if files.is_dir() {
            Ok(files)
        } else {
            Err(Error::internal(
                format!("image {digest} has no /clone directory"),
                "rebuild it with `asym images build`",
            ))
        }
    }

    /// The SQL of a seed, checked to exist before anything is created.
    fn seed_sql(&self, template: &Template, files: &Path, seed: &SeedSpec) -> Result<String> {
        let manifest = &template.manifest;
        let (dir, suffix) = fixture_glob(&manifest.seed.fixtures);
        let fixtures_dir = files.join(dir);
        let missing = |what: String| Error::FixtureNotFound {
            template: manifest.name.clone(),
            what,
            fixtures: list_fixtures(&fixtures_dir, &suffix),
        };
        match seed {
            SeedSpec::Fixture(name) => {
                let valid = !name.is_empty() && !name.contains(['/', '.']);
                let path = fixtures_dir.join(format!("{name}{suffix}"));
                match std::fs::read_to_string(&path) {
                    Ok(sql) if valid => Ok(sql),
                    _ => Err(missing(format!("fixture \"{name}\""))),
                }
            }
            SeedSpec::File(path) => std::fs::read_to_string(path)
                .map_err(|_| missing(format!("seed file {}", path.display()))),
        }
    }

    async fn migrate(&self, id: &str, files: &Path, template: &Template, db: &str) -> Result<()> {
        let admin = self.client("postgres").await?;
        admin
            .simple_query(&format!("CREATE DATABASE \"{db}\""))
            .await
            .map_err(|e| Error::step(id, "create database", e))?;
        let dir = files.join(
            template
                .manifest
                .database
                .migrations
                .trim_start_matches("./"),
        );
        let mut migrations: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| Error::step(id, format!("read migrations {}", dir.display()), e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "sql"))
            .collect();
        migrations.sort();
        let client = self.client(db).await?;
        for path in migrations {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let sql = std::fs::read_to_string(&path)
                .map_err(|e| Error::step(id, format!("read migration {name}"), e))?;
            client
                .batch_execute(&sql)
                .await
                .map_err(|e| Error::step(id, format!("migration {name}"), e))?;
        }
        Ok(())
    }

    fn container_body(
        &self,
        infra: &Infra,
        entry: &Entry,
        service: &Planned,
        template: &Template,
    ) -> ContainerCreateBody {
        let record = &entry.record;
        let (bind, listen_port) = match infra.network {
            NetworkMode::Host if record.expose => ("0.0.0.0", service.port),
            NetworkMode::Host => ("127.0.0.1", service.port),
            NetworkMode::Bridge => ("0.0.0.0", service.manifest.port),
        };
        let env = vec![
            format!("ASYM_BIND={bind}"),
            format!("ASYM_PORT={listen_port}"),
            format!(
                "DATABASE_URL={}",
                infra.container_database_url(&record.database)
            ),
            format!("REDIS_URL={}", infra.container_redis_url()),
            format!("ASYM_REDIS_PREFIX={}", record.redis_prefix),
            format!("ASYM_ADMIN_SECRET={}", entry.secrets.admin_secret),
            format!("ASYM_JWT_SECRET={}", entry.secrets.jwt_secret),
            format!("ASYM_CLONE_ID={}", record.id),
            format!("ASYM_PUBLIC_URL=http://127.0.0.1:{}", service.port),
        ];
        let labels = HashMap::from([
            (
                "com.docker.compose.project".to_owned(),
                record.compose_project.clone(),
            ),
            (
                "com.docker.compose.service".to_owned(),
                service.name.clone(),
            ),
            (
                "com.docker.compose.container-number".to_owned(),
                "1".to_owned(),
            ),
            ("com.docker.compose.oneoff".to_owned(), "False".to_owned()),
            (MANAGED_LABEL.to_owned(), "1".to_owned()),
            ("dev.asym.clone".to_owned(), record.id.clone()),
            (
                "dev.asym.template".to_owned(),
                template.manifest.name.clone(),
            ),
            ("dev.asym.mode".to_owned(), record.mode.clone()),
            ("dev.asym.service".to_owned(), service.name.clone()),
            ("dev.asym.port".to_owned(), service.port.to_string()),
            ("dev.asym.database".to_owned(), record.database.clone()),
            (
                "dev.asym.home".to_owned(),
                self.home.root().display().to_string(),
            ),
        ]);
        let inner = format!("{}/tcp", service.manifest.port);
        let host_config = match infra.network {
            NetworkMode::Host => HostConfig {
                network_mode: Some("host".to_owned()),
                restart_policy: Some(crate::docker::unless_stopped()),
                ..Default::default()
            },
            NetworkMode::Bridge => HostConfig {
                network_mode: Some(infra::NETWORK.to_owned()),
                restart_policy: Some(crate::docker::unless_stopped()),
                port_bindings: Some(HashMap::from([(
                    inner.clone(),
                    Some(vec![PortBinding {
                        host_ip: Some(
                            if record.expose {
                                "0.0.0.0"
                            } else {
                                "127.0.0.1"
                            }
                            .to_owned(),
                        ),
                        host_port: Some(service.port.to_string()),
                    }]),
                )])),
                ..Default::default()
            },
        };
        ContainerCreateBody {
            image: Some(service.digest.clone()),
            env: Some(env),
            labels: Some(labels),
            exposed_ports: Some(HashMap::from([(inner, HashMap::new())])),
            host_config: Some(host_config),
            stop_timeout: Some(5),
            ..Default::default()
        }
    }

    /// Polls a service's health path until it answers 200; fails fast if its container exits.
    async fn wait_healthy(&self, id: &str, container: &str, url: &str) -> Result<()> {
        let timeout = self.config.health_timeout();
        let started = Instant::now();
        let mut last_inspect = Instant::now();
        loop {
            if let Ok(response) = self
                .http
                .get(url)
                .timeout(Duration::from_secs(2))
                .send()
                .await
                && response.status().is_success()
            {
                return Ok(());
            }
            if started.elapsed() >= timeout {
                return Err(Error::HealthTimeout {
                    id: id.to_owned(),
                    seconds: timeout.as_secs(),
                });
            }
            if last_inspect.elapsed() > Duration::from_millis(500) {
                last_inspect = Instant::now();
                let state = self.docker().await?.state(container).await?;
                if state.as_deref() != Some("running") {
                    return Err(Error::step(
                        id,
                        format!("start {container}"),
                        format!("container is {}", state.as_deref().unwrap_or("gone")),
                    ));
                }
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub(crate) async fn provision(
        &self,
        entry: &Entry,
        template: &Template,
        reprovision: bool,
    ) -> Result<BTreeMap<String, String>> {
        let id = &entry.record.id;
        let service = template.manifest.api_service();
        let port = entry.record.ports.get(service).copied().unwrap_or_default();
        let url = format!(
            "http://127.0.0.1:{port}{}",
            template.manifest.provision.path
        );
        #[derive(serde::Deserialize)]
        struct Provisioned {
            tokens: BTreeMap<String, String>,
        }
        let response = self
            .http
            .post(&url)
            .header("x-asym-admin-secret", &entry.secrets.admin_secret)
            .json(&serde_json::json!({ "reprovision": reprovision }))
            .send()
            .await
            .map_err(|e| Error::step(id, "provision", e))?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(Error::step(
                id,
                "provision",
                format!("HTTP {status}: {body}"),
            ));
        }
        let provisioned: Provisioned = response
            .json()
            .await
            .map_err(|e| Error::step(id, "provision", e))?;
        Ok(provisioned.tokens)
    }

    async fn run_seed(&self, id: &str, db: &str, sql: &str) -> Result<SeedResult> {
        let client = self.client(db).await?;
        let before = count_rows(&client).await?;
        client
            .batch_execute(&format!("BEGIN;\n{sql}\n;COMMIT;"))
            .await
            .map_err(|e| {
                let client = client.clone();
                tokio::spawn(async move { client.batch_execute("ROLLBACK").await });
                Error::step(id, "seed", e)
            })?;
        let after = count_rows(&client).await?;
        Ok(SeedResult {
            rows_written: after - before,
            warnings: Vec::new(),
        })
    }

    async fn bring_up(
        &self,
        entry: &mut Entry,
        template: &Template,
        services: &[Planned],
        files: &Path,
        seed_sql: Option<&str>,
    ) -> Result<()> {
        let id = entry.record.id.clone();
        let db = entry.record.database.clone();
        let infra = self.infra().await?;
        self.report(SpinStep::Migrating {
            database: db.clone(),
        });
        self.migrate(&id, files, template, &db).await?;
        let docker = self.docker().await?;
        self.report(SpinStep::Starting {
            containers: services.len(),
        });
        for service in services {
            let name = container_name(&id, &service.name);
            let body = self.container_body(&infra, entry, service, template);
            if !docker.create(&name, body).await? {
                return Err(Error::step(
                    &id,
                    format!("create {name}"),
                    "name already taken",
                ));
            }
            docker
                .start(&name)
                .await
                .map_err(|e| Error::step(&id, format!("start {name}"), e))?;
        }
        self.report(SpinStep::Health);
        for service in services {
            let url = format!(
                "http://127.0.0.1:{}{}",
                service.port, service.manifest.health
            );
            self.wait_healthy(&id, &container_name(&id, &service.name), &url)
                .await?;
        }
        self.report(SpinStep::Provisioning);
        entry.record.tokens = self.provision(entry, template, false).await?;
        if let (Some(sql), Some(seed)) = (seed_sql, &entry.record.seed) {
            self.report(SpinStep::Seeding {
                seed: seed.to_string(),
            });
            self.run_seed(&id, &db, sql).await?;
        }
        self.report(SpinStep::Baseline);
        let mut own = self.fresh_client(&db).await?;
        reset::capture(&mut own, BASELINE).await
    }

    /// A connection of its own (for transactions, which need `&mut`).
    pub(crate) async fn fresh_client(&self, db: &str) -> Result<Client> {
        let connect =
            |infra: Infra| async move { infra.pg_config(db).connect(tokio_postgres::NoTls).await };
        let (client, conn) = match connect(self.infra().await?).await {
            // `infra.json` was stale: the infra was recreated with a new password.
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::INVALID_PASSWORD) => {
                connect(self.refresh_infra().await?).await
            }
            other => other,
        }
        .map_err(|e| Error::internal(format!("connecting to database {db}"), e))?;
        tokio::spawn(conn);
        Ok(client)
    }

    /// Removes whatever a clone has: containers, database, Redis keys. Best effort, idempotent.
    pub(crate) async fn teardown(&self, record: &CloneRecord) -> Result<()> {
        let docker = self.docker().await?;
        for service in record.ports.keys() {
            docker.remove(&container_name(&record.id, service)).await?;
        }
        self.forget_client(&record.database).await;
        let admin = self.client("postgres").await?;
        admin
            .simple_query(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                record.database
            ))
            .await
            .map_err(|e| Error::internal(format!("dropping database {}", record.database), e))?;
        let mut redis = self.redis().await?;
        reset::clear_redis(&mut redis, &record.redis_prefix).await?;
        let _ = std::fs::remove_file(self.home.leases_dir().join(format!("{}.lock", record.id)));
        Ok(())
    }

    /// Removes the `creating` clones this process was spinning (Ctrl-C during spin).
    ///
    /// # Errors
    /// `REGISTRY_CORRUPT`, or Docker/Postgres failures while removing.
    pub async fn abandon_own_spins(&self) -> Result<()> {
        let pid = std::process::id();
        let mine: Vec<CloneRecord> = self
            .registry
            .read()?
            .clones
            .into_iter()
            .filter(|e| e.record.state == CloneState::Creating && e.owner_pid == Some(pid))
            .map(|e| e.record)
            .collect();
        for record in mine {
            self.rollback(&record).await;
        }
        Ok(())
    }

    async fn rollback(&self, record: &CloneRecord) {
        let _ = self.teardown(record).await;
        let _ = self.registry.update(|reg| {
            reg.clones.retain(|e| e.record.id != record.id);
            Ok(())
        });
    }

    pub(crate) fn set_state(&self, id: &str, state: CloneState) -> Result<CloneRecord> {
        self.registry.update(|reg| {
            let entry = reg.get_mut(id)?;
            entry.record.state = state;
            entry.record.updated_at = Timestamp::now();
            Ok(entry.record.clone())
        })
    }

    /// Marks a clone as leased and released now (for pool TTLs).
    ///
    /// # Errors
    /// `CLONE_NOT_FOUND`, `REGISTRY_CORRUPT`.
    pub fn touch(&self, id: &str) -> Result<()> {
        self.registry.update(|reg| {
            reg.get_mut(id)?.record.last_leased_at = Some(Timestamp::now());
            Ok(())
        })
    }
}

/// Whether a process of this id runs on this machine.
pub(crate) fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

pub(crate) fn container_name(id: &str, service: &str) -> String {
    format!("asym-{id}-{service}")
}

/// `./seeds/*.sql` → (`seeds`, `.sql`).
fn fixture_glob(glob: &str) -> (String, String) {
    let glob = glob.trim_start_matches("./");
    let (dir, pattern) = glob.rsplit_once('/').unwrap_or(("", glob));
    (dir.to_owned(), pattern.trim_start_matches('*').to_owned())
}

fn list_fixtures(dir: &Path, suffix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .strip_suffix(suffix)
                        .map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Total rows across the tables of `public`, in one round trip.
async fn count_rows(client: &Client) -> Result<i64> {
    let ctx = |e| Error::internal("counting rows", e);
    let tables = client
        .query(
            "SELECT format('SELECT count(*) FROM public.%I', relname) FROM pg_class c \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE n.nspname = 'public' AND c.relkind = 'r'",
            &[],
        )
        .await
        .map_err(ctx)?;
    if tables.is_empty() {
        return Ok(0);
    }
    let parts: Vec<String> = tables
        .iter()
        .map(|r| format!("({})", r.get::<_, String>(0)))
        .collect();
    let row = client
        .query_one(&format!("SELECT ({})::bigint", parts.join(" + ")), &[])
        .await
        .map_err(ctx)?;
    Ok(row.get(0))
}

impl CloneProvider for LocalDockerProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Local
    }

    async fn create(&self, spec: CloneSpec) -> Result<CloneInstance> {
        let template = self.catalog.get(&spec.template)?.clone();
        let manifest = &template.manifest;
        let (mode, service_names) = manifest.mode(spec.mode.as_deref())?;
        let mode = mode.to_owned();
        let docker = self.docker().await?;
        let build_hint = format!("asym images build {}", manifest.name);
        let mut planned = Vec::new();
        for name in service_names {
            let service = manifest.services.get(name).cloned().ok_or_else(|| {
                Error::internal(
                    format!("template {} mode {mode}", manifest.name),
                    format!("names unknown service {name}"),
                )
            })?;
            let reference = match (&spec.image, name == manifest.api_service()) {
                (Some(image), true) => image.clone(),
                _ => service.image.clone(),
            };
            let pulling = || {
                self.report(SpinStep::Pulling {
                    image: reference.clone(),
                });
            };
            let digest = docker
                .resolve_image(&reference, &build_hint, pulling)
                .await?;
            planned.push((name.clone(), reference, service, digest));
        }
        let api = planned
            .iter()
            .find(|p| p.0 == manifest.api_service())
            .ok_or_else(|| {
                Error::internal(
                    format!("template {} mode {mode}", manifest.name),
                    "has no API service",
                )
            })?;
        let (image, image_digest) = (api.1.clone(), api.3.clone());
        let files = self.clone_files(&image_digest).await?;
        let seed_sql = match &spec.seed {
            Some(seed) => Some(self.seed_sql(&template, &files, seed)?),
            None => None,
        };
        self.infra().await?;

        let range = spec.port_range.unwrap_or(self.config.port_range);
        let now = Timestamp::now();
        let mut entry = self.registry.update(|reg| {
            let mut id = ids::clone_id(&manifest.name);
            while reg.clones.iter().any(|e| e.record.id == id) {
                id = ids::clone_id(&manifest.name);
            }
            let held: BTreeSet<u16> = reg
                .clones
                .iter()
                .flat_map(|e| e.record.ports.values().copied())
                .collect();
            let ports = crate::ports::allocate(range, &held, planned.len())?;
            let entry = Entry {
                record: CloneRecord {
                    compose_project: format!("asym-{id}"),
                    database: ids::database_name(&manifest.database.name_template, &id),
                    redis_prefix: manifest.redis.prefix_template.replace("{id}", &id),
                    id,
                    template: manifest.name.clone(),
                    mode: mode.clone(),
                    name: spec.name.clone(),
                    ports: planned
                        .iter()
                        .zip(&ports)
                        .map(|(p, port)| (p.0.clone(), *port))
                        .collect(),
                    state: CloneState::Creating,
                    seed: spec.seed.clone(),
                    expose: spec.expose,
                    image: image.clone(),
                    image_digest: image_digest.clone(),
                    tokens: BTreeMap::new(),
                    network: String::new(),
                    pool_key: spec.pool_key.clone(),
                    last_leased_at: None,
                    snapshots: Vec::new(),
                    created_at: now,
                    updated_at: now,
                },
                secrets: Secrets {
                    admin_secret: ids::random_hex(24),
                    jwt_secret: ids::random_hex(32),
                },
                owner_pid: Some(std::process::id()),
            };
            reg.clones.push(entry.clone());
            Ok(entry)
        })?;
        entry.record.network = self.infra().await?.network.as_str().to_owned();
        let services: Vec<Planned> = planned
            .into_iter()
            .map(|(name, _, manifest, digest)| Planned {
                port: entry.record.ports[&name],
                name,
                manifest,
                digest,
            })
            .collect();
        if let Err(err) = self
            .bring_up(
                &mut entry,
                &template,
                &services,
                &files,
                seed_sql.as_deref(),
            )
            .await
        {
            self.rollback(&entry.record).await;
            return Err(err);
        }
        let record = self.registry.update(|reg| {
            let stored = reg.get_mut(&entry.record.id)?;
            entry.record.state = CloneState::Running;
            entry.record.updated_at = Timestamp::now();
            entry.owner_pid = None;
            *stored = entry.clone();
            Ok(entry.record.clone())
        })?;
        if let Some(group) = &spec.group {
            self.join_environment(group, &record.id, None, 0)?;
        }
        self.instance(record).await
    }

    async fn start(&self, id: &str) -> Result<CloneInstance> {
        let entry = self.entry(id)?;
        let template = self.catalog.get(&entry.record.template)?;
        for (service, port) in &entry.record.ports {
            let name = container_name(id, service);
            let docker = self.docker().await?;
            let state = docker.state(&name).await?;
            match state.as_deref() {
                Some("running") => continue,
                None => {
                    return Err(Error::step(
                        id,
                        format!("start {name}"),
                        "its container is gone; `asym destroy` it and spin a new one",
                    ));
                }
                Some(_) => {}
            }
            if crate::ports::is_busy(*port) {
                return Err(Error::PortInUse {
                    id: id.to_owned(),
                    port: *port,
                });
            }
            docker
                .start(&name)
                .await
                .map_err(|e| Error::step(id, format!("start {name}"), e))?;
        }
        for (service, port) in &entry.record.ports {
            let health = template
                .manifest
                .services
                .get(service)
                .map(|s| s.health.clone())
                .unwrap_or_default();
            let url = format!("http://127.0.0.1:{port}{health}");
            self.wait_healthy(id, &container_name(id, service), &url)
                .await?;
        }
        let record = self.set_state(id, CloneState::Running)?;
        self.instance(record).await
    }

    async fn stop(&self, id: &str) -> Result<()> {
        let entry = self.entry(id)?;
        let docker = self.docker().await?;
        for service in entry.record.ports.keys() {
            docker.stop(&container_name(id, service)).await?;
        }
        self.set_state(id, CloneState::Stopped).map(|_| ())
    }

    async fn destroy(&self, id: &str) -> Result<()> {
        let entry = self.entry(id)?;
        self.teardown(&entry.record).await?;
        self.registry.update(|reg| {
            reg.clones.retain(|e| e.record.id != id);
            for env in &mut reg.environments {
                env.members.retain(|m| m != id);
            }
            Ok(())
        })
    }

    async fn status(&self, id: &str) -> Result<CloneStatus> {
        let entry = self.entry(id)?;
        let docker = self.docker().await?;
        let mut services = Vec::new();
        for (service, port) in &entry.record.ports {
            let container = container_name(id, service);
            let state = docker
                .state(&container)
                .await?
                .unwrap_or_else(|| "missing".to_owned());
            services.push(ServiceStatus {
                service: service.clone(),
                container,
                state,
                port: *port,
            });
        }
        Ok(CloneStatus {
            instance: self.instance(entry.record).await?,
            services,
        })
    }

    async fn list(&self) -> Result<Vec<CloneInstance>> {
        let mut out = Vec::new();
        for record in self.records()? {
            out.push(self.instance(record).await?);
        }
        Ok(out)
    }

    async fn logs(
        &self,
        id: &str,
        options: LogOptions,
    ) -> Result<BoxStream<'static, Result<LogLine>>> {
        let entry = self.entry(id)?;
        let docker = self.docker().await?.api.clone();
        let mut streams = Vec::new();
        for service in entry.record.ports.keys() {
            if options.service.as_ref().is_some_and(|s| s != service) {
                continue;
            }
            let query = LogsOptions {
                follow: options.follow,
                stdout: true,
                stderr: true,
                tail: options
                    .tail
                    .map_or_else(|| "all".to_owned(), |n| n.to_string()),
                ..Default::default()
            };
            let service = service.clone();
            let container = container_name(id, &service);
            let lines = docker
                .logs(&container, Some(query))
                .map(move |chunk| match chunk {
                    Ok(output) => {
                        let stream = match output {
                            bollard::container::LogOutput::StdErr { .. } => "stderr",
                            _ => "stdout",
                        };
                        let text = output.to_string();
                        Ok(text
                            .lines()
                            .map(|line| LogLine {
                                service: service.clone(),
                                stream: stream.to_owned(),
                                line: line.to_owned(),
                            })
                            .collect::<Vec<_>>())
                    }
                    Err(e) => Err(Error::internal(format!("reading logs of {container}"), e)),
                })
                .flat_map(|batch| match batch {
                    Ok(lines) => stream::iter(lines.into_iter().map(Ok).collect::<Vec<_>>()),
                    Err(e) => stream::iter(vec![Err(e)]),
                });
            streams.push(lines.boxed());
        }
        Ok(stream::select_all(streams).boxed())
    }

    async fn seed(&self, id: &str, seed: SeedSpec) -> Result<SeedResult> {
        let entry = self.entry(id)?;
        let template = self.catalog.get(&entry.record.template)?;
        let files = self.clone_files(&entry.record.image_digest).await?;
        let sql = self.seed_sql(template, &files, &seed)?;
        let result = self.run_seed(id, &entry.record.database, &sql).await?;
        let mut client = self.fresh_client(&entry.record.database).await?;
        reset::capture(&mut client, BASELINE).await?;
        self.registry.update(|reg| {
            let record = &mut reg.get_mut(id)?.record;
            record.seed = Some(seed);
            record.updated_at = Timestamp::now();
            Ok(())
        })?;
        Ok(result)
    }

    async fn reset(&self, id: &str) -> Result<()> {
        let entry = self.entry(id)?;
        self.reset_record(&entry.record, &entry.secrets.admin_secret)
            .await
    }

    async fn snapshot(&self, id: &str, name: &str) -> Result<()> {
        let entry = self.entry(id)?;
        let mut client = self.fresh_client(&entry.record.database).await?;
        reset::capture(&mut client, name).await?;
        self.registry.update(|reg| {
            let record = &mut reg.get_mut(id)?.record;
            if !record.snapshots.iter().any(|s| s == name) {
                record.snapshots.push(name.to_owned());
            }
            record.updated_at = Timestamp::now();
            Ok(())
        })
    }

    async fn restore(&self, id: &str, name: &str) -> Result<()> {
        let entry = self.entry(id)?;
        let client = self.client(&entry.record.database).await?;
        reset::restore(&client, id, name).await?;
        let mut redis = self.redis().await?;
        reset::clear_redis(&mut redis, &entry.record.redis_prefix).await
    }
}

impl LocalDockerProvider {
    /// Resolves the image of a template's API service to its content digest (local, then pull).
    ///
    /// # Errors
    /// `TEMPLATE_NOT_FOUND`, `DOCKER_UNAVAILABLE`, `IMAGE_UNAVAILABLE`.
    pub async fn resolve_image(&self, template: &str) -> Result<String> {
        let manifest = &self.catalog.get(template)?.manifest;
        let service = manifest
            .services
            .get(manifest.api_service())
            .ok_or_else(|| Error::internal(format!("template {template}"), "has no API service"))?;
        let build = format!("asym images build {template}");
        self.docker()
            .await?
            .resolve_image(&service.image, &build, || {})
            .await
    }

    /// Running or spinning clones of a harness pool, with what leasing one needs; spins whose
    /// process died are left out. One registry read.
    ///
    /// # Errors
    /// `REGISTRY_CORRUPT`.
    pub fn pool_members(&self, key: &str) -> Result<Vec<PoolMember>> {
        Ok(self
            .registry
            .read()?
            .clones
            .into_iter()
            .filter(|e| e.record.pool_key.as_deref() == Some(key))
            .filter(|e| match e.record.state {
                CloneState::Running => true,
                CloneState::Creating => e.owner_pid.is_some_and(process_alive),
                CloneState::Stopped | CloneState::Failed => false,
            })
            .map(|e| PoolMember {
                record: e.record,
                admin_secret: e.secrets.admin_secret,
            })
            .collect())
    }

    /// Runs `sql` on a clone's database and returns its rows.
    ///
    /// # Errors
    /// `Internal` carrying the database's message when the SQL fails.
    pub async fn query(&self, database: &str, sql: &str) -> Result<Vec<tokio_postgres::Row>> {
        let client = self.client(database).await?;
        client
            .query(sql, &[])
            .await
            .map_err(|e| Error::internal(format!("query on {database}"), e))
    }

    /// Resets a clone whose record and admin secret the caller already holds (the harness's hot
    /// path). Without a cached database connection, the clone's backend restores the baseline
    /// and clears its Redis prefix itself (`POST /api/admin/reset`), so a fresh test process
    /// resets with one HTTP call and no Postgres or Redis login.
    ///
    /// # Errors
    /// `SNAPSHOT_NOT_FOUND` when the clone has no baseline, `Internal` on database failures or
    /// when the backend does not answer.
    pub async fn reset_record(&self, record: &CloneRecord, admin_secret: &str) -> Result<()> {
        let cached = self
            .clients
            .lock()
            .await
            .get(&record.database)
            .filter(|c| !c.is_closed())
            .cloned();
        let keys = async {
            let mut redis = self.redis().await?;
            reset::clear_redis(&mut redis, &record.redis_prefix).await
        };
        if cached.is_none() && record.state == CloneState::Running {
            match self.reset_via_backend(record, admin_secret).await? {
                BackendReset::Everything => return Ok(()),
                BackendReset::Database => return keys.await,
                BackendReset::Unsupported => {}
            }
        }
        let db = async {
            let client = match cached {
                Some(client) => client,
                None => self.client(&record.database).await?,
            };
            reset::restore(&client, &record.id, BASELINE).await
        };
        let (db, keys) = tokio::join!(db, keys);
        db.and(keys)
    }

    /// Asks the clone's backend to reset itself; an error when it does not answer (its
    /// container is gone or crashed).
    async fn reset_via_backend(
        &self,
        record: &CloneRecord,
        admin_secret: &str,
    ) -> Result<BackendReset> {
        let body = self.admin_call(record, admin_secret, "reset", true).await?;
        Ok(match (body["ok"] == true, body["redis"] == true) {
            (true, true) => BackendReset::Everything,
            (true, false) => BackendReset::Database,
            (false, _) => BackendReset::Unsupported,
        })
    }

    /// Asks the clone's backend to reset itself in the background (while the next test
    /// starts): the token to settle it with, or `None` when its image predates deferred resets.
    ///
    /// # Errors
    /// `Internal` when the backend does not answer.
    pub async fn reset_deferred(
        &self,
        record: &CloneRecord,
        admin_secret: &str,
    ) -> Result<Option<String>> {
        let body = self
            .admin_call(record, admin_secret, "reset?defer=true", true)
            .await?;
        Ok(body["pending"].as_str().map(str::to_owned))
    }

    /// Waits for the deferred reset `pending`: `true` when the clone is at its baseline,
    /// `false` when that reset failed or the backend restarted since (reset it again).
    ///
    /// # Errors
    /// `Internal` when the backend does not answer.
    pub async fn reset_settled(
        &self,
        record: &CloneRecord,
        admin_secret: &str,
        pending: &str,
    ) -> Result<bool> {
        let body = self
            .admin_call(record, admin_secret, &format!("reset/{pending}"), false)
            .await?;
        Ok(body["ok"] == true)
    }

    /// Calls `/api/admin/<path>` on the clone's API service; its JSON body (`null` when it
    /// answered something else).
    async fn admin_call(
        &self,
        record: &CloneRecord,
        admin_secret: &str,
        path: &str,
        post: bool,
    ) -> Result<serde_json::Value> {
        let template = self.catalog.get(&record.template)?;
        let port = record
            .ports
            .get(template.manifest.api_service())
            .copied()
            .unwrap_or_default();
        let url = format!("http://127.0.0.1:{port}/api/admin/{path}");
        let request = if post {
            self.http.post(url)
        } else {
            self.http.get(url)
        };
        let response = request
            .header("x-asym-admin-secret", admin_secret)
            .send()
            .await
            .map_err(|e| Error::step(&record.id, "reset (the backend does not answer)", e))?;
        Ok(response.json().await.unwrap_or_default())
    }
}

/// What a backend's `POST /api/admin/reset` did.
enum BackendReset {
    /// Database and Redis prefix.
    Everything,
    /// The database only (images built before backends cleared Redis).
    Database,
    /// Nothing: an image older than the endpoint, or it failed; the engine resets directly.
    Unsupported,
}

/// A clone of a harness pool and the secret a reset through its backend needs.
#[derive(Debug, Clone)]
pub struct PoolMember {
    /// Its registry record.
    pub record: CloneRecord,
    /// Its admin secret (`X-Asym-Admin-Secret`).
    pub admin_secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_globs_split_into_dir_and_suffix() {
        assert_eq!(
            fixture_glob("./seeds/*.sql"),
            ("seeds".into(), ".sql".into())
        );
        assert_eq!(
            container_name("slack-1a2b3c", "backend"),
            "asym-slack-1a2b3c-backend"
        );
    }
}
