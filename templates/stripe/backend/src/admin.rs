//! The admin surface (behind the kit's `X-Asym-Admin-Secret` guard): provisioning.

use asym_kit::credentials;
use asym_kit::token::{hash, random_alnum};
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde_json::{Map, Value};

use crate::clock;
use asym_kit::Kit;

/// A secret key in the shape Stripe documents: `sk_test_` + 24 alphanumerics.
pub(crate) fn mint_secret_key() -> String {
    format!("sk_test_{}", random_alnum(24))
}

/// A publishable key: `pk_test_` + 24 alphanumerics.
pub(crate) fn mint_publishable_key() -> String {
    format!("pk_test_{}", random_alnum(24))
}

/// Stripe's keys live in `api_keys` (the request path reads them there).
const KEYS: credentials::Ledger = credentials::Ledger {
    lock: "api_keys",
    probe: "SELECT 1 FROM api_keys LIMIT 1",
};

/// `POST /api/admin/provision`, body optionally `{"reprovision": true}`.
///
/// Mints the account's test-mode keys, stores their hashes and returns the plaintexts once:
/// `{"tokens":{"secretKey":"sk_test_…","publishableKey":"pk_test_…"}}`. A second call answers
/// 409 `already_provisioned` unless it asks to reprovision, which revokes the earlier keys.
/// Database failures answer 503 (the engine retries).
pub(crate) async fn provision(State(state): State<Kit>, body: Bytes) -> Response {
    credentials::provision_with(&state, &body, KEYS, async |tx| {
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
        let mut tokens = Map::new();
        tokens.insert("secretKey".to_owned(), Value::String(secret));
        tokens.insert("publishableKey".to_owned(), Value::String(publishable));
        Ok(tokens)
    })
    .await
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
