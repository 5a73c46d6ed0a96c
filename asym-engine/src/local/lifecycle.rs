//! The lifecycle: spin (with rollback), start, stop, destroy, status, seeds and snapshots.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use futures_util::stream::BoxStream;

use crate::catalog::{Catalog, Template};
use crate::error::{Error, Result};
use crate::home::Home;
use crate::ids;
use crate::model::{
    CloneInstance, CloneRecord, CloneSpec, CloneState, CloneStatus, Endpoints, LogLine, LogOptions,
    ProviderKind, SeedResult, SeedSpec, ServiceStatus, SpinStep,
};
use crate::provider::{CloneProvider, PoolProvider};
use crate::registry::{Entry, Secrets};
use crate::reset::{self, BASELINE};
use crate::time::Timestamp;

use super::LocalDockerProvider;
use super::containers::{Planned, container_name};
use super::database::{PARAMETER_ACL_LOCK, count_rows};

impl LocalDockerProvider {
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
        self.ensure_redis_user(&entry.record).await?;
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
        // What `seed --fixture` later replaces the data from.
        reset::capture(&mut self.fresh_client(&db).await?, reset::PROVISIONED).await?;
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

    /// Builds clone `id` again in place after its database was lost (the shared Postgres was
    /// recreated): same id, ports and image; containers recreated (the infra's address and
    /// passwords may have changed), database re-created and migrated, credentials minted
    /// anew, its seed applied again and a new baseline; snapshots are gone.
    pub(crate) async fn rebuild(&self, id: &str) -> Result<()> {
        let mut entry = self.entry(id)?;
        let template = self.catalog.get(&entry.record.template)?.clone();
        let docker = self.docker().await?;
        let mut services = Vec::new();
        for (name, port) in &entry.record.ports {
            docker.remove(&container_name(id, name)).await?;
            let manifest = template
                .manifest
                .services
                .get(name)
                .cloned()
                .ok_or_else(|| {
                    Error::internal(
                        format!("rebuilding {id}"),
                        format!("template {} has no service {name}", template.manifest.name),
                    )
                })?;
            let digest = if *name == template.manifest.api_service() {
                entry.record.image_digest.clone()
            } else {
                self.image_or_build(&template.manifest.name, &manifest.image, || {})
                    .await?
            };
            services.push(Planned {
                name: name.clone(),
                manifest,
                digest,
                port: *port,
            });
        }
        self.forget_client(&entry.record.database).await;
        let files = self.clone_files(&entry.record.image_digest).await?;
        let seed_sql = match &entry.record.seed {
            Some(seed) => Some(self.seed_sql(&template, &files, seed)?),
            None => None,
        };
        self.bring_up(
            &mut entry,
            &template,
            &services,
            &files,
            seed_sql.as_deref(),
        )
        .await?;
        self.registry.update(|reg| {
            let stored = reg.get_mut(id)?;
            stored.record.tokens = entry.record.tokens.clone();
            stored.record.snapshots.clear();
            stored.record.state = CloneState::Running;
            stored.record.updated_at = Timestamp::now();
            Ok(())
        })
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
        let role = format!("\"{}\"", record.database.replace('"', "\"\""));
        let literal = format!("'{}'", record.database.replace('\'', "''"));
        admin
            .simple_query(&format!(
                "DO $$ BEGIN
                   IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {literal}) THEN
                     PERFORM pg_advisory_xact_lock({PARAMETER_ACL_LOCK});
                     REVOKE SET ON PARAMETER session_replication_role FROM {role};
                     DROP ROLE {role};
                   END IF;
                 END $$"
            ))
            .await
            .map_err(|e| Error::internal(format!("dropping role {}", record.database), e))?;
        let mut redis = self.redis().await?;
        reset::clear_redis(&mut redis, &record.redis_prefix).await?;
        redis::cmd("ACL")
            .arg("DELUSER")
            .arg(&record.id)
            .query_async::<i64>(&mut redis)
            .await
            .map_err(|e| Error::internal(format!("removing Redis user {}", record.id), e))?;
        let _ = std::fs::remove_file(self.home.leases_dir().join(format!("{}.lock", record.id)));
        crate::ports::Claims::at(crate::ports::machine_dir()).release(self.home.root(), &record.id);
        Ok(())
    }

    pub(crate) async fn rollback(&self, record: &CloneRecord) {
        let _ = self.teardown(record).await;
        let _ = self.registry.update(|reg| {
            reg.clones.retain(|e| e.record.id != record.id);
            Ok(())
        });
    }

    /// The digest of `reference` (local, then pulled); when that fails and `reference` is
    /// the template's own API image, built from source once per machine (see
    /// `images::build_on_first_use`).
    async fn image_or_build(
        &self,
        template: &str,
        reference: &str,
        pulling: impl FnOnce(),
    ) -> Result<String> {
        let manifest = &self.catalog.get(template)?.manifest;
        let docker = self.docker().await?;
        let build = format!("asym images build {template}");
        match docker.resolve_image(reference, &build, pulling).await {
            Err(Error::ImageUnavailable { .. })
                if manifest
                    .services
                    .get(manifest.api_service())
                    .is_some_and(|s| s.image == reference) =>
            {
                crate::images::build_on_first_use(&self.catalog, docker, template, reference).await
            }
            resolved => resolved,
        }
    }
}

