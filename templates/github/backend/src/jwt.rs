//! GitHub App authentication: the key pair provisioning makes for the seeded app, and the
//! RS256 JSON web token an app signs with it (`Authorization: Bearer <jwt>`), checked as
//! GitHub checks it ("Generating a JSON Web Token (JWT) for a GitHub App"): `iss` the app's
//! id or client id, `iat` not in the future, `exp` in the future but at most ten minutes
//! ahead. Each refusal is GitHub's 401 with its own words, which @octokit/auth-app matches to
//! correct a skewed clock.

use asym_kit::Kit;
use axum::http::StatusCode;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rsa::RsaPrivateKey;
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey, LineEnding};
use serde_json::Value;

use crate::error::ApiError;

/// The longest an app's token may live, in seconds ahead of now.
const MAX_LIFETIME: i64 = 600;

/// How far in the future an `iat` is still taken (clocks drift).
const IAT_LEEWAY: i64 = 30;

/// The seeded app's key pair: the private key as GitHub's download is (PKCS#1 PEM), the
/// public key the clone keeps.
pub(crate) struct KeyPair {
    /// `-----BEGIN RSA PRIVATE KEY-----`…, handed out once.
    pub(crate) private_pem: String,
    /// `-----BEGIN RSA PUBLIC KEY-----`…, stored.
    pub(crate) public_pem: String,
}

/// A fresh 2048-bit RSA key pair (GitHub's keys are 2048-bit); run it off the async threads.
///
/// # Errors
///
/// The key generator's or the encoder's reason (neither fails in practice).
pub(crate) fn generate() -> Result<KeyPair, String> {
    let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).map_err(|e| e.to_string())?;
    let private_pem = key
        .to_pkcs1_pem(LineEnding::LF)
        .map_err(|e| e.to_string())?
        .to_string();
    let public_pem = key
        .to_public_key()
        .to_pkcs1_pem(LineEnding::LF)
        .map_err(|e| e.to_string())?;
    Ok(KeyPair {
        private_pem,
        public_pem,
    })
}

/// Whether a credential is a JSON web token rather than a GitHub token (`ghp_`, `ghs_`, …):
/// three dot-separated parts, the header a JSON object.
pub(crate) fn looks_like_jwt(credential: &str) -> bool {
    credential.starts_with("eyJ") && credential.split('.').count() == 3
}

/// The app a token names, as GitHub reads `iss`: its numeric id (a number or a string of
/// digits) or its client id.
#[derive(Debug, PartialEq, Eq)]
enum Issuer {
    Id(i64),
    ClientId(String),
}

/// 401 with `message`, GitHub's answer to a token it refuses.
fn refused(message: &'static str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, message)
}

/// GitHub's answer to a token it cannot read or whose signature does not hold.
fn undecodable() -> ApiError {
    refused("A JSON web token could not be decoded")
}

/// The claims of `token`, unverified (to find the key that verifies them).
fn claims(token: &str) -> Result<Value, ApiError> {
    let payload = token.split('.').nth(1).ok_or_else(undecodable)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| undecodable())?;
    match serde_json::from_slice(&bytes) {
        Ok(value @ Value::Object(_)) => Ok(value),
        _ => Err(undecodable()),
    }
}

/// The issuer the claims name.
fn issuer(claims: &Value) -> Result<Issuer, ApiError> {
    let not_integer = || refused("'Issuer' claim ('iss') must be an Integer");
    match claims.get("iss") {
        None | Some(Value::Null) => Err(refused("Missing 'issuer' claim ('iss') in assertion")),
        Some(Value::Number(n)) => n.as_i64().map(Issuer::Id).ok_or_else(not_integer),
        Some(Value::String(s)) if s.starts_with("Iv") => Ok(Issuer::ClientId(s.clone())),
        Some(Value::String(s)) => s.parse().map(Issuer::Id).map_err(|_| not_integer()),
        Some(_) => Err(not_integer()),
    }
}

