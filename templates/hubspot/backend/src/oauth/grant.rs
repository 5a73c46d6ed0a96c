//! OAuth's grants: the install page (`GET /oauth/authorize`, which approves the install at
//! once and redirects with a code), codes minted by the admin surface for tests that skip the
//! page (`POST /api/admin/oauth/codes`), and the token endpoint (`POST /oauth/v1/token`, the
//! SDKs' `oauth.tokensApi.create` / `oauth.tokens_api.create`) for `authorization_code` and
//! `refresh_token` grants.

use asym_kit::Kit;
use asym_kit::credentials::{self, Mint, Principal};
use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::form::{self, encode};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{CLIENT_ID, REFRESH_TOKEN};
use crate::error::{ApiError, ApiResult};
use crate::expiry::{self, Left};
use crate::request::{ACCESS_TOKEN, Args, JsonBody, SCOPES, credential, string_field, strings};
use crate::subscriptions;
use crate::types::PORTAL_ID;

/// The kind of credential an authorization code is: its `name` is the redirect URI it was
/// issued for, its scopes those the install granted; it is revoked when exchanged.
const AUTH_CODE: &str = "oauth_auth_code";

/// HubSpot's refusal of a token request: 400 `{status: code, message, correlationId}` (its
/// OAuth errors name their code in `status`: `BAD_REFRESH_TOKEN`, `BAD_CLIENT_ID`, …).
fn refused(code: &str, message: &str) -> Response {
    let body = json!({
        "status": code,
        "message": message,
        "correlationId": asym_kit::token::random_uuid(),
    });
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

/// The install page's refusal: a 400 page for the user, not JSON, as HubSpot's install page
/// shows its error screen rather than redirecting (what the screen says is not documented:
/// this one names HubSpot's code for the refusal and its message).
fn error_page(code: &str, message: &str) -> Response {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let (code, message) = (escape(code), escape(message));
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Authorization failed</title></head><body><h1>Authorization failed</h1>\
         <p id=\"error\" data-code=\"{code}\">{code}: {message}</p></body></html>\n"
    );
    (
        StatusCode::BAD_REQUEST,
        [(CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

/// Whether `uri` can receive a redirect (an absolute http(s) URL).
fn redirectable(uri: &str) -> bool {
    uri.starts_with("http://") || uri.starts_with("https://")
}

/// Stores an authorization code for `redirect_uri` granting `scopes`, good for
/// [`expiry::CODE`] seconds; the code.
///
/// # Errors
///
/// The statement's error.
async fn mint_code(
    client: &impl GenericClient,
    redirect_uri: &str,
    scopes: Vec<String>,
) -> Result<String, ApiError> {
    let code = asym_kit::token::random_uuid();
    let minted = Mint::new(redirect_uri, code.clone())
        .subject(PORTAL_ID)
        .kind(AUTH_CODE)
        .scopes(scopes);
    credentials::store(client, &minted, false).await?;
    expiry::set(client, &code, expiry::CODE).await?;
    Ok(code)
}

/// The scopes a space-separated list names (`+` decoded as a space).
fn scope_list(list: Option<&str>) -> Vec<String> {
    list.unwrap_or_default()
        .split([' ', '+', ','])
        .filter(|scope| !scope.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether the clone's app is configured for `scope`: every scope the clone checks, and
/// `oauth` (which every HubSpot app asks for).
fn known(scope: &str) -> bool {
    scope == "oauth" || SCOPES.contains(&scope)
}

/// `GET /oauth/authorize?client_id&redirect_uri&scope&optional_scope&state`: the install page
/// of HubSpot's app (the SDKs' `getAuthorizationUrl` / `get_auth_url` build its URL on
/// `app.hubspot.com`; a test swaps in the clone's origin). The clone approves the install at
/// once, as the account's user clicking "Connect app", and redirects (302) to `redirect_uri`
/// with `code` (and `state` when given): the code grants `scope` and every known
/// `optional_scope`, and is exchanged once at `POST /oauth/v1/token` with the same
/// `redirect_uri`.
///
/// # Errors
///
/// A 400 page ([`error_page`]) for an unknown `client_id` (`BAD_CLIENT_ID`), a missing or
/// non-http(s) `redirect_uri` (`BAD_REDIRECT_URI`) and a required scope the app is not
/// configured for (`BAD_SCOPE`).
pub(super) async fn authorize(State(kit): State<Kit>, args: Args) -> ApiResult {
    if credential(&kit, args.get("client_id"), CLIENT_ID)
        .await?
        .is_none()
    {
        return Ok(error_page("BAD_CLIENT_ID", "missing or invalid client_id"));
    }
    let Some(redirect_uri) = args.get("redirect_uri").filter(|uri| redirectable(uri)) else {
        return Ok(error_page(
            "BAD_REDIRECT_URI",
            "missing or invalid redirect_uri",
        ));
    };
    let mut scopes = scope_list(args.get("scope"));
    if let Some(unknown) = scopes.iter().find(|scope| !known(scope)) {
        return Ok(error_page(
            "BAD_SCOPE",
            &format!("This app is not configured for the scope {unknown}"),
        ));
    }
    for optional in scope_list(args.get("optional_scope")) {
        if known(&optional) && !scopes.contains(&optional) {
            scopes.push(optional);
        }
    }
    let mut client = kit.db().await?;
    let tx = client.transaction().await?;
    let code = mint_code(&tx, redirect_uri, scopes).await?;
    tx.commit().await?;
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    let mut location = format!("{redirect_uri}{separator}code={}", encode(&code));
    if let Some(state) = args.get("state") {
        location.push_str(&format!("&state={}", encode(state)));
    }
    Ok((StatusCode::FOUND, [(LOCATION, location)]).into_response())
}

/// `POST /api/admin/oauth/codes` `{redirectUri, scopes?}` → 201 `{code, redirectUri, scopes}`:
/// an authorization code as the install page issues one (every scope the clone checks when
/// `scopes` is absent), for a test that does not follow the page's redirect.
///
/// # Errors
///
/// 400 for a missing or non-http(s) `redirectUri`, or `scopes` that is not a list of strings.
pub(super) async fn admin_code(State(kit): State<Kit>, JsonBody(body): JsonBody) -> ApiResult {
    let redirect_uri = string_field(&body, "redirectUri")
        .filter(|uri| redirectable(uri))
        .ok_or_else(|| ApiError::validation("redirectUri must be an http(s) URL"))?;
    let scopes = match body.get("scopes") {
        None | Some(serde_json::Value::Null) => SCOPES.map(str::to_owned).to_vec(),
        Some(scopes) => strings(scopes, "scopes")?,
    };
    let mut client = kit.db().await?;
    let tx = client.transaction().await?;
    let code = mint_code(&tx, &redirect_uri, scopes.clone()).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({ "code": code, "redirectUri": redirect_uri, "scopes": scopes })),
    )
        .into_response())
}

/// `POST /oauth/v1/token` (a form: `grant_type`, `client_id`, `client_secret`,
/// `refresh_token`, `code`, `redirect_uri`) → `{token_type: "bearer", refresh_token,
/// access_token, expires_in}`: for `refresh_token`, a new access token of a live refresh
/// token's scopes (the refresh token answered is the one sent); for `authorization_code`, an
/// access token and a new refresh token of the code's scopes (the code is spent).
pub(super) async fn exchange(State(kit): State<Kit>, body: Bytes) -> Response {
    match issue(&kit, &form::parse(&body)).await {
        Ok(answer) => answer,
        Err(err) => err.into_response(),
    }
}

/// [`exchange`]'s answer, or the store's error.
async fn issue(kit: &Kit, form: &[(String, String)]) -> Result<Response, ApiError> {
    let field = |name: &str| form::first(form, name);
    let grant = field("grant_type").unwrap_or_default();
    if !matches!(grant, "refresh_token" | "authorization_code") {
        return Ok(refused("BAD_GRANT_TYPE", "missing or invalid grant_type"));
    }
    if credential(kit, field("client_id"), CLIENT_ID)
        .await?
        .is_none()
    {
        return Ok(refused("BAD_CLIENT_ID", "missing or invalid client_id"));
    }
    let mut client = kit.db().await?;
    let secret = subscriptions::settings(&client).await?.map(|s| s.secret);
    if secret.is_none() || field("client_secret") != secret.as_deref() {
        return Ok(refused(
            "BAD_CLIENT_SECRET",
            "missing or invalid client_secret",
        ));
    }
    if grant == "refresh_token" {
        let refresh_token = field("refresh_token").unwrap_or_default();
        let Some(refresh) = credential(kit, Some(refresh_token), REFRESH_TOKEN).await? else {
            return Ok(refused(
                "BAD_REFRESH_TOKEN",
                "missing or invalid refresh token",
            ));
        };
        let tx = client.transaction().await?;
        let access_token = store_access_token(&tx, &refresh).await?;
        tx.commit().await?;
        return Ok(tokens(&access_token, refresh_token));
    }
    let code = field("code").unwrap_or_default();
    let Some(grant) = credential(kit, Some(code), AUTH_CODE).await? else {
        return Ok(refused("BAD_AUTH_CODE", "missing or unknown auth code"));
    };
    if let Left::Expired(..) = expiry::left(&client, code).await? {
        return Ok(refused("EXPIRED_AUTH_CODE", "auth code is expired"));
    }
    if field("redirect_uri") != Some(grant.name.as_str()) {
        return Ok(refused(
            "BAD_REDIRECT_URI",
            "redirect_uri does not match initial auth code URI",
        ));
    }
    let tx = client.transaction().await?;
    // Spent once: of two exchanges of one code, the second finds it revoked.
    if !credentials::revoke(&tx, code).await? {
        return Ok(refused("BAD_AUTH_CODE", "missing or unknown auth code"));
    }
    let refresh_token = format!("na1-{}", asym_kit::token::random_uuid());
    let minted = Mint::new("oauth_refresh_token", refresh_token.clone())
        .subject(PORTAL_ID)
        .kind(REFRESH_TOKEN)
        .scopes(grant.scopes.clone());
    credentials::store(&tx, &minted, false).await?;
    let access_token = store_access_token(&tx, &grant).await?;
    tx.commit().await?;
    Ok(tokens(&access_token, &refresh_token))
}

/// Stores a new access token (`CN…`, the form of HubSpot's) of `grant`'s scopes, good for
/// [`expiry::ACCESS_TOKEN`] seconds; the token.
async fn store_access_token(
    client: &impl GenericClient,
    grant: &Principal,
) -> Result<String, ApiError> {
    let access_token = format!("CN{}", asym_kit::token::random_uuid().replace('-', ""));
    let minted = Mint::new(expiry::ISSUED, access_token.clone())
        .subject(PORTAL_ID)
        .kind(ACCESS_TOKEN)
        .scopes(grant.scopes.clone());
    credentials::store(client, &minted, false).await?;
    expiry::set(client, &access_token, expiry::ACCESS_TOKEN).await?;
    Ok(access_token)
}

/// HubSpot's token answer.
fn tokens(access_token: &str, refresh_token: &str) -> Response {
    axum::Json(json!({
        "token_type": "bearer",
        "refresh_token": refresh_token,
        "access_token": access_token,
        "expires_in": expiry::ACCESS_TOKEN,
    }))
    .into_response()
}
