//! A GitHub App's own routes, called with its JSON web token ([`crate::jwt`]): `GET /app`
//! (Octokit's `apps.getAuthenticated`, PyGithub's `GithubIntegration.get_app`),
//! `GET /app/installations`, `GET`/`DELETE /app/installations/{id}`, the installation of a
//! repository, organization or user (`GET /repos/{o}/{r}/installation`,
//! `/orgs/{org}/installation`, `/users/{u}/installation`), and
//! `POST /app/installations/{id}/access_tokens`, which mints an installation token
//! (`ghs_…`, an hour) that @octokit/auth-app and PyGithub's `AppInstallationAuth` then send.

use std::collections::HashMap;

use asym_kit::Kit;
use asym_kit::credentials::{self, Mint};
use asym_kit::token;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde_json::{Map, Value, json};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::grant::{self, Grant};
use crate::req::{self, Body, Listing, Page, Query};
use crate::viewer::Caller;

/// How long a minted installation token lives, in seconds (GitHub's hour).
const TOKEN_LIFETIME: i64 = 3600;

/// The app a request's JSON web token authenticates (its id). Any other credential is
/// GitHub's 401 `A JSON web token could not be decoded`; none, `Requires authentication`.
pub(crate) struct App(i64);

impl<S: Send + Sync> FromRequestParts<S> for App {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Caller::from_request_parts(parts, state).await?.0 {
            None => Err(ApiError::requires_authentication()),
            Some(viewer) => viewer.app.map(Self).ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "A JSON web token could not be decoded",
                )
            }),
        }
    }
}

/// The app's installation a path names by id (`/app/installations/{installation_id}…`),
/// with the app the request's JSON web token authenticates.
pub(crate) struct Target {
    app: i64,
    id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Target {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let App(app) = App::from_request_parts(parts, state).await?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found())?;
        let id = params.get("installation_id").cloned().unwrap_or_default();
        Ok(Self { app, id })
    }
}

/// `GET /app`: the app, with its client id and `installations_count`.
pub(crate) async fn get(State(kit): State<Kit>, App(app): App) -> ApiResult {
    let sql = "SELECT (gh_app(a, $2)::jsonb || jsonb_build_object('installations_count',
                   (SELECT count(*) FROM installations i WHERE i.app_id = a.id)))::text
               FROM apps a WHERE a.id = $1";
    db::rendered(&kit, sql, &app).await
}

/// `GET /app/installations`: the app's installations, oldest first, `Link` pages.
pub(crate) async fn installations(
    State(kit): State<Kit>,
    App(app): App,
    query: Query,
) -> ApiResult {
    let base = &kit.config().public_url;
    let client = kit.db().await?;
    let listing = Listing {
        from: "installations i",
        alias: "i",
        filter: "i.app_id = $1",
        item: "gh_installation(i, $2)",
        order: "i.id",
    };
    let page = Page::new(base, "/app/installations", &query);
    req::list(&client, &page, &listing, &[&app, base]).await
}

/// One of the app's installations, by what the route names: `GET /app/installations/{id}`,
/// `GET /repos/{o}/{r}/installation` (the one on the repository's owner),
/// `GET /orgs/{org}/installation` (an organization's) and `GET /users/{u}/installation` (any
/// account's, as GitHub answers). 404 where the app is not installed.
pub(crate) async fn installation(
    State(kit): State<Kit>,
    App(app): App,
    Path(params): Path<HashMap<String, String>>,
) -> ApiResult {
    let param = |name: &str| params.get(name).cloned().unwrap_or_default();
    let (condition, value) = if params.contains_key("installation_id") {
        ("i.id::text = $2", param("installation_id"))
    } else if params.contains_key("repo") {
        (
            "EXISTS (SELECT 1 FROM repos r WHERE r.owner_id = u.id AND lower(r.full_name) = lower($2))",
            format!("{}/{}", param("owner"), param("repo")),
        )
    } else if params.contains_key("org") {
        (
            "u.type = 'Organization' AND lower(u.login) = lower($2)",
            param("org"),
        )
    } else {
        ("lower(u.login) = lower($2)", param("user"))
    };
    let client = kit.db().await?;
    let sql = format!(
        "SELECT gh_installation(i, $3)::text FROM installations i JOIN users u ON u.id = i.account_id
         WHERE i.app_id = $1 AND {condition}"
    );
    let row = db::found(&client, &sql, &[&app, &value, &kit.config().public_url]).await?;
    Ok(req::ok(row.get(0)))
}

/// `DELETE /app/installations/{id}`: uninstalls the app from the account (204); its
/// installation tokens then reach none of the account's private repositories.
pub(crate) async fn uninstall(State(kit): State<Kit>, target: Target) -> ApiResult {
    let client = kit.db().await?;
    let sql = "DELETE FROM installations WHERE id::text = $1 AND app_id = $2 RETURNING id";
    db::found(&client, sql, &[&target.id, &target.app]).await?;
    Ok(req::no_content())
}