/// Checks `iat` and `exp` against `now` (Unix seconds), in GitHub's words.
fn check_times(claims: &Value, now: i64) -> Result<(), ApiError> {
    let iat = claims.get("iat").and_then(Value::as_i64);
    if iat.is_none_or(|iat| iat > now + IAT_LEEWAY) {
        return Err(refused(
            "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
        ));
    }
    match claims.get("exp").and_then(Value::as_i64) {
        Some(exp) if exp > now + MAX_LIFETIME => Err(refused(
            "'Expiration time' claim ('exp') is too far in the future",
        )),
        Some(exp) if exp > now => Ok(()),
        _ => Err(refused(
            "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
        )),
    }
}

/// The app a JSON web token authenticates: its id and its bot user's.
///
/// # Errors
///
/// GitHub's 401s: an unreadable token, an issuer that is no app of the clone, a signature
/// its key does not verify (`A JSON web token could not be decoded`), a bad `iss`, `iat` or
/// `exp`; a 5xx when Postgres does not answer.
pub(crate) async fn authenticate(kit: &Kit, token: &str) -> Result<(i64, i64), ApiError> {
    let claims = claims(token)?;
    let issuer = issuer(&claims)?;
    let (id, client_id) = match &issuer {
        Issuer::Id(id) => (Some(*id), None),
        Issuer::ClientId(client_id) => (None, Some(client_id.as_str())),
    };
    let client = kit.db().await?;
    let statement = client
        .prepare_cached(
            "SELECT k.app_id, k.public_key, coalesce(a.bot_user_id, 0) FROM app_keys k
             LEFT JOIN apps a ON a.id = k.app_id
             WHERE k.app_id = $1 OR k.client_id = $2",
        )
        .await?;
    let row = client
        .query_opt(&statement, &[&id, &client_id])
        .await?
        .ok_or_else(undecodable)?;
    let (app_id, public_key, bot_id): (i64, String, i64) = (row.get(0), row.get(1), row.get(2));
    let key = DecodingKey::from_rsa_pem(public_key.as_bytes()).map_err(|_| undecodable())?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    jsonwebtoken::decode::<Value>(token, &key, &validation).map_err(|_| undecodable())?;
    check_times(&claims, crate::time::now())?;
    Ok((app_id, bot_id))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Issuer, check_times, issuer, looks_like_jwt};

    fn message(result: Result<impl std::fmt::Debug, crate::error::ApiError>) -> String {
        format!("{:?}", result.unwrap_err())
    }

    #[test]
    fn issuers_are_ids_or_client_ids() {
        assert_eq!(issuer(&json!({"iss": 12})).unwrap(), Issuer::Id(12));
        assert_eq!(issuer(&json!({"iss": "12"})).unwrap(), Issuer::Id(12));
        assert_eq!(
            issuer(&json!({"iss": "Iv23liAbc"})).unwrap(),
            Issuer::ClientId("Iv23liAbc".into())
        );
        assert!(message(issuer(&json!({"iss": "acme"}))).contains("must be an Integer"));
        assert!(message(issuer(&json!({}))).contains("Missing 'issuer'"));
    }

    #[test]
    fn times_follow_githubs_rules() {
        let now = 1_700_000_000;
        assert!(check_times(&json!({"iat": now - 60, "exp": now + 540}), now).is_ok());
        for (claims, words) in [
            (
                json!({"iat": now - 60, "exp": now + 601}),
                "too far in the future",
            ),
            (
                json!({"iat": now - 60, "exp": now}),
                "must be a numeric value",
            ),
            (
                json!({"iat": now - 60, "exp": "soon"}),
                "must be a numeric value",
            ),
            (json!({"iat": now + 120, "exp": now + 300}), "'Issued at'"),
            (json!({"exp": now + 300}), "'Issued at'"),
        ] {
            assert!(
                message(check_times(&claims, now)).contains(words),
                "{claims}"
            );
        }
    }

    #[test]
    fn only_three_part_tokens_are_jwts() {
        assert!(looks_like_jwt("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjF9.c2ln"));
        assert!(!looks_like_jwt("ghs_abc"));
        assert!(!looks_like_jwt("eyJ.only-two"));
    }
}
