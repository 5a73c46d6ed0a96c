//! Starring: a repository's stargazers, the repositories a user starred, and starring or
//! unstarring as the caller (`/user/starred/{owner}/{repo}`). With
//! `Accept: application/vnd.github.star+json` lists carry each star's `starred_at`. Starring
//! sends the `star` (`created`) and `watch` (`started`) webhooks, unstarring `star`
//! (`deleted`), as GitHub does.

use asym_kit::Kit;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::header::ACCEPT;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::req::{self, Listing, Page, Query};
use crate::scope::Scope;
use crate::viewer::{Caller, Person, Viewer};
use crate::{db, hooks, users};

/// Whether the caller asked for `starred_at` (`application/vnd.github.star+json`).
fn with_dates(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.contains("star+json"))
}

/// An item of a list: `json` alone, or `{starred_at, <key>: json}` when dates were asked for.
fn item(dates: bool, key: &str, json: &str) -> String {
    if dates {
        format!("json_build_object('starred_at', gh_ts(s.starred_at), '{key}', {json})")
    } else {
        json.to_owned()
    }
}

/// `GET /repos/{owner}/{repo}/stargazers`: the users who starred it, oldest star first.
pub(crate) async fn stargazers(scope: Scope, headers: HeaderMap, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    req::list(
        &client,
        &scope.page(&repo, "stargazers", &query),
        &Listing {
            from: "stars s",
            alias: "s",
            filter: "s.repo_id = $1",
            item: &item(with_dates(&headers), "user", "gh_user_id(s.user_id, $2)"),
            order: "s.starred_at, s.user_id",
        },
        &[&repo.id, &scope.base()],
    )
    .await
}

/// The repositories `user` starred that `viewer` can see, at `path` (`sort`: `created`, the
/// default, or `updated`; `direction`, newest first by default).
async fn starred(
    kit: &Kit,
    viewer: Option<&Viewer>,
    user: i64,
    (path, headers, query): (&str, &HeaderMap, &Query),
) -> ApiResult {
    let sort = match query.get("sort").unwrap_or("created") {
        "created" => "s.starred_at",
        "updated" => "(SELECT r.updated_at FROM repos r WHERE r.id = s.repo_id)",
        _ => return Err(ApiError::validation("Repository", "sort", "invalid")),
    };
    let direction = query.direction("Repository", "DESC")?;
    let base = &kit.config().public_url;
    let client = kit.db().await?;
    let repo =
        "(SELECT gh_repo(r, $2, gh_permission(r.id, $3)) FROM repos r WHERE r.id = s.repo_id)";
    req::list(
        &client,
        &Page::new(base, path, query),
        &Listing {
            from: "stars s",
            alias: "s",
            filter: "s.user_id = $1 AND gh_permission(s.repo_id, $3) IS NOT NULL",
            item: &item(with_dates(headers), "repo", repo),
            order: &format!("{sort} {direction}, s.repo_id"),
        },
        &[&user, base, &viewer.map(|v| v.user_id)],
    )
    .await
}

/// `GET /user/starred`.
pub(crate) async fn mine(
    State(kit): State<Kit>,
    Person(viewer): Person,
    headers: HeaderMap,
    query: Query,
) -> ApiResult {
    let me = viewer.user_id;
    starred(&kit, Some(&viewer), me, ("/user/starred", &headers, &query)).await
}

/// `GET /users/{username}/starred`.
pub(crate) async fn of_user(
    State(kit): State<Kit>,
    Caller(viewer): Caller,
    Path(login): Path<String>,
    headers: HeaderMap,
    query: Query,
) -> ApiResult {
    let user = users::id(&kit, &login).await?;
    let path = format!("/users/{login}/starred");
    starred(&kit, viewer.as_ref(), user, (&path, &headers, &query)).await
}

/// `GET /user/starred/{owner}/{repo}`: 204 when the caller starred it, 404 otherwise.
pub(crate) async fn check(Person(viewer): Person, scope: Scope) -> ApiResult {
    const SQL: &str = "SELECT 1 FROM stars WHERE repo_id = $1 AND user_id = $2";
    let (client, repo) = scope.open().await?;
    db::found(&client, SQL, &[&repo.id, &viewer.user_id]).await?;
    Ok(req::no_content())
}

/// `PUT /user/starred/{owner}/{repo}`: 204 (also when already starred); a new star is
/// announced as `star` `created` and `watch` `started`.
pub(crate) async fn star(Person(viewer): Person, scope: Scope) -> ApiResult {
    const SQL: &str = "INSERT INTO stars (repo_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING
                       RETURNING gh_ts(starred_at)";
    let (mut client, repo) = scope.open().await?;
    let tx = client.transaction().await?;
    let mut woke = false;
    if let Some(at) = db::first::<String>(&tx, SQL, &[&repo.id, &viewer.user_id]).await? {
        let mut starred = hooks::payload("created", []);
        starred.insert("starred_at".into(), json!(at));
        woke = emit(&tx, &scope, repo.id, "star", starred).await?;
        woke |= emit(&tx, &scope, repo.id, "watch", hooks::payload("started", [])).await?;
    }
    scope.commit(tx, woke).await?;
    Ok(req::no_content())
}

/// `DELETE /user/starred/{owner}/{repo}`: 204 (also when it was not starred); a removed star
/// is announced as `star` `deleted`.
pub(crate) async fn unstar(Person(viewer): Person, scope: Scope) -> ApiResult {
    const SQL: &str = "DELETE FROM stars WHERE repo_id = $1 AND user_id = $2 RETURNING 1";
    let (mut client, repo) = scope.open().await?;
    let tx = client.transaction().await?;
    let mut woke = false;
    if db::first::<i32>(&tx, SQL, &[&repo.id, &viewer.user_id])
        .await?
        .is_some()
    {
        let mut payload = hooks::payload("deleted", []);
        payload.insert("starred_at".into(), Value::Null);
        woke = emit(&tx, &scope, repo.id, "star", payload).await?;
    }
    scope.commit(tx, woke).await?;
    Ok(req::no_content())
}

/// Sends `event` about the repository as the caller.
async fn emit(
    client: &impl asym_kit::deadpool_postgres::GenericClient,
    scope: &Scope,
    repo: i64,
    event: &str,
    payload: Map<String, Value>,
) -> ApiResult<bool> {
    let sender = scope.viewer.as_ref().map_or(0, |v| v.user_id);
    hooks::emit(client, scope.base(), repo, event, sender, payload).await
}
