//! Code scanning analyses: `GET …/code-scanning/analyses` (filtered, newest first, paginated),
//! `GET …/analyses/{id}` and `DELETE …/analyses/{id}` (the newest of its set only, and the
//! last of its set only with `confirm_delete`, as GitHub's description rules).

use axum::http::StatusCode;
use serde_json::json;

use super::root;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::repos::Access;
use crate::req::{self, Listing, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;

/// A `ref` of a filter as GitHub reads it: a branch's bare name is `refs/heads/<name>`.
pub(super) fn full_ref(reference: &str) -> String {
    if reference.starts_with("refs/") {
        reference.to_owned()
    } else {
        format!("refs/heads/{reference}")
    }
}

/// `GET /repos/{owner}/{repo}/code-scanning/analyses` (`tool_name`, `tool_guid`, `ref`,
/// `sarif_id`, `direction`, `sort` (`created` only), `page`/`per_page`): newest first.
pub(crate) async fn list(scope: Scope, _signed_in: Viewer, query: Query) -> ApiResult {
    if query.get("sort").is_some_and(|sort| sort != "created") {
        return Err(ApiError::validation(
            "CodeScanningAnalysis",
            "sort",
            "invalid",
        ));
    }
    let direction = query.direction("CodeScanningAnalysis", "DESC")?;
    let (client, repo) = scope.open().await?;
    let order = format!("a.id {direction}");
    let listing = Listing {
        from: "code_scanning_analyses a",
        alias: "a",
        filter: "a.repo_id = $1 AND ($3::text IS NULL OR a.tool_name = $3)
                 AND ($4::text IS NULL OR a.ref = $4) AND ($5::text IS NULL OR a.sarif_id = $5)
                 AND ($6::text IS NULL OR a.tool_guid = $6)",
        item: "gh_code_scanning_analysis(a, $2)",
        order: &order,
    };
    let url = repo.url(scope.base());
    let reference = query.get("ref").map(full_ref);
    let page = scope.page(&repo, "code-scanning/analyses", &query);
    let (tool, sarif, guid) = (
        query.get("tool_name"),
        query.get("sarif_id"),
        query.get("tool_guid"),
    );
    req::list(
        &client,
        &page,
        &listing,
        &[&repo.id, &url, &tool, &reference, &sarif, &guid],
    )
    .await
}

/// `GET /repos/{owner}/{repo}/code-scanning/analyses/{analysis_id}` (404 for none here).
pub(crate) async fn get(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    const SQL: &str = "SELECT gh_code_scanning_analysis(a, $3)::text FROM code_scanning_analyses a
                       WHERE a.id = $1 AND a.repo_id = $2";
    let (client, repo) = scope.open().await?;
    let id: i64 = db::id(&scope.path)?;
    let row = db::found(&client, SQL, &[&id, &repo.id, &repo.url(scope.base())]).await?;
    Ok(req::ok(row.get(0)))
}

/// `DELETE /repos/{owner}/{repo}/code-scanning/analyses/{analysis_id}` (`confirm_delete`;
/// write access): 200 `{next_analysis_url, confirm_delete_url}`, both naming the next analysis
/// of the set (the first `null` when that one is the last of it; both `null` when none is
/// left). 400 `Analysis specified is not deletable.` for one that is not the newest of its set
/// (the same ref, tool and category), and for the last of its set without `confirm_delete`
/// GitHub's `Analysis is last of its type …`.
pub(crate) async fn delete(scope: Scope<String>, _signed_in: Viewer, query: Query) -> ApiResult {
    const SET: &str = "SELECT (SELECT count(*) FROM code_scanning_analyses n
                               WHERE n.repo_id = a.repo_id AND n.ref = a.ref AND n.tool_name = a.tool_name
                                 AND n.category = a.category AND n.id > a.id),
                              ARRAY(SELECT o.id FROM code_scanning_analyses o
                                    WHERE o.repo_id = a.repo_id AND o.ref = a.ref AND o.tool_name = a.tool_name
                                      AND o.category = a.category AND o.id < a.id
                                    ORDER BY o.id DESC LIMIT 2)
                       FROM code_scanning_analyses a WHERE a.id = $1 AND a.repo_id = $2";
    const DELETE: &str = "DELETE FROM code_scanning_analyses WHERE id = $1";
    let (client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let id: i64 = db::id(&scope.path)?;
    let row = db::found(&client, SET, &[&id, &repo.id]).await?;
    let (newer, older): (i64, Vec<i64>) = (row.get(0), row.get(1));
    let confirmed = query.0.iter().any(|(key, _)| key == "confirm_delete");
    if newer > 0 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "Analysis specified is not deletable.",
        ));
    }
    if older.is_empty() && !confirmed {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "Analysis is last of its type and deletion may result in the loss of historical alert data. Please specify confirm_delete.",
        ));
    }
    db::execute(&client, DELETE, &[&id]).await?;
    let url = |next: &i64| format!("{}/analyses/{next}", root(&scope, &repo));
    let next = older.first();
    Ok(req::ok(
        json!({
            "next_analysis_url": older.get(1).and(next).map(url),
            "confirm_delete_url": next.map(|n| format!("{}?confirm_delete", url(n))),
        })
        .to_string(),
    ))
}
