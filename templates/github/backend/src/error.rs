//! [`ApiError`]: every failure, answered in GitHub's envelope
//! `{"message": …, "documentation_url": …, "status": "<code>"}`, with `errors` on 422s.

use std::borrow::Cow;

use asym_kit::BackendError;
use asym_kit::body::BodyError;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Where GitHub's errors point.
pub(crate) const DOCS: &str = "https://docs.github.com/rest";

/// A failed request.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: Cow<'static, str>,
    errors: Vec<Value>,
    headers: Vec<(HeaderName, String)>,
    documentation_url: &'static str,
    moved: Option<i64>,
}

/// The id of the repository a renamed repository's old name now names: left on the
/// response of [`ApiError::moved`] for [`crate::moved::redirect`].
#[derive(Debug, Clone)]
pub(crate) struct Moved(pub(crate) i64);

/// What handlers return.
pub(crate) type ApiResult<T = Response> = Result<T, ApiError>;

impl ApiError {
    /// An error with `status` and `message`.
    pub(crate) fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            message: message.into(),
            errors: Vec::new(),
            headers: Vec::new(),
            documentation_url: DOCS,
            moved: None,
        }
    }

    /// A redirect to the repository `id`, renamed from the one the path names: 301 (307 for
    /// a write) to the same route under `/repositories/{id}`, as GitHub redirects
    /// ([`crate::moved::redirect`] writes it, knowing the request).
    pub(crate) fn moved(id: i64) -> Self {
        Self {
            moved: Some(id),
            ..Self::new(StatusCode::MOVED_PERMANENTLY, "Moved Permanently")
        }
    }

    /// 404 `Not Found`: also what a private resource the caller cannot see answers.
    pub(crate) fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not Found")
    }

    /// 401 `Requires authentication`.
    pub(crate) fn requires_authentication() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Requires authentication")
    }

    /// 401 `Bad credentials`.
    pub(crate) fn bad_credentials() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Bad credentials")
    }

    /// 403 with `message`.
    pub(crate) fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 403 `Resource not accessible by integration`: a route an installation token may not
    /// use, pointing at that route's page of GitHub's reference (`documentation_url`).
    pub(crate) fn integration(documentation_url: &'static str) -> Self {
        Self {
            documentation_url,
            ..Self::forbidden("Resource not accessible by integration")
        }
    }

    /// 409 with `message`.
    pub(crate) fn conflict(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// 422 with a plain `message` (GitHub's schema errors: `Invalid request.\n\n…`).
    pub(crate) fn invalid(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// 422 `Validation Failed` with one `{resource, field, code}` error.
    pub(crate) fn validation(resource: &str, field: &str, code: &str) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "Validation Failed")
            .with_error(json!({ "resource": resource, "field": field, "code": code }))
    }

    /// 422 `Validation Failed` with one `{value, resource, field, code: "invalid"}` error: a
    /// value GitHub names back (an unknown assignee or milestone).
    pub(crate) fn invalid_value(resource: &str, field: &str, value: impl Into<Value>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "Validation Failed").with_error(json!({
            "value": value.into(), "resource": resource, "field": field, "code": "invalid"
        }))
    }

    /// 422 `Validation Failed` with one `custom` error carrying `message`.
    pub(crate) fn custom(resource: &str, field: &str, message: &str) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "Validation Failed").with_error(json!({
            "resource": resource, "field": field, "code": "custom", "message": message
        }))
    }

    /// 400 `Problems parsing JSON`.
    pub(crate) fn bad_json() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Problems parsing JSON")
    }

    /// Adds an entry to `errors`.
    pub(crate) fn with_error(mut self, error: Value) -> Self {
        self.errors.push(error);
        self
    }

    /// Adds a response header.
    pub(crate) fn with_header(mut self, name: HeaderName, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Adds `Retry-After: seconds`.
    pub(crate) fn retry_after(self, seconds: u64) -> Self {
        self.with_header(RETRY_AFTER, seconds.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "message": self.message,
            "documentation_url": self.documentation_url,
            "status": self.status.as_u16().to_string(),
        });
        if !self.errors.is_empty() {
            body["errors"] = Value::Array(self.errors);
        }
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(id) = self.moved {
            response.extensions_mut().insert(Moved(id));
        }
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

impl From<BackendError> for ApiError {
    fn from(err: BackendError) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("Service unavailable: {}", asym_kit::error_chain(&err)),
        )
    }
}

asym_kit::backend_error_conversions!(ApiError);

impl From<BodyError> for ApiError {
    fn from(err: BodyError) -> Self {
        match err {
            BodyError::TooLarge { .. } => {
                Self::new(StatusCode::PAYLOAD_TOO_LARGE, "Payload too large")
            }
            BodyError::NulByte => Self::invalid("Invalid request.\n\nNUL bytes are not allowed."),
            _ => Self::bad_json(),
        }
    }
}
