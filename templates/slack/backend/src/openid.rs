//! Sign in with Slack: `openid.connect.token` exchanges a code the person approved with the
//! `openid` scope for a user token (`xoxp-`) and an id_token signed RS256 as Slack signs it
//! (the clone's key, published at `/openid/connect/keys`); `openid.connect.userInfo` answers
//! the same claims for that token; `users.identity` is the legacy `identity.*` sign-in.
//! Codes come from the admin surface, as for `oauth.v2.access` (`oauth`).

use std::sync::LazyLock;

use asym_kit::jwt::{RsaSigner, at_hash};
use asym_kit::tokio_postgres::Row;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::auth::person;
use crate::error::{ApiError, ApiResult};
use crate::model::token::{self, mint_user_token};
use crate::model::user::{picture, team_icon};
use crate::oauth::{Grant, redeem};
use crate::{AppState, Call};

/// Who issues the id_tokens: Slack's issuer, which clients compare `iss` with.
const ISSUER: &str = "https://slack.com";

/// How long an id_token is valid, in seconds (Slack's are valid five minutes).
const ID_TOKEN_LIFETIME: u64 = 300;

/// The user sizes of the `https://slack.com/user_image_*` claims.
const USER_IMAGES: [u32; 7] = [24, 32, 48, 72, 192, 512, 1024];

/// The sizes of a workspace's icon.
const TEAM_IMAGES: [u32; 7] = [34, 44, 68, 88, 102, 132, 230];

/// The person and their workspace, for the claims; `$1` is the user id.
const PERSON: &str = "SELECT u.id, u.team_id, u.name, u.real_name, u.email, u.updated,
                             t.name, t.domain, p.url, p.kind
                      FROM users u JOIN teams t ON t.id = u.team_id
                      LEFT JOIN user_photos p ON p.user_id = u.id WHERE u.id = $1";

/// The photo a row of [`PERSON`] names: its URL base and kind, when the person set one.
fn photo(row: &Row) -> Option<(&str, &str)> {
    row.get::<_, Option<&str>>(8)
        .zip(row.get::<_, Option<&str>>(9))
}

/// The public routes: the JWKS and the OpenID discovery document.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/openid/connect/keys", get(keys))
        .route("/.well-known/openid-configuration", get(configuration))
}

/// The key id_tokens are signed with: one fixed 2048-bit key in the source (public test
/// material, the same in every clone), named by the `kid` of every id_token and JWK.
static SIGNER: LazyLock<RsaSigner> = LazyLock::new(|| {
    RsaSigner::from_pkcs8_pem(include_str!("openid_key.pem"), "asym-slack-openid-2026")
        .expect("the source's key is an RSA PKCS #8 key")
});

/// `GET /openid/connect/keys`: the key id_tokens are signed with, as a JWK set.
async fn keys() -> Json<Value> {
    Json(json!({ "keys": [SIGNER.jwk()] }))
}

