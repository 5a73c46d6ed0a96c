//! GitHub Actions: workflows (`workflows`), dispatches, workflow runs, their attempts and
//! jobs (one per attempt, following it). The clone runs
//! nothing: a dispatch records a run `queued`; `cancel` completes it `cancelled`; the admin
//! route `POST /api/admin/actions/runs/{id}` (`{"status": "in_progress"}` or
//! `{"conclusion": "success"}`) moves it on, as a runner would. `workflow_dispatch` and
//! `workflow_run` (`requested`, `in_progress`, `completed`) reach the repository's hooks.

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Listing, Query, Raw};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::workflows::{self, Workflow};
use crate::{db, hooks};

/// The conclusions a completed run may carry.
const CONCLUSIONS: [&str; 7] = [
    "success",
    "failure",
    "neutral",
    "cancelled",
    "skipped",
    "timed_out",
    "action_required",
];

/// `GET /repos/{owner}/{repo}/actions/workflows`.
pub(crate) async fn list_workflows(scope: Scope, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let created = created_at(&client, &repo).await?;
    let all = workflows::all(&client, &repo).await?;
    let total = all.len();
    let (_, page) = query.slice(all);
    let items: Vec<Value> = page
        .iter()
        .map(|w| w.json(scope.base(), &repo, &created))
        .collect();
    Ok(axum::Json(json!({ "total_count": total, "workflows": items })).into_response())
}

/// `GET /repos/{owner}/{repo}/actions/workflows/{id}` (an id or a file name).
pub(crate) async fn get_workflow(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let workflow = workflows::find(&client, &repo, &scope.path).await?;
    let created = created_at(&client, &repo).await?;
    Ok(axum::Json(workflow.json(scope.base(), &repo, &created)).into_response())
}

/// A workflow's `created_at`: its repository's.
async fn created_at(client: &impl GenericClient, repo: &Repo) -> ApiResult<String> {
    const SQL: &str = "SELECT gh_ts(created_at) FROM repos WHERE id = $1";
    Ok(db::value(client, SQL, &[&repo.id]).await?)
}

/// `POST /repos/{owner}/{repo}/actions/workflows/{id}/dispatches` (`ref`, `inputs`): 204,
/// a `queued` run on the ref's commit; 422 for a workflow without `workflow_dispatch`.
pub(crate) async fn dispatch(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let reference = body.required("ref", "WorkflowDispatch")?.to_owned();
    let inputs = body.object("inputs")?.cloned().unwrap_or_default();
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let workflow = workflows::find(&client, &repo, &scope.path).await?;
    if !workflow.dispatchable {
        return Err(ApiError::invalid(
            "Workflow does not have 'workflow_dispatch' trigger",
        ));
    }
    let sha = crate::objects::resolve(&client, repo.id, &reference)
        .await?
        .ok_or_else(|| ApiError::invalid(format!("No ref found for: {reference}")))?;
    let branch = reference
        .strip_prefix("refs/heads/")
        .unwrap_or(&reference)
        .to_owned();
    let full_ref = if reference.starts_with("refs/") {
        reference.clone()
    } else {
        format!("refs/heads/{reference}")
    };
    let base = scope.base();
    let tx = client.transaction().await?;
    let run = record(
        &tx,
        &repo,
        &workflow,
        (&branch, &sha),
        viewer.user_id,
        &inputs,
    )
    .await?;
    let mut payload = Map::new();
    payload.insert("inputs".into(), Value::Object(inputs));
    payload.insert("ref".into(), json!(full_ref));
    payload.insert("workflow".into(), json!(workflow.path));
    let mut woke = hooks::emit(
        &tx,
        base,
        repo.id,
        "workflow_dispatch",
        viewer.user_id,
        payload,
    )
    .await?;
    woke |= announce(&tx, base, run, "requested").await?;
    scope.commit(tx, woke).await?;
    Ok(req::no_content())
}

/// Records a `queued` run of `workflow` on `(branch, sha)`; returns its id.
async fn record(
    tx: &impl GenericClient,
    repo: &Repo,
    workflow: &Workflow,
    (branch, sha): (&str, &str),
    actor: i64,
    inputs: &Map<String, Value>,
) -> ApiResult<i64> {
    const SQL: &str =
        "INSERT INTO workflow_runs (repo_id, workflow_id, name, path, head_branch, head_sha,
                                                  event, run_number, actor_id, inputs)
                       SELECT $1, $2, $3, $4, $5, $6, 'workflow_dispatch',
                              1 + count(*), $7, $8::text::jsonb
                       FROM workflow_runs WHERE repo_id = $1 AND workflow_id = $2
                       RETURNING id";
    let inputs = Value::Object(inputs.clone()).to_string();
    let params: [&(dyn asym_kit::tokio_postgres::types::ToSql + Sync); 8] = [
        &repo.id,
        &workflow.id,
        &workflow.name,
        &workflow.path,
        &branch,
        &sha,
        &actor,
        &inputs,
    ];
    Ok(db::value(tx, SQL, &params).await?)
}

