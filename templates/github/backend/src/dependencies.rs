//! Issue dependencies (GitHub's issue dependencies API): the issues an issue is blocked by
//! (list, add, remove) and those it blocks. The links live in `issue_dependencies`
//! (`migrations/0029_issue_dependencies.sql`), which also renders an issue's
//! `issue_dependencies_summary`.

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::issues::{Issue, Numbered, refresh};
use crate::links::{RESOURCE, listing, required_id, target};
use crate::repos::Access;
use crate::req::{self, Body, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;

/// `GET /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by`: the issues
/// blocking it that the caller can see, in id order, paginated.
pub(crate) async fn blocked_by(scope: Scope<String>, query: Query) -> ApiResult {
    list(scope, query, "blocked_by").await
}

/// `GET /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocking`: the issues it
/// blocks that the caller can see, in id order, paginated.
pub(crate) async fn blocking(scope: Scope<String>, query: Query) -> ApiResult {
    list(scope, query, "blocking").await
}

async fn list(scope: Scope<String>, query: Query, which: &str) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let issue = Issue::find(&client, &repo, &scope.path).await?;
    let (from, filter) = if which == "blocking" {
        (
            "issue_dependencies d JOIN issues i ON i.id = d.issue_id",
            "d.blocker_id = $1 AND gh_permission(i.repo_id, $3) IS NOT NULL",
        )
    } else {
        (
            "issue_dependencies d JOIN issues i ON i.id = d.blocker_id",
            "d.issue_id = $1 AND gh_permission(i.repo_id, $3) IS NOT NULL",
        )
    };
    let tail = format!("issues/{}/dependencies/{which}", scope.path);
    req::list(
        &client,
        &scope.page(&repo, &tail, &query),
        &listing(from, filter, "i.id"),
        &[&issue.id, &scope.base(), &scope.viewer_id()],
    )
    .await
}

/// `POST /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by` (`issue_id`, the
/// blocking issue's id): 201 with the blocked issue. 422 for the issue itself, a pull request
/// and a dependency it already has.
pub(crate) async fn add(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let blocker_id = required_id(&body, "issue_id")?;
    let (client, repo) = scope.open().await?;
    let issue = Issue::find(&client, &repo, &scope.path).await?;
    repo.require(Access::Triage)?;
    let blocker = target(&client, &repo, blocker_id, &viewer, "Not Found").await?;
    let refuse = |message: &str| ApiError::custom(RESOURCE, "issue_id", message);
    if blocker.id == issue.id {
        return Err(refuse("An issue cannot be blocked by itself"));
    }
    if blocker.is_pull || issue.is_pull {
        return Err(refuse("Pull requests cannot have or be dependencies"));
    }
    const SQL: &str = "INSERT INTO issue_dependencies (issue_id, blocker_id) VALUES ($1, $2)
                       ON CONFLICT DO NOTHING";
    if db::execute(&client, SQL, &[&issue.id, &blocker.id]).await? == 0 {
        return Err(refuse("The issue is already blocked by this issue"));
    }
    Ok(req::created(
        refresh(&client, scope.base(), issue.id).await?,
    ))
}

/// `DELETE /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by/{issue_id}`:
/// 200 with the blocked issue; 404 when it is not blocked by that issue.
pub(crate) async fn remove(scope: Scope<(String, String)>, _signed_in: Viewer) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let (number, blocker) = &scope.path;
    let issue = Issue::find(&client, &repo, number).await?;
    repo.require(Access::Triage)?;
    let blocker: i64 = db::id(blocker)?;
    const SQL: &str = "DELETE FROM issue_dependencies WHERE issue_id = $1 AND blocker_id = $2";
    if db::execute(&client, SQL, &[&issue.id, &blocker]).await? == 0 {
        return Err(ApiError::not_found());
    }
    Ok(req::ok(refresh(&client, scope.base(), issue.id).await?))
}
