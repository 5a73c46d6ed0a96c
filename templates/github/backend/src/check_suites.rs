//! Check suites made and read on their own: `POST …/check-suites` (the app's suite for a
//! commit, as a check run's creation makes it) and `GET …/check-suites/{id}/check-runs`.

use crate::checks::{Runs, app_of, head_commit, list_runs};
use crate::db;
use crate::error::ApiResult;
use crate::req::{self, Body, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;

/// `POST /repos/{owner}/{repo}/check-suites` (`head_sha`; installation tokens only, 403
/// otherwise): 201 with the suite made, 200 with the app's suite for that commit when it has
/// one; 422 for a `head_sha` that names no commit.
pub(crate) async fn create(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let app = app_of(&client, &viewer).await?;
    let head = body.required("head_sha", "CheckSuite")?.to_owned();
    let sha = head_commit(&client, &repo, &head).await?;
    const SQL: &str = "WITH s AS (INSERT INTO check_suites (repo_id, app_id, head_sha, head_branch)
                           VALUES ($1, $2, $3, (SELECT substr(ref, 12) FROM git_refs WHERE repo_id = $1 AND sha = $3
                                                AND ref LIKE 'refs/heads/%' ORDER BY ref LIMIT 1))
                           ON CONFLICT (repo_id, app_id, head_sha) DO NOTHING RETURNING *)
                       SELECT true, gh_check_suite(s, $4)::text FROM s
                       UNION ALL
                       SELECT false, gh_check_suite(o, $4)::text FROM check_suites o
                       WHERE o.repo_id = $1 AND o.app_id = $2 AND o.head_sha = $3";
    let row = db::found(&client, SQL, &[&repo.id, &app, &sha, &scope.base()]).await?;
    let made: bool = row.get(0);
    Ok(if made {
        req::created(row.get(1))
    } else {
        req::ok(row.get(1))
    })
}

/// `GET /repos/{owner}/{repo}/check-suites/{check_suite_id}/check-runs` (`check_name`,
/// `status`; `filter` is accepted: a run has no earlier attempts, so `latest` and `all` are
/// the same): `{total_count, check_runs}`, paginated; 404 for a suite of no such id here.
pub(crate) async fn runs(scope: Scope<String>, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    const SQL: &str = "SELECT id FROM check_suites WHERE id = $1 AND repo_id = $2";
    let suite: i64 = db::keyed::<i64>(&client, SQL, &scope.path, repo.id)
        .await?
        .get(0);
    let tail = format!("check-suites/{suite}/check-runs");
    let page = scope.page(&repo, &tail, &query);
    list_runs(&client, &repo, &page, &query, Runs::In(suite)).await
}