/// The ranks of the permission levels, lowest first.
const LEVELS: [&str; 3] = ["read", "write", "admin"];

/// The permissions a token is minted with: the app's (`granted`) when none are asked for,
/// else those asked, each checked against the app's: a name the app has not, or a level
/// above its own, is GitHub's 422.
fn narrowed(
    asked: &Map<String, Value>,
    granted: Vec<(String, String)>,
) -> ApiResult<Vec<(String, String)>> {
    if asked.is_empty() {
        return Ok(granted);
    }
    let refused =
        || ApiError::invalid("The permissions requested are not granted to this installation.");
    let rank = |level: &str| LEVELS.iter().position(|l| *l == level);
    asked
        .iter()
        .map(|(name, level)| {
            let level = level.as_str().ok_or_else(refused)?;
            let held = granted
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, l)| rank(l));
            match (rank(level), held) {
                (Some(want), Some(held)) if want <= held => Ok((name.clone(), level.to_owned())),
                _ => Err(refused()),
            }
        })
        .collect()
}

/// The repository ids of `repository_ids` (422 for anything but an array of integers).
fn repository_ids(body: &Body) -> ApiResult<Vec<i64>> {
    let ids = body.list("repository_ids", |item| {
        item.as_i64()
            .map(|id| id.to_string())
            .ok_or_else(|| ApiError::invalid_value("Installation", "repository_ids", item.clone()))
    })?;
    Ok(ids
        .unwrap_or_default()
        .iter()
        .filter_map(|id| id.parse().ok())
        .collect())
}

/// `POST /app/installations/{id}/access_tokens` (`repositories` by name, `repository_ids`,
/// `permissions`): 201 `{token, expires_at, permissions, repository_selection}` (with
/// `repositories` when narrowed). 422 `There is at least one repository that does not exist
/// or is not accessible to the parent installation.` for a repository outside the
/// installation's account, `The permissions requested are not granted to this
/// installation.` for a permission the app lacks; 404 for an installation of another app.
pub(crate) async fn create_token(State(kit): State<Kit>, target: Target, body: Body) -> ApiResult {
    let Target { app, id } = target;
    let names: Vec<String> = body
        .strings("repositories")?
        .unwrap_or_default()
        .iter()
        .map(|name| name.to_lowercase())
        .collect();
    let ids = repository_ids(&body)?;
    let asked = body.object("permissions")?.cloned().unwrap_or_default();
    let base = &kit.config().public_url;
    let client = kit.db().await?;
    let row = db::found(
        &client,
        "SELECT i.account_id, a.bot_user_id
         FROM installations i JOIN apps a ON a.id = i.app_id
         WHERE i.id::text = $1 AND i.app_id = $2",
        &[&id, &app],
    )
    .await?;
    let (account, bot): (i64, i64) = (row.get(0), row.get(1));
    let permissions = narrowed(&asked, grant::app_permissions(&client).await?)?;
    let repositories = if names.is_empty() && ids.is_empty() {
        None
    } else {
        let found = client
            .query(
                "SELECT r.id, lower(r.name) FROM repos r
                 WHERE r.owner_id = $1 AND (lower(r.name) = ANY($2) OR r.id = ANY($3))",
                &[&account, &names, &ids],
            )
            .await?;
        let found: Vec<(i64, String)> = found.iter().map(|r| (r.get(0), r.get(1))).collect();
        let all_found = names.iter().all(|n| found.iter().any(|(_, f)| f == n))
            && ids.iter().all(|i| found.iter().any(|(f, _)| f == i));
        if !all_found {
            return Err(ApiError::invalid(
                "There is at least one repository that does not exist or is not accessible to the parent installation.",
            ));
        }
        Some(found.into_iter().map(|(id, _)| id).collect::<Vec<i64>>())
    };
    let expires = crate::time::now() + TOKEN_LIFETIME;
    let grant = Grant {
        expires: Some(expires),
        repositories,
        permissions,
    };
    let minted = Mint::new("installation", token::mint("ghs_"))
        .subject(bot.to_string())
        .kind("installation")
        .scopes(grant.scopes());
    credentials::store(&client, &minted, false).await?;
    let shown: Map<String, Value> = grant
        .permissions
        .iter()
        .map(|(name, level)| (name.clone(), Value::String(level.clone())))
        .collect();
    let mut answer = json!({
        "token": minted.token,
        "expires_at": crate::time::iso(expires),
        "permissions": shown,
        "repository_selection": if grant.repositories.is_some() { "selected" } else { "all" },
    });
    if let Some(ids) = &grant.repositories {
        let row = client
            .query_one(
                "SELECT coalesce(json_agg(gh_repo(r, $2, gh_permission(r.id, $3)) ORDER BY r.id), '[]')::text
                 FROM repos r WHERE r.id = ANY($1)",
                &[ids, base, &bot],
            )
            .await?;
        answer["repositories"] = serde_json::from_str(row.get(0)).unwrap_or_default();
    }
    Ok(req::created(answer.to_string()))
}
