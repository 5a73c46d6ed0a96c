//! A team's repositories: `GET …/repos`, `GET/PUT/DELETE …/repos/{owner}/{repo}` (the
//! team's `permission` there), and `GET /repos/{owner}/{repo}/teams`.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT;

use super::{TeamScope, permission};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::repos::{self, Access, Repo};
use crate::req::{self, Body, Listing, Query};
use crate::scope::Scope;

/// The media type that asks the team's repository check for the repository itself.
const REPOSITORY_JSON: &str = "application/vnd.github.v3.repository+json";

/// `GET …/repos` (Octokit's `teams.listReposInOrg`, PyGithub's `Team.get_repos`): the
/// repositories the team reaches (its own and its ancestors') that the caller can see, by
/// id, each with the team's `permissions` and `role_name` there.
pub(crate) async fn list(scope: TeamScope, query: Query) -> ApiResult {
    let (client, team) = scope.open().await?;
    let base = scope.base();
    let path = format!("{}/repos", &team.url(base)[base.len()..]);
    req::list(
        &client,
        &req::Page::new(base, path, &query),
        &Listing {
            from: "repos r",
            alias: "r",
            filter: "gh_team_repo_permission($1, r.id) IS NOT NULL
                     AND gh_permission(r.id, $3) IS NOT NULL",
            item: "gh_repo(r, $2, gh_team_repo_permission($1, r.id))::jsonb
                   || jsonb_build_object('role_name', gh_team_repo_permission($1, r.id))",
            order: "r.id",
        },
        &[&team.id, &base, &scope.viewer.user_id],
    )
    .await
}

/// The repository `{owner}/{repo}` of the path as the caller sees it (404 when they cannot).
async fn repository(
    client: &impl asym_kit::deadpool_postgres::GenericClient,
    scope: &TeamScope<(String, String)>,
) -> ApiResult<Repo> {
    let (owner, name) = &scope.path;
    repos::find(client, owner, name, Some(&scope.viewer)).await
}

/// `GET …/repos/{owner}/{repo}` (Octokit's `teams.checkPermissionsForRepoInOrg`, PyGithub's
/// `Team.has_in_repos` and `get_repo_permission`): 204 when the team reaches the repository
/// (through an ancestor too), 404 otherwise; with `Accept:
/// application/vnd.github.v3.repository+json`, 200 with the repository and the team's
/// `permissions` and `role_name` there.
pub(crate) async fn check(scope: TeamScope<(String, String)>, headers: HeaderMap) -> ApiResult {
    let (client, team) = scope.open().await?;
    let repo = repository(&client, &scope).await?;
    const SQL: &str = "SELECT p, CASE WHEN p IS NOT NULL THEN
                                  (gh_repo_full(r, $3, p)::jsonb || jsonb_build_object('role_name', p))::text END
                       FROM repos r, LATERAL (SELECT gh_team_repo_permission($1, r.id) AS p) x
                       WHERE r.id = $2";
    let row = db::found(&client, SQL, &[&team.id, &repo.id, &scope.base()]).await?;
    let Some(rendered) = row.get::<_, Option<String>>(1) else {
        return Err(ApiError::not_found());
    };
    let full = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains(REPOSITORY_JSON));
    Ok(if full {
        req::ok(rendered)
    } else {
        req::no_content()
    })
}

/// `PUT …/repos/{owner}/{repo}` (`permission` `pull`, `triage`, `push`, `maintain` or
/// `admin`, else the team's `permission`; Octokit's `teams.addOrUpdateRepoPermissionsInOrg`,
/// PyGithub's `Team.add_to_repos`, `set_repo_permission`): 204. The caller administers the
/// repository, which the team's organization owns (or a direct fork of one it owns: 422
/// otherwise).
pub(crate) async fn put(scope: TeamScope<(String, String)>, body: Body) -> ApiResult {
    let asked = body
        .str("permission")?
        .map(|p| permission(p, "TeamRepository"))
        .transpose()?;
    let (client, team) = scope.open().await?;
    let repo = repository(&client, &scope).await?;
    repo.require(Access::Admin)?;
    const OWNED: &str = "SELECT t.permission FROM repos r JOIN teams t ON t.id = $2
                         WHERE r.id = $1 AND (r.owner_id = t.org_id OR EXISTS (
                             SELECT 1 FROM repos p WHERE p.id = r.parent_id AND p.owner_id = t.org_id))";
    let Some(default) = db::first::<String>(&client, OWNED, &[&repo.id, &team.id]).await? else {
        return Err(ApiError::custom(
            "TeamRepository",
            "repository",
            "The repository must be owned by the team's organization.",
        ));
    };
    let granted = match asked {
        Some(p) => p,
        None => permission(&default, "TeamRepository")?,
    };
    const SQL: &str = "INSERT INTO team_repos (team_id, repo_id, permission) VALUES ($1, $2, $3)
                       ON CONFLICT (team_id, repo_id) DO UPDATE SET permission = EXCLUDED.permission";
    db::execute(&client, SQL, &[&team.id, &repo.id, &granted]).await?;
    Ok(req::no_content())
}

/// `DELETE …/repos/{owner}/{repo}` (Octokit's `teams.removeRepoInOrg`, PyGithub's
/// `Team.remove_from_repos`): 204; the caller administers the repository or maintains the
/// team.
pub(crate) async fn remove(scope: TeamScope<(String, String)>) -> ApiResult {
    let (client, team) = scope.open().await?;
    let repo = repository(&client, &scope).await?;
    if !(team.maintainer || repo.can(Access::Admin)) {
        repo.require(Access::Admin)?;
    }
    const SQL: &str = "DELETE FROM team_repos WHERE team_id = $1 AND repo_id = $2";
    db::execute(&client, SQL, &[&team.id, &repo.id]).await?;
    Ok(req::no_content())
}

/// `GET /repos/{owner}/{repo}/teams` (Octokit's `repos.listTeams`, PyGithub's
/// `Repository.get_teams`): the teams the repository was added to that the caller can see,
/// by name, each with its `permission` and `permissions` there.
pub(crate) async fn for_repo(scope: Scope, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let uid = scope.viewer_id();
    let base = scope.base();
    req::list(
        &client,
        &scope.page(&repo, "teams", &query),
        &Listing {
            from: "teams t JOIN team_repos tr ON tr.team_id = t.id AND tr.repo_id = $1",
            alias: "t",
            filter:
                "EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = t.org_id AND m.user_id = $3
                             AND (m.role = 'admin' OR t.privacy = 'closed'))
                     OR EXISTS (SELECT 1 FROM team_members m
                                WHERE m.team_id = t.id AND m.user_id = $3 AND m.state = 'active')
                     OR EXISTS (SELECT 1 FROM installations i JOIN apps a ON a.id = i.app_id
                                WHERE a.bot_user_id = $3 AND i.account_id = t.org_id)",
            item: "gh_team(t, $2, (SELECT x.permission FROM team_repos x
                                   WHERE x.team_id = t.id AND x.repo_id = $1))",
            order: "lower(t.name), t.id",
        },
        &[&repo.id, &base, &uid],
    )
    .await
}
