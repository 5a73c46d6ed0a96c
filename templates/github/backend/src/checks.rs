//! Commit statuses (create, list, the combined status of a ref) and checks (runs: create,
//! update, get, list for a ref; suites: get, list for a ref). Only a GitHub App
//! installation token may create check runs; a classic token gets 403, as on GitHub.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::objects;
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Listing, Page, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{annotations, git, hooks, time};

const STATES: [&str; 4] = ["error", "failure", "pending", "success"];
const RUN_STATUSES: [&str; 6] = [
    "queued",
    "in_progress",
    "completed",
    "waiting",
    "requested",
    "pending",
];
const CONCLUSIONS: [&str; 8] = [
    "action_required",
    "cancelled",
    "failure",
    "neutral",
    "success",
    "skipped",
    "stale",
    "timed_out",
];

/// GitHub's 422 for a revision that names no commit of the repository.
fn no_commit(rev: &str) -> ApiError {
    ApiError::invalid(format!("No commit found for SHA: {rev}"))
}

/// The commit a status or check route names (a sha, branch or tag).
async fn commit_of(client: &impl GenericClient, repo: &Repo, rev: &str) -> ApiResult<String> {
    objects::resolve(client, repo.id, rev)
        .await?
        .ok_or_else(|| no_commit(rev))
}

/// A check run's `head_sha`: the full id of a commit of the repository. Unlike the routes
/// that take a ref, GitHub resolves no branch or tag name here (`main` is 422 as an unknown
/// sha is).
pub(crate) async fn head_commit(
    client: &impl GenericClient,
    repo: &Repo,
    sha: &str,
) -> ApiResult<String> {
    if git::is_sha(sha) && objects::commit(client, repo.id, sha).await?.is_some() {
        Ok(sha.to_owned())
    } else {
        Err(no_commit(sha))
    }
}

/// `POST /repos/{owner}/{repo}/statuses/{sha}`.
pub(crate) async fn create_status(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let sha = &scope.path;
    let state = body
        .one_of("state", &STATES, "Status")?
        .ok_or_else(|| ApiError::invalid("Invalid request.\n\n\"state\" wasn't supplied."))?;
    let context = body.str("context")?.unwrap_or("default").to_owned();
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let sha = commit_of(&client, &repo, sha).await?;
    let base = scope.base();
    let tx = client.transaction().await?;
    let text: String = tx
        .query_one(
            "WITH s AS (INSERT INTO statuses (repo_id, sha, state, target_url, description, context, creator_id)
                        VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *)
             SELECT gh_status(s, $8)::text FROM s",
            &[&repo.id, &sha, &state, &body.str("target_url")?, &body.str("description")?, &context, &viewer.user_id, &base],
        )
        .await?
        .get(0);
    let status: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let mut payload = Map::new();
    for key in [
        "id",
        "state",
        "description",
        "target_url",
        "context",
        "created_at",
        "updated_at",
    ] {
        payload.insert(key.into(), status[key].clone());
    }
    payload.insert("sha".into(), json!(sha));
    payload.insert("name".into(), json!(repo.full_name));
    payload.insert("branches".into(), json!([]));
    let woke = hooks::emit(&tx, base, repo.id, "status", viewer.user_id, payload).await?;
    scope.commit(tx, woke).await?;
    Ok(req::created(text))
}

/// `GET /repos/{owner}/{repo}/commits/{ref}/statuses` (and `/statuses/{ref}`), newest first.
pub(crate) async fn list_statuses(scope: Scope<String>, query: Query) -> ApiResult {
    let rev = &scope.path;
    let (client, repo) = scope.open().await?;
    let sha = commit_of(&client, &repo, rev).await?;
    req::list(
        &client,
        &scope.page(&repo, &format!("commits/{rev}/statuses"), &query),
        &Listing {
            from: "statuses s",
            alias: "s",
            filter: "s.repo_id = $1 AND s.sha = $2",
            item: "gh_status(s, $3)",
            order: "s.id DESC",
        },
        &[&repo.id, &sha, &scope.base()],
    )
    .await
}

