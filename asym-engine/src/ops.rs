//! The local provider's [`Operator`] verbs: credentials, SQL, snapshots, pruning, diagnosis.

use std::collections::BTreeSet;
use std::time::Duration;

use tokio_postgres::SimpleQueryMessage;

use crate::error::{Error, Result};
use crate::local::{LocalDockerProvider, container_name, process_alive};
use crate::model::{
    Check, CloneRecord, CloneState, CloneTokens, DoctorReport, PruneReport, QueryResult, SpinStep,
};
use crate::provider::{CloneProvider, Operator};
use crate::reset;
use crate::time::Timestamp;

const READ_ONLY_ROLE: &str = "asym_readonly";

impl Operator for LocalDockerProvider {
    /// Reports each step of this provider's spins to `report` as it begins (`asym spin` on a
    /// terminal). Set once; later calls are ignored.
    fn on_spin_step(&self, report: impl Fn(&SpinStep) + Send + Sync + 'static) {
        self.set_progress(Box::new(report));
    }

    /// Removes the `creating` clones this process was spinning (Ctrl-C during spin).
    ///
    /// # Errors
    /// `REGISTRY_CORRUPT`, or Docker/Postgres failures while removing.
    async fn abandon_own_spins(&self) -> Result<()> {
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

    /// The clone's credentials; with `reprovision`, mints new ones and revokes the old.
    ///
    /// # Errors
    /// `CLONE_NOT_FOUND`, `CLONE_START_FAILED` (step provision) when the clone does not answer.
    async fn tokens(&self, id: &str, reprovision: bool) -> Result<CloneTokens> {
        let entry = self.entry(id)?;
        if !reprovision {
            return Ok(entry.record.tokens);
        }
        let template = self.catalog().get(&entry.record.template)?;
        let tokens = self.provision(&entry, template, true).await?;
        // The new credentials are part of the baseline a reset returns to.
        let mut client = self.fresh_client(&entry.record.database).await?;
        reset::capture(&mut client, reset::BASELINE).await?;
        self.registry.update(|reg| {
            let record = &mut reg.get_mut(id)?.record;
            record.tokens = tokens.clone();
            record.updated_at = Timestamp::now();
            Ok(())
        })?;
        Ok(tokens)
    }

    /// Runs SQL on a clone's database. Read-only unless `write`: then the session belongs to a
    /// role that can only read, so no statement in `sql` can change anything.
    ///
    /// # Errors
    /// `CLONE_NOT_FOUND`; `Internal` carrying the database's message when the SQL fails.
    async fn sql(&self, id: &str, sql: &str, write: bool) -> Result<QueryResult> {
        let entry = self.entry(id)?;
        let db = &entry.record.database;
        let client = if write {
            self.fresh_client(db).await?
        } else {
            let infra = self.infra().await?;
            let mut config = infra.superuser_config(db);
            config.user(READ_ONLY_ROLE);
            // The role is made once per Postgres, and let into each clone database the first
            // time a login is refused (clone databases admit only their own role).
            let (client, conn) = match config.connect(tokio_postgres::NoTls).await {
                Err(e)
                    if e.code().is_some_and(|c| {
                        c.code().starts_with("28")
                            || c == &tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE
                    }) =>
                {
                    self.ensure_read_only_role(db).await?;
                    config.connect(tokio_postgres::NoTls).await
                }
                connected => connected,
            }
            .map_err(|e| Error::internal(format!("connecting to {db} read-only"), e))?;
            tokio::spawn(conn);
            client
        };
        let messages = client
            .simple_query(sql)
            .await
            .map_err(|e| Error::QueryFailed {
                id: id.to_owned(),
                message: Error::sql_message(&e),
            })?;
        let mut result = QueryResult::default();
        let mut fresh = true;
        for message in messages {
            match message {
                SimpleQueryMessage::RowDescription(columns) => {
                    result.columns = columns.iter().map(|c| c.name().to_owned()).collect();
                    result.rows.clear();
                    fresh = false;
                }
                SimpleQueryMessage::Row(row) => {
                    if fresh {
                        result.columns =
                            row.columns().iter().map(|c| c.name().to_owned()).collect();
                        fresh = false;
                    }
                    result.rows.push(
                        (0..row.len())
                            .map(|i| row.get(i).map(str::to_owned))
                            .collect(),
                    );
                }
                SimpleQueryMessage::CommandComplete(n) => {
                    if result.columns.is_empty() {
                        result.affected = Some(n);
                    }
                    fresh = true;
                }
                _ => {}
            }
        }
        Ok(result)
    }

    /// Names of a clone's snapshots (`baseline` included).
    ///
    /// # Errors
    /// `CLONE_NOT_FOUND`, or database failures.
    async fn snapshots(&self, id: &str) -> Result<Vec<String>> {
        let entry = self.entry(id)?;
        let client = self.client(&entry.record.database).await?;
        reset::list(&client).await
    }

    /// Destroys every clone of this home.
    ///
    /// # Errors
    /// The first failure; clones before it are gone.
    async fn destroy_all(&self) -> Result<Vec<String>> {
        let mut gone = Vec::new();
        for record in self.records()? {
            self.destroy(&record.id).await?;
            gone.push(record.id);
        }
        Ok(gone)
    }

    /// Removes what nobody uses: pooled clones idle past `idle` (every clone with `all`), spins
    /// whose process died, this home's containers with no record, and stale lease files.
    ///
    /// # Errors
    /// `DOCKER_UNAVAILABLE`, `REGISTRY_CORRUPT`, or the first removal that fails.
    async fn prune(&self, idle: Duration, all: bool, dry_run: bool) -> Result<PruneReport> {
        let mut report = PruneReport::default();
        let contents = self.registry.read()?;
        let leases = self.home().leases_dir();
        for entry in &contents.clones {
            let record = &entry.record;
            if record.state == CloneState::Creating {
                if !entry.owner_pid.is_some_and(process_alive) {
                    report.abandoned_spins.push(record.id.clone());
                }
                continue;
            }
            if record.state == CloneState::Destroying {
                report.clones.push(record.id.clone());
                continue;
            }
            let lease = leases.join(format!("{}.lock", record.id));
            let idle_for = std::fs::metadata(&lease)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .unwrap_or_else(|| record.updated_at.elapsed());
            let leased = std::fs::File::open(&lease).is_ok_and(|f| f.try_lock().is_err());
            if !leased && (all || (record.pool_key.is_some() && idle_for >= idle)) {
                report.clones.push(record.id.clone());
            }
        }
        let known: BTreeSet<String> = contents
            .clones
            .iter()
            .flat_map(|e| {
                e.record
                    .ports
                    .keys()
                    .map(|s| container_name(&e.record.id, s))
                    .collect::<Vec<_>>()
            })
            .collect();
        let home_label = format!("dev.asym.home={}", self.home().root().display());
        for (name, _) in self.docker().await?.list(&home_label).await? {
            if !known.contains(&name) {
                report.orphan_containers.push(name);
            }
        }
        let ids: BTreeSet<&str> = contents
            .clones
            .iter()
            .map(|e| e.record.id.as_str())
            .collect();
        if let Ok(dir) = std::fs::read_dir(&leases) {
            for file in dir.flatten() {
                let name = file.file_name().to_string_lossy().into_owned();
                let id = name.trim_end_matches(".lock").trim_end_matches(".failed");
                if !name.starts_with("pool-") && !ids.contains(id) {
                    report.stale_leases.push(name);
                }
            }
        }
        if dry_run {
            return Ok(report);
        }
        for id in &report.clones {
            self.destroy(id).await?;
        }
        for id in &report.abandoned_spins {
            if let Ok(entry) = self.entry(id) {
                self.teardown(&entry.record).await?;
                self.registry.update(|reg| {
                    reg.clones.retain(|e| e.record.id != *id);
                    Ok(())
                })?;
            }
        }
        let docker = self.docker().await?;
        for name in &report.orphan_containers {
            docker.remove(name).await?;
        }
        for name in &report.stale_leases {
            let _ = std::fs::remove_file(leases.join(name));
        }
        Ok(report)
    }

    /// Checks Docker, the shared infra, images, the registry and the port range; rebuilds a
    /// corrupt registry from container labels (credentials are re-minted).
    ///
    /// # Errors
    /// Only for failures while repairing; failed checks are reported, not returned.
    async fn doctor(&self, fix: bool) -> Result<DoctorReport> {
        let mut report = DoctorReport::default();
        let docker = match self.docker().await {
            Ok(docker) => docker,
            Err(e) => {
                report.check("docker", Err(e.render()));
                return Ok(report);
            }
        };
        let version = docker
            .api
            .version()
            .await
            .map(|v| {
                format!(
                    "Docker {} (API {}) at {}",
                    v.version.unwrap_or_default(),
                    v.api_version.unwrap_or_default(),
                    crate::docker::docker_host()
                )
            })
            .map_err(|e| e.to_string());
        report.check("docker", version);
        let infra_up = self.check_infra(&mut report, fix).await?;
        for template in self.catalog().templates()? {
            let name = &template.manifest.name;
            for (service, spec) in &template.manifest.services.0 {
                let found = docker
                    .image_digest(&spec.image)
                    .await
                    .map_err(|e| e.render())
                    .and_then(|d| {
                        d.map(|d| format!("{} {d}", spec.image)).ok_or_else(|| {
                            format!(
                                "{} missing; build it with `asym images build {name}`",
                                spec.image
                            )
                        })
                    });
                report.check(&format!("image {name}/{service}"), found);
            }
        }
        match self.registry.read() {
            Ok(contents) => {
                report.check(
                    "registry",
                    Ok(format!(
                        "{} clones, {} environments",
                        contents.clones.len(),
                        contents.environments.len()
                    )),
                );
            }
            Err(e @ Error::RegistryCorrupt { .. }) => {
                report.check("registry", Err(e.render()));
                let rebuilt = self.rebuild_registry().await?;
                report.fixed.push(format!(
                    "rebuilt the registry from container labels: {} clones ({}); running ones were put back to their baseline and their credentials re-minted",
                    rebuilt.len(),
                    rebuilt.join(", ")
                ));
            }
            Err(e) => return Err(e),
        }
        if infra_up {
            self.check_clone_data(&mut report, fix).await?;
        }
        self.check_clones(&mut report).await?;
        let range = self.config().port_range;
        let free = (range.start..=range.end)
            .filter(|p| !crate::ports::is_bad_port(*p) && !crate::ports::is_busy(*p))
            .count();
        let ports = if free == 0 {
            Err(format!("no free port in {}-{}", range.start, range.end))
        } else {
            Ok(format!("{}-{}: {free} free", range.start, range.end))
        };
        report.check("port range", ports);
        Ok(report)
    }
}

impl DoctorReport {
    fn check(&mut self, name: &str, result: std::result::Result<String, String>) -> bool {
        let ok = result.is_ok();
        let detail = result.unwrap_or_else(|e| e);
        self.checks.push(Check {
            name: name.to_owned(),
            ok,
            detail,
        });
        ok
    }
}

impl LocalDockerProvider {
    async fn ensure_read_only_role(&self, db: &str) -> Result<()> {
        let infra = self.infra().await?;
        let admin = self.client("postgres").await?;
        // Same password as the superuser (both stay on this machine's loopback), passed as a
        // parameter: the DO block reads it back from the session.
        admin
            .execute(
                "SELECT set_config('asym.read_only_password', $1, false)",
                &[&infra.password],
            )
            .await
            .map_err(|e| Error::internal("creating the read-only role", e))?;
        let sql = format!(
            "DO $$ BEGIN \
               EXECUTE format('CREATE ROLE {READ_ONLY_ROLE} LOGIN PASSWORD %L IN ROLE pg_read_all_data', \
                              current_setting('asym.read_only_password')); \
             EXCEPTION WHEN duplicate_object THEN \
               EXECUTE format('ALTER ROLE {READ_ONLY_ROLE} PASSWORD %L', \
                              current_setting('asym.read_only_password')); \
             END $$; \
             ALTER ROLE {READ_ONLY_ROLE} SET default_transaction_read_only = on; \
             SELECT set_config('asym.read_only_password', '', false); \
             GRANT CONNECT ON DATABASE \"{}\" TO {READ_ONLY_ROLE};",
            db.replace('"', "\"\"")
        );
        admin
            .batch_execute(&sql)
            .await
            .map_err(|e| Error::internal("creating the read-only role", e))
    }

