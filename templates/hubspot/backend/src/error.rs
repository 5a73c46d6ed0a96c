//! [`ApiError`]: every failure, answered in HubSpot's error envelope
//! `{status: "error", message, correlationId, category, errors?, context?, links?}`.

use asym_kit::BackendError;
use asym_kit::body::BodyError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// One failed call.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    category: &'static str,
    message: String,
    fields: Map<String, Value>,
}

/// What handlers return.
pub(crate) type ApiResult<T = Response> = Result<T, ApiError>;

impl ApiError {
    /// An error of `category` answered with `status`.
    pub(crate) fn new(
        status: StatusCode,
        category: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            category,
            message: message.into(),
            fields: Map::new(),
        }
    }

    /// 400 `VALIDATION_ERROR`.
    pub(crate) fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message)
    }

    /// HubSpot's 400 for a body whose `model` lacks the required attributes `unset`
    /// (`Invalid input JSON: Cannot build Filter, some of required attributes are not set
    /// [operator]`).
    pub(crate) fn unbuilt(model: &str, unset: &[&str]) -> Self {
        Self::validation(format!(
            "Invalid input JSON: Cannot build {model}, some of required attributes are not set [{}]",
            unset.join(", ")
        ))
    }

    /// 415 for a body that is not sent as `application/json`: the message is the JAX-RS
    /// status line HubSpot's Java services answer it with.
    pub(crate) fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "VALIDATION_ERROR",
            "HTTP 415 Unsupported Media Type",
        )
    }

    /// 404 `OBJECT_NOT_FOUND`, HubSpot's `resource not found`.
    pub(crate) fn not_found() -> Self {
        Self::missing("resource not found")
    }

    /// 404 `OBJECT_NOT_FOUND` saying what is missing.
    pub(crate) fn missing(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "OBJECT_NOT_FOUND", message)
    }

    /// 409 `CONFLICT`.
    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "CONFLICT", message)
    }

    /// 409 `OBJECT_ALREADY_EXISTS`.
    pub(crate) fn already_exists(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "OBJECT_ALREADY_EXISTS", message)
    }

    /// 401 `INVALID_AUTHENTICATION`.
    pub(crate) fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "INVALID_AUTHENTICATION",
            "Authentication credentials not found. This API supports OAuth 2.0 authentication \
             and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
        )
    }

    /// 403 `MISSING_SCOPES`, naming the scopes the call needs.
    pub(crate) fn missing_scopes(required: &[&str]) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "MISSING_SCOPES",
            "This app hasn't been granted all required scopes to make this call. Read more \
             about required scopes here: https://developers.hubspot.com/scopes.",
        )
        .with(
            "errors",
            json!([{
                "message": "One or more of the following scopes are required.",
                "context": { "requiredGranularScopes": required },
            }]),
        )
        .with(
            "links",
            json!({ "scopes": "https://developers.hubspot.com/scopes" }),
        )
    }

    /// Adds a field beside the envelope's own (`errors`, `context`, `links`, …).
    pub(crate) fn with(mut self, key: &str, value: Value) -> Self {
        self.fields.insert(key.to_owned(), value);
        self
    }

    /// Its HTTP status.
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// Its category.
    pub(crate) fn category(&self) -> &'static str {
        self.category
    }

    /// Its message.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    /// The `errors` detail, if any.
    pub(crate) fn errors(&self) -> Value {
        self.fields
            .get("errors")
            .cloned()
            .unwrap_or_else(|| json!([]))
    }

    /// The `context`, if any.
    pub(crate) fn context(&self) -> Value {
        self.fields
            .get("context")
            .cloned()
            .unwrap_or_else(|| json!({}))
    }

    /// Postgres or Redis failed: logged in full, answered 500 as HubSpot's internal error.
    pub(crate) fn internal(err: &BackendError) -> Self {
        eprintln!("internal error: {}", asym_kit::error_chain(err));
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "internal error",
        )
    }
}

/// 404 `OBJECT_NOT_FOUND` when a write touched no row (`rows`, as `execute` counts them).
///
/// # Errors
///
/// [`ApiError::not_found`] when `rows` is 0.
pub(crate) fn found(rows: u64) -> Result<(), ApiError> {
    if rows == 0 {
        Err(ApiError::not_found())
    } else {
        Ok(())
    }
}

impl From<BodyError> for ApiError {
    fn from(err: BodyError) -> Self {
        let status = match err {
            BodyError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        };
        Self::new(
            status,
            "VALIDATION_ERROR",
            format!("Invalid input JSON: {err}"),
        )
    }
}

asym_kit::backend_error_conversions!(ApiError, ApiError::internal);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::with_capacity(4 + self.fields.len());
        body.insert("status".to_owned(), json!("error"));
        body.insert("message".to_owned(), Value::String(self.message));
        body.insert(
            "correlationId".to_owned(),
            Value::String(asym_kit::token::random_uuid()),
        );
        body.insert("category".to_owned(), json!(self.category));
        body.extend(self.fields);
        (self.status, axum::Json(Value::Object(body))).into_response()
    }
}
