//! `POST /repos/{owner}/{repo}/branches/{branch}/rename` (`new_name`), as GitHub renames a
//! branch: the ref moves, and with it the repository's `default_branch`, the base of its open
//! pull requests, its draft releases' `target_commitish` and the branch's protection; open pull
//! requests whose head it is are closed. The route's answer (the branch under its new name) is
//! rendered by `branches`, to which every other `POST …/branches/…` goes on.

use axum::http::StatusCode;
use axum::response::IntoResponse;

use crate::error::{ApiError, ApiResult};
use crate::objects;
use crate::pulls;
use crate::repos::Access;
use crate::req::{Body, Raw};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{branches, db, git};

/// `POST …/branches/{branch}/rename`: 201 with the branch under its new name ([`rename`]);
/// any other `POST …/branches/…` (a protection part) is [`branches::post`]'s.
pub(crate) async fn post(scope: Scope<String>, signed_in: Viewer, raw: Raw) -> ApiResult {
    let rename_of = match branches::split(&scope.path) {
        (rest, None) => rest.strip_suffix("/rename"),
        (_, Some(_)) => None,
    };
    let Some(branch) = rename_of else {
        return branches::post(scope, raw).await;
    };
    let branch = branch.to_owned();
    let body = Body::parse(&raw.0)?;
    let renamed = rename(&scope, &signed_in, &branch, &body).await?;
    let answer = branches::branch(&scope, &renamed).await?;
    Ok((StatusCode::CREATED, answer).into_response())
}

/// Renames branch `branch` to the body's `new_name` and answers the new name. Write access
/// renames a branch; the default branch or a protected one needs an administrator (403
/// otherwise, as GitHub's docs say). 404 `Branch not found` for a branch of no such name; 422
/// for a missing `new_name`, one git refuses as a branch name, or one a branch already has.
///
/// # Errors
///
/// Those refusals, and the database's.
pub(crate) async fn rename(
    scope: &Scope<String>,
    viewer: &Viewer,
    branch: &str,
    body: &Body,
) -> ApiResult<String> {
    const PROTECTED: &str =
        "SELECT EXISTS (SELECT 1 FROM branch_protections WHERE repo_id = $1 AND branch = $2)";
    const MOVE: &str = "UPDATE git_refs SET ref = $3 WHERE repo_id = $1 AND ref = $2";
    const DEFAULT: &str =
        "UPDATE repos SET default_branch = $3 WHERE id = $1 AND default_branch = $2";
    const RETARGET: &str = "UPDATE pulls p SET base_ref = $3 FROM issues i
                            WHERE i.id = p.issue_id AND i.repo_id = $1 AND i.state = 'open'
                              AND p.base_ref = $2";
    const RELEASES: &str = "UPDATE releases SET target_commitish = $3
                            WHERE repo_id = $1 AND draft AND target_commitish = $2";
    const PROTECTION: &str = "WITH gone AS (DELETE FROM branch_protections WHERE repo_id = $1
                                            AND branch = $3 AND EXISTS (SELECT 1 FROM branch_protections
                                                WHERE repo_id = $1 AND branch = $2))
                              UPDATE branch_protections SET branch = $3 WHERE repo_id = $1 AND branch = $2";
    let new_name = body.required("new_name", "Branch")?.to_owned();
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let (old_ref, new_ref) = (
        format!("refs/heads/{branch}"),
        format!("refs/heads/{new_name}"),
    );
    if objects::ref_sha(&client, repo.id, &old_ref)
        .await?
        .is_none()
    {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "Branch not found"));
    }
    let protected: bool = db::value(&client, PROTECTED, &[&repo.id, &branch]).await?;
    if protected || branch == repo.default_branch {
        repo.require(Access::Admin)?;
    }
    if !git::valid_ref(&new_ref) {
        return Err(ApiError::invalid_value("Branch", "new_name", new_name));
    }
    let base = scope.base();
    let tx = client.transaction().await?;
    objects::lock_ref(&tx, repo.id, &old_ref).await?;
    if objects::ref_sha(&tx, repo.id, &new_ref).await?.is_some() {
        return Err(ApiError::custom(
            "Branch",
            "new_name",
            &format!("A branch named '{new_name}' already exists."),
        ));
    }
    // Closed while the head still has its name, so each keeps the head commit it had.
    let woke = pulls::close_headed(&tx, base, repo.id, &old_ref, viewer.user_id).await?;
    db::execute(&tx, MOVE, &[&repo.id, &old_ref, &new_ref]).await?;
    for sql in [DEFAULT, RETARGET, RELEASES, PROTECTION] {
        db::execute(&tx, sql, &[&repo.id, &branch, &new_name]).await?;
    }
    scope.commit(tx, woke).await?;
    Ok(new_name)
}
