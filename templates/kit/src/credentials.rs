//! Credentials a clone accepts: minted with the product's prefixes, stored only as SHA-256
//! hashes in `asym_credentials`, looked up on every request, revoked by reprovisioning.
//!
//! A backend's provisioning route is one call:
//!
//! ```no_run
//! use asym_kit::credentials::{self, Mint};
//! use axum::{body::Bytes, extract::State, response::Response};
//!
//! async fn provision(State(kit): State<asym_kit::Kit>, body: Bytes) -> Response {
//!     credentials::provision(&kit, &body, || {
//!         vec![Mint::new("token", asym_kit::token::mint("ghp_")).subject("1").scopes(["repo"])]
//!     })
//!     .await
//! }
//! ```

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use deadpool_postgres::GenericClient;
use serde_json::{Map, Value, json};

use crate::errors::{admin_error, error_chain};
use crate::kit::{BackendError, Kit};
use crate::token::hash;

/// A credential about to be stored; its plaintext is returned once and then forgotten.
#[derive(Debug, Clone)]
pub struct Mint {
    /// Its name in the clone's record (`token`, `bot`, `apiKey`, …).
    pub name: String,
    /// The plaintext.
    pub token: String,
    /// Whose it is: a product id (a user, an app installation), as the seed names it.
    pub subject: String,
    /// A product-defined kind (`pat`, `installation`, `oauth`, …).
    pub kind: String,
    /// The scopes it carries.
    pub scopes: Vec<String>,
}

impl Mint {
    /// A credential named `name` with plaintext `token`, no subject, kind or scopes.
    pub fn new(name: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            token: token.into(),
            subject: String::new(),
            kind: String::new(),
            scopes: Vec::new(),
        }
    }

    /// Sets whose credential it is.
    #[must_use]
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = subject.into();
        self
    }

    /// Sets its kind.
    #[must_use]
    pub fn kind(mut self, kind: impl Into<String>) -> Self {
        self.kind = kind.into();
        self
    }

    /// Sets its scopes.
    #[must_use]
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }
}

/// Who a request's credential belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The credential's name.
    pub name: String,
    /// Whose it is.
    pub subject: String,
    /// Its kind.
    pub kind: String,
    /// Its scopes.
    pub scopes: Vec<String>,
}

impl Principal {
    /// Whether it carries `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// Stores `mint` (hashed). `provisioned` marks credentials that reprovisioning rotates.
///
/// # Errors
///
/// The statement's error (a duplicate plaintext is a primary-key violation).
pub async fn store(
    client: &impl GenericClient,
    mint: &Mint,
    provisioned: bool,
) -> Result<(), tokio_postgres::Error> {
    client
        .execute(
            "INSERT INTO asym_credentials (token_hash, name, subject, kind, scopes, provisioned)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &hash(&mint.token),
                &mint.name,
                &mint.subject,
                &mint.kind,
                &mint.scopes,
                &provisioned,
            ],
        )
        .await
        .map(drop)
}

/// The live (not revoked) credential whose plaintext is `token`, if any.
///
/// # Errors
///
/// [`BackendError`] when Postgres does not answer.
pub async fn authenticate(kit: &Kit, token: &str) -> Result<Option<Principal>, BackendError> {
    let client = kit.db().await?;
    let statement = client
        .prepare_cached(
            "SELECT name, subject, kind, scopes FROM asym_credentials
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .await?;
    let row = client.query_opt(&statement, &[&hash(token)]).await?;
    Ok(row.map(|row| Principal {
        name: row.get(0),
        subject: row.get(1),
        kind: row.get(2),
        scopes: row.get(3),
    }))
}

/// Revokes the credential whose plaintext is `token`; `false` when there was none live.
///
/// # Errors
///
/// The statement's error.
pub async fn revoke(
    client: &impl GenericClient,
    token: &str,
) -> Result<bool, tokio_postgres::Error> {
    let n = client
        .execute(
            "UPDATE asym_credentials SET revoked_at = now()
             WHERE token_hash = $1 AND revoked_at IS NULL",
            &[&hash(token)],
        )
        .await?;
    Ok(n > 0)
}

/// Reads the provisioning body: empty, or `{"reprovision": <bool>}`.
///
/// # Errors
///
/// A short reason when the body is anything else.
pub fn parse_reprovision(body: &[u8]) -> Result<bool, &'static str> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(false);
    }
    let value: Value = serde_json::from_slice(body).map_err(|_| "body is not JSON")?;
    let object = value.as_object().ok_or("body is not a JSON object")?;
    match object.get("reprovision") {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(flag)) => Ok(*flag),
        Some(_) => Err("`reprovision` must be true or false"),
    }
}

/// The whole of `POST /api/admin/provision`: mints the credentials `mint` makes, stores
/// their hashes and answers `{"tokens": {name: plaintext, …}}` once.
///
/// A second call answers 409 `already_provisioned` unless its body is
/// `{"reprovision": true}`, which revokes every earlier provisioned credential first. A bad
/// body answers 400 `invalid_body`; Postgres trouble answers 503 (the engine retries).
pub async fn provision(kit: &Kit, body: &[u8], mint: impl FnOnce() -> Vec<Mint>) -> Response {
    provision_with(kit, body, CREDENTIALS, async |tx| {
        revoke_provisioned(tx).await?;
        let mut tokens = Map::new();
        for minted in mint() {
            store(tx, &minted, true).await?;
            tokens.insert(minted.name, Value::String(minted.token));
        }
        Ok(tokens)
    })
    .await
}

