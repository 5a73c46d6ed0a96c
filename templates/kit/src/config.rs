//! The environment contract between the engine and a clone backend.

use std::net::IpAddr;

pub use asym_contract::wire::DEFAULT_PORT;
use asym_contract::wire::{
    ENV_ADMIN_SECRET, ENV_BIND, ENV_CLONE_ID, ENV_DATABASE_URL, ENV_JWT_SECRET, ENV_PORT,
    ENV_PUBLIC_URL, ENV_REDIS_PREFIX, ENV_REDIS_URL,
};

/// Everything a backend reads from its environment, as the engine injects it.
///
/// | variable | field | required |
/// |---|---|---|
/// | `ASYM_BIND` | [`bind`](Self::bind) | no, default `0.0.0.0` |
/// | `ASYM_PORT` | [`port`](Self::port) | no, default [`DEFAULT_PORT`] |
/// | `DATABASE_URL` | [`database_url`](Self::database_url) | yes |
/// | `REDIS_URL` | [`redis_url`](Self::redis_url) | yes |
/// | `ASYM_REDIS_PREFIX` | [`redis_prefix`](Self::redis_prefix) | yes |
/// | `ASYM_ADMIN_SECRET` | [`admin_secret`](Self::admin_secret) | yes |
/// | `ASYM_JWT_SECRET` | [`jwt_secret`](Self::jwt_secret) | yes |
/// | `ASYM_CLONE_ID` | [`clone_id`](Self::clone_id) | yes |
/// | `ASYM_PUBLIC_URL` | [`public_url`](Self::public_url) | no, default `http://127.0.0.1:<port>` |
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// Address to bind (`ASYM_BIND`).
    pub bind: IpAddr,
    /// Port to bind (`ASYM_PORT`).
    pub port: u16,
    /// Postgres URL of the clone's own database (`DATABASE_URL`).
    pub database_url: String,
    /// URL of the shared Redis (`REDIS_URL`).
    pub redis_url: String,
    /// Prefix every Redis key of this clone starts with (`ASYM_REDIS_PREFIX`).
    pub redis_prefix: String,
    /// Secret guarding `/api/admin/` (`ASYM_ADMIN_SECRET`).
    pub admin_secret: String,
    /// Key for any JWT the product signs (`ASYM_JWT_SECRET`).
    pub jwt_secret: String,
    /// The clone's id, e.g. `slack-1a2b` (`ASYM_CLONE_ID`).
    pub clone_id: String,
    /// The clone's externally visible base URL, without a trailing slash (`ASYM_PUBLIC_URL`).
    pub public_url: String,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets and the database password never reach a log line.
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("port", &self.port)
            .field("redis_prefix", &self.redis_prefix)
            .field("clone_id", &self.clone_id)
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

/// Why the environment does not make a [`Config`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required variable is unset or empty.
    #[error(
        "environment variable {var} is required but unset; the engine injects it when it spins a clone"
    )]
    Missing {
        /// The variable's name.
        var: &'static str,
    },
    /// A variable is set to something unusable.
    #[error("environment variable {var}={value:?} is invalid: {reason}")]
    Invalid {
        /// The variable's name.
        var: &'static str,
        /// The value found.
        value: String,
        /// What a valid value looks like.
        reason: &'static str,
    },
}

