//! The records of the contract, serialised camelCase as in the registry.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::time::Timestamp;

/// Where a clone runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// Docker on this machine.
    Local,
    /// A hosted service (not implemented).
    Cloud,
}

/// The lifecycle state of a clone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CloneState {
    /// Being spun; its ports are reserved.
    Creating,
    /// Containers up and healthy.
    Running,
    /// Containers stopped; data kept.
    Stopped,
    /// A step failed after the clone was created.
    Failed,
    /// Being destroyed; `prune` and `doctor` finish what an interrupted `destroy` left.
    Destroying,
}

impl fmt::Display for CloneState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Creating => "creating",
            Self::Running => "running",
            Self::Stopped => "stopped",
            Self::Failed => "failed",
            Self::Destroying => "destroying",
        })
    }
}

/// An inclusive range of host ports clones may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortRange {
    /// First port.
    pub start: u16,
    /// Last port (inclusive).
    pub end: u16,
}

impl Default for PortRange {
    fn default() -> Self {
        Self {
            start: 3000,
            end: 3999,
        }
    }
}

impl std::str::FromStr for PortRange {
    type Err = Error;

    /// Parses `A-B`.
    fn from_str(text: &str) -> Result<Self> {
        let invalid = |reason: &str| Error::PortRangeInvalid {
            range: text.to_owned(),
            reason: reason.to_owned(),
        };
        let (a, b) = text
            .split_once('-')
            .ok_or_else(|| invalid("expected two ports separated by '-'"))?;
        let parse = |p: &str| {
            p.trim()
                .parse::<u32>()
                .map_err(|_| invalid(&format!("\"{p}\" is not a port number")))
        };
        let (start, end) = (parse(a)?, parse(b)?);
        if start == 0 || end > 65_535 || start > 65_535 {
            return Err(invalid("ports must lie in 1-65535"));
        }
        if start > end {
            return Err(invalid("the first port is above the last"));
        }
        Ok(Self {
            start: start as u16,
            end: end as u16,
        })
    }
}

/// What to seed a clone with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SeedSpec {
    /// A fixture shipped in the template (`seeds/<name>.sql`).
    Fixture(String),
    /// The user's own SQL file.
    File(PathBuf),
}

impl SeedSpec {
    /// Interprets a seed argument: a path when it ends in `.sql` or contains a `/`, else a fixture name.
    pub fn parse(arg: &str) -> Self {
        if asym_contract::is_seed_file(arg) {
            Self::File(PathBuf::from(arg))
        } else {
            Self::Fixture(arg.to_owned())
        }
    }
}

impl fmt::Display for SeedSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixture(name) => f.write_str(name),
            Self::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// What seeding wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedResult {
    /// Net rows added across the clone's tables.
    pub rows_written: i64,
    /// Notices the database raised while seeding.
    pub warnings: Vec<String>,
}

/// What to spin.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloneSpec {
    /// Template name (`slack`, …).
    pub template: String,
    /// Mode; the template's first mode when absent.
    pub mode: Option<String>,
    /// A human name for the clone.
    pub name: Option<String>,
    /// Environment to join (created if new).
    pub group: Option<String>,
    /// Seed applied after provisioning.
    pub seed: Option<SeedSpec>,
    /// Host ports to allocate from (default 3000-3999).
    pub port_range: Option<PortRange>,
    /// Bind all interfaces instead of 127.0.0.1.
    #[serde(default)]
    pub expose: bool,
    /// Run this image (a digest or reference) instead of resolving the template's tag.
    pub image: Option<String>,
    /// Pool key the harness leases this clone under.
    pub pool_key: Option<String>,
}

impl CloneSpec {
    /// A spec for `template` with every option at its default.
    pub fn new(template: impl Into<String>) -> Self {
        Self {
            template: template.into(),
            ..Self::default()
        }
    }
}

/// Credentials minted at provision, by name (`bot`, `user`, `secretKey`, …).
pub type CloneTokens = BTreeMap<String, String>;

/// One row of the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloneRecord {
    /// `<template>-<hex>`.
    pub id: String,
    /// Template name.
    pub template: String,
    /// Mode.
    pub mode: String,
    /// Human name, if given.
    #[serde(default)]
    pub name: Option<String>,
    /// `asym-<id>`: the compose project label on its containers.
    pub compose_project: String,
    /// `clone_<id>` with `-` turned into `_`.
    pub database: String,
    /// `<id>:`.
    pub redis_prefix: String,
    /// Service → host port.
    pub ports: BTreeMap<String, u16>,
    /// Lifecycle state.
    pub state: CloneState,
    /// The seed applied (replayed by reset through the baseline).
    #[serde(default)]
    pub seed: Option<SeedSpec>,
    /// Whether it binds all interfaces.
    #[serde(default)]
    pub expose: bool,
    /// The image reference resolved (of the API service).
    pub image: String,
    /// The content digest its containers run from.
    pub image_digest: String,
    /// Credentials (plaintext; the registry is mode 0600).
    #[serde(default)]
    pub tokens: CloneTokens,
    /// Network mode its containers use (`host` or `bridge`).
    #[serde(default)]
    pub network: String,
    /// Pool key the harness leases it under.
    #[serde(default)]
    pub pool_key: Option<String>,
    /// When the harness last released it.
    #[serde(default)]
    pub last_leased_at: Option<Timestamp>,
    /// Named snapshots taken.
    #[serde(default)]
    pub snapshots: Vec<String>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// Resolved addresses of a clone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    /// The base address the product's official SDK takes.
    pub api: String,
    /// The web UI, where the mode has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web: Option<String>,
}