/// Where a clone keeps its provisioned credentials, for [`provision_with`] and
/// [`provision_locked`] (a product that keeps them in its own tables, as Slack's and
/// Stripe's clones do, names those).
#[derive(Debug, Clone, Copy)]
pub struct Ledger {
    /// The table locked `IN SHARE ROW EXCLUSIVE MODE` while provisioning, so that a second
    /// provisioner sees the first's credentials (a name from the backend's code, never from
    /// a request: identifiers cannot be bound as parameters).
    pub lock: &'static str,
    /// A statement that answers a row once the clone is provisioned.
    pub probe: &'static str,
}

/// Revokes every live provisioned credential in `asym_credentials`: what reprovisioning
/// replaces (a product minting its own way over [`CREDENTIALS`] calls it first).
///
/// # Errors
///
/// [`BackendError::Postgres`].
pub async fn revoke_provisioned(
    tx: &deadpool_postgres::Transaction<'_>,
) -> Result<(), BackendError> {
    tx.execute(
        "UPDATE asym_credentials SET revoked_at = now() WHERE provisioned AND revoked_at IS NULL",
        &[],
    )
    .await?;
    Ok(())
}

/// The kit's own ledger: `asym_credentials`, provisioned while a provisioned credential is
/// live ([`provision`]'s; a product that mints its own way passes it to [`provision_with`]).
pub const CREDENTIALS: Ledger = Ledger {
    lock: "asym_credentials",
    probe: "SELECT 1 FROM asym_credentials WHERE provisioned AND revoked_at IS NULL LIMIT 1",
};

/// [`provision`] over a product's own [`Ledger`]: `write` revokes what reprovisioning
/// replaces, stores the new credentials and answers them by name (their plaintexts, shown
/// once); the answers are [`provision`]'s.
pub async fn provision_with(
    kit: &Kit,
    body: &[u8],
    ledger: Ledger,
    write: impl AsyncFnOnce(
        &deadpool_postgres::Transaction<'_>,
    ) -> Result<Map<String, Value>, BackendError>,
) -> Response {
    let reprovision = match parse_reprovision(body) {
        Ok(flag) => flag,
        Err(reason) => return admin_error(StatusCode::BAD_REQUEST, "invalid_body", reason),
    };
    match provision_locked(kit, reprovision, ledger, write).await {
        Ok(Some(tokens)) => {
            (StatusCode::OK, axum::Json(json!({ "tokens": tokens }))).into_response()
        }
        Ok(None) => admin_error(
            StatusCode::CONFLICT,
            "already_provisioned",
            "credentials were already minted; send {\"reprovision\": true} to rotate them",
        ),
        Err(err) => admin_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "internal_error",
            &error_chain(&err),
        ),
    }
}

/// Provisioning's transaction, for a backend that answers in its own error shape: locks
/// `ledger.lock`, and unless the clone is provisioned already (then `None`, unless
/// `reprovision`), runs `write` and commits what it wrote; answers what `write` answered.
///
/// # Errors
///
/// `write`'s error, or a [`BackendError`] (converted) when Postgres fails.
pub async fn provision_locked<T, E: From<BackendError>>(
    kit: &Kit,
    reprovision: bool,
    ledger: Ledger,
    write: impl AsyncFnOnce(&deadpool_postgres::Transaction<'_>) -> Result<T, E>,
) -> Result<Option<T>, E> {
    let mut client = kit.db().await?;
    let tx = client.transaction().await.map_err(BackendError::from)?;
    let lock = format!("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE", ledger.lock);
    tx.batch_execute(&lock).await.map_err(BackendError::from)?;
    let provisioned = tx
        .query_opt(ledger.probe, &[])
        .await
        .map_err(BackendError::from)?
        .is_some();
    if provisioned && !reprovision {
        return Ok(None);
    }
    let written = write(&tx).await?;
    tx.commit().await.map_err(BackendError::from)?;
    Ok(Some(written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reprovision_bodies() {
        assert_eq!(parse_reprovision(b""), Ok(false));
        assert_eq!(parse_reprovision(b" \n"), Ok(false));
        assert_eq!(parse_reprovision(b"{}"), Ok(false));
        assert_eq!(parse_reprovision(br#"{"reprovision":true}"#), Ok(true));
        assert_eq!(parse_reprovision(br#"{"reprovision":false}"#), Ok(false));
        assert!(parse_reprovision(b"{").is_err());
        assert!(parse_reprovision(b"[]").is_err());
        assert!(parse_reprovision(br#"{"reprovision":1}"#).is_err());
    }

    #[test]
    fn principals_check_scopes() {
        let principal = Principal {
            name: "token".into(),
            subject: "1".into(),
            kind: "pat".into(),
            scopes: vec!["repo".into()],
        };
        assert!(principal.has_scope("repo"));
        assert!(!principal.has_scope("admin:org"));
    }
}
