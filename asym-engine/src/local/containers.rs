//! Containers: their specs (environment, labels, ports), health waits, logs, and the clone
//! files baked into their images.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use bollard::models::{ContainerCreateBody, HostConfig, PortBinding};
use bollard::query_parameters::LogsOptions;
use futures_util::stream::{self, BoxStream, StreamExt};

use asym_contract::wire::{
    ENV_ADMIN_SECRET, ENV_BIND, ENV_CLONE_ID, ENV_DATABASE_URL, ENV_JWT_SECRET, ENV_PORT,
    ENV_PUBLIC_URL, ENV_REDIS_PREFIX, ENV_REDIS_URL,
};

use crate::catalog::{ServiceManifest, Template};
use crate::docker::MANAGED_LABEL;
use crate::error::{Error, Result};
use crate::ids;
use crate::infra::{self, Infra, NetworkMode};
use crate::model::{CloneRecord, LogLine, LogOptions, SeedSpec};
use crate::registry::Entry;
use crate::time::Timestamp;

use super::LocalDockerProvider;

/// A service of a clone being brought up.
pub(super) struct Planned {
    pub(super) name: String,
    pub(super) manifest: ServiceManifest,
    pub(super) digest: String,
    pub(super) port: u16,
}

impl LocalDockerProvider {
    /// Clone files (`/clone`: manifest, migrations, fixtures) of an image, cached per digest.
    pub(super) async fn clone_files(&self, digest: &str) -> Result<PathBuf> {
        let dir = self.home.cache_dir().join(digest.replace(':', "-"));
        let files = dir.join("clone");
        if files.is_dir() {
            return Ok(files);
        }
        let staging = self
            .home
            .cache_dir()
            .join(format!(".staging-{}", ids::random_hex(6)));
        let docker = self.docker().await?;
        docker.extract(digest, "/clone", &staging).await?;
        // Another process may have cached it meanwhile; either copy is the same bytes.
        if std::fs::rename(&staging, &dir).is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        if files.is_dir() {
            Ok(files)
        } else {
            Err(Error::internal(
                format!("image {digest} has no /clone directory"),
                "rebuild it with `asym images build`",
            ))
        }
    }

    pub(super) fn container_body(
        &self,
        infra: &Infra,
        entry: &Entry,
        service: &Planned,
        template: &Template,
    ) -> ContainerCreateBody {
        let record = &entry.record;
        let (bind, listen_port) = match infra.network {
            NetworkMode::Host if record.expose => ("0.0.0.0", service.port),
            NetworkMode::Host => ("127.0.0.1", service.port),
            NetworkMode::Bridge => ("0.0.0.0", service.manifest.port),
        };
        let env = vec![
            format!("{ENV_BIND}={bind}"),
            format!("{ENV_PORT}={listen_port}"),
            format!(
                "{ENV_DATABASE_URL}={}",
                infra.container_database_url(&record.database)
            ),
            format!("{ENV_REDIS_URL}={}", infra.container_redis_url(&record.id)),
            format!("{ENV_REDIS_PREFIX}={}", record.redis_prefix),
            format!("{ENV_ADMIN_SECRET}={}", entry.secrets.admin_secret),
            format!("{ENV_JWT_SECRET}={}", entry.secrets.jwt_secret),
            format!("{ENV_CLONE_ID}={}", record.id),
            format!("{ENV_PUBLIC_URL}=http://127.0.0.1:{}", service.port),
        ];
        let labels = HashMap::from([
            (
                "com.docker.compose.project".to_owned(),
                record.compose_project.clone(),
            ),
            (
                "com.docker.compose.service".to_owned(),
                service.name.clone(),
            ),
            (
                "com.docker.compose.container-number".to_owned(),
                "1".to_owned(),
            ),
            ("com.docker.compose.oneoff".to_owned(), "False".to_owned()),
            (MANAGED_LABEL.to_owned(), "1".to_owned()),
            ("dev.asym.clone".to_owned(), record.id.clone()),
            (
                "dev.asym.template".to_owned(),
                template.manifest.name.clone(),
            ),
            ("dev.asym.mode".to_owned(), record.mode.clone()),
            ("dev.asym.service".to_owned(), service.name.clone()),
            ("dev.asym.port".to_owned(), service.port.to_string()),
            ("dev.asym.database".to_owned(), record.database.clone()),
            (
                "dev.asym.home".to_owned(),
                self.home.root().display().to_string(),
            ),
            (RECORD_LABEL.to_owned(), RecordLabel::of(record).to_json()),
        ]);
        let inner = format!("{}/tcp", service.manifest.port);
        let host_config = match infra.network {
            NetworkMode::Host => HostConfig {
                network_mode: Some("host".to_owned()),
                restart_policy: Some(crate::docker::unless_stopped()),
                ..Default::default()
            },
            NetworkMode::Bridge => HostConfig {
                network_mode: Some(infra::NETWORK.to_owned()),
                restart_policy: Some(crate::docker::unless_stopped()),
                port_bindings: Some(HashMap::from([(
                    inner.clone(),
                    Some(vec![PortBinding {
                        host_ip: Some(
                            if record.expose {
                                "0.0.0.0"
                            } else {
                                "127.0.0.1"
                            }
                            .to_owned(),
                        ),
                        host_port: Some(service.port.to_string()),
                    }]),
                )])),
                ..Default::default()
            },
        };
        ContainerCreateBody {
            image: Some(service.digest.clone()),
            env: Some(env),
            labels: Some(labels),
            exposed_ports: Some(HashMap::from([(inner, HashMap::new())])),
            host_config: Some(host_config),
            stop_timeout: Some(5),
            ..Default::default()
        }
    }