/// `GET /.well-known/openid-configuration`: where Sign in with Slack's endpoints are.
async fn configuration(State(state): State<AppState>) -> Json<Value> {
    let base = &state.kit.config().public_url;
    Json(json!({
        "issuer": ISSUER,
        "authorization_endpoint": format!("{base}/openid/connect/authorize"),
        "token_endpoint": format!("{base}/api/openid.connect.token"),
        "userinfo_endpoint": format!("{base}/api/openid.connect.userInfo"),
        "revocation_endpoint": format!("{base}/api/auth.revoke"),
        "jwks_uri": format!("{base}/openid/connect/keys"),
        "scopes_supported": ["openid", "profile", "email"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["form_post"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "auth_time", "iss"],
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": true,
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
    }))
}

/// Seconds since the epoch.
fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// The person's claims that `scopes` open (`email`, `profile`), with their user and team ids.
async fn person_claims(
    client: &impl asym_kit::deadpool_postgres::GenericClient,
    user: &str,
    scopes: &[String],
) -> Result<Map<String, Value>, ApiError> {
    let row = client
        .query_opt(PERSON, &[&user])
        .await?
        .ok_or_else(|| ApiError::new("user_not_found"))?;
    let holds = |scope: &str| scopes.iter().any(|held| held == scope);
    let id: String = row.get(0);
    let mut claims = Map::new();
    claims.insert("sub".into(), json!(id));
    claims.insert("https://slack.com/user_id".into(), json!(id));
    claims.insert(
        "https://slack.com/team_id".into(),
        json!(row.get::<_, String>(1)),
    );
    if holds("email")
        && let Some(email) = row.get::<_, Option<String>>(4)
    {
        claims.insert("email".into(), json!(email));
        claims.insert("email_verified".into(), json!(true));
        claims.insert("date_email_verified".into(), json!(row.get::<_, i64>(5)));
    }
    if holds("profile") {
        let handle: String = row.get(2);
        let real_name: String = row.get(3);
        let name = if real_name.is_empty() {
            handle
        } else {
            real_name
        };
        let (given, family) = name.split_once(' ').unwrap_or((&name, ""));
        claims.insert("given_name".into(), json!(given));
        claims.insert("family_name".into(), json!(family));
        claims.insert("name".into(), json!(name));
        claims.insert("picture".into(), json!(picture(&id, photo(&row), 512)));
        claims.insert("locale".into(), json!("en-US"));
        claims.insert(
            "https://slack.com/team_name".into(),
            json!(row.get::<_, String>(6)),
        );
        claims.insert(
            "https://slack.com/team_domain".into(),
            json!(row.get::<_, String>(7)),
        );
        for size in USER_IMAGES {
            let key = format!("https://slack.com/user_image_{size}");
            claims.insert(key, json!(picture(&id, photo(&row), size)));
        }
        for size in TEAM_IMAGES {
            let key = format!("https://slack.com/team_image_{size}");
            claims.insert(key, json!(team_icon(size)));
        }
        claims.insert("https://slack.com/team_image_default".into(), json!(true));
    }
    Ok(claims)
}

/// `openid.connect.token`: a code approved with the `openid` scope, exchanged once for the
/// person's user token and id_token.
pub(crate) async fn connect_token(state: &AppState, call: &Call) -> ApiResult {
    let mut db = state.kit.db().await?;
    let tx = db.transaction().await?;
    let Grant {
        user,
        team,
        user_scopes,
        nonce,
        client_id,
        ..
    } = redeem(&tx, call).await?;
    if !user_scopes.iter().any(|scope| scope == "openid") {
        // Not a Sign in with Slack code (rolled back: still good for `oauth.v2.access`).
        return Err(ApiError::new("invalid_code"));
    }
    let access_token = mint_user_token();
    token::store(&tx, &access_token, "user", &user, &team, &user_scopes).await?;
    let mut claims = Map::new();
    let issued = now();
    claims.insert("iss".into(), json!(ISSUER));
    claims.insert("aud".into(), json!(client_id));
    claims.insert("exp".into(), json!(issued + ID_TOKEN_LIFETIME));
    claims.insert("iat".into(), json!(issued));
    claims.insert("auth_time".into(), json!(issued));
    if let Some(nonce) = nonce {
        claims.insert("nonce".into(), json!(nonce));
    }
    claims.insert("at_hash".into(), json!(at_hash(&access_token)));
    claims.extend(person_claims(&tx, &user, &user_scopes).await?);
    state.commit(tx).await?;
    let mut body = Map::new();
    body.insert("access_token".into(), json!(access_token));
    body.insert("token_type".into(), json!("Bearer"));
    body.insert(
        "id_token".into(),
        json!(SIGNER.sign(&Value::Object(claims))),
    );
    Ok(body)
}

/// `openid.connect.userInfo`: the claims of the Sign in with Slack token's person.
pub(crate) async fn user_info(state: &AppState, call: &Call) -> ApiResult {
    let caller = person(state, call, "openid").await?;
    let db = state.kit.db().await?;
    person_claims(&db, &caller.user_id, &caller.scopes).await
}

/// `users.identity`: the person a legacy Sign in with Slack token (`identity.basic`) names,
/// with their email (`identity.email`), avatar (`identity.avatar`) and workspace
/// (`identity.team`) as the token's scopes allow.
pub(crate) async fn identity(state: &AppState, call: &Call) -> ApiResult {
    let caller = person(state, call, "identity.basic").await?;
    let db = state.kit.db().await?;
    let row = db
        .query_opt(PERSON, &[&caller.user_id])
        .await?
        .ok_or_else(|| ApiError::new("user_not_found"))?;
    let id: String = row.get(0);
    let (handle, real_name): (String, String) = (row.get(2), row.get(3));
    let name = if real_name.is_empty() {
        handle
    } else {
        real_name
    };
    let mut user = json!({ "name": name, "id": id });
    let mut team = json!({ "id": row.get::<_, String>(1) });
    if caller.has("identity.email")
        && let Some(email) = row.get::<_, Option<String>>(4)
    {
        user["email"] = json!(email);
    }
    if caller.has("identity.avatar") {
        for size in [24, 32, 48, 72, 192, 512] {
            user[format!("image_{size}")] = json!(picture(&id, photo(&row), size));
        }
    }
    if caller.has("identity.team") {
        team["name"] = json!(row.get::<_, String>(6));
        team["domain"] = json!(row.get::<_, String>(7));
        for size in TEAM_IMAGES {
            team[format!("image_{size}")] = json!(team_icon(size));
        }
        team["image_default"] = json!(true);
    }
    let mut body = Map::new();
    body.insert("user".into(), user);
    body.insert("team".into(), team);
    Ok(body)
}
