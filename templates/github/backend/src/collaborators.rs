//! Collaborators: list, check, add, remove, permission.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::repos::Access;
use crate::req::{self, Body, Query};
use crate::scope::Scope;
use crate::users;
use crate::viewer::Viewer;

/// `GET /repos/{owner}/{repo}/collaborators` (`affiliation=all|direct|outside`; `all` adds
/// the owner, the organization's owners and the members of the teams the repository is in).
pub(crate) async fn list(scope: Scope, _signed_in: Viewer, query: Query) -> ApiResult {
    let direct = match query.get("affiliation").unwrap_or("all") {
        "all" => false,
        "direct" | "outside" => true,
        _ => {
            return Err(ApiError::validation(
                "Collaborator",
                "affiliation",
                "invalid",
            ));
        }
    };
    let (client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    req::list_sql(
        &client,
        &scope.page(&repo, "collaborators", &query),
        "WITH c AS (
                SELECT u AS usr, u.id, gh_permission($1, u.id) AS perm FROM users u
                WHERE u.type = 'User' AND (
                    EXISTS (SELECT 1 FROM collaborators c WHERE c.repo_id = $1 AND c.user_id = u.id)
                    OR (NOT $2 AND (u.id = (SELECT owner_id FROM repos WHERE id = $1)
                        OR EXISTS (SELECT 1 FROM org_members m JOIN repos r ON r.owner_id = m.org_id
                                   WHERE r.id = $1 AND m.user_id = u.id AND m.role = 'admin')
                        OR gh_team_permission($1, u.id) IS NOT NULL))))
             SELECT (SELECT count(*) FROM c),
                    (SELECT coalesce(json_agg((gh_user(c.usr, $3)::jsonb || jsonb_build_object(
                        'permissions', gh_permissions(c.perm), 'role_name', c.perm)) ORDER BY c.id), '[]')::text
                     FROM (SELECT * FROM c ORDER BY id LIMIT $4 OFFSET $5) c)",
        &[&repo.id, &direct, &scope.base()],
    )
    .await
}

/// `GET /repos/{owner}/{repo}/collaborators/{username}`: 204 or 404.
pub(crate) async fn check(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let (user, _) = users::find(&client, &scope.path)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let row = client
        .query_one("SELECT gh_permission($1, $2)", &[&repo.id, &user])
        .await?;
    match row.get::<_, Option<String>>(0).as_deref() {
        Some("read") | None => Err(ApiError::not_found()),
        Some(_) => Ok(req::no_content()),
    }
}

/// `PUT /repos/{owner}/{repo}/collaborators/{username}` (`permission`): the invitation is
/// accepted at once (201 with the invitation), 204 when already a collaborator.
pub(crate) async fn add(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let permission = match body
        .one_of(
            "permission",
            &["pull", "triage", "push", "maintain", "admin"],
            "Collaborator",
        )?
        .as_deref()
        .unwrap_or("push")
    {
        "pull" => "read",
        "push" => "write",
        other => other,
    }
    .to_owned();
    let (client, repo) = scope.open().await?;
    repo.require(Access::Admin)?;
    let (user, kind) = users::find(&client, &scope.path)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if kind != "User" {
        return Err(ApiError::validation("Collaborator", "username", "invalid"));
    }
    const EXISTING: &str = "SELECT 1 FROM collaborators WHERE repo_id = $1 AND user_id = $2";
    let existed = db::row(&client, EXISTING, &[&repo.id, &user])
        .await?
        .is_some();
    client
        .execute(
            "INSERT INTO collaborators (repo_id, user_id, permission) VALUES ($1, $2, $3)
             ON CONFLICT (repo_id, user_id) DO UPDATE SET permission = EXCLUDED.permission",
            &[&repo.id, &user, &permission],
        )
        .await?;
    if existed {
        return Ok(req::no_content());
    }
    let base = scope.base();
    let row = client
        .query_one(
            "SELECT gh_repo(r, $3, gh_permission(r.id, $4))::text, gh_user_id($2, $3)::text, gh_user_id($4, $3)::text
             FROM repos r WHERE r.id = $1",
            &[&repo.id, &user, &base, &viewer.user_id],
        )
        .await?;
    let parse = |i: usize| serde_json::from_str::<Value>(row.get(i)).unwrap_or(Value::Null);
    let invitation = json!({
        "id": repo.id * 1000 + user,
        "node_id": format!("RI_kgDO{:X}", repo.id * 1000 + user),
        "repository": parse(0),
        "invitee": parse(1),
        "inviter": parse(2),
        "permissions": permission,
        "created_at": crate::time::iso(crate::time::now()),
        "expired": false,
        "url": format!("{base}/user/repository_invitations/{}", repo.id * 1000 + user),
        "html_url": format!("{base}/{}/invitations", repo.full_name),
    });
    Ok((StatusCode::CREATED, axum::Json(invitation)).into_response())
}

/// `DELETE /repos/{owner}/{repo}/collaborators/{username}`: 204.
pub(crate) async fn remove(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    let (client, repo) = scope.open().await?;
    repo.require(Access::Admin)?;
    let (user, _) = users::find(&client, &scope.path)
        .await?
        .ok_or_else(ApiError::not_found)?;
    client
        .execute(
            "DELETE FROM collaborators WHERE repo_id = $1 AND user_id = $2",
            &[&repo.id, &user],
        )
        .await?;
    Ok(req::no_content())
}

/// `GET /repos/{owner}/{repo}/collaborators/{username}/permission`.
pub(crate) async fn permission(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    const SQL: &str = "SELECT json_build_object(
                           'permission', CASE coalesce(p, 'none') WHEN 'maintain' THEN 'write' WHEN 'triage' THEN 'read' ELSE coalesce(p, 'none') END,
                           'role_name', coalesce(p, 'none'),
                           'user', (gh_user(u, $3)::jsonb || jsonb_build_object('permissions', gh_permissions(p), 'role_name', coalesce(p, 'none'))))::text
                       FROM users u, LATERAL (SELECT gh_permission($1, u.id) AS p) x WHERE u.id = $2";
    let (client, repo) = scope.open().await?;
    let (user, _) = users::find(&client, &scope.path)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(req::ok(
        db::value(&client, SQL, &[&repo.id, &user, &scope.base()]).await?,
    ))
}
