//! Request bodies: bounded JSON objects, for the API and the admin routes alike.

use asym_kit::body::{self, BodyError, Limits};
use axum::extract::{FromRequest, Request};
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

/// Limits for every body: 1 MiB, 64 levels, 10,000 keys.
const LIMITS: Limits = Limits {
    max_bytes: 1 << 20,
    max_depth: 64,
    max_keys: 10_000,
};

/// A JSON object body (an empty body is an empty object).
pub(crate) fn object(bytes: &[u8]) -> ApiResult<Map<String, Value>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match body::json(bytes, &LIMITS)? {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::validation(
            "body failed validation: body should be an object.",
        )),
    }
}

/// Most bytes in one API request's body: Notion's "Request limits" cap a payload at 500KB
/// overall (and 1000 block elements: [`crate::error::MAX_BLOCKS`]), answering a
/// `validation_error` beyond it. Notion does not say whether a KB is 1,000 or 1,024 bytes:
/// the clone takes 1,000.
pub(crate) const PAYLOAD_MAX: usize = 500_000;

/// An API call's JSON object body, read within [`PAYLOAD_MAX`] ([`object`]).
#[derive(Debug)]
pub(crate) struct Object(pub(crate) Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for Object {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> ApiResult<Self> {
        let limits = Limits {
            max_bytes: PAYLOAD_MAX,
            ..Default::default()
        };
        let bytes = body::read(req.into_body(), &limits)
            .await
            .map_err(|err| match err {
                BodyError::TooLarge { .. } => ApiError::validation(format!(
                    "body failed validation: the request body should be at most 500KB ({PAYLOAD_MAX} bytes), Notion's limit on one request's payload."
                )),
                other => other.into(),
            })?;
        Ok(Self(object(&bytes)?))
    }
}
