//! Named errors with the stable codes of the contract.

use std::path::PathBuf;

/// A boxed cause carried by errors that wrap a lower layer.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything the engine can fail with. Each variant carries a stable [`Error::code`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The Docker API could not be reached.
    #[error(
        "Docker isn't running or reachable at {host}; start it (or set DOCKER_HOST) and retry; `asym doctor` checks it"
    )]
    DockerUnavailable {
        /// The socket or `DOCKER_HOST` that was tried.
        host: String,
        /// Why the connection failed.
        #[source]
        source: BoxError,
    },
    /// No template of that name exists.
    #[error("no template named \"{name}\" (templates: {}); `asym ls --templates` lists them", available.join(", "))]
    TemplateNotFound {
        /// The requested name.
        name: String,
        /// The templates that exist.
        available: Vec<String>,
    },
    /// The template has no mode of that name.
    #[error("template \"{template}\" has no mode \"{mode}\"; its modes are: {}", modes.join(", "))]
    ModeNotFound {
        /// The template.
        template: String,
        /// The requested mode.
        mode: String,
        /// The modes that exist.
        modes: Vec<String>,
    },
    /// The seed fixture or seed file does not exist.
    #[error("{what} does not exist; fixtures of \"{template}\": {}", fixtures.join(", "))]
    FixtureNotFound {
        /// The template.
        template: String,
        /// `fixture "x"` or `seed file /path`.
        what: String,
        /// The fixtures the template ships.
        fixtures: Vec<String>,
    },
    /// A fault preset the template does not have.
    #[error(
        "template \"{template}\" has no fault preset \"{name}\"{}; its presets: {}",
        suggest(name, presets),
        listed(presets)
    )]
    FaultPresetNotFound {
        /// The template.
        template: String,
        /// The name asked for.
        name: String,
        /// The presets its manifest names.
        presets: Vec<String>,
    },
    /// An image is neither local nor pullable.
    #[error(
        "image {image} is not available locally and could not be pulled; build it with `{build}`"
    )]
    ImageUnavailable {
        /// The image reference.
        image: String,
        /// The command that builds it.
        build: String,
    },
    /// The port range has no free port left.
    #[error(
        "no free port in {start}-{end}; destroy a clone (`asym destroy <id>`) or widen `portRange`"
    )]
    NoFreePorts {
        /// First port of the range.
        start: u16,
        /// Last port of the range.
        end: u16,
    },
    /// A port range given by the user is not usable.
    #[error("invalid port range \"{range}\": {reason}; use A-B with 1 <= A <= B <= 65535")]
    PortRangeInvalid {
        /// The range as given.
        range: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A saved port is taken by something else on `start`.
    #[error(
        "port {port} saved for clone {id} is in use by another process; free it and retry `asym start {id}`"
    )]
    PortInUse {
        /// The clone.
        id: String,
        /// The busy port.
        port: u16,
    },
    /// Unknown clone id.
    #[error("no clone with id \"{id}\"; `asym status` lists clones")]
    CloneNotFound {
        /// The id.
        id: String,
    },
    /// A lifecycle step failed.
    #[error("clone {id}: {step} failed; see `asym logs {id}`")]
    CloneStartFailed {
        /// The clone.
        id: String,
        /// The step that failed (create database, migrate, start container, provision, seed, …).
        step: String,
        /// What went wrong.
        #[source]
        source: BoxError,
    },
    /// The clone did not become healthy in time.
    #[error("clone {id} was not healthy after {seconds} s; see `asym logs {id}`")]
    HealthTimeout {
        /// The clone.
        id: String,
        /// The timeout.
        seconds: u64,
    },
    /// The registry file cannot be read.
    #[error("registry {} is unreadable; `asym doctor` rebuilds it from container labels", path.display())]
    RegistryCorrupt {
        /// The registry file.
        path: PathBuf,
        /// Why it could not be parsed.
        #[source]
        source: BoxError,
    },
    /// An environment file is invalid.
    #[error("environment file {}: {problem}", path.display())]
    EnvSpecInvalid {
        /// The file.
        path: PathBuf,
        /// What to fix.
        problem: String,
    },
    /// No environment of that name.
    #[error(
        "no environment named \"{name}\" (environments: {}); `asym env ls` lists them",
        listed(available)
    )]
    EnvNotFound {
        /// The requested name.
        name: String,
        /// The environments that exist.
        available: Vec<String>,
    },
    /// Restore of a snapshot that does not exist.
    #[error(
        "clone {id} has no snapshot \"{name}\"; snapshots: {}",
        listed(snapshots)
    )]
    SnapshotNotFound {
        /// The clone.
        id: String,
        /// The requested snapshot.
        name: String,
        /// The snapshots that exist.
        snapshots: Vec<String>,
    },
    /// SQL run through `asym query` failed.
    #[error("query on clone {id} failed: {message}")]
    QueryFailed {
        /// The clone.
        id: String,
        /// The database's message.
        message: String,
    },
    /// The harness could not lease a clone in time.
    #[error(
        "no {key} clone could be leased within {seconds} s (pool max {max}; held by: {holders}); raise ASYM_POOL_MAX or ASYM_LEASE_TIMEOUT"
    )]
    LeaseTimeout {
        /// The pool key (template/mode/seed).
        key: String,
        /// How long the harness waited.
        seconds: u64,
        /// The pool cap.
        max: usize,
        /// Who holds the leases.
        holders: String,
    },
    /// A snapshot name that cannot be used.
    #[error("snapshot name \"{name}\" cannot be used: {reason}")]
    SnapshotNameInvalid {
        /// The name given.
        name: String,
        /// Why, and what is allowed.
        reason: String,
    },
    /// A clone or environment name (`--name`, `--group`) that cannot be used.
    #[error(
        "{what} \"{value}\" cannot be used: use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit"
    )]
    NameInvalid {
        /// Which argument.
        what: String,
        /// The value given (shortened when long).
        value: String,
    },
    /// A seed file that cannot be applied.
    #[error("seed file {} cannot be used: {reason}", path.display())]
    SeedFileInvalid {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        reason: String,
    },
    /// A seed failed to apply; the clone was left exactly as it was.
    #[error("seeding clone {id} failed and changed nothing: {message}")]
    SeedFailed {
        /// The clone.
        id: String,
        /// The database's message.
        message: String,
    },
    /// A clone's admin surface answered a call with a status other than 2xx.
    #[error("clone {id} refused {call} with HTTP {status}: {body}")]
    AdminRefused {
        /// The clone.
        id: String,
        /// The call (`POST /api/admin/events`).
        call: String,
        /// The HTTP status it answered.
        status: u16,
        /// Its body, as text.
        body: String,
    },
    /// A credential a clone does not have.
    #[error("clone {id} has no credential \"{name}\"{} (it has {})", suggest(name, names), names.join(", "))]
    TokenNotFound {
        /// The clone.
        id: String,
        /// The name asked for.
        name: String,
        /// The credentials it has.
        names: Vec<String>,
    },
    /// A clone tried no delivery of a webhook event within the time a caller waited.
    #[error(
        "clone {id} tried no `{event}` webhook within {seconds} s; {made} (`asym webhooks {id}` lists them)"
    )]
    WebhookNotSent {
        /// The clone.
        id: String,
        /// The event type waited for.
        event: String,
        /// How long the caller waited.
        seconds: u64,
        /// What it did send: `it made none (is an endpoint registered?)` or `it made: …`.
        made: String,
    },
    /// A feature that is not implemented yet.
    #[error("{what} is not implemented yet")]
    NotImplemented {
        /// What was asked for.
        what: String,
    },
    /// Something unexpected in a lower layer (I/O, Docker, Postgres, Redis).
    #[error("{context}")]
    Internal {
        /// What the engine was doing.
        context: String,
        /// The cause.
        #[source]
        source: BoxError,
    },
}

