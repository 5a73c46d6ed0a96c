//! Who is calling: the middleware every product route runs behind. It reads
//! `Authorization: Bearer|token <credential>` (or Basic with the token as password), looks
//! the credential up through the kit, counts the call against its rate limit, answers 401
//! for a credential it does not know (a GitHub App's JSON web token is checked by [`jwt`]),
//! keeps an app's token and a narrowed installation token to what they reach
//! ([`installations::reach`]) and an installation token to its permissions
//! ([`permissions`]), and adds GitHub's headers to every answer: `X-OAuth-Scopes`,
//! `X-Accepted-OAuth-Scopes` (a person's token), `X-Accepted-GitHub-Permissions` (an
//! installation's), `x-ratelimit-*`, `ETag` (with `If-None-Match` answered 304).

use std::hash::{DefaultHasher, Hasher};

use asym_kit::Kit;
use asym_kit::credentials;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;

use crate::error::ApiError;
use crate::ratelimit::{self, Rate};
use crate::viewer::{Caller, Viewer};
use crate::{installations, jwt, permissions};

/// The API versions GitHub accepts in `X-GitHub-Api-Version`.
const API_VERSIONS: [&str; 2] = ["2022-11-28", "2026-03-10"];

/// Largest body an ETag is computed for.
const ETAG_MAX: usize = 8 << 20;

/// The credential in `Authorization`, if any (`Some("")` for a scheme it cannot read).
fn credential(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().unwrap_or("").trim();
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    let rest = rest.trim();
    Some(match scheme.to_ascii_lowercase().as_str() {
        "bearer" | "token" => rest.to_owned(),
        "basic" => base64::engine::general_purpose::STANDARD
            .decode(rest)
            .ok()
            .and_then(|raw| String::from_utf8(raw).ok())
            .and_then(|pair| pair.split_once(':').map(|(_, pw)| pw.to_owned()))
            .unwrap_or_default(),
        _ => String::new(),
    })
}

/// The middleware: authentication, rate limit, GitHub's response headers, ETags.
pub(crate) async fn layer(State(kit): State<Kit>, mut request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    if let Some(version) = request.headers().get("x-github-api-version") {
        let version = version.to_str().unwrap_or("");
        if !API_VERSIONS.contains(&version) {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("API version {version} is not supported."),
            )
            .into_response();
        }
    }
    let viewer = match credential(request.headers()) {
        None => None,
        Some(token) if token.is_empty() => return ApiError::bad_credentials().into_response(),
        Some(token) if jwt::looks_like_jwt(&token) => match jwt::authenticate(&kit, &token).await {
            Ok((app_id, bot_id)) => Some(Viewer::app(app_id, bot_id)),
            Err(err) => return err.into_response(),
        },
        Some(token) => match credentials::authenticate(&kit, &token).await {
            Ok(Some(principal)) => match Viewer::from_principal(&principal) {
                Some(viewer) => Some(viewer),
                None => return ApiError::bad_credentials().into_response(),
            },
            Ok(None) => return ApiError::bad_credentials().into_response(),
            Err(err) => return ApiError::from(err).into_response(),
        },
    };
    let path = request.uri().path().to_owned();
    if let Some(viewer) = &viewer
        && let Err(err) = installations::reach(&kit, viewer, request.method(), &path).await
    {
        return err.into_response();
    }
    let rate = ratelimit::hit(&kit, viewer.as_ref(), &path).await;
    if let Some(rate) = &rate
        && rate.exceeded()
    {
        let mut response = ratelimit::exceeded(rate, viewer.as_ref()).into_response();
        headers(response.headers_mut(), viewer.as_ref(), Some(rate), &path);
        return response;
    }
    // An installation token on a route of the permissions table: GitHub's 403 unless it
    // holds one of the permissions the route accepts.
    let route = viewer
        .as_ref()
        .filter(|v| v.installation)
        .and_then(|_| permissions::route(request.method(), &path));
    if let (Some(viewer), Some(route)) = (&viewer, route)
        && !permissions::allows(&viewer.grant, route)
    {
        let mut response = ApiError::integration(route.docs).into_response();
        accepted(response.headers_mut(), route);
        headers(response.headers_mut(), Some(viewer), rate.as_ref(), &path);
        return response;
    }
    let conditional = (request.method() == Method::GET)
        .then(|| request.headers().get(IF_NONE_MATCH).cloned())
        .flatten();
    let is_get = request.method() == Method::GET;
    request.extensions_mut().insert(Caller(viewer.clone()));
    let mut response = plain_errors(next.run(request).await);
    headers(
        response.headers_mut(),
        viewer.as_ref(),
        rate.as_ref(),
        &path,
    );
    if let Some(route) = route {
        accepted(response.headers_mut(), route);
    }
    if is_get && response.status() == StatusCode::OK {
        response = etag(response, conditional).await;
    }
    response
}

