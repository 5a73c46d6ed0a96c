//! Merges: `POST /repos/{owner}/{repo}/merges` (a branch or commit into a branch with a merge
//! commit, as GitHub's merges API does: PyGithub's `Repository.merge`, Octokit's
//! `repos.merge`) and `PUT /repos/{owner}/{repo}/pulls/{number}/merge` (merge, squash,
//! rebase: real commits on the base branch; 405 when not mergeable, 409 on a stale `sha`);
//! `PUT …/pulls/{number}/update-branch` (the base merged into the head). Either way a pull request whose head reaches its base is marked merged
//! ([`pulls::ref_moved`]).

use asym_kit::deadpool_postgres::GenericClient;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::git::Commit;
use crate::issues::Numbered;
use crate::pulls::{self, Pull};
use crate::repos::{self, Access};
use crate::req::{self, Body};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{branches, commits, objects, rulesets};

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
    let base_sha = objects::lock_ref(&tx, repo.id, &name)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "Base does not exist"))?;
    let head_sha = objects::resolve(&tx, repo.id, &head)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "Head does not exist"))?;
    if objects::is_ancestor(&tx, repo.id, &head_sha, &base_sha).await? {
        return Ok(req::no_content());
    }
    let push = branches::Push::Update {
        forced: false,
        merges: true,
    };
    let refused = StatusCode::CONFLICT;
    branches::check_push(&tx, &repo, viewer.user_id, &base_branch, push, refused).await?;
    let message = message.unwrap_or_else(|| format!("Merge {head} into {base_branch}"));
    let sides = (base_sha.as_str(), head_sha.as_str());
    let sha = merge_commit(&tx, repo.id, viewer.user_id, sides, message)
        .await?
        .ok_or_else(|| ApiError::conflict("Merge conflict"))?;
    objects::set_ref(&tx, repo.id, &name, &sha).await?;
    let moved = (Some(base_sha.as_str()), sha.as_str());
    let woke = pulls::ref_moved(&tx, scope.base(), &repo, &name, moved, viewer.user_id).await?;
    let rendered = commits::render(&tx, scope.base(), &repo, &sha).await?;
    scope.commit(tx, woke).await?;
    Ok(req::created(rendered.to_string()))
}

fn not_mergeable() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "Pull Request is not mergeable",
    )
}