/// `GET /repos/{owner}/{repo}/commits/{ref}/status`: the latest status per context and
/// their combined state.
pub(crate) async fn combined(scope: Scope<String>) -> ApiResult {
    let base = scope.base();
    let (client, repo) = scope.open().await?;
    let sha = commit_of(&client, &repo, &scope.path).await?;
    let row = client
        .query_one(
            "WITH latest AS (SELECT DISTINCT ON (context) * FROM statuses WHERE repo_id = $1 AND sha = $2
                             ORDER BY context, id DESC)
             SELECT CASE WHEN bool_or(state IN ('error', 'failure')) THEN 'failure'
                         WHEN count(*) = 0 OR bool_or(state = 'pending') THEN 'pending'
                         ELSE 'success' END,
                    count(*),
                    coalesce(json_agg(gh_status(latest, $3)::jsonb - 'creator' ORDER BY latest.id), '[]')::text,
                    (SELECT gh_repo(r, $3, NULL)::text FROM repos r WHERE r.id = $1)
             FROM latest",
            &[&repo.id, &sha, &base],
        )
        .await?;
    let ru = repo.url(base);
    let body = json!({
        "state": row.get::<_, String>(0),
        "statuses": serde_json::from_str::<Value>(row.get(2)).unwrap_or(Value::Null),
        "sha": sha,
        "total_count": row.get::<_, i64>(1),
        "repository": serde_json::from_str::<Value>(row.get(3)).unwrap_or(Value::Null),
        "commit_url": format!("{ru}/commits/{sha}"),
        "url": format!("{ru}/commits/{sha}/status"),
    });
    Ok(axum::Json(body).into_response())
}

/// The app behind an installation token, or 403 for anything else.
pub(crate) async fn app_of(client: &impl GenericClient, viewer: &Viewer) -> ApiResult<i64> {
    if !viewer.installation {
        return Err(ApiError::forbidden(
            "You must authenticate via a GitHub App.",
        ));
    }
    let row = client
        .query_opt(
            "SELECT id FROM apps WHERE bot_user_id = $1",
            &[&viewer.user_id],
        )
        .await?
        .ok_or_else(|| ApiError::forbidden("You must authenticate via a GitHub App."))?;
    Ok(row.get(0))
}

/// A run's fields from a body: (status, conclusion, started, completed, output).
struct RunFields {
    status: Option<String>,
    conclusion: Option<String>,
    completed_at: Option<f64>,
    started_at: Option<f64>,
    output: Option<String>,
}

fn run_fields(body: &Body) -> ApiResult<RunFields> {
    let conclusion = body.one_of("conclusion", &CONCLUSIONS, "CheckRun")?;
    let mut status = body.one_of("status", &RUN_STATUSES, "CheckRun")?;
    if conclusion.is_some() {
        status = Some("completed".into());
    }
    if status.as_deref() == Some("completed") && conclusion.is_none() {
        return Err(ApiError::invalid(
            "Invalid request.\n\nNo subschema in \"anyOf\" matched.\n\"conclusion\" wasn't supplied.",
        ));
    }
    let stamp = |key: &str| -> ApiResult<Option<f64>> {
        #[allow(
            clippy::cast_precision_loss,
            reason = "Unix seconds fit a double exactly"
        )]
        body.str(key)?
            .map(|t| {
                time::parse(t)
                    .map(|s| s as f64)
                    .ok_or_else(|| ApiError::validation("CheckRun", key, "invalid"))
            })
            .transpose()
    };
    let output = body.object("output")?.map(|o| {
        json!({
            "title": o.get("title").cloned().unwrap_or(Value::Null),
            "summary": o.get("summary").cloned().unwrap_or(Value::Null),
            "text": o.get("text").cloned().unwrap_or(Value::Null),
        })
        .to_string()
    });
    Ok(RunFields {
        status,
        conclusion,
        completed_at: stamp("completed_at")?,
        started_at: stamp("started_at")?,
        output,
    })
}

