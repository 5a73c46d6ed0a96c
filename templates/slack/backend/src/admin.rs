//! The admin surface (behind the kit's `X-Asym-Admin-Secret` guard): provisioning, extra
//! tokens, rate limits, reminders coming due. (The Events API subscription is in `events`.)

use asym_kit::BackendError;
use asym_kit::token::{random_alnum, random_digits, random_hex};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::{BOT_SCOPES, USER_SCOPES};
use crate::error::ApiError;
use crate::model::event::app_identity;
use crate::model::socket::{CONNECTIONS_WRITE, mint_app_token, store_app_token};
use crate::model::token::{self, mint_bot_token, mint_user_token};
use crate::ratelimit::Limits;

/// The admin surface's own routes: provisioning, extra tokens, rate limits and reminders.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/admin/provision", post(provision))
        .route("/api/admin/tokens", post(mint_token))
        .route(
            "/api/admin/rate-limits",
            get(get_rate_limits).post(set_rate_limits),
        )
        .route("/api/admin/reminders/{id}/due", post(reminder_due))
}

/// An admin route's failure: Slack's error envelope with the error's status — except a
/// database failure (`internal_error`), answered 503 so that the caller (the engine, a test)
/// knows to try again rather than that it is done.
#[derive(Debug)]
pub(crate) struct AdminError(ApiError);

/// What an admin route answers: a JSON body with HTTP 200, or an [`AdminError`].
pub(crate) type AdminResult = Result<Json<Value>, AdminError>;

impl From<ApiError> for AdminError {
    fn from(err: ApiError) -> Self {
        Self(err)
    }
}

impl From<BackendError> for AdminError {
    fn from(err: BackendError) -> Self {
        Self(err.into())
    }
}

asym_kit::backend_error_conversions!(AdminError);

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let Self(err) = self;
        if err.code() == "internal_error" {
            err.with_status(StatusCode::SERVICE_UNAVAILABLE)
                .into_response()
        } else {
            err.into_response()
        }
    }
}

/// HTTP 400 `invalid_arguments` saying what is wrong with an admin request in `message`.
pub(crate) fn invalid(message: impl Into<String>) -> AdminError {
    AdminError(
        ApiError::status(StatusCode::BAD_REQUEST, "invalid_arguments")
            .with("message", message.into()),
    )
}

/// A delivery schedule an admin request sets: `retryDelaysMs` (default Slack's: at once,
/// 1 min, 5 min; at most ten, none negative) and a timeout in milliseconds (default 3000,
/// clamped to 1 ms – 60 s).
///
/// # Errors
///
/// [`invalid`] for more than ten delays or a negative one.
pub(crate) fn delivery_schedule(
    delays: Option<Vec<i32>>,
    timeout_ms: Option<i32>,
) -> Result<(Vec<i32>, i32), AdminError> {
    let delays = delays.unwrap_or_else(|| vec![0, 60_000, 300_000]);
    if delays.len() > 10 || delays.iter().any(|d| *d < 0) {
        return Err(invalid("retryDelaysMs: at most 10 non-negative delays"));
    }
    Ok((delays, timeout_ms.unwrap_or(3000).clamp(1, 60_000)))
}

/// An admin request's JSON body as a `T`; one that does not fit is [`invalid`] with serde's
/// account of why.
pub(crate) fn json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, AdminError> {
    // The kit's reading refuses a NUL in a string (Postgres refuses it in text, and no id
    // or name the clone keeps holds one) and what is beyond the Web API's limits.
    let value = asym_kit::body::json(body, &crate::args::LIMITS).map_err(|err| match err {
        asym_kit::body::BodyError::Syntax(why) => invalid(why),
        other => invalid(other.to_string()),
    })?;
    serde_json::from_value(value).map_err(|err| invalid(err.to_string()))
}

/// The installed app's bot: its bot user and workspace.
const INSTALLED_BOT: &str =
    "SELECT user_id, team_id FROM bots WHERE NOT deleted ORDER BY id LIMIT 1";

