//! `Idempotency-Key`: a `POST`'s key and the fingerprint of what it was sent with, and the
//! saved answer replayed to a retry (or Stripe's refusal of a key reused otherwise).

use axum::http::{HeaderMap, Method, StatusCode, Uri};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};

/// Stripe's limit on an `Idempotency-Key`'s length.
pub(super) const MAX_IDEMPOTENCY_KEY: usize = 255;

/// A `POST`'s `Idempotency-Key` and the fingerprint of what it was sent with.
pub(super) struct Idempotency {
    pub(super) key: String,
    /// SHA-256 of the method, path and body: a key reused with other parameters is refused.
    pub(super) fingerprint: String,
}

impl Idempotency {
    /// The key of a `POST` that carries a non-empty one.
    pub(super) fn of(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Option<Self> {
        let key = headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .filter(|k| !k.is_empty() && *method == Method::POST)?;
        let path = uri.path().trim_end_matches('/');
        let fingerprint = hex::encode(Sha256::digest(
            [
                method.as_str().as_bytes(),
                b" ",
                path.as_bytes(),
                b"?",
                body,
            ]
            .concat(),
        ));
        Some(Self {
            key: key.to_owned(),
            fingerprint,
        })
    }
}

/// The saved answer to an earlier request with the same `Idempotency-Key`.
pub(super) fn replay(
    key: &str,
    fingerprint: &str,
    saved_fingerprint: String,
    status: Option<i32>,
    body: Option<String>,
) -> ApiResult<(StatusCode, String)> {
    if saved_fingerprint != fingerprint {
        return Err(ApiError::idempotency(
            StatusCode::BAD_REQUEST,
            format!(
                "Keys for idempotent requests can only be used with the same parameters they \
                 were first used with. Try using a key other than '{key}' if you meant to \
                 execute a different request."
            ),
        ));
    }
    let (Some(status), Some(body)) = (status, body) else {
        return Err(ApiError::idempotency(
            StatusCode::CONFLICT,
            "There is currently another in-progress request using this Idempotent Key (that \
             probably means you submitted twice, and the other request is still going through): \
             retry this request later.",
        ));
    };
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    Ok((status, body))
}
