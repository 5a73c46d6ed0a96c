//! Forks: `POST /repos/{owner}/{repo}/forks` makes a new repository of the caller (or of an
//! organization) holding the parent's git data as it is now, announced to the parent's hooks
//! as `fork`; `GET /repos/{owner}/{repo}/forks` lists a repository's forks.

use asym_kit::deadpool_postgres::GenericClient;
use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::db::Serial;
use crate::error::{ApiError, ApiResult};
use crate::repos::{self, Repo};
use crate::req::{self, Body, Listing, Query, Raw};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{db, hooks, objects, users};

/// `GET /repos/{owner}/{repo}/forks`: the forks the caller can see (`sort`: `newest`, the
/// default, `oldest`, `stargazers` or `watchers`, which GitHub keeps equal).
pub(crate) async fn list(scope: Scope, query: Query) -> ApiResult {
    let order = match query.get("sort").unwrap_or("newest") {
        "newest" => "f.created_at DESC, f.id DESC",
        "oldest" => "f.created_at, f.id",
        "stargazers" | "watchers" => {
            "(SELECT count(*) FROM stars s WHERE s.repo_id = f.id) DESC, f.created_at DESC, f.id DESC"
        }
        _ => return Err(ApiError::validation("Repository", "sort", "invalid")),
    };
    let (client, repo) = scope.open().await?;
    let uid = scope.viewer.as_ref().map(|v| v.user_id);
    req::list(
        &client,
        &scope.page(&repo, "forks", &query),
        &Listing {
            from: "repos f",
            alias: "f",
            filter: "f.parent_id = $1 AND gh_permission(f.id, $3) IS NOT NULL",
            item: "gh_repo(f, $2, gh_permission(f.id, $3))",
            order,
        },
        &[&repo.id, &scope.base(), &uid],
    )
    .await
}

/// Where a fork goes: the account that will own it.
async fn destination(
    client: &impl GenericClient,
    viewer: &Viewer,
    organization: Option<&str>,
) -> ApiResult<i64> {
    let Some(login) = organization else {
        if viewer.installation {
            return Err(ApiError::forbidden(
                "Resource not accessible by integration",
            ));
        }
        return Ok(viewer.user_id);
    };
    let Some((id, kind)) = users::find(client, login).await? else {
        return Err(ApiError::validation("Fork", "organization", "invalid"));
    };
    if kind != "Organization" {
        return Err(ApiError::invalid(format!(
            "'{login}' is the login for a user account. You must pass the login for an organization account."
        )));
    }
    if !repos::may_add_to(client, viewer, id).await? {
        return Err(ApiError::forbidden(
            "You need admin access to the organization before adding a repository to it.",
        ));
    }
    Ok(id)
}

/// `POST /repos/{owner}/{repo}/forks` (`organization`, `name`, `default_branch_only`): 202 with
/// the fork, announced to the parent's hooks as `fork`. A fork the account already has of this
/// repository is answered (renamed when `name` differs, as GitHub does). When no `name` is given and another account has a
/// repository of the parent's name, the fork is named with the first free `-1`, `-2`, …
/// suffix, as GitHub does; an explicit `name` that is taken, or forking into the parent's own
/// account without a new name, is 422 `name already exists on this account`.
pub(crate) async fn create(scope: Scope, viewer: Viewer, Raw(bytes): Raw) -> ApiResult {
    let body = if bytes.trim_ascii() == b"null" {
        Body::default()
    } else {
        Body::parse(&bytes)?
    };
    req::non_null("POST", "/repos/{owner}/{repo}/forks", &body)?;
    let organization = body.str("organization")?;
    let name = body.str("name")?.map(repos::valid_name).transpose()?;
    let default_branch_only = body.bool("default_branch_only")?.unwrap_or(false);
    viewer.require_scope("repo", &["public_repo"])?;
    let (mut client, parent) = scope.open().await?;
    let owner = destination(&client, &viewer, organization).await?;
    let tx = client.transaction().await?;
    db::one_at_a_time(&tx, Serial::Forks, parent.id).await?;
    if let Some(id) = existing(&tx, parent.id, owner, name.as_deref()).await? {
        let text = repos::render(&tx, scope.base(), id, Some(&viewer)).await?;
        tx.commit().await?;
        return Ok(req::json_text(StatusCode::ACCEPTED, text));
    }
    let id = copy(&tx, &parent, owner, name.as_deref()).await?;
    copy_git(&tx, parent.id, id, default_branch_only).await?;
    let text = repos::render(&tx, scope.base(), id, Some(&viewer)).await?;
    let mut payload = Map::new();
    payload.insert(
        "forkee".into(),
        serde_json::from_str(&text).unwrap_or(Value::Null),
    );
    let woke = hooks::emit(
        &tx,
        scope.base(),
        parent.id,
        "fork",
        viewer.user_id,
        payload,
    )
    .await?;
    scope.commit(tx, woke).await?;
    Ok(req::json_text(StatusCode::ACCEPTED, text))
}

