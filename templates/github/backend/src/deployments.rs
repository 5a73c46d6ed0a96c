//! Deployments (Octokit's `repos.*Deployment*`, PyGithub's `Repository.create_deployment`,
//! `get_deployments`, `Deployment.*`): `GET/POST /repos/{o}/{r}/deployments`,
//! `GET/DELETE …/deployments/{id}`, `GET/POST …/deployments/{id}/statuses`,
//! `GET …/statuses/{status_id}`, with the `deployment` and `deployment_status` webhooks; and
//! environments: `GET …/environments`, `GET/PUT/DELETE …/environments/{name}`.

use serde_json::{Map, Value, json};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::hooks;
use crate::objects;
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Listing, Query, Shape};
use crate::scope::Scope;
use crate::viewer::Viewer;

/// The states a deployment status may take.
const STATES: [&str; 7] = [
    "error",
    "failure",
    "inactive",
    "in_progress",
    "queued",
    "pending",
    "success",
];

/// A body's `payload`: an object, or a string (kept as GitHub does: parsed when it holds a
/// JSON object, else the string itself).
fn payload(body: &Body) -> ApiResult<Value> {
    Ok(match body.0.get("payload") {
        None | Some(Value::Null) => json!({}),
        Some(Value::Object(map)) => Value::Object(map.clone()),
        Some(Value::String(text)) if text.is_empty() => json!({}),
        Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
            Ok(parsed @ Value::Object(_)) => parsed,
            _ => Value::String(text.clone()),
        },
        Some(_) => {
            return Err(ApiError::invalid(
                "Invalid request.\n\nFor 'properties/payload', data matches no possible input.",
            ));
        }
    })
}

/// The contexts among `required` (every context the commit has when `None`) whose latest
/// commit status on `sha` is not `success`, with that state (`missing` when there is none).
async fn failing(
    client: &impl asym_kit::deadpool_postgres::GenericClient,
    repo: &Repo,
    sha: &str,
    required: Option<&[String]>,
) -> ApiResult<Vec<Value>> {
    const SQL: &str = "WITH latest AS (SELECT DISTINCT ON (context) context, state FROM statuses
                                       WHERE repo_id = $1 AND sha = $2 ORDER BY context, id DESC),
                            wanted AS (SELECT c FROM unnest($3::text[]) c WHERE $4
                                       UNION SELECT context FROM latest WHERE NOT $4)
                       SELECT w.c, coalesce(l.state, 'missing') FROM wanted w
                       LEFT JOIN latest l ON l.context = w.c
                       WHERE l.state IS DISTINCT FROM 'success' ORDER BY w.c";
    let given = required.map(<[String]>::to_vec).unwrap_or_default();
    let rows = client
        .query(SQL, &[&repo.id, &sha, &given, &required.is_some()])
        .await?;
    Ok(rows
        .iter()
        .map(|row| json!({ "context": row.get::<_, String>(0), "state": row.get::<_, String>(1) }))
        .collect())
}

