//! Check suites made and read on their own: `POST …/check-suites` (the app's suite for a
//! commit, as a check run's creation makes it), `GET …/check-suites/{id}/check-runs`, a
//! suite's re-request and a repository's `PATCH …/check-suites/preferences`.

use std::collections::BTreeMap;

use asym_kit::deadpool_postgres::GenericClient;
use serde_json::Value;

use crate::checks::{Runs, app_of, head_commit, list_runs};
use crate::error::{ApiError, ApiResult};
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{db, hooks};

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
    let suite = suite_id(&client, &repo, &scope.path).await?;
    let tail = format!("check-suites/{suite}/check-runs");
    let page = scope.page(&repo, &tail, &query);
    list_runs(&client, &repo, &page, &query, Runs::In(suite)).await
}

/// The id of the repository's check suite `id` (from the path): 404 when it has none.
async fn suite_id(client: &impl GenericClient, repo: &Repo, id: &str) -> ApiResult<i64> {
    const SQL: &str = "SELECT id FROM check_suites WHERE id = $1 AND repo_id = $2";
    Ok(db::keyed::<i64>(client, SQL, id, repo.id).await?.get(0))
}

/// `POST /repos/{owner}/{repo}/check-suites/{check_suite_id}/rerequest` (installation tokens
/// only, 403 otherwise; 404 for a suite of no such id here): 201 `{}`. The suite is `queued`
/// again with no conclusion until its app creates or updates one of its runs, and a
/// `check_suite` `rerequested` webhook goes out.
pub(crate) async fn rerequest(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    const SQL: &str = "WITH s AS (UPDATE check_suites SET rerequested = true, updated_at = now()
                                  WHERE id = $1 RETURNING *)
                       SELECT gh_check_suite(s, $2)::text FROM s";
    let (mut client, repo) = scope.open().await?;
    app_of(&client, &viewer).await?;
    let id = suite_id(&client, &repo, &scope.path).await?;
    let base = scope.base();
    let tx = client.transaction().await?;
    let suite: String = db::value(&tx, SQL, &[&id, &base]).await?;
    let payload = hooks::payload("rerequested", [("check_suite", &suite)]);
    let woke = hooks::emit(&tx, base, repo.id, "check_suite", viewer.user_id, payload).await?;
    scope.commit(tx, woke).await?;
    Ok(req::created("{}".into()))
}

/// `auto_trigger_checks` of a preferences body: each app's setting (the last one given for an
/// app), ordered by app id; each item needs an integer `app_id` and a boolean `setting`.
fn auto_trigger_checks(body: &Body) -> ApiResult<BTreeMap<i64, bool>> {
    const KEY: &str = "auto_trigger_checks";
    let Some(Value::Array(items)) = body.0.get(KEY) else {
        // Absent or null: nothing to set; anything but an array: the schema's 422.
        return body
            .list(KEY, |_| Ok(String::new()))
            .map(|_| BTreeMap::new());
    };
    let mut settings = BTreeMap::new();
    for item in items {
        let Value::Object(item) = item else {
            return Err(ApiError::invalid(format!(
                "Invalid request.\n\nFor 'items', {item} is not an object."
            )));
        };
        let item = Body(item.clone());
        let supplied = |key: &str| {
            ApiError::invalid(format!("Invalid request.\n\n\"{key}\" wasn't supplied."))
        };
        let app = item.int("app_id")?.ok_or_else(|| supplied("app_id"))?;
        let setting = item.bool("setting")?.ok_or_else(|| supplied("setting"))?;
        settings.insert(app, setting);
    }
    Ok(settings)
}

/// `PATCH /repos/{owner}/{repo}/check-suites/preferences` (administrators): each app's
/// `auto_trigger_checks` setting, kept per repository (an `app_id` of no app is 422 in the
/// clone's wording): `{preferences: {auto_trigger_checks}, repository}` with every app's
/// setting the repository has. The clone makes no suite on a push, so nothing reads them.
pub(crate) async fn preferences(scope: Scope, body: Body) -> ApiResult {
    const UNKNOWN: &str = "SELECT a FROM unnest($1::bigint[]) a
                           WHERE NOT EXISTS (SELECT 1 FROM apps WHERE id = a) LIMIT 1";
    const SET: &str = "INSERT INTO check_suite_preferences (repo_id, app_id, setting)
                       SELECT $1, a, s FROM unnest($2::bigint[], $3::boolean[]) AS t(a, s)
                       ON CONFLICT (repo_id, app_id) DO UPDATE SET setting = excluded.setting";
    const ANSWER: &str = "SELECT json_build_object(
                              'preferences', json_build_object('auto_trigger_checks', coalesce(
                                  (SELECT json_agg(json_build_object('app_id', p.app_id, 'setting', p.setting)
                                                   ORDER BY p.app_id)
                                   FROM check_suite_preferences p WHERE p.repo_id = r.id), '[]')),
                              'repository', gh_repo(r, $2, NULL))::text
                          FROM repos r WHERE r.id = $1";
    let settings = auto_trigger_checks(&body)?;
    let (client, repo) = scope.open().await?;
    repo.require(Access::Admin)?;
    let apps: Vec<i64> = settings.keys().copied().collect();
    if let Some(app) = db::first::<i64>(&client, UNKNOWN, &[&apps]).await? {
        return Err(ApiError::invalid_value(
            "CheckSuitePreference",
            "app_id",
            app,
        ));
    }
    let values: Vec<bool> = settings.values().copied().collect();
    db::execute(&client, SET, &[&repo.id, &apps, &values]).await?;
    Ok(req::ok(
        db::value(&client, ANSWER, &[&repo.id, &scope.base()]).await?,
    ))
}