    /// Polls a service's health path until it answers 200; fails fast if its container exits.
    pub(super) async fn wait_healthy(&self, id: &str, container: &str, url: &str) -> Result<()> {
        let timeout = self.config.health_timeout();
        let started = Instant::now();
        let mut last_inspect = Instant::now();
        let http = self.http()?;
        loop {
            if let Ok(response) = http.get(url).timeout(Duration::from_secs(2)).send().await
                && response.status().is_success()
            {
                return Ok(());
            }
            if started.elapsed() >= timeout {
                return Err(Error::HealthTimeout {
                    id: id.to_owned(),
                    seconds: timeout.as_secs(),
                });
            }
            if last_inspect.elapsed() > Duration::from_millis(500) {
                last_inspect = Instant::now();
                let state = self.docker().await?.state(container).await?;
                if state.as_deref() != Some("running") {
                    return Err(Error::step(
                        id,
                        format!("start {container}"),
                        format!("container is {}", state.as_deref().unwrap_or("gone")),
                    ));
                }
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The log lines of a clone's containers (one service's with `options.service`).
    pub(super) async fn log_lines(
        &self,
        record: &CloneRecord,
        options: LogOptions,
    ) -> Result<BoxStream<'static, Result<LogLine>>> {
        let id = &record.id;
        let docker = self.docker().await?.api.clone();
        let mut streams = Vec::new();
        for service in record.ports.keys() {
            if options.service.as_ref().is_some_and(|s| s != service) {
                continue;
            }
            let query = LogsOptions {
                follow: options.follow,
                stdout: true,
                stderr: true,
                tail: options
                    .tail
                    .map_or_else(|| "all".to_owned(), |n| n.to_string()),
                ..Default::default()
            };
            let service = service.clone();
            let container = container_name(id, &service);
            let lines = docker
                .logs(&container, Some(query))
                .map(move |chunk| match chunk {
                    Ok(output) => {
                        let stream = match output {
                            bollard::container::LogOutput::StdErr { .. } => "stderr",
                            _ => "stdout",
                        };
                        let text = output.to_string();
                        Ok(text
                            .lines()
                            .map(|line| LogLine {
                                service: service.clone(),
                                stream: stream.to_owned(),
                                line: line.to_owned(),
                            })
                            .collect::<Vec<_>>())
                    }
                    Err(e) => Err(Error::internal(format!("reading logs of {container}"), e)),
                })
                .flat_map(|batch| match batch {
                    Ok(lines) => stream::iter(lines.into_iter().map(Ok).collect::<Vec<_>>()),
                    Err(e) => stream::iter(vec![Err(e)]),
                });
            streams.push(lines.boxed());
        }
        Ok(stream::select_all(streams).boxed())
    }
}

/// The label carrying what `doctor` needs to rebuild a lost record beyond the other labels.
pub(crate) const RECORD_LABEL: &str = "dev.asym.record";

/// The parts of a record only the registry would otherwise hold.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RecordLabel {
    pub(crate) name: Option<String>,
    pub(crate) seed: Option<SeedSpec>,
    pub(crate) created_at: Option<Timestamp>,
    pub(crate) pool_key: Option<String>,
    pub(crate) image: Option<String>,
}

impl RecordLabel {
    fn of(record: &CloneRecord) -> Self {
        Self {
            name: record.name.clone(),
            seed: record.seed.clone(),
            created_at: Some(record.created_at),
            pool_key: record.pool_key.clone(),
            image: Some(record.image.clone()),
        }
    }

    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The label's value read back (empty when absent or unreadable: older containers).
    pub(crate) fn parse(text: Option<&String>) -> Self {
        text.and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default()
    }
}

pub(crate) fn container_name(id: &str, service: &str) -> String {
    format!("asym-{id}-{service}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn container_names_follow_compose() {
        assert_eq!(
            container_name("slack-1a2b3c", "backend"),
            "asym-slack-1a2b3c-backend"
        );
    }
}