/// `POST /api/admin/provision`, body optionally `{"reprovision": true}`.
///
/// Mints the workspace's credentials — a bot token for the app's bot user, a user token for
/// the workspace's primary owner, the app's signing secret and its OAuth client id and
/// secret (read at `GET /api/admin/oauth`), an app-level token with `connections:write` (Socket
/// Mode) — stores the tokens' hashes and the secrets, and returns the plaintexts once:
/// `{"tokens":{"bot":"xoxb-…","user":"xoxp-…","signingSecret":"…","appToken":"xapp-1-…"}}`.
/// A second call answers 409 `already_provisioned` unless it asks to reprovision, which
/// revokes every earlier token. Database failures answer 503 (retry); a database without
/// the migration's bot or owner answers 503 `workspace_not_installed`.
pub(crate) async fn provision(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let reprovision = asym_kit::credentials::parse_reprovision(&body)
        .map_err(|_| ApiError::status(StatusCode::BAD_REQUEST, "invalid_arguments"))?;
    let tokens = asym_kit::credentials::provision_locked(
        &state.kit,
        reprovision,
        CREDENTIALS,
        async |tx| -> Result<Value, AdminError> {
            let bot = tx.query_opt(INSTALLED_BOT, &[]).await?;
            let owner = tx
                .query_opt(
                    "SELECT id, team_id FROM users
                     WHERE is_primary_owner AND NOT deleted AND NOT is_bot ORDER BY id LIMIT 1",
                    &[],
                )
                .await?;
            let (Some(bot), Some(owner)) = (bot, owner) else {
                return Err(ApiError::status(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "workspace_not_installed",
                )
                .into());
            };
            let bot_token = mint_bot_token();
            let user_token = mint_user_token();
            let signing_secret = random_hex(32);
            tx.execute("DELETE FROM tokens", &[]).await?;
            tx.execute("DELETE FROM app_tokens", &[]).await?;
            let app_id = app_identity(tx).await?.app_id;
            let app_token = mint_app_token(&app_id);
            let connections = [CONNECTIONS_WRITE.to_owned()];
            store_app_token(tx, &app_token, &connections).await?;
            let tokens = [
                (&bot_token, "bot", &bot, BOT_SCOPES),
                (&user_token, "user", &owner, USER_SCOPES),
            ];
            for (plain, kind, holder, scopes) in tokens {
                let (user, team): (String, String) = (holder.get(0), holder.get(1));
                let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
                token::store(tx, plain, kind, &user, &team, &scopes).await?;
            }
            tx.execute(
                "INSERT INTO settings (key, value)
                 VALUES ('signing_secret', $1), ('verification_token', $2),
                        ('client_id', $3), ('client_secret', $4)
                 ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                &[
                    &signing_secret,
                    &random_alnum(24),
                    &format!("{}.{}", random_digits(12), random_digits(13)),
                    &random_hex(32),
                ],
            )
            .await?;
            Ok(json!({
                "bot": bot_token,
                "user": user_token,
                "signingSecret": signing_secret,
                "appToken": app_token,
            }))
        },
    )
    .await?;
    match tokens {
        Some(tokens) => Ok(Json(json!({ "tokens": tokens }))),
        None => Err(ApiError::status(StatusCode::CONFLICT, "already_provisioned").into()),
    }
}

/// Slack's credentials: the `tokens` table, provisioned once the signing secret is set (one
/// provisioner at a time: the second sees the first's secret).
const CREDENTIALS: asym_kit::credentials::Ledger = asym_kit::credentials::Ledger {
    lock: "settings",
    probe: "SELECT 1 FROM settings WHERE key = 'signing_secret'",
};

/// What `POST /api/admin/tokens` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MintBody {
    /// `bot`, `user` or `app` (an app-level token).
    kind: String,
    /// For a user token: whose (default the primary owner).
    #[serde(default)]
    user: Option<String>,
    /// Scopes (default the provisioned token's of that kind).
    #[serde(default)]
    scopes: Option<Vec<String>>,
}