/// ` (did you mean "x"?)` for the candidate closest to `word`, if one is close enough.
fn suggest(word: &str, candidates: &[String]) -> String {
    asym_contract::closest(word, candidates.iter().map(String::as_str))
        .map(|c| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default()
}

/// `a, b, c`, or `none`.
fn listed(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

impl Error {
    /// Checks a clone or environment name given as `what` (`--name`, `--group`).
    ///
    /// # Errors
    /// [`Error::NameInvalid`] unless it is 1-63 of `[A-Za-z0-9._-]`, starting alphanumeric.
    pub fn check_name(what: &str, value: &str) -> Result<()> {
        let ok = (1..=63).contains(&value.len())
            && value.starts_with(|c: char| c.is_ascii_alphanumeric())
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if ok {
            return Ok(());
        }
        let shown: String = value.escape_debug().take(40).collect();
        Err(Self::NameInvalid {
            what: what.to_owned(),
            value: if value.len() > 40 {
                format!("{shown}…")
            } else {
                shown
            },
        })
    }

    /// The stable code of this error, as in the contract (`CLONE_NOT_FOUND`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Self::DockerUnavailable { .. } => "DOCKER_UNAVAILABLE",
            Self::TemplateNotFound { .. } => "TEMPLATE_NOT_FOUND",
            Self::ModeNotFound { .. } => "MODE_NOT_FOUND",
            Self::FixtureNotFound { .. } => "FIXTURE_NOT_FOUND",
            Self::FaultPresetNotFound { .. } => "FAULT_PRESET_NOT_FOUND",
            Self::ImageUnavailable { .. } => "IMAGE_UNAVAILABLE",
            Self::NoFreePorts { .. } => "NO_FREE_PORTS",
            Self::PortRangeInvalid { .. } => "PORT_RANGE_INVALID",
            Self::PortInUse { .. } => "PORT_IN_USE",
            Self::CloneNotFound { .. } => "CLONE_NOT_FOUND",
            Self::CloneStartFailed { .. } => "CLONE_START_FAILED",
            Self::HealthTimeout { .. } => "HEALTH_TIMEOUT",
            Self::RegistryCorrupt { .. } => "REGISTRY_CORRUPT",
            Self::EnvSpecInvalid { .. } => "ENV_SPEC_INVALID",
            Self::EnvNotFound { .. } => "ENV_NOT_FOUND",
            Self::SnapshotNotFound { .. } => "SNAPSHOT_NOT_FOUND",
            Self::QueryFailed { .. } => "QUERY_FAILED",
            Self::LeaseTimeout { .. } => "LEASE_TIMEOUT",
            Self::SnapshotNameInvalid { .. } => "SNAPSHOT_NAME_INVALID",
            Self::NameInvalid { .. } => "NAME_INVALID",
            Self::SeedFileInvalid { .. } => "SEED_FILE_INVALID",
            Self::SeedFailed { .. } => "SEED_FAILED",
            Self::AdminRefused { .. } => "ADMIN_REFUSED",
            Self::TokenNotFound { .. } => "TOKEN_NOT_FOUND",
            Self::WebhookNotSent { .. } => "WEBHOOK_NOT_SENT",
            Self::NotImplemented { .. } => "NOT_IMPLEMENTED",
            Self::Internal { .. } => "INTERNAL",
        }
    }

    /// Whether this is an expected, named failure (exit 1) rather than an unexpected one (exit 2).
    pub fn is_named(&self) -> bool {
        !matches!(self, Self::Internal { .. })
    }

    /// One line for humans: `CODE: message (cause: …)`, the format the CLI and the harness print.
    pub fn render(&self) -> String {
        let mut line = format!("{}: {self}", self.code());
        let mut cause = std::error::Error::source(self);
        let mut causes = Vec::new();
        while let Some(err) = cause {
            causes.push(err.to_string().replace('\n', " "));
            cause = err.source();
        }
        if !causes.is_empty() {
            line.push_str(" (cause: ");
            line.push_str(&causes.join(": "));
            line.push(')');
        }
        line
    }

    pub(crate) fn internal(context: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::Internal {
            context: context.into(),
            source: source.into(),
        }
    }

    /// What a user's SQL did wrong: Postgres's own message when the server answered one, else
    /// the client's error (a lost connection, a protocol fault).
    pub(crate) fn sql_message(e: &tokio_postgres::Error) -> String {
        e.as_db_error()
            .map_or_else(|| e.to_string(), |d| d.message().to_owned())
    }

    pub(crate) fn step(id: &str, step: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::CloneStartFailed {
            id: id.to_owned(),
            step: step.into(),
            source: source.into(),
        }
    }
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_puts_code_first_and_causes_on_one_line() {
        let err = Error::step("slack-1a2b", "migrate", "syntax error\nat line 3");
        assert_eq!(
            err.render(),
            "CLONE_START_FAILED: clone slack-1a2b: migrate failed; see `asym logs slack-1a2b` (cause: syntax error at line 3)"
        );
        assert!(err.is_named());
        assert!(!Error::internal("reading x", "boom").is_named());
    }
}