impl CloneProvider for LocalDockerProvider {
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
        Ok(self.entry(id)?.record)
    }

    /// Every record in the registry (no Docker needed).
    ///
    /// # Errors
    /// `REGISTRY_CORRUPT`.
    fn records(&self) -> Result<Vec<CloneRecord>> {
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
    async fn instance(&self, record: CloneRecord) -> Result<CloneInstance> {
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

    /// Resolves the image of a template's API service to its content digest (local, then pull).
    ///
    /// # Errors
    /// `TEMPLATE_NOT_FOUND`, `DOCKER_UNAVAILABLE`, `IMAGE_UNAVAILABLE`.
    async fn resolve_image(&self, template: &str) -> Result<String> {
        let manifest = &self.catalog.get(template)?.manifest;
        let service = manifest
            .services
            .get(manifest.api_service())
            .ok_or_else(|| Error::internal(format!("template {template}"), "has no API service"))?;
        self.image_or_build(template, &service.image, || {}).await
    }

    async fn create(&self, spec: CloneSpec) -> Result<CloneInstance> {
        if let Some(name) = &spec.name {
            Error::check_name("--name", name)?;
        }
        if let Some(group) = &spec.group {
            Error::check_name("--group", group)?;
        }
        let template = self.catalog.get(&spec.template)?.clone();
        let manifest = &template.manifest;
        let (mode, service_names) = manifest.mode(spec.mode.as_deref())?;
        let mode = mode.to_owned();
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
            let digest = self
                .image_or_build(&manifest.name, &reference, pulling)
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
            let ports = crate::ports::Claims::at(crate::ports::machine_dir()).claim(
                range,
                &held,
                planned.len(),
                self.home.root(),
                &id,
            )?;
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
        // Redis keeps no users across its own restarts.
        self.ensure_redis_user(&entry.record).await?;
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
        // Marked first: an interrupted destroy leaves a record `prune` and `doctor` finish.
        let record = self.set_state(id, CloneState::Destroying)?;
        self.teardown(&record).await?;
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
        let problem = (entry.record.state == CloneState::Running)
            .then(|| {
                services
                    .iter()
                    .find(|s| s.state != "running")
                    .map(|s| format!("its {} container is {}", s.service, s.state))
            })
            .flatten();
        let environment = self
            .registry
            .read()?
            .environments
            .into_iter()
            .find(|env| env.members.iter().any(|m| m == id))
            .map(|env| env.name);
        Ok(CloneStatus {
            instance: self.instance(entry.record).await?,
            services,
            environment,
            problem,
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
        self.log_lines(&entry.record, options).await
    }

    async fn seed(&self, id: &str, seed: SeedSpec) -> Result<SeedResult> {
        let entry = self.entry(id)?;
        let template = self.catalog.get(&entry.record.template)?;
        let files = self.clone_files(&entry.record.image_digest).await?;
        let sql = self.seed_sql(template, &files, &seed)?;
        let db = &entry.record.database;
        // Its own connection: if anything fails, dropping it rolls the transaction back.
        let mut client = self.fresh_client(db).await?;
        let mut warnings = Vec::new();
        // A fixture replaces the clone's data (back to just after provisioning first); a file
        // applies on top. Either way in one transaction.
        let replace = match seed {
            SeedSpec::Fixture(_) => {
                if reset::list_all(&client)
                    .await?
                    .iter()
                    .any(|n| n == reset::PROVISIONED)
                {
                    format!("SELECT asym_snap_{}.restore();", reset::PROVISIONED)
                } else {
                    warnings.push(
                        "this clone predates fixture replacement: the fixture was applied on top \
                         of its data; spin a new clone to replace it"
                            .to_owned(),
                    );
                    String::new()
                }
            }
            SeedSpec::File(_) => String::new(),
        };
        let before = count_rows(&client).await?;
        client
            .batch_execute(&format!("BEGIN;\n{replace}\n{sql}\n;COMMIT;"))
            .await
            .map_err(|e| Error::SeedFailed {
                id: id.to_owned(),
                message: Error::sql_message(&e),
            })?;
        let after = count_rows(&client).await?;
        reset::capture(&mut client, BASELINE).await?;
        if matches!(seed, SeedSpec::Fixture(_)) {
            let mut redis = self.redis().await?;
            reset::clear_redis(&mut redis, &entry.record.redis_prefix).await?;
        }
        self.registry.update(|reg| {
            let record = &mut reg.get_mut(id)?.record;
            record.seed = Some(seed);
            record.updated_at = Timestamp::now();
            Ok(())
        })?;
        Ok(SeedResult {
            rows_written: after - before,
            warnings,
        })
    }

    async fn reset(&self, id: &str) -> Result<()> {
        let entry = self.entry(id)?;
        self.reset_record(&entry.record, &entry.secrets.admin_secret)
            .await
    }

    async fn snapshot(&self, id: &str, name: &str) -> Result<()> {
        reset::validate_new_name(name)?;
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
        let client = self.restorer(&entry.record.database).await?;
        reset::restore(&client, id, name).await?;
        let mut redis = self.redis().await?;
        reset::clear_redis(&mut redis, &entry.record.redis_prefix).await
    }
}