/// A clone as handed to callers: its record plus resolved endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloneInstance {
    /// The registry record.
    #[serde(flatten)]
    pub record: CloneRecord,
    /// Where to reach it.
    pub endpoints: Endpoints,
    /// `postgres://…` URL of its database, reachable from this machine.
    pub database_url: String,
}

/// State of one container of a clone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceStatus {
    /// Service name.
    pub service: String,
    /// Container name.
    pub container: String,
    /// Docker's state (`running`, `exited`, … or `missing`).
    pub state: String,
    /// Host port.
    pub port: u16,
}

/// A clone's record checked against Docker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloneStatus {
    /// The clone.
    #[serde(flatten)]
    pub instance: CloneInstance,
    /// Its containers as Docker sees them.
    pub services: Vec<ServiceStatus>,
    /// The environment the clone belongs to, if any (membership is stored on environments:
    /// this is the reverse lookup).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// What is wrong, when the record and Docker disagree (a running clone whose backend
    /// container exited or is gone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Which log lines to fetch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogOptions {
    /// Keep streaming new lines.
    pub follow: bool,
    /// Only the last N lines per service.
    pub tail: Option<usize>,
    /// Only this service.
    pub service: Option<String>,
}

/// One line a clone's container printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// Service name.
    pub service: String,
    /// `stdout` or `stderr`.
    pub stream: String,
    /// The text, without its newline.
    pub line: String,
}

/// A group of clones spun together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    /// Name.
    pub name: String,
    /// Clone ids: the only place membership is stored.
    pub members: Vec<String>,
    /// Path of the environment file, or null for ad-hoc ones.
    pub spec: Option<PathBuf>,
    /// Rolled up from members: `running`, `partial`, `stopped`, `failed`.
    pub state: String,
    /// How many clones its file declares (members that failed to spin are missing).
    #[serde(default)]
    pub declared: usize,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_ranges_parse_and_reject_nonsense() {
        assert_eq!(
            "4000-4010".parse::<PortRange>().unwrap(),
            PortRange {
                start: 4000,
                end: 4010
            }
        );
        for bad in ["4010-4000", "0-10", "1-70000", "abc", "5-x"] {
            let err = bad.parse::<PortRange>().unwrap_err();
            assert_eq!(err.code(), "PORT_RANGE_INVALID", "{bad}");
        }
    }

    #[test]
    fn seed_args_are_fixtures_unless_they_look_like_paths() {
        assert_eq!(SeedSpec::parse("basic"), SeedSpec::Fixture("basic".into()));
        assert_eq!(
            SeedSpec::parse("tests/seed.sql"),
            SeedSpec::File("tests/seed.sql".into())
        );
    }
}

/// A step of a spin, reported as it begins (`asym spin` shows them on a terminal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpinStep {
    /// Pulling an image that is not on this machine.
    Pulling {
        /// The image reference.
        image: String,
    },
    /// Starting (or adopting) the shared Postgres and Redis.
    Infra,
    /// Creating the clone's database and running the template's migrations.
    Migrating {
        /// The database.
        database: String,
    },
    /// Creating and starting the clone's containers.
    Starting {
        /// How many containers.
        containers: usize,
    },
    /// Waiting for every service's health check.
    Health,
    /// Minting the clone's credentials.
    Provisioning,
    /// Applying the seed.
    Seeding {
        /// The fixture name or file.
        seed: String,
    },
    /// Capturing the baseline resets go back to.
    Baseline,
}

impl fmt::Display for SpinStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pulling { image } => write!(f, "pulling {image}"),
            Self::Infra => f.write_str("starting the shared Postgres and Redis"),
            Self::Migrating { database } => write!(f, "migrating database {database}"),
            Self::Starting { containers: 1 } => f.write_str("starting its container"),
            Self::Starting { containers } => write!(f, "starting {containers} containers"),
            Self::Health => f.write_str("waiting for health"),
            Self::Provisioning => f.write_str("provisioning credentials"),
            Self::Seeding { seed } => write!(f, "seeding {seed}"),
            Self::Baseline => f.write_str("capturing the baseline"),
        }
    }
}

/// The result of spinning an environment: each member in file order.
#[derive(Debug, Serialize)]
pub struct EnvSpin {
    /// The environment after the spin.
    pub environment: Environment,
    /// Each declared clone: its instance, or the rendered error that stopped it.
    pub clones: Vec<std::result::Result<CloneInstance, String>>,
}

/// Rows a query returned, every value as Postgres prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QueryResult {
    /// Column names of the last statement that returned rows.
    pub columns: Vec<String>,
    /// Its rows (`None` for SQL NULL).
    pub rows: Vec<Vec<Option<String>>>,
    /// Rows affected by the last statement that did not return rows.
    pub affected: Option<u64>,
}

/// What `prune` removed (or would remove, on a dry run).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PruneReport {
    /// Clones destroyed (pooled and idle past the TTL, or all with `--all`).
    pub clones: Vec<String>,
    /// Spins whose process died, rolled back.
    pub abandoned_spins: Vec<String>,
    /// Containers of this home with no record.
    pub orphan_containers: Vec<String>,
    /// Lease files with no clone.
    pub stale_leases: Vec<String>,
}

/// One check `doctor` ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was checked.
    pub name: String,
    /// Whether it passed.
    pub ok: bool,
    /// What was found.
    pub detail: String,
}

/// What `doctor` found and fixed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DoctorReport {
    /// Checks in order.
    pub checks: Vec<Check>,
    /// Repairs made.
    pub fixed: Vec<String>,
}
