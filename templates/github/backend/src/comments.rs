//! Issue comments: list (an issue's, and a repository's with `since`), create, get,
//! update, delete. Pull-request conversation comments are issue comments too.

use asym_kit::Kit;
use asym_kit::deadpool_postgres::{GenericClient, Object};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::issues::{self, Issue, Numbered};
use crate::repos::{self, Access, Repo};
use crate::req::{self, Body, Listing, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{hooks, time};

async fn render(client: &impl GenericClient, base: &str, id: i64) -> ApiResult<String> {
    const SQL: &str = "SELECT gh_comment(c, $2)::text FROM comments c WHERE c.id = $1";
    Ok(db::value(client, SQL, &[&id, &base]).await?)
}

/// Comment `id` of `repo`: (id, author, issue id).
async fn find(client: &impl GenericClient, repo: &Repo, id: &str) -> ApiResult<(i64, i64, i64)> {
    const SQL: &str = "SELECT id, user_id, issue_id FROM comments WHERE id = $1 AND repo_id = $2";
    let row = db::keyed::<i64>(client, SQL, id, repo.id).await?;
    Ok((row.get(0), row.get(1), row.get(2)))
}

/// Announces an `issue_comment` event.
async fn announce(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    issue: i64,
    comment: &str,
    action: &str,
    sender: i64,
) -> ApiResult<bool> {
    let issue = issues::render(client, base, issue).await?;
    let payload = hooks::payload(action, [("issue", &issue), ("comment", comment)]);
    hooks::emit(client, base, repo.id, "issue_comment", sender, payload).await
}

/// A comment list's `since` (Unix seconds) and `ORDER BY` on alias `c` (`sort` `created` or
/// `updated`, `direction`, oldest first by default); 422 `invalid` on `resource` otherwise.
pub(crate) fn ordering(query: &Query, resource: &str) -> ApiResult<(Option<f64>, String)> {
    let since = match query.get("since") {
        Some(text) => Some(
            time::parse(text).ok_or_else(|| ApiError::validation(resource, "since", "invalid"))?,
        ),
        None => None,
    };
    #[allow(
        clippy::cast_precision_loss,
        reason = "Unix seconds fit a double exactly"
    )]
    let since = since.map(|s| s as f64);
    let direction = query.direction(resource, "ASC")?;
    let order = match query.get("sort").unwrap_or("created") {
        "created" | "created_at" => format!("c.created_at {direction}, c.id {direction}"),
        "updated" => format!("c.updated_at {direction}, c.id {direction}"),
        _ => return Err(ApiError::validation(resource, "sort", "invalid")),
    };
    Ok((since, order))
}

async fn list_where(kit: &Kit, clause: &str, subject: i64, query: &Query, path: &str) -> ApiResult {
    let page = query.page();
    let (since, order) = ordering(query, "IssueComment")?;
    let sql = Listing {
        from: "comments c",
        alias: "c",
        filter: &format!(
            "{clause} = $1 AND ($2::float8 IS NULL OR c.updated_at >= to_timestamp($2))"
        ),
        item: "gh_comment(c, $3)",
        order: &order,
    }
    .sql(3);
    let base = &kit.config().public_url;
    let client = kit.db().await?;
    let statement = client.prepare_cached(&sql).await?;
    let row = client
        .query_one(
            &statement,
            &[&subject, &since, &base, &page.limit(), &page.offset()],
        )
        .await?;
    Ok(req::paged(base, path, query, row.get(0), row.get(1)))
}

/// `GET /repos/{owner}/{repo}/issues/{number}/comments`.
pub(crate) async fn list(scope: Scope<String>, query: Query) -> ApiResult {
    let number = &scope.path;
    let (repo, issue) = {
        let (client, repo) = scope.open().await?;
        let issue = Issue::find(&client, &repo, number).await?;
        (repo, issue)
    };
    let path = format!("{}/issues/{number}/comments", repo.path());
    list_where(&scope.kit, "c.issue_id", issue.id, &query, &path).await
}

/// `GET /repos/{owner}/{repo}/issues/comments` (`since`, `sort`, `direction`).
pub(crate) async fn list_repo(scope: Scope, query: Query) -> ApiResult {
    let repo = {
        let client = scope.kit.db().await?;
        repos::find(&client, &scope.owner, &scope.name, scope.viewer.as_ref()).await?
    };
    let path = format!("{}/issues/comments", repo.path());
    list_where(&scope.kit, "c.repo_id", repo.id, &query, &path).await
}

