//! Pull-request review comments: a pull request's (list, create, reply) and a repository's
//! (list with `since`, `sort`, `direction`), and one comment by id (get, update, delete),
//! announced as `pull_request_review_comment` (created, edited, deleted) unless they belong
//! to a pending review.

use asym_kit::deadpool_postgres::GenericClient;
use serde_json::{Map, Value};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::issues::Numbered;
use crate::pulls::{self, Pull, Shape};
use crate::repos::Repo;
use crate::req::{self, Body, Listing, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{comments, hooks};

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

/// The review comments of `repo` matching `filter` on `subject` (`$1`), as the list `tail`
/// (`since`, `sort`, `direction`).
pub(crate) async fn list_where<P>(
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

/// Review comment `id` in the repository `repo`.
struct Found {
    id: i64,
    author: i64,
    /// Its pull request's issue id.
    issue: i64,
    /// Whether it belongs to a pending review (and so is announced to nobody).
    pending: bool,
}

async fn find(client: &impl GenericClient, repo: i64, id: &str) -> ApiResult<Found> {
    const SQL: &str = "SELECT c.id, c.user_id, c.issue_id, coalesce(v.state = 'PENDING', false)
                       FROM review_comments c JOIN issues i ON i.id = c.issue_id
                       LEFT JOIN reviews v ON v.id = c.review_id
                       WHERE c.id = $1 AND i.repo_id = $2";
    let row = db::keyed::<i64>(client, SQL, id, repo).await?;
    Ok(Found {
        id: row.get(0),
        author: row.get(1),
        issue: row.get(2),
        pending: row.get(3),
    })
}

async fn render(client: &impl GenericClient, base: &str, id: i64) -> ApiResult<String> {
    const SQL: &str =
        "SELECT gh_review_comment(c, $2)::text FROM review_comments c WHERE c.id = $1";
    Ok(db::value(client, SQL, &[&id, &base]).await?)
}

/// Sends `pull_request_review_comment` to the hooks of `repo`: `event` (the action, the
/// comment and, for an edit, its `changes`) with the pull request (issue id `issue`).
async fn announce(
    client: &impl GenericClient,
    base: &str,
    repo: i64,
    issue: i64,
    mut event: Map<String, Value>,
    sender: i64,
) -> ApiResult<bool> {
    let pull = pulls::render(client, base, issue, Shape::Simple).await?;
    event.insert("pull_request".into(), hooks::parse(&pull));
    hooks::emit(
        client,
        base,
        repo,
        "pull_request_review_comment",
        sender,
        event,
    )
    .await
}

/// Announces `created` for each comment of review `review` (issue id `issue`), as its
/// submission publishes them.
pub(crate) async fn announce_review(
    client: &impl GenericClient,
    base: &str,
    repo: i64,
    (issue, review): (i64, i64),
    sender: i64,
) -> ApiResult<bool> {
    const SQL: &str = "SELECT gh_review_comment(c, $2)::text FROM review_comments c
                       WHERE c.review_id = $1 ORDER BY c.id";
    let mut woke = false;
    for row in client.query(SQL, &[&review, &base]).await? {
        let event = hooks::payload("created", [("comment", row.get::<_, &str>(0))]);
        woke |= announce(client, base, repo, issue, event, sender).await?;
    }
    Ok(woke)
}

/// `GET /repos/{owner}/{repo}/pulls/comments/{id}`.
pub(crate) async fn get(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let found = find(&client, repo.id, &scope.path).await?;
    Ok(req::ok(render(&client, scope.base(), found.id).await?))
}

/// `PATCH /repos/{owner}/{repo}/pulls/comments/{id}` (`body`): its author, or triage access.
pub(crate) async fn update(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    const SQL: &str = "UPDATE review_comments c SET body = $2, updated_at = now()
                       FROM review_comments o WHERE c.id = $1 AND o.id = c.id RETURNING o.body";
    let text = body.required("body", RESOURCE)?.to_owned();
    let (mut client, repo) = scope.open().await?;
    let found = find(&client, repo.id, &scope.path).await?;
    comments::may_change(&repo, found.author, &viewer, "edit")?;
    let base = scope.base();
    let tx = client.transaction().await?;
    let before: String = tx.query_one(SQL, &[&found.id, &text]).await?.get(0);
    let comment = render(&tx, base, found.id).await?;
    let woke = if found.pending {
        false
    } else {
        let event = hooks::edited(hooks::payload("edited", [("comment", &comment)]), &before);
        announce(&tx, base, repo.id, found.issue, event, viewer.user_id).await?
    };
    scope.commit(tx, woke).await?;
    Ok(req::ok(comment))
}

/// `DELETE /repos/{owner}/{repo}/pulls/comments/{id}`: 204; its author, or triage access.
pub(crate) async fn delete(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    const SQL: &str = "DELETE FROM review_comments WHERE id = $1";
    let (mut client, repo) = scope.open().await?;
    let found = find(&client, repo.id, &scope.path).await?;
    comments::may_change(&repo, found.author, &viewer, "delete")?;
    let base = scope.base();
    let tx = client.transaction().await?;
    let comment = render(&tx, base, found.id).await?;
    tx.execute(SQL, &[&found.id]).await?;
    let woke = if found.pending {
        false
    } else {
        let event = hooks::payload("deleted", [("comment", &comment)]);
        announce(&tx, base, repo.id, found.issue, event, viewer.user_id).await?
    };
    scope.commit(tx, woke).await?;
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
    let (mut client, repo) = scope.open().await?;
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
    let tx = client.transaction().await?;
    let comment: String = db::value(
        &tx,
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
    let event = hooks::payload("created", [("comment", &comment)]);
    let woke = announce(
        &tx,
        scope.base(),
        repo.id,
        pull.issue.id,
        event,
        viewer.user_id,
    )
    .await?;
    scope.commit(tx, woke).await?;
    Ok(req::created(comment))
}
