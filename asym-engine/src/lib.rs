//! The asym engine: the contract every clone provider implements, and the local Docker provider.
//!
//! A clone is a small HTTP server speaking a real product's wire protocol (Slack, Stripe, …),
//! backed by its own database in a shared Postgres and its own prefix in a shared Redis, run in
//! Docker from an image pinned by digest.
//!
//! ```no_run
//! use asym_engine::{CloneProvider, CloneSpec, LocalDockerProvider, SeedSpec};
//!
//! # async fn demo() -> asym_engine::Result<()> {
//! let provider = LocalDockerProvider::new()?;
//! let mut spec = CloneSpec::new("slack");
//! spec.seed = Some(SeedSpec::Fixture("basic".into()));
//! let clone = provider.create(spec).await?;
//! println!("{} at {}", clone.record.id, clone.endpoints.api);
//! provider.reset(&clone.record.id).await?;
//! provider.destroy(&clone.record.id).await?;
//! # Ok(()) }
//! ```

mod admin;
mod catalog;
mod docker;
mod env;
mod error;
mod fault;
mod home;
mod ids;
mod images;
mod infra;
mod journal;
mod local;
mod model;
mod ops;
mod pins;
mod ports;
mod provider;
mod registry;
mod reset;
mod time;
mod webhooks;

pub use admin::admin_call;
pub use catalog::{
    Catalog, DatabaseManifest, EndpointManifest, EndpointsManifest, FaultPreset, Ordered,
    ProvisionManifest, RedisManifest, SeedManifest, ServiceManifest, Template, TemplateManifest,
    source_root,
};
pub use env::{EnvClone, EnvSpec};
pub use error::{BoxError, Error, Result};
pub use fault::{Fault, add_fault, clear_faults, list_faults};
pub use home::{Config, Home};
pub use images::{BuiltImage, build_images, say};
pub use infra::{Infra, NetworkMode};
pub use journal::{Journal, RequestFilter, SeenRequest, clear_requests, requests};
pub use local::LocalDockerProvider;
pub use model::{
    Check, CloneInstance, CloneRecord, CloneSpec, CloneState, CloneStatus, CloneTokens,
    DoctorReport, Endpoints, EnvSpin, Environment, LogLine, LogOptions, PortRange, ProviderKind,
    PruneReport, QueryResult, SeedResult, SeedSpec, ServiceStatus, SpinStep,
};
pub use pins::{lock_path, pinned, read_pins, repin, write_pins};
pub use ports::is_bad_port;
pub use provider::{CloneProvider, Environments, Operator, PoolMember, PoolProvider, Provider};
pub use reset::{BASELINE, SNAPSHOT_FORMAT};
pub use time::{Timestamp, parse_duration};
pub use webhooks::{MAX_WEBHOOK_WAIT, Webhook, WebhookFilter, redeliver, webhooks};