/// Sends `workflow_run` with `action` about run `id` to its repository's hooks.
async fn announce(tx: &impl GenericClient, base: &str, id: i64, action: &str) -> ApiResult<bool> {
    const SQL: &str = "SELECT w.repo_id, w.actor_id, gh_workflow_run(w, $2)::text
                       FROM workflow_runs w WHERE w.id = $1";
    let row = db::found(tx, SQL, &[&id, &base]).await?;
    let (repo, actor, run): (i64, i64, String) = (row.get(0), row.get(1), row.get(2));
    let run = hooks::parse(&run);
    let mut payload = hooks::payload(action, []);
    payload.insert(
        "workflow".into(),
        json!({ "id": run["workflow_id"], "name": run["name"], "path": run["path"],
                "state": "active", "url": run["workflow_url"] }),
    );
    payload.insert("workflow_run".into(), run);
    hooks::emit(tx, base, repo, "workflow_run", actor, payload).await
}

/// `GET /repos/{owner}/{repo}/actions/runs`.
pub(crate) async fn list_runs(scope: Scope, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    runs(&scope, &client, &repo, None, &query).await
}

/// `GET /repos/{owner}/{repo}/actions/workflows/{id}/runs`.
pub(crate) async fn list_workflow_runs(scope: Scope<String>, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let workflow = workflows::find(&client, &repo, &scope.path).await?;
    runs(&scope, &client, &repo, Some(&workflow), &query).await
}

/// A page of runs (newest first) as `{total_count, workflow_runs}`, filtered by `branch`,
/// `event`, `status` (a status or a conclusion), `head_sha` and `actor`.
async fn runs<P>(
    scope: &Scope<P>,
    client: &impl GenericClient,
    repo: &Repo,
    workflow: Option<&Workflow>,
    query: &Query,
) -> ApiResult {
    let listing = Listing {
        from: "workflow_runs w",
        alias: "w",
        filter: "w.repo_id = $1 AND ($2::bigint IS NULL OR w.workflow_id = $2)
                 AND ($3::text IS NULL OR w.head_branch = $3) AND ($4::text IS NULL OR w.event = $4)
                 AND ($5::text IS NULL OR w.status = $5 OR w.conclusion = $5)
                 AND ($6::text IS NULL OR w.head_sha = $6)
                 AND ($7::text IS NULL OR w.actor_id = (SELECT id FROM users WHERE lower(login) = lower($7)))",
        item: "gh_workflow_run(w, $8)",
        order: "w.id DESC",
    };
    let sql = listing.counted_sql(8, "workflow_runs");
    let tail = workflow.map_or_else(
        || "actions/runs".to_owned(),
        |w| format!("actions/workflows/{}/runs", w.id),
    );
    let id = workflow.map(|w| w.id);
    let base = scope.base();
    req::list_sql(
        client,
        &scope.page(repo, &tail, query),
        &sql,
        &[
            &repo.id,
            &id,
            &query.get("branch"),
            &query.get("event"),
            &query.get("status"),
            &query.get("head_sha"),
            &query.get("actor"),
            &base,
        ],
    )
    .await
}

/// The run the path names, as `(id, status)`: 404 when the repository has none such.
pub(crate) async fn run_of(
    client: &impl GenericClient,
    repo: &Repo,
    id: &str,
) -> ApiResult<(i64, String)> {
    const SQL: &str = "SELECT id, status FROM workflow_runs WHERE repo_id = $2 AND id = $1";
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let row = db::found(client, SQL, &[&id, &repo.id]).await?;
    Ok((row.get(0), row.get(1)))
}

/// The run `id` names in any repository, for the admin routes: its id (404 when there is
/// none), its row locked until the transaction ends when `lock`.
pub(crate) async fn any_run(client: &impl GenericClient, id: &str, lock: bool) -> ApiResult<i64> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let sql = match lock {
        true => "SELECT id FROM workflow_runs WHERE id = $1 FOR UPDATE",
        false => "SELECT id FROM workflow_runs WHERE id = $1",
    };
    db::found(client, sql, &[&id]).await?;
    Ok(id)
}

