//! Who is calling: token resolution, scope checks, and `auth.test`.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use serde_json::{Map, Value, json};

use crate::args::Args;
use crate::error::{ApiError, ApiResult};
use crate::{AppState, Call, ratelimit};

/// Scopes granted to the bot token minted at provisioning: what a typical bot installs with.
#[rustfmt::skip]
pub(crate) const BOT_SCOPES: &[&str] = &[
    "bookmarks:read", "bookmarks:write", "calls:read", "calls:write", "canvases:read",
    "canvases:write", "channels:history", "channels:join", "channels:manage",
    "channels:read", "chat:write", "chat:write.customize", "dnd:read", "emoji:read",
    "files:read", "files:write", "groups:history", "groups:read", "groups:write", "im:history",
    "im:read", "im:write", "links:read", "links:write", "lists:read", "lists:write",
    "mpim:history", "mpim:read",
    "mpim:write", "pins:read", "pins:write", "reactions:read", "reactions:write",
    "remote_files:read", "remote_files:share", "remote_files:write", "team:read",
    "usergroups:read", "usergroups:write", "users.profile:read", "users:read",
    "users:read.email", "users:write",
];

/// Scopes granted to the user token minted at provisioning (the workspace's primary owner).
#[rustfmt::skip]
pub(crate) const USER_SCOPES: &[&str] = &[
    "bookmarks:read", "bookmarks:write", "calls:read", "calls:write", "canvases:read",
    "canvases:write", "channels:history", "channels:read", "channels:write", "chat:write",
    "dnd:read", "dnd:write", "emoji:read", "files:read", "files:write", "groups:history",
    "groups:read", "groups:write", "im:history", "im:read", "im:write", "lists:read",
    "lists:write", "mpim:history", "mpim:read", "mpim:write", "pins:read", "pins:write",
    "reactions:read", "reactions:write", "reminders:read", "reminders:write",
    "remote_files:read", "remote_files:share", "search:read", "stars:read", "stars:write",
    "team:read", "usergroups:read", "usergroups:write", "users.profile:read",
    "users.profile:write", "users:read", "users:read.email", "users:write",
];

/// Which kind of token authenticated the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// `xoxb-`: the app's bot user.
    Bot,
    /// `xoxp-`: a person who installed the app.
    User,
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// Bot or user token.
    pub(crate) kind: TokenKind,
    /// The user the token acts as (for a bot token, the bot user).
    pub(crate) user_id: String,
    /// That user's handle.
    pub(crate) user_name: String,
    /// The workspace.
    pub(crate) team_id: String,
    /// The workspace's name.
    pub(crate) team_name: String,
    /// For a bot token: the bot id (`B…`).
    pub(crate) bot_id: Option<String>,
    /// Scopes granted to the token.
    pub(crate) scopes: Vec<String>,
    /// Whether an Events API subscription exists or Socket Mode is on (writes then queue
    /// events).
    pub(crate) events: bool,
}

impl Caller {
    /// Succeeds when the token holds at least one of `any_of`.
    ///
    /// # Errors
    ///
    /// `missing_scope`, with `needed` and `provided` as Slack reports them.
    pub(crate) fn require(&self, any_of: &[&str]) -> Result<(), ApiError> {
        if any_of
            .iter()
            .any(|scope| self.scopes.iter().any(|held| held == scope))
        {
            return Ok(());
        }
        Err(ApiError::new("missing_scope")
            .with("needed", any_of.first().copied().unwrap_or_default())
            .with("provided", self.scopes.join(",")))
    }

    /// The row `sql` selects with `$1` the trimmed `id` and `$2` the caller's workspace: an
    /// object looked up by id, seen only from its own workspace.
    ///
    /// # Errors
    ///
    /// `missing` (the method's own code, e.g. `user_not_found`) when there is none;
    /// `internal_error` when Postgres fails.
    pub(crate) async fn find_row(
        &self,
        client: &impl GenericClient,
        sql: &str,
        id: &str,
        missing: &'static str,
    ) -> Result<Row, ApiError> {
        client
            .query_opt(sql, &[&id.trim(), &self.team_id])
            .await?
            .ok_or_else(|| ApiError::new(missing))
    }