impl Config {
    /// Reads the contract from the process environment, with `ASYM_PORT` defaulting to
    /// [`DEFAULT_PORT`].
    ///
    /// # Errors
    ///
    /// [`ConfigError::Missing`] for an unset required variable, [`ConfigError::Invalid`] for
    /// a bind address, port or URL that does not parse.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok(), DEFAULT_PORT)
    }

    /// Reads the contract through `lookup` (a stand-in for the environment, for tests), with
    /// `default_port` used when `ASYM_PORT` is unset.
    ///
    /// # Errors
    ///
    /// As [`Config::from_env`].
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
        default_port: u16,
    ) -> Result<Self, ConfigError> {
        let get = |var: &'static str| lookup(var).filter(|value| !value.is_empty());
        let required = |var: &'static str| get(var).ok_or(ConfigError::Missing { var });

        let bind = match get(ENV_BIND) {
            None => IpAddr::from([0, 0, 0, 0]),
            Some(value) => value.parse().map_err(|_| ConfigError::Invalid {
                var: ENV_BIND,
                value,
                reason: "expected an IP address such as 0.0.0.0 or 127.0.0.1",
            })?,
        };
        let port = match get(ENV_PORT) {
            None => default_port,
            Some(value) => value.parse().map_err(|_| ConfigError::Invalid {
                var: ENV_PORT,
                value,
                reason: "expected a port number between 0 and 65535",
            })?,
        };
        let database_url = required(ENV_DATABASE_URL)?;
        if !(database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            return Err(ConfigError::Invalid {
                var: ENV_DATABASE_URL,
                value: redact_url(&database_url),
                reason: "expected postgres://user:password@host:port/database",
            });
        }
        let redis_url = required(ENV_REDIS_URL)?;
        if !redis_url.starts_with("redis://") {
            return Err(ConfigError::Invalid {
                var: ENV_REDIS_URL,
                value: redact_url(&redis_url),
                reason: "expected redis://host:port",
            });
        }
        let public_url = get(ENV_PUBLIC_URL)
            .unwrap_or_else(|| format!("http://127.0.0.1:{port}"))
            .trim_end_matches('/')
            .to_owned();
        Ok(Self {
            bind,
            port,
            database_url,
            redis_url,
            redis_prefix: required(ENV_REDIS_PREFIX)?,
            admin_secret: required(ENV_ADMIN_SECRET)?,
            jwt_secret: required(ENV_JWT_SECRET)?,
            clone_id: required(ENV_CLONE_ID)?,
            public_url,
        })
    }
}

/// `scheme://user:password@host` → `scheme://user:***@host`, for error messages.
fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    const FULL: &[(&str, &str)] = &[
        (
            "DATABASE_URL",
            "postgres://postgres:pw@127.0.0.1:54329/clone_slack_1a2b",
        ),
        ("REDIS_URL", "redis://127.0.0.1:63799"),
        ("ASYM_REDIS_PREFIX", "slack-1a2b:"),
        ("ASYM_ADMIN_SECRET", "admin"),
        ("ASYM_JWT_SECRET", "jwt"),
        ("ASYM_CLONE_ID", "slack-1a2b"),
    ];

    #[test]
    fn defaults_apply_when_optional_variables_are_unset() {
        let config = Config::from_lookup(env(FULL), 3001).unwrap();
        assert_eq!(config.bind.to_string(), "0.0.0.0");
        assert_eq!(config.port, 3001);
        assert_eq!(config.public_url, "http://127.0.0.1:3001");
        assert_eq!(config.redis_prefix, "slack-1a2b:");
    }

    #[test]
    fn explicit_values_win_and_the_public_url_loses_its_trailing_slash() {
        let mut pairs = FULL.to_vec();
        pairs.extend([
            ("ASYM_BIND", "127.0.0.1"),
            ("ASYM_PORT", "3005"),
            ("ASYM_PUBLIC_URL", "http://127.0.0.1:3005/"),
        ]);
        let config = Config::from_lookup(env(&pairs), 3001).unwrap();
        assert_eq!(config.bind.to_string(), "127.0.0.1");
        assert_eq!(config.port, 3005);
        assert_eq!(config.public_url, "http://127.0.0.1:3005");
    }

    #[test]
    fn a_missing_or_empty_variable_is_named() {
        let pairs: Vec<_> = FULL
            .iter()
            .copied()
            .filter(|(k, _)| *k != "ASYM_ADMIN_SECRET")
            .collect();
        let err = Config::from_lookup(env(&pairs), 3001).unwrap_err();
        assert!(matches!(
            err,
            ConfigError::Missing {
                var: "ASYM_ADMIN_SECRET"
            }
        ));

        let mut pairs = pairs;
        pairs.push(("ASYM_ADMIN_SECRET", ""));
        let err = Config::from_lookup(env(&pairs), 3001).unwrap_err();
        assert!(err.to_string().contains("ASYM_ADMIN_SECRET"), "{err}");
    }

    #[test]
    fn bad_values_are_invalid_and_never_echo_a_password() {
        let mut pairs = FULL.to_vec();
        pairs.push(("ASYM_PORT", "http"));
        let err = Config::from_lookup(env(&pairs), 3001).unwrap_err();
        assert!(matches!(
            err,
            ConfigError::Invalid {
                var: "ASYM_PORT",
                ..
            }
        ));

        let mut pairs: Vec<_> = FULL
            .iter()
            .copied()
            .filter(|(k, _)| *k != "DATABASE_URL")
            .collect();
        pairs.push(("DATABASE_URL", "mysql://root:hunter2@db/x"));
        let err = Config::from_lookup(env(&pairs), 3001).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("DATABASE_URL") && !text.contains("hunter2"),
            "{text}"
        );
    }
}
