//! [`ApiError`]: every failure, answered in Notion's
//! `{"object":"error","status":…,"code":…,"message":…,"request_id":…}` envelope.

use std::borrow::Cow;

use asym_kit::BackendError;
use asym_kit::body::BodyError;
use axum::http::StatusCode;
use axum::http::header::RETRY_AFTER;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// 400 `validation_error` for the body value at `path`: it `should` be something else, and
/// `was` this.
pub(crate) fn invalid(path: &str, should: &str, was: &Value) -> ApiError {
    ApiError::validation(format!(
        "body failed validation: {path} should be {should}, instead was `{was}`."
    ))
}

/// Notion's validation error for a required body value at `path` that is absent.
pub(crate) fn undefined(path: &str) -> ApiError {
    ApiError::validation(format!(
        "body failed validation: {path} should be defined, instead was `undefined`."
    ))
}

/// Member `key` of `object` (the body value at `path`) as `read` takes it (`Value::as_str`,
/// …), or the validation error that `{path}.{key}` should be `should`.
///
/// # Errors
///
/// 400 `validation_error` when the member is absent or `read` does not take it.
pub(crate) fn member<'a, T>(
    object: &'a Map<String, Value>,
    key: &str,
    path: &str,
    should: &str,
    read: impl FnOnce(&'a Value) -> Option<T>,
) -> ApiResult<T> {
    let value = object.get(key);
    value.and_then(read).ok_or_else(|| {
        invalid(
            &format!("{path}.{key}"),
            should,
            value.unwrap_or(&Value::Null),
        )
    })
}

/// `value` (the body value at `path`) as an object, or the validation error that `path`
/// should be an object.
///
/// # Errors
///
/// 400 `validation_error` when it is not an object.
pub(crate) fn object_at<'a>(value: &'a Value, path: &str) -> ApiResult<&'a Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| invalid(path, "an object", value))
}

/// The string at `keys` below `value` (the body value at `path`), or the validation error
/// that `{path}.{keys…}` should be a string.
///
/// # Errors
///
/// 400 `validation_error` when it is absent or not a string.
pub(crate) fn string_at<'a>(value: &'a Value, keys: &[&str], path: &str) -> ApiResult<&'a str> {
    let found = keys.iter().try_fold(value, |value, key| value.get(key));
    found.and_then(Value::as_str).ok_or_else(|| {
        invalid(
            &format!("{path}.{}", keys.join(".")),
            "a string",
            found.unwrap_or(&Value::Null),
        )
    })
}

/// Notion's size limits ("Request limits"): most characters in any URL (a link's, a `url`
/// value's, a bookmark's or embed's, an external file's).
pub(crate) const MAX_URL: usize = 2000;
/// Most characters in an equation's `expression` (a rich-text item's or an equation block's).
pub(crate) const MAX_EXPRESSION: usize = 1000;
/// Most characters in an `email` or `phone_number` value.
pub(crate) const MAX_CONTACT: usize = 200;
/// Most block elements in one request, its blocks' children counted.
pub(crate) const MAX_BLOCKS: usize = 1000;

/// Notion's size limit on the text at `path`: at most `max` characters, counted as Notion
/// (JavaScript) counts them, in UTF-16 code units.
///
/// # Errors
///
/// 400 `validation_error` "body failed validation: {path}.length should be ≤ `{max}`,
/// instead was `{length}`." when it is longer.
pub(crate) fn at_most(text: &str, path: &str, max: usize) -> ApiResult<()> {
    let length = text.encode_utf16().count();
    if length > max {
        return Err(ApiError::validation(format!(
            "body failed validation: {path}.length should be ≤ `{max}`, instead was `{length}`."
        )));
    }
    Ok(())
}

/// The array at `path` holding at most `max` items, or Notion's validation error.
///
/// # Errors
///
/// 400 `validation_error` when `value` is not an array or holds more than `max` items.
pub(crate) fn array_at<'a>(value: &'a Value, path: &str, max: usize) -> ApiResult<&'a [Value]> {
    let items = value
        .as_array()
        .ok_or_else(|| invalid(path, "an array", value))?;
    if items.len() > max {
        return Err(ApiError::validation(format!(
            "body failed validation: {path}.length should be ≤ `{max}`, instead was `{}`.",
            items.len()
        )));
    }
    Ok(items)
}