    /// Succeeds when the token holds `bot` (bot tokens) or `user` (user tokens): the scope
    /// Slack names for the method and the token's kind.
    ///
    /// # Errors
    ///
    /// `missing_scope`, `needed` naming the scope of the token's kind.
    pub(crate) fn require_kind(&self, bot: &str, user: &str) -> Result<(), ApiError> {
        match self.kind {
            TokenKind::Bot => self.require(&[bot]),
            TokenKind::User => self.require(&[user]),
        }
    }

    /// Whether the token holds `scope`.
    pub(crate) fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|held| held == scope)
    }

    /// The `user` argument of `call`, the caller itself when absent or empty.
    pub(crate) fn user_arg(&self, call: &Call) -> String {
        call.args
            .non_empty("user")
            .unwrap_or_else(|| self.user_id.clone())
    }

    /// Who acts: the workspace and the user, as system messages name them.
    pub(crate) fn actor(&self) -> (&str, &str) {
        (&self.team_id, &self.user_id)
    }

    /// Whether this is a bot token.
    pub(crate) fn is_bot(&self) -> bool {
        self.kind == TokenKind::Bot
    }
}

/// The token of a call: `Authorization: Bearer …` first, then a `token` argument.
pub(crate) fn token<'a>(headers: &'a HeaderMap, args: &'a Args) -> Option<&'a str> {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            let (scheme, token) = value.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|token| !token.is_empty());
    bearer.or_else(|| args.token().filter(|token| !token.is_empty()))
}

/// Resolves the call's token to its [`Caller`].
///
/// # Errors
///
/// `not_authed` without a token, `invalid_auth` for an unknown one, `token_revoked` for a
/// revoked one,
/// `account_inactive` when its user is deleted.
pub(crate) async fn caller(state: &AppState, call: &Call) -> Result<Caller, ApiError> {
    let token = token(&call.headers, &call.args).ok_or_else(|| ApiError::new("not_authed"))?;
    let client = state.kit.db().await?;
    let statement = client.prepare_cached(CALLER_SQL).await?;
    let row = client
        .query_opt(&statement, &[&asym_kit::token::hash(token)])
        .await?;
    drop(client);
    caller_from_row(state, call, row.as_ref()).await
}

/// Resolves the call's token to its [`Caller`], which must hold one of `any_of`.
///
/// # Errors
///
/// As [`caller`], then as [`Caller::require`].
pub(crate) async fn caller_with(
    state: &AppState,
    call: &Call,
    any_of: &[&str],
) -> Result<Caller, ApiError> {
    let caller = caller(state, call).await?;
    caller.require(any_of)?;
    Ok(caller)
}

/// Resolves the call's token to its [`Caller`], which must be a person holding `scope`
/// (methods that take user tokens only).
///
/// # Errors
///
/// As [`caller`]; `not_allowed_token_type` for a bot token, then as [`Caller::require`].
pub(crate) async fn person(state: &AppState, call: &Call, scope: &str) -> Result<Caller, ApiError> {
    let caller = caller(state, call).await?;
    if caller.is_bot() {
        return Err(ApiError::new("not_allowed_token_type"));
    }
    caller.require(&[scope])?;
    Ok(caller)
}

/// The token lookup behind [`caller`]; `$1` is the token's hash. Its columns are named, for
/// the statements that embed it.
pub(crate) const CALLER_SQL: &str =
    "SELECT t.kind, t.user_id, u.name AS user_name, t.team_id, tm.name AS team_name,
            b.id AS bot_id, t.scopes, u.deleted,
            (SELECT value FROM settings WHERE key = 'rate_limits') AS rate_limits,
            (EXISTS (SELECT 1 FROM event_subscriptions)
             OR EXISTS (SELECT 1 FROM socket_mode)) AS events
     FROM tokens t
     JOIN users u ON u.id = t.user_id
     JOIN teams tm ON tm.id = t.team_id
     LEFT JOIN bots b ON b.user_id = t.user_id AND t.kind = 'bot'
     WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > now())";

/// Turns the row of [`CALLER_SQL`] into the [`Caller`], applying rate limits.
///
/// # Errors
///
/// As [`caller`].
pub(crate) async fn caller_from_row(
    state: &AppState,
    call: &Call,
    row: Option<&asym_kit::tokio_postgres::Row>,
) -> Result<Caller, ApiError> {
    let Some(row) = row else {
        return Err(unknown_token(state, call).await);
    };
    if row.get::<_, bool>(7) {
        return Err(ApiError::new("account_inactive"));
    }
    let limits: Option<String> = row.get(8);
    if let Some(limits) = limits {
        ratelimit::check(state, call, &limits).await?;
    }
    let kind: &str = row.get(0);
    Ok(Caller {
        kind: if kind == "bot" {
            TokenKind::Bot
        } else {
            TokenKind::User
        },
        user_id: row.get(1),
        user_name: row.get(2),
        team_id: row.get(3),
        team_name: row.get(4),
        bot_id: row.get(5),
        scopes: row.get(6),
        events: row.get(9),
    })
}

