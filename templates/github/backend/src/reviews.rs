//! Pull-request reviews (create with `APPROVE` / `REQUEST_CHANGES` / `COMMENT` or pending,
//! list, get, submit, dismiss; approving one's own pull request answers 422, as GitHub
//! does) and requested reviewers. Review comments are in `review_comments`.

use asym_kit::deadpool_postgres::{GenericClient, Object, Transaction};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::issues::Numbered;
use crate::pulls::{self, Pull, Shape};
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Listing, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{comments, hooks, issues, review_comments, users};

/// The state an event leads to; 422 for what the author may not do to their own pull.
fn state_for(event: &str, own: bool, body: &str) -> ApiResult<&'static str> {
    match event {
        "APPROVE" if own => Err(ApiError::invalid("Unprocessable Entity")
            .with_error(json!("Review Can not approve your own pull request"))),
        "REQUEST_CHANGES" if own => Err(ApiError::invalid("Unprocessable Entity").with_error(
            json!("Review Can not request changes on your own pull request"),
        )),
        "REQUEST_CHANGES" | "COMMENT" if body.trim().is_empty() => {
            Err(ApiError::invalid("Unprocessable Entity")
                .with_error(json!(format!("Review Body is required for {event}"))))
        }
        "APPROVE" => Ok("APPROVED"),
        "REQUEST_CHANGES" => Ok("CHANGES_REQUESTED"),
        "COMMENT" => Ok("COMMENTED"),
        _ => Err(ApiError::validation(
            "PullRequestReview",
            "event",
            "invalid",
        )),
    }
}

/// The `pull_request_review` event a write to a review sends.
#[derive(Clone, Copy)]
enum Event<'a> {
    /// None: the review is pending, seen by its author alone.
    Quiet,
    /// This action (`submitted`, `dismissed`).
    Done(&'static str),
    /// `edited`, with the body it had (`changes.body.from`).
    Edited(&'a str),
}

/// A review and where it is.
struct Review {
    repo: Repo,
    pull: Pull,
    id: i64,
    author: i64,
    /// `PENDING`, `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED` or `DISMISSED`.
    state: String,
}

/// After a write to `written` in `tx`: sends `event` with the review and the pull request to
/// the repository's hooks, commits, answers the review.
async fn settle<P>(
    scope: &Scope<P>,
    tx: Transaction<'_>,
    written: &Review,
    event: Event<'_>,
    sender: i64,
) -> ApiResult {
    let Review { repo, pull, id, .. } = written;
    let base = scope.base();
    let review = review_comments::review(&tx, base, *id).await?;
    let issue = pull.issue.id;
    let woke = match event {
        Event::Quiet => false,
        Event::Done("submitted") => {
            let held = (issue, *id);
            review_comments::announce_submitted(&tx, base, repo.id, held, &review, sender).await?
        }
        Event::Done(action) => {
            let payload = hooks::payload(action, [("review", &review)]);
            review_comments::announce_review(&tx, base, repo.id, issue, payload, sender).await?
        }
        Event::Edited(before) => {
            let payload = hooks::edited(hooks::payload("edited", [("review", &review)]), before);
            review_comments::announce_review(&tx, base, repo.id, issue, payload, sender).await?
        }
    };
    scope.commit(tx, woke).await?;
    Ok(req::ok(review))
}

/// `POST /repos/{owner}/{repo}/pulls/{number}/reviews` (no `event`: a pending review).
pub(crate) async fn create(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let text = body.str("body")?.unwrap_or("").to_owned();
    let event = body.str("event")?.map(str::to_owned);
    let comments = match body.0.get("comments") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(_) => {
            return Err(ApiError::validation(
                "PullRequestReview",
                "comments",
                "invalid",
            ));
        }
    };
    let (mut client, repo, pull) = scope.pull().await?;
    let state = match &event {
        Some(event) => state_for(event, pull.issue.user_id == viewer.user_id, &text)?,
        None => "PENDING",
    };
    let commit = body.str("commit_id")?.unwrap_or(&pull.head_sha).to_owned();
    let tx = client.transaction().await?;
    let id: i64 = tx
        .query_one(
            "INSERT INTO reviews (issue_id, user_id, body, state, commit_id, submitted_at)
             VALUES ($1, $2, $3, $4, $5, CASE WHEN $4 = 'PENDING' THEN NULL ELSE now() END) RETURNING id",
            &[&pull.issue.id, &viewer.user_id, &text, &state, &commit],
        )
        .await?
        .get(0);
    for comment in &comments {
        let field = |k: &str| comment.get(k).and_then(Value::as_str).map(str::to_owned);
        let (Some(path), Some(note)) = (field("path"), field("body")) else {
            return Err(ApiError::validation(
                "PullRequestReviewComment",
                "path",
                "missing_field",
            ));
        };
        let line = comment
            .get("line")
            .or(comment.get("position"))
            .and_then(Value::as_i64)
            .and_then(|l| i32::try_from(l).ok());
        tx.execute(
            "INSERT INTO review_comments (issue_id, review_id, user_id, body, path, line, commit_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[&pull.issue.id, &id, &viewer.user_id, &note, &path, &line, &commit],
        )
        .await?;
    }
    if state != "PENDING" {
        pulls::reviewed(&tx, pull.issue.id, viewer.user_id).await?;
    }
    let event = if state == "PENDING" {
        Event::Quiet
    } else {
        Event::Done("submitted")
    };
    let author = viewer.user_id;
    let state = state.to_owned();
    let created = Review {
        repo,
        pull,
        id,
        author,
        state,
    };
    settle(&scope, tx, &created, event, author).await
}

