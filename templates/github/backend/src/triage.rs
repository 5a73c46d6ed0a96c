//! Triage actions on issues: lock and unlock (announced as `locked`, `unlocked`), assignees
//! (add, remove, who can be assigned).

use serde_json::Map;

use crate::changes::{Changes, Subject};
use crate::error::{ApiError, ApiResult};
use crate::issues::{Issue, Numbered, assignees, record, refresh, render};
use crate::repos::Access;
use crate::req::{self, Body, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;

/// `PUT /repos/{owner}/{repo}/issues/{number}/lock` (`lock_reason`): 204, recorded and
/// announced as `locked` (`issues`, or `pull_request` for a pull request).
pub(crate) async fn lock(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let reason = body.one_of(
        "lock_reason",
        &["off-topic", "too heated", "resolved", "spam"],
        "Issue",
    )?;
    set_lock(&scope, &viewer, true, reason).await
}

/// `DELETE /repos/{owner}/{repo}/issues/{number}/lock`: 204, recorded and announced as
/// `unlocked`.
pub(crate) async fn unlock(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    set_lock(&scope, &viewer, false, None).await
}

async fn set_lock(
    scope: &Scope<String>,
    viewer: &Viewer,
    locked: bool,
    reason: Option<String>,
) -> ApiResult {
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Triage)?;
    let issue = Issue::find(&client, &repo, &scope.path).await?;
    if !locked && !issue.locked {
        return Err(ApiError::not_found());
    }
    let action = if locked { "locked" } else { "unlocked" };
    let tx = client.transaction().await?;
    tx.execute(
        "UPDATE issues SET locked = $2, active_lock_reason = $3, updated_at = now() WHERE id = $1",
        &[&issue.id, &locked, &reason],
    )
    .await?;
    record(&tx, issue.id, viewer.user_id, action, None).await?;
    let base = scope.base();
    let text = refresh(&tx, base, issue.id).await?;
    let subject = Subject::of(&tx, &repo, (&issue, &scope.path), &text).await?;
    let announced = subject.announce(&tx, base, &repo, action, Map::new(), viewer.user_id);
    let woke = announced.await?;
    scope.commit(tx, woke).await?;
    Ok(req::no_content())
}

/// `POST /repos/{owner}/{repo}/issues/{number}/assignees` (201) and `DELETE` (200): each
/// assignee added or removed is recorded and announced as `assigned` or `unassigned`.
pub(crate) async fn change_assignees(
    scope: Scope<String>,
    viewer: Viewer,
    method: axum::http::Method,
    body: Body,
) -> ApiResult {
    let logins = body.strings("assignees")?.unwrap_or_default();
    let adding = method == axum::http::Method::POST;
    let (mut client, repo) = scope.open().await?;
    let issue = Issue::find(&client, &repo, &scope.path).await?;
    let base = scope.base();
    if !repo.can(Access::Triage) {
        // GitHub ignores the change for those who cannot triage.
        return Ok(req::json_text(
            if adding {
                axum::http::StatusCode::CREATED
            } else {
                axum::http::StatusCode::OK
            },
            render(&client, base, issue.id).await?,
        ));
    }
    let ids = if adding {
        assignees(&client, &repo, &logins).await?
    } else {
        let rows = client
            .query("SELECT id FROM users WHERE lower(login) = ANY(SELECT lower(l) FROM unnest($1::text[]) l)", &[&logins])
            .await?;
        rows.iter().map(|r| r.get(0)).collect()
    };
    let sql = if adding {
        "UPDATE issues i SET assignee_ids = coalesce((SELECT array_agg(DISTINCT x) FROM unnest(i.assignee_ids || $2) x), '{}')
         FROM issues o WHERE i.id = $1 AND o.id = i.id RETURNING o.assignee_ids, i.assignee_ids"
    } else {
        "UPDATE issues i SET assignee_ids = coalesce((SELECT array_agg(x) FROM unnest(i.assignee_ids) x WHERE x <> ALL($2)), '{}')
         FROM issues o WHERE i.id = $1 AND o.id = i.id RETURNING o.assignee_ids, i.assignee_ids"
    };
    let tx = client.transaction().await?;
    let row = tx.query_one(sql, &[&issue.id, &ids]).await?;
    let mut changes = Changes::default();
    changes.assignees(&row.get::<_, Vec<i64>>(0), &row.get::<_, Vec<i64>>(1));
    let on = (&repo, &issue, scope.path.as_str());
    let (text, woke) = changes.settle(&tx, base, on, viewer.user_id).await?;
    scope.commit(tx, woke).await?;
    Ok(req::json_text(
        if adding {
            axum::http::StatusCode::CREATED
        } else {
            axum::http::StatusCode::OK
        },
        text,
    ))
}

/// `GET /repos/{owner}/{repo}/assignees`.
pub(crate) async fn list_assignable(scope: Scope, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    req::list_sql(
        &client,
        &scope.page(&repo, "assignees", &query),
        "WITH a AS (SELECT u.* FROM users u WHERE u.type = 'User' AND gh_permission($1, u.id) IS NOT NULL
                          AND (gh_permission($1, u.id) <> 'read'
                               OR EXISTS (SELECT 1 FROM org_members m JOIN repos r ON r.owner_id = m.org_id
                                          WHERE r.id = $1 AND m.user_id = u.id)))
             SELECT (SELECT count(*) FROM a),
                    (SELECT coalesce(json_agg(gh_user(u, $2) ORDER BY u.login), '[]')::text
                     FROM (SELECT * FROM a ORDER BY login LIMIT $3 OFFSET $4) u)",
        &[&repo.id, &scope.base()],
    )
    .await
}

/// `GET /repos/{owner}/{repo}/assignees/{assignee}`: 204 or 404.
pub(crate) async fn check_assignable(scope: Scope<String>) -> ApiResult {
    let login = &scope.path;
    let (client, repo) = scope.open().await?;
    assignees(&client, &repo, std::slice::from_ref(login))
        .await
        .map_err(|_| ApiError::not_found())?;
    Ok(req::no_content())
}
