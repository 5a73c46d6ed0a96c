//! OAuth for a public integration: `POST /v1/oauth/token` (the `authorization_code` and
//! `refresh_token` grants), `POST /v1/oauth/introspect` and `POST /v1/oauth/revoke`, each
//! authenticated by the integration's client id and secret (HTTP Basic), as the SDKs'
//! `oauth.*` call them; errors are OAuth's `{error, error_description}`, as Notion's token
//! endpoint answers them.
//!
//! Notion's consent page is the browser's business, so a test gets what it would give
//! from the admin surface: `POST /api/admin/oauth/client` mints the integration's client
//! secret (revoking the one before) and answers `{client_id, client_secret}`;
//! `POST /api/admin/oauth/codes` `{redirect_uri?}` mints an authorization code, as Notion's
//! redirect after consent carries it. Every secret, code and token is a credential of the
//! kit's `asym_credentials` (hashed): the client secret of kind `oauth_client`, codes of
//! kind `oauth_code` (their `name` the redirect URI), access tokens of kind `integration`
//! for the bot (so they work on every route, with the capabilities the integration held
//! when they were minted) and refresh tokens of kind `oauth_refresh`; a grant's access and
//! refresh tokens share the `name` `oauth:<grant id>`.

use asym_kit::Kit;
use asym_kit::credentials::{self, Mint, Principal};
use asym_kit::deadpool_postgres::GenericClient;
use axum::Json;
use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::body::Object;
use crate::ids;
use crate::workspace::{BOT_ID, WORKSPACE_ID, WORKSPACE_NAME};

/// The public integration's OAuth client id.
pub(crate) const CLIENT_ID: &str = "c1a00000-0000-4000-8000-000000000001";

/// An OAuth refusal: its status, `error` and `error_description`.
pub(crate) struct Refusal(StatusCode, &'static str, String);

impl Refusal {
    fn grant(description: &str) -> Self {
        Self(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            description.to_owned(),
        )
    }

    fn request(description: &str) -> Self {
        Self(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            description.to_owned(),
        )
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let Self(status, error, description) = self;
        (
            status,
            Json(json!({ "error": error, "error_description": description })),
        )
            .into_response()
    }
}

asym_kit::backend_error_conversions!(Refusal, |err: &asym_kit::BackendError| Refusal(
    StatusCode::INTERNAL_SERVER_ERROR,
    "server_error",
    err.to_string()
));

pub(crate) type Answer = Result<Json<Value>, Refusal>;

/// How long an authorization code may be exchanged (Notion does not document its figure;
/// OAuth's RFC 6749 recommends at most ten minutes).
const CODE_LIFETIME: &str = "10 minutes";

/// Whether the authorization code `code` was issued less than [`CODE_LIFETIME`] ago.
async fn fresh(kit: &Kit, code: &str) -> Result<bool, Refusal> {
    let client = kit.db().await?;
    let statement = client
        .prepare_cached(&format!(
            "SELECT created_at > now() - interval '{CODE_LIFETIME}' FROM asym_credentials
             WHERE token_hash = $1"
        ))
        .await?;
    let row = client
        .query_opt(&statement, &[&asym_kit::token::hash(code)])
        .await?;
    Ok(row.is_some_and(|row| row.get(0)))
}

/// The live credential `token` names, when it is of `kind`.
async fn credential(kit: &Kit, token: &str, kind: &str) -> Result<Option<Principal>, Refusal> {
    Ok(credentials::authenticate(kit, token)
        .await?
        .filter(|p| p.kind == kind))
}

/// Checks the request's HTTP Basic client id and secret.
async fn client(kit: &Kit, headers: &HeaderMap) -> Result<(), Refusal> {
    let invalid = || {
        Refusal(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed: send the integration's client id and secret as HTTP Basic credentials.".into(),
        )
    };
    let pair = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b64| asym_kit::cursor::decode(b64.trim()).ok())
        .ok_or_else(invalid)?;
    let (id, secret) = pair.split_once(':').ok_or_else(invalid)?;
    match credential(kit, secret, "oauth_client").await? {
        Some(found) if id == CLIENT_ID && found.subject == CLIENT_ID => Ok(()),
        _ => Err(invalid()),
    }
}

