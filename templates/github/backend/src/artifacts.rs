//! GitHub Actions artifacts: `GET …/actions/artifacts` (`name`), `GET …/actions/runs/{id}/artifacts`,
//! `GET/DELETE …/actions/artifacts/{id}`. The clone runs nothing: the admin route
//! `POST /api/admin/actions/runs/{id}/artifacts` (`name`, `size_in_bytes`) records what a run
//! would have uploaded. Their archives are not served.

use asym_kit::Kit;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;

use crate::error::{ApiError, ApiResult};
use crate::repos::Access;
use crate::req::{self, Body, Listing, Query, Raw};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{actions, db};

/// A page of `{total_count, artifacts}`, newest first: the repository's (`run` none) or one
/// run's, with the name `query` asks for.
async fn listed<P>(scope: &Scope<P>, run: Option<&str>, query: &Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let run: Option<i64> = match run {
        Some(id) => Some(actions::run_of(&client, &repo, id).await?.0),
        None => None,
    };
    let listing = Listing {
        from: "workflow_artifacts a JOIN workflow_runs w ON w.id = a.run_id",
        alias: "a",
        filter: "w.repo_id = $1 AND ($2::bigint IS NULL OR a.run_id = $2)
                 AND ($3::text IS NULL OR a.name = $3)",
        item: "gh_artifact(a, $4)",
        order: "a.id DESC",
    };
    let sql = listing.counted_sql(4, "artifacts");
    let tail = run.map_or_else(
        || "actions/artifacts".to_owned(),
        |id| format!("actions/runs/{id}/artifacts"),
    );
    let base = scope.base();
    let params: [&(dyn asym_kit::tokio_postgres::types::ToSql + Sync); 4] =
        [&repo.id, &run, &query.get("name"), &base];
    req::list_sql(&client, &scope.page(&repo, &tail, query), &sql, &params).await
}

/// `GET /repos/{owner}/{repo}/actions/artifacts` (`name`).
pub(crate) async fn list(scope: Scope, query: Query) -> ApiResult {
    listed(&scope, None, &query).await
}

/// `GET /repos/{owner}/{repo}/actions/runs/{id}/artifacts` (`name`).
pub(crate) async fn list_for_run(scope: Scope<String>, query: Query) -> ApiResult {
    listed(&scope, Some(&scope.path), &query).await
}

/// The artifact the path names, of the repository: its id (404 otherwise).
const FIND: &str = "SELECT a.id FROM workflow_artifacts a JOIN workflow_runs w ON w.id = a.run_id
                    WHERE a.id = $1 AND w.repo_id = $2";

/// `GET /repos/{owner}/{repo}/actions/artifacts/{id}`.
pub(crate) async fn get(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let id: i64 = scope.path.parse().map_err(|_| ApiError::not_found())?;
    db::found(&client, FIND, &[&id, &repo.id]).await?;
    const SQL: &str = "SELECT gh_artifact(a, $2)::text FROM workflow_artifacts a WHERE a.id = $1";
    Ok(req::ok(
        db::value(&client, SQL, &[&id, &scope.base()]).await?,
    ))
}

/// `DELETE /repos/{owner}/{repo}/actions/artifacts/{id}`: 204 (write access).
pub(crate) async fn delete(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    let (client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let id: i64 = scope.path.parse().map_err(|_| ApiError::not_found())?;
    db::found(&client, FIND, &[&id, &repo.id]).await?;
    db::execute(
        &client,
        "DELETE FROM workflow_artifacts WHERE id = $1",
        &[&id],
    )
    .await?;
    Ok(req::no_content())
}

/// `POST /api/admin/actions/runs/{id}/artifacts` (`name` required, `size_in_bytes`): records
/// an artifact of run `id`, as its upload would; 201 with the artifact.
pub(crate) async fn admin_create(
    State(kit): State<Kit>,
    Path(id): Path<String>,
    Raw(bytes): Raw,
) -> ApiResult {
    let body = Body::parse(&bytes)?;
    let name = body.required("name", "Artifact")?.to_owned();
    let size = body.int("size_in_bytes")?.unwrap_or(0);
    if size < 0 {
        return Err(ApiError::validation("Artifact", "size_in_bytes", "invalid"));
    }
    let client = kit.db().await?;
    let id = actions::any_run(&client, &id, false).await?;
    const SQL: &str = "WITH a AS (INSERT INTO workflow_artifacts (run_id, name, size_in_bytes)
                                  VALUES ($1, $2, $3) RETURNING *)
                       SELECT gh_artifact(a, $4)::text FROM a";
    let base = kit.config().public_url.clone();
    let text: String = db::value(&client, SQL, &[&id, &name, &size, &base]).await?;
    Ok((StatusCode::CREATED, req::ok(text)).into_response())
}
