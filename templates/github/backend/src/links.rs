//! What links between issues share (sub-issues, dependencies): the issue a body's id field
//! names, as the caller may link it.

use asym_kit::deadpool_postgres::GenericClient;
use axum::http::StatusCode;

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::repos::Repo;
use crate::req::Body;
use crate::viewer::Viewer;

/// The resource GitHub's issue-link validation errors name.
pub(crate) const RESOURCE: &str = "Issue";

/// An issue a body's id field names.
pub(crate) struct Target {
    /// Its id.
    pub(crate) id: i64,
    /// Whether its repository has the owner of the repository the path names.
    pub(crate) same_owner: bool,
    /// Whether it is a pull request.
    pub(crate) is_pull: bool,
}

/// The issue `id` names if the caller can see it (else 404 `message`).
pub(crate) async fn target(
    client: &impl GenericClient,
    repo: &Repo,
    id: i64,
    viewer: &Viewer,
    message: &'static str,
) -> ApiResult<Target> {
    const SQL: &str =
        "SELECT i.id, r.owner_id = (SELECT owner_id FROM repos WHERE id = $2), i.is_pull
                       FROM issues i JOIN repos r ON r.id = i.repo_id
                       WHERE i.id = $1 AND gh_permission(i.repo_id, $3) IS NOT NULL";
    let row = db::row(client, SQL, &[&id, &repo.id, &viewer.user_id])
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, message))?;
    Ok(Target {
        id: row.get(0),
        same_owner: row.get(1),
        is_pull: row.get(2),
    })
}

/// A required integer field of the body (422 `missing_field` on `Issue` when absent).
pub(crate) fn required_id(body: &Body, key: &str) -> ApiResult<i64> {
    body.int(key)?.ok_or_else(|| {
        ApiError::invalid(format!("Invalid request.\n\n\"{key}\" wasn't supplied.")).with_error(
            serde_json::json!({
                "resource": RESOURCE, "field": key, "code": "missing_field"
            }),
        )
    })
}

/// A page of the issues `from` joins to `d` (an issue-link table), where `filter` holds for
/// the link: those the caller (`$3`) can see, `$1` the issue the path names, `$2` the base.
pub(crate) fn listing<'a>(
    from: &'a str,
    filter: &'a str,
    order: &'a str,
) -> crate::req::Listing<'a> {
    crate::req::Listing {
        from,
        alias: "i",
        filter,
        item: "coalesce(i.rendered::json, gh_issue(i, $2))",
        order,
    }
}
