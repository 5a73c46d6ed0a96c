//! [`ApiError`]: every failure, answered in Slack's `{"ok":false,"error":…}` envelope.

use std::borrow::Cow;

use asym_kit::BackendError;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

/// A failed call. Web API methods answer HTTP 200 with `{"ok":false,"error":"<code>",…}`,
/// as Slack does; the admin surface uses the same body with a meaningful status.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: Cow<'static, str>,
    fields: Map<String, Value>,
    retry_after: Option<u64>,
}

impl ApiError {
    /// A Web API method error (`not_authed`, `channel_not_found`, …): HTTP 200.
    pub(crate) fn new(code: &'static str) -> Self {
        Self {
            status: StatusCode::OK,
            code: Cow::Borrowed(code),
            fields: Map::new(),
            retry_after: None,
        }
    }

    /// An error whose code the client chose (`api.test?error=…`).
    pub(crate) fn custom(code: String) -> Self {
        Self {
            code: Cow::Owned(code),
            ..Self::new("")
        }
    }

    /// `ratelimited`: HTTP 429 with `Retry-After: <seconds>`, as Slack answers.
    pub(crate) fn ratelimited(retry_after: u64) -> Self {
        Self {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(retry_after),
            ..Self::new("ratelimited")
        }
    }

    /// `invalid_arguments` with Slack's `response_metadata.messages` explanation.
    pub(crate) fn invalid_arguments(message: impl Into<String>) -> Self {
        let message = format!("[ERROR] {}", message.into());
        Self::new("invalid_arguments").with(
            "response_metadata",
            serde_json::json!({ "messages": [message] }),
        )
    }

    /// An error with a non-200 status (admin surface).
    pub(crate) fn status(status: StatusCode, code: &'static str) -> Self {
        Self {
            status,
            ..Self::new(code)
        }
    }

    /// The same error answered with `status` instead.
    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Adds a field beside `ok` and `error` (e.g. `needed`, `req_method`).
    pub(crate) fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.fields.insert(key.to_owned(), value.into());
        self
    }

    /// The fields beside `ok` and `error`.
    #[cfg(test)]
    pub(crate) fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// The error code (`channel_not_found`, …).
    pub(crate) fn status_code(&self) -> StatusCode {
        self.status
    }

    /// The error's code.
    pub(crate) fn code(&self) -> &str {
        &self.code
    }

    /// Postgres or Redis failed: logged in full, answered as Slack's `internal_error`.
    pub(crate) fn internal(err: &BackendError) -> Self {
        eprintln!("internal_error: {}", asym_kit::error_chain(err));
        Self::new("internal_error")
    }
}

impl From<BackendError> for ApiError {
    fn from(err: BackendError) -> Self {
        Self::internal(&err)
    }
}

asym_kit::backend_error_conversions!(ApiError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::with_capacity(2 + self.fields.len());
        body.insert("ok".to_owned(), Value::Bool(false));
        body.insert("error".to_owned(), Value::String(self.code.into_owned()));
        body.extend(self.fields);
        let mut response = (self.status, axum::Json(Value::Object(body))).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// What a method handler returns: the success body (without `ok`) or an error.
pub(crate) type ApiResult = Result<Map<String, Value>, ApiError>;

/// A successful method's body: `fields`, in order.
#[expect(
    clippy::unnecessary_wraps,
    reason = "handlers return it as their ApiResult"
)]
pub(crate) fn reply<const N: usize>(fields: [(&str, Value); N]) -> ApiResult {
    Ok(fields
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(err: ApiError) -> asym_kit::testing::Reply {
        asym_kit::testing::reply(err.into_response()).await
    }

    #[tokio::test]
    async fn method_errors_are_http_200_with_the_envelope() {
        let json = body(ApiError::new("channel_not_found")).await.expect(200);
        assert_eq!(
            json,
            serde_json::json!({"ok": false, "error": "channel_not_found"})
        );
    }

    #[tokio::test]
    async fn extra_fields_follow_the_error() {
        let err = ApiError::new("missing_scope")
            .with("needed", "chat:write")
            .with("provided", "users:read");
        assert_eq!(body(err).await.body["needed"], "chat:write");
        let json = body(ApiError::invalid_arguments(
            "missing required field: channel",
        ))
        .await
        .body;
        assert_eq!(
            json["response_metadata"]["messages"][0],
            "[ERROR] missing required field: channel"
        );
    }
}