async fn announce_run(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    run: &str,
    action: &str,
    sender: i64,
) -> ApiResult<bool> {
    let payload = hooks::payload(action, [("check_run", run)]);
    hooks::emit(client, base, repo.id, "check_run", sender, payload).await
}

/// `POST /repos/{owner}/{repo}/check-runs` (installation tokens only).
pub(crate) async fn create_run(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let (mut client, repo) = scope.open().await?;
    let app = app_of(&client, &viewer).await?;
    let run_name = body.required("name", "CheckRun")?.to_owned();
    let head = body.required("head_sha", "CheckRun")?.to_owned();
    let fields = run_fields(&body)?;
    let notes = annotations::parse(&body)?;
    let sha = head_commit(&client, &repo, &head).await?;
    let base = scope.base();
    let tx = client.transaction().await?;
    let id: i64 = tx
        .query_one(
            "WITH s AS (INSERT INTO check_suites (repo_id, app_id, head_sha, head_branch)
                        VALUES ($1, $2, $3, (SELECT substr(ref, 12) FROM git_refs WHERE repo_id = $1 AND sha = $3
                                             AND ref LIKE 'refs/heads/%' ORDER BY ref LIMIT 1))
                        ON CONFLICT (repo_id, app_id, head_sha) DO UPDATE SET updated_at = now(), rerequested = false
                        RETURNING id),
                  c AS (INSERT INTO check_runs (repo_id, suite_id, head_sha, name, status, conclusion, external_id,
                                                details_url, output, started_at, completed_at)
                        SELECT $1, s.id, $3, $4, coalesce($5, 'queued'), $6, $7, $8,
                               coalesce($9::text::json, '{\"title\":null,\"summary\":null,\"text\":null}'),
                               coalesce(to_timestamp($10), now()),
                               CASE WHEN $6::text IS NOT NULL THEN coalesce(to_timestamp($11), now()) END
                        FROM s RETURNING id)
             SELECT id FROM c",
            &[
                &repo.id, &app, &sha, &run_name, &fields.status, &fields.conclusion, &body.str("external_id")?,
                &body.str("details_url")?, &fields.output, &fields.started_at, &fields.completed_at,
            ],
        )
        .await?
        .get(0);
    annotations::store(&tx, id, &notes).await?;
    // Rendered in a second statement: the suite the first one may have made is visible now.
    let text: String = tx
        .query_one(
            "SELECT gh_check_run(c, $2)::text FROM check_runs c WHERE c.id = $1",
            &[&id, &base],
        )
        .await?
        .get(0);
    let woke = announce_run(&tx, base, &repo, &text, "created", viewer.user_id).await?;
    scope.commit(tx, woke).await?;
    Ok(req::created(text))
}

async fn find_run(client: &impl GenericClient, repo: &Repo, id: &str) -> ApiResult<(i64, i64)> {
    const SQL: &str =
        "SELECT c.id, s.app_id FROM check_runs c JOIN check_suites s ON s.id = c.suite_id
                       WHERE c.id = $1 AND c.repo_id = $2";
    let row = db::keyed::<i64>(client, SQL, id, repo.id).await?;
    Ok((row.get(0), row.get(1)))
}

/// The id of the repository's check run `id` (from the path) when `app` created it: 404 when
/// the repository has no such run, 403 when another app made it.
async fn own_run(client: &impl GenericClient, repo: &Repo, id: &str, app: i64) -> ApiResult<i64> {
    let (id, owner_app) = find_run(client, repo, id).await?;
    if app != owner_app {
        return Err(ApiError::forbidden(format!(
            "Invalid app_id `{app}` - check run can only be modified by the GitHub App that created it."
        )));
    }
    Ok(id)
}

/// The id of the repository's check run `id` (from the path): 404 when it has none.
pub(crate) async fn run_id(client: &impl GenericClient, repo: &Repo, id: &str) -> ApiResult<i64> {
    Ok(find_run(client, repo, id).await?.0)
}