/// `GET /repos/{owner}/{repo}/pulls/{number}/reviews` (pending reviews only for their author).
pub(crate) async fn list(scope: Scope<String>, query: Query) -> ApiResult {
    let number = &scope.path;
    let (client, repo) = scope.open().await?;
    let pull = Pull::find(&client, &repo, number).await?;
    let uid = scope.viewer_id();
    req::list(
        &client,
        &scope.page(&repo, &format!("pulls/{number}/reviews"), &query),
        &Listing {
            from: "reviews v",
            alias: "v",
            filter: "v.issue_id = $1 AND (v.state <> 'PENDING' OR v.user_id = $2)",
            item: "gh_review(v, $3)",
            order: "v.id",
        },
        &[&pull.issue.id, &uid, &scope.base()],
    )
    .await
}

/// The review a `/pulls/{number}/reviews/{id}` route names, once the caller has `access`,
/// with a pool connection (404 when the pull request or the review is not there, or it is
/// someone else's pending review, which only its author sees).
async fn open(scope: &Scope<(String, String)>, access: Access) -> ApiResult<(Object, Review)> {
    const SQL: &str = "SELECT id, user_id, state FROM reviews WHERE id = $1 AND issue_id = $2";
    let (number, id) = &scope.path;
    let (client, repo) = scope.open().await?;
    repo.require(access)?;
    let pull = Pull::find(&client, &repo, number).await?;
    let row = db::keyed::<i64>(&client, SQL, id, pull.issue.id).await?;
    let review = Review {
        repo,
        pull,
        id: row.get(0),
        author: row.get(1),
        state: row.get(2),
    };
    let viewer = scope.viewer_id();
    if review.state == "PENDING" && viewer != Some(review.author) {
        return Err(ApiError::not_found());
    }
    Ok((client, review))
}

/// `GET /repos/{owner}/{repo}/pulls/{number}/reviews/{id}`.
pub(crate) async fn get(scope: Scope<(String, String)>) -> ApiResult {
    let (client, review) = open(&scope, Access::Read).await?;
    Ok(req::ok(
        review_comments::review(&client, scope.base(), review.id).await?,
    ))
}

/// `PUT /repos/{owner}/{repo}/pulls/{number}/reviews/{id}` (`body`): its author, or triage
/// access for a submitted review; `edited` is announced for a submitted one.
pub(crate) async fn update(
    scope: Scope<(String, String)>,
    viewer: Viewer,
    body: Body,
) -> ApiResult {
    const SQL: &str = "UPDATE reviews v SET body = $2 FROM reviews o WHERE v.id = $1 AND o.id = v.id RETURNING o.body";
    let text = body.required("body", "PullRequestReview")?.to_owned();
    let (mut client, review) = open(&scope, Access::Read).await?;
    comments::may_change(&review.repo, review.author, &viewer, "edit")?;
    let tx = client.transaction().await?;
    let before: String = tx.query_one(SQL, &[&review.id, &text]).await?.get(0);
    let event = if review.state == "PENDING" {
        Event::Quiet
    } else {
        Event::Edited(&before)
    };
    settle(&scope, tx, &review, event, viewer.user_id).await
}