/// `POST /repos/{o}/{r}/deployments` (`ref` required, a branch, tag or sha; `task`
/// (`deploy`), `auto_merge`, `required_contexts`, `payload`, `environment` (`production`),
/// `description`, `transient_environment`, `production_environment`): 201 with the
/// deployment, its environment created when new; a `deployment` webhook. Every context of
/// `required_contexts` (all the commit's contexts when it is absent) must have a `success`
/// latest commit status, else 409 with the failing ones.
pub(crate) async fn create(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let reference = body.required("ref", "Deployment")?.to_owned();
    body.accepts(&[("auto_merge", Shape::Bool)])?;
    let task = body.str("task")?.unwrap_or("deploy").to_owned();
    let environment = body.str("environment")?.unwrap_or("production").to_owned();
    let required = body.strings("required_contexts")?;
    let payload = payload(&body)?;
    let transient = body.bool("transient_environment")?.unwrap_or(false);
    let production = body
        .bool("production_environment")?
        .unwrap_or(environment == "production");
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let Some(sha) = objects::resolve(&client, repo.id, &reference).await? else {
        return Err(ApiError::invalid(format!("No ref found for: {reference}")));
    };
    let failing = failing(&client, &repo, &sha, required.as_deref()).await?;
    if !failing.is_empty() {
        return Err(ApiError::conflict(format!(
            "Conflict: Commit status checks failed for {reference}."
        ))
        .with_error(json!({
            "contexts": failing, "resource": "Deployment", "field": "required_contexts", "code": "invalid"
        })));
    }
    let base = scope.base();
    let tx = client.transaction().await?;
    const ENVIRONMENT: &str =
        "INSERT INTO environments (repo_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING";
    db::execute(&tx, ENVIRONMENT, &[&repo.id, &environment]).await?;
    const SQL: &str = "WITH d AS (INSERT INTO deployments (repo_id, sha, ref, task, payload, original_environment,
                                                           environment, description, creator_id,
                                                           transient_environment, production_environment)
                                  VALUES ($1, $2, $3, $4, $5::text::json, $6, $6, $7, $8, $9, $10) RETURNING *)
                       SELECT gh_deployment(d, $11)::text FROM d";
    let text: String = db::value(
        &tx,
        SQL,
        &[
            &repo.id,
            &sha,
            &reference,
            &task,
            &payload.to_string(),
            &environment,
            &body.str("description")?,
            &viewer.user_id,
            &transient,
            &production,
            &base,
        ],
    )
    .await?;
    let mut event = Map::new();
    event.insert("action".into(), json!("created"));
    event.insert("deployment".into(), parse(&text));
    let woke = hooks::emit(&tx, base, repo.id, "deployment", viewer.user_id, event).await?;
    scope.commit(tx, woke).await?;
    Ok(req::created(text))
}

/// A rendering read back as JSON.
fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// `GET /repos/{o}/{r}/deployments` (`sha`, `ref`, `task`, `environment`), newest first.
pub(crate) async fn list(scope: Scope, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let filter = |name: &str| query.get(name).map(str::to_owned);
    req::list(
        &client,
        &scope.page(&repo, "deployments", &query),
        &Listing {
            from: "deployments d",
            alias: "d",
            filter: "d.repo_id = $1 AND ($3::text IS NULL OR d.sha = $3) AND ($4::text IS NULL OR d.ref = $4)
                     AND ($5::text IS NULL OR d.task = $5) AND ($6::text IS NULL OR d.environment = $6)",
            item: "gh_deployment(d, $2)",
            order: "d.id DESC",
        },
        &[
            &repo.id,
            &scope.base(),
            &filter("sha"),
            &filter("ref"),
            &filter("task"),
            &filter("environment"),
        ],
    )
    .await
}

/// The deployment `id` of `repo` (404 when it is not one of its own).
async fn deployment(
    client: &impl asym_kit::deadpool_postgres::GenericClient,
    repo: &Repo,
    id: &str,
    base: &str,
) -> ApiResult<(i64, String, String)> {
    const SQL: &str = "SELECT d.id, gh_deployment(d, $3)::text, d.environment FROM deployments d
                       WHERE d.id = $1 AND d.repo_id = $2";
    let id: i64 = db::id(id)?;
    let row = db::found(client, SQL, &[&id, &repo.id, &base]).await?;
    Ok((row.get(0), row.get(1), row.get(2)))
}

/// `GET /repos/{o}/{r}/deployments/{id}`.
pub(crate) async fn get(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let (_, text, _) = deployment(&client, &repo, &scope.path, scope.base()).await?;
    Ok(req::ok(text))
}

