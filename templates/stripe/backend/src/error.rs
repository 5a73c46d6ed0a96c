//! [`ApiError`]: every failure, answered in Stripe's `{"error":{…}}` envelope.

use asym_kit::BackendError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// The largest amount Stripe charges in one payment, in cents: $999,999.99.
pub(crate) const MAX_AMOUNT: i64 = 99_999_999;

/// A failed request, as Stripe reports it: an HTTP status and
/// `{"error":{"type","code","message","param","decline_code","doc_url",…}}`.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) body: Map<String, Value>,
    /// Whether the request's changes are kept despite the error (a declined card leaves a
    /// failed charge and a payment intent waiting for another method, as on Stripe).
    pub(crate) persist: bool,
}

/// What a handler returns.
pub(crate) type ApiResult<T = Value> = Result<T, ApiError>;

impl ApiError {
    fn new(status: StatusCode, kind: &str, message: impl Into<String>) -> Self {
        let mut body = Map::new();
        body.insert("message".into(), Value::String(message.into()));
        body.insert("type".into(), Value::String(kind.into()));
        Self {
            status,
            body,
            persist: false,
        }
    }

    /// Keeps the request's changes although it fails.
    pub(crate) fn persist(mut self) -> Self {
        self.persist = true;
        self
    }

    /// 400 `invalid_request_error` without a code.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", message)
    }

    /// 400 `invalid_request_error` naming the parameter at fault.
    pub(crate) fn invalid_param(param: &str, message: impl Into<String>) -> Self {
        Self::invalid(message).param(param)
    }

    /// 400 `parameter_missing`.
    pub(crate) fn missing(param: &str) -> Self {
        Self::invalid(format!("Missing required param: {param}."))
            .code("parameter_missing")
            .param(param)
    }

    /// 400 `parameter_unknown`.
    pub(crate) fn unknown(param: &str) -> Self {
        Self::invalid(format!("Received unknown parameter: {param}"))
            .code("parameter_unknown")
            .param(param)
    }

    /// 404 `resource_missing`: `No such customer: 'cus_…'`.
    pub(crate) fn missing_resource(what: &str, id: &str, param: &str) -> Self {
        let mut err = Self::not_found(format!("No such {what}: '{id}'")).code("resource_missing");
        if !param.is_empty() {
            err = err.param(param);
        }
        err
    }

    /// 404 `invalid_request_error` for something that does not exist (`invoice_upcoming_none`).
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "invalid_request_error", message)
    }

    /// 404 for a path no route serves.
    pub(crate) fn unrecognized_url(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            format!(
                "Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs \
                 or we can help at https://support.stripe.com/."
            ),
        )
    }

    /// 401: no key, or a key this account does not have.
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_request_error", message)
    }

    /// 402 `card_error` (`card_declined`, `expired_card`, …).
    pub(crate) fn card(code: &str, decline_code: Option<&str>, message: &str) -> Self {
        let mut err = Self::new(StatusCode::PAYMENT_REQUIRED, "card_error", message).code(code);
        if let Some(decline) = decline_code {
            err.body
                .insert("decline_code".into(), Value::String(decline.into()));
        }
        err
    }

    /// 402 `invalid_request_error` with `code`: a valid request whose attempt failed for
    /// another reason than the card's issuer (`payment_intent_authentication_failure`).
    pub(crate) fn request_failed(code: &str, message: &str) -> Self {
        Self::new(
            StatusCode::PAYMENT_REQUIRED,
            "invalid_request_error",
            message,
        )
        .code(code)
    }

    /// 400 (or 409) `idempotency_error`.
    pub(crate) fn idempotency(status: StatusCode, message: impl Into<String>) -> Self {
        Self::new(status, "idempotency_error", message)
    }

    /// 429 `rate_limit`: more requests in a second than the account's limit.
    pub(crate) fn rate_limited() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "invalid_request_error",
            "Request rate limit exceeded. You can learn more about rate limits here \
             https://stripe.com/docs/rate-limits.",
        )
        .code("rate_limit")
    }

    /// The error with its `param` renamed `to`, in its message too (a route that makes its
    /// change as another route names the parameters its request sent).
    pub(crate) fn rename_param(mut self, to: &str) -> Self {
        if let Some(Value::String(from)) = self.body.get("param").cloned()
            && let Some(Value::String(message)) = self.body.get_mut("message")
        {
            *message = message.replace(from.as_str(), to);
        }
        self.param(to)
    }

    /// The error with its `param` renamed to what `rename` makes of it (the message naming it
    /// as well), unchanged where `rename` answers `None` or the error names no parameter.
    pub(crate) fn map_param(self, rename: impl FnOnce(&str) -> Option<String>) -> Self {
        let renamed = match self.body.get("param") {
            Some(Value::String(param)) => rename(param),
            _ => None,
        };
        match renamed {
            Some(to) => self.rename_param(&to),
            None => self,
        }
    }

    /// The error with its `param` (`a[b]`) named inside `outer` (`outer[a][b]`): a check of
    /// a nested hash reporting as the request spelled it.
    pub(crate) fn nested_in(self, outer: &str) -> Self {
        let Some(Value::String(param)) = self.body.get("param").cloned() else {
            return self;
        };
        let named = match param.split_once('[') {
            Some((head, rest)) => format!("{outer}[{head}][{rest}"),
            None => format!("{outer}[{param}]"),
        };
        self.rename_param(&named)
    }

    /// 403 `invalid_request_error` with `code`: a key that may not reach what it names
    /// (`account_invalid`).
    pub(crate) fn forbidden(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "invalid_request_error", message).code(code)
    }

    /// Stripe's 400 `amount_too_large` for an amount, `param`, above [`MAX_AMOUNT`].
    pub(crate) fn too_large(param: &str) -> Self {
        Self::invalid_param(param, "Amount must be no more than $999,999.99")
            .code("amount_too_large")
    }

    /// 400 for an object in the wrong state (`payment_intent_unexpected_state`, …).
    pub(crate) fn state(code: &str, message: impl Into<String>) -> Self {
        Self::invalid(message).code(code)
    }

    /// 500 `api_error`, logged.
    pub(crate) fn internal(detail: &str) -> Self {
        eprintln!("api_error: {detail}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "api_error",
            "An unknown error occurred while processing your request.",
        )
    }

    /// Sets `code` (and the matching `doc_url`).
    pub(crate) fn code(mut self, code: &str) -> Self {
        self.body.insert("code".into(), Value::String(code.into()));
        self.body.insert(
            "doc_url".into(),
            Value::String(format!(
                "https://stripe.com/docs/error-codes/{}",
                code.replace('_', "-")
            )),
        );
        self
    }

    /// Sets `param`.
    pub(crate) fn param(mut self, param: &str) -> Self {
        self.body
            .insert("param".into(), Value::String(param.to_owned()));
        self
    }

    /// Adds a field to the error object (`payment_intent`, `charge`, …).
    pub(crate) fn with(mut self, key: &str, value: Value) -> Self {
        self.body.insert(key.to_owned(), value);
        self
    }

    /// The error's `code`, if any.
    #[cfg(test)]
    pub(crate) fn code_str(&self) -> Option<&str> {
        self.body.get("code").and_then(Value::as_str)
    }

    /// The JSON body.
    pub(crate) fn to_json(&self) -> Value {
        json!({ "error": Value::Object(self.body.clone()) })
    }
}