    /// New credentials for a clone whose plaintexts were lost: back to its baseline, mint,
    /// and capture that as the baseline, so a reset never brings the old ones back.
    async fn remint(&self, entry: &crate::registry::Entry) -> Result<CloneTokens> {
        let template = self.catalog().get(&entry.record.template)?;
        let mut client = self.fresh_client(&entry.record.database).await?;
        reset::restore(&client, &entry.record.id, reset::BASELINE).await?;
        let tokens = self.provision(entry, template, true).await?;
        reset::capture(&mut client, reset::BASELINE).await?;
        Ok(tokens)
    }

    /// Checks the shared containers: running and answering. A stopped one is started and a
    /// missing one created with `fix`; missing ones are fine while no clone needs them (the
    /// next spin creates them). Whether the infra is up afterwards.
    async fn check_infra(&self, report: &mut DoctorReport, fix: bool) -> Result<bool> {
        let docker = self.docker().await?;
        let mut down = Vec::new();
        for name in crate::infra::container_names(self.config()) {
            let state = docker.state(&name).await?;
            if state.as_deref() != Some("running") {
                down.push((name, state));
            }
        }
        if down.is_empty() {
            let infra = self.infra().await.map(|i| {
                format!(
                    "postgres 127.0.0.1:{}, redis 127.0.0.1:{} ({} network)",
                    i.postgres_port,
                    i.redis_port,
                    i.network.as_str()
                )
            });
            return Ok(report.check("shared infra", infra.map_err(|e| e.render())));
        }
        let problem = |(name, state): &(String, Option<String>)| match state {
            Some(state) => format!("{name} is {state}"),
            None => format!("{name} is missing"),
        };
        let clones = self.records().map(|r| r.len()).unwrap_or_default();
        if !fix {
            let problems: Vec<String> = down.iter().map(problem).collect();
            let detail = problems.join(", ");
            if clones == 0 && down.iter().all(|(_, state)| state.is_none()) {
                report.check(
                    "shared infra",
                    Ok(format!(
                        "not started yet ({detail}); the next spin starts it"
                    )),
                );
            } else {
                report.check(
                    "shared infra",
                    Err(format!(
                        "{detail}: `asym doctor --fix` starts or recreates it"
                    )),
                );
            }
            return Ok(false);
        }
        let infra = self.refresh_infra().await;
        for (name, state) in &down {
            report.fixed.push(match state {
                Some(state) => format!("started {name} (it was {state})"),
                None if clones > 0 => {
                    format!("created {name} (it was missing: the clones' data in it was lost)")
                }
                None => format!("created {name} (it was missing)"),
            });
        }
        let infra = infra.map(|i| {
            format!(
                "postgres 127.0.0.1:{}, redis 127.0.0.1:{}",
                i.postgres_port, i.redis_port
            )
        });
        Ok(report.check("shared infra", infra.map_err(|e| e.render())))
    }