/// `DELETE /repos/{o}/{r}/deployments/{id}`: 204 for an inactive deployment (its latest
/// status is not `success`), or an active one that is its environment's only deployment;
/// 422 otherwise, with GitHub's words.
pub(crate) async fn delete(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let (id, _, _) = deployment(&client, &repo, &scope.path, scope.base()).await?;
    const SQL: &str = "DELETE FROM deployments d WHERE d.id = $1
                         AND (gh_deployment_state(d.id) IS DISTINCT FROM 'success'
                              OR NOT EXISTS (SELECT 1 FROM deployments o WHERE o.repo_id = d.repo_id
                                             AND o.environment = d.environment AND o.id <> d.id))";
    match db::execute(&client, SQL, &[&id]).await? {
        0 => Err(ApiError::invalid(
            "We cannot delete an active deployment unless it is the only deployment in a given environment.",
        )),
        _ => Ok(req::no_content()),
    }
}

/// `POST …/deployments/{id}/statuses` (`state` required; `target_url`, `log_url` (either
/// fills the other), `description`, `environment` (moves the deployment there),
/// `environment_url`, `auto_inactive` (default true: a `success` makes the environment's
/// other active deployments `inactive`)): 201 with the status; a `deployment_status` webhook.
pub(crate) async fn create_status(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let state = body
        .one_of("state", &STATES, "DeploymentStatus")?
        .ok_or_else(|| ApiError::invalid("Invalid request.\n\n\"state\" wasn't supplied."))?;
    let auto_inactive = body.bool("auto_inactive")?.unwrap_or(true);
    let (target_url, log_url) = (body.str("target_url")?, body.str("log_url")?);
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let base = scope.base();
    let (id, _, current) = deployment(&client, &repo, &scope.path, base).await?;
    let environment = body.str("environment")?.unwrap_or(&current).to_owned();
    let tx = client.transaction().await?;
    if state == "success" && auto_inactive {
        const INACTIVE: &str = "INSERT INTO deployment_statuses (deployment_id, state, environment, creator_id,
                                                                 description, target_url, log_url, environment_url)
                                SELECT d.id, 'inactive', d.environment, $3, '', '', '', ''
                                FROM deployments d WHERE d.repo_id = $1 AND d.environment = $2 AND d.id <> $4
                                  AND gh_deployment_state(d.id) = 'success'";
        db::execute(
            &tx,
            INACTIVE,
            &[&repo.id, &environment, &viewer.user_id, &id],
        )
        .await?;
    }
    const MOVE: &str = "UPDATE deployments SET environment = $2, updated_at = now() WHERE id = $1";
    db::execute(&tx, MOVE, &[&id, &environment]).await?;
    const ENVIRONMENT: &str =
        "INSERT INTO environments (repo_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING";
    db::execute(&tx, ENVIRONMENT, &[&repo.id, &environment]).await?;
    const SQL: &str = "WITH s AS (INSERT INTO deployment_statuses (deployment_id, state, description, environment,
                                                                   target_url, log_url, environment_url, creator_id)
                                  VALUES ($1, $2, coalesce($3, ''), $4, coalesce($5, $6, ''), coalesce($6, $5, ''),
                                          coalesce($7, ''), $8) RETURNING *)
                       SELECT gh_deployment_status(s, $9)::text,
                              (SELECT gh_deployment(d, $9)::text FROM deployments d WHERE d.id = $1) FROM s";
    let row = db::found(
        &tx,
        SQL,
        &[
            &id,
            &state,
            &body.str("description")?,
            &environment,
            &target_url,
            &log_url,
            &body.str("environment_url")?,
            &viewer.user_id,
            &base,
        ],
    )
    .await?;
    let text: String = row.get(0);
    let mut event = Map::new();
    event.insert("action".into(), json!("created"));
    event.insert("deployment_status".into(), parse(&text));
    event.insert("deployment".into(), parse(row.get(1)));
    let woke = hooks::emit(
        &tx,
        base,
        repo.id,
        "deployment_status",
        viewer.user_id,
        event,
    )
    .await?;
    scope.commit(tx, woke).await?;
    Ok(req::created(text))
}