/// `GET /repos/{owner}/{repo}/actions/runs/{id}`.
pub(crate) async fn get_run(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let (id, _) = run_of(&client, &repo, &scope.path).await?;
    const SQL: &str = "SELECT gh_workflow_run(w, $2)::text FROM workflow_runs w WHERE w.id = $1";
    Ok(req::ok(
        db::value(&client, SQL, &[&id, &scope.base()]).await?,
    ))
}

/// `DELETE /repos/{owner}/{repo}/actions/runs/{id}`: 204 (401 without credentials).
pub(crate) async fn delete_run(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    let (client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let (id, _) = run_of(&client, &repo, &scope.path).await?;
    db::execute(&client, "DELETE FROM workflow_runs WHERE id = $1", &[&id]).await?;
    Ok(req::no_content())
}

/// `POST /repos/{owner}/{repo}/actions/runs/{id}/cancel`: 202 `{}`, the run completed
/// `cancelled`; 409 for a run already completed (401 without credentials).
pub(crate) async fn cancel(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let (id, status) = run_of(&client, &repo, &scope.path).await?;
    if status == "completed" {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "Cannot cancel a workflow run that is completed.",
        ));
    }
    let tx = client.transaction().await?;
    let woke = advance(&tx, scope.base(), id, "completed", Some("cancelled")).await?;
    scope.commit(tx, woke).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(json!({}))).into_response())
}

/// `POST /repos/{owner}/{repo}/actions/runs/{id}/rerun`: 201 `{}`, the run queued again as
/// its next attempt; 403 while it has not completed (401 without credentials).
pub(crate) async fn rerun(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let (id, status) = run_of(&client, &repo, &scope.path).await?;
    if status != "completed" {
        return Err(ApiError::forbidden("This workflow is already running"));
    }
    const KEEP: &str = "INSERT INTO workflow_run_attempts
                            (run_id, attempt, status, conclusion, run_started_at, updated_at)
                        SELECT id, run_attempt, status, conclusion, run_started_at, updated_at
                        FROM workflow_runs WHERE id = $1";
    const SQL: &str = "UPDATE workflow_runs SET run_attempt = run_attempt + 1, status = 'queued',
                           conclusion = NULL, updated_at = now(), run_started_at = now()
                       WHERE id = $1";
    let tx = client.transaction().await?;
    db::execute(&tx, KEEP, &[&id]).await?;
    db::execute(&tx, SQL, &[&id]).await?;
    let woke = announce(&tx, scope.base(), id, "requested").await?;
    scope.commit(tx, woke).await?;
    Ok((StatusCode::CREATED, axum::Json(json!({}))).into_response())
}

/// An attempt number from the path (404 unless a positive number).
fn attempt_of(text: &str) -> ApiResult<i64> {
    text.parse()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(ApiError::not_found)
}

/// `GET /repos/{owner}/{repo}/actions/runs/{id}/attempts/{n}`: the run as its attempt `n`
/// left it (as it is, for the current attempt); 404 for an attempt it has not had.
pub(crate) async fn get_attempt(scope: Scope<(String, String)>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let (id, _) = run_of(&client, &repo, &scope.path.0).await?;
    let attempt = attempt_of(&scope.path.1)?;
    const SQL: &str = "SELECT gh_workflow_run(gh_workflow_run_at(w, $2), $3)::text
                       FROM workflow_runs w WHERE w.id = $1 AND (gh_workflow_run_at(w, $2)).id IS NOT NULL";
    let row = db::found(&client, SQL, &[&id, &attempt, &scope.base()]).await?;
    Ok(req::ok(row.get(0)))
}

/// `{total_count, jobs}`: the jobs of run `id`'s attempts `from` to `to` (newest first).
async fn jobs(client: &impl GenericClient, base: &str, id: i64, attempts: (i64, i64)) -> ApiResult {
    const SQL: &str = "SELECT json_build_object('total_count', count(*), 'jobs', coalesce(
                           json_agg(gh_workflow_job(gh_workflow_run_at(w, a.n), $4) ORDER BY a.n DESC),
                           '[]'))::text
                       FROM workflow_runs w,
                            generate_series(greatest($2::bigint, 1), least($3::bigint, w.run_attempt)) a(n)
                       WHERE w.id = $1 AND (gh_workflow_run_at(w, a.n)).id IS NOT NULL";
    let (from, to) = attempts;
    Ok(req::ok(
        db::value(client, SQL, &[&id, &from, &to, &base]).await?,
    ))
}