/// `PUT /repos/{owner}/{repo}/pulls/{number}/merge` (`merge_method`, `sha`,
/// `commit_title`, `commit_message`).
pub(crate) async fn merge_pull(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let number = &scope.path;
    let method = body
        .one_of(
            "merge_method",
            &["merge", "squash", "rebase"],
            "PullRequest",
        )?
        .unwrap_or_else(|| "merge".into());
    let expected = body.str("sha")?.map(str::to_owned);
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let allowed: (bool, bool, bool) = {
        let row = client.query_one("SELECT allow_merge_commit, allow_squash_merge, allow_rebase_merge FROM repos WHERE id = $1", &[&repo.id]).await?;
        (row.get(0), row.get(1), row.get(2))
    };
    let permitted = match method.as_str() {
        "merge" => allowed.0,
        "squash" => allowed.1,
        _ => allowed.2,
    };
    if !permitted {
        let what = match method.as_str() {
            "merge" => "Merge commits",
            "squash" => "Squash merges",
            _ => "Rebase merges",
        };
        return Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{what} are not allowed on this repository."),
        ));
    }
    let base = scope.base();
    let tx = client.transaction().await?;
    let pull = Pull::find(&tx, &repo, number).await?;
    // Lock the base branch so two merges cannot both move it, then read the pull again.
    objects::lock_ref(&tx, repo.id, &format!("refs/heads/{}", pull.base_ref)).await?;
    let pull = Pull::find(&tx, &repo, number).await?;
    if pull.merged || pull.issue.state != "open" || pull.draft {
        return Err(not_mergeable());
    }
    if let Some(sha) = &expected
        && *sha != pull.head_sha
    {
        return Err(ApiError::conflict(
            "Head branch was modified. Review and try the merge again.",
        ));
    }
    let merge = rulesets::Merge {
        user: viewer.user_id,
        branch: &pull.base_ref,
        head: (pull.issue.id, &pull.head_sha),
        merge_commit: method == "merge",
    };
    branches::check_merge(&tx, &repo, &merge).await?;
    let Some(tree) = pulls::merged_tree(&tx, &repo, &pull).await? else {
        return Err(not_mergeable());
    };
    let me = repos::signature(&tx, viewer.user_id).await?;
    let title = body.str("commit_title")?.map(str::to_owned);
    let message = body.str("commit_message")?.map(str::to_owned);
    let pr_title: String = tx
        .query_one("SELECT title FROM issues WHERE id = $1", &[&pull.issue.id])
        .await?
        .get(0);
    let sha = match method.as_str() {
        "rebase" => {
            let mut current = pull.base_sha.clone();
            for (_, commit) in pulls::commits_of(&tx, &repo, &pull).await? {
                let parent_tree = match commit.parents.first() {
                    Some(p) => objects::commit(&tx, repo.id, p)
                        .await?
                        .map(|c| c.tree)
                        .unwrap_or_default(),
                    None => String::new(),
                };
                let diff = objects::diff(&tx, repo.id, &parent_tree, &commit.tree).await?;
                let onto = objects::commit(&tx, repo.id, &current)
                    .await?
                    .ok_or_else(not_mergeable)?
                    .tree;
                let tree = objects::apply(&tx, repo.id, &onto, &diff)
                    .await?
                    .ok_or_else(not_mergeable)?;
                let replay = Commit {
                    tree,
                    parents: vec![current.clone()],
                    author: commit.author.clone(),
                    committer: me.clone(),
                    message: commit.message.clone(),
                };
                current = objects::put_commit(&tx, repo.id, &replay).await?;
            }
            current
        }
        kind => {
            let (parents, default_title) = if kind == "squash" {
                (
                    vec![pull.base_sha.clone()],
                    format!("{pr_title} (#{})", pull.number),
                )
            } else {
                (
                    vec![pull.base_sha.clone(), pull.head_sha.clone()],
                    format!(
                        "Merge pull request #{} from {}/{}",
                        pull.number, pull.head_owner, pull.head_ref
                    ),
                )
            };
            let mut text = title.unwrap_or(default_title);
            let detail = message.unwrap_or_else(|| {
                if kind == "squash" {
                    String::new()
                } else {
                    pr_title.clone()
                }
            });
            if !detail.is_empty() {
                text = format!("{text}\n\n{detail}");
            }
            let commit = Commit {
                tree,
                parents,
                author: me.clone(),
                committer: me.clone(),
                message: text,
            };
            objects::put_commit(&tx, repo.id, &commit).await?
        }
    };
    let base_ref = format!("refs/heads/{}", pull.base_ref);
    objects::set_ref(&tx, repo.id, &base_ref, &sha).await?;
    pulls::close_merged(&tx, &pull, &sha, viewer.user_id).await?;
    let moved = (Some(pull.base_sha.as_str()), sha.as_str());
    let pushed = pulls::ref_moved(&tx, base, &repo, &base_ref, moved, viewer.user_id).await?;
    let merged = Pull::find(&tx, &repo, number).await?;
    let announced = pulls::announce(&tx, base, &repo, &merged, "closed", viewer.user_id).await?;
    scope.commit(tx, pushed || announced).await?;
    Ok(axum::Json(
        json!({ "sha": sha, "merged": true, "message": "Pull Request successfully merged" }),
    )
    .into_response())
}

/// GitHub's 422 with `message` for an update of a pull request's branch it will not make.
fn no_update(message: &'static str) -> ApiError {
    ApiError::invalid(message)
}