/// A failed request.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: Cow<'static, str>,
    retry_after: Option<u64>,
    /// The envelope's `additional_data` (Notion's "extra context, such as retry guidance").
    /// Boxed: most errors carry none, and the error stays small.
    additional_data: Option<Box<Value>>,
}

/// A handler's result.
pub(crate) type ApiResult<T = Response> = Result<T, ApiError>;

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
            additional_data: None,
        }
    }

    /// 400 `validation_error` naming what is wrong.
    pub(crate) fn validation(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "validation_error", message)
    }

    /// Notion's `validation_error` for writing to (or under) a page or block in the trash.
    pub(crate) fn archived() -> Self {
        Self::validation(
            "Can't edit block that is archived. You must unarchive the block before editing.",
        )
    }

    /// 400 `invalid_json`.
    pub(crate) fn invalid_json(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_json", message)
    }

    /// 400 `invalid_request_url`.
    pub(crate) fn invalid_url() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_url",
            "Invalid request URL.",
        )
    }

    /// 501 `not_implemented`: a route Notion serves that the clone does not (named).
    pub(crate) fn not_implemented(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            "not_implemented",
            format!("{what} is not implemented by this Notion clone."),
        )
    }

    /// 400 `missing_version`.
    pub(crate) fn missing_version() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "missing_version",
            "Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.",
        )
    }

    /// 401 `unauthorized`.
    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "API token is invalid.",
        )
    }

    /// 403 `restricted_resource`: the integration lacks the capability the route needs.
    pub(crate) fn restricted() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "restricted_resource",
            "Insufficient permissions for this endpoint.",
        )
    }

    /// 404 `object_not_found` for `kind` `id` (not found, or not shared with the integration).
    pub(crate) fn not_found(kind: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "object_not_found",
            format!(
                "Could not find {kind} with ID: {id}. Make sure the relevant pages and databases are shared with your integration."
            ),
        )
    }

    /// 409 `conflict_error`.
    pub(crate) fn conflict(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict_error", message)
    }

    /// 429 `rate_limited` with `Retry-After` and, as Notion's "Request limits" document,
    /// `additional_data.rate_limit_reason` naming the limit exceeded: the clone's is the
    /// per-connection limit, `public_api_request_rate_limit`.
    pub(crate) fn rate_limited(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            additional_data: Some(Box::new(
                json!({ "rate_limit_reason": "public_api_request_rate_limit" }),
            )),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "You have been rate limited. Please try again in a few minutes.",
            )
        }
    }

    /// 500 `internal_server_error` (Postgres or Redis did not answer).
    pub(crate) fn internal(detail: &str) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            format!("Unexpected error occurred: {detail}"),
        )
    }

    /// 503 `service_unavailable`: every pooled Postgres connection stayed busy (Notion's
    /// answer when a request cannot be served in time).
    pub(crate) fn service_unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "Notion is unavailable. Try again later.",
        )
    }

    /// 503 `database_connection_unavailable`: no Postgres connection could be had, or the
    /// one in use was lost.
    pub(crate) fn database_unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database_connection_unavailable",
            "Notion's database is unavailable or in an unqueryable state. Try again later.",
        )
    }

    /// 504 `gateway_timeout`: the work took longer than allowed (a call timed out, or
    /// Postgres cancelled a statement).
    pub(crate) fn gateway_timeout() -> Self {
        Self::new(
            StatusCode::GATEWAY_TIMEOUT,
            "gateway_timeout",
            "Notion timed out while attempting to complete this request. Please try again later.",
        )
    }

    /// The error code (for tests of the mapping).
    #[cfg(test)]
    pub(crate) fn code(&self) -> &'static str {
        self.code
    }
}