/// `GET /repos/{owner}/{repo}/actions/runs/{id}/jobs` (`filter` `latest`, the default, or
/// `all` attempts'): each attempt of a run has one job, which follows it.
pub(crate) async fn run_jobs(scope: Scope<String>, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let (id, _) = run_of(&client, &repo, &scope.path).await?;
    const SQL: &str = "SELECT run_attempt FROM workflow_runs WHERE id = $1";
    let current: i64 = db::value(&client, SQL, &[&id]).await?;
    let from = match query.get("filter") {
        None | Some("latest") => current,
        Some("all") => 1,
        Some(_) => return Err(ApiError::validation("Job", "filter", "invalid")),
    };
    jobs(&client, scope.base(), id, (from, current)).await
}

/// `GET /repos/{owner}/{repo}/actions/runs/{id}/attempts/{n}/jobs`: that attempt's job.
pub(crate) async fn attempt_jobs(scope: Scope<(String, String)>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let (id, _) = run_of(&client, &repo, &scope.path.0).await?;
    let attempt = attempt_of(&scope.path.1)?;
    jobs(&client, scope.base(), id, (attempt, attempt)).await
}

/// `GET /repos/{owner}/{repo}/actions/jobs/{id}`: a job (its run's id times 100 plus its
/// attempt); 404 for any other id.
pub(crate) async fn get_job(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let job: i64 = scope.path.parse().map_err(|_| ApiError::not_found())?;
    let (run, attempt) = (job / 100, job % 100);
    const SQL: &str = "SELECT gh_workflow_job(gh_workflow_run_at(w, $3), $4)::text
                       FROM workflow_runs w
                       WHERE w.id = $1 AND w.repo_id = $2 AND $3::bigint >= 1
                         AND (gh_workflow_run_at(w, $3)).id IS NOT NULL";
    let row = db::found(&client, SQL, &[&run, &repo.id, &attempt, &scope.base()]).await?;
    Ok(req::ok(row.get(0)))
}

/// Sets run `id`'s status (and conclusion) and announces it (`in_progress`, `completed`).
async fn advance(
    tx: &impl GenericClient,
    base: &str,
    id: i64,
    status: &str,
    conclusion: Option<&str>,
) -> ApiResult<bool> {
    const SQL: &str = "UPDATE workflow_runs SET status = $2, conclusion = $3, updated_at = now()
                       WHERE id = $1";
    db::execute(tx, SQL, &[&id, &status, &conclusion]).await?;
    let action = if status == "completed" {
        "completed"
    } else {
        "in_progress"
    };
    announce(tx, base, id, action).await
}

/// `POST /api/admin/actions/runs/{id}` (`{"status": "in_progress"}` or `{"conclusion": c}`,
/// which completes it): what a runner would do to run `id`. Answers the run.
pub(crate) async fn admin_advance(
    State(kit): State<Kit>,
    Path(id): Path<String>,
    Raw(bytes): Raw,
) -> ApiResult {
    let body = Body::parse(&bytes)?;
    let conclusion = body.one_of("conclusion", &CONCLUSIONS, "WorkflowRun")?;
    let asked = body.one_of(
        "status",
        &["queued", "in_progress", "completed"],
        "WorkflowRun",
    )?;
    let status = match (asked.as_deref(), &conclusion) {
        (_, Some(_)) => "completed".to_owned(),
        (Some("completed"), None) => {
            return Err(ApiError::validation(
                "WorkflowRun",
                "conclusion",
                "missing_field",
            ));
        }
        (Some(status), None) => status.to_owned(),
        (None, None) => {
            return Err(ApiError::validation(
                "WorkflowRun",
                "status",
                "missing_field",
            ));
        }
    };
    let base = kit.config().public_url.clone();
    let mut client = kit.db().await?;
    let tx = client.transaction().await?;
    let id = any_run(&tx, &id, true).await?;
    let woke = advance(&tx, &base, id, &status, conclusion.as_deref()).await?;
    const SQL: &str = "SELECT gh_workflow_run(w, $2)::text FROM workflow_runs w WHERE w.id = $1";
    let text: String = db::value(&tx, SQL, &[&id, &base]).await?;
    tx.commit().await?;
    if woke {
        kit.wake_outbox();
    }
    Ok(req::ok(text))
}