/// `POST /repos/{owner}/{repo}/issues/{number}/comments`.
pub(crate) async fn create(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let text = body.required("body", "IssueComment")?.to_owned();
    let (mut client, repo) = scope.open().await?;
    let issue = Issue::find(&client, &repo, &scope.path).await?;
    if repo.archived {
        return Err(ApiError::forbidden(
            "Repository was archived so is read-only.",
        ));
    }
    if issue.locked && !repo.can(Access::Write) {
        return Err(ApiError::forbidden(
            "Unable to create comment because issue is locked.",
        ));
    }
    let base = scope.base();
    let tx = client.transaction().await?;
    let id: i64 = tx
        .query_one(
            "WITH c AS (INSERT INTO comments (repo_id, issue_id, user_id, body) VALUES ($1, $2, $3, $4) RETURNING id)
             UPDATE issues SET comments = comments + 1, updated_at = now() FROM c WHERE issues.id = $2 RETURNING c.id",
            &[&repo.id, &issue.id, &viewer.user_id, &text],
        )
        .await?
        .get(0);
    let comment = render(&tx, base, id).await?;
    let woke = announce(
        &tx,
        base,
        &repo,
        issue.id,
        &comment,
        "created",
        viewer.user_id,
    )
    .await?;
    scope.commit(tx, woke).await?;
    Ok(req::created(comment))
}

/// `GET /repos/{owner}/{repo}/issues/comments/{id}`.
pub(crate) async fn get(scope: Scope<String>) -> ApiResult {
    let id = &scope.path;
    let (client, repo) = scope.open().await?;
    let (id, _, _) = find(&client, &repo, id).await?;
    Ok(req::ok(render(&client, scope.base(), id).await?))
}

/// Comment `id` (its id, its issue's) for `viewer` to `verb` (edit, delete): its author may,
/// others need triage access.
async fn writable(
    scope: &Scope<String>,
    id: &str,
    viewer: &Viewer,
    verb: &str,
) -> ApiResult<(Object, Repo, (i64, i64))> {
    let (client, repo) = scope.open().await?;
    let (id, author, issue) = find(&client, &repo, id).await?;
    may_change(&repo, author, viewer, verb)?;
    Ok((client, repo, (id, issue)))
}

/// Whether `viewer` may `verb` (edit, delete) a comment `author` wrote in `repo`: its author
/// may, others need triage access (403 otherwise).
pub(crate) fn may_change(repo: &Repo, author: i64, viewer: &Viewer, verb: &str) -> ApiResult<()> {
    if author != viewer.user_id && !repo.can(Access::Triage) {
        return Err(ApiError::forbidden(format!(
            "Must have triage access to {verb} this comment."
        )));
    }
    Ok(())
}

/// `PATCH /repos/{owner}/{repo}/issues/comments/{id}`: its author, or triage access.
pub(crate) async fn update(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let id = &scope.path;
    let text = body.required("body", "IssueComment")?.to_owned();
    let (mut client, repo, (id, issue)) = writable(&scope, id, &viewer, "edit").await?;
    let base = scope.base();
    let tx = client.transaction().await?;
    tx.execute(
        "UPDATE comments SET body = $2, updated_at = now() WHERE id = $1",
        &[&id, &text],
    )
    .await?;
    let comment = render(&tx, base, id).await?;
    let woke = announce(&tx, base, &repo, issue, &comment, "edited", viewer.user_id).await?;
    scope.commit(tx, woke).await?;
    Ok(req::ok(comment))
}

/// `DELETE /repos/{owner}/{repo}/issues/comments/{id}`: 204.
pub(crate) async fn delete(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    let id = &scope.path;
    let (mut client, repo, (id, issue)) = writable(&scope, id, &viewer, "delete").await?;
    let base = scope.base();
    let tx = client.transaction().await?;
    let comment = render(&tx, base, id).await?;
    tx.execute(
        "WITH d AS (DELETE FROM comments WHERE id = $1 RETURNING issue_id)
         UPDATE issues SET comments = greatest(comments - 1, 0) FROM d WHERE issues.id = d.issue_id",
        &[&id],
    )
    .await?;
    let woke = announce(&tx, base, &repo, issue, &comment, "deleted", viewer.user_id).await?;
    scope.commit(tx, woke).await?;
    Ok(req::no_content())
}