/// Notion's 5xx answers for the clone's own failures: a Postgres connection not had, or
/// lost, is `database_connection_unavailable`; a pool that stayed busy `service_unavailable`;
/// a timeout `gateway_timeout`; anything else `internal_server_error`.
impl From<BackendError> for ApiError {
    fn from(err: BackendError) -> Self {
        match err {
            BackendError::PostgresPool(_) => Self::database_unavailable(),
            BackendError::PoolExhausted => Self::service_unavailable(),
            BackendError::Timeout(_) => Self::gateway_timeout(),
            BackendError::Postgres(err) => err.into(),
            other => Self::internal(&asym_kit::error_chain(&other)),
        }
    }
}

impl From<asym_kit::tokio_postgres::Error> for ApiError {
    fn from(err: asym_kit::tokio_postgres::Error) -> Self {
        use asym_kit::tokio_postgres::error::SqlState;
        let conflict = [
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
            SqlState::UNIQUE_VIOLATION,
        ];
        if err.code().is_some_and(|code| conflict.contains(code)) {
            return Self::conflict("Conflict occurred while saving. Please try again.");
        }
        if err.code() == Some(&SqlState::QUERY_CANCELED) {
            return Self::gateway_timeout();
        }
        if err.is_closed()
            || err.code().is_some_and(|code| {
                matches!(
                    code,
                    &SqlState::ADMIN_SHUTDOWN
                        | &SqlState::CRASH_SHUTDOWN
                        | &SqlState::CANNOT_CONNECT_NOW
                        | &SqlState::CONNECTION_FAILURE
                        | &SqlState::CONNECTION_EXCEPTION
                )
            })
        {
            return Self::database_unavailable();
        }
        Self::internal(&asym_kit::error_chain(&err))
    }
}

impl From<BodyError> for ApiError {
    fn from(err: BodyError) -> Self {
        match err {
            BodyError::Syntax(_) | BodyError::InvalidUtf8 | BodyError::Unreadable => {
                Self::invalid_json("Error parsing JSON body.")
            }
            BodyError::TooLarge { limit } => Self::validation(format!(
                "Request body too large: the limit is {limit} bytes."
            )),
            other => Self::validation(format!("body failed validation: {other}.")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "object": "error",
            "status": self.status.as_u16(),
            "code": self.code,
            "message": self.message,
            "request_id": crate::ids::new_uuid(),
        });
        if let Some(data) = self.additional_data {
            body["additional_data"] = *data;
        }
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(RETRY_AFTER, secs.into());
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_name_their_path_and_what_they_were() {
        let object = json!({ "cells": "x", "width": 3 });
        let object = object.as_object().unwrap();
        assert_eq!(
            member(object, "width", "body.table", "a number", Value::as_u64).unwrap(),
            3
        );
        for (key, was) in [("cells", "\"x\""), ("rows", "null")] {
            let err = member(object, key, "body.table", "an array", Value::as_array).unwrap_err();
            assert_eq!(
                err.message,
                format!(
                    "body failed validation: body.table.{key} should be an array, instead was `{was}`."
                )
            );
        }
    }

    #[test]
    fn backend_failures_map_to_notion_5xx_codes() {
        use std::time::Duration;
        let closed = asym_kit::deadpool_postgres::PoolError::Closed;
        for (err, status, code) in [
            (BackendError::PoolExhausted, 503, "service_unavailable"),
            (
                BackendError::PostgresPool(closed),
                503,
                "database_connection_unavailable",
            ),
            (
                BackendError::Timeout(Duration::from_secs(1)),
                504,
                "gateway_timeout",
            ),
        ] {
            let err = ApiError::from(err);
            assert_eq!((err.status.as_u16(), err.code()), (status, code));
        }
        let err = ApiError::internal("x");
        assert_eq!(
            (err.status.as_u16(), err.code()),
            (500, "internal_server_error")
        );
    }

    #[test]
    fn body_errors_map_to_notion_codes() {
        assert_eq!(
            ApiError::from(BodyError::Syntax("x".into())).code(),
            "invalid_json"
        );
        assert_eq!(
            ApiError::from(BodyError::InvalidUtf8).code(),
            "invalid_json"
        );
        for err in [
            BodyError::NulByte,
            BodyError::TooDeep { limit: 1 },
            BodyError::TooManyKeys { limit: 1 },
            BodyError::TooLarge { limit: 1 },
        ] {
            assert_eq!(ApiError::from(err).code(), "validation_error");
        }
    }
}
