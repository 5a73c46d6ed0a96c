//! `POST /repos/{owner}/{repo}/hooks/{id}/tests` (the hook's `test_url`; Octokit's
//! `repos.testPushWebhook`, PyGithub's `Hook.test`): GitHub triggers the hook with the latest
//! push to the repository when it is subscribed to `push`, and answers 204 either way.

use crate::error::ApiResult;
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{commits, hooks, objects, req};

/// `POST /repos/{owner}/{repo}/hooks/{id}/tests`: 204; a hook subscribed to `push` (active)
/// gets a `push` of the default branch's head commit, by the caller. 404 for an unknown hook
/// or a caller who does not administer the repository.
pub(crate) async fn test(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    let (mut client, repo) = hooks::admin_repo(&scope, &viewer).await?;
    let hook = hooks::hook_id(&client, &repo, &scope.path).await?;
    let name = format!("refs/heads/{}", repo.default_branch);
    let Some(head) = objects::ref_sha(&client, repo.id, &name).await? else {
        return Ok(req::no_content());
    };
    let parent = objects::commit(&client, repo.id, &head)
        .await?
        .and_then(|commit| commit.parents.first().cloned());
    let base = scope.base();
    let tx = client.transaction().await?;
    let moved = (name.as_str(), parent.as_deref(), head.as_str());
    let payload = commits::push_payload(&tx, base, &repo, moved, viewer.user_id).await?;
    let woke = hooks::emit_to(&tx, base, (repo.id, hook), "push", viewer.user_id, payload).await?;
    scope.commit(tx, woke).await?;
    Ok(req::no_content())
}