fn headers(headers: &mut HeaderMap, viewer: Option<&Viewer>, rate: Option<&Rate>, path: &str) {
    let set = |headers: &mut HeaderMap, name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    if let Some(viewer) = viewer
        && !viewer.installation
        && viewer.app.is_none()
    {
        set(headers, "x-oauth-scopes", viewer.scopes.join(", "));
        set(
            headers,
            "x-accepted-oauth-scopes",
            accepted_scopes(path).to_owned(),
        );
    }
    if let Some(rate) = rate {
        set(headers, "x-ratelimit-limit", rate.limit.to_string());
        set(
            headers,
            "x-ratelimit-remaining",
            rate.remaining().to_string(),
        );
        set(headers, "x-ratelimit-reset", rate.reset.to_string());
        set(headers, "x-ratelimit-used", rate.used.to_string());
        set(headers, "x-ratelimit-resource", rate.resource.to_owned());
    }
    headers.insert(
        "x-github-api-version-selected",
        HeaderValue::from_static(API_VERSIONS[0]),
    );
    headers.insert(
        "x-github-media-type",
        HeaderValue::from_static("github.v3; format=json"),
    );
}

/// `X-Accepted-GitHub-Permissions`: the permissions `route` accepts.
fn accepted(headers: &mut HeaderMap, route: &permissions::Route) {
    headers.insert(
        "x-accepted-github-permissions",
        HeaderValue::from_static(route.accepted),
    );
}

/// The scopes GitHub lists as accepted for a route family.
fn accepted_scopes(path: &str) -> &'static str {
    if path.starts_with("/repos/") && path.contains("/hooks") {
        "admin:repo_hook, read:repo_hook, repo, write:repo_hook"
    } else if path.starts_with("/repos/") || path.starts_with("/user/repos") {
        "repo"
    } else if path.starts_with("/orgs/") || path.starts_with("/user/orgs") {
        "admin:org, read:org, repo, user, write:org"
    } else if path.starts_with("/user") {
        "user"
    } else {
        ""
    }
}

/// Adds a weak `ETag` over the body and answers 304 when `If-None-Match` carries it.
async fn etag(response: Response, conditional: Option<HeaderValue>) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ETAG_MAX).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "body too large").into_response();
    };
    let tag = format!("W/\"{:016x}\"", digest(&bytes));
    let matches = conditional
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim() == tag || t.trim() == &tag[2..])
        });
    if let Ok(value) = HeaderValue::from_str(&tag) {
        parts.headers.insert(ETAG, value);
    }
    if let Some(modified) = last_modified(&bytes)
        && let Ok(value) = HeaderValue::from_str(&modified)
    {
        parts
            .headers
            .insert(axum::http::header::LAST_MODIFIED, value);
    }
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(axum::http::header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// A 64-bit digest of a body for its weak `ETag`: four lanes of 8-byte words, each folded in
/// with an xor, a multiply by an odd constant and a rotation (so a changed word always changes
/// its lane), then the lanes and the tail through SipHash. Not cryptographic: a tag need only
/// change when the body does. SipHash over the whole body cost a page of 100 issues (200 KB)
/// a tenth of a millisecond; this is several times faster.
fn digest(bytes: &[u8]) -> u64 {
    const K: [u64; 4] = [
        0x9E37_79B9_7F4A_7C15,
        0xC2B2_AE3D_27D4_EB4F,
        0x1656_67B1_9E37_79F9,
        0x85EB_CA77_C2B2_AE63,
    ];
    let mut lanes = K;
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        for ((lane, k), word) in lanes.iter_mut().zip(K).zip(block.chunks_exact(8)) {
            let word = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
            *lane = (*lane ^ word).wrapping_mul(k).rotate_left(31);
        }
    }
    let mut hasher = DefaultHasher::new();
    hasher.write(blocks.remainder());
    for lane in lanes {
        hasher.write_u64(lane);
    }
    hasher.write_usize(bytes.len());
    hasher.finish()
}

/// Answers axum's own refusals (a body past the size limit, an unreadable path, a method a
/// route does not serve) in GitHub's envelope; GitHub answers an unknown method with 404.
fn plain_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !status.is_client_error() || is_json {
        return response;
    }
    match status {
        StatusCode::METHOD_NOT_ALLOWED => ApiError::not_found().into_response(),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(status, "Payload too large").into_response(),
        _ => ApiError::new(status, status.canonical_reason().unwrap_or("Bad Request"))
            .into_response(),
    }
}

/// `Last-Modified` for a single object with an `updated_at` (lists carry only an `ETag`).
fn last_modified(bytes: &[u8]) -> Option<String> {
    if bytes.first() != Some(&b'{') {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let updated = value.get("updated_at")?.as_str()?;
    crate::time::parse(updated).map(crate::time::http_date)
}

#[cfg(test)]
mod tests {
    use super::digest;

    #[test]
    fn a_changed_byte_anywhere_changes_the_digest() {
        let body: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let tag = digest(&body);
        assert_eq!(tag, digest(&body.clone()));
        for at in [0, 7, 31, 32, 500, 991, 999] {
            let mut changed = body.clone();
            changed[at] ^= 1;
            assert_ne!(digest(&changed), tag, "byte {at}");
        }
        assert_ne!(digest(&body[..999]), tag);
    }
}