/// `PUT /repos/{owner}/{repo}/pulls/{number}/update-branch` (`expected_head_sha`): merges
/// the base branch into the head branch with a merge commit `Merge branch '{base}' into
/// {head}` by the caller, as GitHub's "Update branch" does (in the head's repository, a fork's
/// too), and answers 202 `{message: "Updating pull request branch.", url}`; the push follows
/// (`synchronize`, `push`). 422 as GitHub words it: `expected head sha didn't match current
/// head ref.`, `There are no new commits on the base branch.`, `merge conflict between base
/// and head`; a closed pull request 422 `Pull request is closed.` (wording not confirmed).
/// The caller must be able to push to the head branch (protection applies: 422).
pub(crate) async fn update_branch(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    const HEAD_REPO: &str = "SELECT r.id, r.full_name, r.default_branch, r.archived,
                                    coalesce(gh_permission(r.id, $2), 'none')
                             FROM issues i JOIN pulls p ON p.issue_id = i.id
                             JOIN repos r ON r.id = gh_pull_head_repo(p, i.repo_id)
                             WHERE i.id = $1";
    let expected = body.str("expected_head_sha")?.map(str::to_owned);
    let (mut client, repo) = scope.open().await?;
    let tx = client.transaction().await?;
    let pull = Pull::find(&tx, &repo, &scope.path).await?;
    let row = tx
        .query_opt(HEAD_REPO, &[&pull.issue.id, &viewer.user_id])
        .await?
        .ok_or_else(|| ApiError::invalid("head repository does not exist"))?;
    let head_repo = repos::Repo {
        id: row.get(0),
        full_name: row.get(1),
        default_branch: row.get(2),
        archived: row.get(3),
        permission: row.get(4),
    };
    let maintainer =
        pulls::maintainer_may_push(&tx, head_repo.id, &pull.head_ref, viewer.user_id).await?;
    if !maintainer {
        head_repo.require(Access::Write)?;
    }
    if pull.issue.state != "open" {
        return Err(no_update("Pull request is closed."));
    }
    let name = format!("refs/heads/{}", pull.head_ref);
    let head_sha = objects::lock_ref(&tx, head_repo.id, &name)
        .await?
        .ok_or_else(|| no_update("head branch does not exist"))?;
    if expected.is_some_and(|sha| sha != head_sha) {
        return Err(no_update(
            "expected head sha didn't match current head ref.",
        ));
    }
    if objects::is_ancestor(&tx, repo.id, &pull.base_sha, &head_sha).await? {
        return Err(no_update("There are no new commits on the base branch."));
    }
    if head_repo.id != repo.id {
        objects::share(&tx, repo.id, head_repo.id).await?;
    }
    let push = branches::Push::Update {
        forced: false,
        merges: true,
    };
    let refused = StatusCode::UNPROCESSABLE_ENTITY;
    branches::check_push(
        &tx,
        &head_repo,
        viewer.user_id,
        &pull.head_ref,
        push,
        refused,
    )
    .await?;
    let message = format!("Merge branch '{}' into {}", pull.base_ref, pull.head_ref);
    let sides = (head_sha.as_str(), pull.base_sha.as_str());
    let sha = merge_commit(&tx, head_repo.id, viewer.user_id, sides, message)
        .await?
        .ok_or_else(|| no_update("merge conflict between base and head"))?;
    objects::set_ref(&tx, head_repo.id, &name, &sha).await?;
    let moved = (Some(head_sha.as_str()), sha.as_str());
    let base = scope.base();
    let woke = pulls::ref_moved(&tx, base, &head_repo, &name, moved, viewer.user_id).await?;
    scope.commit(tx, woke).await?;
    let url = format!("{base}/{}/pull/{}", repo.full_name, pull.number);
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(json!({ "message": "Updating pull request branch.", "url": url })),
    )
        .into_response())
}

