//! `LocalDockerProvider`: clones as containers on this machine's Docker.
//!
//! Split by responsibility: `lifecycle` (spin with rollback, start, stop, destroy, seeds and
//! snapshots), `backend` (calls to a clone's backend: provisioning and resets), `connections`
//! (Docker, the shared infra, Postgres and Redis sessions), `containers` (container specs,
//! health waits, logs) and `database` (clone databases, migrations, seed SQL).

mod backend;
mod connections;
mod containers;
mod database;
mod lifecycle;
mod loopback;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, OnceCell};
use tokio_postgres::Client;

use crate::catalog::Catalog;
use crate::docker::Docker;
use crate::error::{Error, Result};
use crate::home::{Config, Home};
use crate::infra::Infra;
use crate::model::{CloneRecord, CloneState, SpinStep};
use crate::registry::{Entry, Registry};
use crate::time::Timestamp;

pub(crate) use containers::{RECORD_LABEL, RecordLabel, container_name};

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
    /// Per database, the connection snapshots are restored on (see [`Self::restorer`]).
    restorers: Mutex<HashMap<String, Arc<Client>>>,
    redis: OnceCell<redis::aio::MultiplexedConnection>,
    /// Built on first use: a test process that only leases never needs it.
    http: std::sync::OnceLock<reqwest::Client>,
    progress: std::sync::OnceLock<ProgressSink>,
}

/// Where spin steps are reported (see `Operator::on_spin_step`).
struct ProgressSink(Box<dyn Fn(&SpinStep) + Send + Sync>);

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressSink")
    }
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
        Ok(Self {
            home,
            config,
            catalog,
            registry,
            docker: OnceCell::new(),
            infra: Mutex::new(None),
            clients: Mutex::new(HashMap::new()),
            restorers: Mutex::new(HashMap::new()),
            redis: OnceCell::new(),
            http: std::sync::OnceLock::new(),
            progress: std::sync::OnceLock::new(),
        })
    }

    /// The HTTP client for health polls and provisioning.
    fn http(&self) -> Result<&reqwest::Client> {
        if let Some(client) = self.http.get() {
            return Ok(client);
        }
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| Error::internal("building the HTTP client", e))?;
        Ok(self.http.get_or_init(|| client))
    }

    /// Where this provider's spin steps go from now on (the first sink set stays).
    pub(crate) fn set_progress(&self, report: Box<dyn Fn(&SpinStep) + Send + Sync>) {
        let _ = self.progress.set(ProgressSink(report));
    }

    fn report(&self, step: SpinStep) {
        if let Some(sink) = self.progress.get() {
            (sink.0)(&step);
        }
    }

    /// The effective configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) fn entry(&self, id: &str) -> Result<Entry> {
        self.registry.read()?.get(id).cloned()
    }

    pub(crate) fn set_state(&self, id: &str, state: CloneState) -> Result<CloneRecord> {
        self.registry.update(|reg| {
            let entry = reg.get_mut(id)?;
            entry.record.state = state;
            entry.record.updated_at = Timestamp::now();
            Ok(entry.record.clone())
        })
    }
}

/// Whether a process of this id runs on this machine.
pub(crate) fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}