impl From<BackendError> for ApiError {
    fn from(err: BackendError) -> Self {
        Self::internal(&asym_kit::error_chain(&err))
    }
}

impl From<asym_kit::tokio_postgres::Error> for ApiError {
    fn from(err: asym_kit::tokio_postgres::Error) -> Self {
        Self::internal(&asym_kit::error_chain(&err))
    }
}

impl From<asym_kit::deadpool_postgres::PoolError> for ApiError {
    fn from(err: asym_kit::deadpool_postgres::PoolError) -> Self {
        Self::internal(&asym_kit::error_chain(&err))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.to_json())).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_resources_read_like_stripe() {
        let err = ApiError::missing_resource("customer", "cus_x", "id");
        assert_eq!(err.status, StatusCode::NOT_FOUND);
        assert_eq!(
            err.to_json(),
            json!({"error": {
                "message": "No such customer: 'cus_x'",
                "type": "invalid_request_error",
                "code": "resource_missing",
                "doc_url": "https://stripe.com/docs/error-codes/resource-missing",
                "param": "id",
            }})
        );
    }

    #[test]
    fn card_errors_are_402_with_decline_code() {
        let err = ApiError::card("card_declined", Some("insufficient_funds"), "no");
        assert_eq!(err.status, StatusCode::PAYMENT_REQUIRED);
        assert_eq!(err.body["type"], "card_error");
        assert_eq!(err.body["decline_code"], "insufficient_funds");
        assert_eq!(err.code_str(), Some("card_declined"));
    }
}
