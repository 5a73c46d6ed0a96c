//! Request bodies: bounded JSON objects, for the API and the admin routes alike.

use asym_kit::body::{self, Limits};
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

/// An API call's JSON object body, read within 1 MiB ([`object`]).
#[derive(Debug)]
pub(crate) struct Object(pub(crate) Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for Object {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> ApiResult<Self> {
        let limits = Limits {
            max_bytes: 1 << 20,
            ..Default::default()
        };
        let bytes = body::read(req.into_body(), &limits).await?;
        Ok(Self(object(&bytes)?))
    }
}
