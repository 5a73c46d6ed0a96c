//! A repository by its id, and a renamed repository's old name: `/repositories/{id}[/…]`
//! answers as `/repos/{owner}/{name}[/…]` does, and a route that names a repository by a
//! name it was renamed from answers GitHub's redirect to `/repositories/{id}[/…]` (301 for a
//! read, 307 for a write), so a client that follows it reaches the repository under any name.

use asym_kit::Kit;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::db;
use crate::error::{ApiError, Moved};

/// Where GitHub's redirects point.
const REDIRECT_DOCS: &str = "https://docs.github.com/v3/#http-redirects";

/// Middleware: `/repositories/{id}` and its sub-paths are routed as
/// `/repos/{owner}/{name}` and its sub-paths (the repository's name now); an id that names no
/// repository is left to answer 404. Visibility is the repository route's to decide.
pub(crate) async fn by_id(State(kit): State<Kit>, mut request: Request, next: Next) -> Response {
    let Some((id, rest)) = split(request.uri().path()) else {
        return next.run(request).await;
    };
    let (Ok(id), rest) = (id.parse::<i64>(), rest.to_owned()) else {
        return next.run(request).await;
    };
    match full_name(&kit, id).await {
        Ok(Some(full_name)) => {
            let query = request.uri().query().map(|q| format!("?{q}"));
            let path = format!("/repos/{full_name}{rest}{}", query.unwrap_or_default());
            if let Ok(uri) = path.parse::<Uri>() {
                *request.uri_mut() = uri;
            }
            next.run(request).await
        }
        Ok(None) => next.run(request).await,
        Err(err) => err.into_response(),
    }
}

/// `/repositories/{id}{rest}` as `(id, rest)`, `rest` empty or starting with `/`.
fn split(path: &str) -> Option<(&str, &str)> {
    let after = path.strip_prefix("/repositories/")?;
    Some(after.find('/').map_or((after, ""), |at| after.split_at(at)))
}

/// The `owner/name` of the repository `id`, if there is one.
async fn full_name(kit: &Kit, id: i64) -> Result<Option<String>, ApiError> {
    const SQL: &str = "SELECT full_name FROM repos WHERE id = $1";
    Ok(db::first(&kit.db().await?, SQL, &[&id]).await?)
}

/// Middleware: a repository route answered [`ApiError::moved`] becomes GitHub's redirect:
/// 301 for `GET`/`HEAD` and 307 otherwise, `Location` the same route and query under
/// `/repositories/{id}` at the clone's public URL, body `{"message": "Moved Permanently",
/// "url", "documentation_url"}` (octokit/fixtures' `rename-repository` scenario).
pub(crate) async fn redirect(State(kit): State<Kit>, request: Request, next: Next) -> Response {
    let read = matches!(*request.method(), Method::GET | Method::HEAD);
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(|q| format!("?{q}"));
    let mut response = next.run(request).await;
    let Some(Moved(id)) = response.extensions_mut().remove::<Moved>() else {
        return response;
    };
    // Only a `/repos/…` path can be said again by the id (not `/user/starred/…`).
    if !path.starts_with("/repos/") {
        return ApiError::not_found().into_response();
    }
    // `/repos/{owner}/{name}/rest…`: the owner and name replaced by the id.
    let rest: Vec<&str> = path.splitn(5, '/').skip(4).collect();
    let mut url = format!("{}/repositories/{id}", kit.config().public_url);
    for part in rest {
        url.push('/');
        url.push_str(part);
    }
    url.push_str(query.as_deref().unwrap_or_default());
    let body = json!({
        "message": "Moved Permanently",
        "url": url,
        "documentation_url": REDIRECT_DOCS,
    });
    let status = if read {
        StatusCode::MOVED_PERMANENTLY
    } else {
        StatusCode::TEMPORARY_REDIRECT
    };
    let mut redirect = (status, axum::Json(body)).into_response();
    for (name, value) in response.headers() {
        if name != CONTENT_TYPE && name != CONTENT_LENGTH {
            redirect.headers_mut().insert(name, value.clone());
        }
    }
    if let Ok(location) = HeaderValue::from_str(&url) {
        redirect.headers_mut().insert(LOCATION, location);
    }
    redirect
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn repository_paths_split_into_id_and_rest() {
        assert_eq!(split("/repositories/7"), Some(("7", "")));
        assert_eq!(split("/repositories/7/issues/1"), Some(("7", "/issues/1")));
        assert_eq!(split("/repos/a/b"), None);
    }
}