    /// Checks that every clone still has its database and its Redis user (Redis forgets its
    /// users when it restarts); with `fix`, a clone whose database is gone is built again in
    /// place (same id and ports; new credentials, its seed, no snapshots) and a lost Redis
    /// user is made again.
    async fn check_clone_data(&self, report: &mut DoctorReport, fix: bool) -> Result<()> {
        let records: Vec<CloneRecord> = self
            .records()
            .unwrap_or_default()
            .into_iter()
            .filter(|r| matches!(r.state, CloneState::Running | CloneState::Stopped))
            .collect();
        let admin = self.client("postgres").await?;
        let names: Vec<&str> = records.iter().map(|r| r.database.as_str()).collect();
        let present: BTreeSet<String> = admin
            .query(
                "SELECT datname::text FROM pg_database WHERE datname = ANY($1)",
                &[&names],
            )
            .await
            .map_err(|e| Error::internal("listing clone databases", e))?
            .iter()
            .map(|row| row.get(0))
            .collect();
        let users: BTreeSet<String> = if self.infra().await?.redis_password.is_some() {
            let mut redis = self.redis().await?;
            redis::cmd("ACL")
                .arg("USERS")
                .query_async::<Vec<String>>(&mut redis)
                .await
                .map_err(|e| Error::internal("listing Redis users", e))?
                .into_iter()
                .collect()
        } else {
            records.iter().map(|r| r.id.clone()).collect()
        };
        let mut problems = Vec::new();
        for record in &records {
            let id = &record.id;
            if !present.contains(&record.database) {
                if !fix {
                    problems.push(format!("{id}'s database is gone"));
                    continue;
                }
                self.rebuild(id).await?;
                let seed = record
                    .seed
                    .as_ref()
                    .map_or_else(|| "no seed".to_owned(), |s| format!("seed {s}"));
                report.fixed.push(format!(
                    "rebuilt {id}: database re-created and migrated, containers recreated, \
                     {seed} applied again, new credentials (`asym tokens {id}`); \
                     its snapshots and later `asym seed` changes were lost"
                ));
            } else if !users.contains(id) {
                if !fix {
                    problems.push(format!("{id}'s Redis user is gone (Redis restarted)"));
                    continue;
                }
                self.ensure_redis_user(record).await?;
                report
                    .fixed
                    .push(format!("restored {id}'s Redis user (Redis had restarted)"));
            }
        }
        let result = if problems.is_empty() {
            Ok(format!(
                "{} clones have their database and Redis user",
                records.len()
            ))
        } else {
            Err(format!(
                "{}: `asym doctor --fix` rebuilds them",
                problems.join("; ")
            ))
        };
        report.check("clone data", result);
        Ok(())
    }