/// `GET /repos/{owner}/{repo}/check-runs/{id}`.
pub(crate) async fn get_run(scope: Scope<String>) -> ApiResult {
    const SQL: &str = "SELECT gh_check_run(c, $2)::text FROM check_runs c WHERE c.id = $1";
    let id = &scope.path;
    let (client, repo) = scope.open().await?;
    let (id, _) = find_run(&client, &repo, id).await?;
    Ok(req::ok(
        db::value(&client, SQL, &[&id, &scope.base()]).await?,
    ))
}

/// `PATCH /repos/{owner}/{repo}/check-runs/{id}` (the app that created it only).
pub(crate) async fn update_run(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let id = &scope.path;
    let fields = run_fields(&body)?;
    let notes = annotations::parse(&body)?;
    let (mut client, repo) = scope.open().await?;
    let app = app_of(&client, &viewer).await?;
    let id = own_run(&client, &repo, id, app).await?;
    let base = scope.base();
    let tx = client.transaction().await?;
    annotations::store(&tx, id, &notes).await?;
    let text: String = tx
        .query_one(
            "WITH s AS (UPDATE check_suites SET rerequested = false
                        WHERE id = (SELECT suite_id FROM check_runs WHERE id = $1)),
                  c AS (UPDATE check_runs SET name = coalesce($2, name), status = coalesce($3, status),
                            conclusion = coalesce($4, conclusion), external_id = coalesce($5, external_id),
                            details_url = coalesce($6, details_url), output = coalesce($7::text::json, output),
                            started_at = coalesce(to_timestamp($8), started_at),
                            completed_at = CASE WHEN $4::text IS NOT NULL THEN coalesce(to_timestamp($9), now()) ELSE completed_at END
                        WHERE id = $1 RETURNING *)
             SELECT gh_check_run(c, $10)::text FROM c",
            &[
                &id, &body.str("name")?, &fields.status, &fields.conclusion, &body.str("external_id")?, &body.str("details_url")?,
                &fields.output, &fields.started_at, &fields.completed_at, &base,
            ],
        )
        .await?
        .get(0);
    let action = if fields.conclusion.is_some() {
        "completed"
    } else {
        "updated"
    };
    let woke = announce_run(&tx, base, &repo, &text, action, viewer.user_id).await?;
    scope.commit(tx, woke).await?;
    Ok(req::ok(text))
}

/// `POST /repos/{owner}/{repo}/check-runs/{id}/rerequest` (the app that created it; 403 for
/// another, 422 for a run not completed): 201 `{}`. As GitHub documents it, the run's suite is
/// `queued` again with no conclusion, the run itself is left as it is, and a `check_run`
/// `rerequested` webhook tells the app to update it.
pub(crate) async fn rerequest_run(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    const RUN: &str =
        "SELECT c.status, gh_check_run(c, $2)::text FROM check_runs c WHERE c.id = $1";
    const SUITE: &str = "UPDATE check_suites SET rerequested = true, updated_at = now()
                         WHERE id = (SELECT suite_id FROM check_runs WHERE id = $1)";
    let (mut client, repo) = scope.open().await?;
    let app = app_of(&client, &viewer).await?;
    let id = own_run(&client, &repo, &scope.path, app).await?;
    let base = scope.base();
    let run = db::found(&client, RUN, &[&id, &base]).await?;
    if run.get::<_, &str>(0) != "completed" {
        return Err(ApiError::invalid("Invalid check_run_id"));
    }
    let tx = client.transaction().await?;
    db::execute(&tx, SUITE, &[&id]).await?;
    let woke = announce_run(&tx, base, &repo, run.get(1), "rerequested", viewer.user_id).await?;
    scope.commit(tx, woke).await?;
    Ok(req::created("{}".into()))
}

/// `GET /repos/{owner}/{repo}/commits/{ref}/check-runs` (`check_name`, `status`).
pub(crate) async fn runs_for_ref(scope: Scope<String>, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let sha = commit_of(&client, &repo, &scope.path).await?;
    let tail = format!("commits/{}/check-runs", scope.path);
    let page = scope.page(&repo, &tail, &query);
    list_runs(&client, &repo, &page, &query, Runs::Of(&sha)).await
}

