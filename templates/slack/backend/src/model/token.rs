//! Tokens: minted in Slack's shapes, stored as the kit's hashes in `tokens`, which every
//! call's token is looked up in (`auth`).

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::token::{hash, random_alnum, random_digits, random_hex};

use crate::error::ApiError;

/// A bot token in Slack's shape: `xoxb-<team digits>-<bot digits>-<24 alphanumerics>`.
pub(crate) fn mint_bot_token() -> String {
    format!(
        "xoxb-{}-{}-{}",
        random_digits(12),
        random_digits(13),
        random_alnum(24)
    )
}

/// A user token in Slack's shape: `xoxp-<digits>-<digits>-<digits>-<32 hex>`.
pub(crate) fn mint_user_token() -> String {
    format!(
        "xoxp-{}-{}-{}-{}",
        random_digits(12),
        random_digits(13),
        random_digits(13),
        random_hex(32)
    )
}

/// Stores `token` (its hash) as a `kind` (`bot` or `user`) token acting as `user` in `team`
/// with `scopes`.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn store(
    client: &impl GenericClient,
    token: &str,
    kind: &str,
    user: &str,
    team: &str,
    scopes: &[String],
) -> Result<(), ApiError> {
    client
        .execute(
            "INSERT INTO tokens (token_hash, kind, user_id, team_id, scopes)
             VALUES ($1, $2, $3, $4, $5)",
            &[&hash(token), &kind, &user, &team, &scopes],
        )
        .await?;
    Ok(())
}

/// How long an expiring access token lives, in seconds (Slack's twelve hours: the `interval`
/// [`issue_with`] stores).
pub(crate) const EXPIRES_IN: i64 = 43_200;

/// Whether the app has token rotation on (`POST /api/admin/oauth/rotation`).
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn rotation_enabled(client: &impl GenericClient) -> Result<bool, ApiError> {
    let row = client
        .query_opt(
            "SELECT 1 FROM settings WHERE key = 'token_rotation' AND value = 'on'",
            &[],
        )
        .await?;
    Ok(row.is_some())
}

/// A person reading a private file URL (a file's, a canvas's, a list export's) with a token
/// of the URL's workspace.
#[derive(Debug)]
pub(crate) struct Reader {
    /// The workspace.
    pub(crate) team: String,
    /// The user the token acts as.
    pub(crate) user: String,
}

/// The user the token of hash `$1` acts as, when it is one of workspace `$2`'s.
const READER_SQL: &str = "SELECT user_id FROM tokens WHERE token_hash = $1 AND team_id = $2";

/// The [`Reader`] holding the token of hash `token_hash`, when it is one of workspace
/// `team`'s.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn reader(
    client: &impl GenericClient,
    team: &str,
    token_hash: &str,
) -> Result<Option<Reader>, ApiError> {
    let row = client.query_opt(READER_SQL, &[&token_hash, &team]).await?;
    Ok(row.map(|row| Reader {
        team: team.to_owned(),
        user: row.get(0),
    }))
}

/// Who a token is minted for: `kind` (`bot` or `user`), the user it acts as, the workspace,
/// its scopes.
#[derive(Debug)]
pub(crate) struct Holder<'a> {
    /// `bot` or `user`.
    pub(crate) kind: &'a str,
    /// The user it acts as (a bot token: the bot user).
    pub(crate) user: &'a str,
    /// The workspace.
    pub(crate) team: &'a str,
    /// Its scopes.
    pub(crate) scopes: &'a [String],
}

impl<'a> Holder<'a> {
    /// A holder.
    pub(crate) fn new(kind: &'a str, user: &'a str, team: &'a str, scopes: &'a [String]) -> Self {
        Self {
            kind,
            user,
            team,
            scopes,
        }
    }
}

/// A refresh token in Slack's shape: `xoxe-1-<alphanumerics>`.
pub(crate) fn mint_refresh_token() -> String {
    format!("xoxe-1-{}", random_alnum(146))
}

/// Mints and stores an access token for `holder`: a long-lived one, or with `rotating` an
/// expiring one (`xoxe.xoxb-…`/`xoxe.xoxp-…`, twelve hours on the database's clock) with a
/// refresh token. Answers the fields an OAuth answer carries for it: `access_token`,
/// `token_type`, and when rotating `refresh_token` and `expires_in`.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn issue(
    client: &impl GenericClient,
    holder: &Holder<'_>,
    rotating: bool,
) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    issue_with(client, holder, rotating, None).await
}

/// [`issue`], an expiring token keeping the refresh token `refresh` when given (a refresh:
/// Slack's refresh tokens stay good) rather than minting one.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn issue_with(
    client: &impl GenericClient,
    holder: &Holder<'_>,
    rotating: bool,
    refresh: Option<&str>,
) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    use serde_json::json;
    let plain = if holder.kind == "bot" {
        mint_bot_token()
    } else {
        mint_user_token()
    };
    let mut fields = serde_json::Map::new();
    fields.insert("token_type".into(), json!(holder.kind));
    if !rotating {
        store(
            client,
            &plain,
            holder.kind,
            holder.user,
            holder.team,
            holder.scopes,
        )
        .await?;
        fields.insert("access_token".into(), json!(plain));
        return Ok(fields);
    }
    let access = format!("xoxe.{plain}");
    client
        .execute(
            "INSERT INTO tokens (token_hash, kind, user_id, team_id, scopes, expires_at)
             VALUES ($1, $2, $3, $4, $5, now() + interval '12 hours')",
            &[
                &hash(&access),
                &holder.kind,
                &holder.user,
                &holder.team,
                &holder.scopes,
            ],
        )
        .await?;
    let refresh = match refresh {
        Some(kept) => kept.to_owned(),
        None => {
            let minted = mint_refresh_token();
            client
                .execute(
                    "INSERT INTO refresh_tokens (token_hash, kind, user_id, team_id, scopes)
                     VALUES ($1, $2, $3, $4, $5)",
                    &[
                        &hash(&minted),
                        &holder.kind,
                        &holder.user,
                        &holder.team,
                        &holder.scopes,
                    ],
                )
                .await?;
            minted
        }
    };
    fields.insert("access_token".into(), json!(access));
    fields.insert("refresh_token".into(), json!(refresh));
    fields.insert("expires_in".into(), json!(EXPIRES_IN));
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts `token` is `prefix`, then `numbers` parts of digits, then a secret of `len`
    /// characters that all pass `charset`, joined by `-`.
    fn assert_shape(
        token: &str,
        prefix: &str,
        numbers: usize,
        len: usize,
        charset: fn(&u8) -> bool,
    ) {
        let parts: Vec<&str> = token.split('-').collect();
        assert_eq!(parts.len(), numbers + 2, "{token}");
        assert_eq!(parts[0], prefix, "{token}");
        let digits = |part: &&str| part.bytes().all(|b| b.is_ascii_digit());
        assert!(parts[1..=numbers].iter().all(digits), "{token}");
        let secret = parts[numbers + 1];
        assert_eq!(secret.len(), len, "{token}");
        assert!(secret.bytes().all(|b| charset(&b)), "{token}");
    }

    #[test]
    fn bot_tokens_have_slacks_shape() {
        assert_shape(&mint_bot_token(), "xoxb", 2, 24, u8::is_ascii_alphanumeric);
    }

    #[test]
    fn user_tokens_have_slacks_shape() {
        assert_shape(&mint_user_token(), "xoxp", 3, 32, u8::is_ascii_hexdigit);
    }
}