/// `DELETE /repos/{owner}/{repo}/pulls/{number}/reviews/{id}`: deletes one's own pending
/// review with its comments, answering it as it was; a submitted review answers 422.
pub(crate) async fn delete(scope: Scope<(String, String)>, viewer: Viewer) -> ApiResult {
    let (client, review) = open(&scope, Access::Read).await?;
    if review.state != "PENDING" {
        return Err(ApiError::invalid("Unprocessable Entity")
            .with_error(json!("Can not delete a non-pending pull request review")));
    }
    if review.author != viewer.user_id {
        return Err(ApiError::not_found());
    }
    let text = review_comments::review(&client, scope.base(), review.id).await?;
    db::execute(&client, "DELETE FROM reviews WHERE id = $1", &[&review.id]).await?;
    Ok(req::ok(text))
}

/// `GET /repos/{owner}/{repo}/pulls/{number}/reviews/{id}/comments`: the review's comments.
pub(crate) async fn comments(scope: Scope<(String, String)>, query: Query) -> ApiResult {
    let (client, Review { repo, pull, id, .. }) = open(&scope, Access::Read).await?;
    let tail = format!("pulls/{}/reviews/{id}/comments", pull.number);
    let filter = "c.review_id = $1";
    review_comments::list_where(&scope, &client, &repo, filter, id, &query, &tail).await
}

/// `POST /repos/{owner}/{repo}/pulls/{number}/reviews/{id}/events`: submits a pending review.
pub(crate) async fn submit(
    scope: Scope<(String, String)>,
    viewer: Viewer,
    body: Body,
) -> ApiResult {
    let event = body.required("event", "PullRequestReview")?.to_owned();
    let (mut client, review) = open(&scope, Access::Read).await?;
    if review.author != viewer.user_id {
        return Err(ApiError::not_found());
    }
    if review.state != "PENDING" {
        return Err(ApiError::invalid("Unprocessable Entity")
            .with_error(json!("Can not submit a non-pending review")));
    }
    let stored: String = client
        .query_one("SELECT body FROM reviews WHERE id = $1", &[&review.id])
        .await?
        .get(0);
    let text = body.str("body")?.map_or(stored, str::to_owned);
    let own = review.pull.issue.user_id == viewer.user_id;
    let state = state_for(&event, own, &text)?;
    let tx = client.transaction().await?;
    tx.execute(
        "UPDATE reviews SET state = $2, body = $3, submitted_at = now() WHERE id = $1",
        &[&review.id, &state, &text],
    )
    .await?;
    settle(
        &scope,
        tx,
        &review,
        Event::Done("submitted"),
        viewer.user_id,
    )
    .await
}

/// `PUT /repos/{owner}/{repo}/pulls/{number}/reviews/{id}/dismissals` (`message`): recorded
/// as a `review_dismissed` issue event (`dismissed_review`) and announced as
/// `pull_request_review` `dismissed`.
pub(crate) async fn dismiss(
    scope: Scope<(String, String)>,
    viewer: Viewer,
    body: Body,
) -> ApiResult {
    let message = body.required("message", "PullRequestReview")?;
    let (mut client, review) = open(&scope, Access::Write).await?;
    if review.state != "APPROVED" && review.state != "CHANGES_REQUESTED" {
        return Err(ApiError::invalid("Unprocessable Entity")
            .with_error(json!("Can not dismiss a commented pull request review")));
    }
    let tx = client.transaction().await?;
    tx.execute(
        "UPDATE reviews SET state = 'DISMISSED' WHERE id = $1",
        &[&review.id],
    )
    .await?;
    // The state it had, in lower case, as GitHub's `review_dismissed` events name it; a
    // dismissal through the API names no commit (`dismissal_commit_id` is for dismissals by
    // a push).
    let dismissed = json!({ "dismissed_review": {
        "state": review.state.to_lowercase(), "review_id": review.id, "dismissal_message": message,
    } });
    let issue = review.pull.issue.id;
    issues::record(
        &tx,
        issue,
        viewer.user_id,
        "review_dismissed",
        Some(dismissed),
    )
    .await?;
    settle(
        &scope,
        tx,
        &review,
        Event::Done("dismissed"),
        viewer.user_id,
    )
    .await
}