/// `POST /api/admin/tokens` `{"kind":"user","user":"U…","scopes":[…]}`: mints one more
/// token — a user token for any person of the workspace, a bot token with other scopes, or
/// an app-level token (`"kind":"app"`, default scope `connections:write`; no `userId`) —
/// and returns it once: `{"token":"xoxp-…","userId":"U…","scopes":[…]}`. For tests of
/// identities and scope errors; reset removes it.
pub(crate) async fn mint_token(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: MintBody = json_body(&body)?;
    let client = state.kit.db().await?;
    if request.kind == "app" {
        let app_id = app_identity(&client).await?.app_id;
        let token = mint_app_token(&app_id);
        let scopes = request
            .scopes
            .unwrap_or_else(|| vec![CONNECTIONS_WRITE.to_owned()]);
        store_app_token(&client, &token, &scopes).await?;
        return Ok(Json(json!({ "token": token, "scopes": scopes })));
    }
    let (row, token, default_scopes) = match request.kind.as_str() {
        "bot" => {
            let row = client.query_opt(INSTALLED_BOT, &[]).await?;
            (row, mint_bot_token(), BOT_SCOPES)
        }
        "user" => {
            let row = client
                .query_opt(
                    "SELECT id, team_id FROM users
                     WHERE NOT is_bot AND id <> 'USLACKBOT'
                       AND (id = $1 OR ($1 IS NULL AND is_primary_owner))
                     ORDER BY id LIMIT 1",
                    &[&request.user],
                )
                .await?;
            (row, mint_user_token(), USER_SCOPES)
        }
        _ => return Err(invalid("kind must be \"bot\", \"user\" or \"app\"")),
    };
    let Some(row) = row else {
        return Err(ApiError::status(StatusCode::NOT_FOUND, "user_not_found").into());
    };
    let scopes = request
        .scopes
        .unwrap_or_else(|| default_scopes.iter().map(|s| (*s).to_owned()).collect());
    let user_id: String = row.get(0);
    let team_id: String = row.get(1);
    token::store(&client, &token, &request.kind, &user_id, &team_id, &scopes).await?;
    Ok(Json(
        json!({ "token": token, "userId": user_id, "scopes": scopes }),
    ))
}

/// `GET /api/admin/rate-limits`: the current setting (`{"enabled":false}` by default).
pub(crate) async fn get_rate_limits(State(state): State<AppState>) -> AdminResult {
    let client = state.kit.db().await?;
    let row = client
        .query_opt("SELECT value FROM settings WHERE key = 'rate_limits'", &[])
        .await?;
    let value = row
        .and_then(|row| serde_json::from_str(row.get::<_, &str>(0)).ok())
        .unwrap_or_else(|| json!({ "enabled": false }));
    Ok(Json(json!({ "ok": true, "rateLimits": value })))
}

/// `POST /api/admin/rate-limits` `{"enabled":true,"tiers":{"2":20},"methods":{…}}`: turns
/// Slack's per-method tiers on or off for this clone (off again after a reset).
pub(crate) async fn set_rate_limits(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let limits: Limits = json_body(&body)?;
    let value =
        json!({ "enabled": limits.enabled, "tiers": limits.tiers, "methods": limits.methods });
    let client = state.kit.db().await?;
    client
        .execute(
            "INSERT INTO settings (key, value) VALUES ('rate_limits', $1)
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[&value.to_string()],
        )
        .await?;
    Ok(Json(json!({ "ok": true, "rateLimits": value })))
}

/// `POST /api/admin/reminders/{id}/due`: the reminder comes due now, as if its time had come
/// (the clone has no clock a test can move): Slackbot posts it, with every other reminder
/// already due, before the call answers `{"ok":true,"posted":["Rm…",…]}`. A recurring
/// reminder then waits for its occurrence after the one it was due at. 404 `not_found` for
/// no such reminder, 409 `not_pending` for a one-off already posted or completed.
pub(crate) async fn reminder_due(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AdminResult {
    let posted = crate::model::reminder::post_due(&state, Some(&id)).await?;
    if !posted.contains(&id) {
        let refusal = match crate::model::reminder::pending(&state, &id).await? {
            None => (StatusCode::NOT_FOUND, "not_found"),
            Some(_) => (StatusCode::CONFLICT, "not_pending"),
        };
        return Err(ApiError::status(refusal.0, refusal.1).into());
    }
    Ok(Json(json!({ "ok": true, "posted": posted })))
}
