//! `POST /graphql`: authentication (`Authorization: lin_api_…` for API keys, `Bearer …` for
//! OAuth tokens), the bounded body, execution, and Linear's statuses and headers
//! (`X-Complexity`, `X-RateLimit-*`). `GET /graphql/schema` serves the SDL.

use asym_kit::body::{self, BodyError, Limits};
use asym_kit::credentials;
use async_graphql::{ErrorExtensionValues, Response as GqlResponse};
use axum::body::Body;
use axum::extract::State;
use axum::http::header::{ALLOW, AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::{self, Kind};
use crate::{App, Viewer, ratelimit};

/// A GraphQL request body: 1 MiB, 64 levels, 10,000 keys.
const LIMITS: Limits = Limits {
    max_bytes: 1 << 20,
    max_depth: 64,
    max_keys: 10_000,
};

/// Credential kinds, as provisioned.
pub(crate) const API_KEY: &str = "apiKey";
/// An OAuth access token's kind.
pub(crate) const OAUTH: &str = "oauth";

/// `GET /graphql/schema`: the SDL the clone serves (Linear's names), for client generators.
pub(crate) async fn schema() -> Response {
    (
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        crate::sdl::SDL,
    )
        .into_response()
}

/// Linear's one answer to every request it cannot authenticate (no header, an unknown key or
/// token, an API key sent as `Bearer`, a token without it): recorded answers of
/// api.linear.app show the same body for each.
fn unauthenticated() -> Response {
    error::response(
        Kind::Authentication,
        "Authentication required, not authenticated",
        "You need to authenticate to access this operation.",
    )
}

/// The viewer behind the request's `Authorization` header, or Linear's 401.
pub(crate) async fn authenticate(
    app: &App,
    headers: &HeaderMap,
) -> Result<(Viewer, String), Response> {
    let Some(header) = headers.get(AUTHORIZATION).and_then(|h| h.to_str().ok()) else {
        return Err(unauthenticated());
    };
    let header = header.trim();
    let (token, kind) = match header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
    {
        Some(token) => (token.trim(), OAUTH),
        None => (header, API_KEY),
    };
    if token.is_empty() {
        return Err(unauthenticated());
    }
    match credentials::authenticate(&app.shared.kit, token).await {
        Ok(Some(principal)) if principal.kind == kind => Ok((
            Viewer {
                user_id: principal.subject,
            },
            principal.name,
        )),
        Ok(_) => Err(unauthenticated()),
        Err(err) => Err(error::unavailable(asym_kit::error_chain(&err))),
    }
}

fn body_error(err: &BodyError) -> Response {
    let message = match err {
        BodyError::Syntax(_) | BodyError::InvalidUtf8 | BodyError::Unreadable => {
            format!("Invalid request body: {err}")
        }
        _ => err.to_string(),
    };
    error::response(Kind::InvalidInput, &message, &message)
}

/// `POST /graphql`.
pub(crate) async fn graphql(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    let (viewer, credential) = match authenticate(&app, &headers).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let bytes = match body::read(body, &LIMITS).await {
        Ok(bytes) => bytes,
        Err(err) => return body_error(&err),
    };
    let value = match body::json(&bytes, &LIMITS) {
        Ok(value) => value,
        Err(err) => return body_error(&err),
    };
    // serde reads a struct from an array too, and a missing query as an empty one.
    let request = value
        .is_object()
        .then(|| serde_json::from_value::<async_graphql::Request>(value).ok())
        .flatten()
        .filter(|request| !request.query.trim().is_empty());
    let Some(mut request) = request else {
        let message =
            "Must provide a query string in a JSON object: {\"query\": …, \"variables\": {…}}";
        return error::response(Kind::Graphql, message, message);
    };
    let limits = match ratelimit::admit(&app.shared, &credential).await {
        Ok(limits) => limits,
        Err(response) => return response,
    };
    let ticket = app.documents.prepare(&mut request);
    if let Some(message) = app.inputs.out_of_range(&mut request) {
        return error::response(Kind::Graphql, &message, &message);
    }
    let mut response = app
        .schema
        .execute(request.data(viewer).data(ticket.clone()).data(limits))
        .await;
    let complexity = ticket.complexity();
    let mut reply = match ticket.take_answer() {
        Some(body) => projected(body),
        None => {
            let status = status_of(&mut response);
            (status, axum::Json(&response)).into_response()
        }
    };
    ratelimit::stamp(reply.headers_mut(), &limits, complexity);
    ratelimit::charge(&app.shared, &limits, &credential, complexity).await;
    reply
}

/// The answer to a request its plan answered ([`crate::projection`]): status 200.
fn projected(body: Vec<u8>) -> Response {
    ([(CONTENT_TYPE, "application/json")], body).into_response()
}

/// Linear's status: 400 when the query did not parse or validate (errors without a path,
/// given Linear's `graphql error` extensions); when every error is a user error and nothing
/// was answered, the first error's `statusCode` (400, or 403 for a role refused); 200
/// otherwise.
fn status_of(response: &mut GqlResponse) -> StatusCode {
    if response.errors.is_empty() {
        return StatusCode::OK;
    }
    let mut status = StatusCode::OK;
    for err in &mut response.errors {
        if err.extensions.is_none() {
            let mut extensions = ErrorExtensionValues::default();
            let json = Kind::Graphql.extensions(&err.message);
            if let serde_json::Value::Object(map) = json {
                for (key, value) in map {
                    if let Ok(value) = async_graphql::Value::from_json(value) {
                        extensions.set(key, value);
                    }
                }
            }
            err.extensions = Some(extensions);
            if err.path.is_empty() {
                status = StatusCode::BAD_REQUEST;
            }
        }
    }
    if status == StatusCode::OK && response.data == async_graphql::Value::Null {
        let user_error = response.errors.iter().all(|err| {
            err.extensions
                .as_ref()
                .and_then(|ext| ext.get("userError"))
                .is_some_and(|v| *v == async_graphql::Value::Boolean(true))
        });
        if user_error {
            // The first error's own status (403 for a role refused), else 400.
            status = response.errors[0]
                .extensions
                .as_ref()
                .and_then(|ext| ext.get("statusCode"))
                .and_then(|code| match code {
                    async_graphql::Value::Number(n) => n.as_u64(),
                    _ => None,
                })
                .and_then(|code| StatusCode::from_u16(u16::try_from(code).ok()?).ok())
                .filter(StatusCode::is_client_error)
                .unwrap_or(StatusCode::BAD_REQUEST);
        }
    }
    status
}

/// Every other path: Linear's error shape, 404.
pub(crate) async fn not_found() -> Response {
    refusal(StatusCode::NOT_FOUND, "NOT_FOUND", "Not found")
}

/// A method a route does not serve: 405 in the same shape, `Allow` naming the one it does.
pub(crate) fn method_not_allowed(allowed: &'static str) -> Response {
    let message = format!("This route is only served over {allowed}");
    let mut response = refusal(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        &message,
    );
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allowed));
    response
}

/// A refusal of the request itself (no GraphQL was run), in Linear's error shape.
fn refusal(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "errors": [{
        "message": message,
        "extensions": { "type": "invalid input", "code": code, "statusCode": status.as_u16(),
                        "userError": true, "userPresentableMessage": message },
    }]});
    (status, axum::Json(body)).into_response()
}
