//! The admin surface (behind the kit's `X-Asym-Admin-Secret` guard): provisioning.

use asym_kit::token::{hash, random_alnum};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::AppState;
use crate::clock;

/// A secret key in the shape Stripe documents: `sk_test_` + 24 alphanumerics.
pub(crate) fn mint_secret_key() -> String {
    format!("sk_test_{}", random_alnum(24))
}

/// A publishable key: `pk_test_` + 24 alphanumerics.
pub(crate) fn mint_publishable_key() -> String {
    format!("pk_test_{}", random_alnum(24))
}

fn fail(status: StatusCode, error: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({ "error": error, "message": message })),
    )
        .into_response()
}

/// `POST /api/admin/provision`, body optionally `{"reprovision": true}`.
///
/// Mints the account's test-mode keys, stores their hashes and returns the plaintexts once:
/// `{"tokens":{"secretKey":"sk_test_…","publishableKey":"pk_test_…"}}`. A second call answers
/// 409 `already_provisioned` unless it asks to reprovision, which revokes the earlier keys.
/// Database failures answer 503 (the engine retries).
pub(crate) async fn provision(State(state): State<AppState>, body: Bytes) -> Response {
    let reprovision = match asym_kit::credentials::parse_reprovision(&body) {
        Ok(flag) => flag,
        Err(reason) => return fail(StatusCode::BAD_REQUEST, "invalid_body", reason),
    };
    match provision_inner(&state, reprovision).await {
        Ok(Some(body)) => (StatusCode::OK, axum::Json(body)).into_response(),
        Ok(None) => fail(
            StatusCode::CONFLICT,
            "already_provisioned",
            "keys were already minted; send {\"reprovision\": true} to rotate them",
        ),
        Err(err) => fail(
            StatusCode::SERVICE_UNAVAILABLE,
            "internal_error",
            &asym_kit::error_chain(&err),
        ),
    }
}

async fn provision_inner(
    state: &AppState,
    reprovision: bool,
) -> Result<Option<serde_json::Value>, asym_kit::BackendError> {
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    tx.execute("LOCK TABLE api_keys IN SHARE ROW EXCLUSIVE MODE", &[])
        .await?;
    let provisioned = tx
        .query_opt("SELECT 1 FROM api_keys LIMIT 1", &[])
        .await?
        .is_some();
    if provisioned && !reprovision {
        return Ok(None);
    }
    let secret = mint_secret_key();
    let publishable = mint_publishable_key();
    tx.execute("DELETE FROM api_keys", &[]).await?;
    for (key, kind) in [(&secret, "secret"), (&publishable, "publishable")] {
        tx.execute(
            "INSERT INTO api_keys (key_hash, kind, created) VALUES ($1, $2, $3)",
            &[&hash(key), &kind, &clock::now()],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Some(
        json!({ "tokens": { "secretKey": secret, "publishableKey": publishable } }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_stripes_shape() {
        let sk = mint_secret_key();
        assert!(sk.starts_with("sk_test_"));
        assert_eq!(sk.len(), 8 + 24);
        assert!(sk[8..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(mint_publishable_key().starts_with("pk_test_"));
    }
}
