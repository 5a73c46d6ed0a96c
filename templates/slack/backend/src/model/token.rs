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
