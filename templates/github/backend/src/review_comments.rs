//! Pull-request review comments: a pull request's (list, create, reply) and a repository's
//! (list with `since`, `sort`, `direction`), and one comment by id (get, update, delete),
//! announced as `pull_request_review_comment` (created, edited, deleted) unless they belong
//! to a pending review, whose comments only its author sees. A comment made on its own (or a
//! reply) is held by a `COMMENTED` review of its own, submitted with it, as on GitHub.

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
                "{filter} AND ($2::float8 IS NULL OR c.updated_at >= to_timestamp($2)) AND {}",
                visible("$4")
            ),
            item: "gh_review_comment(c, $3)",
            order: &order,
        },
        &[&subject, &since, &scope.base(), &scope.viewer_id()],
    )
    .await
}

/// Whether review comment `c` is seen by the user `viewer` (a placeholder; none when
/// anonymous) names: not when it belongs to someone else's pending review.
pub(crate) fn visible(viewer: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM reviews v WHERE v.id = c.review_id
                     AND v.state = 'PENDING' AND v.user_id IS DISTINCT FROM {viewer})"
    )
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

impl Found {
    /// Sends `event` about it to the hooks of repository `repo`, unless it belongs to a
    /// pending review (then it is announced to nobody): whether a delivery was queued.
    async fn announce(
        &self,
        client: &impl GenericClient,
        base: &str,
        (repo, event): (i64, Map<String, Value>),
        sender: i64,
    ) -> ApiResult<bool> {
        if self.pending {
            return Ok(false);
        }
        announce(client, base, (repo, self.issue), ON_COMMENT, event, sender).await
    }
}

/// Review comment `id` of `scope`'s repository (404 when it is not there, or belongs to
/// someone else's pending review).
async fn find<P>(
    scope: &Scope<P>,
    client: &impl GenericClient,
    repo: i64,
    id: &str,
) -> ApiResult<Found> {
    const SQL: &str = "SELECT c.id, c.user_id, c.issue_id, coalesce(v.state = 'PENDING', false)
                       FROM review_comments c JOIN issues i ON i.id = c.issue_id
                       LEFT JOIN reviews v ON v.id = c.review_id
                       WHERE c.id = $1 AND i.repo_id = $2";
    let row = db::keyed::<i64>(client, SQL, id, repo).await?;
    let found = Found {
        id: row.get(0),
        author: row.get(1),
        issue: row.get(2),
        pending: row.get(3),
    };
    if found.pending && scope.viewer_id() != Some(found.author) {
        return Err(ApiError::not_found());
    }
    Ok(found)
}

async fn render(client: &impl GenericClient, base: &str, id: i64) -> ApiResult<String> {
    const SQL: &str =
        "SELECT gh_review_comment(c, $2)::text FROM review_comments c WHERE c.id = $1";
    Ok(db::value(client, SQL, &[&id, &base]).await?)
}

/// A review comment's webhook: `pull_request_review_comment`, with the simple pull request.
const ON_COMMENT: (&str, Shape) = ("pull_request_review_comment", Shape::Simple);

/// Sends webhook `topic` to the hooks of `repo`: `event` (the action, the comment or review
/// and, for an edit, its `changes`) with the pull request (issue id `issue`) in `shape`.
async fn announce(
    client: &impl GenericClient,
    base: &str,
    (repo, issue): (i64, i64),
    (topic, shape): (&str, Shape),
    mut event: Map<String, Value>,
    sender: i64,
) -> ApiResult<bool> {
    let pull = pulls::render(client, base, issue, shape).await?;
    event.insert("pull_request".into(), hooks::parse(&pull));
    hooks::emit(client, base, repo, topic, sender, event).await
}

/// The JSON of review `id`.
pub(crate) async fn review(client: &impl GenericClient, base: &str, id: i64) -> ApiResult<String> {
    const SQL: &str = "SELECT gh_review(v, $2)::text FROM reviews v WHERE v.id = $1";
    Ok(db::value(client, SQL, &[&id, &base]).await?)
}

/// Sends `pull_request_review` to the hooks of `repo`: `event` (the action, the review with
/// its state in lower case and, for an edit, its `changes`) with the pull request (issue id
/// `issue`).
pub(crate) async fn announce_review(
    client: &impl GenericClient,
    base: &str,
    repo: i64,
    issue: i64,
    mut event: Map<String, Value>,
    sender: i64,
) -> ApiResult<bool> {
    // Webhooks name a review's state in lower case (`approved`, `dismissed`), the REST API
    // in upper case.
    if let Some(Value::String(state)) = event.get_mut("review").and_then(|r| r.get_mut("state")) {
        *state = state.to_lowercase();
    }
    let on = ("pull_request_review", Shape::Full);
    announce(client, base, (repo, issue), on, event, sender).await
}

