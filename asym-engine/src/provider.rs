//! The seam between what a clone is and what runs it.

use std::future::Future;

use futures_util::stream::BoxStream;

use crate::error::Result;
use crate::model::{
    CloneInstance, CloneSpec, CloneStatus, LogLine, LogOptions, ProviderKind, SeedResult, SeedSpec,
};

/// Runs clones. The CLI and the harness depend only on this trait.
pub trait CloneProvider: Send + Sync {
    /// Where clones run.
    fn kind(&self) -> ProviderKind;

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
