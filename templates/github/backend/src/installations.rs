//! `GET /installation/repositories` (Octokit's `apps.listReposAccessibleToInstallation`,
//! PyGithub's `Installation.get_repos`): the repositories an installation token reaches.

use asym_kit::Kit;
use axum::extract::State;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::req::{self, Listing, Query};
use crate::viewer::Viewer;

/// Every repository of the accounts the app is installed on (the clone's installations
/// take them all: `repository_selection: "all"`), by name, as
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
                                WHERE a.bot_user_id = $1)",
        item: "gh_repo(r, $2, gh_permission(r.id, $1))",
        order: "lower(r.full_name), r.id",
    }
    .sql(2);
    let page = query.page();
    let (limit, offset) = (page.limit(), page.offset());
    let base = &kit.config().public_url;
    let client = kit.db().await?;
    let row = client
        .query_one(&sql, &[&viewer.user_id, base, &limit, &offset])
        .await?;
    let total: i64 = row.get(0);
    let items: Value = serde_json::from_str(row.get(1)).unwrap_or(Value::Array(Vec::new()));
    let body =
        json!({ "total_count": total, "repository_selection": "all", "repositories": items });
    let path = "/installation/repositories";
    Ok(req::paged(base, path, &query, total, body.to_string()))
}