/// `POST /repos/{owner}/{repo}/merge-upstream` (`branch`; PyGithub's
/// `Repository.merge_upstream`, Octokit's `repos.mergeUpstream`): brings a fork's branch up
/// to the branch of that name in its parent, as GitHub's "Sync fork" does: `merge_type`
/// `none` (`This branch is not behind the upstream {owner}:{branch}.`), `fast-forward`
/// (`Successfully fetched and fast-forwarded from upstream {owner}:{branch}.`, GitHub's
/// documented example) or `merge` (a merge commit `Merge branch '{owner}:{branch}' into
/// {branch}` by the caller; `Successfully fetched and merged from upstream …`), with
/// `base_branch` `{owner}:{branch}`. 409 `There are merge conflicts` when a file changed on
/// both sides; 422 for a repository that is not a fork, a branch either side lacks, or a
/// protected branch that refuses the push (these wordings were not confirmed).
pub(crate) async fn merge_upstream(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    const PARENT: &str = "SELECT p.id, (SELECT login FROM users WHERE id = p.owner_id)
                          FROM repos r JOIN repos p ON p.id = r.parent_id WHERE r.id = $1";
    let branch = body.required("branch", "Repository")?.to_owned();
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let tx = client.transaction().await?;
    let parent = tx
        .query_opt(PARENT, &[&repo.id])
        .await?
        .ok_or_else(|| ApiError::invalid("This repository is not a fork."))?;
    let (parent_id, upstream) = (parent.get::<_, i64>(0), parent.get::<_, String>(1));
    let upstream = format!("{upstream}:{branch}");
    let name = format!("refs/heads/{branch}");
    let theirs = objects::ref_sha(&tx, parent_id, &name)
        .await?
        .ok_or_else(|| {
            ApiError::invalid(format!("The upstream branch {upstream} does not exist."))
        })?;
    let ours = objects::lock_ref(&tx, repo.id, &name)
        .await?
        .ok_or_else(|| ApiError::invalid(format!("The branch {branch} does not exist.")))?;
    objects::share(&tx, parent_id, repo.id).await?;
    let synced = |kind: &str, message: String| {
        axum::Json(json!({ "message": message, "merge_type": kind, "base_branch": upstream }))
            .into_response()
    };
    if objects::is_ancestor(&tx, repo.id, &theirs, &ours).await? {
        tx.commit().await?;
        let message = format!("This branch is not behind the upstream {upstream}.");
        return Ok(synced("none", message));
    }
    let fast_forward = objects::is_ancestor(&tx, repo.id, &ours, &theirs).await?;
    let push = branches::Push::Update {
        forced: false,
        merges: !fast_forward,
    };
    let refused = StatusCode::UNPROCESSABLE_ENTITY;
    branches::check_push(&tx, &repo, viewer.user_id, &branch, push, refused).await?;
    let (kind, sha) = if fast_forward {
        ("fast-forward", theirs)
    } else {
        let message = format!("Merge branch '{upstream}' into {branch}");
        let sha = merge_commit(&tx, repo.id, viewer.user_id, (&ours, &theirs), message)
            .await?
            .ok_or_else(|| ApiError::conflict("There are merge conflicts"))?;
        ("merge", sha)
    };
    objects::set_ref(&tx, repo.id, &name, &sha).await?;
    let moved = (Some(ours.as_str()), sha.as_str());
    let woke = pulls::ref_moved(&tx, scope.base(), &repo, &name, moved, viewer.user_id).await?;
    scope.commit(tx, woke).await?;
    let done = if kind == "merge" {
        "merged"
    } else {
        "fast-forwarded"
    };
    Ok(synced(
        kind,
        format!("Successfully fetched and {done} from upstream {upstream}."),
    ))
}

/// A merge commit of `theirs` into `ours` (its first parent) in `repo`, by `user` with
/// `message`: its id, or `None` when a file changed differently on both sides.
async fn merge_commit(
    client: &impl GenericClient,
    repo: i64,
    user: i64,
    (ours, theirs): (&str, &str),
    message: String,
) -> ApiResult<Option<String>> {
    let Some(tree) = objects::merge_trees(client, repo, ours, theirs).await? else {
        return Ok(None);
    };
    let me = repos::signature(client, user).await?;
    let commit = Commit {
        tree,
        parents: vec![ours.to_owned(), theirs.to_owned()],
        author: me.clone(),
        committer: me,
        message,
    };
    Ok(Some(objects::put_commit(client, repo, &commit).await?))
}
