//! Thin, error-mapping wrappers over bollard.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{
    CreateContainerOptions, CreateImageOptions, DownloadFromContainerOptions,
    RemoveContainerOptions, StopContainerOptions,
};
use futures_util::TryStreamExt;

use crate::error::{Error, Result};

/// Label every container asym creates carries.
pub(crate) const MANAGED_LABEL: &str = "dev.asym.managed";

/// A connected, version-negotiated Docker client.
#[derive(Debug, Clone)]
pub(crate) struct Docker {
    pub(crate) api: bollard::Docker,
}

/// What `DOCKER_HOST` points at, for messages.
pub(crate) fn docker_host() -> String {
    std::env::var("DOCKER_HOST").unwrap_or_else(|_| "unix:///var/run/docker.sock".to_owned())
}

impl Docker {
    /// Connects and negotiates the API version; fails fast (1.5 s) when nothing answers.
    pub(crate) async fn connect() -> Result<Self> {
        let host = docker_host();
        let unavailable = |source: crate::error::BoxError| Error::DockerUnavailable {
            host: host.clone(),
            source,
        };
        let api = bollard::Docker::connect_with_defaults()
            .map_err(|e| unavailable(e.into()))?
            .with_timeout(Duration::from_secs(300));
        match tokio::time::timeout(Duration::from_millis(1500), api.ping()).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Err(unavailable(e.into())),
            Err(_) => return Err(unavailable("no answer within 1.5 s".into())),
        }
        let api = api
            .negotiate_version()
            .await
            .map_err(|e| unavailable(e.into()))?;
        Ok(Self { api })
    }

    /// The content digest (image id) of a local image, if present.
    pub(crate) async fn image_digest(&self, reference: &str) -> Result<Option<String>> {
        match self.api.inspect_image(reference).await {
            Ok(image) => Ok(image.id),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(fail(format!("inspecting image {reference}"), e)),
        }
    }

    /// Resolves `reference` to a digest: local first, then a pull (bounded in time), calling
    /// `pulling` as it starts.
    pub(crate) async fn resolve_image(
        &self,
        reference: &str,
        build: &str,
        pulling: impl FnOnce(),
    ) -> Result<String> {
        if let Some(digest) = self.image_digest(reference).await? {
            return Ok(digest);
        }
        let unavailable = || Error::ImageUnavailable {
            image: reference.to_owned(),
            build: build.to_owned(),
        };
        if reference.starts_with("sha256:") {
            return Err(unavailable());
        }
        pulling();
        let options = CreateImageOptions {
            from_image: Some(reference.to_owned()),
            ..Default::default()
        };
        let pull = self
            .api
            .create_image(Some(options), None, None)
            .try_collect::<Vec<_>>();
        match tokio::time::timeout(Duration::from_secs(60), pull).await {
            Ok(Ok(_)) => self.image_digest(reference).await?.ok_or_else(unavailable),
            _ => Err(unavailable()),
        }
    }

    /// Creates a container; `Ok(false)` when one of that name already exists.
    pub(crate) async fn create(&self, name: &str, body: ContainerCreateBody) -> Result<bool> {
        let options = CreateContainerOptions {
            name: Some(name.to_owned()),
            ..Default::default()
        };
        match self.api.create_container(Some(options), body).await {
            Ok(_) => Ok(true),
            Err(e) if status(&e) == Some(409) => Ok(false),
            Err(e) => Err(fail(format!("creating container {name}"), e)),
        }
    }

    /// Starts a container (already running is fine).
    pub(crate) async fn start(&self, name: &str) -> Result<()> {
        let answer = self
            .api
            .start_container(
                name,
                None::<bollard::query_parameters::StartContainerOptions>,
            )
            .await;
        settled(answer, &[304], || format!("starting container {name}"))
    }

    /// Stops a container (already stopped or missing is fine).
    pub(crate) async fn stop(&self, name: &str) -> Result<()> {
        let options = StopContainerOptions {
            t: Some(5),
            ..Default::default()
        };
        let answer = self.api.stop_container(name, Some(options)).await;
        settled(answer, &[304, 404], || format!("stopping container {name}"))
    }

    /// Removes a container and its anonymous volumes (missing is fine).
    pub(crate) async fn remove(&self, name: &str) -> Result<()> {
        let options = RemoveContainerOptions {
            force: true,
            v: true,
            ..Default::default()
        };
        let answer = self.api.remove_container(name, Some(options)).await;
        settled(answer, &[404, 409], || format!("removing container {name}"))
    }

    /// Docker's state of a container (`running`, `exited`, …), `None` when it does not exist.
    pub(crate) async fn state(&self, name: &str) -> Result<Option<String>> {
        match self
            .api
            .inspect_container(
                name,
                None::<bollard::query_parameters::InspectContainerOptions>,
            )
            .await
        {
            Ok(c) => Ok(Some(
                c.state
                    .and_then(|s| s.status)
                    .map_or_else(|| "unknown".to_owned(), |s| s.to_string()),
            )),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(fail(format!("inspecting container {name}"), e)),
        }
    }

    /// Environment, image and running state of a container.
    pub(crate) async fn inspect_env(&self, name: &str) -> Result<(Vec<String>, String, bool)> {
        let c = self
            .api
            .inspect_container(
                name,
                None::<bollard::query_parameters::InspectContainerOptions>,
            )
            .await
            .map_err(|e| fail(format!("inspecting container {name}"), e))?;
        let running = c.state.and_then(|s| s.running).unwrap_or(false);
        let image = c.image.unwrap_or_default();
        Ok((
            c.config.and_then(|c| c.env).unwrap_or_default(),
            image,
            running,
        ))
    }

    /// Names and labels of containers carrying `label` (`key` or `key=value`), stopped ones too.
    pub(crate) async fn list(&self, label: &str) -> Result<Vec<(String, HashMap<String, String>)>> {
        let options = bollard::query_parameters::ListContainersOptions {
            all: true,
            filters: Some(HashMap::from([(
                "label".to_owned(),
                vec![label.to_owned()],
            )])),
            ..Default::default()
        };
        let containers = self
            .api
            .list_containers(Some(options))
            .await
            .map_err(|e| fail("listing containers", e))?;
        Ok(containers
            .into_iter()
            .map(|c| {
                let name = c
                    .names
                    .and_then(|n| n.into_iter().next())
                    .unwrap_or_default()
                    .trim_start_matches('/')
                    .to_owned();
                (name, c.labels.unwrap_or_default())
            })
            .collect())
    }

    /// Copies directory `path` out of `image` into `dest` (created), without running the image.
    pub(crate) async fn extract(&self, image: &str, path: &str, dest: &Path) -> Result<()> {
        let name = format!("asym-extract-{}", crate::ids::random_hex(8));
        let body = ContainerCreateBody {
            image: Some(image.to_owned()),
            labels: Some(HashMap::from([(MANAGED_LABEL.to_owned(), "1".to_owned())])),
            ..Default::default()
        };
        self.create(&name, body).await?;
        let options = DownloadFromContainerOptions {
            path: path.to_owned(),
        };
        let tar = self
            .api
            .download_from_container(&name, Some(options))
            .try_fold(Vec::new(), |mut acc, chunk| async move {
                acc.extend_from_slice(&chunk);
                Ok(acc)
            })
            .await;
        self.remove(&name).await?;
        let tar = tar.map_err(|e| fail(format!("reading {path} from {image}"), e))?;
        std::fs::create_dir_all(dest)
            .and_then(|()| tar::Archive::new(tar.as_slice()).unpack(dest))
            .map_err(|e| Error::internal(format!("unpacking {path} of {image}"), e))
    }
}