/// The string `key` of the body, or OAuth's `invalid_request` naming it.
fn required<'a>(body: &'a Map<String, Value>, key: &str) -> Result<&'a str, Refusal> {
    body.get(key)
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Refusal::request(&format!("body.{key} should be a non-empty string.")))
}

/// The `token` an introspection or revocation names, once the client is authenticated.
async fn token_of<'a>(
    kit: &Kit,
    headers: &HeaderMap,
    body: &'a Map<String, Value>,
) -> Result<&'a str, Refusal> {
    client(kit, headers).await?;
    required(body, "token")
}

/// Mints a grant's access and refresh tokens (the access token holding the integration's
/// capabilities as they are now).
async fn mint_grant(client: &impl GenericClient) -> Result<(String, String), Refusal> {
    let scopes: Vec<String> = client
        .query_opt(
            "SELECT scopes FROM asym_credentials
             WHERE provisioned AND revoked_at IS NULL AND kind = 'integration'
             ORDER BY created_at DESC LIMIT 1",
            &[],
        )
        .await?
        .map(|row| row.get(0))
        .unwrap_or_default();
    let grant = format!("oauth:{}", ids::new_uuid());
    let access = Mint::new(grant.clone(), asym_kit::token::mint("ntn_"))
        .subject(BOT_ID)
        .kind("integration")
        .scopes(scopes);
    let refresh = Mint::new(grant, asym_kit::token::mint("nrt_"))
        .subject(CLIENT_ID)
        .kind("oauth_refresh");
    credentials::store(client, &access, false).await?;
    credentials::store(client, &refresh, false).await?;
    Ok((access.token, refresh.token))
}

/// Who granted access: the workspace's first person (Notion's `owner.user`).
async fn owner(client: &impl GenericClient) -> Result<Value, Refusal> {
    let row = client
        .query_opt(
            "SELECT id, name, avatar_url, email FROM users WHERE type = 'person' ORDER BY ord LIMIT 1",
            &[],
        )
        .await?;
    Ok(row.map_or_else(
        || json!({ "type": "workspace", "workspace": true }),
        |row| {
            json!({ "type": "user", "user": {
                "object": "user", "id": row.get::<_, String>(0), "type": "person",
                "name": row.get::<_, Option<String>>(1), "avatar_url": row.get::<_, Option<String>>(2),
                "person": { "email": row.get::<_, Option<String>>(3) },
            } })
        },
    ))
}

/// `POST /v1/oauth/token`: `grant_type` `authorization_code` (`code`, `redirect_uri` when
/// the code was minted with one) or `refresh_token` (`refresh_token`, which is used up);
/// answers `{access_token, token_type: "bearer", refresh_token, bot_id, workspace_id,
/// workspace_name, workspace_icon, owner, duplicated_template_id, request_id}`.
pub(crate) async fn token(
    State(kit): State<Kit>,
    headers: HeaderMap,
    Object(body): Object,
) -> Answer {
    client(&kit, &headers).await?;
    let used = match body.get("grant_type").and_then(Value::as_str) {
        Some("authorization_code") => {
            let code = required(&body, "code")?;
            let found = credential(&kit, code, "oauth_code").await?.ok_or_else(|| {
                Refusal::grant("Invalid code: it is unknown, or was already used.")
            })?;
            let given = body
                .get("redirect_uri")
                .and_then(Value::as_str)
                .unwrap_or("");
            if found.name != given {
                return Err(Refusal::grant(
                    "Invalid redirect_uri: it is not the one the code was issued for.",
                ));
            }
            if !fresh(&kit, code).await? {
                return Err(Refusal::grant(&format!(
                    "Invalid code: it expired ({CODE_LIFETIME} after it was issued)."
                )));
            }
            code
        }
        Some("refresh_token") => {
            let token = required(&body, "refresh_token")?;
            credential(&kit, token, "oauth_refresh")
                .await?
                .ok_or_else(|| {
                    Refusal::grant("Invalid refresh token: it is unknown, revoked or already used.")
                })?;
            token
        }
        _ => {
            return Err(Refusal(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "body.grant_type should be `authorization_code` or `refresh_token`.".into(),
            ));
        }
    };
    let mut db = kit.db().await?;
    let tx = db.transaction().await?;
    // Used up: a second exchange of the same code or refresh token is refused.
    if !credentials::revoke(&tx, used).await? {
        return Err(Refusal::grant("Invalid grant: it was already used."));
    }
    let (access, refresh) = mint_grant(&tx).await?;
    let owner = owner(&tx).await?;
    tx.commit().await?;
    Ok(Json(json!({
        "access_token": access,
        "token_type": "bearer",
        "refresh_token": refresh,
        "bot_id": BOT_ID,
        "workspace_id": WORKSPACE_ID,
        "workspace_name": WORKSPACE_NAME,
        "workspace_icon": null,
        "owner": owner,
        "duplicated_template_id": null,
        "request_id": ids::new_uuid(),
    })))
}

