//! Sub-issues (GitHub's sub-issues API): list, add (moving one from another parent with
//! `replace_parent`), remove, reprioritize, and an issue's parent. The links live in
//! `sub_issues` (`migrations/0028_sub_issues.sql`), which also renders an issue's
//! `sub_issues_summary` and `parent_issue_url`.

use axum::http::StatusCode;
use serde_json::Value;

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::issues::{Issue, Numbered, refresh, render};
use crate::links::{RESOURCE, listing, required_id, target};
use crate::repos::Access;
use crate::req::{self, Body, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;

/// How many sub-issues a parent may have (GitHub's documented limit).
const MAX_SUB_ISSUES: i64 = 100;
/// How many levels of sub-issues may nest below an issue (GitHub's documented limit).
const MAX_DEPTH: i32 = 8;

/// `GET /repos/{owner}/{repo}/issues/{issue_number}/sub_issues`: the sub-issues the caller can
/// see, in priority order, paginated.
pub(crate) async fn list(scope: Scope<String>, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let parent = Issue::find(&client, &repo, &scope.path).await?;
    let tail = format!("issues/{}/sub_issues", scope.path);
    req::list(
        &client,
        &scope.page(&repo, &tail, &query),
        &listing(
            "sub_issues s JOIN issues i ON i.id = s.child_id",
            "s.parent_id = $1 AND gh_permission(i.repo_id, $3) IS NOT NULL",
            "(SELECT position FROM sub_issues WHERE child_id = i.id)",
        ),
        &[&parent.id, &scope.base(), &scope.viewer_id()],
    )
    .await
}

/// `GET /repos/{owner}/{repo}/issues/{issue_number}/parent`: the issue's parent, 404 when it
/// has none (or the caller cannot see it).
pub(crate) async fn parent(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let child = Issue::find(&client, &repo, &scope.path).await?;
    const SQL: &str = "SELECT s.parent_id FROM sub_issues s JOIN issues p ON p.id = s.parent_id
                       WHERE s.child_id = $1 AND gh_permission(p.repo_id, $2) IS NOT NULL";
    let id = db::first::<i64>(&client, SQL, &[&child.id, &scope.viewer_id()])
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(req::ok(render(&client, scope.base(), id).await?))
}

/// What a sub-issue write starts from: the parent issue the path names, which the caller
/// must be able to triage, and the issue the body's `sub_issue_id` names.
async fn open(
    scope: &Scope<String>,
    viewer: &Viewer,
    body: &Body,
) -> ApiResult<(asym_kit::deadpool_postgres::Object, Issue, i64)> {
    let sub_issue_id = required_id(body, "sub_issue_id")?;
    let (client, repo) = scope.open().await?;
    let parent = Issue::find(&client, &repo, &scope.path).await?;
    repo.require(Access::Triage)?;
    let child = target(
        &client,
        &repo,
        sub_issue_id,
        viewer,
        "The provided sub-issue does not exist",
    )
    .await?;
    if child.is_pull || parent.is_pull {
        return Err(ApiError::custom(
            RESOURCE,
            "sub_issue_id",
            "Pull requests cannot have or be sub-issues",
        ));
    }
    if !child.same_owner {
        return Err(ApiError::custom(
            RESOURCE,
            "sub_issue_id",
            "Sub-issue must belong to the same repository owner as the parent issue",
        ));
    }
    Ok((client, parent, child.id))
}

/// `POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues` (`sub_issue_id`,
/// `replace_parent`): 201 with the parent issue. 422 for the issue itself, a sub-issue that
/// has a parent (unless `replace_parent`), one of another owner, a cycle, and past GitHub's
/// limits (100 sub-issues, 8 levels).
pub(crate) async fn add(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let replace = body.bool("replace_parent")?.unwrap_or(false);
    let (mut client, parent, child) = open(&scope, &viewer, &body).await?;
    let refuse = |message: &str| ApiError::custom(RESOURCE, "sub_issue_id", message);
    if child == parent.id {
        return Err(refuse("An issue cannot be a sub-issue of itself"));
    }
    let tx = client.transaction().await?;
    tx.execute(
        "SELECT 1 FROM issues WHERE id = $1 FOR UPDATE",
        &[&parent.id],
    )
    .await?;
    const SQL: &str = "WITH RECURSIVE
          up (id, d) AS (SELECT $1::bigint, 0 UNION ALL
                         SELECT s.parent_id, up.d + 1 FROM sub_issues s JOIN up ON s.child_id = up.id WHERE up.d < 64),
          down (id, d) AS (SELECT $2::bigint, 0 UNION ALL
                           SELECT s.child_id, down.d + 1 FROM sub_issues s JOIN down ON s.parent_id = down.id WHERE down.d < 64)
        SELECT EXISTS (SELECT 1 FROM up WHERE id = $2),
               (SELECT max(d) FROM up) + 1 + (SELECT max(d) FROM down),
               (SELECT count(*) FROM sub_issues WHERE parent_id = $1),
               (SELECT parent_id FROM sub_issues WHERE child_id = $2)";
    let row = tx.query_one(SQL, &[&parent.id, &child]).await?;
    let (cycle, depth, count, had): (bool, i32, i64, Option<i64>) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    if had == Some(parent.id) {
        return Err(refuse("Sub-issue is already a sub-issue of this issue"));
    }
    if had.is_some() && !replace {
        return Err(refuse("Sub issue may only have one parent"));
    }
    if cycle {
        return Err(refuse(
            "An issue cannot be a sub-issue of its own sub-issue",
        ));
    }
    if count >= MAX_SUB_ISSUES {
        return Err(refuse("Parent cannot have more than 100 sub-issues"));
    }
    if depth > MAX_DEPTH {
        return Err(refuse(
            "Sub-issues cannot be nested more than 8 levels deep",
        ));
    }
    tx.execute(
        "INSERT INTO sub_issues (child_id, parent_id, position)
         VALUES ($2, $1, coalesce((SELECT max(position) + 1 FROM sub_issues WHERE parent_id = $1), 0))
         ON CONFLICT (child_id) DO UPDATE SET parent_id = EXCLUDED.parent_id,
             position = EXCLUDED.position, created_at = now()",
        &[&parent.id, &child],
    )
    .await?;
    let text = refresh(&tx, scope.base(), parent.id).await?;
    tx.commit().await?;
    Ok(req::created(text))
}

/// `DELETE /repos/{owner}/{repo}/issues/{issue_number}/sub_issue` (`sub_issue_id`): 200 with
/// the parent issue; 404 when that issue is not one of its sub-issues.
pub(crate) async fn remove(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let (client, parent, child) = open(&scope, &viewer, &body).await?;
    const SQL: &str = "DELETE FROM sub_issues WHERE parent_id = $1 AND child_id = $2";
    if db::execute(&client, SQL, &[&parent.id, &child]).await? == 0 {
        return Err(ApiError::not_found());
    }
    Ok(req::ok(refresh(&client, scope.base(), parent.id).await?))
}

/// `PATCH /repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority` (`sub_issue_id`,
/// and `after_id` or `before_id`, another of its sub-issues): 200 with the parent issue.
pub(crate) async fn reprioritize(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let (after, before) = (body.int("after_id")?, body.int("before_id")?);
    let (mut client, parent, child) = open(&scope, &viewer, &body).await?;
    let simple = |message: &str| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "Validation Failed")
            .with_error(Value::String(message.to_owned()))
    };
    let (anchor, after) = match (after, before) {
        (Some(id), None) => (id, true),
        (None, Some(id)) => (id, false),
        _ => {
            return Err(simple(
                "Either after_id or before_id must be given, not both",
            ));
        }
    };
    let tx = client.transaction().await?;
    const SQL: &str = "SELECT coalesce(array_agg(child_id ORDER BY position), '{}')
                       FROM (SELECT child_id, position FROM sub_issues WHERE parent_id = $1 FOR UPDATE) s";
    let mut order: Vec<i64> = db::value(&tx, SQL, &[&parent.id]).await?;
    let Some(from) = order.iter().position(|id| *id == child) else {
        return Err(ApiError::not_found());
    };
    if anchor == child || !order.contains(&anchor) {
        return Err(simple(
            "The positional sub-issue is not a sub-issue of this issue",
        ));
    }
    order.remove(from);
    let at = order.iter().position(|id| *id == anchor).unwrap_or(0);
    order.insert(if after { at + 1 } else { at }, child);
    tx.execute(
        "UPDATE sub_issues s SET position = o.ord FROM unnest($1::bigint[]) WITH ORDINALITY o (id, ord)
         WHERE s.child_id = o.id",
        &[&order],
    )
    .await?;
    let text = render(&tx, scope.base(), parent.id).await?;
    tx.commit().await?;
    Ok(req::ok(text))
}