/// Why the call's token matched no live token: `token_revoked` when `auth.revoke` revoked
/// it, `not_allowed_token_type` for an app-level token (`xapp-`: only
/// `apps.connections.open` takes one), `token_expired` for an expiring token past its time
/// (by the database's clock), else `invalid_auth`. Only failing calls look.
async fn unknown_token(state: &AppState, call: &Call) -> ApiError {
    let Some(token) = token(&call.headers, &call.args) else {
        return ApiError::new("not_authed");
    };
    let known = async {
        let client = state.kit.db().await?;
        let row = client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE token_hash = $1),
                        EXISTS (SELECT 1 FROM app_tokens WHERE token_hash = $1),
                        EXISTS (SELECT 1 FROM tokens WHERE token_hash = $1
                                AND expires_at <= now())",
                &[&asym_kit::token::hash(token)],
            )
            .await?;
        Ok::<_, ApiError>((row.get(0), row.get(1), row.get(2)))
    }
    .await;
    match known {
        Ok((true, _, _)) => ApiError::new("token_revoked"),
        Ok((_, true, _)) => ApiError::new("not_allowed_token_type"),
        Ok((_, _, true)) => ApiError::new("token_expired"),
        Ok(_) => ApiError::new("invalid_auth"),
        Err(err) => err,
    }
}

/// `auth.test`: who the token is.
pub(crate) async fn test(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    let mut body = Map::new();
    body.insert(
        "url".into(),
        json!(format!("{}/", state.kit.config().public_url)),
    );
    body.insert("team".into(), json!(caller.team_name));
    body.insert("user".into(), json!(caller.user_name));
    body.insert("team_id".into(), json!(caller.team_id));
    body.insert("user_id".into(), json!(caller.user_id));
    if let Some(bot_id) = caller.bot_id {
        body.insert("bot_id".into(), Value::String(bot_id));
    }
    body.insert("is_enterprise_install".into(), Value::Bool(false));
    Ok(body)
}

/// `api.test`: echoes its arguments; `error=<code>` makes it fail with that code. Needs no
/// token.
pub(crate) fn api_test(call: &Call) -> ApiResult {
    let args = call.args.to_object();
    let mut body = Map::new();
    if let Some(error) = call.args.non_empty("error") {
        return Err(ApiError::custom(error).with("args", Value::Object(args)));
    }
    if !args.is_empty() {
        body.insert("args".into(), Value::Object(args));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(authorization: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, authorization.parse().unwrap());
        headers
    }

    #[test]
    fn the_header_wins_over_the_argument() {
        let args = Args::parse(None, Some("token=xoxp-arg"), b"").unwrap();
        assert_eq!(
            token(&headers("Bearer xoxb-header"), &args),
            Some("xoxb-header")
        );
        assert_eq!(
            token(&headers("bearer  xoxb-lower "), &args),
            Some("xoxb-lower")
        );
        assert_eq!(token(&HeaderMap::new(), &args), Some("xoxp-arg"));
    }

    #[test]
    fn empty_or_foreign_credentials_are_no_token() {
        let args = Args::parse(None, Some("token="), b"").unwrap();
        assert_eq!(token(&headers("Bearer "), &args), None);
        assert_eq!(token(&headers("Basic dXNlcjpwYXNz"), &args), None);
    }

    #[test]
    fn missing_scope_names_what_is_needed() {
        let caller = Caller {
            kind: TokenKind::Bot,
            user_id: "U1".into(),
            user_name: "bot".into(),
            team_id: "T1".into(),
            team_name: "Acme".into(),
            bot_id: Some("B1".into()),
            scopes: vec!["users:read".into()],
            events: false,
        };
        assert!(caller.require(&["users:read"]).is_ok());
        let err = caller.require(&["chat:write"]).unwrap_err();
        assert_eq!(err.code(), "missing_scope");
    }
}