/// `GET …/deployments/{id}/statuses`, newest first.
pub(crate) async fn list_statuses(scope: Scope<String>, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let (id, _, _) = deployment(&client, &repo, &scope.path, scope.base()).await?;
    req::list(
        &client,
        &scope.page(&repo, &format!("deployments/{id}/statuses"), &query),
        &Listing {
            from: "deployment_statuses s",
            alias: "s",
            filter: "s.deployment_id = $1",
            item: "gh_deployment_status(s, $2)",
            order: "s.id DESC",
        },
        &[&id, &scope.base()],
    )
    .await
}

/// `GET …/deployments/{id}/statuses/{status_id}`.
pub(crate) async fn get_status(scope: Scope<(String, String)>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let (id, _, _) = deployment(&client, &repo, &scope.path.0, scope.base()).await?;
    const SQL: &str = "SELECT gh_deployment_status(s, $3)::text FROM deployment_statuses s
                       WHERE s.id = $1 AND s.deployment_id = $2";
    let status: i64 = db::id(&scope.path.1)?;
    let row = db::found(&client, SQL, &[&status, &id, &scope.base()]).await?;
    Ok(req::ok(row.get(0)))
}

/// `GET /repos/{o}/{r}/environments`: `{total_count, environments}` by name, paginated.
pub(crate) async fn environments(scope: Scope, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let listing = Listing {
        from: "environments e",
        alias: "e",
        filter: "e.repo_id = $1",
        item: "gh_environment(e, $2)",
        order: "lower(e.name), e.id",
    };
    req::list_sql(
        &client,
        &scope.page(&repo, "environments", &query),
        &listing.counted_sql(2, "environments"),
        &[&repo.id, &scope.base()],
    )
    .await
}

/// `GET /repos/{o}/{r}/environments/{name}`; 404 for none of that name.
pub(crate) async fn environment(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    const SQL: &str = "SELECT gh_environment(e, $3)::text FROM environments e
                       WHERE e.repo_id = $1 AND lower(e.name) = lower($2)";
    let row = db::found(&client, SQL, &[&repo.id, &scope.path, &scope.base()]).await?;
    Ok(req::ok(row.get(0)))
}

/// `PUT /repos/{o}/{r}/environments/{name}` (`wait_timer` 0–43200; `reviewers`,
/// `prevent_self_review`, `deployment_branch_policy` taken and not enforced): an
/// administrator creates or updates the environment; 200 with it.
pub(crate) async fn put_environment(scope: Scope<String>, body: Body) -> ApiResult {
    body.accepts(&[
        ("reviewers", Shape::List),
        ("prevent_self_review", Shape::Bool),
        ("deployment_branch_policy", Shape::Object),
    ])?;
    let wait_timer = match body.int("wait_timer")? {
        None => None,
        Some(t @ 0..=43_200) => Some(i32::try_from(t).unwrap_or_default()),
        Some(_) => return Err(ApiError::validation("Environment", "wait_timer", "invalid")),
    };
    let (client, repo) = scope.open().await?;
    repo.require(Access::Admin)?;
    const SQL: &str = "WITH e AS (INSERT INTO environments (repo_id, name, wait_timer)
                                  VALUES ($1, $2, coalesce($3, 0))
                                  ON CONFLICT (repo_id, lower(name)) DO UPDATE
                                  SET wait_timer = coalesce($3, environments.wait_timer), updated_at = now()
                                  RETURNING *)
                       SELECT gh_environment(e, $4)::text FROM e";
    let text: String = db::value(
        &client,
        SQL,
        &[&repo.id, &scope.path, &wait_timer, &scope.base()],
    )
    .await?;
    Ok(req::ok(text))
}

/// `DELETE /repos/{o}/{r}/environments/{name}`: an administrator, 204; 404 for none.
pub(crate) async fn delete_environment(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    repo.require(Access::Admin)?;
    const SQL: &str = "DELETE FROM environments WHERE repo_id = $1 AND lower(name) = lower($2)";
    match db::execute(&client, SQL, &[&repo.id, &scope.path]).await? {
        0 => Err(ApiError::not_found()),
        _ => Ok(req::no_content()),
    }
}