/// `GET /repos/{owner}/{repo}/pulls/{number}/requested_reviewers`.
pub(crate) async fn requested(scope: Scope<String>) -> ApiResult {
    const SQL: &str = "SELECT json_build_object('users', coalesce(json_agg(gh_user(u, $2) ORDER BY a.ord) FILTER (WHERE u.id IS NOT NULL), '[]'),
                                                'teams', '[]'::json)::text
                       FROM pulls p LEFT JOIN LATERAL unnest(p.requested_reviewer_ids) WITH ORDINALITY AS a(uid, ord) ON true
                       LEFT JOIN users u ON u.id = a.uid WHERE p.issue_id = $1";
    let (client, _, pull) = scope.pull().await?;
    Ok(req::ok(
        db::value(&client, SQL, &[&pull.issue.id, &scope.base()]).await?,
    ))
}

/// GitHub's answer to a reviewer request naming someone who cannot review.
const NOT_COLLABORATOR: &str = "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the repository.";

/// The users `reviewers` names; a team in `team_reviewers` is refused as no collaborator (the
/// clone has no teams).
async fn reviewer_ids(
    client: &impl GenericClient,
    repo: &Repo,
    body: &Body,
) -> ApiResult<Vec<i64>> {
    if !body
        .strings("team_reviewers")?
        .unwrap_or_default()
        .is_empty()
    {
        return Err(ApiError::invalid(NOT_COLLABORATOR));
    }
    let mut ids = Vec::new();
    for login in body.strings("reviewers")?.unwrap_or_default() {
        let Some((id, _)) = users::find(client, &login).await? else {
            return Err(ApiError::invalid(NOT_COLLABORATOR));
        };
        let row = client
            .query_one("SELECT gh_permission($1, $2)", &[&repo.id, &id])
            .await?;
        if row.get::<_, Option<String>>(0).is_none() {
            return Err(ApiError::invalid(NOT_COLLABORATOR));
        }
        ids.push(id);
    }
    Ok(ids)
}

/// `POST /repos/{owner}/{repo}/pulls/{number}/requested_reviewers` (`reviewers`): 201.
pub(crate) async fn request(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    change_requests(&scope, &viewer, &body, true).await
}

/// `DELETE /repos/{owner}/{repo}/pulls/{number}/requested_reviewers` (`reviewers`).
pub(crate) async fn unrequest(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    change_requests(&scope, &viewer, &body, false).await
}

/// Adds (or removes) the requested reviewers the body names: each one newly requested (or no
/// longer requested) is recorded as `review_requested` (`review_request_removed`) with the
/// caller as `review_requester` and announced as the `pull_request` action of that name.
async fn change_requests(
    scope: &Scope<String>,
    viewer: &Viewer,
    body: &Body,
    adding: bool,
) -> ApiResult {
    const REQUESTED: &str =
        "SELECT requested_reviewer_ids FROM pulls WHERE issue_id = $1 FOR UPDATE";
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Triage)?;
    let pull = Pull::find(&client, &repo, &scope.path).await?;
    let ids = reviewer_ids(&client, &repo, body).await?;
    if adding && ids.contains(&pull.issue.user_id) {
        return Err(ApiError::invalid(
            "Review cannot be requested from pull request author.",
        ));
    }
    let (sql, event) = if adding {
        (
            "UPDATE pulls SET requested_reviewer_ids = ARRAY(SELECT DISTINCT x FROM unnest(requested_reviewer_ids || $2) x) WHERE issue_id = $1",
            "review_requested",
        )
    } else {
        (
            "UPDATE pulls SET requested_reviewer_ids = ARRAY(SELECT x FROM unnest(requested_reviewer_ids) x WHERE x <> ALL($2)) WHERE issue_id = $1",
            "review_request_removed",
        )
    };
    let base = scope.base();
    let tx = client.transaction().await?;
    let requested: Vec<i64> = tx.query_one(REQUESTED, &[&pull.issue.id]).await?.get(0);
    let mut changed: Vec<i64> = Vec::new();
    for id in ids.iter().filter(|id| requested.contains(id) != adding) {
        if !changed.contains(id) {
            changed.push(*id);
        }
    }
    tx.execute(sql, &[&pull.issue.id, &ids]).await?;
    let mut woke = false;
    for id in changed {
        let detail = json!({ "requested_reviewer": id });
        issues::record(&tx, pull.issue.id, viewer.user_id, event, Some(detail)).await?;
        let reviewer = users::render(&tx, base, id).await?;
        let extra = [("requested_reviewer", hooks::parse(&reviewer))];
        woke |= pulls::deliver(&tx, base, &repo, &pull, (event, &extra), viewer.user_id).await?;
    }
    let text = pulls::render(&tx, base, pull.issue.id, Shape::Simple).await?;
    scope.commit(tx, woke).await?;
    Ok(req::json_text(
        if adding {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        text,
    ))
}
