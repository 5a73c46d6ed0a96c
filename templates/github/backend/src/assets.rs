//! Release assets: upload (`POST …/releases/{id}/assets?name=&label=`, the raw body with its
//! `Content-Type`, at the release's `upload_url` on the clone's own address), list, get,
//! rename or relabel, delete, and download: `GET …/releases/assets/{id}` with
//! `Accept: application/octet-stream`, or the asset's `browser_download_url`
//! (`/{owner}/{repo}/releases/download/{tag}/{name}`), both answering the bytes and counting
//! the download. A draft's assets are seen only by those who can push.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::types::ToSql;
use axum::body::Body as RawBody;
use axum::http::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::releases;
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Listing, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;

/// The largest asset the clone stores (GitHub takes up to 2 GiB).
const MAX_ASSET: usize = 32 << 20;

/// What an upload without a `Content-Type` is stored as.
const OCTET_STREAM: &str = "application/octet-stream";

/// An asset's JSON.
async fn render(client: &impl GenericClient, base: &str, id: i64) -> ApiResult<String> {
    const SQL: &str = "SELECT gh_release_asset(a, $2)::text FROM release_assets a WHERE a.id = $1";
    Ok(db::value(client, SQL, &[&id, &base]).await?)
}

/// The asset the path's id names in `repo` (404 when none, or a draft's the caller may not
/// see).
async fn by_id(client: &impl GenericClient, repo: &Repo, id: &str) -> ApiResult<i64> {
    const SQL: &str =
        "SELECT a.id, rl.draft FROM release_assets a JOIN releases rl ON rl.id = a.release_id
                       WHERE a.id = $1 AND rl.repo_id = $2";
    releases::find(client, repo, SQL, &db::id::<i64>(id)?).await
}

/// An asset name as GitHub stores it: characters other than letters, digits and `._-+@`
/// become `.`, and leading or trailing dots go.
fn clean_name(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "._-+@".contains(c) {
                c
            } else {
                '.'
            }
        })
        .collect();
    replaced.trim_matches('.').to_owned()
}

/// 422 for a name the release already has.
fn taken() -> ApiError {
    ApiError::validation("ReleaseAsset", "name", "already_exists")
}

/// `GET /repos/{owner}/{repo}/releases/{id}/assets`: oldest first.
pub(crate) async fn list(scope: Scope<String>, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let release = releases::by_id(&client, &repo, &scope.path).await?;
    req::list(
        &client,
        &scope.page(&repo, &format!("releases/{release}/assets"), &query),
        &Listing {
            from: "release_assets a",
            alias: "a",
            filter: "a.release_id = $1",
            item: "gh_release_asset(a, $2)",
            order: "a.id",
        },
        &[&release, &scope.base()],
    )
    .await
}

