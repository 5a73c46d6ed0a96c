//! `POST /repos/{owner}/{repo}/merges`: merging a branch or commit into a branch with a merge
//! commit, as GitHub's merges API does (PyGithub's `Repository.merge`, Octokit's
//! `repos.merge`).

use axum::http::StatusCode;

use crate::error::{ApiError, ApiResult};
use crate::git::Commit;
use crate::repos::{self, Access};
use crate::req::{self, Body};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{branches, commits, objects, pulls};

/// Merges `head` (a branch, tag or commit id) into the branch `base`: 201 with the merge
/// commit; 204 when `base` already contains `head`; 409 `Merge conflict` when a file changed
/// differently on both sides; 404 `Base does not exist` / `Head does not exist`. A protected
/// `base` refuses the push as the contents API does (409).
pub(crate) async fn merge(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let base_branch = body.required("base", "Merge")?.to_owned();
    let head = body.required("head", "Merge")?.to_owned();
    let message = body.str("commit_message")?.map(str::to_owned);
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let tx = client.transaction().await?;
    let name = format!("refs/heads/{base_branch}");
    let base_sha: String = tx
        .query_opt(
            "SELECT sha FROM git_refs WHERE repo_id = $1 AND ref = $2 FOR UPDATE",
            &[&repo.id, &name],
        )
        .await?
        .map(|row| row.get(0))
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "Base does not exist"))?;
    let head_sha = objects::resolve(&tx, repo.id, &head)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "Head does not exist"))?;
    if objects::is_ancestor(&tx, repo.id, &head_sha, &base_sha).await? {
        return Ok(req::no_content());
    }
    let push = branches::Push::Update { forced: false };
    let refused = StatusCode::CONFLICT;
    branches::check_push(&tx, &repo, viewer.user_id, &base_branch, push, refused).await?;
    let tree = objects::merge_trees(&tx, repo.id, &base_sha, &head_sha)
        .await?
        .ok_or_else(|| ApiError::conflict("Merge conflict"))?;
    let me = repos::signature(&tx, viewer.user_id).await?;
    let commit = Commit {
        tree,
        parents: vec![base_sha.clone(), head_sha],
        author: me.clone(),
        committer: me,
        message: message.unwrap_or_else(|| format!("Merge {head} into {base_branch}")),
    };
    let sha = objects::put_commit(&tx, repo.id, &commit).await?;
    objects::set_ref(&tx, repo.id, &name, &sha).await?;
    let moved = (Some(base_sha.as_str()), sha.as_str());
    let woke = pulls::ref_moved(&tx, scope.base(), &repo, &name, moved, viewer.user_id).await?;
    let rendered = commits::render(&tx, scope.base(), &repo, &sha).await?;
    scope.commit(tx, woke).await?;
    Ok(req::created(rendered.to_string()))
}