fn status(e: &bollard::errors::Error) -> Option<u16> {
    match e {
        bollard::errors::Error::DockerResponseServerError { status_code, .. } => Some(*status_code),
        _ => None,
    }
}

/// The `answer` to a call that moves a container to a state, with Docker's statuses in `fine`
/// (it is in that state already, or gone) taken as done; any other failure names `doing`.
fn settled(
    answer: std::result::Result<(), bollard::errors::Error>,
    fine: &[u16],
    doing: impl FnOnce() -> String,
) -> Result<()> {
    match answer {
        Ok(()) => Ok(()),
        Err(e) if status(&e).is_some_and(|s| fine.contains(&s)) => Ok(()),
        Err(e) => Err(fail(doing(), e)),
    }
}

fn is_not_found(e: &bollard::errors::Error) -> bool {
    status(e) == Some(404)
}

/// Restart with the Docker daemon unless `asym stop` stopped it: a Docker restart brings
/// clones and shared infra back by themselves.
pub(crate) fn unless_stopped() -> bollard::models::RestartPolicy {
    bollard::models::RestartPolicy {
        name: Some(bollard::models::RestartPolicyNameEnum::UNLESS_STOPPED),
        maximum_retry_count: None,
    }
}

/// Maps a bollard error: the daemon's own answers are internal errors with context; failures to
/// reach it (socket gone, Docker restarted mid-command) are `DOCKER_UNAVAILABLE`.
pub(crate) fn fail(context: impl Into<String>, e: bollard::errors::Error) -> Error {
    match e {
        bollard::errors::Error::DockerResponseServerError { .. } => Error::internal(context, e),
        e => Error::DockerUnavailable {
            host: docker_host(),
            source: e.into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(status_code: u16) -> std::result::Result<(), bollard::errors::Error> {
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code,
            message: "from Docker".into(),
        })
    }

    #[test]
    fn settled_takes_the_fine_statuses_as_done_and_names_the_rest() {
        assert!(settled(Ok(()), &[], || "starting".into()).is_ok());
        assert!(settled(answered(304), &[304], || "starting".into()).is_ok());
        assert!(settled(answered(409), &[404, 409], || "removing".into()).is_ok());
        let err = settled(answered(500), &[304], || "starting container c".into()).unwrap_err();
        assert!(
            err.to_string().contains("starting container c"),
            "the failure names what was done: {err}"
        );
    }
}