/// `POST /repos/{owner}/{repo}/releases/{id}/assets?name=…&label=…`: the body is the file;
/// 201 with the asset, 422 `already_exists` for a name the release has.
pub(crate) async fn upload(
    scope: Scope<String>,
    query: Query,
    headers: HeaderMap,
    body: RawBody,
) -> ApiResult {
    let viewer = scope
        .viewer
        .clone()
        .ok_or_else(ApiError::requires_authentication)?;
    let data = match req::read(body, MAX_ASSET).await {
        Ok(data) => data,
        Err(response) => return Ok(response),
    };
    let name = clean_name(query.get("name").unwrap_or_default());
    if name.is_empty() {
        return Err(ApiError::validation(
            "ReleaseAsset",
            "name",
            "missing_field",
        ));
    }
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or(OCTET_STREAM);
    let (client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let release = releases::by_id(&client, &repo, &scope.path).await?;
    let id: i64 = db::first(
        &client,
        "INSERT INTO release_assets (release_id, name, label, content_type, data, uploader_id)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (release_id, name) DO NOTHING RETURNING id",
        &[
            &release,
            &name,
            &query.get("label"),
            &content_type,
            &data.as_ref(),
            &viewer.user_id,
        ],
    )
    .await?
    .ok_or_else(taken)?;
    Ok(req::created(render(&client, scope.base(), id).await?))
}

/// The bytes of asset `id`, counted as a download.
async fn bytes(client: &impl GenericClient, id: i64) -> ApiResult<Response> {
    const SQL: &str = "UPDATE release_assets SET download_count = download_count + 1 WHERE id = $1
                       RETURNING name, content_type, data";
    let row = db::found(client, SQL, &[&id]).await?;
    let (name, content_type, data): (String, String, Vec<u8>) =
        (row.get(0), row.get(1), row.get(2));
    let mut response = data.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename={name}")) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// `GET /repos/{owner}/{repo}/releases/assets/{id}`: the asset, or its bytes with
/// `Accept: application/octet-stream`.
pub(crate) async fn get(scope: Scope<String>, headers: HeaderMap) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let id = by_id(&client, &repo, &scope.path).await?;
    let raw = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.contains(OCTET_STREAM));
    if raw {
        return bytes(&client, id).await;
    }
    Ok(req::ok(render(&client, scope.base(), id).await?))
}

/// `PATCH /repos/{owner}/{repo}/releases/assets/{id}` (`name`, `label`; `state` is always
/// `uploaded`; 401 without credentials).
pub(crate) async fn update(scope: Scope<String>, _signed_in: Viewer, body: Body) -> ApiResult {
    const SQL: &str = "UPDATE release_assets a SET name = coalesce($2, a.name),
                           label = CASE WHEN $3 THEN $4 ELSE a.label END, updated_at = now()
                       WHERE a.id = $1 AND NOT EXISTS (
                           SELECT 1 FROM release_assets o
                           WHERE o.release_id = a.release_id AND o.name = $2 AND o.id <> a.id)";
    let name = body.str("name")?.map(clean_name);
    if name.as_deref() == Some("") {
        return Err(ApiError::validation("ReleaseAsset", "name", "invalid"));
    }
    body.one_of("state", &["uploaded", "open"], "ReleaseAsset")?;
    let (client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let id = by_id(&client, &repo, &scope.path).await?;
    let params: [&(dyn ToSql + Sync); 4] = [&id, &name, &body.has("label"), &body.str("label")?];
    if db::execute(&client, SQL, &params).await? == 0 {
        return Err(taken());
    }
    Ok(req::ok(render(&client, scope.base(), id).await?))
}

/// `DELETE /repos/{owner}/{repo}/releases/assets/{id}`: 204 (401 without credentials).
pub(crate) async fn delete(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    let (client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let id = by_id(&client, &repo, &scope.path).await?;
    db::execute(&client, "DELETE FROM release_assets WHERE id = $1", &[&id]).await?;
    Ok(req::no_content())
}

/// `GET /{owner}/{repo}/releases/download/{tag}/{name}` (a `browser_download_url`): the
/// bytes of a published release's asset.
pub(crate) async fn download(scope: Scope<(String, String)>) -> ApiResult {
    const SQL: &str =
        "SELECT a.id, false FROM release_assets a JOIN releases rl ON rl.id = a.release_id
                       WHERE a.name = $1 AND rl.repo_id = $2 AND rl.tag_name = $3 AND NOT rl.draft";
    let (client, repo) = scope.open().await?;
    let (tag, name) = &scope.path;
    let row = db::found(&client, SQL, &[name, &repo.id, tag]).await?;
    bytes(&client, row.get(0)).await
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn asset_names_lose_what_github_replaces() {
        assert_eq!(clean_name("app v1.tar.gz"), "app.v1.tar.gz");
        assert_eq!(clean_name(".hidden."), "hidden");
        assert_eq!(clean_name("ok-1_2+3@x.zip"), "ok-1_2+3@x.zip");
    }
}