/// The fork of `parent` that `owner` already has, renamed to `name` when one is given (as
/// GitHub renames it; 422 when the account has another repository of that name).
async fn existing(
    client: &impl GenericClient,
    parent: i64,
    owner: i64,
    name: Option<&str>,
) -> ApiResult<Option<i64>> {
    const FIND: &str =
        "SELECT id FROM repos WHERE parent_id = $1 AND owner_id = $2 ORDER BY id LIMIT 1";
    const RENAME: &str = "UPDATE repos r SET name = $2,
                              full_name = (SELECT login FROM users WHERE id = r.owner_id) || '/' || $2,
                              updated_at = now()
                          WHERE r.id = $1
                            AND NOT EXISTS (SELECT 1 FROM repos o WHERE o.owner_id = r.owner_id
                                            AND lower(o.name) = lower($2) AND o.id <> r.id)";
    let Some(id) = db::first::<i64>(client, FIND, &[&parent, &owner]).await? else {
        return Ok(None);
    };
    if let Some(name) = name
        && db::execute(client, RENAME, &[&id, &name]).await? == 0
    {
        return Err(repos::name_taken());
    }
    Ok(Some(id))
}

/// Inserts the fork of `parent` for `owner` (named `name`, or the parent's name with the first
/// free suffix): its id. The fork keeps the parent's description, homepage, visibility,
/// default branch and language; issues are off, as on GitHub's forks.
async fn copy(
    client: &impl GenericClient,
    parent: &Repo,
    owner: i64,
    name: Option<&str>,
) -> ApiResult<i64> {
    const SQL: &str = "
        WITH wanted AS (
            SELECT c.name, c.n
            FROM repos p, LATERAL (
                SELECT coalesce($3, p.name) AS name, 0 AS n
                UNION ALL
                SELECT p.name || '-' || g, g FROM generate_series(1, 100) g
                WHERE $3 IS NULL AND p.owner_id <> $2
            ) c
            WHERE p.id = $1
              AND NOT EXISTS (SELECT 1 FROM repos o WHERE o.owner_id = $2 AND lower(o.name) = lower(c.name))
            ORDER BY c.n LIMIT 1)
        INSERT INTO repos (owner_id, name, full_name, description, homepage, private,
                           default_branch, has_issues, has_projects, has_wiki, language,
                           parent_id, source_id, pushed_at)
        SELECT $2, w.name, o.login || '/' || w.name, p.description, p.homepage, p.private,
               p.default_branch, false, p.has_projects, p.has_wiki, p.language,
               p.id, coalesce(p.source_id, p.id), p.pushed_at
        FROM repos p, wanted w, users o
        WHERE p.id = $1 AND o.id = $2
        ON CONFLICT DO NOTHING RETURNING id";
    db::first(client, SQL, &[&parent.id, &owner, &name])
        .await?
        .ok_or_else(repos::name_taken)
}

/// Copies `from`'s git objects and its branches and tags (only the default branch when
/// `default_branch_only`) into `to`.
async fn copy_git(
    client: &impl GenericClient,
    from: i64,
    to: i64,
    default_branch_only: bool,
) -> ApiResult<()> {
    const REFS: &str = "INSERT INTO git_refs (repo_id, ref, sha)
                        SELECT $2, g.ref, g.sha FROM git_refs g JOIN repos p ON p.id = g.repo_id
                        WHERE g.repo_id = $1
                          AND CASE WHEN $3 THEN g.ref = 'refs/heads/' || p.default_branch
                                   ELSE g.ref LIKE 'refs/heads/%' OR g.ref LIKE 'refs/tags/%' END";
    objects::share(client, from, to).await?;
    db::execute(client, REFS, &[&from, &to, &default_branch_only]).await?;
    Ok(())
}