    /// Finishes interrupted destroys and reports clones whose backend is dead.
    async fn check_clones(&self, report: &mut DoctorReport) -> Result<()> {
        let Ok(records) = self.records() else {
            return Ok(());
        };
        let mut dead = Vec::new();
        for record in records {
            if record.state == CloneState::Destroying {
                self.destroy(&record.id).await?;
                report
                    .fixed
                    .push(format!("finished destroying {}", record.id));
                continue;
            }
            if let Ok(status) = self.status(&record.id).await
                && let Some(problem) = status.problem
            {
                dead.push(format!(
                    "{} is running but {problem}: `asym start {}` or `asym destroy {}`",
                    record.id, record.id, record.id
                ));
            }
        }
        let result = if dead.is_empty() {
            Ok("every running clone's containers run".to_owned())
        } else {
            Err(dead.join("; "))
        };
        report.check("clones", result);
        Ok(())
    }

    /// Rebuilds `registry.json` from the labels and environment of this home's containers.
    async fn rebuild_registry(&self) -> Result<Vec<String>> {
        use std::collections::BTreeMap;

        use crate::model::CloneRecord;
        use crate::registry::{Contents, Entry, Secrets};

        let docker = self.docker().await?;
        let home_label = format!("dev.asym.home={}", self.home().root().display());
        let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
        for (name, labels) in docker.list(&home_label).await? {
            let label = |k: &str| labels.get(k).cloned().unwrap_or_default();
            let id = label("dev.asym.clone");
            if id.is_empty() {
                continue;
            }
            let (env, image, running) = docker.inspect_env(&name).await?;
            let var = |k: &str| {
                env.iter()
                    .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
                    .unwrap_or_default()
                    .to_owned()
            };
            let now = Timestamp::now();
            let kept = crate::local::RecordLabel::parse(labels.get(crate::local::RECORD_LABEL));
            let entry = entries.entry(id.clone()).or_insert_with(|| Entry {
                record: CloneRecord {
                    compose_project: format!("asym-{id}"),
                    database: label("dev.asym.database"),
                    redis_prefix: var("ASYM_REDIS_PREFIX"),
                    template: label("dev.asym.template"),
                    mode: label("dev.asym.mode"),
                    name: kept.name,
                    ports: BTreeMap::new(),
                    state: if running {
                        CloneState::Running
                    } else {
                        CloneState::Stopped
                    },
                    seed: kept.seed,
                    expose: var("ASYM_BIND") == "0.0.0.0",
                    image: kept.image.unwrap_or_else(|| image.clone()),
                    image_digest: image.clone(),
                    tokens: BTreeMap::new(),
                    network: String::new(),
                    pool_key: kept.pool_key,
                    last_leased_at: None,
                    snapshots: Vec::new(),
                    created_at: kept.created_at.unwrap_or(now),
                    updated_at: now,
                    id: id.clone(),
                },
                secrets: Secrets {
                    admin_secret: var("ASYM_ADMIN_SECRET"),
                    jwt_secret: var("ASYM_JWT_SECRET"),
                },
                owner_pid: None,
            });
            if let Ok(port) = label("dev.asym.port").parse() {
                entry.record.ports.insert(label("dev.asym.service"), port);
            }
        }
        for entry in entries.values_mut() {
            if let Ok(client) = self.fresh_client(&entry.record.database).await
                && let Ok(names) = reset::list(&client).await
            {
                entry.record.snapshots =
                    names.into_iter().filter(|n| n != reset::BASELINE).collect();
            }
            if entry.record.state != CloneState::Running {
                continue;
            }
            if let Ok(tokens) = self.remint(entry).await {
                entry.record.tokens = tokens;
            }
        }
        let contents = Contents {
            clones: entries.into_values().collect(),
            ..Contents::default()
        };
        let ids = contents
            .clones
            .iter()
            .map(|e| e.record.id.clone())
            .collect();
        self.registry.replace(&contents)?;
        Ok(ids)
    }
}