/// Announces review `review` (rendered `rendered`) of the pull request with issue id `issue`
/// as `submitted`, then `created` for each of its comments, as its submission publishes them.
pub(crate) async fn announce_submitted(
    client: &impl GenericClient,
    base: &str,
    repo: i64,
    (issue, review): (i64, i64),
    rendered: &str,
    sender: i64,
) -> ApiResult<bool> {
    const SQL: &str = "SELECT gh_review_comment(c, $2)::text FROM review_comments c
                       WHERE c.review_id = $1 ORDER BY c.id";
    let event = hooks::payload("submitted", [("review", rendered)]);
    let mut woke = announce_review(client, base, repo, issue, event, sender).await?;
    for row in client.query(SQL, &[&review, &base]).await? {
        let event = hooks::payload("created", [("comment", row.get::<_, &str>(0))]);
        woke |= announce(client, base, (repo, issue), ON_COMMENT, event, sender).await?;
    }
    Ok(woke)
}

/// `GET /repos/{owner}/{repo}/pulls/comments/{id}`.
pub(crate) async fn get(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let found = find(&scope, &client, repo.id, &scope.path).await?;
    Ok(req::ok(render(&client, scope.base(), found.id).await?))
}

/// `PATCH /repos/{owner}/{repo}/pulls/comments/{id}` (`body`): its author, or triage access.
pub(crate) async fn update(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    const SQL: &str = "UPDATE review_comments c SET body = $2, updated_at = now()
                       FROM review_comments o WHERE c.id = $1 AND o.id = c.id RETURNING o.body";
    let text = body.required("body", RESOURCE)?.to_owned();
    let (mut client, repo) = scope.open().await?;
    let found = find(&scope, &client, repo.id, &scope.path).await?;
    comments::may_change(&repo, found.author, &viewer, "edit")?;
    let base = scope.base();
    let tx = client.transaction().await?;
    let before: String = tx.query_one(SQL, &[&found.id, &text]).await?.get(0);
    let comment = render(&tx, base, found.id).await?;
    let event = hooks::edited(hooks::payload("edited", [("comment", &comment)]), &before);
    let woke = found
        .announce(&tx, base, (repo.id, event), viewer.user_id)
        .await?;
    scope.commit(tx, woke).await?;
    Ok(req::ok(comment))
}

/// `DELETE /repos/{owner}/{repo}/pulls/comments/{id}`: 204; its author, or triage access.
pub(crate) async fn delete(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    const SQL: &str = "DELETE FROM review_comments WHERE id = $1";
    let (mut client, repo) = scope.open().await?;
    let found = find(&scope, &client, repo.id, &scope.path).await?;
    comments::may_change(&repo, found.author, &viewer, "delete")?;
    let base = scope.base();
    let tx = client.transaction().await?;
    let comment = render(&tx, base, found.id).await?;
    tx.execute(SQL, &[&found.id]).await?;
    let event = hooks::payload("deleted", [("comment", &comment)]);
    let woke = found
        .announce(&tx, base, (repo.id, event), viewer.user_id)
        .await?;
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
/// where the body says; held by a `COMMENTED` review of its own, submitted with it.
async fn add<P>(
    scope: &Scope<P>,
    number: &str,
    viewer: &Viewer,
    body: &Body,
    reply: Option<i64>,
) -> ApiResult {
    const SQL: &str = "WITH v AS (INSERT INTO reviews (issue_id, user_id, state, commit_id, submitted_at)
                                  VALUES ($1, $2, 'COMMENTED', $7, now()) RETURNING id),
                            c AS (INSERT INTO review_comments (issue_id, review_id, user_id, body, path, line, side, commit_id, in_reply_to_id)
                                  SELECT $1, v.id, $2, $3, $4, $5, $6, $7, $8 FROM v RETURNING *)
                       SELECT gh_review_comment(c, $9)::text, c.review_id FROM c";
    let text = body.required("body", RESOURCE)?.to_owned();
    let (mut client, repo) = scope.open().await?;
    let pull = Pull::find(&client, &repo, number).await?;
    let (path, line, side, commit) = match reply {
        Some(parent) => {
            let sql = format!(
                "SELECT path, line, side, commit_id FROM review_comments c
                 WHERE c.id = $1 AND c.issue_id = $2 AND {}",
                visible("$3")
            );
            let row = client
                .query_opt(&sql, &[&parent, &pull.issue.id, &viewer.user_id])
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
    let row = tx
        .query_one(
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
    let (comment, review_id): (String, i64) = (row.get(0), row.get(1));
    pulls::reviewed(&tx, pull.issue.id, viewer.user_id).await?;
    let base = scope.base();
    let rendered = review(&tx, base, review_id).await?;
    let held = (pull.issue.id, review_id);
    let woke = announce_submitted(&tx, base, repo.id, held, &rendered, viewer.user_id).await?;
    scope.commit(tx, woke).await?;
    Ok(req::created(comment))
}
