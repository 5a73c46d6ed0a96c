//! `GET /installation/repositories` (Octokit's `apps.listReposAccessibleToInstallation`,
//! PyGithub's `Installation.get_repos`): the repositories an installation token reaches; and
//! what an app's JSON web token and a narrowed installation token may reach ([`reach`]).

use asym_kit::Kit;
use axum::extract::State;
use axum::http::Method;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult, DOCS};
use crate::req::{self, Listing, Query};
use crate::viewer::Viewer;

/// Whether `path` is a route an app calls with its JSON web token (`/app…` and the
/// `…/installation` of a repository, organization or user), as @octokit/auth-app lists them.
pub(crate) fn is_app_route(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    matches!(
        parts.as_slice(),
        ["", "app", ..]
            | ["", "repos", _, _, "installation"]
            | ["", "orgs" | "users", _, "installation"]
    )
}

/// Keeps a caller to what its token reaches. An app's JSON web token reaches only the app
/// routes (and `GET /installation/repositories`, which refuses it in its own words):
/// elsewhere 403 `Resource not accessible by integration` (GitHub's answer there was not
/// found). An installation token narrowed to some repositories answers, for another
/// repository, 404 when it is private and 403 `Resource not accessible by integration` for
/// a write to a public one (a read of a public repository is anyone's).
///
/// # Errors
///
/// Those refusals; a 5xx when Postgres does not answer.
pub(crate) async fn reach(
    kit: &Kit,
    viewer: &Viewer,
    method: &Method,
    path: &str,
) -> Result<(), ApiError> {
    if viewer.app.is_some() {
        if is_app_route(path) || path == "/installation/repositories" {
            return Ok(());
        }
        return Err(ApiError::integration(DOCS));
    }
    if viewer.grant.repositories.is_none() {
        return Ok(());
    }
    let mut parts = path.split('/').skip(1);
    let (Some("repos"), Some(owner), Some(name)) = (parts.next(), parts.next(), parts.next())
    else {
        return Ok(());
    };
    let full_name = format!("{owner}/{name}");
    let client = kit.db().await?;
    let statement = client
        .prepare_cached("SELECT id, private FROM repos WHERE lower(full_name) = lower($1)")
        .await?;
    let Some(row) = client.query_opt(&statement, &[&full_name]).await? else {
        return Ok(());
    };
    let (id, private): (i64, bool) = (row.get(0), row.get(1));
    if viewer.grant.reaches(id) || (!private && (method == Method::GET || method == Method::HEAD)) {
        Ok(())
    } else if private {
        Err(ApiError::not_found())
    } else {
        Err(ApiError::integration(DOCS))
    }
}

/// Every repository of the accounts the app is installed on (the clone's installations
/// take them all: `repository_selection: "all"`; a token minted for some of them lists
/// those, `"selected"`), by name, as
/// `{total_count, repository_selection, repositories}` with `Link` pages. Any other token is
/// GitHub's 403 `You must authenticate with an installation access token in order to list
/// repositories for an installation.`
pub(crate) async fn repositories(
    State(kit): State<Kit>,
    viewer: Viewer,
    query: Query,
) -> ApiResult {
    if !viewer.installation {
        return Err(ApiError::forbidden(
            "You must authenticate with an installation access token in order to list repositories for an installation.",
        ));
    }
    let sql = Listing {
        from: "repos r",
        alias: "r",
        filter:
            "r.owner_id IN (SELECT i.account_id FROM installations i JOIN apps a ON a.id = i.app_id
                                WHERE a.bot_user_id = $1)
             AND ($3::bigint[] IS NULL OR r.id = ANY($3))",
        item: "gh_repo(r, $2, gh_permission(r.id, $1))",
        order: "lower(r.full_name), r.id",
    }
    .sql(3);
    let page = query.page();
    let (limit, offset) = (page.limit(), page.offset());
    let base = &kit.config().public_url;
    let client = kit.db().await?;
    let row = client
        .query_one(
            &sql,
            &[
                &viewer.user_id,
                base,
                &viewer.grant.repositories,
                &limit,
                &offset,
            ],
        )
        .await?;
    let total: i64 = row.get(0);
    let items: Value = serde_json::from_str(row.get(1)).unwrap_or(Value::Array(Vec::new()));
    let selection = if viewer.grant.repositories.is_some() {
        "selected"
    } else {
        "all"
    };
    let body =
        json!({ "total_count": total, "repository_selection": selection, "repositories": items });
    let path = "/installation/repositories";
    Ok(req::paged(base, path, &query, total, body.to_string()))
}
