//! Commit comments: a commit's (list, create), the repository's (list), one by id (get,
//! update, delete); a new one is announced as `commit_comment` (`created`).

use asym_kit::deadpool_postgres::{GenericClient, Object};
use asym_kit::tokio_postgres::types::ToSql;

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::repos::Repo;
use crate::req::{self, Body, Listing, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{comments, commits, hooks};

/// The resource GitHub's validation errors name.
const RESOURCE: &str = "CommitComment";

async fn render(client: &impl GenericClient, base: &str, id: i64) -> ApiResult<String> {
    const SQL: &str =
        "SELECT gh_commit_comment(c, $2)::text FROM commit_comments c WHERE c.id = $1";
    Ok(db::value(client, SQL, &[&id, &base]).await?)
}

/// The comments of `repo`, or of its commit `sha` only, oldest first, as the list `tail`.
async fn list_of<P>(
    scope: &Scope<P>,
    client: &Object,
    repo: &Repo,
    sha: Option<String>,
    (query, tail): (&Query, &str),
) -> ApiResult {
    req::list(
        client,
        &scope.page(repo, tail, query),
        &Listing {
            from: "commit_comments c",
            alias: "c",
            filter: "c.repo_id = $1 AND ($2::text IS NULL OR c.commit_id = $2)",
            item: "gh_commit_comment(c, $3)",
            order: "c.id",
        },
        &[&repo.id, &sha, &scope.base()],
    )
    .await
}

/// `GET /repos/{owner}/{repo}/commits/{sha}/comments`.
pub(crate) async fn list(scope: Scope<String>, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let sha = commits::commit_of(&client, &repo, &scope.path).await?;
    let tail = format!("commits/{}/comments", scope.path);
    list_of(&scope, &client, &repo, Some(sha), (&query, &tail)).await
}

/// `GET /repos/{owner}/{repo}/comments`.
pub(crate) async fn list_repo(scope: Scope, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    list_of(&scope, &client, &repo, None, (&query, "comments")).await
}

/// `POST /repos/{owner}/{repo}/commits/{sha}/comments` (`body`, `path`, `position`, `line`):
/// 201, announced as `commit_comment` `created`.
pub(crate) async fn create(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    const SQL: &str =
        "INSERT INTO commit_comments (repo_id, commit_id, user_id, body, path, position, line)
                       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    let text = body.required("body", RESOURCE)?.to_owned();
    let path = body.str("path")?.map(str::to_owned);
    let position = small(&body, "position")?;
    let line = small(&body, "line")?;
    let (mut client, repo) = scope.open().await?;
    if repo.archived {
        return Err(ApiError::forbidden(
            "Repository was archived so is read-only.",
        ));
    }
    let sha = commits::commit_of(&client, &repo, &scope.path).await?;
    let base = scope.base();
    let tx = client.transaction().await?;
    let params: [&(dyn ToSql + Sync); 7] = [
        &repo.id,
        &sha,
        &viewer.user_id,
        &text,
        &path,
        &position,
        &line,
    ];
    let id: i64 = tx.query_one(SQL, &params).await?.get(0);
    let comment = render(&tx, base, id).await?;
    let payload = hooks::payload("created", [("comment", &comment)]);
    let woke = hooks::emit(
        &tx,
        base,
        repo.id,
        "commit_comment",
        viewer.user_id,
        payload,
    )
    .await?;
    scope.commit(tx, woke).await?;
    Ok(req::created(comment))
}

/// An optional line number in the body (`position`, `line`): 422 `invalid` past `i32`.
fn small(body: &Body, key: &str) -> ApiResult<Option<i32>> {
    body.int(key)?
        .map(|n| i32::try_from(n).map_err(|_| ApiError::validation(RESOURCE, key, "invalid")))
        .transpose()
}

/// Comment `id` of the repository: (id, author), 404 when it is not there.
async fn find(client: &impl GenericClient, repo: &Repo, id: &str) -> ApiResult<(i64, i64)> {
    const SQL: &str = "SELECT id, user_id FROM commit_comments WHERE id = $1 AND repo_id = $2";
    let row = db::keyed::<i64>(client, SQL, id, repo.id).await?;
    Ok((row.get(0), row.get(1)))
}

/// `GET /repos/{owner}/{repo}/comments/{id}`.
pub(crate) async fn get(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let (id, _) = find(&client, &repo, &scope.path).await?;
    Ok(req::ok(render(&client, scope.base(), id).await?))
}

/// `PATCH /repos/{owner}/{repo}/comments/{id}` (`body`): its author, or triage access.
pub(crate) async fn update(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    const SQL: &str = "UPDATE commit_comments SET body = $2, updated_at = now() WHERE id = $1";
    let text = body.required("body", RESOURCE)?.to_owned();
    let (client, repo) = scope.open().await?;
    let (id, author) = find(&client, &repo, &scope.path).await?;
    comments::may_change(&repo, author, &viewer, "edit")?;
    db::execute(&client, SQL, &[&id, &text]).await?;
    Ok(req::ok(render(&client, scope.base(), id).await?))
}

/// `DELETE /repos/{owner}/{repo}/comments/{id}`: 204; its author, or triage access.
pub(crate) async fn delete(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let (id, author) = find(&client, &repo, &scope.path).await?;
    comments::may_change(&repo, author, &viewer, "delete")?;
    db::execute(&client, "DELETE FROM commit_comments WHERE id = $1", &[&id]).await?;
    Ok(req::no_content())
}