/// `POST /v1/oauth/introspect` `{token}`: `{active: true, scope, iat}` for a live token
/// (`scope` its capabilities, space-separated; `iat` when it was minted, in milliseconds),
/// `{active: false}` otherwise.
pub(crate) async fn introspect(
    State(kit): State<Kit>,
    headers: HeaderMap,
    Object(body): Object,
) -> Answer {
    let token = token_of(&kit, &headers, &body).await?;
    let row = kit
        .db()
        .await?
        .query_opt(
            "SELECT array_to_string(scopes, ' '), (extract(epoch FROM created_at) * 1000)::bigint
             FROM asym_credentials
             WHERE token_hash = $1 AND revoked_at IS NULL AND kind IN ('integration', 'oauth_refresh')",
            &[&asym_kit::token::hash(token)],
        )
        .await?;
    let request_id = ids::new_uuid();
    Ok(Json(match row {
        Some(row) => json!({
            "active": true,
            "scope": row.get::<_, String>(0),
            "iat": row.get::<_, i64>(1),
            "request_id": request_id,
        }),
        None => json!({ "active": false, "request_id": request_id }),
    }))
}

/// `POST /v1/oauth/revoke` `{token}`: revokes an OAuth grant's access or refresh token and
/// the other token of its grant; answers `{request_id}` (also for a token already revoked or
/// unknown, as OAuth's revocation does).
pub(crate) async fn revoke(
    State(kit): State<Kit>,
    headers: HeaderMap,
    Object(body): Object,
) -> Answer {
    let token = token_of(&kit, &headers, &body).await?;
    kit.db()
        .await?
        .execute(
            "UPDATE asym_credentials SET revoked_at = now()
         WHERE revoked_at IS NULL AND name LIKE 'oauth:%' AND name = (
           SELECT name FROM asym_credentials WHERE token_hash = $1 AND name LIKE 'oauth:%')",
            &[&asym_kit::token::hash(token)],
        )
        .await?;
    Ok(Json(json!({ "request_id": ids::new_uuid() })))
}

/// `POST /api/admin/oauth/client`: a new client secret for the integration (the one before
/// is revoked); answers `{client_id, client_secret}`.
pub(crate) async fn admin_client(State(kit): State<Kit>) -> Answer {
    let mut db = kit.db().await?;
    let tx = db.transaction().await?;
    tx.execute(
        "UPDATE asym_credentials SET revoked_at = now()
         WHERE revoked_at IS NULL AND kind = 'oauth_client'",
        &[],
    )
    .await?;
    let secret = Mint::new("oauth_client", asym_kit::token::mint("secret_"))
        .subject(CLIENT_ID)
        .kind("oauth_client");
    credentials::store(&tx, &secret, false).await?;
    tx.commit().await?;
    Ok(Json(
        json!({ "client_id": CLIENT_ID, "client_secret": secret.token }),
    ))
}

/// `POST /api/admin/oauth/codes` `{redirect_uri?}`: an authorization code, as Notion's
/// redirect after consent carries it; answers `{code, redirect_uri}`. The token exchange
/// must name the same `redirect_uri` (none when none was given).
pub(crate) async fn admin_code(State(kit): State<Kit>, Object(body): Object) -> Answer {
    let redirect = match body.get("redirect_uri") {
        None | Some(Value::Null) => "",
        Some(Value::String(uri)) => uri.as_str(),
        Some(_) => return Err(Refusal::request("body.redirect_uri should be a string.")),
    };
    let code = Mint::new(redirect, asym_kit::token::mint("code_"))
        .subject(CLIENT_ID)
        .kind("oauth_code");
    let db = kit.db().await?;
    credentials::store(&db, &code, false).await?;
    Ok(Json(
        json!({ "code": code.token, "redirect_uri": (!redirect.is_empty()).then_some(redirect) }),
    ))
}