/// Which check runs a list shows.
pub(crate) enum Runs<'a> {
    /// Those on a commit.
    Of(&'a str),
    /// Those of a check suite.
    In(i64),
}

/// The check runs `which` names, filtered by `check_name` and `status` (422 `invalid` for a
/// status GitHub does not take), newest first: `{total_count, check_runs}`.
pub(crate) async fn list_runs(
    client: &impl GenericClient,
    repo: &Repo,
    page: &Page<'_>,
    query: &Query,
    which: Runs<'_>,
) -> ApiResult {
    let status = query.get("status").map(str::to_owned);
    if status
        .as_deref()
        .is_some_and(|s| !["queued", "in_progress", "completed"].contains(&s))
    {
        return Err(ApiError::validation("CheckRun", "status", "invalid"));
    }
    let (sha, suite) = match which {
        Runs::Of(sha) => (Some(sha), None),
        Runs::In(suite) => (None, Some(suite)),
    };
    let runs = Listing {
        from: "check_runs c",
        alias: "c",
        filter: "c.repo_id = $1 AND ($2::text IS NULL OR c.head_sha = $2) AND ($3::text IS NULL OR c.name = $3)
                 AND ($4::text IS NULL OR c.status = $4) AND ($6::bigint IS NULL OR c.suite_id = $6)",
        item: "gh_check_run(c, $5)",
        order: "c.id DESC",
    };
    let base = page.base();
    req::list_sql(
        client,
        page,
        &runs.counted_sql(6, "check_runs"),
        &[
            &repo.id,
            &sha,
            &query.get("check_name"),
            &status,
            &base,
            &suite,
        ],
    )
    .await
}

/// `GET /repos/{owner}/{repo}/commits/{ref}/check-suites`.
pub(crate) async fn suites_for_ref(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let sha = commit_of(&client, &repo, &scope.path).await?;
    let row = client
        .query_one(
            "SELECT count(*), coalesce(json_agg(gh_check_suite(s, $3) ORDER BY s.id), '[]')::text
             FROM check_suites s WHERE s.repo_id = $1 AND s.head_sha = $2",
            &[&repo.id, &sha, &scope.base()],
        )
        .await?;
    Ok(counted("check_suites", &row))
}

/// `{"total_count": n, <key>: [...]}` from a row of the count and the JSON array's text.
pub(crate) fn counted(key: &str, row: &Row) -> Response {
    let items = serde_json::from_str::<Value>(row.get(1)).unwrap_or(Value::Null);
    let body = json!({ "total_count": row.get::<_, i64>(0), key: items });
    axum::Json(body).into_response()
}

/// `GET /repos/{owner}/{repo}/check-suites/{id}`.
pub(crate) async fn get_suite(scope: Scope<String>) -> ApiResult {
    let id = &scope.path;
    let id: i64 = db::id(id)?;
    let (client, repo) = scope.open().await?;
    let row = db::found(
        &client,
        "SELECT gh_check_suite(s, $3)::text FROM check_suites s WHERE s.id = $1 AND s.repo_id = $2",
        &[&id, &repo.id, &scope.base()],
    )
    .await?;
    Ok((StatusCode::OK, req::ok(row.get(0))).into_response())
}

/// `GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations`: oldest first, paginated;
/// 404 for a run of no such id in the repository.
pub(crate) async fn list_annotations(scope: Scope<String>, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let run = run_id(&client, &repo, &scope.path).await?;
    let tail = format!("check-runs/{run}/annotations");
    req::list(
        &client,
        &scope.page(&repo, &tail, &query),
        &Listing {
            from: "check_annotations a",
            alias: "a",
            filter: "a.run_id = $1",
            item: "gh_check_annotation(a, (SELECT c FROM check_runs c WHERE c.id = a.run_id), $2)",
            order: "a.id",
        },
        &[&run, &scope.base()],
    )
    .await
}
