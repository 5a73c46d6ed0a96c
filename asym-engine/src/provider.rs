//! The seam between what a clone is and what runs it.
//!
//! The CLI and the test harness reach a provider only through these traits:
//! [`CloneProvider`] (the lifecycle and the records), [`PoolProvider`] (what the harness's
//! pool adds: members, resets through the backend), [`Operator`] (the CLI's maintenance verbs)
//! and [`Environments`] (named groups of clones). [`Provider`] is all four. A second provider
//! (a remote Docker host, a cluster) implements them; nothing in the CLI or the harness changes.

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use futures_util::stream::BoxStream;

use crate::catalog::Catalog;
use crate::error::Result;
use crate::home::Home;
use crate::model::{
    CloneInstance, CloneRecord, CloneSpec, CloneStatus, CloneTokens, DoctorReport, EnvSpin,
    Environment, LogLine, LogOptions, ProviderKind, PruneReport, QueryResult, SeedResult, SeedSpec,
    SpinStep,
};

/// Runs clones: the lifecycle every provider (this machine's Docker today; a remote Docker host
/// or a cluster later) must offer, and the records it keeps of them.
pub trait CloneProvider: Send + Sync {
    /// Where clones run.
    fn kind(&self) -> ProviderKind;

    /// The templates this provider can spin.
    fn catalog(&self) -> &Catalog;

    /// The state directory on this machine (registry, leases, pins' cache).
    fn home(&self) -> &Home;

    /// The record of clone `id` (no container is asked).
    ///
    /// # Errors
    /// `CLONE_NOT_FOUND`, `REGISTRY_CORRUPT`.
    fn record(&self, id: &str) -> Result<CloneRecord>;

    /// Every record this provider keeps (no container is asked).
    ///
    /// # Errors
    /// `REGISTRY_CORRUPT`.
    fn records(&self) -> Result<Vec<CloneRecord>>;

    /// A record with its endpoints and database URL.
    fn instance(&self, record: CloneRecord) -> impl Future<Output = Result<CloneInstance>> + Send;

    /// The content digest of a template's API image (local, else pulled).
    fn resolve_image(&self, template: &str) -> impl Future<Output = Result<String>> + Send;

    /// Spins a clone: image, ports, database, containers, health, credentials, seed, baseline.
    /// On failure nothing it made is left behind.
    fn create(&self, spec: CloneSpec) -> impl Future<Output = Result<CloneInstance>> + Send;

    /// Starts a stopped clone on its saved ports.
    fn start(&self, id: &str) -> impl Future<Output = Result<CloneInstance>> + Send;

    /// Stops a clone, keeping its data.
    fn stop(&self, id: &str) -> impl Future<Output = Result<()>> + Send;

    /// Removes a clone's containers, database, Redis keys, ports and record.
    fn destroy(&self, id: &str) -> impl Future<Output = Result<()>> + Send;

    /// A clone's record checked against its containers.
    fn status(&self, id: &str) -> impl Future<Output = Result<CloneStatus>> + Send;

    /// Every clone this provider knows.
    fn list(&self) -> impl Future<Output = Result<Vec<CloneInstance>>> + Send;

    /// Log lines of a clone's containers.
    fn logs(
        &self,
        id: &str,
        options: LogOptions,
    ) -> impl Future<Output = Result<BoxStream<'static, Result<LogLine>>>> + Send;

    /// Applies a seed and makes the result the clone's new baseline.
    fn seed(&self, id: &str, seed: SeedSpec) -> impl Future<Output = Result<SeedResult>> + Send;

    /// Puts the clone back to its baseline (database and Redis) with its backend running.
    fn reset(&self, id: &str) -> impl Future<Output = Result<()>> + Send;

    /// Saves the clone's current state as `name`.
    fn snapshot(&self, id: &str, name: &str) -> impl Future<Output = Result<()>> + Send;

    /// Restores the state saved as `name`.
    fn restore(&self, id: &str, name: &str) -> impl Future<Output = Result<()>> + Send;
}

/// A clone of a harness pool and the secret a reset through its backend needs.
#[derive(Debug, Clone)]
pub struct PoolMember {
    /// Its registry record.
    pub record: CloneRecord,
    /// Its admin secret (`X-Asym-Admin-Secret`).
    pub admin_secret: String,
}

