//! `POST /repos/{owner}/{repo}/dispatches` (Octokit's `repos.createDispatchEvent`, PyGithub's
//! `Repository.create_repository_dispatch`): a `repository_dispatch` event to the
//! repository's hooks.

use serde_json::{Value, json};

use crate::error::ApiResult;
use crate::hooks;
use crate::repos::Access;
use crate::req::{self, Body};
use crate::scope::Scope;
use crate::viewer::Viewer;

/// 204, and the hooks that hear `repository_dispatch` get `action` (the `event_type`),
/// `branch` (the default branch) and `client_payload` (`{}` when none), as GitHub sends it.
/// `event_type` is required; the caller must be able to push.
pub(crate) async fn create(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let event_type = body
        .required("event_type", "RepositoryDispatch")?
        .to_owned();
    let client_payload = body.object("client_payload")?.cloned().unwrap_or_default();
    let (client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let mut payload = hooks::payload(&event_type, []);
    payload.insert("branch".into(), json!(repo.default_branch));
    payload.insert("client_payload".into(), Value::Object(client_payload));
    let event = "repository_dispatch";
    let woke = hooks::emit(
        &client,
        scope.base(),
        repo.id,
        event,
        viewer.user_id,
        payload,
    )
    .await?;
    if woke {
        scope.kit.wake_outbox();
    }
    Ok(req::no_content())
}
