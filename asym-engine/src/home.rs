//! `$ASYM_HOME` (default `~/.asymmetric`): where the registry, config, leases and caches live.

use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::PortRange;

/// The state directory.
#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
}

impl Home {
    /// `$ASYM_HOME`, else `~/.asymmetric`.
    pub fn from_env() -> Self {
        Self {
            root: asym_contract::catalog::home_dir(),
        }
    }

    /// A home at `root`.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates the directory (mode 0700) and its subdirectories if missing.
    ///
    /// # Errors
    /// `Internal` when the directory cannot be created.
    pub fn ensure(&self) -> Result<()> {
        for dir in [self.root.clone(), self.leases_dir(), self.cache_dir()] {
            if !dir.is_dir() {
                fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(&dir)
                    .map_err(|e| Error::internal(format!("creating {}", dir.display()), e))?;
            }
        }
        let _ = fs::set_permissions(&self.root, fs::Permissions::from_mode(0o700));
        Ok(())
    }

    /// `registry.json`.
    pub fn registry_path(&self) -> PathBuf {
        self.root.join("registry.json")
    }

    /// `config.json`.
    pub fn config_path(&self) -> PathBuf {
        self.root.join("config.json")
    }

    /// `leases/`.
    pub fn leases_dir(&self) -> PathBuf {
        self.root.join("leases")
    }

    /// `cache/`: per-digest migrations and fixtures.
    pub fn cache_dir(&self) -> PathBuf {
        self.root.join("cache")
    }

    /// Reads `config.json` (absent → defaults), then applies `ASYM_*` environment overrides.
    ///
    /// # Errors
    /// `Internal` when the file exists but is not valid JSON; `PORT_RANGE_INVALID` for a bad
    /// `ASYM_PORT_RANGE`.
    pub fn config(&self) -> Result<Config> {
        let path = self.config_path();
        let mut config: Config = match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| Error::internal(format!("reading {}", path.display()), e))?,
            Err(_) => Config::default(),
        };
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        if let Some(image) = var("ASYM_POSTGRES_IMAGE") {
            config.postgres_image = Some(image);
        }
        if let Some(image) = var("ASYM_REDIS_IMAGE") {
            config.redis_image = Some(image);
        }
        if let Some(secs) = var("ASYM_HEALTH_TIMEOUT").and_then(|v| v.parse().ok()) {
            config.health_timeout_secs = secs;
        }
        if let Some(network) = var("ASYM_NETWORK") {
            config.network = Some(network);
        }
        if let Some(name) = &config.infra_name {
            Error::check_name("infraName", name)?;
        }
        if let Some(range) = var("ASYM_PORT_RANGE") {
            config.port_range = range.parse()?;
        }
        Ok(config)
    }
}

/// `config.json`, all keys optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Config {
    /// Host ports clones may use.
    pub port_range: PortRange,
    /// Shared Postgres image (`ASYM_POSTGRES_IMAGE`).
    pub postgres_image: Option<String>,
    /// Shared Redis image (`ASYM_REDIS_IMAGE`).
    pub redis_image: Option<String>,
    /// Seconds to wait for a clone's health (`ASYM_HEALTH_TIMEOUT`).
    pub health_timeout_secs: u64,
    /// `host` (Linux default) or `bridge` (`ASYM_NETWORK`).
    pub network: Option<String>,
    /// Extra template directories, each holding `<name>/clone.manifest.json`, searched after
    /// the built-in ones and before `ASYM_TEMPLATE_PATH` (see `asym_contract::catalog`).
    pub template_path: Vec<PathBuf>,
    /// Prefix of the shared Postgres and Redis containers' names (`<name>-postgres`,
    /// `<name>-redis`); `asym` when unset. Another name gives a home shared infra of its own.
    pub infra_name: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            port_range: PortRange::default(),
            postgres_image: None,
            redis_image: None,
            health_timeout_secs: 90,
            network: None,
            template_path: Vec::new(),
            infra_name: None,
        }
    }
}

impl Config {
    /// The prefix of the shared containers' names (`infraName`, default `asym`).
    #[must_use]
    pub fn infra_name(&self) -> &str {
        self.infra_name.as_deref().unwrap_or("asym")
    }

    /// The health timeout.
    pub fn health_timeout(&self) -> Duration {
        Duration::from_secs(self.health_timeout_secs)
    }
}

/// Replaces `path` with `bytes` atomically (a temporary file beside it, synced, renamed over
/// it), readable by the owner only (mode 0600): the registry, the infra facts, the password.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
    let mut file = fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .mode(0o600)
        .open(&tmp)?;
    file.write_all(bytes).and_then(|()| file.sync_all())?;
    fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        let _ = fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}