/// What the test harness's pool needs beyond the lifecycle: who is in a pool, and resets
/// cheap enough to run before every test.
pub trait PoolProvider: CloneProvider {
    /// Running or spinning clones of pool `key`; spins whose process died are left out.
    ///
    /// # Errors
    /// `REGISTRY_CORRUPT`.
    fn pool_members(&self, key: &str) -> Result<Vec<PoolMember>>;

    /// The admin secret of clone `id`.
    ///
    /// # Errors
    /// `CLONE_NOT_FOUND`, `REGISTRY_CORRUPT`.
    fn admin_secret(&self, id: &str) -> Result<String>;

    /// Resets a clone whose record and admin secret the caller already holds.
    fn reset_record(
        &self,
        record: &CloneRecord,
        admin_secret: &str,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Starts a reset that runs while the next test starts: the token to settle it with, or
    /// `None` when the clone cannot defer (reset it before use).
    fn reset_deferred(
        &self,
        record: &CloneRecord,
        admin_secret: &str,
    ) -> impl Future<Output = Result<Option<String>>> + Send;

    /// Waits for the deferred reset `pending`: `true` when the clone is at its baseline,
    /// `false` when it must be reset again.
    fn reset_settled(
        &self,
        record: &CloneRecord,
        admin_secret: &str,
        pending: &str,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Runs `sql` on a clone's database and returns its rows.
    fn query(
        &self,
        database: &str,
        sql: &str,
    ) -> impl Future<Output = Result<Vec<tokio_postgres::Row>>> + Send;
}

/// The CLI's verbs beyond the lifecycle: credentials, SQL, snapshots, pruning, diagnosis.
pub trait Operator: CloneProvider {
    /// Reports each step of this provider's spins to `report` as it begins. Set once.
    fn on_spin_step(&self, report: impl Fn(&SpinStep) + Send + Sync + 'static);

    /// Removes the spins this process had under way (Ctrl-C during spin).
    fn abandon_own_spins(&self) -> impl Future<Output = Result<()>> + Send;

    /// The clone's credentials; with `reprovision`, new ones (the old revoked).
    fn tokens(
        &self,
        id: &str,
        reprovision: bool,
    ) -> impl Future<Output = Result<CloneTokens>> + Send;

    /// Runs SQL on a clone's database: read-only unless `write`.
    fn sql(
        &self,
        id: &str,
        sql: &str,
        write: bool,
    ) -> impl Future<Output = Result<QueryResult>> + Send;

    /// The snapshots a clone holds.
    fn snapshots(&self, id: &str) -> impl Future<Output = Result<Vec<String>>> + Send;

    /// Destroys every clone; the ids destroyed.
    fn destroy_all(&self) -> impl Future<Output = Result<Vec<String>>> + Send;

    /// Removes pooled clones idle past `idle` (every clone with `all`), dead spins, orphans.
    fn prune(
        &self,
        idle: Duration,
        all: bool,
        dry_run: bool,
    ) -> impl Future<Output = Result<PruneReport>> + Send;

    /// Checks what clones need; repairs the registry, and with `fix` also the shared infra
    /// (starts or recreates it) and clones that lost their database or Redis user.
    fn doctor(&self, fix: bool) -> impl Future<Output = Result<DoctorReport>> + Send;
}

/// Named groups of clones spun, reset and destroyed together.
pub trait Environments: CloneProvider {
    /// Every environment, its state rolled up from its members.
    ///
    /// # Errors
    /// `REGISTRY_CORRUPT`.
    fn environments(&self) -> Result<Vec<Environment>>;

    /// Spins an environment file's clones.
    fn env_spin(&self, path: &Path) -> impl Future<Output = Result<EnvSpin>> + Send;

    /// Resets every member of an environment.
    fn env_reset(&self, name: &str) -> impl Future<Output = Result<Vec<String>>> + Send;

    /// Destroys every member of an environment and the environment.
    fn env_destroy(&self, name: &str) -> impl Future<Output = Result<Vec<String>>> + Send;
}

/// Everything the CLI uses: a provider with every capability.
pub trait Provider: PoolProvider + Operator + Environments {}

impl<P: PoolProvider + Operator + Environments> Provider for P {}
