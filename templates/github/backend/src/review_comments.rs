//! Pull-request review comments: a pull request's (list, create, reply) and a repository's
//! (list with `since`, `sort`, `direction`), and one comment by id (get, update, delete).

use asym_kit::deadpool_postgres::GenericClient;

use crate::comments;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::issues::Numbered;
use crate::pulls::Pull;
use crate::repos::Repo;
use crate::req::{self, Body, Listing, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;

/// The resource GitHub's validation errors name.
const RESOURCE: &str = "PullRequestReviewComment";

/// `GET /repos/{owner}/{repo}/pulls/{number}/comments` (`since`, `sort`, `direction`).
pub(crate) async fn list(scope: Scope<String>, query: Query) -> ApiResult {
    let number = &scope.path;
    let (client, repo) = scope.open().await?;
    let pull = Pull::find(&client, &repo, number).await?;
    let tail = format!("pulls/{number}/comments");
    list_where(
        &scope,
        &client,
        &repo,
        "c.issue_id = $1",
        pull.issue.id,
        &query,
        &tail,
    )
    .await
}

/// `GET /repos/{owner}/{repo}/pulls/comments` (`since`, `sort`, `direction`).
pub(crate) async fn list_repo(scope: Scope, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    const IN_REPO: &str =
        "EXISTS (SELECT 1 FROM issues i WHERE i.id = c.issue_id AND i.repo_id = $1)";
    list_where(
        &scope,
        &client,
        &repo,
        IN_REPO,
        repo.id,
        &query,
        "pulls/comments",
    )
    .await
}

async fn list_where<P>(
    scope: &Scope<P>,
    client: &impl GenericClient,
    repo: &Repo,
    filter: &str,
    subject: i64,
    query: &Query,
    tail: &str,
) -> ApiResult {
    let (since, order) = comments::ordering(query, RESOURCE)?;
    req::list(
        client,
        &scope.page(repo, tail, query),
        &Listing {
            from: "review_comments c",
            alias: "c",
            filter: &format!(
                "{filter} AND ($2::float8 IS NULL OR c.updated_at >= to_timestamp($2))"
            ),
            item: "gh_review_comment(c, $3)",
            order: &order,
        },
        &[&subject, &since, &scope.base()],
    )
    .await
}

/// Review comment `id` in the repository `repo`: (id, author).
async fn find(client: &impl GenericClient, repo: i64, id: &str) -> ApiResult<(i64, i64)> {
    const SQL: &str =
        "SELECT c.id, c.user_id FROM review_comments c JOIN issues i ON i.id = c.issue_id
                       WHERE c.id = $1 AND i.repo_id = $2";
    let row = db::keyed::<i64>(client, SQL, id, repo).await?;
    Ok((row.get(0), row.get(1)))
}

async fn render(client: &impl GenericClient, base: &str, id: i64) -> ApiResult<String> {
    const SQL: &str =
        "SELECT gh_review_comment(c, $2)::text FROM review_comments c WHERE c.id = $1";
    Ok(db::value(client, SQL, &[&id, &base]).await?)
}

/// `GET /repos/{owner}/{repo}/pulls/comments/{id}`.
pub(crate) async fn get(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let (id, _) = find(&client, repo.id, &scope.path).await?;
    Ok(req::ok(render(&client, scope.base(), id).await?))
}

/// `PATCH /repos/{owner}/{repo}/pulls/comments/{id}` (`body`): its author, or triage access.
pub(crate) async fn update(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let text = body.required("body", RESOURCE)?.to_owned();
    let (client, repo) = scope.open().await?;
    let (id, author) = find(&client, repo.id, &scope.path).await?;
    comments::may_change(&repo, author, &viewer, "edit")?;
    const SQL: &str = "UPDATE review_comments SET body = $2, updated_at = now() WHERE id = $1";
    db::execute(&client, SQL, &[&id, &text]).await?;
    Ok(req::ok(render(&client, scope.base(), id).await?))
}

/// `DELETE /repos/{owner}/{repo}/pulls/comments/{id}`: 204; its author, or triage access.
pub(crate) async fn delete(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let (id, author) = find(&client, repo.id, &scope.path).await?;
    comments::may_change(&repo, author, &viewer, "delete")?;
    const SQL: &str = "DELETE FROM review_comments WHERE id = $1";
    db::execute(&client, SQL, &[&id]).await?;
    Ok(req::no_content())
}

/// `POST /repos/{owner}/{repo}/pulls/{number}/comments` (`body`, `path`, `line`,
/// `commit_id`, `side`, or `in_reply_to`).
pub(crate) async fn create(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let reply = body.int("in_reply_to")?;
    add(&scope, &scope.path, &viewer, &body, reply).await
}

/// `POST /repos/{owner}/{repo}/pulls/{number}/comments/{id}/replies` (`body`): a reply on
/// the comment's line (404 when the comment is not on this pull request).
pub(crate) async fn reply(scope: Scope<(String, String)>, viewer: Viewer, body: Body) -> ApiResult {
    let (number, id) = &scope.path;
    let parent = id.parse().map_err(|_| ApiError::not_found())?;
    add(&scope, number, &viewer, &body, Some(parent)).await
}

/// Adds a review comment on pull request `number`: on the line of comment `reply`, or
/// where the body says.
async fn add<P>(
    scope: &Scope<P>,
    number: &str,
    viewer: &Viewer,
    body: &Body,
    reply: Option<i64>,
) -> ApiResult {
    const SQL: &str = "WITH c AS (INSERT INTO review_comments (issue_id, user_id, body, path, line, side, commit_id, in_reply_to_id)
                                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *)
                       SELECT gh_review_comment(c, $9)::text FROM c";
    let text = body.required("body", RESOURCE)?.to_owned();
    let (client, repo) = scope.open().await?;
    let pull = Pull::find(&client, &repo, number).await?;
    let (path, line, side, commit) = match reply {
        Some(parent) => {
            let row = client
                .query_opt("SELECT path, line, side, commit_id FROM review_comments WHERE id = $1 AND issue_id = $2", &[&parent, &pull.issue.id])
                .await?
                .ok_or_else(ApiError::not_found)?;
            (
                row.get::<_, String>(0),
                row.get::<_, Option<i32>>(1),
                row.get::<_, String>(2),
                row.get::<_, String>(3),
            )
        }
        None => {
            let path = body.required("path", RESOURCE)?.to_owned();
            let line = body
                .int("line")?
                .or(body.int("position")?)
                .and_then(|l| i32::try_from(l).ok());
            let side = body
                .one_of("side", &["LEFT", "RIGHT"], RESOURCE)?
                .unwrap_or_else(|| "RIGHT".into());
            let commit = body.str("commit_id")?.unwrap_or(&pull.head_sha).to_owned();
            (path, line, side, commit)
        }
    };
    let comment = db::value(
        &client,
        SQL,
        &[
            &pull.issue.id,
            &viewer.user_id,
            &text,
            &path,
            &line,
            &side,
            &commit,
            &reply,
            &scope.base(),
        ],
    )
    .await?;
    Ok(req::created(comment))
}
